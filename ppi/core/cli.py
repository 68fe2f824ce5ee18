"""The `flask ppi …` command group; each domain's cli.py adds its commands to it."""
import click
from flask.cli import AppGroup

from ppi.core import mail

ppi_cli = AppGroup("ppi", help="PPI administration commands.")


@ppi_cli.command("send-mail")
@click.option("--limit", default=100, show_default=True, help="Messages to send in this run.")
def send_mail(limit: int) -> None:
    """Deliver pending outbox messages over SMTP (MAIL_SERVER must be set)."""
    from flask import current_app

    if not current_app.config.get("MAIL_SERVER"):
        pending = len(mail.pending_messages(limit))
        raise click.ClickException(
            f"MAIL_SERVER is not set; {pending} message(s) wait in the outbox (readable by the platform admin)."
        )
    report = mail.deliver_pending(limit)
    click.echo(f"sent {report.sent}, failed {report.failed}")
