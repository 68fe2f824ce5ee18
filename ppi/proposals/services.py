"""Operations on proposals and their evaluation.

Each takes an explicit actor, checks the permission predicate, changes state, writes the audit log and
flushes; the caller commits. Deadlines are checked against the time the request is handled, never the
time a form was opened.
"""
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer
from werkzeug.datastructures import FileStorage

from ppi.accounts.models import ClusterMembership, Organisation, OrganisationKind, User
from ppi.accounts.services import verified_organisations
from ppi.accounts.workflow import MembershipStatus
from ppi.challenges import services as challenge_services
from ppi.challenges.models import Challenge
from ppi.challenges.signals import public_change_audience
from ppi.challenges.workflow import ChallengeStatus
from ppi.core import audit
from ppi.core.errors import Conflict, DomainError, PermissionDenied
from ppi.core.files import intact_bytes, store_upload
from ppi.core.models import StoredFile
from ppi.core.notify import notify
from ppi.core.timeutil import arrival_time, utcnow
from ppi.extensions import db
from ppi.proposals import permissions, receipts
from ppi.proposals.models import (
    Decision,
    PanelMember,
    Proposal,
    ProposalAttachment,
    ProposalPartner,
    ProposalVersion,
    Score,
    VersionFile,
)
from ppi.proposals.signals import proposal_selected
from ppi.proposals.workflow import (
    LIFECYCLE,
    Declaration,
    Neutrality,
    Outcome,
    PartnerStatus,
    ProposalStatus,
    SCORE_MAX,
    SCORE_MIN,
)

P = ProposalStatus
DECLARATION_TEXT = ("We declare that the information in this proposal is correct and complete, and that we are "
                    "entitled to propose the solution described.")


@dataclass
class ProposalData:
    title: str
    summary: str
    description: str
    trl: int
    evidence: str
    test_users_needed: int
    sites_needed: int
    duration_weeks: int
    pilot_price_eur: Decimal
    equipment: str | None = None
    data_access: str | None = None
    research_partners: str | None = None


FIELDS = list(ProposalData.__dataclass_fields__)


# ---- the company's proposal ----------------------------------------------------------------------

def proposal_of(company_id: int, challenge_id: int) -> Proposal | None:
    return db.session.scalar(sa.select(Proposal).where(Proposal.company_id == company_id, Proposal.challenge_id == challenge_id))


def proposal_on_page(company_id: int, challenge_id: int) -> sa.Row | None:
    """The id and status of the company's proposal, for the challenge page: one row, none of the proposal's
    relationships (which `proposal_of` loads, five queries more)."""
    return db.session.execute(sa.select(Proposal.id, Proposal.status).where(
        Proposal.company_id == company_id, Proposal.challenge_id == challenge_id)).one_or_none()


def create_proposal(actor: User, challenge: Challenge, data: ProposalData, now: datetime | None = None) -> Proposal:
    now = now or utcnow()
    if not permissions.can_propose(actor, challenge, now):
        raise PermissionDenied()
    if proposal_of(actor.organisation_id, challenge.id) is not None:
        raise DomainError(_("Your company already has a proposal for this challenge: edit that one."))
    proposal = Proposal(challenge_id=challenge.id, company_id=actor.organisation_id, created_by_id=actor.id,
                        status=P.DRAFT, **asdict(data))
    try:
        with db.session.begin_nested():
            db.session.add(proposal)
    except IntegrityError:  # a colleague created it at the same moment
        raise DomainError(_("Your company already has a proposal for this challenge: edit that one.")) from None
    _record(actor, "proposal.created", proposal, after={"challenge_id": challenge.id})
    return proposal


def update_proposal(actor: User, proposal: Proposal, data: ProposalData, now: datetime | None = None) -> None:
    _require_change(actor, proposal, now)
    before = {name: _jsonable(getattr(proposal, name)) for name in FIELDS}
    for name in FIELDS:
        setattr(proposal, name, getattr(data, name))
    changed = [name for name in FIELDS if before[name] != _jsonable(getattr(proposal, name))]
    if changed:
        _record(actor, "proposal.updated", proposal, after={"fields": changed})


