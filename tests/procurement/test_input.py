"""Bad input on the procurement pages never gives a server error: the page comes back (400) with the error
next to the field and what was typed kept; nothing is saved."""
import pytest

from ppi.extensions import db
from ppi.procurement.models import ProcurementCase
from tests.procurement.support import (
    NEW_CASE,
    OPEN_ROUTE,
    assert_field_error,
    case_id_of,
    element,
    in_evaluation,
    load_case,
    open_case,
    post_route,
    post_timeline,
    published_open_case,
    text,
)


@pytest.mark.parametrize("field, typed", [
    ("cpv_codes", "99999999-9"),              # not in the CPV 2008 list
    ("cpv_codes", "33196200-3"),              # a listed code with the wrong check digit
    ("cpv_codes", "33196200-2, 1234"),        # one bad code among good ones
    ("estimated_value_eur", "NaN"),
    ("estimated_value_eur", "Infinity"),
    ("estimated_value_eur", "-1"),
    ("estimated_value_eur", "1e999"),
    ("estimated_value_eur", "ten thousand"),
    ("subject", " "),
])
def test_a_new_case_with_a_bad_field_is_refused_next_to_the_field(app, world, client_as, field, typed):
    response = client_as("authority_admin").post("/procurement/new", data={**NEW_CASE, field: typed})
    assert response.status_code == 400
    page = text(response)
    assert_field_error(page, field, typed=None if field == "subject" else typed)
    if field != "subject":  # the other fields keep their values too
        assert element(page, "subject").get("value") == NEW_CASE["subject"]
    with app.app_context():
        assert db.session.query(ProcurementCase).count() == 0


@pytest.mark.parametrize("value", ["10000000000000", "9999999999999.999", "99999999999999999999"])
def test_values_beyond_what_is_stored_are_refused_not_a_server_error(app, world, client_as, value):
    response = client_as("authority_admin").post("/procurement/new", data={**NEW_CASE, "estimated_value_eur": value})
    assert response.status_code == 400, text(response)[:500]
    assert_field_error(text(response), "estimated_value_eur", typed=value)


def test_the_largest_stored_value_is_accepted(app, world, client_as):
    path = open_case(client_as("authority_admin"), estimated_value_eur="9999999999999.99")
    assert str(load_case(app, case_id_of(path)).estimated_value_eur) == "9999999999999.99"


