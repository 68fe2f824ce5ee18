"""A pilot's lifecycle through the app: every move, the refusals on the way, reasons, the plan and its approval."""
import re

import sqlalchemy as sa

from ppi.extensions import db
from ppi.pilots.models import Pilot, PilotStatusChange
from ppi.pilots.workflow import PilotStatus as S
from tests.pilots.helpers import add_pilot
from tests.pilots.support import plan_form, status_of, text

WRONG_STATE = "This action is not possible in the current state."


def _move(client, pilot_id, target, reason=""):
    return client.post(f"/pilots/{pilot_id}/status/{target.value}", data={"reason": reason})


def _refused_409(response):
    assert response.status_code == 409, (response.status_code, text(response)[:2000])
    assert WRONG_STATE in text(response)


def test_the_full_lifecycle_with_refusals(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, agreed=True)
    authority, cluster = client_as("authority_admin"), client_as("cluster_admin")

    _refused_409(_move(cluster, pilot_id, S.RUNNING))  # not before the plan is approved
    _refused_409(_move(cluster, pilot_id, S.COMPLETED))
    assert _move(cluster, pilot_id, S.PLAN_APPROVED).status_code == 302
    with app.app_context():
        assert db.session.get(Pilot, pilot_id).plan_approved_at is not None
    _refused_409(_move(cluster, pilot_id, S.PLAN_APPROVED))  # twice
    _refused_409(_move(authority, pilot_id, S.PAUSED))  # not before it runs
    assert _move(authority, pilot_id, S.RUNNING).status_code == 302

    # pausing needs a reason; whitespace is no reason
    for reason in ("", "   \n "):
        response = _move(authority, pilot_id, S.PAUSED, reason)
        assert response.status_code == 400 and "Give the reason" in text(response)
        assert status_of(app, pilot_id) == S.RUNNING
    response = _move(authority, pilot_id, S.PAUSED, "x" * 4001)  # too long: shown at the field
    assert response.status_code == 400 and 'id="reason-error"' in text(response)
    assert status_of(app, pilot_id) == S.RUNNING
    assert _move(authority, pilot_id, S.PAUSED, "  Sensor fault in room 12.  ").status_code == 302
    _refused_409(_move(cluster, pilot_id, S.COMPLETED))  # a paused pilot resumes or stops, it does not complete
    _refused_409(_move(cluster, pilot_id, S.PAUSED, "again"))
    assert _move(cluster, pilot_id, S.RUNNING).status_code == 302  # resume
    assert _move(cluster, pilot_id, S.COMPLETED).status_code == 302
    _refused_409(_move(authority, pilot_id, S.STOPPED_EARLY, "Too late."))
    _refused_409(_move(cluster, pilot_id, S.RUNNING))

    response = _move(cluster, pilot_id, S.REPORTED)
    assert response.status_code == 400 and "Write the conclusion and the recommendation first." in text(response)
    assert cluster.post(f"/pilots/{pilot_id}/conclusion", data={"conclusion": "Works at night.", "recommendation": "proceed"}).status_code == 302
    assert _move(cluster, pilot_id, S.REPORTED).status_code == 302
    for target in S:
        _refused_409(_move(cluster, pilot_id, target))  # reported is final
    # after the report nobody concludes again
    assert cluster.post(f"/pilots/{pilot_id}/conclusion", data={"conclusion": "Changed.", "recommendation": "stop"}).status_code == 403

    with app.app_context():
        changes = db.session.scalars(sa.select(PilotStatusChange).where(PilotStatusChange.pilot_id == pilot_id)
                                     .order_by(PilotStatusChange.id)).all()
        assert [(c.from_status, c.to_status) for c in changes] == [
            (S.PLANNING, S.PLAN_APPROVED), (S.PLAN_APPROVED, S.RUNNING), (S.RUNNING, S.PAUSED), (S.PAUSED, S.RUNNING),
            (S.RUNNING, S.COMPLETED), (S.COMPLETED, S.REPORTED)]
        assert changes[2].reason == "Sensor fault in room 12." and changes[2].actor_id == world.users["authority_admin"]
        assert [c.reason for c in changes if c is not changes[2]] == [None] * 5
        assert db.session.get(Pilot, pilot_id).conclusion == "Works at night."
    page = text(client_as("company_member").get(f"/pilots/{pilot_id}"))
    assert "Sensor fault in room 12." in page  # the other parties read the reason


