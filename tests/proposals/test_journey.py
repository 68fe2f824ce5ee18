"""One challenge from proposals to debrief, through the app: two companies propose, the panel declares and
scores, the authority sees the matrix, selects one, and each company reads only its own debrief."""
import sqlalchemy as sa

from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus
from ppi.proposals.models import ProposalVersion
from ppi.proposals.workflow import Outcome
from tests.conftest import add_challenge
from tests.proposals.helpers import close_deadline, get_proposal, propose, submit, text


def test_from_proposal_to_debrief(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world)
    company, other = client_as("company_admin"), client_as("other_company_admin")
    authority, cluster = client_as("authority_admin"), client_as("cluster_member")

    mine = propose(company, challenge_id)
    theirs = propose(other, challenge_id, title="FloorSense mats", summary="Pressure mats by the bed.")
    assert submit(company, mine).status_code == 302
    assert submit(other, theirs).status_code == 302
    # sealed: the authority sees a count, not the content
    page = text(authority.get(f"/challenges/{challenge_id}"))
    assert "2 proposals submitted." in page
    assert authority.get(f"/proposals/{mine}").status_code == 404

    # the panel: an authority member and a cluster member
    ids = world.users
    for user in ("authority_member", "cluster_member"):
        assert authority.post(f"/challenges/{challenge_id}/evaluation/panel", data={"user_id": ids[user]}).status_code == 302
    close_deadline(app, challenge_id)
    assert authority.post(f"/challenges/{challenge_id}/status/in_evaluation", data={"reason": ""}).status_code == 302

    member = client_as("authority_member")
    assert member.get(f"/challenges/{challenge_id}/evaluation/proposals/{mine}").status_code == 404  # no declaration yet
    for client in (member, cluster):
        assert client.post(f"/challenges/{challenge_id}/evaluation/declaration", data={"conflict": "no"}).status_code == 302
    with app.app_context():
        criteria = [c.id for c in db.session.get(Challenge, challenge_id).criteria]
    scores = {mine: (8, 6), theirs: (5, 9)}
    for client in (member, cluster):
        for proposal_id, values in scores.items():
            assert client.get(f"/challenges/{challenge_id}/evaluation/proposals/{proposal_id}").status_code == 200
            data = {}
            for index, (criterion_id, value) in enumerate(zip(criteria, values)):
                data |= {f"rows-{index}-criterion_id": str(criterion_id), f"rows-{index}-score": str(value),
                         f"rows-{index}-comment": f"Comment {value}"}
            response = client.post(f"/challenges/{challenge_id}/evaluation/proposals/{proposal_id}", data=data)
            assert response.status_code == 302, text(response)[:3000]

    page = text(authority.get(f"/challenges/{challenge_id}/evaluation"))
    assert 'id="matrix"' in page
    assert authority.get(f"/challenges/{challenge_id}/evaluation/matrix.csv").status_code == 200
    assert authority.get(f"/challenges/{challenge_id}/evaluation/matrix.xlsx").status_code == 200
    response = authority.post(f"/challenges/{challenge_id}/evaluation/decision", data={"selected": [str(mine)], "reason": "Best effect."})
    assert response.status_code == 302, text(response)[:3000]
    assert get_proposal(app, mine).outcome == Outcome.SELECTED
    assert get_proposal(app, theirs).outcome == Outcome.NOT_SELECTED
    with app.app_context():
        assert db.session.get(Challenge, challenge_id).status == S.AWARDED
        pilots = db.session.scalars(sa.select(Pilot)).all()
        assert [(p.proposal_id, p.company_id, p.cluster_id, p.status) for p in pilots] == [
            (mine, world.orgs["company"], world.orgs["cluster"], PilotStatus.PLANNING)]

    debrief = text(other.get(f"/proposals/{theirs}/debrief"))
    assert "rank 2 of 2" in debrief and "Best effect." in debrief
    assert "NightWatch radar" not in debrief
    assert other.get(f"/proposals/{mine}/debrief").status_code == 404
    assert "Test Company ApS" in text(client_as(None).get(f"/challenges/{challenge_id}"))


def test_the_company_sees_its_receipt_and_it_verifies(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world)
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    assert "NightWatch radar" in text(company.get(f"/proposals/{proposal_id}"))
    response = submit(company, proposal_id)
    assert response.headers["Location"].endswith(f"/proposals/{proposal_id}/versions/1")
    with app.app_context():
        digest = db.session.scalar(sa.select(ProposalVersion.digest))
    page = text(company.get(f"/proposals/{proposal_id}/versions/1"))
    assert digest in page and 'id="verification"' in page and "Verified just now" in page
    assert "Version 1 counts" in text(company.get(f"/proposals/{proposal_id}"))
    assert "My proposals" in text(company.get("/proposals/mine"))
