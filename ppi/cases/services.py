"""Operations on case summaries: write one about a reported pilot or a closed procurement case, revise it, approve
it (the last party's approval publishes it), withdraw and reopen it; the public library and its search; the
"similar cases elsewhere" of a challenge.

Each operation takes an explicit actor, checks the permission predicate and the state, writes the audit log and
flushes; the caller commits. Every save copies the facts from the record again (`_snapshot`), so a draft shows the
record as it is; a published summary is never saved, so its facts stay as they were published.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from ppi.accounts.models import User
from ppi.cases import permissions
from ppi.cases.models import AUTHOR_FIELDS, CaseSummary, CaseSummaryCpv
from ppi.cases.workflow import (
    LIFECYCLE,
    Finding,
    KnownPersonalData,
    Outcome,
    OutcomeFacts,
    Party,
    SummaryStatus,
    all_approved,
    case_eligible,
    outcome_of,
    personal_data_in,
    pilot_eligible,
    sus_shown,
)
from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus
from ppi.core import audit
from ppi.core.errors import Conflict, DomainError, PermissionDenied
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.matching.index import words
from ppi.matching.scoring import CpvOverlap, cpv_overlap
from ppi.pilots import sus
from ppi.pilots.models import Feedback, Pilot, PilotStatusChange, TestUser
from ppi.pilots.workflow import PilotStatus
from ppi.procurement.models import CasePilot, ProcurementCase
from ppi.procurement.workflow import CaseStatus

S = SummaryStatus


@dataclass
class SummaryTexts:
    """What the authors write; every field is public once the summary is published."""

    title: str
    what_was_tried: str
    with_whom: str
    users_said: str | None
    learned: str
    differently: str | None

    @classmethod
    def of(cls, summary: CaseSummary) -> "SummaryTexts":
        return cls(**{name: getattr(summary, name) for name in AUTHOR_FIELDS})


class PersonalDataFound(DomainError):
    """Personal data in the authors' texts: `findings` per field, shown next to each."""

    status_code = 400

    def __init__(self, findings: dict[str, list[Finding]]):
        super().__init__(_("A text names a person or holds personal data: it may not be published."))
        self.findings = findings


# ---- the record a summary is about ----------------------------------------------------------------------------

@dataclass
class Source:
    """A reported pilot, a closed procurement case, or both (a pilot whose procurement case closed later)."""

    pilot: Pilot | None = None
    case: ProcurementCase | None = None

    @property
    def challenge(self) -> Challenge | None:
        return self.pilot.challenge if self.pilot else self.case.challenge

    @property
    def authority_id(self) -> int:
        return self.pilot.authority_id if self.pilot else self.case.authority_id

    @property
    def cluster_id(self) -> int | None:
        """The pilot's cluster, or the cluster of the case's challenge or pilot; a case of its own has none."""
        if self.pilot:
            return self.pilot.cluster_id
        if self.case.challenge_id:
            return self.case.challenge.cluster_id
        return self.case.pilots[0].pilot.cluster_id if self.case.pilots else None


def source_of(summary: CaseSummary) -> Source:
    return Source(db.session.get(Pilot, summary.pilot_id) if summary.pilot_id else None,
                  db.session.get(ProcurementCase, summary.procurement_case_id) if summary.procurement_case_id else None)


def summary_of_pilot(pilot_id: int) -> CaseSummary | None:
    return db.session.scalar(sa.select(CaseSummary).where(CaseSummary.pilot_id == pilot_id))


def summary_of_case(case_id: int) -> CaseSummary | None:
    return db.session.scalar(sa.select(CaseSummary).where(CaseSummary.procurement_case_id == case_id))


def has_summary(source: Source) -> bool:
    return bool((source.pilot and summary_of_pilot(source.pilot.id)) or (source.case and summary_of_case(source.case.id)))


def is_eligible(source: Source) -> bool:
    if source.pilot is not None:
        return pilot_eligible(source.pilot.status)
    return case_eligible(source.case.status, source.case.was_published)


def may_write(user, source: Source) -> bool:
    return permissions.party_for(user, source.authority_id, source.cluster_id) is not None


def _closed_case_of(pilot: Pilot) -> ProcurementCase | None:
    """The pilot's procurement case that closed and has no summary of its own: the pilot's summary carries it."""
    return db.session.scalar(
        sa.select(ProcurementCase).join(CasePilot, CasePilot.case_id == ProcurementCase.id)
        .where(CasePilot.pilot_id == pilot.id, sa.or_(
            ProcurementCase.status == CaseStatus.COMPLETED,
            sa.and_(ProcurementCase.status == CaseStatus.CANCELLED, ProcurementCase.was_published.is_(True))),
            ~sa.exists().where(CaseSummary.procurement_case_id == ProcurementCase.id))
        .order_by(ProcurementCase.id).limit(1))


