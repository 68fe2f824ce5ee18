"""The publication gate through the app: who may write, the approvals of every party on the text each saw, the
personal-data check at save and at publication, withdrawal and reopening, and the facts frozen at publication."""
import re
from dataclasses import replace

import sqlalchemy as sa

from ppi.cases.models import CaseSummary
from ppi.cases.workflow import Outcome, SummaryStatus
from ppi.challenges.models import Challenge
from ppi.core.models import AuditEntry
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus, Recommendation
from ppi.procurement.models import CasePilot
from ppi.procurement.workflow import CaseStatus
from tests.cases.support import (
    FORM,
    TEXTS,
    add_answer,
    approve,
    closed_case,
    other_authority,
    plain,
    published,
    reported_pilot,
    status_of,
    text,
    write,
)
from tests.conftest import add_user
from tests.pilots.helpers import add_pilot
from tests.procurement.support import assert_field_error


def test_a_party_writes_a_draft_prefilled_from_the_record(app, world, client_as):
    with app.app_context():
        pilot_id = reported_pilot(world)
        add_answer(db.session.get(Pilot, pilot_id), "QUOTE1", [3] * 10, what_worked="Quiet at night.", quoted=True)
        db.session.commit()
    client = client_as("cluster_member")
    page = text(client.get(f"/library/new?pilot={pilot_id}"))
    assert "The radar found every fall within minutes." in page  # the conclusion, as a first draft of what was learned
    assert "Quiet at night." in page.split('id="quotes-offered"')[1]  # offered beside the form …
    assert "Quiet at night." not in page.split('id="quotes-offered"')[0]  # … never copied into a field
    response = client.post(f"/library/new?pilot={pilot_id}", data=FORM)
    assert response.status_code == 302 and "/publish" in response.headers["Location"]
    with app.app_context():
        summary = db.session.scalar(sa.select(CaseSummary))
        assert (summary.status, summary.pilot_id, summary.title) == (SummaryStatus.DRAFT, pilot_id, TEXTS.title)
        assert (summary.authority_id, summary.cluster_id) == (world.orgs["authority"], world.orgs["cluster"])
        assert summary.outcome == Outcome.PROCEED and summary.codes == ["33196200"]
        assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_type == "CaseSummary")) \
            == "case_summary.created"
    assert client.get(f"/library/new?pilot={pilot_id}").status_code == 409  # one summary per pilot


def test_an_ineligible_record_is_a_conflict(app, world, client_as):
    with app.app_context():
        running = add_pilot(world, PilotStatus.RUNNING, agreed=True)
        in_planning = closed_case(world, CaseStatus.CANCELLED, was_published=False)
        evaluating = closed_case(world, CaseStatus.EVALUATION)
    client = client_as("authority_member")
    for path in (f"/library/new?pilot={running}", f"/library/new?case={in_planning}", f"/library/new?case={evaluating}"):
        assert client.get(path).status_code == 409, path
        assert client.post(path, data=FORM).status_code == 409, path
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseSummary)) == 0


def test_who_may_write(app, world, client_as):
    with app.app_context():
        pilot_id = reported_pilot(world)
        case_id = closed_case(world, CaseStatus.COMPLETED)
    path = f"/library/new?pilot={pilot_id}"
    for role, status in (("authority_member", 200), ("authority_admin", 200), ("cluster_member", 200),
                         ("company_admin", 403),  # a party of the pilot, not of its summary
                         ("other_company_admin", 404), ("platform_admin", 404), ("unverified_admin", 404), (None, 302)):
        assert client_as(role).get(path).status_code == status, role
    # a case of its own: its authority only (the cluster has no part in it, and it is public: 403)
    for role, status in (("authority_member", 200), ("cluster_member", 403), ("company_admin", 403)):
        assert client_as(role).get(f"/library/new?case={case_id}").status_code == status, role


def test_a_draft_exists_only_for_its_parties(app, world, client_as):
    with app.app_context():
        summary_id = write(world, pilot_id=reported_pilot(world))
    for role in (None, "company_admin", "other_company_admin", "platform_admin"):
        client = client_as(role)
        assert client.get(f"/library/{summary_id}").status_code == 404, role
        assert client.get(f"/api/v1/library/{summary_id}").status_code == 404, role
        assert TEXTS.title not in text(client.get("/library/"))
    for role in ("authority_member", "cluster_admin"):
        assert client_as(role).get(f"/library/{summary_id}").status_code == 200
        assert client_as(role).get(f"/library/{summary_id}/publish").status_code == 200
    assert client_as("company_admin").post(f"/library/{summary_id}/approve", data={"revision": "1"}).status_code == 404


