"""Competence profiles, the match documents derived from them, suggestions both ways, invitations and shares.

Each operation takes an explicit actor, checks the permission predicate, changes state, writes the audit log
and flushes; the caller commits. Rankings read the text index (`ppi.matching.index`) after bringing it up to
date with the database, and the other facts (memberships, regions, pilots) from the database itself.
"""
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from itertools import groupby
from typing import Iterable, Iterator

import sqlalchemy as sa
from babel.languages import get_official_languages
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l

from ppi.accounts.models import ClusterMembership, Organisation, OrganisationKind, User
from ppi.accounts.workflow import MembershipStatus, VerificationStatus
from ppi.challenges.models import Challenge, ChallengeCpv
from ppi.challenges.permissions import is_moderator, is_owner
from ppi.challenges.signals import status_changed
from ppi.challenges.workflow import ChallengeStatus
from ppi.core import audit
from ppi.core.errors import Conflict, DomainError, PermissionDenied
from ppi.core.geo import nuts_prefix
from ppi.core.notify import notify
from ppi.core.pagecache import VersionedCache, data_version
from ppi.core.timeutil import utcnow
from ppi.core.upsert import upsert
from ppi.extensions import db
from ppi.matching import permissions
from ppi.matching.index import ChallengeCounts, IndexState, TextIndex, chunks
from ppi.matching.models import (
    ChallengeInvitation,
    ChallengeShare,
    CompanyProfile,
    Competence,
    MatchDocument,
    ProfileConsent,
)
from ppi.matching.scoring import (
    MIN_COSINE,
    CpvOverlap,
    PilotRecord,
    RegionFit,
    combine,
    cpv_overlap,
    is_suggested,
    language_fit,
    region_fit,
    shares_group,
)
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus, Recommendation
from ppi.proposals.models import Proposal

FINISHED_PILOTS = (PilotStatus.COMPLETED, PilotStatus.STOPPED_EARLY, PilotStatus.REPORTED)
NO_PILOTS = PilotRecord()


# ---- competence profiles ------------------------------------------------------------------------------------

@dataclass
class CompetenceData:
    statement: str
    trl: int
    tags: list[str] = field(default_factory=list)
    cpv_codes: list[str] = field(default_factory=list)
    description: str | None = None
    references: str | None = None


COMPETENCE_FIELDS = ["statement", "description", "tags", "cpv_codes", "trl", "references"]


def competences_of(company_id: int) -> list[Competence]:
    return list(db.session.scalars(sa.select(Competence).where(Competence.organisation_id == company_id)
                                   .order_by(Competence.id)))


def profile_of(company_id: int) -> CompanyProfile | None:
    return db.session.get(CompanyProfile, company_id)


def consents_of(company_id: int) -> list[ProfileConsent]:
    """Every consent the company gave, the standing ones first, then the revoked ones (newest first)."""
    return list(db.session.scalars(sa.select(ProfileConsent).where(ProfileConsent.company_id == company_id)
                                   .order_by(ProfileConsent.revoked_at.is_not(None), ProfileConsent.granted_at.desc())))


def consenting_cluster_ids(company_id: int) -> set[int]:
    """The clusters that may edit the company's profile: its consent stands and the cluster still counts it a member."""
    membership = sa.and_(ClusterMembership.cluster_id == ProfileConsent.cluster_id,
                         ClusterMembership.company_id == ProfileConsent.company_id,
                         ClusterMembership.status == MembershipStatus.ACCEPTED)
    return set(db.session.scalars(sa.select(ProfileConsent.cluster_id).join(ClusterMembership, membership).where(
        ProfileConsent.company_id == company_id, ProfileConsent.revoked_at.is_(None))))


def consentable_clusters(company_id: int) -> list[Organisation]:
    """The clusters the company is a member of that have no standing consent yet."""
    standing = sa.select(ProfileConsent.cluster_id).where(ProfileConsent.company_id == company_id,
                                                          ProfileConsent.revoked_at.is_(None))
    return list(db.session.scalars(
        sa.select(Organisation).join(ClusterMembership, ClusterMembership.cluster_id == Organisation.id).where(
            ClusterMembership.company_id == company_id, ClusterMembership.status == MembershipStatus.ACCEPTED,
            Organisation.verification_status == VerificationStatus.VERIFIED, Organisation.id.not_in(standing))
        .order_by(Organisation.name)))


