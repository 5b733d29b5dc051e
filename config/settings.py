"""Settings for the peer certification product, read from the environment.

Every value has a working local default; production (DEBUG off) refuses to start without a
real SECRET_KEY. `.env.example` lists every variable.
"""

from pathlib import Path

import environ
import pghistory
import pgtrigger
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE names another file (or os.devnull: none, as the production-process tests use).
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_INSECURE_KEY = "local-development-only-not-a-secret"
SECRET_KEY = env("SECRET_KEY", default=_INSECURE_KEY)
if not DEBUG and SECRET_KEY in (_INSECURE_KEY, "", "change-me"):
    raise ImproperlyConfigured("SECRET_KEY must be set to a real secret when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Issuer keys of the verifiable credentials (credentials/keys.py): JSON text, or a file holding
# it. Never stored in the database. Unset with DEBUG on: a development key from SECRET_KEY.
VC_ISSUER_KEYS = env("VC_ISSUER_KEYS", default="")
VC_ISSUER_KEYS_FILE = env("VC_ISSUER_KEYS_FILE", default="")
# Wallets collect the credential by OpenID for Verifiable Credential Issuance (credentials/
# wallet.py): the QR code's pre-authorized code works this long and once (our choice: long
# enough to open a wallet app and scan); the access token it buys works this long.
WALLET_OFFER_SECONDS = env.int("WALLET_OFFER_SECONDS", default=10 * 60)
WALLET_ACCESS_TOKEN_SECONDS = env.int("WALLET_ACCESS_TOKEN_SECONDS", default=5 * 60)
# The FHIR directory's identifier system for certification numbers (fhir_directory/); empty:
# SITE_URL/fhir/sid/certification-number.
FHIR_CERTIFICATION_SYSTEM = env("FHIR_CERTIFICATION_SYSTEM", default="")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Database triggers (append-only audit) and field-level history written by them.
    "pgtrigger",
    "pghistory",
]
# Bottom-up: each app imports only apps listed before it (core/, a package without models,
# sits below them all). Front ends (portal, workspace, api) never import each other.
LOCAL_APPS = [
    "jobs",
    "accounts",
    "audit",
    "notifications",
    "counties",
    "documents",
    "fees",
    "training",
    "exams",
    "continuing_ed",
    "certification",
    "providers",
    "ce_audits",
    "cases",
    "employers",
    "privacy",
    "credentials",
    "analytics",
    "reports",
    "portal",
    "workspace",
    "api",
    "employers_portal",
    "providers_portal",
    "fhir_directory",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Bodies over REQUEST_BODY_MAX_BYTES get 413 before anything (the CSRF check) reads them.
    "core.request_size.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Attaches the acting user and the request URL to every history row the request writes.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Row-level security: the rest of the request runs in one transaction acting for its user.
    # With a read replica (DATABASE_REPLICA_URL, below): watches for writes and ends the
    # replica transaction of read-only views (core/replica.py).
    *(["core.replica.ReplicaMiddleware"] if env("DATABASE_REPLICA_URL", default="") else []),
    "core.rls.RowLevelSecurityMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
    "accounts.middleware.StaffSessionIdleTimeoutMiddleware",
]

ROOT_URLCONF = "config.urls"
# Every form field in USWDS markup from one template (core/forms.py, templates/forms/field.html);
# Django's own widget templates come from the `django.forms` app.
FORM_RENDERER = "core.forms.UswdsFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.roles",
            ],
        },
    },
]

