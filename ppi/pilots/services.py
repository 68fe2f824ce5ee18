"""Operations on pilots: the plan and its approval, the lifecycle, test users and their feedback links,
the log, measurements, milestones, and the report's conclusion and decision.

Each takes an explicit actor (test users, who have no accounts, act through their link's token), checks
the permission predicate, changes state, writes the audit log and flushes; the caller commits.
"""
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _, lazy_gettext as _l

from ppi.accounts.models import User
from ppi.accounts.permissions import acts_for_verified
from ppi.core import audit
from ppi.core.errors import DomainError, PermissionDenied
from ppi.core.notify import notify
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.pilots import permissions, sus
from ppi.pilots.labels import STATUS_LABELS
from ppi.pilots.models import (
    CriterionRating,
    Feedback,
    LogEntry,
    Measurement,
    Milestone,
    Pilot,
    PilotStatusChange,
    Site,
    SuccessCriterion,
    TestUser,
    UserGroup,
)
from ppi.pilots.workflow import (
    LIFECYCLE,
    REASON_REQUIRED,
    Comparison,
    Party,
    PilotStatus,
    PlanFacts,
    Recommendation,
    Severity,
    plan_problems,
)
from ppi.proposals.models import Proposal
from ppi.proposals.services import latest_version
from ppi.proposals.signals import proposal_selected

S = PilotStatus
PLAN_MESSAGES = {
    "objectives": _l("Give the objectives."),
    "dates": _l("Give the start and end dates."),
    "date_order": _l("The end date must be after the start date."),
    "criteria": _l("Give at least one success criterion with a target."),
    "sites": _l("Give at least one site."),
    "groups": _l("Give at least one group of test users."),
    "milestones": _l("Give at least one milestone."),
    "data_protection": _l("Describe the personal data, its legal basis and whether a DPIA was done."),
}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
MAX_ENROL_AT_ONCE = 100


@proposal_selected.connect
def open_pilot(proposal: Proposal, actor: User) -> Pilot:
    """The pilot record of a selected proposal, in planning: the authority, the company and the cluster plan it."""
    challenge = proposal.challenge
    pilot = Pilot(challenge_id=challenge.id, proposal_id=proposal.id, authority_id=challenge.lead_authority_id,
                  company_id=proposal.company_id, cluster_id=challenge.cluster_id, status=S.PLANNING,
                  title=latest_version(proposal).content["title"])
    db.session.add(pilot)
    db.session.flush()
    _record(actor, "pilot.opened", pilot, after={"status": pilot.status.value})
    notify(_parties(pilot), _l("A pilot is opened: %(title)s", title=pilot.title), "pilots.detail", pilot_id=pilot.id)
    return pilot


def pilot_of(proposal: Proposal) -> Pilot | None:
    return db.session.scalar(sa.select(Pilot).where(Pilot.proposal_id == proposal.id))


def my_pilots(user: User) -> sa.Select:
    """The pilots the user's organisation is a party to; none while it is not verified (as `permissions.can_view`)."""
    if not acts_for_verified(user):
        return sa.select(Pilot).where(sa.false())
    org = user.organisation_id
    return (sa.select(Pilot).where(sa.or_(Pilot.authority_id == org, Pilot.company_id == org, Pilot.cluster_id == org))
            .order_by(Pilot.updated_at.desc()))


# ---- the plan ------------------------------------------------------------------------------------

@dataclass
class CriterionData:
    name: str
    comparison: Comparison
    target: Decimal
    unit: str | None = None
    rated_by_users: bool = False


@dataclass
class PlanData:
    title: str
    objectives: str
    start_date: date | None
    end_date: date | None
    budget_eur: Decimal | None
    funding_split: str | None
    personal_data: str | None
    legal_basis: str | None
    dpia_done: bool | None
    consent_version: str
    criteria: list[CriterionData] = field(default_factory=list)
    sites: list[tuple[str, str | None, str]] = field(default_factory=list)  # (name, address, kind)
    groups: list[tuple[str, int]] = field(default_factory=list)  # (role, planned)
    milestones: list[tuple[str, date]] = field(default_factory=list)  # (title, due)


