"""Configuration classes; every secret and deployment setting comes from the environment.

`create_app(config_name)` picks one of `CONFIGS`; `PPI_CONFIG` chooses it when no name is given.
"""
import os
import re
from datetime import timedelta


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str | None) -> str:
    """Normalise a database URL; SQLite in the instance folder when none is given.

    Heroku-style `postgres://` and plain `postgresql://` URLs are pointed at the psycopg 3 driver.
    """
    if not url:
        return "sqlite:///ppi.sqlite"
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    if url.startswith("postgresql") and "connect_timeout=" not in url:
        # A database host that drops packets must not hang /readyz and every request: fail after 10 s.
        url += ("&" if "?" in url else "?") + "connect_timeout=10"
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    PPI_MAX_ATTACHMENT_BYTES = int(os.environ.get("PPI_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))
    MAX_CONTENT_LENGTH = PPI_MAX_ATTACHMENT_BYTES + 1024 * 1024  # the file plus the form around it
    # Where new attachments' bytes go: the database (unset) or files in this directory (ppi/core/storage.py).
    PPI_UPLOAD_DIR = os.environ.get("PPI_UPLOAD_DIR") or None
    PPI_DEFAULT_CLUSTER_ID = int(os.environ["PPI_DEFAULT_CLUSTER_ID"]) if os.environ.get("PPI_DEFAULT_CLUSTER_ID") else None
    CHALLENGE_REMINDER_DAYS = int(os.environ.get("PPI_REMINDER_DAYS", 3))

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "ppi")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("PPI_LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_PER_IP = os.environ.get("PPI_LOGIN_LIMIT_PER_IP", "20 per 15 minutes")
    PASSWORD_RESET_LIMIT_PER_IP = os.environ.get("PPI_PASSWORD_RESET_LIMIT", "10 per hour")

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("PPI_DEFAULT_TIMEZONE", "Europe/Copenhagen")
    # The languages users may choose; each but the default has a catalogue in ppi/translations (README, Languages).
    LANGUAGES = {"en": "English", "da": "Dansk", "de": "Deutsch"}

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "PPI <no-reply@ppi.example.org>")
    OUTBOX_UI_ENABLED = _env_bool("PPI_OUTBOX_UI", True)
    PPI_BASE_URL = os.environ.get("PPI_BASE_URL", "http://127.0.0.1:5000")
    # Open Contracting (OCDS) export: the OCID prefix registered with the Open Contracting Partnership
    # ("ocds-" and six characters); each case's OCID is "<prefix>-<case id>". The default is for development
    # only: set a registered prefix before publishing, or the OCIDs collide with other development data.
    PPI_OCID_PREFIX = os.environ.get("PPI_OCID_PREFIX", "ocds-ppidev")
    PPI_OCDS_PUBLISHER = os.environ.get("PPI_OCDS_PUBLISHER", "PPI (development instance)")
    # The licence of the open data (challenges, procurement cases, public indicators): a name and its text's URL.
    PPI_OPEN_DATA_LICENCE = os.environ.get("PPI_OPEN_DATA_LICENCE", "Creative Commons Attribution 4.0 International (CC BY 4.0)")
    PPI_OPEN_DATA_LICENCE_URL = os.environ.get("PPI_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")
    # The accessibility statement (/accessibility, Directive (EU) 2016/2102): where users report a barrier, and the body
    # they may turn to when the reply does not satisfy them (the enforcement procedure; Denmark's by default).
    PPI_ACCESSIBILITY_CONTACT = os.environ.get("PPI_ACCESSIBILITY_CONTACT", "accessibility@ppi.example.org")
    PPI_ACCESSIBILITY_PHONE = os.environ.get("PPI_ACCESSIBILITY_PHONE") or None
    PPI_ACCESSIBILITY_ENFORCEMENT_BODY = os.environ.get(
        "PPI_ACCESSIBILITY_ENFORCEMENT_BODY", "Digitaliseringsstyrelsen (the Danish Agency for Digital Government)")
    PPI_ACCESSIBILITY_ENFORCEMENT_URL = os.environ.get(
        "PPI_ACCESSIBILITY_ENFORCEMENT_URL",
        "https://digst.dk/digital-inklusion/webtilgaengelighed/oplever-du-ikke-tilgaengeligt-indhold/")

    # The indicator dashboards are computed at most this often (seconds) and shared by every server through the database
    # (ppi/reports/cache.py); 0 computes them on every request.
    PPI_INDICATORS_CACHE_SECONDS = int(os.environ.get("PPI_INDICATORS_CACHE_SECONDS", 300))
    # Anonymous visitors' challenge list, challenge pages and home page are kept whole in each worker's memory for at
    # most this long (seconds; ppi/core/pagecache.py); any committed change retires them at once. 0: no page cache.
    PPI_PAGE_CACHE_SECONDS = int(os.environ.get("PPI_PAGE_CACHE_SECONDS", 60))
    PPI_PAGE_CACHE_MAX_MB = float(os.environ.get("PPI_PAGE_CACHE_MAX_MB", 32))  # page bodies per worker process

    INVITATION_TTL = timedelta(days=7)
    PASSWORD_RESET_TTL = timedelta(hours=1)
    PASSWORD_MIN_LENGTH = 12
    PAGE_SIZE = 25

    GENERATE_DEV_SECRET = False
    DEMO_DATA_ALLOWED = False
    # How many reverse proxies stand in front of the app (their X-Forwarded-For/-Proto/-Host are trusted).
    PPI_PROXY_COUNT = int(os.environ.get("PPI_PROXY_COUNT", 0))
    SIGNUP_LIMIT_PER_IP = os.environ.get("PPI_SIGNUP_LIMIT", "10 per hour")
    # Level of the log written to stdout (ppi/core/logs.py; not in testing, nor when logging is configured already).
    PPI_LOG_LEVEL = os.environ.get("PPI_LOG_LEVEL", "INFO").upper()


class DevelopmentConfig(Config):
    DEBUG = True
    DEMO_DATA_ALLOWED = True
    GENERATE_DEV_SECRET = True  # a random key kept in instance/secret_key, never a fixed string


class TestingConfig(Config):
    TESTING = True
    DEMO_DATA_ALLOWED = True
    SECRET_KEY = "testing-only-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SERVER = None
    PPI_UPLOAD_DIR = None
    PPI_PAGE_CACHE_SECONDS = 0  # pages render on every request; tests/core/test_pagecache.py turns the cache on


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    OUTBOX_UI_ENABLED = _env_bool("PPI_OUTBOX_UI", False)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
