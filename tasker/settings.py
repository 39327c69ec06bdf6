"""Tasker settings: every value comes from the environment (or a local `.env`)."""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.management.utils import get_random_secret_key
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# --- Core ---
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        sys.exit("SECRET_KEY is not set: set it in the environment or .env (or set DEBUG=true).")
    # Development without .env: a fresh key per start (sessions end on restart).
    SECRET_KEY = get_random_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, opened only after a second factor (accounts/admin_site.py).
    "accounts.admin_apps.TaskerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "sorl.thumbnail",
    "axes",
    "django_tasks_db",
    "tasker",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "marketplace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SignOutInactiveUsersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with
    # registration/locked_out.html and status 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tasker.urls"
WSGI_APPLICATION = "tasker.wsgi.application"
ASGI_APPLICATION = "tasker.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.context_processors.unread_counts",
            ],
        },
    },
]

# --- Database ---
# SQLite is the embedded default and must take concurrent writers: WAL, IMMEDIATE
# transactions (a writer takes the lock up front instead of failing mid-transaction)
# and a busy timeout so waiting writers queue instead of erroring. Its page cache is 32 MB
# (not 2 MB) per connection, and connections are kept between requests like PostgreSQL's:
# a new one starts with an empty cache and parses the schema again.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=10000;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA cache_size=-32000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test_db.sqlite3")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---
# Rate-limit counters live here, so every process that serves the site must share one.
# Default: a table in the database (tasker/cache.py; `manage.py createcachetable` makes it),
# shared by every worker process and app server using the database. Several machines: Redis
# (CACHE_URL=redis://127.0.0.1:6379/1), asked with short timeouts so that a Redis that is down
# or hung costs a request at most a second (the limits then fail open, tasker/ratelimit.py).
# django-environ would pick django-redis for a redis:// URL whenever that package happens to
# be installed; Tasker always uses Django's own Redis backend, with the pinned `redis` client.
_cache_url = env.str("CACHE_URL", default="")
_redis_backend = "django.core.cache.backends.redis.RedisCache"
if _cache_url:
    CACHES = {
        "default": env.cache_url_config(
            _cache_url,
            backend=_redis_backend if _cache_url.startswith(("redis", "valkey")) else None,
        )
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "tasker.cache.DatabaseCache",
            "LOCATION": "tasker_cache",
            # Expired counters are culled; live ones must never be.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }
if CACHES["default"]["BACKEND"] == _redis_backend:
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=1, socket_timeout=1)
# The task-list caches (tasker/listing.py) are invalidated through the cache itself, so
# every process must share it: with a per-process cache (locmem) a change would show only
# in the process that made it, so they are off unless LISTING_CACHE says otherwise.
LISTING_CACHE = env.bool("LISTING_CACHE", default=not _cache_url.startswith("locmem"))
# Rendered fragments whose cache key names everything they show (a task card's key holds
# the task's last change): each process keeps its own, as nothing can go stale between them.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
# For that backend django-environ lower-cases ?timeout=…&key_prefix=…, which Django ignores.
for _option in ("TIMEOUT", "KEY_PREFIX", "VERSION"):
    if _option.lower() in CACHES["default"]:
        CACHES["default"][_option] = CACHES["default"].pop(_option.lower())