def test_one_approval_does_not_publish_and_both_do(app, world, client_as):
    with app.app_context():
        summary_id = write(world, pilot_id=reported_pilot(world))
    authority, cluster = client_as("authority_member"), client_as("cluster_member")
    page = text(authority.get(f"/library/{summary_id}/publish"))
    preview = page.split('id="preview"')[1]
    assert TEXTS.learned in preview and 'id="summary-facts"' in preview  # the public partial itself
    assert "Taken from the record" in page and "Written by you" in page
    assert page.index('id="preview"') < page.index('id="approvals"') < page.index("Approve the text above")
    assert authority.post(f"/library/{summary_id}/approve", data={"revision": "1"}).status_code == 302
    assert status_of(app, summary_id) == SummaryStatus.DRAFT
    assert authority.post(f"/library/{summary_id}/approve", data={"revision": "1"}).status_code == 409  # once per party
    assert client_as(None).get(f"/library/{summary_id}").status_code == 404
    assert cluster.post(f"/library/{summary_id}/approve", data={"revision": "1"}).status_code == 302
    assert status_of(app, summary_id) == SummaryStatus.PUBLISHED
    anonymous = client_as(None)
    assert TEXTS.title in text(anonymous.get("/library/"))
    assert TEXTS.learned in text(anonymous.get(f"/library/{summary_id}"))
    assert anonymous.get(f"/api/v1/library/{summary_id}").get_json()["title"] == TEXTS.title
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "CaseSummary")
                                     .order_by(AuditEntry.id)).all()
    assert actions == ["case_summary.created", "case_summary.approved", "case_summary.approved", "case_summary.published"]
    assert authority.post(f"/library/{summary_id}/approve", data={"revision": "1"}).status_code == 409  # published
    assert client_as("company_admin").post(f"/library/{summary_id}/approve", data={"revision": "1"}).status_code == 409


def test_an_edit_clears_the_approvals_and_an_old_text_cannot_be_approved(app, world, client_as):
    with app.app_context():
        summary_id = write(world, pilot_id=reported_pilot(world))
    authority, cluster = client_as("authority_member"), client_as("cluster_member")
    assert authority.post(f"/library/{summary_id}/approve", data={"revision": "1"}).status_code == 302
    assert cluster.post(f"/library/{summary_id}/edit", data=FORM | {"learned": "Start with one ward."}).status_code == 302
    with app.app_context():
        summary = db.session.get(CaseSummary, summary_id)
        assert summary.approvals == set() and summary.revision == 2
    response = cluster.post(f"/library/{summary_id}/approve", data={"revision": "1"})  # the text it read before the edit
    assert response.status_code == 409 and "changed since you read it" in text(response)
    assert cluster.post(f"/library/{summary_id}/approve", data={"revision": "2"}).status_code == 302
    assert status_of(app, summary_id) == SummaryStatus.DRAFT  # the authority must approve the new text too
    assert authority.post(f"/library/{summary_id}/approve", data={"revision": "2"}).status_code == 302
    assert status_of(app, summary_id) == SummaryStatus.PUBLISHED
    assert cluster.post(f"/library/{summary_id}/edit", data=FORM).status_code == 409  # published: no more edits
    assert cluster.post(f"/library/{summary_id}/edit", data=FORM | {"title": "Saved unchanged"}).status_code == 409


def test_saving_the_same_text_keeps_the_approvals(app, world, client_as):
    with app.app_context():
        summary_id = write(world, pilot_id=reported_pilot(world))
    client = client_as("authority_member")
    assert client.post(f"/library/{summary_id}/approve", data={"revision": "1"}).status_code == 302
    assert client.post(f"/library/{summary_id}/edit", data=FORM).status_code == 302
    with app.app_context():
        assert db.session.get(CaseSummary, summary_id).revision == 1


def test_personal_data_is_refused_next_to_the_field(app, world, client_as):
    with app.app_context():
        pilot_id = reported_pilot(world)
        add_answer(db.session.get(Pilot, pilot_id), "K7QX2M", [3] * 10)
        add_user("jens.hansen@cluster.test.org", db.session.get(Pilot, pilot_id).cluster).display_name = "Jens Hansen"
        db.session.commit()
    client = client_as("authority_member")
    for field, typed, kind in (
            ("learned", "Ask nightwatch@company.test.org for the figures.", "An e-mail address"),
            ("users_said", "Call the ward on +45 12 34 56 78.", "A phone number"),
            ("users_said", "Tester K7QX2M liked it.", "A test user's code"),
            ("with_whom", "Test Region, with Jens Hansen of the cluster.", "The name of a person"),
            ("what_was_tried", "Radar at Hjallesevej 1, Odense.", "The address of a pilot site")):
        response = client.post(f"/library/new?pilot={pilot_id}", data=FORM | {field: typed})
        assert response.status_code == 400, field
        error = assert_field_error(text(response), field)
        assert error.startswith(kind) and typed in plain(text(response)), error  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseSummary)) == 0


