"""Asista settings: everything comes from environment variables (see README, "Configuration")."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from asista.env import (
    database_from_url,
    email_from_url,
    env_bool,
    env_decimal,
    env_int,
    env_list,
    env_str,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("ASISTA_VAR_DIR", str(BASE_DIR.parent / "var"))).resolve()

SECRET_KEY = secret_key(VAR_DIR)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "asista.core",
    "asista.customers",
    "asista.sla",
    "asista.tickets",
    "asista.mail",
    "asista.billing",
    "asista.desk",
    "asista.portal",
    "asista.api",
    "asista.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "asista.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "asista.urls"
WSGI_APPLICATION = "asista.wsgi.application"

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
                "django.template.context_processors.i18n",
                "asista.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"), sqlite_default=VAR_DIR / "asista.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = ["asista.core.auth.EmailOrUsernameBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ro"
LANGUAGES = [("ro", _("Romanian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Bucharest")
USE_I18N = True
# English with day-first dates and a 24-hour clock (docs/decisions.md); Romanian is Django's own.
FORMAT_MODULE_PATH = ["asista.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A refused form is explained in the visitor's language (404, 403, 400 and 500 pages are the
# templates of the same names).
CSRF_FAILURE_VIEW = "asista.core.views.csrf_failure"

# Mail
globals().update(email_from_url(env_str("EMAIL_URL")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Asista <suport@asista.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ASISTA_MAIL_DOMAIN = env_str("ASISTA_MAIL_DOMAIN", "asista.localhost")
ASISTA_SUPPORT_ADDRESS = env_str("ASISTA_SUPPORT_ADDRESS", "suport@asista.localhost")

# Product rules that are deployment choices rather than per-plan data.
ASISTA_AUTO_CLOSE_WORKING_DAYS = env_int("ASISTA_AUTO_CLOSE_WORKING_DAYS", 5, minimum=1)
ASISTA_REOPEN_WINDOW_DAYS = env_int("ASISTA_REOPEN_WINDOW_DAYS", 30, minimum=0)
ASISTA_STRICT = env_bool("ASISTA_STRICT", False)
ASISTA_SLA_WARN_SHARE = float(env_decimal("ASISTA_SLA_WARN_SHARE", "0.8", minimum="0.05", maximum="0.99"))

# Mail intake and outbox
ASISTA_INBOUND_TOKEN = env_str("ASISTA_INBOUND_TOKEN")
ASISTA_INBOUND_MAX_BYTES = env_int("ASISTA_INBOUND_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
ASISTA_MAIL_ACK_LIMIT_PER_HOUR = env_int("ASISTA_MAIL_ACK_LIMIT_PER_HOUR", 10, minimum=0)
ASISTA_OUTBOX_CLAIM_TIMEOUT = env_int("ASISTA_OUTBOX_CLAIM_TIMEOUT", 600, minimum=30)
ASISTA_OUTBOX_MAX_ATTEMPTS = env_int("ASISTA_OUTBOX_MAX_ATTEMPTS", 8, minimum=1)

# Money: BNR reference rate plus the markup the contract names (2% = 0.02).
ASISTA_BNR_URL = env_str("ASISTA_BNR_URL", "https://curs.bnr.ro/nbrfxrates.xml")
ASISTA_FX_MARKUP = env_decimal("ASISTA_FX_MARKUP", "0.02", minimum="0", maximum="1")

# API
ASISTA_API_RATE_LIMIT = env_int("ASISTA_API_RATE_LIMIT", 1200, minimum=0)
# Raw mail and base64 attachments arrive in request bodies larger than Django's 2.5 MB default.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ASISTA_MAX_REQUEST_BYTES", 50 * 1024 * 1024, minimum=1024 * 1024)

# Background jobs: SQLite queue on one machine, Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("HUEY_NAME", "asista"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "utc": True,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "asista",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "utc": True,
    }

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "WARNING"}},
}
