"""The evaluation: the panel, the conflict-of-interest declaration and the cluster's neutrality, scoring
0–10 with comments in a personal queue, scores private until the panel has finished, and the consolidated
matrix with its exports."""
import csv
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from ppi.accounts.models import User
from ppi.challenges.models import Challenge
from ppi.core.errors import DomainError
from ppi.core.models import AuditEntry
from ppi.extensions import db
from ppi.proposals import services
from ppi.proposals.models import PanelMember, Proposal, Score
from ppi.proposals.workflow import Declaration, Neutrality
from tests.challenges.helpers import field_error
from tests.conftest import add_challenge
from tests.proposals.helpers import (
    PROPOSAL_FORM,
    accept_membership,
    add_company,
    add_to_panel,
    close_deadline,
    criterion_ids,
    declare,
    propose,
    score,
    start_evaluation,
    submit,
    text,
)

EFFECT, USABILITY = 60, 40  # the weights of add_challenge's two criteria


def two_proposals(app, world, client_as):
    """The company's and the other company's proposals, submitted; the panel: an authority member and a cluster member."""
    with app.app_context():
        challenge_id = add_challenge(world)
    authority = client_as("authority_admin")
    mine = propose(client_as("company_admin"), challenge_id)
    theirs = propose(client_as("other_company_admin"), challenge_id, title="FloorSense mats",
                     summary="Pressure mats by the bed that alert staff.")
    for client, proposal_id in ((client_as("company_admin"), mine), (client_as("other_company_admin"), theirs)):
        assert submit(client, proposal_id).status_code == 302
    for role in ("authority_member", "cluster_member"):
        add_to_panel(authority, challenge_id, world.users[role])
    return challenge_id, mine, theirs


@pytest.fixture
def evaluating(app, world, client_as):
    challenge_id, mine, theirs = two_proposals(app, world, client_as)
    start_evaluation(app, client_as("authority_admin"), challenge_id)
    return challenge_id, mine, theirs


@pytest.fixture
def evaluating_with_member(app, world, client_as):
    """As `evaluating`, with Other Company A/S an accepted member of the facilitating cluster."""
    accept_membership(app, world)
    challenge_id, mine, theirs = two_proposals(app, world, client_as)
    start_evaluation(app, client_as("authority_admin"), challenge_id)
    return challenge_id, mine, theirs


def member_of(app, challenge_id: int, user_id: int) -> PanelMember:
    with app.app_context():
        member = db.session.scalar(sa.select(PanelMember).where(PanelMember.challenge_id == challenge_id,
                                                                PanelMember.user_id == user_id))
        db.session.expunge(member)
        return member


def declarations(app) -> list[AuditEntry]:
    with app.app_context():
        entries = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "panel.declaration").order_by(AuditEntry.id)))
        for entry in entries:
            db.session.expunge(entry)
        return entries


def complete(app, challenge_id: int) -> bool:
    with app.app_context():
        return services.scoring_complete(db.session.get(Challenge, challenge_id))


def queue_states(page: str) -> dict[str, str]:
    """{proposal title: state} from the evaluator's queue."""
    table = page.split('id="queue"')[1].split("</table>")[0]
    return {title: state for title, state in re.findall(r": ([^<]+)</a></td>\s*<td>([^<]+)</td>", table)}


# --- the panel and the declaration ----------------------------------------------------------------

def test_the_panel_is_named_from_the_authority_and_the_cluster(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world)
    authority = client_as("authority_admin")
    page = text(authority.get(f"/challenges/{challenge_id}/evaluation"))
    options = re.findall(r'<option value="([1-9]\d*)"', page.split('id="user_id"')[1].split("</select>")[0])
    expected = {world.users[r] for r in ("authority_admin", "authority_member", "cluster_admin", "cluster_member")}
    assert {int(o) for o in options} == expected
    for outsider in ("company_admin", "other_company_admin", "platform_admin"):
        response = authority.post(f"/challenges/{challenge_id}/evaluation/panel", data={"user_id": str(world.users[outsider])})
        assert response.status_code == 400, outsider
    add_to_panel(authority, challenge_id, world.users["cluster_member"])
    with app.app_context():
        assert db.session.scalars(sa.select(PanelMember.user_id)).all() == [world.users["cluster_member"]]
    # only the authority names the panel
    refused = client_as("cluster_admin").post(f"/challenges/{challenge_id}/evaluation/panel",
                                              data={"user_id": str(world.users["cluster_admin"])})
    assert refused.status_code == 404


