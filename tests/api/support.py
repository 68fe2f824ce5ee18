"""Helpers of the API tests: reading JSON answers, walking them, and validating a response
against the OpenAPI document the API publishes (JSON Schema 2020-12, `#/components/…` resolved through a
`referencing` registry that holds the whole document)."""
import json
from urllib.parse import quote

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.procurement.test_ocds import FORMATS  # RFC 3339 date-times with a zone, absolute http(s) URIs

API = "/api/v1"
DOCUMENT_URI = "https://ppi.test/api/v1/openapi.json"  # where the registry keeps the document


def get_json(client, path: str, expect: int = 200, **args) -> dict:
    """GET `path` with the query `args`: the JSON body of an answer with status `expect`, open to every origin."""
    response = client.get(path, query_string=args or None)
    assert response.status_code == expect, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def keys_in(value) -> set[str]:
    """Every object key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_in(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_in(item)}
    return set()


# ---- the OpenAPI document ---------------------------------------------------------------------------------

def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def response_schema_pointer(document: dict, template: str, status: int) -> str:
    """The JSON pointer, in the document, of the schema of `status` answers of GET `template` (a path of the
    document, e.g. "/challenges/{challenge_id}"). Fails when the document does not describe that answer."""
    operation = document["paths"][template]["get"]
    assert str(status) in operation["responses"], f"GET {template} does not document a {status}"
    parts = ["paths", template, "get", "responses", str(status)]
    response = operation["responses"][str(status)]
    if "$ref" in response:  # a shared response of components/responses
        target = response["$ref"].removeprefix("#/").split("/")
        parts, response = target, document[target[0]][target[1]][target[2]]
    assert "application/json" in response["content"], f"GET {template} {status} is not JSON"
    return _pointer(*parts, "content", "application/json", "schema")


def validator_for(document: dict, template: str, status: int) -> Draft202012Validator:
    registry = Registry().with_resource(DOCUMENT_URI, Resource(contents=document, specification=DRAFT202012))
    schema = {"$ref": DOCUMENT_URI + "#" + quote(response_schema_pointer(document, template, status), safe="/~")}
    return Draft202012Validator(schema, registry=registry, format_checker=FORMATS)


def schema_errors(document: dict, template: str, status: int, body) -> list[str]:
    errors = validator_for(document, template, status).iter_errors(body)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]


def assert_documented(document: dict, template: str, response) -> dict:
    """The response's body validates against what the document says GET `template` answers with its status."""
    body = json.loads(response.get_data(as_text=True))
    errors = schema_errors(document, template, response.status_code, body)
    assert not errors, f"GET {template} {response.status_code}:\n" + "\n".join(errors[:20])
    return body
