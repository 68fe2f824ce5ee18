"""Whole rendered pages kept for anonymous visitors, and the data version that retires them.

A page opts in with `@cached_page(until=…)` under its route. For an anonymous GET/HEAD without pending flash
messages, the page is looked up by its full URL, the visitor's locale and time zone, and the *data version*: a token
in the one-row table `data_version` that changes after every committed write that can change a public page. A hit
costs that one query; a miss renders as usual and keeps the 200 response until the earlier of PPI_PAGE_CACHE_SECONDS
and the next moment the page changes by time alone (`until(now)`, e.g. the next challenge deadline).

The version changes after the commit, not inside the writing transaction: a counter updated in every write
transaction would hold its row lock until that transaction ends and so make every writer wait for the others. Instead
each database connection notes the writes it sends (`_note_write`, which skips the tables of UNCOUNTED_TABLES), and
when a connection that committed such a write goes back to the pool (right after the commit, before the view
returns) a short transaction of its own writes a new random token. A request that reads the version between a
commit and its new token may be served the page as it was before the commit: it ran at the same time as the write,
so it may as well have come before it; every request after the writer's response sees the new token. A page kept
under a token is never shown under another one, and a token never comes back (random, not a counter that a restored
backup could set back).

Storage is each worker's memory (`VersionedCache`): a hit is then a dictionary lookup beside the version query, which
the database or Redis could not beat (they would add a round trip of the page's size), and a new version leaves the
old pages unreachable anyway. At most PPI_PAGE_CACHE_MAX_MB of page bodies per worker, least recently used out first.

Each visitor keeps a CSRF token of their own: the token rendered into a page (Flask-WTF's, the same for the whole
request) is replaced by a placeholder before the page is kept, and every response, hit or miss, carries the token of
its own session, set as without the cache.
"""
import logging
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from ppi.core import timeutil
from ppi.extensions import db

log = logging.getLogger(__name__)

# Writes to these tables never change what a public page shows; every other table counts. Keep the list short.
UNCOUNTED_TABLES = frozenset({
    "audit_entries", "outbox_messages", "notifications",  # the append-only log, e-mails waiting, in-app notices
    "indicator_cache",  # the indicator dashboards' own cache (ppi/reports/cache.py)
    "data_version",  # this module's token
})
# Updates that set only these columns of a table do not count either: signing in (accounts.services.authenticate).
UNCOUNTED_COLUMNS = {"users": frozenset({"last_login_at"})}

_WRITE_TARGET = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:"?\w+"?\.)?"?(\w+)"?', re.IGNORECASE)
_SET_COLUMN = re.compile(r'(?:\bSET|,)\s*"?(\w+)"?\s*=', re.IGNORECASE)
_READ_ONLY = re.compile(r"\s*(?:SELECT|WITH|PRAGMA|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SHOW|EXPLAIN|SET|ANALYZE)\b",
                        re.IGNORECASE)
_WRITE_ANYWHERE = re.compile(r"\b(?:INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\S+\s+SET)\b", re.IGNORECASE)

_WRITTEN = "ppi.pagecache.written"  # in a connection's info: this transaction wrote something that counts
_COMMITTED = "ppi.pagecache.committed"  # … and committed it: new token when the connection is given back

_PLACEHOLDER = b"\x00ppi-csrf-token\x00"  # NUL never occurs in a page (nor in what visitors may send)


class DataVersion(db.Model):
    """One row (id 1): a token that changes after every committed change to what public pages show. Made by the
    migration; without it (a database made by `create_all`) nothing is cached."""

    __tablename__ = "data_version"
    __table_args__ = {"info": {"backup": False}}  # each database has its own (ppi.core.backup.backed_up)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(sa.String(32))


def changes_public_data(statement: str) -> bool:
    """Whether an SQL statement may change what a public page shows: a write to a table that counts, or anything
    that is not plainly a read (DDL, TRUNCATE, several statements at once)."""
    if ";" in statement.strip().rstrip(";"):
        return True
    target = _WRITE_TARGET.match(statement)
    if target is not None:
        table = target.group(1).lower()
        if table in UNCOUNTED_TABLES:
            return False
        ignored = UNCOUNTED_COLUMNS.get(table)
        if ignored is None or statement.lstrip()[:6].upper() != "UPDATE":
            return True
        assignments = re.split(r"\sWHERE\s", statement[target.end():], maxsplit=1, flags=re.IGNORECASE)[0]
        columns = {column.lower() for column in _SET_COLUMN.findall(assignments)}
        return not columns or not columns <= ignored
    if _READ_ONLY.match(statement):
        return statement.lstrip()[:4].upper() == "WITH" and _WRITE_ANYWHERE.search(statement) is not None
    return True


