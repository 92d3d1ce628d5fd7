"""Saiwu settings. Every value comes from the environment through `config.env`; see `.env.example`."""

import json
from datetime import timedelta

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env_bool, env_int, env_list, env_str

DEBUG = env_bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-debug-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Public base URL, used in certificate QR codes and invitation links.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Ed25519 key that signs certificates: base64 of the raw 32-byte private key. Production must set
# it (awards.certificates.signing.generate_signing_key_b64 makes one). Empty with DEBUG on: a dev
# key derived from SECRET_KEY; empty with DEBUG off: signing fails. Changing it voids signatures.
CERTIFICATE_SIGNING_KEY = env_str("CERTIFICATE_SIGNING_KEY")
if not CERTIFICATE_SIGNING_KEY and not DEBUG:
    # Fail at startup, not with a 500 on every verification.
    raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEY must be set when DJANGO_DEBUG is off.")
# The PAdES signature on every certificate PDF (docs/developer/certificates.md). All empty: the
# platform's own self-signed ECDSA P-256 certificate, derived from CERTIFICATE_SIGNING_KEY (the same
# on every machine). An organisation's own: PEM text or a file path (the certificate may be
# followed by its chain) and its key. TRUSTED_CERTS: earlier signing certificates whose PDFs
# verify-pdf still accepts.
CERTIFICATE_PDF_SIGNING_CERT = env_str("CERTIFICATE_PDF_SIGNING_CERT")
CERTIFICATE_PDF_SIGNING_KEY = env_str("CERTIFICATE_PDF_SIGNING_KEY")
CERTIFICATE_PDF_SIGNING_KEY_PASSWORD = env_str("CERTIFICATE_PDF_SIGNING_KEY_PASSWORD")
CERTIFICATE_PDF_SIGNER_NAME = env_str("CERTIFICATE_PDF_SIGNER_NAME")
CERTIFICATE_PDF_TRUSTED_CERTS = env_str("CERTIFICATE_PDF_TRUSTED_CERTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served from here, never a CDN
    "contest",
    "judging",
    "awards",
    "notifications",
    "demo",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns an admin lockout into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

FRONTEND_DIST = BASE_DIR / "frontend" / "dist"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # PostgreSQL through a pool of connections per process (psycopg_pool, Django's own support):
    # the ASGI server runs each request in a new thread, and Django's connections are per thread,
    # so without one every request would open (and PostgreSQL fork) a connection of its own.
    # DATABASE_POOL=0: one connection per thread, kept for 60 s, as a sync worker needs.
    DATABASE_POOL = env_bool("DATABASE_POOL", default=True)
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DATABASE_POOL else 60)
    }
    if DATABASE_POOL:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 8),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 20),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "config.sqlite",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE: a transaction takes the write lock when it begins, so two requests'
            # threads (the ASGI server runs each request in its own) wait for each other instead
            # of failing with "database is locked" when both upgrade a read to a write.
            # WAL: a read (the screens' state, every GET) neither waits for the writer nor holds
            # its commit back. config.sqlite queues the writers of one process on a lock of its
            # own: SQLite's polling let a waiting submit lose the lock to later ones for 1.2 s.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL",
            },
            # in memory, as for Django's own engine: pytest-django knows that one by its name
            # and would give each xdist worker a file named after the database instead
            "TEST": {"NAME": ":memory:"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "contest.User"
# django-axes first: it refuses a locked-out admin login before the password is checked.
AUTHENTICATION_BACKENDS = ["api.throttling.AdminAxesBackend", "contest.auth.EmailOrMobileBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "mobile", "real_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [d for d in [FRONTEND_DIST / "assets"] if d.exists()]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))

