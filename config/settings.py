"""Settings for qingqian. Everything that differs between machines comes from the environment."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QINGQIAN_VAR_DIR", str(BASE_DIR / "var")))
SHARED_DIR = Path(env_str("QINGQIAN_SHARED_DIR", str(BASE_DIR.parent / "shared")))

# development | test | production (the test suite is "test" even when the variable is unset)
QINGQIAN_ENV = env_str("QINGQIAN_ENV", "test" if "pytest" in sys.modules else "development")
PRODUCTION = QINGQIAN_ENV == "production"

SECRET_KEY = secret_key(var_dir=VAR_DIR, production=PRODUCTION)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "qingqian.core",
    "qingqian.registry",
    "qingqian.accounts",
    "qingqian.complaints",
    "qingqian.notifications",
    "qingqian.ledger",
    "qingqian.disclosure",
    "qingqian.dashboards",
    "qingqian.projects",
    "qingqian.enforcement",
    "qingqian.oversight",
    "qingqian.security",
    "qingqian.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qingqian.core.middleware.RequestContextMiddleware",
    # Permissions-Policy, Cache-Control: no-store for signed-in users, CSP (django-csp 4)
    "qingqian.security.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # 429 + Retry-After on login, intake and the public API (RATE_LIMITS)
    "qingqian.security.ratelimit.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # absolute session limit, idle timeout, two factors for staff, password expiry
    "qingqian.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "qingqian.core.idempotency.IdempotencyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "qingqian.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# One variable switches engines. Default: an embedded SQLite file under var/.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qingqian.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL for concurrent readers, a busy timeout instead of "database is locked",
        # IMMEDIATE so a write transaction takes its lock at BEGIN (no upgrade deadlocks).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20),
    }
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "public:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout first (django-axes)
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5)
# Staff and administrator passwords expire (0 = never). A deliberate deviation from ASVS: docs/adr/0007.
PASSWORD_EXPIRY_DAYS = env_int("PASSWORD_EXPIRY_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qingqian.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "qingqian.accounts.validators.NotUsernameValidator"},
    {
        "NAME": "qingqian.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"count": PASSWORD_HISTORY_COUNT},
    },
]
if QINGQIAN_ENV == "test":
    # Fast hashing for the suite only; argon2 itself is exercised by a dedicated test.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
# Absolute session limit (12 h) and idle timeouts (30 min; 15 min for the administrator roles), with a
# warning shown SESSION_IDLE_WARNING_SECONDS before (≥ 20 s, WCAG 2.2.1) and a one-click extend.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", SESSION_COOKIE_AGE)
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_IDLE_TIMEOUT_ADMIN_SECONDS = env_int("SESSION_IDLE_TIMEOUT_ADMIN_SECONDS", 15 * 60)
SESSION_IDLE_WARNING_SECONDS = max(20, env_int("SESSION_IDLE_WARNING_SECONDS", 60))
# Re-authentication for sensitive actions (role changes, unmasking, publishing) is fresh this long.
REAUTH_MAX_AGE_SECONDS = env_int("REAUTH_MAX_AGE_SECONDS", 5 * 60)
# Two factors (TOTP, django-otp) for every staff and administrator role.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "清欠平台"
RECOVERY_CODE_COUNT = 10
# Lockout (django-axes): 5 failures → 30 minutes, per account and per client address; same message
# whether or not the account exists.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "qingqian.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "qingqian.core.middleware.client_ip"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

# --- i18n: Chinese first, English complete -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence lives outside the web root and is served only through permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "qingqian@localhost")
# `qingqian.notifications.spool.SpoolEmailBackend` writes each message as one file here (a relay picks
# them up); the outbox worker reads it back as a delivery receipt after a crash.
EMAIL_SPOOL_DIR = Path(env_str("EMAIL_SPOOL_DIR", str(VAR_DIR / "mail-spool")))
# A notification claimed by a worker that has not finished it after this long is looked at again: marked
# sent if the backend has a receipt for it, otherwise queued again (same Message-ID).
NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = env_int("NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS", 600)

# --- Background tasks (django-tasks; database backend works on SQLite and PostgreSQL) -----------
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if QINGQIAN_ENV == "test"
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- API --------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 48)
# An "in flight" key older than this is taken over by a retry (its process died, its work rolled back).
IDEMPOTENCY_LOCK_SECONDS = env_int("IDEMPOTENCY_LOCK_SECONDS", 30)
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)
# How many reverse proxies in front of the app may set X-Forwarded-For (0 = trust REMOTE_ADDR only).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Security (the full 等保 baseline is issue 7; these are the safe defaults now) -------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-qq_session"  # host-only, secure, path=/
# Content-Security-Policy (django-csp 4): no inline or eval'd script anywhere; inline <style> elements
# are refused too, style="" attributes are allowed (style-src-attr) for progress bars and the like.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
# Rate limits: "<requests>/<seconds>" per client address (429 with Retry-After). Paths are regular
# expressions; the apps that own intake and the public API add theirs in RATE_LIMIT_RULES.
# off by default in the test suite only (its one client address would trip them); tests switch it on
RATE_LIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", QINGQIAN_ENV != "test")
RATE_LIMIT_LOGIN = env_str("RATE_LIMIT_LOGIN", "20/60")
RATE_LIMIT_INTAKE = env_str("RATE_LIMIT_INTAKE", "30/60")
RATE_LIMIT_PUBLIC_API = env_str("RATE_LIMIT_PUBLIC_API", "120/60")
RATE_LIMIT_PUBLIC_PAGES = env_str("RATE_LIMIT_PUBLIC_PAGES", "300/60")
RATE_LIMIT_RULES = [
    ("login", r"^/accounts/(login|two-factor|reauth)/", {"POST"}, RATE_LIMIT_LOGIN),
    # the enterprise's online complaint: the eligibility check and the form (complaints/urls.py)
    ("intake", r"^/complaints/new/(form/)?$", {"POST"}, RATE_LIMIT_INTAKE),
    ("intake", r"^/api/v1/complaints/?$", {"POST"}, RATE_LIMIT_INTAKE),
    ("public_api", r"^/api/v1/public/", {"GET", "POST", "HEAD"}, RATE_LIMIT_PUBLIC_API),
    # the public pages (disclosure/urls.py); the staff pages under /disclosure/returns|reports|performance/
    # are not matched
    (
        "public_pages",
        r"^/(disclosure/((bodies/\d+|regions|methodology|open-data)/.*)?)?$",
        {"GET", "HEAD"},
        RATE_LIMIT_PUBLIC_PAGES,
    ),
]

# --- Personal data and audit (PIPL, GB/T 39786; keys in qingqian/core/crypto.py) ------------------
PII_KEYS = env_str("PII_KEYS", "")
PII_KEY_FILE = env_str("PII_KEY_FILE", "")
PII_ACTIVE_KEY_ID = env_str("PII_ACTIVE_KEY_ID", "")
PII_INDEX_KEY = env_str("PII_INDEX_KEY", "")
AUDIT_ANCHOR_KEY = env_str("AUDIT_ANCHOR_KEY", "")
# Audit events are kept at least 184 days (等保 2.0 / 网络安全法 第二十一条: ≥ 6 months) before
# `manage.py prune_audit` archives and removes them.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 184)
AUDIT_ARCHIVE_DIR = Path(env_str("AUDIT_ARCHIVE_DIR", str(VAR_DIR / "audit-archive")))

# --- Demo / product switches --------------------------------------------------------------------
# Demo users with printed passwords exist only where this is on; production refuses it.
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", not PRODUCTION)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

if PRODUCTION:
    from config.production_checks import assert_production_ready

    assert_production_ready(globals())