def test_declarations_are_recorded_in_the_audit_log(app, world, client_as, evaluating):
    challenge_id, _mine, _theirs = evaluating
    assert declare(client_as("authority_member"), challenge_id, "no").status_code == 302
    assert declare(client_as("cluster_member"), challenge_id, "yes", note="I advise FloorSense.").status_code == 302
    no_conflict, conflict = declarations(app)
    assert (no_conflict.actor_id, no_conflict.organisation_id, no_conflict.object_type, no_conflict.object_id) == (
        world.users["authority_member"], world.orgs["authority"], "Challenge", challenge_id)
    assert no_conflict.after == {"declaration": "no_conflict", "neutrality": None}
    assert conflict.actor_id == world.users["cluster_member"] and conflict.note == "I advise FloorSense."
    assert conflict.after == {"declaration": "conflict", "neutrality": None}
    assert member_of(app, challenge_id, world.users["cluster_member"]).declaration == Declaration.CONFLICT
    page = text(client_as("authority_admin").get(f"/challenges/{challenge_id}/evaluation"))
    assert "Conflict declared: excluded" in page and "No conflict declared" in page


def test_a_declaration_needs_an_answer(app, world, client_as, evaluating):
    challenge_id, _mine, _theirs = evaluating
    response = declare(client_as("authority_member"), challenge_id, "")
    assert response.status_code == 400 and field_error(text(response), "conflict").strip()
    assert member_of(app, challenge_id, world.users["authority_member"]).declaration == Declaration.PENDING
    assert declarations(app) == []


def test_only_panel_members_declare(app, world, client_as, evaluating):
    challenge_id, _mine, _theirs = evaluating
    for role in ("authority_admin", "cluster_admin", "company_admin"):
        assert declare(client_as(role), challenge_id, "no").status_code in (403, 404), role
    assert declarations(app) == []


# --- neutrality -----------------------------------------------------------------------------------

def test_without_an_accepted_membership_nothing_is_flagged(app, world, client_as, evaluating):
    challenge_id, _mine, _theirs = evaluating  # the world's membership is only requested
    cluster = client_as("cluster_member")
    page = text(cluster.get(f"/challenges/{challenge_id}/evaluation"))
    assert 'id="neutrality-flag"' not in page and 'name="neutrality"' not in page
    assert declare(cluster, challenge_id, "no").status_code == 302
    assert member_of(app, challenge_id, world.users["cluster_member"]).neutrality is None


def test_a_member_company_is_flagged_and_the_cluster_evaluator_must_choose(app, world, client_as, evaluating_with_member):
    challenge_id, mine, theirs = evaluating_with_member
    flag = re.search(r'id="neutrality-flag">(.*?)</div>', text(client_as("authority_admin").get(
        f"/challenges/{challenge_id}/evaluation")), re.S).group(1)
    assert "Other Company A/S" in flag and "Test Company ApS" not in flag
    cluster = client_as("cluster_member")
    page = text(cluster.get(f"/challenges/{challenge_id}/evaluation"))
    assert 'id="neutrality-flag"' in page and 'name="neutrality"' in page and 'name="neutrality_note"' in page
    # the authority's evaluator is not asked
    assert 'name="neutrality"' not in text(client_as("authority_member").get(f"/challenges/{challenge_id}/evaluation"))
    refused = declare(cluster, challenge_id, "no")
    assert refused.status_code == 400 and "recuse yourself" in text(refused)
    refused = declare(cluster, challenge_id, "no", neutrality="justified", neutrality_note="  ")
    assert refused.status_code == 400 and "Give the justification." in text(refused)
    member = member_of(app, challenge_id, world.users["cluster_member"])
    assert member.declaration == Declaration.PENDING and member.neutrality is None
    assert declarations(app) == []
    assert cluster.get(f"/proposals/{theirs}").status_code == 404 and cluster.get(f"/proposals/{mine}").status_code == 404


