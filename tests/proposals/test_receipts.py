"""Receipts: the digest shown is the one stored, it is SHA-256 over the canonical content with each
document's hash, and it stops verifying (page, service, command line) as soon as what is stored changes."""
import hashlib
import json
import re

import pytest
import sqlalchemy as sa

from ppi.core.models import StoredFile
from ppi.extensions import db
from ppi.proposals import services
from ppi.proposals.models import ProposalAttachment, ProposalVersion, VersionFile
from tests.challenges.helpers import pdf_bytes, png_bytes
from tests.conftest import add_challenge
from tests.proposals.helpers import propose, submit, text, upload

PLAN = pdf_bytes()
PHOTO = png_bytes()


@pytest.fixture
def submitted(app, world, client_as):
    """A proposal submitted with two documents: (company client, proposal id, stored digest)."""
    with app.app_context():
        challenge_id = add_challenge(world)
    company = client_as("company_admin")
    proposal_id = propose(company, challenge_id)
    assert upload(company, proposal_id, PLAN, "plan.pdf", "Pilot plan").status_code == 302
    assert upload(company, proposal_id, PHOTO, "unit.png", "The unit").status_code == 302
    assert submit(company, proposal_id).status_code == 302
    return company, proposal_id, stored_digest(app)


def stored_digest(app, number: int = 1) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(ProposalVersion.digest).where(ProposalVersion.number == number))


def verify_stored(app, number: int = 1) -> list[str]:
    with app.app_context():
        return services.verify(db.session.scalar(sa.select(ProposalVersion).where(ProposalVersion.number == number)))


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["ppi", "verify-receipt", *args])


def shown_digest(page: str) -> str:
    match = re.search(r'<code id="digest">([0-9a-f]+)</code>', page)
    assert match, "no digest on the receipt"
    return match.group(1)


def test_the_receipt_shows_the_stored_digest_and_verifies(app, submitted):
    company, proposal_id, digest = submitted
    page = text(company.get(f"/proposals/{proposal_id}/versions/1"))
    assert shown_digest(page) == digest
    assert "Verified just now" in page and "does NOT verify" not in page
    assert hashlib.sha256(PLAN).hexdigest() in page and hashlib.sha256(PHOTO).hexdigest() in page
    assert "UTC" in page and "NightWatch radar" in page
    assert verify_stored(app) == []


def test_the_digest_is_sha256_over_the_canonical_content_with_the_documents_hashes(app, submitted):
    _company, _proposal_id, digest = submitted
    with app.app_context():
        content = db.session.scalar(sa.select(ProposalVersion.content))
    assert [(a["filename"], a["sha256"], a["size"]) for a in content["attachments"]] == [
        ("plan.pdf", hashlib.sha256(PLAN).hexdigest(), len(PLAN)), ("unit.png", hashlib.sha256(PHOTO).hexdigest(), len(PHOTO))]
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == digest


def test_the_command_line_verifies_the_receipt(app, submitted):
    _company, proposal_id, digest = submitted
    result = cli(app, digest)
    assert result.exit_code == 0, result.output
    assert f"verified: proposal {proposal_id}, version 1" in result.output
    assert "DOES NOT VERIFY" not in result.output
    assert cli(app, f"  {digest.upper()} ").exit_code == 0  # as pasted


def test_the_command_line_refuses_an_unknown_digest(app, submitted):
    _company, _proposal_id, digest = submitted
    result = cli(app, "0" * 64)
    assert result.exit_code != 0 and "No submitted version has this receipt." in result.output
    assert cli(app, digest[:-1]).exit_code != 0


def test_changed_content_does_not_verify(app, submitted):
    company, proposal_id, digest = submitted
    with app.app_context():
        content = db.session.scalar(sa.select(ProposalVersion.content))
        content = {**content, "pilot_price_eur": "4800.00"}
        db.session.execute(sa.update(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id).values(content=content))
        db.session.commit()
    assert verify_stored(app) == ["content"]
    page = text(company.get(f"/proposals/{proposal_id}/versions/1"))
    assert shown_digest(page) == digest and "does NOT verify" in page and "content" in page
    result = cli(app, digest)
    assert result.exit_code != 0
    assert f"DOES NOT VERIFY: proposal {proposal_id}, version 1" in result.output and "content" in result.output


def test_a_changed_document_does_not_verify(app, submitted):
    company, proposal_id, digest = submitted
    with app.app_context():
        db.session.execute(sa.update(StoredFile).where(StoredFile.filename == "plan.pdf").values(data=PLAN + b"%tampered\n"))
        db.session.commit()
    assert verify_stored(app) == ["attachment:plan.pdf"]
    page = text(company.get(f"/proposals/{proposal_id}/versions/1"))
    assert "does NOT verify" in page and "attachment:plan.pdf" in page
    result = cli(app, digest)
    assert result.exit_code != 0 and "attachment:plan.pdf" in result.output and "unit.png" not in result.output


def test_a_changed_document_hash_column_does_not_hide_the_change(app, submitted):
    """Rewriting the stored hash together with the bytes still breaks the receipt: the version recorded the old hash."""
    _company, _proposal_id, digest = submitted
    forged = PLAN + b"%forged\n"
    with app.app_context():
        db.session.execute(sa.update(StoredFile).where(StoredFile.filename == "plan.pdf").values(
            data=forged, sha256=hashlib.sha256(forged).hexdigest(), size=len(forged)))
        db.session.commit()
    assert verify_stored(app) == ["attachment:plan.pdf"]
    assert cli(app, digest).exit_code != 0


def test_a_document_gone_from_the_version_does_not_verify(app, submitted):
    _company, _proposal_id, digest = submitted
    with app.app_context():
        photo_id = db.session.scalar(sa.select(StoredFile.id).where(StoredFile.filename == "unit.png"))
        db.session.execute(sa.delete(VersionFile).where(VersionFile.file_id == photo_id))
        db.session.commit()
    assert verify_stored(app) == ["attachment:unit.png"]
    assert cli(app, digest).exit_code != 0


def test_removing_a_document_from_the_draft_leaves_the_submitted_version_verifying(app, submitted):
    company, proposal_id, digest = submitted
    with app.app_context():
        attachment_id = db.session.scalar(sa.select(ProposalAttachment.id).order_by(ProposalAttachment.id))
    assert company.post(f"/proposals/{proposal_id}/attachments/{attachment_id}/delete").status_code == 302
    assert verify_stored(app) == []
    assert cli(app, digest).exit_code == 0


def test_each_version_keeps_its_own_receipt(app, submitted):
    company, proposal_id, first = submitted
    assert company.post(f"/proposals/{proposal_id}/withdraw", data={}).status_code == 302
    assert submit(company, proposal_id).status_code == 302
    second = stored_digest(app, 2)
    assert second != first  # the submission time is part of the content
    assert shown_digest(text(company.get(f"/proposals/{proposal_id}/versions/2"))) == second
    assert shown_digest(text(company.get(f"/proposals/{proposal_id}/versions/1"))) == first
    assert verify_stored(app, 1) == [] and verify_stored(app, 2) == []
    assert "version 1" in cli(app, first).output and "version 2" in cli(app, second).output
