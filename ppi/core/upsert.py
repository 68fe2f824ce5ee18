"""Insert-or-update in one statement, on PostgreSQL and SQLite alike (INSERT … ON CONFLICT … DO UPDATE)."""
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ppi.extensions import db


def upsert(model: type, rows: list[dict], key: list[sa.Column]) -> None:
    """Insert `rows`, each replacing the row with the same `key` if there is one.

    Unlike delete-then-insert, two transactions writing the same key at once cannot fail: on PostgreSQL the second
    waits for the first's row lock, then updates the row the first wrote (the last to commit wins)."""
    if not rows:
        return
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(model)
    key_names = {column.name for column in key}
    replaced = {name: insert.excluded[name] for name in rows[0] if name not in key_names}
    db.session.execute(insert.values(rows).on_conflict_do_update(index_elements=key, set_=replaced))
