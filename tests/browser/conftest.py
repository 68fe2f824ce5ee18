"""Fixtures for the browser tests: a live server of the app on each configured database, and pytest-playwright
pointed at it with Debian's Chromium (`playwright install` is not used: it would download its own browsers).

Every test in this folder is marked `browser` and is skipped, with the reason, when Chromium is missing;
`pytest -m "not browser"` leaves them out.
"""
import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from ppi import create_app
from ppi.extensions import db, limiter
from tests.conftest import _prepare_schema, _empty_postgresql, empty_tables, make_app

HERE = Path(__file__).resolve().parent
DEBIAN_CHROMIUM = "/usr/bin/chromium"
SKIP_REASON = "Chromium not installed: apt-get install -y chromium (the browser tests drive Debian's Chromium)"


def find_chromium() -> str | None:
    """The Chromium executable to drive, or None when none is installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return DEBIAN_CHROMIUM if os.access(DEBIAN_CHROMIUM, os.X_OK) else None


CHROMIUM = find_chromium()


def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder `browser`, and skip them all before any fixture runs without Chromium."""
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if CHROMIUM is None:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


# --- pytest-playwright settings -----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A desktop window: below Bootstrap's lg breakpoint the navbar (and its "Sign out") collapses.
    # Reduced motion turns off Bootstrap's smooth scrolling, which otherwise slows every click below the fold.
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB",
            "reduced_motion": "reduce"}


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """pytest-playwright resolves `page.goto("/signup")` against this."""
    return live_server.url


# --- the live server ----------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    backend: str
    url: str


def _browser_app(backend: str, tmp_dir: Path) -> Flask:
    # CSRF stays on here: the browser submits the real forms, tokens included. A file, not `sqlite://`:
    # the server answers from its own threads, and an in-memory database would not be shared with them.
    if backend == "sqlite":
        return create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_dir / 'browser.sqlite'}",
                          WTF_CSRF_ENABLED=True)
    return make_app(backend, WTF_CSRF_ENABLED=True)


class _UnloggedRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its line per request (hundreds of them drown a failure's message)."""

    def log_request(self, code="-", size="-"):
        pass


@contextmanager
def serving(app: Flask, name: str, log_requests: bool = True):
    """The app served over HTTP on a free port of 127.0.0.1 from a daemon thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True,
                         request_handler=WSGIRequestHandler if log_requests else _UnloggedRequestHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(backend, tmp_path_factory):
    """The app served over HTTP on a free port of 127.0.0.1, one server per database backend."""
    app = _browser_app(backend, tmp_path_factory.mktemp(f"browser-{backend}"))
    with app.app_context():
        db.session.remove()
        _prepare_schema(backend)
    try:
        with serving(app, f"live-server-{backend}") as url:
            yield LiveServer(app=app, backend=backend, url=url)
    finally:
        with app.app_context():
            db.session.remove()
            if backend == "postgresql":
                _empty_postgresql()
            db.engine.dispose()


@pytest.fixture
def live_app(live_server) -> Flask:
    """The live server's app for one test: its tables are emptied and its rate limits cleared afterwards.

    Use `with live_app.app_context():` to put data in place or to check what the browser changed.
    """
    yield live_server.app
    with live_server.app.app_context():
        db.session.remove()
        empty_tables(live_server.backend)
        limiter.reset()
