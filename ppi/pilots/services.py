"""Operations on pilots. For now: a pilot record is opened for each proposal the authority selects."""
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.core import audit
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus
from ppi.proposals.models import Proposal
from ppi.proposals.signals import proposal_selected


@proposal_selected.connect
def open_pilot(proposal: Proposal, actor: User) -> Pilot:
    """The pilot record of a selected proposal, in planning: the authority, the company and the cluster plan it."""
    challenge = proposal.challenge
    pilot = Pilot(challenge_id=challenge.id, proposal_id=proposal.id, authority_id=challenge.lead_authority_id,
                  company_id=proposal.company_id, cluster_id=challenge.cluster_id, status=PilotStatus.PLANNING)
    db.session.add(pilot)
    db.session.flush()
    for organisation_id in {pilot.authority_id, pilot.company_id, pilot.cluster_id}:
        audit.record(actor, "pilot.opened", pilot, organisation_id=organisation_id, after={"status": pilot.status.value})
    return pilot


def pilot_of(proposal: Proposal) -> Pilot | None:
    return db.session.scalar(sa.select(Pilot).where(Pilot.proposal_id == proposal.id))
