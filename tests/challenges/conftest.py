"""Fixtures of the challenges tests: more organisations around the shared world."""
import pytest

from ppi.accounts.models import OrganisationKind, OrgRole
from ppi.extensions import db
from tests.conftest import add_org, add_user

# Role -> (organisation key, organisation name, kind, verified, user e-mail)
EXTRA = {
    "other_authority_admin": ("other_authority", "Other Municipality", OrganisationKind.PUBLIC_AUTHORITY, True,
                              "admin@other-authority.test.org"),
    "partner_admin": ("partner", "Partner Municipality", OrganisationKind.PUBLIC_AUTHORITY, True, "admin@partner.test.org"),
    "other_cluster_admin": ("other_cluster", "Other Cluster", OrganisationKind.CLUSTER, True, "admin@other-cluster.test.org"),
    "unverified_authority_admin": ("unverified_authority", "Pending Municipality", OrganisationKind.PUBLIC_AUTHORITY, False,
                                   "admin@pending-authority.test.org"),
}


@pytest.fixture
def more_world(app, world):
    """The shared world plus another authority, a buyers'-group partner, another cluster and an unverified
    authority, each with an admin; `client_as` knows the new roles."""
    with app.app_context():
        made = {}
        for role, (key, name, kind, verified, email) in EXTRA.items():
            extra = {"nuts_code": "DK01"} if kind == OrganisationKind.PUBLIC_AUTHORITY else {}
            org = add_org(name, kind, verified=verified, **extra)
            made[role] = (key, org, add_user(email, org, OrgRole.ADMIN))
        db.session.commit()
        for role, (key, org, user) in made.items():
            world.orgs[key] = org.id
            world.users[role] = user.id
            world.session_ids[role] = user.get_id()
    return world
