"""Operations on challenges: create, edit, move through the lifecycle, attachments, questions, follows.

Each takes an explicit actor, checks the permission predicate, changes state, writes the audit log and
flushes; the caller commits.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from ppi.accounts.models import Organisation, OrganisationKind, User
from ppi.accounts.services import verified_organisation_names, verified_organisations
from ppi.challenges import brands, permissions
from ppi.challenges.labels import STATUS_LABELS
from ppi.challenges.signals import public_change_audience, status_changed
from ppi.challenges.models import (
    SEARCH_CONFIGURATION,
    Challenge,
    ChallengeAttachment,
    ChallengeCpv,
    ChallengePartner,
    ContractKind,
    Criterion,
    Follow,
    IprModel,
    PublicChange,
    Question,
    ReminderSent,
    StatusChange,
    search_document,
    search_vector,
)
from ppi.challenges.workflow import (
    LIFECYCLE,
    PUBLIC_STATUSES,
    ChallengeStatus,
    criteria_problems,
    deadline_problems,
    needs_reason,
)
from ppi.core import audit
from ppi.core.errors import DomainError, PermissionDenied
from ppi.core.files import store_upload
from ppi.core.notify import notify
from ppi.core.timeutil import utcnow
from ppi.extensions import db

S = ChallengeStatus


@dataclass
class CriterionData:
    name: str
    weight: int
    description: str | None = None


@dataclass
class ChallengeData:
    title: str
    summary: str
    description: str
    expected_benefits: str
    test_setting: str
    test_users_offered: int
    pilot_budget_eur: Decimal
    contract_kind: ContractKind
    cpv_codes: list[str]
    nuts_code: str
    languages: list[str]
    ipr_model: IprModel
    questions_deadline: datetime
    proposal_deadline: datetime
    cluster_id: int
    criteria: list[CriterionData]
    estimated_contract_value_eur: Decimal | None = None
    ipr_note: str | None = None
    partner_ids: list[int] = field(default_factory=list)


SCALAR_FIELDS = [
    "title", "summary", "description", "expected_benefits", "test_setting", "test_users_offered",
    "pilot_budget_eur", "estimated_contract_value_eur", "contract_kind", "nuts_code", "languages",
    "ipr_model", "ipr_note", "questions_deadline", "proposal_deadline", "cluster_id",
]

DEADLINE_MESSAGES = {
    "missing": _l("Give both deadlines."),
    "order": _l("The proposal deadline must be after the questions deadline."),
    "past": _l("The proposal deadline must be in the future."),
}
CRITERIA_MESSAGES = {
    "no_criteria": _l("Give at least one evaluation criterion."),
    "non_positive": _l("Every criterion needs a weight above 0."),
    "sum": _l("The weights of the criteria must add up to 100."),
}


def verified_clusters() -> list[Organisation]:
    return verified_organisations(OrganisationKind.CLUSTER)


def authority_choices() -> list[sa.Row]:
    """The id and name of every verified authority: the list's filter offers them all."""
    return verified_organisation_names(OrganisationKind.PUBLIC_AUTHORITY)


def verified_authorities(excluding: int | None = None) -> list[Organisation]:
    return verified_organisations(OrganisationKind.PUBLIC_AUTHORITY, () if excluding is None else (excluding,))


def _check_data(data: ChallengeData, lead_authority_id: int, now: datetime) -> None:
    """The rules a saved challenge always meets (the form shows the same problems next to the fields)."""
    problems = [str(DEADLINE_MESSAGES[p]) for p in deadline_problems(data.questions_deadline, data.proposal_deadline, now)]
    problems += [str(CRITERIA_MESSAGES[p]) for p in criteria_problems([c.weight for c in data.criteria])]
    if not data.cpv_codes:
        problems.append(_("Give at least one CPV code."))
    if data.cluster_id not in {cluster.id for cluster in verified_clusters()}:
        problems.append(_("Choose a verified cluster to facilitate the challenge."))
    partners = {org.id for org in verified_authorities(excluding=lead_authority_id)}
    if not set(data.partner_ids) <= partners:
        problems.append(_("Partners must be verified public authorities."))
    if problems:
        raise DomainError(" ".join(problems))


