"""The public list reads its page from indexes, so that it costs the same at 100,000 challenges as at 100 (issue 8):
each sort from its own index (no sorting of every public challenge), and on PostgreSQL the search from its index."""
import pytest
import sqlalchemy as sa

from ppi.challenges import services
from ppi.challenges.models import Challenge
from ppi.challenges.services import ChallengeFilters
from ppi.core.timeutil import utcnow
from ppi.extensions import db


def plan(stmt: sa.Select, *avoided: str) -> str:
    """The database's plan for `stmt`; PostgreSQL is told to avoid the `avoided` steps (e.g. "seqscan", "sort") when it
    can, since the test's tables are too small for an index to pay."""
    connection = db.session.connection()
    sql = str(stmt.compile(connection, compile_kwargs={"literal_binds": True}))
    if connection.dialect.name == "sqlite":
        return " | ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    for step in avoided:
        connection.exec_driver_sql(f"SET LOCAL enable_{step} = off")
    return " | ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))


@pytest.mark.parametrize("sort, index", [("deadline", "ix_challenges_deadline"), ("newest", "ix_challenges_published"),
                                         ("title", "ix_challenges_title")])
def test_each_sort_of_the_public_list_reads_its_index_in_order(app, sort, index):
    with app.app_context():
        shown = plan(services.public_challenges(ChallengeFilters(sort=sort), utcnow()).limit(25), "seqscan", "sort")
    assert index in shown, shown
    assert "TEMP B-TREE" not in shown and "Sort" not in shown, shown  # SQLite's and PostgreSQL's sorting steps


def test_the_search_reads_the_text_search_index_on_postgresql(app, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL only: SQLite searches by scanning (README, Challenges)")
    with app.app_context():
        matching = sa.select(sa.func.count()).select_from(Challenge).where(services.text_match("fall detection"))
        shown = plan(matching, "seqscan", "indexscan")  # left: an index on the words, or none
    assert "ix_challenges_search" in shown, shown
