"""A case's tenderers, the Art 41 gate, the award, the standstill, cancelling, the Art 84 report and the guidance
panel, through the app."""
import re
from html import unescape

import pytest
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.core.errors import DomainError
from ppi.extensions import db
from ppi.pilots.workflow import PilotStatus
from ppi.procurement import guidance, services
from ppi.procurement.models import CaseStatusChange, ProcurementCase, Tenderer
from ppi.procurement.workflow import CaseStatus
from tests.pilots.helpers import add_pilot
from tests.procurement.support import (
    assert_field_error,
    case_id_of,
    checks_text,
    in_evaluation,
    load_case,
    move,
    open_case,
    post_route,
    post_timeline,
    published_open_case,
    section_text,
    status_of,
    tenderer_ids,
    text,
)

PILOT_COMPANY = "Test Company ApS"
CONSULTED = "Nordic Sensors A/S"
MEASURES = {"info_shared_on": "2026-03-02", "info_shared": "The pilot report and its measurements, published with the notice.",
            "time_limits_note": "45 days for tenders instead of 30."}


def _add(client, path, name=None, organisation_id="0", country="DK", sme=True):
    data = {"organisation_id": str(organisation_id), "country": country, **({"name": name} if name else {}),
            **({"is_sme": "y"} if sme else {})}
    response = client.post(f"{path}/tenderers", data=data)
    assert response.status_code == 302, text(response)[:2000]


def _art41(client, path, tenderer_id, **fields):
    return client.post(f"{path}/tenderers/{tenderer_id}/art41", data={f"t{tenderer_id}-{k}": v for k, v in fields.items()})


def _award(client, path, tenderer_id, value="850000", reasons="Best price-quality ratio: 78 of 100 points.", **extra):
    return client.post(f"{path}/award", data={"tenderer_id": tenderer_id, "contract_value_eur": value, "reasons": reasons, **extra})


def _reject(client, path, tenderer_id, reason):
    return client.post(f"{path}/tenderers/{tenderer_id}/admission",
                       data={f"a{tenderer_id}-admitted": "no", f"a{tenderer_id}-reason": reason})


def _status(client, path, target, reason=""):
    return client.post(f"{path}/status/{target}", data={"reason": reason})


def _pilot_case(app, world, client) -> str:
    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.REPORTED, agreed=True)
    path = open_case(client, pilot=pilot_id, estimated_value_eur="900000", consultation=CONSULTED)
    assert post_route(client, path, procedure="open", electronic_submission="y").status_code == 302
    assert post_timeline(client, path, notice_sent_on="2026-03-02", tenders_deadline="2026-04-16").status_code == 302
    move(client, path, "published", "tenders_received", "evaluation")
    return path


# ---- Art 41: prior participants among the tenderers ------------------------------------------------------

def test_art_41_the_pilot_company_is_matched_by_its_registered_organisation(app, world, client_as):
    authority = client_as("authority_admin")
    path = _pilot_case(app, world, authority)
    _add(authority, path, organisation_id=world.orgs["company"])
    _add(authority, path, organisation_id=world.orgs["other_company"])
    case = load_case(app, case_id_of(path))
    matched = {t.name: t.prior_participant_id is not None for t in case.tenderers}
    assert matched == {PILOT_COMPANY: True, "Other Company A/S": False}
    pilot_participant = next(p for p in case.participants if p.how == "pilot")
    assert case.tenderers[0].prior_participant_id == pilot_participant.id
    assert case.tenderers[0].organisation_id == world.orgs["company"]
    page = text(authority.get(path))
    assert PILOT_COMPANY in (flag := checks_text(page)) and "Art 41" in flag
    assert page.count("Save the Art 41 record") == 1


