"""Language switching, locale formatting, time zones, the home page and dashboards per role."""
from datetime import datetime, timezone
from decimal import Decimal

from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from ppi.core.models import AuditEntry
from ppi.extensions import db

from ppi.core.templating import datetime_filter, money_filter
from tests.pools.support import add_pool


def test_language_switcher_remembers_the_choice(client, app, world):
    response = client.post("/language", data={"locale": "da", "next": "/organisations/"})
    assert response.status_code == 302 and response.location == "/organisations/"
    page = client.get("/").get_data(as_text=True)
    assert 'value="da" lang="da" selected' in page
    assert '<html lang="da">' in page  # the Danish catalogue is compiled (make install): the page is in Danish
    assert client.post("/language", data={"locale": "xx", "next": "https://evil.example.com"}).location == "/"


def test_browser_language_is_used_when_nothing_was_chosen(client, app, world):
    page = client.get("/", headers={"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert 'value="de" lang="de" selected' in page


def test_amounts_and_dates_follow_the_locale_and_time_zone(app):
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)
    with app.test_request_context():
        with force_locale("en"):
            assert money_filter(Decimal("1234567.5")) == "€1,234,567.50"
        with force_locale("da"):
            assert money_filter(Decimal("1234567.5")).replace("\xa0", " ") == "1.234.567,50 €"
            assert money_filter(Decimal("1475000"), "DKK").replace("\xa0", " ") == "1.475.000,00 kr."  # a pool in DKK
            assert "2. mar. 2026" in datetime_filter(moment)  # 00:30 on 2 March in Copenhagen
        with force_locale("de"):
            assert "02.03.2026" in datetime_filter(moment)
            assert money_filter(Decimal("1475000"), "DKK").replace("\xa0", " ") == "1.475.000,00 DKK"


def test_a_pool_shows_its_amounts_in_its_currency_the_viewers_way(app, world, client):
    with app.app_context():
        pool_id = add_pool(world)  # in DKK, grants up to 1,475,000
    danish = client.get(f"/pools/{pool_id}", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "1.475.000,00\xa0kr." in danish
    assert "DKK1,475,000.00" in client.get(f"/pools/{pool_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_signed_in_users_see_times_in_their_zone(app, world, client_as):
    client = client_as("company_admin")
    client.post("/account", data={"display_name": "Zoned", "timezone": "America/New_York", "locale": "en"})
    log = client.get(f"/organisations/{world.orgs['company']}/audit").get_data(as_text=True)
    with app.app_context():
        occurred = db.session.scalar(sa.select(AuditEntry.occurred_at).where(AuditEntry.action == "user.profile_updated"))
    local = occurred.astimezone(ZoneInfo("America/New_York"))
    shown = f"{local.month}/{local.day}/{local.year % 100}, {local.hour % 12 or 12}:{local.minute:02d}"
    assert shown in log.replace("\u202f", " ")


def test_home_page_explains_the_platform_and_links_each_roles_journey(client, app, world):
    page = client.get("/").get_data(as_text=True)
    assert "Directive 2014/24/EU" in page and "test users" in page
    for kind in ("public_authority", "company", "cluster"):
        assert f"/signup?kind={kind}" in page
    assert "Skip to main content" in page


@pytest.mark.parametrize("role, expected", [
    ("platform_admin", "organisation awaits verification"),
    ("cluster_admin", "1 request to decide"),
    ("company_admin", "find a cluster to join"),
    ("authority_member", "People and invitations"),
    ("unverified_admin", "checks every new organisation"),
])
def test_dashboard_fits_the_role(client_as, world, role, expected):
    assert expected in client_as(role).get("/dashboard").get_data(as_text=True)


def test_navigation_fits_the_role(client_as, world):
    anonymous = client_as(None).get("/").get_data(as_text=True)
    assert "Sign in" in anonymous and "Verification" not in anonymous
    admin = client_as("platform_admin").get("/").get_data(as_text=True)
    assert "/admin/organisations" in admin and "/admin/outbox" in admin
    member = client_as("company_member").get("/").get_data(as_text=True)
    assert "/admin/" not in member and f"/organisations/{world.orgs['company']}/audit" not in member
