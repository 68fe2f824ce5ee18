"""Sign-up, sign-in and out, safe redirects, password change and reset, through the app."""
import re

import pytest
import sqlalchemy as sa

from ppi.accounts.models import Organisation, OrgRole, User
from ppi.accounts.workflow import VerificationStatus
from ppi.core.models import AuditEntry, OutboxMessage
from ppi.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "Fjordblue-Lighthouse-77"


def signup_form(**overrides):
    form = {
        "kind": "company", "name": "Nordic Sensors ApS", "country": "DK", "nuts_code": "dk031",
        "registration_number": "41234567", "website": "https://nordic-sensors.example.org", "description": "",
        "authority_type": "", "staff_headcount": "12", "annual_turnover_eur": "2500000",
        "balance_sheet_total_eur": "1800000", "display_name": "Ida Berg", "email": "Ida.Berg@Nordic-Sensors.example.org",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "accept_terms": "y",
    }
    form.update(overrides)
    return form


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_signup_creates_a_pending_organisation_with_its_admin(app, world, client):
    response = client.post("/signup", data=signup_form())
    assert response.status_code == 302 and response.location == "/dashboard"
    assert "awaits verification" in client.get("/dashboard").get_data(as_text=True)
    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Nordic Sensors ApS"))
        assert org.verification_status == VerificationStatus.PENDING
        assert org.nuts_code == "DK031" and org.size_class.value == "small"
        user = org.users[0]
        assert user.email == "ida.berg@nordic-sensors.example.org"  # stored lower-case
        assert user.org_role == OrgRole.ADMIN
        assert user.password_hash.startswith("scrypt:")
        recipients = set(db.session.scalars(sa.select(OutboxMessage.to_address)))
    assert "root@platform.test.org" in recipients  # the platform admin is asked to verify
    assert {"organisation.created", "user.created"} <= set(audit_actions(app))


