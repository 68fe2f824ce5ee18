"""Who may do what with proposals and their evaluation: pure predicates over user, objects, state and time.

The sealing rule lives here: before the challenge's proposal deadline only the proposing company and its
confirmed partners read a proposal; the authority, the cluster and the platform's administrators do not.
"""
from datetime import datetime

from ppi.accounts.models import OrganisationKind
from ppi.accounts.permissions import acts_for_verified, is_signed_in
from ppi.challenges.models import Challenge
from ppi.challenges.permissions import is_moderator, is_owner
from ppi.challenges.workflow import ChallengeStatus, is_open_for_proposals
from ppi.proposals.models import PanelMember, Proposal, ProposalPartner
from ppi.proposals.workflow import LIFECYCLE, PartnerStatus, ProposalStatus, before_deadline, is_sealed


def can_propose(user, challenge: Challenge, now: datetime) -> bool:
    return acts_for_verified(user, OrganisationKind.COMPANY) and is_open_for_proposals(
        challenge.status, challenge.proposal_deadline, now)


def is_proposer(user, proposal: Proposal) -> bool:
    return acts_for_verified(user, OrganisationKind.COMPANY) and user.organisation_id == proposal.company_id


def is_confirmed_partner(user, proposal: Proposal) -> bool:
    return acts_for_verified(user, OrganisationKind.COMPANY) and user.organisation_id in proposal.confirmed_partner_ids


def is_team(user, proposal: Proposal) -> bool:
    """The proposing company and its confirmed partners: they read the proposal at any time."""
    return is_proposer(user, proposal) or is_confirmed_partner(user, proposal)


def can_change(user, proposal: Proposal, now: datetime) -> bool:
    """Edit the working copy, attachments and partners: the proposer, strictly before the deadline."""
    return is_proposer(user, proposal) and before_deadline(proposal.challenge.proposal_deadline, now) and (
        proposal.challenge.status == ChallengeStatus.PUBLISHED)


def can_submit(user, proposal: Proposal, now: datetime) -> bool:
    return can_change(user, proposal, now) and LIFECYCLE.can(proposal.status, ProposalStatus.SUBMITTED)


def can_withdraw(user, proposal: Proposal, now: datetime) -> bool:
    return can_change(user, proposal, now) and LIFECYCLE.can(proposal.status, ProposalStatus.WITHDRAWN)


def can_answer_partnership(user, partner: ProposalPartner, now: datetime) -> bool:
    return (acts_for_verified(user, OrganisationKind.COMPANY) and user.organisation_id == partner.organisation_id
            and partner.status == PartnerStatus.INVITED and before_deadline(partner.proposal.challenge.proposal_deadline, now))


def can_see_count(user, challenge: Challenge) -> bool:
    """The authority and the cluster see how many proposals were submitted, even while they are sealed."""
    return is_owner(user, challenge) or is_moderator(user, challenge)


def can_read_as_evaluator(user, proposal: Proposal, member: PanelMember | None, recused_ids: set[int], now: datetime) -> bool:
    """A panel member who declared no conflict, after the deadline, a submitted proposal they are not recused from."""
    return (
        member is not None and is_signed_in(user) and member.user_id == user.id and member.cleared
        and not is_sealed(proposal.challenge.proposal_deadline, now)
        and proposal.version_count > 0 and proposal.status == ProposalStatus.SUBMITTED
        and proposal.id not in recused_ids
    )


def can_read_for_decision(user, proposal: Proposal, scored_or_decided: bool, now: datetime) -> bool:
    """Once the panel has scored everything (or the decision is made), the authority reads the proposals."""
    return (is_owner(user, proposal.challenge) and scored_or_decided and not is_sealed(proposal.challenge.proposal_deadline, now)
            and proposal.version_count > 0 and proposal.status == ProposalStatus.SUBMITTED)


def can_manage_panel(user, challenge: Challenge, now: datetime) -> bool:
    """The authority names its panel from publication until the decision."""
    return is_owner(user, challenge) and challenge.status_at(now) in (
        ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED, ChallengeStatus.IN_EVALUATION)


def can_sit_on_panel(candidate, challenge: Challenge) -> bool:
    """Members of the owning authorities and, optionally, of the facilitating cluster."""
    return candidate.active and candidate.organisation_id is not None and (
        candidate.organisation_id in challenge.owner_ids or candidate.organisation_id == challenge.cluster_id)


def can_declare(user, member: PanelMember | None, challenge: Challenge) -> bool:
    """Once the evaluation has started: only then are the proposing companies final. A declaration before the
    deadline would not cover companies that submit later, nor the neutrality question their cluster membership raises."""
    return member is not None and is_signed_in(user) and member.user_id == user.id and (
        challenge.status == ChallengeStatus.IN_EVALUATION)


def can_score(user, member: PanelMember | None, challenge: Challenge) -> bool:
    return member is not None and member.user_id == user.id and member.cleared and challenge.status == ChallengeStatus.IN_EVALUATION


def can_view_evaluation(user, challenge: Challenge, member: PanelMember | None) -> bool:
    return is_owner(user, challenge) or (member is not None and is_signed_in(user) and member.user_id == user.id)


def can_decide(user, challenge: Challenge) -> bool:
    return is_owner(user, challenge) and challenge.status == ChallengeStatus.IN_EVALUATION


def can_read_debrief(user, proposal: Proposal) -> bool:
    return is_team(user, proposal) and proposal.outcome is not None


def is_sealed_for(challenge: Challenge, now: datetime) -> bool:
    return is_sealed(challenge.proposal_deadline, now)
