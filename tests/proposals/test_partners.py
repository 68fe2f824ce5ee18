"""Consortium partners: invited among verified companies, they must confirm before the proposal can be
submitted; a confirmed partner reads the proposal, a declined or invited one does not, and nobody answers
another company's invitation."""
import pytest
import sqlalchemy as sa

from ppi.core.models import AuditEntry, Notification
from ppi.extensions import db
from ppi.proposals.models import ProposalAttachment, ProposalPartner, ProposalVersion
from ppi.proposals.workflow import PartnerStatus, ProposalStatus as P
from tests.challenges.helpers import field_error, pdf_bytes
from tests.conftest import add_challenge
from tests.proposals.helpers import (
    add_company,
    close_deadline,
    count,
    get_proposal,
    propose,
    submit,
    text,
    upload,
)


@pytest.fixture
def invited(app, world, client_as):
    """The company's draft with a document, Other Company A/S invited as a partner."""
    with app.app_context():
        challenge_id = add_challenge(world)
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    upload(company, proposal_id, pdf_bytes(), "plan.pdf")
    response = invite(company, proposal_id, world.orgs["other_company"])
    assert response.status_code == 302, text(response)[:2000]
    return challenge_id, proposal_id


def invite(client, proposal_id: int, organisation_id: int):
    return client.post(f"/proposals/{proposal_id}/partners", data={"organisation_id": str(organisation_id)})


def answer(client, proposal_id: int, what: str):
    return client.post(f"/proposals/{proposal_id}/partnership", data={"answer": what})


def partner_status(app, proposal_id: int, organisation_id: int) -> PartnerStatus | None:
    with app.app_context():
        partner = db.session.get(ProposalPartner, (proposal_id, organisation_id))
        return partner.status if partner else None


def test_inviting_a_verified_company(app, world, client_as, invited):
    _challenge_id, proposal_id = invited
    assert partner_status(app, proposal_id, world.orgs["other_company"]) == PartnerStatus.INVITED
    with app.app_context():
        texts = db.session.scalars(sa.select(Notification.text).where(
            Notification.user_id == world.users["other_company_admin"])).all()
        assert texts == ["Test Company ApS invites you to a consortium: Fall detection in care homes"]
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "proposal.partner_invited"))
        assert entry.organisation_id == world.orgs["company"] and entry.after == {"organisation_id": world.orgs["other_company"]}
    page = text(client_as("company_admin").get(f"/proposals/{proposal_id}"))
    assert "Other Company A/S — Waiting for confirmation" in page


def test_only_verified_companies_other_than_itself_can_be_invited(app, world, client_as, invited):
    _challenge_id, proposal_id = invited
    company = client_as("company_admin")
    page = text(company.get(f"/proposals/{proposal_id}"))
    assert "Unverified GmbH" not in page.split('id="partners"')[1]
    for organisation_id in (world.orgs["unverified"], world.orgs["authority"], world.orgs["cluster"], world.orgs["company"],
                            world.orgs["other_company"], 0, 999_999):
        response = invite(company, proposal_id, organisation_id)
        assert response.status_code == 400, organisation_id
        assert field_error(text(response), "organisation_id").strip()
    with app.app_context():
        assert db.session.scalars(sa.select(ProposalPartner.organisation_id)).all() == [world.orgs["other_company"]]


def test_submission_waits_for_every_partner(app, world, client_as, invited):
    _challenge_id, proposal_id = invited
    company = client_as("company_admin")
    response = submit(company, proposal_id)
    assert response.status_code == 400
    assert "Every partner must confirm before you submit. Waiting for: Other Company A/S." in text(response)
    assert get_proposal(app, proposal_id).status == P.DRAFT and count(app, ProposalVersion) == 0