def _check_profile_editor(actor: User, company: Organisation) -> None:
    if not permissions.can_edit_profile(actor, company, consenting_cluster_ids(company.id)):
        raise PermissionDenied()


def _record_profile(actor: User, action: str, obj, company: Organisation, **change) -> None:
    """In the company's audit log; an edit by a cluster with the company's consent in the cluster's log too."""
    if permissions.edits_on_behalf(actor, company):
        note = _("Edited by %(cluster)s with the consent of %(company)s.", cluster=actor.organisation.name,
                 company=company.name)
        for organisation_id in (company.id, actor.organisation_id):
            audit.record(actor, action, obj, organisation_id=organisation_id, note=note, **change)
    else:
        audit.record(actor, action, obj, organisation_id=company.id, **change)


def _competence_snapshot(competence: Competence) -> dict:
    return {name: getattr(competence, name) for name in COMPETENCE_FIELDS}


def _check_competence(data: CompetenceData) -> None:
    if not data.statement.strip():
        raise DomainError(_("Say in one sentence what the company can do."))
    if not 1 <= data.trl <= 9:
        raise DomainError(_("The technology readiness level is between 1 and 9."))


def _apply(competence: Competence, data: CompetenceData) -> None:
    competence.statement = data.statement.strip()
    competence.description = (data.description or "").strip() or None
    competence.tags = sorted({tag.strip().lower() for tag in data.tags if tag.strip()})
    competence.cpv_codes = sorted(set(data.cpv_codes))
    competence.trl = data.trl
    competence.references = (data.references or "").strip() or None


def add_competence(actor: User, company: Organisation, data: CompetenceData) -> Competence:
    _check_profile_editor(actor, company)
    _check_competence(data)
    competence = Competence(organisation_id=company.id)
    _apply(competence, data)
    db.session.add(competence)
    db.session.flush()
    _record_profile(actor, "matching.competence_added", competence, company, after=_competence_snapshot(competence))
    refresh_documents([company.id])
    return competence


def update_competence(actor: User, competence: Competence, data: CompetenceData) -> None:
    company = competence.organisation
    _check_profile_editor(actor, company)
    _check_competence(data)
    before = _competence_snapshot(competence)
    _apply(competence, data)
    _record_profile(actor, "matching.competence_changed", competence, company, before=before,
                    after=_competence_snapshot(competence))
    refresh_documents([company.id])


def delete_competence(actor: User, competence: Competence) -> None:
    company = competence.organisation
    _check_profile_editor(actor, company)
    _record_profile(actor, "matching.competence_removed", competence, company, before=_competence_snapshot(competence))
    db.session.delete(competence)
    db.session.flush()
    refresh_documents([company.id])


def set_profile(actor: User, company: Organisation, languages: list[str], markets: list[str]) -> None:
    _check_profile_editor(actor, company)
    profile = profile_of(company.id) or CompanyProfile(organisation_id=company.id)
    before = {"languages": list(profile.languages or []), "markets": list(profile.markets or [])}
    profile.languages = list(dict.fromkeys(languages))
    profile.markets = list(dict.fromkeys(code.upper() for code in markets))
    db.session.add(profile)
    db.session.flush()
    _record_profile(actor, "matching.profile_changed", company, company, before=before,
                    after={"languages": profile.languages, "markets": profile.markets})
    refresh_documents([company.id])


