"""Operations on procurement cases: open one (from a pilot, a challenge or on its own), record the route
and the timeline, the tenderers and the Art 41 measures, move it through its lifecycle, record the award.

Each takes an explicit actor, checks the permission predicate, changes state, writes the audit log and
flushes; the caller commits. The checks shown to the user come from `checks()`, built on the pure
functions of `directive` and `workflow`.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ppi.accounts.models import AuthorityType, Organisation, User
from ppi.challenges.models import Challenge
from ppi.core import audit
from ppi.core.errors import DomainError, PermissionDenied
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.procurement import directive, permissions
from ppi.procurement.directive import ContractKind, Reductions, RouteFacts, Stage
from ppi.procurement.models import CasePilot, CaseStatusChange, PriorParticipant, ProcurementCase, Tenderer
from ppi.procurement.workflow import (
    LIFECYCLE,
    REASON_REQUIRED,
    AfterAward,
    CaseStatus,
    PriorInvolvement,
    after_award_warnings,
    art_41_open,
    can_sign,
)

C = CaseStatus


@dataclass
class CaseData:
    subject: str
    contract_kind: ContractKind
    estimated_value_eur: Decimal
    cpv_codes: list[str]
    description: str | None = None
    lots: list[dict] | None = None


def open_case(actor: User, data: CaseData, pilots: list[Pilot] = (), challenge: Challenge | None = None,
              consultation_participants: list[str] = (), now: datetime | None = None) -> ProcurementCase:
    """Open a case; the companies of its pilots (and those named from a market consultation) are recorded
    as prior participants for the Art 41 check. `now` dates the opening (default: the present)."""
    if not permissions.can_open_case(actor) or any(not permissions.can_open_from_pilot(actor, p) for p in pilots):
        raise PermissionDenied()
    if challenge is not None and actor.organisation_id not in challenge.owner_ids:
        raise PermissionDenied()
    organisation = actor.organisation
    case = ProcurementCase(
        authority_id=organisation.id, created_by_id=actor.id, created_at=now or utcnow(), subject=data.subject,
        description=data.description,
        contract_kind=data.contract_kind, authority_type=organisation.authority_type or AuthorityType.SUB_CENTRAL,
        estimated_value_eur=data.estimated_value_eur, cpv_codes=list(data.cpv_codes), lots=list(data.lots or []),
        challenge_id=challenge.id if challenge else (pilots[0].challenge_id if pilots else None),
    )
    case.pilots = [CasePilot(pilot_id=p.id) for p in pilots]
    seen = set()
    for pilot in pilots:
        if pilot.company_id not in seen:
            seen.add(pilot.company_id)
            case.participants.append(PriorParticipant(organisation_id=pilot.company_id, name=pilot.company.name, how="pilot"))
    for name in consultation_participants:
        if name.strip():
            case.participants.append(PriorParticipant(name=name.strip(), how="consultation"))
    refresh_derived(case)
    db.session.add(case)
    db.session.flush()
    _record(actor, "procurement.opened", case, after={"subject": case.subject, "pilots": case.pilot_ids})
    return case


def update_case(actor: User, case: ProcurementCase, data: CaseData) -> None:
    _require_edit(actor, case)
    for name in ("subject", "contract_kind", "estimated_value_eur", "description"):
        setattr(case, name, getattr(data, name))
    case.cpv_codes, case.lots = list(data.cpv_codes), list(data.lots or [])
    refresh_derived(case)
    _record(actor, "procurement.updated", case, after={"subject": case.subject, "value": str(case.estimated_value_eur)})


ROUTE_FIELDS = (
    "procedure", "instrument", "framework_years", "art_26_ground", "art_32_ground", "art_32_justification",
    "partnership_phases", "partnership_targets", "partnership_remuneration", "pcp_benefits_shared", "pcp_not_wholly_paid",
    "pin_used", "urgent", "urgency_reason", "electronic_submission", "agreed_with_all_candidates", "candidates_invited",
    "holidays",
)
TIMELINE_FIELDS = (
    "pin_sent_on", "consultation_on", "notice_sent_on", "notice_reference", "invitations_sent_on", "clarification_deadline", "requests_deadline",
    "tenders_deadline", "tenders_received", "tenders_from_smes", "tenders_from_other_states", "award_decision_sent_on",
    "contract_signed_on", "award_notice_sent_on",
)


def set_fields(actor: User, case: ProcurementCase, values: dict[str, Any], allowed: tuple[str, ...], action: str) -> None:
    """Record route or timeline facts; the audit entry keeps what changed."""
    _require_edit(actor, case)
    if values.get("urgent") and not (values.get("urgency_reason") or "").strip():
        raise DomainError(_("State the reason for the urgency: the reduced time limits need it."))
    before = {name: _plain(getattr(case, name)) for name in allowed}
    for name in allowed:
        if name in values:
            setattr(case, name, values[name])
    refresh_derived(case)
    changed = {name: _plain(getattr(case, name)) for name in allowed if before[name] != _plain(getattr(case, name))}
    if changed:
        _record(actor, action, case, before={k: before[k] for k in changed}, after=changed)


def add_tenderer(actor: User, case: ProcurementCase, name: str, country: str, is_sme: bool,
                 organisation: Organisation | None = None) -> Tenderer:
    """A candidate or tenderer; matched to a prior participant (the pilot company, a consulted company)."""
    _require_edit(actor, case)
    participant = next((p for p in case.participants if (organisation and p.organisation_id == organisation.id)
                        or p.name.casefold() == name.strip().casefold()), None)
    tenderer = Tenderer(name=name.strip(), country=country, is_sme=is_sme, organisation_id=organisation.id if organisation else None,
                        prior_participant=participant)
    case.tenderers.append(tenderer)
    db.session.flush()
    _record(actor, "procurement.tenderer_added", case, after={"tenderer": tenderer.name, "prior_involvement": participant is not None})
    return tenderer


def record_art_41(actor: User, tenderer: Tenderer, values: dict[str, Any]) -> None:
    """The measures taken for a tenderer's prior involvement, or the justified exclusion after hearing it."""
    case = db.session.get(ProcurementCase, tenderer.case_id)
    _require_edit(actor, case)
    if tenderer.prior_participant_id is None:
        raise DomainError(_("This tenderer did not take part in the pilot or the market consultation."))
    for name in ("info_shared_on", "info_shared", "time_limits_note", "excluded", "exclusion_hearing_on", "exclusion_reason"):
        if name in values:
            setattr(tenderer, name, values[name])
    if tenderer.exclusion_decided:  # an exclusion without the hearing or the reason is not one (and rejects nobody)
        tenderer.admitted = False
        tenderer.rejection_reason = tenderer.exclusion_reason
    _record(actor, "procurement.art41_recorded", case, after={"tenderer": tenderer.name, "excluded": tenderer.excluded,
                                                              "measures": tenderer.measures_recorded})


