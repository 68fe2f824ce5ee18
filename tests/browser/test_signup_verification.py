"""In headless Chromium: a company signs up, the platform admin verifies it, and the company signs in again.

The whole path goes through the real pages, forms (CSRF tokens included), redirects and JavaScript.
"""
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from ppi.accounts.models import Organisation, OrganisationKind, OrgRole, User
from ppi.accounts.workflow import VerificationStatus
from ppi.core.models import OutboxMessage
from ppi.extensions import db
from tests.conftest import PASSWORD, add_user

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "root@platform.test.org"
COMPANY = "Fyn Robotics ApS"
COMPANY_EMAIL = "mette@fynrobotics.example.com"
COMPANY_PASSWORD = "Seven lighthouses on Fyn, 2024"


def label(text: str) -> re.Pattern:
    """A field's label: it starts with the text; labels of required fields go on with " (required)"."""
    return re.compile("^" + re.escape(text) + r"(\s|$)")


def kind_fields(page: Page, kind: str):
    return page.locator(f'.kind-fields[data-kind="{kind}"]')


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label(label("E-mail address")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.locator(".flash-messages")).to_contain_text("You are signed in.")


def navbar(page: Page):
    return page.get_by_role("navigation", name="Main navigation")


def sign_out(page: Page) -> None:
    navbar(page).get_by_role("button", name="Sign out").click()
    expect(page.locator(".flash-messages")).to_contain_text("You are signed out.")
    expect(navbar(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()


def test_signup_fields_follow_the_chosen_kind(live_app, page: Page):
    """app.js shows only the fieldset for the chosen kind of organisation."""
    page.goto("/signup")
    expect(kind_fields(page, "public_authority")).to_be_hidden()  # nothing chosen yet
    expect(kind_fields(page, "company")).to_be_hidden()

    page.get_by_label("Public authority", exact=True).check()
    expect(kind_fields(page, "public_authority")).to_be_visible()
    expect(page.get_by_label(label("Type of contracting authority"))).to_be_visible()
    expect(kind_fields(page, "company")).to_be_hidden()

    page.get_by_label("Company", exact=True).check()
    expect(kind_fields(page, "company")).to_be_visible()
    expect(page.get_by_label(label("Staff headcount"))).to_be_visible()
    expect(kind_fields(page, "public_authority")).to_be_hidden()

    page.get_by_label("Cluster organisation", exact=True).check()
    expect(kind_fields(page, "company")).to_be_hidden()
    expect(kind_fields(page, "public_authority")).to_be_hidden()


def test_company_signs_up_is_verified_by_the_platform_admin_and_signs_in_again(live_app, page: Page):
    with live_app.app_context():
        add_user(ADMIN_EMAIL, None, is_platform_admin=True)
        db.session.commit()

    # 1. The company registers through the sign-up form.
    page.goto("/signup")
    page.get_by_label("Company", exact=True).check()
    expect(kind_fields(page, "company")).to_be_visible()
    expect(kind_fields(page, "public_authority")).to_be_hidden()
    page.get_by_label(label("Name of the organisation")).fill(COMPANY)
    page.get_by_label(label("Country")).select_option("DK")
    page.get_by_label(label("NUTS region code")).fill("dk031")  # the form upper-cases it
    page.get_by_label(label("Registration or VAT number")).fill("DK29403473")
    page.get_by_label(label("Website")).fill("https://fynrobotics.example.com")
    page.get_by_label(label("About the organisation")).fill("Service robots for hospital logistics.")
    page.get_by_label(label("Staff headcount")).fill("23")
    page.get_by_label(label("Annual turnover (EUR)")).fill("4200000")
    page.get_by_label(label("Annual balance-sheet total (EUR)")).fill("2100000")
    page.get_by_label(label("Your name")).fill("Mette Jensen")
    page.get_by_label(label("E-mail address")).fill(COMPANY_EMAIL)
    page.get_by_label(label("Password")).fill(COMPANY_PASSWORD)
    page.get_by_label(label("Repeat the password")).fill(COMPANY_PASSWORD)
    page.get_by_label(label("I confirm that I may act for this organisation")).check()
    page.get_by_role("button", name="Register").click()

    # Signed in straight away, on a dashboard that says the organisation waits for verification.
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.locator(".flash-messages")).to_contain_text("awaits verification by the platform administrator")
    expect(page.get_by_role("heading", name="Welcome, Mette Jensen")).to_be_visible()
    expect(page.get_by_role("heading", name=COMPANY)).to_be_visible()
    expect(page.locator("main .badge")).to_have_text("Awaiting verification")
    expect(page.locator("main .alert-warning")).to_contain_text("checks every new organisation")

    with live_app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == COMPANY))
        assert org is not None
        assert (org.kind, org.verification_status) == (OrganisationKind.COMPANY, VerificationStatus.PENDING)
        assert (org.country, org.nuts_code, org.staff_headcount) == ("DK", "DK031", 23)
        assert org.annual_turnover_eur == Decimal(4_200_000)
        user = db.session.scalar(sa.select(User).where(User.email == COMPANY_EMAIL))
        assert (user.organisation_id, user.org_role) == (org.id, OrgRole.ADMIN)
        to_admin = db.session.scalars(sa.select(OutboxMessage.subject).where(OutboxMessage.to_address == ADMIN_EMAIL)).all()
        assert to_admin == [f"New organisation to verify: {COMPANY}"]
        org_id = org.id

    sign_out(page)

    # 2. The platform admin finds the company among the pending organisations and verifies it.
    sign_in(page, ADMIN_EMAIL, PASSWORD)
    expect(page.get_by_role("link", name="1 organisation awaits verification")).to_be_visible()
    navbar(page).get_by_role("link", name="Verification").click()
    expect(page).to_have_url(re.compile(r"/admin/organisations$"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text([COMPANY, "Company", "Denmark", "DK29403473", re.compile(r"\S")])
    rows.first.get_by_role("link", name=COMPANY).click()

    expect(page).to_have_url(re.compile(rf"/admin/organisations/{org_id}$"))
    expect(page.get_by_role("heading", name=f"Verify {COMPANY}")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Mette Jensen <{COMPANY_EMAIL}>")
    page.get_by_label(re.compile(r"^Verify:")).check()
    page.get_by_label(label("Reason")).fill("Checked against the Danish CVR register.")
    page.get_by_role("button", name="Record the decision").click()

    expect(page).to_have_url(re.compile(r"/admin/organisations$"))
    expect(page.locator(".flash-messages")).to_contain_text(f"{COMPANY}: Verified.")
    expect(page.locator("main")).to_contain_text("No organisations with this status.")
    sign_out(page)

    with live_app.app_context():
        org = db.session.get(Organisation, org_id)
        assert org.verification_status == VerificationStatus.VERIFIED
        assert org.verified_at is not None
        assert org.verification_note == "Checked against the Danish CVR register."
        to_company = db.session.scalars(sa.select(OutboxMessage.subject).where(OutboxMessage.to_address == COMPANY_EMAIL)).all()
        assert "Your organisation on PPI: Verified" in to_company

    # 3. The company signs in again: verified, and no longer waiting.
    sign_in(page, COMPANY_EMAIL, COMPANY_PASSWORD)
    expect(page.get_by_role("heading", name=COMPANY)).to_be_visible()
    expect(page.locator("main .badge")).to_have_text("Verified")
    expect(page.locator("main .alert-warning")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("awaits verification")

    # Verified organisations are public: it appears in the directory.
    page.goto("/organisations/")
    expect(page.get_by_role("link", name=COMPANY)).to_be_visible()
