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
