"""`flask ppi orphan-files`: files in PPI_UPLOAD_DIR that no stored file's row names, listed or removed."""
import time

import click
import sqlalchemy as sa

from ppi.core.cli import ppi_cli
from ppi.core.files import attachment_store, human_size
from ppi.core.models import StoredFile
from ppi.extensions import db


@ppi_cli.command("orphan-files")
@click.option("--delete", is_flag=True, help="Remove them (without it they are only listed).")
@click.option("--min-age", default=60, show_default=True, type=click.IntRange(min=1), metavar="MINUTES",
              help="Leave files written less than MINUTES ago: they may belong to an upload not yet committed.")
def orphan_files(delete: bool, min_age: int) -> None:
    """List the files in PPI_UPLOAD_DIR that no attachment refers to: left by uploads, restores or copies that were
    rolled back or interrupted. They are harmless; --delete removes them."""
    store = attachment_store()
    if store.directory is None:
        raise click.ClickException("PPI_UPLOAD_DIR is not set: attachments are in the database, no file is left over")
    written_before = time.time() - min_age * 60  # taken before the rows are read: a file written later is kept
    referenced = set(db.session.scalars(sa.select(StoredFile.location).where(StoredFile.location.is_not(None))))
    orphans = store.directory.orphans(referenced, written_before)
    total = 0
    for path in orphans:
        size = path.stat().st_size
        total += size
        if delete:
            path.unlink(missing_ok=True)
        click.echo(f"{'removed ' if delete else ''}{path.relative_to(store.directory.root)} ({size} bytes)")
    verb = "removed" if delete else "found (give --delete to remove them)"
    click.echo(f"{len(orphans)} orphan file(s) of {human_size(total)} {verb}")