def _snapshot(challenge: Challenge) -> dict[str, Any]:
    values = {name: _jsonable(getattr(challenge, name)) for name in SCALAR_FIELDS}
    values["cpv_codes"] = sorted(challenge.codes)
    values["criteria"] = [[c.name, c.weight, c.description or ""] for c in challenge.criteria]
    values["partner_ids"] = sorted(p.organisation_id for p in challenge.partners)
    return values


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _apply(challenge: Challenge, data: ChallengeData) -> None:
    for name in SCALAR_FIELDS:
        setattr(challenge, name, getattr(data, name))
    challenge.cpv_codes = [ChallengeCpv(code=code) for code in dict.fromkeys(data.cpv_codes)]
    challenge.criteria = [
        Criterion(position=index, name=c.name, weight=c.weight, description=c.description or None)
        for index, c in enumerate(data.criteria)
    ]
    challenge.partners = [ChallengePartner(organisation_id=org_id) for org_id in dict.fromkeys(data.partner_ids)]


def _record(actor: User, action: str, challenge: Challenge, **change) -> None:
    """The lead authority and the facilitating cluster both see the entry in their audit log."""
    for organisation_id in {challenge.lead_authority_id, challenge.cluster_id}:
        audit.record(actor, action, challenge, organisation_id=organisation_id, **change)


def create_challenge(actor: User, data: ChallengeData, now: datetime | None = None) -> Challenge:
    if not permissions.can_create_challenge(actor):
        raise PermissionDenied()
    now = now or utcnow()
    _check_data(data, actor.organisation_id, now)
    challenge = Challenge(lead_authority_id=actor.organisation_id, created_by_id=actor.id, status=S.DRAFT)
    _apply(challenge, data)
    db.session.add(challenge)
    db.session.flush()
    _record(actor, "challenge.created", challenge, after={"title": challenge.title, "status": S.DRAFT.value})
    return challenge


def update_challenge(actor: User, challenge: Challenge, data: ChallengeData, change_note: str | None,
                     now: datetime | None = None) -> list[str]:
    """Save an edit; after publication the change is shown to everyone and followers are told. Returns the changed fields."""
    now = now or utcnow()
    if not permissions.can_edit_challenge(actor, challenge, now):
        raise PermissionDenied()
    published = challenge.status == S.PUBLISHED
    if published and not (change_note or "").strip():
        raise DomainError(_("Say what changed and why: everyone will read it."))
    _check_data(data, challenge.lead_authority_id, now)
    before = _snapshot(challenge)
    _apply(challenge, data)
    db.session.flush()
    after = _snapshot(challenge)
    changed = [name for name in after if before[name] != after[name]]
    if not changed:
        return []
    _record(actor, "challenge.updated", challenge,
            before={k: before[k] for k in changed}, after={k: after[k] for k in changed}, note=change_note)
    if published:
        _public_change(challenge, changed, change_note.strip())
    return changed


def transition(actor: User, challenge: Challenge, target: ChallengeStatus, reason: str | None = None,
               brand_note: str | None = None, now: datetime | None = None) -> None:
    """Move the challenge to `target` by the state machine, the role rules and the guards of each step."""
    now = now or utcnow()
    current = challenge.status_at(now)
    LIFECYCLE.check(current, target)
    if not permissions.can_transition(actor, challenge, target, now):
        raise PermissionDenied()
    reason = (reason or "").strip() or None
    if needs_reason(current, target) and not reason:
        raise DomainError(_("Give a reason: it is shown with the challenge."))
    _guard(challenge, target, brand_note, now)
    if target == S.IN_MODERATION and brand_note is not None:
        challenge.brand_override_note, challenge.brand_override_at = brand_note.strip() or None, now
        _record(actor, "challenge.brand_warning_overridden", challenge,
                after={"names": brands.mentions(_specification_text(challenge))}, note=brand_note)
    challenge.status = target
    if target == S.IN_MODERATION:
        challenge.submitted_at = now
    if target == S.PUBLISHED:
        challenge.published_at = now
    if target in (S.CANCELLED, S.NO_AWARD):
        challenge.public_reason = reason
    db.session.add(StatusChange(challenge_id=challenge.id, from_status=current, to_status=target, actor_id=actor.id,
                                at=now, comment=reason))
    _record(actor, f"challenge.{target.value}", challenge, before={"status": current.value}, after={"status": target.value}, note=reason)
    _tell_about_transition(challenge, target)