def _require_change(actor: User, proposal: Proposal, now: datetime | None) -> datetime:
    """The proposer, strictly before the deadline, judged at the request's arrival."""
    now = now or arrival_time()
    if not permissions.is_proposer(actor, proposal):
        raise PermissionDenied()
    if not permissions.can_change(actor, proposal, now):
        raise Conflict(_("The proposal deadline has passed: the proposal can no longer change."))
    return now


def add_partner(actor: User, proposal: Proposal, organisation_id: int, now: datetime | None = None) -> ProposalPartner:
    now = _require_change(actor, proposal, now)
    if organisation_id not in {org.id for org in partner_candidates(proposal)}:
        raise DomainError(_("Choose another verified company."))
    partner = ProposalPartner(organisation_id=organisation_id, status=PartnerStatus.INVITED, invited_at=now)
    proposal.partners.append(partner)
    db.session.flush()
    _record(actor, "proposal.partner_invited", proposal, after={"organisation_id": organisation_id})
    notify(_members(organisation_id), _l("%(company)s invites you to a consortium: %(title)s",
                                         company=proposal.company.name, title=proposal.challenge.title),
           "proposals.mine")
    return partner


def remove_partner(actor: User, proposal: Proposal, organisation_id: int, now: datetime | None = None) -> None:
    _require_change(actor, proposal, now)
    partner = next((p for p in proposal.partners if p.organisation_id == organisation_id), None)
    if partner is None:
        raise DomainError(_("This company is not a partner."))
    proposal.partners.remove(partner)
    _record(actor, "proposal.partner_removed", proposal, before={"organisation_id": organisation_id})


def answer_partnership(actor: User, partner: ProposalPartner, confirm: bool, now: datetime | None = None) -> None:
    now = now or utcnow()
    if not permissions.can_answer_partnership(actor, partner, now):
        raise PermissionDenied()
    partner.status = PartnerStatus.CONFIRMED if confirm else PartnerStatus.DECLINED
    partner.decided_at, partner.decided_by_id = now, actor.id
    proposal = partner.proposal
    audit.record(actor, f"proposal.partner_{partner.status.value}", proposal, organisation_id=partner.organisation_id)
    _record(actor, f"proposal.partner_{partner.status.value}", proposal, after={"organisation_id": partner.organisation_id})
    notify(_members(proposal.company_id), _l("%(partner)s answered your consortium invitation: %(answer)s",
                                             partner=partner.organisation.name,
                                             answer=_l("confirmed") if confirm else _l("declined")),
           "proposals.detail", proposal_id=proposal.id)


def partner_candidates(proposal: Proposal) -> list[Organisation]:
    taken = {proposal.company_id, *(p.organisation_id for p in proposal.partners)}
    return verified_organisations(OrganisationKind.COMPANY, taken)


def add_attachment(actor: User, proposal: Proposal, upload: FileStorage, title: str | None,
                   now: datetime | None = None) -> ProposalAttachment:
    _require_change(actor, proposal, now)
    stored = store_upload(upload, actor.id)
    attachment = ProposalAttachment(file=stored, title=(title or "").strip() or stored.filename)
    proposal.attachments.append(attachment)
    db.session.flush()
    _record(actor, "proposal.attachment_added", proposal, after={"attachment": attachment.title, "sha256": stored.sha256})
    return attachment


def remove_attachment(actor: User, attachment: ProposalAttachment, now: datetime | None = None) -> None:
    proposal = attachment.proposal
    _require_change(actor, proposal, now)
    _record(actor, "proposal.attachment_removed", proposal, before={"attachment": attachment.title})
    proposal.attachments.remove(attachment)


