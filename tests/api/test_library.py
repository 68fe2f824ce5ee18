"""The case library in the API: published summaries only, the fields of the public page and nothing personal or
sealed, the web library's filters."""
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.procurement.models import CasePilot
from ppi.procurement.workflow import CaseStatus
from tests.api.support import API, get_json, keys_in
from tests.cases.support import TEXTS, closed_case, published, reported_pilot, write


def full_summary(world) -> int:
    """A published summary with every optional part: a pilot with enough SUS answers whose procurement was completed
    (inside an app context)."""
    pilot_id = reported_pilot(world, respondents=6)
    case_id = closed_case(world, CaseStatus.COMPLETED, challenge_id=db.session.get(Pilot, pilot_id).challenge_id)
    db.session.add(CasePilot(case_id=case_id, pilot_id=pilot_id))
    db.session.commit()
    return published(world, pilot_id=pilot_id)


def test_a_published_summary_says_what_the_page_says(app, world, client):
    with app.app_context():
        summary_id = full_summary(world)
        draft_id = write(world, pilot_id=reported_pilot(world, title="Draft"))
    body = get_json(client, f"{API}/library/{summary_id}")
    assert body["title"] == TEXTS.title and body["learned"] == TEXTS.learned and body["outcome"] == "procured"
    assert (body["authority"], body["cluster"], body["company"]) == ("Test Region", "Test Cluster", "Test Company ApS")
    assert body["cpv_codes"] == [{"code": "33196200", "title": body["cpv_codes"][0]["title"]}]
    assert body["procedure"] == "open" and body["contract_value_eur"] == "280000.00"
    assert body["sus"]["respondents"] == 6 and body["test_users"] == 6
    assert body["pilot_from"] and len(body["pilot_from"]) == 7  # months only
    assert body["url"].endswith(f"/library/{summary_id}") and body["api_url"].endswith(f"{API}/library/{summary_id}")
    # nothing about people, test users, proposals or other tenderers
    assert not keys_in(body) & {"email", "address", "score", "scores", "proposal", "tenderers", "site", "sites"}
    assert "CODE0" not in str(body)  # the test users' codes
    listed = get_json(client, f"{API}/library")
    assert [item["id"] for item in listed["data"]] == [summary_id] and listed["data"][0] == body
    get_json(client, f"{API}/library/{draft_id}", expect=404)


def test_the_index_links_the_library(client, world):
    assert get_json(client, f"{API}/")["links"]["library"].endswith(f"{API}/library")