def set_tenderer_admission(actor: User, tenderer: Tenderer, admitted: bool, reason: str | None) -> None:
    case = db.session.get(ProcurementCase, tenderer.case_id)
    _require_edit(actor, case)
    if not admitted and not (reason or "").strip():
        raise DomainError(_("Give the reason for rejecting the candidate or tender (Art 84)."))
    tenderer.admitted, tenderer.rejection_reason = admitted, None if admitted else reason.strip()
    _record(actor, "procurement.admission", case, after={"tenderer": tenderer.name, "admitted": admitted})


def record_award(actor: User, case: ProcurementCase, tenderer: Tenderer, contract_value_eur: Decimal, months: int | None,
                 reasons: str) -> None:
    """The award: the supplier (from the tenderers), the value and duration, and why it won (Art 84)."""
    _require_edit(actor, case)
    if tenderer.case_id != case.id or not tenderer.admitted:
        raise DomainError(_("Choose an admitted tenderer of this case."))
    if not reasons.strip():
        raise DomainError(_("Give the reasons for the award (Art 84)."))
    case.supplier_id, case.supplier_name = tenderer.organisation_id, tenderer.name
    case.supplier_is_sme, case.supplier_country = tenderer.is_sme, tenderer.country
    case.contract_value_eur, case.contract_months, case.award_reasons = contract_value_eur, months, reasons.strip()
    _record(actor, "procurement.award_recorded", case, after={"supplier": tenderer.name, "value": str(contract_value_eur)})