def record_decision(actor: User, challenge: Challenge, target: ChallengeStatus, reason: str, now: datetime | None = None) -> None:
    """End the evaluation: awarded or no award. Called by the evaluation's decision, which checks who decides."""
    now = now or utcnow()
    if target not in permissions.DECISION_TARGETS or not permissions.is_owner(actor, challenge):
        raise PermissionDenied()
    current = challenge.status_at(now)
    LIFECYCLE.check(current, target)
    challenge.status = target
    challenge.public_reason = reason
    db.session.add(StatusChange(challenge_id=challenge.id, from_status=current, to_status=target, actor_id=actor.id,
                                at=now, comment=reason))
    _record(actor, f"challenge.{target.value}", challenge, before={"status": current.value}, after={"status": target.value}, note=reason)
    _tell_about_transition(challenge, target)


def _guard(challenge: Challenge, target: ChallengeStatus, brand_note: str | None, now: datetime) -> None:
    if target in (S.IN_MODERATION, S.PUBLISHED):
        problems = deadline_problems(challenge.questions_deadline, challenge.proposal_deadline, now)
        if problems:
            raise DomainError(" ".join(str(DEADLINE_MESSAGES[p]) for p in problems))
    if target == S.IN_MODERATION and brand_note is None and brand_warnings(challenge):
        raise DomainError(_("The description names a make, brand or product: confirm the references are justified, or edit them."))


def _specification_text(challenge: Challenge) -> str:
    return "\n".join([challenge.title, challenge.summary, challenge.description, challenge.test_setting,
                      challenge.expected_benefits])


def brand_warnings(challenge: Challenge) -> list[str]:
    """Names that Art 42(4) Dir. 2014/24/EU forbids in a specification unless justified and 'or equivalent'."""
    return brands.mentions(_specification_text(challenge))


def _owners(challenge: Challenge) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.organisation_id.in_(challenge.owner_ids), User.active)))


def _cluster_members(challenge: Challenge) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.organisation_id == challenge.cluster_id, User.active)))


def followers(challenge: Challenge) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(Follow, Follow.user_id == User.id).where(Follow.challenge_id == challenge.id, User.active)
    ))


def _tell_about_transition(challenge: Challenge, target: ChallengeStatus) -> None:
    message = _l("%(title)s: %(status)s", title=challenge.title, status=STATUS_LABELS[target])
    if target == S.IN_MODERATION:
        notify(_cluster_members(challenge), message, "challenges.detail", challenge_id=challenge.id)
    elif target in (S.PUBLISHED, S.DRAFT):
        notify(_owners(challenge), message, "challenges.detail", challenge_id=challenge.id)
    elif target in (S.CANCELLED, S.AWARDED, S.NO_AWARD):
        notify([*followers(challenge), *_cluster_members(challenge)], message, "challenges.detail", challenge_id=challenge.id)
    status_changed.send(challenge, target=target)


def add_attachment(actor: User, challenge: Challenge, upload: FileStorage, title: str | None, now: datetime | None = None) -> ChallengeAttachment:
    now = now or utcnow()
    if not permissions.can_manage_attachments(actor, challenge, now):
        raise PermissionDenied()
    stored = store_upload(upload, actor.id)
    attachment = ChallengeAttachment(challenge=challenge, file=stored, title=(title or "").strip() or stored.filename)
    db.session.add(attachment)
    db.session.flush()
    _record(actor, "challenge.attachment_added", challenge,
            after={"attachment": attachment.title, "sha256": stored.sha256, "size": stored.size})
    _public_change_if_published(challenge, ["attachments"], _("Attachment added: %(title)s", title=attachment.title))
    return attachment


def remove_attachment(actor: User, attachment: ChallengeAttachment, now: datetime | None = None) -> None:
    challenge = attachment.challenge
    if not permissions.can_manage_attachments(actor, challenge, now or utcnow()):
        raise PermissionDenied()
    _record(actor, "challenge.attachment_removed", challenge, before={"attachment": attachment.title})
    _public_change_if_published(challenge, ["attachments"], _("Attachment removed: %(title)s", title=attachment.title))
    db.session.delete(attachment)


