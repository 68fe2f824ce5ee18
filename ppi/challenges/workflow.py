"""The challenge lifecycle as a pure state machine.

Stored statuses change only through services. "Closed for proposals" is not stored: a published
challenge is closed from the moment its proposal deadline has passed, so the status is right at every
request without a scheduled job (`effective_status`).
"""
from datetime import datetime
from enum import StrEnum

from ppi.core.workflow import StateMachine


class ChallengeStatus(StrEnum):
    DRAFT = "draft"
    IN_MODERATION = "in_moderation"
    PUBLISHED = "published"
    CLOSED = "closed"  # derived: published and past the proposal deadline; never stored
    IN_EVALUATION = "in_evaluation"
    AWARDED = "awarded"
    NO_AWARD = "no_award"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"


S = ChallengeStatus

LIFECYCLE = StateMachine(
    {
        S.DRAFT: {S.IN_MODERATION, S.CANCELLED},
        S.IN_MODERATION: {S.PUBLISHED, S.DRAFT, S.CANCELLED},  # approve, or return to the author
        S.PUBLISHED: {S.CANCELLED},  # closes by itself at the deadline
        S.CLOSED: {S.IN_EVALUATION, S.CANCELLED},
        S.IN_EVALUATION: {S.AWARDED, S.NO_AWARD, S.CANCELLED},
        S.AWARDED: {S.ARCHIVED},
        S.NO_AWARD: {S.ARCHIVED},
        S.ARCHIVED: set(),
        S.CANCELLED: set(),
    }
)

# Visible to everyone; drafts and challenges in moderation only to their authors and the cluster.
PUBLIC_STATUSES = frozenset({S.PUBLISHED, S.IN_EVALUATION, S.AWARDED, S.NO_AWARD, S.ARCHIVED, S.CANCELLED})
# Transitions whose reason is asked for and shown.
REASON_REQUIRED = frozenset({(S.IN_MODERATION, S.DRAFT), (None, S.CANCELLED), (None, S.NO_AWARD)})


def effective_status(stored: ChallengeStatus, proposal_deadline: datetime | None, now: datetime) -> ChallengeStatus:
    if stored == S.PUBLISHED and proposal_deadline is not None and now >= proposal_deadline:
        return S.CLOSED
    return stored


def needs_reason(current: ChallengeStatus, target: ChallengeStatus) -> bool:
    return (current, target) in REASON_REQUIRED or (None, target) in REASON_REQUIRED


def is_open_for_proposals(stored: ChallengeStatus, proposal_deadline: datetime | None, now: datetime) -> bool:
    return effective_status(stored, proposal_deadline, now) == S.PUBLISHED


def questions_open(stored: ChallengeStatus, questions_deadline: datetime | None, now: datetime) -> bool:
    """Questions are taken while the challenge is published and before the questions deadline."""
    return stored == S.PUBLISHED and questions_deadline is not None and now < questions_deadline


def deadline_problems(questions_deadline: datetime | None, proposal_deadline: datetime | None, now: datetime) -> list[str]:
    """Message keys for deadlines that cannot be published (empty when they can)."""
    problems = []
    if questions_deadline is None or proposal_deadline is None:
        problems.append("missing")
        return problems
    if proposal_deadline <= questions_deadline:
        problems.append("order")
    if proposal_deadline <= now:
        problems.append("past")
    return problems


def criteria_problems(weights: list[int]) -> list[str]:
    if not weights:
        return ["no_criteria"]
    if any(weight <= 0 for weight in weights):
        return ["non_positive"]
    if sum(weights) != 100:
        return ["sum"]
    return []
