"""The indicators through the app: who sees which figures, what the public never sees, downloads, open data, CLI."""
import csv
import io
import json
import zipfile
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest

from ppi.accounts.models import OrganisationKind
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.proposals.models import Proposal
from ppi.proposals.workflow import ProposalStatus
from ppi.reports import indicators
from ppi.reports import views as reports_views
from ppi.reports.catalogue import Audience
from tests.conftest import add_challenge, add_org


def _proposal(world, challenge_id: int, company_id: int, status=ProposalStatus.SUBMITTED) -> None:
    db.session.add(Proposal(challenge_id=challenge_id, company_id=company_id,
                            created_by_id=world.users["company_admin"], status=status, title="Radar", summary="Radar.",
                            description="Radar.", trl=6, evidence="Tested.", test_users_needed=5, sites_needed=1,
                            duration_weeks=8, pilot_price_eur=Decimal(1000), submitted_at=utcnow()))


@pytest.fixture
def figures(app, world):
    """A closed challenge with two proposals, an open one with a sealed proposal, a draft, and another authority's
    closed challenge in Austria with one proposal."""
    with app.app_context():
        closed = add_challenge(world, title="Closed call", days_to_questions=-20, days_to_proposals=-10)
        open_ = add_challenge(world, title="Open call")
        draft = add_challenge(world, ChallengeStatus.DRAFT, title="Secret draft")
        other = add_org("Land Niederösterreich", OrganisationKind.PUBLIC_AUTHORITY, country="AT", nuts_code="AT12")
        third = add_org("Third ApS", OrganisationKind.COMPANY)
        db.session.commit()
        company, other_company = world.orgs["company"], world.orgs["other_company"]
        abroad = add_challenge(world, title="Austrian call", days_to_questions=-20, days_to_proposals=-10,
                               lead_authority_id=other.id, nuts_code="AT121")
        _proposal(world, closed, company)
        _proposal(world, closed, other_company)
        _proposal(world, closed, third.id, status=ProposalStatus.WITHDRAWN)
        _proposal(world, open_, company)  # sealed until the deadline
        _proposal(world, abroad, company)
        db.session.commit()
        return {"closed": closed, "open": open_, "draft": draft, "abroad": abroad, "other_authority": other.id}


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def _metrics(rows: list[dict]) -> dict[str, str]:
    return {row["metric"]: row["value"] for row in rows}


def test_the_public_sees_published_challenges_and_no_sealed_proposal(client, figures):
    rows = _csv(client.get("/indicators/public/tables/participation.csv"))
    metrics = _metrics(rows)
    assert metrics["challenges"] == "2"  # the closed call and the Austrian one; the open call's deadline has not passed
    assert metrics["proposals"] == "3"  # two to the closed call (the withdrawn one not counted), one Austrian
    authorities = _csv(client.get("/indicators/public/tables/pipeline_by_authority.csv"))
    assert {row["authority"]: row["published"] for row in authorities} == {"Test Region": "2", "Land Niederösterreich": "1"}
    page = client.get("/indicators/").get_data(as_text=True)
    assert "Secret draft" not in page and "Pilot results" not in page


def test_the_funnel_does_not_count_proposals_before_the_deadline(client, figures):
    funnel = {row["stage"]: row["challenges"] for row in _csv(client.get("/indicators/public/tables/funnel.csv"))}
    assert funnel["published"] == "3" and funnel["proposals"] == "2"


def test_an_authority_sees_its_own_challenges_only(client_as, figures):
    rows = _csv(client_as("authority_admin").get("/indicators/authority/tables/pipeline_by_authority.csv"))
    assert [(row["authority"], row["published"]) for row in rows] == [("Test Region", "2")]


def test_filters_in_the_url_narrow_the_figures(client, figures):
    rows = _csv(client.get("/indicators/public/tables/pipeline_by_region.csv?region=AT12"))
    assert [(row["region"], row["published"]) for row in rows] == [("AT12", "1")]
    rows = _csv(client.get(f"/indicators/public/tables/pipeline_by_region.csv?authority={figures['other_authority']}"))
    assert [row["region"] for row in rows] == ["AT12"]


def test_the_dashboard_shows_charts_and_the_same_figures_in_the_table(client, figures):
    page = client.get("/indicators/?region=DK").get_data(as_text=True)
    assert 'id="chart-pipeline_by_authority"' in page and 'id="table-pipeline_by_authority"' in page
    assert 'data-value="2"' in page  # the Test Region's two published challenges, drawn
    assert "Land Niederösterreich" not in page.split('id="indicator-pipeline_by_authority"')[1].split("</section>")[0]


