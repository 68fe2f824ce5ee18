"""The decision and the debrief: a selection needs the complete scoring, no award is always possible, the
reason is required; each company reads its own scores, comments, rank and the reason, nothing of the
others; the selected companies are named publicly."""
import re

import pytest
import sqlalchemy as sa

from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.core.models import Notification
from ppi.extensions import db
from ppi.proposals.models import Decision, Score
from ppi.proposals.workflow import Outcome
from tests.challenges.helpers import field_error
from tests.conftest import add_challenge
from tests.proposals.helpers import (
    add_company,
    add_to_panel,
    count,
    declare,
    get_proposal,
    propose,
    score,
    start_evaluation,
    submit,
    text,
)

# proposal key -> evaluator -> ((effect, comment), (usability, comment)); weights 60 / 40
MARKS = {
    "mine": {"authority_member": ((8, "Mine: clear effect."), (6, "Mine: training needed.")),
             "cluster_member": ((6, "Mine: effect shown in Sweden."), (2, "Mine: hard to install."))},    # 7, 4 -> 5.8
    "theirs": {"authority_member": ((5, "Theirs: modest effect."), (9, "Theirs: staff like it.")),
               "cluster_member": ((7, "Theirs: good data."), (9, "Theirs: nothing to learn."))},       # 6, 9 -> 7.2
    "third": {"authority_member": ((3, "Third: unproven."), (4, "Third: clumsy.")),
              "cluster_member": ((3, "Third: no evidence."), (4, "Third: noisy."))},                  # 3, 4 -> 3.4
}
REASON = "The pressure mats had the best weighted score and fit the budget."


@pytest.fixture
def decidable(app, world, client_as):
    """Three proposals; the panel is seated and cleared. Returns (challenge id, {key: proposal id})."""
    with app.app_context():
        challenge_id = add_challenge(world)
    third_role = add_company(app, world, "third", "Third Company ApS")
    ids = {
        "mine": propose(client_as("company_admin"), challenge_id),
        "theirs": propose(client_as("other_company_admin"), challenge_id, title="FloorSense mats",
                          summary="Pressure mats by the bed that alert staff.", description="Mats with **pressure cells**."),
        "third": propose(client_as(third_role), challenge_id, title="BedSide sensor", summary="A sensor under the mattress."),
    }
    for role, key in (("company_admin", "mine"), ("other_company_admin", "theirs"), (third_role, "third")):
        assert submit(client_as(role), ids[key]).status_code == 302
    authority = client_as("authority_admin")
    for role in ("authority_member", "cluster_member"):
        add_to_panel(authority, challenge_id, world.users[role])
    start_evaluation(app, authority, challenge_id)
    for role in ("authority_member", "cluster_member"):
        assert declare(client_as(role), challenge_id, "no").status_code == 302
    return challenge_id, ids


def score_all(app, client_as, challenge_id, ids, only=None):
    for key, marks in MARKS.items():
        for role, rows in marks.items():
            if only and (key, role) not in only:
                continue
            response = score(client_as(role), app, challenge_id, ids[key], [v for v, _c in rows], [c for _v, c in rows])
            assert response.status_code == 302, text(response)[:2000]


def decide(client, challenge_id, selected, reason=REASON):
    return client.post(f"/challenges/{challenge_id}/evaluation/decision",
                       data={"selected": [str(s) for s in selected], "reason": reason})


def status(app, challenge_id):
    with app.app_context():
        return db.session.get(Challenge, challenge_id).status


def test_a_selection_is_refused_before_the_scoring_is_complete(app, world, client_as, decidable):
    challenge_id, ids = decidable
    score_all(app, client_as, challenge_id, ids, only={("mine", "authority_member"), ("theirs", "authority_member")})
    response = decide(client_as("authority_admin"), challenge_id, [ids["theirs"]])
    assert response.status_code == 400
    assert "The panel has not finished scoring" in text(response)
    assert status(app, challenge_id) == S.IN_EVALUATION and count(app, Decision) == 0
    assert get_proposal(app, ids["theirs"]).outcome is None


def test_the_reason_is_required(app, world, client_as, decidable):
    challenge_id, ids = decidable
    score_all(app, client_as, challenge_id, ids)
    for reason in ("", "   "):
        response = decide(client_as("authority_admin"), challenge_id, [ids["theirs"]], reason)
        assert response.status_code == 400
        assert field_error(text(response), "reason").strip()
    assert status(app, challenge_id) == S.IN_EVALUATION and count(app, Decision) == 0


def test_only_the_authority_decides(app, world, client_as, decidable):
    challenge_id, ids = decidable
    score_all(app, client_as, challenge_id, ids)
    for role in ("cluster_member", "cluster_admin", "company_admin", "platform_admin"):
        assert decide(client_as(role), challenge_id, [ids["mine"]]).status_code in (403, 404), role
    assert status(app, challenge_id) == S.IN_EVALUATION and count(app, Decision) == 0
    # any member of the owning authority, evaluator or not; only submitted proposals can be chosen
    assert decide(client_as("authority_member"), challenge_id, [999_999]).status_code == 400
    assert count(app, Decision) == 0
    assert decide(client_as("authority_member"), challenge_id, [ids["mine"]]).status_code == 302
    assert get_proposal(app, ids["mine"]).outcome == Outcome.SELECTED


