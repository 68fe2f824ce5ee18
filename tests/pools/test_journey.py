"""A grant from an innovation pool, through the app: set up, apply, declare, confirm, submit, decide, pay."""
import re
from datetime import date, timedelta

from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus
from ppi.pools.models import GrantApplication
from ppi.pools.workflow import ApplicationStatus
from tests.pilots.helpers import add_pilot


def text(response) -> str:
    return response.get_data(as_text=True)


POOL = {"name": "Welfare tech pool 2027", "currency": "DKK", "total_budget": "10000000", "min_grant": "400000",
        "max_grant": "1475000", "units_per_eur": "7.46", "eligibility_text": "SMEs in Southern Denmark with a public partner.",
        "require_sme": "y", "regions": "DK03", "require_public_partner": "y"}


def test_a_grant_from_application_to_payment(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        milestone_id = db.session.get(Pilot, pilot_id).milestones[0].id
    cluster, company, authority = client_as("cluster_admin"), client_as("company_admin"), client_as("authority_admin")
    today = date.today()
    response = cluster.post("/pools/new", data=POOL | {"opens_on": str(today - timedelta(days=1)), "closes_on": str(today + timedelta(days=30))})
    assert response.status_code == 302, text(response)[:3000]
    pool_path = response.headers["Location"]
    pool_id = int(re.search(r"/pools/(\d+)", pool_path).group(1))
    response = company.post(f"/pools/{pool_id}/apply", data={"pilot_id": pilot_id, "requested": "600000", "co_financing": "200000",
                                                            "purpose": "Sensors and installation."})
    assert response.status_code == 302, text(response)[:3000]
    application_path = response.headers["Location"]
    application_id = int(re.search(r"/applications/(\d+)", application_path).group(1))
    response = company.post(f"{application_path}/submit")
    assert response.status_code == 400 and "expected benefit" in text(response)
    response = company.post(f"{application_path}/de-minimis", data={"received_eur": "250000", "confirm": "y"})
    assert response.status_code == 302
    assert "de-minimis-warning" in text(company.get(application_path))  # 250,000 + 600,000/7.46 > 300,000
    assert authority.post(f"{application_path}/benefit", data={"statement": "Fewer long lies.", "confirm": "y"}).status_code == 302
    assert company.post(f"{application_path}/submit").status_code == 302
    response = cluster.post(f"{application_path}/decision", data={"decision": "approve", "amount": "550000", "reason": "Strong case."})
    assert response.status_code == 302, text(response)[:3000]
    with app.app_context():
        application = db.session.get(GrantApplication, application_id)
        assert application.status == ApplicationStatus.APPROVED and application.approved_amount == 550000
    response = cluster.post(f"{application_path}/payments", data={"milestone_id": milestone_id, "amount": "600000",
                                                                   "paid_on": str(today)})
    assert response.status_code == 400 and "cannot exceed" in text(response)
    assert cluster.post(f"{application_path}/payments", data={"milestone_id": milestone_id, "amount": "200000",
                                                               "paid_on": str(today)}).status_code == 302
    page = text(client_as(None).get(pool_path))
    assert "550,000.00" in page and "9,450,000.00" in page and "Test Company ApS" in page