def draft_texts(source: Source) -> SummaryTexts:
    """A first draft from the record: the pilot's objectives and conclusion, or the case's description and its
    reasons. The test users' quotes are offered beside the form, never copied here: the authors choose what to say."""
    pilot, case = source.pilot, source.case
    organisations = [org.name for org in ((pilot.authority, pilot.company, pilot.cluster) if pilot else (case.authority,))]
    if case is not None and case.supplier_name and case.supplier_name not in organisations:
        organisations.append(case.supplier_name)
    if pilot is not None:
        return SummaryTexts(title=pilot.title, what_was_tried=pilot.objectives or "", with_whom=", ".join(organisations),
                            users_said=None, learned=pilot.conclusion or "", differently=pilot.authority_decision_note)
    learned = case.award_reasons if case.status == CaseStatus.COMPLETED else case.public_reason
    return SummaryTexts(title=case.subject, what_was_tried=case.description or "", with_whom=", ".join(organisations),
                        users_said=None, learned=learned or "", differently=None)


def quotes_offered(source: Source) -> list[str]:
    """The test users' words the cluster chose for the pilot report, for the authors to copy from if they wish."""
    if source.pilot is None:
        return []
    quoted = db.session.execute(_kept_feedback(source.pilot, Feedback.what_worked, Feedback.what_did_not)
                                .where(Feedback.quoted.is_(True)).order_by(Feedback.submitted_at, Feedback.id))
    return [text for row in quoted for text in row if text]


def _kept_feedback(pilot: Pilot, *columns) -> sa.Select:
    """Feedback of the pilot's test users who did not withdraw (as the report counts it). Read in the session, not
    with `read_frame`: a summary is written in the transaction that may have just changed the pilot."""
    return (sa.select(*columns).join(TestUser, TestUser.id == Feedback.test_user_id)
            .where(Feedback.pilot_id == pilot.id, TestUser.withdrawn_at.is_(None)))


# ---- personal data --------------------------------------------------------------------------------------------

def known_personal_data(source: Source) -> KnownPersonalData:
    """The pilot's test-user codes and sites' addresses, and the names of the people of every organisation involved
    (authority, cluster, company, supplier)."""
    pilot, case = source.pilot, source.case
    codes = db.session.scalars(sa.select(TestUser.code).where(TestUser.pilot_id == pilot.id)).all() if pilot else []
    addresses = [site.address for site in pilot.sites if site.address] if pilot else []
    organisations = {source.authority_id, source.cluster_id, pilot.company_id if pilot else None,
                     case.supplier_id if case else None} - {None}
    names = db.session.scalars(sa.select(User.display_name).where(User.organisation_id.in_(organisations))).all()
    return KnownPersonalData(tuple(codes), tuple(names), tuple(addresses))


def personal_data_findings(texts: SummaryTexts, known: KnownPersonalData) -> dict[str, list[Finding]]:
    findings = {name: personal_data_in(getattr(texts, name), known) for name in AUTHOR_FIELDS}
    return {name: found for name, found in findings.items() if found}


def _refuse_personal_data(texts: SummaryTexts, source: Source) -> None:
    findings = personal_data_findings(texts, known_personal_data(source))
    if findings:
        raise PersonalDataFound(findings)


# ---- writing, approving, withdrawing -------------------------------------------------------------------------

def check_can_start(actor: User, source: Source) -> None:
    """Refuse a new summary about `source` (for the form and for the save). The state is judged before the party."""
    if not is_eligible(source):
        raise Conflict(_("Only a reported pilot, or a procurement case completed or cancelled after publication, can be "
                         "summarised."))
    if not may_write(actor, source):
        raise PermissionDenied()
    if has_summary(source):
        raise Conflict(_("This pilot or case has a case summary already."))


