"""The law as data: table-driven tests of every rule in ppi.procurement.directive, the article in each name."""
from datetime import date
from decimal import Decimal

import pytest

from ppi.accounts.models import AuthorityType
from ppi.procurement import directive as d
from ppi.procurement.directive import ContractKind as K, Procedure as P, Reductions as R, Stage

CENTRAL, SUB, BODY = AuthorityType.CENTRAL_GOVERNMENT, AuthorityType.SUB_CENTRAL, AuthorityType.BODY_GOVERNED_BY_PUBLIC_LAW

# (contract kind, authority type, a date in the period, the threshold then)
THRESHOLD_CASES = [
    (K.WORKS, SUB, date(2024, 6, 1), 5_538_000), (K.WORKS, CENTRAL, date(2026, 6, 1), 5_404_000),
    (K.SUPPLIES, CENTRAL, date(2024, 6, 1), 143_000), (K.SERVICES, CENTRAL, date(2026, 6, 1), 140_000),
    (K.SUPPLIES, SUB, date(2025, 12, 31), 221_000), (K.SERVICES, SUB, date(2026, 1, 1), 216_000),
    (K.SUPPLIES, BODY, date(2027, 12, 31), 216_000), (K.SOCIAL_SERVICES, CENTRAL, date(2024, 1, 1), 750_000),
    (K.SOCIAL_SERVICES, SUB, date(2027, 6, 30), 750_000),
]


@pytest.mark.parametrize("kind, authority, on, amount", THRESHOLD_CASES)
def test_art_4_threshold_applies_from_the_exact_amount(kind, authority, on, amount):
    assert d.check_threshold(Decimal(amount), kind, authority, on).above is True
    assert d.check_threshold(Decimal(amount) - Decimal("0.01"), kind, authority, on).above is False
    assert d.check_threshold(Decimal(amount), kind, authority, on).amount == amount


@pytest.mark.parametrize("on, regulation", [(date(2024, 1, 1), "2023/2495"), (date(2025, 12, 31), "2023/2495"),
                                            (date(2026, 1, 1), "2025/2152"), (date(2027, 12, 31), "2025/2152")])
def test_art_6_threshold_periods_change_on_the_first_of_january(on, regulation):
    assert regulation in d.check_threshold(Decimal(1), K.SUPPLIES, SUB, on).regulation


@pytest.mark.parametrize("on", [date(2023, 12, 31), date(2028, 1, 1)])
def test_art_4_no_threshold_on_record_outside_the_known_periods(on):
    check = d.check_threshold(Decimal(10**9), K.WORKS, SUB, on)
    assert check.above is None and check.amount is None


def test_art_2_bodies_governed_by_public_law_use_the_sub_central_threshold():
    assert d.threshold_category(K.SERVICES, BODY) == d.ThresholdCategory.SUB_CENTRAL
    assert d.threshold_category(K.SERVICES, CENTRAL) == d.ThresholdCategory.CENTRAL


# (procedure, stage, reductions, authority, minimum days)
TIME_LIMIT_CASES = [
    ("art_27_open_standard", P.OPEN, Stage.TENDERS, R(), SUB, 35),
    ("art_27_4_open_electronic", P.OPEN, Stage.TENDERS, R(electronic=True), SUB, 30),
    ("art_27_2_open_after_pin", P.OPEN, Stage.TENDERS, R(pin_used=True), CENTRAL, 15),
    ("art_27_3_open_urgency", P.OPEN, Stage.TENDERS, R(urgent=True), CENTRAL, 15),
    ("art_27_open_pin_and_electronic_do_not_add_up", P.OPEN, Stage.TENDERS, R(pin_used=True, electronic=True), CENTRAL, 15),
    ("art_28_1_restricted_requests", P.RESTRICTED, Stage.REQUESTS, R(), CENTRAL, 30),
    ("art_28_6_restricted_requests_urgency", P.RESTRICTED, Stage.REQUESTS, R(urgent=True), CENTRAL, 15),
    ("art_28_2_restricted_tenders_central", P.RESTRICTED, Stage.TENDERS, R(), CENTRAL, 30),
    ("art_28_5_restricted_tenders_electronic", P.RESTRICTED, Stage.TENDERS, R(electronic=True), CENTRAL, 25),
    ("art_28_3_restricted_tenders_after_pin", P.RESTRICTED, Stage.TENDERS, R(pin_used=True), CENTRAL, 10),
    ("art_28_6_restricted_tenders_urgency", P.RESTRICTED, Stage.TENDERS, R(urgent=True), CENTRAL, 10),
    ("art_28_4_restricted_sub_central_without_agreement", P.RESTRICTED, Stage.TENDERS, R(), SUB, 10),
    ("art_28_4_restricted_sub_central_by_agreement", P.RESTRICTED, Stage.TENDERS, R(agreed_with_all_candidates=True), SUB, 0),
    ("art_28_4_central_cannot_agree", P.RESTRICTED, Stage.TENDERS, R(agreed_with_all_candidates=True), CENTRAL, 30),
    ("art_29_cpn_requests", P.COMPETITIVE_WITH_NEGOTIATION, Stage.REQUESTS, R(), SUB, 30),
    ("art_29_cpn_requests_urgency", P.COMPETITIVE_WITH_NEGOTIATION, Stage.REQUESTS, R(urgent=True), SUB, 15),
    ("art_29_cpn_tenders_central_electronic", P.COMPETITIVE_WITH_NEGOTIATION, Stage.TENDERS, R(electronic=True), CENTRAL, 25),
    ("art_29_cpn_tenders_sub_central", P.COMPETITIVE_WITH_NEGOTIATION, Stage.TENDERS, R(), BODY, 10),
    ("art_30_dialogue_requests", P.COMPETITIVE_DIALOGUE, Stage.REQUESTS, R(urgent=True), SUB, 30),
    ("art_31_partnership_requests", P.INNOVATION_PARTNERSHIP, Stage.REQUESTS, R(electronic=True), SUB, 30),
]


