"""The challenges of the JSON API: the web list's filters with the same results, pagination and its links,
nothing that is not public (drafts, challenges in moderation, people), invalid parameters refused (400) or
clamped, never a 500, and a number of queries that does not grow with the page."""
import hashlib
import json
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.challenges import services as challenge_services
from ppi.challenges.models import Challenge, ChallengeAttachment, ChallengePartner, PublicChange, Question, StatusChange
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.core.models import StoredFile
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from tests.api.support import API, get_json, keys_in
from tests.challenges.conftest import more_world  # noqa: F401  (the fixture: more organisations)
from tests.challenges.test_discovery import BEDS, ENERGY, FALL, LONELY, SCHOOL, count_statements, local_day, seed
from tests.conftest import add_challenge

WEB_CARD = re.compile(r'<h2 class="h5 card-title"><a href="/challenges/(\d+)">')


@pytest.fixture
def seeded(app, more_world):  # noqa: F811
    """Five public challenges in different states, places and divisions, a draft and one in moderation; the
    school challenge has a partner authority in a buyers' group."""
    ids = seed(app, more_world)
    with app.app_context():
        db.session.add(ChallengePartner(challenge_id=ids[BEDS], organisation_id=more_world.orgs["partner"]))
        db.session.commit()
    return ids


def web_ids(client, query: str) -> list[int]:
    response = client.get(f"/challenges/?{query}")
    assert response.status_code == 200
    return [int(found) for found in WEB_CARD.findall(response.get_data(as_text=True))]


