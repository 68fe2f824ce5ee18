"""Fixtures: an app per test on each configured database, a world of organisations with one user per
role, and a logged-in test client for any of them.

Database-touching tests run on SQLite always and again on PostgreSQL when PPI_TEST_DATABASE_URL is set.

In parallel (pytest-xdist, `make test`), each worker process gets a PostgreSQL database of its own
(`worker_postgres_url`), and the browser tests and the tests given the Redis database each run in a single worker
(`GroupScheduling`); SQLite databases are in memory or under each worker's tmp_path.
"""
import os
from copy import deepcopy
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

# "gw0", "gw1", ... in a pytest-xdist worker (set before this module is imported); None in a serial run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def worker_postgres_url(url: str | None, worker: str | None) -> str | None:
    """The PostgreSQL database of this process: PPI_TEST_DATABASE_URL itself in a serial run; in xdist worker gwN,
    a database of the same server named `<database>_gwN`, created before the worker's first test and dropped after its
    last (`_worker_database`)."""
    if not url or not worker:
        return url
    parsed = sa.make_url(normalise_url(url))
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


BASE_POSTGRES_URL = os.environ.get("PPI_TEST_DATABASE_URL")
POSTGRES_URL = worker_postgres_url(BASE_POSTGRES_URL, WORKER)
REDIS_URL = os.environ.get("PPI_TEST_REDIS_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
_pg_schema_ready = False
_worker_database_created = False


def pytest_report_header(config):
    return "databases: " + ", ".join(BACKENDS) + ("" if POSTGRES_URL else " (set PPI_TEST_DATABASE_URL for PostgreSQL)")


# Tests that must run one after another in a single xdist worker, by node id: the browser tests (one Chromium and one
# live server per database for all of them, and no two browsers fighting for the CPU), and the tests given
# PPI_TEST_REDIS_URL (the rate-limit test clears the `ppi` keys there, the limiter's reset every rate-limit key, and
# the limiter keeps using that Redis in the same process afterwards: two workers would clear each other's counts), and
# the tests starting gunicorn servers (tests/ops: one database template built for all, no servers fighting for the CPU).
def xdist_group(nodeid: str) -> str | None:
    if nodeid.startswith("tests/browser/test_accessibility.py"):
        return "a11y"  # the axe walk: a Chromium and a demo server of its own, beside the other browser tests
    if nodeid.startswith("tests/browser/"):
        return "browser"
    if nodeid.startswith("tests/ops/"):
        return "ops"
    if REDIS_URL and REDIS_URL in nodeid:
        return "redis"
    return None


try:
    from xdist.scheduler import LoadScopeScheduling
except ImportError:  # pytest-xdist not installed: the suite runs serially
    LoadScopeScheduling = None

if LoadScopeScheduling is not None:
    class GroupScheduling(LoadScopeScheduling):
        """`--dist load` (what `-n` gives) with the groups of `xdist_group` each sent to one worker as a whole.

        Not `--dist loadgroup` with `xdist_group` marks: with pytest 9.2 and pytest-xdist 3.8 those are ignored
        without a word (pytest-xdist issue #1386), and two workers would run the Redis tests at the same time."""

        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid) or nodeid

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(config, log):
        if config.getvalue("dist") == "load":  # another --dist given on purpose is left alone
            return GroupScheduling(config, log)
        return None


def _maintenance_engine() -> sa.Engine:
    """An AUTOCOMMIT engine on the server's `postgres` database, for CREATE / DROP DATABASE."""
    return sa.create_engine(sa.make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT",
                            poolclass=sa.pool.NullPool)


def _ensure_worker_database() -> None:
    """Create this xdist worker's PostgreSQL database unless it exists (say, left over by an interrupted run)."""
    global _worker_database_created
    if _worker_database_created or not WORKER:
        return
    name = sa.make_url(POSTGRES_URL).database
    engine = _maintenance_engine()
    try:
        with engine.connect() as connection:
            exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    _worker_database_created = True


