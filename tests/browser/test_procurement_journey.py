"""In headless Chromium: from a completed pilot to an awarded innovation partnership, with its Art 84 report
and its Open Contracting data.

The pilot is reported and the authority decided to proceed. The authority's admin opens the pilot's report,
opens a procurement case from it (subject, kind, value and CPV prefilled from the challenge), chooses the
innovation partnership with its phases, targets and remuneration, and records the timeline: a requests
deadline 20 days after the notice is flagged with the days missing (Art 31(1): 30), the fixed one passes.
The case is published, tenders come in, the evaluation starts. The pilot company tenders: the Art 41 flag
appears, and the award is refused until the measures are recorded. Then the Art 84 report and the OCDS
package are downloaded and read.

Every step goes through the real pages and forms (CSRF tokens included).
"""
import json
import re
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from ppi.core.models import AuditEntry
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus, Recommendation
from ppi.procurement.directive import Procedure
from ppi.procurement.models import CaseStatusChange, PriorParticipant, ProcurementCase
from ppi.procurement.workflow import CaseStatus
from tests.browser.steps import flash, label, navbar, sign_in, sign_out
from tests.conftest import build_world
from tests.pilots.helpers import add_pilot

pytestmark = pytest.mark.browser

AUTHORITY = "admin@authority.test.org"
COMPANY_NAME = "Test Company ApS"
PILOT = "NightWatch pilot"  # add_pilot's title
SUBJECT = "Night-time fall detection"

PHASES = "Design, prototype, test series in three care homes"
TARGETS = "Falls found within 10 minutes in 90 % of cases"
REMUNERATION = "One instalment per phase completed"
NOTICE = date(2026, 3, 2)
TOO_SHORT = date(2026, 3, 22)  # 20 days: Art 31(1) asks for 30
LONG_ENOUGH = date(2026, 4, 6)
SHARED_ON = NOTICE
SHARED = "The pilot report and its measurements, published with the contract notice."
TIME_LIMITS = "35 days for requests to participate instead of the minimum 30."
AWARD_REASONS = "Best price-quality ratio: the only tender meeting the intermediate targets."


def case_region(page: Page, name: str):
    return page.get_by_role("region", name=name, exact=True)


def act(page: Page, button: str) -> None:
    """A lifecycle action of the case, without a reason."""
    case_region(page, "Actions").get_by_role("button", name=button, exact=True).click()


