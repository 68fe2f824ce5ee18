"""Organisations, their users, invitations and cluster memberships."""
import hashlib
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from ppi.accounts.sme import SizeClass, size_class
from ppi.accounts.workflow import MembershipStatus, VerificationStatus
from ppi.core.timeutil import utcnow
from ppi.core.types import UTCDateTime, enum_column
from ppi.extensions import db


class OrganisationKind(StrEnum):
    PUBLIC_AUTHORITY = "public_authority"
    COMPANY = "company"
    CLUSTER = "cluster"


class AuthorityType(StrEnum):
    """Dir. 2014/24/EU Art 2(1): the contracting authority's type decides its EU thresholds (Art 4).

    Central government authorities are those listed in Annex I; every other authority, bodies governed
    by public law included (Art 2(1)(4)), is sub-central for the threshold of Art 4(c).
    """

    CENTRAL_GOVERNMENT = "central_government"
    SUB_CENTRAL = "sub_central"
    BODY_GOVERNED_BY_PUBLIC_LAW = "body_governed_by_public_law"


class OrgRole(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind), index=True)
    country: Mapped[str] = mapped_column(sa.String(2))
    nuts_code: Mapped[str | None] = mapped_column(sa.String(5), index=True)
    registration_number: Mapped[str] = mapped_column(sa.String(64))
    website: Mapped[str | None] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text)
    authority_type: Mapped[AuthorityType | None] = mapped_column(enum_column(AuthorityType))
    staff_headcount: Mapped[int | None]
    annual_turnover_eur: Mapped[Decimal | None] = mapped_column(sa.Numeric(15, 2))
    balance_sheet_total_eur: Mapped[Decimal | None] = mapped_column(sa.Numeric(15, 2))
    verification_status: Mapped[VerificationStatus] = mapped_column(
        enum_column(VerificationStatus), default=VerificationStatus.PENDING, index=True
    )
    verification_note: Mapped[str | None] = mapped_column(sa.Text)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="organisation", order_by="User.display_name")

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    @property
    def size_class(self) -> SizeClass | None:
        if self.kind != OrganisationKind.COMPANY:
            return None
        return size_class(self.staff_headcount, self.annual_turnover_eur, self.balance_sheet_total_eur)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} {self.kind}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(255), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    org_role: Mapped[OrgRole] = mapped_column(enum_column(OrgRole, 16), default=OrgRole.MEMBER)
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users", lazy="joined")
    # Read with the signed-in user on each request (`load_user`): the count in the menu costs no query of its own.
    # None when the user was loaded otherwise.
    unread_notifications: Mapped[int | None] = query_expression()

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The session identity changes with the password, so changing it signs out every other session."""
        return f"{self.id}:{self.password_fingerprint}"

    @property
    def password_fingerprint(self) -> str:
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    @property
    def is_org_admin(self) -> bool:
        return self.org_role == OrgRole.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Invitation(db.Model):
    """A single-use link to join an organisation; only the SHA-256 of the token is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[OrgRole] = mapped_column(enum_column(OrgRole, 16), default=OrgRole.MEMBER)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class ClusterMembership(db.Model):
    __tablename__ = "cluster_memberships"
    __table_args__ = (sa.UniqueConstraint("cluster_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, 16), default=MembershipStatus.REQUESTED, index=True
    )
    message: Mapped[str | None] = mapped_column(sa.Text)
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    cluster: Mapped[Organisation] = relationship(foreign_keys=[cluster_id], lazy="joined")
    company: Mapped[Organisation] = relationship(foreign_keys=[company_id], lazy="joined")