# Uploaded files: a local folder (a volume in docker-compose) by default, S3-compatible storage when
# AWS_STORAGE_BUCKET_NAME is set.
if env_str("AWS_STORAGE_BUCKET_NAME"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Upload size limits, shared by admin and API (contest.files.entry_file_max_bytes). An entry file
# takes ENTRY_FILE_MAX_BYTES unless its kind has its own limit: a roadshow video is not a plan
# PDF. ENTRY_FILE_MAX_BYTES_<KIND> unset or 0 = the general limit. The client reads them all from
# GET /api/config/.
MiB = 1024 * 1024
ENTRY_FILE_MAX_BYTES = env_int("ENTRY_FILE_MAX_BYTES", 50 * MiB)
_entry_kind_limits = {
    "plan": env_int("ENTRY_FILE_MAX_BYTES_PLAN", 0),
    "slides": env_int("ENTRY_FILE_MAX_BYTES_SLIDES", 0),
    "video": env_int("ENTRY_FILE_MAX_BYTES_VIDEO", 500 * MiB),
    "data_description": env_int("ENTRY_FILE_MAX_BYTES_DATA_DESCRIPTION", 0),
    "other": env_int("ENTRY_FILE_MAX_BYTES_OTHER", 0),
}
ENTRY_FILE_MAX_BYTES_BY_KIND = {kind: limit for kind, limit in _entry_kind_limits.items() if limit}
# One evidence file of an objection (at most 10 per objection), one certificate template image.
OBJECTION_FILE_MAX_BYTES = env_int("OBJECTION_FILE_MAX_BYTES", 10 * MiB)
CERTIFICATE_IMAGE_MAX_BYTES = env_int("CERTIFICATE_IMAGE_MAX_BYTES", 20 * MiB)
# Uploaded files above this size are spooled to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * MiB

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    # Views opt in with `throttle_scope` (see api/throttling.py); rates are per user, or per
    # address when anonymous.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ScopedWriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "login": env_str("THROTTLE_LOGIN", "30/min"),
        "register": env_str("THROTTLE_REGISTER", "10/hour"),
        "verify": env_str("THROTTLE_VERIFY", "60/min"),
        "objection": env_str("THROTTLE_OBJECTION", "20/hour"),
        "upload": env_str("THROTTLE_UPLOAD", "120/hour"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Saiwu 赛务 API",
    "DESCRIPTION": "Contests, challenge lists, teams, entries, judging, awards and certificates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.postprocess_truthful_schema",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ContestStatusEnum": "contest.enums.ContestStatus",
        "ChallengeStatusEnum": "contest.enums.ChallengeStatus",
        "EntryStatusEnum": "contest.enums.EntryStatus",
        "InvitationStatusEnum": "contest.enums.InvitationStatus",
        "OrganisationKindEnum": "contest.enums.OrganisationKind",
        "ContestKindEnum": "contest.enums.ContestKind",
        "StageKindEnum": "contest.enums.StageKind",
        "EntryFileKindEnum": "contest.enums.EntryFileKind",
        "MemberRoleEnum": "contest.enums.MemberRole",
        "ContestRoleKindEnum": "contest.enums.ContestRoleKind",
        "PanelStatusEnum": "judging.enums.PanelStatus",
        "ReviewStatusEnum": "judging.enums.ReviewStatus",
        "RecommendationStatusEnum": "judging.enums.RecommendationStatus",
        "AwardStatusEnum": "awards.enums.AwardStatus",
        "AwardTierKindEnum": "awards.enums.AwardTierKind",
        "NoticeStatusEnum": "awards.enums.NoticeStatus",
        # 揭榜挂帅 after the win
        "ChallengeOutcomeEnum": "awards.enums.ChallengeOutcome",
        "AcceptanceOutcomeEnum": "awards.enums.AcceptanceOutcome",
        "AgreementStatusEnum": "awards.enums.AgreementStatus",
        "MilestoneStatusEnum": "awards.enums.MilestoneStatus",
        # What a verification says of a certificate (api/serializers/certificate.py).
        "CertificatePublicStatusEnum": [("issued", "issued"), ("revoked", "revoked")],
        # The expert draw
        "ExpertPickStatusEnum": "judging.enums.ExpertPickStatus",
        "ExpertPickRoleEnum": "judging.enums.ExpertPickRole",
    },
}

# Celery: eager (in-process) when no broker is configured.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "expire-invitations": {
        "task": "contest.invitations_expire",
        "schedule": timedelta(hours=1),
    },
    # knox would do this on every request (api.authentication.TokenAuthentication)
    "delete-expired-tokens": {
        "task": "api.auth_tokens_expired_delete",
        "schedule": timedelta(hours=1),
    },
}

# --- Throttles, tokens, deployment security (issue 10) ----------------------------------------
# Reverse proxies in front of gunicorn (1 in docker-compose: nginx; 2 with a cloud load balancer
# before it). The client address that throttles, the login lockout and django-axes count is the
# entry of X-Forwarded-For that the outermost of them appended (api.throttling.client_address):
# the NUM_PROXIES-th from the right, so whatever a client writes into the header itself is never
# taken. 0 = the socket's address (nothing in front; a proxy in front would then be one client).
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0)
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES

# Throttle counters and lockouts live in the cache: Redis in production (CACHE_URL, else a Redis
# broker), local memory on a development machine (per process).
CACHE_URL = env_str("CACHE_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") and not DEBUG else ""
)
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public reads answered from the cache (api/caching.py, docs/developer/caching.md): on with a
# shared cache only, since a per-process memory cache could not be invalidated across workers.
PUBLIC_CACHE = env_bool("PUBLIC_CACHE", bool(CACHE_URL))
PUBLIC_CACHE_TTL = env_int("PUBLIC_CACHE_TTL", 300)

