"""Who may see and do what on a pilot, through the app.

Pilot pages are hidden from everyone but the three parties (404); a party without the right gets 403.
"""
from datetime import date

import pytest

from ppi.accounts.models import Organisation
from ppi.accounts.workflow import VerificationStatus
from ppi.extensions import db
from ppi.pilots.models import Feedback, Measurement, Milestone, Pilot, PilotStatusChange
from ppi.pilots.workflow import PilotStatus as S, Recommendation
from tests.pilots.helpers import add_pilot
from tests.pilots.support import OUTSIDERS, PARTY_ROLES, count, enrol, feedback_path, status_of, sus_form, text

ALL_ROLES = list(PARTY_ROLES) + OUTSIDERS


def _pages(pilot_id: int) -> list[str]:
    return [f"/pilots/{pilot_id}", f"/pilots/{pilot_id}/report", f"/pilots/{pilot_id}/feedback.csv",
            f"/pilots/{pilot_id}/measurements.csv", f"/pilots/{pilot_id}/plan"]


def test_pilot_pages_are_seen_by_the_parties_only(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world)
    for role in PARTY_ROLES:
        client = client_as(role)
        for path in _pages(pilot_id):
            assert client.get(path).status_code == 200, (role, path)
    for role in OUTSIDERS:
        client = client_as(role)
        for path in _pages(pilot_id):
            assert client.get(path).status_code == 404, (role, path)
    anonymous = client_as(None)
    for path in _pages(pilot_id):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_the_pilot_list_shows_a_pilot_to_its_parties_only(app, world, client_as):
    with app.app_context():
        add_pilot(world)
    for role in PARTY_ROLES:
        assert "NightWatch pilot" in text(client_as(role).get("/pilots/")), role
    assert "NightWatch pilot" not in text(client_as("other_company_admin").get("/pilots/"))


def test_a_party_whose_organisation_is_no_longer_verified_loses_the_pilot(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world)
        db.session.get(Organisation, world.orgs["authority"]).verification_status = VerificationStatus.SUSPENDED
        db.session.commit()
    assert client_as("authority_admin").get(f"/pilots/{pilot_id}").status_code == 404
    assert client_as("company_admin").get(f"/pilots/{pilot_id}").status_code == 200


