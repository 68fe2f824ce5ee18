"""The public library: search and filters (the web list and the API alike), the "similar cases elsewhere" panel of a
challenge, and the queries a page costs, whatever the size of the library."""
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ppi.accounts.models import AuthorityType
from ppi.cases import services
from ppi.cases.models import CaseSummary, CaseSummaryCpv
from ppi.cases.workflow import Outcome, SummaryStatus
from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.pilots.workflow import Recommendation
from ppi.procurement.directive import ContractKind
from ppi.procurement.models import ProcurementCase
from ppi.procurement.workflow import CaseStatus
from tests.cases.support import other_authority, published, reported_pilot, text, write
from tests.conftest import add_challenge

TEXTS_OF = {
    "radar": ("Radar units above the beds.", "Alerts must reach the phone on the ward."),
    "robot": ("A robot lifts a resident off the floor.", "Door widths matter."),
    "wristband": ("Wristbands worn at night.", "Residents took them off on the ward."),
}
TITLES = {
    "radar": "Ceiling radar against night-time falls",
    "robot": "A lifting robot in two care homes",
    "wristband": "Wristbands against wandering, stopped early",
}


@pytest.fixture
def library(app, world) -> dict[str, int]:
    """Three published summaries: the world's authority's radar (DK031, CPV 33196200, proceed), another authority's
    robot (DK032, 42416000 and 33192000, proceed) and a Swedish authority's wristbands (SE224, 33195000, failed);
    and a draft, never listed."""
    with app.app_context():
        other, _ = other_authority()
        swedish, _ = other_authority("Region Skåne", "SE224")
        ids = {
            "radar": published(world, pilot_id=reported_pilot(world)),
            "robot": published(world, pilot_id=reported_pilot(world, authority_id=other, cpv_codes=("42416000", "33192000"),
                                                              title="Robot")),
            "wristband": published(world, pilot_id=reported_pilot(world, authority_id=swedish, cpv_codes=("33195000",),
                                                                  decision=Recommendation.STOP, title="Wristbands")),
            "draft": write(world, pilot_id=reported_pilot(world, title="Draft")),
        }
        for key, title in TITLES.items():
            summary = db.session.get(CaseSummary, ids[key])
            summary.title, summary.what_was_tried, summary.learned = title, *TEXTS_OF[key]
            summary.users_said = summary.differently = None
        db.session.get(CaseSummary, ids["robot"]).nuts_code = "DK032"
        db.session.get(CaseSummary, ids["wristband"]).nuts_code = "SE224"
        db.session.get(CaseSummary, ids["draft"]).title = "Draft about radar"
        db.session.commit()
    return ids


@pytest.mark.parametrize("query, expected", [
    ("", {"radar", "robot", "wristband"}),
    ("q=radar", {"radar"}),
    ("q=LIFTS+door", {"robot"}),  # every word, in any text, whatever the case
    ("q=ward", {"radar", "wristband"}),
    ("q=ward+phone", {"radar"}),
    ("q=care+homes", {"radar", "robot", "wristband"}),  # the challenge's title: "Fall detection in care homes"
    ("q=nothing+matches", set()),
    ("q=100%25", set()),  # LIKE's wildcards are searched as they are
    ("cpv=33", {"radar", "robot", "wristband"}),
    ("cpv=331", {"radar", "robot", "wristband"}),
    ("cpv=42", {"robot"}),
    ("cpv=424", {"robot"}),
    ("cpv=45", set()),
    ("region=DK", {"radar", "robot"}),
    ("region=dk03", {"radar", "robot"}),
    ("region=DK031", {"radar"}),
    ("region=SE", {"wristband"}),
    ("outcome=failed_pilot", {"wristband"}),
    ("outcome=proceed&region=DK", {"radar", "robot"}),
    ("outcome=procured", set()),
    ("cpv=33&region=DK&outcome=proceed&q=robot", {"robot"}),
])
def test_search_and_filters(client, library, query, expected):
    page = text(client.get(f"/library/?{query}"))
    shown = {key for key, title in TITLES.items() if title in page}
    assert shown == expected, (query, shown)
    assert "Draft about radar" not in page
    listed = {item["title"] for item in client.get(f"/api/v1/library?{query}").get_json()["data"]}
    assert listed == {TITLES[key] for key in expected}, query


def test_newest_first_and_failed_pilots_findable(client, library, app):
    with app.app_context():
        for number, key in enumerate(("wristband", "radar", "robot")):
            db.session.get(CaseSummary, library[key]).published_at = utcnow() - timedelta(days=number)
        db.session.commit()
    data = client.get("/api/v1/library").get_json()["data"]
    assert [item["title"] for item in data] == [TITLES[key] for key in ("wristband", "radar", "robot")]
    page = text(client.get("/library/?outcome=failed_pilot"))
    assert "Failed or stopped pilot" in page and TITLES["wristband"] in page


@pytest.mark.parametrize("query, bad", [("cpv=3", "cpv"), ("cpv=33a", "cpv"), ("region=D!", "region"),
                                        ("outcome=great", "outcome")])
def test_invalid_filters(client, library, query, bad):
    page = client.get(f"/library/?{query}")
    assert page.status_code == 200 and 'aria-invalid="true"' in text(page)  # shown with its error, left out
    response = client.get(f"/api/v1/library?{query}")
    assert response.status_code == 400 and bad in response.get_json()["error"]["parameters"]


