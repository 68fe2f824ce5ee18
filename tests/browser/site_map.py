"""Every page of the app, for each demo role: the GET rules of the app's URL map, their ids filled from the demo data
(`flask ppi demo`), kept where the role gets the page (200, HTML).

Generated from the URL map, so a new page is walked without anyone listing it: a rule whose arguments no demo sample
fills, or a page that no role gets, fails `test_every_page_is_walked` (tests/browser/test_accessibility.py).
"""
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask

from ppi.accounts import services as account_services
from ppi.accounts.models import OrgRole, User
from ppi.cases.models import CaseSummary
from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.models import OutboxMessage
from ppi.core.timeutil import utcnow
from ppi.demo import DEMO_PASSWORD, ORGANISATIONS, PLATFORM_ADMIN
from ppi.extensions import db
from ppi.matching.models import Competence
from ppi.pilots import services as pilot_services
from ppi.pilots.models import Pilot, TestUser
from ppi.pilots.workflow import PilotStatus
from ppi.pools.models import GrantApplication, Pool
from ppi.procurement.models import ProcurementCase
from ppi.proposals.models import Proposal
from ppi.reports.catalogue import Audience
from tests.conftest import World
from tests.pilots.helpers import add_pilot

# Not pages, so not walked: files to save (attachments, CSV/XLSX/ZIP exports, the Atom feed, OCDS and open-data JSON),
# the JSON API, the health checks and the static files. Everything else the URL map answers to GET is a page.
NOT_PAGES = {
    "static", "health.healthz", "health.readyz",
    "challenges.download_attachment", "challenges.feed",
    "proposals.download_attachment", "proposals.download_version_file", "proposals.export_matrix",
    "pilots.export",
    "procurement.export_csv", "procurement.ocds_all", "procurement.ocds_case",
    "reports.download_all", "reports.download_table", "reports.open_challenges",
}
NOT_PAGE_PREFIXES = ("api.",)

# A demo user per role (README, "Demo logins"); None: nobody signed in. In the order `walk_plan` hands out the pages:
# those who act on an object first, as they see the most of it.
_ADMIN_OF = {demo.data.name: demo.admin[0] for demo in ORGANISATIONS}
_MEMBER_OF = {demo.data.name: demo.members[0][0] for demo in ORGANISATIONS if demo.members}
ROLES = {
    "authority_admin": _ADMIN_OF["Region of Southern Denmark"],
    "cluster_admin": _ADMIN_OF["Health-Tech Cluster South"],
    "company_admin": _ADMIN_OF["CareSense ApS"],
    "platform_admin": PLATFORM_ADMIN[0],
    "authority_member": _MEMBER_OF["Region of Southern Denmark"],
    "cluster_member": _MEMBER_OF["Health-Tech Cluster South"],
    "company_member": _MEMBER_OF["CareSense ApS"],
    "unverified_admin": _ADMIN_OF["Pending Innovations GmbH"],
    "anonymous": None,
}
PASSWORD = DEMO_PASSWORD

# Pages with a query that shows more than the bare page does: the CPV look-up's results.
QUERIES = {"challenges.cpv_lookup": "?q=sensor"}
# Error pages, which the URL map does not list: the URL, the role that opens it, the status it answers.
ERROR_PAGES = [("/no-such-page", "anonymous", 404), ("/admin/audit", "company_member", 403)]


@dataclass
class Samples:
    """Values for the URL map's arguments: each sample a set of values that belong together (a challenge and one of
    its proposals); `by_endpoint`, those only one endpoint takes (the token of an invitation, of a reset, of a
    feedback link)."""

    common: list[dict]
    by_endpoint: dict[str, list[dict]]
    queries: dict[str, str] = field(default_factory=dict)  # beside QUERIES: those naming ids of the demo data


