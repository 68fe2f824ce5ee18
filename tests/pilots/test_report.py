"""The pilot report and its exports: SUS figures, criteria against targets, participation, quotes, withdrawals,
and no test user's personal data in any export."""
import csv
import io
import re
from datetime import date, timedelta

import sqlalchemy as sa

from ppi.extensions import db
from ppi.pilots import report
from ppi.pilots.models import Feedback, Pilot
from ppi.pilots.workflow import PilotStatus as S
from tests.pilots.helpers import add_pilot
from tests.pilots.support import enrol, feedback_path, sus_form, text

# Answers with known scores (computed by hand: odd items answer − 1, even items 5 − answer, sum × 2.5).
SCORE_70 = [3, 3, 4, 2, 4, 2, 4, 2, 4, 2]  # 2+2+3+3+3+3+3+3+3+3 = 28 → 70
SCORE_80 = [4, 2, 4, 2, 4, 2, 4, 2, 5, 1]  # 3×8 + 4×2 = 32 → 80
SCORE_90 = [4, 2, 4, 2, 5, 1, 5, 1, 5, 1]  # 3×4 + 4×6 = 36 → 90
SCORE_100 = [5, 1, 5, 1, 5, 1, 5, 1, 5, 1]


def _csv(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"] and "no-store" in response.headers["Cache-Control"]
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _running_pilot(app, world) -> tuple[int, dict]:
    with app.app_context():
        pilot_id = add_pilot(world, S.RUNNING, agreed=True)
        pilot = db.session.get(Pilot, pilot_id)
        return pilot_id, {"falls": pilot.criteria[0].id, "alerts": pilot.criteria[1].id}


def _give(client, token, answers, **extra):
    response = client.post(feedback_path(token), data=sus_form(answers, **extra))
    assert response.status_code == 200 and "is received" in text(response), text(response)[:2000]


def test_the_report_shows_the_sus_mean_interval_and_grade_for_known_answers(app, world, client_as):
    pilot_id, criteria = _running_pilot(app, world)
    users = enrol(app, world, pilot_id, how_many=3)
    anonymous = client_as(None)
    for (_id, _code, token), answers in zip(users, (SCORE_70, SCORE_80, SCORE_90)):
        _give(anonymous, token, answers)
    page = text(client_as("company_member").get(f"/pilots/{pilot_id}/report"))
    # mean 80, sd 10, t(2) = 4.303: 80 ± 24.84 → 55.16 … 104.84, clipped to 100; grade A- (78.9 ≤ 80 < 80.8)
    assert re.search(r"Mean SUS score 80 from 3 answers\s*\(95 % confidence interval 55\.2–100\)", page), \
        re.search(r'id="sus-mean">(.*?)</p>', page, re.S).group(1)
    assert "grade A- on the Sauro–Lewis curved scale" in page
    with app.app_context():
        built = report.build(db.session.get(Pilot, pilot_id))
    assert built.sus.n == 3 and built.sus.mean == 80 and built.respondents == 3
    assert dict(built.distribution)[70] == 1 and dict(built.distribution)[80] == 1 and dict(built.distribution)[90] == 1


def test_one_answer_has_no_interval(app, world, client_as):
    pilot_id, _criteria = _running_pilot(app, world)
    (_id, _code, token), = enrol(app, world, pilot_id)
    _give(client_as(None), token, SCORE_90)
    page = text(client_as("cluster_admin").get(f"/pilots/{pilot_id}/report"))
    assert re.search(r"Mean SUS score 90 from 1 answers?\b", page) and "confidence interval" not in page and "grade A+" in page


def test_criteria_achievement_against_targets_from_measurements(app, world, client_as):
    pilot_id, criteria = _running_pilot(app, world)
    company, authority = client_as("company_admin"), client_as("authority_admin")
    today = date.today()

    def measure(client, criterion, value, days_ago):
        response = client.post(f"/pilots/{pilot_id}/measurements", data={
            "criterion_id": criterion, "value": value, "measured_on": str(today - timedelta(days=days_ago)), "source": "Alarm log"})
        assert response.status_code == 302, text(response)[:2000]

    # the latest by measurement date counts, not the last entered: 89.5 (1 day ago) is entered before 93 (5 days ago)
    measure(company, criteria["falls"], "85", 9)
    measure(authority, criteria["falls"], "89.5", 1)
    measure(company, criteria["falls"], "93", 5)
    measure(company, criteria["alerts"], "3.5", 2)
    users = enrol(app, world, pilot_id, how_many=2)
    anonymous = client_as(None)
    _give(anonymous, users[0][2], SCORE_80, **{f"rating_{criteria['alerts']}": "4"})
    _give(anonymous, users[1][2], SCORE_90, **{f"rating_{criteria['alerts']}": "5"})

    page = text(authority.get(f"/pilots/{pilot_id}/report"))
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>(.*?)</td>\s*<td>([^<]*)</td></tr>", page, re.S)
    table = {name: (target.split(), latest, met.strip(), rating) for name, target, latest, met, rating in rows}
    falls, alerts = table["Falls found within 10 minutes"], table["Alerts are easy to act on"]
    # 89.5 (1 day ago) is the latest: below the target of at least 90
    assert falls[1] == "89.5" and falls[2] == "no" and falls[3] == "–"
    assert alerts[1] == "3.5" and alerts[2] == "no" and alerts[3] == "4.5 (2)"

    # a newer measurement that meets the target turns it to yes
    measure(company, criteria["falls"], "90", 0)
    page = text(authority.get(f"/pilots/{pilot_id}/report"))
    assert re.search(r"<td>Falls found within 10 minutes</td>.*?<td>90</td>\s*<td><strong>yes</strong></td>", page, re.S)
    with app.app_context():
        achievements = {a.name: a for a in report.build(db.session.get(Pilot, pilot_id)).achievements}
    assert achievements["Falls found within 10 minutes"].met is True and achievements["Falls found within 10 minutes"].latest == 90
    assert achievements["Alerts are easy to act on"].met is False and achievements["Alerts are easy to act on"].mean_rating == 4.5


def test_an_unmeasured_criterion_is_not_met_or_failed(app, world, client_as):
    pilot_id, _criteria = _running_pilot(app, world)
    page = text(client_as("cluster_admin").get(f"/pilots/{pilot_id}/report"))
    assert page.count("not measured") == 2 and "No feedback yet." in page


def test_withdrawal_leaves_the_users_feedback_out_of_figures_counts_and_exports(app, world, client_as):
    pilot_id, criteria = _running_pilot(app, world)
    staying = enrol(app, world, pilot_id, how_many=2, group=0)
    leaving, = enrol(app, world, pilot_id, how_many=1, group=0)
    anonymous = client_as(None)
    _give(anonymous, staying[0][2], SCORE_70, what_worked="Staying one.")
    _give(anonymous, staying[1][2], SCORE_90)
    _give(anonymous, leaving[2], SCORE_100, what_worked="Leaving one.", **{f"rating_{criteria['alerts']}": "1"})
    _give(anonymous, leaving[2], SCORE_100)  # two rounds
    cluster = client_as("cluster_admin")

    page = text(cluster.get(f"/pilots/{pilot_id}/report"))
    assert "Mean SUS score 90 from 4 answers" in page  # (70 + 90 + 100 + 100) / 4
    assert len(_csv(cluster.get(f"/pilots/{pilot_id}/feedback.csv"))) == 4

    assert cluster.post(f"/pilots/{pilot_id}/test-users/{leaving[0]}/withdraw").status_code == 302
    page = text(cluster.get(f"/pilots/{pilot_id}/report"))
    assert "Mean SUS score 80 from 2 answers" in page  # (70 + 90) / 2
    # participation: Night staff planned 20, enrolled 2 (taking part), answered 2, withdrew 1
    assert re.search(r"<tr><td>Night staff</td><td>20</td><td>2</td><td>2</td><td>1</td></tr>", page), \
        re.search(r'id="participation".*?</table>', page, re.S).group(0)
    assert re.search(r"<tr><td>Residents&#39; relatives</td><td>10</td><td>0</td><td>0</td><td>0</td></tr>", page)
    assert re.search(r"<td>Alerts are easy to act on</td>.*?<td>–</td></tr>", page, re.S)  # the rating left too
    rows = _csv(cluster.get(f"/pilots/{pilot_id}/feedback.csv"))
    assert sorted(float(row["sus_score"]) for row in rows) == [70.0, 90.0]
    assert sorted(row["respondent"] for row in rows) == ["1", "2"]
    # nor is their text offered as a quote
    assert cluster.post(f"/pilots/{pilot_id}/status/completed", data={"reason": ""}).status_code == 302
    detail = text(cluster.get(f"/pilots/{pilot_id}"))
    assert "Staying one." in detail and "Leaving one." not in detail
    with app.app_context():
        built = report.build(db.session.get(Pilot, pilot_id))
        assert built.respondents == 2 and built.sus.n == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 4  # kept, but left out


def test_no_test_user_personal_data_in_any_export(app, world, client_as):
    pilot_id, criteria = _running_pilot(app, world)
    users = enrol(app, world, pilot_id, how_many=3)
    anonymous = client_as(None)
    for (_id, _code, token), answers in zip(users, (SCORE_70, SCORE_80, SCORE_90)):
        _give(anonymous, token, answers, what_worked="My name is Karen Jensen, room 12.", what_did_not="Call me on 12345678.")
    _give(anonymous, users[0][2], SCORE_100)
    company = client_as("company_admin")
    assert company.post(f"/pilots/{pilot_id}/measurements", data={"criterion_id": criteria["falls"], "value": "93",
                                                                  "measured_on": str(date.today()), "source": "Alarm log"}).status_code == 302
    for role in ("authority_admin", "company_member", "cluster_member"):
        feedback = client_as(role).get(f"/pilots/{pilot_id}/feedback.csv")
        measurements = client_as(role).get(f"/pilots/{pilot_id}/measurements.csv")
        rows = _csv(feedback)
        assert len(rows) == 4
        assert list(rows[0]) == ["respondent", "group", "site", "submitted_at", "sus_score"] + [f"sus_item_{i}" for i in range(1, 11)]
        # respondents are numbered within the export; the first respondent's two rounds share a number
        assert sorted(row["respondent"] for row in rows) == ["1", "1", "2", "3"]
        assert [int(rows[0][f"sus_item_{i}"]) for i in range(1, 11)] == SCORE_70
        measured = _csv(measurements)
        assert [(m["criterion"], float(m["value"]), m["source"]) for m in measured] == [("Falls found within 10 minutes", 93.0, "Alarm log")]
        for body in (feedback.get_data().decode("utf-8-sig"), measurements.get_data().decode("utf-8-sig")):
            for _id, code, token in users:
                assert code not in body and token not in body
            assert "Karen" not in body and "12345678" not in body  # free text stays out
            assert "code" not in body.splitlines()[0] and "token" not in body and "test_user" not in body


def test_quotes_chosen_by_the_cluster_appear_in_the_report(app, world, client_as):
    pilot_id, _criteria = _running_pilot(app, world)
    users = enrol(app, world, pilot_id, how_many=3, site=1)
    anonymous = client_as(None)
    _give(anonymous, users[0][2], SCORE_80, what_worked="The radar never woke anyone.")
    _give(anonymous, users[1][2], SCORE_70, what_did_not="Too many false alarms in week one.")
    _give(anonymous, users[2][2], SCORE_90)  # no text: not a candidate
    cluster = client_as("cluster_admin")
    assert cluster.post(f"/pilots/{pilot_id}/quotes", data={}).status_code == 403  # not while running
    assert cluster.post(f"/pilots/{pilot_id}/status/completed", data={"reason": ""}).status_code == 302
    with app.app_context():
        by_text = {f.what_worked or f.what_did_not: f.id for f in db.session.scalars(sa.select(Feedback)) if f.what_worked or f.what_did_not}
    assert len(by_text) == 2
    detail = text(cluster.get(f"/pilots/{pilot_id}"))
    assert "The radar never woke anyone." in detail and "Too many false alarms" in detail
    chosen = by_text["The radar never woke anyone."]
    assert cluster.post(f"/pilots/{pilot_id}/quotes", data={"feedback_ids": [str(chosen)]}).status_code == 302
    page = text(client_as("authority_member").get(f"/pilots/{pilot_id}/report"))
    quotes = re.search(r'id="quotes".*?</section>', page, re.S).group(0)
    assert "“The radar never woke anyone.”" in quotes and "Night staff, Tarup care home" in quotes
    assert "false alarms" not in page
    # a choice can be changed; the other one replaces it
    assert cluster.post(f"/pilots/{pilot_id}/quotes", data={"feedback_ids": [str(by_text["Too many false alarms in week one."])]}).status_code == 302
    page = text(client_as("authority_member").get(f"/pilots/{pilot_id}/report"))
    assert "Too many false alarms in week one." in page and "The radar never woke anyone." not in page
    # a quoted test user who withdraws takes the quote along
    with app.app_context():
        quoted_user = db.session.get(Feedback, by_text["Too many false alarms in week one."]).test_user_id
    assert cluster.post(f"/pilots/{pilot_id}/test-users/{quoted_user}/withdraw").status_code == 302
    assert 'id="quotes"' not in text(client_as("authority_member").get(f"/pilots/{pilot_id}/report"))
    # feedback without text cannot be chosen
    with app.app_context():
        silent = db.session.scalars(sa.select(Feedback.id).where(Feedback.what_worked.is_(None), Feedback.what_did_not.is_(None))).one()
    assert cluster.post(f"/pilots/{pilot_id}/quotes", data={"feedback_ids": [str(silent)]}).status_code == 400
    # none chosen: no quotes section
    assert cluster.post(f"/pilots/{pilot_id}/quotes", data={}).status_code == 302
    assert 'id="quotes"' not in text(client_as("authority_member").get(f"/pilots/{pilot_id}/report"))


def test_exports_without_feedback_or_measurements_have_just_their_headers(app, world, client_as):
    pilot_id, _criteria = _running_pilot(app, world)
    client = client_as("cluster_member")
    feedback = client.get(f"/pilots/{pilot_id}/feedback.csv").get_data().decode("utf-8-sig").splitlines()
    measurements = client.get(f"/pilots/{pilot_id}/measurements.csv").get_data().decode("utf-8-sig").splitlines()
    assert feedback == ["respondent,group,site,submitted_at,sus_score," + ",".join(f"sus_item_{i}" for i in range(1, 11))]
    assert measurements == ["criterion,value,measured_on,source"]


def test_the_report_is_a_draft_until_reported(app, world, client_as):
    pilot_id, _criteria = _running_pilot(app, world)
    assert "Draft: the figures are live" in text(client_as("authority_admin").get(f"/pilots/{pilot_id}/report"))
    with app.app_context():
        db.session.get(Pilot, pilot_id).status = S.REPORTED
        db.session.commit()
    assert "Draft: the figures are live" not in text(client_as("authority_admin").get(f"/pilots/{pilot_id}/report"))
