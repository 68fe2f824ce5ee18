"""The page cache (ppi/core/pagecache.py): anonymous visitors' challenge list, challenge pages, home page, public
indicators and case library are served whole from memory, never after a committed change, never past the next
deadline, never to signed-in visitors, and each with the visitor's own CSRF token."""
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import template_rendered
from werkzeug.test import TestResponse

from ppi.accounts.models import Organisation, User
from ppi.cases import services as case_services
from ppi.cases.models import CaseSummary
from ppi.challenges import services as challenge_services
from ppi.challenges.models import Challenge, Question
from ppi.challenges.workflow import ChallengeStatus
from ppi.core import pagecache, timeutil
from ppi.core.models import Notification
from ppi.core.pagecache import DataVersion, VersionedCache, changes_public_data
from ppi.extensions import db
from tests.cases import support
from tests.conftest import PASSWORD, World, add_challenge

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LIST = "/challenges/"
FILTERED = "/challenges/?status=open&cpv=33&region=DK&sort=newest"


@dataclass
class Site:
    app: object
    world: World

    def visit(self, client, url: str, **kwargs) -> "Visit":
        """GET `url`, with the SQL statements sent and the templates rendered meanwhile."""
        statements, templates = [], []

        def count(_conn, _cursor, statement, *_args):
            statements.append(statement)

        def rendered(_sender, template, **_extra):
            templates.append(template.name)

        with self.app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", count)
        template_rendered.connect(rendered, self.app)
        try:
            response = client.get(url, **kwargs)
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
            template_rendered.disconnect(rendered, self.app)
        return Visit(response, len(statements), templates)

    def commit(self, change) -> None:
        """Run `change()` in an app context and commit, as a view or a command does."""
        with self.app.app_context():
            change()
            db.session.commit()
            db.session.remove()


@dataclass
class Visit:
    response: TestResponse
    queries: int
    rendered: list[str]

    @property
    def html(self) -> str:
        return self.response.get_data(as_text=True)

    @property
    def tokens(self) -> set[str]:
        return set(TOKEN.findall(self.html))

    @property
    def without_tokens(self) -> str:
        return TOKEN.sub("", self.html)


def signed_values(tokens: set[str]) -> set[str]:
    """The session's token inside each signed CSRF token (which also carries the second it was signed in)."""
    return {token.split(".")[0] for token in tokens}


def make_site(app_factory, world_factory, **settings) -> Site:
    app = app_factory(**{"PPI_PAGE_CACHE_SECONDS": 60, "WTF_CSRF_ENABLED": True, **settings})
    world = world_factory(app)
    with app.app_context():
        db.session.add(DataVersion(id=1, token="migrated"))  # what the migration writes
        db.session.commit()
    return Site(app, world)


@pytest.fixture
def site(app_factory, world_factory) -> Site:
    return make_site(app_factory, world_factory)


def published(site: Site, title: str = "Night-time falls in care homes", **extra) -> int:
    with site.app.app_context():
        return add_challenge(site.world, title=title, **extra)


@pytest.mark.parametrize("path", ["/", LIST, FILTERED, "/challenges/{id}", "/indicators/", "/library/"])
def test_a_hit_serves_the_same_page_with_the_visitors_own_csrf_token_in_one_query(site, path):
    url = path.format(id=published(site))
    first, second = site.app.test_client(), site.app.test_client()
    miss, hit = site.visit(first, url), site.visit(second, url)
    assert miss.response.status_code == hit.response.status_code == 200
    assert miss.rendered and not hit.rendered
    assert hit.queries == 1  # the data version
    assert hit.without_tokens == miss.without_tokens
    assert len(miss.tokens) == len(hit.tokens) == 1 and miss.tokens != hit.tokens
    assert "session=" in hit.response.headers["Set-Cookie"]  # the token's session, as without the cache
    assert hit.response.headers["Content-Security-Policy"] == miss.response.headers["Content-Security-Policy"]
    assert signed_values(site.visit(first, url).tokens) == signed_values(miss.tokens)  # a visitor keeps their token

    (token,) = hit.tokens  # and it is valid for that visitor's session only
    assert second.post("/language", data={"locale": "da", "next": url, "csrf_token": token}).status_code == 302
    assert first.post("/language", data={"locale": "da", "next": url, "csrf_token": token}).status_code == 400


