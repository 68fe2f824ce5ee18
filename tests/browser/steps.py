"""Steps every browser journey shares: finding labelled fields, the navbar, flash messages, signing in and out."""
import re

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


def label(text: str) -> re.Pattern:
    """A field's label: it starts with the text; labels of required fields go on with " (required)"."""
    return re.compile("^" + re.escape(text) + r"(\s|$)")


def navbar(page: Page):
    return page.get_by_role("navigation", name="Main navigation")


def flash(page: Page):
    return page.locator(".flash-messages")


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label(label("E-mail address")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(flash(page)).to_contain_text("You are signed in.")


def sign_out(page: Page) -> None:
    navbar(page).get_by_role("button", name="Sign out").click()
    expect(flash(page)).to_contain_text("You are signed out.")
    expect(navbar(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()