# Login lockout (api/throttling.py): this many wrong passwords for one account, or from one
# address, lock it for LOGIN_LOCKOUT_SECONDS, the right password included.
LOGIN_FAILURES_MAX = env_int("LOGIN_FAILURES_MAX", 5)
LOGIN_ADDRESS_FAILURES_MAX = env_int("LOGIN_ADDRESS_FAILURES_MAX", 20)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

# The admin login: django-axes, on the admin site only (the API has its own lockout above),
# counting per account and address in Redis, or in its own table without Redis (a per-process
# memory cache would let each worker count apart).
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if CACHE_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)
AXES_FAILURE_LIMIT = LOGIN_FAILURES_MAX
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_LOCKOUT_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False  # else every API login would write to the axes table
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# The same client address as the API's throttles (without it axes would see only nginx's).
AXES_CLIENT_IP_CALLABLE = "api.throttling.client_address"

# API tokens (django-rest-knox): a new one per login, stored as a digest, expiring after
# AUTH_TOKEN_TTL_HOURS, deleted at logout.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("AUTH_TOKEN_TTL_HOURS", 72)),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)

# Content-Security-Policy (django-csp): the SPA's own assets only, no CDN, no inline script.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:", "blob:"],
        "font-src": [_SELF, "data:"],
        "connect-src": [_SELF],
        "frame-src": [_SELF, "blob:"],
        "worker-src": [_SELF, "blob:"],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only behind the proxy: redirect plain HTTP (not the in-container health check) and
    # tell browsers to stay on HTTPS.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Request limits (issue 10): bodies capped from Content-Length before they are read
# (config.middleware.RequestLimitsMiddleware answers 413; a chunked body, which has no length,
# 411), JSON nesting capped before it is parsed (api.parsers.JSONParser answers 400). Every body
# is capped at REQUEST_BODY_MAX_BYTES, except a multipart body on a route that takes files
# (REQUEST_UPLOAD_ROUTES: the route's own limit, the largest file it takes plus 1 MiB for the
# form). REQUEST_UPLOAD_MAX_BYTES is the largest of those limits; nginx's client_max_body_size on
# the same routes must be at least that (deploy/nginx/saiwu.conf; tests/security/test_body_limits.py
# checks the routes and sizes agree). Django's own cap on non-file form data follows.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 2 * MiB)
REQUEST_UPLOAD_MAX_BYTES = env_int(
    "REQUEST_UPLOAD_MAX_BYTES",
    max([ENTRY_FILE_MAX_BYTES, *ENTRY_FILE_MAX_BYTES_BY_KIND.values()]) + MiB,
)
_upload_routes = [
    # An entry file of any kind; the admin's add and change forms (entry files among them).
    (r"^/api/entries/\d+/files/$", REQUEST_UPLOAD_MAX_BYTES),
    (r"^/admin/[a-z_]+/[a-z_]+/(add|\d+/change)/$", REQUEST_UPLOAD_MAX_BYTES),
    # A challenge guide, a challenge-list workbook, a certificate PDF to verify.
    (r"^/api/tracks/\d+/guide/$", ENTRY_FILE_MAX_BYTES + MiB),
    (r"^/api/contests/\d+/(challenge-import|expert-import)/$", ENTRY_FILE_MAX_BYTES + MiB),
    (r"^/api/certificates/verify-pdf/$", ENTRY_FILE_MAX_BYTES + MiB),
    # The template's background and seal images; an objection's evidence files (10 at most).
    (r"^/api/contests/\d+/certificate-template/$", 2 * CERTIFICATE_IMAGE_MAX_BYTES + MiB),
    (r"^/api/objections/$", 10 * OBJECTION_FILE_MAX_BYTES + MiB),
    # A milestone's deliverable (an entry file's checks and limits); a payment's proof.
    (r"^/api/milestones/\d+/deliverables/$", REQUEST_UPLOAD_MAX_BYTES),
    (r"^/api/milestones/\d+/payments/$", ENTRY_FILE_MAX_BYTES + MiB),
]
REQUEST_UPLOAD_ROUTES = [
    (path, min(limit, REQUEST_UPLOAD_MAX_BYTES)) for path, limit in _upload_routes
]
REQUEST_JSON_MAX_DEPTH = env_int("REQUEST_JSON_MAX_DEPTH", 64)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "api.parsers.JSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]

