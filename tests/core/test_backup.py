"""`flask ppi backup`, `restore` and `copy-db`: every row of every table and every attachment arrives, byte for byte,
from SQLite and PostgreSQL alike; refusals leave the target as it was (all or nothing).

Each test makes its own databases, copies of ones built by the migrations: SQLite files under tmp_path, PostgreSQL
databases with unique names (safe in parallel xdist workers), dropped at the end.
"""
import hashlib
import json
import os
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from config import database_url as normalise_url
from ppi import ROOT, create_app
from ppi.challenges.models import Challenge, ChallengeAttachment
from ppi.core import backup as core
from ppi.core.models import AuditEntry, OutboxMessage, StoredFile
from ppi.extensions import db
from tests.conftest import POSTGRES_URL

def _alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


requires_postgresql = pytest.mark.skipif(
    not POSTGRES_URL, reason="moving to PostgreSQL needs a PostgreSQL server: set PPI_TEST_DATABASE_URL (CI always does)")
_SCRIPTS = ScriptDirectory.from_config(_alembic_config())
HEAD = _SCRIPTS.get_current_head()
PREVIOUS = _SCRIPTS.get_revision(HEAD).down_revision  # a database one migration behind


def app_for(url: str):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=url)


def migrate(app, revision: str = "head", command=upgrade) -> None:
    """Run the migrations up (or, given Flask-Migrate's `downgrade`, down) to `revision`."""
    with app.app_context():
        command(revision=revision)
        db.engine.dispose()


