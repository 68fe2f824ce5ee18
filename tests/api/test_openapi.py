"""The OpenAPI 3.1 document: valid itself (openapi-spec-validator), describing every /api/v1/ route, and true:
real answers of every endpoint (200, 400, 404) validate against the schema it gives for their status."""
import re

import pytest
from openapi_spec_validator import validate

from ppi.accounts.models import User
from ppi.challenges import services as challenge_services
from ppi.challenges.models import Challenge, PublicChange
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.extensions import db
from ppi.reports.catalogue import Audience
from ppi.reports.indicators import tables_for
from tests.api.support import API, assert_documented, get_json, schema_errors
from tests.api.test_library import full_summary
from tests.cases.support import reported_pilot, write
from tests.conftest import add_challenge
from tests.procurement.test_ocds import awarded_pilot_case, planning_case, published_open_case, sign


@pytest.fixture
def document(client, world) -> dict:
    return get_json(client, f"{API}/openapi.json")


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert document["servers"] == [{"url": f"http://localhost{API}"}]


def _template(rule: str) -> str:
    """A Flask rule below /api/v1 as an OpenAPI path: /challenges/<int:challenge_id> -> /challenges/{challenge_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix(API))


def test_every_route_of_the_api_is_described_and_nothing_else(app, document):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API + "/")]
    assert rules
    for rule in rules:
        template = _template(rule.rule)
        assert template in document["paths"], f"{rule.rule} is missing from the OpenAPI document"
        assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, f"{rule.rule}: the API is read-only"
        assert set(document["paths"][template]) == {"get"}
        described = {p["name"] for p in document["paths"][template]["get"].get("parameters", []) if p.get("in") == "path"}
        assert described == set(rule.arguments), f"{rule.rule}: path parameters"
    assert set(document["paths"]) == {_template(rule.rule) for rule in rules}


def test_each_parameter_reference_resolves(document):
    for path in document["paths"].values():
        for parameter in path["get"].get("parameters", []):
            if "$ref" in parameter:
                assert parameter["$ref"].removeprefix("#/components/parameters/") in document["components"]["parameters"]


@pytest.fixture
def everything(app, world) -> dict:
    """Something of each kind the API shows, with every optional part: a challenge with a partner, an answered
    question, a public change and a document; a draft; a cancelled challenge; a signed contract after a pilot,
    an open procedure, a case in planning."""
    with app.app_context():
        ids = {"challenge": add_challenge(world, title="Falls at night", ipr_note="Licence.")}
        challenge = db.session.get(Challenge, ids["challenge"])
        author, asker = (db.session.get(User, world.users[role]) for role in ("authority_admin", "company_admin"))
        question = challenge_services.ask_question(asker, challenge, "Wi-Fi?")
        challenge_services.answer_question(author, question, "Yes.", None)
        db.session.add(PublicChange(challenge_id=challenge.id, fields=["title"], note="Clearer title."))
        db.session.commit()
        ids["draft"] = add_challenge(world, S.DRAFT, "Draft")
        ids["cancelled"] = add_challenge(world, S.CANCELLED, "Cancelled", public_reason="No budget.",
                                         estimated_contract_value_eur=None)
    ids["case"], _, _ = awarded_pilot_case(app, world)
    sign(app, world, ids["case"])
    ids["open_case"] = published_open_case(app, world)
    ids["planning_case"] = planning_case(app, world)
    with app.app_context():
        ids["summary"] = full_summary(world)
        ids["draft_summary"] = write(world, pilot_id=reported_pilot(world, title="A draft pilot"))
    return ids


def test_real_answers_of_every_endpoint_match_the_document(client, world, document, everything):
    ids = {**everything, **world.orgs}
    requests = [
        ("/", "", 200),
        ("/openapi.json", "", 200),
        ("/challenges", "", 200),
        ("/challenges", "status=cancelled&sort=newest", 200),
        ("/challenges", "per_page=1&page=2", 200),
        ("/challenges", "status=sleeping&page=x", 400),
        ("/challenges/{challenge_id}", "", 200, "challenge"),
        ("/challenges/{challenge_id}", "", 200, "cancelled"),
        ("/challenges/{challenge_id}", "", 404, "draft"),
        ("/organisations", "", 200),
        ("/organisations", "kind=public_authority&per_page=1", 200),
        ("/organisations", "kind=bank", 400),
        ("/organisations/{org_id}", "", 200, "company"),
        ("/organisations/{org_id}", "", 200, "authority"),
        ("/organisations/{org_id}", "", 200, "cluster"),
        ("/organisations/{org_id}", "", 404, "unverified"),
        ("/procurement/cases", "", 200),
        ("/procurement/cases", "per_page=1&page=2", 200),
        ("/procurement/cases", "page=9", 404),
        ("/procurement/cases", "per_page=none", 400),
        ("/procurement/cases/{case_id}", "", 200, "case"),
        ("/procurement/cases/{case_id}", "", 200, "open_case"),
        ("/procurement/cases/{case_id}", "", 404, "planning_case"),
        ("/library", "", 200),
        ("/library", "cpv=33&region=DK&outcome=procured&q=radar", 200),
        ("/library", "outcome=great", 400),
        ("/library/{summary_id}", "", 200, "summary"),
        ("/library/{summary_id}", "", 404, "draft_summary"),
        ("/indicators", "", 200),
        ("/indicators/{name}", "", 404, "pilot_results"),
        ("/indicators/{name}", "granularity=week", 400, "pipeline"),
    ] + [("/indicators/{name}", "granularity=year", 200, name) for name in tables_for(Audience.PUBLIC)]
    seen = set()
    for template, query, status, *key in requests:
        value = key[0] if template == "/indicators/{name}" else (ids[key[0]] if key else None)
        path = re.sub(r"\{[^}]+\}", str(value), template)
        response = client.get(f"{API}{path}?{query}" if query else f"{API}{path}")
        assert response.status_code == status, (path, query, response.get_data(as_text=True)[:500])
        assert_documented(document, template, response)
        seen.add((template, status))
    # every documented answer was checked against a real one
    documented = {(template, int(code)) for template, item in document["paths"].items() for code in item["get"]["responses"]}
    assert documented == seen, documented ^ seen


def test_the_schemas_refuse_what_the_api_must_not_say(client, document, everything):
    """The validation is live: an undocumented field, a wrong type, a missing field, a relative link fail."""
    challenge = get_json(client, f"{API}/challenges/{everything['challenge']}")
    template = "/challenges/{challenge_id}"
    assert not schema_errors(document, template, 200, challenge)
    for broken in ({**challenge, "email": "someone@example.org"}, {**challenge, "id": "1"},
                   {k: v for k, v in challenge.items() if k != "status"}, {**challenge, "status": "draft"},
                   {**challenge, "url": "/challenges/1"}, {**challenge, "published_at": "2026-03-01 10:00"},
                   {**challenge, "pilot_budget_eur": 50000}):
        assert schema_errors(document, template, 200, broken)
    package = get_json(client, f"{API}/procurement/cases")
    assert schema_errors(document, "/procurement/cases", 200, {**package, "releases": []})
    assert schema_errors(document, "/procurement/cases", 200, {k: v for k, v in package.items() if k != "uri"})