def _public_change_if_published(challenge: Challenge, changed: list[str], note: str) -> None:
    if challenge.status == S.PUBLISHED:
        _public_change(challenge, changed, note)


def _public_change(challenge: Challenge, changed: list[str], note: str) -> None:
    """Show the change to everyone, and tell the followers and whoever the other domains add."""
    db.session.add(PublicChange(challenge_id=challenge.id, fields=changed, note=note))
    audience = followers(challenge)
    for _receiver, users in public_change_audience.send(challenge):
        audience.extend(users)
    notify(audience, _l("Changed: %(title)s", title=challenge.title), "challenges.detail", challenge_id=challenge.id)


def ask_question(actor: User, challenge: Challenge, text: str, now: datetime | None = None) -> Question:
    now = now or utcnow()
    if not permissions.can_ask_question(actor, challenge, now):
        raise PermissionDenied()
    question = Question(challenge_id=challenge.id, asked_by_id=actor.id, asker_organisation_id=actor.organisation_id,
                        text=text.strip(), asked_at=now)
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "question.asked", question, organisation_id=actor.organisation_id)
    audit.record(None, "question.received", question, organisation_id=challenge.lead_authority_id)  # no asker shown
    notify(_owners(challenge), _l("New question on %(title)s", title=challenge.title), "challenges.detail",
           challenge_id=challenge.id)
    return question


def answer_question(actor: User, question: Question, answer: str, published_question: str | None) -> None:
    challenge = db.session.get(Challenge, question.challenge_id)
    if not permissions.can_answer(actor, question, challenge):
        raise PermissionDenied()
    question.answer = answer.strip()
    question.published_question = (published_question or "").strip() or question.text
    question.answered_by_id = actor.id
    question.answered_at = utcnow()
    _record(actor, "question.answered", challenge, after={"question_id": question.id})
    notify(followers(challenge), _l("New answer on %(title)s", title=challenge.title), "challenges.detail",
           challenge_id=challenge.id)


def follow(actor: User, challenge: Challenge) -> None:
    if not permissions.can_follow(actor, challenge):
        raise PermissionDenied()
    if db.session.get(Follow, (actor.id, challenge.id)) is None:
        db.session.add(Follow(user_id=actor.id, challenge_id=challenge.id))


def unfollow(actor: User, challenge: Challenge) -> None:
    existing = db.session.get(Follow, (actor.id, challenge.id))
    if existing is not None:
        db.session.delete(existing)


def is_following(user: User, challenge: Challenge) -> bool:
    return user.is_authenticated and db.session.get(Follow, (user.id, challenge.id)) is not None


def _reminder_message(kind: str, challenge: Challenge):
    if kind == "questions":
        return _l("Questions close soon: %(title)s", title=challenge.title)
    return _l("Proposals close soon: %(title)s", title=challenge.title)


def send_deadline_reminders(now: datetime | None = None) -> int:
    """Remind followers of deadlines that fall within the configured days; each deadline once."""
    now = now or utcnow()
    horizon = now + timedelta(days=current_app.config["CHALLENGE_REMINDER_DAYS"])
    sent = 0
    for kind, column in (("questions", Challenge.questions_deadline), ("proposals", Challenge.proposal_deadline)):
        reminded = sa.select(ReminderSent.challenge_id).where(ReminderSent.deadline == kind)
        due = db.session.scalars(
            sa.select(Challenge).where(Challenge.status == S.PUBLISHED, column > now, column <= horizon,
                                       Challenge.id.not_in(reminded))
        ).all()
        for challenge in due:
            sent += notify(followers(challenge), _reminder_message(kind, challenge), "challenges.detail",
                           challenge_id=challenge.id)
            db.session.add(ReminderSent(challenge_id=challenge.id, deadline=kind, sent_at=now))
    db.session.flush()
    return sent


@dataclass
class ChallengeFilters:
    q: str = ""
    status: str = ""  # "open", "closed", or a stored public status
    cpv_division: str = ""
    region: str = ""  # a NUTS code or prefix
    authority_id: int | None = None
    deadline_from: datetime | None = None
    deadline_to: datetime | None = None
    sort: str = "deadline"