def test_art_41_a_consulted_company_is_matched_by_its_name(app, world, client_as):
    authority = client_as("authority_admin")
    path = _pilot_case(app, world, authority)
    _add(authority, path, name="  nordic   SENSORS a/s ")
    _add(authority, path, name="Nordic Sensors Holding A/S")
    case = load_case(app, case_id_of(path))
    consulted = next(p for p in case.participants if p.how == "consultation")
    assert consulted.name == CONSULTED and consulted.organisation_id is None
    assert [(t.name, t.prior_participant_id) for t in case.tenderers] == [
        ("nordic SENSORS a/s", consulted.id), ("Nordic Sensors Holding A/S", None)]
    assert "nordic SENSORS a/s took part in the pilot or the market consultation" in checks_text(text(authority.get(path)))


def test_art_41_award_refused_until_measures_are_recorded(app, world, client_as):
    authority = client_as("authority_admin")
    path = _pilot_case(app, world, authority)
    _add(authority, path, organisation_id=world.orgs["company"])
    pilot_tenderer = tenderer_ids(app, case_id_of(path))[PILOT_COMPANY]
    assert _award(authority, path, pilot_tenderer).status_code == 302
    response = _status(authority, path, "awarded")
    assert response.status_code == 400 and f"Art 41: record the measures taken, or the justified exclusion, for {PILOT_COMPANY}" in text(response)
    # measures half recorded (no time limits) do not count
    assert _art41(authority, path, pilot_tenderer, info_shared_on=MEASURES["info_shared_on"], info_shared=MEASURES["info_shared"]).status_code == 302
    assert _status(authority, path, "awarded").status_code == 400
    assert status_of(app, case_id_of(path)) == CaseStatus.EVALUATION
    assert _art41(authority, path, pilot_tenderer, **MEASURES).status_code == 302
    assert "measures recorded: information shared on" in text(authority.get(path))
    assert _status(authority, path, "awarded").status_code == 302
    assert status_of(app, case_id_of(path)) == CaseStatus.AWARDED


@pytest.mark.parametrize("missing", ["exclusion_hearing_on", "exclusion_reason"])
def test_art_41_an_exclusion_without_a_hearing_date_or_reason_does_not_count(app, world, client_as, missing):
    authority = client_as("authority_admin")
    path = _pilot_case(app, world, authority)
    _add(authority, path, organisation_id=world.orgs["company"])
    _add(authority, path, name="Other Supplier GmbH", country="DE", sme=False)
    ids = tenderer_ids(app, case_id_of(path))
    exclusion = {"excluded": "y", "exclusion_hearing_on": "2026-05-04",
                 "exclusion_reason": "It wrote the specification; sharing its data cannot undo that."}
    del exclusion[missing]
    assert _art41(authority, path, ids[PILOT_COMPANY], **exclusion).status_code == 302
    assert _award(authority, path, ids["Other Supplier GmbH"]).status_code == 302
    response = _status(authority, path, "awarded")
    assert response.status_code == 400 and "Art 41" in text(response)
    tenderer = next(t for t in load_case(app, case_id_of(path)).tenderers if t.name == PILOT_COMPANY)
    assert not tenderer.exclusion_decided
    # never rejected without a reason (Art 84)
    assert tenderer.admitted or (tenderer.rejection_reason or "").strip()
    assert "rejected: None" not in text(authority.get(path)) and "rejected: None" not in text(authority.get(f"{path}/report"))


