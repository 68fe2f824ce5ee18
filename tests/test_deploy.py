"""Deployment: gunicorn.conf.py's settings, a real gunicorn serving the app, and deploy/ppi.env.example kept whole."""
import os
import re
import runpy
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from flask_migrate import upgrade
from gunicorn.config import Config as GunicornConfig

from ppi import ROOT, create_app
from ppi.extensions import db
from tests.core.test_health import HEAD, free_port

GUNICORN_CONF = ROOT / "gunicorn.conf.py"
ENV_EXAMPLE = ROOT / "deploy" / "ppi.env.example"
ENV_VARIABLES = ("PPI_BIND", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "PPI_LOG_LEVEL")


def gunicorn_settings() -> dict:
    """gunicorn.conf.py's settings as gunicorn reads them (its public names), each checked to be one gunicorn knows."""
    names = {name: value for name, value in runpy.run_path(str(GUNICORN_CONF)).items()
             if not name.startswith("_") and not callable(value) and not isinstance(value, type(os))}
    known = GunicornConfig().settings
    assert not set(names) - set(known), "not gunicorn settings (misspelt?)"
    for name, value in names.items():
        known[name].set(value)  # gunicorn's own validation
    return names


def test_gunicorn_defaults(monkeypatch):
    for name in ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    settings = gunicorn_settings()
    assert settings["bind"] == "127.0.0.1:8000"
    assert 3 <= settings["workers"] <= 8  # 2 x CPUs + 1, capped for memory
    assert settings["timeout"] == 30 and 0 < settings["graceful_timeout"] <= 30 and settings["keepalive"] > 0
    assert settings["preload_app"] is False
    assert settings["control_socket_disable"] is True  # see ../shared/reference/tooling.md
    assert settings["worker_tmp_dir"] == ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert settings["accesslog"] == "-" and "%({x-request-id}o)s" in settings["access_log_format"]
    assert settings["loglevel"] == "info"
    handlers = settings["logconfig_dict"]["handlers"]
    assert {handler["stream"] for handler in handlers.values()} == {"ext://sys.stdout"}


def test_gunicorn_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("PPI_BIND", "unix:/run/ppi/gunicorn.sock")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")
    monkeypatch.setenv("PPI_LOG_LEVEL", "WARNING")
    settings = gunicorn_settings()
    assert settings["bind"] == "unix:/run/ppi/gunicorn.sock"
    assert settings["workers"] == 3
    assert settings["forwarded_allow_ips"] == "10.0.0.5"
    assert settings["loglevel"] == "warning"
    assert settings["logconfig_dict"]["loggers"]["gunicorn.error"]["level"] == "WARNING"


def _get(url: str, request_id: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"X-Request-ID": request_id} if request_id else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def test_gunicorn_serves_the_app(tmp_path):
    """`gunicorn -c gunicorn.conf.py wsgi:app` with the production settings: up, not ready until migrated, then ready;
    its log (stdout) has the access lines and the app's lines with the request id; SIGTERM stops it cleanly."""
    database = f"sqlite:///{tmp_path / 'ppi.sqlite'}"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PPI_", "XDG_"))}
    env |= {"PPI_CONFIG": "production", "SECRET_KEY": "gunicorn-test-secret", "DATABASE_URL": database,
            "PPI_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "HOME": str(tmp_path)}
    log_path = tmp_path / "gunicorn.log"
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        server = subprocess.Popen([gunicorn, "-c", str(GUNICORN_CONF), "wsgi:app"], cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)

        status, body = _get(f"{base}/readyz", request_id="before-upgrade")
        assert status == 503 and b"missing" in body

        app = create_app("testing", SQLALCHEMY_DATABASE_URI=database)
        with app.app_context():
            upgrade()
            db.engine.dispose()
        status, body = _get(f"{base}/readyz", request_id="after-upgrade")
        assert status == 200, body
        assert HEAD.encode() in body
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            returncode = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            raise
    output = log_path.read_text()
    assert returncode == 0, output
    assert f"Listening at: {base}" in output
    assert re.search(r'"GET /readyz HTTP/1.1" 503 .* request_id=before-upgrade$', output, re.MULTILINE), output
    assert re.search(r'"GET /readyz HTTP/1.1" 200 .* request_id=after-upgrade$', output, re.MULTILINE), output
    assert re.search(r"WARNING \[before-upgrade\] ppi: Not ready: migrations missing", output), output
    assert not (tmp_path / ".gunicorn").exists()  # no control socket in $HOME


def read_environment_names(path) -> set[str]:
    """The environment variables a Python file reads at import, however it reads them (get, [], a helper)."""

    class Recording(dict):
        def get(self, key, default=None):
            names.add(key)
            return super().get(key, default)

        def __getitem__(self, key):
            names.add(key)
            return super().__getitem__(key)

        def __contains__(self, key):
            names.add(key)
            return super().__contains__(key)

    names: set[str] = set()
    saved = os.environ
    os.environ = Recording(saved)
    try:
        runpy.run_path(str(path))
    finally:
        os.environ = saved
    return names


def test_the_env_example_names_every_setting():
    """Every variable config.py, gunicorn.conf.py and wsgi.py read is in deploy/ppi.env.example, and nothing else."""
    wanted = read_environment_names(ROOT / "config.py") | read_environment_names(GUNICORN_CONF)
    wanted |= set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', (ROOT / "wsgi.py").read_text()))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    assert {"SECRET_KEY", "DATABASE_URL", "PPI_CONFIG", "MAIL_USE_TLS", "WEB_CONCURRENCY"} <= wanted
    assert not wanted - listed, "add these to deploy/ppi.env.example"
    assert not listed - wanted, "deploy/ppi.env.example names variables nothing reads"


def test_every_timer_starts_a_service_that_runs_a_real_command():
    """Each deploy/ppi-*.timer has its .service, and each service's `flask ppi …` is a command the app has."""
    commands = set(create_app("testing").cli.commands["ppi"].commands)
    timers = sorted((ROOT / "deploy").glob("ppi-*.timer"))
    assert {"ppi-send-mail.timer", "ppi-refresh-indicators.timer"} <= {timer.name for timer in timers}
    for timer in timers:
        service = timer.with_suffix(".service").read_text()
        command = re.search(r"^ExecStart=\S+/flask ppi ([a-z-]+)$", service, re.MULTILINE)
        assert command and command.group(1) in commands, timer.name
