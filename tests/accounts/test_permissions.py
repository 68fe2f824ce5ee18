"""The permission predicates as pure functions over unsaved objects: role × ownership × state."""
import pytest
from flask_login import AnonymousUserMixin

from ppi.accounts import permissions as p
from ppi.accounts.models import ClusterMembership, Invitation, Organisation, OrganisationKind, OrgRole, User
from ppi.accounts.workflow import MembershipStatus, VerificationStatus

ANON = AnonymousUserMixin()


def org(kind=OrganisationKind.COMPANY, status=VerificationStatus.VERIFIED, id_=1) -> Organisation:
    return Organisation(id=id_, name=f"org{id_}", kind=kind, verification_status=status)


def user(organisation=None, role=OrgRole.MEMBER, id_=10, platform_admin=False) -> User:
    return User(id=id_, email=f"u{id_}@x.org", organisation=organisation,
                organisation_id=organisation.id if organisation else None, org_role=role,
                is_platform_admin=platform_admin, active=True, password_hash="x")


def test_anonymous_sees_only_verified_organisations():
    assert p.can_view_organisation(ANON, org())
    assert not p.can_view_organisation(ANON, org(status=VerificationStatus.PENDING))
    assert not p.can_edit_organisation(ANON, org())


def test_unverified_admin_may_edit_its_profile_and_nothing_more():
    pending = org(status=VerificationStatus.PENDING)
    admin = user(pending, OrgRole.ADMIN)
    assert p.can_view_organisation(admin, pending)
    assert p.can_edit_organisation(admin, pending)
    assert not p.can_invite(admin, pending)
    assert not p.acts_for_verified(admin)
    assert not p.can_request_membership(admin, org(OrganisationKind.CLUSTER, id_=2), None)


def test_members_are_not_admins():
    company = org()
    member = user(company, OrgRole.MEMBER)
    assert p.can_view_people(member, company)
    assert not p.can_invite(member, company)
    assert not p.can_edit_organisation(member, company)
    assert not p.can_view_audit(member, company)


def test_admins_act_only_on_their_own_organisation():
    mine, theirs = org(id_=1), org(id_=2)
    admin = user(mine, OrgRole.ADMIN)
    assert p.can_edit_organisation(admin, mine) and not p.can_edit_organisation(admin, theirs)
    assert p.can_view_audit(admin, mine) and not p.can_view_audit(admin, theirs)
    assert not p.can_view_people(admin, theirs)


def test_an_admin_cannot_demote_or_block_themselves():
    company = org()
    admin = user(company, OrgRole.ADMIN, id_=10)
    colleague = user(company, OrgRole.MEMBER, id_=11)
    assert p.can_manage_user(admin, colleague)
    assert not p.can_manage_user(admin, admin)
    assert not p.can_manage_user(colleague, admin)


def test_platform_admin_verifies_by_the_state_machine():
    root = user(None, platform_admin=True)
    assert p.can_set_verification(root, org(status=VerificationStatus.PENDING), VerificationStatus.VERIFIED)
    assert not p.can_set_verification(root, org(status=VerificationStatus.VERIFIED), VerificationStatus.VERIFIED)
    assert not p.can_set_verification(user(org(), OrgRole.ADMIN), org(status=VerificationStatus.PENDING), VerificationStatus.VERIFIED)
    assert p.can_read_outbox(root, outbox_enabled=True) and not p.can_read_outbox(root, outbox_enabled=False)


@pytest.mark.parametrize(
    "kind, role, existing, allowed",
    [
        (OrganisationKind.COMPANY, OrgRole.ADMIN, None, True),
        (OrganisationKind.COMPANY, OrgRole.MEMBER, None, False),
        (OrganisationKind.PUBLIC_AUTHORITY, OrgRole.ADMIN, None, False),
        (OrganisationKind.CLUSTER, OrgRole.ADMIN, None, False),
        (OrganisationKind.COMPANY, OrgRole.ADMIN, MembershipStatus.REQUESTED, False),
        (OrganisationKind.COMPANY, OrgRole.ADMIN, MembershipStatus.ACCEPTED, False),
        (OrganisationKind.COMPANY, OrgRole.ADMIN, MembershipStatus.DECLINED, True),
        (OrganisationKind.COMPANY, OrgRole.ADMIN, MembershipStatus.ENDED, True),
    ],
)
def test_who_may_ask_to_join_a_cluster(kind, role, existing, allowed):
    cluster = org(OrganisationKind.CLUSTER, id_=2)
    applicant = user(org(kind, id_=1), role)
    membership = ClusterMembership(status=existing) if existing else None
    assert p.can_request_membership(applicant, cluster, membership) is allowed


def test_cluster_admin_decides_and_either_side_may_end():
    cluster, company = org(OrganisationKind.CLUSTER, id_=2), org(id_=1)
    cluster_admin, company_admin = user(cluster, OrgRole.ADMIN, id_=20), user(company, OrgRole.ADMIN, id_=10)
    requested = ClusterMembership(cluster=cluster, company=company, status=MembershipStatus.REQUESTED)
    accepted = ClusterMembership(cluster=cluster, company=company, status=MembershipStatus.ACCEPTED)
    assert p.can_decide_membership(cluster_admin, requested)
    assert not p.can_decide_membership(company_admin, requested)
    assert not p.can_decide_membership(cluster_admin, accepted)
    assert p.can_end_membership(company_admin, requested)  # withdraw the request
    assert not p.can_end_membership(cluster_admin, requested)  # the cluster declines instead
    assert p.can_end_membership(company_admin, accepted) and p.can_end_membership(cluster_admin, accepted)
    assert not p.can_end_membership(user(cluster, OrgRole.MEMBER, id_=21), accepted)


def test_only_open_invitations_of_ones_own_organisation_can_be_revoked():
    company = org()
    admin = user(company, OrgRole.ADMIN)
    invitation = Invitation(organisation=company, accepted_at=None, revoked_at=None)
    assert p.can_revoke_invitation(admin, invitation)
    assert not p.can_revoke_invitation(user(org(id_=3), OrgRole.ADMIN, id_=30), invitation)