def test_no_award_with_a_reason_needs_no_complete_scoring(app, world, client_as, decidable):
    challenge_id, ids = decidable
    score_all(app, client_as, challenge_id, ids, only={("mine", "authority_member")})
    reason = "No proposal fits the budget after the cuts."
    response = decide(client_as("authority_admin"), challenge_id, [], reason)
    assert response.status_code == 302
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        assert challenge.status == S.NO_AWARD and challenge.public_reason == reason
        decision = db.session.get(Decision, challenge_id)
        assert decision.award is False and decision.reason == reason and decision.decided_by_id == world.users["authority_admin"]
    assert {get_proposal(app, pid).outcome for pid in ids.values()} == {Outcome.NOT_SELECTED}
    page = text(client_as("other_company_admin").get(f"/proposals/{ids['theirs']}/debrief"))
    assert "Not selected" in page and reason in page
    public = text(client_as(None).get(f"/challenges/{challenge_id}"))
    assert reason in public and 'id="selected-companies"' not in public
    # the decision is final
    assert decide(client_as("authority_admin"), challenge_id, [], "Again.").status_code == 403
    assert count(app, Decision) == 1


def test_the_decision_awards_and_each_company_reads_only_its_own_debrief(app, world, client_as, decidable):
    challenge_id, ids = decidable
    score_all(app, client_as, challenge_id, ids)
    response = decide(client_as("authority_admin"), challenge_id, [ids["theirs"]])
    assert response.status_code == 302, text(response)[:3000]
    assert status(app, challenge_id) == S.AWARDED
    assert get_proposal(app, ids["theirs"]).outcome == Outcome.SELECTED
    assert get_proposal(app, ids["mine"]).outcome == Outcome.NOT_SELECTED
    assert get_proposal(app, ids["third"]).outcome == Outcome.NOT_SELECTED

    # ranks by weighted total: theirs 7.2, mine 5.8, third 3.4
    expectations = {"mine": ("company_admin", 2, "5.8"), "theirs": ("other_company_admin", 1, "7.2"),
                    "third": ("third_admin", 3, "3.4")}
    titles = {"mine": "NightWatch radar", "theirs": "FloorSense mats", "third": "BedSide sensor"}
    summaries = {"mine": "Ceiling radar", "theirs": "Pressure mats", "third": "A sensor under the mattress"}
    for key, (role, rank, total) in expectations.items():
        page = text(client_as(role).get(f"/proposals/{ids[key]}/debrief"))
        outcome = re.search(r'id="outcome">(.*?)</p>', page, re.S).group(1)
        assert ("Selected for a pilot" if key == "theirs" else "Not selected") in outcome
        assert f"rank {rank} of 3" in outcome
        assert REASON in page and f"Weighted total: {total} of 10" in page
        for _role, rows in MARKS[key].items():
            for value, comment in rows:
                assert comment in page and f"{value}</strong>" in page
        for other in MARKS:
            if other == key:
                continue
            assert titles[other] not in page and summaries[other] not in page, (key, other)
            for _role, rows in MARKS[other].items():
                for _value, comment in rows:
                    assert comment not in page, (key, comment)
        # evaluators are not named
        assert "Member" not in page.split('id="scores"')[1].split("</table>")[0]
    # the names of the selected companies are public
    public = text(client_as(None).get(f"/challenges/{challenge_id}"))
    selected = re.search(r'id="selected-companies">(.*?)</p>', public, re.S).group(1)
    assert "Other Company A/S" in selected and "Test Company ApS" not in selected and "Third Company ApS" not in selected
    assert "FloorSense mats" not in public and "NightWatch radar" not in public


def test_another_companys_debrief_is_not_found(app, world, client_as, decidable):
    challenge_id, ids = decidable
    score_all(app, client_as, challenge_id, ids)
    assert decide(client_as("authority_admin"), challenge_id, [], "No award this time.").status_code == 302
    for role, own in (("company_admin", "mine"), ("other_company_admin", "theirs"), ("third_admin", "third")):
        for key, proposal_id in ids.items():
            if key != own:
                assert client_as(role).get(f"/proposals/{proposal_id}/debrief").status_code == 404, (role, key)
    for role in ("cluster_admin", "platform_admin", "unverified_admin", "authority_admin"):
        assert client_as(role).get(f"/proposals/{ids['mine']}/debrief").status_code in (403, 404), role
        assert "Mine: clear effect." not in text(client_as(role).get(f"/proposals/{ids['mine']}/debrief"))
    # the evaluators know the proposal, but the debrief is the company's
    assert client_as("cluster_member").get(f"/proposals/{ids['mine']}/debrief").status_code == 403
    assert client_as(None).get(f"/proposals/{ids['mine']}/debrief").status_code == 302


def test_the_debrief_opens_only_after_the_decision(app, world, client_as, decidable):
    challenge_id, ids = decidable
    score_all(app, client_as, challenge_id, ids)
    assert client_as("company_admin").get(f"/proposals/{ids['mine']}/debrief").status_code == 403
    assert "Read your debrief" not in text(client_as("company_admin").get(f"/proposals/{ids['mine']}"))
    decide(client_as("authority_admin"), challenge_id, [], "No award this time.")
    assert client_as("company_admin").get(f"/proposals/{ids['mine']}/debrief").status_code == 200
    assert "Read your debrief" in text(client_as("company_admin").get(f"/proposals/{ids['mine']}"))


def test_every_team_is_told_and_scores_are_final(app, world, client_as, decidable):
    challenge_id, ids = decidable
    score_all(app, client_as, challenge_id, ids)
    decide(client_as("authority_admin"), challenge_id, [], "No award this time.")
    with app.app_context():
        told = set(db.session.scalars(sa.select(Notification.user_id).where(
            Notification.text == "Decision on Fall detection in care homes: your debrief is ready")))
    assert told == {world.users[r] for r in ("company_admin", "company_member", "other_company_admin", "third_admin")}
    response = score(client_as("authority_member"), app, challenge_id, ids["mine"], [0, 0])
    assert response.status_code in (403, 404)
    with app.app_context():
        assert 0 not in set(db.session.scalars(sa.select(Score.score)))
