"""Procurement cases as Open Contracting Data Standard (OCDS 1.1) releases in a release package.

Each case is one contracting process with its own OCID, "<PPI_OCID_PREFIX>-<case id>". Its releases are
built on demand from the case's recorded facts, one per stage the case has reached: planning (always),
tender (once published), award (once awarded, with the supplier), contract (once signed), and a last one
when the contract was completed or the case cancelled. Each release shows the process as it stood at its
stage, with what is recorded about it now (the app keeps the current facts, not every past version).

The procurement method follows the official OCDS-for-eForms mapping (`directive.PROCEDURES`: `ocds_method`,
left out where the mapping sets none, and `ocds_details`); the statuses come from the closed OCDS 1.1
codelists (../shared/reference/procurement.md, 4.1–4.3). Every release links the challenge and the pilot
the case came from (`relatedProcesses`, relationship "planning"): they are not OCDS contracting processes,
so their identifiers use the app's own schemes, namespaced by the OCID prefix; only the challenge's page is
public, so only it gets a `uri`.
"""
import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import selectinload

from ppi.challenges import cpv
from ppi.challenges.permissions import is_public as challenge_is_public
from ppi.core.geo import country_names
from ppi.core.timeutil import as_utc, utcnow
from ppi.extensions import db
from ppi.procurement.directive import ART_26_4_GROUNDS, ART_32_GROUNDS, OCDS_CATEGORY, PROCEDURES, Procedure
from ppi.procurement.models import CasePilot, CaseStatusChange, ProcurementCase, Tenderer
from ppi.procurement.workflow import CaseStatus

C = CaseStatus
OCDS_VERSION = "1.1"
CURRENCY = "EUR"
CHALLENGE_SCHEME = "x_ppi_challenge"
PILOT_SCHEME = "x_ppi_pilot"

# OCDS 1.1 tenderStatus (closed codelist) for each case status. A case cancelled before it was published
# is "withdrawn" instead (see `_tender_status`).
TENDER_STATUS: dict[CaseStatus, str] = {
    C.PLANNING: "planning",
    C.PUBLISHED: "active",
    C.TENDERS_RECEIVED: "active",
    C.EVALUATION: "active",
    C.AWARDED: "complete",
    C.CONTRACT_SIGNED: "complete",
    C.COMPLETED: "complete",
    C.CANCELLED: "cancelled",
}

# The lifecycle in order of progress (cancellation can happen at any stage up to the award).
PROGRESS = (C.PLANNING, C.PUBLISHED, C.TENDERS_RECEIVED, C.EVALUATION, C.AWARDED, C.CONTRACT_SIGNED, C.COMPLETED)


def _rank(status: CaseStatus) -> int:
    return PROGRESS.index(status)


@dataclass(frozen=True)
class Settings:
    prefix: str  # the OCID prefix
    zone: ZoneInfo  # the zone of the dates the authority records (deadlines, signature)
    challenge_uri: Callable[[int], str]  # the public page of a challenge


def current_settings() -> Settings:
    return Settings(
        prefix=current_app.config["PPI_OCID_PREFIX"],
        zone=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]),
        challenge_uri=lambda challenge_id: url_for("challenges.detail", challenge_id=challenge_id, _external=True),
    )


def ocid(prefix: str, case: ProcurementCase) -> str:
    return f"{prefix}-{case.id}"


# ---- loading (a bounded number of queries, whatever the number of cases) ---------------------------

# What a package reads of a case's challenge and pilots: their ids and titles, not their own collections (a pilot's
# milestones, criteria, sites and groups, a challenge's CPV codes, criteria and partners: seven queries more).
PACKAGE_LOADING = (
    selectinload(ProcurementCase.challenge).lazyload("*"),
    selectinload(ProcurementCase.pilots).joinedload(CasePilot.pilot).lazyload("*"),
)


def public_cases_query() -> sa.Select:
    """Every public case (published or further, cancelled ones included), oldest first: for paging."""
    return (sa.select(ProcurementCase).where(ProcurementCase.was_published.is_(True))
            .options(*PACKAGE_LOADING).order_by(ProcurementCase.id))


