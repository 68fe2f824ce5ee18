"""Suggested companies for a challenge and challenges for a company, with their reasons; the invitation log; sharing a
challenge with another cluster."""
import pytest
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.challenges import services as challenge_services
from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.models import AuditEntry, Notification, OutboxMessage
from ppi.extensions import db
from ppi.matching import scoring, services
from ppi.matching.models import ChallengeInvitation, ChallengeShare
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus, Recommendation
from tests.conftest import add_challenge
from tests.matching.support import FALL_SENSORS, add_cluster, add_company, add_profile, admit, client_for, text, user
from tests.pilots.helpers import add_pilot

FALLS = "Fall detection in care homes"


def _members(world) -> dict[str, int]:
    """The world's company and three more, all members of the world's cluster (one with an unrelated profile), and a
    company outside it with the best profile of all."""
    cluster = world.orgs["cluster"]
    add_profile(world.orgs["company"], FALL_SENSORS, cpv=["33196200"], tags=["fall detection"])
    admit(world.orgs["company"], cluster)
    return {
        "Test Company ApS": world.orgs["company"],
        "Mats Oy": add_company("Mats Oy", "Bed mats that alert staff when residents fall at night", cluster,
                               cpv=["33196100"], country="FI", nuts_code="FI1B1"),
        "Hoist ApS": add_company("Hoist ApS", "Ceiling hoists and lifting cushions", cluster, cpv=["33196200"]),
        "Ledger ApS": add_company("Ledger ApS", "Accounting software for small firms", cluster, cpv=["48440000"]),
        "Outsider ApS": add_company("Outsider ApS", "Fall detection at night in care homes, without wearables",
                                    None, cpv=["33196200"]),
    }


def _suggested(app, world, role, challenge_id) -> list[str]:
    with app.app_context():
        return [s.name for s in services.suggestions_for(user(world, role), db.session.get(Challenge, challenge_id))]


def test_the_cluster_and_the_authority_see_ranked_members_with_reasons(app, world, client_as):
    with app.app_context():
        _members(world)
        challenge_id = add_challenge(world, ChallengeStatus.IN_MODERATION, FALLS)
    assert _suggested(app, world, "cluster_member", challenge_id) == ["Test Company ApS", "Mats Oy", "Hoist ApS"]
    assert _suggested(app, world, "authority_member", challenge_id) == ["Test Company ApS", "Mats Oy", "Hoist ApS"]
    page = text(client_as("cluster_admin").get(f"/challenges/{challenge_id}/matches"))
    first = page[page.index("1. <a"):page.index("2. <a")]
    assert "Test Company ApS" in first and "<mark>fall detection</mark>" in first and "<mark>night</mark>" in first
    assert "<mark>fall</mark>" not in first  # said by the pair
    assert "33196200-2</code> Devices for the disabled" in first and "sells under 33196200-2, the same code" in first
    assert "Region: based in the region (DK031)" in first and "Languages: Danish" in first
    second = page[page.index("2. <a"):page.index("3. <a")]
    assert "sells under 33196100-1, the same class" in second and "Region: wants to enter" not in second
    assert "Outsider ApS" not in page and "Ledger ApS" not in page
    assert page.count('name="company_id"') == 3
    authority_page = text(client_as("authority_admin").get(f"/challenges/{challenge_id}/matches"))
    assert "Mats Oy" in authority_page and 'name="company_id"' not in authority_page  # the authority does not invite
    detail = text(client_as("cluster_member").get(f"/challenges/{challenge_id}"))
    assert f'href="/challenges/{challenge_id}/matches"' in detail


def test_suggestions_stop_when_the_challenge_closes(app, world, client_as):
    with app.app_context():
        _members(world)
        closed = add_challenge(world, title=FALLS, days_to_questions=-5, days_to_proposals=-1)
    assert client_as("cluster_admin").get(f"/challenges/{closed}/matches").status_code == 403
    assert f"/challenges/{closed}/matches" not in text(client_as("cluster_admin").get(f"/challenges/{closed}"))