def test_art_41_a_justified_exclusion_rejects_the_tenderer_with_its_reason_and_opens_the_award(app, world, client_as):
    authority = client_as("authority_admin")
    path = _pilot_case(app, world, authority)
    _add(authority, path, organisation_id=world.orgs["company"])
    _add(authority, path, name="Other Supplier GmbH", country="DE", sme=False)
    ids = tenderer_ids(app, case_id_of(path))
    reason = "It wrote the specification; sharing its data cannot undo that."
    assert _art41(authority, path, ids[PILOT_COMPANY], excluded="y", exclusion_hearing_on="2026-05-04",
                  exclusion_reason=reason).status_code == 302
    tenderer = next(t for t in load_case(app, case_id_of(path)).tenderers if t.name == PILOT_COMPANY)
    assert tenderer.exclusion_decided and not tenderer.admitted and tenderer.rejection_reason == reason
    page = text(authority.get(path))
    assert f"rejected: {reason}" in page and "excluded after a hearing on" in page
    assert 'id="art41-flag"' not in page
    # the excluded tenderer is no longer offered for the award, nor accepted
    offered = re.search(r'<select[^>]*id="tenderer_id"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option[^>]*value="(\d+)"', offered) == ["0", str(ids["Other Supplier GmbH"])]
    response = _award(authority, path, ids[PILOT_COMPANY])
    assert response.status_code == 400
    assert_field_error(text(response), "tenderer_id")
    assert _award(authority, path, ids["Other Supplier GmbH"]).status_code == 302
    assert _status(authority, path, "awarded").status_code == 302
    report = text(authority.get(f"{path}/report"))
    assert "excluded after being heard on" in report and reason in report


def test_art_41_a_tenderer_that_did_not_take_part_before_gets_no_art_41_record(app, world, client_as):
    authority = client_as("authority_admin")
    path = _pilot_case(app, world, authority)
    _add(authority, path, name="Other Supplier GmbH", country="DE")
    tenderer_id = tenderer_ids(app, case_id_of(path))["Other Supplier GmbH"]
    response = _art41(authority, path, tenderer_id, **MEASURES)
    assert response.status_code == 400
    assert "did not take part in the pilot or the market consultation" in text(response)
    tenderer = load_case(app, case_id_of(path)).tenderers[0]
    assert tenderer.info_shared is None and tenderer.info_shared_on is None
    with app.app_context():
        actor = db.session.get(User, world.users["authority_admin"])
        with pytest.raises(DomainError):
            services.record_art_41(actor, db.session.get(Tenderer, tenderer_id), {"excluded": True})


def test_art_41_no_gate_without_prior_participants(app, world, client_as):
    authority = client_as("authority_admin")
    path = in_evaluation(authority)
    _add(authority, path, name="Bidder ApS")
    assert _award(authority, path, tenderer_ids(app, case_id_of(path))["Bidder ApS"]).status_code == 302
    assert _status(authority, path, "awarded").status_code == 302


# ---- award, rejection, standstill, cancellation -------------------------------------------------------------

def test_award_needs_the_award_recorded_with_an_admitted_tenderer_and_reasons(app, world, client_as):
    authority = client_as("authority_admin")
    path = in_evaluation(authority)
    response = _status(authority, path, "awarded")
    assert response.status_code == 400 and "Record the award" in text(response)
    _add(authority, path, name="Bidder ApS")
    _add(authority, path, name="Rejected ApS")
    ids = tenderer_ids(app, case_id_of(path))
    assert _reject(authority, path, ids["Rejected ApS"], "Did not meet the minimum requirement on battery life.").status_code == 302
    response = _award(authority, path, ids["Rejected ApS"])
    assert response.status_code == 400
    assert_field_error(text(response), "tenderer_id")
    response = _award(authority, path, ids["Bidder ApS"], reasons="   ")
    assert response.status_code == 400
    assert_field_error(text(response), "reasons")
    assert load_case(app, case_id_of(path)).supplier_name is None
    assert _award(authority, path, ids["Bidder ApS"], value="290000.50", contract_months="36").status_code == 302
    case = load_case(app, case_id_of(path))
    assert (case.supplier_name, str(case.contract_value_eur), case.contract_months) == ("Bidder ApS", "290000.50", 36)
    assert case.supplier_is_sme is True and case.supplier_country == "DK"
    with app.app_context():
        actor = db.session.get(User, world.users["authority_admin"])
        live = db.session.get(ProcurementCase, case.id)
        rejected = db.session.get(Tenderer, ids["Rejected ApS"])
        with pytest.raises(DomainError, match="admitted tenderer"):
            services.record_award(actor, live, rejected, case.contract_value_eur, None, "Cheapest.")
        with pytest.raises(DomainError, match="reasons"):
            services.record_award(actor, live, db.session.get(Tenderer, ids["Bidder ApS"]), case.contract_value_eur, None, " ")
    assert _status(authority, path, "awarded").status_code == 302