@pytest.mark.parametrize("procedure, stage, reductions, authority, days", [c[1:] for c in TIME_LIMIT_CASES],
                         ids=[c[0] for c in TIME_LIMIT_CASES])
def test_minimum_time_limits(procedure, stage, reductions, authority, days):
    assert d.minimum_days(procedure, stage, reductions, authority) == days


@pytest.mark.parametrize("procedure, stage", [(P.NEGOTIATED_WITHOUT_PUBLICATION, Stage.TENDERS),
                                              (P.COMPETITIVE_DIALOGUE, Stage.TENDERS), (P.PRE_COMMERCIAL, Stage.TENDERS)])
def test_art_32_and_others_set_no_minimum_time_limit(procedure, stage):
    assert d.minimum_days(procedure, stage, R(), SUB) is None


@pytest.mark.parametrize("pin_sent, notice_sent, allowed", [
    (date(2026, 1, 1), date(2026, 2, 5), True),    # 35 days
    (date(2026, 1, 1), date(2026, 2, 4), False),   # 34 days
    (date(2025, 2, 5), date(2026, 2, 5), True),    # 12 months
    (date(2025, 2, 4), date(2026, 2, 5), False),   # 12 months and a day
])
def test_art_27_2_pin_sent_35_days_to_12_months_before(pin_sent, notice_sent, allowed):
    assert d.pin_reduction_allowed(pin_sent, notice_sent) is allowed


@pytest.mark.parametrize("dispatched, days, holidays, end", [
    (date(2026, 3, 2), 35, (), date(2026, 4, 6)),                    # the reference's worked example
    (date(2026, 3, 6), 35, (), date(2026, 4, 10)),                   # Friday + 35 = Friday
    (date(2026, 3, 5), 30, (), date(2026, 4, 6)),                    # ends on Saturday 4 April: runs to Monday
    (date(2026, 3, 2), 35, (date(2026, 4, 6),), date(2026, 4, 7)),   # a recorded holiday (Easter Monday)
])
def test_reg_1182_71_art_3_counting(dispatched, days, holidays, end):
    assert d.end_of_period(dispatched, days, holidays) == end


def test_reg_1182_71_a_short_deadline_says_how_many_days_are_missing():
    check = d.check_deadline(date(2026, 3, 2), date(2026, 4, 1), 35)
    assert check.too_short and check.days_missing == 5 and check.earliest == date(2026, 4, 6)
    assert not d.check_deadline(date(2026, 3, 2), date(2026, 4, 6), 35).too_short


@pytest.mark.parametrize("procedure", [P.COMPETITIVE_WITH_NEGOTIATION, P.COMPETITIVE_DIALOGUE])
def test_art_26_4_ground_required(procedure):
    assert ("Art 26(4)", "Record the ground that allows this procedure.") in d.condition_problems(d.RouteFacts(procedure, K.SERVICES))
    assert not d.condition_problems(d.RouteFacts(procedure, K.SERVICES, art_26_ground="26(4)(a)(ii)"))