def test_a_recused_evaluator_skips_the_member_companys_proposal(app, world, client_as, evaluating_with_member):
    challenge_id, mine, theirs = evaluating_with_member
    cluster, member = client_as("cluster_member"), client_as("authority_member")
    assert declare(cluster, challenge_id, "no", neutrality="recused").status_code == 302
    assert member_of(app, challenge_id, world.users["cluster_member"]).neutrality == Neutrality.RECUSED
    [entry] = declarations(app)
    assert entry.after == {"declaration": "no_conflict", "neutrality": "recused"}
    assert entry.organisation_id == world.orgs["authority"]
    # the member company's proposal is closed to the recused evaluator
    for url in (f"/proposals/{theirs}", f"/challenges/{challenge_id}/evaluation/proposals/{theirs}"):
        assert cluster.get(url).status_code == 404
    assert score(cluster, app, challenge_id, theirs, [9, 9]).status_code == 404
    assert cluster.get(f"/proposals/{mine}").status_code == 200
    page = text(cluster.get(f"/challenges/{challenge_id}/evaluation"))
    assert list(queue_states(page)) == ["NightWatch radar"]
    assert "recused from cluster members' proposals" in page
    assert "recused from cluster members' proposals" in text(client_as("authority_admin").get(f"/challenges/{challenge_id}/evaluation"))
    # completeness does not wait for the recused evaluator on that proposal
    assert declare(member, challenge_id, "no").status_code == 302
    for proposal_id in (mine, theirs):
        assert score(member, app, challenge_id, proposal_id, [7, 7]).status_code == 302
    assert not complete(app, challenge_id)
    assert score(cluster, app, challenge_id, mine, [5, 5]).status_code == 302
    assert complete(app, challenge_id)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Score).where(Score.proposal_id == theirs)) == 2


def test_a_justified_evaluator_stays_on_everything(app, world, client_as, evaluating_with_member):
    challenge_id, mine, theirs = evaluating_with_member
    cluster = client_as("cluster_member")
    why = "The membership is a newsletter subscription; I have no dealings with the company."
    assert declare(cluster, challenge_id, "no", neutrality="justified", neutrality_note=why).status_code == 302
    member = member_of(app, challenge_id, world.users["cluster_member"])
    assert (member.neutrality, member.neutrality_note) == (Neutrality.JUSTIFIED, why)
    [entry] = declarations(app)
    assert entry.after == {"declaration": "no_conflict", "neutrality": "justified"} and entry.note == why
    assert cluster.get(f"/proposals/{theirs}").status_code == 200
    assert set(queue_states(text(cluster.get(f"/challenges/{challenge_id}/evaluation")))) == {"NightWatch radar", "FloorSense mats"}
    assert f"stays on: {why}" in text(client_as("authority_admin").get(f"/challenges/{challenge_id}/evaluation"))


def test_the_flag_does_not_unseal_who_proposed_before_the_deadline(app, world, client_as):
    accept_membership(app, world)
    challenge_id, _mine, _theirs = two_proposals(app, world, client_as)
    for role in ("authority_admin", "cluster_member"):
        page = text(client_as(role).get(f"/challenges/{challenge_id}/evaluation"))
        assert "Other Company A/S" not in page and "FloorSense" not in page, role


def test_an_evaluator_sees_which_companies_proposed_before_declaring(app, world, client_as, evaluating):
    challenge_id, _mine, _theirs = evaluating
    page = text(client_as("authority_member").get(f"/challenges/{challenge_id}/evaluation"))
    listed = page.split('id="proposing-companies"')[1].split("</p>")[0]
    assert "Test Company ApS" in listed and "Other Company A/S" in listed


