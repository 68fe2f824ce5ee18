"""Who may do what with pools and grant applications: pure predicates.

Pools and their budgets are public (public money); applications are seen by the administering
organisation, the applying company and the pilot's public partner.
"""
from datetime import date

from ppi.accounts.models import OrganisationKind
from ppi.accounts.permissions import acts_for_verified
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus
from ppi.pools.models import GrantApplication, Pool
from ppi.pools.workflow import ApplicationStatus, is_open

_FUNDABLE = frozenset({PilotStatus.PLANNING, PilotStatus.PLAN_APPROVED, PilotStatus.RUNNING, PilotStatus.PAUSED})


def can_create_pool(user) -> bool:
    """Clusters and authorities administer pools; their organisation administrators set one up."""
    return (acts_for_verified(user, OrganisationKind.CLUSTER) or acts_for_verified(user, OrganisationKind.PUBLIC_AUTHORITY)) \
        and user.is_org_admin


def administers(user, pool: Pool) -> bool:
    return acts_for_verified(user) and user.organisation_id == pool.administrator_id


def can_apply(user, pool: Pool, pilot: Pilot, today: date) -> bool:
    return (acts_for_verified(user, OrganisationKind.COMPANY) and user.organisation_id == pilot.company_id
            and pilot.status in _FUNDABLE and is_open(pool.opens_on, pool.closes_on, today))


def can_view_application(user, application: GrantApplication) -> bool:
    return acts_for_verified(user) and user.organisation_id in (
        application.pool.administrator_id, application.company_id, application.pilot.authority_id)


def can_edit_application(user, application: GrantApplication) -> bool:
    return (acts_for_verified(user, OrganisationKind.COMPANY) and user.organisation_id == application.company_id
            and application.status == ApplicationStatus.DRAFT)


def can_confirm_benefit(user, application: GrantApplication) -> bool:
    """The public partner (the pilot's authority) signs the declaration of expected benefit."""
    return (acts_for_verified(user, OrganisationKind.PUBLIC_AUTHORITY) and user.organisation_id == application.pilot.authority_id
            and application.status == ApplicationStatus.DRAFT and application.benefit_confirmed_at is None)


def can_decide(user, application: GrantApplication) -> bool:
    return administers(user, application.pool) and application.status == ApplicationStatus.SUBMITTED


def can_record_payment(user, application: GrantApplication) -> bool:
    return administers(user, application.pool) and application.status == ApplicationStatus.APPROVED
