"""PostgreSQL: ten administrators approve ten grants at the same moment; the pool is never over-committed.

A pool of 1,000,000 has ten submitted applications of 150,000 each. Ten threads, each with its own app context
(so its own session and connection), call `ppi.pools.services.decide` as the pool's administrator and commit,
released together by a barrier. The row lock on the pool orders them: exactly six fit (900,000), the other
four are refused with "Not enough left", and what is committed never exceeds the total.

Runs on PostgreSQL only (row locks and concurrent transactions); it is collected once, not once per backend.
"""
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.core.errors import DomainError
from ppi.extensions import db, limiter
from ppi.pilots.workflow import PilotStatus
from ppi.pools import services
from ppi.pools.models import GrantApplication, Pool
from ppi.pools.workflow import ApplicationStatus as A
from tests.conftest import POSTGRES_URL, _prepare_schema, _empty_postgresql, build_world, make_app
from tests.pilots.helpers import add_pilot
from tests.pools.support import add_application, add_pool

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="PostgreSQL only: set PPI_TEST_DATABASE_URL (concurrent approvals need row locks and a connection pool)",
)

THREADS = 10
TOTAL = Decimal(1_000_000)
GRANT = Decimal(150_000)


@pytest.fixture
def pg_app():
    """An app of its own on PostgreSQL, with empty tables before and after."""
    app = make_app("postgresql")
    with app.app_context():
        db.session.remove()
        _prepare_schema("postgresql")
        _empty_postgresql()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()  # an open transaction would make TRUNCATE wait for ever
            _empty_postgresql()
            db.engine.dispose()
        limiter.reset()


def _pool_with_submitted_applications(app) -> tuple[int, int, list[int]]:
    with app.app_context():
        world = build_world()
        pool_id = add_pool(world, total_budget=TOTAL, min_grant=Decimal(100_000), max_grant=GRANT,
                           opens_on=date.today() - timedelta(days=1))
        applications = [add_application(world, pool_id, add_pilot(world, PilotStatus.RUNNING, agreed=True), A.SUBMITTED,
                                        requested=GRANT, benefit=True, declared=True) for _ in range(THREADS)]
        return pool_id, world.users["cluster_admin"], applications


def test_simultaneous_approvals_never_commit_more_than_the_pool_holds(pg_app):
    app = pg_app
    pool_id, admin_id, application_ids = _pool_with_submitted_applications(app)
    barrier = threading.Barrier(THREADS)
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def approve(application_id: int) -> None:
        with app.app_context():
            try:
                actor = db.session.get(User, admin_id)
                application = db.session.get(GrantApplication, application_id)
                db.session.commit()  # end the loading transaction: every thread starts the race fresh
                barrier.wait(timeout=30)
                services.decide(actor, application, True, GRANT, "Fits the pool's aims.")
                db.session.commit()
                outcome = "approved"
            except DomainError as error:
                db.session.rollback()
                outcome = error.message
            except Exception as error:  # anything else is a failure of the test, reported below
                db.session.rollback()
                outcome = f"unexpected {type(error).__name__}: {error}"
            finally:
                db.session.remove()
        with lock:
            outcomes[application_id] = outcome

    threads = [threading.Thread(target=approve, args=(application_id,)) for application_id in application_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert len(outcomes) == THREADS
    approved = [a for a, outcome in outcomes.items() if outcome == "approved"]
    refused = {a: outcome for a, outcome in outcomes.items() if outcome != "approved"}
    assert len(approved) == 6, outcomes
    assert len(refused) == 4 and all(outcome.startswith("Not enough left in the pool") for outcome in refused.values()), refused

    with app.app_context():
        rows = db.session.execute(sa.select(GrantApplication.id, GrantApplication.status, GrantApplication.approved_amount)
                                  .where(GrantApplication.pool_id == pool_id)).all()
        pool = db.session.get(Pool, pool_id)
        budget = services.budget(pool)
    statuses = {row.id: row.status for row in rows}
    assert {a for a, status in statuses.items() if status == A.APPROVED} == set(approved)
    assert {a for a, status in statuses.items() if status == A.SUBMITTED} == set(refused)  # refused ones stay undecided
    committed = sum((row.approved_amount for row in rows if row.status == A.APPROVED), Decimal(0))
    assert committed == 6 * GRANT == budget.committed
    assert committed <= pool.total_budget == TOTAL
    assert budget.left == TOTAL - 6 * GRANT
