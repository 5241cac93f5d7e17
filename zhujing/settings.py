"""Settings for zhujing, read from the environment.

With no environment at all the app runs on SQLite and an embedded (filesystem)
Celery broker, so a fresh checkout works with one command, safe to put in front of users:
no debug pages (``DEBUG=1``, as ``make dev`` sets, shows them), a secret key made once under
``var/``, and the office PC's LAN addresses allowed as hosts so phones on the venue's
network sign in over plain http. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and
Redis; ``HTTPS=1`` (a deployment behind TLS) turns on the HTTPS hardening.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

from zhujing import install

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Django's debug pages (every route listed on a 404) only when asked for: `make dev`.
DEBUG = env_bool("DEBUG", False)
# HTTPS hardening (redirect, HSTS, Secure __Host- cookies) is a separate switch: the default
# install serves phones over plain http on the venue's network, where it must stay off.
HTTPS = env_bool("HTTPS", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if HTTPS:
        # Behind TLS several containers share one key: it must come from the environment.
        raise RuntimeError("SECRET_KEY must be set when HTTPS is on")
    SECRET_KEY = install.persistent_secret_key(
        Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))
    )

# COUNCIL_HOSTS: the host names councils are reached at (Council.host), admitted as well.
ALLOWED_HOSTS = (env_list("ALLOWED_HOSTS") or [
    "127.0.0.1", "localhost", "[::1]", *install.lan_hosts()
]) + env_list("COUNCIL_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Reverse proxies in front of the app whose X-Forwarded-For may be trusted (rate limits).
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
# The address phones use: the QR codes, links in emails and calendar feeds. `make run` sets
# it to the office PC's LAN address; the meeting page shows it and warns about a loopback one.
SITE_URL = (
    os.environ.get("SITE_URL") or os.environ.get("SITE_ROOT") or "http://127.0.0.1:8000"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "simple_history",
    "csp",
    "axes",
    "accounts",
    "units",
    "projects",
    "reminders",
    "records",
    "opendata",
    "district",
    "core.freshness",
    "demo",
]

# Compress HTML in the app (core.middleware.GZipMiddleware: Django's with its BREACH padding) unless a
# reverse proxy in front does it (COMPRESS_HTML=0 in docker-compose): see docs/performance.md.
COMPRESS_HTML = env_bool("COMPRESS_HTML", True)
# zlib level for that: 2 costs a third of the CPU of Django's 6 for ~20% more bytes.
GZIP_LEVEL = int(os.environ.get("GZIP_LEVEL", "2"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # request.council from the host name or /c/<slug>/ (after static files, before the rest).
    "units.middleware.CouncilAddressMiddleware",
    *(["core.middleware.GZipMiddleware"] if COMPRESS_HTML else []),
    "accounts.sessions.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every query from here on is scoped to the council the request addresses.
    "units.middleware.CouncilScopeMiddleware",
    "core.middleware.UnreadableInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhujing.urls"
WSGI_APPLICATION = "zhujing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "units.context_processors.council",
                "reminders.context_processors.unread_notifications",
            ],
            "builtins": ["core.money"],  # {{ amount|money }} in every template
        },
    }
]

#: What the apps add to the signed-in header's key (core.sharedcache): each takes the request.
SIGNED_IN_HEADER_STATE = [
    "reminders.context_processors.unread_badge",
    "records.todos.office_todos_badge",
]

# --- Database -----------------------------------------------------------------
# SQLite by default: WAL so readers don't block the writer, IMMEDIATE transactions
# so writers queue on the lock instead of failing with "database is locked".
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
    # Behind a pooler in transaction mode (PgBouncer's pool_mode = transaction) the next
    # fetch from a server-side cursor (QuerySet.iterator(): the open data, the reminder
    # sweep) may reach another server connection than the one that holds the cursor:
    # docs/operations.md, "Scaling".
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_TRANSACTION_POOLING")
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": str(BASE_DIR / "var" / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The throttle first: it refuses a locked-out username+IP before any password is checked;
# then a ModelBackend that also loads the unread inbox count for the header, in the same query.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LoginThrottleBackend",
    "reminders.backends.InboxAwareModelBackend",
]
LOGIN_URL = "accounts:login"
# Who a liaison calls for a forgotten password, shown on the login page (e.g. "党建办 王老师
# 57321234"); without it the page says to contact the town's party-building office.
OFFICE_CONTACT = os.environ.get("OFFICE_CONTACT", "")
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters.
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Cache, Redis and Celery ---------------------------------------------------
# REDIS_URL is the Celery broker; CACHE_REDIS_URL the cache (by default the same Redis).
# In production give the cache its own Redis with an LRU limit (docker-compose.yml), so a
# full cache evicts pages and never refuses the broker's writes. The cache fails soft
# (django-redis' IGNORE_EXCEPTIONS): with Redis down every page is built from the database.
# Each layer on top of it has its own switch; docs/caching.md describes them.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "") or REDIS_URL
if CACHE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "zhujing"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions in the database, read through a shared Redis cache when there is one (never
# through a per-process memory cache, which a logout in another process would not reach).
# Whether a session still signs someone in is checked against the logout epoch kept in
# PostgreSQL (accounts.models.User.sessions_valid_after), so a restored cache undoes no logout.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_REDIS_URL and env_bool("SESSION_CACHE", True)
    else "django.contrib.sessions.backends.db"
)

# Pages cached whole per audience (core.pagecache.shared_page): anonymous visitors, and with
# SIGNED_IN_PAGE_CACHE the signed-in roles too; every committed change to a registry or
# project model invalidates them, the TTL bounds the rest.
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", True)
SIGNED_IN_PAGE_CACHE = env_bool("SIGNED_IN_PAGE_CACHE", True)
PUBLIC_PAGE_TTL = int(os.environ.get("PUBLIC_PAGE_TTL", "300"))
# Reads every request of a kind makes, memoised per data version in each process
# (core.pagecache.per_version): the open meeting, the staff's pending-needs badge.
VERSION_MEMO = env_bool("VERSION_MEMO", True)
# Each signed-in user's site header, rendered once per state of what it shows, in each
# process (core.pagecache._header).
HEADER_MEMO = env_bool("HEADER_MEMO", True)
# The big screen's totals and HTML, cached per meeting and data version (projects.screen).
SCREEN_CACHE = env_bool("SCREEN_CACHE", True)
# The signed-in user (with their unread count) from the cache, keyed by a version in the
# database that any change to a user or an inbox moves (accounts.usercache).
USER_CACHE = env_bool("USER_CACHE", True)

BROKER_DIR = Path(os.environ.get("BROKER_DIR", BASE_DIR / "var" / "broker"))
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "max_retries": 2,
        # Unacked (acks_late) tasks come back after this; the delivery lease makes that safe.
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    }
    if REDIS_URL
    else {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
)
if not REDIS_URL:
    # kombu's filesystem transport needs its folders before a worker starts.
    for _folder in ("out", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# .delay() must not hang when the broker is down: give up quickly (the sweep retries later).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "sweep-reminders": {
        "task": "reminders.sweep_reminders",
        "schedule": float(os.environ.get("REMINDER_SWEEP_SECONDS", "30")),
    },
    "requeue-reminders": {
        "task": "reminders.requeue_reminders",
        "schedule": float(os.environ.get("REMINDER_REQUEUE_CHECK_SECONDS", "30")),
    },
    "flush-outboxes": {
        "task": "reminders.flush_outboxes",
        "schedule": float(os.environ.get("REMINDER_OUTBOX_CHECK_SECONDS", "30")),
    },
    "weekly-digest": {
        "task": "reminders.send_weekly_digest",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
}

# --- Reminders -------------------------------------------------------------------
REMINDER_VISIT_LEAD_DAYS = int(os.environ.get("REMINDER_VISIT_LEAD_DAYS", "7"))
REMINDER_VISIT_ESCALATE_DAYS = int(os.environ.get("REMINDER_VISIT_ESCALATE_DAYS", "14"))
REMINDER_MILESTONE_LEAD_DAYS = int(os.environ.get("REMINDER_MILESTONE_LEAD_DAYS", "7"))
REMINDER_MEETING_LEAD_DAYS = int(os.environ.get("REMINDER_MEETING_LEAD_DAYS", "14"))
# A delivery sends to the inbox and by email (EMAIL_TIMEOUT 10 s) and only queues robot and
# SMS messages, so a lease of a minute is ample; a worker killed mid-send leaves a lease that
# runs out after it, and the next requeue check (every REMINDER_REQUEUE_CHECK_SECONDS)
# enqueues the reminder again: all its channels arrive within about two minutes.
REMINDER_LEASE_SECONDS = int(os.environ.get("REMINDER_LEASE_SECONDS", "60"))
# A reminder never tried is enqueued again after REMINDER_REQUEUE_SECONDS (its message was
# lost with the broker), one whose send failed after REMINDER_RETRY_REQUEUE_SECONDS (its
# retries wait in the worker with backoff).
REMINDER_REQUEUE_SECONDS = int(os.environ.get("REMINDER_REQUEUE_SECONDS", "90"))
REMINDER_RETRY_REQUEUE_SECONDS = int(os.environ.get("REMINDER_RETRY_REQUEUE_SECONDS", "900"))
REMINDER_CHANNELS = env_list("REMINDER_CHANNELS", "in_app,email,wecom,sms")
# No robot message or SMS from 21:00 to 08:00 (TIME_ZONE): held until the morning.
# "21,8" by default; the same hour twice (e.g. "0,0") turns quiet hours off.
REMINDER_QUIET_HOURS = tuple(int(h) for h in env_list("REMINDER_QUIET_HOURS", "21,8"))
REMINDER_HTTP_TIMEOUT = float(os.environ.get("REMINDER_HTTP_TIMEOUT", "10"))
REMINDER_OUTBOX_LEASE_SECONDS = int(os.environ.get("REMINDER_OUTBOX_LEASE_SECONDS", "60"))
REMINDER_OUTBOX_RETRY_SECONDS = int(os.environ.get("REMINDER_OUTBOX_RETRY_SECONDS", "60"))
# 企业微信 group robots (registered in the admin; docs/reminders.md).
WECOM_WEBHOOK_URL = os.environ.get(
    "WECOM_WEBHOOK_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
)
WECOM_BATCH_SECONDS = int(os.environ.get("WECOM_BATCH_SECONDS", "5"))
WECOM_RATE_LIMIT_PAUSE_SECONDS = int(os.environ.get("WECOM_RATE_LIMIT_PAUSE_SECONDS", "60"))
# SMS gateway: off until SMS_GATEWAY_URL is set. Templates are approved by the provider;
# SMS_TEMPLATES maps reminder kinds to their codes, e.g. "visit_overdue=SMS_1,meeting=SMS_2".
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", "朱泾党建")
SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")
SMS_TEMPLATES = dict(
    item.split("=", 1) for item in env_list("SMS_TEMPLATES", "") if "=" in item
)
SMS_DAILY_CAP_PER_NUMBER = int(os.environ.get("SMS_DAILY_CAP_PER_NUMBER", "5"))
# Only the worker-crash test sets this: the email channel sleeps before sending.
REMINDER_TEST_SEND_DELAY = float(os.environ.get("REMINDER_TEST_SEND_DELAY", "0"))

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed static files (cached for a year, immutable) with gzip and brotli copies that
# WhiteNoise serves with Content-Encoding. Production always collects them (the image
# does); `make run` collects them too (STATIC_HASHED=1), so the default install serves
# them the same way. A checkout that never collected serves the originals from static/;
# STATIC_HASHED=0 does too, for editing CSS without collecting again.
STATIC_HASHED = env_bool("STATIC_HASHED", (STATIC_ROOT / "staticfiles.json").exists())
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "core.storage.HashedStaticFilesStorage"
            if STATIC_HASHED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Not collected: WhiteNoise serves the originals from static/ (a checkout that never ran
# `make run`, or STATIC_HASHED=0 while editing CSS).
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_HASHED
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ---------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zhujing@localhost")

# --- Security ------------------------------------------------------------------
# htmx runs with allowEval off and no data-hx-on attributes, so no unsafe-eval or
# unsafe-inline is needed anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by core.middleware.PermissionsPolicyMiddleware: no page needs these features.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)
# 长辈模式 (core.caremode): residents' choice of larger text, remembered for a year.
CARE_MODE_COOKIE_NAME = "care"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# htmx reads the token from <body data-hx-headers>, never from the cookie.
CSRF_COOKIE_HTTPONLY = True

# Login throttling (django-axes). At the joint meeting every unit shares the venue's
# network, so a lockout is per username *and* IP: a mistyped password locks out one
# account from one address, never the whole room. The lockout ends by itself.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
# A wrong password during the lockout does not extend it: it always ends in time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["password", "old_password", "new_password1", "new_password2"]
# Behind NUM_PROXIES reverse proxies, the client's address is the one the nearest proxy
# appended to X-Forwarded-For (see core.access.client_ip).
AXES_CLIENT_IP_CALLABLE = "core.access.client_ip"

if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, has
    # Path=/ and no Domain: no sibling host can plant or overwrite it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
    CARE_MODE_COOKIE_NAME = "__Host-care"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True
    LANGUAGE_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