# The application logs in as the application role (row-level security, SECURITY.md); the
# owner's URL (MIGRATE_DATABASE_URL) is used for migrations, demo data and tests (Makefile).
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://peercert_app@127.0.0.1:5432/peercert"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection (CONN_MAX_AGE > 0) is checked before a request reuses it, so a
# database restart costs the requests during the outage (503, core.outage), not one failed
# request per worker afterwards.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A PostgreSQL streaming replica for read-only work (core/replica.py,
# docs/architecture.md#read-replicas): when set, the read-only views read there through
# ReplicaRouter, under the same row-level security context; every write and every read after
# a write stays on the primary. Unset: one database.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
# How long a person's last write is remembered: until the replica has replayed it, their
# read-only requests read from the primary (our choice: an hour, far above any lag a healthy
# replica shows; a replica further behind than this is an outage to alert on).
REPLICA_READ_YOUR_WRITES_SECONDS = env.int("REPLICA_READ_YOUR_WRITES_SECONDS", default=3600)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": DATABASES["default"]["CONN_HEALTH_CHECKS"],
        # A test run with a replica configured reads the test database through it.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# The non-owner role requests and tasks act as, under row-level security (core/rls.py);
# "" turns the switch off. Migrations run as the owner (MIGRATE_DATABASE_URL in the Makefile).
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="peercert_app")
# Row-level security (core/rls.py, SECURITY.md). "enforce": web and worker processes refuse to
# start unless the login role is subject to the wall (production and `make run` log in as
# DATABASE_APP_ROLE). "switch": the login role may be the owner and switches to
# DATABASE_APP_ROLE per transaction (the test suite; development). "off": no wall.
ROW_LEVEL_SECURITY = env("ROW_LEVEL_SECURITY", default="enforce")
# The key contexts are signed with (hex, 32 bytes or more); empty: derived from SECRET_KEY.
# The database holds it too (installed by migrate and `manage.py rls_key_install`).
RLS_CONTEXT_KEY = env("RLS_CONTEXT_KEY", default="")
# What a request presents that its row-level security context holds from its start (core.rls:
# the hash of an API key), so that the key's own row is read without a nested context.
RLS_REQUEST_CAPABILITY = "accounts.authentication.request_capability"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

# The number of trusted proxies in front of the application, each appending the address it saw
# to X-Forwarded-For (docker-compose.yml's nginx: 1). One setting drives every per-client limit
# (core.proxies.client_address: the verification throttle and allauth's limits), DRF's and
# allauth's own readings below, and Django's trust in X-Forwarded-Proto. 0 (no proxy): the
# header is the client's own words and is ignored.
NUM_PROXIES = env.int("NUM_PROXIES", default=0) if env("NUM_PROXIES", default="") else 0
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES

AUTH_USER_MODEL = "accounts.User"
# One backend: a wrong password costs one hash like a right one (two backends tried a wrong
# password twice), and an unknown address costs one too (allauth hashes a dummy password).
# allauth's backend is a ModelBackend: permissions in the admin work as before.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: email is the login; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Sign-up does the same work for a new and a taken address (accounts.forms.SignupForm); the
# sign-in form fills in the address just confirmed by link (accounts.forms.SignInForm). The
# pages and emails themselves are the product's templates (templates/account/, templates/mfa/).
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.SignInForm",
    "reset_password_from_key": "accounts.forms.NewPasswordForm",
}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    # The public complaint form (portal/views/complaints.py): per client address.
    "complaint": env("RATE_LIMIT_COMPLAINT", default="10/h/ip"),
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP secrets and recovery seeds are encrypted at rest (accounts/mfa_adapter.py) with this
# Fernet key (urlsafe base64 of 32 bytes); empty: derived from SECRET_KEY.
MFA_ADAPTER = "accounts.mfa_adapter.MFAAdapter"
MFA_ENCRYPTION_KEY = env("MFA_ENCRYPTION_KEY", default="")
MFA_TOTP_ISSUER = "CA Peer Certification"
# County and state staff must enrol in MFA before any staff page (on in production).
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=not DEBUG)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Español"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "peercert_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = None  # uploads are never served directly: only through access-checked views

