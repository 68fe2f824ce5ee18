"""Test users: enrolment, their feedback links (tokens), and the feedback form."""
import re
from datetime import date, timedelta

import sqlalchemy as sa

from ppi.extensions import db
from ppi.pilots import services
from ppi.pilots.models import CriterionRating, Feedback, Pilot, TestUser
from ppi.pilots.workflow import PilotStatus as S
from tests.pilots.helpers import add_pilot
from tests.pilots.support import count, enrol, feedback_path, load_test_user, sus_form, text

LINK = re.compile(r'class="feedback-link">[^<]*(/pilots/feedback/[^<"]+)<')


def test_enrolment_shows_each_link_once_and_keeps_only_its_hash(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.PLAN_APPROVED, agreed=True)
        pilot = db.session.get(Pilot, pilot_id)
        group_id, site_id = pilot.groups[1].id, pilot.sites[1].id
    authority = client_as("authority_member")
    response = authority.post(f"/pilots/{pilot_id}/test-users", data={"group_id": group_id, "site_id": site_id,
                                                                      "consent_on": str(date.today()), "how_many": "3"})
    assert response.status_code == 200
    paths = LINK.findall(text(response))
    assert len(paths) == 3 and len(set(paths)) == 3
    tokens = [path.rsplit("/", 1)[1] for path in paths]
    with app.app_context():
        users = db.session.scalars(sa.select(TestUser).where(TestUser.pilot_id == pilot_id)).all()
        assert len(users) == 3
        assert {u.token_hash for u in users} == {services.token_hash(t) for t in tokens}
        assert all(u.group_id == group_id and u.site_id == site_id and u.consent_version == "1" for u in users)
        assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", u.code) for u in users)
    # the links are not shown again
    page = text(authority.get(f"/pilots/{pilot_id}"))
    assert not any(token in page for token in tokens)
    assert all(u.code in page for u in users)