def demo_samples() -> Samples:
    """The demo data's ids: each kind of object once in each state a page shows differently (a challenge per status
    and open or closed for proposals, a proposal per status of it and of its challenge, a procurement case per status),
    those of the roles' own organisations first, so that the roles see them; every pilot, pool and application; the
    roles' organisations; and fresh tokens for the token pages. Inside an app context, after `load_demo()`; commits
    the rows it adds (the tokens', and a pilot being planned, which the demo does not have)."""
    own = set(_roles_organisations())
    challenges = _one_per_state(sa.select(Challenge.id, Challenge.lead_authority_id, Challenge.status,
                                          Challenge.proposal_deadline > utcnow()), own)
    proposals = _one_per_state(sa.select(Proposal.id, Proposal.company_id, Challenge.lead_authority_id, Proposal.status,
                                         Challenge.status).join(Challenge), own, owners=2)
    cases = _one_per_state(sa.select(ProcurementCase.id, ProcurementCase.authority_id, ProcurementCase.status), own)
    competences = _one_per_state(sa.select(Competence.id, Competence.organisation_id), own)
    scored = db.session.execute(sa.select(Proposal.id, Proposal.challenge_id).where(Proposal.id.in_(proposals))).all()
    common = [
        *({"org_id": org_id} for org_id in sorted(own)),
        *({"challenge_id": challenge_id} for challenge_id in challenges),
        *({"proposal_id": proposal_id, "number": 1} for proposal_id in proposals),
        *({"case_id": case_id} for case_id in cases),
        *({"pilot_id": pilot_id} for pilot_id in [*_ids(Pilot), _planning_pilot()]),
        *({"pool_id": pool_id} for pool_id in _ids(Pool)),
        *({"application_id": application_id} for application_id in _ids(GrantApplication)),
        *({"competence_id": competence_id} for competence_id in competences),
        *({"summary_id": summary_id} for summary_id in _ids(CaseSummary)),
        *({"audience": audience.value} for audience in Audience),
        {"message_id": _ids(OutboxMessage)[0]},
    ]
    samples = Samples(common, by_endpoint={
        "proposals.create": [{"challenge_id": _open_to_the_company()}],
        "proposals.score": [{"proposal_id": proposal, "challenge_id": challenge} for proposal, challenge in scored],
        "accounts.join": [{"token": _invitation_token()}],
        "accounts.reset_password": [{"token": account_services.password_reset_token(_user(ROLES["company_member"]))}],
        "pilots.feedback": [{"token": _feedback_token()}],
    }, queries={"cases.create": f"?pilot={_reported_pilot()}"})
    db.session.commit()
    return samples


def _ids(model) -> list[int]:
    return db.session.scalars(sa.select(model.id).order_by(model.id)).all()


def _one_per_state(query, own: set[int], owners: int = 1) -> list[int]:
    """The first id of each state from rows (id, `owners` organisation ids, the state's columns…; no state columns: one
    id in all), the rows of the roles' organisations first."""
    chosen = {}
    rows = sorted(db.session.execute(query).all(), key=lambda row: (not own.intersection(row[1:1 + owners]), row[0]))
    for row in rows:
        chosen.setdefault(tuple(row[1 + owners:]), row[0])
    return sorted(chosen.values())


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _roles_organisations() -> list[int]:
    users = [_user(email) for email in ROLES.values() if email]
    return sorted({user.organisation_id for user in users if user.organisation_id})


def _open_to_the_company() -> int:
    """A challenge open for proposals that the roles' company has not proposed to: its proposal form is a page."""
    company_id = _user(ROLES["company_admin"]).organisation_id
    proposed = sa.select(Proposal.challenge_id).where(Proposal.company_id == company_id)
    return db.session.scalar(sa.select(Challenge.id).where(
        Challenge.status == ChallengeStatus.PUBLISHED, Challenge.proposal_deadline > utcnow(),
        Challenge.id.not_in(proposed)).order_by(Challenge.id))


def _planning_pilot() -> int:
    """A pilot of the roles' authority, company and cluster whose plan is still being agreed."""
    return add_pilot(_roles_world(), PilotStatus.PLANNING)


def _reported_pilot() -> int:
    """A reported pilot of the roles' authority, company and cluster without a case summary: the summary's form is a
    page (every reported pilot of the demo has its summary)."""
    return add_pilot(_roles_world(), PilotStatus.REPORTED, agreed=True)