@pytest.mark.parametrize("ground", sorted(d.ART_32_GROUNDS))
def test_art_32_each_ground_with_a_justification(ground):
    kind = K.SUPPLIES
    route = d.RouteFacts(P.NEGOTIATED_WITHOUT_PUBLICATION, kind, art_32_ground=ground, art_32_justification="Documented.")
    assert d.condition_problems(route) == []
    unjustified = d.RouteFacts(P.NEGOTIATED_WITHOUT_PUBLICATION, kind, art_32_ground=ground)
    assert [a for a, _ in d.condition_problems(unjustified)] == ["Art 84(1)(f)"]


@pytest.mark.parametrize("ground", [g for g, facts in d.ART_32_GROUNDS.items() if facts.supplies_only])
def test_art_32_3_grounds_are_for_supplies_only(ground):
    route = d.RouteFacts(P.NEGOTIATED_WITHOUT_PUBLICATION, K.SERVICES, art_32_ground=ground, art_32_justification="x")
    assert [a for a, _ in d.condition_problems(route)] == ["Art 32(3)"]


def test_art_32_without_a_ground():
    assert ("Art 32", "Record the Art 32 ground.") in d.condition_problems(d.RouteFacts(P.NEGOTIATED_WITHOUT_PUBLICATION, K.WORKS))


def test_art_31_innovation_partnership_needs_phases_targets_and_remuneration():
    missing = d.condition_problems(d.RouteFacts(P.INNOVATION_PARTNERSHIP, K.SERVICES, partnership_phases="Design, prototype"))
    assert [text for _, text in missing] == ["Record the intermediate targets.", "Record the remuneration in instalments."]
    complete = d.RouteFacts(P.INNOVATION_PARTNERSHIP, K.SERVICES, partnership_phases="a", partnership_targets="b",
                            partnership_remuneration="c")
    assert d.condition_problems(complete) == []


@pytest.mark.parametrize("shared, not_wholly_paid, outside", [(True, False, True), (False, True, True), (True, True, True),
                                                              (False, False, False)])
def test_art_14_pcp_outside_the_directive_unless_both_conditions_hold(shared, not_wholly_paid, outside):
    assert d.pcp_outside_directive(not shared, not not_wholly_paid) is outside
    problems = d.condition_problems(d.RouteFacts(P.PRE_COMMERCIAL, K.SERVICES, pcp_benefits_shared=shared,
                                                 pcp_not_wholly_paid=not_wholly_paid))
    assert (problems == []) is outside


@pytest.mark.parametrize("code, covered", [("73000000", True), ("73120000", True), ("73121000", False),
                                           ("73300000", True), ("73420000", True), ("73430000", True), ("72000000", False)])
def test_art_14_rnd_cpv_codes(code, covered):
    assert d.is_covered_rnd_cpv(code) is covered


@pytest.mark.parametrize("procedure, invited, flagged", [
    (P.RESTRICTED, 4, True), (P.RESTRICTED, 5, False), (P.COMPETITIVE_WITH_NEGOTIATION, 2, True),
    (P.COMPETITIVE_DIALOGUE, 3, False), (P.INNOVATION_PARTNERSHIP, 2, True), (P.OPEN, 1, False),
])
def test_art_65_2_minimum_candidates(procedure, invited, flagged):
    route = d.RouteFacts(procedure, K.SERVICES, candidates_invited=invited, art_26_ground="26(4)(a)(ii)",
                         partnership_phases="a", partnership_targets="b", partnership_remuneration="c")
    assert any(article == "Art 65(2)" for article, _ in d.condition_problems(route)) is flagged


@pytest.mark.parametrize("years, flagged", [(Decimal(4), False), (Decimal("4.5"), True)])
def test_art_33_1_framework_at_most_four_years(years, flagged):
    route = d.RouteFacts(P.OPEN, K.SUPPLIES, instrument=d.Instrument.FRAMEWORK, framework_years=years)
    assert bool(d.condition_problems(route)) is flagged


def test_remedies_directive_art_2a_standstill_and_art_50_award_notice():
    assert d.earliest_signature(date(2026, 5, 4)) == date(2026, 5, 15)
    assert d.award_notice_due(date(2026, 5, 15)) == date(2026, 6, 14)


@pytest.mark.parametrize("procedure, method", [(P.OPEN, "open"), (P.RESTRICTED, "selective"),
                                               (P.COMPETITIVE_WITH_NEGOTIATION, "selective"),
                                               (P.COMPETITIVE_DIALOGUE, "selective"), (P.INNOVATION_PARTNERSHIP, "selective"),
                                               (P.NEGOTIATED_WITHOUT_PUBLICATION, "limited"), (P.PRE_COMMERCIAL, None)])
def test_ocds_procurement_method_mapping(procedure, method):
    assert d.PROCEDURES[procedure].ocds_method == method
