"""Who may do what with a pilot: pure predicates over the user, the pilot and its state.

The three parties are the authority (the challenge's lead authority), the company (whose proposal was
selected) and the facilitating cluster. Only verified members of those organisations act on the pilot.
"""
from ppi.accounts.models import OrganisationKind
from ppi.accounts.permissions import acts_for_verified
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import ENROLMENT_OPEN, FEEDBACK_OPEN, LOG_OPEN, Party, PilotStatus, can_move

_KIND_OF_PARTY = {
    Party.AUTHORITY: OrganisationKind.PUBLIC_AUTHORITY,
    Party.COMPANY: OrganisationKind.COMPANY,
    Party.CLUSTER: OrganisationKind.CLUSTER,
}


def party_of(user, pilot: Pilot) -> Party | None:
    """The party the user acts for on this pilot, if any."""
    if not acts_for_verified(user):
        return None
    for party, organisation_id in ((Party.AUTHORITY, pilot.authority_id), (Party.COMPANY, pilot.company_id),
                                   (Party.CLUSTER, pilot.cluster_id)):
        if user.organisation_id == organisation_id and user.organisation.kind == _KIND_OF_PARTY[party]:
            return party
    return None


def can_view(user, pilot: Pilot) -> bool:
    return party_of(user, pilot) is not None


def can_edit_plan(user, pilot: Pilot) -> bool:
    return party_of(user, pilot) in (Party.AUTHORITY, Party.COMPANY, Party.CLUSTER) and pilot.status == PilotStatus.PLANNING


def can_agree(user, pilot: Pilot) -> bool:
    """The authority and the company each agree to the plan before the cluster approves it."""
    return party_of(user, pilot) in (Party.AUTHORITY, Party.COMPANY) and pilot.status == PilotStatus.PLANNING


def can_transition(user, pilot: Pilot, target: PilotStatus) -> bool:
    return can_move(party_of(user, pilot), pilot.status, target)


def allowed_transitions(user, pilot: Pilot) -> list[PilotStatus]:
    return [target for target in PilotStatus if can_transition(user, pilot, target)]


def can_enrol(user, pilot: Pilot) -> bool:
    return party_of(user, pilot) in (Party.AUTHORITY, Party.CLUSTER) and pilot.status in ENROLMENT_OPEN


def can_manage_test_users(user, pilot: Pilot) -> bool:
    """Record withdrawals and issue or revoke feedback links: the authority and the cluster, until reported."""
    return party_of(user, pilot) in (Party.AUTHORITY, Party.CLUSTER) and pilot.status != PilotStatus.REPORTED


def can_log(user, pilot: Pilot) -> bool:
    return party_of(user, pilot) is not None and pilot.status in LOG_OPEN


def can_measure(user, pilot: Pilot) -> bool:
    return party_of(user, pilot) in (Party.AUTHORITY, Party.COMPANY) and pilot.status in LOG_OPEN


def can_confirm_milestone(user, pilot: Pilot) -> bool:
    return party_of(user, pilot) == Party.CLUSTER and pilot.status in LOG_OPEN


def can_choose_quotes(user, pilot: Pilot) -> bool:
    return party_of(user, pilot) == Party.CLUSTER and pilot.status in (PilotStatus.COMPLETED, PilotStatus.STOPPED_EARLY)


def can_conclude(user, pilot: Pilot) -> bool:
    """The cluster writes the conclusion and recommendation before it marks the pilot reported."""
    return party_of(user, pilot) == Party.CLUSTER and pilot.status in (PilotStatus.COMPLETED, PilotStatus.STOPPED_EARLY)


def can_decide(user, pilot: Pilot) -> bool:
    return party_of(user, pilot) == Party.AUTHORITY and pilot.status == PilotStatus.REPORTED and pilot.authority_decision is None


def feedback_open(pilot: Pilot) -> bool:
    return pilot.status in FEEDBACK_OPEN
