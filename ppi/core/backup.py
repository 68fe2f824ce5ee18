"""Backups, restores and database copies that lose nothing: every row of every table and every attachment.

One reader and one writer serve the three operations:

- `read_rows(connection, table)` yields a table's rows in primary-key order, a chunk at a time (server-side cursor on
  PostgreSQL), as plain values: aware datetimes, dates, Decimals, bytes, enum columns as the strings stored, JSON
  columns as their value with `sa.JSON.NULL` for a JSON `null` and None only for SQL NULL;
- `load_rows(connection, table, chunks)` inserts chunks with Core `insert()` executemany.

`copy_database` pipes the reader of one database into the writer of another; `backup` puts the archive in between
(`write_archive`), `restore` reads it back (`archive_rows`). Reads happen in one snapshot (`snapshot`), writes in one
transaction, so a backup is consistent and a restore or copy loads all or nothing.

The archive is a ZIP file (deflated):

    manifest.json               format version, app, creation time (UTC), Alembic revision, dialect, and per table
                                its file, columns, row count and SHA-256; per attachment its id, size and SHA-256
    tables/<table>.jsonl        one JSON object a row, primary-key order; datetimes ISO 8601 with offset, dates ISO,
                                Decimals as strings, JSON columns as their JSON text (null: SQL NULL), bytes base64
    files/<id>                  the bytes of each stored file (left out of tables/stored_files.jsonl, and so is where
                                they were kept: the database or the upload directory)

Attachments are read from wherever their row says (the database or the source's upload directory, `source_store`)
and stored as the target's `target_store` says (ppi.core.storage): the archive does not depend on either. Files written
into an upload directory by a load that is then rolled back are left there, harmless (`flask ppi orphan-files`).

No Flask here: the functions take engines, connections and tables; `ppi.core.backup_cli` adds the commands.
"""
import base64
import hashlib
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ppi.core.storage import FileProblem, FileStore

FORMAT = "ppi-backup"
FORMAT_VERSION = 1
APP_NAME = "ppi"
MANIFEST = "manifest.json"
CHUNK_ROWS = 1000
BLOB_CHUNK_ROWS = 8  # rows of a table with binary columns in memory at once: each may hold an attachment of 20 MB

# The attachments (ppi.core.models.StoredFile): their bytes go into `files/<id>`, checked against size and SHA-256.
# Their row has them in BLOB_COLUMN or names their file in the upload directory in BLOB_LOCATION.
BLOB_TABLE, BLOB_COLUMN, BLOB_LOCATION, BLOB_SIZE, BLOB_SHA256 = "stored_files", "data", "location", "size", "sha256"
DATABASE = FileStore()  # attachments in the database, none in an upload directory

Row = dict[str, Any]
UPGRADE_HINT = "run `flask db upgrade` on it"


class BackupError(Exception):
    """A refusal or a failed check; the message says what is wrong and what to do."""


class Progress:
    """Told the number of rows once known, then each chunk handled. Silent; the commands show a progress bar."""

    def start(self, total: int) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass


@dataclass
class Report:
    """What was written or loaded: rows per table (in load order) and each attachment's (size, SHA-256) by id."""

    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[int, tuple[int, str]] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def file_bytes(self) -> int:
        return sum(size for size, _ in self.files.values())

    def add_file(self, row: Row, store: FileStore) -> bytes:
        data = checked_blob(row, store)
        self.files[row["id"]] = (len(data), row[BLOB_SHA256])
        return data


# --- reading and writing rows ---------------------------------------------------------------------------------------

