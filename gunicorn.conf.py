"""gunicorn settings for PPI: `gunicorn -c gunicorn.conf.py wsgi:app` (deploy/ppi.service runs exactly that).

What depends on the machine comes from the environment (deploy/ppi.env.example: PPI_BIND, WEB_CONCURRENCY,
FORWARDED_ALLOW_IPS, PPI_LOG_LEVEL); the application's own settings are in config.py. Logs go to stdout, which systemd
hands to the journal.
"""
import os


def _cpus() -> int:
    """The CPUs this process may run on (a container's or a cgroup's share, not the whole machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("PPI_BIND", "127.0.0.1:8000")  # nginx in front (deploy/nginx-ppi.conf); never public

# Sync workers: one request at a time each. gunicorn advises 2 x CPUs + 1, since a worker spends much of a request
# waiting on PostgreSQL. But each worker is a whole copy of the app (pandas, openpyxl: about 150 MB resident once
# warm) and holds its own database connections, so the default is capped at 8 (about 1.2 GB); set WEB_CONCURRENCY
# to size it for the machine's memory and PostgreSQL's max_connections.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cpus() + 1, 8))
worker_class = "sync"
# Restart a worker after this many requests (spread so they do not all restart at once): the memory of a large report
# export is not always given back to the system.
max_requests = 1000
max_requests_jitter = 100

# A worker busy with one request for longer is killed and replaced. The slowest page, the whole indicators XLSX export
# at platform scale, takes about 3 s (README, Performance).
timeout = 30
graceful_timeout = 30  # on SIGTERM/SIGHUP, requests in progress get this long to finish (ppi.service waits longer)
keepalive = 5  # seconds; used by threaded/async workers only (sync workers close each connection)

# Each worker imports the app itself: no database connection or pool is shared across fork(), and a reload (SIGHUP)
# picks up new code. Costs a little memory and start-up time.
preload_app = False

# Trust X-Forwarded-Proto (https) from these addresses only: nginx on the same machine. The app itself trusts
# X-Forwarded-For/-Proto/-Host from PPI_PROXY_COUNT proxies (config.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The workers' heartbeat files: in memory when possible (a heartbeat on a slow or full disk makes workers time out).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# gunicorn 25.1+ opens a control socket in $XDG_RUNTIME_DIR or ~/.gunicorn: under ppi.service (ProtectSystem=strict,
# a system user) that folder is not writable, and two instances on one host would fight over the same path. PPI does
# not use gunicornc (signals restart and resize it: `systemctl reload ppi`), so there is none. Older versions ignore it.
control_socket_disable = True

# Logging, all to stdout. The access log line ends with the request id (the X-Request-ID header the app echoes:
# nginx's $request_id, or the app's own), which the app's log lines carry too (ppi/core/logs.py).
loglevel = os.environ.get("PPI_LOG_LEVEL", "info").lower()
accesslog = "-"
access_log_format = ('%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" '
                     'request_id=%({x-request-id}o)s')
# gunicorn's errorlog "-" is stderr, and opening /dev/stdout fails when stdout is the journal's socket: route
# gunicorn's own loggers to stdout here. The root logger gets no handler, so that the app installs its own (with
# request ids, ppi/core/logs.py).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "error", "stream": "ext://sys.stdout"},
        "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout"},
    },
    "formatters": {
        "error": {"format": "%(asctime)s %(levelname)s [-] gunicorn[%(process)d]: %(message)s"},
        "access": {"format": "%(message)s"},
    },
}