def test_declarations_wait_for_the_evaluation_so_the_neutrality_question_is_not_skipped(app, world, client_as):
    """Before the deadline the proposing companies are not final: a declaration then could not cover a member
    company that submits later, so it is refused until the evaluation starts."""
    accept_membership(app, world)
    with app.app_context():
        challenge_id = add_challenge(world)
    authority, cluster = client_as("authority_admin"), client_as("cluster_member")
    add_to_panel(authority, challenge_id, world.users["cluster_member"])
    assert 'name="conflict"' not in text(cluster.get(f"/challenges/{challenge_id}/evaluation"))
    assert declare(cluster, challenge_id, "no").status_code == 403
    assert member_of(app, challenge_id, world.users["cluster_member"]).declaration == Declaration.PENDING
    theirs = propose(client_as("other_company_admin"), challenge_id, title="FloorSense mats")
    assert submit(client_as("other_company_admin"), theirs).status_code == 302
    close_deadline(app, challenge_id)
    assert declare(cluster, challenge_id, "no").status_code == 403  # closed, not yet in evaluation
    start_evaluation(app, authority, challenge_id)
    page = text(cluster.get(f"/challenges/{challenge_id}/evaluation"))
    assert 'name="conflict"' in page and 'name="neutrality"' in page
    assert declare(cluster, challenge_id, "no").status_code == 400
    assert declare(cluster, challenge_id, "no", neutrality="recused").status_code == 302
    assert member_of(app, challenge_id, world.users["cluster_member"]).neutrality == Neutrality.RECUSED
    assert cluster.get(f"/proposals/{theirs}").status_code == 404


# --- scoring --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["11", "-1", "x", "5.5", "100"])
def test_scores_go_from_0_to_10(app, world, client_as, evaluating, value):
    challenge_id, mine, _theirs = evaluating
    member = client_as("authority_member")
    declare(member, challenge_id, "no")
    [effect, usability] = criterion_ids(app, challenge_id)
    response = member.post(f"/challenges/{challenge_id}/evaluation/proposals/{mine}", data={
        "rows-0-criterion_id": str(effect), "rows-0-score": value, "rows-0-comment": "Hm.",
        "rows-1-criterion_id": str(usability), "rows-1-score": "5", "rows-1-comment": "Fine."})
    assert response.status_code == 400
    assert field_error(text(response), "rows-0-score").strip()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Score)) == 0


def test_the_ends_of_the_scale_are_accepted_and_the_service_refuses_beyond(app, world, client_as, evaluating):
    challenge_id, mine, _theirs = evaluating
    member = client_as("authority_member")
    declare(member, challenge_id, "no")
    assert score(member, app, challenge_id, mine, [0, 10]).status_code == 302
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(Score.score))) == [0, 10]
    with app.test_request_context():
        challenge = db.session.get(Challenge, challenge_id)
        user = db.session.get(User, world.users["authority_member"])
        panel_member = services.panel_member(challenge, user)
        proposal = db.session.get(Proposal, mine)
        for bad in (11, -1):
            with pytest.raises(DomainError):
                services.save_scores(user, panel_member, proposal, {challenge.criteria[0].id: (bad, "x")})
        db.session.rollback()
        assert sorted(db.session.scalars(sa.select(Score.score))) == [0, 10]


