"""In headless Chromium: a pilot from the agreed plan to the report's usability score.

The authority and the company have agreed to the plan. The facilitating cluster approves it, starts the
pilot and enrols two test users, whose personal feedback links it sees once. Each test user opens their
own link on a phone (a context of its own, no sign-in), answers the ten SUS statements, says what worked
and sends it. The cluster completes the pilot and the report shows the mean SUS score of the two answers.
A test user who withdrew, and a made-up token, get "not found".

Every step goes through the real pages and forms (CSRF tokens included).
"""
import re
from datetime import timedelta
from statistics import mean

import pytest
import sqlalchemy as sa
from babel.numbers import format_decimal
from playwright.sync_api import Browser, Page, expect

from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.pilots import sus
from ppi.pilots.models import Feedback, Pilot, PilotStatusChange, TestUser
from ppi.pilots.workflow import PilotStatus
from tests.browser.steps import flash, label, navbar, sign_in
from tests.conftest import build_world
from tests.pilots.helpers import add_pilot

pytestmark = pytest.mark.browser

CLUSTER = "admin@cluster.test.org"
PILOT = "NightWatch pilot"  # the title add_pilot gives
GROUP, SITE = "Night staff", "Hjallese care home"
PHONE = {"viewport": {"width": 390, "height": 844}, "screen": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True}

# Two test users' answers to the ten statements (1 = strongly disagree … 5 = strongly agree), and their words.
ANSWERS = {
    "first": ([5, 1, 5, 1, 4, 2, 5, 1, 4, 2], "The alert reached my phone before I reached the room."),
    "second": ([4, 2, 4, 2, 3, 3, 4, 2, 3, 3], "No more rounds with a torch every hour."),
}


def status_badge(page: Page):
    return page.locator("#pilot-status")


def act(page: Page, button: str, status: str) -> None:
    """Press one of the pilot's action buttons and see its new status."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(flash(page)).to_contain_text(f"{PILOT}: {status}.")
    expect(status_badge(page)).to_have_text(status)


def shown(score: float) -> str:
    """A score as the report shows it in English: one decimal at most ("77.5", "65")."""
    return format_decimal(round(score, 1), locale="en")


def assert_fits_the_phone(page: Page) -> None:
    """Nothing sticks out sideways: the page does not scroll horizontally at the phone's width."""
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE["viewport"]["width"], f"the phone zoomed out to fit the page: {inner_width}px"
    assert scroll_width <= inner_width, f"{page.url} scrolls sideways: {scroll_width}px wide in {inner_width}px"


def assert_easy_to_tap(question) -> None:
    """Each answer of a 1–5 question: a radio button at least 24×24 px (WCAG 2.5.8) with its number beside it,
    apart from it and level with it, so that a thumb can tell which number a button stands for."""
    for number in range(1, 6):
        radio = question.get_by_role("radio", name=str(number), exact=True).bounding_box()
        text = question.locator("label").filter(has_text=re.compile(rf"^{number}$")).bounding_box()
        assert radio["width"] >= 24 and radio["height"] >= 24, radio
        assert text["x"] >= radio["x"] + radio["width"] + 2, f"the label {number} touches its radio button"
        middle = lambda box: box["y"] + box["height"] / 2  # noqa: E731
        assert abs(middle(text) - middle(radio)) <= 2, f"the label {number} is not level with its radio button"


def give_feedback(phone: Page, link: str, answers: list[int], what_worked: str) -> None:
    """A test user opens their own link on the phone, answers and sends."""
    response = phone.goto(link)
    assert response is not None and response.status == 200
    expect(phone.get_by_role("heading", level=1, name=f"Your feedback on {PILOT}")).to_be_visible()
    expect(navbar(phone).get_by_role("button", name="Show or hide the menu")).to_be_visible()  # phone layout
    assert_fits_the_phone(phone)
    assert_easy_to_tap(phone.get_by_role("group", name=label(f"1. {sus.ITEMS[0]}")))
    for number, (statement, answer) in enumerate(zip(sus.ITEMS, answers, strict=True), start=1):
        question = phone.get_by_role("group", name=label(f"{number}. {statement}"))  # "… (required)"
        expect(question.get_by_role("radio")).to_have_count(5)
        question.get_by_label(str(answer), exact=True).check()
        expect(question.get_by_label(str(answer), exact=True)).to_be_checked()
    goal = phone.get_by_role("group", name="How well does it do on: Alerts are easy to act on?", exact=True)
    expect(goal.get_by_role("radio")).to_have_count(5)  # optional: left unanswered here
    phone.get_by_label(label("What worked well?")).fill(what_worked)
    phone.get_by_role("button", name="Send my feedback").click()
    expect(phone.get_by_role("heading", level=1, name="Thank you!")).to_be_visible()
    expect(phone.locator("#feedback-received")).to_have_text(f"Your feedback on {PILOT} is received.")
    assert_fits_the_phone(phone)