def test_the_partner_confirms_under_my_proposals_and_then_reads_the_proposal(app, world, client_as, invited):
    _challenge_id, proposal_id = invited
    partner = client_as("other_company_admin")
    # invited, not confirmed: the proposal is still closed to it
    assert partner.get(f"/proposals/{proposal_id}").status_code == 404
    mine = text(partner.get("/proposals/mine"))
    assert "Test Company ApS invites you to join its proposal for Fall detection in care homes" in mine
    assert f'action="/proposals/{proposal_id}/partnership"' in mine
    assert "NightWatch radar" not in mine and "(waiting for your confirmation)" in mine
    response = answer(partner, proposal_id, "confirm")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{proposal_id}")
    assert partner_status(app, proposal_id, world.orgs["other_company"]) == PartnerStatus.CONFIRMED
    page = text(partner.get(f"/proposals/{proposal_id}"))
    assert "NightWatch radar" in page and "Other Company A/S — Confirmed" in page
    with app.app_context():
        attachment_id = db.session.scalar(sa.select(ProposalAttachment.id))
    assert partner.get(f"/proposals/{proposal_id}/attachments/{attachment_id}").status_code == 200
    assert "NightWatch radar" in text(partner.get("/proposals/mine"))
    # the lead is told; the partner cannot act for the lead
    with app.app_context():
        texts = db.session.scalars(sa.select(Notification.text).where(Notification.user_id == world.users["company_admin"])).all()
        assert "Other Company A/S answered your consortium invitation: confirmed" in texts
    assert partner.post(f"/proposals/{proposal_id}/edit", data={"title": "Ours now"}).status_code == 403
    assert submit(partner, proposal_id).status_code == 403
    # now the lead can submit; the partner is in the version and reads the receipt
    assert submit(client_as("company_admin"), proposal_id).status_code == 302
    with app.app_context():
        content = db.session.scalar(sa.select(ProposalVersion.content))
    assert content["partners"] == [{"id": world.orgs["other_company"], "name": "Other Company A/S"}]
    assert partner.get(f"/proposals/{proposal_id}/versions/1").status_code == 200
    # an answer once given is final
    assert answer(partner, proposal_id, "decline").status_code == 403
    assert partner_status(app, proposal_id, world.orgs["other_company"]) == PartnerStatus.CONFIRMED


def test_a_declined_partner_cannot_read_and_blocks_submission_until_removed(app, world, client_as, invited):
    _challenge_id, proposal_id = invited
    partner = client_as("other_company_admin")
    response = answer(partner, proposal_id, "decline")
    assert response.status_code == 302 and response.headers["Location"].endswith("/proposals/mine")
    assert partner_status(app, proposal_id, world.orgs["other_company"]) == PartnerStatus.DECLINED
    assert partner.get(f"/proposals/{proposal_id}").status_code == 404
    assert answer(partner, proposal_id, "confirm").status_code == 403  # cannot change its mind
    assert partner.get(f"/proposals/{proposal_id}").status_code == 404
    company = client_as("company_admin")
    assert submit(company, proposal_id).status_code == 400
    remove = company.post(f"/proposals/{proposal_id}/partners/{world.orgs['other_company']}/remove")
    assert remove.status_code == 302
    assert submit(company, proposal_id).status_code == 302
    assert get_proposal(app, proposal_id).status == P.SUBMITTED


def test_a_third_company_cannot_answer_someone_elses_invitation(app, world, client_as, invited):
    _challenge_id, proposal_id = invited
    third = add_company(app, world, "third", "Third Company ApS")
    for role in (third, "company_member", "company_admin", "authority_admin", "cluster_admin", "platform_admin"):
        response = answer(client_as(role), proposal_id, "confirm")
        assert response.status_code == 404, role
    assert answer(client_as(None), proposal_id, "confirm").status_code == 302
    assert partner_status(app, proposal_id, world.orgs["other_company"]) == PartnerStatus.INVITED
    assert client_as(third).get(f"/proposals/{proposal_id}").status_code == 404
    assert "Test Company ApS invites you" not in text(client_as(third).get("/proposals/mine"))


def test_a_removed_partner_loses_access(app, world, client_as, invited):
    _challenge_id, proposal_id = invited
    partner = client_as("other_company_admin")
    answer(partner, proposal_id, "confirm")
    assert partner.get(f"/proposals/{proposal_id}").status_code == 200
    company = client_as("company_admin")
    assert company.post(f"/proposals/{proposal_id}/partners/{world.orgs['other_company']}/remove").status_code == 302
    assert partner.get(f"/proposals/{proposal_id}").status_code == 404
    assert count(app, ProposalPartner) == 0


def test_an_invitation_cannot_be_answered_after_the_deadline(app, world, client_as, invited):
    challenge_id, proposal_id = invited
    partner = client_as("other_company_admin")
    assert "Confirm" in text(partner.get("/proposals/mine"))
    close_deadline(app, challenge_id)
    assert answer(partner, proposal_id, "confirm").status_code in (400, 403, 409)
    assert partner_status(app, proposal_id, world.orgs["other_company"]) == PartnerStatus.INVITED
    assert partner.get(f"/proposals/{proposal_id}").status_code == 404


def test_a_confirmed_partner_is_team_but_the_other_companys_own_proposal_stays_separate(app, world, client_as, invited):
    challenge_id, proposal_id = invited
    partner = client_as("other_company_admin")
    answer(partner, proposal_id, "confirm")
    own = propose(partner, challenge_id, title="FloorSense mats")
    assert own != proposal_id
    assert client_as("company_admin").get(f"/proposals/{own}").status_code == 404
    assert "FloorSense mats" not in text(client_as("company_admin").get("/proposals/mine"))