def public_cases() -> list[ProcurementCase]:
    return list(db.session.scalars(public_cases_query()))


def status_changes(case_ids: Iterable[int]) -> dict[int, list[CaseStatusChange]]:
    changes: dict[int, list[CaseStatusChange]] = defaultdict(list)
    ids = list(case_ids)
    if ids:
        for change in db.session.scalars(sa.select(CaseStatusChange).where(CaseStatusChange.case_id.in_(ids))
                                         .order_by(CaseStatusChange.at, CaseStatusChange.id)):
            changes[change.case_id].append(change)
    return changes


def release_package(cases: list[ProcurementCase], uri: str) -> dict:
    """The release package of `cases` (at least one), published at `uri`."""
    changes = status_changes(case.id for case in cases)
    return build_package(cases, changes, current_settings(), uri, current_app.config["PPI_OCDS_PUBLISHER"])


# ---- building (pure: the cases, their status changes and the settings in, a dict out) -------------

def build_package(cases: list[ProcurementCase], changes: dict[int, list[CaseStatusChange]], settings: Settings, uri: str,
                  publisher: str) -> dict:
    releases = [release for case in cases for release in build_releases(case, changes.get(case.id, []), settings)]
    moments = [case.updated_at for case in cases] + [c.at for case in cases for c in changes.get(case.id, [])]
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        # generated on demand: the time of the last change to the cases it contains
        "publishedDate": _instant(max(moments, key=as_utc) if moments else utcnow()),
        "publisher": {"name": publisher},
        "releases": releases,
    }


def furthest_stage(case: ProcurementCase, changes: list[CaseStatusChange]) -> CaseStatus:
    """The furthest lifecycle stage the case reached; for a cancelled case, the stage it was cancelled in."""
    reached = {case.status} | {c.to_status for c in changes} | {c.from_status for c in changes}
    return max((s for s in reached if s in PROGRESS), key=_rank, default=C.PLANNING)


def build_releases(case: ProcurementCase, changes: list[CaseStatusChange], settings: Settings) -> list[dict]:
    first: dict[CaseStatus, datetime] = {}
    for change in changes:
        first.setdefault(change.to_status, change.at)
    reached = _rank(furthest_stage(case, changes))
    awarded = reached >= _rank(C.AWARDED) and bool(case.supplier_name)
    stages: list[tuple[list[str], CaseStatus, datetime]] = [(["planning"], C.PLANNING, case.created_at)]
    if reached >= _rank(C.PUBLISHED):
        stages.append((["tender"], PROGRESS[min(reached, _rank(C.EVALUATION))], first.get(C.PUBLISHED, case.updated_at)))
    if awarded:
        stages.append((["award"], C.AWARDED, first.get(C.AWARDED, case.updated_at)))
        if reached >= _rank(C.CONTRACT_SIGNED):
            stages.append((["contract"], C.CONTRACT_SIGNED, first.get(C.CONTRACT_SIGNED, case.updated_at)))
    if case.status == C.COMPLETED:
        stages.append((["contractTermination"], C.COMPLETED, first.get(C.COMPLETED, case.updated_at)))
    if case.status == C.CANCELLED:
        if reached == _rank(C.PLANNING):
            tags = ["planningUpdate"]
        else:
            tags = ["tenderCancellation", "awardCancellation"] if awarded else ["tenderCancellation"]
        stages.append((tags, C.CANCELLED, first.get(C.CANCELLED, case.updated_at)))
    related = related_processes(case, settings)
    return [_release(case, tags, shows, when, reached, first, related, settings) for tags, shows, when in stages]


