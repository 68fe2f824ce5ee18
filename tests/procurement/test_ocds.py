"""The OCDS 1.1 export: every package validates against the official release-package schema (kept, with
the release schema and the codelists, shipped in tests/data/ocds/), its codes are in the codelists, and its
relatedProcesses trace a contract back to its challenge and pilot.

The schema is resolved locally (a `referencing` registry, no network); `date-time` and `uri` formats are
checked too, so a date without its time zone or a relative link fails.
"""
import csv
import json
import os
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource

from ppi.accounts.models import User
from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus
from ppi.procurement import ocds, services
from ppi.procurement.directive import OCDS_CATEGORY, PROCEDURES, ContractKind, Procedure
from ppi.procurement.models import ProcurementCase
from ppi.procurement.workflow import CaseStatus
from tests.conftest import add_challenge
from tests.pilots.helpers import add_pilot

C = CaseStatus
# The official OCDS 1.1 schemas and codelists, shipped as test data (tests/data/ocds/README.md).
REFERENCE = Path(os.environ.get("PPI_OCDS_REFERENCE", Path(__file__).resolve().parents[1] / "data" / "ocds"))
# The OCDS 1.1 relatedProcess codelist (open), as listed in ../shared/reference/procurement.md 4.3.
RELATED_PROCESS = {"framework", "planning", "parent", "prior", "unsuccessfulProcess", "subContract", "replacementProcess",
                   "renewalProcess"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


# ---- the schema, the formats and the codelists ---------------------------------------------------------

def _schema(name: str) -> dict:
    path = REFERENCE / name
    if not path.exists():
        pytest.fail(f"The OCDS reference is missing: {path} (set PPI_OCDS_REFERENCE to its folder)")
    return json.loads(path.read_text(encoding="utf-8"))


FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        raise ValueError(f"not an RFC 3339 date-time: {value!r}")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@FORMATS.checks("uri", raises=ValueError)
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an absolute http(s) URI: {value!r}")
    return True


@cache
def validator() -> Draft4Validator:
    package_schema, release_schema = _schema("release-package-schema.json"), _schema("release-schema.json")
    Draft4Validator.check_schema(package_schema)
    registry = Registry().with_resource(release_schema["id"], Resource.from_contents(release_schema))
    return Draft4Validator(package_schema, registry=registry, format_checker=FORMATS)


@cache
def codelist(name: str) -> frozenset[str]:
    path = REFERENCE / "codelists" / f"{name}.csv"
    if not path.exists():
        pytest.fail(f"The OCDS codelist is missing: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle) if not row.get("Deprecated"))


def schema_errors(package: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in sorted(validator().iter_errors(package), key=lambda e: list(map(str, e.absolute_path)))]


def assert_valid(package: dict) -> None:
    """The package validates against the OCDS 1.1 schema; its codes are in the codelists; its references resolve."""
    errors = schema_errors(package)
    assert not errors, "\n".join(errors)
    assert package["releases"], "a release package holds at least one release"
    for release in package["releases"]:
        where = release["id"]
        assert set(release["tag"]) <= codelist("releaseTag"), where
        tender = release["tender"]
        assert tender["status"] in codelist("tenderStatus"), where
        assert tender["mainProcurementCategory"] in codelist("procurementCategory"), where
        if "procurementMethod" in tender:
            assert tender["procurementMethod"] in codelist("method"), where
        assert set(tender.get("submissionMethod", [])) <= codelist("submissionMethod"), where
        parties = {party["id"]: party for party in release["parties"]}
        assert len(parties) == len(release["parties"]), f"{where}: a party is listed twice"
        for party in release["parties"]:
            assert party["roles"] and set(party["roles"]) <= codelist("partyRole"), where
        assert "buyer" in parties[release["buyer"]["id"]]["roles"], where
        for tenderer in tender.get("tenderers", []):
            assert "tenderer" in parties[tenderer["id"]]["roles"], where
        award_ids = set()
        for award in release.get("awards", []):
            assert award["status"] in codelist("awardStatus"), where
            for supplier in award["suppliers"]:
                assert "supplier" in parties[supplier["id"]]["roles"], where
            award_ids.add(award["id"])
        for contract in release.get("contracts", []):
            assert contract["status"] in codelist("contractStatus"), where
            assert contract["awardID"] in award_ids, where
        for item in tender.get("items", []):
            assert item["classification"]["scheme"] == "CPV" and re.fullmatch(r"\d{8}", item["classification"]["id"]), where
        for link in release.get("relatedProcesses", []):
            assert set(link["relationship"]) <= RELATED_PROCESS, where
    ids = [(r["ocid"], r["id"]) for r in package["releases"]]
    assert len(ids) == len(set(ids)), "release ids are unique within their OCID"


# ---- cases, written through the services ---------------------------------------------------------------

def _actor(world) -> User:
    return db.session.get(User, world.users["authority_admin"])


def _open(world, subject: str, *, pilot_id: int | None = None, challenge_id: int | None = None,
          kind: ContractKind = ContractKind.SUPPLIES, value: int = 900_000) -> ProcurementCase:
    pilots = [db.session.get(Pilot, pilot_id)] if pilot_id else []
    challenge = db.session.get(Challenge, challenge_id) if challenge_id else None
    return services.open_case(_actor(world), services.CaseData(subject, kind, Decimal(value), ["33196200", "48000000"],
                                                               description="Detect falls at night."), pilots, challenge)


def _route(world, case: ProcurementCase, **values) -> None:
    services.set_fields(_actor(world), case, values, services.ROUTE_FIELDS, "procurement.route")


def _timeline(world, case: ProcurementCase, **values) -> None:
    services.set_fields(_actor(world), case, values, services.TIMELINE_FIELDS, "procurement.timeline")


def _move(world, case: ProcurementCase, *targets: CaseStatus, reason: str | None = None) -> None:
    for target in targets:
        services.transition(_actor(world), case, target, reason)


def planning_case(app, world) -> int:
    with app.app_context():
        case = _open(world, "Fall sensors: early market dialogue")
        db.session.commit()
        return case.id


def published_open_case(app, world, subject: str = "Fall sensors, open procedure", *, challenge_title: str | None = None) -> int:
    """An open procedure, published (from a new challenge of that title, when given)."""
    with app.app_context():
        challenge_id = add_challenge(world, ChallengeStatus.AWARDED, challenge_title) if challenge_title else None
        case = _open(world, subject, challenge_id=challenge_id)
        _route(world, case, procedure=Procedure.OPEN, electronic_submission=True)
        _timeline(world, case, notice_sent_on=date(2026, 3, 2), clarification_deadline=date(2026, 3, 30),
                  tenders_deadline=date(2026, 4, 10))
        _move(world, case, C.PUBLISHED)
        db.session.commit()
        return case.id


def awarded_pilot_case(app, world) -> tuple[int, int, int]:
    """From a reported pilot: an innovation partnership; the pilot company tenders (Art 41 measures recorded)
    and wins. (case id, pilot id, challenge id)"""
    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.REPORTED, agreed=True)
        pilot = db.session.get(Pilot, pilot_id)
        challenge_id = pilot.challenge_id
        case = _open(world, "Night-time fall detection", pilot_id=pilot_id)
        _route(world, case, procedure=Procedure.INNOVATION_PARTNERSHIP, partnership_phases="Design, prototype, series",
               partnership_targets="Falls found within 10 minutes", partnership_remuneration="Per phase",
               candidates_invited=3, electronic_submission=True)
        _timeline(world, case, notice_sent_on=date(2026, 3, 2), requests_deadline=date(2026, 4, 6),
                  tenders_deadline=date(2026, 5, 4), tenders_received=2)
        _move(world, case, C.PUBLISHED, C.TENDERS_RECEIVED, C.EVALUATION)
        company = db.session.get(User, world.users["company_admin"]).organisation
        winner = services.add_tenderer(_actor(world), case, company.name, "DK", True, company)
        services.add_tenderer(_actor(world), case, "Other Supplier GmbH", "DE", False)
        services.record_art_41(_actor(world), winner, {
            "info_shared_on": date(2026, 3, 2), "info_shared": "The pilot report and its data, with the notice.",
            "time_limits_note": "45 days for requests instead of 30."})
        services.record_award(_actor(world), case, winner, Decimal("850000.50"), 36, "Best price-quality ratio.")
        _timeline(world, case, notice_sent_on=date(2026, 3, 2), requests_deadline=date(2026, 4, 6),
                  tenders_deadline=date(2026, 5, 4), tenders_received=2, award_decision_sent_on=date(2026, 6, 1))
        _move(world, case, C.AWARDED)
        db.session.commit()
        return case.id, pilot_id, challenge_id


def sign(app, world, case_id: int) -> None:
    with app.app_context():
        case = db.session.get(ProcurementCase, case_id)
        _timeline(world, case, notice_sent_on=date(2026, 3, 2), requests_deadline=date(2026, 4, 6),
                  tenders_deadline=date(2026, 5, 4), tenders_received=2, award_decision_sent_on=date(2026, 6, 1),
                  contract_signed_on=date(2026, 6, 12))
        _move(world, case, C.CONTRACT_SIGNED)
        db.session.commit()


def get_package(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith('.json"')
    return json.loads(response.get_data(as_text=True))


def releases_by_tag(package: dict) -> dict[str, dict]:
    return {release["tag"][0]: release for release in package["releases"]}


# ---- the tests --------------------------------------------------------------------------------------------

def test_the_validator_refuses_what_the_standard_refuses(app, world, client_as):
    """The checks are live: a method outside the closed codelist, a date without a zone, a missing OCID fail."""
    package = get_package(client_as(None), f"/procurement/{published_open_case(app, world)}/ocds.json")
    assert_valid(package)
    broken = json.loads(json.dumps(package))
    broken["releases"][1]["tender"]["procurementMethod"] = "negotiated"
    assert any("procurementMethod" in e for e in schema_errors(broken))
    broken = json.loads(json.dumps(package))
    broken["releases"][0]["date"] = "2026-03-02"
    assert any(e.startswith("releases/0/date") for e in schema_errors(broken))
    broken = json.loads(json.dumps(package))
    del broken["releases"][0]["ocid"]
    assert any("'ocid' is a required property" in e for e in schema_errors(broken))
    broken = json.loads(json.dumps(package))
    broken["releases"] = []
    assert schema_errors(broken)


def test_a_case_in_planning_is_its_authoritys_only(app, world, client_as):
    case_id = planning_case(app, world)
    path = f"/procurement/{case_id}/ocds.json"
    package = get_package(client_as("authority_admin"), path)
    assert_valid(package)
    [release] = package["releases"]
    assert release["ocid"] == f"ocds-ppidev-{case_id}" and release["tag"] == ["planning"]
    assert release["initiationType"] == "tender"
    assert release["tender"]["status"] == "planning"
    assert "procurementMethod" not in release["tender"] and "procurementMethodDetails" not in release["tender"]
    assert release["planning"]["budget"]["amount"] == {"amount": 900000, "currency": "EUR"}
    assert [p["roles"] for p in release["parties"]] == [["buyer"]]
    assert release["parties"][0]["address"] == {"countryName": "Denmark"}
    assert [i["classification"]["id"] for i in release["tender"]["items"]] == ["33196200", "48000000"]
    assert get_package(client_as("platform_admin"), path)["releases"][0]["id"] == release["id"]
    for role in (None, "company_admin", "cluster_admin", "other_company_admin", "unverified_admin"):
        assert client_as(role).get(path).status_code == 404, role
    # the all-cases package holds public cases only: nothing yet
    assert client_as("authority_admin").get("/procurement/ocds.json").status_code == 404
    published_id = published_open_case(app, world)
    package = get_package(client_as(None), "/procurement/ocds.json")
    assert_valid(package)
    assert {r["ocid"] for r in package["releases"]} == {f"ocds-ppidev-{published_id}"}
    assert f"ocds-ppidev-{case_id}" not in json.dumps(package)


def test_a_published_case_has_its_tender_release(app, world, client_as):
    case_id = published_open_case(app, world)
    package = get_package(client_as(None), f"/procurement/{case_id}/ocds.json")
    assert_valid(package)
    assert package["version"] == "1.1" and package["publisher"]["name"]
    assert package["uri"] == f"http://localhost/procurement/{case_id}/ocds.json"
    releases = releases_by_tag(package)
    assert list(releases) == ["planning", "tender"]
    assert releases["planning"]["tender"]["status"] == "planning"
    tender = releases["tender"]["tender"]
    assert tender["status"] == "active"
    assert tender["procurementMethod"] == "open" and tender["procurementMethodDetails"] == "Open procedure"
    assert "procurementMethodRationale" not in tender
    assert tender["mainProcurementCategory"] == "goods"
    assert tender["value"] == {"amount": 900000, "currency": "EUR"}
    # dates the authority records are days in its time zone (Copenhagen, summer time from 29 March 2026)
    assert tender["tenderPeriod"] == {"startDate": "2026-03-02T00:00:00+01:00", "endDate": "2026-04-10T23:59:59+02:00"}
    assert tender["enquiryPeriod"] == {"endDate": "2026-03-30T23:59:59+02:00"}
    assert tender["submissionMethod"] == ["electronicSubmission"]
    assert "awards" not in releases["tender"] and "numberOfTenderers" not in tender
    assert releases["planning"]["date"] <= releases["tender"]["date"]


def test_an_awarded_case_after_its_pilot_names_the_supplier_and_traces_back_to_challenge_and_pilot(app, world, client_as):
    case_id, pilot_id, challenge_id = awarded_pilot_case(app, world)
    package = get_package(client_as("company_admin"), f"/procurement/{case_id}/ocds.json")
    assert_valid(package)
    releases = releases_by_tag(package)
    assert list(releases) == ["planning", "tender", "award"]
    award_release = releases["award"]
    tender = award_release["tender"]
    assert tender["status"] == "complete"
    assert tender["procurementMethod"] == "selective" and tender["procurementMethodDetails"] == "Innovation partnership"
    assert tender["numberOfTenderers"] == 2
    company_id = world.orgs["company"]
    roles = {p["name"]: p["roles"] for p in award_release["parties"]}
    assert roles == {"Test Region": ["buyer"], "Test Company ApS": ["supplier", "tenderer"], "Other Supplier GmbH": ["tenderer"]}
    [award] = award_release["awards"]
    assert award["status"] == "active"
    assert award["suppliers"] == [{"id": f"org-{company_id}", "name": "Test Company ApS"}]
    assert award["value"] == {"amount": 850000.5, "currency": "EUR"}
    assert award["date"] == "2026-06-01T00:00:00+02:00"
    # before the award the future supplier is a tenderer only, and no award is shown
    assert {p["name"]: p["roles"] for p in releases["tender"]["parties"]}["Test Company ApS"] == ["tenderer"]
    assert releases["tender"]["tender"]["status"] == "active" and "awards" not in releases["tender"]
    # the trace: every release links the (public) challenge and the (private) pilot
    for release in package["releases"]:
        links = {link["scheme"]: link for link in release["relatedProcesses"]}
        assert links["x_ppi_challenge"] == {
            "id": f"challenge-{challenge_id}", "relationship": ["planning"], "scheme": "x_ppi_challenge",
            "identifier": f"ocds-ppidev-challenge-{challenge_id}", "title": "Fall detection in care homes",
            "uri": f"http://localhost/challenges/{challenge_id}"}
        assert links["x_ppi_pilot"] == {
            "id": f"pilot-{pilot_id}", "relationship": ["planning"], "title": "NightWatch pilot", "scheme": "x_ppi_pilot",
            "identifier": f"ocds-ppidev-pilot-{pilot_id}"}  # no uri: the pilot's page is not public
    assert client_as(None).get(links["x_ppi_challenge"]["uri"].removeprefix("http://localhost")).status_code == 200
    assert client_as(None).get(f"/pilots/{pilot_id}").status_code != 200


def test_a_signed_contract_then_its_completion(app, world, client_as):
    case_id, _, _ = awarded_pilot_case(app, world)
    sign(app, world, case_id)
    package = get_package(client_as(None), f"/procurement/{case_id}/ocds.json")
    assert_valid(package)
    releases = releases_by_tag(package)
    assert list(releases) == ["planning", "tender", "award", "contract"]
    [contract] = releases["contract"]["contracts"]
    [award] = releases["contract"]["awards"]
    assert contract["awardID"] == award["id"] and contract["status"] == "active"
    assert contract["dateSigned"] == "2026-06-12T00:00:00+02:00"
    assert contract["period"] == {"startDate": "2026-06-12T00:00:00+02:00", "endDate": "2029-06-11T23:59:59+02:00"}
    assert contract["value"] == {"amount": 850000.5, "currency": "EUR"}
    assert "contracts" not in releases["award"]
    with app.app_context():
        _move(world, db.session.get(ProcurementCase, case_id), C.COMPLETED)
        db.session.commit()
    package = get_package(client_as(None), f"/procurement/{case_id}/ocds.json")
    assert_valid(package)
    releases = releases_by_tag(package)
    assert list(releases) == ["planning", "tender", "award", "contract", "contractTermination"]
    assert releases["contract"]["contracts"][0]["status"] == "active"
    assert releases["contractTermination"]["contracts"][0]["status"] == "terminated"


def test_an_art_32_case_is_limited_with_its_ground(app, world, client_as):
    with app.app_context():
        case = _open(world, "Sensor firmware update", kind=ContractKind.SERVICES, value=120_000)
        _route(world, case, procedure=Procedure.NEGOTIATED_WITHOUT_PUBLICATION, art_32_ground="32(2)(b)(iii)",
               art_32_justification="The supplier holds the patents on the installed sensors.")
        _move(world, case, C.PUBLISHED)
        db.session.commit()
        case_id = case.id
    package = get_package(client_as(None), f"/procurement/{case_id}/ocds.json")
    assert_valid(package)
    tender = releases_by_tag(package)["tender"]["tender"]
    assert tender["procurementMethod"] == "limited"
    assert tender["procurementMethodDetails"] == "Award procedure without prior publication of a call for competition"
    assert tender["procurementMethodRationale"].startswith("Art 32(2)(b)(iii) of Directive 2014/24/EU: Only one operator")
    assert tender["procurementMethodRationale"].endswith("The supplier holds the patents on the installed sensors.")
    assert tender["mainProcurementCategory"] == "services"
    assert "tenderPeriod" not in tender  # no notice, no deadline recorded


def test_an_art_26_4_ground_is_the_rationale_of_a_competitive_dialogue(app, world, client_as):
    with app.app_context():
        case = _open(world, "Fall prevention service design", kind=ContractKind.SERVICES)
        _route(world, case, procedure=Procedure.COMPETITIVE_DIALOGUE, art_26_ground="26(4)(a)(ii)")
        _timeline(world, case, notice_sent_on=date(2026, 3, 2))
        _move(world, case, C.PUBLISHED)
        db.session.commit()
        case_id = case.id
    package = get_package(client_as(None), f"/procurement/{case_id}/ocds.json")
    assert_valid(package)
    tender = releases_by_tag(package)["tender"]["tender"]
    assert tender["procurementMethod"] == "selective" and tender["procurementMethodDetails"] == "Competitive dialogue"
    assert tender["procurementMethodRationale"] == ("Art 26(4)(a)(ii) of Directive 2014/24/EU: The works, supplies or "
                                                    "services include design or innovative solutions.")


def test_a_pcp_case_has_no_procurement_method(app, world, client_as):
    with app.app_context():
        case = _open(world, "R&D on fall prediction", kind=ContractKind.SERVICES, value=600_000)
        _route(world, case, procedure=Procedure.PRE_COMMERCIAL, pcp_benefits_shared=True)
        _move(world, case, C.PUBLISHED)
        db.session.commit()
        case_id = case.id
    package = get_package(client_as(None), f"/procurement/{case_id}/ocds.json")
    assert_valid(package)
    for release in package["releases"]:
        assert "procurementMethod" not in release["tender"]
        assert release["tender"]["procurementMethodDetails"] == "Pre-commercial procurement"
        assert "procurementMethodRationale" not in release["tender"]


def test_cancelled_cases_end_with_a_cancellation_release(app, world, client_as):
    with app.app_context():
        withdrawn = _open(world, "Given up in planning")
        db.session.flush()
        _move(world, withdrawn, C.CANCELLED, reason="The budget was cut.")
        db.session.commit()
        withdrawn_id = withdrawn.id
    cancelled_id = published_open_case(app, world, "Cancelled after publication")
    with app.app_context():
        _move(world, db.session.get(ProcurementCase, cancelled_id), C.CANCELLED, reason="No suitable tenders.")
        db.session.commit()
    authority = client_as("authority_admin")
    package = get_package(authority, f"/procurement/{withdrawn_id}/ocds.json")
    assert_valid(package)
    assert [r["tag"] for r in package["releases"]] == [["planning"], ["planningUpdate"]]
    assert package["releases"][-1]["tender"]["status"] == "withdrawn"
    package = get_package(authority, f"/procurement/{cancelled_id}/ocds.json")
    assert_valid(package)
    assert [r["tag"] for r in package["releases"]] == [["planning"], ["tender"], ["tenderCancellation"]]
    assert package["releases"][-1]["tender"]["status"] == "cancelled"


def test_the_all_cases_package_validates_and_costs_the_same_queries_for_more_cases(app, world, client_as):
    case_id, pilot_id, challenge_id = awarded_pilot_case(app, world)
    sign(app, world, case_id)
    first = published_open_case(app, world, "First open case")

    def selects(path: str) -> tuple[int, dict]:
        statements = []

        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            package = get_package(client_as(None), path)
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        return len(statements), package

    few, package = selects("/procurement/ocds.json")
    assert_valid(package)
    assert {r["ocid"] for r in package["releases"]} == {f"ocds-ppidev-{case_id}", f"ocds-ppidev-{first}"}
    for n in range(3):  # each from its own challenge: loading the challenges one by one would show
        published_open_case(app, world, f"Another open case {n}", challenge_title=f"Challenge {n}")
    many, package = selects("/procurement/ocds.json")
    assert_valid(package)
    assert len({r["ocid"] for r in package["releases"]}) == 5
    assert many == few, "the package's queries grow with the number of cases"
    # the contract traces back to the pilot and the challenge in the package of all cases too
    contract = next(r for r in package["releases"] if r["tag"] == ["contract"])
    assert {link["identifier"] for link in contract["relatedProcesses"]} == {
        f"ocds-ppidev-challenge-{challenge_id}", f"ocds-ppidev-pilot-{pilot_id}"}


def test_the_ocid_prefix_and_publisher_come_from_the_settings(app, world, client_as, monkeypatch):
    case_id = published_open_case(app, world)
    monkeypatch.setitem(app.config, "PPI_OCID_PREFIX", "ocds-abc123")
    monkeypatch.setitem(app.config, "PPI_OCDS_PUBLISHER", "Region of Southern Denmark")
    response = client_as(None).get(f"/procurement/{case_id}/ocds.json")
    assert response.headers["Content-Disposition"] == f'attachment; filename="ocds-abc123-{case_id}.json"'
    package = response.get_json()
    assert_valid(package)
    assert {r["ocid"] for r in package["releases"]} == {f"ocds-abc123-{case_id}"}
    assert package["publisher"] == {"name": "Region of Southern Denmark"}
    response = client_as(None).get("/procurement/ocds.json")
    assert response.headers["Content-Disposition"] == 'attachment; filename="ocds-abc123-procurement.json"'


def test_a_challenge_that_is_not_public_is_linked_without_its_title_or_page(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world, ChallengeStatus.DRAFT, title="Unannounced idea")
        case = _open(world, "From a draft challenge", challenge_id=challenge_id)
        _route(world, case, procedure=Procedure.OPEN)
        _timeline(world, case, notice_sent_on=date(2026, 3, 2))
        _move(world, case, C.PUBLISHED)
        db.session.commit()
        case_id = case.id
    package = get_package(client_as(None), f"/procurement/{case_id}/ocds.json")
    assert_valid(package)
    for release in package["releases"]:
        assert release["relatedProcesses"] == [{"id": f"challenge-{challenge_id}", "relationship": ["planning"],
                                                "scheme": "x_ppi_challenge",
                                                "identifier": f"ocds-ppidev-challenge-{challenge_id}"}]
    assert "Unannounced idea" not in json.dumps(package)


def test_the_mappings_use_the_codelists(app):
    assert set(ocds.TENDER_STATUS) == set(CaseStatus)
    assert set(ocds.TENDER_STATUS.values()) <= codelist("tenderStatus")
    assert {facts.ocds_method for facts in PROCEDURES.values()} - {None} <= codelist("method")
    assert set(OCDS_CATEGORY.values()) <= codelist("procurementCategory")
    assert set(OCDS_CATEGORY) == set(ContractKind)


def test_the_case_page_and_the_list_link_the_ocds_data(app, world, client_as):
    case_id = published_open_case(app, world)
    page = client_as(None).get(f"/procurement/{case_id}").get_data(as_text=True)
    assert f'href="/procurement/{case_id}/ocds.json"' in page
    assert 'href="/procurement/ocds.json"' in client_as(None).get("/procurement/").get_data(as_text=True)