def test_a_proceeding_pilot_raises_a_company_above_its_twin(app, world):
    with app.app_context():
        _members(world)
        add_company("Alpha Twin ApS", FALL_SENSORS, world.orgs["cluster"], cpv=["33196200"], tags=["fall detection"])
        challenge_id = add_challenge(world, ChallengeStatus.IN_MODERATION, FALLS)
        challenge = db.session.get(Challenge, challenge_id)
        before = {s.name: s.score for s in services.suggestions_for(user(world, "cluster_admin"), challenge)}
        assert before["Alpha Twin ApS"] == pytest.approx(before["Test Company ApS"])
        pilot = db.session.get(Pilot, add_pilot(world, PilotStatus.REPORTED, agreed=True))
        pilot.recommendation = Recommendation.PROCEED
        db.session.commit()
        after = services.suggestions_for(user(world, "cluster_admin"), db.session.get(Challenge, challenge_id))
        scores = {s.name: s.score for s in after}
        assert [s.name for s in after][:2] == ["Test Company ApS", "Alpha Twin ApS"]
        assert scores["Test Company ApS"] - scores["Alpha Twin ApS"] == pytest.approx(scoring.WEIGHTS["pilots"])
        assert (after[0].pilots.finished, after[1].pilots.finished) == (1, 0)


def test_invitations_are_logged_told_at_publication_and_listed_for_the_authority(app, world, client_as):
    with app.app_context():
        ids = _members(world)
        challenge_id = add_challenge(world, ChallengeStatus.IN_MODERATION, FALLS)
    cluster = client_as("cluster_member")
    response = cluster.post(f"/challenges/{challenge_id}/invitations", data={"company_id": ids["Mats Oy"]})
    assert response.status_code == 302
    assert cluster.post(f"/challenges/{challenge_id}/invitations", data={"company_id": ids["Mats Oy"]}).status_code == 409
    outsider = cluster.post(f"/challenges/{challenge_id}/invitations", data={"company_id": ids["Outsider ApS"]})
    assert outsider.status_code == 400 and "Only verified member companies of your cluster" in text(outsider)
    assert client_as("authority_admin").post(f"/challenges/{challenge_id}/invitations",
                                             data={"company_id": ids["Hoist ApS"]}).status_code == 403
    with app.app_context():
        invitation = db.session.scalar(sa.select(ChallengeInvitation))
        assert (invitation.company_id, invitation.cluster_id, invitation.invited_by_id, invitation.rank) == (
            ids["Mats Oy"], world.orgs["cluster"], world.users["cluster_member"], 2)
        assert invitation.notified_at is None and "33196100" in invitation.reasons["cpv"]
        assert "resident fall" in invitation.reasons["terms"] and "fall" not in invitation.reasons["terms"]  # in a pair
        logged = db.session.scalars(sa.select(AuditEntry.organisation_id).where(AuditEntry.action == "matching.invited")).all()
        assert set(logged) == {world.orgs["authority"], world.orgs["cluster"]}
        mats_users = db.session.scalars(sa.select(User.id).where(User.organisation_id == ids["Mats Oy"])).all()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                                 .where(Notification.user_id.in_(mats_users))) == 0
    for role in ("authority_member", "cluster_admin", "platform_admin"):
        page = text(client_as(role).get(f"/challenges/{challenge_id}"))
        log = page[page.index('id="invitations"'):]
        assert "Mats Oy" in log and "Test Cluster (Member)" in log, role

    with app.app_context():  # the cluster publishes: the company is told now, with nothing but the title and the cluster
        challenge_services.transition(user(world, "cluster_admin"), db.session.get(Challenge, challenge_id),
                                      ChallengeStatus.PUBLISHED)
        db.session.commit()
        assert db.session.scalar(sa.select(ChallengeInvitation.notified_at)) is not None
        mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == "admin@mats.test.org"))
        assert mail.subject == f"Test Cluster invites you to look at the challenge {FALLS}"
        assert mail.body.split("\n\n")[0] == mail.subject and f"/challenges/{challenge_id}" in mail.body
        mats_admin = db.session.scalar(sa.select(User.id).where(User.email == "admin@mats.test.org"))
    dashboard = text(client_for(app, mats_admin).get("/dashboard"))
    assert "Invited by Test Cluster" in dashboard[dashboard.index('id="challenges-for-you"'):]