def submit(actor: User, proposal: Proposal, declared: bool, now: datetime | None = None) -> ProposalVersion:
    """Freeze the working copy as a new version with its receipt. The row is locked first, so that two
    clicks at once make two versions in order, never two versions with the same number."""
    now = _require_change(actor, _locked(proposal), now)
    LIFECYCLE.check(proposal.status, P.SUBMITTED)
    if not declared:
        raise DomainError(_("Confirm the declaration to submit."))
    pending = [p.organisation.name for p in proposal.pending_partners]
    if pending:
        raise DomainError(_("Every partner must confirm before you submit. Waiting for: %(names)s.", names=", ".join(pending)))
    content = content_of(proposal, now)
    version = ProposalVersion(proposal_id=proposal.id, number=proposal.version_count + 1, submitted_at=now,
                              submitted_by_id=actor.id, content=content, digest=receipts.digest(content))
    db.session.add(version)
    db.session.flush()
    db.session.add_all(VersionFile(version_id=version.id, file_id=a.file_id, title=a.title) for a in proposal.attachments)
    before = proposal.status
    proposal.status, proposal.submitted_at, proposal.version_count = P.SUBMITTED, now, version.number
    _record(actor, "proposal.submitted", proposal, before={"status": before.value},
            after={"status": P.SUBMITTED.value, "version": version.number, "sha256": version.digest})
    notify(_team(proposal), _l("Proposal submitted (version %(n)d): %(title)s", n=version.number, title=proposal.challenge.title),
           "proposals.receipt", proposal_id=proposal.id, number=version.number)
    return version


def withdraw(actor: User, proposal: Proposal, reason: str | None, now: datetime | None = None) -> None:
    now = _require_change(actor, _locked(proposal), now)
    LIFECYCLE.check(proposal.status, P.WITHDRAWN)
    proposal.status, proposal.withdrawn_at = P.WITHDRAWN, now
    _record(actor, "proposal.withdrawn", proposal, before={"status": P.SUBMITTED.value},
            after={"status": P.WITHDRAWN.value}, note=(reason or "").strip() or None)


def _locked(proposal: Proposal) -> Proposal:
    """Re-read the proposal with a row lock (PostgreSQL: SELECT … FOR UPDATE; SQLite serialises writers itself)."""
    db.session.execute(sa.select(Proposal.id).where(Proposal.id == proposal.id).with_for_update())
    db.session.refresh(proposal)
    return proposal


def content_of(proposal: Proposal, now: datetime) -> dict[str, Any]:
    """The content a version freezes and its receipt covers."""
    return {
        "challenge": {"id": proposal.challenge_id, "title": proposal.challenge.title},
        "company": {"id": proposal.company_id, "name": proposal.company.name},
        **{name: _jsonable(getattr(proposal, name)) for name in FIELDS},
        "partners": [{"id": p.organisation_id, "name": p.organisation.name} for p in proposal.partners],
        "attachments": [{"title": a.title, "filename": a.file.filename, "size": a.file.size, "sha256": a.file.sha256}
                        for a in proposal.attachments],
        "declaration": DECLARATION_TEXT,
        "submitted_at": now.isoformat(),
    }


def has_unsubmitted_changes(proposal: Proposal, latest: ProposalVersion | None) -> bool:
    """Whether the company changed its working copy since the last version (a renamed challenge or company is no change of its own)."""
    if latest is None:
        return False
    return _own_part(content_of(proposal, latest.submitted_at)) != _own_part(latest.content)


def _own_part(content: dict[str, Any]) -> tuple:
    return ({name: content.get(name) for name in FIELDS}, [p["id"] for p in content.get("partners", [])],
            [(a["title"], a["sha256"]) for a in content.get("attachments", [])])


def _jsonable(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def versions(proposal: Proposal) -> list[ProposalVersion]:
    return list(db.session.scalars(
        sa.select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id).order_by(ProposalVersion.number)))


def version(proposal: Proposal, number: int) -> ProposalVersion | None:
    return db.session.scalar(sa.select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id,
                                                              ProposalVersion.number == number))


def latest_version(proposal: Proposal) -> ProposalVersion | None:
    return version(proposal, proposal.version_count) if proposal.version_count else None


