"""dtmonitor settings: one module, driven by environment variables.

With no environment at all the app runs on an embedded default (SQLite in the project folder,
Celery tasks executed in-process), so `make run` works on a laptop. DATABASE_URL and REDIS_URL
switch it to PostgreSQL and a real broker.
"""

import datetime
import logging
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# A fixed development key only when DEBUG is asked for; production must set its own.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else None) or ""
if not SECRET_KEY:
    # Without DEBUG and without SECRET_KEY we still start (tests, `manage.py check`), but with a
    # random key: sessions do not survive a restart, which makes the omission visible.
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, whose default site also asks for a verified second factor.
    "dtmonitor.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "communes",
    "targets",
    "reports",
    "rollups",
    "dashboards",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "dtmonitor.request_ids.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy from CONTENT_SECURITY_POLICY below, on every response (static
    # files and error pages included).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go out compressed (a 176 KB overview is ~20 KB). BREACH: Django's GZipMiddleware
    # pads every compressed response with random bytes ("Heal the Breach"), CSRF tokens are
    # masked anew on every response, and the session cookie is SameSite=Lax, so another site's
    # pages cannot make the many credentialed requests the attack needs. Static files are
    # compressed ahead of time by WhiteNoise and never reach this middleware.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dtmonitor.middleware.ignore_browser_language",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dtmonitor.middleware.private_pages_are_not_stored",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sets request.user.is_verified() (a query only for sessions that passed their 2FA step).
    "django_otp.middleware.OTPMiddleware",
    # After messages, so that an ended session can say why (dtmonitor.auth_middleware).
    "dtmonitor.auth_middleware.idle_timeout",
    "dtmonitor.auth_middleware.two_factor_gate",
    "dtmonitor.auth_middleware.export_rate_limit",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: answers a locked-out login with its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dtmonitor.urls"
WSGI_APPLICATION = "dtmonitor.wsgi.application"

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
                "reports.context_processors.notices",
                "reports.context_processors.offline_client",
                "dashboards.context_processors.province_picker",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep connections for a minute and check them before each request: a connection the server
# dropped (restart, failover, pg_terminate_backend) is replaced instead of failing a request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Dashboard reads from a PostgreSQL read replica, when one is configured: the router sends them
# there, everything else (writes, report form, admin, API, tasks) to `default`
# (dtmonitor/db_router.py; README, "Growing beyond one machine").
REPLICA_MIDDLEWARE = "dtmonitor.db_router.ReplicaMiddleware"
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"), "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"], "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["dtmonitor.db_router.ReplicaRouter"]
    # Which requests may read from the replica, and which wrote: after the session (the pin
    # cookie), only when there is a replica (it watches every query of a request).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        REPLICA_MIDDLEWARE,
    )
# Seconds a browser reads from the primary after a request of it wrote (replica lag).
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "communes.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Shared government accounts: at least 10 characters; long passphrases are welcome (no
    # maximum, no composition rules), common and all-digit passwords are refused.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a login that is locked out before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Answers permission questions only, in one query instead of ModelBackend's two (every
    # page's navigation asks them); signing in and sessions stay ModelBackend's.
    "communes.permissions.OneQueryPermissions",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute force: a username is locked at one network address after AXES_FAILURE_LIMIT wrong
