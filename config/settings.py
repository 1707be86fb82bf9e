"""Settings, read from the environment (12-factor).

Defaults are for `make run`: SQLite under var/, Celery eager, e-mail to files.
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and the SMTP
variables; `.env.example` documents every one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, redis_for_test_worker

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# The fallback key only serves `make run` and the tests; `check --deploy` flags it.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-dev-only-key-never-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "axes",
    "core",
    "programmes",
    "relatiedesk",
    "referrals",
    "scheduler",
    "enrolment",
    "evaluations",
    "notifications",
    "reports",
]

MIDDLEWARE = [
    # First: its line and duration cover every other middleware (config/request_log.py).
    "config.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
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
                "config.navigation.roles",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL by one variable.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis serves as Celery broker and as cache; without it Celery runs eagerly.
REDIS_URL = redis_for_test_worker(env_str("REDIS_URL"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            # Seconds: an unreachable Redis is a cache miss (core/cache.py), not a hang.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
# Separate queues, so a long planner run never delays mail.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "scheduler.run_planner": {"queue": "planning"},
    "notifications.send_*": {"queue": "mail"},
}
# Periodic tasks, declared in code (times in CELERY_TIMEZONE, Europe/Amsterdam).
CELERY_BEAT_SCHEDULE = {
    "programmes-api-tokens-purge": {
        "task": "programmes.api_tokens_purge",
        "schedule": crontab(hour=4, minute=45),
    },
    "enrolment-expire-holds-and-offers": {
        "task": "enrolment.expire_holds_and_offers",
        "schedule": crontab(minute="*/5"),
    },
    "enrolment-retention-daily": {
        "task": "enrolment.retention_daily",
        "schedule": crontab(hour=3, minute=30),
    },
    "evaluations-sweep": {
        "task": "evaluations.sweep",
        "schedule": crontab(minute=5, hour="7-20"),
    },
    "referrals-talk-reminders": {
        "task": "referrals.talk_reminders",
        "schedule": crontab(minute=30, hour="8-20"),
    },
    "referrals-retention-daily": {
        "task": "referrals.retention_daily",
        "schedule": crontab(hour=3, minute=50),
    },
    "notifications-outbox-sweep": {
        "task": "notifications.outbox_sweep",
        "schedule": crontab(minute="*"),
    },
    "notifications-outbox-purge": {
        "task": "notifications.outbox_purge",
        "schedule": crontab(hour=4, minute=15),
    },
    # Reminder sweeps: each runs several times, so a missed run is made good by the next;
    # the outbox key sends each reminder once.
    "notifications-remind-parents": {
        "task": "notifications.remind_parents",
        "schedule": crontab(minute=15, hour="8-20"),
    },
    "notifications-remind-consent": {
        "task": "notifications.remind_consent",
        "schedule": crontab(minute=45, hour="8-20"),
    },
    "notifications-remind-pool-answers": {
        "task": "notifications.remind_pool_answers",
        "schedule": crontab(minute=50, hour="8-20"),
    },
    "notifications-remind-trainers-weekly": {
        "task": "notifications.remind_trainers_weekly",
        "schedule": crontab(minute=0, hour="7-11", day_of_week="mon"),
    },
    # Until a group below its minimum is decided on, once a day (the outbox key is the day).
    "notifications-remind-group-decisions": {
        "task": "notifications.remind_group_decisions",
        "schedule": crontab(minute=0, hour="8-11"),
    },
    "notifications-remind-coordinators-daily": {
        "task": "notifications.remind_coordinators_daily",
        "schedule": crontab(minute=30, hour="7-11"),
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes comes first: it refuses a locked-out log-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Outbox: sent mail bodies (names, links) are blanked after this many days;
# a temporarily failing message is given up after this many attempts.
NOTIFICATIONS_KEEP_SENT_DAYS = env_int("NOTIFICATIONS_KEEP_SENT_DAYS", 30)
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 10)
# The first retry waits this long; each next one twice as long (at most an hour).
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)

# E-mail: SMTP when EMAIL_HOST is set, otherwise one .eml file per message in var/mail/.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Gemeente Zwolle <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
else:
    EMAIL_BACKEND = "notifications.mail_files.EmlFileBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Security. Production (DEBUG off) gets secure cookies, HSTS and an HTTPS redirect
# by default; each can be turned off explicitly, e.g. behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database and are read through the cache (Redis in production):
# every signed-in page and the parent's form would otherwise read its session row.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Request bodies other than file uploads (forms, JSON) above 2.5 MB are refused with 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An uploaded holiday calendar (.ics) is small; a larger file is refused with a form error.
ICS_UPLOAD_MAX_BYTES = env_int("ICS_UPLOAD_MAX_BYTES", 512 * 1024)

# Content Security Policy (django-csp): scripts, styles and images come from our own
# origin only, so an injected <script>, on*= handler or style="" attribute does not run.
# Templates therefore hold no inline code; the one exception, the API docs page, widens
# the policy for itself only (config/security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Log-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked for AXES_COOLOFF_TIME (another user or another
# address can still log in); after AXES_ACCOUNT_FAILURE_LIMIT for one username from any
# number of addresses (password spraying), the account is locked from everywhere, and its
# owner gets an e-mail (config.security.AccountLockoutHandler). A good log-in clears the
# count. Covers the log-in page, the admin log-in and the API token endpoint (429 there
# too), which all authenticate with the request.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ACCOUNT_FAILURE_LIMIT = env_int("AXES_ACCOUNT_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username"], ["username", "ip_address"]]
AXES_HANDLER = "config.security.AccountLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Renders AXES_LOCKOUT_TEMPLATE with the clock time at which the lock ends.
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
# The address is REMOTE_ADDR only, as for the API throttles: X-Forwarded-For is the
# client's to choose (the proxy must pass the real address).
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# Failed attempts are kept (they are the lock); successful log-ins are not logged with
# their address, which would be personal data kept for no purpose.
AXES_DISABLE_ACCESS_LOG = True
# No start-up banner in every management command's output.
AXES_VERBOSE = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous request gets 401 with WWW-Authenticate, not 403.
        "core.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # drf-spectacular's, plus the error answers every endpoint can give (core/schema.py).
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # The public enrolment endpoints are limited as the pages are: ENROLMENT_RATE_LIMITS.
    # Throttles count per REMOTE_ADDR, never per X-Forwarded-For, which any client can
    # send to escape the limit (the proxy must pass the real address, see enrolment/throttle.py).
    "NUM_PROXIES": 0,
}

# Public rate limits (enrolment/throttle.py), the same for the parent's pages and the public
# API, which share the counters: requests per ENROLMENT_RATE_WINDOW_SECONDS (10 minutes, a
# fixed window of the clock) per address, per e-mail address typed and per link token.
# Per address, they are sized for one school's or library's shared network on the evening an
# enrolment opens: a school of about 400 families, the letter sent to all at once, half of
# them (200) trying in the busiest 10 minutes behind the one address of the school's wifi.
# - submit-per-address 400: those 200 families each send the form up to twice (a correction
#   after an error message). One address spraying still gets at most 40 a minute.
# - link-per-address 600: each family answers up to three links (the enroller's confirmation,
#   the other parent's consent, the child's own answer): 3 x 200.
# - read-per-address 2000 (the API's reads; the pages' reads are never limited): a parent's
#   app searches as one types and fetches the groups and the consent text, about 10 a family.
# Per e-mail address and per link token, they stop one family or one link, on any network:
# - submit-per-email 10: a family sends the form once, or a few times with corrections or for
#   a sibling on their own; 10 is twice that, and caps the confirmation mails a stranger can
#   make us send to one address.
# - link-per-token 20: a link is answered once or twice; an app polling its status every 30
#   seconds fits; a link hammered from many addresses does not.
ENROLMENT_RATE_WINDOW_SECONDS = env_int("ENROLMENT_RATE_WINDOW_SECONDS", 600)
ENROLMENT_RATE_LIMITS = {
    "submit-per-address": env_int("ENROLMENT_SUBMITS_PER_ADDRESS", 400),
    "submit-per-email": env_int("ENROLMENT_SUBMITS_PER_EMAIL", 10),
    "link-per-address": env_int("ENROLMENT_LINK_ANSWERS_PER_ADDRESS", 600),
    "link-per-token": env_int("ENROLMENT_LINK_ANSWERS_PER_TOKEN", 20),
    "read-per-address": env_int("ENROLMENT_API_READS_PER_ADDRESS", 2000),
}
# Swagger UI (/api/docs/) comes from a CDN: a pinned release, never "@latest", since its code
# runs on our origin (that page's Content Security Policy allows this path only).
SWAGGER_UI_DIST = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.17.14"
SPECTACULAR_SETTINGS = {
    "TITLE": "Groepsplanner API",
    "DESCRIPTION": "Programmes, schools, trainers and school calendars for school-group "
    "prevention programmes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids from the resource (`schools_list`), not from `/api/v1/`.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": SWAGGER_UI_DIST,
    "SWAGGER_UI_FAVICON_HREF": f"{SWAGGER_UI_DIST}/favicon-32x32.png",
    # One name per choice set that several fields share (schema warnings fail CI).
    "ENUM_NAME_OVERRIDES": {
        "HolidayRegionEnum": "programmes.models.HolidayRegion",
        "GroupStatusEnum": "scheduler.models.GroupStatus",
        "WeekdayEnum": "scheduler.models.Weekday",
        "SessionKindEnum": "scheduler.models.SessionKind",
        "SessionStatusEnum": "scheduler.models.SessionStatus",
        "PlanningRequestStatusEnum": "scheduler.models.PlanningRequestStatus",
        "PlannerRunStatusEnum": "scheduler.models.PlannerRunStatus",
        "ConflictKindEnum": "scheduler.conflicts.ConflictKind",
        "EnrolmentStatusEnum": "enrolment.models.EnrolmentStatus",
        "AttendanceStatusEnum": "enrolment.models.AttendanceStatus",
        "IntakeReasonEnum": "enrolment.models.IntakeReason",
    },
}

# Logs go to stderr: one JSON object per line in production (LOG_FORMAT=json, the default
# with DEBUG off), readable lines with DEBUG on. One line per request and per task run
# (config/request_log.py, config/task_log.py); no names, e-mail addresses or link tokens.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.request_log.json_formatter"},
    },
    "filters": {
        "request_id": {"()": "config.request_log.RequestIdFilter"},
        "redact": {"()": "config.request_log.RedactFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Drop Django's own console and mail handlers: its lines go through the handler
        # above (redacted, JSON), once.
        "django": {"handlers": [], "propagate": True},
        # runserver's own access line would repeat ours unredacted; its errors still show.
        "django.server": {"handlers": [], "propagate": True, "level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        # Celery's own "Task ... succeeded: <return value>" line; config/task_log.py
        # writes one without the return value. Failures still come with their traceback.
        "celery.app.trace": {"level": "WARNING"},
    },
}

# Domain settings.
SCHEDULER_TRAVEL_BUFFER_MINUTES = env_int("SCHEDULER_TRAVEL_BUFFER_MINUTES", 30)
# How long an enrolment holds its seat while consent is pending.
ENROLMENT_HOLD_DAYS = env_int("ENROLMENT_HOLD_DAYS", 7)
# Pupils of the host school go first on the waitlist when this is on.
ENROLMENT_HOST_PRIORITY = env_bool("ENROLMENT_HOST_PRIORITY", False)
# How long a seat offered from the waitlist stays open (shorter when the group starts soon).
ENROLMENT_OFFER_HOURS = env_int("ENROLMENT_OFFER_HOURS", 48)
ENROLMENT_OFFER_HOURS_SHORT = env_int("ENROLMENT_OFFER_HOURS_SHORT", 24)
# Personal data of an enrolment is erased this long after its group ended.
ENROLMENT_RETENTION_MONTHS = env_int("ENROLMENT_RETENTION_MONTHS", 12)
# Links in e-mails to parents stay valid this long.
ENROLMENT_LINK_DAYS = env_int("ENROLMENT_LINK_DAYS", 30)
# A family whose group was pooled and who has not confirmed or withdrawn after this many days
# gets one reminder (`notifications.reminders.pool_reminders_send`).
ENROLMENT_POOL_REMINDER_DAYS = env_int("ENROLMENT_POOL_REMINDER_DAYS", 3)
# Referrals (referrals/): how long a family's invitation link works, and how long a referral
# that led to nothing is kept after that (then its address and note are erased). A booked
# prevention talk's address and name are erased this many days after the talk.
REFERRAL_LINK_DAYS = env_int("REFERRAL_LINK_DAYS", 30)
REFERRAL_KEEP_DAYS_AFTER_EXPIRY = env_int("REFERRAL_KEEP_DAYS_AFTER_EXPIRY", 30)
TALK_KEEP_DAYS = env_int("TALK_KEEP_DAYS", 30)
# Booking attempts on the public talk pages per address and ENROLMENT_RATE_WINDOW_SECONDS.
TALK_BOOKINGS_PER_ADDRESS = env_int("TALK_BOOKINGS_PER_ADDRESS", 20)
# An API token (POST /api/v1/auth/token/) stops working this many days after it was made.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
# The function that turns a request's token into the working token (core.api_auth asks it).
API_TOKEN_RESOLVER = "programmes.api_tokens.api_token_resolve"
# The scheduler asks enrolment how many children hold a seat per group (a group starts only
# with its programme's minimum): the scheduler sits below enrolment, so by name.
GROUP_SEATS_COUNTER = "enrolment.selectors.seats_taken"
# A co-financing invoice counts as overdue this many days after it was sent.
COFINANCING_PAYMENT_TERM_DAYS = env_int("COFINANCING_PAYMENT_TERM_DAYS", 30)