def test_stopping_early_needs_a_reason_and_is_reported_like_a_completion(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.PAUSED, agreed=True)
    authority, cluster = client_as("authority_member"), client_as("cluster_member")
    response = _move(authority, pilot_id, S.STOPPED_EARLY)
    assert response.status_code == 400 and "Give the reason" in text(response)
    assert status_of(app, pilot_id) == S.PAUSED
    assert _move(authority, pilot_id, S.STOPPED_EARLY, "Residents' council objected.").status_code == 302
    assert status_of(app, pilot_id) == S.STOPPED_EARLY
    _refused_409(_move(cluster, pilot_id, S.RUNNING))
    assert cluster.post(f"/pilots/{pilot_id}/conclusion", data={"conclusion": "Stopped.", "recommendation": "stop"}).status_code == 302
    assert _move(cluster, pilot_id, S.REPORTED).status_code == 302
    with app.app_context():
        reasons = db.session.scalars(sa.select(PilotStatusChange.reason).where(PilotStatusChange.pilot_id == pilot_id)
                                     .order_by(PilotStatusChange.id)).all()
    assert reasons == ["Residents' council objected.", None]


def test_a_wrong_state_move_by_a_party_without_the_right_is_never_a_500(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.COMPLETED, agreed=True)
    for role in ("company_admin", "authority_admin", "cluster_admin"):
        for target in (S.PLANNING, S.RUNNING, S.PAUSED, S.PLAN_APPROVED):
            response = _move(client_as(role), pilot_id, target, "why")
            assert response.status_code in (403, 409), (role, target, response.status_code)
    assert status_of(app, pilot_id) == S.COMPLETED


# ---- the plan and its approval -------------------------------------------------------------------

def _agreements(app, pilot_id):
    with app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        return pilot.authority_agreed_at is not None, pilot.company_agreed_at is not None


def test_approval_is_refused_until_both_agreed(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world)
    authority, company, cluster = client_as("authority_admin"), client_as("company_admin"), client_as("cluster_admin")
    for agreeing in (None, authority, company):
        if agreeing is not None:
            assert agreeing.post(f"/pilots/{pilot_id}/agree").status_code == 302
        if agreeing is not company:
            response = _move(cluster, pilot_id, S.PLAN_APPROVED)
            assert response.status_code == 400 and "must both agree" in text(response)
            assert status_of(app, pilot_id) == S.PLANNING
    assert _agreements(app, pilot_id) == (True, True)
    assert _move(cluster, pilot_id, S.PLAN_APPROVED).status_code == 302
    assert status_of(app, pilot_id) == S.PLAN_APPROVED


def test_approval_is_refused_while_the_plan_is_incomplete_even_if_both_agreed(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, agreed=True, complete_plan=False)
    response = _move(client_as("cluster_admin"), pilot_id, S.PLAN_APPROVED)
    page = text(response)
    assert response.status_code == 400
    for message in ("Give the objectives.", "Give the start and end dates.", "Give at least one success criterion",
                    "Give at least one site.", "Give at least one group of test users.", "Give at least one milestone.",
                    "Describe the personal data"):
        assert message in page, message
    assert status_of(app, pilot_id) == S.PLANNING


def test_agreeing_to_an_incomplete_plan_is_refused(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, complete_plan=False)
    response = client_as("authority_admin").post(f"/pilots/{pilot_id}/agree")
    assert response.status_code == 400 and "Give the objectives." in text(response)
    assert _agreements(app, pilot_id) == (False, False)
    # the detail page lists what is missing
    page = text(client_as("company_admin").get(f"/pilots/{pilot_id}"))
    assert 'id="plan-problems"' in page and "Give at least one milestone." in page


