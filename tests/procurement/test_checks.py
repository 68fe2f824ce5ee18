"""The checks the case page shows for each route, through the app: the Art 4 threshold for the notice's date,
the minimum time limits with their reductions counted as Regulation 1182/71 says, and the conditions of use
that stop publication."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ppi.accounts.models import AuthorityType
from ppi.extensions import db
from ppi.procurement.models import ProcurementCase
from ppi.procurement.workflow import CaseStatus
from tests.procurement.support import (
    add_authority,
    case_id_of,
    checks_text,
    client_for,
    day,
    item_text,
    load_case,
    money,
    move,
    open_case,
    post_route,
    post_timeline,
    status_of,
    text,
)

NOTICE = "2026-03-02"  # a Monday


def _checks(client, path) -> str:
    return checks_text(text(client.get(path)))


def _threshold(client, path) -> str:
    return item_text(text(client.get(path)), "threshold-check")


# ---- Art 4 thresholds ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value, above", [("216000", True), ("215999.99", False), ("216000.01", True), ("5000", False)])
def test_art_4_sub_central_supplies_threshold_2026_from_the_exact_amount(app, world, client_as, value, above):
    authority = client_as("authority_admin")
    path = open_case(authority, estimated_value_eur=value)
    assert post_timeline(authority, path, notice_sent_on=NOTICE).status_code == 302
    shown = _threshold(authority, path)
    assert shown.startswith("Above" if above else "Below"), shown
    assert money(app, 216000) in shown and "2025/2152" in shown
    assert load_case(app, case_id_of(path)).above_threshold is above


def test_art_4_the_notice_date_decides_the_threshold_221000_in_2025_216000_in_2026(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority, estimated_value_eur="218000")
    assert post_timeline(authority, path, notice_sent_on="2025-12-31").status_code == 302
    shown = _threshold(authority, path)
    assert shown.startswith("Below") and money(app, 221000) in shown and "2023/2495" in shown
    assert load_case(app, case_id_of(path)).above_threshold is False
    assert post_timeline(authority, path, notice_sent_on="2026-01-01").status_code == 302
    shown = _threshold(authority, path)
    assert shown.startswith("Above") and money(app, 216000) in shown and "2025/2152" in shown
    assert load_case(app, case_id_of(path)).above_threshold is True
    # exactly the 2025 figure is above it in 2025
    authority.post(f"{path}/edit", data={"subject": "Sensors", "contract_kind": "supplies", "estimated_value_eur": "221000",
                                         "cpv_codes": "33196200-2"})
    assert post_timeline(authority, path, notice_sent_on="2025-06-01").status_code == 302
    assert _threshold(authority, path).startswith("Above")


def test_art_4_central_government_services_threshold(app, world):
    _, session_id = add_authority(app, "Ministry of Health", authority_type=AuthorityType.CENTRAL_GOVERNMENT)
    ministry = client_for(app, session_id)
    for value, above in (("140000", True), ("139999.99", False)):
        path = open_case(ministry, contract_kind="services", estimated_value_eur=value, cpv_codes="72000000-5")
        assert post_timeline(ministry, path, notice_sent_on=NOTICE).status_code == 302
        shown = _threshold(ministry, path)
        assert shown.startswith("Above" if above else "Below") and money(app, 140000) in shown


@pytest.mark.parametrize("kind, value, threshold", [("works", "5404000", 5404000), ("social_services", "749999", 750000)])
def test_art_4_works_and_annex_xiv_services_thresholds(app, world, client_as, kind, value, threshold):
    authority = client_as("authority_admin")
    path = open_case(authority, contract_kind=kind, estimated_value_eur=value, cpv_codes="45000000-7")
    assert post_timeline(authority, path, notice_sent_on=NOTICE).status_code == 302
    shown = _threshold(authority, path)
    assert money(app, threshold) in shown
    assert shown.startswith("Above" if int(value) >= threshold else "Below")


def test_art_4_no_threshold_on_record_for_the_notice_date(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority, estimated_value_eur="900000")
    assert post_timeline(authority, path, notice_sent_on="2028-02-01").status_code == 302
    page = text(authority.get(path))
    assert item_text(page, "threshold-check").startswith("No EU threshold on record")
    assert "Threshold unknown for this date" in page
    assert load_case(app, case_id_of(path)).above_threshold is None


def test_art_4_editing_the_value_updates_the_stored_verdict(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority, estimated_value_eur="100000")
    post_timeline(authority, path, notice_sent_on=NOTICE)
    assert load_case(app, case_id_of(path)).above_threshold is False
    authority.post(f"{path}/edit", data={"subject": "Sensors", "contract_kind": "supplies", "estimated_value_eur": "216000",
                                         "cpv_codes": "33196200-2"})
    assert load_case(app, case_id_of(path)).above_threshold is True


# ---- minimum time limits --------------------------------------------------------------------------------

def _deadline_case(client, route: dict, **timeline) -> tuple[str, str]:
    path = open_case(client)
    assert post_route(client, path, **route).status_code == 302
    timeline = {"invitations_sent_on": NOTICE, **timeline}  # two-stage procedures count tenders from the invitation
    assert post_timeline(client, path, notice_sent_on=NOTICE, **timeline).status_code == 302
    return path, _checks(client, path)


def _too_short(checks: str, missing: int, earliest: str, article: str, minimum: int) -> bool:
    return (f"deadline too short: {missing} day(s) missing; the earliest lawful date is {earliest} ({article}, "
            f"minimum {minimum} days") in checks


def _long_enough(checks: str, article: str, minimum: int) -> bool:
    return f"deadline long enough ({article}, minimum {minimum} days)" in checks


@pytest.mark.parametrize("electronic, minimum, earliest", [(True, 30, date(2026, 4, 1)), (False, 35, date(2026, 4, 6))])
def test_art_27_open_tenders_with_and_without_electronic_submission(app, world, client_as, electronic, minimum, earliest):
    authority = client_as("authority_admin")
    route = {"procedure": "open", **({"electronic_submission": "y"} if electronic else {})}
    _, checks = _deadline_case(authority, route, tenders_deadline=(earliest - timedelta(days=1)).isoformat())
    assert _too_short(checks, 1, day(app, earliest), "Art 27(1)–(4)", minimum), checks
    _, checks = _deadline_case(authority, route, tenders_deadline=earliest.isoformat())
    assert _long_enough(checks, "Art 27(1)–(4)", minimum), checks


@pytest.mark.parametrize("pin_sent, reduced", [
    ("2026-01-26", True),   # 35 days before the notice
    ("2025-03-02", True),   # 12 months before
    ("2026-01-27", False),  # 34 days: too late to count
    ("2025-03-01", False),  # 12 months and a day: too early
])
def test_art_27_2_pin_sent_35_days_to_12_months_before_shortens_the_open_procedure(app, world, client_as, pin_sent, reduced):
    authority = client_as("authority_admin")
    route = {"procedure": "open", "pin_used": "y"}
    _, checks = _deadline_case(authority, route, pin_sent_on=pin_sent, tenders_deadline="2026-03-17")
    flag = "the prior information notice shortens the time limits only when sent 35 days to 12 months"
    if reduced:
        assert _long_enough(checks, "Art 27(1)–(4)", 15) and flag not in checks, checks
    else:
        assert flag in checks and _too_short(checks, 20, day(app, date(2026, 4, 6)), "Art 27(1)–(4)", 35), checks


def test_art_27_2_pin_ticked_without_its_date_is_flagged(app, world, client_as):
    _, checks = _deadline_case(client_as("authority_admin"), {"procedure": "open", "pin_used": "y"}, tenders_deadline="2026-04-06")
    assert "shortens the time limits only when sent 35 days to 12 months" in checks
    assert _long_enough(checks, "Art 27(1)–(4)", 35)


def test_art_27_3_urgency_with_its_reason_shortens_the_open_procedure_to_15_days(app, world, client_as):
    authority = client_as("authority_admin")
    route = {"procedure": "open", "urgent": "y", "urgency_reason": "The care homes' current alarms fail from April."}
    path, checks = _deadline_case(authority, route, tenders_deadline="2026-03-17")
    assert _long_enough(checks, "Art 27(1)–(4)", 15), checks
    _, checks = _deadline_case(authority, route, tenders_deadline="2026-03-16")
    assert _too_short(checks, 1, day(app, date(2026, 3, 17)), "Art 27(1)–(4)", 15), checks
    assert load_case(app, case_id_of(path)).urgency_reason.startswith("The care homes")


def test_art_27_3_urgency_without_a_reason_is_refused_and_shortens_nothing(app, world, client_as):
    authority = client_as("authority_admin")
    path, _ = _deadline_case(authority, {"procedure": "open"}, tenders_deadline="2026-03-17")
    response = post_route(authority, path, procedure="open", urgent="y", urgency_reason="")
    assert response.status_code == 400 and "State the reason for the urgency" in text(response)
    checks = _checks(authority, path)
    assert _too_short(checks, 20, day(app, date(2026, 4, 6)), "Art 27(1)–(4)", 35), checks


def test_the_service_refuses_urgency_without_a_reason(app, world, client_as):
    from ppi.accounts.models import User
    from ppi.core.errors import DomainError
    from ppi.procurement import services

    path = open_case(client_as("authority_admin"))
    with app.app_context():
        case = db.session.get(ProcurementCase, case_id_of(path))
        actor = db.session.get(User, world.users["authority_admin"])
        with pytest.raises(DomainError, match="reason for the urgency"):
            services.set_fields(actor, case, {"urgent": True, "urgency_reason": "  "}, services.ROUTE_FIELDS, "procurement.route")
        services.set_fields(actor, case, {"urgent": True, "urgency_reason": "Flooding."}, services.ROUTE_FIELDS, "procurement.route")
        assert case.urgent and case.urgency_reason == "Flooding."


def test_art_27_3_urgency_recorded_without_its_reason_shortens_nothing(app, world, client_as):
    from ppi.procurement import services

    authority = client_as("authority_admin")
    path, _ = _deadline_case(authority, {"procedure": "open"}, tenders_deadline="2026-03-17")
    with app.app_context():
        case = db.session.get(ProcurementCase, case_id_of(path))
        case.urgent = True  # as an older record might hold it: ticked, no reason
        findings = services.checks(case).deadlines
        assert [(f.check.minimum, f.check.too_short) for f in findings] == [(35, True)]
        case.urgency_reason = "Flooding."
        assert [(f.check.minimum, f.check.too_short) for f in services.checks(case).deadlines] == [(15, False)]
        db.session.rollback()


@pytest.mark.parametrize("agreed, deadline, ok", [(True, NOTICE, True), (True, "2026-03-01", False),
                                                  (False, "2026-03-11", False), (False, "2026-03-12", True)])
def test_art_28_4_sub_central_restricted_tenders_by_agreement_with_all_candidates(app, world, client_as, agreed, deadline, ok):
    authority = client_as("authority_admin")
    route = {"procedure": "restricted", "candidates_invited": "5", **({"agreed_with_all_candidates": "y"} if agreed else {})}
    _, checks = _deadline_case(authority, route, tenders_deadline=deadline)
    minimum = 0 if agreed else 10
    if ok:
        assert _long_enough(checks, "Art 28(2)–(6)", minimum), checks
    else:
        assert "Tenders deadline too short: 1 day(s) missing" in checks, checks


def test_art_28_4_a_central_authority_cannot_agree_the_date(app, world):
    _, session_id = add_authority(app, "Ministry of Health", authority_type=AuthorityType.CENTRAL_GOVERNMENT)
    ministry = client_for(app, session_id)
    route = {"procedure": "restricted", "agreed_with_all_candidates": "y", "electronic_submission": "y", "candidates_invited": "5"}
    _, checks = _deadline_case(ministry, route, tenders_deadline="2026-03-20")
    assert _too_short(checks, 7, day(app, date(2026, 3, 27)), "Art 28(2)–(6)", 25), checks


def test_art_28_restricted_requests_and_tenders_are_both_checked(app, world, client_as):
    route = {"procedure": "restricted", "candidates_invited": "5"}
    _, checks = _deadline_case(client_as("authority_admin"), route, requests_deadline="2026-03-31", tenders_deadline="2026-03-12")
    assert _too_short(checks, 1, day(app, date(2026, 4, 1)), "Art 28(1), (6)", 30), checks
    assert _long_enough(checks, "Art 28(2)–(6)", 10), checks


@pytest.mark.parametrize("holidays, deadline, ok", [("", "2026-04-06", True), ("2026-04-06", "2026-04-06", False),
                                                    ("2026-04-06", "2026-04-07", True),
                                                    ("2026-04-06, 2026-04-07", "2026-04-07", False)])
def test_reg_1182_71_art_3_4_a_recorded_holiday_moves_the_earliest_date(app, world, client_as, holidays, deadline, ok):
    route = {"procedure": "open", "holidays": holidays}  # 35 days from 2 March 2026 end on Easter Monday, 6 April
    _, checks = _deadline_case(client_as("authority_admin"), route, tenders_deadline=deadline)
    if ok:
        assert _long_enough(checks, "Art 27(1)–(4)", 35), checks
    else:
        earliest = date(2026, 4, 7) if holidays == "2026-04-06" else date(2026, 4, 8)
        assert _too_short(checks, 1, day(app, earliest), "Art 27(1)–(4)", 35), checks


def test_reg_1182_71_art_3_4_a_period_ending_on_a_saturday_runs_to_monday(app, world, client_as):
    # 30 days (electronic) from Thursday 5 March 2026 end on Saturday 4 April
    path = open_case(client_as("authority_admin"))
    authority = client_as("authority_admin")
    post_route(authority, path, procedure="open", electronic_submission="y")
    post_timeline(authority, path, notice_sent_on="2026-03-05", tenders_deadline="2026-04-04")
    assert _too_short(_checks(authority, path), 2, day(app, date(2026, 4, 6)), "Art 27(1)–(4)", 30)


def test_no_time_limit_check_for_a_negotiated_procedure_without_publication(app, world, client_as):
    route = {"procedure": "negotiated_without_publication", "art_32_ground": "32(2)(b)(ii)", "art_32_justification": "Only one."}
    _, checks = _deadline_case(client_as("authority_admin"), route, tenders_deadline="2026-03-03")
    assert "deadline" not in checks


# ---- conditions of use ----------------------------------------------------------------------------------

def _publish(client, path):
    return client.post(f"{path}/status/published", data={"reason": ""})


def _refused(app, response, path, *phrases) -> None:
    assert response.status_code == 400
    page = text(response)
    for phrase in phrases:
        assert phrase in page, phrase
    assert status_of(app, case_id_of(path)) == CaseStatus.PLANNING


@pytest.mark.parametrize("procedure", ["competitive_with_negotiation", "competitive_dialogue"])
def test_art_26_4_negotiation_or_dialogue_without_a_ground_cannot_be_published(app, world, client_as, procedure):
    authority = client_as("authority_admin")
    path, checks = _deadline_case(authority, {"procedure": procedure, "candidates_invited": "3"}, requests_deadline="2026-04-06")
    assert "Art 26(4): Record the ground that allows this procedure." in checks
    _refused(app, _publish(authority, path), path, "Art 26(4)")
    assert post_route(authority, path, procedure=procedure, art_26_ground="26(4)(a)(ii)", candidates_invited="3").status_code == 302
    assert "Art 26(4)" not in _checks(authority, path)
    assert _publish(authority, path).status_code == 302
    assert status_of(app, case_id_of(path)) == CaseStatus.PUBLISHED


def test_art_32_without_a_justification_cannot_be_published(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    post_route(authority, path, procedure="negotiated_without_publication")
    checks = _checks(authority, path)
    assert "Art 32: Record the Art 32 ground." in checks and "Art 84(1)(f)" in checks
    _refused(app, _publish(authority, path), path, "Art 32")
    post_route(authority, path, procedure="negotiated_without_publication", art_32_ground="32(2)(b)(iii)")
    _refused(app, _publish(authority, path), path, "Art 84(1)(f)")
    post_route(authority, path, procedure="negotiated_without_publication", art_32_ground="32(2)(b)(iii)",
               art_32_justification="The hospital's patented alarm bus: no other system can connect to it.")
    assert "condition-problem" not in text(authority.get(path))
    # no call for competition: no contract notice date is needed
    assert _publish(authority, path).status_code == 302


@pytest.mark.parametrize("kind, flagged", [("services", True), ("supplies", False)])
def test_art_32_3_a_supplies_ground_on_a_services_case_is_flagged(app, world, client_as, kind, flagged):
    authority = client_as("authority_admin")
    path = open_case(authority, contract_kind=kind)
    post_route(authority, path, procedure="negotiated_without_publication", art_32_ground="32(3)(a)",
               art_32_justification="Prototypes for the research study only.")
    assert ("Art 32(3): This ground is for supply contracts only." in _checks(authority, path)) is flagged
    response = _publish(authority, path)
    if flagged:
        _refused(app, response, path, "Art 32(3)")
    else:
        assert response.status_code == 302


def test_art_31_innovation_partnership_without_phases_cannot_be_published(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    route = {"procedure": "innovation_partnership", "partnership_targets": "90 % of falls found within 10 minutes",
             "partnership_remuneration": "Per phase", "candidates_invited": "3"}
    post_route(authority, path, **route)
    post_timeline(authority, path, notice_sent_on=NOTICE, requests_deadline="2026-04-06")
    assert "Art 31(2): Record the successive phases." in _checks(authority, path)
    _refused(app, _publish(authority, path), path, "Art 31(2)")
    post_route(authority, path, **route, partnership_phases="Design, prototype, test series")
    assert "Art 31(2)" not in _checks(authority, path)
    assert _publish(authority, path).status_code == 302


def test_a_call_for_competition_needs_the_notice_date_before_publication(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    _refused(app, _publish(authority, path), path, "Choose the route first.")
    post_route(authority, path, procedure="open")
    _refused(app, _publish(authority, path), path, "Record the date the contract notice was sent.")
    post_timeline(authority, path, notice_sent_on=NOTICE)
    assert _publish(authority, path).status_code == 302


@pytest.mark.parametrize("confirmation", [{}, {"pcp_benefits_shared": "y"}, {"pcp_not_wholly_paid": "y"}])
def test_art_14_pcp_without_the_confirmation_is_flagged(app, world, client_as, confirmation):
    authority = client_as("authority_admin")
    path = open_case(authority, contract_kind="services", cpv_codes="73100000-3")
    post_route(authority, path, procedure="pre_commercial", **confirmation)
    checks = _checks(authority, path)
    assert ("Art 14: Confirm that the benefits do not accrue exclusively" in checks) is (not confirmation)
    response = _publish(authority, path)
    if confirmation:
        assert response.status_code == 302
    else:
        _refused(app, response, path, "Art 14")


@pytest.mark.parametrize("procedure, invited, flagged", [("restricted", "4", True), ("restricted", "5", False),
                                                         ("competitive_dialogue", "2", True),
                                                         ("competitive_dialogue", "3", False), ("open", "1", False)])
def test_art_65_2_fewer_candidates_than_the_minimum_flagged(app, world, client_as, procedure, invited, flagged):
    authority = client_as("authority_admin")
    path = open_case(authority)
    post_route(authority, path, procedure=procedure, candidates_invited=invited, art_26_ground="26(4)(a)(i)")
    assert ("Art 65(2): At least" in _checks(authority, path)) is flagged


def test_art_33_1_framework_longer_than_four_years_flagged(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    post_route(authority, path, procedure="open", instrument="framework", framework_years="4")
    assert "Art 33(1)" not in _checks(authority, path)
    post_route(authority, path, procedure="open", instrument="framework", framework_years="4.5")
    assert "Art 33(1): A framework agreement lasts at most 4 years" in _checks(authority, path)


def test_the_route_change_is_audited_with_what_changed(app, world, client_as):
    from ppi.core.models import AuditEntry

    authority = client_as("authority_admin")
    path = open_case(authority)
    post_route(authority, path, procedure="open", candidates_invited="4")
    post_route(authority, path, procedure="open", candidates_invited="4")  # nothing changed: nothing recorded
    with app.app_context():
        entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "procurement.route")).all()
        assert len(entries) == 1
        assert entries[0].after["procedure"] == "open" and entries[0].before["procedure"] is None
        assert entries[0].after["candidates_invited"] == 4


def test_a_move_is_shown_in_the_status_history(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    post_route(authority, path, procedure="open")
    post_timeline(authority, path, notice_sent_on=NOTICE)
    move(authority, path, "published")
    page = text(authority.get(path))
    assert "Planning → Published" in page


def test_art_28_2_restricted_tenders_run_from_the_invitation_not_the_notice(app, world, client_as):
    authority = client_as("authority_admin")
    route = {"procedure": "restricted", "candidates_invited": "5", "electronic_submission": "y"}
    _, checks = _deadline_case(authority, route, requests_deadline="2026-04-06", invitations_sent_on="2026-04-20",
                               tenders_deadline="2026-04-27")
    assert "Tenders deadline too short: 3 day(s) missing" in checks  # sub-central without agreement: 10 days from 20 April
    _, checks = _deadline_case(authority, route, requests_deadline="2026-04-06", invitations_sent_on="",
                               tenders_deadline="2026-04-27")
    assert "Tenders deadline" not in checks  # not judged until the invitation date is recorded