def test_a_pilot_leads_to_an_innovation_partnership_awarded_reported_and_published_as_ocds(live_app, page: Page):
    with live_app.app_context():
        world = build_world()
        pilot_id = add_pilot(world, PilotStatus.REPORTED, agreed=True)
        pilot = db.session.get(Pilot, pilot_id)
        pilot.authority_decision, pilot.authority_decided_at = Recommendation.PROCEED, utcnow()
        db.session.commit()
        prefix = live_app.config["PPI_OCID_PREFIX"]

    # 1. The authority's admin reads the pilot's report and opens a procurement case from it.
    sign_in(page, AUTHORITY)
    navbar(page).get_by_role("link", name="Pilots", exact=True).click()
    page.get_by_role("link", name=PILOT, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=PILOT)).to_be_visible()
    page.get_by_role("link", name="Report", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/pilots/{pilot_id}/report$"))
    expect(page.get_by_role("heading", level=1, name=f"Pilot report: {PILOT}")).to_be_visible()
    expect(page.locator("#authority-decision")).to_contain_text("Proceed to procurement")
    procurement = page.get_by_role("region", name="Procurement")
    expect(procurement.get_by_role("listitem")).to_have_count(0)  # no case yet
    procurement.get_by_role("link", name="Open a procurement case for this pilot").click()

    expect(page.get_by_role("heading", level=1, name="Open a procurement case")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        f"From the pilot {PILOT}: its company is recorded as a prior participant (Art 41).")
    expect(page.get_by_label(label("Subject"))).to_have_value(PILOT)
    expect(page.get_by_label(label("Contract kind"))).to_have_value("supplies")
    expect(page.get_by_label(label("Estimated value (EUR, excl. VAT)"))).to_have_value(re.compile(r"^400000(\.00)?$"))
    expect(page.get_by_label(label("CPV codes"))).to_have_value(re.compile(r"^33196200-\d$"))
    page.get_by_label(label("Subject")).fill(SUBJECT)
    page.get_by_role("button", name="Open the case").click()

    expect(flash(page)).to_contain_text("The procurement case is opened.")
    expect(page).to_have_url(re.compile(r"/procurement/\d+$"))
    case_url = page.url
    case_id = int(re.search(r"/procurement/(\d+)$", case_url).group(1))
    expect(page.get_by_role("heading", level=1, name=SUBJECT)).to_be_visible()
    expect(page.locator("#case-status")).to_have_text("Planning")
    expect(page.locator("main")).to_contain_text(f"Pilot: {PILOT}")
    checks = case_region(page, "Checks")
    expect(checks.locator("#threshold-check")).to_contain_text("Above the EU threshold of")
    tenderers = case_region(page, "Candidates and tenderers")
    expect(tenderers).to_contain_text(f"Took part before (Arts 40–41): {COMPANY_NAME} (pilot)")

    # 2. The route: an innovation partnership; until its phases, targets and remuneration are recorded it is flagged.
    route = case_region(page, "Route")
    expect(route).to_contain_text("Not chosen yet.")
    route.get_by_label(label("Route")).select_option(label="Innovation partnership (Art 31)")
    route.get_by_label(label("Candidates invited to tender")).fill("3")
    route.get_by_role("button", name="Save the route").click()
    expect(flash(page)).to_contain_text("The route is saved.")
    problems = checks.locator(".condition-problem")
    expect(problems).to_have_text(["Art 31(2): Record the successive phases.", "Art 31(2): Record the intermediate targets.",
                                   "Art 31(2): Record the remuneration in instalments."])
    expect(route.get_by_label(label("Route"))).to_have_value(Procedure.INNOVATION_PARTNERSHIP.value)
    route.get_by_label(label("Innovation partnership: the phases")).fill(PHASES)
    route.get_by_label(label("Innovation partnership: intermediate targets")).fill(TARGETS)
    route.get_by_label(label("Innovation partnership: remuneration in instalments")).fill(REMUNERATION)
    expect(route.get_by_label(label("Tenders are submitted electronically"))).to_be_checked()
    route.get_by_role("button", name="Save the route").click()
    expect(flash(page)).to_contain_text("The route is saved.")
    expect(problems).to_have_count(0)
    expect(route.locator("p").first).to_contain_text("Innovation partnership (Art 31)")
    expect(route.get_by_label(label("Innovation partnership: the phases"))).to_have_value(PHASES)

    # 3. The timeline: a requests deadline 20 days after the notice is 10 days short; 35 days is long enough.
    timeline = case_region(page, "Timeline")
    timeline.get_by_label(label("Contract notice sent")).fill(NOTICE.isoformat())
    timeline.get_by_label(label("Notice reference (TED or national)")).fill("2026/S 043-123456")
    timeline.get_by_label(label("Deadline for requests to participate")).fill(TOO_SHORT.isoformat())
    timeline.get_by_role("button", name="Save the timeline").click()
    expect(flash(page)).to_contain_text("The timeline is saved.")
    too_short = checks.locator(".deadline-too-short")
    expect(too_short).to_have_count(1)
    expect(too_short).to_contain_text("Requests deadline too short: 10 day(s) missing; the earliest lawful date is")
    expect(too_short).to_contain_text("(Art 31(1), minimum 30 days")
    # Publishing is not refused for a short deadline (the check informs), but the authority fixes it first.
    expect(timeline.get_by_label(label("Deadline for requests to participate"))).to_have_value(TOO_SHORT.isoformat())
    timeline.get_by_label(label("Deadline for requests to participate")).fill(LONG_ENOUGH.isoformat())
    timeline.get_by_role("button", name="Save the timeline").click()
    expect(flash(page)).to_contain_text("The timeline is saved.")
    expect(too_short).to_have_count(0)
    expect(checks.get_by_role("listitem").filter(has_text="deadline long enough")).to_have_text(
        "Requests deadline long enough (Art 31(1), minimum 30 days).")
    expect(timeline.get_by_label(label("Contract notice sent"))).to_have_value(NOTICE.isoformat())

    # 4. Published, tenders received, evaluation.
    act(page, "Mark as published")
    expect(flash(page)).to_contain_text(f"{SUBJECT}: Published.")
    expect(page.locator("#case-status")).to_have_text("Published")
    act(page, "Tenders received")
    expect(flash(page)).to_contain_text(f"{SUBJECT}: Tenders received.")
    expect(page.locator("#case-status")).to_have_text("Tenders received")
    timeline.get_by_label(label("Tenders received")).fill("1")
    timeline.get_by_label(label("of which from SMEs")).fill("1")
    timeline.get_by_role("button", name="Save the timeline").click()
    expect(flash(page)).to_contain_text("The timeline is saved.")
    act(page, "Start the evaluation")
    expect(flash(page)).to_contain_text(f"{SUBJECT}: Evaluation.")
    expect(page.locator("#case-status")).to_have_text("Evaluation")
    expect(case_region(page, "Actions").get_by_role("button")).to_have_text(["Award", "Cancel the procurement"])

    # 5. The pilot company tenders: the Art 41 flag appears.
    expect(checks.locator("#art41-flag")).to_have_count(0)
    tenderers.get_by_label(label("Registered company (optional)")).select_option(label=COMPANY_NAME)
    tenderers.get_by_label(label("Country")).select_option("DK")
    tenderers.get_by_label(label("SME")).check()
    tenderers.get_by_role("button", name="Add the tenderer").click()
    expect(flash(page)).to_contain_text("The tenderer is recorded.")
    pilot_company = tenderers.get_by_role("listitem").filter(has_text=COMPANY_NAME)
    expect(pilot_company).to_have_count(1)
    expect(pilot_company).to_contain_text(f"{COMPANY_NAME} (DK, SME) — admitted")
    expect(pilot_company).to_contain_text("Art 41")
    expect(pilot_company).to_contain_text("measures not yet recorded")
    flag = checks.locator("#art41-flag")
    expect(flag).to_have_text(f"Art 41: {COMPANY_NAME} took part in the pilot or the market consultation. Record the "
                              "measures taken, or the justified exclusion, before the award.")

    # 6. The award is recorded, but awarding is refused while the Art 41 measures are missing.
    outcome = case_region(page, "Outcome")
    outcome.get_by_label(label("Awarded to")).select_option(label=COMPANY_NAME)
    outcome.get_by_label(label("Contract value (EUR, excl. VAT)")).fill("385000")
    outcome.get_by_label(label("Duration (months)")).fill("36")
    outcome.get_by_label(label("Why this tender won (Art 84)")).fill(AWARD_REASONS)
    outcome.get_by_role("button", name="Record the award").click()
    expect(flash(page)).to_contain_text("The award is recorded.")
    award = outcome.locator("#award")
    expect(award.locator("dt")).to_have_text(["Supplier", "The pilot company", "SME", "Cross-border", "Contract value"])
    expect(award.locator("dd")).to_have_text([COMPANY_NAME, "yes", "yes", "no", re.compile(r"385,000.*36 months")])

    act(page, "Award")
    refusal = page.get_by_role("alert")
    expect(refusal).to_have_text(f"Art 41: record the measures taken, or the justified exclusion, for {COMPANY_NAME}.")
    expect(page.locator("#case-status")).to_have_text("Evaluation")
    expect(flag).to_be_visible()

    # 7. The measures: the information shared with all candidates (and when), the time limits. The flag goes.
    pilot_company.get_by_label(label("Information shared with all candidates on")).fill(SHARED_ON.isoformat())
    pilot_company.get_by_label(label("What was shared (from the pilot or the consultation)")).fill(SHARED)
    pilot_company.get_by_label(label("How the time limits were made adequate")).fill(TIME_LIMITS)
    pilot_company.get_by_role("button", name="Save the Art 41 record").click()
    expect(flash(page)).to_contain_text("The Art 41 record is saved.")
    expect(flag).to_have_count(0)
    expect(pilot_company).to_contain_text(re.compile(r"measures recorded: information shared on \S+ \S+ 2026"))
    expect(pilot_company.get_by_label(label("What was shared (from the pilot or the consultation)"))).to_have_value(SHARED)

    act(page, "Award")
    expect(flash(page)).to_contain_text(f"{SUBJECT}: Awarded.")
    expect(page.locator("#case-status")).to_have_text("Awarded")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("region", name="Status history").get_by_role("listitem")).to_have_text([
        re.compile(r"Planning → Published$"), re.compile(r"Published → Tenders received$"),
        re.compile(r"Tenders received → Evaluation$"), re.compile(r"Evaluation → Awarded$")])

    # 8. The Art 84 report, read on the page and downloaded: it documents the Art 41 measures.
    page.get_by_role("link", name="Art 84 report").click()
    expect(page).to_have_url(re.compile(rf"/procurement/{case_id}/report$"))
    expect(page.get_by_role("heading", level=1,
                            name="Individual procurement report (Art 84 of Directive 2014/24/EU)")).to_be_visible()
    expect(page.locator("#art84")).to_contain_text("Innovation partnership (Art 31)")
    expect(page.locator("#art84-award")).to_contain_text("The supplier took part in the pilot.")
    expect(page.locator("#art84-art41").get_by_role("listitem")).to_have_count(1)
    expect(page.locator("#art84-art41")).to_contain_text(SHARED)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == f"art84-report-case-{case_id}.html"
    report = download.path().read_text(encoding="utf-8")
    assert "Individual procurement report (Art 84 of Directive 2014/24/EU)" in report
    assert "information shared with all candidates on" in report
    assert SHARED in report and TIME_LIMITS in report
    assert AWARD_REASONS in report and "The supplier took part in the pilot." in report

    # 9. The case's Open Contracting data: one contracting process traced back to the pilot.
    page.goto(case_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Open Contracting data (OCDS, JSON)").click()
    download = download_info.value
    the_ocid = f"{prefix}-{case_id}"
    assert download.suggested_filename == f"{the_ocid}.json"
    with download.path().open(encoding="utf-8") as file:
        package = json.load(file)
    assert package["version"] == "1.1"
    releases = package["releases"]
    assert [r["tag"] for r in releases] == [["planning"], ["tender"], ["award"]]
    assert {r["ocid"] for r in releases} == {the_ocid}
    latest = releases[-1]
    assert latest["tender"]["procurementMethod"] == "selective"
    assert latest["tender"]["procurementMethodDetails"] == "Innovation partnership"
    assert latest["tender"]["title"] == SUBJECT
    assert latest["tender"]["numberOfTenderers"] == 1
    assert [s["name"] for s in latest["awards"][0]["suppliers"]] == [COMPANY_NAME]
    assert latest["awards"][0]["value"] == {"amount": 385000, "currency": "EUR"}
    for release in releases:
        pilots = [p for p in release["relatedProcesses"] if p["scheme"] == "x_ppi_pilot"]
        assert pilots == [{"id": f"pilot-{pilot_id}", "relationship": ["planning"], "title": PILOT, "scheme": "x_ppi_pilot",
                           "identifier": f"{prefix}-pilot-{pilot_id}"}]
    sign_out(page)

    # What the browser did is what the database holds.
    with live_app.app_context():
        case = db.session.get(ProcurementCase, case_id)
        assert (case.status, case.subject, case.procedure) == (CaseStatus.AWARDED, SUBJECT, Procedure.INNOVATION_PARTNERSHIP)
        assert (case.partnership_phases, case.partnership_targets, case.partnership_remuneration) == (
            PHASES, TARGETS, REMUNERATION)
        assert (case.notice_sent_on, case.requests_deadline, case.tenders_received) == (NOTICE, LONG_ENOUGH, 1)
        assert case.pilot_ids == [pilot_id] and case.challenge_id == db.session.get(Pilot, pilot_id).challenge_id
        assert case.authority_id == world.orgs["authority"] and case.above_threshold is True
        participants = db.session.scalars(sa.select(PriorParticipant).where(PriorParticipant.case_id == case_id)).all()
        assert [(p.organisation_id, p.how) for p in participants] == [(world.orgs["company"], "pilot")]
        (tenderer,) = case.tenderers
        assert (tenderer.organisation_id, tenderer.prior_participant_id, tenderer.admitted) == (
            world.orgs["company"], participants[0].id, True)
        assert (tenderer.info_shared_on, tenderer.info_shared, tenderer.time_limits_note) == (SHARED_ON, SHARED, TIME_LIMITS)
        assert (case.supplier_id, case.supplier_name, str(case.contract_value_eur), case.contract_months) == (
            world.orgs["company"], COMPANY_NAME, "385000.00", 36)
        moves = db.session.execute(sa.select(CaseStatusChange.from_status, CaseStatusChange.to_status)
                                   .where(CaseStatusChange.case_id == case_id).order_by(CaseStatusChange.id)).all()
        assert [tuple(m) for m in moves] == [(CaseStatus.PLANNING, CaseStatus.PUBLISHED),
                                             (CaseStatus.PUBLISHED, CaseStatus.TENDERS_RECEIVED),
                                             (CaseStatus.TENDERS_RECEIVED, CaseStatus.EVALUATION),
                                             (CaseStatus.EVALUATION, CaseStatus.AWARDED)]
        actions = db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.object_type == "ProcurementCase", AuditEntry.object_id == case_id).order_by(AuditEntry.id)).all()
        assert actions == ["procurement.opened", "procurement.route", "procurement.route", "procurement.timeline",
                           "procurement.timeline", "procurement.published", "procurement.tenders_received",
                           "procurement.timeline", "procurement.evaluation", "procurement.tenderer_added",
                           "procurement.award_recorded", "procurement.art41_recorded", "procurement.awarded"]
