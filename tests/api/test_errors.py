"""Errors below /api/ are JSON in the API's envelope, open to every origin like the rest of the API; the web
pages keep their HTML error pages."""
import pytest

from ppi.api import views
from tests.api.support import API, get_json


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v2/challenges", "/api/", f"{API}/challenges/abc"])
def test_an_unknown_api_path_is_a_json_404(client, world, path):
    body = get_json(client, path, 404)
    assert body["error"]["status"] == 404 and body["error"]["message"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_api_is_read_only(client, world, method):
    response = client.open(f"{API}/challenges", method=method)
    assert response.status_code == 405 and response.mimetype == "application/json"
    assert response.get_json()["error"]["status"] == 405
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_nul_character_is_a_json_400(client, world):
    body = get_json(client, f"{API}/challenges", 400, q="a\x00b")
    assert body["error"]["status"] == 400 and body["error"]["message"]


def test_an_unexpected_failure_is_a_json_500(app, client, world, monkeypatch):
    def fail(table):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.serialise, "indicator_table", fail)
    monkeypatch.setattr(app.logger, "exception", lambda *args, **kwargs: None)  # expected: keep the output quiet
    response = client.get(f"{API}/indicators")
    assert response.status_code == 500 and response.mimetype == "application/json"
    assert response.get_json()["error"]["status"] == 500 and "boom" not in response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_web_pages_keep_their_html_errors_and_no_cors(client, world):
    response = client.get("/challenges/999999")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Origin" not in client.get("/challenges/").headers


def test_the_index_links_every_collection(client, world):
    body = get_json(client, f"{API}/")
    for name, path in (("challenges", "/challenges"), ("organisations", "/organisations"), ("indicators", "/indicators"),
                       ("openapi", "/openapi.json")):
        assert body["links"][name] == f"http://localhost{API}{path}"
        get_json(client, body["links"][name])
    assert body["links"]["procurement_cases"] == f"http://localhost{API}/procurement/cases"
    assert body["links"]["open_data"] == "http://localhost/open-data"
    assert client.get(API).status_code == 308  # to the index, with its slash