def test_signup_keeps_what_was_typed_and_shows_errors_next_to_fields(app, world, client):
    response = client.post("/signup", data=signup_form(nuts_code="SE224", staff_headcount="", password="password1234", confirm="x"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Nordic Sensors ApS"' in page and 'value="41234567"' in page
    assert 'id="nuts_code-error"' in page and "starts with DK" in page
    assert 'id="staff_headcount-error"' in page
    assert 'id="password-error"' in page and "commonly used" in page
    assert 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 5  # nothing added


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"kind": "public_authority", "authority_type": ""}, "authority_type"),
        ({"kind": "nonsense"}, "kind"),
        ({"country": "XX"}, "country"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"annual_turnover_eur": "lots"}, "annual_turnover_eur"),
        ({"staff_headcount": "-3"}, "staff_headcount"),
        ({"email": "admin@company.test.org"}, "email"),  # taken, in another case
        ({"email": "not-an-address"}, "email"),
        ({"accept_terms": ""}, "accept_terms"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_bad_signup_input_is_refused_at_the_field(app, world, client, overrides, field):
    if field == "email" and "@company" in overrides.get("email", ""):
        overrides = {"email": "ADMIN@Company.Test.Org"}
    response = client.post("/signup", data=signup_form(**overrides))
    assert response.status_code in (200, 400)
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_sign_in_and_out(app, world, client):
    response = client.post("/login", data={"email": "Admin@Company.test.org", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/dashboard"
    assert "Test Company ApS" in client.get("/dashboard").get_data(as_text=True)
    assert client.get("/logout").status_code == 405  # sign-out is POST only
    assert client.post("/logout").status_code == 302
    assert client.get("/dashboard").status_code == 302  # back to the sign-in page
    actions = audit_actions(app)
    assert "user.signed_in" in actions and "user.signed_out" in actions


def test_wrong_password_is_refused_and_audited(app, world, client):
    response = client.post("/login", data={"email": "admin@company.test.org", "password": "wrong-password-123"})
    assert response.status_code == 200
    assert "not correct" in response.get_data(as_text=True)
    assert "user.sign_in_failed" in audit_actions(app)
    unknown = client.post("/login", data={"email": "nobody@nowhere.org", "password": "whatever-it-is"})
    assert "not correct" in unknown.get_data(as_text=True)  # the same answer: accounts are not revealed


def test_a_blocked_user_cannot_sign_in(app, world, client):
    with app.app_context():
        db.session.get(User, world.users["company_member"]).active = False
        db.session.commit()
    response = client.post("/login", data={"email": "member@company.test.org", "password": PASSWORD})
    assert response.status_code == 200 and "not correct" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/organisations/", "/organisations/"),
        ("https://evil.example.com/", "/dashboard"),
        ("//evil.example.com/", "/dashboard"),
        ("/\\evil.example.com", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_never_redirects_off_site(app, world, client, target, expected):
    response = client.post("/login", data={"email": "admin@company.test.org", "password": PASSWORD, "next": target})
    assert response.location == expected


def test_protected_page_sends_anonymous_to_sign_in_and_back(app, world, client):
    response = client.get("/account")
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    form_page = client.get(response.location).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account"' in form_page


def test_change_password_keeps_this_session_and_ends_the_others(app, world, client_as):
    here, elsewhere = client_as("company_admin"), client_as("company_admin")
    wrong = here.post("/account/password", data={"current_password": "nope-nope-nope", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert 'id="current_password-error"' in wrong.get_data(as_text=True)
    response = here.post("/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302  # signed out by the change
    assert "user.password_changed" in audit_actions(app)


def _reset_link(app) -> str:
    with app.app_context():
        body = db.session.scalars(sa.select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"(/password/reset/\S+)", body).group(1)


def test_password_reset_by_e_mail_token_works_once(app, world, client):
    response = client.post("/password/forgot", data={"email": "member@company.test.org"})
    assert response.status_code == 302
    link = _reset_link(app)
    assert client.get(link).status_code == 200
    short = client.post(link, data={"password": "short", "confirm": "short"})
    assert 'id="password-error"' in short.get_data(as_text=True)
    assert client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert client.get(link).status_code == 404  # the password changed, so the link is spent
    ok = client.post("/login", data={"email": "member@company.test.org", "password": NEW_PASSWORD})
    assert ok.status_code == 302
    assert {"user.password_reset_requested", "user.password_reset"} <= set(audit_actions(app))


def test_password_reset_reveals_nothing_about_unknown_addresses(app, world, client):
    response = client.post("/password/forgot", data={"email": "nobody@nowhere.org"}, follow_redirects=True)
    assert "If an account uses this address" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize("token", ["garbage", "x" * 500, "eyJ1c2VyIjoxfQ.abc.def"])
def test_forged_reset_tokens_are_refused(app, world, client, token):
    assert client.get(f"/password/reset/{token}").status_code == 404
    assert client.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 404


def test_expired_reset_token_is_refused(app_factory, world_factory):
    from datetime import timedelta

    app = app_factory(PASSWORD_RESET_TTL=timedelta(seconds=-1))
    world_factory(app)
    client = app.test_client()
    client.post("/password/forgot", data={"email": "member@company.test.org"})
    assert client.get(_reset_link(app)).status_code == 404


def test_profile_sets_name_time_zone_and_language(app, world, client_as):
    client = client_as("company_member")
    bad = client.post("/account", data={"display_name": "", "timezone": "Mars/Olympus", "locale": "xx"})
    page = bad.get_data(as_text=True)
    assert 'id="display_name-error"' in page and 'id="timezone-error"' in page and 'id="locale-error"' in page
    response = client.post("/account", data={"display_name": "Mia", "timezone": "Europe/Vienna", "locale": "de"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, world.users["company_member"])
        assert (user.display_name, user.timezone, user.locale) == ("Mia", "Europe/Vienna", "de")
    assert 'value="de" lang="de" selected' in client.get("/").get_data(as_text=True)