def version_files(version: ProposalVersion) -> list[VersionFile]:
    return list(db.session.scalars(sa.select(VersionFile).where(VersionFile.version_id == version.id)))


def verify(version: ProposalVersion) -> list[str]:
    """Recompute the receipt from what is stored now; the problems found (empty: it verifies)."""
    recorded = {a["sha256"] for a in version.content.get("attachments", [])}
    stored = db.session.scalars(
        sa.select(StoredFile).join(VersionFile, VersionFile.file_id == StoredFile.id)
        .where(VersionFile.version_id == version.id).options(undefer(StoredFile.data))
    ).all()
    files = {file.sha256: intact_bytes(file) for file in stored if file.sha256 in recorded}
    return receipts.verification_problems(version.content, version.digest, files)


def versions_with_digest(digest: str) -> list[ProposalVersion]:
    return list(db.session.scalars(sa.select(ProposalVersion).where(ProposalVersion.digest == digest.strip().lower())))


def my_proposals(user: User) -> sa.Select:
    """The company's own proposals and those it is a confirmed or invited partner in, newest first."""
    partner_of = sa.select(ProposalPartner.proposal_id).where(ProposalPartner.organisation_id == user.organisation_id)
    return (sa.select(Proposal).where(sa.or_(Proposal.company_id == user.organisation_id, Proposal.id.in_(partner_of)))
            .order_by(Proposal.updated_at.desc()))


def submitted_count(challenge: Challenge) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Proposal).where(
        Proposal.challenge_id == challenge.id, Proposal.status == P.SUBMITTED)) or 0


def submitted_proposals(challenge: Challenge) -> list[Proposal]:
    return list(db.session.scalars(sa.select(Proposal).where(
        Proposal.challenge_id == challenge.id, Proposal.status == P.SUBMITTED).order_by(Proposal.id)))


def _members(organisation_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.organisation_id == organisation_id, User.active)))


def _team(proposal: Proposal) -> list[User]:
    ids = {proposal.company_id, *proposal.confirmed_partner_ids}
    return list(db.session.scalars(sa.select(User).where(User.organisation_id.in_(ids), User.active)))


def _record(actor: User | None, action: str, proposal: Proposal, **change) -> None:
    """Proposals are sealed: the entry goes to the proposing company's log only."""
    audit.record(actor, action, proposal, organisation_id=proposal.company_id, **change)


@public_change_audience.connect
def _companies_with_a_draft(challenge: Challenge) -> list[User]:
    """A public change to a challenge is news for companies still drafting their proposal."""
    drafting = sa.select(Proposal.company_id).where(Proposal.challenge_id == challenge.id, Proposal.status == P.DRAFT)
    return list(db.session.scalars(sa.select(User).where(User.organisation_id.in_(drafting), User.active)))


# ---- evaluation ----------------------------------------------------------------------------------

def panel(challenge: Challenge) -> list[PanelMember]:
    return list(db.session.scalars(sa.select(PanelMember).where(PanelMember.challenge_id == challenge.id).order_by(PanelMember.id)))


def panel_member(challenge: Challenge, user: User) -> PanelMember | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(PanelMember).where(PanelMember.challenge_id == challenge.id, PanelMember.user_id == user.id))


def sits_on_panel(challenge: Challenge, user: User) -> bool:
    """Whether `user` is on the challenge's evaluation panel. Only its owners' and its cluster's people can be
    (`panel_candidates`): for anyone else this costs no query."""
    if not user.is_authenticated or user.organisation_id not in (*challenge.owner_ids, challenge.cluster_id):
        return False
    return panel_member(challenge, user) is not None


def panel_candidates(challenge: Challenge) -> list[User]:
    on_panel = sa.select(PanelMember.user_id).where(PanelMember.challenge_id == challenge.id)
    return list(db.session.scalars(
        sa.select(User).where(User.organisation_id.in_([*challenge.owner_ids, challenge.cluster_id]), User.active,
                              User.id.not_in(on_panel)).order_by(User.display_name)))