def grant_consent(actor: User, company: Organisation, cluster_id: int) -> ProfileConsent:
    """The company's admin lets one of its clusters edit the profile; recorded in both audit logs."""
    if not permissions.can_manage_consent(actor, company):
        raise PermissionDenied()
    cluster = next((c for c in consentable_clusters(company.id) if c.id == cluster_id), None)
    if cluster is None:
        raise DomainError(_("Choose a verified cluster your company is a member of and has not given its consent yet."))
    consent = ProfileConsent(company_id=company.id, cluster_id=cluster.id, granted_by_id=actor.id, granted_at=utcnow())
    db.session.add(consent)
    db.session.flush()
    for organisation_id in (company.id, cluster.id):
        audit.record(actor, "matching.consent_granted", consent, organisation_id=organisation_id,
                     after={"company": company.name, "cluster": cluster.name})
    notify(_organisation_users(cluster.id), _l("%(company)s lets your cluster edit its competence profile",
                                               company=company.name),
           "matching.profile", org_id=company.id)
    return consent


def revoke_consent(actor: User, consent: ProfileConsent) -> None:
    if not permissions.can_manage_consent(actor, consent.company):
        raise PermissionDenied()
    if not consent.active:
        raise Conflict(_("This consent is revoked already."))
    consent.revoked_at, consent.revoked_by_id = utcnow(), actor.id
    for organisation_id in (consent.company_id, consent.cluster_id):
        audit.record(actor, "matching.consent_revoked", consent, organisation_id=organisation_id,
                     after={"company": consent.company.name, "cluster": consent.cluster.name})


def platform_pilots(company_id: int) -> list[Pilot]:
    """The company's finished pilots on the platform: references added without anyone writing them."""
    return list(db.session.scalars(sa.select(Pilot).where(Pilot.company_id == company_id,
                                                          Pilot.status.in_(FINISHED_PILOTS)).order_by(Pilot.id)))


def pilots_by_competence(competences: list[Competence], pilots: list[Pilot]) -> tuple[dict[int, list[Pilot]], list[Pilot]]:
    """Each pilot under the competences whose CPV codes share a group with its challenge's; the others apart."""
    attached: dict[int, list[Pilot]] = defaultdict(list)
    unattached = []
    for pilot in pilots:
        homes = [c for c in competences if any(shares_group(mine, theirs) for mine in c.cpv_codes
                                               for theirs in pilot.challenge.codes)]
        for competence in homes:
            attached[competence.id].append(pilot)
        if not homes:
            unattached.append(pilot)
    return attached, unattached


def _organisation_users(organisation_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.organisation_id == organisation_id, User.active)))


# ---- match documents and the index ----------------------------------------------------------------------------

def _competence_text(competence: Competence) -> str:
    return "\n".join(part for part in (competence.statement, ", ".join(competence.tags), competence.description,
                                       competence.references) if part)


def refresh_documents(company_ids: list[int]) -> None:
    """Write the match documents of these companies again from their competences, profile and decided proposals
    (a handful of queries, however many companies: the benchmark refreshes ten thousand at once)."""
    for chunk in chunks(sorted(set(company_ids))):
        competences: dict[int, list[Competence]] = defaultdict(list)
        for competence in db.session.scalars(sa.select(Competence).where(Competence.organisation_id.in_(chunk))
                                             .order_by(Competence.id)):
            competences[competence.organisation_id].append(competence)
        profiles = {p.organisation_id: p for p in db.session.scalars(
            sa.select(CompanyProfile).where(CompanyProfile.organisation_id.in_(chunk)))}
        proposals: dict[int, list[str]] = defaultdict(list)
        for company_id, title, summary in db.session.execute(
                sa.select(Proposal.company_id, Proposal.title, Proposal.summary)
                .where(Proposal.company_id.in_(chunk), Proposal.outcome.is_not(None)).order_by(Proposal.id)):
            proposals[company_id].append(f"{title}. {summary}")
        rows = [_document_row(company_id, competences[company_id], profiles.get(company_id), proposals[company_id])
                for company_id in chunk]
        upsert(MatchDocument, rows, key=[MatchDocument.organisation_id])  # two edits at once cannot collide


def _document_row(company_id: int, competences: list[Competence], profile: CompanyProfile | None,
                  proposals: list[str]) -> dict:
    profile_text = "\n".join(_competence_text(c) for c in competences)
    return {
        "organisation_id": company_id, "profile_text": profile_text, "text": "\n".join([profile_text, *proposals]),
        "cpv_codes": sorted({code for c in competences for code in c.cpv_codes}),
        "languages": list(profile.languages) if profile else [], "markets": list(profile.markets) if profile else [],
        "revision": uuid.uuid4().hex, "refreshed_at": utcnow(),
    }