SORTS = {
    "deadline": (Challenge.proposal_deadline.asc(), Challenge.id),
    "newest": (Challenge.published_at.desc(), Challenge.id.desc()),
    "title": (Challenge.title, Challenge.id),
}


# What the lists show of a challenge: the API its partners too, a card only its authority (joined) and CPV codes;
# neither its criteria.
LIST_LOADING = (sa.orm.lazyload(Challenge.criteria),)
CARD_LOADING = (*LIST_LOADING, sa.orm.lazyload(Challenge.partners))
# The stored statuses that are not public (CLOSED is never stored). The list says `status NOT IN` these rather than
# `status IN` the public ones: the same rows, but SQLite (which keeps no statistics unless ANALYZE runs) then reads
# the index of the chosen sort and stops after a page, instead of sorting nearly every challenge through the index
# on status.
NOT_PUBLIC_STATUSES = sorted(set(ChallengeStatus) - PUBLIC_STATUSES - {ChallengeStatus.CLOSED})


def text_match(query: str):
    """Full-text search: PostgreSQL's own, through the index on `search_vector`; on SQLite, every word must appear,
    in any letter case (a scan: fine for the small databases SQLite is for)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return search_vector(Challenge.__table__.c).op("@@")(sa.func.websearch_to_tsquery(SEARCH_CONFIGURATION, query))
    words = query.casefold().split()[:10]
    return sa.and_(*(sa.func.casefold(search_document(Challenge.__table__.c)).contains(word, autoescape=True)
                     for word in words))


def public_challenges(filters: ChallengeFilters, now: datetime) -> sa.Select:
    """Published and later challenges matching the filters, sorted; the caller paginates."""
    stmt = sa.select(Challenge).where(Challenge.status.not_in(NOT_PUBLIC_STATUSES), Challenge.published_at.is_not(None))
    if filters.q.strip():
        stmt = stmt.where(text_match(filters.q.strip()))
    if filters.status == "open":
        stmt = stmt.where(Challenge.status == S.PUBLISHED, Challenge.proposal_deadline > now)
    elif filters.status == "closed":
        stmt = stmt.where(Challenge.status == S.PUBLISHED, Challenge.proposal_deadline <= now)
    elif filters.status:
        stmt = stmt.where(Challenge.status == ChallengeStatus(filters.status))
    if filters.cpv_division:
        stmt = stmt.where(Challenge.cpv_codes.any(ChallengeCpv.code.startswith(filters.cpv_division, autoescape=True)))
    if filters.region:
        stmt = stmt.where(Challenge.nuts_code.startswith(filters.region, autoescape=True))
    if filters.authority_id:
        stmt = stmt.where(sa.or_(
            Challenge.lead_authority_id == filters.authority_id,
            Challenge.partners.any(ChallengePartner.organisation_id == filters.authority_id),
        ))
    if filters.deadline_from:
        stmt = stmt.where(Challenge.proposal_deadline >= filters.deadline_from)
    if filters.deadline_to:
        stmt = stmt.where(Challenge.proposal_deadline < filters.deadline_to)
    return stmt.order_by(*SORTS.get(filters.sort, SORTS["deadline"]))


def managed_challenges(user: User) -> sa.Select:
    """Challenges the user's organisation owns (lead or partner) or facilitates, in every state."""
    org_id = user.organisation_id
    return (
        sa.select(Challenge)
        .where(sa.or_(
            Challenge.lead_authority_id == org_id,
            Challenge.cluster_id == org_id,
            Challenge.partners.any(ChallengePartner.organisation_id == org_id),
        ))
        .order_by(Challenge.updated_at.desc())
    )


def unanswered_counts(challenge_ids: list[int]) -> dict[int, int]:
    """Unanswered questions per challenge, in one query."""
    if not challenge_ids:
        return {}
    rows = db.session.execute(
        sa.select(Question.challenge_id, sa.func.count())
        .where(Question.challenge_id.in_(challenge_ids), Question.answered_at.is_(None))
        .group_by(Question.challenge_id)
    )
    return dict(rows.all())


