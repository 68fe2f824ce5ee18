"""In headless Chromium, with the keyboard alone (Tab, Shift+Tab, Enter, Space; the arrow keys inside a select and a
group of radio buttons): a company submits a proposal, and a test user gives feedback on a pilot.

At every key press the element that has the focus must show it (a visible outline or box shadow, WCAG 2.4.7). Each
form is first sent incomplete: the errors must be announced (aria-invalid, aria-describedby naming the error's text),
the first field in error must have the focus, and the page in its error state must pass axe's WCAG 2.1 AA rules.
"""
import re
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from ppi.extensions import db
from ppi.pilots import services as pilot_services
from ppi.pilots import sus
from ppi.pilots.models import Feedback, Pilot, TestUser
from ppi.pilots.workflow import PilotStatus
from ppi.proposals.models import Proposal
from ppi.proposals.workflow import ProposalStatus
from tests.browser.axe import describe, violations
from tests.browser.steps import flash, label, navbar
from tests.conftest import PASSWORD, add_challenge, build_world
from tests.pilots.helpers import add_pilot

pytestmark = pytest.mark.browser

COMPANY = "admin@company.test.org"
CHALLENGE = "Night-time fall alerts without wearables"
SOLUTION = "NightWatch ceiling radar"

# What the focused element shows: an outline (the app's :focus-visible rule) or a box shadow (Bootstrap's fields).
# A date field whose own calendar button has the focus (the field is then not :focus) is left out: that button is inside
# the browser's shadow DOM, out of reach of scripts; app.css outlines it (::-webkit-calendar-picker-indicator).
_FOCUS = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  return {element: element.outerHTML.slice(0, 120),
          calendarButton: element.type === 'date' && !element.matches(':focus'),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
          shadow: style.boxShadow !== 'none'};
}"""


def assert_focus_visible(page: Page) -> None:
    focus = page.evaluate(_FOCUS)
    assert focus is not None, f"nothing has the focus on {page.url}"
    assert focus["outline"] or focus["shadow"] or focus["calendarButton"], (
        f"the focus is not visible on {focus['element']} ({page.url})")


def has_focus(target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (Shift+Tab backwards) until the target has the focus, the focus visible at every stop on the way."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if has_focus(target):
            return
    pytest.fail(f"{limit} presses of {key} did not reach {target} on {page.url}")


def activate(page: Page, target: Locator, backwards: bool = False) -> None:
    """Tab to a link or button and press Enter on it; return when the page it leads to has loaded (its styles too, or
    the next focus would be judged without them)."""
    tab_to(page, target, backwards)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page: Page, field: Locator, text: str) -> None:
    tab_to(page, field)
    page.keyboard.type(text)


def assert_error_announced(page: Page, field: Locator, message: str) -> None:
    """The field is marked invalid and described by the element holding the error's text."""
    expect(field).to_have_attribute("aria-invalid", "true")
    error_id = f"{field.get_attribute('name')}-error"
    assert error_id in (field.get_attribute("aria-describedby") or "").split(), field.get_attribute("aria-describedby")
    expect(page.locator(f"#{error_id}")).to_have_text(message)


def assert_no_violations(page: Page, where: str) -> None:
    found = violations(page)
    assert not found, describe(where, found)


