"""CSRF, headers, cookies, rate limits, error pages, and bad input that must never produce a 500."""
import os
import re

import pytest

from tests.conftest import PASSWORD

REDIS_URL = os.environ.get("PPI_TEST_REDIS_URL")
STORAGES = ["memory://"] + ([REDIS_URL] if REDIS_URL else [])


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_post_without_csrf_token_is_refused(app_factory, world_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    world_factory(app)
    client = app.test_client()
    refused = client.post("/login", data={"email": "admin@company.test.org", "password": PASSWORD})
    assert refused.status_code == 400 and "expired or was sent from elsewhere" in refused.get_data(as_text=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    accepted = client.post("/login", data={"email": "admin@company.test.org", "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302
    assert client.post("/logout").status_code == 400  # signed in, still no token: refused
    assert client.post("/language", data={"locale": "da"}).status_code == 400


def test_security_headers_on_every_page(client, app, world):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/no-such-page").headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role, path", [
    (None, "/"), (None, "/signup"), (None, "/login"), (None, "/organisations/"),
    ("company_admin", "/dashboard"), ("company_admin", "/organisations/{company}/people"),
    ("platform_admin", "/admin/organisations"), ("cluster_admin", "/organisations/{cluster}/memberships"),
])
def test_pages_have_no_inline_scripts_or_styles(client_as, world, role, path):
    """The CSP forbids inline code, so the pages must not rely on it."""
    page = client_as(role).get(path.format(**world.orgs)).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\son[a-z]+=", page) and ' style="' not in page


def test_session_cookie_is_http_only_and_same_site(client, app, world):
    response = client.post("/login", data={"email": "admin@company.test.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_config_demands_a_secret_key_and_secure_cookies(monkeypatch):
    from config import ProductionConfig
    from ppi import create_app

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    assert not ProductionConfig.OUTBOX_UI_ENABLED or os.environ.get("PPI_OUTBOX_UI")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def forget_earlier_counts(storage: str) -> None:
    """The limiter keeps its first key prefix for the process, so a Redis test starts by clearing it."""
    if storage.startswith("redis"):
        import redis

        connection = redis.Redis.from_url(storage)
        for key in connection.scan_iter("*ppi*"):
            connection.delete(key)
        connection.close()


@pytest.mark.parametrize("storage", STORAGES)
def test_failed_sign_ins_are_rate_limited_per_account_and_per_ip(app_factory, world_factory, storage):
    forget_earlier_counts(storage)
    app = app_factory(
        RATELIMIT_STORAGE_URI=storage, LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes", LOGIN_LIMIT_PER_IP="5 per 15 minutes",
    )
    world_factory(app)
    client = app.test_client()

    def sign_in(email, password):
        return client.post("/login", data={"email": email, "password": password}).status_code

    for _attempt in range(4):  # successful sign-ins do not count
        assert sign_in("member@company.test.org", PASSWORD) == 302
    for _attempt in range(3):
        assert sign_in("admin@company.test.org", "wrong-password-1") == 200
    assert sign_in("admin@company.test.org", PASSWORD) == 429  # this account is locked for now
    page = client.post("/login", data={"email": "admin@company.test.org", "password": PASSWORD}).get_data(as_text=True)
    assert "Too many attempts" in page
    assert sign_in("admin@cluster.test.org", PASSWORD) == 302  # another account from this address still works
    for _attempt in range(2):
        assert sign_in("admin@cluster.test.org", "wrong-password-2") == 200
    assert sign_in("admin@authority.test.org", PASSWORD) == 429  # this address has failed five times
    other_ip = client.post("/login", data={"email": "admin@authority.test.org", "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_ip.status_code == 302


def test_error_pages_are_the_applications_own(client, app, world):
    not_found = client.get("/organisations/999999")
    assert not_found.status_code == 404 and "Page not found" in not_found.get_data(as_text=True)
    assert client.get("/organisations/abc").status_code == 404
    wrong_method = client.get("/logout")
    assert wrong_method.status_code == 405 and "Method not allowed" in wrong_method.get_data(as_text=True)


def test_unexpected_errors_render_the_500_page(app, world, client, monkeypatch):
    from ppi.main import views

    monkeypatch.setattr(views, "render_template", lambda *a, **k: 1 / 0)
    monkeypatch.setattr(app.logger, "disabled", True)
    response = client.get("/")
    assert response.status_code == 500 and "Something went wrong on our side" in response.get_data(as_text=True)


NASTY = ["", " ", "x" * 5000, "NaN", "Infinity", "-1e999", "1e999", "\x00", "<script>alert(1)</script>",
         "' OR 1=1 --", "ÆØÅ 日本 🙂", "%00", "../../etc/passwd", "99999999999999999999999"]

POST_ROUTES = [
    ("/signup", None, ["kind", "name", "country", "nuts_code", "registration_number", "website", "authority_type",
                       "staff_headcount", "annual_turnover_eur", "balance_sheet_total_eur", "display_name", "email",
                       "password", "confirm", "accept_terms"]),
    ("/login", None, ["email", "password", "next", "remember"]),
    ("/password/forgot", None, ["email"]),
    ("/account", "company_member", ["display_name", "timezone", "locale"]),
    ("/account/password", "company_member", ["current_password", "password", "confirm"]),
    ("/organisations/{company}/edit", "company_admin", ["name", "country", "nuts_code", "registration_number", "website",
                                                         "description", "staff_headcount", "annual_turnover_eur",
                                                         "balance_sheet_total_eur"]),
    ("/organisations/{company}/people", "company_admin", ["email", "role"]),
    ("/users/{company_member_user}/role", "company_admin", ["role"]),
    ("/users/{company_member_user}/active", "company_admin", ["active"]),
    ("/organisations/{cluster}/membership-request", "company_admin", ["message"]),
    ("/admin/organisations/{unverified}", "platform_admin", ["decision", "note"]),
    ("/language", None, ["locale", "next"]),
]


@pytest.mark.parametrize("path, role, fields", POST_ROUTES, ids=[route[0] for route in POST_ROUTES])
def test_bad_input_never_produces_a_server_error(app, world, client_as, path, role, fields):
    client = client_as(role)
    url = path.format(**world.orgs, company_member_user=world.users["company_member"])
    for value in NASTY:
        response = client.post(url, data={name: value for name in fields})
        assert response.status_code < 500, (value, response.get_data(as_text=True)[:300])
    for arg in ("?page=-1", "?page=99999999999999999999", "?kind=%00", "?status=zzz"):
        assert client_as("platform_admin").get("/admin/organisations" + arg).status_code < 500
        assert client.get("/organisations/" + arg).status_code < 500


VALID_ORGANISATION = {"name": "Renamed ApS", "country": "DK", "nuts_code": "DK031", "registration_number": "1",
                      "website": "", "description": "", "staff_headcount": "3", "annual_turnover_eur": "1",
                      "balance_sheet_total_eur": "1"}
FIELD_NASTY = ["sNaN", "NaN", "-Infinity", "1e999", "\r\nBcc: x@example.org", "x" * 3000, "\x00", "-1"]


def test_one_bad_field_in_an_otherwise_valid_form_never_produces_a_server_error(app, world, client_as):
    client = client_as("company_admin")
    url = f"/organisations/{world.orgs['company']}/edit"
    for name in VALID_ORGANISATION:
        for value in FIELD_NASTY:
            response = client.post(url, data={**VALID_ORGANISATION, name: value})
            assert response.status_code < 500, (name, value)


@pytest.mark.parametrize("path", ["/organisations/99999999999999999999", "/organisations/2147483648",
                                  "/admin/organisations/9223372036854775808", "/challenges/2147483648",
                                  "/admin/outbox/99999999999999999999"])
def test_ids_beyond_the_database_range_are_not_found(client_as, world, path):
    assert client_as("platform_admin").get(path).status_code == 404
    assert client_as("company_admin").post("/users/99999999999999999999/role", data={"role": "admin"}).status_code == 404