def add_panel_member(actor: User, challenge: Challenge, user_id: int, now: datetime | None = None) -> PanelMember:
    if not permissions.can_manage_panel(actor, challenge, now or utcnow()):
        raise PermissionDenied()
    candidate = db.session.get(User, user_id)
    if candidate is None or candidate not in panel_candidates(challenge):
        raise DomainError(_("Choose a member of your authority or of the facilitating cluster."))
    member = PanelMember(challenge_id=challenge.id, user_id=candidate.id, added_by_id=actor.id)
    db.session.add(member)
    db.session.flush()
    _record_evaluation(actor, "panel.member_added", challenge, after={"user": candidate.email})
    notify([candidate], _l("You are on the evaluation panel of %(title)s", title=challenge.title),
           "proposals.evaluation", challenge_id=challenge.id)
    return member


def remove_panel_member(actor: User, member: PanelMember, now: datetime | None = None) -> None:
    challenge = db.session.get(Challenge, member.challenge_id)
    if not permissions.can_manage_panel(actor, challenge, now or utcnow()):
        raise PermissionDenied()
    _record_evaluation(actor, "panel.member_removed", challenge, before={"user": member.user.email})
    db.session.delete(member)


def flagged_proposals(challenge: Challenge) -> list[Proposal]:
    """Submitted proposals by companies that are members of the facilitating cluster: a neutrality risk."""
    members = sa.select(ClusterMembership.company_id).where(
        ClusterMembership.cluster_id == challenge.cluster_id, ClusterMembership.status == MembershipStatus.ACCEPTED)
    return list(db.session.scalars(sa.select(Proposal).where(
        Proposal.challenge_id == challenge.id, Proposal.status == P.SUBMITTED, Proposal.company_id.in_(members))))


def needs_neutrality_answer(member: PanelMember, challenge: Challenge, flagged: list[Proposal]) -> bool:
    return bool(flagged) and member.user.organisation_id == challenge.cluster_id


def recused_ids(member: PanelMember | None, flagged: list[Proposal]) -> set[int]:
    if member is None or member.neutrality != Neutrality.RECUSED:
        return set()
    return {proposal.id for proposal in flagged}


def declare(actor: User, member: PanelMember, conflict: bool, note: str | None, neutrality: Neutrality | None = None,
            neutrality_note: str | None = None, now: datetime | None = None) -> None:
    """The conflict-of-interest declaration; a declared conflict excludes the evaluator. Cluster evaluators
    facing member companies recuse from those proposals or justify staying on."""
    challenge = db.session.get(Challenge, member.challenge_id)
    if not permissions.can_declare(actor, member, challenge):
        raise PermissionDenied()
    if member.declaration != Declaration.PENDING:
        raise DomainError(_("You have made your declaration already."))
    note = (note or "").strip() or None
    if conflict and not note:
        raise DomainError(_("Describe the conflict of interest."))
    if not conflict and needs_neutrality_answer(member, challenge, flagged_proposals(challenge)):
        if neutrality is None:
            raise DomainError(_("Say whether you recuse yourself from the proposals of your cluster's members or justify staying."))
        if neutrality == Neutrality.JUSTIFIED and not (neutrality_note or "").strip():
            raise DomainError(_("Give the justification."))
        member.neutrality, member.neutrality_note = neutrality, (neutrality_note or "").strip() or None
    member.declaration = Declaration.CONFLICT if conflict else Declaration.NO_CONFLICT
    member.declaration_note, member.declared_at = note, now or utcnow()
    _record_evaluation(actor, "panel.declaration", challenge,
                       after={"declaration": member.declaration.value,
                              "neutrality": member.neutrality.value if member.neutrality else None},
                       note=note or member.neutrality_note)


