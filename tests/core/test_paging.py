"""Pagination with a capped count (ppi.core.paging): exact below the cap, "more than" above it, always a next page
while there is one."""
import pytest
import sqlalchemy as sa

from bench.data import generate
from ppi.challenges.models import Challenge
from ppi.core.paging import CappedPage, paginate
from ppi.extensions import db


@pytest.mark.parametrize("page, total, exact, pages, has_next", [
    (1, 20, True, 1, False),  # everything on one page
    (1, 30, True, 2, True),
    (2, 30, True, 2, False),
    (1, 50, False, 2, True),  # more than 50: the next page exists even where the known pages end
    (2, 50, False, 2, True),
])
def test_what_a_page_knows_of_the_others(page, total, exact, pages, has_next):
    shown = CappedPage(items=[], page=page, per_page=25, total=total, exact=exact)
    assert (shown.pages, shown.has_next, shown.has_prev) == (pages, has_next, page > 1)


def test_the_count_stops_at_the_cap_or_the_end_of_the_page(app):
    with app.app_context():
        with db.engine.begin() as connection:
            generate(connection, challenges=40)
        everything = sa.select(Challenge).order_by(Challenge.id)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Challenge))
        exact = paginate(everything, 1, 10, cap=100)
        assert (exact.total, exact.exact, [c.id for c in exact.items]) == (total, True, list(range(1, 11)))
        capped = paginate(everything, 1, 10, cap=15)
        assert (capped.total, capped.exact, capped.has_next) == (15, False, True)
        deep = paginate(everything, 3, 10, cap=15)  # past the cap: counted to the end of the page
        assert (deep.total, deep.exact, [c.id for c in deep.items]) == (30, False, list(range(21, 31)))
        last = paginate(everything, 4, 10, cap=15)
        assert (last.total, last.exact, last.has_next) == (total, True, False)


@pytest.mark.parametrize("path", ["/challenges/", "/api/v1/challenges"])
def test_the_lists_past_the_count_cap_still_lead_on(app, path, monkeypatch):
    """With more matches than the count goes to, the list says "more than", and every page links to the next."""
    monkeypatch.setattr("ppi.core.paging.COUNT_CAP", 30)
    with app.app_context():
        with db.engine.begin() as connection:
            generate(connection, challenges=120)
        public = db.session.scalar(sa.select(sa.func.count()).select_from(Challenge).where(Challenge.published_at.is_not(None)))
        db.session.remove()
    assert public > 60
    client = app.test_client()
    if path.startswith("/api"):
        body = client.get(path, query_string={"page": 2}).get_json()
        assert body["meta"] == {"page": 2, "per_page": 25, "total": 50, "total_exact": False}
        assert body["links"]["next"] and body["links"]["last"] is None
    else:
        page = client.get(path, query_string={"page": 2, "status": ""}).get_data(as_text=True)  # every public one
        assert "More than 50 challenges found" in page and "Page 2 of more than 2" in page
        assert "page=3" in page