def refresh_all_documents() -> int:
    """Every company with competences or decided proposals (after an upgrade, or to check the index)."""
    ids = set(db.session.scalars(sa.select(Competence.organisation_id).distinct()))
    ids |= set(db.session.scalars(sa.select(Proposal.company_id).where(Proposal.outcome.is_not(None)).distinct()))
    refresh_documents(list(ids))
    return len(ids)


def current_index() -> IndexState:
    """The app's text index, brought up to date with the database (one query when nothing changed)."""
    index = current_app.extensions.get("ppi.matching.index")
    if index is None:
        index = current_app.extensions.setdefault("ppi.matching.index", TextIndex())
    return index.current(db.session)


# ---- suggestions for a challenge -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    country: str
    nuts_code: str | None
    via: tuple[int, ...] = ()  # the clusters (of those asked for) it is a member of

    @property
    def home(self) -> str:
        return self.nuts_code or nuts_prefix(self.country)


@dataclass
class Suggestion:
    company_id: int
    name: str
    score: float
    cosine: float
    cpv: CpvOverlap
    region: RegionFit
    languages: tuple[str, ...]
    pilots: PilotRecord
    via: tuple[int, ...] = ()
    terms: list[str] = field(default_factory=list)
    rank: int = 0

    def reasons(self) -> dict:
        """What the invitation log keeps of why the company was suggested."""
        return {"terms": self.terms, "cpv": sorted({m.company_code for m in self.cpv.matches})}


CHALLENGE_TEXT_FIELDS = ("title", "summary", "description", "expected_benefits")


def challenge_text(challenge: Challenge) -> str:
    return "\n".join(getattr(challenge, name) for name in CHALLENGE_TEXT_FIELDS)


def company_languages(document_languages: tuple[str, ...], country: str) -> tuple[str, ...]:
    """The languages the company said it works in; else its country's official ones."""
    return document_languages or _official_languages(country)


@cache  # Babel looks them up anew at every call: once per country, not once per company of a ranking
def _official_languages(country: str) -> tuple[str, ...]:
    return get_official_languages(country)


def candidates(cluster_ids: set[int] | None) -> Iterator[Candidate]:
    """Verified companies that are accepted members of these clusters (None: every verified company), one at a time:
    a ranking keeps only those it may suggest, and ten thousand rows held at once would only feed the garbage
    collector."""
    columns = (Organisation.id, Organisation.name, Organisation.country, Organisation.nuts_code)
    verified = sa.and_(Organisation.kind == OrganisationKind.COMPANY,
                       Organisation.verification_status == VerificationStatus.VERIFIED)
    connection = db.session.connection()  # plain rows: the ORM's handling of each would cost more than the ranking
    if cluster_ids is None:
        yield from (Candidate(*row) for row in connection.execute(sa.select(*columns).where(verified)))
        return
    rows = connection.execute(
        sa.select(*columns, ClusterMembership.cluster_id)
        .join(ClusterMembership, ClusterMembership.company_id == Organisation.id)
        .where(verified, ClusterMembership.cluster_id.in_(cluster_ids), ClusterMembership.status == MembershipStatus.ACCEPTED)
        .order_by(Organisation.id, ClusterMembership.cluster_id))
    for _company_id, memberships in groupby(rows, key=lambda row: row[0]):
        memberships = list(memberships)
        yield Candidate(*memberships[0][:4], via=tuple(row[4] for row in memberships))


def pilot_records() -> dict[int, PilotRecord]:
    """Each company's finished pilots: the authority's decision counts, else the report's recommendation."""
    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for company_id, recommendation, decision in db.session.execute(
            sa.select(Pilot.company_id, Pilot.recommendation, Pilot.authority_decision)
            .where(Pilot.status.in_(FINISHED_PILOTS))):
        outcome = decision or recommendation
        counts = tally[company_id]
        counts[0] += 1
        counts[1] += outcome == Recommendation.PROCEED
        counts[2] += outcome == Recommendation.STOP
    return {company_id: PilotRecord(*counts) for company_id, counts in tally.items()}


