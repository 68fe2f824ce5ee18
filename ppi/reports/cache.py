"""The indicators, computed at most every PPI_INDICATORS_CACHE_SECONDS and shared by every app server.

Computing every table reads the whole platform (seconds at 10,000 challenges, and more as it grows), and showing them
takes time too (a table has a row per authority). The figures are aggregates over years: the dashboard shows them as
computed up to a few minutes ago, and says when. They are kept rendered, as the HTML of the page's tables and charts,
in the database (`indicator_cache`, one row per view: audience, organisation, filters and language), never in a
process's memory, so every server and worker shows the same figures and a restart loses nothing. A view is only ever
shown to its own audience (and, for an authority's or a cluster's, to that organisation's members).

A view nobody asked for yet is computed by its first visitor. When a view is older than the limit, the first request
to see it takes the computation upon itself and marks the row; for CLAIM_SECONDS the other requests keep showing the
previous figures instead of all computing at once. `flask ppi refresh-indicators` computes the unfiltered public view
for a timer, so that no visitor waits for it."""
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale

from ppi.core.upsert import upsert
from ppi.extensions import db
from ppi.reports import exports
from ppi.reports.indicators import Filters, Scope
from ppi.reports.models import CachedFigures

CLAIM_SECONDS = 120  # a computation still running after this is taken as failed: the next request tries again
KEEP = timedelta(days=1)  # views not computed again for this long are deleted (filtered views nobody looks at)


# Renders the frames of every table the audience sees (by name) as the page shows them.
Render = Callable[[dict[str, pd.DataFrame]], str]


@dataclass(frozen=True)
class Figures:
    html: str
    computed_at: datetime


def figures(filters: Filters, scope: Scope, now: datetime, render: Render) -> Figures:
    """Every table the audience sees, rendered: from the cache while it is fresh."""
    if not _max_age():
        return Figures(render(exports.compute(filters, scope, now)), now)
    key = view_key(filters, scope)
    stored = db.session.execute(
        sa.select(CachedFigures.computed_at, CachedFigures.html).where(CachedFigures.key == key)).one_or_none()
    if stored is not None and (now - stored.computed_at < _max_age() or not _claim(key, now)):
        return Figures(stored.html, stored.computed_at)
    return refresh(filters, scope, now, render)


def refresh(filters: Filters, scope: Scope, now: datetime, render: Render) -> Figures:
    """Compute and render the view, and store it for every server."""
    computed = Figures(render(exports.compute(filters, scope, now)), now)
    values = {"key": view_key(filters, scope), "computed_at": now, "refreshing_since": None, "html": computed.html}
    upsert(CachedFigures, [values], key=[CachedFigures.key])
    db.session.execute(sa.delete(CachedFigures).where(CachedFigures.computed_at < now - KEEP))
    db.session.commit()
    return computed


def view_key(filters: Filters, scope: Scope) -> str:
    """What the figures depend on besides the data: whose they are, the filters, and the language of their labels."""
    facts = {"audience": scope.audience.value, "organisation": scope.organisation_id, "filters": asdict(filters),
             "locale": str(get_locale())}
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def _max_age() -> timedelta:
    return timedelta(seconds=current_app.config["PPI_INDICATORS_CACHE_SECONDS"])


def _claim(key: str, now: datetime) -> bool:
    """Take the computation of a stale view upon this request, unless another request took it less than
    CLAIM_SECONDS ago (committed at once, so that the other servers see it)."""
    unclaimed = sa.or_(CachedFigures.refreshing_since.is_(None),
                       CachedFigures.refreshing_since < now - timedelta(seconds=CLAIM_SECONDS))
    claimed = db.session.execute(sa.update(CachedFigures).where(CachedFigures.key == key, unclaimed)
                                 .values(refreshing_since=now).execution_options(synchronize_session=False))
    db.session.commit()
    return claimed.rowcount == 1
