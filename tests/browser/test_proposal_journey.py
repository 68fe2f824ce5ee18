"""In headless Chromium: a company's proposal from the first draft to its debrief.

A company opens a published challenge, drafts a proposal, submits it and reads its receipt (SHA-256,
verified just now), changes it and submits again as version 2. The authority names an evaluator while
the proposals are sealed; the deadline passes; the authority starts the evaluation; the evaluator declares
no conflict and scores every criterion with a comment; the authority reads the consolidated matrix and
selects the proposal with a reason; the company reads its debrief: rank 1 of 1, its scores, the reason.

Every step goes through the real pages and forms (CSRF tokens included).
"""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.proposals.models import Decision, PanelMember, Proposal, ProposalVersion, Score
from ppi.proposals.services import DECLARATION_TEXT
from ppi.proposals.workflow import Declaration, Outcome, ProposalStatus
from tests.browser.steps import flash, label, navbar, sign_in, sign_out
from tests.conftest import add_challenge, build_world

pytestmark = pytest.mark.browser

AUTHORITY = "admin@authority.test.org"
EVALUATOR = "member@authority.test.org"
EVALUATOR_OPTION = "Member (Test Region)"  # display name (organisation) in the panel's list
COMPANY = "admin@company.test.org"
COMPANY_NAME = "Test Company ApS"

CHALLENGE = "Night-time fall alerts without wearables"
SOLUTION = "NightWatch ceiling radar"
SOLUTION_V2 = "NightWatch ceiling radar 2"
SUMMARY = "Ceiling radar that alerts the night staff within a minute of a fall."
DESCRIPTION = "Radar units on the ceiling, **no cameras**.\n\n- nothing to wear\n- no images stored"
EVIDENCE = "Tested for six months in two care homes in Malmö."
TRL_OPTION = "TRL 6: Technology demonstrated in a relevant environment"
SCORES = {"Effect (60 %)": ("8", "Detects falls within a minute in the trial data."),
          "Usability (40 %)": ("6", "Night staff need a second screen for the alerts.")}
REASON = "Best effect on falls at a price within the pilot budget."


def open_managed_challenge(page: Page) -> None:
    navbar(page).get_by_role("link", name="My challenges").click()
    page.get_by_role("link", name=CHALLENGE).click()
    expect(page.get_by_role("heading", level=1, name=CHALLENGE)).to_be_visible()