def test_a_score_without_a_comment_is_comment_missing_in_the_queue(app, world, client_as, evaluating):
    challenge_id, mine, theirs = evaluating
    member = client_as("authority_member")
    declare(member, challenge_id, "no")
    assert queue_states(text(member.get(f"/challenges/{challenge_id}/evaluation"))) == {
        "NightWatch radar": "To score", "FloorSense mats": "To score"}
    response = score(member, app, challenge_id, mine, [8, 6], ["Strong effect.", ""])
    assert response.status_code == 302
    assert queue_states(text(member.get(f"/challenges/{challenge_id}/evaluation")))["NightWatch radar"] == "Comment missing"
    # a comment without a score is refused
    refused = score(member, app, challenge_id, theirs, [None, 5], ["A comment without a score.", "ok"])
    assert refused.status_code == 400 and "Give the score for your comment." in field_error(text(refused), "rows-0-score")
    # the saved values come back in the form
    page = text(member.get(f"/challenges/{challenge_id}/evaluation/proposals/{mine}"))
    assert 'value="8"' in page and "Strong effect.</textarea>" in page
    assert score(member, app, challenge_id, mine, [8, 6], ["Strong effect.", "Easy enough."]).status_code == 302
    states = queue_states(text(member.get(f"/challenges/{challenge_id}/evaluation")))
    assert states == {"NightWatch radar": "Scored", "FloorSense mats": "To score"}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Score)) == 2  # updated, not added


def test_a_comment_missing_keeps_the_scoring_incomplete(app, world, client_as, evaluating):
    challenge_id, mine, theirs = evaluating
    for role in ("authority_member", "cluster_member"):
        client = client_as(role)
        declare(client, challenge_id, "no")
        score(client, app, challenge_id, mine, [5, 5])
        score(client, app, challenge_id, theirs, [5, 5], ["ok", ""] if role == "cluster_member" else None)
    assert not complete(app, challenge_id)
    assert client_as("authority_admin").get(f"/challenges/{challenge_id}/evaluation/matrix.csv").status_code == 404
    score(client_as("cluster_member"), app, challenge_id, theirs, [5, 5])
    assert complete(app, challenge_id)


def test_an_evaluator_who_has_not_declared_keeps_the_scoring_incomplete(app, world, client_as, evaluating):
    challenge_id, mine, theirs = evaluating
    member = client_as("authority_member")
    declare(member, challenge_id, "no")
    for proposal_id in (mine, theirs):
        score(member, app, challenge_id, proposal_id, [6, 6])
    assert not complete(app, challenge_id)  # the cluster member has not declared yet
    assert 'id="matrix"' not in text(client_as("authority_admin").get(f"/challenges/{challenge_id}/evaluation"))
    # a conflict excludes them: then the panel is complete without them
    declare(client_as("cluster_member"), challenge_id, "yes", note="Shareholder.")
    assert complete(app, challenge_id)


def test_others_scores_stay_private_until_the_panel_has_finished(app, world, client_as, evaluating):
    challenge_id, mine, theirs = evaluating
    first, second, authority = client_as("authority_member"), client_as("cluster_member"), client_as("authority_admin")
    declare(first, challenge_id, "no")
    declare(second, challenge_id, "no")
    for proposal_id in (mine, theirs):
        score(first, app, challenge_id, proposal_id, [9, 1], ["First's secret remark on effect.", "First's usability note."])
    for url in (f"/challenges/{challenge_id}/evaluation/proposals/{mine}", f"/challenges/{challenge_id}/evaluation"):
        for client in (second, authority):
            page = text(client.get(url))
            assert "First&#39;s secret remark" not in page and "First's secret remark" not in page
    for client in (second, authority):
        assert 'id="matrix"' not in text(client.get(f"/challenges/{challenge_id}/evaluation"))
    for fmt in ("csv", "xlsx"):
        assert authority.get(f"/challenges/{challenge_id}/evaluation/matrix.{fmt}").status_code == 404
    # the authority cannot read the proposals yet either
    assert authority.get(f"/proposals/{mine}").status_code == 404
    for proposal_id in (mine, theirs):
        score(second, app, challenge_id, proposal_id, [5, 5])
    page = text(authority.get(f"/challenges/{challenge_id}/evaluation"))
    assert 'id="matrix"' in page
    assert authority.get(f"/proposals/{mine}").status_code == 200
    # evaluators never see the consolidated matrix
    assert 'id="matrix"' not in text(second.get(f"/challenges/{challenge_id}/evaluation"))
    assert second.get(f"/challenges/{challenge_id}/evaluation/matrix.csv").status_code == 403