SCALARS = ["title", "objectives", "start_date", "end_date", "budget_eur", "funding_split", "personal_data",
           "legal_basis", "dpia_done", "consent_version"]


def plan_facts(pilot: Pilot) -> PlanFacts:
    return PlanFacts(pilot.objectives, pilot.start_date, pilot.end_date, len(pilot.criteria), len(pilot.sites),
                     len(pilot.groups), len(pilot.milestones), pilot.personal_data, pilot.legal_basis, pilot.dpia_done)


def plan_messages(pilot: Pilot) -> list[str]:
    return [str(PLAN_MESSAGES[key]) for key in plan_problems(plan_facts(pilot))]


def update_plan(actor: User, pilot: Pilot, data: PlanData) -> bool:
    """Save the plan (only while planning, before any test user exists). A change withdraws both agreements."""
    if not permissions.can_edit_plan(actor, pilot):
        raise PermissionDenied()
    before = _plan_snapshot(pilot)
    for name in SCALARS:
        setattr(pilot, name, getattr(data, name))
    pilot.criteria = [SuccessCriterion(position=i, name=c.name, comparison=c.comparison, target=c.target, unit=c.unit,
                                       rated_by_users=c.rated_by_users) for i, c in enumerate(data.criteria)]
    pilot.sites = [Site(name=name, address=address, kind=kind) for name, address, kind in data.sites]
    pilot.groups = [UserGroup(role=role, planned=planned) for role, planned in data.groups]
    pilot.milestones = [Milestone(title=title, due_date=due) for title, due in data.milestones]
    db.session.flush()
    after = _plan_snapshot(pilot)
    if before == after:
        return False
    agreed = pilot.authority_agreed_at or pilot.company_agreed_at
    pilot.authority_agreed_at = pilot.company_agreed_at = None
    _record(actor, "pilot.plan_updated", pilot, after={"fields": sorted(k for k in after if before[k] != after[k])},
            note=_("The agreements to the plan are withdrawn: the plan changed.") if agreed else None)
    return True


def _plan_snapshot(pilot: Pilot) -> dict:
    values = {name: str(getattr(pilot, name)) for name in SCALARS}
    values["criteria"] = [(c.name, c.comparison.value, str(c.target), c.unit, c.rated_by_users) for c in pilot.criteria]
    values["sites"] = [(s.name, s.address, s.kind) for s in pilot.sites]
    values["groups"] = [(g.role, g.planned) for g in pilot.groups]
    values["milestones"] = [(m.title, str(m.due_date)) for m in pilot.milestones]
    return values


def agree(actor: User, pilot: Pilot, now: datetime | None = None) -> None:
    if not permissions.can_agree(actor, pilot):
        raise PermissionDenied()
    problems = plan_messages(pilot)
    if problems:
        raise DomainError(" ".join(problems))
    now = now or utcnow()
    party = permissions.party_of(actor, pilot)
    if party == Party.AUTHORITY:
        pilot.authority_agreed_at = now
    else:
        pilot.company_agreed_at = now
    _record(actor, "pilot.plan_agreed", pilot, after={"party": party.value})
    if pilot.authority_agreed_at and pilot.company_agreed_at:
        notify(_members(pilot.cluster_id), _l("The plan is agreed and waits for your approval: %(title)s", title=pilot.title),
               "pilots.detail", pilot_id=pilot.id)


# ---- the lifecycle -------------------------------------------------------------------------------

