"""Fixtures: an app per test on each configured database, a world of organisations with one user per
role, and a logged-in test client for any of them.

Database-touching tests run on SQLite always and again on PostgreSQL when PPI_TEST_DATABASE_URL is set.
"""
import os
from dataclasses import dataclass
from decimal import Decimal

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from config import database_url as normalise_url
from ppi import create_app
from ppi.accounts.models import AuthorityType, ClusterMembership, Organisation, OrganisationKind, OrgRole, User
from ppi.accounts.workflow import MembershipStatus, VerificationStatus
from ppi.core.timeutil import utcnow
from ppi.extensions import db, limiter

PASSWORD = "correct-horse-battery-staple-42"
# A cheap hash (test speed); the application itself hashes with Werkzeug's default, scrypt.
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

POSTGRES_URL = os.environ.get("PPI_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
_pg_schema_ready = False


def pytest_report_header(config):
    return "databases: " + ", ".join(BACKENDS) + ("" if POSTGRES_URL else " (set PPI_TEST_DATABASE_URL for PostgreSQL)")


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


def make_app(backend: str, **overrides):
    uri = normalise_url(POSTGRES_URL) if backend == "postgresql" else "sqlite://"
    return create_app("testing", SQLALCHEMY_DATABASE_URI=uri, **overrides)


@pytest.fixture(scope="session")
def shared_app(backend):
    """One app per database for the whole run: building apps and engines is most of a test's cost."""
    app = make_app(backend)
    with app.app_context():
        _prepare_schema(backend)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(shared_app, backend):
    """The shared app with empty tables and no rate-limit counts at the start of each test."""
    limiter.reset()
    yield shared_app
    with shared_app.app_context():
        db.session.remove()
        empty_tables(backend)


@pytest.fixture
def app_factory(backend):
    """Build a test app with extra settings (e.g. a smaller limit); its tables are fresh per test."""
    apps = []

    def build(**overrides):
        app = make_app(backend, **overrides)
        with app.app_context():
            _prepare_schema(backend)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            if backend == "postgresql":
                _empty_postgresql()
            db.engine.dispose()
    limiter.reset()


def empty_tables(backend: str) -> None:
    if backend == "postgresql":
        _empty_postgresql()
        return
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def _prepare_schema(backend: str) -> None:
    global _pg_schema_ready
    if backend == "sqlite":
        db.create_all()
        return
    if not _pg_schema_ready:
        db.drop_all()
        db.create_all()
        _pg_schema_ready = True


def _empty_postgresql() -> None:
    """Empty every table and restart the ids. DELETE, children first, then one setval over the sequences:
    fifty times faster than TRUNCATE on tables this small, and the run has thousands of them."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(sa.text("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"))


@dataclass
class World:
    """Ids of the organisations and users every test can use."""

    orgs: dict[str, int]
    users: dict[str, int]
    session_ids: dict[str, str]


ROLES = [
    "authority_admin", "authority_member",
    "company_admin", "company_member",
    "cluster_admin", "cluster_member",
    "unverified_admin",
    "platform_admin",
]


def add_org(name: str, kind: OrganisationKind, verified: bool = True, **extra) -> Organisation:
    defaults = {
        OrganisationKind.PUBLIC_AUTHORITY: {"country": "DK", "nuts_code": "DK03", "authority_type": AuthorityType.SUB_CENTRAL},
        OrganisationKind.COMPANY: {"country": "DK", "nuts_code": "DK031", "staff_headcount": 12,
                                   "annual_turnover_eur": Decimal(3_000_000), "balance_sheet_total_eur": Decimal(1_500_000)},
        OrganisationKind.CLUSTER: {"country": "DK", "nuts_code": "DK032"},
    }[kind]
    org = Organisation(
        name=name, kind=kind, registration_number="12345678",
        verification_status=VerificationStatus.VERIFIED if verified else VerificationStatus.PENDING,
        verified_at=utcnow() if verified else None,
        **{**defaults, **extra},
    )
    db.session.add(org)
    return org


def add_user(email: str, org: Organisation | None, role: OrgRole = OrgRole.MEMBER, **extra) -> User:
    user = User(email=email, display_name=email.split("@")[0].replace(".", " ").title(), password_hash=_FAST_HASH,
                organisation=org, org_role=role, **extra)
    db.session.add(user)
    return user


def build_world() -> World:
    authority = add_org("Test Region", OrganisationKind.PUBLIC_AUTHORITY)
    company = add_org("Test Company ApS", OrganisationKind.COMPANY)
    other_company = add_org("Other Company A/S", OrganisationKind.COMPANY)
    cluster = add_org("Test Cluster", OrganisationKind.CLUSTER)
    unverified = add_org("Unverified GmbH", OrganisationKind.COMPANY, verified=False, country="AT", nuts_code="AT12")
    users = {
        "authority_admin": add_user("admin@authority.test.org", authority, OrgRole.ADMIN),
        "authority_member": add_user("member@authority.test.org", authority),
        "company_admin": add_user("admin@company.test.org", company, OrgRole.ADMIN),
        "company_member": add_user("member@company.test.org", company),
        "other_company_admin": add_user("admin@other.test.org", other_company, OrgRole.ADMIN),
        "cluster_admin": add_user("admin@cluster.test.org", cluster, OrgRole.ADMIN),
        "cluster_member": add_user("member@cluster.test.org", cluster),
        "unverified_admin": add_user("admin@unverified.test.org", unverified, OrgRole.ADMIN),
        "platform_admin": add_user("root@platform.test.org", None, is_platform_admin=True),
    }
    db.session.add(ClusterMembership(cluster=cluster, company=other_company, status=MembershipStatus.REQUESTED))
    db.session.commit()
    orgs = {"authority": authority, "company": company, "other_company": other_company, "cluster": cluster, "unverified": unverified}
    return World(
        orgs={key: org.id for key, org in orgs.items()},
        users={key: user.id for key, user in users.items()},
        session_ids={key: user.get_id() for key, user in users.items()},
    )


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        return build_world()


@pytest.fixture
def client_as(app, world):
    """A test client signed in as one of the world's users (or anonymous for None)."""

    def make(role: str | None):
        client = app.test_client()
        if role is not None:
            with client.session_transaction() as session:
                session["_user_id"] = world.session_ids[role]
                session["_fresh"] = True
        return client

    return make


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world_factory():
    """Build the world inside another app (e.g. one made by `app_factory` with special settings)."""

    def build(app) -> World:
        with app.app_context():
            return build_world()

    return build


def add_challenge(world: World, status=None, title: str = "Fall detection in care homes", *, days_to_questions: int = 10,
                  days_to_proposals: int = 20, cpv_codes=("33196200",), **extra):
    """A challenge of the world's authority, facilitated by the world's cluster (inside an app context)."""
    from datetime import timedelta

    from ppi.challenges.models import Challenge, ChallengeCpv, ContractKind, Criterion, IprModel
    from ppi.challenges.workflow import ChallengeStatus

    now = utcnow()
    status = status or ChallengeStatus.PUBLISHED
    fields = dict(
        title=title, summary="Detect falls at night without wearables.",
        description="Residents fall at night and lie for hours before staff find them.",
        expected_benefits="Fewer hours on the floor.", test_setting="3 care homes, about 40 care staff",
        test_users_offered=40, pilot_budget_eur=Decimal(50000), estimated_contract_value_eur=Decimal(400000),
        contract_kind=ContractKind.SUPPLIES, nuts_code="DK031", languages=["da", "en"],
        ipr_model=IprModel.COMPANY_LICENCE, questions_deadline=now + timedelta(days=days_to_questions),
        proposal_deadline=now + timedelta(days=days_to_proposals), status=status,
        lead_authority_id=world.orgs["authority"], cluster_id=world.orgs["cluster"],
        created_by_id=world.users["authority_admin"],
        published_at=None if status in (ChallengeStatus.DRAFT, ChallengeStatus.IN_MODERATION) else now - timedelta(days=1),
    )
    fields.update(extra)
    challenge = Challenge(**fields)
    challenge.cpv_codes = [ChallengeCpv(code=code) for code in cpv_codes]
    challenge.criteria = [Criterion(position=0, name="Effect", weight=60), Criterion(position=1, name="Usability", weight=40)]
    db.session.add(challenge)
    db.session.commit()
    return challenge.id
