"""Tell people about something: an in-app notification and an e-mail through the outbox, each in the
recipient's language."""
from typing import Any, Iterable, Protocol

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from ppi.core.mail import external_url, queue_mail
from ppi.core.models import Notification
from ppi.core.timeutil import utcnow
from ppi.extensions import db


class Recipient(Protocol):
    id: int
    email: str
    locale: str | None
    active: bool


def notify(recipients: Iterable[Recipient], message: Any, endpoint: str, **values) -> int:
    """`message` is a lazy string, rendered per recipient; returns how many were notified."""
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    count = 0
    for recipient in {r.id: r for r in recipients if r.active}.values():
        with force_locale(recipient.locale or default_locale):
            text = str(message)
            link = external_url(endpoint, **values)
        db.session.add(Notification(user_id=recipient.id, text=text[:500], link=_path(endpoint, values)))
        queue_mail(recipient.email, text[:255], f"{text}\n\n{link}\n")
        count += 1
    return count


def _path(endpoint: str, values: dict) -> str:
    adapter = current_app.url_map.bind("localhost")
    return adapter.build(endpoint, values)


def unread_count(user_id: int) -> int:
    return db.session.scalar(sa.select(unread_count_of(user_id)))


def unread_count_of(user_id) -> sa.ScalarSelect:
    """The number of unread notifications of `user_id` (a value, or a column to read it with its user)."""
    return sa.select(sa.func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery()


def mark_all_read(user_id: int) -> None:
    db.session.execute(
        sa.update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None)).values(read_at=utcnow())
    )