# Celery reliability (issue 10): a task's message is acknowledged only when the task has finished
# (acks_late), and a task whose pool child died (SIGKILL, the OOM killer) is requeued instead of
# acked (reject_on_worker_lost). Redis redelivers an unacknowledged message of a dead worker only
# after the visibility timeout, so that timeout must exceed the hard time limit (else a task still
# running is delivered a second time); the soft limit comes first so a task can save its progress.
# soft limit < hard limit < visibility timeout is checked here. A certificate batch does not wait
# for the visibility timeout: its run bumps a heartbeat with every row, and a batch with no
# heartbeat for CERTIFICATE_BATCH_STALE_SECONDS is taken over by `awards.certificate_batches_resume`
# (every CERTIFICATE_BATCH_RESUME_SECONDS on beat, and when a worker starts): stale + one interval
# stays within 2 minutes with the defaults (60 + 30 s).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 10 * 60)
if not CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "Celery limits must satisfy CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < "
        f"CELERY_VISIBILITY_TIMEOUT (got {CELERY_TASK_SOFT_TIME_LIMIT}, {CELERY_TASK_TIME_LIMIT}, "
        f"{CELERY_VISIBILITY_TIMEOUT})"
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CERTIFICATE_BATCH_STALE_SECONDS = env_int("CERTIFICATE_BATCH_STALE_SECONDS", 60)
CERTIFICATE_BATCH_RESUME_SECONDS = env_int("CERTIFICATE_BATCH_RESUME_SECONDS", 30)
CELERY_BEAT_SCHEDULE["resume-certificate-batches"] = {
    "task": "awards.certificate_batches_resume",
    "schedule": timedelta(seconds=CERTIFICATE_BATCH_RESUME_SECONDS),
}
# 揭榜挂帅 agreements: milestones past due and not delivered are flagged to the organisers daily.
CELERY_BEAT_SCHEDULE["flag-overdue-milestones"] = {
    "task": "awards.milestones_overdue_flag",
    "schedule": timedelta(hours=24),
}

# --- Notifications (docs/developer/notifications.md) ------------------------------------------------------------------
# E-mail: console on a development machine; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "赛务平台 <noreply@localhost>"
# SMS: "console" (logged, never sent) or "aliyun" (Dysmsapi SendSms).
NOTIFICATIONS_SMS_PROVIDER = env_str("NOTIFICATIONS_SMS_PROVIDER") or "console"
ALIYUN_SMS_ACCESS_KEY_ID = env_str("ALIYUN_SMS_ACCESS_KEY_ID")
ALIYUN_SMS_ACCESS_KEY_SECRET = env_str("ALIYUN_SMS_ACCESS_KEY_SECRET")
ALIYUN_SMS_SIGN_NAME = env_str("ALIYUN_SMS_SIGN_NAME")
ALIYUN_SMS_ENDPOINT = env_str("ALIYUN_SMS_ENDPOINT") or "https://dysmsapi.aliyuncs.com/"
# The secret last part of the delivery-report address given to Aliyun's console
# (/api/notifications/sms-reports/<token>/); empty: reports are refused (404).
ALIYUN_SMS_REPORT_TOKEN = env_str("ALIYUN_SMS_REPORT_TOKEN")
# Event -> template code registered with the SMS provider, as JSON, e.g.
# {"invitation_sent": {"code": "SMS_123", "params": ["team_name", "code"]}}. Events without one send no SMS.
NOTIFICATIONS_SMS_TEMPLATES = json.loads(env_str("NOTIFICATIONS_SMS_TEMPLATES") or "{}")
# Messages per second per channel (shared by all workers through the cache), batch size, retries.
NOTIFICATIONS_RATE_LIMITS = {
    "email": env_int("NOTIFICATIONS_EMAIL_PER_SECOND", 500),
    "sms": env_int("NOTIFICATIONS_SMS_PER_SECOND", 50),
}
NOTIFICATIONS_BATCH_SIZE = env_int("NOTIFICATIONS_BATCH_SIZE", 200)
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
NOTIFICATIONS_RETRY_MAX_SECONDS = env_int("NOTIFICATIONS_RETRY_MAX_SECONDS", 3600)
CELERY_BEAT_SCHEDULE["notifications-send-due"] = {
    "task": "notifications.messages_send_due",
    "schedule": timedelta(minutes=1),
}
CELERY_BEAT_SCHEDULE["notifications-reminders"] = {
    "task": "notifications.reminders_send",
    "schedule": timedelta(minutes=15),
}

# Drawn experts who did not answer in time: lapse them and invite the next reserve.
CELERY_BEAT_SCHEDULE["expert-picks-lapse"] = {
    "task": "judging.expert_picks_lapse",
    "schedule": timedelta(minutes=15),
}
# --- The live final (issue 14): Django Channels ------------------------------------------------
# The big screens and judges' phones follow the session over WebSockets; a change is sent to the
# session's group once committed. Redis (CHANNEL_REDIS_URL, else a Redis broker) carries it
# between workers; without Redis an in-memory layer serves one process (`make serve` then runs
# one worker).
ASGI_APPLICATION = "config.asgi.application"
CHANNEL_REDIS_URL = env_str("CHANNEL_REDIS_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
if CHANNEL_REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [CHANNEL_REDIS_URL], "capacity": 1000, "expiry": 30},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