def rank_companies(challenge: Challenge, pool: Iterable[Candidate], state: IndexState, records: dict[int, PilotRecord],
                   limit: int | None = None) -> list[Suggestion]:
    """The companies of `pool` with a topic in common with the challenge, best first, each with its reasons. Plain
    tuples while ranking, suggestions for those shown: at ten thousand companies, objects would cost more than the
    arithmetic (and wake the garbage collector)."""
    text, codes, languages_accepted = challenge_text(challenge), tuple(challenge.codes), tuple(challenge.languages)
    groups = {code[:3] for code in codes}
    similarities = state.similarities(text)
    scored = []
    for candidate in pool:
        row = state.row(candidate.id)
        if row is None:
            continue
        document, cosine = state.documents[candidate.id], float(similarities[row])
        if cosine < MIN_COSINE and not groups & document.cpv_groups:
            continue  # neither words nor a CPV group in common: it cannot be suggested
        cpv = cpv_overlap(codes, document.cpv_codes)
        if not is_suggested(cosine, cpv):
            continue
        region = region_fit(challenge.nuts_code, candidate.home, document.markets)
        languages = language_fit(languages_accepted, company_languages(document.languages, candidate.country))
        pilots = records.get(candidate.id, NO_PILOTS)
        scored.append((-combine(cosine, cpv, region, languages, pilots), candidate.name, candidate.id, cosine, cpv,
                       region, languages, pilots, candidate.via))
    scored.sort(key=lambda item: item[:3])
    ranked = [Suggestion(company_id, name, -negative, cosine, cpv, region, languages, pilots, via, rank=number)
              for number, (negative, name, company_id, cosine, cpv, region, languages, pilots, via)
              in enumerate(scored[:limit] if limit else scored, start=1)]
    explained = state.explain(text, [s.company_id for s in ranked])
    for suggestion in ranked:
        suggestion.terms = explained[suggestion.company_id]
    return ranked


def shared_cluster_ids(challenge: Challenge) -> set[int]:
    return set(db.session.scalars(sa.select(ChallengeShare.cluster_id).where(ChallengeShare.challenge_id == challenge.id)))


def shares_of(challenge: Challenge) -> list[ChallengeShare]:
    return list(db.session.scalars(sa.select(ChallengeShare).where(ChallengeShare.challenge_id == challenge.id)
                                   .order_by(ChallengeShare.shared_at, ChallengeShare.id)))


def pool_clusters(user: User, challenge: Challenge, shared: set[int]) -> set[int]:
    """Whose members a viewer sees: the authority and the facilitating cluster, every cluster's on the challenge;
    a cluster it is shared with, its own."""
    if is_owner(user, challenge) or is_moderator(user, challenge):
        return {challenge.cluster_id, *shared}
    return {user.organisation_id}


def suggestions_for(user: User, challenge: Challenge, now: datetime | None = None, limit: int = 20) -> list[Suggestion]:
    now = now or utcnow()
    shared = shared_cluster_ids(challenge)
    if not permissions.can_see_suggestions(user, challenge, now, shared):
        raise PermissionDenied()
    return rank_companies(challenge, candidates(pool_clusters(user, challenge, shared)), current_index(),
                          pilot_records(), limit)


def invitations_of(challenge: Challenge) -> list[ChallengeInvitation]:
    return list(db.session.scalars(sa.select(ChallengeInvitation).where(ChallengeInvitation.challenge_id == challenge.id)
                                   .order_by(ChallengeInvitation.invited_at, ChallengeInvitation.id)))


def visible_invitations(user: User, challenge: Challenge) -> list[ChallengeInvitation]:
    """All of them for the authority, the facilitating cluster and the platform admin; a cluster the challenge is
    shared with sees those it sent; a company, its own."""
    every = invitations_of(challenge)
    if permissions.can_see_invitation_log(user, challenge):
        return every
    if not user.is_authenticated:
        return []
    return [i for i in every if user.organisation_id in (i.cluster_id, i.company_id)]