def start(actor: User, source: Source, texts: SummaryTexts, now: datetime | None = None) -> CaseSummary:
    """A new draft about `source`, with the facts of its record."""
    check_can_start(actor, source)
    if source.pilot is not None and source.case is None:
        source.case = _closed_case_of(source.pilot)
    _refuse_personal_data(texts, source)
    now = now or utcnow()
    summary = CaseSummary(pilot_id=source.pilot.id if source.pilot else None,
                          procurement_case_id=source.case.id if source.case else None,
                          created_by_id=actor.id, created_at=now, updated_at=now, **vars(texts))
    _snapshot(summary, source)
    db.session.add(summary)
    db.session.flush()
    _record(actor, "case_summary.created", summary, after={"outcome": summary.outcome.value})
    return summary


def check_can_revise(actor: User, summary: CaseSummary) -> None:
    """Refuse a change of the summary (for the form and for the save): only a draft, only by a party."""
    if summary.status != S.DRAFT:
        raise Conflict(_("Only a draft can be changed; reopen a withdrawn summary first."))
    if permissions.party_of(actor, summary) is None:
        raise PermissionDenied()


def revise(actor: User, summary: CaseSummary, texts: SummaryTexts) -> bool:
    """Save the authors' texts and the record's facts again; any change clears the approvals given. False when
    nothing changed."""
    check_can_revise(actor, summary)
    source = source_of(summary)
    _refuse_personal_data(texts, source)
    before = _public_state(summary)
    for name, value in vars(texts).items():
        setattr(summary, name, value)
    _snapshot(summary, source)
    if _public_state(summary) == before:
        return False
    summary.revision += 1
    _clear_approvals(summary)
    _record(actor, "case_summary.revised", summary, after={"revision": summary.revision})
    return True


def approve(actor: User, summary: CaseSummary, revision: int, now: datetime | None = None) -> bool:
    """The actor's party approves the revision it saw; the last approval needed publishes. True when published."""
    if summary.status != S.DRAFT:
        raise Conflict(_("Only a draft is approved."))
    party = permissions.party_of(actor, summary)
    if party is None:
        raise PermissionDenied()
    if party in summary.approvals:
        raise Conflict(_("Your organisation has approved this summary already."))
    if revision != summary.revision:
        raise Conflict(_("The summary changed since you read it: read it again before you approve."))
    findings = personal_data_findings(SummaryTexts.of(summary), known_personal_data(source_of(summary)))
    if findings:
        raise Conflict(_("A text names a person or holds personal data (%(found)s): edit the summary first.",
                         found=", ".join(f.text for found in findings.values() for f in found)))
    now = now or utcnow()
    if party == Party.AUTHORITY:
        summary.authority_approved_at, summary.authority_approved_by_id = now, actor.id
    else:
        summary.cluster_approved_at, summary.cluster_approved_by_id = now, actor.id
    _record(actor, "case_summary.approved", summary, after={"party": party.value, "revision": revision})
    if not all_approved(summary.approvals, summary.has_cluster):
        return False
    LIFECYCLE.check(summary.status, S.PUBLISHED)
    summary.status, summary.published_at = S.PUBLISHED, now
    _record(actor, "case_summary.published", summary, before={"status": S.DRAFT.value}, after={"status": S.PUBLISHED.value})
    return True


def withdraw(actor: User, summary: CaseSummary, reason: str, now: datetime | None = None) -> None:
    """Take a published summary out of the library; the reason is public (shown to whoever follows an old link)."""
    LIFECYCLE.check(summary.status, S.WITHDRAWN)
    if not permissions.can_withdraw(actor, summary):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason: it is public."))
    summary.status, summary.withdrawn_at, summary.withdrawal_reason = S.WITHDRAWN, now or utcnow(), reason
    _clear_approvals(summary)
    _record(actor, "case_summary.withdrawn", summary, before={"status": S.PUBLISHED.value},
            after={"status": S.WITHDRAWN.value}, note=reason)


def reopen(actor: User, summary: CaseSummary) -> None:
    """A withdrawn summary becomes a draft again, to be revised and approved by every party once more."""
    LIFECYCLE.check(summary.status, S.DRAFT)
    if not permissions.can_reopen(actor, summary):
        raise PermissionDenied()
    summary.status, summary.published_at, summary.withdrawn_at, summary.withdrawal_reason = S.DRAFT, None, None, None
    summary.revision += 1
    _record(actor, "case_summary.reopened", summary, before={"status": S.WITHDRAWN.value}, after={"status": S.DRAFT.value})


def _clear_approvals(summary: CaseSummary) -> None:
    summary.authority_approved_at = summary.authority_approved_by_id = None
    summary.cluster_approved_at = summary.cluster_approved_by_id = None


def _record(actor: User, action: str, summary: CaseSummary, **details) -> None:
    audit.record(actor, action, summary, organisation_id=actor.organisation_id, **details)