STORAGE_BACKEND = env("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME", default=""),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Request size (SECURITY.md, "Uploads"): one uploaded file is at most UPLOAD_MAX_BYTES
# (core.policy), a whole request body at most REQUEST_BODY_MAX_BYTES (a file and its form),
# refused with 413 before it is read (core.request_size); nginx's client_max_body_size in
# docker-compose.yml is the same 12 MB. gunicorn has no body limit of its own.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=12 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Storage per person (our choice, docs/domain.md#uploaded-documents): every file a person
# uploaded and that is not purged counts, replaced and removed ones included, until
# REMOVED_FILE_RETENTION_DAYS after their removal (documents.services.removed_files_purge,
# daily).
PERSON_STORAGE_QUOTA_BYTES = env.int("PERSON_STORAGE_QUOTA_BYTES", default=100 * 1024 * 1024)
REMOVED_FILE_RETENTION_DAYS = env.int("REMOVED_FILE_RETENTION_DAYS", default=90)
# A personal data export can be downloaded for this many days, then its file is deleted
# (our choice, docs/domain.md#personal-data; privacy.services).
PERSONAL_DATA_EXPORT_KEEP_DAYS = env.int("PERSONAL_DATA_EXPORT_KEEP_DAYS", default=7)

# Every email is logged (notifications.EmailLog) by notifications.mail.LoggedEmailBackend,
# which delivers it through the backend named by the EMAIL_BACKEND variable.
EMAIL_DELIVERY_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_BACKEND = "notifications.mail.LoggedEmailBackend"
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="CA Peer Certification <no-reply@example.org>"
)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# A message not acknowledged within this many seconds (its worker died) is delivered again;
# it must exceed the longest task (CELERY_TASK_TIME_LIMIT). Tests shorten it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Queues by kind of work (docs/architecture.md, "Task path"): `interactive` for what a person
# is waiting for (the certificate of their new or renewed certification, a single email),
# `bulk` for fan-out (the expiry scan, its reminders and re-renders), `default` for the rest
# (the outbox sweeper, imports, housekeeping). `make run` (scripts/run_all.sh) and
# docker-compose run one worker that serves `interactive` only, so a mass mailing never
# starves it, and others that serve all three. Fan-out tasks are the same code under a
# `_bulk` name, so a failed bulk job retried later stays bulk.
CELERY_QUEUE_INTERACTIVE = "interactive"
CELERY_QUEUE_BULK = "bulk"
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "certification.tasks.certificate_render": {"queue": CELERY_QUEUE_INTERACTIVE},
    "notifications.tasks.email_send": {"queue": CELERY_QUEUE_INTERACTIVE},
    "certification.tasks.certificate_render_bulk": {"queue": CELERY_QUEUE_BULK},
    "notifications.tasks.email_send_bulk": {"queue": CELERY_QUEUE_BULK},
    "certification.tasks.expiry_scan": {"queue": CELERY_QUEUE_BULK},
    "ce_audits.tasks.ce_audit_makeup_scan": {"queue": CELERY_QUEUE_BULK},
    "cases.tasks.case_decisions_scan": {"queue": CELERY_QUEUE_BULK},
    "documents.tasks.removed_files_purge_daily": {"queue": CELERY_QUEUE_BULK},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="peercert"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # The trusted proxies in front (NUM_PROXIES above): DRF's own reading of the client address.
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "verify_anon": env("THROTTLE_VERIFY_ANON", default="60/min"),
        "token": env("THROTTLE_TOKEN", default="6000/min"),
        "credentials_anon": env("THROTTLE_CREDENTIALS_ANON", default="300/min"),
        "fhir_anon": env("THROTTLE_FHIR_ANON", default="300/min"),
        "courses_anon": env("THROTTLE_COURSES_ANON", default="120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "California Peer Support Specialist Certification API",
    "DESCRIPTION": "Statewide roster, counties, statistics and public verification; the "
    "digital credentials' public documents and the wallets' OpenID for Verifiable Credential "
    "Issuance endpoints; the webhook events employers receive are under `x-webhooks`. The "
    "FHIR R4 provider directory describes itself at /fhir/R4/metadata (CapabilityStatement).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The webhook events employers receive, described as `x-webhooks` (api/schema_hooks.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema_hooks.employer_webhooks",
        "api.schema_hooks.public_documents",
    ],
}

