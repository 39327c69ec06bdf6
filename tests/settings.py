"""Test settings: production settings with test-only speed-ups and in-memory mail.

Tasks run at once, in-process (the immediate backend), and the cache is local memory, so
tests need no worker and no cache table; tests of the queue and of the shared cache ask for
them explicitly.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("TASK_QUEUE", "immediate")
os.environ.setdefault("CACHE_URL", "locmemcache://")

from tasker.settings import *  # noqa: E402, F403
from tasker.settings import PASSWORD_HASHERS  # noqa: E402

# Hashing is deliberately slow; tests that care about bcrypt ask for it explicitly.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
# Django's test set-up turns every mailer into the in-memory one (mail.outbox), the queued
# default included; tests of the queue (tests/test_mail_queue.py) put it back themselves.
MAILERS = {
    "default": {"BACKEND": "tasker.mail.QueuedEmailBackend"},
    "outgoing": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
}
# Uploaded photos go to a folder of this run's own, public and private.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="tasker-test-media-"))
PRIVATE_MEDIA_ROOT = MEDIA_ROOT.with_name(MEDIA_ROOT.name + "-private")
SERVE_MEDIA = True
atexit.register(shutil.rmtree, MEDIA_ROOT, True)
atexit.register(shutil.rmtree, PRIVATE_MEDIA_ROOT, True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/no-public-url/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the source folders, as in development (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tests post far more than a person would; the throttling tests set tight limits themselves.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "100000/h")  # noqa: F405
# One process: the task-list caches are on, as in production, though the cache is locmem.
LISTING_CACHE = True
