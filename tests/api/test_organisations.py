"""Organisations in the JSON API: verified ones only, the fields of their public page, never their people or
their financial figures."""
import json

import pytest
import sqlalchemy as sa

from ppi.accounts.models import Organisation, OrganisationKind, User
from ppi.accounts.workflow import VerificationStatus
from ppi.extensions import db
from tests.api.support import API, get_json, keys_in
from tests.challenges.test_discovery import count_statements
from tests.conftest import add_org


def test_only_verified_organisations_are_listed_by_name(client, world):
    body = get_json(client, f"{API}/organisations")
    assert [org["name"] for org in body["data"]] == ["Other Company A/S", "Test Cluster", "Test Company ApS", "Test Region"]
    assert body["meta"] == {"page": 1, "per_page": 25, "total": 4, "total_exact": True}
    assert world.orgs["unverified"] not in {org["id"] for org in body["data"]}


@pytest.mark.parametrize("kind, names", [
    ("company", ["Other Company A/S", "Test Company ApS"]),
    ("public_authority", ["Test Region"]),
    ("cluster", ["Test Cluster"]),
])
def test_the_kind_filter(client, world, kind, names):
    body = get_json(client, f"{API}/organisations", kind=kind)
    assert [org["name"] for org in body["data"]] == names
    assert all(f"kind={kind}" in link for link in (body["links"]["self"], body["links"]["last"]))


@pytest.mark.parametrize("args, parameter", [({"kind": "bank"}, "kind"), ({"page": "x"}, "page"), ({"per_page": "0"}, "per_page")])
def test_invalid_parameters_are_a_400(client, world, args, parameter):
    body = get_json(client, f"{API}/organisations", 400, **args)
    assert list(body["error"]["parameters"]) == [parameter]


def test_an_organisation_has_the_fields_of_its_public_page(client, world):
    company = get_json(client, f"{API}/organisations/{world.orgs['company']}")
    assert company == {
        "id": world.orgs["company"], "name": "Test Company ApS", "kind": "company", "country": "DK", "nuts_code": "DK031",
        "registration_number": "12345678", "website": None, "description": None, "authority_type": None,
        "size_class": "small", "verified_at": company["verified_at"],
        "url": f"http://localhost/organisations/{world.orgs['company']}",
        "api_url": f"http://localhost{API}/organisations/{world.orgs['company']}",
    }
    assert company["verified_at"].endswith("Z")
    authority = get_json(client, f"{API}/organisations/{world.orgs['authority']}")
    assert authority["authority_type"] == "sub_central" and authority["size_class"] is None


def test_no_people_and_no_financial_figures(app, client, world):
    with app.app_context():
        emails = list(db.session.scalars(sa.select(User.email)))
        names = list(db.session.scalars(sa.select(User.display_name)))
    bodies = [get_json(client, f"{API}/organisations", per_page="100")] + [
        get_json(client, f"{API}/organisations/{world.orgs[key]}") for key in ("company", "authority", "cluster")]
    for body in bodies:
        text = json.dumps(body)
        assert not keys_in(body) & {"users", "email", "display_name", "staff_headcount", "annual_turnover_eur",
                                    "balance_sheet_total_eur", "verification_note", "verification_status"}
        assert "3000000" not in text and "1500000" not in text  # the company's turnover and balance sheet
        assert not any(email in text for email in emails)
        assert not any(f'"{name}"' in text for name in names)


@pytest.mark.parametrize("status", [VerificationStatus.PENDING, VerificationStatus.REJECTED, VerificationStatus.SUSPENDED])
def test_an_organisation_that_is_not_verified_does_not_exist(app, client_as, world, status):
    with app.app_context():
        org = db.session.get(Organisation, world.orgs["company"])
        org.verification_status = status
        db.session.commit()
    for who in (None, "company_admin", "platform_admin"):  # the API is the public's view, whoever asks
        body = get_json(client_as(who), f"{API}/organisations/{world.orgs['company']}", 404)
        assert body["error"]["status"] == 404
        assert world.orgs["company"] not in {o["id"] for o in get_json(client_as(who), f"{API}/organisations")["data"]}
    assert get_json(client_as(None), f"{API}/organisations/999999", 404) == body


def test_the_queries_do_not_grow_with_the_page(app, client, world):
    with app.app_context():
        for number in range(10):
            add_org(f"Company {number:02}", OrganisationKind.COMPANY)
        db.session.commit()
    few = count_statements(app, client, f"{API}/organisations?per_page=2")
    many = count_statements(app, client, f"{API}/organisations?per_page=14")
    assert len(get_json(client, f"{API}/organisations", per_page="14")["data"]) == 14
    assert many == few
