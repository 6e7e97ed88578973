"""Settings for Kennisstad, read from environment variables with safe defaults.

Without any environment the platform runs on SQLite in ``./var`` with DEBUG off;
the quick start sets ``DEBUG=1``. Production sets at least ``SECRET_KEY``,
``ALLOWED_HOSTS`` and usually ``DATABASE_URL``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KENNISSTAD_DATA_DIR", Path.cwd() / "var")).resolve()


def _secret_key() -> str:
    """A key from the environment, else one generated once and kept in DATA_DIR.

    Keeping it on disk (mode 600) means sessions survive restarts without a
    hard-coded development key that could leak into production.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


DEBUG = envbool("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

SITE_NAME = os.environ.get("KENNISSTAD_SITE_NAME", "Kennisstad")
# Where the public site lives, for links in e-mails (which have no request to take a host from).
SITE_URL = os.environ.get("KENNISSTAD_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "kennisstad.organisations",
    "kennisstad.portfolio",
    "kennisstad.ingest",
    "kennisstad.search",
    "kennisstad.loket",
    "kennisstad.accounts",
    "kennisstad.insights",
    "kennisstad.ops",
    "kennisstad.newsletter",
    "kennisstad.news",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "kennisstad.history",
    "kennisstad.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kennisstad.lib.middleware.RejectNulBytesMiddleware",
    # ETag, Cache-Control and CORS headers for the open-data API (only under /api/).
    "kennisstad.api.middleware.ApiHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kennisstad.lib.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session verified by a second factor; then our own rule for the back office.
    "django_otp.middleware.OTPMiddleware",
    "kennisstad.accounts.two_factor.TwoFactorMiddleware",
    # Puts the request user on every historical record (kennisstad.history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "kennisstad.lib.throttle.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kennisstad.urls"
WSGI_APPLICATION = "kennisstad.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "kennisstad.lib.context_processors.site",
                "kennisstad.accounts.context_processors.backoffice_access",
            ],
        },
    },
]

# SQLite by default; DATABASE_URL=postgres://user:pass@host/db switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'kennisstad.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers continue while an import writes; IMMEDIATE takes the
            # write lock at BEGIN so two writers wait instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = None  # in-memory test database

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 for new passwords; older PBKDF2 hashes still verify and are rehashed at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# The model backend with a lockout: after LOGIN_FAILURE_LIMIT wrong passwords for one username
# from one address within LOGIN_LOCKOUT_MINUTES, that pair is refused for LOGIN_LOCKOUT_MINUTES.
# The lockout backend checks passwords; the role backend answers what a role may do, per object.
AUTHENTICATION_BACKENDS = [
    "kennisstad.lib.lockout.LockoutModelBackend",
    "kennisstad.accounts.roles.RolePermissionBackend",
]
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
# Two-factor login (TOTP, kennisstad.accounts.two_factor). Any staff user may turn it on; when
# TWO_FACTOR_REQUIRED, the roles for which roles.requires_two_factor holds (the kennismakelaar,
# superusers) must set it up before they can use the back office. Off only for development and tests.
TWO_FACTOR_REQUIRED = envbool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = SITE_NAME
# The admin's device pages show no secret keys, QR codes or backup codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# Uploaded files (news images). Django serves them only when DEBUG; in production the reverse proxy
# serves MEDIA_ROOT at MEDIA_URL.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# A request body without files may be this large (Django's default); uploaded files above
# FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file instead of held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# The largest agenda document the back-office import accepts (the reverse proxy should cap
# request bodies a little above this, see README, Security).
AGENDA_UPLOAD_MAX_BYTES = envint("AGENDA_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# Behind a reverse proxy that terminates TLS (see README, Operations).
HTTPS = envbool("KENNISSTAD_HTTPS", not DEBUG)
BEHIND_PROXY = envbool("KENNISSTAD_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No inline script or style, no eval: everything comes from our own static files. The nonce is
# only for the few inline elements of Django's own admin (it renders them with {% csp_nonce_attr %});
# a page that does not ask for a nonce gets none in its header.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Django's mailers: the console by default, SMTP once EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kennisstad@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": envint("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Rate-limit counters must be shared by all worker processes: a file cache works without a server.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_DIR", str(DATA_DIR / "cache")),
    }
}

