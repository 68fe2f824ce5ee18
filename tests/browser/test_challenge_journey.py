"""In headless Chromium: a challenge from the authority's first draft to a published answer.

An authority posts a challenge with two CPV codes and weighted criteria; the facilitating cluster returns
it with a comment; the authority fixes it and submits it again; the cluster publishes it; an anonymous
visitor finds it by a word of its description and by the CPV filter; a company asks a question, the
authority publishes a reworded answer, and the company sees it, while nobody else learns who asked.

Every step goes through the real pages and forms (CSRF tokens included).
"""
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from ppi.challenges.models import Challenge, Question, StatusChange
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from tests.browser.steps import flash, label, navbar, sign_in, sign_out
from tests.conftest import add_challenge, build_world

pytestmark = pytest.mark.browser

AUTHORITY = "admin@authority.test.org"
CLUSTER = "admin@cluster.test.org"
COMPANY = "admin@company.test.org"
OTHER_COMPANY = "admin@other.test.org"
COMPANY_NAME = "Test Company ApS"

TITLE = "Night-time fall alerts without wearables"
SUMMARY = "Residents get up at night and fall; staff find them hours later. We want to know in time."
DESCRIPTION = """Residents with dementia get up at night and fall in their rooms.

We need:

- an alert to the night staff before or just after a fall;
- nothing the resident has to wear or charge;
- no cameras that record images."""
SEARCH_WORD = "dementia"  # in the description only, not in the title or summary
RETURN_COMMENT = "Please say how many care homes take part, and give data protection its own criterion."
FIXED_SETTING = "3 care homes in Odense, about 40 night staff and 90 residents"
QUESTION = f"We at {COMPANY_NAME} use ceiling radar: may we drill in the residents' rooms?"
PUBLISHED_QUESTION = "May sensors be mounted on the ceiling of residents' rooms?"
ANSWER = "Yes: the caretakers mount them with you and fill the holes when the pilot ends."
DECOY = "Energy dashboards for school caretakers"


def status_badge(page: Page):
    return page.locator("main .badge")


def local_input(days: int, zone: ZoneInfo) -> str:
    """A datetime-local value `days` days ahead at noon, in the zone the app shows the user."""
    day = utcnow().astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time(12, 0)).strftime("%Y-%m-%dT%H:%M")


def open_managed_challenge(page: Page) -> None:
    """From the navbar's "My challenges" to the challenge's detail page."""
    navbar(page).get_by_role("link", name="My challenges").click()
    expect(page).to_have_url(re.compile(r"/challenges/manage$"))
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()


def results(page: Page):
    return page.locator("main article h2")


def questions_section(page: Page):
    return page.locator("#questions")


