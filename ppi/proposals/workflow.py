"""The proposal lifecycle, the sealing rule, and the evaluation arithmetic, as pure functions.

A proposal is a company's answer to a challenge. It is drafted, submitted (and resubmitted as new
versions) or withdrawn, all strictly before the challenge's proposal deadline. Until that deadline its
content is sealed: only the proposing company and its confirmed partners can read it.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from statistics import mean

from ppi.core.i18n import N_
from ppi.core.workflow import StateMachine


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    """The authority's decision, set on every submitted proposal when the evaluation ends."""

    SELECTED = "selected"
    NOT_SELECTED = "not_selected"


class PartnerStatus(StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Declaration(StrEnum):
    """An evaluator's conflict-of-interest declaration."""

    PENDING = "pending"
    NO_CONFLICT = "no_conflict"
    CONFLICT = "conflict"  # declared a conflict: excluded from the panel


class Neutrality(StrEnum):
    """A cluster evaluator's answer when proposing companies are members of the facilitating cluster."""

    JUSTIFIED = "justified"  # stays on, with a written justification
    RECUSED = "recused"  # does not score the member companies' proposals


P = ProposalStatus

LIFECYCLE = StateMachine(
    {
        P.DRAFT: {P.SUBMITTED},
        P.SUBMITTED: {P.SUBMITTED, P.WITHDRAWN},  # resubmitting makes a new version
        P.WITHDRAWN: {P.SUBMITTED},  # submitted again before the deadline
    }
)

# The standard one-line meanings of the technology readiness levels (Horizon 2020 Work Programme, General Annex G),
# marked for translation: pages show them in the reader's language.
TRL_MEANINGS = {
    1: N_("Basic principles observed"),
    2: N_("Technology concept formulated"),
    3: N_("Experimental proof of concept"),
    4: N_("Technology validated in the lab"),
    5: N_("Technology validated in a relevant environment"),
    6: N_("Technology demonstrated in a relevant environment"),
    7: N_("System prototype demonstrated in an operational environment"),
    8: N_("System complete and qualified"),
    9: N_("Actual system proven in an operational environment"),
}

SCORE_MIN, SCORE_MAX = 0, 10
DISAGREEMENT_SPREAD = 4  # points between the highest and lowest score on one criterion


def before_deadline(deadline: datetime, now: datetime) -> bool:
    """Proposals can change strictly before the deadline; a request arriving at the deadline is late."""
    return now < deadline


def is_sealed(deadline: datetime, now: datetime) -> bool:
    return before_deadline(deadline, now)


def can_submit(status: ProposalStatus, deadline: datetime, now: datetime, partners_pending: int, declared: bool) -> bool:
    return before_deadline(deadline, now) and LIFECYCLE.can(status, P.SUBMITTED) and partners_pending == 0 and declared


def weighted_total(criterion_means: Mapping[int, float], weights: Mapping[int, int]) -> float:
    """The weighted score on the 0–10 scale: each criterion's mean times its weight (weights add up to 100)."""
    return sum(criterion_means[cid] * weights[cid] for cid in weights) / 100


def disagrees(scores: Sequence[int]) -> bool:
    """Evaluators disagree strongly on a criterion when their scores are 4 or more points apart."""
    return len(scores) > 1 and max(scores) - min(scores) >= DISAGREEMENT_SPREAD


@dataclass(frozen=True)
class Ranked:
    proposal_id: int
    total: float
    rank: int


def rank(totals: Mapping[int, float]) -> list[Ranked]:
    """Highest total first; equal totals share a rank (1, 2, 2, 4), ties listed by proposal id."""
    ordered = sorted(totals.items(), key=lambda item: (-round(item[1], 6), item[0]))
    ranked: list[Ranked] = []
    for position, (proposal_id, total) in enumerate(ordered, start=1):
        shares = ranked and round(ranked[-1].total, 6) == round(total, 6)
        ranked.append(Ranked(proposal_id, total, ranked[-1].rank if shares else position))
    return ranked


def criterion_means(scores: Mapping[int, Sequence[int]]) -> dict[int, float]:
    """{criterion id: mean of the evaluators' scores}."""
    return {cid: mean(values) for cid, values in scores.items() if values}
