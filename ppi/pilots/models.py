"""Pilots: a selected proposal tried with public test users, facilitated by the challenge's cluster.

Test users have no accounts and give as little personal data as possible: a generated code, their group
and site, the consent record. Their feedback link carries a random token of which only the hash is kept.
"""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppi.accounts.models import Organisation, User
from ppi.challenges.models import Challenge
from ppi.core.timeutil import utcnow
from ppi.core.types import UTCDateTime, enum_column
from ppi.extensions import db
from ppi.pilots.workflow import Comparison, PilotStatus, Recommendation, Severity
from ppi.proposals.models import Proposal


class Pilot(db.Model):
    """Opened when the authority selects a proposal; the parties fill in the plan and run it."""

    __tablename__ = "pilots"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id"), unique=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    status: Mapped[PilotStatus] = mapped_column(enum_column(PilotStatus, 16), default=PilotStatus.PLANNING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # the plan
    title: Mapped[str] = mapped_column(sa.String(200))
    objectives: Mapped[str | None] = mapped_column(sa.Text)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    budget_eur: Mapped[Decimal | None] = mapped_column(sa.Numeric(15, 2))
    funding_split: Mapped[str | None] = mapped_column(sa.Text)  # who pays what
    personal_data: Mapped[str | None] = mapped_column(sa.Text)  # what personal data the pilot processes
    legal_basis: Mapped[str | None] = mapped_column(sa.String(500))
    dpia_done: Mapped[bool | None]
    consent_version: Mapped[str] = mapped_column(sa.String(40), default="1")  # of the information text test users read
    authority_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    company_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    plan_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the report
    conclusion: Mapped[str | None] = mapped_column(sa.Text)
    recommendation: Mapped[Recommendation | None] = mapped_column(enum_column(Recommendation, 16))
    authority_decision: Mapped[Recommendation | None] = mapped_column(enum_column(Recommendation, 16))
    authority_decision_note: Mapped[str | None] = mapped_column(sa.Text)
    authority_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    challenge: Mapped[Challenge] = relationship(lazy="joined")
    proposal: Mapped[Proposal] = relationship()
    authority: Mapped[Organisation] = relationship(foreign_keys=[authority_id], lazy="joined")
    company: Mapped[Organisation] = relationship(foreign_keys=[company_id], lazy="joined")
    cluster: Mapped[Organisation] = relationship(foreign_keys=[cluster_id], lazy="joined")
    criteria: Mapped[list["SuccessCriterion"]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", lazy="selectin", order_by="SuccessCriterion.position")
    sites: Mapped[list["Site"]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", lazy="selectin", order_by="Site.id")
    groups: Mapped[list["UserGroup"]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", lazy="selectin", order_by="UserGroup.id")
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", lazy="selectin", order_by="Milestone.due_date")

    @property
    def party_ids(self) -> set[int]:
        return {self.authority_id, self.company_id, self.cluster_id}

    def __repr__(self) -> str:
        return f"<Pilot {self.id} {self.status}>"


class SuccessCriterion(db.Model):
    __tablename__ = "pilot_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))  # e.g. "Falls per month"
    comparison: Mapped[Comparison] = mapped_column(enum_column(Comparison, 16))
    target: Mapped[Decimal] = mapped_column(sa.Numeric(15, 4))
    unit: Mapped[str | None] = mapped_column(sa.String(40))
    rated_by_users: Mapped[bool] = mapped_column(default=False)  # test users rate it 1–5 in their feedback

    pilot: Mapped[Pilot] = relationship(back_populates="criteria")


class Site(db.Model):
    __tablename__ = "pilot_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(100))  # care home, school, hospital ward …

    pilot: Mapped[Pilot] = relationship(back_populates="sites")


class UserGroup(db.Model):
    __tablename__ = "pilot_user_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(120))  # night staff, teachers, residents' relatives …
    planned: Mapped[int]

    pilot: Mapped[Pilot] = relationship(back_populates="groups")


class Milestone(db.Model):
    __tablename__ = "pilot_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    due_date: Mapped[date]
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # by the cluster: met
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    pilot: Mapped[Pilot] = relationship(back_populates="milestones")


class PilotStatusChange(db.Model):
    __tablename__ = "pilot_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[PilotStatus] = mapped_column(enum_column(PilotStatus, 16))
    to_status: Mapped[PilotStatus] = mapped_column(enum_column(PilotStatus, 16))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.Text)

    actor: Mapped[User] = relationship(lazy="joined")


class LogEntry(db.Model):
    """An incident or observation during the pilot, visible to the three parties."""

    __tablename__ = "pilot_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    reported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity, 16))
    what: Mapped[str] = mapped_column(sa.Text)
    action: Mapped[str | None] = mapped_column(sa.Text)

    reported_by: Mapped[User] = relationship(lazy="joined")


class TestUser(db.Model):
    """A pseudonymous test user: no name, no e-mail; a code, a group, a site and the consent record."""

    __tablename__ = "pilot_test_users"
    __table_args__ = (sa.UniqueConstraint("pilot_id", "code"),)
    __test__ = False  # not a pytest test class, whatever its name

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16))
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot_user_groups.id"))
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot_sites.id"))
    consent_on: Mapped[date]
    consent_version: Mapped[str] = mapped_column(sa.String(40))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # of the feedback link's token
    token_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    group: Mapped[UserGroup] = relationship(lazy="joined")
    site: Mapped[Site] = relationship(lazy="joined")


class Feedback(db.Model):
    """One feedback round of a test user: the SUS answers and score, criterion ratings, free text."""

    __tablename__ = "pilot_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    test_user_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot_test_users.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sus_answers: Mapped[list[int]] = mapped_column(sa.JSON)
    sus_score: Mapped[float]
    what_worked: Mapped[str | None] = mapped_column(sa.Text)
    what_did_not: Mapped[str | None] = mapped_column(sa.Text)
    quoted: Mapped[bool] = mapped_column(default=False)  # chosen by the cluster for the report

    ratings: Mapped[list["CriterionRating"]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class CriterionRating(db.Model):
    __tablename__ = "pilot_criterion_ratings"

    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot_feedback.id", ondelete="CASCADE"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot_criteria.id", ondelete="CASCADE"), primary_key=True)
    rating: Mapped[int]  # 1–5


class Measurement(db.Model):
    """A quantitative measurement for a success criterion, entered by the company or the authority."""

    __tablename__ = "pilot_measurements"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot_criteria.id", ondelete="CASCADE"), index=True)
    value: Mapped[Decimal] = mapped_column(sa.Numeric(15, 4))
    measured_on: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(300))
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    criterion: Mapped[SuccessCriterion] = relationship(lazy="joined")