class Databases:
    """New databases and an app on each; all disposed (and PostgreSQL's dropped) by `close()`.

    Given `templates` (another Databases), a database at a revision is a copy of a template migrated once (a file copy
    for SQLite, CREATE DATABASE … TEMPLATE for PostgreSQL): running the migrations for each takes seconds."""

    def __init__(self, directory: Path, templates: "Databases | None" = None) -> None:
        self.directory = directory
        self.templates = templates
        self.apps = []
        self.postgres = []
        self.made_templates: dict[tuple[str, str], str] = {}

    def new(self, backend: str, revision: str | None = "head"):
        """An app on a new database, migrated to `revision` (None: no tables at all)."""
        template = self.templates.template(backend, revision) if self.templates and revision else None
        app = self._create(backend, template)
        if revision and not template:
            migrate(app, revision)
        return app

    def copy_of(self, app):
        """An app on a new database holding what `app`'s holds (whose connections are closed for the copy)."""
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        url = sa.make_url(url_of(app))
        return self._create("sqlite" if url.get_backend_name() == "sqlite" else "postgresql", url.database)

    def _create(self, backend: str, template: str | None):
        """An app on a new database: empty, or a copy of `template` (a file for SQLite, a database name for
        PostgreSQL)."""
        name = f"bk_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            path = self.directory / f"{name}.sqlite"
            if template:
                shutil.copyfile(template, path)
            url = f"sqlite:///{path}"
        else:
            server = sa.make_url(normalise_url(POSTGRES_URL))
            name = f"{server.database}_{name}"
            self._maintenance(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
            self.postgres.append(name)
            url = server.set(database=name).render_as_string(hide_password=False)
        app = app_for(url)
        self.apps.append(app)
        return app

    def template(self, backend: str, revision: str) -> str:
        """The file (SQLite) or database name (PostgreSQL) of a database migrated to `revision`, nobody connected."""
        if (backend, revision) not in self.made_templates:
            self.made_templates[backend, revision] = sa.make_url(url_of(self.new(backend, revision))).database
        return self.made_templates[backend, revision]

    def _maintenance(self, statement: str) -> None:
        engine = sa.create_engine(sa.make_url(normalise_url(POSTGRES_URL)).set(database="postgres"),
                                  isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(statement))
        finally:
            engine.dispose()

    def close(self) -> None:
        for app in self.apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        for name in self.postgres:
            self._maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url_of(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


def add_generated_data() -> dict[int, str]:
    """Attachments (a few KB, bytes that are not UTF-8) on a challenge, and audit entries with both kinds of null;
    returns each stored file's SHA-256 by id."""
    challenge = db.session.scalars(sa.select(Challenge).order_by(Challenge.id)).first()
    stored = []
    for n in range(4):
        data = b"\x89\xff\xfe\x00\x80" + bytes(range(256)) * (4 + n) + os.urandom(500) + b"\xc3\x28"
        stored.append(StoredFile(filename=f"annex-{n}-æøå.pdf", content_type="application/pdf", size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest(), data=data))
    db.session.add_all(stored)
    db.session.add_all([ChallengeAttachment(challenge=challenge, file=file, title=f"Annex {n} – Ærø")
                        for n, file in enumerate(stored)])
    db.session.add(AuditEntry(action="test.sql_null", object_type="Test", before=sa.null(), after={"n": None}))
    db.session.add(AuditEntry(action="test.json_null", object_type="Test", before=None, after=[1.5, "😀", {"æ": True}]))
    db.session.commit()
    return {file.id: file.sha256 for file in stored}


@pytest.fixture(scope="module")
def filled_sqlite(module_databases):
    """A SQLite file built by the migrations, holding the demo data plus generated attachments (built once per module,
    only ever read); returns the app on it and the attachments' SHA-256 by id."""
    app = module_databases.new("sqlite")
    result = app.test_cli_runner().invoke(args=["ppi", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        hashes = add_generated_data()
        db.session.remove()
        db.engine.dispose()
    return app, hashes


def filled(databases: Databases, backend: str, filled_sqlite):
    """An app on a database of `backend` holding the filled SQLite's rows (copied there for PostgreSQL)."""
    source, _ = filled_sqlite
    if backend == "sqlite":
        return source
    app = databases.new(backend)
    source_engine, target_engine = sa.create_engine(url_of(source)), sa.create_engine(url_of(app))
    try:
        core.copy_database(source_engine, target_engine, db.metadata.sorted_tables, head=HEAD)
    finally:
        source_engine.dispose()
        target_engine.dispose()
    return app


def dump(app) -> dict[str, list[dict]]:
    """Every table's rows in primary-key order, bytes replaced by their SHA-256."""
    engine = sa.create_engine(url_of(app), poolclass=sa.pool.NullPool)
    try:
        with core.snapshot(engine) as connection:
            return {table.name: [{key: hashlib.sha256(value).hexdigest() if isinstance(value, bytes) else value
                                  for key, value in row.items()}
                                 for rows in core.read_rows(connection, table) for row in rows]
                    for table in core.backed_up(db.metadata.sorted_tables)}
    finally:
        engine.dispose()


def assert_same_rows(source, target) -> None:
    expected, found = dump(source), dump(target)
    assert list(found) == list(expected)
    for name, rows in expected.items():
        assert len(found[name]) == len(rows), name
        for want, got in zip(rows, found[name]):
            assert got == want, name
    assert sum(map(len, expected.values())) > 1000  # the demo's rows really were compared


def file_hashes(app) -> dict[int, str]:
    """Each stored file's SHA-256 computed from the bytes in the database (not the column)."""
    with app.app_context():
        hashes = {id_: hashlib.sha256(data).hexdigest() for id_, data in db.session.execute(sa.select(StoredFile.id, StoredFile.data))}
        db.session.remove()
    return hashes


def sql_nulls(app) -> tuple[int, int]:
    """(SQL NULL, JSON null) counts of audit_entries.before: the two must not merge on the way."""
    with app.app_context():
        counts = db.session.execute(sa.text(
            "SELECT sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END), sum(CASE WHEN before IS NOT NULL THEN 1 ELSE 0 END) "
            "FROM audit_entries WHERE before IS NULL OR CAST(before AS TEXT) = 'null'")).one()
        db.session.remove()
    return tuple(counts)


def row_count(app) -> int:
    with app.app_context():
        with db.engine.connect() as connection:
            total = sum(core.count_rows(connection, core.backed_up(db.metadata.sorted_tables)).values())
        db.session.remove()
    return total


def run(app, *args):
    return app.test_cli_runner().invoke(args=["ppi", *args])


def run_ok(app, *args):
    result = run(app, *args)
    assert result.exit_code == 0, result.output
    return result


def refused(app, *args, match: str):
    result = run(app, *args)
    assert result.exit_code != 0, result.output
    assert match in result.output, result.output
    return result


def rewrite(archive: Path, changes: dict) -> Path:
    """A copy of the archive with some members changed by functions of their bytes (ZIP CRCs recomputed)."""
    changed = archive.with_name(f"changed-{uuid.uuid4().hex[:6]}.zip")
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, changes.get(info.filename, lambda data: data)(content))
    return changed


def flip_one_byte(data: bytes, position: int | None = None) -> bytes:
    position = len(data) // 2 if position is None else position
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1:]


def changed_manifest(**fields):
    return lambda data: json.dumps({**json.loads(data), **fields}).encode()


@pytest.fixture(scope="module")
def archives(module_databases, filled_sqlite, tmp_path_factory):
    """backend -> (the app on a filled database of that backend, a backup of it), each made once per module."""
    made = {}

    def get(backend: str) -> tuple:
        if backend not in made:
            source = filled(module_databases, backend, filled_sqlite)
            path = tmp_path_factory.mktemp("archives") / "ppi-backup.zip"
            run_ok(source, "backup", str(path))
            made[backend] = source, path
        return made[backend]

    return get


@pytest.fixture
def archive(archives, backend, tmp_path) -> tuple:
    """(the app on a filled database of this backend, a copy of its backup in this test's tmp_path)."""
    source, path = archives(backend)
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)
    return source, copy


def test_backup_and_restore_give_back_every_row_and_attachment(databases, backend, archive, filled_sqlite):
    source, path = archive
    with zipfile.ZipFile(path) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        assert manifest["format_version"] == core.FORMAT_VERSION and manifest["app"] == "ppi"
        assert manifest["alembic_revision"] == HEAD and manifest["dialect"] == backend
        assert [entry["name"] for entry in manifest["tables"]] == [
            table.name for table in core.backed_up(db.metadata.sorted_tables)]
        for entry in manifest["tables"]:
            content = zipped.read(entry["file"])
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
            assert content.count(b"\n") == entry["rows"]
        assert {entry["id"]: entry["sha256"] for entry in manifest["files"]} == filled_sqlite[1]
        for entry in manifest["files"]:
            assert hashlib.sha256(zipped.read(f"files/{entry['id']}")).hexdigest() == entry["sha256"]
        assert b'"data"' not in zipped.read("tables/stored_files.jsonl")  # the bytes are members of their own

    target = databases.new(backend)
    result = run_ok(target, "restore", str(path))
    assert "restored" in result.output
    assert_same_rows(source, target)
    assert file_hashes(target) == filled_sqlite[1]
    assert sql_nulls(target) == sql_nulls(source) and min(sql_nulls(target)) > 0

    with target.app_context():  # new rows continue after the restored ids (PostgreSQL's sequences were moved on)
        largest = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id)))
        message = OutboxMessage(to_address="a@example.org", subject="after the restore", body="-")
        db.session.add(message)
        db.session.commit()
        assert message.id == largest + 1
        db.session.remove()


