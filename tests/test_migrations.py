"""The Alembic migrations build exactly the models' schema, and go down to nothing and up again."""
import uuid
import warnings

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import database_url as normalise_url
from ppi import create_app
from ppi.extensions import db
from tests.conftest import POSTGRES_URL


@pytest.fixture
def empty_database(backend, tmp_path):
    """A database with no tables: a file for SQLite, a new database on the PostgreSQL server."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    server_url = sa.make_url(normalise_url(POSTGRES_URL))
    name = f"ppi_migrations_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield server_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def schema_differences() -> list:
    with db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes, and has none: the search index is PostgreSQL's only.
        warnings.filterwarnings("ignore", message=".*expression-based index 'ix_challenges_search'.*")
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_migrations_match_the_models_and_run_both_ways(empty_database):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database)
    with app.app_context():
        upgrade()
        assert schema_differences() == []
        assert {"organisations", "users", "audit_entries", "outbox_messages"} <= table_names()

        downgrade(revision="base")
        assert table_names() <= {"alembic_version"}

        upgrade()
        assert schema_differences() == []
        db.session.remove()
        db.engine.dispose()


def test_the_database_itself_refuses_to_change_the_audit_log(empty_database):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database)
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO audit_entries (occurred_at, actor_label, action, object_type) "
                "VALUES (CURRENT_TIMESTAMP, 'system', 'test.inserted', 'Test')"
            ))
        for statement in ("UPDATE audit_entries SET note = 'tampered'", "DELETE FROM audit_entries"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                with db.engine.begin() as connection:
                    connection.execute(sa.text(statement))
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM audit_entries WHERE note IS NULL")).scalar() == 1
        db.engine.dispose()