def test_enrolment_refusals_are_shown_not_500(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
        other_id = add_pilot(world, S.RUNNING, agreed=True)
        pilot, other = db.session.get(Pilot, pilot_id), db.session.get(Pilot, other_id)
        group_id, site_id, foreign_group = pilot.groups[0].id, pilot.sites[0].id, other.groups[0].id
    cluster = client_as("cluster_admin")
    base = {"group_id": group_id, "site_id": site_id, "consent_on": str(date.today()), "how_many": "1"}
    cases = [
        ({"consent_on": str(date.today() + timedelta(days=2))}, "cannot be in the future"),
        ({"how_many": "0"}, "how_many-error"),
        ({"how_many": "101"}, "how_many-error"),
        ({"group_id": str(foreign_group)}, "group_id-error"),  # another pilot's group is not a choice
        ({"group_id": "0"}, "Choose a group."),
        ({"consent_on": ""}, "Give the date of consent."),
    ]
    for change, message in cases:
        response = cluster.post(f"/pilots/{pilot_id}/test-users", data=base | change)
        assert response.status_code == 400, (change, response.status_code)
        assert message in text(response), change
    assert count(app, TestUser) == 0


def test_enrolment_is_closed_while_planning_and_after_the_pilot(app, world, client_as):
    for status in (S.PLANNING, S.COMPLETED, S.STOPPED_EARLY, S.REPORTED):
        with app.app_context():
            pilot_id = add_pilot(world, status, agreed=True)
            pilot = db.session.get(Pilot, pilot_id)
            data = {"group_id": pilot.groups[0].id, "site_id": pilot.sites[0].id, "consent_on": str(date.today()), "how_many": "1"}
        assert client_as("cluster_admin").post(f"/pilots/{pilot_id}/test-users", data=data).status_code == 403, status
    assert count(app, TestUser) == 0


def test_a_valid_link_works_without_signing_in(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
    (test_user_id, code, token), = enrol(app, world, pilot_id)
    anonymous = client_as(None)
    response = anonymous.get(feedback_path(token))
    page = text(response)
    assert response.status_code == 200 and "Your feedback on NightWatch pilot" in page
    assert response.headers["Referrer-Policy"] == "no-referrer" and "no-store" in response.headers["Cache-Control"]
    assert code not in page  # the page does not even show the code
    for item in ("I think that I would like to use this system frequently.", "I found the system very cumbersome to use."):
        assert item in page
    assert "How well does it do on: Alerts are easy to act on?" in page  # the criterion test users rate
    assert "Falls found within 10 minutes" not in page  # the one they do not
    response = anonymous.post(feedback_path(token), data=sus_form([4, 2, 4, 2, 4, 2, 4, 2, 4, 2], what_worked="  Quick. "))
    assert response.status_code == 200 and "is received" in text(response)
    with app.app_context():
        feedback = db.session.scalars(sa.select(Feedback)).one()
        assert (feedback.test_user_id, feedback.pilot_id, feedback.sus_score) == (test_user_id, pilot_id, 75.0)
        assert feedback.sus_answers == [4, 2, 4, 2, 4, 2, 4, 2, 4, 2] and feedback.what_worked == "Quick."
    # a second round is a second record
    assert anonymous.post(feedback_path(token), data=sus_form([3] * 10)).status_code == 200
    assert count(app, Feedback, Feedback.test_user_id == test_user_id) == 2


def test_unknown_and_malformed_tokens_are_404(app, world, client_as):
    with app.app_context():
        add_pilot(world, S.RUNNING, agreed=True)
    anonymous = client_as(None)
    for token in ("nope", "x" * 101, "A" * 43):
        assert anonymous.get(feedback_path(token)).status_code == 404
        assert anonymous.post(feedback_path(token), data=sus_form([3] * 10)).status_code == 404
    assert count(app, Feedback) == 0


def test_a_revoked_link_gives_404(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
    (test_user_id, _code, token), (_other_id, _c, other_token) = enrol(app, world, pilot_id, how_many=2)
    assert client_as("authority_admin").post(f"/pilots/{pilot_id}/test-users/{test_user_id}/revoke").status_code == 302
    anonymous = client_as(None)
    assert anonymous.get(feedback_path(token)).status_code == 404
    assert anonymous.post(feedback_path(token), data=sus_form([3] * 10)).status_code == 404
    assert anonymous.get(feedback_path(other_token)).status_code == 200  # only that link
    assert count(app, Feedback) == 0
    assert load_test_user(app, test_user_id).withdrawn_at is None  # revoking is not withdrawing


def test_a_withdrawn_users_link_gives_404_and_no_new_link_is_issued(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
    (test_user_id, code, token), = enrol(app, world, pilot_id)
    cluster = client_as("cluster_admin")
    response = cluster.post(f"/pilots/{pilot_id}/test-users/{test_user_id}/withdraw")
    assert response.status_code == 302
    assert f"{code} has withdrawn" in text(cluster.get(response.headers["Location"]))
    assert client_as(None).get(feedback_path(token)).status_code == 404
    withdrawn = load_test_user(app, test_user_id)
    assert withdrawn.withdrawn_at is not None and withdrawn.token_revoked_at is not None
    # no new link for someone who withdrew, and no second withdrawal
    assert cluster.post(f"/pilots/{pilot_id}/test-users/{test_user_id}/link").status_code == 403
    response = cluster.post(f"/pilots/{pilot_id}/test-users/{test_user_id}/withdraw")
    assert response.status_code == 400 and "withdrawn already" in text(response)
    assert load_test_user(app, test_user_id).token_hash == withdrawn.token_hash


def test_a_new_link_replaces_the_old_one(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
    (test_user_id, code, old_token), = enrol(app, world, pilot_id)
    cluster = client_as("cluster_member")
    # a revoked link can be replaced too
    assert cluster.post(f"/pilots/{pilot_id}/test-users/{test_user_id}/revoke").status_code == 302
    response = cluster.post(f"/pilots/{pilot_id}/test-users/{test_user_id}/link")
    assert response.status_code == 200
    paths = LINK.findall(text(response))
    assert len(paths) == 1 and code in text(response)
    new_token = paths[0].rsplit("/", 1)[1]
    assert new_token != old_token
    anonymous = client_as(None)
    assert anonymous.get(feedback_path(old_token)).status_code == 404
    assert anonymous.get(feedback_path(new_token)).status_code == 200
    # and again: the second new link replaces the first new one
    response = client_as("authority_admin").post(f"/pilots/{pilot_id}/test-users/{test_user_id}/link")
    newest = LINK.findall(text(response))[0].rsplit("/", 1)[1]
    assert anonymous.get(feedback_path(new_token)).status_code == 404
    assert anonymous.post(feedback_path(newest), data=sus_form([3] * 10)).status_code == 200
    assert count(app, Feedback, Feedback.test_user_id == test_user_id) == 1


def test_another_pilots_token_never_reaches_this_pilot(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
        other_id = add_pilot(world, S.RUNNING, agreed=True)
        other = db.session.get(Pilot, other_id)
        other.title = "Other pilot"
        other.criteria[1].rated_by_users = False
        rated_here = db.session.get(Pilot, pilot_id).criteria[1].id
        db.session.commit()
    (_mine, _c, _t), = enrol(app, world, pilot_id)
    (other_user, _c2, other_token), = enrol(app, world, other_id)
    anonymous = client_as(None)
    page = text(anonymous.get(feedback_path(other_token)))
    assert "Your feedback on Other pilot" in page and "NightWatch pilot" not in page
    # a rating for this pilot's criterion sent with the other pilot's link is dropped
    response = anonymous.post(feedback_path(other_token), data=sus_form(
        [5, 1, 5, 1, 5, 1, 5, 1, 5, 1], **{f"rating_{rated_here}": "5"}))
    assert response.status_code == 200
    with app.app_context():
        feedback = db.session.scalars(sa.select(Feedback)).one()
        assert (feedback.pilot_id, feedback.test_user_id) == (other_id, other_user)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CriterionRating)) == 0
    report = text(client_as("cluster_admin").get(f"/pilots/{pilot_id}/report"))
    assert "No feedback yet." in report
    # and this pilot's pages cannot manage the other pilot's user
    assert client_as("cluster_admin").post(f"/pilots/{pilot_id}/test-users/{other_user}/revoke").status_code == 404
    assert anonymous.get(feedback_path(other_token)).status_code == 200


def test_feedback_errors_are_shown_next_to_each_question_and_answers_are_kept(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
        rated = db.session.get(Pilot, pilot_id).criteria[1].id
    (_id, _code, token), = enrol(app, world, pilot_id)
    data = {"sus_1": "4", "sus_2": "2", "sus_4": "9", "sus_5": "five", "sus_7": "1", "sus_9": "5", "sus_10": "3",
            f"rating_{rated}": "4", "what_worked": "The alarm sound.", "what_did_not": "Night light <b>too</b> bright."}
    response = client_as(None).post(feedback_path(token), data=data)
    page = text(response)
    assert response.status_code == 400
    assert 'id="form-errors"' in page
    for missing in (3, 4, 5, 6, 8):
        assert f'id="sus_{missing}-error"' in page, missing
        answers = re.findall(rf'<input[^>]*name="sus_{missing}"[^>]*>', page)  # each of 1–5: invalid, tied to the error
        assert len(answers) == 5 and all('aria-invalid="true"' in answer and f'aria-describedby="sus_{missing}-error"'
                                         in answer for answer in answers), (missing, answers)
    for answered in (1, 2, 7, 9, 10):
        assert f'id="sus_{answered}-error"' not in page, answered
    assert page.count("Choose 1 to 5.") == 3  # 3, 6 and 8 were left out; 4 and 5 are not valid choices
    # what was typed is kept
    for name, value in (("sus_1", 4), ("sus_2", 2), ("sus_7", 1), ("sus_9", 5), ("sus_10", 3), (f"rating_{rated}", 4)):
        assert re.search(rf'<input checked[^>]*name="{name}"[^>]*value="{value}"', page), name
    assert not re.search(r'<input checked[^>]*name="sus_3"', page)
    assert "The alarm sound." in page and "Night light &lt;b&gt;too&lt;/b&gt; bright." in page
    assert count(app, Feedback) == 0


def test_feedback_is_taken_only_while_running_and_right_after(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, S.PLAN_APPROVED, agreed=True)
    (_id, _code, token), = enrol(app, world, pilot_id)
    anonymous = client_as(None)
    expected = {S.PLAN_APPROVED: False, S.RUNNING: True, S.PAUSED: False, S.COMPLETED: True, S.STOPPED_EARLY: True,
                S.REPORTED: False}
    for status, open_ in expected.items():
        with app.app_context():
            db.session.get(Pilot, pilot_id).status = status
            db.session.commit()
        before = count(app, Feedback)
        page = text(anonymous.get(feedback_path(token)))
        assert ("does not take feedback at the moment" in page) is not open_, status
        response = anonymous.post(feedback_path(token), data=sus_form([3] * 10))
        if open_:
            assert response.status_code == 200 and "is received" in text(response), status
            assert count(app, Feedback) == before + 1
        else:
            assert response.status_code == 400 and "does not take feedback at the moment" in text(response), status
            assert count(app, Feedback) == before
