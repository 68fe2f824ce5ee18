"""The pilot lifecycle as a pure state machine.

planning → plan approved (by the cluster, once the authority and the company agreed) → running ⇄ paused
→ completed | stopped early → reported.
"""
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