def next_deadline(after: datetime) -> datetime | None:
    """The first questions or proposal deadline of any challenge later than `after`: until then, the public pages
    (open or closed, questions allowed, the days left) stay as they are unless the data changes. One query, each half
    read from an index (`ix_challenges_questions_deadline`, `ix_challenges_deadline`)."""
    def first_after(column: sa.Column) -> sa.ScalarSelect:
        return sa.select(column).where(column > after).order_by(column).limit(1).scalar_subquery()

    found = db.session.execute(
        sa.select(first_after(Challenge.questions_deadline), first_after(Challenge.proposal_deadline))).one()
    return min((deadline for deadline in found if deadline is not None), default=None)


def challenge_for_page(challenge_id: int, user: User) -> tuple[Challenge, bool] | None:
    """The challenge with what its page shows, and whether `user` follows it: one query for the challenge, its
    authority, cluster, CPV codes and partners (joined: a handful of rows) and the follow, one each for the criteria
    and the attachments."""
    following = (sa.exists().where(Follow.challenge_id == Challenge.id, Follow.user_id == user.id)
                 if user.is_authenticated else sa.false())
    stmt = (sa.select(Challenge, following.label("following")).where(Challenge.id == challenge_id)
            .options(sa.orm.joinedload(Challenge.cpv_codes), sa.orm.joinedload(Challenge.partners),
                     sa.orm.selectinload(Challenge.attachments)))
    row = db.session.execute(stmt).unique().one_or_none()
    return None if row is None else (row[0], bool(row[1]))


# The public part of a challenge's status history: why it was cancelled or not awarded. Only a challenge now in one of
# these states (archived: after its decision) can have passed through them.
PUBLIC_HISTORY = (S.CANCELLED, S.NO_AWARD)
MAY_HAVE_PUBLIC_HISTORY = (S.CANCELLED, S.NO_AWARD, S.ARCHIVED)


def status_history(challenge: Challenge, moderation: bool) -> list[StatusChange]:
    """Every move of the challenge for its owners and moderators (`moderation`); for everyone else the public ones,
    read only when the challenge can have any."""
    if not moderation and challenge.status not in MAY_HAVE_PUBLIC_HISTORY:
        return []
    history = db.session.scalars(
        sa.select(StatusChange).where(StatusChange.challenge_id == challenge.id).order_by(StatusChange.at)).all()
    return list(history) if moderation else [change for change in history if change.to_status in PUBLIC_HISTORY]


@dataclass
class PageQuestions:
    answers: list[Question]  # published, for everyone
    unanswered: list[Question]  # for the owners and the cluster
    own: list[Question]  # the viewer's organisation's, answered or not: only it sees that they were its own


def page_questions(challenge: Challenge, user: User, with_unanswered: bool) -> PageQuestions:
    """The questions the challenge page shows `user`, in one query."""
    own_organisation = user.organisation_id if user.is_authenticated else None
    shown = [Question.answered_at.is_not(None)]
    if with_unanswered:
        shown.append(Question.answered_at.is_(None))
    if own_organisation is not None:
        shown.append(Question.asker_organisation_id == own_organisation)
    questions = db.session.scalars(
        sa.select(Question).where(Question.challenge_id == challenge.id, sa.or_(*shown)).order_by(Question.id)).all()
    answered = [q for q in questions if q.answered_at is not None]
    return PageQuestions(
        answers=sorted(answered, key=lambda q: q.answered_at),
        unanswered=sorted((q for q in questions if q.answered_at is None), key=lambda q: q.asked_at) if with_unanswered else [],
        own=sorted((q for q in questions if q.asker_organisation_id == own_organisation), key=lambda q: q.asked_at)
        if own_organisation is not None else [],
    )


def unanswered_questions(challenge: Challenge) -> list[Question]:
    return list(db.session.scalars(
        sa.select(Question).where(Question.challenge_id == challenge.id, Question.answered_at.is_(None)).order_by(Question.asked_at)
    ))


def published_answers(challenge: Challenge) -> list[Question]:
    return list(db.session.scalars(
        sa.select(Question).where(Question.challenge_id == challenge.id, Question.answered_at.is_not(None)).order_by(Question.answered_at)
    ))
