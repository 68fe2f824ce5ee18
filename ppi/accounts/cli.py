"""`flask ppi create-admin` and `flask ppi set-verification`: the same services as the web pages."""
import click
import sqlalchemy as sa

from ppi.accounts import services
from ppi.accounts.models import Organisation, User
from ppi.accounts.workflow import VerificationStatus
from ppi.core.cli import ppi_cli
from ppi.core.errors import DomainError
from ppi.extensions import db


@ppi_cli.command("create-admin")
@click.option("--email", required=True, help="E-mail address of the platform administrator.")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.password_option(help="Password (asked for when not given).")
def create_admin(email: str, display_name: str, password: str) -> None:
    """Create a platform administrator account."""
    try:
        services.create_platform_admin(email, display_name, password)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Platform administrator {email} created.")


@ppi_cli.command("set-verification")
@click.argument("organisation_id", type=int)
@click.argument("status", type=click.Choice([s.value for s in VerificationStatus if s != VerificationStatus.PENDING]))
@click.option("--as", "admin_email", required=True, help="E-mail of the platform administrator deciding.")
@click.option("--note", default="", help="Reason (required to reject or suspend).")
def set_verification(organisation_id: int, status: str, admin_email: str, note: str) -> None:
    """Verify, reject or suspend an organisation."""
    admin = db.session.scalar(sa.select(User).where(User.email == services.normalise_email(admin_email)))
    org = db.session.get(Organisation, organisation_id)
    if admin is None or org is None:
        raise click.ClickException("No such administrator or organisation.")
    try:
        services.set_verification(admin, org, VerificationStatus(status), note)
    except DomainError as error:
        raise click.ClickException(error.message or "Not allowed.") from error
    db.session.commit()
    click.echo(f"{org.name}: {org.verification_status.value}")
