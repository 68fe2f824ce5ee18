"""`flask ppi verify-receipt DIGEST`: recompute a submission receipt from what is stored."""
import click

from ppi.core.cli import ppi_cli
from ppi.proposals import services


@ppi_cli.command("verify-receipt")
@click.argument("digest")
def verify_receipt(digest: str) -> None:
    """Find the proposal version with this SHA-256 receipt and check that its stored content and files still give it."""
    found = services.versions_with_digest(digest)
    if not found:
        raise click.ClickException("No submitted version has this receipt.")
    failed = False
    for version in found:
        problems = services.verify(version)
        where = f"proposal {version.proposal_id}, version {version.number}, submitted {version.submitted_at.isoformat()}"
        if problems:
            failed = True
            click.echo(f"DOES NOT VERIFY: {where}: {', '.join(problems)} changed.")
        else:
            click.echo(f"verified: {where}")
    if failed:
        raise SystemExit(1)