def challenge_panel(user: User, challenge: Challenge, now: datetime) -> dict:
    """What the challenge page shows of matching to the signed-in user (nothing to anyone else): whether they may open
    the suggestions, the invitations they may see, and the clusters it is shared with."""
    if not user.is_authenticated:
        return {}
    shares = shares_of(challenge)
    shared_ids = {share.cluster_id for share in shares}
    return {
        "suggestions": permissions.can_see_suggestions(user, challenge, now, shared_ids),
        "invitations": visible_invitations(user, challenge),
        "shares": shares if permissions.can_see_invitation_log(user, challenge) or user.organisation_id in shared_ids
        else [],
    }


def invite(actor: User, challenge: Challenge, company_id: int, now: datetime | None = None) -> ChallengeInvitation:
    """Ask a member company to look at the challenge: the same short message for everyone, no proposal content.
    Before publication the company is told when the challenge is published."""
    now = now or utcnow()
    shared = shared_cluster_ids(challenge)
    if not permissions.can_invite(actor, challenge, now, shared):
        raise PermissionDenied()
    pool = {c.id: c for c in candidates({actor.organisation_id})}
    if company_id not in pool:
        raise DomainError(_("Only verified member companies of your cluster can be invited."))
    if db.session.scalar(sa.select(ChallengeInvitation.id).where(ChallengeInvitation.challenge_id == challenge.id,
                                                                 ChallengeInvitation.company_id == company_id)):
        raise Conflict(_("%(name)s is invited already.", name=pool[company_id].name))
    ranked = rank_companies(challenge, pool.values(), current_index(), pilot_records())
    suggestion = next((s for s in ranked if s.company_id == company_id), None)
    invitation = ChallengeInvitation(
        challenge_id=challenge.id, company_id=company_id, cluster_id=actor.organisation_id, invited_by_id=actor.id,
        invited_at=now, rank=suggestion.rank if suggestion else None,
        score=round(suggestion.score, 4) if suggestion else None, reasons=suggestion.reasons() if suggestion else {})
    db.session.add(invitation)
    db.session.flush()
    for organisation_id in {challenge.lead_authority_id, challenge.cluster_id, actor.organisation_id}:
        audit.record(actor, "matching.invited", invitation, organisation_id=organisation_id,
                     after={"challenge": challenge.id, "company": pool[company_id].name, "rank": invitation.rank})
    if challenge.status_at(now) == ChallengeStatus.PUBLISHED:
        _tell_invited(challenge, [invitation], now)
    return invitation


def _tell_invited(challenge: Challenge, invitations: list[ChallengeInvitation], now: datetime) -> None:
    for invitation in invitations:
        notify(_organisation_users(invitation.company_id),
               _l("%(cluster)s invites you to look at the challenge %(title)s", cluster=invitation.cluster.name,
                  title=challenge.title),
               "challenges.detail", challenge_id=challenge.id)
        invitation.notified_at = now


def shareable_clusters(challenge: Challenge) -> list[Organisation]:
    """Verified clusters other than the facilitating one that the challenge is not shared with yet."""
    excluded = {challenge.cluster_id, *shared_cluster_ids(challenge)}
    return list(db.session.scalars(sa.select(Organisation).where(
        Organisation.kind == OrganisationKind.CLUSTER, Organisation.verification_status == VerificationStatus.VERIFIED,
        Organisation.id.not_in(excluded)).order_by(Organisation.name)))


