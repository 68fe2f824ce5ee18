"""Writing to the audit log; every service calls `record` for each change it makes."""
from typing import Any, Protocol

from flask import has_request_context, request

from ppi.core.models import AuditEntry
from ppi.extensions import db


class Actor(Protocol):
    id: int
    email: str


def record(
    actor: Actor | None,
    action: str,
    obj: Any,
    *,
    organisation_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEntry:
    """Add an audit entry for `action` on `obj` (flushed with the change, committed with it)."""
    db.session.flush()  # a new object gets its id here
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "system",
        organisation_id=organisation_id,
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
        note=note or None,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
