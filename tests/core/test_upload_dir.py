"""PPI_UPLOAD_DIR: attachments in files of a directory instead of the database, side by side with those in the
database; served only intact, to the same people; carried by backups, restores and copies whichever way they are kept;
left-over files found by `flask ppi orphan-files`."""
import hashlib
import io
import logging
import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade
from werkzeug.datastructures import FileStorage

from ppi.challenges.models import ChallengeAttachment
from ppi.core import storage
from ppi.core.files import file_response, store_upload
from ppi.core.models import StoredFile
from ppi.extensions import db
from ppi.proposals import services
from ppi.proposals.models import ProposalAttachment, ProposalVersion
from tests.challenges.helpers import field_error, pdf_bytes, png_bytes
from tests.conftest import add_challenge, build_world
from tests.core.test_backup import migrate, refused, run_ok, url_of
from tests.core.test_health import SCRIPTS
from tests.proposals.helpers import propose, submit, upload

PLAN = pdf_bytes(5000)
PHOTO = png_bytes()


@pytest.fixture(params=["database", "directory"])
def upload_dir(request, app, tmp_path, monkeypatch) -> Path | None:
    """The shared app storing new attachments in the database, or in a directory (not made yet: the first upload
    makes it)."""
    directory = tmp_path / "uploads" if request.param == "directory" else None
    monkeypatch.setitem(app.config, "PPI_UPLOAD_DIR", str(directory) if directory else None)
    return directory


@pytest.fixture
def proposal(app, world, client_as) -> tuple:
    """(company client, proposal id) of a draft proposal."""
    with app.app_context():
        challenge_id = add_challenge(world)
    company = client_as("company_admin")
    return company, propose(company, challenge_id)


def attach(app, company, proposal_id: int, content: bytes, filename: str) -> tuple[int, StoredFile]:
    """Upload through the page; (attachment id, its stored file detached, `data` loaded)."""
    assert upload(company, proposal_id, content, filename).status_code == 302
    with app.app_context():
        attachment = db.session.scalars(sa.select(ProposalAttachment).order_by(ProposalAttachment.id.desc())).first()
        stored = attachment.file
        _ = stored.data
        db.session.expunge(stored)
        return attachment.id, stored


def fetch(client, url: str):
    """GET with the body read and the response closed, as a WSGI server does (closing the file being served)."""
    with client.get(url) as response:
        response.get_data()
    return response


def files_in(directory: Path | None) -> list[str]:
    if directory is None or not directory.exists():
        return []
    return sorted(path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file())


def test_an_upload_is_kept_as_configured_and_served_intact_to_its_team_only(app, upload_dir, proposal, client_as):
    company, proposal_id = proposal
    attachment_id, stored = attach(app, company, proposal_id, PLAN, "plan.pdf")
    sha256 = hashlib.sha256(PLAN).hexdigest()
    assert (stored.size, stored.sha256, stored.filename) == (len(PLAN), sha256, "plan.pdf")
    if upload_dir is None:
        assert stored.data == PLAN and stored.location is None
    else:
        location = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        assert stored.data is None and stored.location == location
        assert files_in(upload_dir) == [location]  # no temporary file left beside it
        assert (upload_dir / location).read_bytes() == PLAN

    url = f"/proposals/{proposal_id}/attachments/{attachment_id}"
    response = fetch(company, url)
    assert response.status_code == 200 and response.data == PLAN
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response.headers["Content-Length"] == str(len(PLAN))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert fetch(client_as("company_member"), url).data == PLAN
    assert fetch(client_as("other_company_admin"), url).status_code == 404  # sealed: not even confirmed to exist
    assert fetch(client_as(None), url).status_code == 302  # to the sign-in page
    with app.test_request_context():
        served = file_response(db.session.get(StoredFile, stored.id))
        assert served.is_streamed == (upload_dir is not None)  # from the directory: a stream, never read whole
        served.close()

    assert submit(company, proposal_id).status_code == 302
    with app.app_context():
        version = db.session.scalar(sa.select(ProposalVersion))
        assert services.verify(version) == []
    assert fetch(company, f"/proposals/{proposal_id}/versions/1/files/{stored.id}").data == PLAN


def test_the_same_content_twice_is_one_file_with_two_rows(app, tmp_path, monkeypatch, proposal):
    monkeypatch.setitem(app.config, "PPI_UPLOAD_DIR", str(tmp_path))
    company, proposal_id = proposal
    first, second = attach(app, company, proposal_id, PHOTO, "a.png"), attach(app, company, proposal_id, PHOTO, "b.png")
    assert first[1].id != second[1].id and first[1].location == second[1].location
    assert files_in(tmp_path) == [first[1].location]
    for attachment_id, _ in (first, second):
        assert fetch(company, f"/proposals/{proposal_id}/attachments/{attachment_id}").data == PHOTO