def test_a_company_submits_a_proposal_with_the_keyboard_alone(live_app, page: Page):
    with live_app.app_context():
        world = build_world()
        challenge_id = add_challenge(world, title=CHALLENGE)

    # Sign in: Tab to the fields, type, Enter sends the form.
    page.goto("/login")
    type_into(page, page.get_by_label(label("E-mail address")), COMPANY)
    type_into(page, page.get_by_label(label("Password")), PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(flash(page)).to_contain_text("You are signed in.")

    # The skip link comes first and leads past the navigation; the navigation leads to the challenge.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert has_focus(skip)
    expect(skip).to_be_visible()
    assert_focus_visible(page)
    activate(page, navbar(page).get_by_role("link", name="Challenges", exact=True))
    expect(page).to_have_url(re.compile(r"/challenges/$"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link: the focus moves to the main content
    activate(page, page.get_by_role("link", name=CHALLENGE))
    expect(page.get_by_role("heading", level=1, name=CHALLENGE)).to_be_visible()
    activate(page, page.get_by_role("link", name="Propose a prototype"))
    expect(page).to_have_url(re.compile(rf"/challenges/{challenge_id}/propose$"))

    # Saved empty: the errors are announced and the first field in error has the focus.
    save = page.get_by_role("button", name="Save the draft")
    activate(page, save)
    expect(page.locator("#form-errors")).to_contain_text("Please correct the fields marked below.")
    title = page.get_by_label(label("Name of the solution"))
    expect(title).to_be_focused()
    assert_focus_visible(page)
    expect(page.locator("label[for=title]")).to_contain_text("(required)")
    assert_error_announced(page, title, "This field is required.")
    assert_error_announced(page, page.get_by_label(label("Pilot duration (weeks)")), "This field is required.")
    assert_no_violations(page, "the proposal form with errors")

    page.keyboard.type(SOLUTION)
    type_into(page, page.get_by_label(label("Solution summary")), "Ceiling radar that alerts the night staff.")
    type_into(page, page.get_by_label(label("Description")), "Radar units on the ceiling, no cameras.")
    trl = page.get_by_label(label("Technology readiness level"))
    tab_to(page, trl)
    for _ in range(12):  # the arrow keys move through the options of a closed select
        if trl.input_value() == "6":
            break
        page.keyboard.press("ArrowDown")
    expect(trl).to_have_value("6")
    type_into(page, page.get_by_label(label("Evidence so far")), "Tested in two care homes.")
    type_into(page, page.get_by_label(label("Test users needed")), "40")
    type_into(page, page.get_by_label(label("Sites needed")), "3")
    type_into(page, page.get_by_label(label("Pilot duration (weeks)")), "12")
    type_into(page, page.get_by_label(label("Price asked for the pilot (EUR)")), "48000")
    # Back up with Shift+Tab to correct the number of sites.
    tab_to(page, page.get_by_label(label("Sites needed")), backwards=True)
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    activate(page, save)
    expect(flash(page)).to_contain_text("Your draft is saved.")

    # Submitted without the declaration: the checkbox is in error and has the focus; Space ticks it.
    submit = page.get_by_role("button", name="Submit the proposal")
    activate(page, submit)
    declaration = page.get_by_role("checkbox")
    expect(declaration).to_be_focused()
    assert_focus_visible(page)
    assert_error_announced(page, declaration, "Confirm the declaration to submit.")
    assert_no_violations(page, "the proposal with the declaration's error")
    page.keyboard.press("Space")
    expect(declaration).to_be_checked()
    activate(page, submit)
    expect(page.get_by_role("heading", level=1, name="Submission receipt")).to_be_visible()

    with live_app.app_context():
        proposal = db.session.scalar(sa.select(Proposal).where(Proposal.challenge_id == challenge_id))
        assert (proposal.status, proposal.title, proposal.trl, proposal.sites_needed, proposal.pilot_price_eur) == (
            ProposalStatus.SUBMITTED, SOLUTION, 6, 4, 48000)


FEEDBACK_TOKEN = "keyboard-journey-token"
ANSWERS = [4, 2, 5, 1, 4, 2, 5, 1, 3, 2]  # the ten SUS statements, 1 = strongly disagree … 5 = strongly agree


def answer_with_arrows(page: Page, answer: int) -> None:
    """In a group of 1–5 radio buttons whose first has the focus: Space checks 1, each right arrow the next."""
    page.keyboard.press("Space")
    for _ in range(answer - 1):
        page.keyboard.press("ArrowRight")


def test_a_test_user_gives_feedback_with_the_keyboard_alone(live_app, page: Page):
    with live_app.app_context():
        world = build_world()
        pilot = db.session.get(Pilot, add_pilot(world, PilotStatus.RUNNING, agreed=True))
        db.session.add(TestUser(pilot_id=pilot.id, code="KEYS01", group_id=pilot.groups[0].id,
                                site_id=pilot.sites[0].id, consent_on=date.today(),
                                consent_version=pilot.consent_version, token_hash=pilot_services.token_hash(FEEDBACK_TOKEN)))
        db.session.commit()
        pilot_id = pilot.id

    page.goto(f"/pilots/feedback/{FEEDBACK_TOKEN}")
    send = page.get_by_role("button", name="Send my feedback")
    activate(page, send)

    # Sent unanswered: every statement is in error, the first answer of the first one has the focus.
    expect(page.locator("#form-errors")).to_be_visible()
    first = page.get_by_role("group", name=label(f"1. {sus.ITEMS[0]}"))
    expect(first.locator("legend")).to_contain_text("(required)")
    expect(first.get_by_role("radio").first).to_be_focused()
    assert_focus_visible(page)
    for radio in first.get_by_role("radio").all():
        assert_error_announced(page, radio, "Choose 1 to 5.")
    assert_no_violations(page, "the feedback form with errors")

    for number, answer in enumerate(ANSWERS, start=1):
        group = page.get_by_role("group", name=label(f"{number}. {sus.ITEMS[number - 1]}"))
        if number > 1:
            tab_to(page, group.get_by_role("radio").first)
        answer_with_arrows(page, answer)
        expect(group.get_by_role("radio", name=str(answer), exact=True)).to_be_checked()
    type_into(page, page.get_by_label(label("What worked well?")), "The alert reached my phone first.")
    # Back with Shift+Tab to the optional rating, passed over: a group with no answer is entered at its first.
    goal = page.get_by_role("group", name="How well does it do on: Alerts are easy to act on?")
    tab_to(page, goal.get_by_role("radio").first, backwards=True)
    answer_with_arrows(page, 4)
    expect(goal.get_by_role("radio", name="4", exact=True)).to_be_checked()
    activate(page, send)
    expect(page.get_by_role("heading", level=1, name="Thank you!")).to_be_visible()

    with live_app.app_context():
        feedback = db.session.scalar(sa.select(Feedback).where(Feedback.pilot_id == pilot_id))
        assert feedback.sus_answers == ANSWERS and feedback.what_worked == "The alert reached my phone first."
        assert [rating.rating for rating in feedback.ratings] == [4]