def test_head_requests_are_served_from_the_cache_too(site):
    published(site)
    site.visit(site.app.test_client(), LIST)
    head = site.app.test_client().head(LIST)
    assert head.status_code == 200 and head.get_data() == b""


def test_changes_committed_by_services_show_on_the_next_request(site):
    app, world = site.app, site.world
    challenge_id = published(site)
    with app.app_context():
        waiting_id = add_challenge(world, ChallengeStatus.IN_MODERATION, title="Wayfinding for hospital visitors")
        question = Question(challenge_id=challenge_id, asked_by_id=world.users["company_admin"],
                            asker_organisation_id=world.orgs["company"], text="Does it work in the dark?")
        db.session.add(question)
        db.session.commit()
        question_id = question.id
    client = app.test_client()
    detail = f"/challenges/{challenge_id}"
    for url in (LIST, detail):
        site.visit(client, url)
        assert not site.visit(client, url).rendered

    site.commit(lambda: challenge_services.transition(
        db.session.get(User, world.users["cluster_admin"]), db.session.get(Challenge, waiting_id), ChallengeStatus.PUBLISHED))
    assert "Wayfinding for hospital visitors" in site.visit(client, LIST).html

    site.visit(client, detail)
    site.commit(lambda: challenge_services.answer_question(
        db.session.get(User, world.users["authority_admin"]), db.session.get(Question, question_id),
        "Yes, the radar needs no light.", None))
    assert "Yes, the radar needs no light." in site.visit(client, detail).html

    site.commit(lambda: setattr(db.session.get(Organisation, world.orgs["authority"]), "name", "Renamed Region"))
    assert "Renamed Region" in site.visit(client, LIST).html
    assert "Renamed Region" in site.visit(client, detail).html

    with app.app_context(), db.engine.begin() as connection:  # a write outside the session (a script, a restore)
        connection.execute(sa.update(Challenge).where(Challenge.id == challenge_id).values(title="Falls, renamed"))
    assert "Falls, renamed" in site.visit(client, detail).html


def test_writes_that_no_public_page_shows_keep_the_pages(site):
    published(site)
    client = site.app.test_client()
    site.visit(client, LIST)
    site.commit(lambda: db.session.add(Notification(user_id=site.world.users["company_admin"], text="Hello")))
    assert not site.visit(client, LIST).rendered
    signing_in = site.app.test_client()
    (token,) = TOKEN.findall(signing_in.get("/login").get_data(as_text=True))
    form = {"email": "admin@company.test.org", "password": PASSWORD, "csrf_token": token}
    assert signing_in.post("/login", data=form).status_code == 302
    assert not site.visit(client, LIST).rendered  # the sign-in's time and audit entry do not count


def test_a_rolled_back_write_keeps_the_pages_and_an_uncommitted_one_is_not_cached(site):
    published(site)
    client = site.app.test_client()
    site.visit(client, LIST)
    with site.app.app_context():
        before = pagecache.data_version()
        db.session.execute(sa.update(Organisation).values(name="Never committed"))
        assert pagecache.data_version() is None  # what this transaction reads is not what the version stands for
        db.session.rollback()
        assert pagecache.data_version() == before
        db.session.remove()
    assert not site.visit(client, LIST).rendered


