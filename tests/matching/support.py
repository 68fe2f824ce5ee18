"""Competence profiles and cluster memberships for the matching tests (inside an app context)."""
from ppi.accounts.models import ClusterMembership, Organisation, OrganisationKind, OrgRole, User
from ppi.accounts.workflow import MembershipStatus
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.matching import services
from ppi.matching.models import CompanyProfile, Competence
from tests.conftest import World, add_org, add_user

FALL_SENSORS = "Non-wearable fall detection with ceiling radar that alerts night staff"
WAYFINDING = "Indoor wayfinding apps for hospital visitors"


def text(response) -> str:
    return response.get_data(as_text=True)


def user(world: World, role: str) -> User:
    return db.session.get(User, world.users[role])


def org(world: World, key: str) -> Organisation:
    return db.session.get(Organisation, world.orgs[key])


def client_for(app, user_id: int):
    """A test client signed in as a user outside the world's roles."""
    client = app.test_client()
    with app.app_context():
        session_id = db.session.get(User, user_id).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    return client


def add_profile(company_id: int, statement: str, cpv=(), tags=(), languages=(), markets=()) -> int:
    """A competence written straight into the table (the services' rules are tested elsewhere), its document refreshed."""
    competence = Competence(organisation_id=company_id, statement=statement, cpv_codes=list(cpv), tags=list(tags), trl=7)
    db.session.add(competence)
    if languages or markets:
        db.session.add(CompanyProfile(organisation_id=company_id, languages=list(languages), markets=list(markets)))
    db.session.flush()
    services.refresh_documents([company_id])
    db.session.commit()
    return competence.id


def admit(company_id: int, cluster_id: int) -> None:
    """An accepted membership, the request there or not."""
    membership = db.session.query(ClusterMembership).filter_by(cluster_id=cluster_id, company_id=company_id).one_or_none()
    membership = membership or ClusterMembership(cluster_id=cluster_id, company_id=company_id)
    membership.status, membership.decided_at = MembershipStatus.ACCEPTED, utcnow()
    db.session.add(membership)
    db.session.commit()


def add_company(name: str, statement: str, cluster_id: int | None, cpv=(), tags=(), **extra) -> int:
    """A verified company with one competence, an accepted member of `cluster_id`."""
    company = add_org(name, OrganisationKind.COMPANY, **extra)
    db.session.flush()
    add_user(f"admin@{name.split()[0].lower()}.test.org", company, OrgRole.ADMIN)
    add_profile(company.id, statement, cpv, tags)
    if cluster_id:
        admit(company.id, cluster_id)
    return company.id


def add_cluster(name: str = "Second Cluster") -> tuple[int, int]:
    """A verified cluster and its admin: (cluster id, user id)."""
    cluster = add_org(name, OrganisationKind.CLUSTER)
    db.session.flush()
    admin = add_user(f"admin@{name.split()[0].lower()}.cluster.test.org", cluster, OrgRole.ADMIN)
    db.session.commit()
    return cluster.id, admin.id