def transition(actor: User, case: ProcurementCase, target: CaseStatus, reason: str | None = None, today: date | None = None,
               now: datetime | None = None) -> None:
    """Move the case to `target`; `now` dates the status change (default: the present)."""
    LIFECYCLE.check(case.status, target)
    _require_edit(actor, case)
    reason = (reason or "").strip() or None
    if target in REASON_REQUIRED and not reason:
        raise DomainError(_("Give the reason: it is shown with the case."))
    problems = transition_problems(case, target, today or (now or utcnow()).date())
    if problems:
        raise DomainError(" ".join(problems))
    current = case.status
    case.status = target
    if target == C.CANCELLED:
        case.public_reason = reason
    if target == C.PUBLISHED:
        case.was_published = True
    db.session.add(CaseStatusChange(case_id=case.id, from_status=current, to_status=target, actor_id=actor.id, reason=reason,
                                    at=now or utcnow()))
    _record(actor, f"procurement.{target.value}", case, before={"status": current.value}, after={"status": target.value}, note=reason)


def transition_problems(case: ProcurementCase, target: CaseStatus, today: date) -> list[str]:
    """What stops the move: the route's conditions before publication, the Art 41 gate before award, the
    award recorded, and the standstill period before signature."""
    problems = []
    if target == C.PUBLISHED:
        if case.procedure is None:
            problems.append(_("Choose the route first."))
        else:
            problems += [f"{article}: {text}" for article, text in directive.condition_problems(route_facts(case))]
        if case.procedure in _CALL_FOR_COMPETITION and case.notice_sent_on is None:
            problems.append(_("Record the date the contract notice was sent."))
    if target == C.AWARDED:
        waiting = art_41_open(prior_involvement(case))
        if waiting:
            problems.append(_("Art 41: record the measures taken, or the justified exclusion, for %(names)s.", names=", ".join(waiting)))
        if not case.supplier_name:
            problems.append(_("Record the award: the supplier, the value and the reasons."))
        elif not any(t.admitted and (t.name, t.organisation_id) == (case.supplier_name, case.supplier_id) for t in case.tenderers):
            problems.append(_("Record the award again: it must go to an admitted tenderer."))
    if target == C.CONTRACT_SIGNED:
        if case.contract_signed_on is None:
            problems.append(_("Record the date the contract was signed."))
        elif directive.directive_applies(case.procedure, case.above_threshold) and not can_sign(
                case.award_decision_sent_on, case.contract_signed_on):
            problems.append(_("Dir. 2007/66/EC Art 2a(2): the contract cannot be signed before the standstill period ends."))
    return problems


_CALL_FOR_COMPETITION = frozenset(p for p, facts in directive.PROCEDURES.items()
                                  if facts.needs_call_for_competition and facts.ocds_method is not None)


def refresh_derived(case: ProcurementCase) -> None:
    """Keep the stored threshold verdict and award-notice due date in step with the facts they come from."""
    on = case.notice_sent_on or utcnow().date()
    case.above_threshold = directive.check_threshold(case.estimated_value_eur, case.contract_kind, case.authority_type, on).above
    applies = directive.directive_applies(case.procedure, case.above_threshold)
    case.award_notice_due = directive.award_notice_due(case.contract_signed_on) if case.contract_signed_on and applies else None


def route_facts(case: ProcurementCase) -> RouteFacts:
    return RouteFacts(
        procedure=case.procedure, contract_kind=case.contract_kind, art_26_ground=case.art_26_ground,
        art_32_ground=case.art_32_ground, art_32_justification=case.art_32_justification,
        partnership_phases=case.partnership_phases, partnership_targets=case.partnership_targets,
        partnership_remuneration=case.partnership_remuneration, pcp_benefits_shared=case.pcp_benefits_shared,
        pcp_not_wholly_paid=case.pcp_not_wholly_paid, candidates_invited=case.candidates_invited,
        framework_years=case.framework_years, instrument=case.instrument,
    )