def share(actor: User, challenge: Challenge, cluster_id: int, now: datetime | None = None) -> ChallengeShare:
    """The facilitating cluster shares the open challenge with another cluster, which is told and then sees, and
    may invite, its own member companies."""
    now = now or utcnow()
    if not permissions.can_share(actor, challenge, now):
        raise PermissionDenied()
    cluster = next((c for c in shareable_clusters(challenge) if c.id == cluster_id), None)
    if cluster is None:
        if cluster_id in shared_cluster_ids(challenge):
            raise Conflict(_("The challenge is shared with this cluster already."))
        raise DomainError(_("Choose a verified cluster other than the facilitating one."))
    shared = ChallengeShare(challenge_id=challenge.id, cluster_id=cluster.id, shared_by_id=actor.id, shared_at=now)
    db.session.add(shared)
    db.session.flush()
    for organisation_id in (challenge.lead_authority_id, challenge.cluster_id, cluster.id):
        audit.record(actor, "matching.shared", shared, organisation_id=organisation_id,
                     after={"challenge": challenge.id, "cluster": cluster.name})
    notify(_organisation_users(cluster.id),
           _l("%(cluster)s shares the challenge %(title)s with your cluster: see which of your members fit",
              cluster=challenge.cluster.name, title=challenge.title),
           "matching.challenge_matches", challenge_id=challenge.id)
    return shared


@status_changed.connect
def _after_status_change(challenge: Challenge, target: ChallengeStatus) -> None:
    """Publication: tell the companies invited during moderation. A decision: the decided proposals now count in
    their companies' match documents."""
    if target == ChallengeStatus.PUBLISHED:
        waiting = [i for i in invitations_of(challenge) if i.notified_at is None]
        _tell_invited(challenge, waiting, utcnow())
    elif target in (ChallengeStatus.AWARDED, ChallengeStatus.NO_AWARD):
        refresh_documents(list(db.session.scalars(sa.select(Proposal.company_id).where(
            Proposal.challenge_id == challenge.id, Proposal.outcome.is_not(None)))))


# ---- challenges for a company ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenChallenge:
    """What a company's suggestions show and weigh of an open challenge, read as plain columns (not as ORM objects
    with their relationships: every open challenge is ranked)."""

    id: int
    title: str
    authority_name: str
    proposal_deadline: datetime
    nuts_code: str
    languages: tuple[str, ...]
    codes: tuple[str, ...]


@dataclass
class ChallengeSuggestion:
    challenge: OpenChallenge
    score: float
    cpv: CpvOverlap
    region: RegionFit
    languages: tuple[str, ...]
    terms: list[str] = field(default_factory=list)
    invited_by: list[str] = field(default_factory=list)  # the clusters' names


