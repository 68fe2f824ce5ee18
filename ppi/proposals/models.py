"""Proposals, their partners, attachments and submitted versions; evaluation panels and scores."""
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppi.accounts.models import Organisation, User
from ppi.challenges.models import Challenge, Criterion
from ppi.core.models import StoredFile
from ppi.core.timeutil import utcnow
from ppi.core.types import UTCDateTime, enum_column
from ppi.extensions import db
from ppi.proposals.workflow import Declaration, Neutrality, Outcome, PartnerStatus, ProposalStatus


class Proposal(db.Model):
    """One company's proposal for one challenge; the draft fields are what the company edits now."""

    __tablename__ = "proposals"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus, 16), default=ProposalStatus.DRAFT, index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(1000))
    description: Mapped[str] = mapped_column(sa.Text)  # Markdown, rendered through the sanitiser
    trl: Mapped[int]
    evidence: Mapped[str] = mapped_column(sa.Text)
    test_users_needed: Mapped[int]
    sites_needed: Mapped[int]
    duration_weeks: Mapped[int]
    equipment: Mapped[str | None] = mapped_column(sa.Text)
    data_access: Mapped[str | None] = mapped_column(sa.Text)
    pilot_price_eur: Mapped[Decimal] = mapped_column(sa.Numeric(15, 2))
    research_partners: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version_count: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome, 16))

    challenge: Mapped[Challenge] = relationship(lazy="joined")
    company: Mapped[Organisation] = relationship(lazy="joined")
    partners: Mapped[list["ProposalPartner"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", lazy="selectin", order_by="ProposalPartner.organisation_id"
    )
    attachments: Mapped[list["ProposalAttachment"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", lazy="selectin", order_by="ProposalAttachment.id"
    )

    @property
    def confirmed_partner_ids(self) -> set[int]:
        return {p.organisation_id for p in self.partners if p.status == PartnerStatus.CONFIRMED}

    @property
    def pending_partners(self) -> list["ProposalPartner"]:
        return [p for p in self.partners if p.status != PartnerStatus.CONFIRMED]

    def __repr__(self) -> str:
        return f"<Proposal {self.id} challenge={self.challenge_id} company={self.company_id} {self.status}>"


class ProposalPartner(db.Model):
    """A registered company in the consortium; it must confirm before the proposal can be submitted."""

    __tablename__ = "proposal_partners"

    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True, index=True)
    status: Mapped[PartnerStatus] = mapped_column(enum_column(PartnerStatus, 16), default=PartnerStatus.INVITED)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    proposal: Mapped[Proposal] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class ProposalAttachment(db.Model):
    __tablename__ = "proposal_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"))
    title: Mapped[str] = mapped_column(sa.String(200))

    proposal: Mapped[Proposal] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship(lazy="joined")


class ProposalVersion(db.Model):
    """A submitted version, frozen: the content as submitted, its files, and the receipt digest."""

    __tablename__ = "proposal_versions"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    digest: Mapped[str] = mapped_column(sa.String(64), index=True)

    submitted_by: Mapped[User] = relationship(lazy="joined")


class VersionFile(db.Model):
    """The files of a submitted version, kept even if the draft's attachment is later removed."""

    __tablename__ = "proposal_version_files"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal_versions.id", ondelete="CASCADE"), primary_key=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))

    file: Mapped[StoredFile] = relationship(lazy="joined")


class PanelMember(db.Model):
    """An evaluator on a challenge's panel, with the conflict-of-interest declaration."""

    __tablename__ = "evaluation_panel"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    declaration: Mapped[Declaration] = mapped_column(enum_column(Declaration, 16), default=Declaration.PENDING)
    declaration_note: Mapped[str | None] = mapped_column(sa.Text)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    neutrality: Mapped[Neutrality | None] = mapped_column(enum_column(Neutrality, 16))
    neutrality_note: Mapped[str | None] = mapped_column(sa.Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def cleared(self) -> bool:
        return self.declaration == Declaration.NO_CONFLICT


class Score(db.Model):
    __tablename__ = "evaluation_scores"
    __table_args__ = (sa.UniqueConstraint("panel_member_id", "proposal_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_member_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_panel.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("challenge_criteria.id"))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    criterion: Mapped[Criterion] = relationship(lazy="joined")


class Decision(db.Model):
    """The authority's decision that ends a challenge's evaluation: the written reason given to every company."""

    __tablename__ = "evaluation_decisions"

    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), primary_key=True)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    award: Mapped[bool]
    reason: Mapped[str] = mapped_column(sa.Text)
