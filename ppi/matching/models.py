"""Competence profiles of companies, the cluster's consent to edit them, the matching documents derived from
them, and the log of invitations and inter-cluster shares of challenges."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppi.accounts.models import Organisation, User
from ppi.core.timeutil import utcnow
from ppi.core.types import UTCDateTime
from ppi.extensions import db


class CompanyProfile(db.Model):
    """What holds for the whole company: the languages it works in and the markets beyond its home region."""

    __tablename__ = "company_profiles"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # ISO 639-1
    markets: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # country or NUTS codes
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Competence(db.Model):
    """A short statement of what the company can do, with what buyers search for it by."""

    __tablename__ = "competences"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    statement: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    cpv_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # 8 digits, as challenges store them
    trl: Mapped[int]  # of the company's best solution for it, 1–9
    references: Mapped[str | None] = mapped_column(sa.Text)  # earlier work outside the platform
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()


class ProfileConsent(db.Model):
    """A company's consent that one of its clusters edits its competence profile; kept after revocation."""

    __tablename__ = "profile_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    granted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    company: Mapped[Organisation] = relationship(foreign_keys=[company_id], lazy="joined")
    cluster: Mapped[Organisation] = relationship(foreign_keys=[cluster_id], lazy="joined")
    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id], lazy="joined")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class MatchDocument(db.Model):
    """What the ranking reads of one company, written whenever its inputs change. `revision` is new (random) at
    every write, so that each app server sees from the (id, revision) pairs alone which of its cached vectors
    are stale, whatever the order in which servers commit."""

    __tablename__ = "match_documents"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text)  # competences and the company's decided proposals
    profile_text: Mapped[str] = mapped_column(sa.Text)  # competences only: the public words shown as reasons
    cpv_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    markets: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    revision: Mapped[str] = mapped_column(sa.String(32))
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChallengeInvitation(db.Model):
    """A cluster asked a company to look at a challenge: listed on the challenge so equal treatment can be shown."""

    __tablename__ = "challenge_invitations"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    invited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rank: Mapped[int | None]  # in the suggestions when invited (None: not suggested)
    score: Mapped[float | None]
    reasons: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # the matching terms and shared CPV codes shown
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # at publication when invited before it

    company: Mapped[Organisation] = relationship(foreign_keys=[company_id], lazy="joined")
    cluster: Mapped[Organisation] = relationship(foreign_keys=[cluster_id], lazy="joined")
    invited_by: Mapped[User] = relationship(lazy="joined")


class ChallengeShare(db.Model):
    """The facilitating cluster shared a published challenge with another cluster, which then matches its members."""

    __tablename__ = "challenge_shares"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "cluster_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    shared_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cluster: Mapped[Organisation] = relationship(lazy="joined")
    shared_by: Mapped[User] = relationship(lazy="joined")