def test_outsiders_cannot_act_on_a_pilot_and_nothing_changes(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
        pilot = db.session.get(Pilot, pilot_id)
        group_id, site_id, criterion_id = pilot.groups[0].id, pilot.sites[0].id, pilot.criteria[0].id
        milestone_id = pilot.milestones[0].id
    (test_user_id, _code, _token), = enrol(app, world, pilot_id)
    posts = {
        f"/pilots/{pilot_id}/agree": {},
        f"/pilots/{pilot_id}/status/paused": {"reason": "Because."},
        f"/pilots/{pilot_id}/status/completed": {"reason": ""},
        f"/pilots/{pilot_id}/test-users": {"group_id": group_id, "site_id": site_id, "consent_on": str(date.today()), "how_many": "1"},
        f"/pilots/{pilot_id}/test-users/{test_user_id}/withdraw": {},
        f"/pilots/{pilot_id}/test-users/{test_user_id}/link": {},
        f"/pilots/{pilot_id}/test-users/{test_user_id}/revoke": {},
        f"/pilots/{pilot_id}/log": {"severity": "low", "occurred_at": "2026-01-01T10:00", "what": "Something."},
        f"/pilots/{pilot_id}/measurements": {"criterion_id": criterion_id, "value": "1", "measured_on": str(date.today()), "source": "x"},
        f"/pilots/{pilot_id}/milestones/{milestone_id}/confirm": {},
        f"/pilots/{pilot_id}/quotes": {},
        f"/pilots/{pilot_id}/conclusion": {"conclusion": "x", "recommendation": "stop"},
        f"/pilots/{pilot_id}/decision": {"decision": "stop"},
        f"/pilots/{pilot_id}/plan": {"title": "Hijacked"},
    }
    for role in OUTSIDERS:
        client = client_as(role)
        for path, data in posts.items():
            assert client.post(path, data=data).status_code == 404, (role, path)
    with app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        assert pilot.status == S.RUNNING and pilot.title == "NightWatch pilot" and pilot.conclusion is None
        assert db.session.get(Milestone, milestone_id).confirmed_at is None
    assert count(app, PilotStatusChange) == 0 and count(app, Measurement) == 0


def test_an_unknown_target_status_is_404(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
    assert client_as("cluster_admin").post(f"/pilots/{pilot_id}/status/finished", data={"reason": ""}).status_code == 404
    assert status_of(app, pilot_id) == S.RUNNING


# Each move: the state it starts in, its target, and the parties that may make it.
MOVES = [
    ("approve", S.PLANNING, S.PLAN_APPROVED, {"cluster"}),
    ("start", S.PLAN_APPROVED, S.RUNNING, {"cluster", "authority"}),
    ("pause", S.RUNNING, S.PAUSED, {"cluster", "authority"}),
    ("resume", S.PAUSED, S.RUNNING, {"cluster", "authority"}),
    ("complete", S.RUNNING, S.COMPLETED, {"cluster"}),
    ("stop", S.RUNNING, S.STOPPED_EARLY, {"cluster", "authority"}),
    ("stop while paused", S.PAUSED, S.STOPPED_EARLY, {"cluster", "authority"}),
    ("report", S.COMPLETED, S.REPORTED, {"cluster"}),
    ("report a stopped pilot", S.STOPPED_EARLY, S.REPORTED, {"cluster"}),
]


@pytest.mark.parametrize("name, start, target, movers", MOVES, ids=[m[0] for m in MOVES])
def test_who_may_move_a_pilot(app, world, client_as, name, start, target, movers):
    for role, party in PARTY_ROLES.items():
        with app.app_context():
            pilot_id = add_pilot(world, start, agreed=True)
            pilot = db.session.get(Pilot, pilot_id)
            pilot.conclusion, pilot.recommendation = "It works.", Recommendation.PROCEED
            db.session.commit()
        # the page offers the button to those who may press it
        page = text(client_as(role).get(f"/pilots/{pilot_id}"))
        assert (f'/status/{target.value}"' in page) == (party in movers), role
        response = client_as(role).post(f"/pilots/{pilot_id}/status/{target.value}", data={"reason": "A reason."})
        if party in movers:
            assert response.status_code == 302, (role, text(response)[:2000])
            assert status_of(app, pilot_id) == target, role
            assert count(app, PilotStatusChange, PilotStatusChange.pilot_id == pilot_id) == 1
        else:
            assert response.status_code == 403, (role, response.status_code)
            assert status_of(app, pilot_id) == start, role
    for role in OUTSIDERS:
        with app.app_context():
            pilot_id = add_pilot(world, start, agreed=True)
        assert client_as(role).post(f"/pilots/{pilot_id}/status/{target.value}", data={"reason": "x"}).status_code == 404
        assert status_of(app, pilot_id) == start


def test_who_may_agree_to_the_plan(app, world, client_as):
    for role, party in PARTY_ROLES.items():
        with app.app_context():
            pilot_id = add_pilot(world)
        response = client_as(role).post(f"/pilots/{pilot_id}/agree")
        with app.app_context():
            pilot = db.session.get(Pilot, pilot_id)
            agreed = (pilot.authority_agreed_at is not None, pilot.company_agreed_at is not None)
        if party == "cluster":
            assert response.status_code == 403 and agreed == (False, False)
        else:
            assert response.status_code == 302, text(response)[:2000]
            assert agreed == ((True, False) if party == "authority" else (False, True)), role


def test_who_may_enrol_measure_confirm_and_manage_links(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
        pilot = db.session.get(Pilot, pilot_id)
        group_id, site_id, criterion_id = pilot.groups[0].id, pilot.sites[0].id, pilot.criteria[0].id
        milestone_ids = [m.id for m in pilot.milestones]
    enrol_data = {"group_id": group_id, "site_id": site_id, "consent_on": str(date.today()), "how_many": "1"}
    measure_data = {"criterion_id": criterion_id, "value": "91", "measured_on": str(date.today()), "source": "Alarm log"}
    for role, party in PARTY_ROLES.items():
        client = client_as(role)
        assert client.post(f"/pilots/{pilot_id}/test-users", data=enrol_data).status_code == \
            (200 if party in ("authority", "cluster") else 403), role
        assert client.post(f"/pilots/{pilot_id}/measurements", data=measure_data).status_code == \
            (302 if party in ("authority", "company") else 403), role
        (test_user_id, _c, _t), = enrol(app, world, pilot_id)
        assert client.post(f"/pilots/{pilot_id}/test-users/{test_user_id}/revoke").status_code == \
            (302 if party in ("authority", "cluster") else 403), role
        # everyone of the parties may log
        assert client.post(f"/pilots/{pilot_id}/log", data={"severity": "observation", "occurred_at": "2026-01-05T09:30",
                                                           "what": f"Seen by {role}."}).status_code == 302, role
    assert count(app, Measurement) == 4  # the two authority and the two company users
    assert client_as("company_admin").post(f"/pilots/{pilot_id}/milestones/{milestone_ids[0]}/confirm").status_code == 403
    assert client_as("authority_admin").post(f"/pilots/{pilot_id}/milestones/{milestone_ids[0]}/confirm").status_code == 403
    assert client_as("cluster_member").post(f"/pilots/{pilot_id}/milestones/{milestone_ids[0]}/confirm").status_code == 302
    with app.app_context():
        assert db.session.get(Milestone, milestone_ids[0]).confirmed_at is not None
        assert db.session.get(Milestone, milestone_ids[1]).confirmed_at is None
    # confirming twice is refused, not an error page
    response = client_as("cluster_admin").post(f"/pilots/{pilot_id}/milestones/{milestone_ids[0]}/confirm")
    assert response.status_code == 400 and "confirmed already" in text(response)


def test_a_milestone_or_test_user_of_another_pilot_is_404(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
        other_id = add_pilot(world, S.RUNNING, agreed=True)
        other_milestone = db.session.get(Pilot, other_id).milestones[0].id
    (other_user, _c, _t), = enrol(app, world, other_id)
    cluster = client_as("cluster_admin")
    assert cluster.post(f"/pilots/{pilot_id}/milestones/{other_milestone}/confirm").status_code == 404
    for action in ("withdraw", "link", "revoke"):
        assert cluster.post(f"/pilots/{pilot_id}/test-users/{other_user}/{action}").status_code == 404, action
    with app.app_context():
        assert db.session.get(Milestone, other_milestone).confirmed_at is None


def test_quotes_and_conclusion_are_the_clusters_after_the_end(app, world, client_as):
    with app.app_context():
        running_id = add_pilot(world, S.RUNNING, agreed=True)
        completed_id = add_pilot(world, S.COMPLETED, agreed=True)
    conclusion = {"conclusion": "It works.", "recommendation": "proceed"}
    # while running nobody concludes
    for role in ("cluster_admin", "authority_admin", "company_admin"):
        assert client_as(role).post(f"/pilots/{running_id}/conclusion", data=conclusion).status_code == 403
        assert client_as(role).post(f"/pilots/{running_id}/quotes", data={}).status_code == 403
    for role, party in PARTY_ROLES.items():
        expected = 302 if party == "cluster" else 403
        assert client_as(role).post(f"/pilots/{completed_id}/conclusion", data=conclusion).status_code == expected, role
        assert client_as(role).post(f"/pilots/{completed_id}/quotes", data={}).status_code == expected, role
    with app.app_context():
        assert db.session.get(Pilot, running_id).conclusion is None
        assert db.session.get(Pilot, completed_id).recommendation == Recommendation.PROCEED


def test_the_authority_decides_only_once_the_pilot_is_reported(app, world, client_as):
    decision = {"decision": "iterate", "note": "One more round."}
    for status in (S.RUNNING, S.COMPLETED, S.STOPPED_EARLY):
        with app.app_context():
            pilot_id = add_pilot(world, status, agreed=True)
        assert client_as("authority_admin").post(f"/pilots/{pilot_id}/decision", data=decision).status_code == 403, status
        assert "Record the decision" not in text(client_as("authority_admin").get(f"/pilots/{pilot_id}/report"))
    with app.app_context():
        pilot_id = add_pilot(world, S.REPORTED, agreed=True)
        pilot = db.session.get(Pilot, pilot_id)
        pilot.conclusion, pilot.recommendation = "Promising.", Recommendation.ITERATE
        db.session.commit()
    for role in ("company_admin", "company_member", "cluster_admin", "cluster_member"):
        assert client_as(role).post(f"/pilots/{pilot_id}/decision", data=decision).status_code == 403, role
    assert "Record the decision" in text(client_as("authority_member").get(f"/pilots/{pilot_id}/report"))
    # the decision must be chosen
    response = client_as("authority_admin").post(f"/pilots/{pilot_id}/decision", data={"note": "?"})
    assert response.status_code == 400 and "Choose the decision." in text(response)
    assert client_as("authority_member").post(f"/pilots/{pilot_id}/decision", data=decision).status_code == 302
    with app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        assert pilot.authority_decision == Recommendation.ITERATE and pilot.authority_decision_note == "One more round."
        assert pilot.authority_decided_at is not None
    # once only
    assert client_as("authority_admin").post(f"/pilots/{pilot_id}/decision", data={"decision": "stop"}).status_code == 403
    with app.app_context():
        assert db.session.get(Pilot, pilot_id).authority_decision == Recommendation.ITERATE
    page = text(client_as("company_admin").get(f"/pilots/{pilot_id}/report"))
    assert 'id="authority-decision"' in page and "Iterate: pilot again after changes" in page and "One more round." in page


def test_feedback_links_need_no_account_but_the_pilot_pages_do(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
    (_id, _code, token), = enrol(app, world, pilot_id)
    anonymous = client_as(None)
    assert anonymous.get(feedback_path(token)).status_code == 200
    assert anonymous.post(feedback_path(token), data=sus_form([3] * 10)).status_code == 200
    assert count(app, Feedback) == 1
    assert anonymous.get(f"/pilots/{pilot_id}").status_code == 302


def test_a_suspended_party_no_longer_lists_the_pilot(app, world, client_as):
    from ppi.accounts.models import Organisation
    from ppi.accounts.workflow import VerificationStatus
    from ppi.extensions import db
    from tests.pilots.helpers import add_pilot

    with app.app_context():
        add_pilot(world)
    company = client_as("company_admin")
    assert "NightWatch pilot" in company.get("/pilots/").get_data(as_text=True)
    with app.app_context():
        db.session.get(Organisation, world.orgs["company"]).verification_status = VerificationStatus.SUSPENDED
        db.session.commit()
    assert "NightWatch pilot" not in company.get("/pilots/").get_data(as_text=True)
