"""In headless Chromium: a visitor reads the public indicators, filters them, and downloads a table.

Two authorities in different NUTS regions have published challenges in different quarters (one of them
still open, one cancelled; a draft stays out of every figure). An anonymous visitor opens the public
dashboard: each chart is drawn from the same figures as the table beside it. They narrow the figures to
one region and then to one authority through the filter form (the filter lands in the URL, so the view
can be shared), and download a table as CSV: the file holds the rows and numbers the page shows.
"""
import csv
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect

from ppi.accounts.models import Organisation, OrganisationKind
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from tests.browser.steps import label
from tests.conftest import add_challenge, add_org, build_world

pytestmark = pytest.mark.browser

HOME, HOME_REGION = "Test Region", "DK03"  # the world's authority; its challenges are in DK031
ABROAD, ABROAD_REGION = "Land Niederösterreich", "AT12"
COLUMNS = ["authority", "published", "open", "closed", "cancelled"]
# What the public dashboard must show per authority, unfiltered: published, open now, closed, cancelled.
EXPECTED = {HOME: [4, 1, 3, 0], ABROAD: [3, 0, 2, 1]}


def publish(world, title: str, published_at: datetime, *, deadline: datetime | None = None, **extra) -> int:
    """A challenge published at `published_at` whose proposal deadline is 30 days later (or `deadline`)."""
    deadline = deadline or published_at + timedelta(days=30)
    return add_challenge(world, title=title, published_at=published_at, submitted_at=published_at - timedelta(days=3),
                         questions_deadline=deadline - timedelta(days=10), proposal_deadline=deadline, **extra)


def build_figures() -> None:
    """Four public challenges of the home authority, three of the Austrian one, and a draft (inside an app context)."""
    world = build_world()
    abroad = add_org(ABROAD, OrganisationKind.PUBLIC_AUTHORITY, country="AT", nuts_code="AT12")
    db.session.commit()
    year = utcnow().year - 1  # quarters of last year, all of them in the past

    def at(month: int, day: int) -> datetime:
        return datetime(year, month, day, 12, tzinfo=timezone.utc)

    publish(world, "Fewer falls at night", at(2, 10))
    publish(world, "Quieter hospital wards", at(5, 5))
    publish(world, "School heating that learns", at(8, 20))
    now = utcnow()
    publish(world, "Open call: safer bathing", now - timedelta(days=3), deadline=now + timedelta(days=20))
    austrian = {"lead_authority_id": abroad.id, "nuts_code": "AT121"}
    publish(world, "Telemedizin im Pflegeheim", at(4, 15), **austrian)
    publish(world, "Barrierefreie Haltestellen", at(7, 1), **austrian)
    publish(world, "Sturzerkennung (cancelled)", at(10, 1), status=ChallengeStatus.CANCELLED, **austrian)
    add_challenge(world, ChallengeStatus.DRAFT, title="A draft nobody may count")


# --- reading the page -------------------------------------------------------------------------------


def number(text: str) -> int:
    """A count as the page shows it in English ("1,234")."""
    return int(text.replace(",", "").strip())


def table_rows(page: Page, name: str) -> list[list[str]]:
    """The body of the indicator table `name`, cell by cell (the row header first)."""
    return page.locator(f"table#table-{name}").evaluate(
        "table => Array.from(table.tBodies[0].rows, row => Array.from(row.cells, cell => cell.innerText.trim()))")


def table_header(page: Page, name: str) -> list[str]:
    return page.locator(f"table#table-{name} thead th").all_inner_texts()


def table_figures(page: Page, name: str) -> dict[str, list[int]]:
    """{row label: its numbers} of a table whose first column is a label and the others counts."""
    return {row[0]: [number(cell) for cell in row[1:]] for row in table_rows(page, name)}


def chart_bars(page: Page, name: str) -> list[tuple[str, int, str]]:
    """The bars of the chart `name`, in drawing order: (label, data-value, series class)."""
    bars = page.locator(f"svg#chart-{name} rect.bar").evaluate_all(
        """rects => rects.map(rect => [rect.querySelector('title').textContent, rect.dataset.value,
                                       Array.from(rect.classList).find(c => c.startsWith('series-'))])""")
    return [(title.rsplit(": ", 1)[0], number(value), series) for title, value, series in bars]


def assert_chart_matches_table(page: Page, name: str, series: list[str]) -> None:
    """Every bar of the chart carries the figure of its row and column in the table beside it."""
    chart, table = page.locator(f"svg#chart-{name}"), table_figures(page, name)
    expect(chart).to_be_visible()
    header = table_header(page, name)  # the column names, "_" shown as spaces
    drawn: dict[str, list[int]] = {}
    for label_, value, css in chart_bars(page, name):
        drawn.setdefault(label_, []).append(value)
        assert css == f"series-{len(drawn[label_]) - 1}"
    positions = [header.index(column.replace("_", " ")) - 1 for column in series]
    expected = {row: [figures[position] for position in positions] for row, figures in table.items()}
    assert drawn == expected
    assert len(drawn) > 0