def expect_not_found(phone: Page, url: str) -> None:
    response = phone.goto(url)
    assert response is not None and response.status == 404
    expect(phone.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(phone.get_by_role("button", name="Send my feedback")).to_have_count(0)


def test_pilot_is_approved_run_answered_on_phones_completed_and_reported(live_app, page: Page, browser: Browser,
                                                                         browser_context_args, base_url):
    with live_app.app_context():
        world = build_world()
        pilot_id = add_pilot(world, agreed=True)

    # 1. The cluster opens the pilot from the navbar: both parties have agreed to the plan.
    sign_in(page, CLUSTER)
    navbar(page).get_by_role("link", name="Pilots", exact=True).click()
    expect(page).to_have_url(re.compile(r"/pilots/$"))
    page.get_by_role("link", name=PILOT, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/pilots/{pilot_id}$"))
    expect(page.get_by_role("heading", level=1, name=PILOT)).to_be_visible()
    expect(status_badge(page)).to_have_text("Planning")
    agreement = page.get_by_role("region", name="Agreeing the plan")
    expect(agreement.get_by_role("listitem").filter(has_text="not yet agreed")).to_have_count(0)
    expect(agreement.get_by_role("listitem").filter(has_text=re.compile(r"^(Authority|Company): agreed "))).to_have_count(2)
    expect(page.locator("#plan-problems")).to_have_count(0)
    expect(page.get_by_role("button", name="Start (or resume) the pilot")).to_have_count(0)  # approve first
    detail_url = page.url

    # 2. It approves the plan and starts the pilot.
    act(page, "Approve the plan", "Plan approved")
    expect(page.get_by_role("region", name="Agreeing the plan")).to_have_count(0)
    act(page, "Start (or resume) the pilot", "Running")
    expect(page.get_by_role("button", name="Approve the plan")).to_have_count(0)

    # 3. It enrols two test users and reads their links, shown this once.
    test_users = page.get_by_role("region", name="Test users", exact=True)
    expect(test_users).to_contain_text("Nobody enrolled yet.")
    test_users.get_by_label(label("Group")).select_option(label=GROUP)
    test_users.get_by_label(label("Site")).select_option(label=SITE)
    test_users.get_by_label(label("Consent given on")).fill((utcnow().date() - timedelta(days=1)).isoformat())
    test_users.get_by_label(label("How many test users")).fill("2")
    test_users.get_by_role("button", name="Enrol").click()

    new_links = page.locator("#new-links")
    expect(new_links).to_contain_text("they are shown only once")
    expect(new_links.get_by_role("listitem")).to_have_count(2)
    links = new_links.get_by_role("link")
    expect(links).to_have_count(2)
    codes = [code.strip() for code in new_links.locator("code").all_inner_texts()]
    urls = [links.nth(i).get_attribute("href") for i in range(2)]
    assert all(re.fullmatch(r"[A-Z2-9]{6}", code) for code in codes) and codes[0] != codes[1]
    assert all(url.startswith(f"{base_url}/pilots/feedback/") for url in urls)  # absolute: they are sent on
    assert len(set(urls)) == 2
    for i in range(2):
        expect(links.nth(i)).to_have_text(urls[i])
    rows = test_users.locator("tbody tr")
    expect(rows).to_have_count(2)
    for code in codes:
        expect(rows.filter(has_text=code)).to_contain_text(f"{GROUP}, {SITE}")

    page.goto(detail_url)  # shown once: not on the next visit
    expect(page.locator("#new-links")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(urls[0])
    expect(page.get_by_role("region", name="Test users", exact=True).locator("tbody tr")).to_have_count(2)

    # 4. Each test user answers on their own phone, through their own link, without signing in.
    phones = []
    try:
        for url, (answers, what_worked) in zip(urls, ANSWERS.values(), strict=True):
            phone_context = browser.new_context(**{**browser_context_args, **PHONE})
            phones.append(phone_context)
            phone = phone_context.new_page()
            give_feedback(phone, url, answers, what_worked)
            # Nobody signed in (the phone's navbar is collapsed, so its links are hidden).
            expect(navbar(phone).get_by_role("link", name="Sign in", exact=True, include_hidden=True)).to_have_count(1)
            expect(navbar(phone).get_by_role("button", name="Sign out", include_hidden=True)).to_have_count(0)

        # 5. The cluster completes the pilot; the report shows the mean SUS score of the two answers.
        page.goto(detail_url)
        expect(status_badge(page)).to_have_text("Running")
        act(page, "Complete the pilot", "Completed")
        # The cluster may quote what the test users wrote: each quote as they wrote it.
        quotes = page.get_by_role("group", name="Quotes for the report")
        expect(quotes.get_by_role("checkbox")).to_have_count(2)
        for _answers, words in ANSWERS.values():
            expect(quotes.get_by_role("checkbox", name=words, exact=True)).not_to_be_checked()
        page.get_by_role("link", name="Report", exact=True).click()
        expect(page.get_by_role("heading", level=1, name=f"Pilot report: {PILOT}")).to_be_visible()
        report_url = page.url
        expected = mean(sus.score(answers) for answers, _words in ANSWERS.values())
        sus_mean = page.locator("#sus-mean")
        expect(sus_mean).to_contain_text(f"Mean SUS score {shown(expected)} from 2 answers")
        expect(sus_mean).to_contain_text(f"grade {sus.grade(expected)} on the Sauro–Lewis curved scale")
        participation = page.get_by_role("table", name="Test users planned, enrolled and answering, per group")
        expect(participation.locator("tbody tr").filter(has_text=GROUP).locator("td")).to_have_text(
            [GROUP, "20", "2", "2", "0"])

        # 6. A test user who withdrew, and a made-up link, get "not found"; the other link still works.
        page.goto(detail_url)
        page.get_by_role("button", name=f"Withdrawn {codes[0]}", exact=True).click()
        expect(flash(page)).to_contain_text(f"{codes[0]} has withdrawn: their answers are left out of the report.")
        phone = phones[0].pages[0]
        expect_not_found(phone, urls[0])
        expect_not_found(phone, urls[0].rsplit("/", 1)[0] + "/" + "A" * 43)
        expect_not_found(phone, urls[1] + "x")
        response = phones[1].pages[0].goto(urls[1])
        assert response is not None and response.status == 200
        # The withdrawn test user's answers leave the report.
        page.goto(report_url)
        remaining = sus.score(ANSWERS["second"][0])
        expect(sus_mean).to_contain_text(f"Mean SUS score {shown(remaining)} from 1 answer")
        expect(participation.locator("tbody tr").filter(has_text=GROUP).locator("td")).to_have_text(
            [GROUP, "20", "1", "1", "1"])
    finally:
        for phone_context in phones:
            phone_context.close()

    # What the browser did is what the database holds.
    with live_app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        assert pilot.status == PilotStatus.COMPLETED
        S = PilotStatus
        moves = db.session.execute(sa.select(PilotStatusChange.from_status, PilotStatusChange.to_status)
                                   .where(PilotStatusChange.pilot_id == pilot_id).order_by(PilotStatusChange.id)).all()
        assert [tuple(m) for m in moves] == [(S.PLANNING, S.PLAN_APPROVED), (S.PLAN_APPROVED, S.RUNNING),
                                             (S.RUNNING, S.COMPLETED)]
        stored = db.session.execute(
            sa.select(TestUser.code, Feedback.sus_answers, Feedback.sus_score, Feedback.what_worked)
            .join(TestUser, TestUser.id == Feedback.test_user_id)
            .where(Feedback.pilot_id == pilot_id).order_by(Feedback.id)).all()
        assert [tuple(row) for row in stored] == [
            (code, answers, sus.score(answers), words) for code, (answers, words) in zip(codes, ANSWERS.values())]
        withdrawn = db.session.scalar(sa.select(TestUser).where(TestUser.code == codes[0]))
        assert withdrawn.withdrawn_at is not None