# ---- the facts taken from the record ---------------------------------------------------------------------------

FACT_FIELDS = ("challenge_id", "challenge_title", "authority_id", "authority_name", "cluster_id", "cluster_name",
               "company_name", "nuts_code", "pilot_from", "pilot_until", "test_users", "sus_mean", "sus_grade",
               "sus_respondents", "procedure", "contract_value_eur", "outcome")


def _public_state(summary: CaseSummary) -> tuple:
    return (*(getattr(summary, name) for name in (*AUTHOR_FIELDS, *FACT_FIELDS)), tuple(summary.codes))


def _snapshot(summary: CaseSummary, source: Source) -> None:
    """Copy the facts the library shows from the record: organisations by name, the region, CPV codes, the pilot's
    months, numbers and usability figures, the route and the contract value. Never a person, a proposal (but the
    chosen company's name), another tenderer, a site or a test user."""
    pilot, case, challenge = source.pilot, source.case, source.challenge
    authority = pilot.authority if pilot else case.authority
    summary.challenge_id = challenge.id if challenge else None
    summary.challenge_title = challenge.title if challenge else None
    summary.authority_id, summary.authority_name = authority.id, authority.name
    summary.cluster_id = source.cluster_id
    summary.cluster_name = (pilot.cluster.name if pilot else (challenge.cluster.name if challenge else
                                                                _case_pilot_cluster_name(case)))
    completed = case is not None and case.status == CaseStatus.COMPLETED
    summary.company_name = case.supplier_name if completed and case.supplier_name else (pilot.company.name if pilot else None)
    summary.nuts_code = challenge.nuts_code if challenge else authority.nuts_code
    summary.procedure = case.procedure if case else None
    summary.contract_value_eur = case.contract_value_eur if completed else None
    _set_codes(summary, sorted(set(challenge.codes if challenge else []) | set(case.cpv_codes if case else [])))
    ended, stopped_early = _pilot_end(pilot) if pilot else (None, False)
    summary.pilot_from = _month(pilot.start_date) if pilot else None
    summary.pilot_until = _month(ended or pilot.end_date) if pilot else None
    summary.test_users = _test_users(pilot) if pilot else None
    summary.sus_mean, summary.sus_grade, summary.sus_respondents = _usability(pilot) if pilot else (None, None, None)
    summary.outcome = outcome_of(OutcomeFacts(
        case.status if case else None, stopped_early,
        (pilot.authority_decision or pilot.recommendation) if pilot else None))


def _case_pilot_cluster_name(case: ProcurementCase) -> str | None:
    return case.pilots[0].pilot.cluster.name if case.pilots else None


def _set_codes(summary: CaseSummary, codes: list[str]) -> None:
    """Keep the rows of codes that stay (a row deleted and added again in one flush would clash on its key)."""
    summary.cpv_codes = [item for item in summary.cpv_codes if item.code in codes] + [
        CaseSummaryCpv(code=code) for code in codes if code not in summary.codes]


def _month(day: date | None) -> date | None:
    return day.replace(day=1) if day else None


def _pilot_end(pilot: Pilot) -> tuple[date | None, bool]:
    """When the pilot really ended (completed or stopped early), and whether it stopped early."""
    ended = db.session.execute(
        sa.select(PilotStatusChange.to_status, PilotStatusChange.at)
        .where(PilotStatusChange.pilot_id == pilot.id,
               PilotStatusChange.to_status.in_((PilotStatus.COMPLETED, PilotStatus.STOPPED_EARLY)))
        .order_by(PilotStatusChange.at.desc(), PilotStatusChange.id.desc()).limit(1)).first()
    if ended is None:
        return None, False
    return ended.at.date(), ended.to_status == PilotStatus.STOPPED_EARLY


def _test_users(pilot: Pilot) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(TestUser)
                             .where(TestUser.pilot_id == pilot.id, TestUser.withdrawn_at.is_(None)))


def _usability(pilot: Pilot) -> tuple[Decimal | None, str | None, int | None]:
    """The SUS mean, its grade and how many test users answered, as the pilot report computes them; nothing below
    the minimum number of respondents (`workflow.MIN_SUS_RESPONDENTS`)."""
    answers = db.session.execute(_kept_feedback(pilot, Feedback.test_user_id, Feedback.sus_score)).all()
    respondents = len({test_user_id for test_user_id, _score in answers})
    if not sus_shown(respondents):
        return None, None, None
    summary = sus.summarise([score for _test_user_id, score in answers])
    return Decimal(str(round(summary.mean, 1))), summary.grade, respondents