def _is_open(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(Challenge.status == ChallengeStatus.PUBLISHED, Challenge.proposal_deadline > now)


def _open_challenges(now: datetime) -> tuple[list[OpenChallenge], list[tuple[int, datetime]]]:
    """Every open challenge, oldest id first, and its (id, updated_at) for the text counts; two queries."""
    codes: dict[int, list[str]] = defaultdict(list)
    for challenge_id, code in db.session.execute(
            sa.select(ChallengeCpv.challenge_id, ChallengeCpv.code).join(Challenge).where(_is_open(now))):
        codes[challenge_id].append(code)
    rows = db.session.execute(
        sa.select(Challenge.id, Challenge.title, Organisation.name, Challenge.proposal_deadline, Challenge.nuts_code,
                  Challenge.languages, Challenge.updated_at)
        .join(Organisation, Organisation.id == Challenge.lead_authority_id).where(_is_open(now)).order_by(Challenge.id))
    found, heads = [], []
    for row in rows:
        found.append(OpenChallenge(row.id, row.title, row.name, row.proposal_deadline, row.nuts_code,
                                   tuple(row.languages or ()), tuple(sorted(codes[row.id]))))
        heads.append((row.id, row.updated_at))
    return found, heads


def _challenge_texts(challenge_ids: list[int]) -> dict[int, str]:
    columns = (Challenge.id, *(getattr(Challenge, name) for name in CHALLENGE_TEXT_FIELDS))
    texts = {}
    for chunk in chunks(challenge_ids):
        for challenge_id, *parts in db.session.execute(sa.select(*columns).where(Challenge.id.in_(chunk))):
            texts[challenge_id] = "\n".join(parts)
    return texts


def _challenge_counts() -> ChallengeCounts:
    """The app's term counts of open challenges (see `ChallengeCounts`)."""
    return current_app.extensions.setdefault("ppi.matching.challenge_counts", ChallengeCounts())


def _invited_by(company_id: int) -> dict[int, list[str]]:
    """The challenges the company was told it is invited to, with the inviting clusters' names."""
    invited: dict[int, list[str]] = defaultdict(list)
    for challenge_id, cluster_name in db.session.execute(
            sa.select(ChallengeInvitation.challenge_id, Organisation.name)
            .join(Organisation, Organisation.id == ChallengeInvitation.cluster_id)
            .where(ChallengeInvitation.company_id == company_id, ChallengeInvitation.notified_at.is_not(None))):
        invited[challenge_id].append(cluster_name)
    return invited


@dataclass(frozen=True)
class KeptSuggestions:
    """A company's ranked challenges, right from `valid_from` until the first of the open challenges closes."""

    suggestions: tuple[ChallengeSuggestion, ...]
    valid_from: datetime
    valid_until: datetime


KEPT_COMPANIES = 1000  # companies whose suggestions each worker keeps (a few kB each)
# At most this long even when nothing changes: bounds the staleness should a new data version fail to be written
# (ppi.core.pagecache logs that), as PPI_PAGE_CACHE_SECONDS bounds the pages'.
KEPT_AT_MOST = timedelta(minutes=10)


def _kept_suggestions() -> VersionedCache:
    return current_app.extensions.setdefault("ppi.matching.kept_suggestions", VersionedCache(KEPT_COMPANIES))


def challenges_for_company(user: User, now: datetime | None = None, limit: int = 5) -> list[ChallengeSuggestion]:
    """Open challenges for the user's verified company, best first; those it was invited to always among them.

    Ranking reads every open challenge, so the ranked list is kept per company for the data version
    (`ppi.core.pagecache.data_version`, one query): a dashboard costs that query until something is committed or the
    first of the open challenges closes."""
    now = now or utcnow()
    org = user.organisation
    if org is None or org.kind != OrganisationKind.COMPANY or not org.is_verified:
        return []
    version, key = data_version(), (org.id, limit)
    kept = _kept_suggestions().get(version, key) if version else None
    if kept is None or not kept.valid_from <= now < kept.valid_until:
        kept = _rank_open_challenges(org, now, limit)
        if version:
            _kept_suggestions().put(version, key, kept)
    return list(kept.suggestions)


def _rank_open_challenges(org: Organisation, now: datetime, limit: int) -> KeptSuggestions:
    open_challenges, heads = _open_challenges(now)
    if not open_challenges:
        return KeptSuggestions((), now, now + KEPT_AT_MOST)
    invited = _invited_by(org.id)
    state = current_index()
    row, document = state.row(org.id), state.documents.get(org.id)
    offered, markets, spoken = (document.cpv_codes, document.markets, document.languages) if document else ((), (), ())
    home, spoken = Candidate(org.id, org.name, org.country, org.nuts_code).home, company_languages(spoken, org.country)
    cosines = [0.0] * len(open_challenges)
    if row is not None and state.transformer is not None:
        counts = _challenge_counts().matrix(heads, _challenge_texts)
        cosines = (state.transformer.transform(counts) @ state.vectors[row].T).toarray().ravel()
    found = []
    for challenge, cosine in zip(open_challenges, map(float, cosines)):
        cpv = cpv_overlap(challenge.codes, offered)
        if not is_suggested(cosine, cpv) and challenge.id not in invited:
            continue
        region = region_fit(challenge.nuts_code, home, markets)
        languages = language_fit(challenge.languages, spoken)
        found.append(ChallengeSuggestion(challenge, combine(cosine, cpv, region, languages, NO_PILOTS), cpv, region,
                                         languages, invited_by=invited.get(challenge.id, [])))
    found.sort(key=lambda s: (-s.score, s.challenge.proposal_deadline, s.challenge.id))
    shown = [s for number, s in enumerate(found) if number < limit or s.invited_by]
    texts = _challenge_texts([s.challenge.id for s in shown])
    for suggestion in shown:
        suggestion.terms = state.explain(texts[suggestion.challenge.id], [org.id])[org.id]
    first_close = min(challenge.proposal_deadline for challenge in open_challenges)
    return KeptSuggestions(tuple(shown), now, min(first_close, now + KEPT_AT_MOST))