# The kennisloket.
# Closed questions (afgesloten, niet passend) lose the asker's data after this many months;
# `kennisstad anonymise_questions` applies it and should run daily.
LOKET_RETENTION_MONTHS = envint("LOKET_RETENTION_MONTHS", 12)
# A new question gets a due date this many days ahead.
LOKET_ANSWER_DAYS = envint("LOKET_ANSWER_DAYS", 14)
# Questions (and interest registrations) one address may send per hour.
LOKET_POSTS_PER_HOUR = envint("LOKET_POSTS_PER_HOUR", 5)
# The broker's address: told about new questions and registrations (empty: no notification).
LOKET_BROKER_EMAIL = os.environ.get("LOKET_BROKER_EMAIL", "")
# Every erasure is also appended to this file, outside the database, so that restoring an older
# backup erases the same people again (`kennisstad reapply_erasures`). Its e-mail hashes are keyed
# with ERASURE_HASH_KEY, else a key generated once into ERASURE_HASH_KEY_FILE (mode 600).
ERASURE_JOURNAL = Path(os.environ.get("ERASURE_JOURNAL", DATA_DIR / "erasures.jsonl"))
ERASURE_HASH_KEY = os.environ.get("ERASURE_HASH_KEY", "")
ERASURE_HASH_KEY_FILE = Path(os.environ.get("ERASURE_HASH_KEY_FILE", DATA_DIR / "erasure_hash_key"))
# Backups (`kennisstad backup`) and where pg_dump/pg_restore live (else PATH, else Debian's place).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", DATA_DIR / "backups"))
PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "")
# Every time staff are shown personal data it is logged (accounts.PersonalDataAccess); rows older
# than this are removed by the daily `kennisstad anonymise_questions`.
ACCESS_LOG_RETENTION_MONTHS = envint("ACCESS_LOG_RETENTION_MONTHS", 24)

# The newsletter. A confirmation link is valid this many days; subscriptions not confirmed within
# NEWSLETTER_PENDING_DAYS are removed by the daily `kennisstad prune_newsletter_subscriptions`.
# `kennisstad send_newsletter` sends an issue in batches of NEWSLETTER_BATCH_SIZE.
NEWSLETTER_CONFIRM_DAYS = envint("NEWSLETTER_CONFIRM_DAYS", 7)
NEWSLETTER_PENDING_DAYS = envint("NEWSLETTER_PENDING_DAYS", 14)
NEWSLETTER_BATCH_SIZE = envint("NEWSLETTER_BATCH_SIZE", 50)
# Subscription requests one address may send per hour.
NEWSLETTER_POSTS_PER_HOUR = envint("NEWSLETTER_POSTS_PER_HOUR", 5)

# Requests one address may make to a view in a window: view name -> (methods, limit, seconds).
# Over the limit the visitor gets a 429 page (templates/429.html).
SEARCH_REQUESTS_PER_MINUTE = envint("SEARCH_REQUESTS_PER_MINUTE", 120)
LOGIN_POSTS_PER_ADDRESS = envint("LOGIN_POSTS_PER_ADDRESS", 30)
PASSWORD_RESET_POSTS_PER_HOUR = envint("PASSWORD_RESET_POSTS_PER_HOUR", 5)
RATE_LIMITS = {
    "search:search": (("GET", "HEAD"), SEARCH_REQUESTS_PER_MINUTE, 60),
    # Across usernames, so one address cannot try a password on many accounts.
    "admin:login": (("POST",), LOGIN_POSTS_PER_ADDRESS, 15 * 60),
    # So that nobody can fill a colleague's mailbox with reset e-mails.
    "accounts:password_reset": (("POST",), PASSWORD_RESET_POSTS_PER_HOUR, 60 * 60),
}

# The open-data API (kennisstad.api): how long public caches may keep an answer, and how many
# progress updates one partner token may post per hour.
API_CACHE_SECONDS = envint("API_CACHE_SECONDS", 60)
API_WRITES_PER_HOUR = envint("API_WRITES_PER_HOUR", 60)

# Progress tracking: a project without a progress update for this many months is flagged in
# the back office ("geen update sinds …") and its contact can be sent a reminder.
PROGRESS_STALE_MONTHS = envint("PROGRESS_STALE_MONTHS", 6)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