def test_the_award_is_refused_when_the_chosen_tenderer_was_rejected_afterwards(app, world, client_as):
    authority = client_as("authority_admin")
    path = in_evaluation(authority)
    _add(authority, path, name="Bidder ApS")
    tenderer_id = tenderer_ids(app, case_id_of(path))["Bidder ApS"]
    assert _award(authority, path, tenderer_id).status_code == 302
    assert _reject(authority, path, tenderer_id, "Abnormally low tender, not explained (Art 69).").status_code == 302
    response = _status(authority, path, "awarded")
    assert response.status_code == 400 and "admitted tenderer" in text(response)
    assert status_of(app, case_id_of(path)) == CaseStatus.EVALUATION


def test_rejection_needs_a_reason(app, world, client_as):
    authority = client_as("authority_admin")
    path = in_evaluation(authority)
    _add(authority, path, name="Bidder ApS")
    tenderer_id = tenderer_ids(app, case_id_of(path))["Bidder ApS"]
    response = _reject(authority, path, tenderer_id, "  ")
    assert response.status_code == 400 and "Give the reason for rejecting" in text(response)
    assert load_case(app, case_id_of(path)).tenderers[0].admitted is True
    response = authority.post(f"{path}/tenderers/{tenderer_id}/admission", data={f"a{tenderer_id}-admitted": "maybe"})
    assert response.status_code == 400 and "Choose admitted or rejected." in text(response)
    assert _reject(authority, path, tenderer_id, "Late tender.").status_code == 302
    tenderer = load_case(app, case_id_of(path)).tenderers[0]
    assert (tenderer.admitted, tenderer.rejection_reason) == (False, "Late tender.")
    assert "rejected: Late tender." in text(authority.get(path))
    # admitted again: the reason goes
    assert authority.post(f"{path}/tenderers/{tenderer_id}/admission", data={f"a{tenderer_id}-admitted": "yes"}).status_code == 302
    tenderer = load_case(app, case_id_of(path)).tenderers[0]
    assert (tenderer.admitted, tenderer.rejection_reason) == (True, None)


def _awarded(app, client) -> tuple[str, int]:
    path = in_evaluation(client)
    _add(client, path, name="Bidder ApS")
    tenderer_id = tenderer_ids(app, case_id_of(path))["Bidder ApS"]
    assert _award(client, path, tenderer_id).status_code == 302
    move(client, path, "awarded")
    return path, tenderer_id


@pytest.mark.parametrize("signed, allowed", [("2026-06-01", False), ("2026-06-11", False), ("2026-06-12", True),
                                             ("2026-07-01", True)])
def test_dir_2007_66_art_2a_2_contract_signed_refused_inside_the_standstill_allowed_from_day_11(app, world, client_as, signed, allowed):
    authority = client_as("authority_admin")
    path, _ = _awarded(app, authority)
    assert post_timeline(authority, path, notice_sent_on="2026-03-02", award_decision_sent_on="2026-06-01",
                         contract_signed_on=signed).status_code == 302
    response = _status(authority, path, "contract_signed")
    if allowed:
        assert response.status_code == 302
        assert status_of(app, case_id_of(path)) == CaseStatus.CONTRACT_SIGNED
    else:
        assert response.status_code == 400 and "standstill" in text(response)
        assert status_of(app, case_id_of(path)) == CaseStatus.AWARDED
        assert "the contract was signed before the standstill period ended" in checks_text(text(response))


