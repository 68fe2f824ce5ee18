"""A company proposes through the app: the draft and its validation, one proposal per company, editing,
submitting with the declaration, versions, withdrawing, documents, and the deadline checked when the
request arrives."""
import hashlib
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.core.errors import DomainError
from ppi.core.models import AuditEntry, Notification
from ppi.extensions import db
from ppi.proposals import services
from ppi.proposals.models import Proposal, ProposalAttachment, ProposalPartner, ProposalVersion
from ppi.proposals.workflow import ProposalStatus as P
from tests.challenges.helpers import field_error, form_fields, pdf_bytes, png_bytes
from tests.conftest import add_challenge
from tests.proposals.helpers import (
    PROPOSAL_FORM,
    add_company,
    close_deadline,
    count,
    get_proposal,
    propose,
    submit,
    text,
    upload,
)

TITLE_KEPT = 'value="NightWatch radar"'
PROPOSAL_DATA = dict(title="NightWatch radar", summary="s", description="d", trl=6, evidence="e", test_users_needed=40,
                     sites_needed=3, duration_weeks=12, pilot_price_eur=Decimal("48000"))  # for the services directly


@pytest.fixture
def challenge_id(app, world) -> int:
    with app.app_context():
        return add_challenge(world)


def audit_of(app, proposal_id: int) -> list[tuple[str, int | None, dict | None]]:
    with app.app_context():
        return [(e.action, e.organisation_id, e.after) for e in db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.object_type == "Proposal", AuditEntry.object_id == proposal_id)
            .order_by(AuditEntry.id))]


def versions_of(app, proposal_id: int) -> list[tuple[int, dict, str]]:
    with app.app_context():
        return [(v.number, v.content, v.digest) for v in db.session.scalars(
            sa.select(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id).order_by(ProposalVersion.number))]


# --- the draft ------------------------------------------------------------------------------------

def test_a_verified_company_saves_a_draft_with_everything(app, world, client_as, challenge_id):
    company = client_as("company_member")  # any member of the company, not only its admin
    page = text(company.get(f"/challenges/{challenge_id}/propose"))
    assert "TRL 6: Technology demonstrated in a relevant environment" in page
    proposal_id = propose(company, challenge_id, research_partners="Aalborg University", data_access="Fall logs, anonymised")
    proposal = get_proposal(app, proposal_id)
    assert proposal.status == P.DRAFT and proposal.version_count == 0 and proposal.submitted_at is None
    assert (proposal.company_id, proposal.created_by_id, proposal.challenge_id) == (
        world.orgs["company"], world.users["company_member"], challenge_id)
    assert proposal.title == "NightWatch radar" and proposal.trl == 6
    assert (proposal.test_users_needed, proposal.sites_needed, proposal.duration_weeks) == (40, 3, 12)
    assert proposal.pilot_price_eur == Decimal("48000")
    assert proposal.research_partners == "Aalborg University" and proposal.data_access == "Fall logs, anonymised"
    assert count(app, ProposalVersion) == 0
    assert audit_of(app, proposal_id) == [("proposal.created", world.orgs["company"], {"challenge_id": challenge_id})]
    detail = text(company.get(f"/proposals/{proposal_id}"))
    assert "<strong>without cameras</strong>" in detail and "<li>no wearables</li>" in detail
    assert "TRL 6: Technology demonstrated in a relevant environment" in detail
    # the challenge page now points to the company's proposal instead of offering a new one
    challenge_page = text(company.get(f"/challenges/{challenge_id}"))
    assert f"/proposals/{proposal_id}" in challenge_page and f"/challenges/{challenge_id}/propose" not in challenge_page


def test_optional_fields_left_empty_are_stored_as_nothing(app, world, client_as, challenge_id):
    proposal_id = propose(client_as("company_admin"), challenge_id, equipment="   ", data_access="", research_partners="")
    proposal = get_proposal(app, proposal_id)
    assert proposal.equipment is None and proposal.data_access is None and proposal.research_partners is None


