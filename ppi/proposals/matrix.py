"""The consolidated evaluation matrix: one SQL query for the scores, pandas for the arithmetic.

Rows are proposals, columns the criteria: each evaluator's score, the mean per criterion, the weighted
total on the 0–10 scale (criterion weights from the challenge), the rank, and the criteria on which the
evaluators disagree strongly (4 points or more between the highest and the lowest score).
"""
import io
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from ppi.accounts.models import Organisation, User
from ppi.challenges.models import Challenge, Criterion
from ppi.core.frames import read_frame
from ppi.proposals.models import PanelMember, Proposal, ProposalVersion, Score
from ppi.proposals.workflow import DISAGREEMENT_SPREAD, Declaration, ProposalStatus, rank


def scores_frame(challenge_id: int) -> pd.DataFrame:
    """Every score of the challenge's cleared evaluators on submitted proposals, one row per score."""
    stmt = (
        sa.select(
            Proposal.id.label("proposal_id"), Organisation.name.label("company"),
            ProposalVersion.content["title"].as_string().label("proposal"),  # as submitted, not the working copy
            Criterion.id.label("criterion_id"), Criterion.position, Criterion.name.label("criterion"), Criterion.weight,
            PanelMember.id.label("evaluator_id"), User.display_name.label("evaluator"), Score.score, Score.comment,
        )
        .join(Proposal, Proposal.id == Score.proposal_id)
        .join(ProposalVersion, sa.and_(ProposalVersion.proposal_id == Proposal.id, ProposalVersion.number == Proposal.version_count))
        .join(Organisation, Organisation.id == Proposal.company_id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .join(PanelMember, PanelMember.id == Score.panel_member_id)
        .join(User, User.id == PanelMember.user_id)
        .where(Proposal.challenge_id == challenge_id, Proposal.status == ProposalStatus.SUBMITTED,
               PanelMember.declaration == Declaration.NO_CONFLICT)
        .order_by(Proposal.id, Criterion.position, PanelMember.id)
    )
    return read_frame(stmt)


@dataclass
class Consolidated:
    means: pd.DataFrame  # proposal × criterion: mean score
    totals: pd.DataFrame  # proposal_id, company, proposal, total, rank
    disagreements: set[tuple[int, int]]  # (proposal_id, criterion_id)
    criteria: list[tuple[int, str, int]]  # (id, name, weight) in the challenge's order


def consolidate(frame: pd.DataFrame, challenge: Challenge) -> Consolidated:
    criteria = [(c.id, c.name, c.weight) for c in challenge.criteria]
    if frame.empty:
        return Consolidated(pd.DataFrame(), pd.DataFrame(columns=["proposal_id", "company", "proposal", "total", "rank"]),
                            set(), criteria)
    means = frame.pivot_table(index="proposal_id", columns="criterion_id", values="score", aggfunc="mean")
    spread = frame.groupby(["proposal_id", "criterion_id"])["score"].agg(lambda s: s.max() - s.min())
    weights = pd.Series({cid: weight for cid, _name, weight in criteria})
    totals = (means.reindex(columns=weights.index).fillna(0) * weights).sum(axis=1) / 100
    ranking = {r.proposal_id: r.rank for r in rank(totals.to_dict())}
    names = frame.drop_duplicates("proposal_id").set_index("proposal_id")[["company", "proposal"]]
    table = names.assign(total=totals.round(2), rank=pd.Series(ranking)).reset_index().sort_values(["rank", "proposal_id"])
    disagreements = {key for key, value in spread.items() if value >= DISAGREEMENT_SPREAD}
    return Consolidated(means, table, disagreements, criteria)


def export_frame(consolidated: Consolidated) -> pd.DataFrame:
    """One row per proposal: rank, company, proposal, mean per criterion (with its weight), weighted total."""
    columns = {cid: f"{name} ({weight} %)" for cid, name, weight in consolidated.criteria}
    means = consolidated.means.reindex(columns=list(columns)).round(2).rename(columns=columns)
    table = consolidated.totals.set_index("proposal_id").join(means)
    ordered = ["rank", "company", "proposal", *columns.values(), "total"]
    return table.reset_index(drop=True)[ordered].rename(columns={"rank": "Rank", "company": "Company",
                                                                 "proposal": "Proposal", "total": "Weighted total (0-10)"})


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8-sig")  # the BOM lets spreadsheet programs read UTF-8


def to_xlsx(frame: pd.DataFrame, scores: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Matrix", index=False)
        scores[["company", "proposal", "criterion", "weight", "evaluator", "score", "comment"]].to_excel(
            writer, sheet_name="Scores", index=False)
    return buffer.getvalue()


@dataclass
class CriterionDebrief:
    name: str
    weight: int
    mean: float | None
    scores: list[tuple[str, int, str]]  # (evaluator label, score, comment): evaluators are not named


@dataclass
class Debrief:
    criteria: list[CriterionDebrief]
    total: float | None
    rank: int | None
    ranked: int  # how many proposals were ranked


def debrief(proposal_id: int, challenge: Challenge) -> Debrief:
    """One company's own scores and comments, its total and its rank among N — nothing of the others."""
    frame = scores_frame(challenge.id)
    consolidated = consolidate(frame, challenge)
    own = frame[frame["proposal_id"] == proposal_id]
    labels = {evaluator: f"Evaluator {n}" for n, evaluator in enumerate(sorted(frame["evaluator_id"].unique()), start=1)}
    criteria = []
    for cid, name, weight in consolidated.criteria:
        rows = own[own["criterion_id"] == cid]
        criteria.append(CriterionDebrief(
            name, weight, float(rows["score"].mean()) if not rows.empty else None,
            [(labels[row.evaluator_id], int(row.score), row.comment) for row in rows.itertuples()]))
    totals = consolidated.totals.set_index("proposal_id")
    found = proposal_id in totals.index
    return Debrief(criteria, float(totals.at[proposal_id, "total"]) if found else None,
                   int(totals.at[proposal_id, "rank"]) if found else None, len(totals))
