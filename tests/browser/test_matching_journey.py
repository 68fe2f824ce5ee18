"""In headless Chromium: the cluster finds companies for a challenge in moderation and invites one.

The facilitating cluster opens the challenge it moderates, sees the three member companies whose competences fit,
each with why (matching words, shared CPV codes), invites one and publishes the challenge; the invited company
signs in and finds the challenge among the challenges for it on its dashboard, marked as an invitation.
"""
import re

import pytest
from playwright.sync_api import Page, expect

from ppi.challenges.workflow import ChallengeStatus
from tests.browser.steps import flash, sign_in, sign_out
from tests.conftest import add_challenge, build_world
from tests.matching.support import FALL_SENSORS, add_company, add_profile, admit

pytestmark = pytest.mark.browser

CLUSTER = "admin@cluster.test.org"
COMPANY = "admin@company.test.org"
TITLE = "Night-time fall alerts in care homes"


def test_a_cluster_invites_a_suggested_company_which_then_sees_the_challenge(live_app, page: Page):
    with live_app.app_context():
        world = build_world()
        cluster = world.orgs["cluster"]
        add_profile(world.orgs["company"], FALL_SENSORS, cpv=["33196200"], tags=["fall detection"])
        admit(world.orgs["company"], cluster)
        add_company("Mats Oy", "Bed mats that alert staff when residents fall at night", cluster, cpv=["33196100"])
        add_company("Hoist ApS", "Ceiling hoists and lifting cushions", cluster, cpv=["33196200"])
        add_company("Ledger ApS", "Accounting software for small firms", cluster, cpv=["48440000"])
        challenge_id = add_challenge(world, ChallengeStatus.IN_MODERATION, TITLE)

    sign_in(page, CLUSTER)
    page.goto(f"/challenges/{challenge_id}")
    page.get_by_role("link", name="Suggested companies").click()
    expect(page).to_have_url(re.compile(rf"/challenges/{challenge_id}/matches$"))
    suggestions = page.locator("article.suggestion")
    expect(suggestions).to_have_count(3)
    expect(suggestions.locator("h3")).to_contain_text([re.compile(rf"^{rank}\. ") for rank in (1, 2, 3)])
    for number in range(3):  # each with why: the CPV codes it shares, and (the first two) the words
        reasons = suggestions.nth(number).locator(".reasons")
        expect(reasons).to_contain_text(re.compile(r"sells under \d{8}-\d, the same (code|class)"))
        if number < 2:
            expect(reasons).to_contain_text("Matching terms:")
    expect(page.locator("#suggestions")).not_to_contain_text("Ledger ApS")

    ours = suggestions.filter(has_text="Test Company ApS")
    expect(ours.locator(".reasons mark").first).to_be_visible()
    ours.get_by_role("button", name="Invite Test Company ApS to look at the challenge").click()
    expect(flash(page)).to_contain_text("The company is invited to look at the challenge")
    expect(page.locator("article.suggestion").filter(has_text="Test Company ApS")).to_contain_text("Invited")
    expect(page.locator("#invitations")).to_contain_text("Test Company ApS")

    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Approve and publish").click()
    expect(flash(page)).to_contain_text(f"{TITLE}: Open for proposals.")
    expect(page.locator("#invitations")).to_contain_text("Test Company ApS")
    sign_out(page)

    sign_in(page, COMPANY)
    for_you = page.locator("#challenges-for-you")
    expect(for_you.get_by_role("link", name=TITLE)).to_be_visible()
    expect(for_you).to_contain_text("Invited by Test Cluster")
    for_you.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
