"""`flask ppi backup FILE`, `flask ppi restore FILE` and `flask ppi copy-db --to URL` (see ppi.core.backup)."""
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import current_app

from config import database_url
from ppi.core import backup as core
from ppi.core.cli import ppi_cli
from ppi.core.files import attachment_store
from ppi.core.storage import FileStore
from ppi.extensions import db


def migrations_head() -> str:
    """The Alembic revision this code's migrations end at (several heads joined by commas, as `database_revision`)."""
    config = AlembicConfig()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return ",".join(sorted(ScriptDirectory.from_config(config).get_heads()))


class ProgressBar(core.Progress):
    """A click progress bar on stderr (stdout keeps only the summary)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_pos=True)
        self.bar.__enter__()

    def advance(self, rows: int) -> None:
        self.bar.update(rows)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@contextmanager
def progress_bar(label: str) -> Iterator[ProgressBar]:
    """A progress bar, closed at the end; refusals of the core become the command's error message (exit code 1)."""
    bar = ProgressBar(label)
    try:
        yield bar
    except core.BackupError as error:
        bar.finish()
        raise click.ClickException(str(error)) from None
    bar.finish()


def _summary(report: core.Report, store: FileStore = core.DATABASE) -> str:
    where = f" (now in {store.directory.root})" if store.directory else ""
    return (f"{report.total_rows} rows in {len(report.rows)} tables, {len(report.files)} attachment(s) of "
            f"{report.file_bytes} bytes{where}, at Alembic revision {report.revision}")


@ppi_cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def backup_command(file: Path, force: bool) -> None:
    """Write every table and attachment to FILE, a ZIP archive read in one consistent snapshot (attachments from the
    database or PPI_UPLOAD_DIR, wherever each is)."""
    with progress_bar("Backing up") as progress:
        report = core.backup(db.engine, db.metadata.sorted_tables, file, head=migrations_head(), overwrite=force,
                             progress=progress, store=attachment_store())
    click.echo(f"wrote {file}: {_summary(report)}")


@ppi_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Load the backup FILE into this app's database, which must be empty and migrated (`flask db upgrade`).

    Every table file and attachment is checked against its SHA-256 and everything is loaded in one transaction:
    all or nothing. Attachments go where this installation keeps new ones: PPI_UPLOAD_DIR when set, else the
    database."""
    store = attachment_store()
    with progress_bar("Restoring") as progress:
        report = core.restore(db.engine, db.metadata.sorted_tables, file, head=migrations_head(), progress=progress,
                              store=store)
    click.echo(f"restored {file}: {_summary(report, store)}")


def upgrade_database(url: str) -> None:
    """Run this code's migrations on the database at `url` (an app like this one, bound to it)."""
    import flask_migrate

    from ppi import create_app

    app = create_app(None, **{**current_app.config, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            flask_migrate.upgrade()
        finally:
            db.session.remove()
            db.engine.dispose()


@ppi_cli.command("copy-db")
@click.option("--to", "url", required=True, metavar="URL",
              help="The target database, e.g. postgresql://user:password@host/ppi: empty, migrated to this code's head.")
@click.option("--migrate", is_flag=True, help="Run the migrations on the target first (`flask db upgrade` there).")
@click.option("--to-upload-dir", "upload_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Put the attachments into DIR, the target's PPI_UPLOAD_DIR (default: into the target database).")
def copy_db_command(url: str, migrate: bool, upload_dir: Path | None) -> None:
    """Copy this app's database (e.g. SQLite) into the database at URL (e.g. PostgreSQL), then check row counts
    and every attachment's SHA-256 there. One snapshot read, one transaction written: all or nothing.

    Attachments are read from this database or PPI_UPLOAD_DIR, wherever each is, and written into the target
    database, or into DIR with --to-upload-dir."""
    url = database_url(url)
    shown = sa.make_url(url).render_as_string(hide_password=True)
    if migrate:
        click.echo(f"migrating {shown}", err=True)
        upgrade_database(url)
    target = sa.create_engine(url, poolclass=sa.pool.NullPool)
    target_store = FileStore.at(upload_dir)
    try:
        with progress_bar("Copying") as progress:
            report = core.copy_database(db.engine, target, db.metadata.sorted_tables, head=migrations_head(),
                                        progress=progress,
                                        target_hint="give --migrate, or run `DATABASE_URL=… flask db upgrade` first",
                                        source_store=attachment_store(), target_store=target_store)
    finally:
        target.dispose()
    click.echo(f"copied to {shown}: {_summary(report, target_store)}; row counts and attachment hashes verified")
