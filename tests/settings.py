"""Test settings: production settings with test-only speed-ups and in-memory mail."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from tasker.settings import *  # noqa: E402, F403
from tasker.settings import PASSWORD_HASHERS  # noqa: E402

# Hashing is deliberately slow; tests that care about bcrypt ask for it explicitly.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the source folders, as in development (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tests post far more than a person would; the throttling tests set tight limits themselves.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "100000/h")  # noqa: F405
