"""Shared steps for the proposal tests: a proposal form, a submitted proposal, moving the deadline."""
import re
from datetime import timedelta

import sqlalchemy as sa

from ppi.challenges.models import Challenge
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.proposals.models import Proposal

PROPOSAL_FORM = {
    "title": "NightWatch radar", "summary": "Ceiling radar that alerts night staff within a minute of a fall.",
    "description": "Radar units **without cameras**.\n\n- no wearables\n- no images", "trl": "6",
    "evidence": "Tested in two care homes in Sweden.", "test_users_needed": "40", "sites_needed": "3",
    "duration_weeks": "12", "equipment": "Ceiling units, a gateway per home.", "data_access": "",
    "pilot_price_eur": "48000", "research_partners": "",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def proposal_id_from(response) -> int:
    match = re.search(r"/proposals/(\d+)", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def propose(client, challenge_id: int, **overrides) -> int:
    response = client.post(f"/challenges/{challenge_id}/propose", data={**PROPOSAL_FORM, **overrides})
    assert response.status_code == 302, text(response)[:2000]
    return proposal_id_from(response)


def submit(client, proposal_id: int):
    return client.post(f"/proposals/{proposal_id}/submit", data={"declaration": "y"})


def close_deadline(app, challenge_id: int, ago: timedelta = timedelta(minutes=1)) -> None:
    """Move the proposal deadline into the past (the questions deadline before it)."""
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        challenge.proposal_deadline = utcnow() - ago
        challenge.questions_deadline = challenge.proposal_deadline - timedelta(days=5)
        db.session.commit()


def get_proposal(app, proposal_id: int) -> Proposal:
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        db.session.expunge(proposal)
        return proposal


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# ---- more steps: companies, documents, the panel, scores ----------------------------------------

def add_company(app, world, key: str, name: str, *, verified: bool = True) -> str:
    """Another company with an admin; returns the role `client_as` knows it by (`<key>_admin`)."""
    from ppi.accounts.models import OrganisationKind, OrgRole
    from tests.conftest import add_org, add_user

    role = f"{key}_admin"
    with app.app_context():
        org = add_org(name, OrganisationKind.COMPANY, verified=verified)
        user = add_user(f"admin@{key.replace('_', '-')}.test.org", org, OrgRole.ADMIN)
        db.session.commit()
        world.orgs[key], world.users[role], world.session_ids[role] = org.id, user.id, user.get_id()
    return role


def accept_membership(app, world, company: str = "other_company") -> None:
    """Make the company an accepted member of the world's cluster (the world has only a request)."""
    from ppi.accounts.models import ClusterMembership
    from ppi.accounts.workflow import MembershipStatus

    with app.app_context():
        membership = db.session.scalar(sa.select(ClusterMembership).where(
            ClusterMembership.cluster_id == world.orgs["cluster"], ClusterMembership.company_id == world.orgs[company]))
        if membership is None:
            membership = ClusterMembership(cluster_id=world.orgs["cluster"], company_id=world.orgs[company])
            db.session.add(membership)
        membership.status = MembershipStatus.ACCEPTED
        db.session.commit()


def upload(client, proposal_id: int, content: bytes, filename: str, title: str = ""):
    import io

    return client.post(f"/proposals/{proposal_id}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), filename), "title": title})


def add_to_panel(client, challenge_id: int, user_id: int) -> None:
    response = client.post(f"/challenges/{challenge_id}/evaluation/panel", data={"user_id": str(user_id)})
    assert response.status_code == 302, text(response)[:2000]


def start_evaluation(app, client, challenge_id: int) -> None:
    """Close the proposal deadline and move the challenge to evaluation as its authority."""
    close_deadline(app, challenge_id)
    response = client.post(f"/challenges/{challenge_id}/status/in_evaluation", data={"reason": ""})
    assert response.status_code == 302, text(response)[:2000]


def declare(client, challenge_id: int, conflict: str = "no", **extra):
    return client.post(f"/challenges/{challenge_id}/evaluation/declaration", data={"conflict": conflict, **extra})


def criterion_ids(app, challenge_id: int) -> list[int]:
    with app.app_context():
        return [criterion.id for criterion in db.session.get(Challenge, challenge_id).criteria]


def score_data(criteria: list[int], values, comments=None) -> dict:
    """The score form: one row per criterion; `None` as a value leaves the score empty."""
    comments = comments if comments is not None else [f"Because {value}." for value in values]
    data = {}
    for index, (criterion_id, value, comment) in enumerate(zip(criteria, values, comments)):
        data |= {f"rows-{index}-criterion_id": str(criterion_id), f"rows-{index}-score": "" if value is None else str(value),
                 f"rows-{index}-comment": comment}
    return data


def score(client, app, challenge_id: int, proposal_id: int, values, comments=None):
    data = score_data(criterion_ids(app, challenge_id), values, comments)
    return client.post(f"/challenges/{challenge_id}/evaluation/proposals/{proposal_id}", data=data)