# ---- the library ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LibraryFilters:
    q: str = ""
    cpv: str = ""  # a CPV division (two digits) or group (three)
    region: str = ""  # a NUTS code's start: country, region
    outcome: Outcome | None = None


SEARCHED = ("title", "what_was_tried", "with_whom", "users_said", "learned", "differently", "challenge_title",
            "company_name", "authority_name")


def library(filters: LibraryFilters) -> sa.Select:
    """Published summaries matching the filters, newest first; the caller paginates. Each word searched must appear
    in one of the texts (LIKE: the library holds a few thousand summaries at most)."""
    stmt = sa.select(CaseSummary).where(CaseSummary.status == S.PUBLISHED)
    for word in filters.q.split()[:10]:
        stmt = stmt.where(sa.or_(*(getattr(CaseSummary, name).icontains(word, autoescape=True) for name in SEARCHED)))
    if filters.cpv:
        stmt = stmt.where(CaseSummary.cpv_codes.any(CaseSummaryCpv.code.startswith(filters.cpv, autoescape=True)))
    if filters.region:
        stmt = stmt.where(CaseSummary.nuts_code.startswith(filters.region, autoescape=True))
    if filters.outcome:
        stmt = stmt.where(CaseSummary.outcome == filters.outcome)
    return stmt.order_by(CaseSummary.published_at.desc(), CaseSummary.id.desc())


def own_summaries(user: User) -> sa.Select:
    """The summaries of the user's organisation, as authority or as cluster, in every state, latest change first."""
    return (sa.select(CaseSummary)
            .where(sa.or_(CaseSummary.authority_id == user.organisation_id, CaseSummary.cluster_id == user.organisation_id))
            .order_by(CaseSummary.updated_at.desc(), CaseSummary.id.desc()))


# ---- similar cases elsewhere ----------------------------------------------------------------------------------

SIMILAR_SHOWN = 3
SIMILAR_CANDIDATES = 50  # the most recent summaries sharing a CPV division: enough to rank, however large the library
WORD_WEIGHT = 0.1  # per word shared, up to SHARED_WORDS_COUNTED, beside the CPV overlap (0–1)
SHARED_WORDS_COUNTED = 5
SIMILAR_STATUSES = frozenset({ChallengeStatus.IN_MODERATION, ChallengeStatus.PUBLISHED})


@dataclass(frozen=True)
class SimilarCase:
    summary: CaseSummary
    cpv: CpvOverlap
    shared_words: tuple[str, ...]

    @property
    def score(self) -> float:
        return self.cpv.score + WORD_WEIGHT * min(len(self.shared_words), SHARED_WORDS_COUNTED)


def similar_cases(challenge: Challenge) -> list[SimilarCase]:
    """Up to three published summaries of other authorities for a challenge being published or open: candidates in
    SQL (sharing a CPV division, newest first, capped), ranked here by CPV overlap and shared words. Two queries."""
    if challenge.status not in SIMILAR_STATUSES or not challenge.codes:
        return []
    divisions = sorted({code[:2] for code in challenge.codes})
    candidates = db.session.scalars(
        sa.select(CaseSummary)
        .where(CaseSummary.status == S.PUBLISHED, CaseSummary.authority_id != challenge.lead_authority_id,
               CaseSummary.cpv_codes.any(sa.or_(*(CaseSummaryCpv.code.startswith(d) for d in divisions))))
        .order_by(CaseSummary.published_at.desc(), CaseSummary.id.desc()).limit(SIMILAR_CANDIDATES)).all()
    wanted = set(words(" ".join((challenge.title, challenge.summary, challenge.description))))
    ranked = [SimilarCase(summary, cpv_overlap(tuple(challenge.codes), tuple(summary.codes)),
                          _most_specific(wanted & set(words(_summary_text(summary)))))
              for summary in candidates]
    ranked.sort(key=lambda case: -case.score)  # stable: among equals, the newest first
    return ranked[:SIMILAR_SHOWN]


def _most_specific(shared: set[str]) -> tuple[str, ...]:
    """The longest shared words (the most specific, as a rule), at most as many as count."""
    return tuple(sorted(shared, key=lambda word: (-len(word), word))[:SHARED_WORDS_COUNTED])


def _summary_text(summary: CaseSummary) -> str:
    return " ".join(getattr(summary, name) or "" for name in AUTHOR_FIELDS)
