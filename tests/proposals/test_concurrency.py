"""PostgreSQL, over real HTTP: a rush of submissions around the proposal deadline.

100 verified companies each have a draft proposal on one challenge. Each signs in through the login form
(its own cookies, real CSRF tokens). 50 of them post "submit" during the last second before the deadline
and 50 during the second after it, each from its own thread and connection, against a threaded live
server. The server judges by its own clock when it handles the request, so:

(a) every request answered with success made exactly one version, submitted before the deadline;
(b) every refused request (the deadline message) stored nothing;
(c) every request sent after the deadline was refused;
(d) every request whose answer arrived before the deadline succeeded;
(e) no proposal has two versions with the same number, and the versions are as many as the successes.

Runs on PostgreSQL only (row locks, a pool of connections, concurrent transactions); it is collected once,
not once per database backend.
"""
import http.client
import re
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from http.cookies import SimpleCookie

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from ppi.accounts.models import OrganisationKind, OrgRole
from ppi.challenges.models import Challenge
from ppi.core.timeutil import utcnow
from ppi.extensions import db, limiter
from ppi.proposals.models import Proposal, ProposalVersion
from ppi.proposals.workflow import ProposalStatus
from tests.conftest import (
    PASSWORD, POSTGRES_URL, _prepare_schema, _empty_postgresql, add_challenge, add_org, add_user, build_world, make_app,
)
from tests.proposals.helpers import PROPOSAL_FORM

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="PostgreSQL only: set PPI_TEST_DATABASE_URL (concurrent submissions need row locks and a connection pool)",
)

COMPANIES = 100
BEFORE = 50  # sent in the last LEAD seconds before the deadline; the others in the second after it
LEAD = 3.0
DEADLINE_MESSAGE = "The proposal deadline has passed: the proposal can no longer change."
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# A draft's content, as the proposal form would store it.
DRAFT = {**PROPOSAL_FORM, "trl": 6, "test_users_needed": 40, "sites_needed": 3, "duration_weeks": 12,
         "pilot_price_eur": Decimal(48000), "data_access": None, "research_partners": None}


@pytest.fixture(scope="module")
def pg_server():
    """The app on PostgreSQL with CSRF on, served by a threaded werkzeug server on a free port."""
    app = make_app("postgresql", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.session.remove()
        _prepare_schema("postgresql")
        _empty_postgresql()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="pg-rush-server", daemon=True)
    thread.start()
    try:
        yield app, server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()  # an open transaction would make TRUNCATE wait for ever
            _empty_postgresql()
            db.engine.dispose()
        limiter.reset()


@pytest.fixture
def served_app(pg_server):
    """The served app and its port for one test; its tables are emptied afterwards."""
    yield pg_server
    app, _port = pg_server
    with app.app_context():
        db.session.remove()
        _empty_postgresql()
    limiter.reset()