INVALID = {
    "trl-not-a-number": ({"trl": "x"}, "trl", "Invalid Choice"),
    "trl-out-of-range": ({"trl": "10"}, "trl", "Not a valid choice"),
    "trl-zero": ({"trl": "0"}, "trl", "Not a valid choice"),
    "trl-missing": ({"trl": ""}, "trl", ""),
    "price-nan": ({"pilot_price_eur": "NaN"}, "pilot_price_eur", "Not a valid decimal value."),
    "price-infinity": ({"pilot_price_eur": "Infinity"}, "pilot_price_eur", "Not a valid decimal value."),
    "price-negative": ({"pilot_price_eur": "-1"}, "pilot_price_eur", "between 0 and"),
    "price-huge": ({"pilot_price_eur": "1e400"}, "pilot_price_eur", ""),
    "price-text": ({"pilot_price_eur": "a lot"}, "pilot_price_eur", "Not a valid decimal value."),
    "price-missing": ({"pilot_price_eur": ""}, "pilot_price_eur", ""),
    "users-negative": ({"test_users_needed": "-5"}, "test_users_needed", "between 1 and"),
    "users-zero": ({"test_users_needed": "0"}, "test_users_needed", "between 1 and"),
    "users-huge": ({"test_users_needed": "99999999999999999999999"}, "test_users_needed", ""),
    "sites-negative": ({"sites_needed": "-1"}, "sites_needed", "between 1 and"),
    "weeks-text": ({"duration_weeks": "twelve"}, "duration_weeks", "Not a valid integer value."),
    "weeks-too-long": ({"duration_weeks": "157"}, "duration_weeks", "between 1 and 156"),
    "weeks-decimal": ({"duration_weeks": "1.5"}, "duration_weeks", "Not a valid integer value."),
    "title-missing": ({"title": "  "}, "title", "This field is required."),
    "title-too-long": ({"title": "x" * 201}, "title", "200"),
    "summary-missing": ({"summary": ""}, "summary", "This field is required."),
    "evidence-missing": ({"evidence": ""}, "evidence", "This field is required."),
}


@pytest.mark.parametrize("overrides, field, message", INVALID.values(), ids=INVALID.keys())
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(app, world, client_as, challenge_id, overrides, field, message):
    response = client_as("company_admin").post(f"/challenges/{challenge_id}/propose", data={**PROPOSAL_FORM, **overrides})
    assert response.status_code == 400
    page = text(response)
    error = field_error(page, field)
    assert error.strip(), f"no error next to {field}"
    assert message in error
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error"', page), "the error is not tied to the field"
    assert 'id="form-errors"' in page
    # what was typed is still there
    for name, value in overrides.items():
        if name != "trl" and value.strip() and len(value) < 100:
            assert f'value="{value}"' in page or f">{value}</textarea>" in page
    if field != "title":
        assert TITLE_KEPT in page
    if field != "summary":
        assert "Ceiling radar that alerts night staff within a minute of a fall.</textarea>" in page
    assert count(app, Proposal) == 0


@pytest.mark.parametrize("role, status", [
    ("unverified_admin", 403),
    ("authority_admin", 403),
    ("authority_member", 403),
    ("cluster_admin", 403),
    ("cluster_member", 403),
    ("platform_admin", 403),
    (None, 302),
])
def test_only_members_of_a_verified_company_can_propose(app, world, client_as, challenge_id, role, status):
    client = client_as(role)
    get = client.get(f"/challenges/{challenge_id}/propose")
    post = client.post(f"/challenges/{challenge_id}/propose", data=PROPOSAL_FORM)
    assert get.status_code == status and post.status_code == status
    if status == 302:
        assert "/login" in post.headers["Location"]
    assert count(app, Proposal) == 0
    assert f"/challenges/{challenge_id}/propose" not in text(client.get(f"/challenges/{challenge_id}"))