@pytest.fixture(scope="session", autouse=True)
def _worker_database():
    """This xdist worker's PostgreSQL database: created before its first test (some tests, e.g. the migrations', connect
    to it without an app), dropped when the run ends. Autouse and session-scoped, so it is set up before and torn down
    after every app (and engine) of the run. Nothing to do in a serial run."""
    global _worker_database_created, _pg_schema_ready
    if POSTGRES_URL and WORKER:
        _ensure_worker_database()
    yield
    if not _worker_database_created:
        return
    name = sa.make_url(POSTGRES_URL).database
    engine = _maintenance_engine()
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
    _worker_database_created = _pg_schema_ready = False


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


def make_app(backend: str, **overrides):
    if backend == "postgresql":
        _ensure_worker_database()
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
    fifty times faster than TRUNCATE on tables this small, and the run has thousands of them. All in one script
    (one round trip to the server instead of one per table: three times faster again)."""
    with db.engine.begin() as connection:
        table_name = connection.dialect.identifier_preparer.format_table
        script = [f"DELETE FROM {table_name(table)}" for table in reversed(db.metadata.sorted_tables)]
        script.append("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'")
        # Without parameters psycopg sends the script as one simple query, several statements allowed.
        connection.exec_driver_sql("; ".join(script), execution_options={"no_parameters": True})


# Copies of the rows of data that tests build again and again: (backend, key) -> (what `build` returned, rows).
_snapshots: dict = {}


def built_once(backend: str, key, build):
    """`build()`'s data (inside an app context, on tables holding only what `key` stands for, e.g. the world), built
    the first time a key is asked for and copied; every later time the tables are emptied and the copied rows put back
    (ids and PostgreSQL's sequences too), several times faster than building again. Returns what `build()` returned.

    The key must name everything the data depends on: what is already in the tables (the world's ids) and what `build`
    makes. The rows put back are those built the first time: times in them are from then (minutes ago at most)."""
    cached = _snapshots.get((backend, key))
    if cached is None:
        result = build()
        db.session.commit()
        _snapshots[(backend, key)] = (deepcopy(result), _copy_rows(backend))
        return result
    result, rows = cached
    db.session.remove()
    _put_back(backend, rows)
    return deepcopy(result)  # the test may change it: the next one gets it as built


def _copy_rows(backend: str) -> tuple[list, list]:
    """Every table's rows, parents first, and (PostgreSQL) each used sequence's last value."""
    with db.engine.connect() as connection:
        rows = [(table, [dict(zip(table.c.keys(), row))
                         for row in connection.execute(table.select().order_by(*table.primary_key.columns))])
                for table in db.metadata.sorted_tables]
        sequences = [] if backend != "postgresql" else connection.execute(sa.text(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences WHERE last_value IS NOT NULL"
        )).all()
    return rows, sequences


def _put_back(backend: str, copy: tuple[list, list]) -> None:
    rows, sequences = copy
    empty_tables(backend)  # PostgreSQL: the sequences start again, as before the first build
    with db.engine.begin() as connection:
        for table, table_rows in rows:
            if table_rows:
                connection.execute(table.insert(), table_rows)
        if sequences:
            calls = ", ".join(f"setval(CAST(:name{i} AS regclass), :value{i})" for i in range(len(sequences)))
            params = {key: value for i, (name, last) in enumerate(sequences)
                      for key, value in ((f"name{i}", name), (f"value{i}", last))}
            connection.execute(sa.text(f"SELECT {calls}"), params)


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
    db.session.flush()  # the ids, read before the commit expires the objects (after it, each read is a query)
    orgs = {"authority": authority, "company": company, "other_company": other_company, "cluster": cluster, "unverified": unverified}
    world = World(
        orgs={key: org.id for key, org in orgs.items()},
        users={key: user.id for key, user in users.items()},
        session_ids={key: user.get_id() for key, user in users.items()},
    )
    db.session.commit()
    return world


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