class Browser:
    """One company's HTTP client: its own keep-alive connection and cookie jar; redirects are not followed."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict[str, str], str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers), text

    def close(self) -> None:
        self.connection.close()


@dataclass
class Company:
    email: str
    proposal_id: int
    browser: Browser | None = None
    csrf_token: str = ""
    sent_at: float = 0.0  # wall clock, the server's clock too (same machine)
    completed_at: float = 0.0
    status: int = 0
    location: str = ""
    body: str = field(default="", repr=False)

    @property
    def succeeded(self) -> bool:
        return self.status == 302 and re.search(rf"/proposals/{self.proposal_id}/versions/1$", self.location) is not None

    @property
    def refused(self) -> bool:
        return self.status in (400, 409) and DEADLINE_MESSAGE in self.body


def _sign_in_and_open(company: Company, port: int) -> None:
    browser = company.browser = Browser(port)
    status, _headers, page = browser.request("GET", "/login")
    assert status == 200
    status, headers, _page = browser.request("POST", "/login", {
        "csrf_token": CSRF.search(page).group(1), "email": company.email, "password": PASSWORD, "next": ""})
    assert status == 302 and headers["Location"].endswith("/dashboard"), (company.email, status)
    status, _headers, page = browser.request("GET", f"/proposals/{company.proposal_id}")
    assert status == 200 and "Submit the proposal" in page, (company.email, status)
    company.csrf_token = CSRF.search(page).group(1)


def _submit_at(company: Company, send_at: float) -> None:
    time.sleep(max(0.0, send_at - time.time()))
    company.sent_at = time.time()
    company.status, headers, company.body = company.browser.request(
        "POST", f"/proposals/{company.proposal_id}/submit", {"csrf_token": company.csrf_token, "declaration": "y"})
    company.completed_at = time.time()
    company.location = headers.get("Location", "")


def _world_of_companies(app) -> tuple[int, list[Company]]:
    """A published challenge and 100 verified companies, each with a signed-in-able admin and a draft proposal."""
    with app.app_context():
        world = build_world()
        challenge_id = add_challenge(world, title="Fall alerts: the last-minute rush")
        companies = []
        for n in range(COMPANIES):
            org = add_org(f"Rush Company {n:03d} ApS", OrganisationKind.COMPANY)
            user = add_user(f"admin{n:03d}@rush.test.org", org, OrgRole.ADMIN)
            db.session.flush()
            proposal = Proposal(challenge_id=challenge_id, company_id=org.id, created_by_id=user.id,
                                status=ProposalStatus.DRAFT, **DRAFT)
            db.session.add(proposal)
            db.session.flush()
            companies.append(Company(user.email, proposal.id))
        db.session.commit()
    return challenge_id, companies


def _set_deadline(app, challenge_id: int, seconds_ahead: float) -> datetime:
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        challenge.proposal_deadline = utcnow() + timedelta(seconds=seconds_ahead)
        challenge.questions_deadline = challenge.proposal_deadline - timedelta(days=1)
        db.session.commit()
        return db.session.get(Challenge, challenge_id).proposal_deadline


def test_a_rush_of_submissions_around_the_deadline(served_app):
    app, port = served_app
    challenge_id, companies = _world_of_companies(app)
    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            list(pool.map(lambda c: _sign_in_and_open(c, port), companies))

        # The deadline ~4 s ahead; then 50 sends spread over the 3 s before it, 50 over the second after. (Over one
        # second before, a loaded machine once answered none of them before the deadline.)
        deadline_at = _set_deadline(app, challenge_id, seconds_ahead=LEAD + 1)
        deadline = deadline_at.timestamp()
        slots = [deadline - LEAD + (i + 0.5) * LEAD / BEFORE for i in range(BEFORE)]
        slots += [deadline + (i + 0.5) / (COMPANIES - BEFORE) for i in range(COMPANIES - BEFORE)]
        threads = [threading.Thread(target=_submit_at, args=(company, at)) for company, at in zip(companies, slots)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        for company in companies:
            if company.browser:
                company.browser.close()

    unexpected = [(c.email, c.status, c.location, c.body[:300]) for c in companies if not (c.succeeded or c.refused)]
    assert not unexpected, unexpected
    succeeded = {c.proposal_id for c in companies if c.succeeded}
    refused = {c.proposal_id for c in companies if c.refused}
    sent_after = [c for c in companies if c.sent_at >= deadline]
    completed_before = [c for c in companies if c.completed_at < deadline]
    # The rush really straddled the deadline, on both sides.
    assert len(sent_after) >= COMPANIES - BEFORE and completed_before and succeeded and refused

    with app.app_context():
        versions = db.session.execute(
            sa.select(ProposalVersion.proposal_id, ProposalVersion.number, ProposalVersion.submitted_at)
            .join(Proposal, Proposal.id == ProposalVersion.proposal_id).where(Proposal.challenge_id == challenge_id)
        ).all()
        proposals = {p.id: (p.status, p.version_count) for p in db.session.scalars(
            sa.select(Proposal).where(Proposal.challenge_id == challenge_id))}
    by_proposal: dict[int, list] = {}
    for version in versions:
        by_proposal.setdefault(version.proposal_id, []).append(version)

    # (a) success: exactly one version, stamped before the deadline; the proposal counts as submitted.
    for proposal_id in succeeded:
        stored = by_proposal.get(proposal_id, [])
        assert len(stored) == 1 and stored[0].number == 1, (proposal_id, stored)
        assert stored[0].submitted_at < deadline_at, (proposal_id, stored[0].submitted_at, deadline_at)
        assert proposals[proposal_id] == (ProposalStatus.SUBMITTED, 1)
    # (b) refused: nothing stored, still a draft.
    for proposal_id in refused:
        assert proposal_id not in by_proposal
        assert proposals[proposal_id] == (ProposalStatus.DRAFT, 0)
    # (c) sent at or after the deadline: refused, whatever the load.
    assert [c.email for c in sent_after if not c.refused] == []
    # (d) answered before the deadline: it succeeded.
    assert [c.email for c in completed_before if not c.succeeded] == []
    # (e) version numbers are unique per proposal, and there are as many versions as successes.
    assert len({(v.proposal_id, v.number) for v in versions}) == len(versions) == len(succeeded)


def test_two_clicks_at_once_make_versions_one_and_two(served_app):
    """The row lock orders two simultaneous submits of one proposal: versions 1 and 2, never two number 1s."""
    app, port = served_app
    with app.app_context():
        world = build_world()
        challenge_id = add_challenge(world)
        proposal = Proposal(challenge_id=challenge_id, company_id=world.orgs["company"],
                            created_by_id=world.users["company_admin"], status=ProposalStatus.DRAFT, **DRAFT)
        db.session.add(proposal)
        db.session.commit()
        proposal_id = proposal.id
    first, second = Company("admin@company.test.org", proposal_id), Company("admin@company.test.org", proposal_id)
    try:
        _sign_in_and_open(first, port)
        second.browser, second.csrf_token = Browser(port), first.csrf_token
        second.browser.cookies = dict(first.browser.cookies)  # the same signed-in session, a second tab
        second.browser.request("GET", "/")  # open the connection before the race
        at = time.time() + 0.3
        threads = [threading.Thread(target=_submit_at, args=(c, at)) for c in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        for c in (first, second):
            if c.browser:
                c.browser.close()
    assert sorted((c.status, c.location.rsplit("/", 1)[-1]) for c in (first, second)) == [(302, "1"), (302, "2")]
    with app.app_context():
        numbers = db.session.scalars(sa.select(ProposalVersion.number).where(ProposalVersion.proposal_id == proposal_id)
                                     .order_by(ProposalVersion.number)).all()
        assert numbers == [1, 2]
        assert db.session.get(Proposal, proposal_id).version_count == 2