# Database sessions behind row-level security: each holds its own key (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Frames are denied; the document preview views opt in with @xframe_options_sameorigin.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Only a proxy we trust may say the request came over HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES else None
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# No script reads the CSRF or language cookie (forms carry the CSRF token), so they are
# HttpOnly like the session cookie; in production the language cookie is Secure too.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG

# Content-Security-Policy (django-csp): no inline script or style anywhere; confirmation
# dialogs and other behaviour live in static/js/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}

# Field-level history (django-pghistory): database triggers write a row for every insert and
# every change of the tracked tables, bulk UPDATEs and COPY included, carrying the request's
# or task's context (acting user, URL, task) as JSON on the row itself. History rows reject
# UPDATE and DELETE. Statement-level triggers: one INSERT ... SELECT from the statement's
# transition tables, so a bulk UPDATE or COPY of N rows costs one trigger call, not N.
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
PGHISTORY_APPEND_ONLY = True
PGHISTORY_LEVEL = pgtrigger.Statement

DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-password-1")

# Employers' notices (docs/domain.md#employers), each an operator's choice in the environment:
# how long a staff invitation's link works; how many days before expiry a watched
# certification is announced; the time of the daily run (expiry notices, digests, failing
# endpoints disabled; after the 01:30 expiry scan); the waits between webhook attempts
# (seconds after the previous one, with up to 10% jitter; Standard Webhooks recommends retrying
# with a growing delay for a day and more); how long an endpoint may fail without one success
# before it is disabled and its owner emailed (the issue: 3 days); one attempt's timeout.
EMPLOYER_INVITATION_VALID_DAYS = env.int("EMPLOYER_INVITATION_VALID_DAYS", default=14)
EMPLOYER_EXPIRY_NOTICE_DAYS = tuple(
    env.list("EMPLOYER_EXPIRY_NOTICE_DAYS", cast=int, default=[60, 30])
)
EMPLOYER_DAILY_TIME = env("EMPLOYER_DAILY_TIME", default="06:00")
try:
    EMPLOYER_DAILY_HOUR, EMPLOYER_DAILY_MINUTE = (int(p) for p in EMPLOYER_DAILY_TIME.split(":"))
    if not (0 <= EMPLOYER_DAILY_HOUR < 24 and 0 <= EMPLOYER_DAILY_MINUTE < 60):
        raise ValueError
except ValueError:
    raise ImproperlyConfigured("EMPLOYER_DAILY_TIME must be HH:MM, e.g. 06:00.") from None
EMPLOYER_WEBHOOK_RETRY_DELAYS = tuple(
    env.list(
        "EMPLOYER_WEBHOOK_RETRY_DELAYS",
        cast=int,
        default=[5, 60, 300, 1800, 7200, 18000, 36000, 36000, 36000, 36000, 36000, 36000],
    )
)
EMPLOYER_WEBHOOK_DISABLE_AFTER_DAYS = env.int("EMPLOYER_WEBHOOK_DISABLE_AFTER_DAYS", default=3)
EMPLOYER_WEBHOOK_TIMEOUT_SECONDS = env.int("EMPLOYER_WEBHOOK_TIMEOUT_SECONDS", default=10)

# Webhooks to employers (employers.services.webhooks): plain http:// and hosts on private,
# loopback or link-local addresses are allowed only in development and tests; production
# sends to public https:// addresses only (the product's own network is no employer's).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)

# Staff sessions expire after 30 minutes idle (accounts.middleware).
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)

# Names are never logged by our code; emails and dates are masked in every record that is.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "core.logging.PersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every rendering step at INFO: keep worker logs readable.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
