"""Data for the case library's tests: reported pilots and closed procurement cases of the world (and of other
authorities), test users with SUS answers, and summaries written, approved and published through the services."""
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import sqlalchemy as sa

from ppi.accounts.models import OrganisationKind, OrgRole, User
from ppi.cases import services
from ppi.cases.models import CaseSummary
from ppi.cases.services import Source, SummaryTexts
from ppi.challenges.models import Challenge, ChallengeCpv
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.pilots.models import Feedback, Pilot, PilotStatusChange, TestUser
from ppi.pilots.sus import score
from ppi.pilots.workflow import PilotStatus, Recommendation
from ppi.procurement import services as procurement_services
from ppi.procurement.directive import ContractKind, Procedure
from ppi.procurement.models import ProcurementCase
from ppi.procurement.workflow import CaseStatus
from tests.conftest import World, add_org, add_user
from tests.pilots.helpers import add_pilot

TEXTS = SummaryTexts(
    title="Ceiling radar against night-time falls", what_was_tried="Radar units above the beds of two care homes.",
    with_whom="Test Region, Test Company ApS and Test Cluster.", users_said="Night staff liked the quiet alerts.",
    learned="Alerts must reach the phone the staff carry anyway.", differently="Start with one ward.")
FORM = {name: value or "" for name, value in vars(TEXTS).items()}
SUS_GOOD = [5, 1, 5, 1, 5, 1, 5, 1, 5, 1]  # 100
SUS_FAIR = [4, 2, 4, 2, 4, 2, 4, 2, 4, 2]  # 75


def text(response) -> str:
    return response.get_data(as_text=True)


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def user(world: World, role: str) -> User:
    return db.session.get(User, world.users[role])


def reported_pilot(world: World, *, respondents: int = 0, decision: Recommendation | None = Recommendation.PROCEED,
                   stopped_early: bool = False, cpv_codes=("33196200",), authority_id: int | None = None,
                   title: str = "NightWatch pilot") -> int:
    """A reported pilot of the world's company and cluster (of the world's authority unless `authority_id`), concluded,
    with `respondents` test users who answered the SUS once each (inside an app context)."""
    pilot = db.session.get(Pilot, add_pilot(world, PilotStatus.REPORTED, agreed=True))
    pilot.title = title
    pilot.conclusion, pilot.recommendation = "The radar found every fall within minutes.", decision or Recommendation.ITERATE
    pilot.authority_decision = decision
    challenge = db.session.get(Challenge, pilot.challenge_id)
    challenge.cpv_codes = [ChallengeCpv(code=code) for code in cpv_codes]
    if authority_id is not None:
        pilot.authority_id = challenge.lead_authority_id = authority_id
    ended = PilotStatus.STOPPED_EARLY if stopped_early else PilotStatus.COMPLETED
    db.session.add_all([
        PilotStatusChange(pilot_id=pilot.id, from_status=PilotStatus.RUNNING, to_status=ended,
                          actor_id=world.users["cluster_admin"], at=utcnow() - timedelta(days=3), reason="Ended."),
        PilotStatusChange(pilot_id=pilot.id, from_status=ended, to_status=PilotStatus.REPORTED,
                          actor_id=world.users["cluster_admin"], at=utcnow() - timedelta(days=2))])
    for number in range(respondents):
        add_answer(pilot, f"CODE{number:02d}", SUS_GOOD if number % 2 else SUS_FAIR)
    db.session.commit()
    return pilot.id


def add_answer(pilot: Pilot, code: str, answers: list[int], **feedback) -> TestUser:
    test_user = TestUser(pilot_id=pilot.id, code=code, group_id=pilot.groups[0].id, site_id=pilot.sites[0].id,
                         consent_on=date.today(), consent_version="1")
    db.session.add(test_user)
    db.session.flush()
    db.session.add(Feedback(pilot_id=pilot.id, test_user_id=test_user.id, sus_answers=answers, sus_score=score(answers),
                            **feedback))
    return test_user


def other_authority(name: str = "Other Municipality", nuts: str = "DK032") -> tuple[int, int]:
    """Another verified authority with a member: (organisation id, user id) (inside an app context)."""
    org = add_org(name, OrganisationKind.PUBLIC_AUTHORITY, nuts_code=nuts)
    member = add_user(f"member@{name.lower().replace(' ', '-')}.test.org", org, OrgRole.MEMBER)
    db.session.commit()
    return org.id, member.id


def closed_case(world: World, status: CaseStatus = CaseStatus.COMPLETED, *, was_published: bool = True,
                challenge_id: int | None = None) -> int:
    """A procurement case of the world's authority, completed with a contract to the world's company, or cancelled."""
    actor = user(world, "authority_admin")
    challenge = db.session.get(Challenge, challenge_id) if challenge_id else None
    case = procurement_services.open_case(actor, procurement_services.CaseData(
        "Night-time fall sensors", ContractKind.SUPPLIES, Decimal(300_000), ["33196200"], "Sensors for 12 homes."),
        challenge=challenge)
    case.procedure, case.status, case.was_published = Procedure.OPEN, status, was_published
    if status == CaseStatus.COMPLETED:
        case.supplier_id, case.supplier_name = world.orgs["company"], "Test Company ApS"
        case.contract_value_eur, case.award_reasons = Decimal("280000.00"), "Best price-quality ratio."
    else:
        case.public_reason = "The budget was withdrawn."
    db.session.commit()
    return case.id


def write(world: World, role: str = "authority_member", *, pilot_id: int | None = None, case_id: int | None = None,
          texts: SummaryTexts = TEXTS) -> int:
    """A draft written through the service (inside an app context)."""
    source = Source(db.session.get(Pilot, pilot_id) if pilot_id else None,
                    db.session.get(ProcurementCase, case_id) if case_id else None)
    summary = services.start(user(world, role), source, texts)
    db.session.commit()
    return summary.id


def approve(world: World, summary_id: int, *roles: str) -> None:
    for role in roles:
        summary = db.session.get(CaseSummary, summary_id)
        services.approve(user(world, role), summary, summary.revision)
        db.session.commit()


def published(world: World, **source) -> int:
    """A summary written by the cluster (the authority, for a case of its own) and approved by every party: the
    authority's first user (the world's or another authority's) and the cluster (inside an app context)."""
    summary_id = write(world, "cluster_member" if source.get("pilot_id") else "authority_member", **source)
    summary = db.session.get(CaseSummary, summary_id)
    authority = db.session.scalar(sa.select(User).where(User.organisation_id == summary.authority_id).order_by(User.id))
    for actor in [authority] + ([user(world, "cluster_member")] if summary.has_cluster else []):
        services.approve(actor, summary, summary.revision)
        db.session.commit()
    return summary_id


def status_of(app, summary_id: int):
    with app.app_context():
        return db.session.get(CaseSummary, summary_id).status


def count_summaries() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CaseSummary))