def test_a_deadline_passing_retires_the_pages_before_their_time_to_live(app_factory, world_factory, monkeypatch):
    site = make_site(app_factory, world_factory, PPI_PAGE_CACHE_SECONDS=24 * 3600)
    with site.app.app_context():
        closing_id = add_challenge(site.world, title="Closing within the hour", days_to_questions=0,
                                   questions_deadline=timeutil.utcnow() + timedelta(minutes=30),
                                   proposal_deadline=timeutil.utcnow() + timedelta(hours=1))
    published(site, "Open for weeks")
    client, detail = site.app.test_client(), f"/challenges/{closing_id}"
    assert "Closing within the hour" in site.visit(client, LIST).html
    assert "less than a day left" in site.visit(client, detail).html
    assert not site.visit(client, LIST).rendered and not site.visit(client, detail).rendered

    later = timeutil.utcnow() + timedelta(hours=2)
    monkeypatch.setattr(timeutil, "utcnow", lambda: later)  # arrival times and the cache's clock
    monkeypatch.setattr("ppi.challenges.views.utcnow", lambda: later)  # what the list shows as open
    page = site.visit(client, LIST)
    assert page.rendered and "Closing within the hour" not in page.html and "Open for weeks" in page.html
    page = site.visit(client, detail)
    assert page.rendered and "less than a day left" not in page.html


def test_the_next_deadline_is_the_first_questions_or_proposal_deadline_to_come(app):
    from tests.conftest import build_world

    with app.app_context():
        world = build_world()
        now = timeutil.utcnow()
        assert challenge_services.next_deadline(now) is None
        add_challenge(world, questions_deadline=now + timedelta(days=3), proposal_deadline=now + timedelta(days=9))
        add_challenge(world, questions_deadline=now - timedelta(days=3), proposal_deadline=now + timedelta(days=5))
        assert challenge_services.next_deadline(now) == now + timedelta(days=3)
        assert challenge_services.next_deadline(now + timedelta(days=3)) == now + timedelta(days=5)
        assert challenge_services.next_deadline(now + timedelta(days=9)) is None


def test_signed_in_visitors_and_pending_flash_messages_bypass_the_cache(site):
    published(site)
    anonymous = site.app.test_client()
    signed_in = site.app.test_client()
    with signed_in.session_transaction() as session:
        session["_user_id"] = site.world.session_ids["company_admin"]
    for _ in range(2):
        assert site.visit(signed_in, LIST).rendered
    assert site.visit(anonymous, LIST).rendered  # the signed-in pages were not kept for others

    flashed = site.app.test_client()
    with flashed.session_transaction() as session:
        session["_flashes"] = [("success", "Your question is sent.")]
    page = site.visit(flashed, LIST)
    assert page.rendered and "Your question is sent." in page.html
    assert "Your question is sent." not in site.visit(anonymous, LIST).html


def test_locale_and_time_zone_are_part_of_the_key(site, monkeypatch):
    published(site)
    client = site.app.test_client()
    english = site.visit(client, LIST, headers={"Accept-Language": "en"})
    danish = site.visit(client, LIST, headers={"Accept-Language": "da"})
    assert danish.rendered and 'lang="da"' in danish.html and 'lang="en"' in english.html.split("<head>")[0]
    assert not site.visit(client, LIST, headers={"Accept-Language": "da"}).rendered

    monkeypatch.setattr(site.app.extensions["babel"], "timezone_selector", lambda: "America/New_York")
    assert site.visit(client, LIST, headers={"Accept-Language": "da"}).rendered


def test_pages_that_are_not_plain_200_pages_are_not_kept(site):
    client = site.app.test_client()
    for _ in range(2):
        missing = site.visit(client, "/challenges/999999")
        assert missing.response.status_code == 404 and missing.queries > 1


