"""A procurement case from a completed pilot, through the app: the route, the checks, Art 41, the award, the report."""
import re

from ppi.extensions import db
from ppi.pilots.workflow import PilotStatus
from ppi.procurement.models import ProcurementCase
from ppi.procurement.workflow import CaseStatus
from tests.pilots.helpers import add_pilot


def text(response) -> str:
    return response.get_data(as_text=True)


ROUTE = {"procedure": "innovation_partnership", "instrument": "none", "partnership_phases": "Design, prototype, test series",
         "partnership_targets": "Falls found within 10 minutes in 90 % of cases", "partnership_remuneration": "Per phase",
         "electronic_submission": "y", "candidates_invited": "3"}


def test_from_pilot_to_signed_contract(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.REPORTED, agreed=True)
    authority = client_as("authority_admin")
    assert authority.get(f"/procurement/new?pilot={pilot_id}").status_code == 200
    response = authority.post("/procurement/new", data={"pilot": pilot_id, "subject": "Night-time fall detection",
                                                        "contract_kind": "supplies", "estimated_value_eur": "900000",
                                                        "cpv_codes": "33196200-2"})
    assert response.status_code == 302, text(response)[:3000]
    case_path = response.headers["Location"]
    case_id = int(re.search(r"/procurement/(\d+)", case_path).group(1))
    page = text(authority.get(case_path))
    assert "Above the EU threshold of" in page and "not legal advice" in page
    # before publication the case is the authority's only
    assert client_as("company_admin").get(case_path).status_code == 404

    assert authority.post(f"{case_path}/route", data=ROUTE).status_code == 302
    # a requests deadline 20 days after the notice: 30 are needed (Art 31(1))
    assert authority.post(f"{case_path}/timeline", data={"notice_sent_on": "2026-03-02", "requests_deadline": "2026-03-22"}).status_code == 302
    page = text(authority.get(case_path))
    assert "deadline-too-short" in page and "10 day(s) missing" in page
    assert authority.post(f"{case_path}/timeline", data={"notice_sent_on": "2026-03-02", "requests_deadline": "2026-04-06"}).status_code == 302
    for target in ("published", "tenders_received", "evaluation"):
        response = authority.post(f"{case_path}/status/{target}", data={"reason": ""})
        assert response.status_code == 302, (target, text(response)[:2000])
    assert client_as("company_admin").get(case_path).status_code == 200  # public once published

    company_id = world.orgs["company"]
    assert authority.post(f"{case_path}/tenderers", data={"organisation_id": company_id, "country": "DK", "is_sme": "y"}).status_code == 302
    assert authority.post(f"{case_path}/tenderers", data={"organisation_id": "0", "name": "Other Supplier GmbH", "country": "DE"}).status_code == 302
    page = text(authority.get(case_path))
    assert 'id="art41-flag"' in page and "Test Company ApS" in page
    with app.app_context():
        tenderers = {t.name: t.id for t in db.session.get(ProcurementCase, case_id).tenderers}
    pilot_tenderer = tenderers["Test Company ApS"]
    assert authority.post(f"{case_path}/award", data={"tenderer_id": pilot_tenderer, "contract_value_eur": "850000",
                                                      "contract_months": "36", "reasons": "Best price-quality ratio."}).status_code == 302
    response = authority.post(f"{case_path}/status/awarded", data={"reason": ""})
    assert response.status_code == 400 and "Art 41" in text(response)
    prefix = f"t{pilot_tenderer}-"
    assert authority.post(f"{case_path}/tenderers/{pilot_tenderer}/art41", data={
        prefix + "info_shared_on": "2026-03-02", prefix + "info_shared": "The pilot report and its data, with the notice.",
        prefix + "time_limits_note": "45 days for requests instead of 30."}).status_code == 302
    assert authority.post(f"{case_path}/status/awarded", data={"reason": ""}).status_code == 302
    # standstill: signing 5 days after the award decision is refused
    authority.post(f"{case_path}/timeline", data={"notice_sent_on": "2026-03-02", "requests_deadline": "2026-04-06",
                                                  "award_decision_sent_on": "2026-06-01", "contract_signed_on": "2026-06-06"})
    response = authority.post(f"{case_path}/status/contract_signed", data={"reason": ""})
    assert response.status_code == 400 and "standstill" in text(response)
    authority.post(f"{case_path}/timeline", data={"notice_sent_on": "2026-03-02", "requests_deadline": "2026-04-06",
                                                  "award_decision_sent_on": "2026-06-01", "contract_signed_on": "2026-06-12"})
    assert authority.post(f"{case_path}/status/contract_signed", data={"reason": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(ProcurementCase, case_id).status == CaseStatus.CONTRACT_SIGNED
    report = text(client_as(None).get(f"{case_path}/report"))
    assert "Innovation partnership" in report and "information shared with all candidates on" in report
    assert "The supplier took part in the pilot." in report
    assert authority.get(f"{case_path}/report?download=1").headers["Content-Disposition"].startswith("attachment")
    assert "Night-time fall detection" in text(client_as(None).get("/procurement/cases.csv"))


def test_an_overdue_award_notice_is_warned_about_on_the_case_and_the_dashboard(app, world, client_as):
    authority = client_as("authority_admin")
    response = authority.post("/procurement/new", data={"subject": "School logistics software", "contract_kind": "services",
                                                        "estimated_value_eur": "250000", "cpv_codes": "48000000-8"})
    case_path = response.headers["Location"]
    assert "Above the EU threshold of" in text(authority.get(case_path))
    assert 'id="overdue-cases"' not in text(authority.get("/dashboard"))
    authority.post(f"{case_path}/timeline", data={"contract_signed_on": "2026-01-05"})
    assert "Art 50(1): the contract award notice was due by" in text(authority.get(case_path))
    dashboard = text(authority.get("/dashboard"))
    assert 'id="overdue-cases"' in dashboard and "School logistics software" in dashboard
    assert "School logistics software" in text(authority.get("/procurement/?overdue=1"))
    authority.post(f"{case_path}/timeline", data={"contract_signed_on": "2026-01-05", "award_notice_sent_on": "2026-01-20"})
    assert 'id="overdue-cases"' not in text(authority.get("/dashboard"))
    assert "School logistics software" not in text(authority.get("/procurement/?overdue=1"))


def test_the_pilot_report_leads_to_the_procurement_case_once_the_authority_proceeds(app, world, client_as):
    from ppi.pilots.models import Pilot
    from ppi.pilots.workflow import Recommendation

    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.REPORTED, agreed=True)
    authority = client_as("authority_admin")
    assert "Open a procurement case for this pilot" not in text(authority.get(f"/pilots/{pilot_id}/report"))
    with app.app_context():
        db.session.get(Pilot, pilot_id).authority_decision = Recommendation.PROCEED
        db.session.commit()
    assert "Open a procurement case for this pilot" in text(authority.get(f"/pilots/{pilot_id}/report"))
    assert "Open a procurement case for this pilot" not in text(client_as("company_admin").get(f"/pilots/{pilot_id}/report"))
    response = authority.post("/procurement/new", data={"pilot": pilot_id, "subject": "NightWatch roll-out",
                                                        "contract_kind": "supplies", "estimated_value_eur": "500000",
                                                        "cpv_codes": "33196200"})
    assert response.status_code == 302
    assert "NightWatch roll-out" in text(authority.get(f"/pilots/{pilot_id}/report"))


def test_the_procurement_panel_stays_out_of_the_report_title(app, world, client_as):
    from ppi.pilots.models import Pilot
    from ppi.pilots.workflow import Recommendation

    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.REPORTED, agreed=True)
        db.session.get(Pilot, pilot_id).authority_decision = Recommendation.PROCEED
        db.session.commit()
    page = text(client_as("authority_admin").get(f"/pilots/{pilot_id}/report"))
    title = page.split("<title>")[1].split("</title>")[0]
    assert "procurement" not in title.lower() and page.count('id="procurement-heading"') == 1


