"""Helpers for the pool tests: a pool and an application in any state, straight into the database."""
from datetime import date, timedelta
from decimal import Decimal

from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.pools.models import GrantApplication, Pool
from ppi.pools.workflow import ApplicationStatus
from tests.conftest import World


def add_pool(world: World, administrator: str = "cluster", **extra) -> int:
    """An open DKK pool of the world's cluster (or authority): 10,000,000 in grants of 400,000–1,475,000."""
    today = date.today()
    fields = dict(
        name="Welfare tech pool", administrator_id=world.orgs[administrator], currency="DKK", total_budget=Decimal(10_000_000),
        min_grant=Decimal(400_000), max_grant=Decimal(1_475_000), units_per_eur=Decimal("7.46"),
        eligibility_text="SMEs in Southern Denmark with a public partner.", require_sme=True, regions=["DK03"],
        require_public_partner=True, require_research_partner=False, opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=30), created_by_id=world.users[f"{administrator}_admin"],
    )
    fields.update(extra)
    pool = Pool(**fields)
    db.session.add(pool)
    db.session.commit()
    return pool.id


def add_application(world: World, pool_id: int, pilot_id: int, status: ApplicationStatus = ApplicationStatus.DRAFT, *,
                    requested: Decimal = Decimal(600_000), benefit: bool = False, declared: bool = False,
                    received_eur: Decimal = Decimal(0), approved: Decimal | None = None) -> int:
    now = utcnow()
    application = GrantApplication(
        pool_id=pool_id, pilot_id=pilot_id, company_id=world.orgs["company"], status=status, requested=requested,
        co_financing=Decimal(200_000), purpose="Sensors and installation.", created_by_id=world.users["company_admin"],
        benefit_statement="Fewer long lies." if benefit else None, benefit_confirmed_at=now if benefit else None,
        benefit_confirmed_by_id=world.users["authority_admin"] if benefit else None,
        de_minimis_received_eur=received_eur if declared else None, de_minimis_declared_at=now if declared else None,
        de_minimis_declared_by_id=world.users["company_admin"] if declared else None,
        submitted_at=now if status != ApplicationStatus.DRAFT else None,
        approved_amount=approved if status == ApplicationStatus.APPROVED else None,
        decided_at=now if status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED) else None,
    )
    db.session.add(application)
    db.session.commit()
    return application.id


def text(response) -> str:
    return response.get_data(as_text=True)
