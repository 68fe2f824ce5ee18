"""A public change to a published challenge is news for the companies still drafting a proposal for it:
they are told like the followers, once each; companies whose proposal is already submitted are told only
if they follow."""
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.core.models import Notification
from ppi.extensions import db
from tests.challenges.helpers import challenge_form, notifications_of, outbox_to
from tests.conftest import add_challenge
from tests.proposals.helpers import PROPOSAL_FORM, add_company, propose, submit

NEW_TITLE = "Night-time fall detection in care homes"  # the title challenge_form sets
CHANGED = f"Changed: {NEW_TITLE}"


def follow(client, challenge_id: int) -> None:
    assert client.post(f"/challenges/{challenge_id}/follow", data={"follow": "1"}).status_code == 302


def edit(client, world, challenge_id: int, **overrides):
    response = client.post(f"/challenges/{challenge_id}/edit",
                           data=challenge_form(world, change_note="The deadline moves by a week.", **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_members_of_a_company_with_a_draft_are_told_of_a_public_change(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world)
    propose(client_as("company_admin"), challenge_id)  # a draft: both of the company's members are told
    submitted = propose(client_as("other_company_admin"), challenge_id, title="FloorSense mats")
    assert submit(client_as("other_company_admin"), submitted).status_code == 302
    follower_role = add_company(app, world, "follower", "Follower ApS")
    follow(client_as(follower_role), challenge_id)
    with app.app_context():
        before = {user_id: n for user_id, n in db.session.execute(
            sa.select(Notification.user_id, sa.func.count()).group_by(Notification.user_id))}
    edit(client_as("authority_admin"), world, challenge_id)
    for role in ("company_admin", "company_member", follower_role):
        assert notifications_of(app, world.users[role]).count(CHANGED) == 1, role
    assert len([m for m in outbox_to(app, "member@company.test.org") if m.subject == CHANGED]) == 1
    # submitted, not following: not told of the change
    assert CHANGED not in notifications_of(app, world.users["other_company_admin"])
    assert before.get(world.users["other_company_admin"], 0) == len(notifications_of(app, world.users["other_company_admin"]))


def test_a_company_that_follows_and_drafts_is_told_once(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world)
    company = client_as("company_admin")
    follow(company, challenge_id)
    propose(company, challenge_id)
    submitted = propose(client_as("other_company_admin"), challenge_id, title="FloorSense mats")
    assert submit(client_as("other_company_admin"), submitted).status_code == 302
    follow(client_as("other_company_admin"), challenge_id)
    edit(client_as("authority_member"), world, challenge_id)
    assert notifications_of(app, world.users["company_admin"]).count(CHANGED) == 1
    assert notifications_of(app, world.users["company_member"]).count(CHANGED) == 1
    # submitted and following: told once, as a follower, not twice
    assert notifications_of(app, world.users["other_company_admin"]).count(CHANGED) == 1
    assert len([m for m in outbox_to(app, "admin@other.test.org") if m.subject == CHANGED]) == 1


def test_withdrawn_proposals_and_other_challenges_drafts_are_not_an_audience(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world)
        elsewhere = add_challenge(world, title="Medication rounds")
    propose(client_as("company_admin"), elsewhere)  # a draft, but for another challenge
    withdrawn = propose(client_as("other_company_admin"), challenge_id)
    submit(client_as("other_company_admin"), withdrawn)
    assert client_as("other_company_admin").post(f"/proposals/{withdrawn}/withdraw", data={}).status_code == 302
    edit(client_as("authority_admin"), world, challenge_id)
    for role in ("company_admin", "company_member", "other_company_admin"):
        assert CHANGED not in notifications_of(app, world.users[role]), role


def test_an_inactive_member_of_a_drafting_company_is_not_told(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world)
    propose(client_as("company_admin"), challenge_id)
    with app.app_context():
        db.session.get(User, world.users["company_member"]).active = False
        db.session.commit()
    edit(client_as("authority_admin"), world, challenge_id)
    assert notifications_of(app, world.users["company_admin"]).count(CHANGED) == 1
    assert CHANGED not in notifications_of(app, world.users["company_member"])



def test_a_change_to_the_challenge_is_not_an_unsubmitted_change_of_the_proposal(app, world, client_as):
    """The warning about unsubmitted changes is about what the company changed, not about the challenge's new title."""
    with app.app_context():
        challenge_id = add_challenge(world)
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    assert submit(company, proposal_id).status_code == 302
    assert 'id="unsubmitted"' not in company.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    edit(client_as("authority_admin"), world, challenge_id, title="Falls at night in care homes")
    assert 'id="unsubmitted"' not in company.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    # a real change still shows
    assert company.post(f"/proposals/{proposal_id}/edit", data={**PROPOSAL_FORM, "sites_needed": "4"}).status_code == 302
    assert 'id="unsubmitted"' in company.get(f"/proposals/{proposal_id}").get_data(as_text=True)
