"""The case lifecycle, the Art 41 gate and the deadlines after award, as pure functions: ppi.procurement.workflow."""
from datetime import date, timedelta
from itertools import product

import pytest

from ppi.core.errors import InvalidTransition
from ppi.procurement.workflow import (
    LIFECYCLE,
    REASON_REQUIRED,
    AfterAward,
    CaseStatus as S,
    PriorInvolvement,
    after_award_warnings,
    art_41_open,
    can_sign,
)

DECISION = date(2026, 6, 1)  # the award decision sent electronically (a Monday)
DAY_10 = DECISION + timedelta(days=10)  # the last day of the standstill period
DAY_11 = DECISION + timedelta(days=11)  # the first day the contract may be signed

# The case's life as the tracker describes it: each step forward, and cancelling until the contract is signed.
FORWARD = [S.PLANNING, S.PUBLISHED, S.TENDERS_RECEIVED, S.EVALUATION, S.AWARDED, S.CONTRACT_SIGNED, S.COMPLETED]
EXPECTED_MOVES = {(a, b) for a, b in zip(FORWARD, FORWARD[1:])} | {
    (s, S.CANCELLED) for s in (S.PLANNING, S.PUBLISHED, S.TENDERS_RECEIVED, S.EVALUATION, S.AWARDED)}


# ---- the lifecycle -------------------------------------------------------------------------------

@pytest.mark.parametrize("current, target", sorted(product(S, S)), ids=lambda s: s.value)
def test_lifecycle_allows_exactly_the_listed_moves(current, target):
    allowed = (current, target) in EXPECTED_MOVES
    assert LIFECYCLE.can(current, target) is allowed
    if allowed:
        LIFECYCLE.check(current, target)
    else:
        with pytest.raises(InvalidTransition):
            LIFECYCLE.check(current, target)


@pytest.mark.parametrize("terminal", [S.COMPLETED, S.CANCELLED])
def test_lifecycle_completed_and_cancelled_are_final(terminal):
    assert LIFECYCLE.targets(terminal) == frozenset()


def test_lifecycle_a_signed_contract_can_no_longer_be_cancelled_only_completed():
    assert LIFECYCLE.targets(S.CONTRACT_SIGNED) == {S.COMPLETED}


def test_lifecycle_every_status_is_reachable_from_planning():
    reached, frontier = {S.PLANNING}, [S.PLANNING]
    while frontier:
        for target in LIFECYCLE.targets(frontier.pop()):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(S)


def test_lifecycle_only_cancelling_needs_a_reason():
    assert REASON_REQUIRED == {S.CANCELLED}


# ---- Art 41: the gate before award -----------------------------------------------------------------

@pytest.mark.parametrize("measures, exclusion, open_", [
    (False, False, True), (True, False, False), (False, True, False), (True, True, False)])
def test_art_41_a_prior_participant_needs_measures_or_a_justified_exclusion(measures, exclusion, open_):
    assert art_41_open([PriorInvolvement("NightWatch ApS", measures, exclusion)]) == (["NightWatch ApS"] if open_ else [])


def test_art_41_lists_every_open_tenderer_in_order():
    involved = [PriorInvolvement("A", False, False), PriorInvolvement("B", True, False), PriorInvolvement("C", False, False),
                PriorInvolvement("D", False, True)]
    assert art_41_open(involved) == ["A", "C"]


def test_art_41_nothing_to_do_without_prior_participants():
    assert art_41_open([]) == []


# ---- Dir. 2007/66/EC Art 2a(2): the standstill period -----------------------------------------------

@pytest.mark.parametrize("signed, allowed", [
    (DECISION, False), (DECISION + timedelta(days=1), False), (DAY_10, False), (DAY_11, True),
    (DAY_11 + timedelta(days=30), True)])
def test_dir_2007_66_art_2a_2_signature_allowed_from_day_11(signed, allowed):
    assert can_sign(DECISION, signed) is allowed


def test_dir_2007_66_art_2a_2_no_signature_without_an_award_decision():
    assert can_sign(None, DAY_11) is False


@pytest.mark.parametrize("decision, first_day", [
    (date(2026, 12, 25), date(2027, 1, 5)),   # over the new year
    (date(2028, 2, 20), date(2028, 3, 2)),    # a leap year's February
    (date(2026, 2, 20), date(2026, 3, 3)),
])
def test_dir_2007_66_art_2a_2_ten_calendar_days_from_the_day_after(decision, first_day):
    assert not can_sign(decision, first_day - timedelta(days=1))
    assert can_sign(decision, first_day)


def _warnings(decision=None, signed=None, notice=None, today=date(2026, 6, 12)):
    return after_award_warnings(AfterAward(decision, signed, notice), today)


@pytest.mark.parametrize("signed", [DECISION, DAY_10])
def test_dir_2007_66_art_2a_2_signature_inside_the_standstill_is_warned_about(signed):
    warnings = _warnings(DECISION, signed, notice=signed)
    assert [(w.code, w.article, w.due) for w in warnings] == [("signed_in_standstill", "Dir. 2007/66/EC Art 2a(2)", DAY_11)]


@pytest.mark.parametrize("signed", [DAY_11, DAY_11 + timedelta(days=3)])
def test_dir_2007_66_art_2a_2_signature_after_the_standstill_is_not(signed):
    assert _warnings(DECISION, signed, notice=signed) == []


def test_dir_2007_66_art_2a_2_without_the_decision_date_no_standstill_warning():
    assert _warnings(None, DAY_10, notice=DAY_10) == []


def test_no_warnings_before_the_contract_is_signed():
    assert _warnings(DECISION, None, None, today=DECISION + timedelta(days=400)) == []


# ---- Art 50(1): the contract award notice within 30 days -----------------------------------------------

SIGNED = date(2026, 6, 12)
DUE = SIGNED + timedelta(days=30)  # 12 July 2026


@pytest.mark.parametrize("today, late", [(SIGNED, False), (DUE - timedelta(days=1), False), (DUE, False),
                                         (DUE + timedelta(days=1), True), (DUE + timedelta(days=365), True)])
def test_art_50_1_award_notice_not_sent_is_late_the_day_after_day_30(today, late):
    warnings = _warnings(DECISION, SIGNED, None, today=today)
    assert [(w.code, w.article, w.due) for w in warnings] == ([("award_notice", "Art 50(1)", DUE)] if late else [])


@pytest.mark.parametrize("sent, late", [(SIGNED, False), (DUE, False), (DUE + timedelta(days=1), True)])
def test_art_50_1_award_notice_sent_after_day_30_stays_flagged(sent, late):
    warnings = _warnings(DECISION, SIGNED, sent, today=DUE + timedelta(days=100))
    assert [(w.code, w.due) for w in warnings] == ([("award_notice", DUE)] if late else [])


def test_art_50_1_and_standstill_warnings_together():
    warnings = _warnings(DECISION, DAY_10, None, today=DAY_10 + timedelta(days=31))
    assert [w.code for w in warnings] == ["signed_in_standstill", "award_notice"]
    assert warnings[1].due == DAY_10 + timedelta(days=30)