def test_personal_data_is_checked_again_at_publication(app, world, client_as):
    """A colleague whose name the text holds joins after the save: the approval is refused, the text stays a draft."""
    with app.app_context():
        pilot_id = reported_pilot(world)
        summary_id = write(world, pilot_id=pilot_id, texts=replace(TEXTS, learned="Karen Blixen's team measured it."))
        add_user("karen@authority.test.org", db.session.get(Pilot, pilot_id).authority).display_name = "Karen Blixen"
        db.session.commit()
    response = client_as("cluster_member").post(f"/library/{summary_id}/approve", data={"revision": "1"})
    assert response.status_code == 409 and "Karen Blixen" in plain(text(response))
    with app.app_context():
        assert db.session.get(CaseSummary, summary_id).approvals == set()


def test_withdrawal_takes_it_out_of_the_library_and_the_api(app, world, client_as):
    with app.app_context():
        summary_id = published(world, pilot_id=reported_pilot(world))
    anonymous, cluster = client_as(None), client_as("cluster_member")
    assert anonymous.post(f"/library/{summary_id}/withdraw", data={"reason": "x"}).status_code == 302  # to sign in
    assert client_as("company_admin").post(f"/library/{summary_id}/withdraw", data={"reason": "x"}).status_code == 403
    response = cluster.post(f"/library/{summary_id}/withdraw", data={"reason": ""})
    assert response.status_code == 400
    assert cluster.post(f"/library/{summary_id}/withdraw", data={"reason": "The figures were wrong."}).status_code == 302
    assert status_of(app, summary_id) == SummaryStatus.WITHDRAWN
    assert TEXTS.title not in text(anonymous.get("/library/"))
    assert anonymous.get("/api/v1/library").get_json()["data"] == []
    assert anonymous.get(f"/api/v1/library/{summary_id}").status_code == 404
    gone = anonymous.get(f"/library/{summary_id}")
    assert gone.status_code == 404 and "The figures were wrong." in text(gone)  # the public reason
    assert TEXTS.learned not in text(gone)
    assert cluster.get(f"/library/{summary_id}").status_code == 200  # the parties still see it
    assert cluster.post(f"/library/{summary_id}/withdraw", data={"reason": "Again."}).status_code == 409
    # reopened as a draft: every party approves again before it is back
    assert cluster.post(f"/library/{summary_id}/reopen").status_code == 302
    with app.app_context():
        summary = db.session.get(CaseSummary, summary_id)
        assert (summary.status, summary.approvals, summary.published_at) == (SummaryStatus.DRAFT, set(), None)
        revision = summary.revision
    assert cluster.post(f"/library/{summary_id}/reopen").status_code == 409
    approve_with = {"revision": str(revision)}
    assert cluster.post(f"/library/{summary_id}/approve", data=approve_with).status_code == 302
    assert client_as("authority_admin").post(f"/library/{summary_id}/approve", data=approve_with).status_code == 302
    assert status_of(app, summary_id) == SummaryStatus.PUBLISHED


def test_a_case_of_its_own_needs_the_authority_only(app, world, client_as):
    with app.app_context():
        case_id = closed_case(world, CaseStatus.COMPLETED)
    client = client_as("authority_member")
    assert client.post(f"/library/new?case={case_id}", data=FORM).status_code == 302
    with app.app_context():
        summary = db.session.scalar(sa.select(CaseSummary))
        assert summary.cluster_id is None and summary.outcome == Outcome.PROCURED
        assert summary.contract_value_eur == 280000 and summary.company_name == "Test Company ApS"
        summary_id = summary.id
    assert client.post(f"/library/{summary_id}/approve", data={"revision": "1"}).status_code == 302
    assert status_of(app, summary_id) == SummaryStatus.PUBLISHED
    assert "280,000.00" in text(client_as(None).get(f"/library/{summary_id}"))
    assert 'id="case-library"' in text(client_as(None).get(f"/procurement/{case_id}"))  # linked from the case page


def test_a_pilot_whose_case_closed_carries_both(app, world, client_as):
    with app.app_context():
        pilot_id = reported_pilot(world)
        case_id = closed_case(world, CaseStatus.CANCELLED, challenge_id=db.session.get(Pilot, pilot_id).challenge_id)
        db.session.add(CasePilot(case_id=case_id, pilot_id=pilot_id))
        db.session.commit()
        summary_id = write(world, pilot_id=pilot_id)
        summary = db.session.get(CaseSummary, summary_id)
        assert summary.procurement_case_id == case_id and summary.outcome == Outcome.PROCUREMENT_CANCELLED
        assert summary.contract_value_eur is None  # no contract was signed
    assert client_as("authority_member").get(f"/library/new?case={case_id}").status_code == 409