def test_similar_cases_elsewhere(app, world, client, client_as):
    """Other authorities' published summaries sharing a CPV division, with the reasons; never the challenge's own
    authority's, a draft, or a summary in another division; at most three, the closest first."""
    with app.app_context():
        other, _ = other_authority()
        challenge_id = add_challenge(world, title="Fall alerts at night in care homes", cpv_codes=("33196200",))
        own = published(world, pilot_id=reported_pilot(world))
        close = published(world, pilot_id=reported_pilot(world, authority_id=other, title="Close"))
        far = published(world, pilot_id=reported_pilot(world, authority_id=other, cpv_codes=("33600000",), title="Far"))
        elsewhere = published(world, pilot_id=reported_pilot(world, authority_id=other, cpv_codes=("45000000",),
                                                             title="Building"))
        draft = write(world, pilot_id=reported_pilot(world, authority_id=other, title="Draft"), role="cluster_member")
        for key, title in (("own", "Our own radar"), ("close", "Radar for night falls in care homes"),
                           ("far", "Medicine robots"), ("elsewhere", "A new wing"), ("draft", "Draft radar")):
            db.session.get(CaseSummary, locals()[key]).title = title
        db.session.commit()
        shown = services.similar_cases(db.session.get(Challenge, challenge_id))
        assert [case.summary.id for case in shown] == [close, far]
        assert [(m.company_code, m.level.value) for m in shown[0].cpv.matches] == [("33196200", "same")]
        assert "night" in shown[0].shared_words
    page = text(client.get(f"/challenges/{challenge_id}"))
    section = page.split('id="similar-cases"')[1].split("</section>")[0]
    assert "Radar for night falls in care homes" in section and "Medicine robots" in section
    assert "the same code" in section and "Shared words:" in section
    for title in ("Our own radar", "A new wing", "Draft radar"):
        assert title not in section
    assert client_as("company_admin").get(f"/challenges/{challenge_id}").status_code == 200


def test_similar_cases_are_capped_at_three_and_only_on_open_challenges(app, world, client):
    with app.app_context():
        other, _ = other_authority()
        for number in range(4):
            published(world, pilot_id=reported_pilot(world, authority_id=other, title=f"Pilot {number}"))
        open_id = add_challenge(world, cpv_codes=("33196200",))
        awarded_id = add_challenge(world, ChallengeStatus.AWARDED, days_to_questions=-5, days_to_proposals=-2)
        draft_id = add_challenge(world, ChallengeStatus.IN_MODERATION)
        challenges = {key: db.session.get(Challenge, i) for key, i in (("open", open_id), ("awarded", awarded_id),
                                                                     ("moderated", draft_id))}
        statements = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert len(services.similar_cases(challenges["open"])) == 3
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert len(statements) <= 2, statements
        assert len(services.similar_cases(challenges["moderated"])) == 3
        assert services.similar_cases(challenges["awarded"]) == []
    assert 'id="similar-cases"' not in text(client.get(f"/challenges/{awarded_id}"))


LIBRARY_PAGES = ["/library/", "/library/?q=radar&cpv=33&region=DK&outcome=proceed", "/api/v1/library",
                 "/api/v1/library?q=radar&cpv=331"]


def _fill_library(world, size: int) -> None:
    """`size` published summaries, each about a completed case of its own, written straight into the tables (what the
    services cost is not what is measured here)."""
    now = utcnow()
    for n in range(size):
        case = ProcurementCase(authority_id=world.orgs["authority"], created_by_id=world.users["authority_admin"],
                               subject=f"Radar {n}", contract_kind=ContractKind.SUPPLIES,
                               authority_type=AuthorityType.SUB_CENTRAL, estimated_value_eur=Decimal(1000),
                               status=CaseStatus.COMPLETED, was_published=True)
        db.session.add(case)
        db.session.flush()
        db.session.add(CaseSummary(
            procurement_case_id=case.id, title=f"Radar pilot {n}", what_was_tried="Ceiling radar.", with_whom="Test Region.",
            learned="It works at night.", created_by_id=world.users["authority_admin"], authority_id=world.orgs["authority"],
            authority_name="Test Region", cluster_id=world.orgs["cluster"], cluster_name="Test Cluster", nuts_code="DK031",
            outcome=Outcome.PROCEED, status=SummaryStatus.PUBLISHED, published_at=now - timedelta(minutes=n),
            cpv_codes=[CaseSummaryCpv(code="33196200"), CaseSummaryCpv(code="42416000")]))
    db.session.commit()


def _queries(app, world, size: int) -> dict[str, int]:
    """The statements of the second request of each page (the first fills what a process keeps)."""
    with app.app_context():
        other, _ = other_authority(f"Authority of {size}")
        summary_id = published(world, pilot_id=reported_pilot(world, authority_id=other))
        challenge_id = add_challenge(world, cpv_codes=("33196200",))
        _fill_library(world, size)
        engine = db.engine
    client = app.test_client()
    counts = {}
    pages = {**{path: path for path in LIBRARY_PAGES}, "summary": f"/library/{summary_id}",
             "challenge": f"/challenges/{challenge_id}"}
    for name, path in pages.items():
        assert client.get(path).status_code == 200, path
        statements = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(path).status_code == 200, path
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        counts[name] = len(statements)
    return counts


def test_library_pages_cost_the_same_few_queries_at_every_size(app, world):
    small = _queries(app, world, 20)
    large = _queries(app, world, 200)  # on top of the first: 220 summaries
    assert small == large, (small, large)
    assert max(large.values()) <= 8, large


def test_a_draft_is_not_counted(client, library):
    assert "3 case summaries found" in text(client.get("/library/"))
    assert client.get("/api/v1/library").get_json()["meta"]["total"] == 3
    assert TEXTS_OF["radar"][1] in text(client.get(f"/library/{library['radar']}"))
    assert "Draft about radar" not in text(client.get("/library/?q=Draft"))
