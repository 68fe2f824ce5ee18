"""Translatable names for the accounts domain's enums, shown in pages and e-mails."""
from flask_babel import lazy_gettext as _l

from ppi.accounts.models import AuthorityType, OrganisationKind, OrgRole
from ppi.accounts.sme import SizeClass
from ppi.accounts.workflow import MembershipStatus, VerificationStatus

KIND_LABELS = {
    OrganisationKind.PUBLIC_AUTHORITY: _l("Public authority"),
    OrganisationKind.COMPANY: _l("Company"),
    OrganisationKind.CLUSTER: _l("Cluster organisation"),
}
AUTHORITY_TYPE_LABELS = {
    AuthorityType.CENTRAL_GOVERNMENT: _l("Central government authority"),
    AuthorityType.SUB_CENTRAL: _l("Sub-central authority (region, municipality)"),
    AuthorityType.BODY_GOVERNED_BY_PUBLIC_LAW: _l("Body governed by public law (e.g. a public hospital trust)"),
}
SIZE_LABELS = {
    SizeClass.MICRO: _l("Micro enterprise"),
    SizeClass.SMALL: _l("Small enterprise"),
    SizeClass.MEDIUM: _l("Medium-sized enterprise"),
    SizeClass.LARGE: _l("Large enterprise"),
}
ROLE_LABELS = {OrgRole.ADMIN: _l("Administrator"), OrgRole.MEMBER: _l("Member")}
VERIFICATION_LABELS = {
    VerificationStatus.PENDING: _l("Awaiting verification"),
    VerificationStatus.VERIFIED: _l("Verified"),
    VerificationStatus.REJECTED: _l("Not verified"),
    VerificationStatus.SUSPENDED: _l("Suspended"),
}
MEMBERSHIP_LABELS = {
    MembershipStatus.REQUESTED: _l("Requested"),
    MembershipStatus.ACCEPTED: _l("Member"),
    MembershipStatus.DECLINED: _l("Declined"),
    MembershipStatus.ENDED: _l("Ended"),
}
