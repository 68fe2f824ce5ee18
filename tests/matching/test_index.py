"""The text index: derived from the match documents in the database, kept per process, refreshed row by row."""
import threading
import time

import pytest
import sqlalchemy as sa

from ppi.extensions import db
from ppi.matching import index as index_module
from ppi.matching import services
from ppi.matching.index import ChallengeCounts, TextIndex
from ppi.matching.models import Competence, MatchDocument
from tests.matching.support import FALL_SENSORS, WAYFINDING, add_profile

QUERY = "Wayfinding for hospital visitors"


def _similarity(state, company_id) -> float:
    return float(state.similarities(QUERY)[state.row(company_id)])


def test_two_servers_see_a_change_and_vectorise_only_the_changed_document(app, world, monkeypatch):
    fetched = []
    real_fetch = index_module._fetch
    monkeypatch.setattr(index_module, "_fetch", lambda session, ids: fetched.append(sorted(ids)) or real_fetch(session, ids))
    with app.app_context():
        company, other = world.orgs["company"], world.orgs["other_company"]
        competence_id = add_profile(company, FALL_SENSORS)
        add_profile(other, "Cleaning of hospital wards")
        first, second = TextIndex(), TextIndex()  # two app servers, one database
        assert _similarity(first.current(db.session), company) == 0 == _similarity(second.current(db.session), company)
        assert fetched == [[company, other], [company, other]]
        unchanged = first.current(db.session)
        assert first.current(db.session) is unchanged and fetched[2:] == []  # nothing changed: nothing read again

        db.session.get(Competence, competence_id).statement = WAYFINDING  # written by a third server
        services.refresh_documents([company])
        db.session.commit()
        assert _similarity(first.current(db.session), company) > 0.3
        assert _similarity(second.current(db.session), company) > 0.3
        assert fetched[2:] == [[company], [company]]
        state = first.current(db.session)
        assert 0 < _similarity(state, other) < _similarity(state, company)  # "hospital" only


def test_documents_that_disappear_leave_no_trace(app, world):
    with app.app_context():
        add_profile(world.orgs["company"], WAYFINDING)
        index = TextIndex()
        assert index.current(db.session).row(world.orgs["company"]) == 0
        db.session.execute(sa.delete(MatchDocument))  # as when a database is restored from an older backup
        add_profile(world.orgs["other_company"], WAYFINDING)
        state = index.current(db.session)
        assert state.ids == (world.orgs["other_company"],) and state.row(world.orgs["company"]) is None


def test_an_index_whose_documents_all_disappeared_is_empty(app, world):
    with app.app_context():
        add_profile(world.orgs["company"], WAYFINDING)
        index = TextIndex()
        assert index.current(db.session).ids == (world.orgs["company"],)
        db.session.execute(sa.delete(MatchDocument))
        assert index.current(db.session).ids == () and index.current(db.session).transformer is None


def test_challenge_counts_are_counted_again_only_when_their_revision_changes():
    counts, asked = ChallengeCounts(), []

    def texts_of(ids):
        asked.append(ids)
        return {1: "fall detection", 2: "school canteen menus", 3: "fall prevention at home"}

    first = counts.matrix([(1, "a"), (2, "a")], texts_of)
    assert counts.matrix([(1, "a"), (2, "a")], texts_of) is first and asked == [[1, 2]]
    again = counts.matrix([(2, "a"), (1, "b"), (3, "a")], texts_of)
    assert asked == [[1, 2], [1, 3]] and again.shape[0] == 3
    assert (again[0] != first[1]).nnz == 0  # challenge 2 kept its counted row
    assert counts.matrix([], texts_of).shape[0] == 0


def test_explanations_are_the_profile_words_that_weigh_most(app, world):
    with app.app_context():
        add_profile(world.orgs["company"], "Indoor wayfinding and positioning for hospital visitors and staff")
        add_profile(world.orgs["other_company"], "Hospital cleaning for staff")
        state = services.current_index()
        explained = state.explain("Wayfinding for visitors of the new hospital", [world.orgs["company"]], limit=3)
    # "hospital" is in both profiles: it weighs less than the words only this one has (equal weights: alphabetical).
    assert explained == {world.orgs["company"]: ["visitor", "wayfinding", "hospital"]}


def test_two_transactions_rewriting_one_companys_document_at_once_both_commit(app, backend, world):
    """Two edits of one profile at the same moment (two servers): the second waits for the first and replaces its
    document; with delete-then-insert it met the first's new row and failed."""
    if backend != "postgresql":
        pytest.skip("two open write transactions on one row: PostgreSQL (SQLite lets one writer at a time in)")
    company = world.orgs["company"]
    with app.app_context():
        add_profile(company, FALL_SENSORS)
    first_written, let_first_commit = threading.Event(), threading.Event()
    failures, revisions = [], {}

    def rewrite(name: str, before_commit=None) -> None:
        with app.app_context():
            try:
                services.refresh_documents([company])
                revisions[name] = db.session.scalar(sa.select(MatchDocument.revision)
                                                    .where(MatchDocument.organisation_id == company))
                if before_commit:
                    before_commit()
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - the test reports whatever the second writer met
                failures.append(repr(error))
                db.session.rollback()

    def hold_the_row() -> None:
        first_written.set()
        let_first_commit.wait(timeout=10)

    first = threading.Thread(target=rewrite, args=("first", hold_the_row))
    first.start()
    assert first_written.wait(timeout=10)
    second = threading.Thread(target=rewrite, args=("second",))
    second.start()
    _wait_until_blocked_on_a_lock(app)
    let_first_commit.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert failures == []
    with app.app_context():
        assert db.session.scalar(sa.select(MatchDocument.revision)) == revisions["second"] != revisions["first"]


def _wait_until_blocked_on_a_lock(app, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    with app.app_context():
        while time.monotonic() < deadline:
            waiting = db.session.scalar(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))
            db.session.rollback()
            if waiting:
                return
            time.sleep(0.05)
    raise AssertionError("the second writer never waited for the first's row lock")