def test_any_change_to_the_plan_withdraws_both_agreements(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, agreed=True)
    company = client_as("company_member")
    changes = [
        {"objectives": "Fewer long lies, and fewer night calls."},
        {"criteria-1-target": "4.5000"},
        {"sites-1-address": "Tarupvej 2"},
        {"groups-0-planned": "21"},
        {"milestones-1-title": "Final feedback round"},
        {"dpia_done": "no"},
        {"criteria-2-name": "Night calls", "criteria-2-comparison": "at_most", "criteria-2-target": "10"},
    ]
    for change in changes:
        with app.app_context():
            pilot = db.session.get(Pilot, pilot_id)
            pilot.authority_agreed_at = pilot.company_agreed_at = pilot.created_at
            db.session.commit()
        response = company.post(f"/pilots/{pilot_id}/plan", data=plan_form(app, pilot_id, **change))
        assert response.status_code == 302, (change, text(response)[:3000])
        assert _agreements(app, pilot_id) == (False, False), change
    with app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        assert pilot.objectives == "Fewer long lies, and fewer night calls." and pilot.dpia_done is False
        assert [c.name for c in pilot.criteria] == ["Falls found within 10 minutes", "Alerts are easy to act on", "Night calls"]
        assert pilot.groups[0].planned == 21


def test_saving_the_plan_unchanged_keeps_the_agreements(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, agreed=True)
    authority = client_as("authority_admin")
    response = authority.post(f"/pilots/{pilot_id}/plan", data=plan_form(app, pilot_id))
    assert response.status_code == 302
    assert _agreements(app, pilot_id) == (True, True)
    assert "Nothing changed." in text(authority.get(f"/pilots/{pilot_id}"))


def test_the_plan_is_edited_only_while_planning(app, world, client_as):
    for status in (S.PLAN_APPROVED, S.RUNNING, S.COMPLETED):
        with app.app_context():
            pilot_id = add_pilot(world, status, agreed=True)
        for role in ("authority_admin", "company_admin", "cluster_admin"):
            client = client_as(role)
            assert client.get(f"/pilots/{pilot_id}/plan").status_code == 403, (status, role)
            data = plan_form(app, pilot_id, objectives="Something else.")
            assert client.post(f"/pilots/{pilot_id}/plan", data=data).status_code == 403, (status, role)
            assert client.post(f"/pilots/{pilot_id}/agree").status_code == 403, (status, role)
            assert "Edit the plan" not in text(client.get(f"/pilots/{pilot_id}"))
        with app.app_context():
            assert db.session.get(Pilot, pilot_id).objectives == "Fewer long lies after night-time falls."


def test_plan_form_errors_are_shown_next_to_their_fields(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, agreed=True)
    data = plan_form(app, pilot_id, title="", end_date="2020-01-01", start_date="2020-02-01", budget_eur="NaN",
                     **{"criteria-2-name": "Night calls", "groups-2-role": "Day staff", "milestones-0-due_date": "31/12/2026"})
    response = client_as("cluster_admin").post(f"/pilots/{pilot_id}/plan", data=data)
    page = text(response)
    assert response.status_code == 400
    for field_id in ("title", "end_date", "budget_eur", "criteria-2-comparison", "criteria-2-target", "groups-2-planned",
                     "milestones-0-due_date"):
        assert f'id="{field_id}-error"' in page, field_id
        assert re.search(rf'aria-describedby="[^"]*\b{field_id}-error"', page), field_id  # tied to its field
    assert "The end date must be after the start date." in page
    assert 'value="Night calls"' in page  # what was typed stays
    # nothing was saved and the agreements stand
    assert _agreements(app, pilot_id) == (True, True)
    with app.app_context():
        assert db.session.get(Pilot, pilot_id).title == "NightWatch pilot"