def test_dir_2007_66_art_2a_2_contract_signed_needs_the_dates(app, world, client_as):
    authority = client_as("authority_admin")
    path, _ = _awarded(app, authority)
    response = _status(authority, path, "contract_signed")
    assert response.status_code == 400 and "Record the date the contract was signed." in text(response)
    post_timeline(authority, path, notice_sent_on="2026-03-02", contract_signed_on="2026-06-30")
    response = _status(authority, path, "contract_signed")  # no award decision date: the standstill cannot have run
    assert response.status_code == 400 and "standstill" in text(response)


def test_cancelling_needs_a_reason_and_shows_it_publicly(app, world, client_as):
    authority = client_as("authority_admin")
    path = in_evaluation(authority)
    response = _status(authority, path, "cancelled", reason="   ")
    assert response.status_code == 400 and "Give the reason" in text(response)
    assert status_of(app, case_id_of(path)) == CaseStatus.EVALUATION
    reason = "Only tenders above the available budget were received."
    assert _status(authority, path, "cancelled", reason=reason).status_code == 302
    case = load_case(app, case_id_of(path))
    assert case.status == CaseStatus.CANCELLED and case.public_reason == reason
    for client in (client_as(None), client_as("company_admin")):
        assert f"Reason: {reason}" in _page_text(client.get(path))
        assert f"No contract was awarded: {reason}" in text(client.get(f"{path}/report"))
    with app.app_context():
        change = db.session.scalars(sa.select(CaseStatusChange).where(CaseStatusChange.to_status == CaseStatus.CANCELLED)).one()
        assert (change.from_status, change.reason, change.actor_id) == (CaseStatus.EVALUATION, reason, world.users["authority_admin"])


def test_a_case_cancelled_in_planning_was_never_published_and_stays_private(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority)
    assert _status(authority, path, "cancelled", reason="Bought together with the neighbouring region instead.").status_code == 302
    assert "Reason: Bought together with the neighbouring region instead." in _page_text(authority.get(path))
    assert client_as(None).get(path).status_code == 404
    assert "Bought together" not in text(client_as(None).get("/procurement/"))


def _page_text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text(response))).split())


# ---- the Art 84 report ----------------------------------------------------------------------------------

def test_art_84_report_contains_the_procedure_tenderers_award_and_art_41_measures(app, world, client_as):
    authority = client_as("authority_admin")
    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.REPORTED, agreed=True)
    path = open_case(authority, pilot=pilot_id, subject="Fall sensors roll-out", estimated_value_eur="900000")
    route = {"procedure": "competitive_with_negotiation", "art_26_ground": "26(4)(a)(ii)", "candidates_invited": "3"}
    assert post_route(authority, path, **route).status_code == 302
    assert post_timeline(authority, path, notice_sent_on="2026-03-02", notice_reference="2026/S 044-123456",
                         requests_deadline="2026-04-06", tenders_received="3", tenders_from_smes="2",
                         tenders_from_other_states="1").status_code == 302
    move(authority, path, "published", "tenders_received", "evaluation")
    _add(authority, path, organisation_id=world.orgs["company"])
    _add(authority, path, name="Other Supplier GmbH", country="DE", sme=False)
    _add(authority, path, name="Late Bidder ApS")
    ids = tenderer_ids(app, case_id_of(path))
    assert _reject(authority, path, ids["Late Bidder ApS"], "The tender arrived after the deadline.").status_code == 302
    assert _art41(authority, path, ids[PILOT_COMPANY], **MEASURES).status_code == 302
    assert _award(authority, path, ids[PILOT_COMPANY], value="850000", reasons="Best price-quality ratio: 81 of 100.").status_code == 302
    move(authority, path, "awarded")

    report = text(client_as(None).get(f"{path}/report"))
    assert "Competitive procedure with negotiation (Art 29)" in report
    assert "26(4)(a)(ii): The works, supplies or services include design or innovative solutions." in report
    assert "2026/S 044-123456" in report and "from SMEs: 2" in report and "from other member states: 1" in report
    tenderers = section(report, "art84-tenderers")
    assert f"{PILOT_COMPANY} — admitted" in tenderers and "Other Supplier GmbH — admitted" in tenderers
    assert "Late Bidder ApS — rejected: The tender arrived after the deadline." in tenderers
    award = section(report, "art84-award")
    assert PILOT_COMPANY in award and "Best price-quality ratio: 81 of 100." in award
    assert "The supplier took part in the pilot." in award
    art41 = section(report, "art84-art41")
    assert MEASURES["info_shared"] in art41 and MEASURES["time_limits_note"] in art41
    assert "Other Supplier GmbH" not in art41