@contextmanager
def snapshot(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection that reads one consistent state of the database for as long as the block lasts."""
    with engine.connect() as connection:
        dialect = connection.dialect.name
        if dialect == "postgresql":  # set on the connection before its transaction starts; reset when it is returned
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        elif dialect != "sqlite":
            raise BackupError(f"{dialect} is not supported: PPI runs on SQLite and PostgreSQL")
        with connection.begin():
            # pysqlite starts a transaction only before a write: BEGIN makes every read see the same state.
            if dialect == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
                connection.exec_driver_sql("BEGIN")
            yield connection


def _json_null_flag(name: str) -> str:
    return f"__sql_null__{name}"


def _json_columns(table: sa.Table) -> list[str]:
    return [column.name for column in table.columns if isinstance(column.type, sa.JSON)]


def _has_binary(table: sa.Table) -> bool:
    return any(isinstance(column.type, sa.LargeBinary) for column in table.columns)


def _chunk_rows(table: sa.Table) -> int:
    return BLOB_CHUNK_ROWS if _has_binary(table) else CHUNK_ROWS


def _select(table: sa.Table) -> sa.Select:
    selected = []
    for column in table.columns:
        # Enum columns as the strings stored: lossless whatever the enum class does, and accepted back on insert.
        selected.append(sa.type_coerce(column, sa.String()).label(column.name) if isinstance(column.type, sa.Enum) else column)
        if isinstance(column.type, sa.JSON):  # both a JSON null and SQL NULL read as None: tell them apart
            selected.append(column.is_(None).label(_json_null_flag(column.name)))
    return sa.select(*selected).order_by(*table.primary_key.columns)


def read_rows(connection: sa.Connection, table: sa.Table) -> Iterator[list[Row]]:
    """The table's rows in primary-key order, in chunks, never the whole table in memory."""
    json_columns = _json_columns(table)
    result = connection.execute(_select(table), execution_options={"stream_results": True, "yield_per": _chunk_rows(table)})
    for partition in result.mappings().partitions():
        rows = []
        for mapping in partition:
            row = {column.name: mapping[column.name] for column in table.columns}
            for name in json_columns:
                if row[name] is None and not mapping[_json_null_flag(name)]:
                    row[name] = sa.JSON.NULL
            rows.append(row)
        yield rows


def load_rows(connection: sa.Connection, table: sa.Table, chunks: Iterable[list[Row]], progress: Progress) -> int:
    """Insert the chunks (executemany); returns the number of rows."""
    json_columns = _json_columns(table)
    count = 0
    for rows in chunks:
        if not rows:
            continue
        if json_columns:  # None would be written as a JSON null: SQL NULL must be said so
            rows = [{**row, **{name: sa.null() for name in json_columns if row[name] is None}} for row in rows]
        connection.execute(table.insert(), rows)
        count += len(rows)
        progress.advance(len(rows))
    return count


def backed_up(tables: Iterable[sa.Table]) -> list[sa.Table]:
    """The tables that backups and copies carry: all but those marked `info={"backup": False}`, i.e. the page cache's
    data version (`ppi.core.pagecache.DataVersion`): every database keeps its own row from its migration, and a
    restored token must not bring back a version that pages were once cached under."""
    return [table for table in tables if table.info.get("backup", True)]


def count_rows(connection: sa.Connection, tables: Iterable[sa.Table]) -> dict[str, int]:
    return {table.name: connection.scalar(sa.select(sa.func.count()).select_from(table)) for table in tables}


def reset_sequences(connection: sa.Connection, tables: Iterable[sa.Table]) -> None:
    """PostgreSQL: each serial id's sequence continues after the largest id loaded (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    table_name = connection.dialect.identifier_preparer.format_table
    for table in tables:
        column = table.autoincrement_column
        if column is None or not isinstance(column.type, sa.Integer):
            continue
        largest = sa.func.max(column)
        sequence = sa.func.pg_get_serial_sequence(table_name(table), column.name)
        connection.execute(sa.select(sa.func.setval(sequence, sa.func.coalesce(largest, 1), largest.is_not(None)))
                           .select_from(table))


def _blob_fields(row: Row) -> tuple:
    return row[BLOB_COLUMN], row[BLOB_LOCATION], row[BLOB_SIZE], row[BLOB_SHA256]


def checked_blob(row: Row, store: FileStore) -> bytes:
    """A stored file's bytes, from the database or the upload directory, refused unless they match its recorded size
    and SHA-256."""
    try:
        return store.read_checked(*_blob_fields(row))
    except FileProblem as problem:
        raise BackupError(f"stored file {row['id']} ({row.get('filename')}): {problem}; nothing was written") from None


def _placed(chunks: Iterable[list[Row]], store: FileStore) -> Iterator[list[Row]]:
    """Stored files' rows (their bytes in BLOB_COLUMN) as the target keeps them: bytes in the row, or written into its
    upload directory first and the row naming them."""
    for rows in chunks:
        for row in rows:
            row.update(store.keep(row[BLOB_COLUMN], row[BLOB_SHA256]))
        yield rows


# --- revisions and targets ------------------------------------------------------------------------------------------

def database_revision(connection: sa.Connection) -> str | None:
    """The Alembic revision the database is at (several heads joined by commas), None when it was never migrated."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return ",".join(sorted(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))) or None


def require_revision(connection: sa.Connection, head: str, what: str, hint: str = UPGRADE_HINT) -> str:
    revision = database_revision(connection)
    if revision != head:
        raise BackupError(f"{what} is at Alembic revision {revision or 'none (never migrated)'}, but this code's "
                          f"migrations end at {head}: {hint}")
    return revision


def check_empty_target(connection: sa.Connection, tables: Iterable[sa.Table], head: str, hint: str = UPGRADE_HINT) -> None:
    """Refuse a target that is not migrated to this code's head or that holds any row."""
    require_revision(connection, head, "the target database", hint)
    filled = [table.name for table in tables
              if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None]
    if filled:
        raise BackupError(f"the target database is not empty: {len(filled)} table(s) hold rows ({', '.join(filled[:5])}"
                          f"{', …' if len(filled) > 5 else ''}); load only into a new database migrated with "
                          f"`flask db upgrade`")


def _verify_loaded(connection: sa.Connection, tables: list[sa.Table], expected: Report, store: FileStore) -> None:
    """Count the rows in the target again and hash every attachment there (in the database or the target's upload
    directory); refuse (and roll back) on any difference."""
    counted = count_rows(connection, tables)
    wrong = {name: (rows, counted[name]) for name, rows in expected.rows.items() if counted[name] != rows}
    if wrong:
        raise BackupError("row counts differ after loading (expected, found): "
                          + ", ".join(f"{name} {pair}" for name, pair in wrong.items()))
    found = {row["id"]: _loaded_file(row, store)
             for table in tables if table.name == BLOB_TABLE for rows in read_rows(connection, table) for row in rows}
    if found != expected.files:
        differing = sorted(set(found.items()) ^ set(expected.files.items()))
        raise BackupError(f"attachments differ after loading: stored file(s) {sorted({key for key, _ in differing})}")


def _loaded_file(row: Row, store: FileStore) -> tuple[int, str]:
    """(size, SHA-256) of a loaded stored file, once its bytes were read and found to be those."""
    try:
        store.check(*_blob_fields(row))
    except FileProblem as problem:
        raise BackupError(f"attachments differ after loading: stored file {row['id']}: {problem}") from None
    return row[BLOB_SIZE], row[BLOB_SHA256]


# --- copying ----------------------------------------------------------------------------------------------------------

def _tracked_blobs(chunks: Iterable[list[Row]], report: Report, store: FileStore) -> Iterator[list[Row]]:
    """The source's stored files with their checked bytes in BLOB_COLUMN, wherever the source keeps them."""
    for rows in chunks:
        for row in rows:
            row[BLOB_COLUMN] = report.add_file(row, store)
        yield rows


def copy_database(source: sa.Engine, target: sa.Engine, tables: list[sa.Table], *, head: str,
                  progress: Progress = Progress(), target_hint: str = UPGRADE_HINT, source_store: FileStore = DATABASE,
                  target_store: FileStore = DATABASE) -> Report:
    """Copy every row from the source (one snapshot) into the empty, migrated target (one transaction), then check
    the target's row counts and attachment hashes before committing. Attachments are read from wherever the source's
    rows say and kept as `target_store` says."""
    tables = backed_up(tables)
    with snapshot(source) as reading, target.begin() as writing:
        report = Report(require_revision(reading, head, "the source database"))
        check_empty_target(writing, tables, head, target_hint)
        expected = count_rows(reading, tables)
        progress.start(sum(expected.values()))
        for table in tables:
            chunks = read_rows(reading, table)
            if table.name == BLOB_TABLE:
                chunks = _placed(_tracked_blobs(chunks, report, source_store), target_store)
            report.rows[table.name] = load_rows(writing, table, chunks, progress)
        if report.rows != expected:
            raise BackupError(f"the source changed while it was read: {expected} rows counted, {report.rows} read")
        reset_sequences(writing, tables)
        _verify_loaded(writing, tables, report, target_store)
    return report


# --- the archive: values ----------------------------------------------------------------------------------------------

def _kind(column: sa.Column) -> str:
    type_ = column.type
    if isinstance(type_, sa.TypeDecorator):  # UTCDateTime: read and written through its impl, DateTime(timezone=True)
        type_ = type_.impl_instance
    if isinstance(type_, sa.JSON):
        return "json"
    if isinstance(type_, sa.LargeBinary):
        return "bytes"
    if isinstance(type_, sa.Enum):
        return "plain"  # read as the stored string
    try:
        python_type = type_.python_type
    except NotImplementedError:
        python_type = None
    for kind, cls in (("datetime", datetime), ("date", date), ("decimal", Decimal)):
        if python_type is not None and issubclass(python_type, cls):
            return kind
    if python_type in (int, str, bool, float):
        return "plain"
    raise BackupError(f"{column.table.name}.{column.name}: no lossless encoding for {type_!r}")


_ENCODE: dict[str, Callable[[Any], Any]] = {
    "plain": lambda value: value,
    "datetime": datetime.isoformat,
    "date": date.isoformat,
    "decimal": str,
    "bytes": lambda value: base64.b64encode(value).decode("ascii"),
    "json": lambda value: "null" if value is sa.JSON.NULL else json.dumps(value, ensure_ascii=False),
}
_DECODE: dict[str, Callable[[Any], Any]] = {
    "plain": lambda value: value,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "decimal": Decimal,
    "bytes": base64.b64decode,
    "json": lambda text: sa.JSON.NULL if (value := json.loads(text)) is None else value,
}


def _codec(table: sa.Table, skip: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(column, kind) of every column the table file holds."""
    return [(column.name, _kind(column)) for column in table.columns if column.name not in skip]


def _archived_columns(table: sa.Table) -> list[tuple[str, str]]:
    return _codec(table, frozenset({BLOB_COLUMN, BLOB_LOCATION}) if table.name == BLOB_TABLE else frozenset())


def encode_row(codec: list[tuple[str, str]], row: Row) -> bytes:
    values = {name: None if row[name] is None else _ENCODE[kind](row[name]) for name, kind in codec}
    return (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def decode_row(codec: list[tuple[str, str]], line: bytes) -> Row:
    values = json.loads(line)
    return {name: None if values[name] is None else _DECODE[kind](values[name]) for name, kind in codec}


# --- the archive: backup ----------------------------------------------------------------------------------------------

@contextmanager
def _member(archive: zipfile.ZipFile, name: str, spooled: bool) -> Iterator[Any]:
    """A stream into the archive member `name`. Spooled (memory, then a temporary file) when other members must be
    written meanwhile: a ZIP file takes one member at a time."""
    if not spooled:
        with archive.open(name, "w", force_zip64=True) as stream:
            yield stream
        return
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
        yield spool
        spool.seek(0)
        with archive.open(name, "w", force_zip64=True) as stream:
            shutil.copyfileobj(spool, stream, 1024 * 1024)


def _write_table(archive: zipfile.ZipFile, connection: sa.Connection, table: sa.Table, report: Report,
                 progress: Progress, store: FileStore) -> dict:
    codec = _archived_columns(table)
    blobs = table.name == BLOB_TABLE
    name = f"tables/{table.name}.jsonl"
    digest, count = hashlib.sha256(), 0
    with _member(archive, name, spooled=blobs) as stream:
        for rows in read_rows(connection, table):
            for row in rows:
                if blobs:
                    archive.writestr(f"files/{row['id']}", report.add_file(row, store))
                line = encode_row(codec, row)
                digest.update(line)
                stream.write(line)
            count += len(rows)
            progress.advance(len(rows))
    report.rows[table.name] = count
    return {"name": table.name, "file": name, "columns": [column for column, _ in codec], "rows": count,
            "sha256": digest.hexdigest()}


def backup(engine: sa.Engine, tables: list[sa.Table], path: str | os.PathLike, *, head: str, overwrite: bool = False,
           progress: Progress = Progress(), store: FileStore = DATABASE) -> Report:
    """Write the database (and the attachments, from the database or `store`'s upload directory) into a new archive at
    `path`, read in one snapshot. The archive appears only when complete (written beside it under a temporary name,
    then renamed); an existing file is refused unless `overwrite`."""
    path, tables = Path(path), backed_up(tables)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists: choose another name, or give --force to overwrite it")
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
    try:
        with snapshot(engine) as connection, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            report = Report(require_revision(connection, head, "the database"))
            progress.start(sum(count_rows(connection, tables).values()))
            entries = [_write_table(archive, connection, table, report, progress, store) for table in tables]
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION, "app": APP_NAME,
                "created_at": datetime.now(timezone.utc).isoformat(), "alembic_revision": report.revision,
                "dialect": connection.dialect.name, "tables": entries,
                "files": [{"id": file_id, "size": size, "sha256": sha256} for file_id, (size, sha256) in report.files.items()],
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
        if path.exists() and not overwrite:
            raise BackupError(f"{path} appeared while the backup was written: it was left alone")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return report


# --- the archive: restore ---------------------------------------------------------------------------------------------

def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"not a PPI backup: the archive has no {MANIFEST}") from None
    if manifest.get("format") != FORMAT or manifest.get("app") != APP_NAME:
        raise BackupError(f"not a PPI backup: {MANIFEST} names format {manifest.get('format')!r}, app {manifest.get('app')!r}")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format version {manifest.get('format_version')!r}: this code reads version "
                          f"{FORMAT_VERSION}; restore with the PPI release that wrote the archive")
    return manifest


def _check_archive(archive: zipfile.ZipFile, manifest: dict, tables: list[sa.Table], head: str) -> dict[str, dict]:
    """The manifest's table entries by name, once the archive is known to hold exactly these tables and columns at
    this head, and every table file matches its SHA-256."""
    if manifest["alembic_revision"] != head:
        raise BackupError(f"the archive was made at Alembic revision {manifest['alembic_revision']}, but this code's "
                          f"migrations end at {head}: restore it with the PPI release that made it (into a database "
                          f"upgraded to that revision), then run `flask db upgrade`")
    entries = {entry["name"]: entry for entry in manifest["tables"]}
    if set(entries) != {table.name for table in tables}:
        raise BackupError(f"the archive's tables differ from this code's: {sorted(set(entries) ^ {t.name for t in tables})}")
    for table in tables:
        entry = entries[table.name]
        if entry["columns"] != [column for column, _ in _archived_columns(table)]:
            raise BackupError(f"the archive's columns of {table.name} differ from this code's")
        digest = hashlib.sha256()
        with archive.open(entry["file"]) as stream:
            for block in iter(lambda: stream.read(1024 * 1024), b""):
                digest.update(block)
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"{entry['file']} does not match its SHA-256 in {MANIFEST}: the archive is damaged or "
                              f"was changed; nothing was restored")
    return entries


def archive_rows(archive: zipfile.ZipFile, table: sa.Table, entry: dict, files: dict[int, dict]) -> Iterator[list[Row]]:
    """The rows of a table file, in chunks; stored files get their bytes back from `files/<id>`, checked against the
    row and the manifest."""
    codec = _archived_columns(table)
    size = _chunk_rows(table)
    rows: list[Row] = []
    with archive.open(entry["file"]) as stream:
        for line in stream:
            row = decode_row(codec, line)
            if table.name == BLOB_TABLE:
                listed = files.get(row["id"])
                try:
                    row[BLOB_COLUMN] = archive.read(f"files/{row['id']}")
                except KeyError:
                    row[BLOB_COLUMN] = None
                row[BLOB_LOCATION] = None
                checked_blob(row, DATABASE)
                if listed is None or listed["sha256"] != row[BLOB_SHA256] or listed["size"] != row[BLOB_SIZE]:
                    raise BackupError(f"stored file {row['id']} is not listed as it is in {MANIFEST}; nothing was restored")
            rows.append(row)
            if len(rows) >= size:
                yield rows
                rows = []
    if rows:
        yield rows


def restore(engine: sa.Engine, tables: list[sa.Table], path: str | os.PathLike, *, head: str,
            progress: Progress = Progress(), store: FileStore = DATABASE) -> Report:
    """Load an archive into an empty database at this code's head, in one transaction: all or nothing. The attachments
    go where `store` says: into the database, or into its upload directory."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"cannot read {path}: {error}") from None
    with archive:
        try:
            return _restore(engine, backed_up(tables), archive, head, progress, store)
        except (zipfile.BadZipFile, json.JSONDecodeError) as error:  # e.g. a member whose CRC-32 fails
            raise BackupError(f"{path} is damaged ({error}); nothing was restored") from None


def _restore(engine: sa.Engine, tables: list[sa.Table], archive: zipfile.ZipFile, head: str, progress: Progress,
             store: FileStore) -> Report:
    manifest = read_manifest(archive)
    entries = _check_archive(archive, manifest, tables, head)
    files = {entry["id"]: entry for entry in manifest["files"]}
    with engine.begin() as connection:
        check_empty_target(connection, tables, head)
        report = Report(manifest["alembic_revision"],
                        files={file_id: (entry["size"], entry["sha256"]) for file_id, entry in files.items()})
        progress.start(sum(entry["rows"] for entry in entries.values()))
        for table in tables:
            chunks = archive_rows(archive, table, entries[table.name], files)
            if table.name == BLOB_TABLE:
                chunks = _placed(chunks, store)
            report.rows[table.name] = load_rows(connection, table, chunks, progress)
        if report.rows != {name: entry["rows"] for name, entry in entries.items()}:
            raise BackupError(f"the table files hold other row counts than {MANIFEST} lists; nothing was restored")
        reset_sequences(connection, tables)
        _verify_loaded(connection, tables, report, store)
    return report
