"""Real gunicorn servers with the production settings on a PostgreSQL database made for each test by the migrations:

- two servers serve one platform: a user signed in on one goes on on the other, and what a company submits through
  one (its attachment too, kept in the database) is there on the other;
- a worker killed (SIGKILL) in the middle of an upload or a submission leaves all of it in the database or none of it,
  and the same request sent again afterwards stores the whole of it.
"""
import hashlib
import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from ppi.core.models import AuditEntry, Notification, StoredFile
from ppi.proposals.models import Proposal, ProposalAttachment, ProposalVersion, VersionFile
from tests.challenges.helpers import pdf_bytes
from tests.conftest import PASSWORD, add_challenge, build_world
from tests.core.test_backup import Databases, url_of
from tests.ops.servers import (
    UserAgent,
    attach,
    gunicorn_servers,
    proposal_token,
    propose,
    requires_postgresql,
    requires_proc,
    sign_in,
    submit,
)
from tests.proposals.helpers import PROPOSAL_FORM

pytestmark = requires_postgresql

COMPANY_ADMIN = "admin@company.test.org"  # of "Test Company ApS" in the test world (tests/conftest.py)
PLAN = pdf_bytes(200_000)
WAIT_SECONDS = 15


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A PostgreSQL database built by the migrations (`flask db upgrade`'s alembic) holding the test world and a
    challenge open for proposals: (its app, the challenge's id). Each test works on a copy of it."""
    databases = Databases(tmp_path_factory.mktemp("ops"))
    try:
        app = databases.new("postgresql")
        with app.app_context():
            challenge_id = add_challenge(build_world())
        yield app, challenge_id
    finally:
        databases.close()


@pytest.fixture
def database(loaded, tmp_path):
    """(URL of a new database holding the loaded data, the challenge's id); dropped after the test, failed or not."""
    app, challenge_id = loaded
    databases = Databases(tmp_path)
    try:
        yield url_of(databases.copy_of(app)), challenge_id
    finally:
        databases.close()


def test_two_servers_on_one_database_serve_one_session_and_one_submission(database, tmp_path):
    url, challenge_id = database
    with gunicorn_servers(url, tmp_path, count=2) as (a, b):
        agent = UserAgent()
        sign_in(agent, a, COMPANY_ADMIN, PASSWORD)
        dashboard = agent.get(b, "/dashboard")
        assert dashboard.status == 200 and "Test Company ApS" in dashboard.text
        assert UserAgent().get(b, "/dashboard").status == 302  # without the cookie A set: sent to sign in

        proposal_id = propose(agent, a, challenge_id, PROPOSAL_FORM)
        assert attach(agent, a, proposal_id, PLAN, "plan.pdf", proposal_token(agent, a, proposal_id)).status == 302
        reply = submit(agent, a, proposal_id, proposal_token(agent, a, proposal_id))
        assert reply.status == 302 and reply.location.endswith(f"/proposals/{proposal_id}/versions/1")

        page = agent.get(b, f"/proposals/{proposal_id}")
        assert page.status == 200 and PROPOSAL_FORM["title"] in page.text
        download = agent.get(b, re.search(rf"/proposals/{proposal_id}/attachments/\d+", page.text).group(0))
        assert download.status == 200 and download.body == PLAN
        receipt = agent.get(b, f"/proposals/{proposal_id}/versions/1")  # B recomputes the receipt from the bytes
        assert "Verified just now" in receipt.text and hashlib.sha256(PLAN).hexdigest() in receipt.text


# --- a worker killed in the middle of a request -----------------------------------------------------------------------

def proposal_state(connection: sa.Connection, proposal_id: int) -> dict:
    """Everything an upload or a submission to the proposal writes."""
    proposal = connection.execute(sa.select(Proposal.status, Proposal.version_count).where(Proposal.id == proposal_id)).one()
    versions = sa.select(ProposalVersion.id).where(ProposalVersion.proposal_id == proposal_id)

    def count(table, *where) -> int:
        return connection.scalar(sa.select(sa.func.count()).select_from(table).where(*where))

    return {
        "status": proposal.status, "version_count": proposal.version_count,
        "versions": count(ProposalVersion.__table__, ProposalVersion.proposal_id == proposal_id),
        "version_files": count(VersionFile.__table__, VersionFile.version_id.in_(versions)),
        "attachments": count(ProposalAttachment.__table__, ProposalAttachment.proposal_id == proposal_id),
        "stored_files": count(StoredFile.__table__),
        "audit_entries": count(AuditEntry.__table__, AuditEntry.object_type == "Proposal",
                               AuditEntry.object_id == proposal_id),
        "notifications": count(Notification.__table__),
    }


def poll(what: str, found):
    deadline = time.monotonic() + WAIT_SECONDS
    while (result := found()) is None:
        assert time.monotonic() < deadline, f"waited {WAIT_SECONDS} s for {what}"
        time.sleep(0.05)
    return result


@dataclass
class Killed:
    written: set[str]  # the tables the request's transaction had written to when its worker was killed
    waiting_in: str  # the statement it was waiting in
    client_error: BaseException | None  # what the request's sender got


def kill_in_the_middle(server, locker: sa.Connection, observer: sa.Connection, send) -> Killed:
    """Send a request while the audit log is locked, so that its transaction stops at its audit entry, the writes
    before it done; SIGKILL the worker serving it; release the lock; wait until PostgreSQL has ended the dead worker's
    session (it rolls back what the worker had not committed)."""
    [worker] = server.workers()
    pool = ThreadPoolExecutor(1)
    with locker.begin():
        locker.execute(sa.text(f"LOCK TABLE {AuditEntry.__tablename__} IN ACCESS EXCLUSIVE MODE"))
        try:
            reply = pool.submit(send)
            backend, statement = poll("the request's transaction to wait for the lock", lambda: observer.execute(sa.text(
                "SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")).first())
            written = set(observer.scalars(sa.text(
                "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = :pid AND l.granted AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r'"), {"pid": backend}))
            os.kill(worker, signal.SIGKILL)
            client_error = reply.exception(timeout=WAIT_SECONDS)
        finally:
            pool.shutdown(wait=False)  # a request left waiting goes on once the lock is released
    poll("the dead worker's session to end", lambda: None if observer.scalar(
        sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": backend}) else True)
    poll("gunicorn to replace the worker", lambda: server.workers() if server.workers() not in ([], [worker]) else None)
    server.wait_until_ready()
    return Killed(written, statement, client_error)


@requires_proc
def test_a_worker_killed_in_the_middle_of_a_request_leaves_all_of_it_or_none(database, tmp_path):
    url, challenge_id = database
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with gunicorn_servers(url, tmp_path, count=1) as (server,), engine.connect() as locker, \
                engine.connect().execution_options(isolation_level="AUTOCOMMIT") as observer:
            agent = UserAgent()
            sign_in(agent, server, COMPANY_ADMIN, PASSWORD)
            proposal_id = propose(agent, server, challenge_id, PROPOSAL_FORM)
            token = proposal_token(agent, server, proposal_id)
            before = proposal_state(observer, proposal_id)

            killed = kill_in_the_middle(server, locker, observer,
                                        lambda: attach(agent, server, proposal_id, PLAN, "plan.pdf", token))
            assert {StoredFile.__tablename__, ProposalAttachment.__tablename__} <= killed.written
            assert killed.waiting_in.startswith(f"INSERT INTO {AuditEntry.__tablename__}")
            assert isinstance(killed.client_error, ConnectionError)  # no answer at all, the worker died
            assert proposal_state(observer, proposal_id) == before  # no stored file, no attachment, no audit entry

            assert attach(agent, server, proposal_id, PLAN, "plan.pdf", token).status == 302  # sent again: all of it
            attached = proposal_state(observer, proposal_id)
            assert attached == {**before, "attachments": 1, "stored_files": before["stored_files"] + 1,
                                "audit_entries": before["audit_entries"] + 1}

            killed = kill_in_the_middle(server, locker, observer, lambda: submit(agent, server, proposal_id, token))
            assert {Proposal.__tablename__, ProposalVersion.__tablename__, VersionFile.__tablename__} <= killed.written
            assert isinstance(killed.client_error, ConnectionError)
            assert proposal_state(observer, proposal_id) == attached  # no version, still a draft

            reply = submit(agent, server, proposal_id, token)
            assert reply.status == 302 and reply.location.endswith(f"/proposals/{proposal_id}/versions/1")
            submitted = proposal_state(observer, proposal_id)
            assert submitted["status"] == "submitted" and submitted["version_count"] == 1
            assert (submitted["versions"], submitted["version_files"]) == (1, 1)
            assert submitted["audit_entries"] == attached["audit_entries"] + 1
            assert submitted["notifications"] > attached["notifications"]
            assert agent.get(server, f"/proposals/{proposal_id}/versions/1").text.count("Verified just now") == 1
    finally:
        engine.dispose()