def assert_pipeline_counts(page: Page, published: int) -> None:
    """The challenges-over-time table adds up to the challenges published (the open one included)."""
    periods = table_figures(page, "pipeline")
    assert sum(figures[0] for figures in periods.values()) == published


def download_csv(page: Page, name: str) -> tuple[list[str], list[list[str]]]:
    """Download the table's CSV through its link on the page: (header, rows)."""
    with page.expect_download() as download_info:
        page.locator(f"a#download-{name}-csv").click()
    download = download_info.value
    assert download.suggested_filename == f"{name}.csv"
    with download.path().open(encoding="utf-8-sig", newline="") as file:  # UTF-8 with a byte-order mark
        header, *rows = list(csv.reader(file))
    return header, rows


def assert_csv_matches_table(page: Page, name: str) -> None:
    header, rows = download_csv(page, name)
    assert header == COLUMNS == table_header(page, name)
    shown = {row[0]: [number(cell) for cell in row[1:]] for row in table_rows(page, name)}
    downloaded = {row[0]: [int(cell) for cell in row[1:]] for row in rows}
    assert downloaded == shown
    assert [row[0] for row in rows] == [row[0] for row in table_rows(page, name)]  # the same order, too


# --- the journey ------------------------------------------------------------------------------------


def test_public_indicators_chart_filter_and_download(live_app, page: Page):
    with live_app.app_context():
        build_figures()
        home_id = db.session.query(Organisation.id).filter_by(name=HOME).scalar()

    # 1. The public dashboard: charts beside their tables, drawn from the same figures.
    page.goto("/indicators/")
    expect(page.get_by_role("heading", level=1, name="Indicators")).to_be_visible()
    for name in ("pipeline", "pipeline_by_authority"):
        expect(page.locator(f"section#indicator-{name} svg#chart-{name} rect.bar").first).to_be_visible()
    assert table_figures(page, "pipeline_by_authority") == EXPECTED
    assert [row[0] for row in table_rows(page, "pipeline_by_authority")] == [HOME, ABROAD]  # most published first
    assert_chart_matches_table(page, "pipeline_by_authority", ["published"])
    assert_chart_matches_table(page, "pipeline", ["published", "closed", "open_at_end"])
    assert_pipeline_counts(page, published=7)
    expect(page.locator("main")).not_to_contain_text("A draft nobody may count")

    # The CSV behind the link holds the rows and numbers of the table on the page.
    assert_csv_matches_table(page, "pipeline_by_authority")

    # 2. One region through the filter form: the figures follow, and the filter is in the URL.
    page.get_by_label(label("Region (NUTS)")).fill(ABROAD_REGION)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"[?&]region={ABROAD_REGION}(&|$)"))
    expect(page.get_by_label(label("Region (NUTS)"))).to_have_value(ABROAD_REGION)
    assert table_figures(page, "pipeline_by_authority") == {ABROAD: EXPECTED[ABROAD]}
    assert_chart_matches_table(page, "pipeline_by_authority", ["published"])
    assert_chart_matches_table(page, "pipeline", ["published", "closed", "open_at_end"])
    assert_pipeline_counts(page, published=3)
    # The download link carries the filter: the file holds the filtered table.
    expect(page.locator("a#download-pipeline_by_authority-csv")).to_have_attribute(
        "href", re.compile(rf"region={ABROAD_REGION}"))
    assert_csv_matches_table(page, "pipeline_by_authority")

    # 3. Another view: the home authority through the Authority list, the region cleared.
    page.get_by_label(label("Region (NUTS)")).fill("")
    page.get_by_label(label("Authority")).select_option(label=HOME)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"[?&]authority={home_id}(&|$)"))
    expect(page).not_to_have_url(re.compile(r"region=[^&]"))  # the form sends the cleared field empty
    assert table_figures(page, "pipeline_by_authority") == {HOME: EXPECTED[HOME]}
    assert_chart_matches_table(page, "pipeline_by_authority", ["published"])
    assert_chart_matches_table(page, "pipeline", ["published", "closed", "open_at_end"])
    assert_pipeline_counts(page, published=4)
    assert_csv_matches_table(page, "pipeline_by_authority")

    # The region of the home authority gives the same figures as choosing the authority.
    page.goto(f"/indicators/?region={HOME_REGION}")
    assert table_figures(page, "pipeline_by_authority") == {HOME: EXPECTED[HOME]}
