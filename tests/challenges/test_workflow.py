"""The challenge lifecycle as pure rules: the transition table, time-derived closing, deadline and criteria checks."""
from datetime import timedelta
from itertools import product

import pytest

from ppi.challenges.workflow import (
    LIFECYCLE,
    PUBLIC_STATUSES,
    ChallengeStatus as S,
    criteria_problems,
    deadline_problems,
    effective_status,
    is_open_for_proposals,
    needs_reason,
    questions_open,
)
from ppi.core.errors import InvalidTransition
from tests.challenges.helpers import utc

# The lifecycle of the issue, written out independently of the code: draft → in moderation → published
# (→ closed by time) → in evaluation → awarded | no award → archived; moderation returns to the draft;
# cancelled from every state before the award.
ALLOWED = {
    (S.DRAFT, S.IN_MODERATION),
    (S.IN_MODERATION, S.PUBLISHED),
    (S.IN_MODERATION, S.DRAFT),
    (S.CLOSED, S.IN_EVALUATION),
    (S.IN_EVALUATION, S.AWARDED),
    (S.IN_EVALUATION, S.NO_AWARD),
    (S.AWARDED, S.ARCHIVED),
    (S.NO_AWARD, S.ARCHIVED),
    *((before_award, S.CANCELLED) for before_award in (S.DRAFT, S.IN_MODERATION, S.PUBLISHED, S.CLOSED, S.IN_EVALUATION)),
}
EVERY_PAIR = list(product(S, S))
DEADLINE = utc(2031, 3, 14, 12, 0)
MICROSECOND = timedelta(microseconds=1)


@pytest.mark.parametrize("current, target", [pair for pair in EVERY_PAIR if pair in ALLOWED], ids=str)
def test_allowed_transitions(current, target):
    assert LIFECYCLE.can(current, target)
    LIFECYCLE.check(current, target)  # does not raise
    assert target in LIFECYCLE.targets(current)


@pytest.mark.parametrize("current, target", [pair for pair in EVERY_PAIR if pair not in ALLOWED], ids=str)
def test_refused_transitions(current, target):
    assert not LIFECYCLE.can(current, target)
    with pytest.raises(InvalidTransition) as refused:
        LIFECYCLE.check(current, target)
    assert refused.value.status_code == 409
    assert (refused.value.current, refused.value.target) == (current, target)


def test_closed_is_reached_by_time_only_and_final_states_lead_nowhere():
    assert all(S.CLOSED not in LIFECYCLE.targets(state) for state in S)
    assert LIFECYCLE.targets(S.PUBLISHED) == {S.CANCELLED}
    assert LIFECYCLE.targets(S.ARCHIVED) == set() and LIFECYCLE.targets(S.CANCELLED) == set()
    assert S.DRAFT not in PUBLIC_STATUSES and S.IN_MODERATION not in PUBLIC_STATUSES
    assert S.PUBLISHED in PUBLIC_STATUSES


@pytest.mark.parametrize("current, target, expected", [
    (S.IN_MODERATION, S.DRAFT, True),      # returned to the author with comments
    (S.DRAFT, S.CANCELLED, True),
    (S.PUBLISHED, S.CANCELLED, True),
    (S.CLOSED, S.CANCELLED, True),
    (S.IN_EVALUATION, S.CANCELLED, True),
    (S.IN_EVALUATION, S.NO_AWARD, True),
    (S.DRAFT, S.IN_MODERATION, False),
    (S.IN_MODERATION, S.PUBLISHED, False),
    (S.CLOSED, S.IN_EVALUATION, False),
    (S.IN_EVALUATION, S.AWARDED, False),
    (S.AWARDED, S.ARCHIVED, False),
])
def test_reasons_are_asked_for_return_cancel_and_no_award(current, target, expected):
    assert needs_reason(current, target) is expected


