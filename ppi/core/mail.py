"""The e-mail outbox: messages are queued in the caller's transaction and delivered by a command."""
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from ppi.core.models import OutboxMessage
from ppi.core.timeutil import utcnow
from ppi.extensions import db

MAX_ATTEMPTS = 5


def queue_mail(to_address: str, subject: str, body: str) -> OutboxMessage:
    subject = " ".join(subject.split())[:255]  # a header is one line, whatever the text it came from
    message = OutboxMessage(to_address=to_address, subject=subject, body=body)
    db.session.add(message)
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def pending_messages(limit: int, skip_ids: frozenset[int] = frozenset()) -> list[OutboxMessage]:
    """Unsent messages, oldest first; the rows are locked so that two senders never take the same one."""
    stmt = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if skip_ids:
        stmt = stmt.where(OutboxMessage.id.not_in(skip_ids))
    return list(db.session.scalars(stmt))


def _smtp_connection() -> smtplib.SMTP:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    connection = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
        connection.starttls()
    if config["MAIL_USERNAME"]:
        connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return connection


def _as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email


def deliver_pending(limit: int = 100) -> DeliveryReport:
    """Send pending messages over SMTP one at a time, committing after each, so none is ever sent twice.

    A message that fails (refused by the server, or malformed) records the error and is retried by a later
    run, up to MAX_ATTEMPTS; it never holds up the others.
    """
    report = DeliveryReport()
    tried: set[int] = set()
    connection = None
    try:
        while len(tried) < limit:
            batch = pending_messages(1, frozenset(tried))
            if not batch:
                break
            message = batch[0]
            tried.add(message.id)
            connection = connection or _smtp_connection()
            _send(connection, message, report)
            db.session.commit()
    finally:
        if connection is not None:
            connection.quit()
    return report


def _send(connection: smtplib.SMTP, message: OutboxMessage, report: DeliveryReport) -> None:
    message.attempts += 1
    try:
        connection.send_message(_as_email(message))
    except (smtplib.SMTPException, ValueError) as error:
        message.last_error = str(error)[:2000]
        report.failed += 1
    else:
        message.sent_at = utcnow()
        message.last_error = None
        report.sent += 1


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails and CLI output, built from PPI_BASE_URL without a request."""
    base = urlsplit(current_app.config["PPI_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme or "https", script_name=base.path or "/")
    return adapter.build(endpoint, values, force_external=True)