def test_files_in_the_database_and_in_the_directory_are_served_side_by_side(app, tmp_path, monkeypatch, proposal):
    """An installation that sets PPI_UPLOAD_DIR later keeps serving the attachments already in its database."""
    company, proposal_id = proposal
    monkeypatch.setitem(app.config, "PPI_UPLOAD_DIR", None)
    old_id, old = attach(app, company, proposal_id, PLAN, "old.pdf")
    monkeypatch.setitem(app.config, "PPI_UPLOAD_DIR", str(tmp_path))
    new_id, new = attach(app, company, proposal_id, PHOTO, "new.png")
    assert old.location is None and old.data == PLAN
    assert new.data is None and (tmp_path / new.location).read_bytes() == PHOTO
    assert fetch(company, f"/proposals/{proposal_id}/attachments/{old_id}").data == PLAN
    assert fetch(company, f"/proposals/{proposal_id}/attachments/{new_id}").data == PHOTO


def _flip_last_byte(path: Path) -> None:
    content = path.read_bytes()
    path.write_bytes(content[:-1] + bytes([content[-1] ^ 0x01]))


DAMAGES = {
    "missing": lambda path: path.unlink(),
    "one byte changed": _flip_last_byte,
    "cut short": lambda path: path.write_bytes(path.read_bytes()[:100]),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_missing_or_damaged_file_is_logged_and_refused_never_served(app, tmp_path, monkeypatch, proposal, caplog,
                                                                       damage):
    monkeypatch.setitem(app.config, "PPI_UPLOAD_DIR", str(tmp_path))
    company, proposal_id = proposal
    attachment_id, stored = attach(app, company, proposal_id, PLAN, "plan.pdf")
    assert submit(company, proposal_id).status_code == 302
    DAMAGES[damage](tmp_path / stored.location)

    caplog.set_level(logging.ERROR, logger="ppi")
    for url in (f"/proposals/{proposal_id}/attachments/{attachment_id}",
                f"/proposals/{proposal_id}/versions/1/files/{stored.id}"):
        response = fetch(company, url)
        assert response.status_code == 410, response.status_code
        page = response.get_data(as_text=True)
        assert "missing or damaged" in page and "Traceback" not in page and "%PDF" not in page
        assert "Content-Disposition" not in response.headers
    logged = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert len(logged) == 2 and all(f"Stored file {stored.id} (plan.pdf) cannot be served" in line for line in logged)
    assert ("missing" if damage == "missing" else "do not match") in logged[0]
    with app.app_context():
        assert services.verify(db.session.scalar(sa.select(ProposalVersion))) == ["attachment:plan.pdf"]


def test_changed_bytes_in_the_database_are_refused_too(app, upload_dir, proposal):
    company, proposal_id = proposal
    attachment_id, stored = attach(app, company, proposal_id, PLAN, "plan.pdf")
    with app.app_context():
        changed = {"data": PLAN[:-1] + b"?", "location": None}
        db.session.execute(sa.update(StoredFile).where(StoredFile.id == stored.id).values(**changed))
        db.session.commit()
    assert fetch(company, f"/proposals/{proposal_id}/attachments/{attachment_id}").status_code == 410


def test_a_row_keeps_its_bytes_in_exactly_one_place(app):
    def add(**where) -> None:
        db.session.add(StoredFile(filename="a.pdf", content_type="application/pdf", size=3, sha256="0" * 64, **where))
        db.session.commit()

    with app.app_context():
        for where in ({}, {"data": b"abc", "location": "00/00/" + "0" * 64}):
            with pytest.raises(sa.exc.IntegrityError):
                add(**where)
            db.session.rollback()
        add(data=b"abc")
        add(location="00/00/" + "0" * 64)


# --- the directory itself ---------------------------------------------------------------------------------------------

def test_a_write_that_fails_leaves_nothing_behind(tmp_path, monkeypatch):
    directory = storage.UploadDirectory(tmp_path)
    sha256 = hashlib.sha256(PLAN).hexdigest()

    def interrupted(_source, _target):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(storage.os, "replace", interrupted)  # the temporary file is written, then the rename fails
    with pytest.raises(OSError, match="Input/output error"):
        directory.write(PLAN, sha256)
    assert files_in(tmp_path) == []  # neither the file nor the temporary one
    monkeypatch.undo()
    location = directory.write(PLAN, sha256)
    assert files_in(tmp_path) == [location] and (tmp_path / location).read_bytes() == PLAN


def test_a_row_names_nothing_outside_the_directory(tmp_path):
    directory = storage.UploadDirectory(tmp_path / "uploads")
    (tmp_path / "secret").write_bytes(b"abc")
    with pytest.raises(storage.FileProblem, match="not a location"):
        directory.open_checked("../secret", 3, hashlib.sha256(b"abc").hexdigest())


def test_no_upload_directory_configured_for_a_file_in_one_is_a_clear_problem():
    with pytest.raises(storage.FileProblem, match="none is configured"):
        storage.FileStore().read_checked(None, "00/00/" + "0" * 64, 3, "0" * 64)


# --- orphans ----------------------------------------------------------------------------------------------------------

def test_orphan_files_are_listed_and_removed_when_old_enough(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PPI_UPLOAD_DIR", str(tmp_path))
    with app.app_context():
        kept = store_upload(FileStorage(io.BytesIO(PLAN), "plan.pdf"), None).location
        db.session.commit()
        rolled_back = store_upload(FileStorage(io.BytesIO(PHOTO), "photo.png"), None).location
        db.session.rollback()
    crashed = Path(kept).parent / ".abc.partial"
    (tmp_path / crashed).write_bytes(b"half a fi")
    hour_ago = time.time() - 3600
    for name in (kept, rolled_back, crashed):
        os.utime(tmp_path / name, (hour_ago, hour_ago))
    young = storage.UploadDirectory(tmp_path).write(b"%PDF-uploading", hashlib.sha256(b"%PDF-uploading").hexdigest())
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["ppi", "orphan-files", "--min-age", "30"])
    assert listed.exit_code == 0, listed.output
    assert rolled_back in listed.output and crashed.as_posix() in listed.output
    assert kept not in listed.output and young not in listed.output
    assert "2 orphan file(s)" in listed.output and "--delete" in listed.output
    assert sorted(files_in(tmp_path)) == sorted([kept, rolled_back, crashed.as_posix(), young])  # listing removes none

    removed = runner.invoke(args=["ppi", "orphan-files", "--min-age", "30", "--delete"])
    assert removed.exit_code == 0 and "2 orphan file(s)" in removed.output and "removed" in removed.output
    assert files_in(tmp_path) == sorted([kept, young])
    monkeypatch.setitem(app.config, "PPI_UPLOAD_DIR", None)
    result = runner.invoke(args=["ppi", "orphan-files"])
    assert result.exit_code != 0 and "PPI_UPLOAD_DIR is not set" in result.output


# --- the migration, backups, restores, copies -------------------------------------------------------------------------

UPLOAD_DIR_REVISION = "336256bbbd3f"  # the migration that added stored_files.location


def stored_file_columns(app) -> set[str]:
    with app.app_context():
        columns = {column["name"] for column in sa.inspect(db.engine).get_columns("stored_files")}
        db.engine.dispose()
    return columns


def test_the_migration_keeps_the_attachments_other_tables_refer_to(databases, backend):
    """Down to before the upload directory and up again with an attachment a challenge refers to: SQLite rebuilds the
    table to change its columns, and the rows pointing at it survive; the bytes stay in the database."""
    app = databases.new(backend)
    with app.app_context():
        challenge_id = add_challenge(build_world())
        stored = store_upload(FileStorage(io.BytesIO(PLAN), "plan.pdf"), None)
        db.session.add(ChallengeAttachment(challenge_id=challenge_id, file=stored, title="Plan"))
        db.session.commit()
        file_id = stored.id
        db.session.remove()
    before = SCRIPTS.get_revision(UPLOAD_DIR_REVISION).down_revision
    migrate(app, before, downgrade)
    assert "location" not in stored_file_columns(app)
    migrate(app)
    assert "location" in stored_file_columns(app)
    with app.app_context():
        assert db.session.scalar(sa.select(ChallengeAttachment.file_id)) == file_id
        stored = db.session.get(StoredFile, file_id)
        assert (stored.data, stored.location) == (PLAN, None)
        db.session.remove()


def test_the_migration_goes_down_only_with_every_attachment_in_the_database(databases, backend, tmp_path):
    app = with_upload_dir(databases.new(backend), tmp_path)
    add_attachments(app, count=1)
    with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's error and exits
        migrate(app, SCRIPTS.get_revision(UPLOAD_DIR_REVISION).down_revision, downgrade)
    assert "location" in stored_file_columns(app)  # nothing was changed


def add_attachments(app, count: int = 3) -> dict[int, str]:
    """Uploads stored as the app's configuration says; each one's SHA-256 by id."""
    with app.app_context():
        stored = [store_upload(FileStorage(io.BytesIO(pdf_bytes(3000 + n)), f"annex-{n}.pdf"), None) for n in range(count)]
        db.session.commit()
        hashes = {file.id: file.sha256 for file in stored}
        db.session.remove()
    return hashes


def kept(app) -> dict[int, tuple[str, str]]:
    """Each stored file's (where its bytes are, SHA-256 of the bytes found there) by id."""
    directory = app.config["PPI_UPLOAD_DIR"]
    with app.app_context():
        rows = db.session.execute(sa.select(StoredFile.id, StoredFile.data, StoredFile.location)).all()
        db.session.remove()
    return {id_: ("database", hashlib.sha256(data).hexdigest()) if location is None
            else ("directory", hashlib.sha256((Path(directory) / location).read_bytes()).hexdigest())
            for id_, data, location in rows}


def with_upload_dir(app, directory: Path | None):
    app.config["PPI_UPLOAD_DIR"] = str(directory) if directory else None
    return app


@pytest.mark.parametrize("source_dir, target_dir", [(None, "target"), ("source", None), ("source", "target")],
                         ids=["database to directory", "directory to database", "directory to directory"])
def test_backup_and_restore_carry_attachments_and_store_them_as_the_target_does(databases, backend, tmp_path,
                                                                                 source_dir, target_dir):
    source = with_upload_dir(databases.new(backend), source_dir and tmp_path / source_dir)
    hashes = add_attachments(source)
    archive = tmp_path / "backup.zip"
    run_ok(source, "backup", str(archive))

    target = with_upload_dir(databases.new(backend), target_dir and tmp_path / target_dir)
    output = run_ok(target, "restore", str(archive)).output
    assert (f"(now in {tmp_path / target_dir})" in output) if target_dir else "now in" not in output
    where = "directory" if target_dir else "database"
    assert kept(target) == {id_: (where, sha256) for id_, sha256 in hashes.items()}
    if target_dir:
        assert len(files_in(tmp_path / target_dir)) == len(hashes)


@pytest.mark.parametrize("source_dir, target_dir", [(None, "target"), ("source", None)],
                         ids=["database to directory", "directory to database"])
def test_copy_db_carries_attachments_and_stores_them_as_told(databases, backend, tmp_path, source_dir, target_dir):
    source = with_upload_dir(databases.new("sqlite"), source_dir and tmp_path / source_dir)
    hashes = add_attachments(source)
    target = with_upload_dir(databases.new(backend), target_dir and tmp_path / target_dir)
    to_dir = ["--to-upload-dir", str(tmp_path / target_dir)] if target_dir else []
    output = run_ok(source, "copy-db", "--to", url_of(target), *to_dir).output
    assert (f"(now in {tmp_path / target_dir})" in output) if target_dir else "now in" not in output
    where = "directory" if target_dir else "database"
    assert kept(target) == {id_: (where, sha256) for id_, sha256 in hashes.items()}


def test_backup_refuses_an_attachment_whose_file_is_missing(databases, tmp_path):
    source = with_upload_dir(databases.new("sqlite"), tmp_path / "uploads")
    hashes = add_attachments(source)
    with source.app_context():
        missing = db.session.get(StoredFile, max(hashes))
        (tmp_path / "uploads" / missing.location).unlink()
        db.session.remove()
    refused(source, "backup", str(tmp_path / "b.zip"), match=f"stored file {max(hashes)} (annex-2.pdf): the file")
    assert not (tmp_path / "b.zip").exists()
    with_upload_dir(source, None)
    refused(source, "backup", str(tmp_path / "b.zip"), match="none is configured (PPI_UPLOAD_DIR)")


def test_a_full_disk_refuses_the_upload_next_to_the_file_field_and_keeps_the_title(app, proposal, tmp_path,
                                                                                   monkeypatch, caplog):
    company, proposal_id = proposal
    monkeypatch.setitem(app.config, "PPI_UPLOAD_DIR", str(tmp_path / "uploads"))

    def disk_full(self, content, sha256):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.UploadDirectory, "write", disk_full)
    with caplog.at_level(logging.ERROR, logger="ppi.core.files"):
        response = upload(company, proposal_id, PLAN, "plan.pdf", title="Site plan, ward 3")
    assert response.status_code == 503  # the form again, with what was typed
    page = response.get_data(as_text=True)
    assert "the server&#39;s storage is not available" in field_error(page, "file")
    assert 'value="Site plan, ward 3"' in page
    assert "No space left on device" in caplog.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0
