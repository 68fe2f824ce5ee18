"""The indicators are computed at most every PPI_INDICATORS_CACHE_SECONDS, kept in the database for every server."""
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from ppi.accounts.models import Organisation, OrganisationKind
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.reports import cache
from ppi.reports.catalogue import Audience
from ppi.reports.indicators import Filters, Scope
from ppi.reports.models import CachedFigures
from ppi.reports.views import render_figures
from tests.conftest import add_challenge, add_org

PUBLIC = Scope(Audience.PUBLIC)
NEWCOMER = "Land Tirol"


def shown(filters: Filters, now, scope: Scope = PUBLIC) -> cache.Figures:
    """The figures as the dashboard gets them (inside a request)."""
    return cache.figures(filters, scope, now, lambda frames: render_figures(frames, scope.audience, {}))


def newcomer_posts(world) -> None:
    """A challenge of an authority nobody has seen yet: its name appears in the table per authority once counted."""
    authority = add_org(NEWCOMER, OrganisationKind.PUBLIC_AUTHORITY, country="AT", nuts_code="AT33")
    db.session.commit()
    add_challenge(world, title="A call from Tyrol", lead_authority_id=authority.id, nuts_code="AT332")


def stored_rows() -> list[CachedFigures]:
    return list(db.session.scalars(sa.select(CachedFigures)))


def test_the_public_figures_are_shown_as_computed_until_they_are_too_old(app, world):
    now = utcnow()
    with app.test_request_context():
        add_challenge(world)
        first = shown(Filters(), now)
        assert "Test Region" in first.html and first.computed_at == now
        newcomer_posts(world)
        soon = shown(Filters(), now + timedelta(minutes=4))
        assert soon == first  # from the database, not computed again
        later = now + timedelta(minutes=6)
        again = shown(Filters(), later)
        assert NEWCOMER in again.html and again.computed_at == later
        assert [row.computed_at for row in stored_rows()] == [later]


def test_while_one_request_computes_the_others_show_the_previous_figures(app, world):
    now = utcnow()
    with app.test_request_context():
        shown(Filters(), now)
        newcomer_posts(world)
        later = now + timedelta(minutes=6)
        db.session.execute(sa.update(CachedFigures).values(refreshing_since=later - timedelta(seconds=30)))
        db.session.commit()
        assert NEWCOMER not in shown(Filters(), later).html
        abandoned = later + timedelta(seconds=cache.CLAIM_SECONDS)  # the computing request failed: take it over
        assert NEWCOMER in shown(Filters(), abandoned).html
        assert stored_rows()[0].refreshing_since is None


def test_each_filter_set_and_language_is_a_view_of_its_own(app, world):
    now = utcnow()
    with app.test_request_context():
        add_challenge(world)
        newcomer_posts(world)
        shown(Filters(), now)
        austria = shown(Filters(region="AT"), now)
        with force_locale("da"):
            shown(Filters(), now)
        assert len(stored_rows()) == 3
        assert NEWCOMER in austria.html and "Test Region" not in austria.html


def test_views_nobody_asked_for_in_a_day_are_deleted(app, world):
    now = utcnow()
    with app.test_request_context():
        shown(Filters(region="AT"), now - cache.KEEP - timedelta(minutes=1))
        shown(Filters(), now)
        assert [row.key for row in stored_rows()] == [cache.view_key(Filters(), PUBLIC)]


def test_each_audience_and_organisation_has_views_of_its_own(app, world):
    now = utcnow()
    with app.test_request_context():
        add_challenge(world)
        platform = shown(Filters(), now, Scope(Audience.PLATFORM))
        own = shown(Filters(), now, Scope(Audience.AUTHORITY, world.orgs["authority"]))
        newcomer_posts(world)
        other = Scope(Audience.AUTHORITY, db.session.scalar(sa.select(Organisation.id).where(Organisation.name == NEWCOMER)))
        assert NEWCOMER in shown(Filters(), now, other).html and NEWCOMER not in own.html
        assert shown(Filters(), now, Scope(Audience.PLATFORM)) == platform  # until it is too old
        assert len(stored_rows()) == 3


def test_no_cache_with_a_limit_of_zero(app_factory, world_factory):
    app = app_factory(PPI_INDICATORS_CACHE_SECONDS=0)
    world = world_factory(app)
    with app.test_request_context():
        add_challenge(world)
        shown(Filters(), utcnow())
        newcomer_posts(world)
        assert NEWCOMER in shown(Filters(), utcnow()).html
        assert stored_rows() == []


def test_the_page_shows_the_stored_figures_and_says_when_they_were_computed(app, world, client):
    with app.app_context():
        add_challenge(world)
    page = client.get("/indicators/").get_data(as_text=True)
    assert "Figures as of" in page
    with app.app_context():
        newcomer_posts(world)
        [row] = stored_rows()
    assert "Test Region" in row.html and NEWCOMER not in row.html
    assert row.html in client.get("/indicators/").get_data(as_text=True)  # the newcomer counts in 5 minutes


def test_the_command_computes_the_public_figures_in_every_language(app, world):
    with app.app_context():
        add_challenge(world)
    result = app.test_cli_runner().invoke(args=["ppi", "refresh-indicators"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = stored_rows()
    assert len(rows) == len(app.config["LANGUAGES"]) and all("Test Region" in row.html for row in rows)
