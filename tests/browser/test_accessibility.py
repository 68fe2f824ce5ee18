"""In headless Chromium: every page of the app passes axe-core's WCAG 2.1 level A and AA rules, in every role, at a
desktop and a phone width, scrolls sideways at neither (it reflows), and has a table beside each chart.

The pages are the GET rules of the app's URL map with ids from the demo data (tests/browser/site_map.py), served with
the demo loaded by a server of its own: `test_every_page_is_walked` fails when a new page has no demo ids or no role
gets it. The walk, one test per role, signs in once and checks each page at both widths; a failure lists every
violation with its page, role, width, rule and elements. This module is the xdist group "a11y" (tests/conftest.py),
run beside the other browser tests.
"""
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page

from ppi import create_app
from ppi.demo import load_demo
from ppi.extensions import db
from tests.browser import site_map
from tests.browser.axe import describe, load_axe_on_every_page, violations
from tests.browser.conftest import serving
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser

# 320 px: the narrowest phones, and 1280 px zoomed to 400 %, the width WCAG 1.4.10 (Reflow) asks pages to work at.
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 320, "height": 720}}


@dataclass
class DemoSite:
    url: str
    candidates: list[site_map.Candidate]
    unfilled: list[str]
    statuses: dict[str, dict[site_map.Candidate, int]]  # role -> candidate -> status
    plan: dict[str, list[site_map.Candidate]]  # role -> the pages it walks


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """The app with the demo data on a SQLite file (markup does not depend on the database), served on a free port;
    the candidates, what each role gets at each, and the walk's plan, all worked out once."""
    database = tmp_path_factory.mktemp("a11y") / "demo.sqlite"
    # Static files cached for the run: without it each of the walk's page loads asks again for the four of them.
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", WTF_CSRF_ENABLED=True,
                     SEND_FILE_MAX_AGE_DEFAULT=3600)
    with app.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
        samples = site_map.demo_samples()
        db.session.remove()
    candidates, unfilled = site_map.candidates(app, samples)
    statuses = {role: site_map.statuses(app, email, candidates) for role, email in site_map.ROLES.items()}
    pages = {role: [candidate for candidate, status in got.items() if status == 200] for role, got in statuses.items()}
    try:
        with serving(app, "a11y-demo-server", log_requests=False) as url:
            yield DemoSite(url, candidates, unfilled, statuses, site_map.walk_plan(pages))
    finally:
        with app.app_context():
            db.engine.dispose()


def test_every_page_is_walked(demo_site):
    """Every page rule has demo ids, none answers with a server error, and some role gets each page."""
    assert not demo_site.unfilled, (
        f"no demo ids fill these rules: add samples in tests/browser/site_map.py: {demo_site.unfilled}")
    errors = [f"{candidate.url} as {role}: {status}" for role, got in demo_site.statuses.items()
              for candidate, status in got.items() if status >= 500]
    assert not errors, "server errors:\n" + "\n".join(errors)
    walked = {candidate.endpoint for pages in demo_site.plan.values() for candidate in pages}
    never = sorted({candidate.endpoint for candidate in demo_site.candidates} - walked)
    assert not never, f"no demo role gets these pages (200): give them demo ids a role can see: {never}"


def _stops(demo_site: DemoSite, role: str) -> list[tuple[str, int]]:
    """The URLs the role walks and the status each must answer: its pages (200), and the error pages it opens."""
    return [(candidate.url, 200) for candidate in demo_site.plan[role]] + [
        (url, status) for url, opener, status in site_map.ERROR_PAGES if opener == role]


# The charts (indicators) whose section has no table: each must have its figures in a table beside it.
_CHARTS_WITHOUT_TABLE = """() => [...document.querySelectorAll('svg.chart')]
  .filter(chart => !chart.closest('section')?.querySelector('table')).map(chart => chart.id)"""


def _problems_at(page: Page, where: str, width: str) -> list[str]:
    """axe's violations on the page as it is; at the desktop width, charts without their data table; at both widths, a
    page wider than the window (at the desktop width a signed-in member's menu once was)."""
    problems = []
    found = violations(page)
    if found:
        problems.append(describe(where, found))
    if width == "desktop" and (charts := page.evaluate(_CHARTS_WITHOUT_TABLE)):
        problems.append(f"{where}: charts without a table of their figures beside them: {charts}")
    scroll_width, window_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > window_width:
        problems.append(f"{where}: scrolls sideways, {scroll_width} px wide in a {window_width} px window (WCAG 1.4.10)")
    return problems


@pytest.mark.parametrize("role", list(site_map.ROLES))
def test_every_page_passes_axe_at_both_widths(demo_site, browser: Browser, role):
    context = browser.new_context(base_url=demo_site.url, viewport=WIDTHS["desktop"], locale="en-GB",
                                  reduced_motion="reduce")
    load_axe_on_every_page(context)
    page = context.new_page()
    problems = []
    try:
        if site_map.ROLES[role]:
            sign_in(page, site_map.ROLES[role], site_map.PASSWORD)
        for url, status in _stops(demo_site, role):
            page.set_viewport_size(WIDTHS["desktop"])
            response = page.goto(url)
            if response.status != status:
                problems.append(f"{url} as {role}: {response.status}, expected {status}")
                continue
            for width, size in WIDTHS.items():
                page.set_viewport_size(size)
                problems += _problems_at(page, f"{url} as {role} at the {width} width ({size['width']} px)", width)
    finally:
        context.close()
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)