def test_editing_a_case_with_a_bad_value_keeps_the_stored_case(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    response = authority.post(f"{path}/edit", data={**NEW_CASE, "subject": "Renamed", "estimated_value_eur": "NaN",
                                                    "cpv_codes": "00000000"})
    assert response.status_code == 400
    page = text(response)
    assert_field_error(page, "estimated_value_eur", typed="NaN")
    assert_field_error(page, "cpv_codes", typed="00000000")
    assert element(page, "subject").get("value") == "Renamed"
    case = load_case(app, case_id_of(path))
    assert case.subject == NEW_CASE["subject"] and case.cpv_codes == ["33196200"]


@pytest.mark.parametrize("typed", ["2026-02-30", "2026-13-01", "6 April 2026", "2026-04-06, 2026-04-31", "2026-04-06; x"])
def test_reg_1182_71_bad_holiday_dates_are_refused_next_to_the_field(app, world, client_as, typed):
    authority = client_as("authority_admin")
    path = open_case(authority)
    response = post_route(authority, path, **OPEN_ROUTE, holidays=typed, candidates_invited="4")
    assert response.status_code == 400
    page = text(response)
    assert "YYYY-MM-DD" in assert_field_error(page, "holidays", typed=typed)
    assert element(page, "candidates_invited").get("value") == "4"
    case = load_case(app, case_id_of(path))
    assert case.holidays == [] and case.procedure is None


def test_holiday_dates_are_stored_sorted_without_repeats(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    assert post_route(authority, path, **OPEN_ROUTE, holidays=" 2026-12-25,2026-04-06 , 2026-12-25,").status_code == 302
    assert load_case(app, case_id_of(path)).holidays == ["2026-04-06", "2026-12-25"]
    assert element(text(authority.get(path)), "holidays").get("value") == "2026-04-06, 2026-12-25"


@pytest.mark.parametrize("field, typed", [("procedure", "x"), ("procedure", "OPEN"), ("instrument", "treaty"),
                                          ("art_26_ground", "26(4)(c)"), ("art_32_ground", "32(9)")])
def test_a_bad_choice_in_the_route_form_is_refused(app, world, client_as, field, typed):
    authority = client_as("authority_admin")
    path = open_case(authority)
    response = post_route(authority, path, **{**OPEN_ROUTE, field: typed})
    assert response.status_code == 400
    assert_field_error(text(response), field)
    assert load_case(app, case_id_of(path)).procedure is None


@pytest.mark.parametrize("field, typed", [("candidates_invited", "-1"), ("candidates_invited", "three"),
                                          ("framework_years", "NaN"), ("framework_years", "-4")])
def test_bad_numbers_in_the_route_form_are_refused(app, world, client_as, field, typed):
    authority = client_as("authority_admin")
    path = open_case(authority)
    response = post_route(authority, path, **OPEN_ROUTE, **{field: typed})
    assert response.status_code == 400
    assert_field_error(text(response), field, typed=typed)


def test_urgency_without_a_reason_is_refused_and_the_route_form_keeps_its_values(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    response = post_route(authority, path, **OPEN_ROUTE, urgent="y", urgency_reason="   ", candidates_invited="7")
    assert response.status_code == 400
    page = text(response)
    assert "State the reason for the urgency" in page
    assert 'id="urgent"' in page and "checked" in element(page, "urgent")
    assert element(page, "candidates_invited").get("value") == "7"
    case = load_case(app, case_id_of(path))
    assert case.urgent is False and case.procedure is None


@pytest.mark.parametrize("fields, field", [
    ({"tenders_received": "3", "tenders_from_smes": "4"}, "tenders_from_smes"),
    ({"tenders_received": "3", "tenders_from_other_states": "5"}, "tenders_from_other_states"),
    ({"tenders_received": "-1"}, "tenders_received"),
    ({"tenders_received": "NaN"}, "tenders_received"),
    ({"notice_sent_on": "2026-02-30"}, "notice_sent_on"),
    ({"tenders_deadline": "1999-12-31"}, "tenders_deadline"),
    ({"contract_signed_on": "3000-01-01"}, "contract_signed_on"),
    ({"award_decision_sent_on": "yesterday"}, "award_decision_sent_on"),
])
def test_bad_timeline_values_are_refused_next_to_the_field(app, world, client_as, fields, field):
    authority = client_as("authority_admin")
    path = open_case(authority)
    response = post_timeline(authority, path, notice_reference="TED 2026/S 044-123456", **fields)
    assert response.status_code == 400
    page = text(response)
    error = assert_field_error(page, field, typed=fields[field])
    if field in ("tenders_from_smes", "tenders_from_other_states"):
        assert "more than the tenders received" in error
    assert element(page, "notice_reference").get("value") == "TED 2026/S 044-123456"
    case = load_case(app, case_id_of(path))
    assert case.notice_reference is None and case.tenders_received is None


def test_tenders_from_smes_may_equal_the_tenders_received(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    assert post_timeline(authority, path, tenders_received="3", tenders_from_smes="3", tenders_from_other_states="0").status_code == 302
    case = load_case(app, case_id_of(path))
    assert (case.tenders_received, case.tenders_from_smes, case.tenders_from_other_states) == (3, 3, 0)


@pytest.mark.parametrize("target", ["x", "PUBLISHED", "draft", "awarded%00"])
def test_an_unknown_status_target_is_not_found(app, world, client_as, target):
    authority = client_as("authority_admin")
    path = open_case(authority)
    assert authority.post(f"{path}/status/{target}", data={"reason": "x"}).status_code == 404
    assert load_case(app, case_id_of(path)).status.value == "planning"


def test_a_move_the_lifecycle_does_not_allow_is_refused_with_the_page(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    response = authority.post(f"{path}/status/awarded", data={"reason": ""})
    assert response.status_code == 409 and "not possible in the current state" in text(response)
    assert load_case(app, case_id_of(path)).status.value == "planning"


@pytest.mark.parametrize("data, field", [
    ({"organisation_id": "0", "name": "", "country": "DK"}, "name"),
    ({"organisation_id": "0", "name": "Bidder ApS", "country": "XX"}, "country"),
    ({"organisation_id": "987654", "name": "Bidder ApS", "country": "DK"}, "organisation_id"),
    ({"organisation_id": "abc", "name": "Bidder ApS", "country": "DK"}, "organisation_id"),
])
def test_bad_tenderers_are_refused_next_to_the_field(app, world, client_as, data, field):
    authority = client_as("authority_admin")
    path = published_open_case(authority)
    response = authority.post(f"{path}/tenderers", data=data)
    assert response.status_code == 400
    assert_field_error(text(response), field)
    assert load_case(app, case_id_of(path)).tenderers == []


def test_a_tenderer_of_another_case_is_not_found(app, world, client_as):
    authority = client_as("authority_admin")
    first = in_evaluation(authority)
    second = in_evaluation(authority, subject="Another purchase")
    assert authority.post(f"{first}/tenderers", data={"organisation_id": "0", "name": "Bidder ApS", "country": "DK"}).status_code == 302
    tenderer_id = load_case(app, case_id_of(first)).tenderers[0].id
    prefix = f"a{tenderer_id}-"
    assert authority.post(f"{second}/tenderers/{tenderer_id}/admission",
                          data={prefix + "admitted": "no", prefix + "reason": "x"}).status_code == 404
    assert authority.post(f"{second}/tenderers/{tenderer_id}/art41", data={}).status_code == 404
    assert authority.post(f"{second}/tenderers/2147483648/art41", data={}).status_code == 404
    # the second case's award form (shown once it has a tenderer) refuses the first case's tenderer
    assert authority.post(f"{second}/tenderers", data={"organisation_id": "0", "name": "Local ApS", "country": "DK"}).status_code == 302
    response = authority.post(f"{second}/award", data={"tenderer_id": tenderer_id, "contract_value_eur": "1", "reasons": "x"})
    assert response.status_code == 400
    assert_field_error(text(response), "tenderer_id")
    assert load_case(app, case_id_of(second)).supplier_name is None


@pytest.mark.parametrize("data, field", [
    ({"contract_value_eur": "NaN", "reasons": "Best value."}, "contract_value_eur"),
    ({"contract_value_eur": "-5", "reasons": "Best value."}, "contract_value_eur"),
    ({"contract_value_eur": "10000000000000", "reasons": "Best value."}, "contract_value_eur"),
    ({"contract_value_eur": "100", "reasons": "Best value.", "contract_months": "0"}, "contract_months"),
    ({"contract_value_eur": "100", "reasons": "  "}, "reasons"),
])
def test_bad_award_values_are_refused_next_to_the_field(app, world, client_as, data, field):
    authority = client_as("authority_admin")
    path = in_evaluation(authority)
    assert authority.post(f"{path}/tenderers", data={"organisation_id": "0", "name": "Bidder ApS", "country": "DK"}).status_code == 302
    tenderer_id = load_case(app, case_id_of(path)).tenderers[0].id
    response = authority.post(f"{path}/award", data={"tenderer_id": tenderer_id, **data})
    assert response.status_code == 400
    assert_field_error(text(response), field)
    assert load_case(app, case_id_of(path)).supplier_name is None


def test_bad_art_41_dates_are_refused_next_to_the_field(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority, consultation="Nordic Sensors A/S")
    assert authority.post(f"{path}/tenderers", data={"organisation_id": "0", "name": "Nordic Sensors A/S", "country": "DK"}).status_code == 302
    tenderer_id = load_case(app, case_id_of(path)).tenderers[0].id
    prefix = f"t{tenderer_id}-"
    response = authority.post(f"{path}/tenderers/{tenderer_id}/art41", data={
        prefix + "info_shared_on": "2026-02-31", prefix + "info_shared": "The pilot report."})
    assert response.status_code == 400
    page = text(response)
    assert_field_error(page, prefix + "info_shared_on", typed="2026-02-31")
    assert "The pilot report." in page
    assert load_case(app, case_id_of(path)).tenderers[0].info_shared is None


@pytest.mark.parametrize("query", [
    "?procedure=x&status=y&authority=z&threshold=q", "?overdue=yes&page=-3", "?authority=99999999999999999999",
    "?authority=2147483648", "?authority=-1&threshold=ABOVE", "?procedure=open%20&status=Published&threshold=",
])
def test_bad_list_filters_are_ignored(app, world, client_as, query):
    published_open_case(client_as("authority_admin"))
    for client in (client_as(None), client_as("company_admin")):
        response = client.get("/procurement/" + query)
        assert response.status_code == 200, query
        assert NEW_CASE["subject"] in text(response)
        csv = client.get("/procurement/cases.csv" + query)
        assert csv.status_code == 200 and NEW_CASE["subject"] in text(csv)


def test_a_page_beyond_the_last_is_empty_not_an_error(app, world, client_as):
    published_open_case(client_as("authority_admin"))
    for query in ("?page=99999999999999999999", "?page=2", "?page=x"):
        response = client_as(None).get("/procurement/" + query)
        assert response.status_code == 200
        assert (NEW_CASE["subject"] in text(response)) is (query == "?page=x")


def test_a_nul_character_in_a_filter_is_refused(app, world, client_as):
    assert client_as(None).get("/procurement/?procedure=%00").status_code == 400
    assert client_as(None).get("/procurement/cases.csv?status=%00").status_code == 400