def transition(actor: User, pilot: Pilot, target: PilotStatus, reason: str | None = None, now: datetime | None = None) -> None:
    LIFECYCLE.check(pilot.status, target)
    if not permissions.can_transition(actor, pilot, target):
        raise PermissionDenied()
    now = now or utcnow()
    reason = (reason or "").strip() or None
    if target in REASON_REQUIRED and not reason:
        raise DomainError(_("Give the reason: the other parties read it."))
    _guard(pilot, target)
    current = pilot.status
    pilot.status = target
    if target == S.PLAN_APPROVED:
        pilot.plan_approved_at = now
    db.session.add(PilotStatusChange(pilot_id=pilot.id, from_status=current, to_status=target, actor_id=actor.id, at=now,
                                     reason=reason))
    _record(actor, f"pilot.{target.value}", pilot, before={"status": current.value}, after={"status": target.value}, note=reason)
    notify(_parties(pilot), _l("%(title)s: %(status)s", title=pilot.title, status=STATUS_LABELS[target]),
           "pilots.detail", pilot_id=pilot.id)


def _guard(pilot: Pilot, target: PilotStatus) -> None:
    if target == S.PLAN_APPROVED:
        problems = plan_messages(pilot)
        if not (pilot.authority_agreed_at and pilot.company_agreed_at):
            problems.append(_("The authority and the company must both agree to the plan first."))
        if problems:
            raise DomainError(" ".join(problems))
    if target == S.REPORTED and not (pilot.conclusion and pilot.recommendation):
        raise DomainError(_("Write the conclusion and the recommendation first."))


def history(pilot: Pilot) -> list[PilotStatusChange]:
    return list(db.session.scalars(sa.select(PilotStatusChange).where(PilotStatusChange.pilot_id == pilot.id)
                                   .order_by(PilotStatusChange.at, PilotStatusChange.id)))


# ---- test users ----------------------------------------------------------------------------------

def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrol(actor: User, pilot: Pilot, group_id: int, site_id: int, consent_on: date, how_many: int = 1,
          now: datetime | None = None) -> list[tuple[TestUser, str]]:
    """Enrol test users pseudonymously; returns each with its feedback token, shown once (only its hash is kept)."""
    if not permissions.can_enrol(actor, pilot):
        raise PermissionDenied()
    if group_id not in {g.id for g in pilot.groups} or site_id not in {s.id for s in pilot.sites}:
        raise DomainError(_("Choose a group and a site of this pilot."))
    if not 1 <= how_many <= MAX_ENROL_AT_ONCE:
        raise DomainError(_("Enrol between 1 and %(n)d test users at a time.", n=MAX_ENROL_AT_ONCE))
    now = now or utcnow()
    if consent_on > now.date():
        raise DomainError(_("The consent date cannot be in the future."))
    taken = set(db.session.scalars(sa.select(TestUser.code).where(TestUser.pilot_id == pilot.id)))
    enrolled = []
    for _i in range(how_many):
        code = _new_code()
        while code in taken:
            code = _new_code()
        taken.add(code)
        token = secrets.token_urlsafe(32)
        test_user = TestUser(pilot_id=pilot.id, code=code, group_id=group_id, site_id=site_id, consent_on=consent_on,
                             consent_version=pilot.consent_version, enrolled_at=now, token_hash=token_hash(token))
        db.session.add(test_user)
        enrolled.append((test_user, token))
    db.session.flush()
    _record(actor, "pilot.test_users_enrolled", pilot, after={"codes": [tu.code for tu, _t in enrolled]})
    return enrolled


def test_users(pilot: Pilot) -> list[TestUser]:
    return list(db.session.scalars(sa.select(TestUser).where(TestUser.pilot_id == pilot.id).order_by(TestUser.code)))


def withdraw_test_user(actor: User, test_user: TestUser, now: datetime | None = None) -> None:
    """The test user withdrew: their answers leave the report, and their link stops working."""
    pilot = db.session.get(Pilot, test_user.pilot_id)
    if not permissions.can_manage_test_users(actor, pilot):
        raise PermissionDenied()
    if test_user.withdrawn_at is not None:
        raise DomainError(_("This test user has withdrawn already."))
    now = now or utcnow()
    test_user.withdrawn_at = now
    test_user.token_revoked_at = test_user.token_revoked_at or now
    _record(actor, "pilot.test_user_withdrawn", pilot, after={"code": test_user.code})