def prior_involvement(case: ProcurementCase) -> list[PriorInvolvement]:
    return [PriorInvolvement(t.name, t.measures_recorded, t.exclusion_decided) for t in case.tenderers if t.prior_participant_id]


@dataclass
class DeadlineFinding:
    stage: Stage
    check: directive.DeadlineCheck
    article: str


@dataclass
class Checks:
    threshold: directive.ThresholdCheck
    conditions: list[tuple[str, str]]
    deadlines: list[DeadlineFinding]
    art_41_waiting: list[str]
    after_award: list
    pin_reduction_refused: bool
    standstill_ends: date | None  # the first day the contract may be signed, when the directive applies


def checks(case: ProcurementCase, today: date | None = None) -> Checks:
    """Everything the tracker checks for the case's facts, each with its article."""
    today = today or utcnow().date()
    on = case.notice_sent_on or today
    deadlines = []
    if case.procedure is not None and case.notice_sent_on is not None:
        pin_ok = case.pin_used and case.pin_sent_on is not None and directive.pin_reduction_allowed(case.pin_sent_on, case.notice_sent_on)
        reductions = Reductions(pin_used=pin_ok, urgent=case.urgent and bool(case.urgency_reason),
                                electronic=case.electronic_submission, agreed_with_all_candidates=case.agreed_with_all_candidates)
        holidays = [date.fromisoformat(d) for d in case.holidays or []]
        two_stage = (case.procedure, Stage.REQUESTS) in directive.TIME_LIMITS
        # Art 28(2), 29(1): in a two-stage procedure the tender time limit runs from the invitation to tender
        for stage, start, deadline in ((Stage.REQUESTS, case.notice_sent_on, case.requests_deadline),
                                       (Stage.TENDERS, case.invitations_sent_on if two_stage else case.notice_sent_on,
                                        case.tenders_deadline)):
            minimum = directive.minimum_days(case.procedure, stage, reductions, case.authority_type)
            if minimum is not None and start is not None and deadline is not None:
                deadlines.append(DeadlineFinding(stage, directive.check_deadline(start, deadline, minimum, holidays),
                                                 directive.TIME_LIMITS[(case.procedure, stage)].article))
    return Checks(
        threshold=directive.check_threshold(case.estimated_value_eur, case.contract_kind, case.authority_type, on),
        conditions=directive.condition_problems(route_facts(case)) if case.procedure else [],
        deadlines=deadlines,
        art_41_waiting=art_41_open(prior_involvement(case)),
        after_award=after_award_warnings(AfterAward(case.award_decision_sent_on, case.contract_signed_on,
                                                    case.award_notice_sent_on,
                                                    directive.directive_applies(case.procedure, case.above_threshold)), today),
        standstill_ends=directive.earliest_signature(case.award_decision_sent_on)
        if case.award_decision_sent_on and directive.directive_applies(case.procedure, case.above_threshold) else None,
        pin_reduction_refused=case.pin_used and not (case.pin_sent_on and case.notice_sent_on
                                                     and directive.pin_reduction_allowed(case.pin_sent_on, case.notice_sent_on)),
    )


def was_pilot_company(case: ProcurementCase) -> bool | None:
    if case.supplier_id is None:
        return None
    return case.supplier_id in {p.organisation_id for p in case.participants if p.how == "pilot"}


def history(case: ProcurementCase) -> list[CaseStatusChange]:
    return list(db.session.scalars(sa.select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)
                                   .order_by(CaseStatusChange.at, CaseStatusChange.id)))


def _require_edit(actor: User, case: ProcurementCase) -> None:
    if not permissions.can_edit(actor, case):
        raise PermissionDenied()


def _plain(value: Any) -> Any:
    if isinstance(value, (Decimal, date, datetime)):
        return str(value)
    return value.value if hasattr(value, "value") else value


def _record(actor: User, action: str, case: ProcurementCase, **change) -> None:
    audit.record(actor, action, case, organisation_id=case.authority_id, **change)