def _release(case: ProcurementCase, tags: list[str], shows: CaseStatus, when: datetime, reached: int,
             first: dict[CaseStatus, datetime], related: list[dict], settings: Settings) -> dict:
    """One release: the process as it stood at the stage `shows` (for a cancellation: where it was cancelled)."""
    the_ocid = ocid(settings.prefix, case)
    stage = reached if shows == C.CANCELLED else _rank(shows)
    published = stage >= _rank(C.PUBLISHED)
    awarded = stage >= _rank(C.AWARDED) and bool(case.supplier_name)
    signed = awarded and stage >= _rank(C.CONTRACT_SIGNED)
    supplier = _supplier(case) if awarded else None

    buyer = {"id": f"org-{case.authority_id}", "name": case.authority.name}
    parties: dict[str, dict] = {}  # by id: an organisation appears once, with all its roles
    _add_party(parties, buyer, ["buyer"], case.authority.country)
    tender = {
        "id": f"{the_ocid}-tender",
        "title": case.subject,
        "status": _tender_status(shows, reached),
        "mainProcurementCategory": OCDS_CATEGORY[case.contract_kind],
        "value": _value(case.estimated_value_eur),
        "items": [{"id": str(n), "description": cpv.title(code) or code,
                   "classification": {"scheme": "CPV", "id": code, "description": cpv.title(code) or code}}
                  for n, code in enumerate(case.cpv_codes or [], start=1)],
    }
    if case.description:
        tender["description"] = case.description
    facts = PROCEDURES.get(case.procedure) if case.procedure else None
    if facts is not None:
        if facts.ocds_method:  # the EU mapping sets none for PCP, design contests, national procedures
            tender["procurementMethod"] = facts.ocds_method
        tender["procurementMethodDetails"] = facts.ocds_details
        rationale = _method_rationale(case)
        if rationale:
            tender["procurementMethodRationale"] = rationale
    if published:
        period = {}
        if case.notice_sent_on:
            period["startDate"] = _day(case.notice_sent_on, settings.zone)
        if case.tenders_deadline:
            period["endDate"] = _day(case.tenders_deadline, settings.zone, end=True)
        if period:
            tender["tenderPeriod"] = period
        if case.clarification_deadline:
            tender["enquiryPeriod"] = {"endDate": _day(case.clarification_deadline, settings.zone, end=True)}
        if case.electronic_submission:
            tender["submissionMethod"] = ["electronicSubmission"]
        if case.tenderers:
            refs = {}
            for t in case.tenderers:
                ref = {"id": _party_id(t), "name": t.name}
                refs.setdefault(ref["id"], ref)
                _add_party(parties, ref, ["supplier", "tenderer"] if t is supplier else ["tenderer"], t.country)
            tender["tenderers"] = list(refs.values())
        count = case.tenders_received if case.tenders_received is not None else (len(case.tenderers) or None)
        if count is not None:
            tender["numberOfTenderers"] = count

    release = {
        "ocid": the_ocid,
        "id": f"{the_ocid}-{tags[0]}",
        "date": _instant(when),
        "tag": tags,
        "initiationType": "tender",
        "parties": [],  # filled below, once the award's supplier is known
        "buyer": buyer,
        "planning": {"budget": {
            "description": "Estimated value of the contract (Art 5 of Directive 2014/24/EU: excluding VAT, "
                           "options and renewals included)",
            "amount": _value(case.estimated_value_eur)}},
        "tender": tender,
    }
    if awarded:
        if supplier is not None:
            supplier_ref = {"id": _party_id(supplier), "name": supplier.name}
        else:  # the award names a supplier that is not among the recorded tenderers
            supplier_ref = {"id": "supplier", "name": case.supplier_name}
            _add_party(parties, supplier_ref, ["supplier"], case.supplier_country)
        award = {"id": f"{the_ocid}-award", "status": "cancelled" if shows == C.CANCELLED else "active",
                 "suppliers": [supplier_ref]}
        if case.award_decision_sent_on:
            award["date"] = _day(case.award_decision_sent_on, settings.zone)
        elif C.AWARDED in first:
            award["date"] = _instant(first[C.AWARDED])
        if case.contract_value_eur is not None:
            award["value"] = _value(case.contract_value_eur)
        release["awards"] = [award]
        if signed:
            contract = {"id": f"{the_ocid}-contract", "awardID": award["id"], "title": case.subject,
                        "status": "terminated" if shows == C.COMPLETED else "active"}
            if case.contract_value_eur is not None:
                contract["value"] = _value(case.contract_value_eur)
            if case.contract_signed_on:
                contract["dateSigned"] = _day(case.contract_signed_on, settings.zone)
                period = {"startDate": contract["dateSigned"]}
                if case.contract_months:
                    last_day = _months_after(case.contract_signed_on, case.contract_months) - timedelta(days=1)
                    period["endDate"] = _day(last_day, settings.zone, end=True)
                contract["period"] = period
            release["contracts"] = [contract]
    release["parties"] = list(parties.values())
    if related:
        release["relatedProcesses"] = related
    return release