def test_a_company_dashboard_ranks_open_challenges_and_shows_invitations(app, world, client_as):
    with app.app_context():
        _members(world)
        fitting = add_challenge(world, title=FALLS)
        other = add_challenge(world, title="Energy dashboards for schools", cpv_codes=("38551000",),
                              summary="Energy use per room.", description="Schools use too much energy.")
        invited = add_challenge(world, title="Canteen menus", cpv_codes=("55520000",), summary="Menus.",
                                description="Healthy school meals.")
        services.invite(user(world, "cluster_admin"), db.session.get(Challenge, invited), world.orgs["company"])
        db.session.commit()
    page = text(client_as("company_member").get("/dashboard"))
    section = page[page.index('id="challenges-for-you"'):]
    assert FALLS in section and "Canteen menus" in section and "Energy dashboards" not in section
    assert section.index(FALLS) < section.index("Canteen menus") and "Invited by Test Cluster" in section
    assert "<mark>fall detection</mark>" in section and f'href="/challenges/{fitting}"' in section
    assert f'href="/challenges/{other}"' not in section


def test_sharing_lets_another_cluster_match_and_invite_its_own_members(app, world, client_as):
    with app.app_context():
        ids = _members(world)
        second_id, second_admin_id = add_cluster()
        member = add_company("Radar Oy", "Radar fall detection for care homes at night", second_id, cpv=["33196100"])
        moderated = add_challenge(world, ChallengeStatus.IN_MODERATION, FALLS)
        published = add_challenge(world, title=FALLS)
    second_client = client_for(app, second_admin_id)
    share = {"cluster_id": second_id}
    assert second_client.get(f"/challenges/{published}/matches").status_code == 403
    assert client_as("cluster_admin").post(f"/challenges/{moderated}/shares", data=share).status_code == 403
    assert client_as("authority_admin").post(f"/challenges/{published}/shares", data=share).status_code == 403
    assert second_client.post(f"/challenges/{published}/shares", data=share).status_code == 403
    assert client_as("cluster_member").post(f"/challenges/{published}/shares", data=share).status_code == 302
    with app.app_context():
        shared = db.session.scalar(sa.select(ChallengeShare))
        assert (shared.challenge_id, shared.cluster_id, shared.shared_by_id) == (published, second_id,
                                                                               world.users["cluster_member"])
        assert db.session.scalar(sa.select(Notification.link).where(Notification.user_id == second_admin_id)) == \
            f"/challenges/{published}/matches"
        names = [s.name for s in services.suggestions_for(db.session.get(User, second_admin_id),
                                                          db.session.get(Challenge, published))]
        assert names == ["Radar Oy"]
    assert "Radar Oy" in _suggested(app, world, "cluster_admin", published)
    assert "Radar Oy" in _suggested(app, world, "authority_admin", published)
    assert "Radar Oy" not in _suggested(app, world, "cluster_admin", moderated)
    refused = second_client.post(f"/challenges/{published}/invitations", data={"company_id": ids["Mats Oy"]})
    assert refused.status_code == 400
    assert second_client.post(f"/challenges/{published}/invitations", data={"company_id": member}).status_code == 302
    assert client_as("cluster_admin").post(f"/challenges/{published}/invitations",
                                           data={"company_id": ids["Hoist ApS"]}).status_code == 302
    own = text(second_client.get(f"/challenges/{published}"))
    assert "Radar Oy" in own[own.index('id="invitations"'):] and "Hoist ApS" not in own  # only its own invitations
    authority = text(client_as("authority_admin").get(f"/challenges/{published}"))
    assert "Shared with: Second Cluster" in authority and "Radar Oy" in authority and "Hoist ApS" in authority
    assert client_as("cluster_member").post(f"/challenges/{published}/shares", data=share).status_code == 400
