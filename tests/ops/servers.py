"""Real gunicorn servers (`gunicorn -c gunicorn.conf.py wsgi:app`, production settings) on a PostgreSQL database of
their own, and a user agent that signs in and fills in forms on them: the tests of tests/ops."""
import http.client
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from bench.processes import children
from ppi import ROOT
from tests.conftest import POSTGRES_URL
from tests.core.test_health import free_port

requires_postgresql = pytest.mark.skipif(
    not POSTGRES_URL, reason="several gunicorn servers need one database they share: PostgreSQL. Set "
                             "PPI_TEST_DATABASE_URL (CI always does)")
requires_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds gunicorn's workers in /proc (Linux)")

GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET_KEY = "ops-test-secret-shared-by-every-server"
START_SECONDS = 30


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Server:
    """One gunicorn master and its workers, serving `base`."""

    process: subprocess.Popen
    base: str
    log: Path

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.base)
        return parts.hostname, parts.port

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def wait_until_ready(self) -> None:
        """/readyz answers 200: a worker runs and the database is at the migrations' head."""
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if UserAgent().get(self, "/readyz").status == 200:
                    return
            except OSError:
                pass
            assert self.process.poll() is None, f"gunicorn stopped:\n{self.log.read_text()}"
            assert time.monotonic() < deadline, f"not ready after {START_SECONDS} s:\n{self.log.read_text()}"
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def server_environment(database_url: str, home: Path, port: int, workers: int) -> dict[str, str]:
    """What deploy/ppi.env.example asks for, for a server without TLS, mail or Redis. PPI_UPLOAD_DIR stays unset:
    attachments in the database are what every server reaches."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PPI_", "XDG_"))}
    env.pop("DATABASE_URL", None)
    return env | {"PPI_CONFIG": "production", "SECRET_KEY": SECRET_KEY, "DATABASE_URL": database_url,
                  "PPI_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "HOME": str(home),
                  "PPI_LOG_LEVEL": "WARNING"}


@contextmanager
def gunicorn_servers(database_url: str, directory: Path, count: int, workers: int = 1):
    """`count` gunicorn servers on the database, each on a free port, started together; yields them once all are
    ready and stops them (SIGTERM, SIGKILL if they hang) whatever happens."""
    servers = []
    try:
        for n in range(count):
            port = free_port()
            log = directory / f"gunicorn-{n}.log"
            with open(log, "wb") as output:
                process = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"], cwd=ROOT,
                                           env=server_environment(database_url, directory, port, workers),
                                           stdout=output, stderr=subprocess.STDOUT)
            servers.append(Server(process, f"http://127.0.0.1:{port}", log))
        for server in servers:
            server.wait_until_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


class UserAgent:
    """A browser for the tests, one cookie jar for every server (they share the host, as behind one load balancer).

    It sends the session cookie over plain HTTP although production marks it Secure: TLS ends at nginx in front of
    gunicorn, which these tests leave out. Redirects are not followed: the tests look at them."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def get(self, server: Server, path: str) -> Reply:
        return self._send(server, "GET", path)

    def post(self, server: Server, path: str, fields: dict[str, str],
             files: dict[str, tuple[str, bytes, str]] | None = None) -> Reply:
        """A form: urlencoded, or multipart with `files` (field -> (filename, bytes, content type))."""
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self._send(server, "POST", path, body, {"Content-Type": content_type})

    def form_token(self, server: Server, path: str) -> str:
        """The CSRF token of the form on the page at `path`."""
        page = self.get(server, path)
        assert page.status == 200, (path, page.status, page.text[:500])
        match = CSRF_TOKEN.search(page.text)
        assert match, f"no form on {path}"
        return match.group(1)

    def _send(self, server: Server, method: str, path: str, body: bytes | None = None,
              headers: dict[str, str] | None = None) -> Reply:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection(*server.address, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            connection.close()
        self._keep_cookies(reply.headers.get_all("Set-Cookie") or [])
        return reply

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
              f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n"
              for name, (filename, content, content_type) in files.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# --- what a company does ------------------------------------------------------------------------------------------------

def sign_in(agent: UserAgent, server: Server, email: str, password: str) -> None:
    token = agent.form_token(server, "/login")
    reply = agent.post(server, "/login", {"csrf_token": token, "email": email, "password": password})
    assert reply.status == 302 and reply.location.endswith("/dashboard"), (reply.status, reply.text[:1000])


def propose(agent: UserAgent, server: Server, challenge_id: int, fields: dict[str, str]) -> int:
    path = f"/challenges/{challenge_id}/propose"
    reply = agent.post(server, path, {"csrf_token": agent.form_token(server, path), **fields})
    assert reply.status == 302, (reply.status, reply.text[:1000])
    return int(re.search(r"/proposals/(\d+)", reply.location).group(1))


def proposal_token(agent: UserAgent, server: Server, proposal_id: int) -> str:
    """The CSRF token of the forms on the proposal's page (the same for all of them)."""
    return agent.form_token(server, f"/proposals/{proposal_id}")


def attach(agent: UserAgent, server: Server, proposal_id: int, content: bytes, filename: str, token: str) -> Reply:
    return agent.post(server, f"/proposals/{proposal_id}/attachments", {"csrf_token": token, "title": filename},
                      {"file": (filename, content, "application/octet-stream")})


def submit(agent: UserAgent, server: Server, proposal_id: int, token: str) -> Reply:
    return agent.post(server, f"/proposals/{proposal_id}/submit", {"csrf_token": token, "declaration": "y"})
