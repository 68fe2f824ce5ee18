"""The pilot lifecycle, who moves it, the plan's completeness and targets (pure)."""
from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import product

import pytest

from ppi.core.errors import InvalidTransition
from ppi.pilots.workflow import (
    LIFECYCLE,
    REASON_REQUIRED,
    Comparison,
    Party,
    PilotStatus as S,
    PlanFacts,
    can_move,
    plan_problems,
    target_met,
)

A, C, K = Party.AUTHORITY, Party.COMPANY, Party.CLUSTER

# Written out by hand from the rules: who may make each move.
ALLOWED_MOVES = {
    (K, S.PLANNING, S.PLAN_APPROVED),
    (K, S.PLAN_APPROVED, S.RUNNING), (A, S.PLAN_APPROVED, S.RUNNING),
    (K, S.RUNNING, S.PAUSED), (A, S.RUNNING, S.PAUSED),
    (K, S.RUNNING, S.COMPLETED),
    (K, S.RUNNING, S.STOPPED_EARLY), (A, S.RUNNING, S.STOPPED_EARLY),
    (K, S.PAUSED, S.RUNNING), (A, S.PAUSED, S.RUNNING),
    (K, S.PAUSED, S.STOPPED_EARLY), (A, S.PAUSED, S.STOPPED_EARLY),
    (K, S.COMPLETED, S.REPORTED),
    (K, S.STOPPED_EARLY, S.REPORTED),
}
EDGES = {(current, target) for _party, current, target in ALLOWED_MOVES}


def test_the_lifecycle_has_exactly_the_documented_edges():
    assert {(current, target) for current, target in product(S, S) if LIFECYCLE.can(current, target)} == EDGES


@pytest.mark.parametrize("current, target", [
    (S.PLANNING, S.RUNNING), (S.PLAN_APPROVED, S.PAUSED), (S.COMPLETED, S.RUNNING), (S.COMPLETED, S.PAUSED),
    (S.PAUSED, S.COMPLETED), (S.REPORTED, S.RUNNING), (S.STOPPED_EARLY, S.RUNNING), (S.RUNNING, S.RUNNING),
])
def test_wrong_state_moves_are_refused(current, target):
    assert not LIFECYCLE.can(current, target)
    with pytest.raises(InvalidTransition):
        LIFECYCLE.check(current, target)


def test_reported_is_final():
    assert LIFECYCLE.targets(S.REPORTED) == frozenset()


def test_can_move_by_party_matches_the_table():
    for party, current, target in product([A, C, K, None], S, S):
        assert can_move(party, current, target) == ((party, current, target) in ALLOWED_MOVES), (party, current, target)


def test_the_company_never_moves_the_pilot_and_nobody_without_a_party():
    assert not any(can_move(C, current, target) for current, target in product(S, S))
    assert not any(can_move(None, current, target) for current, target in product(S, S))


def test_pausing_and_stopping_need_a_reason():
    assert REASON_REQUIRED == {S.PAUSED, S.STOPPED_EARLY}


# ---- the plan ------------------------------------------------------------------------------------

COMPLETE = PlanFacts(objectives="Fewer long lies.", start=date(2026, 1, 1), end=date(2026, 3, 31), criteria=1, sites=1,
                     groups=1, milestones=1, personal_data="Alerts per room.", legal_basis="GDPR Art 6(1)(e)", dpia_done=True)


def test_a_complete_plan_has_no_problems():
    assert plan_problems(COMPLETE) == []
    assert plan_problems(replace(COMPLETE, dpia_done=False)) == []  # "no" is an answer
    assert plan_problems(replace(COMPLETE, end=COMPLETE.start)) == []  # a one-day pilot


@pytest.mark.parametrize("change, key", [
    ({"objectives": None}, "objectives"), ({"objectives": "   "}, "objectives"),
    ({"start": None}, "dates"), ({"end": None}, "dates"), ({"end": date(2025, 12, 31)}, "date_order"),
    ({"criteria": 0}, "criteria"), ({"sites": 0}, "sites"), ({"groups": 0}, "groups"), ({"milestones": 0}, "milestones"),
    ({"personal_data": None}, "data_protection"), ({"legal_basis": " "}, "data_protection"),
    ({"dpia_done": None}, "data_protection"),
])
def test_each_missing_part_is_named(change, key):
    assert plan_problems(replace(COMPLETE, **change)) == [key]


def test_an_empty_plan_lacks_everything_in_order():
    empty = PlanFacts(None, None, None, 0, 0, 0, 0, None, None, None)
    assert plan_problems(empty) == ["objectives", "dates", "criteria", "sites", "groups", "milestones", "data_protection"]


@pytest.mark.parametrize("value, comparison, target, met", [
    ("90", Comparison.AT_LEAST, "90", True), ("90.01", Comparison.AT_LEAST, "90", True), ("89.99", Comparison.AT_LEAST, "90", False),
    ("4", Comparison.AT_MOST, "4", True), ("3.5", Comparison.AT_MOST, "4", True), ("4.0001", Comparison.AT_MOST, "4", False),
    ("-1", Comparison.AT_MOST, "0", True), ("-1", Comparison.AT_LEAST, "0", False),
])
def test_target_met(value, comparison, target, met):
    assert target_met(Decimal(value), comparison, Decimal(target)) is met