def test_restore_refuses_a_database_that_is_not_empty(databases, backend, archive):
    _, path = archive
    target = databases.new(backend)
    run_ok(target, "restore", str(path))
    before = row_count(target)
    refused(target, "restore", str(path), match="not empty")
    assert row_count(target) == before


def test_restore_refuses_a_database_at_another_revision(databases, backend, archive):
    _, path = archive
    refused(databases.new(backend, revision=None), "restore", str(path), match="never migrated")
    behind = databases.new(backend, revision=PREVIOUS)
    result = refused(behind, "restore", str(path), match=f"at Alembic revision {PREVIOUS}")
    assert "flask db upgrade" in result.output


def test_restore_refuses_an_archive_of_another_revision_or_format(databases, backend, archive):
    _, path = archive
    target = databases.new(backend)
    result = refused(target, "restore", str(rewrite(path, {"manifest.json": changed_manifest(alembic_revision=PREVIOUS)})),
                     match=f"the archive was made at Alembic revision {PREVIOUS}")
    assert "flask db upgrade" in result.output
    refused(target, "restore", str(rewrite(path, {"manifest.json": changed_manifest(format_version=2)})),
            match="unknown backup format version 2")
    assert row_count(target) == 0


def test_restore_refuses_a_changed_table_file_and_loads_nothing(databases, backend, archive):
    _, path = archive
    target = databases.new(backend)
    tampered = rewrite(path, {"tables/users.jsonl": flip_one_byte})
    refused(target, "restore", str(tampered), match="tables/users.jsonl does not match its SHA-256")
    assert row_count(target) == 0


def test_restore_of_a_damaged_attachment_loads_nothing(databases, backend, archive, filled_sqlite):
    """The attachments are checked while loading, after the tables before them were inserted: all are rolled back."""
    _, path = archive
    target = databases.new(backend)
    last = max(filled_sqlite[1])
    tampered = rewrite(path, {f"files/{last}": lambda data: flip_one_byte(data, 7)})
    refused(target, "restore", str(tampered), match=f"stored file {last}")
    assert row_count(target) == 0
    run_ok(target, "restore", str(path))  # the same database takes the intact archive
    assert file_hashes(target) == filled_sqlite[1]