def test_the_memory_is_bounded_least_recently_used_out_first():
    cache = VersionedCache(capacity=100)
    cache.put("v1", "a", "A", cost=40)
    cache.put("v1", "b", "B", cost=40)
    assert cache.get("v1", "a") == "A"  # now the most recently used
    cache.put("v1", "c", "C", cost=40)
    assert (cache.get("v1", "a"), cache.get("v1", "b"), cache.get("v1", "c")) == ("A", None, "C")
    assert cache.cost == 80
    cache.put("v1", "huge", "H", cost=101)
    assert cache.get("v1", "huge") is None and len(cache) == 2
    assert cache.get("v2", "a") is None  # another version never sees these
    cache.put("v2", "d", "D", cost=10)
    assert len(cache) == 1 and cache.get("v1", "a") is None  # and its first value empties the older ones


def test_a_page_larger_than_the_bound_is_never_kept(app_factory, world_factory):
    site = make_site(app_factory, world_factory, PPI_PAGE_CACHE_MAX_MB=0.001)  # about 1 kB per worker
    published(site)
    client = site.app.test_client()
    for _ in range(2):
        assert site.visit(client, LIST).rendered
    assert len(site.app.extensions["ppi.pagecache"]) == 0


def test_zero_seconds_turns_the_cache_off(app_factory, world_factory):
    site = make_site(app_factory, world_factory, PPI_PAGE_CACHE_SECONDS=0)
    published(site)
    client = site.app.test_client()
    for _ in range(2):
        page = site.visit(client, LIST)
        assert page.rendered and page.queries > 1
    assert "ppi.pagecache" not in site.app.extensions


def test_without_the_version_row_nothing_is_cached(site):
    published(site)
    site.commit(lambda: db.session.execute(sa.delete(DataVersion)))
    client = site.app.test_client()
    for _ in range(2):
        assert site.visit(client, LIST).rendered


@pytest.mark.parametrize(("statement", "counts"), [
    ("INSERT INTO challenges (title) VALUES (?)", True),
    ('UPDATE "organisations" SET name=%(name)s WHERE organisations.id = %(id)s', True),
    ("DELETE FROM challenge_questions WHERE id = ?", True),
    ("INSERT INTO audit_entries (action) VALUES (?)", False),
    ("INSERT INTO outbox_messages (subject) VALUES (?)", False),
    ("UPDATE notifications SET read_at=? WHERE notifications.user_id = ?", False),
    ("UPDATE indicator_cache SET html=? WHERE key = ?", False),
    ("UPDATE users SET last_login_at=? WHERE users.id = ?", False),
    ("UPDATE users SET last_login_at=?, display_name=? WHERE users.id = ?", True),
    ("UPDATE users SET display_name=? WHERE users.id = ?", True),
    ("SELECT challenges.id FROM challenges", False),
    ("WITH open AS (SELECT id FROM challenges) SELECT count(*) FROM open", False),
    ("WITH gone AS (DELETE FROM challenges RETURNING id) SELECT count(*) FROM gone", True),
    ("DELETE FROM notifications; DELETE FROM challenges", True),
    ("CREATE TABLE scratch (id INTEGER)", True),
    ("TRUNCATE challenges", True),
    ("PRAGMA foreign_keys=ON", False),
    ("SAVEPOINT sa_savepoint_1", False),
])
def test_which_statements_count_as_changes(statement, counts):
    assert changes_public_data(statement) is counts


def test_a_published_case_summary_is_served_from_the_cache_until_it_is_withdrawn(site):
    with site.app.app_context():
        summary_id = support.published(site.world, pilot_id=support.reported_pilot(site.world))
    url = f"/library/{summary_id}"
    miss, hit = site.visit(site.app.test_client(), url), site.visit(site.app.test_client(), url)
    assert miss.response.status_code == hit.response.status_code == 200
    assert not hit.rendered and hit.queries == 1

    def withdraw():
        case_services.withdraw(support.user(site.world, "authority_member"), db.session.get(CaseSummary, summary_id),
                               "A test user recognised herself in the quotes.")

    site.commit(withdraw)
    gone = site.visit(site.app.test_client(), url)
    assert gone.response.status_code == 404 and "recognised herself" in gone.html
