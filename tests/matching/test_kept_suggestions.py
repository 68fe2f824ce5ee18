"""A company's "Challenges for you" is ranked once per data version (ppi.core.pagecache) and kept until the first of the
open challenges closes: a dashboard that finds nothing changed does not read every open challenge again."""
from datetime import timedelta

import sqlalchemy as sa

from ppi.challenges.models import Challenge
from ppi.core.pagecache import DataVersion
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.matching import services
from tests.conftest import add_challenge
from tests.matching.support import FALL_SENSORS, add_profile, client_for, org, text, user

FALLS = "Fall detection in care homes"


def _queries_of(call) -> tuple[object, int]:
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        return call(), len(statements)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def _shown(suggestions) -> list[tuple[str, float, list[str]]]:
    return [(s.challenge.title, s.score, s.terms) for s in suggestions]


def test_the_ranking_is_kept_until_a_change_or_a_deadline(app, world):
    with app.app_context():
        db.session.add(DataVersion(id=1, token="migrated"))
        add_profile(world.orgs["company"], FALL_SENSORS, cpv=["33196200"], tags=["fall detection"])
        add_challenge(world, title=FALLS, days_to_questions=2, days_to_proposals=3)
        add_challenge(world, title="Radar that alerts night staff", days_to_proposals=30)
        company_admin = user(world, "company_admin")

        ranked = services.challenges_for_company(company_admin)
        assert sorted(title for title, *_ in _shown(ranked)) == [FALLS, "Radar that alerts night staff"]
        kept, queries = _queries_of(lambda: services.challenges_for_company(company_admin))
        assert queries == 1  # the data version
        assert kept == ranked and _shown(kept) == _shown(
            services._rank_open_challenges(org(world, "company"), utcnow(), 5).suggestions)  # as ranked afresh

        add_challenge(world, title="Night-time fall detection with radar", days_to_proposals=20)  # committed
        renewed, queries = _queries_of(lambda: services.challenges_for_company(company_admin))
        assert "Night-time fall detection with radar" in [title for title, *_ in _shown(renewed)] and queries > 1

        in_four_days = utcnow() + timedelta(days=4)  # the first deadline has passed
        assert FALLS not in [title for title, *_ in _shown(services.challenges_for_company(company_admin, in_four_days))]
        assert FALLS in [title for title, *_ in _shown(services.challenges_for_company(company_admin))]  # not kept for then


def test_a_change_not_yet_committed_is_ranked_but_not_kept(app, world):
    with app.app_context():
        db.session.add(DataVersion(id=1, token="migrated"))
        add_profile(world.orgs["company"], FALL_SENSORS, cpv=["33196200"], tags=["fall detection"])
        challenge_id = add_challenge(world, title=FALLS)
        company_admin = user(world, "company_admin")
        assert [s.challenge.title for s in services.challenges_for_company(company_admin)] == [FALLS]

        db.session.get(Challenge, challenge_id).title = "Falls at night, retitled"
        db.session.flush()
        assert [s.challenge.title for s in services.challenges_for_company(company_admin)] == ["Falls at night, retitled"]
        db.session.rollback()
        assert [s.challenge.title for s in services.challenges_for_company(company_admin)] == [FALLS]


def test_the_dashboard_shows_the_kept_ranking_in_fewer_queries(app, world):
    with app.app_context():
        db.session.add(DataVersion(id=1, token="migrated"))
        add_profile(world.orgs["company"], FALL_SENSORS, cpv=["33196200"], tags=["fall detection"])
        add_challenge(world, title=FALLS)
    client = client_for(app, world.users["company_admin"])
    counted = []
    for _ in range(2):
        with app.app_context():
            page, queries = _queries_of(lambda: text(client.get("/dashboard")))
        assert FALLS in page
        counted.append(queries)
    assert counted[1] < counted[0] and counted[1] <= 8  # the first also builds the app's text index


def test_a_kept_ranking_is_ranked_again_after_ten_minutes_even_without_a_change(app, world):
    """Should a new data version fail to be written, the ranking is at most KEPT_AT_MOST out of date."""
    with app.app_context():
        db.session.add(DataVersion(id=1, token="migrated"))
        add_profile(world.orgs["company"], FALL_SENSORS, cpv=["33196200"], tags=["fall detection"])
        add_challenge(world, title=FALLS, days_to_proposals=30)
        company_admin = user(world, "company_admin")
        now = utcnow()
        services.challenges_for_company(company_admin, now)
        _kept, queries = _queries_of(lambda: services.challenges_for_company(company_admin, now + timedelta(minutes=9)))
        assert queries == 1
        _ranked, queries = _queries_of(
            lambda: services.challenges_for_company(company_admin, now + services.KEPT_AT_MOST + timedelta(seconds=1)))
        assert queries > 1
