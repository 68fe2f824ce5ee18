"""Who may do what with organisations, people, invitations and memberships: pure predicates.

`user` is the signed-in user or an anonymous user (Flask-Login's AnonymousUserMixin); nothing here
touches the database or the request, so services, views and templates share the same answers.
"""
from ppi.accounts.models import ClusterMembership, Invitation, Organisation, OrganisationKind, User
from ppi.accounts.workflow import MEMBERSHIP, VERIFICATION, MembershipStatus, VerificationStatus


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_platform_admin(user) -> bool:
    return is_signed_in(user) and user.is_platform_admin


def belongs_to(user, org: Organisation) -> bool:
    return is_signed_in(user) and user.organisation_id is not None and user.organisation_id == org.id


def is_org_admin(user, org: Organisation) -> bool:
    return belongs_to(user, org) and user.is_org_admin


def acts_for_verified(user, kind: OrganisationKind | None = None) -> bool:
    """A member of a verified organisation (of `kind`, when given): the gate for every domain action."""
    if not is_signed_in(user) or user.organisation is None or not user.organisation.is_verified:
        return False
    return kind is None or user.organisation.kind == kind


def is_verified_admin_of(user, org: Organisation) -> bool:
    return is_org_admin(user, org) and org.is_verified


def can_view_organisation(user, org: Organisation) -> bool:
    return org.is_verified or belongs_to(user, org) or is_platform_admin(user)


def can_edit_organisation(user, org: Organisation) -> bool:
    """Unverified organisations may still correct their own profile."""
    return is_org_admin(user, org)


def can_ask_for_verification_again(user, org: Organisation) -> bool:
    return is_org_admin(user, org) and VERIFICATION.can(org.verification_status, VerificationStatus.PENDING)


def can_view_people(user, org: Organisation) -> bool:
    return belongs_to(user, org) or is_platform_admin(user)


def can_invite(user, org: Organisation) -> bool:
    return is_verified_admin_of(user, org)


def can_revoke_invitation(user, invitation: Invitation) -> bool:
    return is_verified_admin_of(user, invitation.organisation) and invitation.accepted_at is None and invitation.revoked_at is None


def can_manage_user(user, target: User) -> bool:
    """Admins change colleagues' roles and access; never their own, so an organisation keeps an admin."""
    return (
        target.organisation is not None
        and is_verified_admin_of(user, target.organisation)
        and target.id != user.id
    )


def can_view_audit(user, org: Organisation) -> bool:
    return is_org_admin(user, org) or is_platform_admin(user)


def can_view_all_audit(user) -> bool:
    return is_platform_admin(user)


def can_review_organisations(user) -> bool:
    return is_platform_admin(user)


def can_set_verification(user, org: Organisation, target: VerificationStatus) -> bool:
    return is_platform_admin(user) and VERIFICATION.can(org.verification_status, target)


def can_read_outbox(user, outbox_enabled: bool) -> bool:
    return outbox_enabled and is_platform_admin(user)


def can_request_membership(user, cluster: Organisation, existing: ClusterMembership | None) -> bool:
    """The admin of a verified company asks a verified cluster, unless a request or membership stands."""
    if cluster.kind != OrganisationKind.CLUSTER or not cluster.is_verified:
        return False
    if not (acts_for_verified(user, OrganisationKind.COMPANY) and user.is_org_admin):
        return False
    return existing is None or MEMBERSHIP.can(existing.status, MembershipStatus.REQUESTED)


def can_decide_membership(user, membership: ClusterMembership) -> bool:
    return is_verified_admin_of(user, membership.cluster) and membership.status == MembershipStatus.REQUESTED


def can_end_membership(user, membership: ClusterMembership) -> bool:
    """The company may withdraw a request or leave; the cluster may end an accepted membership."""
    if membership.status == MembershipStatus.ACCEPTED:
        return is_verified_admin_of(user, membership.cluster) or is_org_admin(user, membership.company)
    if membership.status == MembershipStatus.REQUESTED:
        return is_org_admin(user, membership.company)
    return False


def can_view_memberships(user, org: Organisation) -> bool:
    return belongs_to(user, org) or is_platform_admin(user)
