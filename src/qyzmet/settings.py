"""Django settings, read from the environment with safe defaults.

`DATABASE_URL` selects the database (embedded SQLite under `var/` by default),
`SECRET_KEY` is generated into `var/secret_key` on first use when absent, and
`DEBUG` stays off unless `QYZMET_DEBUG=1` is set (a bare `DEBUG=1` is ignored).

`QYZMET_PROFILE=production` is the profile for real deployments (ADR 0007): it refuses to start
without `SECRET_KEY` and `ALLOWED_HOSTS`, never turns DEBUG on, trusts only the CA roots it is given
(never the test CA under `var/pki`), and sets secure cookies, HSTS, the SSL redirect behind a
proxy and a Content-Security-Policy without inline scripts. The default profile, `development`, is
what `make run`, the tests and `qyzmet demo` use.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from qyzmet.core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("QYZMET_VAR_DIR", PROJECT_DIR / "var")).resolve()


PROFILES = ("development", "production")
QYZMET_PROFILE = os.environ.get("QYZMET_PROFILE", "development").strip() or "development"
if QYZMET_PROFILE not in PROFILES:
    raise ImproperlyConfigured(f"QYZMET_PROFILE must be one of {', '.join(PROFILES)}, not {QYZMET_PROFILE!r}")
IS_PRODUCTION = QYZMET_PROFILE == "production"


def _env_flag(*names: str) -> bool:
    return any(os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"} for name in names)


def _production_missing() -> list[str]:
    """What a production start needs from the environment and does not have."""
    missing = []
    if len(os.environ.get("SECRET_KEY", "").strip()) < 50:
        missing.append("SECRET_KEY (at least 50 characters)")
    if not [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]:
        missing.append("ALLOWED_HOSTS (comma-separated host names)")
    return missing


if IS_PRODUCTION and (_missing := _production_missing()):
    raise ImproperlyConfigured("QYZMET_PROFILE=production refuses to start without: " + "; ".join(_missing))


def _secret_key() -> str:
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # Written with owner-only permissions: the key signs sessions and CSRF tokens.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_flag("QYZMET_DEBUG") and not IS_PRODUCTION
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "qyzmet.core",
    "qyzmet.catalog",
    "qyzmet.identity",
    "qyzmet.audit",
    "qyzmet.signatures",
    "qyzmet.gateway",
    "qyzmet.cases",
    "qyzmet.state_corporation",
    "qyzmet.documents",
    "qyzmet.portal",
    "qyzmet.public",
    "qyzmet.backoffice",
    "qyzmet.authoring",
    "qyzmet.workstation",
    "qyzmet.reports",
    "qyzmet.api",
]

MIDDLEWARE = [
    "qyzmet.core.middleware.RequestIdMiddleware",
    "qyzmet.identity.access.roles_read_once_per_request",
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
    "qyzmet.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "qyzmet.urls"
WSGI_APPLICATION = "qyzmet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qyzmet.public.context.signing",
                "qyzmet.public.context.navigation",
            ],
        },
    },
]

# Connections are kept open between requests (DATABASE_CONN_MAX_AGE seconds, 60 by default;
# 0 closes each after its request) and checked before reuse: opening a PostgreSQL connection
# costs a few milliseconds, about as much as filing a case's queries (ADR 0018).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qyzmet.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A connection kept between requests is checked before reuse, so a restarted database is
        # reconnected to by itself (docs/operations.md); while it is down, pages answer 503.
        conn_health_checks=True,
    )
}
# The embedded SQLite (make run, the tests) keeps the key columns of PostgreSQL's covering indexes
# (INCLUDE) and ignores the rest; that is expected there, not a finding of `check --deploy`.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"
# Password logins go through citizen_authenticate: lockout after repeated failures, audited attempts.
AUTHENTICATION_BACKENDS = ["qyzmet.identity.backends.IinLockoutBackend"]

# Where the client's IP address is read from (log-in throttling, EDS challenge limits): the socket
# peer by default; behind a reverse proxy the META key of the header it sets (e.g. HTTP_X_REAL_IP).
QYZMET_CLIENT_ADDRESS_HEADER = os.environ.get("QYZMET_CLIENT_ADDRESS_HEADER", "REMOTE_ADDR").strip() or "REMOTE_ADDR"

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "/cabinet/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Where one-time passwords go: the default stores them in the SMS outbox table (shown by the demo).
QYZMET_SMS_BACKEND = os.environ.get("QYZMET_SMS_BACKEND", "qyzmet.identity.sms.OutboxSmsBackend")

LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries installed from the npm registry by `make` (`npm ci`, pinned by package-lock.json).
NODE_MODULES_DIR = Path(os.environ.get("QYZMET_NODE_MODULES", PROJECT_DIR / "node_modules")).resolve()
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist"),
    ("vendor/ncalayer", NODE_MODULES_DIR / "ncalayer-js-client"),
    ("vendor/bpmn-js", NODE_MODULES_DIR / "bpmn-js" / "dist"),
]
# WhiteNoise reads this folder at start-up; `qyzmet setup` fills it (collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto; sessions last one working day.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_AGE = 9 * 60 * 60
    SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Logs (docs/adr/0016-observability.md): one JSON object per line under the production profile, plain
# text elsewhere (QYZMET_LOG_FORMAT=json|plain overrides); every line carries the request id (the
# X-Request-ID header, passed on to the gateway and to queued tasks) and the case number where known.
QYZMET_LOG_FORMAT = os.environ.get("QYZMET_LOG_FORMAT", "json" if IS_PRODUCTION else "plain").strip().lower()
if QYZMET_LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"QYZMET_LOG_FORMAT must be json or plain, not {QYZMET_LOG_FORMAT!r}")
LOGGING = logging_config(
    log_format=QYZMET_LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "WARNING"),
    qyzmet_level=os.environ.get("QYZMET_LOG_LEVEL", "INFO"),
)

# Operations: /health/ (open, ok/fail and latency only) and /metrics/ (Prometheus) for the people who
# run the platform. /metrics/ answers a bearer token (QYZMET_METRICS_TOKEN) or the addresses in
# QYZMET_METRICS_ALLOWED_IPS (comma-separated addresses or networks; 127.0.0.1 and ::1 by default
# outside production, none in production). Both are exempt from the HTTPS redirect, for probes on the
# private network.
QYZMET_METRICS_TOKEN = os.environ.get("QYZMET_METRICS_TOKEN", "").strip()
QYZMET_METRICS_ALLOWED_IPS = [
    a.strip() for a in os.environ.get(
        "QYZMET_METRICS_ALLOWED_IPS", "" if IS_PRODUCTION else "127.0.0.1,::1").split(",") if a.strip()
]
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics/$"]

# PKI and electronic digital signatures (qyzmet.signatures). The test national CA lives in
# QYZMET_PKI_DIR (never committed); its CRL and OCSP addresses point at QYZMET_PKI_BASE_URL.
QYZMET_PKI_DIR = Path(os.environ.get("QYZMET_PKI_DIR", VAR_DIR / "pki")).resolve()
QYZMET_PKI_BASE_URL = os.environ.get("QYZMET_PKI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Extra trusted root (or issuing) CA certificates, PEM or DER files, separated by os.pathsep;
# files dropped into QYZMET_PKI_DIR / "trust" are trusted as well.
QYZMET_TRUSTED_ROOTS = [p for p in os.environ.get("QYZMET_TRUSTED_ROOTS", "").split(os.pathsep) if p.strip()]
# The test national CA under QYZMET_PKI_DIR is trusted only outside production: a production
# deployment trusts exactly the roots in QYZMET_TRUSTED_ROOTS.
QYZMET_TRUST_TEST_CA = not IS_PRODUCTION
QYZMET_SIGNATURE_VERIFIER = os.environ.get(
    "QYZMET_SIGNATURE_VERIFIER", "qyzmet.signatures.backends.local.LocalVerifier"
)
# Revocation sources the local verifier asks, in order: "ocsp", "crl".
QYZMET_SIGNATURE_REVOCATION_SOURCES = ("ocsp", "crl")
# Freshness of revocation answers (ADR 0013): an OCSP response that does not echo our nonce counts
# only if produced within QYZMET_OCSP_MAX_AGE seconds; a CRL without nextUpdate only for
# QYZMET_CRL_MAX_AGE seconds after its thisUpdate.
QYZMET_OCSP_MAX_AGE = int(os.environ.get("QYZMET_OCSP_MAX_AGE", str(60 * 60)))
QYZMET_CRL_MAX_AGE = int(os.environ.get("QYZMET_CRL_MAX_AGE", str(24 * 60 * 60)))

# E-government gateway (qyzmet.gateway): where the registries answer (the simulator by default,
# `qyzmet registries serve --port 8100`), the platform's sender id, and the bounded retries.
QYZMET_REGISTRY_URL = os.environ.get("QYZMET_REGISTRY_URL", "http://127.0.0.1:8100").rstrip("/")
QYZMET_GATEWAY_SENDER_ID = os.environ.get("QYZMET_GATEWAY_SENDER_ID", "QYZMET")
QYZMET_GATEWAY_TIMEOUT = float(os.environ.get("QYZMET_GATEWAY_TIMEOUT", "5"))
QYZMET_GATEWAY_ATTEMPTS = int(os.environ.get("QYZMET_GATEWAY_ATTEMPTS", "3"))
QYZMET_GATEWAY_BACKOFF = float(os.environ.get("QYZMET_GATEWAY_BACKOFF", "0.25"))
QYZMET_GATEWAY_PENDING_MAX_ATTEMPTS = int(os.environ.get("QYZMET_GATEWAY_PENDING_MAX_ATTEMPTS", "24"))

# Signing in the browser goes through NCALayer's WebSocket protocol; the real NCALayer listens on
# wss://127.0.0.1:13579, the development stand-in (`qyzmet ncalayer serve`) on ws:// by default.
QYZMET_NCALAYER_URL = os.environ.get("QYZMET_NCALAYER_URL", "wss://127.0.0.1:13579")

# Content-Security-Policy (django-csp): scripts and styles only from this site, no inline scripts;
# the pages talk to NCALayer on the person's own computer. Enforced in production, reported only
# (Content-Security-Policy-Report-Only) elsewhere so development shows what would break.
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],  # htmx's indicator style and the diagrams' SVG attributes
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'", QYZMET_NCALAYER_URL],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
if IS_PRODUCTION:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}

# Applicants' attachments: stored on disk under QYZMET_UPLOAD_DIR with their SHA-256.
QYZMET_UPLOAD_DIR = Path(os.environ.get("QYZMET_UPLOAD_DIR", VAR_DIR / "uploads")).resolve()
QYZMET_UPLOAD_MAX_BYTES = int(os.environ.get("QYZMET_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
QYZMET_UPLOAD_TYPES = ("application/pdf", "image/jpeg", "image/png")
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# An oversized file is cut at the limit + 1 byte as it streams in, never kept whole (core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "qyzmet.core.uploads.TruncatingUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The public address printed (as a QR code) on every result document and receipt.
QYZMET_PUBLIC_BASE_URL = os.environ.get("QYZMET_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work (qyzmet.worker, docs/adr/0009-background-work.md): Django's tasks API with the
# database backend (django-tasks-db) by default, or RQ on Redis (django-tasks-rq) with
# QYZMET_TASKS_BACKEND=redis. `qyzmet worker` runs the queue and the periodic jobs.
QYZMET_TASKS_BACKEND = os.environ.get("QYZMET_TASKS_BACKEND", "database").strip().lower()
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
QYZMET_TASK_QUEUES = ["default", "notifications"]
# A task still "running" this long after it started is taken back and run again (its worker is gone).
QYZMET_TASKS_STALE_AFTER = int(os.environ.get("QYZMET_TASKS_STALE_AFTER", "900"))
INSTALLED_APPS += ["django_tasks_db", "django_rq", "qyzmet.worker", "qyzmet.monitoring", "qyzmet.notifications"]
INSTALLED_APPS += ["qyzmet.appeals"]
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_rq.RQBackend" if QYZMET_TASKS_BACKEND == "redis" else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": QYZMET_TASK_QUEUES,
    }
}
RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600} for name in QYZMET_TASK_QUEUES}

# Notifications (qyzmet.notifications): SMS through QYZMET_SMS_BACKEND (the outbox table by default),
# e-mail through Django's e-mail backend: files under var/outbox-mail by default (shown by the demo),
# SMTP (Django's EMAIL_HOST… settings) under the production profile.
QYZMET_MAIL_BACKEND = os.environ.get(
    "QYZMET_MAIL_BACKEND", f"django.core.mail.backends.{'smtp' if IS_PRODUCTION else 'filebased'}.EmailBackend"
)
QYZMET_MAIL_OUTBOX = Path(os.environ.get("QYZMET_MAIL_OUTBOX", VAR_DIR / "outbox-mail")).resolve()
MAILERS = {
    "default": {
        "BACKEND": QYZMET_MAIL_BACKEND,
        "OPTIONS": (
            {"file_path": str(QYZMET_MAIL_OUTBOX)} if QYZMET_MAIL_BACKEND.endswith(".filebased.EmailBackend") else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@qyzmet.kz")