def test_scoring_waits_for_the_evaluation_to_start(app, world, client_as):
    challenge_id, mine, _theirs = two_proposals(app, world, client_as)
    member = client_as("authority_member")
    assert declare(member, challenge_id, "no").status_code == 403  # before the evaluation: not yet
    assert member.get(f"/challenges/{challenge_id}/evaluation/proposals/{mine}").status_code == 404  # still sealed
    assert score(member, app, challenge_id, mine, [5, 5]).status_code == 404
    close_deadline(app, challenge_id)  # closed, but the evaluation has not started
    assert member.get(f"/challenges/{challenge_id}/evaluation/proposals/{mine}").status_code == 404
    assert score(member, app, challenge_id, mine, [5, 5]).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Score)) == 0


# --- the consolidated matrix ----------------------------------------------------------------------

MARKS = {
    # proposal: {evaluator: (effect, usability)}
    "mine": {"authority_member": (8, 6), "cluster_member": (6, 2)},     # means 7, 4 -> 5.8; usability 4 apart
    "theirs": {"authority_member": (5, 9), "cluster_member": (7, 9)},   # means 6, 9 -> 7.2
    "third": {"authority_member": (7, 4), "cluster_member": (7, 4)},    # means 7, 4 -> 5.8: tied with mine
}


def expected_total(marks: dict[str, tuple[int, int]]) -> float:
    effect = sum(e for e, _u in marks.values()) / len(marks)
    usability = sum(u for _e, u in marks.values()) / len(marks)
    return round((effect * EFFECT + usability * USABILITY) / 100, 2)


@pytest.fixture
def scored(app, world, client_as):
    """Three proposals, fully scored by two evaluators with MARKS."""
    challenge_id, mine, theirs = two_proposals(app, world, client_as)
    third_role = add_company(app, world, "third", "Third Company ApS")
    third = propose(client_as(third_role), challenge_id, title="BedSide sensor", summary="A sensor under the mattress.")
    assert submit(client_as(third_role), third).status_code == 302
    start_evaluation(app, client_as("authority_admin"), challenge_id)
    ids = {"mine": mine, "theirs": theirs, "third": third}
    for role in ("authority_member", "cluster_member"):
        declare(client_as(role), challenge_id, "no")
    for key, marks in MARKS.items():
        for role, values in marks.items():
            response = score(client_as(role), app, challenge_id, ids[key], list(values),
                             [f"{role} on {key}: effect.", f"{role} on {key}: usability."])
            assert response.status_code == 302, text(response)[:2000]
    assert complete(app, challenge_id)
    return challenge_id, ids


