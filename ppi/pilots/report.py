"""The pilot report, computed from the data: one SQL query per table, pandas for the arithmetic.

Test users who withdrew are left out of every figure, quote and export. Exports carry no codes: each
respondent is numbered within the export only.
"""
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
import sqlalchemy as sa

from ppi.core.frames import read_frame
from ppi.pilots import sus
from ppi.pilots.models import CriterionRating, Feedback, Measurement, Pilot, Site, SuccessCriterion, TestUser, UserGroup
from ppi.pilots.workflow import Comparison, target_met


def feedback_frame(pilot_id: int) -> pd.DataFrame:
    """One row per feedback round of test users who have not withdrawn."""
    return read_frame(
        sa.select(Feedback.id.label("feedback_id"), Feedback.test_user_id, Feedback.submitted_at, Feedback.sus_score,
                  Feedback.sus_answers, Feedback.what_worked, Feedback.what_did_not, Feedback.quoted,
                  UserGroup.role.label("group"), Site.name.label("site"))
        .join(TestUser, TestUser.id == Feedback.test_user_id)
        .join(UserGroup, UserGroup.id == TestUser.group_id)
        .join(Site, Site.id == TestUser.site_id)
        .where(Feedback.pilot_id == pilot_id, TestUser.withdrawn_at.is_(None))
        .order_by(Feedback.submitted_at, Feedback.id)
    )


def enrolment_frame(pilot_id: int) -> pd.DataFrame:
    """Per group: planned, enrolled (not withdrawn), withdrawn, and how many of those taking part answered."""
    answered = sa.select(Feedback.test_user_id).where(Feedback.pilot_id == pilot_id).distinct().subquery()
    taking_part = TestUser.withdrawn_at.is_(None)
    return read_frame(
        sa.select(UserGroup.role.label("group"), UserGroup.planned,
                  sa.func.count(TestUser.id).filter(taking_part).label("enrolled"),
                  sa.func.count(TestUser.id).filter(TestUser.withdrawn_at.is_not(None)).label("withdrawn"),
                  sa.func.count(answered.c.test_user_id).filter(taking_part).label("answered"))
        .outerjoin(TestUser, TestUser.group_id == UserGroup.id)
        .outerjoin(answered, answered.c.test_user_id == TestUser.id)
        .where(UserGroup.pilot_id == pilot_id)
        .group_by(UserGroup.id, UserGroup.role, UserGroup.planned)
        .order_by(UserGroup.id)
    )


def ratings_frame(pilot_id: int) -> pd.DataFrame:
    return read_frame(
        sa.select(CriterionRating.criterion_id, CriterionRating.rating)
        .join(Feedback, Feedback.id == CriterionRating.feedback_id)
        .join(TestUser, TestUser.id == Feedback.test_user_id)
        .where(Feedback.pilot_id == pilot_id, TestUser.withdrawn_at.is_(None))
    )


def measurements_frame(pilot_id: int) -> pd.DataFrame:
    return read_frame(
        sa.select(Measurement.criterion_id, SuccessCriterion.name.label("criterion"), Measurement.value,
                  Measurement.measured_on, Measurement.source)
        .join(SuccessCriterion, SuccessCriterion.id == Measurement.criterion_id)
        .where(Measurement.pilot_id == pilot_id)
        .order_by(Measurement.measured_on, Measurement.id)
    )


@dataclass
class Achievement:
    name: str
    comparison: Comparison
    target: Decimal
    unit: str | None
    latest: Decimal | None  # the most recent measurement
    met: bool | None
    mean_rating: float | None  # test users' mean rating 1–5, where they rate it
    ratings: int


@dataclass
class Report:
    participation: pd.DataFrame
    sus: sus.Summary
    distribution: list[tuple[int, int]]
    achievements: list[Achievement]
    quotes: pd.DataFrame
    respondents: int


def build(pilot: Pilot) -> Report:
    feedback = feedback_frame(pilot.id)
    ratings = ratings_frame(pilot.id)
    measured = measurements_frame(pilot.id)
    scores = feedback["sus_score"].astype(float).tolist()
    latest = measured.groupby("criterion_id").last() if not measured.empty else pd.DataFrame()
    mean_ratings = ratings.groupby("criterion_id")["rating"].agg(["mean", "count"]) if not ratings.empty else pd.DataFrame()
    achievements = []
    for criterion in pilot.criteria:
        value = Decimal(str(latest.at[criterion.id, "value"])) if criterion.id in latest.index else None
        rated = criterion.id in mean_ratings.index
        achievements.append(Achievement(
            criterion.name, criterion.comparison, criterion.target, criterion.unit, value,
            target_met(value, criterion.comparison, criterion.target) if value is not None else None,
            float(mean_ratings.at[criterion.id, "mean"]) if rated else None,
            int(mean_ratings.at[criterion.id, "count"]) if rated else 0))
    return Report(
        participation=enrolment_frame(pilot.id), sus=sus.summarise(scores), distribution=sus.distribution(scores),
        achievements=achievements, quotes=_missing_as_none(feedback[feedback["quoted"].astype(bool)]),
        respondents=int(feedback["test_user_id"].nunique()) if not feedback.empty else 0,
    )


def _missing_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """NULL as None: pandas reads a missing text as NaN, which Jinja finds true and prints as "nan"."""
    return frame.astype(object).where(frame.notna(), None)


def feedback_csv(pilot_id: int) -> bytes:
    """The feedback behind the report: respondent numbers instead of codes, no free text that was not quoted."""
    frame = feedback_frame(pilot_id)
    numbers = {tid: n for n, tid in enumerate(dict.fromkeys(frame["test_user_id"]), start=1)}
    items = pd.DataFrame(frame["sus_answers"].tolist(), columns=[f"sus_item_{i}" for i in range(1, 11)]) \
        if not frame.empty else pd.DataFrame(columns=[f"sus_item_{i}" for i in range(1, 11)])
    table = pd.concat([
        pd.DataFrame({"respondent": frame["test_user_id"].map(numbers), "group": frame["group"], "site": frame["site"],
                      "submitted_at": frame["submitted_at"].astype(str), "sus_score": frame["sus_score"]}),
        items,
    ], axis=1)
    return table.to_csv(index=False).encode("utf-8-sig")


def measurements_csv(pilot_id: int) -> bytes:
    frame = measurements_frame(pilot_id).drop(columns=["criterion_id"])
    return frame.to_csv(index=False).encode("utf-8-sig")
