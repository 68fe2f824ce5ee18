"""Procurement cases under Dir. 2014/24/EU: the route, the timeline, tenderers, prior involvement, outcome."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppi.accounts.models import AuthorityType, Organisation, User
from ppi.challenges.models import Challenge
from ppi.core.timeutil import utcnow
from ppi.core.types import UTCDateTime, enum_column
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.procurement.directive import ContractKind, Instrument, Procedure
from ppi.procurement.workflow import CaseStatus


class ProcurementCase(db.Model):
    __tablename__ = "procurement_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, 20), default=CaseStatus.PLANNING, index=True)
    public_reason: Mapped[str | None] = mapped_column(sa.Text)  # why it was cancelled
    was_published: Mapped[bool] = mapped_column(default=False)  # a case cancelled in planning stays private
    # the case
    subject: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    contract_kind: Mapped[ContractKind] = mapped_column(enum_column(ContractKind, 20))
    authority_type: Mapped[AuthorityType] = mapped_column(enum_column(AuthorityType, 32))
    estimated_value_eur: Mapped[Decimal] = mapped_column(sa.Numeric(15, 2))  # Art 5: excl. VAT, options and renewals
    cpv_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    lots: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)  # [{"title": …, "value_eur": …}]
    challenge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    # the route
    procedure: Mapped[Procedure | None] = mapped_column(enum_column(Procedure, 40), index=True)
    instrument: Mapped[Instrument] = mapped_column(enum_column(Instrument, 24), default=Instrument.NONE)
    framework_years: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 1))
    art_26_ground: Mapped[str | None] = mapped_column(sa.String(20))
    art_32_ground: Mapped[str | None] = mapped_column(sa.String(20))
    art_32_justification: Mapped[str | None] = mapped_column(sa.Text)
    partnership_phases: Mapped[str | None] = mapped_column(sa.Text)
    partnership_targets: Mapped[str | None] = mapped_column(sa.Text)
    partnership_remuneration: Mapped[str | None] = mapped_column(sa.Text)
    pcp_benefits_shared: Mapped[bool | None]
    pcp_not_wholly_paid: Mapped[bool | None]
    pin_used: Mapped[bool] = mapped_column(default=False)
    urgent: Mapped[bool] = mapped_column(default=False)
    urgency_reason: Mapped[str | None] = mapped_column(sa.Text)
    electronic_submission: Mapped[bool] = mapped_column(default=True)
    agreed_with_all_candidates: Mapped[bool] = mapped_column(default=False)
    candidates_invited: Mapped[int | None]
    holidays: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # ISO dates the authority records (Reg 1182/71)
    # the timeline
    pin_sent_on: Mapped[date | None]
    consultation_on: Mapped[date | None]
    notice_sent_on: Mapped[date | None]
    notice_reference: Mapped[str | None] = mapped_column(sa.String(100))  # TED or national reference
    invitations_sent_on: Mapped[date | None]  # restricted, CPN: the tender time limit runs from the invitation (Art 28(2))
    clarification_deadline: Mapped[date | None]
    requests_deadline: Mapped[date | None]
    tenders_deadline: Mapped[date | None]
    tenders_received: Mapped[int | None]
    tenders_from_smes: Mapped[int | None]
    tenders_from_other_states: Mapped[int | None]
    award_decision_sent_on: Mapped[date | None]
    contract_signed_on: Mapped[date | None]
    award_notice_sent_on: Mapped[date | None]
    # derived on every save, so that lists can filter on them (services.refresh_derived)
    above_threshold: Mapped[bool | None] = mapped_column(index=True)
    award_notice_due: Mapped[date | None] = mapped_column(index=True)
    # the outcome
    supplier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    supplier_name: Mapped[str | None] = mapped_column(sa.String(200))
    supplier_is_sme: Mapped[bool | None]
    supplier_country: Mapped[str | None] = mapped_column(sa.String(2))
    contract_value_eur: Mapped[Decimal | None] = mapped_column(sa.Numeric(15, 2))
    contract_months: Mapped[int | None]
    award_reasons: Mapped[str | None] = mapped_column(sa.Text)

    authority: Mapped[Organisation] = relationship(foreign_keys=[authority_id], lazy="joined")
    supplier: Mapped[Organisation | None] = relationship(foreign_keys=[supplier_id])
    challenge: Mapped[Challenge | None] = relationship()
    created_by: Mapped[User] = relationship()
    pilots: Mapped[list["CasePilot"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    participants: Mapped[list["PriorParticipant"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PriorParticipant.id")
    tenderers: Mapped[list["Tenderer"]] = relationship(cascade="all, delete-orphan", lazy="selectin", order_by="Tenderer.id")

    @property
    def pilot_ids(self) -> list[int]:
        return [link.pilot_id for link in self.pilots]


class CasePilot(db.Model):
    __tablename__ = "procurement_case_pilots"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("procurement_cases.id", ondelete="CASCADE"), primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id"), primary_key=True, index=True)

    pilot: Mapped[Pilot] = relationship(lazy="joined")


class PriorParticipant(db.Model):
    """A company that took part in the pilot or in a preliminary market consultation (Arts 40–41)."""

    __tablename__ = "procurement_prior_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("procurement_cases.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    how: Mapped[str] = mapped_column(sa.String(20))  # "pilot" or "consultation"


class Tenderer(db.Model):
    """A candidate or tenderer, with the Art 41 measures when it took part in the pilot or consultation."""

    __tablename__ = "procurement_tenderers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("procurement_cases.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2))
    is_sme: Mapped[bool]
    admitted: Mapped[bool] = mapped_column(default=True)
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    prior_participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("procurement_prior_participants.id"))
    info_shared_on: Mapped[date | None]  # Art 41: relevant information communicated to all candidates
    info_shared: Mapped[str | None] = mapped_column(sa.Text)
    time_limits_note: Mapped[str | None] = mapped_column(sa.Text)  # Art 41: adequate time limits fixed
    excluded: Mapped[bool] = mapped_column(default=False)  # Art 41 last resort, after hearing the operator
    exclusion_hearing_on: Mapped[date | None]
    exclusion_reason: Mapped[str | None] = mapped_column(sa.Text)

    prior_participant: Mapped[PriorParticipant | None] = relationship(lazy="joined")

    @property
    def measures_recorded(self) -> bool:
        return self.info_shared_on is not None and bool((self.info_shared or "").strip()) and bool(
            (self.time_limits_note or "").strip())

    @property
    def exclusion_decided(self) -> bool:
        return self.excluded and self.exclusion_hearing_on is not None and bool((self.exclusion_reason or "").strip())


class CaseStatusChange(db.Model):
    __tablename__ = "procurement_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("procurement_cases.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, 20))
    to_status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, 20))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.Text)
