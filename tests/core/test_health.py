"""/healthz and /readyz: what a load balancer asks before sending traffic."""
import socket
import time

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_limiter import Limit
from flask_limiter.util import get_remote_address

from ppi import ROOT, create_app
from ppi.extensions import db, limiter

SCRIPTS = ScriptDirectory(str(ROOT / "migrations"))
(HEAD,) = SCRIPTS.get_heads()
BEFORE_HEAD = SCRIPTS.get_revision(HEAD).down_revision


@pytest.fixture
def stamp(app):
    """Write a revision into alembic_version, as `flask db upgrade` would; the test database is built with create_all,
    so it has no such table. Dropped again after the test (the permission matrix expects it missing)."""

    def write(revision: str) -> None:
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(sa.text(
                "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
            connection.execute(sa.text("DELETE FROM alembic_version"))
            connection.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:revision)"),
                               {"revision": revision})

    yield write
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def free_port() -> int:
    """A TCP port nobody listens on (bound and released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_app(request, tmp_path):
    """An app whose database cannot be opened: a SQLite file in a folder that does not exist, or a PostgreSQL port
    nobody listens on (the driver is installed whether or not a server is)."""
    uri = {
        "sqlite": f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'ppi.sqlite'}",
        "postgresql": f"postgresql+psycopg://ppi@127.0.0.1:{free_port()}/ppi",
    }[request.param]
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_healthz_answers_without_the_database(unreachable_app):
    response = unreachable_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_ready_when_the_database_is_at_the_migrations_head(app, client, stamp):
    stamp(HEAD)
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ready", "database": "ok", "migrations": HEAD}
    assert response.headers["Cache-Control"] == "no-store"


def test_not_ready_when_the_database_is_behind(client, stamp):
    stamp(BEFORE_HEAD)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "database": "ok",
                                   "migrations": f"behind: db {BEFORE_HEAD}, head {HEAD}"}


def test_not_ready_when_the_database_has_a_revision_this_code_does_not_know(client, stamp):
    """A newer release migrated the database (say, during a rolling deployment): this server must not serve it."""
    stamp("f00dfeedbeef")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == f"unknown revision: db f00dfeedbeef, head {HEAD}"


def test_not_ready_without_migrations(client):
    """The test database is made by create_all: no alembic_version table at all."""
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "database": "ok",
                                   "migrations": f"missing: no revision in the database, head {HEAD}"}
    assert response.headers["Cache-Control"] == "no-store"


def test_not_ready_when_the_database_is_unreachable_and_quickly_so(unreachable_app, caplog):
    started = time.monotonic()
    response = unreachable_app.test_client().get("/readyz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "database": "unreachable"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "the database is unreachable" in caplog.text


def test_health_checks_are_never_rate_limited(app, client, monkeypatch):
    """Under a default limit of one request per hour, every other page is refused the second time."""
    monkeypatch.setattr(limiter.limit_manager, "_default_limits",
                        [Limit("1 per hour", key_function=get_remote_address).bind(limiter)])
    assert [client.get("/organisations/").status_code for _ in range(2)] == [200, 429]
    assert {client.get("/healthz").status_code for _ in range(3)} == {200}
    assert {client.get("/readyz").status_code for _ in range(3)} == {503}  # 503: not migrated; not 429