def test_challenge_is_posted_returned_fixed_published_found_and_clarified(live_app, page: Page):
    zone = ZoneInfo(live_app.config["BABEL_DEFAULT_TIMEZONE"])
    with live_app.app_context():
        world = build_world()
        # Another published challenge, so that the search and the CPV filter have something to leave out.
        add_challenge(world, title=DECOY, summary="Show caretakers where schools waste heat.",
                      description="Heating runs at night and at weekends.", cpv_codes=("38551000",))

    # 1. The authority posts the challenge: two CPV codes, two weighted criteria, a facilitating cluster.
    sign_in(page, AUTHORITY)
    navbar(page).get_by_role("link", name="My challenges").click()
    page.get_by_role("link", name="Post a challenge").click()
    expect(page).to_have_url(re.compile(r"/challenges/new$"))
    page.get_by_label(label("Title")).fill(TITLE)
    page.get_by_label(label("Short summary")).fill(SUMMARY)
    page.get_by_label(label("Problem description and needs")).fill(DESCRIPTION)
    page.get_by_label(label("Expected benefits")).fill("Fewer long lies on the floor; calmer nights.")
    page.get_by_label(label("Test setting")).fill("Care homes in Odense")
    page.get_by_label(label("Number of test users offered")).fill("130")
    page.get_by_label(label("Pilot budget (EUR)")).fill("53600")
    expect(page.get_by_label(label("NUTS region"))).to_have_value("DK03")  # the authority's own region
    page.get_by_label(label("NUTS region")).fill("dk031")
    page.get_by_label("Danish", exact=True).check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label(label("Contract kind foreseen")).select_option("supplies")
    page.get_by_label(label("Estimated value of a later contract (EUR, excl. VAT)")).fill("420000")
    page.get_by_label(label("CPV codes")).fill("33196200-2, 48000000")
    page.get_by_label("The company keeps the IPR and grants the authority a licence").check()
    questions_deadline, proposal_deadline = local_input(10, zone), local_input(30, zone)
    page.get_by_label(label("Questions deadline")).fill(questions_deadline)
    page.get_by_label(label("Proposal deadline")).fill(proposal_deadline)
    page.get_by_label("Criterion 1", exact=True).fill("Effect on falls")
    page.get_by_label("Weight (%) 1", exact=True).fill("60")
    page.get_by_label("Criterion 2", exact=True).fill("Usability for night staff")
    page.get_by_label("Weight (%) 2", exact=True).fill("40")
    page.get_by_label(label("Facilitating cluster")).select_option(label="Test Cluster")
    page.get_by_role("button", name="Save").click()

    expect(flash(page)).to_contain_text("The challenge is saved as a draft.")
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(status_badge(page)).to_have_text("Draft")
    facts = page.locator("aside dl")
    expect(facts).to_contain_text("33196200-2 Devices for the disabled")
    expect(facts).to_contain_text("48000000-8 Software package and information systems")
    expect(page.locator("main table tbody tr")).to_have_count(2)
    expect(page.get_by_role("listitem").filter(has_text="nothing the resident has to wear")).to_be_visible()  # Markdown list
    challenge_url = page.url

    page.get_by_role("button", name="Submit for moderation").click()
    expect(flash(page)).to_contain_text(f"{TITLE}: In moderation.")
    expect(status_badge(page)).to_have_text("In moderation")
    expect(page.get_by_role("button", name="Submit for moderation")).to_have_count(0)
    sign_out(page)

    # Before publication the challenge is not public: an anonymous visitor gets "not found".
    response = page.goto(challenge_url)
    assert response is not None and response.status == 404

    # 2. The cluster returns it to the author with a comment.
    sign_in(page, CLUSTER)
    open_managed_challenge(page)
    expect(status_badge(page)).to_have_text("In moderation")
    page.get_by_label(label("Reason or comment")).fill(RETURN_COMMENT)
    page.get_by_role("button", name="Return to the author").click()
    expect(flash(page)).to_contain_text(f"{TITLE}: Draft.")
    expect(status_badge(page)).to_have_text("Draft")
    sign_out(page)

    # 3. The author reads the comment in the status history, fixes the challenge and submits it again.
    sign_in(page, AUTHORITY)
    open_managed_challenge(page)
    expect(status_badge(page)).to_have_text("Draft")
    history = page.locator("section[aria-labelledby=history-heading] li")
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text(f"In moderation → Draft — {RETURN_COMMENT}")
    page.get_by_role("link", name="Edit the challenge").click()
    expect(page.get_by_label(label("Title"))).to_have_value(TITLE)
    # The saved challenge is in the form as the author typed it: codes with check digits, local times.
    expect(page.get_by_label(label("CPV codes"))).to_have_value("33196200-2, 48000000-8")
    expect(page.get_by_label(label("Questions deadline"))).to_have_value(questions_deadline)
    expect(page.get_by_label(label("Proposal deadline"))).to_have_value(proposal_deadline)
    expect(page.get_by_label("Criterion 2", exact=True)).to_have_value("Usability for night staff")
    page.get_by_label(label("Test setting")).fill(FIXED_SETTING)
    page.get_by_label("Weight (%) 1", exact=True).fill("50")
    page.get_by_label("Weight (%) 2", exact=True).fill("30")
    page.get_by_label("Criterion 3", exact=True).fill("Data protection and security")
    page.get_by_label("Weight (%) 3", exact=True).fill("20")
    page.get_by_label("What is assessed 3", exact=True).fill("GDPR, EU hosting, no image recording")
    page.get_by_role("button", name="Save").click()
    expect(flash(page)).to_contain_text("The challenge is saved.")
    expect(page.locator("main")).to_contain_text(FIXED_SETTING)
    expect(page.locator("main table tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Submit for moderation").click()
    expect(flash(page)).to_contain_text(f"{TITLE}: In moderation.")
    expect(status_badge(page)).to_have_text("In moderation")
    expect(history).to_have_count(3)
    sign_out(page)

    # 4. The cluster approves and publishes it.
    sign_in(page, CLUSTER)
    open_managed_challenge(page)
    page.get_by_role("button", name="Approve and publish").click()
    expect(flash(page)).to_contain_text(f"{TITLE}: Open for proposals.")
    expect(status_badge(page)).to_have_text("Open for proposals")
    expect(page.locator("main")).to_contain_text(re.compile(r"\b(29|30) days left"))  # deadline at noon in 30 days
    sign_out(page)

    # 5. An anonymous visitor finds it by a word of its description, and by the CPV division.
    navbar(page).get_by_role("link", name="Challenges").click()
    expect(results(page)).to_have_text([DECOY, TITLE])  # soonest deadline first: the decoy's is in 20 days
    page.get_by_label("Search", exact=True).fill(SEARCH_WORD)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(rf"[?&]q={SEARCH_WORD}(&|$)"))
    expect(page.locator("main p[role=status]")).to_have_text("1 challenge found")
    expect(results(page)).to_have_text([TITLE])

    page.get_by_role("link", name="Clear").click()
    page.get_by_label("CPV division").select_option("33")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]cpv=33(&|$)"))
    expect(results(page)).to_have_text([TITLE])
    page.get_by_label("CPV division").select_option("38")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(results(page)).to_have_text([DECOY])  # the filter really filters
    page.get_by_label("CPV division").select_option("48")  # the second code counts as well
    page.get_by_role("button", name="Search", exact=True).click()
    expect(results(page)).to_have_text([TITLE])
    results(page).get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(status_badge(page)).to_have_text("Open for proposals")
    expect(page.get_by_label(label("Your question"))).to_have_count(0)  # only signed-in companies ask
    expect(page.locator("main")).not_to_contain_text(RETURN_COMMENT)  # the moderation dialogue is not public

    # 6. A company asks a question; it sees it is waiting for the answer.
    sign_in(page, COMPANY)
    page.goto(challenge_url)
    page.get_by_label(label("Your question")).fill(QUESTION)
    page.get_by_role("button", name="Send the question").click()
    expect(flash(page)).to_contain_text("Your question is sent.")
    expect(questions_section(page)).to_contain_text("No answers published yet.")
    expect(questions_section(page).get_by_role("listitem")).to_have_text([f"{QUESTION} — waiting for the answer"])
    sign_out(page)

    # 7. The authority rewords the question so that it does not reveal the asker, and publishes the answer.
    sign_in(page, AUTHORITY)
    page.goto(challenge_url)
    unanswered = questions_section(page).locator(".card")
    expect(unanswered).to_have_count(1)
    expect(unanswered).to_contain_text(QUESTION)
    unanswered.get_by_label(label("Question as published")).fill(PUBLISHED_QUESTION)
    unanswered.get_by_label(label("Answer")).fill(ANSWER)
    unanswered.get_by_role("button", name="Publish the answer").click()
    expect(flash(page)).to_contain_text("The answer is published.")
    expect(questions_section(page).locator(".card")).to_have_count(0)
    expect(questions_section(page)).to_contain_text(f"Q: {PUBLISHED_QUESTION}")
    sign_out(page)

    # 8. The company sees the published answer, and that it was its own question.
    sign_in(page, COMPANY)
    page.goto(challenge_url)
    expect(questions_section(page)).to_contain_text(f"Q: {PUBLISHED_QUESTION}")
    expect(questions_section(page)).to_contain_text(f"A: {ANSWER}")
    expect(questions_section(page).get_by_role("listitem")).to_have_text([f"{QUESTION} — answered"])
    sign_out(page)

    # 9. Everyone else sees the same answer, and neither the asker nor the original wording.
    for viewer in (None, OTHER_COMPANY):
        if viewer:
            sign_in(page, viewer)
        page.goto(challenge_url)
        expect(questions_section(page)).to_contain_text(f"A: {ANSWER}")
        main = page.locator("main")
        expect(main).not_to_contain_text(COMPANY_NAME)
        expect(main).not_to_contain_text(COMPANY)
        expect(main).not_to_contain_text("ceiling radar")
        expect(main).not_to_contain_text("Questions your organisation asked")
        if viewer:
            sign_out(page)

    # What the browser did is what the database holds.
    with live_app.app_context():
        challenge = db.session.scalar(sa.select(Challenge).where(Challenge.title == TITLE))
        assert challenge.status == ChallengeStatus.PUBLISHED and challenge.published_at is not None
        assert challenge.codes == ["33196200", "48000000"]
        assert [(c.name, c.weight) for c in challenge.criteria] == [
            ("Effect on falls", 50), ("Usability for night staff", 30), ("Data protection and security", 20)]
        assert (challenge.test_setting, challenge.nuts_code, challenge.languages) == (FIXED_SETTING, "DK031", ["da", "en"])
        typed = [datetime.fromisoformat(value).replace(tzinfo=zone) for value in (questions_deadline, proposal_deadline)]
        assert [challenge.questions_deadline, challenge.proposal_deadline] == typed  # the edit kept them
        moves = db.session.execute(
            sa.select(StatusChange.from_status, StatusChange.to_status, StatusChange.comment)
            .where(StatusChange.challenge_id == challenge.id).order_by(StatusChange.id)
        ).all()
        S = ChallengeStatus
        assert [tuple(m) for m in moves] == [
            (S.DRAFT, S.IN_MODERATION, None), (S.IN_MODERATION, S.DRAFT, RETURN_COMMENT),
            (S.DRAFT, S.IN_MODERATION, None), (S.IN_MODERATION, S.PUBLISHED, None),
        ]
        question = db.session.scalar(sa.select(Question).where(Question.challenge_id == challenge.id))
        assert (question.text, question.published_question, question.answer) == (QUESTION, PUBLISHED_QUESTION, ANSWER)
        assert question.asker_organisation_id == world.orgs["company"]