def test_art_84_report_of_a_negotiated_procedure_gives_its_art_32_justification(app, world, client_as):
    authority = client_as("authority_admin")
    path = open_case(authority, subject="Alarm bus extension")
    justification = "The hospital's patented alarm bus: no other system can connect to it."
    post_route(authority, path, procedure="negotiated_without_publication", art_32_ground="32(2)(b)(iii)",
               art_32_justification=justification)
    move(authority, path, "published")
    report = unescape(text(client_as(None).get(f"{path}/report")))
    assert "Negotiated procedure without prior publication (Art 32)" in report
    assert "32(2)(b)(iii): Only one operator can supply: protection of exclusive rights" in report
    assert justification in report and "Not awarded yet." in report
    assert "None recorded." in section(report, "art84-tenderers")


def section(html: str, element_id: str) -> str:
    match = re.search(r'<(ul|p)\b[^>]*\bid="%s"[^>]*>(.*?)</\1>' % element_id, html, re.S)
    assert match, element_id
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


# ---- the guidance panel -----------------------------------------------------------------------------------

def _guidance(client, path) -> str:
    return section_text(text(client.get(path)), "guidance")


def test_guidance_is_not_legal_advice_and_has_the_art_41_note_only_with_prior_participants(app, world, client_as):
    authority = client_as("authority_admin")
    alone = open_case(authority)
    panel = _guidance(authority, alone)
    assert "not legal advice" in panel and "(Art 41)" not in panel and "The pilot company may tender" not in panel
    consulted = open_case(authority, consultation=f"{CONSULTED}\n\n  ")
    panel = _guidance(authority, consulted)
    assert "not legal advice" in panel and "The pilot company may tender (Art 41)" in panel
    assert [p.name for p in load_case(app, case_id_of(consulted)).participants] == [CONSULTED]
    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.REPORTED, agreed=True)
    piloted = open_case(authority, pilot=pilot_id)
    panel = _guidance(authority, piloted)
    assert "The pilot company may tender (Art 41)" in panel and "Pre-commercial procurement" in panel
    # the public sees the same panel once published
    public = published_open_case(authority, consultation=CONSULTED)
    assert "The pilot company may tender (Art 41)" in _guidance(client_as(None), public)


@pytest.mark.parametrize("above, piloted, cpv, prior", [(True, False, [], False), (False, True, ["33196200"], True),
                                                        (None, False, ["73100000"], False)])
def test_guidance_notes_follow_the_facts(app, above, piloted, cpv, prior):
    with app.test_request_context():
        notes = guidance.notes(above, piloted, cpv, prior)
        articles = [note.article for note in notes]
        titles = [str(note.title) for note in notes]
    assert ("Art 41" in articles) is prior
    assert ("Below the EU threshold" in titles) is (above is False)
    assert ("Threshold unknown for this date" in titles) is (above is None)
    assert ("Pre-commercial procurement" in titles) is (piloted or any(code.startswith("731") for code in cpv))
    assert {"Art 31, Art 65(2)", "Art 26(4), Arts 29–30", "Art 32(2)(b)"} <= set(articles)
