"""Who may do what with competence profiles, suggestions, invitations and shares: pure predicates.

Facts from the database are passed in by the services and views: the clusters a company has consented to
(while it is their member), the clusters a challenge is shared with, the time.
"""
from datetime import datetime

from ppi.accounts.models import Organisation, OrganisationKind
from ppi.accounts.permissions import acts_for_verified, belongs_to, can_view_organisation, is_org_admin, is_platform_admin
from ppi.challenges.models import Challenge
from ppi.challenges.permissions import is_moderator, is_owner
from ppi.challenges.workflow import ChallengeStatus

# Suggestions are made while the cluster moderates a challenge and while it is open for proposals.
MATCHING_STATUSES = frozenset({ChallengeStatus.IN_MODERATION, ChallengeStatus.PUBLISHED})


def has_profile(org: Organisation) -> bool:
    return org.kind == OrganisationKind.COMPANY


def can_view_profile(user, org: Organisation) -> bool:
    return has_profile(org) and can_view_organisation(user, org)


def acts_for_cluster_in(user, cluster_ids) -> bool:
    """A member of a verified cluster among `cluster_ids`."""
    return acts_for_verified(user, OrganisationKind.CLUSTER) and user.organisation_id in cluster_ids


def can_edit_profile(user, company: Organisation, consenting_cluster_ids) -> bool:
    """The company's admins; and the members of a verified cluster the company consented to while it is a member."""
    return has_profile(company) and (is_org_admin(user, company) or acts_for_cluster_in(user, consenting_cluster_ids))


def edits_on_behalf(user, company: Organisation) -> bool:
    return not belongs_to(user, company)


def can_manage_consent(user, company: Organisation) -> bool:
    return has_profile(company) and is_org_admin(user, company)


def can_see_consents(user, company: Organisation, consenting_cluster_ids) -> bool:
    return belongs_to(user, company) or is_platform_admin(user) or acts_for_cluster_in(user, consenting_cluster_ids)


def can_see_suggestions(user, challenge: Challenge, now: datetime, shared_cluster_ids) -> bool:
    """The authority and the facilitating cluster while the challenge is moderated or open; a cluster it is shared
    with while it is open."""
    status = challenge.status_at(now)
    if status not in MATCHING_STATUSES:
        return False
    if is_owner(user, challenge) or is_moderator(user, challenge):
        return True
    return status == ChallengeStatus.PUBLISHED and acts_for_cluster_in(user, shared_cluster_ids)


def can_invite(user, challenge: Challenge, now: datetime, shared_cluster_ids) -> bool:
    """The clusters that see suggestions invite (their own members: the services check the membership)."""
    return can_see_suggestions(user, challenge, now, shared_cluster_ids) and acts_for_verified(user, OrganisationKind.CLUSTER)


def can_share(user, challenge: Challenge, now: datetime) -> bool:
    """The facilitating cluster shares a published challenge, while it is open, with other clusters."""
    return is_moderator(user, challenge) and challenge.status_at(now) == ChallengeStatus.PUBLISHED


def can_see_invitation_log(user, challenge: Challenge) -> bool:
    """Every invitation, for equal treatment: the authority, the facilitating cluster and the platform admin."""
    return is_owner(user, challenge) or is_moderator(user, challenge) or is_platform_admin(user)