def test_nobody_proposes_on_a_closed_or_unpublished_challenge(app, world, client_as):
    with app.app_context():
        closed = add_challenge(world, title="Closed", days_to_questions=-10, days_to_proposals=-1)
        draft = add_challenge(world, title="Draft", status=S.DRAFT)
    company = client_as("company_admin")
    assert company.post(f"/challenges/{closed}/propose", data=PROPOSAL_FORM).status_code == 403
    assert company.post(f"/challenges/{draft}/propose", data=PROPOSAL_FORM).status_code == 404
    assert count(app, Proposal) == 0


def test_one_proposal_per_company_and_challenge(app, world, client_as, challenge_id):
    proposal_id = propose(client_as("company_admin"), challenge_id)
    colleague = client_as("company_member")
    again = colleague.get(f"/challenges/{challenge_id}/propose")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/proposals/{proposal_id}")
    posted = colleague.post(f"/challenges/{challenge_id}/propose", data={**PROPOSAL_FORM, "title": "Second try"})
    assert posted.status_code == 302 and posted.headers["Location"].endswith(f"/proposals/{proposal_id}")
    assert count(app, Proposal) == 1 and get_proposal(app, proposal_id).title == "NightWatch radar"
    # the service refuses too, whatever the view does
    with app.test_request_context():
        challenge = db.session.get(Proposal, proposal_id).challenge
        with pytest.raises(DomainError):
            services.create_proposal(db.session.get(User, world.users["company_member"]), challenge,
                                     services.ProposalData(**{**PROPOSAL_DATA, "title": "Third"}))
    # another company has its own
    other = propose(client_as("other_company_admin"), challenge_id)
    assert other != proposal_id and count(app, Proposal) == 2



# --- editing --------------------------------------------------------------------------------------