def test_art_50_and_the_standstill_do_not_apply_below_the_threshold(app, world, client_as):
    authority = client_as("authority_admin")
    response = authority.post("/procurement/new", data={"subject": "Accessibility audit", "contract_kind": "services",
                                                        "estimated_value_eur": "40000", "cpv_codes": "72225000"})
    case_path = response.headers["Location"]
    authority.post(f"{case_path}/timeline", data={"award_decision_sent_on": "2026-01-05", "contract_signed_on": "2026-01-06"})
    page = text(authority.get(case_path))
    assert "Below the EU threshold of" in page
    assert "Art 50(1)" not in page and "standstill period ended" not in page
    assert 'id="overdue-cases"' not in text(authority.get("/dashboard"))


def test_art_5_8_lots_are_recorded_and_add_up_to_at_most_the_estimated_value(app, world, client_as):
    authority = client_as("authority_admin")
    base = {"subject": "Fall sensors in three lots", "contract_kind": "supplies", "estimated_value_eur": "600000",
            "cpv_codes": "33196200-2"}
    response = authority.post("/procurement/new", data=base | {"lots": "North; 200000\nSouth; 250000\nnot a lot"})
    assert response.status_code == 400 and "Write each lot as" in text(response) and "not a lot" in text(response)
    response = authority.post("/procurement/new", data=base | {"lots": "North; 400000\nSouth; 250000"})
    assert response.status_code == 400 and "add up to more than the estimated value" in text(response)
    response = authority.post("/procurement/new", data=base | {"lots": "North; 350000\nSouth; 250000"})
    assert response.status_code == 302
    case_path = response.headers["Location"]
    with app.app_context():
        case = db.session.get(ProcurementCase, int(re.search(r"/procurement/(\d+)", case_path).group(1)))
        assert case.lots == [{"title": "North", "value_eur": "350000.00"}, {"title": "South", "value_eur": "250000.00"}]
    assert "North" in text(authority.get(case_path)).split('id="lots"')[1].split("</span>")[0]
    assert "South" in text(client_as("authority_member").get(f"{case_path}/report"))
    assert "North; 350000.00\nSouth; 250000.00" in text(authority.get(f"{case_path}/edit")).replace("&#10;", "\n")


def test_the_standstill_end_is_shown_once_the_award_decision_is_sent(app, world, client_as):
    authority = client_as("authority_admin")
    response = authority.post("/procurement/new", data={"subject": "Night alarms", "contract_kind": "supplies",
                                                        "estimated_value_eur": "500000", "cpv_codes": "33196200"})
    case_path = response.headers["Location"]
    assert 'id="standstill"' not in text(authority.get(case_path))
    authority.post(f"{case_path}/timeline", data={"award_decision_sent_on": "2026-05-04"})
    page = text(authority.get(case_path))
    assert 'id="standstill"' in page and "may be signed from" in page
