"""Procurement cases in the JSON API: OCDS 1.1 release packages (validated against the official schema and
codelists, as the web export is), paginated with the package-level `links` of the OCDS pagination extension;
a case never published does not exist."""
from urllib.parse import parse_qs, urlsplit

from ppi.api.views import OCDS_PAGINATION_EXTENSION
from tests.api.support import API, get_json
from tests.challenges.test_discovery import count_statements
from tests.procurement.test_ocds import assert_valid, awarded_pilot_case, planning_case, published_open_case, sign


def ocids(package: dict) -> set[str]:
    return {release["ocid"] for release in package["releases"]}


def test_no_public_case_is_a_404_since_a_package_holds_a_release(app, client, world):
    planning_case(app, world)
    body = get_json(client, f"{API}/procurement/cases", 404)
    assert body["error"]["status"] == 404 and "procurement case" in body["error"]["message"]


def test_the_public_cases_page_by_page_with_links(app, client, world):
    planning = planning_case(app, world)
    cases = [published_open_case(app, world, f"Open case {n}") for n in range(3)]
    first = get_json(client, f"{API}/procurement/cases", per_page="2")
    assert_valid(first)
    assert ocids(first) == {f"ocds-ppidev-{case}" for case in cases[:2]}
    assert first["extensions"] == [OCDS_PAGINATION_EXTENSION]
    assert set(first["links"]) == {"next"}
    assert parse_qs(urlsplit(first["links"]["next"]).query) == {"per_page": ["2"], "page": ["2"]}
    assert first["uri"] == f"http://localhost{API}/procurement/cases?page=1&per_page=2"
    assert first["license"] == app.config["PPI_OPEN_DATA_LICENCE_URL"]
    assert first["publicationPolicy"] == "http://localhost/open-data"
    second = get_json(client, first["links"]["next"])
    assert_valid(second)
    assert ocids(second) == {f"ocds-ppidev-{cases[2]}"} and set(second["links"]) == {"prev"}
    assert get_json(client, second["links"]["prev"])["releases"] == first["releases"]
    everything = get_json(client, f"{API}/procurement/cases")
    assert ocids(everything) == {f"ocds-ppidev-{case}" for case in cases} and everything["links"] == {}
    assert f"ocds-ppidev-{planning}" not in ocids(everything)
    get_json(client, f"{API}/procurement/cases", 404, page="3", per_page="2")  # past the last page
    get_json(client, f"{API}/procurement/cases", 400, page="first")
    assert get_json(client, f"{API}/procurement/cases", per_page="5000")["uri"].endswith("per_page=100")


def test_a_case_is_its_web_export_with_the_licence(app, client_as, world):
    case_id, _, _ = awarded_pilot_case(app, world)
    sign(app, world, case_id)
    client = client_as(None)
    package = get_json(client, f"{API}/procurement/cases/{case_id}")
    assert_valid(package)
    assert package["uri"] == f"http://localhost{API}/procurement/cases/{case_id}"
    web = client.get(f"/procurement/{case_id}/ocds.json").get_json()
    assert package["releases"] == web["releases"]  # the same export, not another one
    assert package["license"] == app.config["PPI_OPEN_DATA_LICENCE_URL"] and "links" not in package


def test_a_case_never_published_does_not_exist(app, client_as, world):
    case_id = planning_case(app, world)
    missing = get_json(client_as(None), f"{API}/procurement/cases/999999", 404)
    for who in (None, "authority_admin", "platform_admin"):  # its authority sees it on the web, not here
        assert get_json(client_as(who), f"{API}/procurement/cases/{case_id}", 404) == missing


def test_the_queries_do_not_grow_with_the_page(app, client, world):
    for n in range(5):
        published_open_case(app, world, f"Open case {n}", challenge_title=f"Challenge {n}")
    few = count_statements(app, client, f"{API}/procurement/cases?per_page=1")
    many = count_statements(app, client, f"{API}/procurement/cases?per_page=5")
    assert len(ocids(get_json(client, f"{API}/procurement/cases", per_page="5"))) == 5
    assert many == few
