"""`flask ppi send-reminders`: tell followers of deadlines that come close (run it daily)."""
import click

from ppi.challenges import services
from ppi.core.cli import ppi_cli
from ppi.extensions import db


@ppi_cli.command("send-reminders")
def send_reminders() -> None:
    """Notify followers of questions and proposal deadlines within PPI_REMINDER_DAYS (each deadline once)."""
    count = services.send_deadline_reminders()
    db.session.commit()
    click.echo(f"{count} reminder(s) written (in-app and to the outbox).")
