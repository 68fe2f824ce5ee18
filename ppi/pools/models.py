"""Innovation pools, grant applications from pilots, and payments against milestones."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppi.accounts.models import Organisation, User
from ppi.core.timeutil import utcnow
from ppi.core.types import UTCDateTime, enum_column
from ppi.extensions import db
from ppi.pilots.models import Milestone, Pilot
from ppi.pools.workflow import ApplicationStatus, PoolRules


class Pool(db.Model):
    __tablename__ = "pools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    administrator_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    total_budget: Mapped[Decimal] = mapped_column(sa.Numeric(15, 2))
    min_grant: Mapped[Decimal] = mapped_column(sa.Numeric(15, 2))
    max_grant: Mapped[Decimal] = mapped_column(sa.Numeric(15, 2))
    units_per_eur: Mapped[Decimal] = mapped_column(sa.Numeric(12, 6))  # the administrator's rate for de minimis
    eligibility_text: Mapped[str] = mapped_column(sa.Text)
    require_sme: Mapped[bool] = mapped_column(default=True)
    regions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # NUTS codes or prefixes; empty: anywhere
    require_public_partner: Mapped[bool] = mapped_column(default=True)
    require_research_partner: Mapped[bool] = mapped_column(default=False)
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    administrator: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def rules(self) -> PoolRules:
        return PoolRules(self.require_sme, tuple(self.regions or ()), self.require_public_partner, self.require_research_partner)


class GrantApplication(db.Model):
    __tablename__ = "pool_applications"
    __table_args__ = (sa.UniqueConstraint("pool_id", "pilot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(sa.ForeignKey("pools.id"), index=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus, 16), default=ApplicationStatus.DRAFT, index=True)
    requested: Mapped[Decimal] = mapped_column(sa.Numeric(15, 2))
    co_financing: Mapped[Decimal] = mapped_column(sa.Numeric(15, 2))
    purpose: Mapped[str] = mapped_column(sa.Text)
    de_minimis_received_eur: Mapped[Decimal | None] = mapped_column(sa.Numeric(15, 2))  # last three years
    de_minimis_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    de_minimis_declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    benefit_statement: Mapped[str | None] = mapped_column(sa.Text)  # the public partner's expected benefit
    benefit_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    benefit_confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(15, 2))
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)

    pool: Mapped[Pool] = relationship(lazy="joined")
    pilot: Mapped[Pilot] = relationship(lazy="joined")
    company: Mapped[Organisation] = relationship(lazy="joined")


class Payment(db.Model):
    __tablename__ = "pool_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("pool_applications.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot_milestones.id"))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(15, 2))
    paid_on: Mapped[date]
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    milestone: Mapped[Milestone] = relationship(lazy="joined")
    recorded_by: Mapped[User] = relationship(lazy="joined")
