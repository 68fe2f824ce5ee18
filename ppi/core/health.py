"""Health checks for load balancers and orchestrators, public, never rate limited, never cached.

`/healthz`: the process answers (no database access), so a dead worker is restarted.
`/readyz`: the database answers and its schema is at the migrations' head, so traffic goes only to
servers that can serve it (a 503 with what is wrong otherwise).
"""
from functools import cache

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify

from ppi.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return _answer(200, status="ok")


@bp.get("/readyz")
@limiter.exempt
def readyz():
    scripts = migration_scripts(current_app.extensions["migrate"].directory)
    heads = frozenset(scripts.get_heads())
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip()  # the driver's message, without SQLAlchemy's SQL
        current_app.logger.warning("Not ready: the database is unreachable: %s", reason)
        return _answer(503, status="not ready", database="unreachable")
    if current == heads:
        return _answer(200, status="ready", database="ok", migrations=_names(heads))
    problem = migration_problem(current, heads, scripts)
    current_app.logger.warning("Not ready: migrations %s", problem)
    return _answer(503, status="not ready", database="ok", migrations=problem)


@cache
def migration_scripts(directory: str) -> ScriptDirectory:
    """The migration scripts, read once per process (deploying new code restarts it)."""
    return ScriptDirectory(directory)


def migration_problem(current: frozenset[str], heads: frozenset[str], scripts: ScriptDirectory) -> str:
    """Why the database's revision is not the head: none recorded, an older one, or one this code does not know
    (a newer release migrated the database)."""
    if not current:
        return f"missing: no revision in the database, head {_names(heads)}"
    known = {script.revision for script in scripts.walk_revisions()}
    state = "behind" if current <= known else "unknown revision"
    return f"{state}: db {_names(current)}, head {_names(heads)}"


def _names(revisions: frozenset[str]) -> str:
    return ", ".join(sorted(revisions))


def _answer(code: int, **body):
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response