def test_a_failed_pilot_is_filed_as_such(app, world):
    with app.app_context():
        stopped = write(world, pilot_id=reported_pilot(world, stopped_early=True, decision=None))
        decided_to_stop = write(world, pilot_id=reported_pilot(world, decision=Recommendation.STOP, title="Second"))
        outcomes = {db.session.get(CaseSummary, i).outcome for i in (stopped, decided_to_stop)}
    assert outcomes == {Outcome.FAILED_PILOT}


def test_the_facts_are_frozen_at_publication(app, world, client_as):
    with app.app_context():
        pilot_id = reported_pilot(world, respondents=5)
        draft_id = write(world, pilot_id=reported_pilot(world, title="Second pilot"))
        summary_id = published(world, pilot_id=pilot_id)
        pilot = db.session.get(Pilot, pilot_id)
        pilot.challenge.title, pilot.company.name = "A renamed challenge", "Renamed Company ApS"
        pilot.authority_decision = Recommendation.STOP
        for number in range(3):
            add_answer(pilot, f"LATE{number}", [1, 5] * 5)
        draft = db.session.get(CaseSummary, draft_id)
        db.session.get(Challenge, db.session.get(Pilot, draft.pilot_id).challenge_id).title = "Renamed draft challenge"
        db.session.commit()
    page = plain(text(client_as(None).get(f"/library/{summary_id}")))
    assert "Fall detection in care homes" in page and "Test Company ApS" in page
    assert "A renamed challenge" not in page and "Renamed Company" not in page
    assert "from 5 test users" in page
    with app.app_context():
        summary = db.session.get(CaseSummary, summary_id)
        assert (summary.outcome, summary.sus_respondents) == (Outcome.PROCEED, 5)
    # a draft takes the record's facts again when saved
    assert client_as("cluster_member").post(f"/library/{draft_id}/edit", data=FORM | {"title": "New"}).status_code == 302
    with app.app_context():
        assert db.session.get(CaseSummary, draft_id).challenge_title == "Renamed draft challenge"


def test_usability_is_hidden_under_five_respondents(app, world, client_as):
    with app.app_context():
        few = published(world, pilot_id=reported_pilot(world, respondents=4))
        enough = published(world, pilot_id=reported_pilot(world, respondents=5, title="Second"))
    anonymous = client_as(None)
    few_page, enough_page = (plain(text(anonymous.get(f"/library/{i}"))) for i in (few, enough))
    assert "Not shown: fewer than 5 test users answered." in few_page and "Mean score" not in few_page
    assert re.search(r"Mean score 85(\.0)?, grade A\+, from 5 test users", enough_page), enough_page
    assert anonymous.get(f"/api/v1/library/{few}").get_json()["sus"] is None
    assert anonymous.get(f"/api/v1/library/{enough}").get_json()["sus"] == {"mean": 85.0, "grade": "A+", "respondents": 5}


def test_the_pilot_report_leads_to_the_summary(app, world, client_as):
    with app.app_context():
        pilot_id = reported_pilot(world)
    report = f"/pilots/{pilot_id}/report"
    assert "Write a case summary" in text(client_as("authority_member").get(report))
    assert "Write a case summary" not in text(client_as("company_admin").get(report))
    with app.app_context():
        summary_id = write(world, pilot_id=pilot_id)
    assert f"/library/{summary_id}/publish" in text(client_as("cluster_member").get(report))
    assert f"/library/{summary_id}" not in text(client_as("company_admin").get(report))  # a draft: not theirs
    with app.app_context():
        approve(world, summary_id, "authority_member", "cluster_member")
    assert f'href="/library/{summary_id}"' in text(client_as("company_admin").get(report))


def test_own_summaries(app, world, client_as):
    with app.app_context():
        summary_id = write(world, pilot_id=reported_pilot(world))
        other_id, _ = other_authority()
        foreign = write(world, pilot_id=reported_pilot(world, authority_id=other_id, title="Elsewhere"),
                        role="cluster_member")
    for role in ("authority_member", "cluster_member"):
        page = text(client_as(role).get("/library/mine"))
        assert f"/library/{summary_id}/publish" in page, role
        assert (f"/library/{foreign}/publish" in page) == (role == "cluster_member"), role
    assert client_as("company_admin").get("/library/mine").status_code == 403