# --- Accounts and passwords ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins before checking
    "accounts.backends.EmailOrUsernameBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "marketplace:dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    # bcrypt on a SHA-256 digest: plain bcrypt refuses passwords over 72 bytes.
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # zxcvbn (offline, no network): dictionary words, dates, keyboard patterns, names.
    {"NAME": "accounts.passwords.StrengthValidator"},
]
# zxcvbn's score from 0 to 4: 3 means "safely unguessable" against online attacks with
# throttling, and refuses "Summer2026".
PASSWORD_MINIMAL_STRENGTH = env.int("PASSWORD_MINIMAL_STRENGTH", default=3)
PASSWORD_EXTRA_DICTIONARY = ["tasker"]
# How long a link confirming an email address works.
EMAIL_CONFIRM_MAX_AGE = env.int("EMAIL_CONFIRM_MAX_AGE", default=60 * 60 * 24)
# Staff sign in to the admin with a TOTP app as a second factor (accounts/two_factor.py).
OTP_TOTP_ISSUER = "Tasker"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
# Sessions live in the database, never only in the cache: a cache outage signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Throttling ---
# django-axes: lock an account + address pair after repeated failures (stored in the
# database, so every app server sees them). The account is the one the login names,
# however it was written (username or email, any case); unknown logins count alike.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.backends.login_key"
# Two wider limits on top (accounts/throttle.py), counted from django-axes' failure log:
# failures from one address across every account (password spraying), and failures
# against one account from every address, slower and for longer.
AXES_HANDLER = "accounts.throttle.AccountThrottleHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_ADDRESS_FAILURE_LIMIT = env.str("LOGIN_ADDRESS_FAILURE_LIMIT", default="20/h")
LOGIN_ACCOUNT_FAILURE_LIMIT = env.str("LOGIN_ACCOUNT_FAILURE_LIMIT", default="50/d")
# Not verbose: no "AXES: BEGIN" banner each time a command starts Django (three times over in
# `make run`); lockouts and failed logins are still logged.
AXES_VERBOSE = False
# Behind reverse proxies every request comes from a proxy's address: count them so that
# throttling sees the client's (tasker/ratelimit.py: client_ip). Otherwise five wrong
# passwords from anyone would lock an account for everybody.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "tasker.ratelimit.client_ip"
# Our own per-user limits on actions (tasker/ratelimit.py): "count/period", period s|m|h|d.
RATE_LIMITS = {
    "signup": env.str("RATE_LIMIT_SIGNUP", default="10/h"),
    "bid": env.str("RATE_LIMIT_BID", default="30/h"),
    "message": env.str("RATE_LIMIT_MESSAGE", default="60/h"),
    "question": env.str("RATE_LIMIT_QUESTION", default="20/h"),
    "report": env.str("RATE_LIMIT_REPORT", default="20/h"),
    "two_factor": env.str("RATE_LIMIT_TWO_FACTOR", default="30/h"),
    "email_change": env.str("RATE_LIMIT_EMAIL_CHANGE", default="5/h"),
    "email_verify": env.str("RATE_LIMIT_EMAIL_VERIFY", default="3/h"),
    # Password reset emails: per address asking, and per address asked for.
    "password_reset": env.str("RATE_LIMIT_PASSWORD_RESET", default="3/h"),
    "password_reset_account": env.str("RATE_LIMIT_PASSWORD_RESET_ACCOUNT", default="3/h"),
}

# --- Email ---
# EMAIL_URL picks the mailer: consolemail:// in development, smtp+tls://user:pass@host:587
# in production. Django 6.1 reads MAILERS; the EMAIL_* settings are deprecated.
# The default mailer only queues (tasker/mail.py); "outgoing" is the one that delivers, from
# the task worker, trying a failed send again after each of EMAIL_RETRY_DELAYS seconds.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
MAILERS = {
    "default": {"BACKEND": "tasker.mail.QueuedEmailBackend"},
    "outgoing": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {
                "host": _email["EMAIL_HOST"],
                "port": _email["EMAIL_PORT"],
                "username": _email["EMAIL_HOST_USER"] or None,
                "password": _email["EMAIL_HOST_PASSWORD"] or None,
                "use_tls": _email.get("EMAIL_USE_TLS", False),
                "use_ssl": _email.get("EMAIL_USE_SSL", False),
                "timeout": env.int("EMAIL_TIMEOUT", default=10),
            }
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    },
}
EMAIL_RETRY_DELAYS = [
    int(s) for s in env.list("EMAIL_RETRY_DELAYS", default=["60", "300", "1800", "7200", "21600"])
]
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tasker <no-reply@tasker.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write for help, to report a problem, about their data or to appeal a
# suspension (the Contact page, the sign-in page of a suspended account).
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@tasker.local")
# Where the site is served, for links in emails (sent without a request at hand). Unset, it
# is the local server on PORT, which `make run PORT=8101` passes on.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
SITE_URL = SITE_URL.rstrip("/")

