"""A pilot from its plan to the authority's decision, through the app."""
import re

import sqlalchemy as sa

from ppi.extensions import db
from ppi.pilots.models import Feedback, Pilot, TestUser
from ppi.pilots.workflow import PilotStatus
from tests.pilots.helpers import add_pilot


def text(response) -> str:
    return response.get_data(as_text=True)


def test_plan_run_feedback_report_decision(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world)
        pilot = db.session.get(Pilot, pilot_id)
        group_id, site_id = pilot.groups[0].id, pilot.sites[0].id
        criterion_id = pilot.criteria[0].id
    authority, company, cluster = client_as("authority_admin"), client_as("company_admin"), client_as("cluster_admin")
    assert authority.get(f"/pilots/{pilot_id}").status_code == 200
    assert authority.get(f"/pilots/{pilot_id}/plan").status_code == 200
    # the cluster cannot approve before both agree
    response = cluster.post(f"/pilots/{pilot_id}/status/plan_approved", data={"reason": ""})
    assert response.status_code == 400 and "must both agree" in text(response)
    assert authority.post(f"/pilots/{pilot_id}/agree").status_code == 302
    assert company.post(f"/pilots/{pilot_id}/agree").status_code == 302
    assert cluster.post(f"/pilots/{pilot_id}/status/plan_approved", data={"reason": ""}).status_code == 302
    assert authority.post(f"/pilots/{pilot_id}/status/running", data={"reason": ""}).status_code == 302

    response = cluster.post(f"/pilots/{pilot_id}/test-users", data={"group_id": group_id, "site_id": site_id,
                                                                   "consent_on": "2026-11-01", "how_many": "2"})
    assert response.status_code == 200, text(response)[:3000]
    links = re.findall(r'class="feedback-link">([^<]+)<', text(response))
    assert len(links) == 2
    anonymous = client_as(None)
    for link, answers in zip(links, ([4, 2, 4, 2, 4, 2, 4, 2, 4, 2], [5, 1, 5, 1, 5, 1, 5, 1, 5, 1])):
        path = link.replace("http://localhost", "")
        assert anonymous.get(path).status_code == 200
        data = {f"sus_{i}": str(a) for i, a in enumerate(answers, start=1)} | {"what_worked": "Quick alerts."}
        response = anonymous.post(path, data=data)
        assert response.status_code == 200 and "is received" in text(response), text(response)[:3000]
    with app.app_context():
        scores = sorted(db.session.scalars(sa.select(Feedback.sus_score)))
    assert scores == [75.0, 100.0]

    assert company.post(f"/pilots/{pilot_id}/measurements", data={"criterion_id": criterion_id, "value": "93",
                                                                  "measured_on": "2026-11-20", "source": "Alarm log"}).status_code == 302
    assert cluster.post(f"/pilots/{pilot_id}/status/completed", data={"reason": ""}).status_code == 302
    response = cluster.post(f"/pilots/{pilot_id}/status/reported", data={"reason": ""})
    assert response.status_code == 400 and "conclusion" in text(response)
    assert cluster.post(f"/pilots/{pilot_id}/conclusion", data={"conclusion": "It works.", "recommendation": "proceed"}).status_code == 302
    assert cluster.post(f"/pilots/{pilot_id}/status/reported", data={"reason": ""}).status_code == 302
    page = text(authority.get(f"/pilots/{pilot_id}/report"))
    assert "Mean SUS score 87.5 from 2 answers" in page
    assert authority.post(f"/pilots/{pilot_id}/decision", data={"decision": "proceed", "note": "Tender in 2027."}).status_code == 302
    with app.app_context():
        assert db.session.get(Pilot, pilot_id).status == PilotStatus.REPORTED
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TestUser)) == 2
    csv = text(authority.get(f"/pilots/{pilot_id}/feedback.csv"))
    assert "respondent" in csv and "87.5" not in csv and "100.0" in csv
