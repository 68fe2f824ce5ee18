"""Who may do what with procurement cases: pure predicates.

The authority that runs the procurement opens and manages its cases. Cases are public once published
(transparency of public procurement); in planning only the authority sees them.
"""
from ppi.accounts.models import OrganisationKind
from ppi.accounts.permissions import acts_for_verified, is_platform_admin
from ppi.pilots.models import Pilot
from ppi.procurement.models import ProcurementCase
from ppi.procurement.workflow import CaseStatus


def can_open_case(user) -> bool:
    return acts_for_verified(user, OrganisationKind.PUBLIC_AUTHORITY)


def can_open_from_pilot(user, pilot: Pilot) -> bool:
    return can_open_case(user) and user.organisation_id == pilot.authority_id


def owns(user, case: ProcurementCase) -> bool:
    return acts_for_verified(user, OrganisationKind.PUBLIC_AUTHORITY) and user.organisation_id == case.authority_id


def is_public(case: ProcurementCase) -> bool:
    """Published at some point: a case cancelled while still in planning was never public."""
    return case.was_published


def can_view(user, case: ProcurementCase) -> bool:
    return is_public(case) or owns(user, case) or is_platform_admin(user)


def can_edit(user, case: ProcurementCase) -> bool:
    return owns(user, case) and case.status not in (CaseStatus.COMPLETED, CaseStatus.CANCELLED)