def test_the_edit_form_shows_the_saved_values_and_saves_changes(app, world, client_as, challenge_id):
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id, pilot_price_eur="48000.50")
    fields = form_fields(text(company.get(f"/proposals/{proposal_id}/edit")), "title")
    assert fields["title"] == ["NightWatch radar"] and fields["trl"] == ["6"]
    assert fields["pilot_price_eur"] == ["48000.50"] and fields["duration_weeks"] == ["12"]
    assert fields["equipment"] == ["Ceiling units, a gateway per home."]
    # the form posts back unchanged as the browser would send it
    unchanged = {name: values[0] for name, values in fields.items()}
    assert company.post(f"/proposals/{proposal_id}/edit", data=unchanged).status_code == 302
    assert [a for a, _org, _after in audit_of(app, proposal_id)] == ["proposal.created"]  # nothing changed, nothing logged
    response = company.post(f"/proposals/{proposal_id}/edit", data={**unchanged, "trl": "7", "sites_needed": "4"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{proposal_id}")
    proposal = get_proposal(app, proposal_id)
    assert (proposal.trl, proposal.sites_needed, proposal.pilot_price_eur) == (7, 4, Decimal("48000.50"))
    assert audit_of(app, proposal_id)[-1] == ("proposal.updated", world.orgs["company"], {"fields": ["trl", "sites_needed"]})


def test_a_bad_edit_shows_the_error_and_keeps_the_saved_proposal(app, world, client_as, challenge_id):
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    response = company.post(f"/proposals/{proposal_id}/edit", data={**PROPOSAL_FORM, "title": "Renamed", "trl": "x"})
    assert response.status_code == 400
    page = text(response)
    assert field_error(page, "trl").strip() and 'value="Renamed"' in page
    assert get_proposal(app, proposal_id).title == "NightWatch radar"


@pytest.mark.parametrize("role", ["company_member", "other_company_admin", "authority_admin", "cluster_admin", "platform_admin"])
def test_only_the_company_edits_its_proposal(app, world, client_as, challenge_id, role):
    proposal_id = propose(client_as("company_admin"), challenge_id)
    response = client_as(role).post(f"/proposals/{proposal_id}/edit", data={**PROPOSAL_FORM, "title": "Hijacked"})
    assert response.status_code == (302 if role == "company_member" else 404)
    assert get_proposal(app, proposal_id).title == ("Hijacked" if role == "company_member" else "NightWatch radar")


# --- submitting -----------------------------------------------------------------------------------

def test_submitting_needs_the_declaration(app, world, client_as, challenge_id):
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    response = company.post(f"/proposals/{proposal_id}/submit", data={})
    assert response.status_code == 400
    assert "Confirm the declaration to submit." in field_error(text(response), "declaration")
    assert get_proposal(app, proposal_id).status == P.DRAFT and count(app, ProposalVersion) == 0
    response = company.post(f"/proposals/{proposal_id}/submit", data={"declaration": ""})
    assert response.status_code == 400 and count(app, ProposalVersion) == 0
    with app.test_request_context():
        proposal = db.session.get(Proposal, proposal_id)
        with pytest.raises(DomainError):
            services.submit(db.session.get(User, world.users["company_admin"]), proposal, declared=False)
    assert count(app, ProposalVersion) == 0


def test_submitting_freezes_a_version_with_its_receipt(app, world, client_as, challenge_id):
    company = client_as("company_member")
    proposal_id = propose(company, challenge_id)
    response = submit(company, proposal_id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{proposal_id}/versions/1")
    proposal = get_proposal(app, proposal_id)
    assert proposal.status == P.SUBMITTED and proposal.version_count == 1 and proposal.submitted_at is not None
    [(number, content, digest)] = versions_of(app, proposal_id)
    assert number == 1 and len(digest) == 64
    assert content["title"] == "NightWatch radar" and content["trl"] == 6 and content["pilot_price_eur"] == "48000.00"
    assert content["company"] == {"id": world.orgs["company"], "name": "Test Company ApS"}
    assert content["declaration"] == services.DECLARATION_TEXT
    assert content["attachments"] == [] and content["partners"] == []
    actions = audit_of(app, proposal_id)
    assert actions[-1][0] == "proposal.submitted" and actions[-1][2]["sha256"] == digest
    with app.app_context():
        notified = set(db.session.scalars(sa.select(Notification.user_id)))
    assert {world.users["company_admin"], world.users["company_member"]} <= notified
    assert world.users["other_company_admin"] not in notified


def test_resubmitting_makes_version_two_and_keeps_version_one(app, world, client_as, challenge_id):
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    assert submit(company, proposal_id).status_code == 302
    assert company.post(f"/proposals/{proposal_id}/edit", data={**PROPOSAL_FORM, "title": "NightWatch radar 2"}).status_code == 302
    detail = text(company.get(f"/proposals/{proposal_id}"))
    assert 'id="unsubmitted"' in detail  # the team is told the change is not submitted
    response = submit(company, proposal_id)
    assert response.headers["Location"].endswith(f"/proposals/{proposal_id}/versions/2")
    (one, first, digest_one), (two, second, digest_two) = versions_of(app, proposal_id)
    assert (one, two) == (1, 2)
    assert first["title"] == "NightWatch radar" and second["title"] == "NightWatch radar 2"
    assert digest_one != digest_two
    assert get_proposal(app, proposal_id).version_count == 2
    receipt_one = text(company.get(f"/proposals/{proposal_id}/versions/1"))
    assert digest_one in receipt_one and "NightWatch radar 2" not in receipt_one
    assert digest_two in text(company.get(f"/proposals/{proposal_id}/versions/2"))
    assert company.get(f"/proposals/{proposal_id}/versions/3").status_code == 404
    detail = text(company.get(f"/proposals/{proposal_id}"))
    assert "Version 2 counts" in detail and 'id="unsubmitted"' not in detail
    assert digest_one[:12] in detail and digest_two[:12] in detail


def test_withdrawing_and_submitting_again(app, world, client_as, challenge_id):
    company, authority = client_as("company_admin"), client_as("authority_admin")
    proposal_id = propose(company, challenge_id)
    # a draft cannot be withdrawn
    assert company.post(f"/proposals/{proposal_id}/withdraw", data={}).status_code == 409
    assert get_proposal(app, proposal_id).status == P.DRAFT
    submit(company, proposal_id)
    assert "1 proposal submitted." in text(authority.get(f"/challenges/{challenge_id}"))
    response = company.post(f"/proposals/{proposal_id}/withdraw", data={"reason": "Price to be reviewed"})
    assert response.status_code == 302
    proposal = get_proposal(app, proposal_id)
    assert proposal.status == P.WITHDRAWN and proposal.withdrawn_at is not None and proposal.version_count == 1
    assert "0 proposals submitted." in text(authority.get(f"/challenges/{challenge_id}"))
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "proposal.withdrawn"))
        assert entry.note == "Price to be reviewed" and entry.organisation_id == world.orgs["company"]
    # withdrawn twice: refused
    assert company.post(f"/proposals/{proposal_id}/withdraw", data={}).status_code == 409
    response = submit(company, proposal_id)
    assert response.status_code == 302 and response.headers["Location"].endswith("/versions/2")
    proposal = get_proposal(app, proposal_id)
    assert proposal.status == P.SUBMITTED and proposal.version_count == 2
    assert "1 proposal submitted." in text(authority.get(f"/challenges/{challenge_id}"))


# --- documents ------------------------------------------------------------------------------------

def test_documents_are_added_checked_by_content_and_removed(app, world, client_as, challenge_id):
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    content = pdf_bytes()
    response = upload(company, proposal_id, content, "pilot plan.pdf", "Pilot plan")
    assert response.status_code == 302 and response.headers["Location"].endswith("#attachments")
    with app.app_context():
        attachment = db.session.scalar(sa.select(ProposalAttachment))
        attachment_id = attachment.id
        assert attachment.title == "Pilot plan" and attachment.proposal_id == proposal_id
    download = company.get(f"/proposals/{proposal_id}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == content
    assert client_as("company_member").get(f"/proposals/{proposal_id}/attachments/{attachment_id}").data == content
    # a file that is not what its name says
    refused = upload(company, proposal_id, b"MZ\x90\x00 not a pdf", "plan.pdf")
    assert refused.status_code == 400 and field_error(text(refused), "file").strip()
    assert count(app, ProposalAttachment) == 1
    # the document goes into the submitted version with its hash
    submit(company, proposal_id)
    [(_n, frozen, _d)] = versions_of(app, proposal_id)
    assert frozen["attachments"] == [{"title": "Pilot plan", "filename": "pilot_plan.pdf", "size": len(content),
                                      "sha256": hashlib.sha256(content).hexdigest()}]
    assert company.post(f"/proposals/{proposal_id}/attachments/{attachment_id}/delete").status_code == 302
    assert count(app, ProposalAttachment) == 0
    # the submitted version keeps its file
    with app.app_context():
        version = db.session.scalar(sa.select(ProposalVersion))
        [kept] = services.version_files(version)
        file_id = kept.file_id
    assert company.get(f"/proposals/{proposal_id}/versions/1/files/{file_id}").data == content
    assert services_verify(app) == []


def services_verify(app) -> list[str]:
    with app.app_context():
        return services.verify(db.session.scalar(sa.select(ProposalVersion)))


def test_a_document_of_another_proposal_is_not_served_through_mine(app, world, client_as, challenge_id):
    mine = propose(client_as("company_admin"), challenge_id)
    theirs = propose(client_as("other_company_admin"), challenge_id)
    upload(client_as("other_company_admin"), theirs, png_bytes(), "photo.png")
    with app.app_context():
        attachment_id = db.session.scalar(sa.select(ProposalAttachment.id))
    assert client_as("company_admin").get(f"/proposals/{mine}/attachments/{attachment_id}").status_code == 404
    assert client_as("company_admin").post(f"/proposals/{mine}/attachments/{attachment_id}/delete").status_code == 404
    assert count(app, ProposalAttachment) == 1


# --- the deadline is checked when the request arrives ---------------------------------------------

def prepared(app, world, client_as, challenge_id):
    """A submitted proposal with a document and an invited partner, its pages open in the browser."""
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    upload(company, proposal_id, pdf_bytes(), "plan.pdf")
    submit(company, proposal_id)
    assert company.get(f"/proposals/{proposal_id}/edit").status_code == 200
    assert company.get(f"/proposals/{proposal_id}").status_code == 200
    return company, proposal_id


def test_an_edit_arriving_after_the_deadline_is_refused(app, world, client_as, challenge_id):
    company, proposal_id = prepared(app, world, client_as, challenge_id)
    close_deadline(app, challenge_id)
    response = company.post(f"/proposals/{proposal_id}/edit", data={**PROPOSAL_FORM, "title": "Too late"})
    assert response.status_code == 409 and "deadline has passed" in text(response)
    assert get_proposal(app, proposal_id).title == "NightWatch radar"
    assert company.get(f"/proposals/{proposal_id}/edit").status_code == 409


def test_a_submission_arriving_after_the_deadline_is_refused(app, world, client_as, challenge_id):
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    assert company.get(f"/proposals/{proposal_id}").status_code == 200
    close_deadline(app, challenge_id)
    response = submit(company, proposal_id)
    assert response.status_code in (400, 409) and "deadline has passed" in text(response)
    assert get_proposal(app, proposal_id).status == P.DRAFT and count(app, ProposalVersion) == 0


def test_a_resubmission_and_a_withdrawal_after_the_deadline_are_refused(app, world, client_as, challenge_id):
    company, proposal_id = prepared(app, world, client_as, challenge_id)
    close_deadline(app, challenge_id)
    assert submit(company, proposal_id).status_code in (400, 409)
    assert count(app, ProposalVersion) == 1
    response = company.post(f"/proposals/{proposal_id}/withdraw", data={"reason": "changed our mind"})
    assert response.status_code in (400, 409) and "deadline has passed" in text(response)
    assert get_proposal(app, proposal_id).status == P.SUBMITTED


def test_documents_cannot_change_after_the_deadline(app, world, client_as, challenge_id):
    company, proposal_id = prepared(app, world, client_as, challenge_id)
    with app.app_context():
        attachment_id = db.session.scalar(sa.select(ProposalAttachment.id))
    close_deadline(app, challenge_id)
    assert upload(company, proposal_id, png_bytes(), "late.png").status_code in (400, 409)
    assert company.post(f"/proposals/{proposal_id}/attachments/{attachment_id}/delete").status_code in (400, 409)
    assert count(app, ProposalAttachment) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(ProposalAttachment.id)) == attachment_id


def test_partners_cannot_change_after_the_deadline(app, world, client_as, challenge_id):
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    other = str(world.orgs["other_company"])
    assert company.post(f"/proposals/{proposal_id}/partners", data={"organisation_id": other}).status_code == 302
    close_deadline(app, challenge_id)
    add_company(app, world, "third", "Third Company ApS")
    third_id = world.orgs["third"]
    assert company.post(f"/proposals/{proposal_id}/partners", data={"organisation_id": str(third_id)}).status_code in (400, 409)
    assert company.post(f"/proposals/{proposal_id}/partners/{other}/remove").status_code in (400, 409)
    with app.app_context():
        assert db.session.scalars(sa.select(ProposalPartner.organisation_id)).all() == [world.orgs["other_company"]]


def test_the_service_refuses_at_the_exact_deadline(app, world, client_as, challenge_id):
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    with app.test_request_context():
        proposal = db.session.get(Proposal, proposal_id)
        actor = db.session.get(User, world.users["company_admin"])
        deadline = proposal.challenge.proposal_deadline
        data = services.ProposalData(**{**PROPOSAL_DATA, "title": "At the deadline"})
        with pytest.raises(DomainError):
            services.update_proposal(actor, proposal, data, now=deadline)
        with pytest.raises(DomainError):
            services.submit(actor, proposal, True, now=deadline)
        assert proposal.title == "NightWatch radar" and proposal.version_count == 0
        services.update_proposal(actor, proposal, data, now=deadline - timedelta(microseconds=1))
        version = services.submit(actor, proposal, True, now=deadline - timedelta(microseconds=1))
        assert version.number == 1 and proposal.title == "At the deadline"
        with pytest.raises(DomainError):
            services.withdraw(actor, proposal, None, now=deadline)
        db.session.rollback()

