"""The procurement case lifecycle, the prior-involvement gate (Art 41) and the deadlines after award, as
pure functions over a case's recorded facts."""
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ppi.core.workflow import StateMachine
from ppi.procurement.directive import award_notice_due, earliest_signature


class CaseStatus(StrEnum):
    PLANNING = "planning"
    PUBLISHED = "published"
    TENDERS_RECEIVED = "tenders_received"
    EVALUATION = "evaluation"
    AWARDED = "awarded"
    CONTRACT_SIGNED = "contract_signed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


C = CaseStatus

LIFECYCLE = StateMachine(
    {
        C.PLANNING: {C.PUBLISHED, C.CANCELLED},
        C.PUBLISHED: {C.TENDERS_RECEIVED, C.CANCELLED},
        C.TENDERS_RECEIVED: {C.EVALUATION, C.CANCELLED},
        C.EVALUATION: {C.AWARDED, C.CANCELLED},
        C.AWARDED: {C.CONTRACT_SIGNED, C.CANCELLED},
        C.CONTRACT_SIGNED: {C.COMPLETED},
        C.COMPLETED: set(),
        C.CANCELLED: set(),
    }
)
REASON_REQUIRED = frozenset({C.CANCELLED})


@dataclass(frozen=True)
class PriorInvolvement:
    """Art 41: a tenderer that took part in the pilot or the market consultation, and what was recorded."""

    tenderer: str
    measures_recorded: bool  # information shared with all candidates (with its date) and adequate time limits
    exclusion_decided: bool  # or the justified exclusion, after hearing the operator


def art_41_open(involved: list[PriorInvolvement]) -> list[str]:
    """Tenderers whose prior involvement has neither measures nor a justified exclusion recorded: the case
    cannot move to award while any remain (Art 41; documented in the Art 84 report)."""
    return [p.tenderer for p in involved if not (p.measures_recorded or p.exclusion_decided)]


@dataclass(frozen=True)
class AfterAward:
    decision_sent: date | None
    signed: date | None
    award_notice_sent: date | None
    under_directive: bool = True  # below the threshold or outside the directive, neither rule applies


@dataclass(frozen=True)
class Overdue:
    code: str  # "signed_in_standstill" or "award_notice"
    article: str
    due: date


def after_award_warnings(facts: AfterAward, today: date) -> list[Overdue]:
    """Signature inside the standstill period (Dir. 2007/66/EC Art 2a(2)); award notice late (Art 50(1))."""
    warnings = []
    if not facts.under_directive:
        return warnings
    if facts.decision_sent and facts.signed and facts.signed < earliest_signature(facts.decision_sent):
        warnings.append(Overdue("signed_in_standstill", "Dir. 2007/66/EC Art 2a(2)", earliest_signature(facts.decision_sent)))
    if facts.signed and facts.award_notice_sent is None and today > award_notice_due(facts.signed):
        warnings.append(Overdue("award_notice", "Art 50(1)", award_notice_due(facts.signed)))
    if facts.signed and facts.award_notice_sent and facts.award_notice_sent > award_notice_due(facts.signed):
        warnings.append(Overdue("award_notice", "Art 50(1)", award_notice_due(facts.signed)))
    return warnings


def can_sign(decision_sent: date | None, on: date) -> bool:
    """The contract may be signed only after the standstill period."""
    return decision_sent is not None and on >= earliest_signature(decision_sent)
