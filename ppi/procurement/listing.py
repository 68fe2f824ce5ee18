"""The list of procurement cases with its filters, and its CSV export (one SQL query into pandas)."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ppi.accounts.models import Organisation, OrganisationKind
from ppi.core.frames import read_frame
from ppi.extensions import db
from ppi.procurement.directive import Procedure
from ppi.procurement.models import CasePilot, ProcurementCase
from ppi.procurement.workflow import CaseStatus


@dataclass
class CaseFilters:
    procedure: str = ""
    status: str = ""
    authority_id: int | None = None
    threshold: str = ""  # "above" or "below"
    overdue: bool = False


def filters_from(args) -> CaseFilters:
    """Filters from the query string; unknown values are ignored rather than refused."""
    procedure = args.get("procedure", "")
    status = args.get("status", "")
    threshold = args.get("threshold", "")
    authority_id = args.get("authority", type=int)  # only an id the database can hold
    return CaseFilters(
        procedure=procedure if procedure in {p.value for p in Procedure} else "",
        status=status if status in {s.value for s in CaseStatus} else "",
        authority_id=authority_id if authority_id is not None and 0 < authority_id < 2**31 else None,
        threshold=threshold if threshold in ("above", "below") else "",
        overdue=args.get("overdue") == "1",
    )


def _visible(user) -> sa.ColumnElement:
    """Published cases for everyone; the authority's own cases in planning too."""
    own = ProcurementCase.authority_id == user.organisation_id if user.is_authenticated and user.organisation_id else sa.false()
    return sa.or_(ProcurementCase.was_published.is_(True), own)


def cases(user, filters: CaseFilters, today: date) -> sa.Select:
    stmt = sa.select(ProcurementCase).where(_visible(user))
    if filters.procedure:
        stmt = stmt.where(ProcurementCase.procedure == Procedure(filters.procedure))
    if filters.status:
        stmt = stmt.where(ProcurementCase.status == CaseStatus(filters.status))
    if filters.authority_id:
        stmt = stmt.where(ProcurementCase.authority_id == filters.authority_id)
    if filters.threshold:
        stmt = stmt.where(ProcurementCase.above_threshold.is_(filters.threshold == "above"))
    if filters.overdue:
        stmt = stmt.where(ProcurementCase.award_notice_due < today, ProcurementCase.award_notice_sent_on.is_(None))
    return stmt.order_by(ProcurementCase.updated_at.desc(), ProcurementCase.id.desc())


def authorities() -> list[Organisation]:
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.kind == OrganisationKind.PUBLIC_AUTHORITY)
                                   .where(Organisation.id.in_(sa.select(ProcurementCase.authority_id))).order_by(Organisation.name)))


def csv(user, filters: CaseFilters, today: date) -> bytes:
    listed = cases(user, filters, today).subquery()
    stmt = sa.select(
        listed.c.id, Organisation.name.label("authority"), listed.c.subject, listed.c.contract_kind, listed.c.procedure,
        listed.c.status, listed.c.estimated_value_eur, listed.c.above_threshold, listed.c.notice_sent_on,
        listed.c.notice_reference, listed.c.tenders_received, listed.c.tenders_from_smes, listed.c.tenders_from_other_states,
        listed.c.supplier_name, listed.c.supplier_is_sme, listed.c.supplier_country, listed.c.contract_value_eur,
        listed.c.contract_signed_on, listed.c.award_notice_due, listed.c.award_notice_sent_on,
    ).join(Organisation, Organisation.id == listed.c.authority_id).order_by(listed.c.id)
    return read_frame(stmt).to_csv(index=False).encode("utf-8-sig")


def overdue_cases(authority_id: int, today: date) -> list[ProcurementCase]:
    """The authority's cases whose contract award notice is late (Art 50(1)), for its dashboard."""
    return list(db.session.scalars(sa.select(ProcurementCase).where(
        ProcurementCase.authority_id == authority_id, ProcurementCase.award_notice_due < today,
        ProcurementCase.award_notice_sent_on.is_(None)).order_by(ProcurementCase.award_notice_due)))


def cases_of_pilot(pilot) -> list[ProcurementCase]:
    return list(db.session.scalars(sa.select(ProcurementCase).join(CasePilot, CasePilot.case_id == ProcurementCase.id)
                                   .where(CasePilot.pilot_id == pilot.id).order_by(ProcurementCase.id)))