def save_scores(actor: User, member: PanelMember, proposal: Proposal, entries: dict[int, tuple[int | None, str]],
                now: datetime | None = None) -> int:
    """Save this evaluator's scores for one proposal: {criterion id: (score or None, comment)}. Returns
    how many comments are still missing."""
    now = now or utcnow()
    challenge = proposal.challenge
    recused = recused_ids(member, flagged_proposals(challenge))
    if not (permissions.can_score(actor, member, challenge)
            and permissions.can_read_as_evaluator(actor, proposal, member, recused, now)):
        raise PermissionDenied()
    if db.session.get(Decision, challenge.id) is not None:
        raise DomainError(_("The decision is made: scores can no longer change."))
    criteria = {criterion.id for criterion in challenge.criteria}
    existing = {s.criterion_id: s for s in db.session.scalars(sa.select(Score).where(
        Score.panel_member_id == member.id, Score.proposal_id == proposal.id))}
    for criterion_id, (value, comment) in entries.items():
        if criterion_id not in criteria or value is None:
            continue
        if not SCORE_MIN <= value <= SCORE_MAX:
            raise DomainError(_("Scores go from %(low)d to %(high)d.", low=SCORE_MIN, high=SCORE_MAX))
        score = existing.get(criterion_id) or Score(panel_member_id=member.id, proposal_id=proposal.id, criterion_id=criterion_id)
        score.score, score.comment = value, (comment or "").strip()
        db.session.add(score)
    db.session.flush()
    _record_evaluation(actor, "evaluation.scored", challenge, after={"proposal_id": proposal.id})
    return sum(1 for s in db.session.scalars(sa.select(Score).where(
        Score.panel_member_id == member.id, Score.proposal_id == proposal.id)) if not s.comment)


def my_scores(member: PanelMember, proposal: Proposal) -> dict[int, Score]:
    return {s.criterion_id: s for s in db.session.scalars(sa.select(Score).where(
        Score.panel_member_id == member.id, Score.proposal_id == proposal.id))}


@dataclass
class QueueItem:
    proposal: Proposal
    title: str  # as submitted: the working copy may have changed since
    scored: int  # criteria with a score and a comment
    missing_comments: int
    criteria: int

    @property
    def state(self) -> str:
        if self.scored == self.criteria:
            return "scored"
        return "comment_missing" if self.missing_comments else "to_score"


def queue(member: PanelMember, challenge: Challenge, now: datetime | None = None) -> list[QueueItem]:
    """The evaluator's proposals: to score, scored, and those where a comment is still missing."""
    now = now or utcnow()
    user = member.user
    recused = recused_ids(member, flagged_proposals(challenge))
    proposals = [p for p in submitted_proposals(challenge)
                 if permissions.can_read_as_evaluator(user, p, member, recused, now)]
    commented = (Score.comment != "").label("commented")  # grouped by its name: PostgreSQL sees two parameters otherwise
    counts = {(pid, complete): n for pid, complete, n in db.session.execute(
        sa.select(Score.proposal_id, commented, sa.func.count())
        .where(Score.panel_member_id == member.id).group_by(Score.proposal_id, commented))}
    size = len(challenge.criteria)
    titles = submitted_titles(challenge)
    return [QueueItem(p, titles[p.id], counts.get((p.id, True), 0), counts.get((p.id, False), 0), size) for p in proposals]


def proposing_companies(challenge: Challenge) -> list[str]:
    """Names of the companies in submitted proposals, leads and confirmed partners: what an evaluator
    needs to see to declare a conflict of interest."""
    names = set()
    for proposal in submitted_proposals(challenge):
        names.add(proposal.company.name)
        names.update(p.organisation.name for p in proposal.partners if p.status == PartnerStatus.CONFIRMED)
    return sorted(names)


def submitted_titles(challenge: Challenge) -> dict[int, str]:
    """{proposal id: title} of the submitted proposals as in the version that counts, not the working copy."""
    return dict(db.session.execute(
        sa.select(Proposal.id, ProposalVersion.content["title"].as_string())
        .join(ProposalVersion, sa.and_(ProposalVersion.proposal_id == Proposal.id, ProposalVersion.number == Proposal.version_count))
        .where(Proposal.challenge_id == challenge.id, Proposal.status == P.SUBMITTED)).all())