def test_the_matrix_page_shows_means_weighted_totals_ranks_and_disagreement(app, world, client_as, scored):
    challenge_id, ids = scored
    assert expected_total(MARKS["mine"]) == expected_total(MARKS["third"]) == 5.8 and expected_total(MARKS["theirs"]) == 7.2
    page = text(client_as("authority_admin").get(f"/challenges/{challenge_id}/evaluation"))
    table = page.split('id="matrix"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(\d+)</td><td><a href=\"/proposals/(\d+)\">([^<]+)</a></td>(.*?)</tr>", table, re.S)
    assert [(int(rank), int(pid)) for rank, pid, _name, _rest in rows] == [(1, ids["theirs"]), (2, ids["mine"]), (2, ids["third"])]
    assert [name for _r, _p, name, _rest in rows] == [
        "Other Company A/S: FloorSense mats", "Test Company ApS: NightWatch radar", "Third Company ApS: BedSide sensor"]
    totals = [re.search(r"<strong>([^<]+)</strong>", rest).group(1) for _r, _p, _n, rest in rows]
    assert totals == ["7.2", "5.8", "5.8"]
    # ⚠ only where the evaluators are 4 points apart: usability of "mine" (6 and 2)
    assert table.count('class="disagreement"') == 1
    mine_row = rows[1][3]
    cells = re.findall(r"<td>(.*?)</td>", mine_row, re.S)
    assert cells[0].strip() == "7" and "disagreement" not in cells[0]
    assert cells[1].startswith("4") and "disagreement" in cells[1]


def test_the_csv_export_has_the_same_numbers(app, world, client_as, scored):
    challenge_id, ids = scored
    response = client_as("authority_admin").get(f"/challenges/{challenge_id}/evaluation/matrix.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="evaluation-challenge-{challenge_id}.csv"'
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert list(rows[0]) == ["Rank", "Company", "Proposal", "Effect (60 %)", "Usability (40 %)", "Weighted total (0-10)"]
    got = [(r["Rank"], r["Company"], r["Proposal"], float(r["Effect (60 %)"]), float(r["Usability (40 %)"]),
            float(r["Weighted total (0-10)"])) for r in rows]
    assert got == [
        ("1", "Other Company A/S", "FloorSense mats", 6.0, 9.0, expected_total(MARKS["theirs"])),
        ("2", "Test Company ApS", "NightWatch radar", 7.0, 4.0, expected_total(MARKS["mine"])),
        ("2", "Third Company ApS", "BedSide sensor", 7.0, 4.0, expected_total(MARKS["third"])),
    ]


def test_the_xlsx_export_opens_with_the_matrix_and_every_score(app, world, client_as, scored):
    challenge_id, _ids = scored
    response = client_as("authority_member").get(f"/challenges/{challenge_id}/evaluation/matrix.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Matrix", "Scores"]
    matrix = list(book["Matrix"].iter_rows(values_only=True))
    assert matrix[0] == ("Rank", "Company", "Proposal", "Effect (60 %)", "Usability (40 %)", "Weighted total (0-10)")
    assert [(row[0], row[1], row[5]) for row in matrix[1:]] == [
        (1, "Other Company A/S", 7.2), (2, "Test Company ApS", 5.8), (2, "Third Company ApS", 5.8)]
    scores = list(book["Scores"].iter_rows(values_only=True))
    assert scores[0] == ("company", "proposal", "criterion", "weight", "evaluator", "score", "comment")
    assert len(scores) == 1 + 3 * 2 * 2
    assert ("Test Company ApS", "NightWatch radar", "Usability", 40, "Member", 6, "authority_member on mine: usability.") in [
        tuple(row) for row in scores]


def test_the_matrix_and_the_exports_show_the_submitted_title_not_the_working_copy(app, world, client_as):
    """An edit saved but never submitted is not what the panel and the authority evaluate."""
    challenge_id, mine, theirs = two_proposals(app, world, client_as)
    company = client_as("company_admin")
    assert company.post(f"/proposals/{mine}/edit", data={**PROPOSAL_FORM, "title": "Unsubmitted rename"}).status_code == 302
    start_evaluation(app, client_as("authority_admin"), challenge_id)
    for role in ("authority_member", "cluster_member"):
        declare(client_as(role), challenge_id, "no")
        page = text(client_as(role).get(f"/challenges/{challenge_id}/evaluation"))
        assert "NightWatch radar" in page and "Unsubmitted rename" not in page
        for proposal_id in (mine, theirs):
            score(client_as(role), app, challenge_id, proposal_id, [5, 5])
    authority = client_as("authority_admin")
    page = text(authority.get(f"/challenges/{challenge_id}/evaluation"))
    assert "Test Company ApS: NightWatch radar" in page and "Unsubmitted rename" not in page
    csv_text = authority.get(f"/challenges/{challenge_id}/evaluation/matrix.csv").data.decode("utf-8-sig")
    assert "NightWatch radar" in csv_text and "Unsubmitted rename" not in csv_text
    book = load_workbook(io.BytesIO(authority.get(f"/challenges/{challenge_id}/evaluation/matrix.xlsx").data))
    cells = {cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row}
    assert "NightWatch radar" in cells and "Unsubmitted rename" not in cells
