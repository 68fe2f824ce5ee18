"""Challenges, their owners, CPV codes, criteria, attachments, history, questions and followers."""
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppi.accounts.models import Organisation, User
from ppi.challenges import cpv
from ppi.challenges.workflow import ChallengeStatus, effective_status
from ppi.core.models import StoredFile
from ppi.core.timeutil import utcnow
from ppi.core.types import UTCDateTime, enum_column
from ppi.extensions import db


class ContractKind(StrEnum):
    """Dir. 2014/24/EU Art 2(1)(6)-(9): works, supply and service contracts."""

    SUPPLIES = "supplies"
    SERVICES = "services"
    WORKS = "works"


class IprModel(StrEnum):
    COMPANY_LICENCE = "company_licence"  # the company keeps the IPR and grants the authority a licence
    SHARED = "shared"
    AUTHORITY_OWNS = "authority_owns"


class Challenge(db.Model):
    __tablename__ = "challenges"
    __table_args__ = (
        sa.Index("ix_challenges_status_deadline", "status", "proposal_deadline"),
        # The public list's sorts, each with the id that breaks ties: read in order, the page stops after 25 rows.
        sa.Index("ix_challenges_deadline", "proposal_deadline", "id"),
        sa.Index("ix_challenges_published", "published_at", "id"),
        sa.Index("ix_challenges_title", "title", "id"),
        # The list filtered by status ("open") sorted by newest: the published challenges in the order shown.
        sa.Index("ix_challenges_status_published", "status", "published_at", "id"),
        # The next questions deadline, which ends the cached public pages' life (ppi.core.pagecache).
        sa.Index("ix_challenges_questions_deadline", "questions_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str] = mapped_column(sa.Text)  # Markdown, rendered through the sanitiser
    expected_benefits: Mapped[str] = mapped_column(sa.Text)
    test_setting: Mapped[str] = mapped_column(sa.Text)
    test_users_offered: Mapped[int]
    pilot_budget_eur: Mapped[Decimal] = mapped_column(sa.Numeric(15, 2))
    estimated_contract_value_eur: Mapped[Decimal | None] = mapped_column(sa.Numeric(15, 2))
    contract_kind: Mapped[ContractKind] = mapped_column(enum_column(ContractKind, 16))
    nuts_code: Mapped[str] = mapped_column(sa.String(5), index=True)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    ipr_model: Mapped[IprModel] = mapped_column(enum_column(IprModel, 20))
    ipr_note: Mapped[str | None] = mapped_column(sa.Text)
    questions_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    proposal_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[ChallengeStatus] = mapped_column(enum_column(ChallengeStatus, 20), default=ChallengeStatus.DRAFT)
    lead_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    public_reason: Mapped[str | None] = mapped_column(sa.Text)  # why it was cancelled or not awarded
    brand_override_note: Mapped[str | None] = mapped_column(sa.Text)
    brand_override_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    lead_authority: Mapped[Organisation] = relationship(foreign_keys=[lead_authority_id], lazy="joined")
    cluster: Mapped[Organisation] = relationship(foreign_keys=[cluster_id], lazy="joined")
    created_by: Mapped[User] = relationship()
    partners: Mapped[list["ChallengePartner"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", lazy="selectin"
    )
    cpv_codes: Mapped[list["ChallengeCpv"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", lazy="selectin", order_by="ChallengeCpv.code"
    )
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", lazy="selectin", order_by="Criterion.position"
    )
    attachments: Mapped[list["ChallengeAttachment"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="ChallengeAttachment.id"
    )

    def status_at(self, now: datetime) -> ChallengeStatus:
        return effective_status(self.status, self.proposal_deadline, now)

    @property
    def owner_ids(self) -> set[int]:
        """The lead authority and its partners in a buyers' group: the same rights on the challenge."""
        return {self.lead_authority_id, *(partner.organisation_id for partner in self.partners)}

    @property
    def codes(self) -> list[str]:
        return [item.code for item in self.cpv_codes]

    @property
    def text_language(self) -> str | None:
        """The language the challenge's text is written in, when it has one language (the author includes the
        language they write in among `languages`). Pages mark the text with it (`lang`, WCAG 3.1.2); with
        several languages the text could be in any of them, so it is left unmarked."""
        return self.languages[0] if self.languages and len(self.languages) == 1 else None

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.title!r} {self.status}>"


# PostgreSQL's text search configuration for challenges: words as written (no stemming), whatever the language.
SEARCH_CONFIGURATION = sa.literal("simple", literal_execute=True)


def search_document(columns) -> sa.ColumnElement:
    """The text a search reads: title, summary and description (`columns`: the table's, or an alias's). Constants
    are written into the SQL, not bound, so that PostgreSQL matches the expression of `ix_challenges_search` in
    every plan, prepared statements included; grouped as PostgreSQL prints it, so that Alembic finds the index
    unchanged."""
    space = sa.literal_column("' '")
    document = columns.title
    for part in (space, columns.summary, space, columns.description):
        document = document.op("||", return_type=sa.Text())(part)
    return document


def search_vector(columns) -> sa.ColumnElement:
    return sa.func.to_tsvector(SEARCH_CONFIGURATION, search_document(columns))


# Full-text search on PostgreSQL reads this index instead of every challenge's text (SQLite has no such index).
sa.Index("ix_challenges_search", search_vector(Challenge.__table__.c), postgresql_using="gin").ddl_if(dialect="postgresql")


class ChallengePartner(db.Model):
    __tablename__ = "challenge_partners"

    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True, index=True)

    challenge: Mapped[Challenge] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class ChallengeCpv(db.Model):
    __tablename__ = "challenge_cpv_codes"

    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True, index=True)

    challenge: Mapped[Challenge] = relationship(back_populates="cpv_codes")

    @property
    def display(self) -> str:
        return cpv.with_check_digit(self.code)

    @property
    def title(self) -> str:
        return cpv.title(self.code)


class Criterion(db.Model):
    __tablename__ = "challenge_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    weight: Mapped[int]

    challenge: Mapped[Challenge] = relationship(back_populates="criteria")


class ChallengeAttachment(db.Model):
    __tablename__ = "challenge_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"))
    title: Mapped[str] = mapped_column(sa.String(200))

    challenge: Mapped[Challenge] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship(lazy="joined")


class StatusChange(db.Model):
    """Each transition with its comment: the moderation dialogue and the public reasons stay readable."""

    __tablename__ = "challenge_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[ChallengeStatus] = mapped_column(enum_column(ChallengeStatus, 20))
    to_status: Mapped[ChallengeStatus] = mapped_column(enum_column(ChallengeStatus, 20))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    comment: Mapped[str | None] = mapped_column(sa.Text)

    actor: Mapped[User] = relationship(lazy="joined")


class PublicChange(db.Model):
    """An edit after publication, shown to everyone: what changed and why."""

    __tablename__ = "challenge_public_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    fields: Mapped[list[str]] = mapped_column(sa.JSON)
    note: Mapped[str] = mapped_column(sa.Text)


class Question(db.Model):
    """A clarification question; its asker is never shown to anyone but the asking organisation."""

    __tablename__ = "challenge_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    asker_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_question: Mapped[str | None] = mapped_column(sa.Text)  # as reworded by the authority
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class Follow(db.Model):
    __tablename__ = "challenge_follows"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReminderSent(db.Model):
    """One reminder per challenge and deadline, whatever how often the command runs."""

    __tablename__ = "challenge_reminders"

    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    deadline: Mapped[str] = mapped_column(sa.String(16), primary_key=True)  # "questions" or "proposals"
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