def scoring_complete(challenge: Challenge) -> bool:
    """Every evaluator not excluded by a conflict has scored, with a comment, every criterion of every proposal
    they may score (an evaluator who has not declared yet has not scored)."""
    members = [m for m in panel(challenge) if m.declaration != Declaration.CONFLICT]
    proposals = submitted_proposals(challenge)
    if not members or not proposals:
        return False
    flagged = flagged_proposals(challenge)
    done = set(db.session.execute(
        sa.select(Score.panel_member_id, Score.proposal_id, Score.criterion_id)
        .join(Proposal, Proposal.id == Score.proposal_id)
        .where(Proposal.challenge_id == challenge.id, Score.comment != "")).all())
    for member in members:
        recused = recused_ids(member, flagged)
        for proposal in proposals:
            if proposal.id in recused:
                continue
            if any((member.id, proposal.id, c.id) not in done for c in challenge.criteria):
                return False
    return True


def decide(actor: User, challenge: Challenge, selected_ids: list[int], reason: str, now: datetime | None = None) -> Decision:
    """Select proposals for a pilot (none selected: no award), with the reason every company reads."""
    now = now or utcnow()
    if not permissions.can_decide(actor, challenge):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the decision: every company reads it in its debrief."))
    proposals = {p.id: p for p in submitted_proposals(challenge)}
    if not set(selected_ids) <= set(proposals):
        raise DomainError(_("Only submitted proposals can be selected."))
    if selected_ids and not scoring_complete(challenge):
        raise DomainError(_("The panel has not finished scoring: a selection needs the complete evaluation."))
    award = bool(selected_ids)
    decision = Decision(challenge_id=challenge.id, decided_by_id=actor.id, decided_at=now, award=award, reason=reason)
    db.session.add(decision)
    for proposal in proposals.values():
        proposal.outcome = Outcome.SELECTED if proposal.id in selected_ids else Outcome.NOT_SELECTED
    challenge_services.record_decision(actor, challenge, ChallengeStatus.AWARDED if award else ChallengeStatus.NO_AWARD,
                                       reason, now)
    _record_evaluation(actor, "evaluation.decided", challenge, after={"selected": sorted(selected_ids)}, note=reason)
    for proposal in proposals.values():
        notify(_team(proposal), _l("Decision on %(title)s: your debrief is ready", title=challenge.title),
               "proposals.debrief", proposal_id=proposal.id)
        if proposal.outcome == Outcome.SELECTED:
            proposal_selected.send(proposal, actor=actor)
    return decision


def decision_of(challenge: Challenge) -> Decision | None:
    return db.session.get(Decision, challenge.id)


def selected_companies(challenge: Challenge) -> list[Organisation]:
    """Public once the decision is made: the companies whose proposals were selected."""
    return list(db.session.scalars(sa.select(Organisation).join(Proposal, Proposal.company_id == Organisation.id).where(
        Proposal.challenge_id == challenge.id, Proposal.outcome == Outcome.SELECTED).order_by(Organisation.name)))


def _record_evaluation(actor: User, action: str, challenge: Challenge, **change) -> None:
    audit.record(actor, action, challenge, organisation_id=challenge.lead_authority_id, **change)


def reads_as_evaluator_or_decider(user: User, proposal: Proposal, now: datetime) -> bool:
    """After the deadline: a cleared panel member not recused from it, or the authority once the panel has
    finished (or the decision is made). The facts come from the database; the rules from permissions."""
    challenge = proposal.challenge
    member = panel_member(challenge, user)
    recused = recused_ids(member, flagged_proposals(challenge)) if member else set()
    if permissions.can_read_as_evaluator(user, proposal, member, recused, now):
        return True
    decided = scoring_complete(challenge) or decision_of(challenge) is not None
    return permissions.can_read_for_decision(user, proposal, decided, now)