def _roles_world() -> World:
    """The roles' authority, company and cluster, and the roles' users, as the tests' world."""
    users = {role: _user(email) for role, email in ROLES.items() if email}
    return World(orgs={kind: users[f"{kind}_admin"].organisation_id for kind in ("authority", "company", "cluster")},
                 users={role: user.id for role, user in users.items()}, session_ids={})


def _invitation_token() -> str:
    admin = _user(ROLES["company_admin"])
    _, token = account_services.create_invitation(admin, admin.organisation, None, OrgRole.MEMBER)
    return token


def _feedback_token() -> str:
    """A new link for a test user of the demo's running pilot, issued by its cluster."""
    pilot = db.session.scalar(sa.select(Pilot).where(Pilot.status == PilotStatus.RUNNING))
    test_user = db.session.scalar(sa.select(TestUser).where(
        TestUser.pilot_id == pilot.id, TestUser.withdrawn_at.is_(None)).order_by(TestUser.id))
    cluster_admin = db.session.scalar(sa.select(User).where(User.organisation_id == pilot.cluster_id,
                                                            User.org_role == OrgRole.ADMIN))
    return pilot_services.new_link(cluster_admin, test_user)


def is_page(endpoint: str) -> bool:
    return endpoint not in NOT_PAGES and not endpoint.startswith(NOT_PAGE_PREFIXES)


@dataclass(frozen=True)
class Candidate:
    endpoint: str
    url: str


def candidates(app: Flask, samples: Samples) -> tuple[list[Candidate], list[str]]:
    """Every page's URLs with the samples' values (each set of values once per rule), and the rules no sample fills."""
    found, unfilled = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or not is_page(rule.endpoint):
            continue
        arguments = rule.arguments
        sources = samples.by_endpoint.get(rule.endpoint, samples.common)
        values = {tuple(sorted((name, sample[name]) for name in arguments))
                  for sample in sources if arguments <= sample.keys()}
        if arguments and not values:
            unfilled.append(rule.rule)
        for filled in sorted(values) if arguments else [()]:
            _, path = rule.build(dict(filled), append_unknown=False)
            query = samples.queries.get(rule.endpoint, QUERIES.get(rule.endpoint, ""))
            found.append(Candidate(rule.endpoint, path + query))
    return found, unfilled


def statuses(app: Flask, email: str | None, urls: list[Candidate]) -> dict[Candidate, int]:
    """What this user gets at each candidate, asked through the test client signed in as the user: the status, 200
    only for an HTML page (a 200 of another type counts as 415, not a page)."""
    client = app.test_client()
    if email is not None:
        with app.app_context():
            session_id = _user(email).get_id()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = session_id, True
    found = {}
    for candidate in urls:
        response = client.get(candidate.url)
        not_a_page = response.status_code == 200 and response.mimetype != "text/html"
        found[candidate] = 415 if not_a_page else response.status_code
        response.close()
    return found


def walk_plan(pages: dict[str, list[Candidate]]) -> dict[str, list[Candidate]]:
    """The pages each role walks, from those it gets (`pages`, by role in the order of ROLES): every role walks each
    endpoint it gets once, a URL no role before it took where it can; then each URL that nobody walks yet goes to the
    first role that gets it. So every role's view of every kind of page is checked, and every URL by someone, without
    walking each URL in each role (the walk would take three times as long)."""
    taken: set[str] = set()
    plan: dict[str, list[Candidate]] = {}
    for role, candidates in pages.items():
        by_endpoint: dict[str, list[Candidate]] = {}
        for candidate in candidates:
            by_endpoint.setdefault(candidate.endpoint, []).append(candidate)
        plan[role] = [next((c for c in same if c.url not in taken), same[0]) for same in by_endpoint.values()]
        taken.update(candidate.url for candidate in plan[role])
    for role, candidates in pages.items():
        for candidate in candidates:
            if candidate.url not in taken:
                plan[role].append(candidate)
                taken.add(candidate.url)
    return plan