def test_a_published_challenge_closes_at_the_exact_deadline():
    assert effective_status(S.PUBLISHED, DEADLINE, DEADLINE - MICROSECOND) == S.PUBLISHED
    assert effective_status(S.PUBLISHED, DEADLINE, DEADLINE) == S.CLOSED
    assert effective_status(S.PUBLISHED, DEADLINE, DEADLINE + MICROSECOND) == S.CLOSED
    assert is_open_for_proposals(S.PUBLISHED, DEADLINE, DEADLINE - MICROSECOND)
    assert not is_open_for_proposals(S.PUBLISHED, DEADLINE, DEADLINE)


def test_the_deadline_compares_instants_not_wall_clock_times():
    from zoneinfo import ZoneInfo

    same_instant_in_copenhagen = DEADLINE.astimezone(ZoneInfo("Europe/Copenhagen"))
    assert effective_status(S.PUBLISHED, DEADLINE, same_instant_in_copenhagen) == S.CLOSED
    assert effective_status(S.PUBLISHED, DEADLINE, same_instant_in_copenhagen - MICROSECOND) == S.PUBLISHED


@pytest.mark.parametrize("stored", [s for s in S if s != S.PUBLISHED])
def test_only_published_challenges_close_by_time(stored):
    long_after = DEADLINE + timedelta(days=400)
    assert effective_status(stored, DEADLINE, long_after) == stored
    assert not is_open_for_proposals(stored, DEADLINE, DEADLINE - timedelta(days=1))


def test_without_a_deadline_the_stored_status_stands():
    assert effective_status(S.PUBLISHED, None, DEADLINE) == S.PUBLISHED


def test_questions_are_taken_until_just_before_the_questions_deadline():
    assert questions_open(S.PUBLISHED, DEADLINE, DEADLINE - MICROSECOND)
    assert not questions_open(S.PUBLISHED, DEADLINE, DEADLINE)
    assert not questions_open(S.PUBLISHED, DEADLINE, DEADLINE + MICROSECOND)
    assert not questions_open(S.PUBLISHED, None, DEADLINE)


@pytest.mark.parametrize("stored", [s for s in S if s != S.PUBLISHED])
def test_questions_only_while_published(stored):
    assert not questions_open(stored, DEADLINE, DEADLINE - timedelta(days=5))


NOW = utc(2031, 1, 10, 9, 0)


@pytest.mark.parametrize("questions, proposals, expected", [
    (NOW + timedelta(days=5), NOW + timedelta(days=10), []),
    (NOW + timedelta(days=5), NOW + timedelta(days=5) + MICROSECOND, []),
    (NOW - timedelta(days=5), NOW + MICROSECOND, []),                       # questions closed already: allowed
    (NOW + timedelta(days=5), NOW + timedelta(days=5), ["order"]),          # equal is not after
    (NOW + timedelta(days=10), NOW + timedelta(days=5), ["order"]),
    (NOW - timedelta(days=10), NOW, ["past"]),                              # the deadline is now: already past
    (NOW - timedelta(days=10), NOW - timedelta(days=1), ["past"]),
    (NOW - timedelta(days=1), NOW - timedelta(days=2), ["order", "past"]),
    (None, NOW + timedelta(days=10), ["missing"]),
    (NOW + timedelta(days=5), None, ["missing"]),
    (None, None, ["missing"]),
])
def test_deadline_problems(questions, proposals, expected):
    assert deadline_problems(questions, proposals, NOW) == expected


@pytest.mark.parametrize("weights, expected", [
    ([60, 40], []),
    ([100], []),
    ([10] * 10, []),
    ([], ["no_criteria"]),
    ([60, 30], ["sum"]),
    ([60, 50], ["sum"]),
    ([99], ["sum"]),
    ([50, 50, 0], ["non_positive"]),
    ([110, -10], ["non_positive"]),
])
def test_criteria_problems(weights, expected):
    assert criteria_problems(weights) == expected