def _note_write(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if not conn.info.get(_WRITTEN) and changes_public_data(statement):
        conn.info[_WRITTEN] = True


def _forget_writes(conn) -> None:
    conn.info.pop(_WRITTEN, None)


def _note_commit(conn) -> None:
    if conn.info.pop(_WRITTEN, False):
        conn.info[_COMMITTED] = True


def _new_version_on_checkin(dbapi_connection, record) -> None:
    """A connection is back in the pool (after its transaction's commit and reset): if that transaction changed
    public data, give the data a new version, in a transaction of its own on the same connection."""
    if record is None or not record.info.pop(_COMMITTED, False) or dbapi_connection is None:
        return
    cursor = dbapi_connection.cursor()
    try:
        # A literal, not a parameter: the drivers' placeholders differ, and the token is our own hex digits.
        cursor.execute(f"UPDATE data_version SET token = '{secrets.token_hex(16)}' WHERE id = 1")
        dbapi_connection.commit()
    except Exception as error:  # each driver has its own error classes; pages then live until their TTL at most
        dbapi_connection.rollback()
        log.warning("could not record a new data version (%s): cached pages may be stale for up to "
                    "PPI_PAGE_CACHE_SECONDS", error)
    finally:
        cursor.close()


def register_page_cache(app: Flask) -> None:
    """Watch the app's database connections for committed changes (in every process: web, CLI, timers)."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        event.listen(engine, "before_cursor_execute", _note_write)
        event.listen(engine, "begin", _forget_writes)
        event.listen(engine, "rollback", _forget_writes)
        event.listen(engine, "commit", _note_commit)
        event.listen(engine, "checkin", _new_version_on_checkin)


_VERSION_QUERY = sa.select(DataVersion.__table__.c.token).where(DataVersion.__table__.c.id == 1)


def data_version() -> str | None:
    """The current data version (one query), or None when nothing may be cached: no version row, or this
    transaction has written what it has not committed yet (what it reads is not what the version stands for)."""
    db.session.flush()  # pending changes are writes of this transaction too
    connection = db.session.connection()
    token = connection.scalar(_VERSION_QUERY)  # Core, not the ORM: this query is most of what a hit costs
    if token is None or connection.info.get(_WRITTEN):
        return None
    return token


class VersionedCache:
    """Values of one data version, least recently used out first once their costs pass `capacity`; the first value
    of another version empties it (the older ones would never be read again). Thread-safe."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._lock = threading.Lock()
        self._version: str | None = None
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._cost = 0

    def get(self, version: str, key: Hashable) -> Any | None:
        with self._lock:
            if version != self._version or key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key][0]

    def put(self, version: str, key: Hashable, value: Any, cost: int = 1) -> None:
        if cost > self.capacity:
            return
        with self._lock:
            if version != self._version:
                self._version, self._entries, self._cost = version, OrderedDict(), 0
            if key in self._entries:
                self._cost -= self._entries.pop(key)[1]
            self._entries[key] = (value, cost)
            self._cost += cost
            while self._cost > self.capacity:
                self._cost -= self._entries.popitem(last=False)[1][1]

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def cost(self) -> int:
        return self._cost


@dataclass(frozen=True)
class CachedPage:
    body: bytes  # with _PLACEHOLDER where the CSRF token was
    content_type: str
    expires: datetime
    has_csrf_token: bool


def page_store() -> VersionedCache:
    """This app's pages in this process."""
    store = current_app.extensions.get("ppi.pagecache")
    if store is None:
        capacity = int(current_app.config["PPI_PAGE_CACHE_MAX_MB"] * 1024 * 1024)
        store = current_app.extensions.setdefault("ppi.pagecache", VersionedCache(capacity))
    return store


def cached_page(until: Callable[[datetime], datetime | None] | None = None):
    """Serve the decorated view's page from the cache to anonymous visitors. `until(now)` is the next moment after
    `now` at which the page may change without any write to the database (a deadline passing), or None; it is asked
    on a miss only. The view must show nothing that depends on the visitor but their locale, time zone, the URL and
    the CSRF token (that is: signed-in visitors and flash messages bypass the cache)."""

    def decorate(view):
        @wraps(view)
        def cached_view(*args, **kwargs):
            seconds = current_app.config["PPI_PAGE_CACHE_SECONDS"]
            if seconds <= 0 or not _anonymous_read():
                return view(*args, **kwargs)
            version = data_version()
            if version is None:
                return view(*args, **kwargs)
            key = (request.url, str(get_locale()), str(get_timezone()))
            now = timeutil.utcnow()
            page = page_store().get(version, key)
            if page is not None and now < page.expires:
                return _served(page)
            response = current_app.make_response(view(*args, **kwargs))
            page = _page_to_keep(response, _expiry(now, seconds, until))
            if page is not None:
                page_store().put(version, key, page, len(page.body))
            return response

        return cached_view

    return decorate


def _anonymous_read() -> bool:
    return request.method in ("GET", "HEAD") and not current_user.is_authenticated and not session.get("_flashes")


def _expiry(now: datetime, seconds: int, until: Callable[[datetime], datetime | None] | None) -> datetime:
    expires = now + timedelta(seconds=seconds)
    changes = until(now) if until is not None else None
    return min(expires, changes) if changes is not None else expires


def _csrf_token_of_request() -> str | None:
    """The CSRF token the page was rendered with, if it was given one (Flask-WTF keeps it in `g`)."""
    return g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))


def _page_to_keep(response: Response, expires: datetime) -> CachedPage | None:
    """The page to keep, or None: only a plain 200 page, rendered without flashing anything."""
    if (response.status_code != 200 or response.is_streamed or response.direct_passthrough
            or set(response.headers.keys()) - {"Content-Type", "Content-Length"} or session.get("_flashes")):
        return None
    body, token = response.get_data(), _csrf_token_of_request()
    if token:
        body = body.replace(token.encode(), _PLACEHOLDER)
    return CachedPage(body, response.content_type, expires, has_csrf_token=bool(token))


def _served(page: CachedPage) -> Response:
    body = page.body.replace(_PLACEHOLDER, generate_csrf().encode()) if page.has_csrf_token else page.body
    return current_app.response_class(body, content_type=page.content_type)
