"""Settings shared by every environment.

Values that differ between machines come from the environment, read once through
`dti_portal.settings.env`; `local`, `production` and `test` only change what differs.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from dti_portal import __version__

from .env import env_bool, env_broker, env_cache, env_database, env_int, env_list, env_path, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# GENERAL
# -----------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# The national appraising authority: the Ministry of Information and Communications until
# 2025, the Ministry of Science and Technology since. Shown in the header, footer and reports.
AUTHORITY_NAME = env_str("AUTHORITY_NAME", "Bộ Khoa học và Công nghệ")
PORTAL_NAME = "Cổng đánh giá Chỉ số chuyển đổi số (DTI)"

# APPS
# -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    # The stages of the data's journey; each imports only from the ones above it in this list.
    "common",
    "accounts",
    "indicators",
    "submissions",
    "scoring",
    "rankings",
    # What a unit does with its results: the improvement plan.
    "plans",
    # Listens to the stages above and tells integrators' systems what happened.
    "webhooks",
]
# The load, fault and benchmark tooling (ops/) is no part of the product and never in the production
# image: the local and test settings add it, and a server has it only where DTI_LOAD_TEST=1 (`make stack`).
DTI_LOAD_TEST = env_bool("DTI_LOAD_TEST", False)
if DTI_LOAD_TEST:
    INSTALLED_APPS.append("ops")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A view that meets a database outage answers 503 with Retry-After, logged once per outage.
    "dti_portal.middleware.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dti_portal.middleware.vietnamese_first",
    "django.middleware.locale.LocaleMiddleware",
    # No address holds a NUL character; PostgreSQL would refuse any text carrying one.
    "dti_portal.middleware.refuse_nul_characters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dti_portal.middleware.idle_timeout",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A refusal no view handled becomes the error page with its message and status.
    "common.pages.DomainErrorMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by its backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dti_portal.urls"
WSGI_APPLICATION = "dti_portal.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "csp.context_processors.nonce",
                "dti_portal.context_processors.portal",
                "submissions.context_processors.notifications",
            ],
        },
    },
]

# DATABASES
# -----------------------------------------------------------------------------
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'dti_portal.sqlite3'}")}

# CACHES
# -----------------------------------------------------------------------------
CACHES = {
    # Per process, never Redis: the API throttles' counters live here, and the API keeps answering
    # while Redis is down.
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    # The published pages and API answers, rendered once per publication version (rankings.caching).
    # Redis in production, so that every web process shares them and sees a new publication at
    # once; without CACHE_URL each process keeps its own.
    "published": {
        **env_cache("CACHE_URL", "locmemcache://published"),
        # A new release never serves pages its predecessor rendered.
        "KEY_PREFIX": f"dti-published-{__version__}",
    },
}
# How long a published answer may be kept: by the portal's cache, and by browsers and proxies
# (`Cache-Control: public, max-age`). A publication made through the portal or its commands shows at
# once on the portal itself; this bounds how long a proxy or a browser may show the previous one.
PUBLISHED_CACHE_SECONDS = env_int("PUBLISHED_CACHE_SECONDS", 300, minimum=1)

# AUTHENTICATION AND SESSIONS
# -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"
# A working day at most; closing the browser ends the session.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Half an hour without a request ends the session too (a shared office computer left open).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# The reverse proxies in front of the portal (0: none, clients connect directly). Each appends the
# address it received the request from to X-Forwarded-For, so the client's address is this many hops
# from the right; login lockout and API throttling both count by it. Set it wrong and either every
# client shares the proxy's address (too low: five bad passwords lock an officer out for everyone) or
# clients choose their own (too high).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Login throttling: lock a username from one address after repeated failures, for a while
# (never forever: a permanent lock would let anyone lock an officer out before a deadline).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout's answer: 429 with Retry-After, JSON under /api/ and the lockout page elsewhere.
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "dti_portal.client_address.client_address"
AXES_VERBOSE = False

# INTERNATIONALISATION
# -----------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
# Each named in its own language, as the language switch shows them.
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["common.formats"]

# STATIC FILES AND EVIDENCE
# -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence files are private: stored outside any served path and downloaded only through
# permission-checked views. MEDIA_URL is deliberately not routed anywhere.
MEDIA_ROOT = env_path("MEDIA_ROOT", BASE_DIR / "var" / "evidence")
MEDIA_URL = "/evidence-not-served/"
EVIDENCE_MAX_MB = env_int("EVIDENCE_MAX_MB", 20, minimum=1)
# Bounds of one evidence check, enforced on the child process that parses the file: CPU seconds,
# and its address space in MB (the interpreter and pypdf take about 50 of them). A file that needs
# more is refused as too complex to check.
EVIDENCE_CHECK_CPU_SECONDS = env_int("EVIDENCE_CHECK_CPU_SECONDS", 5, minimum=1)
EVIDENCE_CHECK_MEMORY_MB = env_int("EVIDENCE_CHECK_MEMORY_MB", 512, minimum=128)
# The certificates a digital signature on evidence must chain to (a PEM bundle; production loads the
# Vietnamese government CA there). Unset: no signature counts as trusted, and the leaf says so.
EVIDENCE_TRUST_ROOTS = env_str("EVIDENCE_TRUST_ROOTS", "")
if EVIDENCE_TRUST_ROOTS and not Path(EVIDENCE_TRUST_ROOTS).is_file():
    raise ImproperlyConfigured(f"EVIDENCE_TRUST_ROOTS names {EVIDENCE_TRUST_ROOTS}, which is not a file.")
# Reading each document (text layer or OCR, number, date, issuer, signatures) in the background, bounded
# in pages and seconds; without a broker in the process's background worker.
EVIDENCE_READING = env_bool("EVIDENCE_READING", True)
EVIDENCE_READ_MAX_PAGES = env_int("EVIDENCE_READ_MAX_PAGES", 30, minimum=1)
EVIDENCE_READ_SECONDS = env_int("EVIDENCE_READ_SECONDS", 300, minimum=10)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# SECURITY HEADERS
# -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere: every asset is a file served by the portal itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# EMAIL
# -----------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dti-portal@localhost")

# CELERY
# -----------------------------------------------------------------------------
# Unset broker: tasks run in-process when queued, so the embedded default needs no Redis.
CELERY_BROKER_URL = env_broker("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Without a broker, recomputes run after the response in the process's background worker thread
# (common.background), coalesced per campaign, so no request waits for one.
RECOMPUTE_IN_PROCESS = not CELERY_BROKER_URL
EVIDENCE_READ_IN_PROCESS = not CELERY_BROKER_URL
# How long a recompute waits for more saves of the same burst before it starts.
RECOMPUTE_COALESCE_SECONDS = 2 if CELERY_BROKER_URL else 0.5
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL) or None
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "remind-entry-deadline": {
        "task": "submissions.remind_entry_deadline",
        "schedule": timedelta(days=1),
        "kwargs": {"days_before": 3},
    },
    "requeue-pending-recomputes": {"task": "scoring.requeue_pending", "schedule": timedelta(minutes=1)},
    "requeue-unread-documents": {"task": "submissions.requeue_unread_documents", "schedule": timedelta(minutes=10)},
}
# A message taken by a worker that dies comes back after this long (longer than any task may run).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}

# WEBHOOKS
# -----------------------------------------------------------------------------
# A webhook must be HTTPS to a public address: URLs that resolve to the loopback, a private network or a
# link-local range (the cloud's metadata service) are refused when registered and at every delivery.
# On, plain HTTP and every address are allowed: for tests and a closed development network, never a server
# that others can register hooks on.
WEBHOOK_ALLOW_PRIVATE_URLS = env_bool("WEBHOOK_ALLOW_PRIVATE_URLS", False)
# Without a broker, deliveries and their retries run in the process's background worker (common.background),
# as recomputes do, so no request waits for another system to answer.
WEBHOOK_DELIVERIES_IN_PROCESS = not CELERY_BROKER_URL

# REST API
# -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Tokens stored as digests, each with its expiry; `Authorization: Token <key>` as before.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "dti_portal.api_schema.PortalAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Every list in pages of 50 (`?page=`, `?page_size=` up to 200), with count, next and previous.
    "DEFAULT_PAGINATION_CLASS": "common.pagination.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "dti_portal.api_errors.handle_api_exception",
    # 429 with Retry-After over these rates: anonymous clients per address, accounts per account.
    "DEFAULT_THROTTLE_CLASSES": [
        "dti_portal.throttles.AnonymousRateThrottle",
        "dti_portal.throttles.AccountRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "60/minute"),
        "user": env_rate("API_THROTTLE_USER", "600/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # Points and values travel as JSON numbers, not strings.
    "COERCE_DECIMAL_TO_STRING": False,
}
# An API token lasts this long; a password change or deactivation ends every token of the account,
# and DELETE /api/v1/auth/token/ or the profile page ends one.
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 12, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DTI Portal API",
    "DESCRIPTION": "Bộ chỉ số, tổ chức, số liệu của đơn vị và kết quả DTI đã công bố.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "dti_portal.api_schema.add_links",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OrganisationLevelEnum": "accounts.models.Organisation.Level",
        "FrameworkLevelEnum": "indicators.models.Framework.Level",
        "SubmissionStateEnum": "submissions.models.SubmissionState",
        "WebhookEventEnum": "webhooks.models.WebhookEvent",
    },
}

# LOGGING
# -----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # pyHanko logs an error with a traceback for every signature it cannot trust or finds changed: for
    # evidence those are findings the leaf shows (submissions.signatures), not faults of the portal.
    "loggers": {name: {"level": "CRITICAL"} for name in ("pyhanko", "pyhanko_certvalidator")},
}
