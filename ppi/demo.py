"""`flask ppi demo`: a believable set of organisations and one user per role, loaded once.

Everything is created through the services, so the demo has the audit trail and outbox that real use
would leave. Running the command again changes nothing.
"""
from dataclasses import dataclass, field
from decimal import Decimal

import click

from ppi.accounts import services
from ppi.accounts.models import AuthorityType, OrganisationKind, OrgRole, User
from ppi.accounts.workflow import VerificationStatus
from ppi.core.cli import ppi_cli
from ppi.extensions import db

DEMO_PASSWORD = "Demo-PPI-2026!"
PLATFORM_ADMIN = ("admin@ppi.example.org", "Platform Administrator")

PA = OrganisationKind.PUBLIC_AUTHORITY
CO = OrganisationKind.COMPANY
CL = OrganisationKind.CLUSTER


@dataclass
class DemoOrganisation:
    data: services.OrganisationData
    admin: tuple[str, str]
    members: list[tuple[str, str]] = field(default_factory=list)
    verified: bool = True


def _org(kind, name, country, nuts, reg, website, description, **extra) -> services.OrganisationData:
    return services.OrganisationData(
        name=name, kind=kind, country=country, nuts_code=nuts, registration_number=reg, website=website,
        description=description, **extra,
    )


def _company(name, country, nuts, reg, website, description, staff, turnover, balance):
    return _org(CO, name, country, nuts, reg, website, description, staff_headcount=staff,
                annual_turnover_eur=Decimal(turnover), balance_sheet_total_eur=Decimal(balance))


ORGANISATIONS = [
    DemoOrganisation(
        _org(PA, "Region of Southern Denmark", "DK", "DK03", "29190909", "https://regionsyddanmark.dk",
             "Regional authority for hospitals, psychiatry and regional development in Southern Denmark.",
             authority_type=AuthorityType.SUB_CENTRAL),
        ("innovation@rsyd.example.org", "Mette Jensen"),
        [("procurement@rsyd.example.org", "Lars Nielsen")],
    ),
    DemoOrganisation(
        _org(PA, "Odense Municipality", "DK", "DK031", "35209115", "https://www.odense.dk",
             "Municipality running elderly care, schools and municipal buildings on Funen.",
             authority_type=AuthorityType.SUB_CENTRAL),
        ("eldercare@odense.example.org", "Hanne Sørensen"),
    ),
    DemoOrganisation(
        _org(PA, "Sønderborg Municipality", "DK", "DK032", "29189781", "https://sonderborg.dk",
             "Municipality with an energy-efficiency programme for its public buildings.",
             authority_type=AuthorityType.SUB_CENTRAL),
        ("innovation@sonderborg.example.org", "Jens Lauritsen"),
    ),
    DemoOrganisation(
        _org(CL, "Health-Tech Cluster South", "DK", "DK031", "36481022", "https://healthtech-south.example.org",
             "Cluster organisation for welfare and health technology: it matches companies with care "
             "settings and facilitates pilots with public test users."),
        ("cluster@healthtech.example.org", "Sofie Andersen"),
        [("facilitator@healthtech.example.org", "Jonas Holm")],
    ),
    DemoOrganisation(
        _org(CL, "Digitalisation Cluster Denmark", "DK", "DK032", "38120457", "https://digicluster.example.org",
             "Cluster for digital solutions in the public sector: data, IoT and school technology."),
        ("admin@digicluster.example.org", "Rasmus Bach"),
    ),
    DemoOrganisation(
        _company("CareSense ApS", "DK", "DK031", "41235567", "https://caresense.example.org",
                 "Non-wearable fall detection for care homes.", 7, "1200000", "900000"),
        ("anna@caresense.example.org", "Anna Kristensen"),
        [("peter@caresense.example.org", "Peter Møller")],
    ),
    DemoOrganisation(
        _company("FallGuard Robotics ApS", "DK", "DK032", "39874410", "https://fallguard.example.org",
                 "Mobile robots that assist care staff with lifting and transfers.", 32, "6500000", "4000000"),
        ("ceo@fallguard.example.org", "Karin Lund"),
    ),
    DemoOrganisation(
        _company("NordicData A/S", "DK", "DK011", "30571234", "https://nordicdata.example.org",
                 "Data platforms and indoor positioning for hospitals and schools.", 180, "38000000", "30000000"),
        ("bids@nordicdata.example.org", "Mikkel Dahl"),
    ),
    DemoOrganisation(
        _company("Scandi MedSupply AB", "SE", "SE224", "556677-8899", "https://medsupply.example.org",
                 "Hospital logistics and medical supplies across the Nordic countries.", 1200, "240000000", "180000000"),
        ("tenders@medsupply.example.org", "Eva Lindqvist"),
    ),
    DemoOrganisation(
        _company("Pending Innovations GmbH", "AT", "AT12", "FN 512345a", "https://pending.example.org",
                 "A new company from Lower Austria, not verified yet.", 4, "300000", "250000"),
        ("founder@pending.example.org", "Lukas Gruber"),
        verified=False,
    ),
]

MEMBERSHIPS = [  # (company, cluster, accepted?)
    ("CareSense ApS", "Health-Tech Cluster South", True),
    ("FallGuard Robotics ApS", "Health-Tech Cluster South", True),
    ("NordicData A/S", "Digitalisation Cluster Denmark", False),
]


def load_demo() -> bool:
    """Load the demo data; False when it is there already."""
    if services.user_by_email(PLATFORM_ADMIN[0]) is not None:
        return False
    admin = services.create_platform_admin(PLATFORM_ADMIN[0], PLATFORM_ADMIN[1], DEMO_PASSWORD)
    orgs: dict[str, User] = {}
    for demo in ORGANISATIONS:
        email, name = demo.admin
        org_admin = services.sign_up(demo.data, services.AccountData(email, name, DEMO_PASSWORD))
        orgs[demo.data.name] = org_admin
        if demo.verified:
            services.set_verification(admin, org_admin.organisation, VerificationStatus.VERIFIED, "Checked against the public register.")
        for member_email, member_name in demo.members:
            _, token = services.create_invitation(org_admin, org_admin.organisation, member_email, OrgRole.MEMBER)
            services.accept_invitation(token, services.AccountData(member_email, member_name, DEMO_PASSWORD))
    for company, cluster, accepted in MEMBERSHIPS:
        company_admin, cluster_admin = orgs[company], orgs[cluster]
        membership = services.request_membership(company_admin, cluster_admin.organisation, "We would like to join.")
        if accepted:
            services.decide_membership(cluster_admin, membership, True, "Welcome.")
    db.session.flush()
    return True


@ppi_cli.command("demo")
def demo_command() -> None:
    """Load the demo organisations and users (idempotent)."""
    if load_demo():
        db.session.commit()
        click.echo(f"Demo data loaded. Every demo account uses the password {DEMO_PASSWORD!r}.")
    else:
        click.echo("Demo data is loaded already; nothing changed.")