def open_evaluation(page: Page) -> None:
    page.get_by_role("link", name="Evaluation", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Evaluation")).to_be_visible()


def submit_with_declaration(page: Page, button: str) -> None:
    page.get_by_label(label(DECLARATION_TEXT)).check()
    page.get_by_role("button", name=button).click()


def receipt_field(page: Page, term: str):
    """The value (dd) that follows a term (dt) of the receipt."""
    return page.locator("#receipt dt", has_text=term).locator("xpath=following-sibling::dd[1]")


def test_a_proposal_is_drafted_submitted_resubmitted_evaluated_selected_and_debriefed(live_app, page: Page):
    with live_app.app_context():
        world = build_world()
        challenge_id = add_challenge(world, title=CHALLENGE)  # published, proposals close in 20 days

    # 1. The company finds the published challenge and drafts a proposal.
    sign_in(page, COMPANY)
    navbar(page).get_by_role("link", name="Challenges", exact=True).click()
    page.get_by_role("link", name=CHALLENGE).click()
    expect(page.get_by_role("heading", level=1, name=CHALLENGE)).to_be_visible()
    challenge_url = page.url
    page.get_by_role("link", name="Propose a prototype").click()
    expect(page).to_have_url(re.compile(rf"/challenges/{challenge_id}/propose$"))
    expect(page.get_by_role("heading", level=1, name="Propose a prototype")).to_be_visible()
    page.get_by_label(label("Name of the solution")).fill(SOLUTION)
    page.get_by_label(label("Solution summary")).fill(SUMMARY)
    page.get_by_label(label("Description")).fill(DESCRIPTION)
    page.get_by_label(label("Technology readiness level")).select_option(label=TRL_OPTION)
    page.get_by_label(label("Evidence so far")).fill(EVIDENCE)
    page.get_by_label(label("Test users needed")).fill("40")
    page.get_by_label(label("Sites needed")).fill("3")
    page.get_by_label(label("Pilot duration (weeks)")).fill("12")
    page.get_by_label(label("Equipment")).fill("Ceiling units and one gateway per home.")
    page.get_by_label(label("Price asked for the pilot (EUR)")).fill("48000")
    page.get_by_role("button", name="Save the draft").click()

    expect(flash(page)).to_contain_text("Your draft is saved.")
    expect(page.get_by_role("heading", level=1, name=f"Proposal by {COMPANY_NAME}")).to_be_visible()
    expect(page.locator("#proposal-status")).to_have_text("Draft")
    content = page.locator("section[aria-labelledby=content-heading]")
    expect(content).to_contain_text(SOLUTION)
    expect(content).to_contain_text(f"{TRL_OPTION}")
    expect(content.get_by_role("listitem").filter(has_text="nothing to wear")).to_be_visible()  # Markdown list
    proposal_url = page.url
    proposal_id = int(re.search(r"/proposals/(\d+)$", proposal_url).group(1))

    # 2. Submitting without the declaration is refused; with it, the receipt shows the digest, verified.
    page.get_by_role("button", name="Submit the proposal").click()
    expect(page.get_by_text("Confirm the declaration to submit.")).to_be_visible()
    expect(page.locator("#proposal-status")).to_have_text("Draft")
    submit_with_declaration(page, "Submit the proposal")
    expect(page).to_have_url(re.compile(rf"/proposals/{proposal_id}/versions/1$"))
    expect(flash(page)).to_contain_text("Submitted: version 1. Keep your receipt.")
    expect(page.get_by_role("heading", level=1, name="Submission receipt")).to_be_visible()
    expect(receipt_field(page, "Version")).to_have_text("1")
    expect(receipt_field(page, "Proposal")).to_have_text(f"{SOLUTION} — {COMPANY_NAME}")
    expect(receipt_field(page, "SHA-256")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("#verification")).to_contain_text("Verified just now")
    digest_v1 = receipt_field(page, "SHA-256").inner_text()

    # 3. The company changes the proposal: until it submits again, version 1 is what counts.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Proposal", exact=True).click()
    expect(page.locator("#proposal-status")).to_have_text("Submitted")
    page.get_by_role("link", name="Edit the proposal").click()
    expect(page.get_by_label(label("Name of the solution"))).to_have_value(SOLUTION)
    expect(page.get_by_label(label("Technology readiness level"))).to_have_value("6")
    page.get_by_label(label("Name of the solution")).fill(SOLUTION_V2)
    page.get_by_label(label("Technology readiness level")).select_option("7")
    page.get_by_label(label("Price asked for the pilot (EUR)")).fill("45500")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page)).to_contain_text("The proposal is saved. Submit it to make this the version that counts.")
    expect(page.locator("#unsubmitted")).to_contain_text("You have changes that are not submitted")
    expect(page.locator("main")).to_contain_text("Version 1 counts")

    submit_with_declaration(page, "Submit again as a new version")
    expect(page).to_have_url(re.compile(rf"/proposals/{proposal_id}/versions/2$"))
    expect(flash(page)).to_contain_text("Submitted: version 2. Keep your receipt.")
    expect(receipt_field(page, "Version")).to_have_text("2")
    expect(receipt_field(page, "Proposal")).to_have_text(f"{SOLUTION_V2} — {COMPANY_NAME}")
    expect(page.locator("#verification")).to_contain_text("Verified just now")
    digest_v2 = receipt_field(page, "SHA-256").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", digest_v2) and digest_v2 != digest_v1

    # Both versions are listed, oldest first, and the first receipt still verifies.
    page.goto(proposal_url)
    expect(page.locator("#unsubmitted")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Version 2 counts")
    versions = page.locator("#versions").get_by_role("listitem")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text(digest_v1[:12])
    expect(versions.nth(1)).to_contain_text(digest_v2[:12])
    versions.nth(0).get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/proposals/{proposal_id}/versions/1$"))
    expect(receipt_field(page, "SHA-256")).to_have_text(digest_v1)
    expect(receipt_field(page, "Proposal")).to_have_text(f"{SOLUTION} — {COMPANY_NAME}")
    expect(page.locator("#verification")).to_contain_text("Verified just now")
    sign_out(page)

    # 4. While the proposals are sealed, the authority sees a count and names its evaluator.
    sign_in(page, AUTHORITY)
    open_managed_challenge(page)
    expect(page.locator("#proposal-count")).to_have_text("1 proposal submitted.")
    open_evaluation(page)
    expect(page.locator("main")).to_contain_text("Proposals stay sealed until")
    expect(page.locator("main")).not_to_contain_text(SOLUTION)
    panel = page.locator("#panel")
    expect(panel.get_by_role("listitem")).to_have_text(["Nobody yet."])
    page.get_by_label(label("Evaluator")).select_option(label=EVALUATOR_OPTION)
    page.get_by_role("button", name="Add to the panel").click()
    expect(flash(page)).to_contain_text("The evaluator is on the panel.")
    expect(panel.get_by_role("listitem")).to_have_count(1)
    expect(panel.get_by_role("listitem")).to_contain_text(f"{EVALUATOR_OPTION} — Declaration pending")
    response = page.goto(proposal_url)  # sealed: not even confirmed to exist
    assert response is not None and response.status == 404

    # 5. The deadline passes; the authority starts the evaluation.
    with live_app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        challenge.proposal_deadline = utcnow() - timedelta(minutes=1)
        challenge.questions_deadline = challenge.proposal_deadline - timedelta(days=5)
        db.session.commit()
    page.goto(challenge_url)
    expect(page.locator("main .badge").first).to_have_text("Closed for proposals")
    page.get_by_role("button", name="Start the evaluation").click()
    expect(flash(page)).to_contain_text(f"{CHALLENGE}: In evaluation.")
    expect(page.locator("main .badge").first).to_have_text("In evaluation")
    sign_out(page)

    # 6. The evaluator follows the notification, declares no conflict and scores every criterion.
    sign_in(page, EVALUATOR)
    navbar(page).get_by_role("link", name=re.compile("^Notifications")).click()
    page.get_by_role("link", name=f"You are on the evaluation panel of {CHALLENGE}").click()
    expect(page.get_by_role("heading", level=1, name="Evaluation")).to_be_visible()
    mine = page.locator("#my-evaluation")
    expect(mine).to_contain_text("Declaration pending")
    expect(page.locator("#queue")).to_have_count(0)  # nothing opens before the declaration
    page.get_by_label("I have no conflict of interest with any company that submitted a proposal.").check()
    page.get_by_role("button", name="Record my declaration").click()
    expect(flash(page)).to_contain_text("Your declaration is recorded.")
    expect(mine).to_contain_text("No conflict declared")
    queue_rows = page.locator("#queue tbody tr")
    expect(queue_rows).to_have_count(1)
    expect(queue_rows).to_contain_text("To score")
    expect(queue_rows).to_contain_text("0 / 2")
    queue_rows.get_by_role("link", name=f"{COMPANY_NAME}: {SOLUTION_V2}").click()
    expect(page.get_by_role("heading", level=1, name=f"{COMPANY_NAME}: {SOLUTION_V2}")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Version 2, submitted")  # the version that counts
    expect(page.locator("main")).to_contain_text("TRL 7: System prototype demonstrated in an operational environment")
    for criterion, (value, comment) in SCORES.items():
        group = page.get_by_role("group", name=criterion)
        group.get_by_label(label("Score")).fill(value)
        group.get_by_label(label("Comment")).fill(comment)
    page.get_by_role("button", name="Save my scores").click()
    expect(flash(page)).to_contain_text("Your scores are saved.")
    expect(queue_rows).to_contain_text("Scored")
    expect(queue_rows).to_contain_text("2 / 2")
    sign_out(page)

    # 7. The authority reads the consolidated matrix and selects the proposal, with the reason.
    sign_in(page, AUTHORITY)
    open_managed_challenge(page)
    open_evaluation(page)
    expect(page.locator("#panel").get_by_role("listitem")).to_contain_text(f"{EVALUATOR_OPTION} — No conflict declared")
    matrix = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Weighted total"))
    expect(page.get_by_role("heading", name="Consolidated scores")).to_be_visible()
    expect(matrix.get_by_role("columnheader")).to_have_text(
        ["Rank", "Proposal", "Effect (60 %)", "Usability (40 %)", "Weighted total"])
    expect(matrix.locator("tbody tr")).to_have_count(1)
    expect(matrix.locator("tbody tr td")).to_have_text(["1", f"{COMPANY_NAME}: {SOLUTION_V2}", "8", "6", "7.2"])
    page.get_by_role("group", name="Selected for a pilot").get_by_label(f"{COMPANY_NAME}: {SOLUTION_V2}").check()
    page.get_by_label(label("Reason for the decision")).fill(REASON)
    page.get_by_role("button", name="Record the decision").click()
    expect(flash(page)).to_contain_text("The decision is recorded; every company can read its debrief.")
    expect(page.locator("#decision")).to_contain_text(REASON)
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)
    page.goto(challenge_url)
    expect(page.locator("main .badge").first).to_have_text("Pilot(s) awarded")
    expect(page.locator("#selected-companies")).to_have_text(f"Selected for a pilot: {COMPANY_NAME}")
    sign_out(page)

    # 8. The company reads its debrief: its rank, its own scores and comments, the reason.
    sign_in(page, COMPANY)
    navbar(page).get_by_role("link", name="My proposals").click()
    row = page.get_by_role("row").filter(has_text=CHALLENGE)
    expect(row).to_contain_text("Submitted · Selected for a pilot")
    row.get_by_role("link", name=SOLUTION_V2).click()
    expect(page).to_have_url(re.compile(rf"/proposals/{proposal_id}$"))
    page.get_by_role("link", name="Read your debrief").click()
    expect(page.get_by_role("heading", level=1, name="Debrief")).to_be_visible()
    expect(page.locator("#outcome")).to_have_text(re.compile(r"^Selected for a pilot\s+— rank 1 of 1$"))
    expect(page.locator("#reason")).to_have_text(REASON)
    expect(page.locator("main")).to_contain_text("Weighted total: 7.2 of 10")
    scores = page.get_by_role("table", name="Scores per criterion")
    rows = scores.locator("tbody tr")
    expect(rows).to_have_count(2)
    (effect, effect_comment), (usability, usability_comment) = SCORES.values()
    expect(rows.nth(0).get_by_role("cell")).to_have_text(
        ["Effect", "60 %", "8", f"Evaluator 1: {effect} — {effect_comment}"])
    expect(rows.nth(1).get_by_role("cell")).to_have_text(
        ["Usability", "40 %", "6", f"Evaluator 1: {usability} — {usability_comment}"])
    expect(page.locator("main")).not_to_contain_text("Member")  # evaluators are not named
    sign_out(page)

    # What the browser did is what the database holds.
    with live_app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert (proposal.status, proposal.outcome, proposal.version_count) == (ProposalStatus.SUBMITTED, Outcome.SELECTED, 2)
        assert (proposal.title, proposal.trl, str(proposal.pilot_price_eur)) == (SOLUTION_V2, 7, "45500.00")
        stored = db.session.execute(sa.select(ProposalVersion.number, ProposalVersion.digest)
                                    .where(ProposalVersion.proposal_id == proposal_id).order_by(ProposalVersion.number)).all()
        assert [tuple(v) for v in stored] == [(1, digest_v1), (2, digest_v2)]
        member = db.session.scalar(sa.select(PanelMember).where(PanelMember.challenge_id == challenge_id))
        assert (member.user_id, member.declaration) == (world.users["authority_member"], Declaration.NO_CONFLICT)
        assert sorted(db.session.scalars(sa.select(Score.score).where(Score.proposal_id == proposal_id))) == [6, 8]
        decision = db.session.get(Decision, challenge_id)
        assert (decision.award, decision.reason) == (True, REASON)
        assert db.session.get(Challenge, challenge_id).status == ChallengeStatus.AWARDED
