"""Attachments: type checked by content, size limited by configuration, served only through a permission check."""
import io

import pytest
import sqlalchemy as sa

from ppi.challenges.models import ChallengeAttachment, ChallengePartner, PublicChange
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.core.models import StoredFile
from ppi.extensions import db
from tests.challenges.helpers import (
    audit_actions,
    count,
    docx_bytes,
    field_error,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    text,
    xlsx_bytes,
)
from tests.conftest import add_challenge


def upload(client, challenge_id: int, content: bytes, filename: str, title: str = ""):
    return client.post(f"/challenges/{challenge_id}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), filename), "title": title})


def only_attachment(app) -> ChallengeAttachment:
    with app.app_context():
        attachment = db.session.scalar(sa.select(ChallengeAttachment))
        assert attachment is not None
        db.session.expunge(attachment)
        return attachment


def make(app, world, **fields) -> int:
    with app.app_context():
        return add_challenge(world, partners=[ChallengePartner(organisation_id=world.orgs["partner"])], **fields)


def test_a_pdf_is_kept_and_downloadable_as_an_attachment(app, more_world, client_as):
    world = more_world
    challenge_id = make(app, world)
    content = pdf_bytes()
    response = upload(client_as("authority_member"), challenge_id, content, "Floor plan (v2).pdf", "Floor plan")
    assert response.status_code == 302 and response.location.endswith("#attachments")
    attachment = only_attachment(app)
    assert attachment.title == "Floor plan"
    page = text(client_as(None).get(f"/challenges/{challenge_id}"))
    link = f"/challenges/{challenge_id}/attachments/{attachment.id}"
    assert link in page and "Floor plan" in page
    download = client_as(None).get(link)
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="Floor_plan_v2.pdf"' in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Length"] == str(len(content))
    with app.app_context():
        stored = db.session.get(StoredFile, attachment.file_id)
        assert stored.size == len(content) and len(stored.sha256) == 64 and stored.uploaded_by_id == world.users["authority_member"]
    assert set(audit_actions(app, "Challenge", challenge_id)) == {
        ("challenge.attachment_added", world.orgs["authority"]), ("challenge.attachment_added", world.orgs["cluster"])}
    with app.app_context():  # added after publication: part of the public change history
        change = db.session.scalar(sa.select(PublicChange))
        assert change.fields == ["attachments"] and "Floor plan" in change.note


@pytest.mark.parametrize("content, filename, stored_as, content_type", [
    (docx_bytes(), "requirements.docx", "requirements.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (xlsx_bytes(), "budget.xlsx", "budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (png_bytes(), "photo.png", "photo.png", "image/png"),
    (jpeg_bytes(), "photo.jpeg", "photo.jpg", "image/jpeg"),
    (png_bytes(), "photo.pdf", "photo.png", "image/png"),  # the content decides, not the name
], ids=["docx", "xlsx", "png", "jpeg", "png-named-pdf"])
def test_accepted_kinds_are_stored_by_what_they_are(app, more_world, client_as, content, filename, stored_as, content_type):
    challenge_id = make(app, more_world, status=S.DRAFT)
    assert upload(client_as("authority_admin"), challenge_id, content, filename).status_code == 302
    attachment = only_attachment(app)
    assert attachment.title == stored_as  # no title given: the file name
    download = client_as("authority_admin").get(f"/challenges/{challenge_id}/attachments/{attachment.id}")
    assert download.mimetype == content_type and f'filename="{stored_as}"' in download.headers["Content-Disposition"]


@pytest.mark.parametrize("content, filename", [
    (b"This is only text, whatever its name says.\n", "specification.pdf"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 54 + b"This program cannot be run in DOS mode", "tool.pdf"),
    (b"<html><script>alert(1)</script></html>", "page.png"),
    (b"PK\x03\x04not really a zip", "budget.xlsx"),
], ids=["text-named-pdf", "exe-named-pdf", "html-named-png", "broken-xlsx"])
def test_other_content_is_refused_next_to_the_file_field(app, more_world, client_as, content, filename):
    challenge_id = make(app, more_world)
    response = upload(client_as("authority_admin"), challenge_id, content, filename)
    assert response.status_code == 400
    assert "This kind of file is not accepted. Accepted: PDF, Word (DOCX), Excel (XLSX), PNG, JPEG." in field_error(
        text(response), "file")
    assert count(app, ChallengeAttachment) == 0 and count(app, StoredFile) == 0


def test_an_empty_file_and_no_file_are_refused(app, more_world, client_as):
    challenge_id = make(app, more_world)
    owner = client_as("authority_admin")
    empty = upload(owner, challenge_id, b"", "empty.pdf")
    assert empty.status_code == 400 and "The file is empty." in field_error(text(empty), "file")
    missing = owner.post(f"/challenges/{challenge_id}/attachments", content_type="multipart/form-data", data={"title": "x"})
    assert missing.status_code == 400 and "Choose a file." in field_error(text(missing), "file")
    assert count(app, ChallengeAttachment) == 0 and count(app, StoredFile) == 0


@pytest.fixture
def small_limit(app_factory, world_factory):
    app = app_factory(PPI_MAX_ATTACHMENT_BYTES=1024)
    world = world_factory(app)
    with app.app_context():
        challenge_id = add_challenge(world)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = world.session_ids["authority_admin"]
        session["_fresh"] = True
    return app, client, challenge_id


def test_a_file_over_the_configured_limit_is_refused(small_limit):
    app, client, challenge_id = small_limit
    response = upload(client, challenge_id, pdf_bytes(1025), "big.pdf")
    assert response.status_code == 400
    assert "The file is larger than" in field_error(text(response), "file")
    assert count(app, ChallengeAttachment) == 0 and count(app, StoredFile) == 0
    assert upload(client, challenge_id, pdf_bytes(1024), "exactly-at-the-limit.pdf").status_code == 302
    assert count(app, ChallengeAttachment) == 1


def test_the_size_message_states_the_real_limit(small_limit):
    _app, client, challenge_id = small_limit
    message = field_error(text(upload(client, challenge_id, pdf_bytes(4096), "big.pdf")), "file")
    assert "The file is larger than" in message
    assert "0 MB" not in message  # 1024 bytes is not "0 MB"


def test_a_drafts_attachment_is_not_found_by_outsiders(app, more_world, client_as):
    challenge_id = make(app, more_world, status=S.DRAFT)
    assert upload(client_as("authority_admin"), challenge_id, pdf_bytes(), "internal.pdf").status_code == 302
    link = f"/challenges/{challenge_id}/attachments/{only_attachment(app).id}"
    for outsider in (None, "company_admin", "other_authority_admin", "other_cluster_admin"):
        assert client_as(outsider).get(link).status_code == 404, outsider
    for insider in ("authority_member", "partner_admin", "cluster_member", "platform_admin"):
        assert client_as(insider).get(link).status_code == 200, insider


def test_an_attachment_is_served_only_under_its_own_challenge(app, more_world, client_as):
    first, second = make(app, more_world), make(app, more_world)
    assert upload(client_as("authority_admin"), first, pdf_bytes(), "a.pdf").status_code == 302
    attachment_id = only_attachment(app).id
    assert client_as(None).get(f"/challenges/{second}/attachments/{attachment_id}").status_code == 404
    assert client_as(None).get(f"/challenges/{first}/attachments/99999").status_code == 404
    assert client_as("authority_admin").post(f"/challenges/{second}/attachments/{attachment_id}/delete").status_code == 404
    assert count(app, ChallengeAttachment) == 1


@pytest.mark.parametrize("role, expected", [
    (None, 302), ("company_admin", 403), ("cluster_member", 403), ("other_authority_admin", 403),
    ("platform_admin", 403), ("authority_member", 302), ("partner_admin", 302),
])
def test_only_owners_add_attachments(app, more_world, client_as, role, expected):
    challenge_id = make(app, more_world)
    response = upload(client_as(role), challenge_id, pdf_bytes(), "spec.pdf")
    assert response.status_code == expected
    assert count(app, ChallengeAttachment) == (1 if role in ("authority_member", "partner_admin") else 0)
    page = text(client_as(role).get(f"/challenges/{challenge_id}"))
    assert ("Add the document" in page) is (role in ("authority_member", "partner_admin"))


@pytest.mark.parametrize("role, expected", [
    (None, 302), ("company_admin", 403), ("cluster_member", 403), ("other_authority_admin", 403),
    ("authority_member", 302), ("partner_admin", 302),
])
def test_only_owners_remove_attachments(app, more_world, client_as, role, expected):
    world = more_world
    challenge_id = make(app, world)
    assert upload(client_as("authority_admin"), challenge_id, pdf_bytes(), "spec.pdf", "Specification").status_code == 302
    attachment_id = only_attachment(app).id
    response = client_as(role).post(f"/challenges/{challenge_id}/attachments/{attachment_id}/delete")
    assert response.status_code == expected
    removed = role in ("authority_member", "partner_admin")
    assert count(app, ChallengeAttachment) == (0 if removed else 1)
    if removed:
        assert ("challenge.attachment_removed", world.orgs["authority"]) in audit_actions(app, "Challenge", challenge_id)
        with app.app_context():
            notes = db.session.scalars(sa.select(PublicChange.note).order_by(PublicChange.id)).all()
        assert notes[-1] == "Attachment removed: Specification"


def test_no_attachments_change_while_in_moderation_or_after_the_deadline(app, more_world, client_as):
    in_moderation = make(app, more_world, status=S.IN_MODERATION)
    closed = make(app, more_world, days_to_questions=-5, days_to_proposals=-1)
    for challenge_id in (in_moderation, closed):
        assert upload(client_as("authority_admin"), challenge_id, pdf_bytes(), "late.pdf").status_code == 403
    assert count(app, ChallengeAttachment) == 0
