"""Settings for the app servers that tests/test_performance_instances.py starts itself.

The production settings as they are (database, cache and limits from the environment),
except that static files are served from the source folders, so no collectstatic is needed.
"""

from tasker.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