def related_processes(case: ProcurementCase, settings: Settings) -> list[dict]:
    """The challenge and the pilots the case came from: the trace from a contract back to its idea."""
    links = []
    challenge = case.challenge
    if challenge is not None:
        link = {"id": f"challenge-{challenge.id}", "relationship": ["planning"], "scheme": CHALLENGE_SCHEME,
                "identifier": f"{settings.prefix}-challenge-{challenge.id}"}
        if challenge_is_public(challenge):
            link["title"] = challenge.title
            link["uri"] = settings.challenge_uri(challenge.id)
        links.append(link)
    for case_pilot in case.pilots:
        pilot = case_pilot.pilot  # the pilot's page is private: its identifier and title only (as on the case page)
        links.append({"id": f"pilot-{pilot.id}", "relationship": ["planning"], "title": pilot.title,
                      "scheme": PILOT_SCHEME, "identifier": f"{settings.prefix}-pilot-{pilot.id}"})
    return links


def _tender_status(shows: CaseStatus, reached: int) -> str:
    if shows == C.CANCELLED and reached == _rank(C.PLANNING):
        return "withdrawn"  # a planned process given up before publication (OCDS: planningUpdate)
    return TENDER_STATUS[shows]


def _method_rationale(case: ProcurementCase) -> str | None:
    """Why a procedure that needs a ground may be used: Art 32 (no prior publication), Art 26(4)."""
    if case.procedure == Procedure.NEGOTIATED_WITHOUT_PUBLICATION and case.art_32_ground in ART_32_GROUNDS:
        text = f"Art {case.art_32_ground} of Directive 2014/24/EU: {ART_32_GROUNDS[case.art_32_ground].text}"
        justification = (case.art_32_justification or "").strip()
        return f"{text} {justification}" if justification else text
    if case.procedure in _ART_26_4_PROCEDURES and case.art_26_ground in ART_26_4_GROUNDS:
        return f"Art {case.art_26_ground} of Directive 2014/24/EU: {ART_26_4_GROUNDS[case.art_26_ground]}"
    return None


_ART_26_4_PROCEDURES = (Procedure.COMPETITIVE_WITH_NEGOTIATION, Procedure.COMPETITIVE_DIALOGUE)


def _supplier(case: ProcurementCase) -> Tenderer | None:
    """The tenderer the award went to (the award records its organisation, or its name when unregistered)."""
    for tenderer in case.tenderers:
        if case.supplier_id is not None and tenderer.organisation_id == case.supplier_id:
            return tenderer
    for tenderer in case.tenderers:
        if case.supplier_id is None and tenderer.organisation_id is None and tenderer.name == case.supplier_name:
            return tenderer
    return None


def _party_id(tenderer: Tenderer) -> str:
    return f"org-{tenderer.organisation_id}" if tenderer.organisation_id else f"tenderer-{tenderer.id}"


def _add_party(parties: dict[str, dict], reference: dict, roles: list[str], country: str | None) -> None:
    party = parties.setdefault(reference["id"], {**reference, "roles": []})
    party["roles"] += [role for role in roles if role not in party["roles"]]
    name = country_names("en").get(country or "")
    if name and "address" not in party:
        party["address"] = {"countryName": name}


def _value(amount: Decimal) -> dict:
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": CURRENCY}


def _instant(value: datetime) -> str:
    """An aware time as RFC 3339 in UTC, to the second."""
    return as_utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _day(value: date, zone: ZoneInfo, end: bool = False) -> str:
    """A date the authority recorded, as the start (or the end) of that day in its time zone, RFC 3339."""
    return datetime.combine(value, time(23, 59, 59) if end else time(0), tzinfo=zone).isoformat()


def _months_after(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
