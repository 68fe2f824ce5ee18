"""The pilot lifecycle and the plan's completeness, as pure functions.

planning → plan approved (by the cluster, once the authority and the company agreed to the plan) →
running ⇄ paused (with a reason) → completed | stopped early (with a reason) → reported.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ppi.core.workflow import StateMachine


class PilotStatus(StrEnum):
    PLANNING = "planning"
    PLAN_APPROVED = "plan_approved"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    STOPPED_EARLY = "stopped_early"
    REPORTED = "reported"


class Party(StrEnum):
    AUTHORITY = "authority"
    COMPANY = "company"
    CLUSTER = "cluster"


class Severity(StrEnum):
    OBSERVATION = "observation"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Comparison(StrEnum):
    """How a measured value meets a success criterion's target."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class Recommendation(StrEnum):
    PROCEED = "proceed"  # to procurement
    ITERATE = "iterate"
    STOP = "stop"


S = PilotStatus

LIFECYCLE = StateMachine(
    {
        S.PLANNING: {S.PLAN_APPROVED},
        S.PLAN_APPROVED: {S.RUNNING},
        S.RUNNING: {S.PAUSED, S.COMPLETED, S.STOPPED_EARLY},
        S.PAUSED: {S.RUNNING, S.STOPPED_EARLY},
        S.COMPLETED: {S.REPORTED},
        S.STOPPED_EARLY: {S.REPORTED},
        S.REPORTED: set(),
    }
)

# Who moves a pilot to each status. The cluster moderates; the authority may also pause or stop its own
# pilot (a safety incident at its site cannot wait), and starts it with the cluster.
MOVERS = {
    S.PLAN_APPROVED: {Party.CLUSTER},
    S.RUNNING: {Party.CLUSTER, Party.AUTHORITY},
    S.PAUSED: {Party.CLUSTER, Party.AUTHORITY},
    S.COMPLETED: {Party.CLUSTER},
    S.STOPPED_EARLY: {Party.CLUSTER, Party.AUTHORITY},
    S.REPORTED: {Party.CLUSTER},
}
REASON_REQUIRED = frozenset({S.PAUSED, S.STOPPED_EARLY})
ENROLMENT_OPEN = frozenset({S.PLAN_APPROVED, S.RUNNING, S.PAUSED})
FEEDBACK_OPEN = frozenset({S.RUNNING, S.COMPLETED, S.STOPPED_EARLY})  # final feedback right after the end too
LOG_OPEN = frozenset({S.PLAN_APPROVED, S.RUNNING, S.PAUSED, S.COMPLETED, S.STOPPED_EARLY})


def can_move(party: Party | None, current: PilotStatus, target: PilotStatus) -> bool:
    return party is not None and LIFECYCLE.can(current, target) and party in MOVERS.get(target, set())


@dataclass(frozen=True)
class PlanFacts:
    objectives: str | None
    start: date | None
    end: date | None
    criteria: int
    sites: int
    groups: int
    milestones: int
    personal_data: str | None
    legal_basis: str | None
    dpia_done: bool | None


def plan_problems(plan: PlanFacts) -> list[str]:
    """Message keys for what the plan still lacks before the parties can agree to it."""
    problems = []
    if not (plan.objectives or "").strip():
        problems.append("objectives")
    if plan.start is None or plan.end is None:
        problems.append("dates")
    elif plan.end < plan.start:
        problems.append("date_order")
    for key, number in (("criteria", plan.criteria), ("sites", plan.sites), ("groups", plan.groups),
                        ("milestones", plan.milestones)):
        if number == 0:
            problems.append(key)
    if not (plan.personal_data or "").strip() or not (plan.legal_basis or "").strip() or plan.dpia_done is None:
        problems.append("data_protection")
    return problems


def target_met(value: Decimal, comparison: Comparison, target: Decimal) -> bool:
    return value >= target if comparison == Comparison.AT_LEAST else value <= target
