"""A pilot in any state for the pilot tests: the world's authority, company and cluster, a complete plan."""
from datetime import date, timedelta
from decimal import Decimal

from ppi.challenges.workflow import ChallengeStatus
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.pilots.models import Milestone, Pilot, Site, SuccessCriterion, UserGroup
from ppi.pilots.workflow import Comparison, PilotStatus
from ppi.proposals.models import Proposal
from ppi.proposals.workflow import Outcome, ProposalStatus
from tests.conftest import World, add_challenge


def add_pilot(world: World, status: PilotStatus = PilotStatus.PLANNING, *, agreed: bool = False,
              complete_plan: bool = True) -> int:
    """A pilot of the world's company on an awarded challenge of the world's authority (inside an app context)."""
    challenge_id = add_challenge(world, ChallengeStatus.AWARDED, days_to_questions=-40, days_to_proposals=-30)
    proposal = Proposal(challenge_id=challenge_id, company_id=world.orgs["company"], created_by_id=world.users["company_admin"],
                        status=ProposalStatus.SUBMITTED, title="NightWatch radar", summary="Ceiling radar.",
                        description="Radar units.", trl=6, evidence="Two homes.", test_users_needed=40, sites_needed=2,
                        duration_weeks=12, pilot_price_eur=Decimal(48000), version_count=1, outcome=Outcome.SELECTED)
    db.session.add(proposal)
    db.session.flush()
    now = utcnow()
    pilot = Pilot(challenge_id=challenge_id, proposal_id=proposal.id, authority_id=world.orgs["authority"],
                  company_id=world.orgs["company"], cluster_id=world.orgs["cluster"], status=status, title="NightWatch pilot",
                  authority_agreed_at=now if agreed else None, company_agreed_at=now if agreed else None)
    if complete_plan:
        today = date.today()
        pilot.objectives = "Fewer long lies after night-time falls."
        pilot.start_date, pilot.end_date = today - timedelta(days=10), today + timedelta(days=80)
        pilot.personal_data, pilot.legal_basis, pilot.dpia_done = "Fall alerts per room.", "GDPR Art 6(1)(e)", True
        pilot.criteria = [
            SuccessCriterion(position=0, name="Falls found within 10 minutes", comparison=Comparison.AT_LEAST,
                             target=Decimal(90), unit="%", rated_by_users=False),
            SuccessCriterion(position=1, name="Alerts are easy to act on", comparison=Comparison.AT_LEAST,
                             target=Decimal(4), unit="of 5", rated_by_users=True),
        ]
        pilot.sites = [Site(name="Hjallese care home", address="Hjallesevej 1, Odense", kind="care home"),
                       Site(name="Tarup care home", kind="care home")]
        pilot.groups = [UserGroup(role="Night staff", planned=20), UserGroup(role="Residents' relatives", planned=10)]
        pilot.milestones = [Milestone(title="Sensors installed", due_date=today - timedelta(days=5)),
                            Milestone(title="Final feedback", due_date=today + timedelta(days=75))]
    db.session.add(pilot)
    db.session.commit()
    return pilot.id