# --- Background tasks ---
# Emails (and later other slow work) are django.tasks tasks. TASK_QUEUE=database (the default
# with DEBUG off) keeps them in the database (django-tasks-db) for `manage.py db_worker` to
# run; TASK_QUEUE=immediate (the default with DEBUG on) runs each one at once, in-process.
# /healthz reports the queue as stuck when the oldest waiting task is older than
# HEALTH_QUEUE_MAX_AGE seconds (no worker running, or one that cannot keep up).
TASK_QUEUE = env.str("TASK_QUEUE", default="immediate" if DEBUG else "database")
_task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASK_QUEUE not in _task_backends:
    sys.exit(f"TASK_QUEUE must be one of {', '.join(_task_backends)}, not {TASK_QUEUE!r}.")
TASKS = {"default": {"BACKEND": _task_backends[TASK_QUEUE]}}
HEALTH_QUEUE_MAX_AGE = env.int("HEALTH_QUEUE_MAX_AGE", default=300)

# --- Security ---
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# The front server and monitoring poll /healthz over plain HTTP, from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading is an opt-in the domain's owner makes on hstspreload.org and is slow to undo, so
# it stays off by default and check --deploy does not warn about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Media (uploaded photos) ---
# Photos live in Django's "default" storage: the file system under MEDIA_ROOT (served by
# runserver under `make run`, by nginx under `make serve`), or, when MEDIA_STORAGE=s3, an
# S3-compatible bucket through django-storages (several app servers need shared media). A
# photo hidden by a moderator moves to the "private" storage, which nothing serves: a
# directory beside MEDIA_ROOT, or a prefix of the bucket that its policy keeps private.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
MEDIA_STORAGE_KIND = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE_KIND not in ("local", "s3"):
    sys.exit(f"MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE_KIND!r}.")
if MEDIA_STORAGE_KIND == "s3":
    _s3 = {
        "bucket_name": env.str("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
        "region_name": env.str("S3_REGION", default=None),
        "access_key": env.str("S3_ACCESS_KEY_ID", default=None),
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=None),
        "custom_domain": env.str("S3_CUSTOM_DOMAIN", default=None),
        "file_overwrite": False,
    }
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3 | {"location": "media", "querystring_auth": False},
    }
    PRIVATE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3 | {"location": "private", "custom_domain": None, "default_acl": "private"},
    }
    MEDIA_URL = env.str(
        "MEDIA_URL",
        default=f"https://{_s3['custom_domain']}/media/" if _s3["custom_domain"] else "/media/",
    )
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    PRIVATE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/no-public-url/"},
    }
    MEDIA_URL = env.str("MEDIA_URL", default="/media/")
if MEDIA_URL.startswith(("https://", "http://")):  # photos from the bucket's own address
    SECURE_CSP["img-src"].append(MEDIA_URL)
# Django itself serves MEDIA_ROOT under MEDIA_URL: for `make run` (DEBUG) and the tests; in
# production nginx does (deploy/nginx), or the bucket.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
# Thumbnails (sorl-thumbnail) are made when a photo is uploaded, on the task worker, and
# their names kept on the photo: pages never make one while rendering.
THUMBNAIL_PRESERVE_FORMAT = True
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"
THUMBNAIL_PREFIX = "thumbs/"
THUMBNAIL_QUALITY = 85

# --- Static files ---
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": MEDIA_STORAGE,
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Internationalisation ---
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# Tasker is written in British English only. With translation off, every gettext call
# (timesince, pluralised form messages, widgets) skips the catalogue lookups, a sixth of a
# browse page's time; dates and numbers still use the en-gb formats.
USE_I18N = False
USE_TZ = True
# en-GB, but form fields render dates as ISO 8601, the only form a date input takes.
FORMAT_MODULE_PATH = ["tasker.formats"]

# --- Forms ---
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