def test_a_long_table_shows_its_first_rows_and_points_to_the_downloads(client, figures, monkeypatch):
    monkeypatch.setattr(reports_views, "ROWS_SHOWN", 1)
    page = client.get("/indicators/").get_data(as_text=True)
    table = page.split('id="table-pipeline_by_authority"')[1].split("</table>")[0]
    assert "Test Region" in table and "Land Niederösterreich" not in table  # two published before one
    assert 'id="table-pipeline_by_authority-shortened"' in page and "The first 1 of 2 rows" in page
    rows = _csv(client.get("/indicators/public/tables/pipeline_by_authority.csv"))
    assert [row["authority"] for row in rows] == ["Test Region", "Land Niederösterreich"]
    monkeypatch.setattr(reports_views, "ROWS_SHOWN", 2)
    page = client.get("/indicators/?granularity=year").get_data(as_text=True)  # another view: not from the cache
    assert "Land Niederösterreich" in page.split('id="table-pipeline_by_authority"')[1].split("</table>")[0]
    assert 'id="table-pipeline_by_authority-shortened"' not in page


@pytest.mark.parametrize("query", [
    "from=yesterday&to=2026-13-45", "from=1899-01-01", "granularity=decade", "region=<script>", "cluster=abc",
    "authority=99999999999999999999", "cpv_division=zz", "from=2026-05-01&to=2026-01-01", "page=-1",
])
def test_bad_filters_are_shown_not_failed(client, figures, query):
    response = client.get(f"/indicators/?{query}")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True) or query in ("page=-1",)
    assert client.get(f"/indicators/public/tables/pipeline.csv?{query}").status_code == 200


def test_an_invalid_filter_keeps_what_was_typed(client, figures):
    page = client.get("/indicators/?from=2026-02-30&region=dk03").get_data(as_text=True)
    assert 'value="2026-02-30"' in page and 'value="DK03"' in page and 'id="from-error"' in page


def test_the_workbook_holds_every_table_the_audience_sees(client, figures):
    response = client.get("/indicators/public/export.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert workbook.sheetnames == ["about"] + indicators.tables_for(Audience.PUBLIC)
    assert "pilot_results" not in workbook.sheetnames
    participation = {row[0]: row[2] for row in workbook["participation"].iter_rows(min_row=2, values_only=True)}
    assert participation["proposals"] == 3


def test_the_csv_archive_has_a_file_per_table(client_as, figures):
    response = client_as("platform_admin").get("/indicators/platform/export.zip")
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert names == ["about.csv"] + [f"{name}.csv" for name in indicators.tables_for(Audience.PLATFORM)]


def test_open_data_lists_published_challenges_only_without_people(client, figures):
    document = client.get("/open-data/challenges.json").get_json()
    titles = {challenge["title"] for challenge in document["challenges"]}
    assert titles == {"Closed call", "Open call", "Austrian call"}
    assert "CC BY 4.0" in document["licence"]
    text = json.dumps(document)
    assert "@" not in text and "Secret draft" not in text
    statuses = {challenge["title"]: challenge["status"] for challenge in document["challenges"]}
    assert statuses["Closed call"] == "closed" and statuses["Open call"] == "published"
    rows = _csv(client.get("/open-data/challenges.csv"))
    assert {row["title"] for row in rows} == titles
    assert next(row for row in rows if row["title"] == "Open call")["cpv_codes"] == "33196200"


def test_the_open_data_page_describes_every_field_and_the_licence(client, figures):
    page = client.get("/open-data").get_data(as_text=True)
    assert "proposal_deadline" in page and "open_at_end" in page and 'rel="license"' in page


def test_the_report_command_writes_the_workbook(app, figures, tmp_path):
    out = tmp_path / "indicators.xlsx"
    result = app.test_cli_runner().invoke(args=["ppi", "report", "--from", "2020-01-01", "--to", "2030-12-31",
                                                "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(out, read_only=True)
    assert workbook.sheetnames == ["about"] + indicators.tables_for(Audience.PLATFORM)
    by_authority = {row[0]: row[1] for row in workbook["pipeline_by_authority"].iter_rows(min_row=2, values_only=True)}
    assert by_authority == {"Test Region": 2, "Land Niederösterreich": 1}


def test_the_report_command_writes_csv_files_and_refuses_a_reversed_period(app, figures, tmp_path):
    out = tmp_path / "indicators.zip"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ppi", "report", "--format", "csv", "--audience", "public", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "pilot_results.csv" not in zipfile.ZipFile(out).namelist()
    refused = runner.invoke(args=["ppi", "report", "--from", "2026-05-01", "--to", "2026-01-01", "--out", str(out)])
    assert refused.exit_code == 2 and "--to comes before --from" in refused.output


def test_a_cluster_report_needs_the_organisation(app, figures, tmp_path):
    result = app.test_cli_runner().invoke(args=["ppi", "report", "--audience", "cluster", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "--organisation" in result.output


def test_the_period_ends_today_when_open(app, figures):
    with app.app_context():
        frame = indicators.table("pipeline", indicators.Filters(date_from=(utcnow() - timedelta(days=40)).date(),
                                                                 granularity="month"), indicators.Scope(Audience.PUBLIC))
    assert int(frame["published"].sum()) == 3 and len(frame) in (2, 3)