def new_link(actor: User, test_user: TestUser) -> str:
    """A new feedback link for a test user (the old one stops working); the token is shown once."""
    pilot = db.session.get(Pilot, test_user.pilot_id)
    if not permissions.can_manage_test_users(actor, pilot) or test_user.withdrawn_at is not None:
        raise PermissionDenied()
    token = secrets.token_urlsafe(32)
    test_user.token_hash, test_user.token_revoked_at = token_hash(token), None
    _record(actor, "pilot.link_issued", pilot, after={"code": test_user.code})
    return token


def revoke_link(actor: User, test_user: TestUser, now: datetime | None = None) -> None:
    pilot = db.session.get(Pilot, test_user.pilot_id)
    if not permissions.can_manage_test_users(actor, pilot):
        raise PermissionDenied()
    test_user.token_revoked_at = now or utcnow()
    _record(actor, "pilot.link_revoked", pilot, after={"code": test_user.code})


def test_user_for_token(token: str) -> TestUser | None:
    """The test user whose link this is, unless the link was revoked or the test user withdrew."""
    if not token or len(token) > 100:
        return None
    test_user = db.session.scalar(sa.select(TestUser).where(TestUser.token_hash == token_hash(token)))
    if test_user is None or test_user.token_revoked_at is not None or test_user.withdrawn_at is not None:
        return None
    return test_user


def submit_feedback(test_user: TestUser, answers: list[int], ratings: dict[int, int], what_worked: str | None,
                    what_did_not: str | None, now: datetime | None = None) -> Feedback:
    """A test user's feedback round through their link; they may answer again later (each round is dated)."""
    pilot = db.session.get(Pilot, test_user.pilot_id)
    if not permissions.feedback_open(pilot) or test_user.withdrawn_at is not None:
        raise DomainError(_("This pilot does not take feedback now."))
    rateable = {c.id for c in pilot.criteria if c.rated_by_users}
    feedback = Feedback(pilot_id=pilot.id, test_user_id=test_user.id, submitted_at=now or utcnow(),
                        sus_answers=list(answers), sus_score=sus.score(answers),
                        what_worked=(what_worked or "").strip() or None, what_did_not=(what_did_not or "").strip() or None)
    feedback.ratings = [CriterionRating(criterion_id=cid, rating=value) for cid, value in ratings.items()
                        if cid in rateable and 1 <= value <= 5]
    db.session.add(feedback)
    db.session.flush()
    audit.record(None, "pilot.feedback_received", pilot, organisation_id=pilot.cluster_id, after={"code": test_user.code})
    return feedback


# ---- during the pilot ----------------------------------------------------------------------------

def add_log_entry(actor: User, pilot: Pilot, severity: Severity, occurred_at: datetime, what: str, action: str | None,
                  now: datetime | None = None) -> LogEntry:
    if not permissions.can_log(actor, pilot):
        raise PermissionDenied()
    now = now or utcnow()
    if occurred_at > now:
        raise DomainError(_("The time it happened cannot be in the future."))
    entry = LogEntry(pilot_id=pilot.id, reported_by_id=actor.id, occurred_at=occurred_at, recorded_at=now,
                     severity=severity, what=what.strip(), action=(action or "").strip() or None)
    db.session.add(entry)
    db.session.flush()
    _record(actor, "pilot.logged", pilot, after={"severity": severity.value, "entry": entry.id})
    if severity in (Severity.HIGH, Severity.CRITICAL):
        notify(_parties(pilot), _l("A serious incident is logged: %(title)s", title=pilot.title), "pilots.detail",
               pilot_id=pilot.id)
    return entry


def log_entries(pilot: Pilot) -> list[LogEntry]:
    return list(db.session.scalars(sa.select(LogEntry).where(LogEntry.pilot_id == pilot.id)
                                   .order_by(LogEntry.occurred_at.desc(), LogEntry.id.desc())))