def test_backup_refuses_to_overwrite_a_file_unless_forced(databases, backend, archive):
    source, path = archive
    written = path.read_bytes()
    refused(source, "backup", str(path), match="--force")
    assert path.read_bytes() == written
    run_ok(source, "backup", str(path), "--force")
    with zipfile.ZipFile(path) as zipped:
        assert zipped.testzip() is None and "manifest.json" in zipped.namelist()
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".partial")] == []  # none left behind


def test_backup_refuses_an_attachment_whose_bytes_changed(databases, backend, tmp_path):
    source = databases.new(backend)
    with source.app_context():
        db.session.add(StoredFile(filename="a.pdf", content_type="application/pdf", size=3,
                                  sha256=hashlib.sha256(b"abc").hexdigest(), data=b"abd"))
        db.session.commit()
        db.session.remove()
    refused(source, "backup", str(tmp_path / "b.zip"), match="stored file 1 (a.pdf): its bytes do not match")
    assert not (tmp_path / "b.zip").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_backup_reads_one_snapshot(databases, backend):
    """What others commit while the backup reads is not seen by it (or waits until it ends)."""
    app = databases.new(backend)
    with app.app_context():
        engine = db.engine
        with core.snapshot(engine) as reading:
            outbox = OutboxMessage.__table__
            first = reading.scalar(sa.select(sa.func.count()).select_from(outbox))
            if backend == "postgresql":
                assert reading.scalar(sa.text("SHOW transaction_isolation")) == "repeatable read"
                assert reading.scalar(sa.text("SHOW transaction_read_only")) == "on"
            writer = sa.create_engine(url_of(app), connect_args={"timeout": 0.2} if backend == "sqlite" else {})
            try:
                with writer.begin() as writing:
                    writing.execute(outbox.insert().values(to_address="a@example.org", subject="s", body="b",
                                                           attempts=0, created_at=sa.func.current_timestamp()))
            except sa.exc.OperationalError as error:
                assert backend == "sqlite" and "locked" in str(error)  # SQLite: the writer waits for the reader
            finally:
                writer.dispose()
            assert reading.scalar(sa.select(sa.func.count()).select_from(outbox)) == first
        db.engine.dispose()


def test_copy_db_migrates_an_empty_target_on_request(databases, backend, filled_sqlite):
    source, hashes = filled_sqlite
    target = databases.new(backend, revision=None)
    refused(source, "copy-db", "--to", url_of(target), match="give --migrate")
    assert "copied" in run_ok(source, "copy-db", "--to", url_of(target), "--migrate").output
    assert_same_rows(source, target)
    assert file_hashes(target) == hashes
    refused(source, "copy-db", "--to", url_of(target), match="not empty")


@requires_postgresql
def test_moving_from_sqlite_to_postgresql_loses_nothing(databases, filled_sqlite):
    """The move the README describes: a SQLite database made by the migrations, with the demo data and attachments,
    copied into a new PostgreSQL database migrated to the same head."""
    source, hashes = filled_sqlite
    target = databases.new("postgresql")
    result = run_ok(source, "copy-db", "--to", url_of(target))
    assert "row counts and attachment hashes verified" in result.output
    assert_same_rows(source, target)
    assert file_hashes(target) == hashes and len(hashes) == 4
    assert sql_nulls(target) == sql_nulls(source)
    with target.app_context():  # the app runs on the copy: new rows get new ids
        db.session.add(OutboxMessage(to_address="a@example.org", subject="on PostgreSQL now", body="-"))
        db.session.commit()
        attachment = db.session.scalars(sa.select(ChallengeAttachment).order_by(ChallengeAttachment.id.desc())).first()
        assert attachment.title == "Annex 3 – Ærø" and hashlib.sha256(attachment.file.data).hexdigest() == hashes[attachment.file_id]
        db.session.remove()


@requires_postgresql
def test_backups_of_the_same_data_from_sqlite_and_postgresql_are_identical(archives):
    """The encoding depends on the values only: the PostgreSQL copy of the SQLite data backs up to the same files."""
    def contents(backend: str) -> tuple:
        with zipfile.ZipFile(archives(backend)[1]) as zipped:
            manifest = json.loads(zipped.read("manifest.json"))
        return [(entry["name"], entry["rows"], entry["sha256"]) for entry in manifest["tables"]], manifest["files"]

    assert contents("sqlite") == contents("postgresql")
