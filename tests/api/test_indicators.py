"""The public indicator tables in the JSON API: the catalogue's public tables with their column descriptions,
each table's rows as JSON objects (missing values null, never NaN), with the dashboard's filters; invalid
filters are a 400, a table not for the public a 404."""
import json
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from ppi.api.serialise import records
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.core.timeutil import utcnow
from ppi.reports import indicators
from ppi.reports.catalogue import TABLES, Audience
from tests.api.support import API, get_json
from tests.conftest import add_challenge

PUBLIC_TABLES = indicators.tables_for(Audience.PUBLIC)


def strict_json(response) -> dict:
    """The body, refusing NaN and Infinity (not JSON, though Python's parser takes them by default)."""
    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(response.get_data(as_text=True), parse_constant=refuse)


def test_the_list_has_the_public_tables_with_their_columns(client, world):
    body = get_json(client, f"{API}/indicators")
    assert [table["name"] for table in body["data"]] == PUBLIC_TABLES
    assert "pilot_results" not in PUBLIC_TABLES  # not for the public: the list would hide nothing otherwise
    for table in body["data"]:
        definition = TABLES[table["name"]]
        assert table["title"] == str(definition.title) and table["description"] == str(definition.description)
        assert [(c["name"], c["description"]) for c in table["columns"]] == [
            (c.name, str(c.description)) for c in definition.columns]
        assert table["url"] == f"http://localhost{API}/indicators/{table['name']}"


@pytest.fixture
def published(app, world):
    """Two challenges published this year in DK, one in Sweden last year, and a draft."""
    now = utcnow()
    with app.app_context():
        add_challenge(world, title="Falls", published_at=now - timedelta(days=2))
        add_challenge(world, title="Beds", nuts_code="DK032", cpv_codes=("34000000",), published_at=now - timedelta(days=1))
        add_challenge(world, S.IN_EVALUATION, "Ice", nuts_code="SE224", published_at=now - timedelta(days=400),
                      days_to_questions=-380, days_to_proposals=-370, estimated_contract_value_eur=Decimal(1))
        add_challenge(world, S.DRAFT, "Draft")


@pytest.mark.parametrize("name", PUBLIC_TABLES)
def test_each_public_table_gives_its_columns_as_json(client, published, name):
    response = client.get(f"{API}/indicators/{name}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    body = strict_json(response)
    assert body["name"] == name and body["columns"] == TABLES[name].column_names
    for row in body["data"]:
        assert set(row) == set(body["columns"])  # (the keys come sorted; `columns` gives their order)
        assert all(value is None or isinstance(value, str | int | float | bool) for value in row.values())


def test_the_rows_are_the_computation_for_the_public(app, client, published):
    body = get_json(client, f"{API}/indicators/pipeline_by_region")
    with app.test_request_context():
        frame = indicators.table("pipeline_by_region", indicators.Filters(), indicators.Scope(Audience.PUBLIC), utcnow())
    assert body["data"] == records(frame)
    assert {row["region"]: row["published"] for row in body["data"]} == {"DK03": 2, "SE22": 1}  # never the draft


def test_the_filters_are_the_dashboards(client, world, published):
    today = utcnow().date()
    body = get_json(client, f"{API}/indicators/pipeline", granularity="year", region="dk03", cpv_division="33",
                    **{"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()},
                    authority=str(world.orgs["authority"]), cluster=str(world.orgs["cluster"]))
    assert body["filters"] == {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat(),
                               "granularity": "year", "region": "DK03", "cluster": world.orgs["cluster"],
                               "authority": world.orgs["authority"], "cpv_division": "33"}
    assert sum(row["published"] for row in body["data"]) == 1  # "Falls": the beds are in division 34
    assert sum(row["published"] for row in get_json(client, f"{API}/indicators/pipeline", region="SE")["data"]) == 1
    unfiltered = get_json(client, f"{API}/indicators/pipeline", granularity="year")
    assert sum(row["published"] for row in unfiltered["data"]) == 3
    assert unfiltered["filters"]["from"] is None and unfiltered["filters"]["region"] is None


def test_missing_values_are_null(client, world):
    body = get_json(client, f"{API}/indicators/funnel")  # nothing published: no shares, no medians
    assert body["data"] and all(row["share"] is None and row["median_days"] is None for row in body["data"])


@pytest.mark.parametrize("args, parameter", [
    ({"from": "2026-13-01"}, "from"), ({"to": "someday"}, "to"), ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
    ({"granularity": "week"}, "granularity"), ({"region": "Denmark"}, "region"), ({"cluster": "abc"}, "cluster"),
    ({"authority": "999999"}, "authority"), ({"cpv_division": "3"}, "cpv_division"),
])
def test_invalid_filters_are_a_400_naming_them(client, world, args, parameter):
    body = get_json(client, f"{API}/indicators/pipeline", 400, **args)
    assert list(body["error"]["parameters"]) == [parameter]


def test_a_cluster_is_not_an_authority(client, world):
    body = get_json(client, f"{API}/indicators/pipeline", 400, authority=str(world.orgs["cluster"]))
    assert list(body["error"]["parameters"]) == ["authority"]


@pytest.mark.parametrize("name", ["pilot_results", "nothing", "pipeline.csv"])
def test_a_table_not_for_the_public_does_not_exist(client, world, name):
    assert get_json(client, f"{API}/indicators/{name}", 404)["error"]["status"] == 404


def test_records_turn_pandas_and_numpy_values_into_json():
    frame = pd.DataFrame({
        "count": np.array([3, 4], dtype=np.int64),
        "nullable": pd.array([1, None], dtype="Int64"),
        "share": [0.5, np.nan],
        "infinite": [np.inf, -np.inf],
        "flag": np.array([True, False]),
        "label": ["a", None],
        "when": [pd.Timestamp("2026-03-01 10:00", tz="UTC"), pd.NaT],
        "decimal": [Decimal("1.50"), None],
    })
    rows = records(frame)
    assert rows == [
        {"count": 3, "nullable": 1, "share": 0.5, "infinite": None, "flag": True, "label": "a",
         "when": "2026-03-01T10:00:00Z", "decimal": 1.5},
        {"count": 4, "nullable": None, "share": None, "infinite": None, "flag": False, "label": None, "when": None,
         "decimal": None},
    ]
    assert type(rows[0]["count"]) is int and type(rows[0]["flag"]) is bool
    json.dumps(rows, allow_nan=False)
