"""`flask ppi refresh-matching`: write every company's match document again (after an upgrade or a restore)."""
import click

from ppi.core.cli import ppi_cli
from ppi.extensions import db
from ppi.matching import services


@ppi_cli.command("refresh-matching")
def refresh_matching() -> None:
    """Rebuild the match documents from the competences and decided proposals; app servers pick them up."""
    count = services.refresh_all_documents()
    db.session.commit()
    click.echo(f"{count} match document(s) written.")
