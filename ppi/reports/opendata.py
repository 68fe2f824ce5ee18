"""Open data: the published challenges as a table (CSV and JSON from one DataFrame), with field descriptions.

Only what the public challenge page shows: nothing of drafts, challenges in moderation, proposals or people.
"""
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from ppi.accounts.models import Organisation
from ppi.challenges.models import Challenge, ChallengeCpv
from ppi.challenges.workflow import PUBLIC_STATUSES, ChallengeStatus
from ppi.core.frames import read_frame
from ppi.reports.catalogue import Column

C = Column
CHALLENGE_FIELDS = (
    C("id", _l("The challenge's number on this platform")),
    C("url", _l("Its page")),
    C("title", _l("Title")),
    C("summary", _l("Summary")),
    C("status", _l("published, closed (deadline passed), in_evaluation, awarded, no_award, archived or cancelled")),
    C("lead_authority", _l("The public body that posted it")),
    C("cluster", _l("The cluster that facilitates it")),
    C("nuts_code", _l("Where the test takes place (NUTS code)")),
    C("cpv_codes", _l("CPV 2008 codes, separated by spaces")),
    C("languages", _l("Languages of the challenge (ISO 639-1), separated by spaces")),
    C("contract_kind", _l("Supplies, services or works")),
    C("pilot_budget_eur", _l("Budget for the pilot, in euro")),
    C("estimated_contract_value_eur", _l("Estimated value of a later contract, in euro (empty if not given)")),
    C("test_users_offered", _l("Test users the authority offers")),
    C("published_at", _l("Published (UTC, ISO 8601)")),
    C("questions_deadline", _l("Deadline for questions (UTC, ISO 8601)")),
    C("proposal_deadline", _l("Deadline for proposals (UTC, ISO 8601)")),
)


def published_challenges(now: datetime, url_of) -> pd.DataFrame:
    """Every published (or later) challenge, newest first, with the columns of CHALLENGE_FIELDS.

    `url_of(challenge_id)` gives a challenge page's absolute address.
    """
    authority, cluster = aliased(Organisation), aliased(Organisation)
    stmt = (
        sa.select(Challenge.id, Challenge.title, Challenge.summary, Challenge.status, authority.name.label("lead_authority"),
                  cluster.name.label("cluster"), Challenge.nuts_code,
                  Challenge.languages, Challenge.contract_kind, Challenge.pilot_budget_eur,
                  Challenge.estimated_contract_value_eur, Challenge.test_users_offered, Challenge.published_at,
                  Challenge.questions_deadline, Challenge.proposal_deadline,
                  sa.func.aggregate_strings(ChallengeCpv.code, ",").label("cpv_codes"))
        .join(authority, authority.id == Challenge.lead_authority_id)
        .join(cluster, cluster.id == Challenge.cluster_id)
        .outerjoin(ChallengeCpv, ChallengeCpv.challenge_id == Challenge.id)
        .where(Challenge.status.in_(sorted(PUBLIC_STATUSES)), Challenge.published_at.is_not(None))
        .group_by(Challenge.id, authority.name, cluster.name)
        .order_by(Challenge.published_at.desc(), Challenge.id.desc())
    )
    frame = read_frame(stmt)
    deadline_passed = pd.to_datetime(frame["proposal_deadline"], utc=True) <= pd.Timestamp(now)
    status = frame["status"].map(str)
    frame["status"] = status.where(~((status == ChallengeStatus.PUBLISHED.value) & deadline_passed), "closed")
    frame["contract_kind"] = frame["contract_kind"].map(str)
    frame["languages"] = frame["languages"].map(lambda values: " ".join(values or []))
    frame["cpv_codes"] = frame["cpv_codes"].fillna("").map(lambda text: " ".join(sorted(text.split(","))) if text else "")
    frame["url"] = frame["id"].map(url_of)
    for column in ("published_at", "questions_deadline", "proposal_deadline"):
        frame[column] = pd.to_datetime(frame[column], utc=True).map(lambda value: value.isoformat())
    for column in ("pilot_budget_eur", "estimated_contract_value_eur"):
        frame[column] = frame[column].map(lambda value: None if value is None or pd.isna(value) else f"{value:.2f}")
    return frame[[field.name for field in CHALLENGE_FIELDS]]


def as_json(frame: pd.DataFrame) -> list[dict]:
    """Records with lists where the CSV has space-separated codes, and null where a value is missing."""
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    for record in records:
        record["cpv_codes"] = record["cpv_codes"].split() if record["cpv_codes"] else []
        record["languages"] = record["languages"].split() if record["languages"] else []
    return records