def api_ids(client, query: str) -> list[int]:
    response = client.get(f"{API}/challenges?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["data"]]


QUERIES = [
    "status=", "status=open", "status=closed", "status=in_evaluation", "status=awarded", "cpv=33", "cpv=48",
    "region=DK03", "region=dk03", "region=SE", "region=DK031", "status=open&region=DK", "q=nocturnal", "q=NOCTURNAL",
    "q=substitute+teachers", "q=thermography", "q=secret", "q=beds&region=DK", "sort=title", "sort=newest",
    "status=open&sort=title", "sort=deadline",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_same_query_string_gives_the_same_challenges_as_the_web_list(client, seeded, query):
    assert api_ids(client, query) == web_ids(client, query)


def test_without_filters_the_web_list_shows_the_open_challenges_and_the_api_every_public_one(client, seeded):
    assert web_ids(client, "") == api_ids(client, "status=open") != api_ids(client, "")
    assert api_ids(client, "") == web_ids(client, "status=")


def test_the_filters_do_filter(client, seeded):
    """The comparison above could pass on two lists that ignore the filters: check what they select."""
    assert set(api_ids(client, "")) == {seeded[t] for t in (FALL, SCHOOL, BEDS, ENERGY, LONELY)}
    assert api_ids(client, "status=closed") == [seeded[ENERGY]]
    assert api_ids(client, "cpv=48") == [seeded[SCHOOL]]
    assert api_ids(client, "status=open&sort=title") == [seeded[SCHOOL], seeded[FALL], seeded[BEDS]]


def test_authority_and_deadline_filters_match_the_web_list(client, more_world, seeded):  # noqa: F811
    queries = [f"authority={more_world.orgs['partner']}", f"authority={more_world.orgs['other_authority']}",
               f"authority={more_world.orgs['authority']}", f"deadline_from={local_day(10)}&deadline_to={local_day(25)}",
               f"deadline_to={local_day(10)}", f"deadline_from={local_day(-10)}&deadline_to={local_day(10)}"]
    for query in queries:
        assert api_ids(client, query) == web_ids(client, query), query
    assert api_ids(client, f"authority={more_world.orgs['partner']}") == [seeded[BEDS]]  # a partner counts


def test_cpv_division_is_the_same_filter_as_cpv(client, seeded):
    assert api_ids(client, "cpv_division=33") == api_ids(client, "cpv=33") == [seeded[FALL]]
    body = get_json(client, f"{API}/challenges", 400, cpv_division="99")
    assert set(body["error"]["parameters"]) == {"cpv_division"}


def test_a_challenge_in_the_list_has_its_public_fields(app, client, more_world, seeded):  # noqa: F811
    data = {item["id"]: item for item in get_json(client, f"{API}/challenges")["data"]}
    beds = data[seeded[BEDS]]
    assert set(beds) == {
        "id", "title", "summary", "status", "published_at", "questions_deadline", "proposal_deadline", "nuts_code",
        "languages", "cpv_codes", "lead_authority", "partners", "cluster", "pilot_budget_eur",
        "estimated_contract_value_eur", "contract_kind", "ipr_model", "url", "api_url"}
    assert beds["title"] == BEDS and beds["status"] == "published" and beds["nuts_code"] == "SE224"
    assert beds["lead_authority"] == {"id": more_world.orgs["authority"], "name": "Test Region"}
    assert beds["partners"] == [{"id": more_world.orgs["partner"], "name": "Partner Municipality"}]
    assert beds["cluster"] == {"id": more_world.orgs["cluster"], "name": "Test Cluster"}
    assert beds["cpv_codes"] == [{"code": "34000000", "title": "Transport equipment and auxiliary products to transportation"}]
    assert beds["pilot_budget_eur"] == "50000.00" and beds["estimated_contract_value_eur"] == "400000.00"
    assert beds["languages"] == ["da", "en"] and beds["contract_kind"] == "supplies"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", beds["proposal_deadline"])
    assert beds["url"] == f"http://localhost/challenges/{seeded[BEDS]}"
    assert beds["api_url"] == f"http://localhost{API}/challenges/{seeded[BEDS]}"
    # the status is the one of now: published with its deadline passed is closed; stored statuses as they are
    assert data[seeded[ENERGY]]["status"] == "closed" and data[seeded[LONELY]]["status"] == "in_evaluation"
    assert get_json(client, beds["api_url"])["id"] == seeded[BEDS]


def test_drafts_and_challenges_in_moderation_do_not_exist(client, client_as, seeded):
    listed = api_ids(client, "")
    missing = get_json(client, f"{API}/challenges/999999", 404)
    for key in ("draft", "moderation"):
        assert seeded[key] not in listed
        # not even for their authors: the API is the public's view
        for who in (None, "authority_admin", "cluster_admin", "platform_admin"):
            body = get_json(client_as(who), f"{API}/challenges/{seeded[key]}", 404)
            assert body == {"error": {"status": 404, "message": missing["error"]["message"]}}


def test_the_detail_adds_the_texts_criteria_documents_changes_and_answers_but_nobody_who_asked(app, client, world):
    with app.app_context():
        challenge_id = add_challenge(world, title="Night-time falls", ipr_note="A licence for every care home.")
        challenge = db.session.get(Challenge, challenge_id)
        author, asker = (db.session.get(User, world.users[role]) for role in ("authority_admin", "company_admin"))
        author.display_name, asker.display_name = "Astrid Authorsen", "Quentin Questioner"
        question = challenge_services.ask_question(asker, challenge, "Is there Wi-Fi in the rooms of Quentin's home?")
        challenge_services.answer_question(author, question, "Yes, in every room.", "Is there Wi-Fi?")
        unanswered = challenge_services.ask_question(asker, challenge, "Can we visit at night?")
        notes = b"%PDF-1.4\n%"
        stored = StoredFile(filename="astrid-notes.pdf", content_type="application/pdf", size=len(notes),
                            sha256=hashlib.sha256(notes).hexdigest(), data=notes)
        db.session.add(ChallengeAttachment(challenge_id=challenge_id, file=stored, title="Floor plan"))
        db.session.add(PublicChange(challenge_id=challenge_id, fields=["proposal_deadline"], note="Two weeks more."))
        db.session.add(StatusChange(challenge_id=challenge_id, from_status=S.IN_MODERATION, to_status=S.PUBLISHED,
                                    actor_id=author.id, comment="Moderator's private remark"))
        db.session.commit()
        attachment_id = challenge.attachments[0].id
        secrets = [user.email for user in db.session.scalars(sa.select(User))] + [
            "Astrid Authorsen", "Quentin", unanswered.text, "astrid-notes.pdf", "Moderator's private remark"]
    body = get_json(client, f"{API}/challenges/{challenge_id}")
    assert body["description"] == "Residents fall at night and lie for hours before staff find them."
    assert body["expected_benefits"] == "Fewer hours on the floor." and body["test_users_offered"] == 40
    assert body["test_setting"] == "3 care homes, about 40 care staff"
    assert body["ipr_note"] == "A licence for every care home." and body["public_reason"] is None
    assert body["criteria"] == [{"name": "Effect", "description": None, "weight": 60},
                                {"name": "Usability", "description": None, "weight": 40}]
    [answer] = body["answers"]  # the reworded question, never the unanswered one
    assert (answer["question"], answer["answer"]) == ("Is there Wi-Fi?", "Yes, in every room.")
    assert body["documents"] == [{"title": "Floor plan", "content_type": "application/pdf", "size": 10,
                                  "url": f"http://localhost/challenges/{challenge_id}/attachments/{attachment_id}"}]
    assert client.get(body["documents"][0]["url"]).status_code == 200
    [change] = body["changes"]
    assert change["fields"] == ["proposal_deadline"] and change["note"] == "Two weeks more."
    text = json.dumps(body)
    for secret in secrets:
        assert secret not in text
    assert not keys_in(body) & {"email", "display_name", "asked_by", "asked_by_id", "answered_by", "answered_by_id",
                                "asker_organisation_id", "created_by", "created_by_id", "brand_override_note", "comment",
                                "filename", "sha256"}


def test_no_person_appears_in_any_list(app, client, world, seeded):
    with app.app_context():
        users = db.session.scalars(sa.select(User)).all()
        emails = [user.email for user in users]
    for path in ("/challenges", "/organisations", "/indicators"):
        body = get_json(client, API + path)
        assert not keys_in(body) & {"email", "display_name", "users", "user"}
        assert not any(email in json.dumps(body) for email in emails)


def test_pages_and_their_links_keep_the_filters(app, client, world):
    with app.app_context():
        for number in range(5):
            add_challenge(world, title=f"Logistics challenge {number}", days_to_proposals=20 + number)
        add_challenge(world, title="Something else", cpv_codes=("48000000",))
    args = {"cpv": "33", "sort": "deadline", "per_page": "2"}
    first = get_json(client, f"{API}/challenges", **args)
    assert first["meta"] == {"page": 1, "per_page": 2, "total": 5, "total_exact": True}
    assert [c["title"] for c in first["data"]] == ["Logistics challenge 0", "Logistics challenge 1"]
    links = first["links"]
    assert links["prev"] is None
    for name, page in (("self", "1"), ("first", "1"), ("next", "2"), ("last", "3")):
        parts = urlsplit(links[name])
        assert (parts.scheme, parts.netloc, parts.path) == ("http", "localhost", f"{API}/challenges")
        assert parse_qs(parts.query) == {"cpv": ["33"], "sort": ["deadline"], "per_page": ["2"], "page": [page]}, name
    titles, url = [], links["first"]
    while url:  # following next to the end gives every challenge once
        page = get_json(client, url)
        titles += [c["title"] for c in page["data"]]
        url = page["links"]["next"]
    assert titles == [f"Logistics challenge {n}" for n in range(5)]
    assert page["meta"]["page"] == 3 and page["links"]["prev"] == links["next"]
    beyond = get_json(client, f"{API}/challenges", **args, page="40")
    assert beyond["data"] == [] and beyond["meta"]["total"] == 5 and beyond["links"]["next"] is None
    assert parse_qs(urlsplit(beyond["links"]["prev"]).query)["page"] == ["3"]  # back to the last page


def test_an_empty_list_has_one_page(client, world):
    body = get_json(client, f"{API}/challenges")
    assert body["data"] == [] and body["meta"]["total"] == 0
    assert body["links"]["last"] == body["links"]["first"] and body["links"]["next"] is None


@pytest.mark.parametrize("args, parameter", [
    ({"page": "abc"}, "page"), ({"page": "0"}, "page"), ({"page": "-1"}, "page"), ({"page": "1.5"}, "page"),
    ({"per_page": "0"}, "per_page"), ({"per_page": "ten"}, "per_page"), ({"page": "9" * 40}, "page"),
    ({"status": "sleeping"}, "status"), ({"status": "draft"}, "status"), ({"status": "in_moderation"}, "status"),
    ({"cpv": "3"}, "cpv"), ({"sort": "random"}, "sort"), ({"authority": "abc"}, "authority"),
    ({"authority": "999999"}, "authority"), ({"deadline_from": "2026-02-30"}, "deadline_from"),
    ({"deadline_to": "tomorrow"}, "deadline_to"), ({"region": "DENMARK"}, "region"), ({"q": "x" * 201}, "q"),
])
def test_invalid_parameters_are_a_400_naming_them(client, world, args, parameter):
    body = get_json(client, f"{API}/challenges", 400, **args)
    assert body["error"]["status"] == 400 and parameter in body["error"]["message"]
    assert list(body["error"]["parameters"]) == [parameter] and body["error"]["parameters"][parameter]


def test_a_page_too_large_is_clamped(app, client, world):
    with app.app_context():
        for number in range(3):
            add_challenge(world, title=f"Challenge {number}")
    body = get_json(client, f"{API}/challenges", per_page="10000")
    assert body["meta"] == {"page": 1, "per_page": 100, "total": 3, "total_exact": True} and len(body["data"]) == 3
    assert "per_page=100" in body["links"]["self"]
    assert get_json(client, f"{API}/challenges", page="99999999")["meta"]["page"] == 100_000
    assert get_json(client, f"{API}/challenges", page="", per_page="", status="")["meta"]["page"] == 1  # empty: defaults


def test_unknown_parameters_are_ignored(client, world):
    assert get_json(client, f"{API}/challenges", colour="blue")["meta"]["total"] == 0


def test_the_queries_do_not_grow_with_the_page(app, client, more_world):  # noqa: F811
    with app.app_context():
        for number in range(12):
            challenge_id = add_challenge(more_world, title=f"Challenge {number}", cpv_codes=("33196200", "48000000"),
                                         estimated_contract_value_eur=Decimal(number) if number % 2 else None,
                                         published_at=utcnow() - timedelta(days=number))
            for partner in ("partner", "other_authority"):
                db.session.add(ChallengePartner(challenge_id=challenge_id, organisation_id=more_world.orgs[partner]))
        db.session.add(Question(challenge_id=challenge_id, asked_by_id=more_world.users["company_admin"],
                                asker_organisation_id=more_world.orgs["company"], text="Why?"))
        db.session.commit()
    few = count_statements(app, client, f"{API}/challenges?per_page=2&sort=newest")
    many = count_statements(app, client, f"{API}/challenges?per_page=12&sort=newest")
    large = get_json(client, f"{API}/challenges", per_page="12")
    assert len(large["data"]) == 12
    assert all(len(item["partners"]) == 2 and len(item["cpv_codes"]) == 2 for item in large["data"])
    assert many == few, f"{few} queries for 2 challenges, {many} for 12"
    assert few <= 8


def test_a_cancelled_challenge_gives_its_public_reason(app, client, world):
    with app.app_context():
        challenge_id = add_challenge(world, S.CANCELLED, "Cancelled challenge", public_reason="The budget was cut.")
    listed = get_json(client, f"{API}/challenges", status="cancelled")["data"]
    assert [item["id"] for item in listed] == [challenge_id] and listed[0]["status"] == "cancelled"
    assert get_json(client, f"{API}/challenges/{challenge_id}")["public_reason"] == "The budget was cut."