def add_measurement(actor: User, pilot: Pilot, criterion_id: int, value: Decimal, measured_on: date, source: str,
                    now: datetime | None = None) -> Measurement:
    if not permissions.can_measure(actor, pilot):
        raise PermissionDenied()
    if criterion_id not in {c.id for c in pilot.criteria}:
        raise DomainError(_("Choose a success criterion of this pilot."))
    if measured_on > (now or utcnow()).date():
        raise DomainError(_("The measurement date cannot be in the future."))
    measurement = Measurement(pilot_id=pilot.id, criterion_id=criterion_id, value=value, measured_on=measured_on,
                              source=source.strip(), entered_by_id=actor.id, entered_at=now or utcnow())
    db.session.add(measurement)
    db.session.flush()
    _record(actor, "pilot.measured", pilot, after={"criterion_id": criterion_id, "value": str(value)})
    return measurement


def measurements(pilot: Pilot) -> list[Measurement]:
    return list(db.session.scalars(sa.select(Measurement).where(Measurement.pilot_id == pilot.id)
                                   .order_by(Measurement.measured_on.desc(), Measurement.id.desc())))


def confirm_milestone(actor: User, milestone: Milestone, now: datetime | None = None) -> None:
    pilot = milestone.pilot
    if not permissions.can_confirm_milestone(actor, pilot):
        raise PermissionDenied()
    if milestone.confirmed_at is not None:
        raise DomainError(_("This milestone is confirmed already."))
    milestone.confirmed_at, milestone.confirmed_by_id = now or utcnow(), actor.id
    _record(actor, "pilot.milestone_confirmed", pilot, after={"milestone": milestone.title})


def choose_quotes(actor: User, pilot: Pilot, feedback_ids: set[int]) -> None:
    if not permissions.can_choose_quotes(actor, pilot):
        raise PermissionDenied()
    for feedback in db.session.scalars(sa.select(Feedback).where(Feedback.pilot_id == pilot.id)):
        feedback.quoted = feedback.id in feedback_ids
    _record(actor, "pilot.quotes_chosen", pilot, after={"feedback": sorted(feedback_ids)})


def feedback_with_text(pilot: Pilot) -> list[Feedback]:
    """Feedback of test users still taking part that has free text (candidates for quotes)."""
    return list(db.session.scalars(
        sa.select(Feedback).join(TestUser, TestUser.id == Feedback.test_user_id)
        .where(Feedback.pilot_id == pilot.id, TestUser.withdrawn_at.is_(None),
               sa.or_(Feedback.what_worked.is_not(None), Feedback.what_did_not.is_not(None)))
        .order_by(Feedback.submitted_at)))


def conclude(actor: User, pilot: Pilot, conclusion: str, recommendation: Recommendation) -> None:
    if not permissions.can_conclude(actor, pilot):
        raise PermissionDenied()
    pilot.conclusion, pilot.recommendation = conclusion.strip(), recommendation
    _record(actor, "pilot.concluded", pilot, after={"recommendation": recommendation.value})


def decide(actor: User, pilot: Pilot, decision: Recommendation, note: str | None, now: datetime | None = None) -> None:
    """The authority's decision on the reported pilot: proceed to procurement, iterate, or stop."""
    if not permissions.can_decide(actor, pilot):
        raise PermissionDenied()
    pilot.authority_decision, pilot.authority_decision_note = decision, (note or "").strip() or None
    pilot.authority_decided_at = now or utcnow()
    _record(actor, "pilot.decided", pilot, after={"decision": decision.value}, note=pilot.authority_decision_note)
    notify(_parties(pilot), _l("The authority decided on the pilot %(title)s", title=pilot.title), "pilots.report_page",
           pilot_id=pilot.id)


# ---- helpers -------------------------------------------------------------------------------------

def _members(organisation_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.organisation_id == organisation_id, User.active)))


def _parties(pilot: Pilot) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.organisation_id.in_(pilot.party_ids), User.active)))


def _record(actor: User | None, action: str, pilot: Pilot, **change) -> None:
    """Every party's audit log shows what happened to the pilot."""
    for organisation_id in sorted(pilot.party_ids):
        audit.record(actor, action, pilot, organisation_id=organisation_id, **change)