# passwords in a row. By username *and* address together, so a commune office behind one
# address cannot lock out its neighbours, nor a stranger lock a user out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Wrong 2FA and recovery codes are recorded as failures too (communes.two_factor): masked.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "recovery_code"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
LOGIN_URL = "login"
# Focal points land on today's report, everyone else on the overview (reports.views.start).
LOGIN_REDIRECT_URL = "reports:start"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["dtmonitor.formats"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_TZ = True

STATIC_URL = "static/"
# STATIC_ROOT may be moved (the slow-network test collects into a temporary folder).
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js, straight from the installed plotly package (no copy in git, no CDN).
    "dtmonitor.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # WhiteNoise's compressed manifest storage, minus the 500 before collectstatic has run.
        "BACKEND": "dtmonitor.staticstorage.ForgivingManifestStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="dtmonitor@localhost")

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
    SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No script of ours reads the language choice (found by the wapiti scan, make scan).
LANGUAGE_COOKIE_HTTPONLY = True
# Only our own scripts run: no CDN, no inline script, no eval (django-csp 4's format).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # plotly.js sets style attributes on the elements it draws.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Production (DJANGO_ENV=production): served over HTTPS, usually behind a TLS proxy; nothing
# insecure is defaulted, and `manage.py check --deploy --fail-level WARNING` passes.
PRODUCTION = env("DJANGO_ENV", default="development") == "production"
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")
    if not env("SECRET_KEY", default=""):
        raise ImproperlyConfigured("Set SECRET_KEY (50+ random characters) in production.")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=True):
        # The proxy terminates TLS and says so; it must strip this header from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Celery: a real broker when REDIS_URL is set, otherwise tasks run eagerly in this process.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # How long an unacknowledged task stays invisible before Redis hands it to another worker
    # (a worker that died without giving it back).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # Web requests publish tasks after commit; a dead broker must fail fast (then be logged)
    # rather than hold a focal point's submission for seconds of reconnect attempts.
    "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
}
# A broker that is down should fail a submission's queue call fast, not hang the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5
}
CELERY_BEAT_SCHEDULE = {
    # Times are Asia/Ho_Chi_Minh (CELERY_TIMEZONE).
    # Reports whose after-commit nudge was lost (broker down, queue lost): minutes, not hours.
    "sweep-rollup-outbox": {
        "task": "rollups.tasks.drain_rollup_requests",
        "schedule": 60.0,
    },
    "nightly-rollup": {
        "task": "rollups.tasks.nightly_rollup",
        "schedule": crontab(hour=0, minute=30),
    },
    # After the default 17:00 cutoff: yesterday's unsent reports turn from pending to missing.
    "evening-rollup": {
        "task": "rollups.tasks.nightly_rollup",
        "schedule": crontab(hour=17, minute=15),
    },
    # The task itself skips weekends and holidays (the days no report is expected).
    "morning-reminders": {
        "task": "reports.tasks.send_missing_report_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
}

# Cache: Redis when REDIS_URL is set, so that rate limits hold across gunicorn workers.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dtm",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Rate limits (core.ratelimit): rule -> (requests, seconds), a fixed window in the cache.
DTM_RATE_LIMITS = {
    # Login form POSTs per address, besides axes' per-username lockout.
    "login": (env.int("DTM_LOGIN_RATE_PER_MINUTE", default=20), 60),
    # 2FA codes (and enrolment confirmations) per address.
    "two_factor": (env.int("DTM_2FA_RATE_PER_MINUTE", default=10), 60),
    # "Forgot password" requests per address and per e-mail address.
    "password_reset_address": (env.int("DTM_RESET_RATE_PER_HOUR", default=10), 3600),
    "password_reset_email": (env.int("DTM_RESET_RATE_PER_EMAIL_HOUR", default=3), 3600),
    # Admin import uploads and confirmations, per account.
    "import": (env.int("DTM_IMPORT_RATE_PER_10_MINUTES", default=20), 600),
    # Table, chart and admin exports, per account (per address when signed out).
    "export": (env.int("DTM_EXPORT_RATE_PER_10_MINUTES", default=60), 600),
}

# Two-factor authentication (communes.two_factor): required of administrators, officials and
# national accounts when on (production by default); focal points may enrol either way.
DTM_REQUIRE_2FA = env.bool("DTM_REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="dtmonitor")
# Wrong codes: 1, 2, 4, 8... seconds of wait per device (django-otp), and each one counts
# toward the axes lockout of that username at that address.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# A signed-in session unused for this long ends (dtmonitor.auth_middleware.idle_timeout).
DTM_SESSION_IDLE_MINUTES = env.int("DTM_SESSION_IDLE_MINUTES", default=60)

# The data-exchange API (api/, README "Data-exchange API"). Limits are per token (per account
# for browser sessions, per address for anonymous calls), counted in the default cache.
API_RATE_LIMITS = {
    "read": env("API_RATE_READ", default="120/minute"),
    "write": env("API_RATE_WRITE", default="30/minute"),
    "anonymous": env("API_RATE_ANONYMOUS", default="30/minute"),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # with CSRF, for the doc page
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.ReadThrottle", "api.throttling.WriteThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dtmonitor data-exchange API",
    "DESCRIPTION": "Provinces, units, plans, targets, roll-ups and reporting compliance; "
                   "daily reports and province measurements. See README, Data-exchange API.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar's static files: no CDN (CSP script-src 'self').
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TargetStatusEnum": "targets.models.TargetStatus",
        "ReportStatusEnum": "reports.models.DailyReport.Status",
    },
}

# Target status (targets/status.py): trend window and the "at risk" share.
DTM_STATUS_TREND_DAYS = env.int("DTM_STATUS_TREND_DAYS", default=30)
DTM_STATUS_AT_RISK_SHARE = env.float("DTM_STATUS_AT_RISK_SHARE", default=0.9)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "dtmonitor.request_ids.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if not REDIS_URL:
    # Logged before LOGGING is applied, so use WARNING: Python's last-resort handler prints it.
    logging.getLogger("dtmonitor").warning(
        "REDIS_URL is not set: Celery tasks run eagerly in-process (no broker, no worker)."
    )
