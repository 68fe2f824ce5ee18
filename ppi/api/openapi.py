"""The OpenAPI 3.1 document of the API, built as a dict from the code it describes (the enums, the filter
form's choices, the indicator catalogue), so that it cannot drift from them.

Schemas are JSON Schema 2020-12 (OpenAPI 3.1): optional values are `"type": [..., "null"]`; objects list
every field as required (present, possibly null) and allow no other, so a field added to a response
without being described here fails the tests that validate real responses against this document.
"""
from flask import current_app

from ppi.accounts.models import AuthorityType, OrganisationKind
from ppi.accounts.sme import SizeClass
from ppi.cases.workflow import MIN_SUS_RESPONDENTS, Outcome
from ppi.api import MAX_PAGE, MAX_PER_PAGE
from ppi.challenges.forms import FilterForm
from ppi.challenges.models import ContractKind, IprModel
from ppi.challenges.workflow import PUBLIC_STATUSES, ChallengeStatus
from ppi.core.paging import COUNT_CAP
from ppi.procurement.directive import Procedure
from ppi.reports.catalogue import Audience
from ppi.reports.forms import FILTER_KEYS
from ppi.reports.indicators import GRANULARITIES, tables_for

TITLE = "PPI open data API"
API_VERSION = "1.0.0"
OCDS_PACKAGE_DOCS = "https://standard.open-contracting.org/1.1/en/schema/release_package/"

# The status a challenge has now: "closed" is derived (published, proposal deadline passed).
EFFECTIVE_STATUSES = sorted({*PUBLIC_STATUSES, ChallengeStatus.CLOSED})
CHARTS = ["bar", "line", "funnel", "histogram"]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """The schema, or null (an `enum` gains null too)."""
    result = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        result["enum"] = [*schema["enum"], None]
    return result


def record(properties: dict, *, optional: tuple[str, ...] = (), description: str | None = None) -> dict:
    """An object with exactly these fields, each required unless named in `optional`."""
    schema = {"type": "object", "required": [name for name in properties if name not in optional],
              "properties": properties, "additionalProperties": False}
    return {"description": description, **schema} if description else schema


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
URL = {"type": "string", "format": "uri"}
INSTANT = {"type": "string", "format": "date-time", "description": "RFC 3339 in UTC (`Z`), to the second."}
DAY = {"type": "string", "format": "date"}
EUROS = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$",
         "description": "An amount in euros as a decimal string with two decimals (exact, e.g. \"50000.00\")."}


def _schemas() -> dict:
    challenge_fields = {
        "id": INTEGER,
        "title": STRING,
        "summary": STRING,
        "status": {"type": "string", "enum": [s.value for s in EFFECTIVE_STATUSES],
                   "description": "The status now: `published` is open for proposals; `closed`, published with the "
                                  "proposal deadline passed."},
        "published_at": INSTANT,
        "questions_deadline": INSTANT,
        "proposal_deadline": INSTANT,
        "nuts_code": {"type": "string", "description": "NUTS region where the pilot takes place, e.g. DK031."},
        "languages": array({"type": "string", "description": "ISO 639-1 code"},
                           description="Languages in which proposals are accepted."),
        "cpv_codes": array(ref("CpvCode")),
        "lead_authority": ref("OrganisationRef"),
        "partners": array(ref("OrganisationRef"), description="Partner authorities of a buyers' group."),
        "cluster": ref("OrganisationRef"),
        "pilot_budget_eur": EUROS,
        "estimated_contract_value_eur": nullable(EUROS),
        "contract_kind": {"type": "string", "enum": [k.value for k in ContractKind]},
        "ipr_model": {"type": "string", "enum": [m.value for m in IprModel]},
        "url": {**URL, "description": "The challenge's public web page."},
        "api_url": {**URL, "description": "This challenge in the API."},
    }
    detail_fields = {
        "description": {"type": "string", "description": "The problem and the needs, in Markdown (source)."},
        "expected_benefits": STRING,
        "test_setting": STRING,
        "test_users_offered": INTEGER,
        "ipr_note": nullable(STRING),
        "public_reason": nullable({"type": "string", "description": "Why it was cancelled or not awarded."}),
        "criteria": array(record({"name": STRING, "description": nullable(STRING),
                                  "weight": {"type": "integer", "minimum": 1, "maximum": 100}}),
                          description="Evaluation criteria; the weights add up to 100."),
        "documents": array(record({"title": STRING, "content_type": STRING, "size": {**INTEGER, "description": "Bytes"},
                                   "url": URL})),
        "changes": array(record({"at": INSTANT, "fields": array(STRING), "note": STRING}),
                         description="Changes since publication, with their reasons."),
        "answers": array(record({"question": STRING, "answer": STRING, "answered_at": INSTANT}),
                         description="Clarification questions answered to everyone (who asked is never shown)."),
    }
    return {
        "Error": record({"error": record({
            "status": {"type": "integer", "description": "The HTTP status code"},
            "message": STRING,
            "parameters": {"type": "object", "additionalProperties": array(STRING),
                           "description": "For a 400: each invalid query parameter with what is wrong with it."},
        }, optional=("parameters",))}),
        "PageMeta": record({"page": {"type": "integer", "minimum": 1},
                            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                            "total": {"type": "integer", "minimum": 0,
                                      "description": f"Items matching, on all pages, counted up to {COUNT_CAP:,} (or to "
                                                     "the end of this page when it is further)"},
                            "total_exact": {"type": "boolean",
                                            "description": "False when more items match than `total` says"}}),
        "PageLinks": record({"self": URL, "first": URL, "prev": nullable(URL), "next": nullable(URL), "last": nullable(URL)},
                            description="Absolute URLs keeping the query; `prev` and `next` are null at the ends, `last` "
                                        "while the total is not exact."),
        "OrganisationRef": record({"id": INTEGER, "name": STRING}),
        "CpvCode": record({"code": {"type": "string", "pattern": r"^[0-9]{8}$",
                                    "description": "CPV 2008 code, without its check digit"},
                           "title": STRING}),
        "ChallengeSummary": record(challenge_fields),
        "Challenge": record({**challenge_fields, **detail_fields}),
        "ChallengePage": _page_of("ChallengeSummary"),
        "Organisation": record({
            "id": INTEGER,
            "name": STRING,
            "kind": {"type": "string", "enum": [k.value for k in OrganisationKind]},
            "country": {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"},
            "nuts_code": nullable(STRING),
            "registration_number": {"type": "string", "description": "Registration or VAT number (public on its page)"},
            "website": nullable(STRING),
            "description": nullable(STRING),
            "authority_type": nullable({"type": "string", "enum": [t.value for t in AuthorityType],
                                        "description": "Public authorities only (Art 2(1) Dir. 2014/24/EU)."}),
            "size_class": nullable({"type": "string", "enum": [s.value for s in SizeClass],
                                    "description": "Companies only: the EU SME size class (2003/361/EC); null "
                                                   "while undeclared."}),
            "verified_at": nullable(INSTANT),
            "url": {**URL, "description": "The organisation's public web page."},
            "api_url": URL,
        }, description="A verified organisation. No people, no turnover, headcount or balance-sheet figures."),
        "OrganisationPage": _page_of("Organisation"),
        "OcdsReleasePackage": {
            "type": "object",
            "description": "An OCDS 1.1 release package (described loosely here: the OCDS schema is the reference). "
                           "Each public case is one contracting process, with a release per stage it reached. A "
                           "paginated package declares the OCDS pagination extension and has `links`.",
            "externalDocs": {"url": OCDS_PACKAGE_DOCS},
            "required": ["uri", "publishedDate", "releases", "version"],
            "properties": {
                "uri": URL,
                "version": {"type": "string", "const": "1.1"},
                "publishedDate": INSTANT,
                "publisher": {"type": "object", "required": ["name"], "properties": {"name": STRING}},
                "extensions": array(URL),
                "license": URL,
                "publicationPolicy": URL,
                "releases": array({"type": "object", "required": ["ocid", "id", "date", "tag"]}, minItems=1),
                "links": record({"next": URL, "prev": URL}, optional=("next", "prev")),
            },
        },
        "CaseSummary": record({
            "id": INTEGER,
            "title": STRING,
            "outcome": {"type": "string", "enum": [o.value for o in Outcome],
                        "description": "`procured`: the procurement case was completed; `procurement_cancelled`: "
                                       "published, then cancelled; `proceed`, `iterate`: the pilot's decision; "
                                       "`failed_pilot`: stopped early or decided to stop; `reported`: no decision yet."},
            "what_was_tried": STRING,
            "with_whom": {"type": "string", "description": "Organisations only."},
            "users_said": nullable(STRING),
            "learned": STRING,
            "differently": nullable({"type": "string", "description": "What they would do differently."}),
            "challenge_title": nullable(STRING),
            "authority": {"type": "string", "description": "The public authority's name."},
            "cluster": nullable({"type": "string", "description": "The facilitating cluster's name."}),
            "company": nullable({"type": "string", "description": "The pilot's company, or the contract's supplier."}),
            "nuts_code": nullable(STRING),
            "cpv_codes": array(ref("CpvCode")),
            "pilot_from": nullable({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "description": "YYYY-MM"}),
            "pilot_until": nullable({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "description": "YYYY-MM"}),
            "test_users": nullable({"type": "integer", "description": "Test users taking part (not withdrawn)."}),
            "sus": nullable({**record({"mean": {"type": "number", "minimum": 0, "maximum": 100},
                                       "grade": STRING,
                                       "respondents": {"type": "integer", "minimum": MIN_SUS_RESPONDENTS}}),
                             "description": f"System Usability Scale; null unless at least {MIN_SUS_RESPONDENTS} test "
                                            "users answered."}),
            "procedure": nullable({"type": "string", "enum": [p.value for p in Procedure],
                                   "description": "The procurement route."}),
            "contract_value_eur": nullable({**EUROS, "description": "A completed contract's value, excl. VAT."}),
            "published_at": INSTANT,
            "url": {**URL, "description": "The summary's public web page."},
            "api_url": URL,
        }, description="A published case summary: the authors' texts and facts taken from the record. Never a "
                       "person, a proposal (but the chosen company's name), another tenderer or a test user."),
        "CaseSummaryPage": _page_of("CaseSummary"),
        "IndicatorTable": record({
            "name": STRING,
            "title": STRING,
            "description": {"type": "string", "description": "What is counted, and by which reference date."},
            "chart": nullable({"type": "string", "enum": CHARTS}),
            "columns": array(record({"name": STRING, "description": STRING})),
            "url": {**URL, "description": "The table's rows in the API."},
        }),
        "IndicatorTableList": record({"data": array(ref("IndicatorTable"))}),
        "IndicatorData": record({
            "name": STRING,
            "title": STRING,
            "filters": record({"from": nullable(DAY), "to": nullable(DAY),
                               "granularity": {"type": "string", "enum": list(GRANULARITIES)},
                               "region": nullable(STRING), "cluster": nullable(INTEGER), "authority": nullable(INTEGER),
                               "cpv_division": nullable(STRING)}, description="The filters applied."),
            "columns": array(STRING, description="The columns of each row, in order (see the table's description)."),
            "data": array({"type": "object", "additionalProperties": {"type": ["string", "number", "boolean", "null"]}},
                          description="One object per row; a missing value is null."),
        }),
        "ApiIndex": record({
            "title": STRING,
            "version": STRING,
            "links": record({"challenges": URL, "organisations": URL, "procurement_cases": URL, "library": URL,
                             "indicators": URL, "openapi": URL,
                             "open_data": {**URL, "description": "The data's licence and terms"}}),
            "licence": nullable(record({"name": STRING, "url": URL}, description="The licence of the data")),
        }),
    }


def _page_of(item: str) -> dict:
    return record({"data": array(ref(item)), "meta": ref("PageMeta"), "links": ref("PageLinks")},
                  description=f"One page of {item} items.")


def query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def path_id(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1},
            "description": f"The {what}'s id"}


def _parameters(filters: FilterForm) -> dict:
    def values(field) -> list[str]:
        return [choice.value for choice in field.choices if choice.value]

    divisions = {"type": "string", "enum": values(filters.cpv)}
    return {
        "page": query("page", {"type": "integer", "minimum": 1, "default": 1},
                      f"The page (from 1; a larger one than {MAX_PAGE} is taken as {MAX_PAGE}; past the last page the "
                      "collection is empty)."),
        "per_page": query("per_page", {"type": "integer", "minimum": 1, "default": current_app.config["PAGE_SIZE"]},
                          f"Items per page; more than {MAX_PER_PAGE} is taken as {MAX_PER_PAGE}."),
        "q": query("q", {"type": "string", "maxLength": 200},
                   "Full-text search in the title, summary and description (on SQLite every word must appear)."),
        "status": query("status", {"type": "string", "enum": values(filters.status)},
                        "`open`: published and the proposal deadline not passed; `closed`: published and passed; "
                        "otherwise the stored status."),
        "cpv": query("cpv", divisions, "CPV division (two digits): one of the challenge's CPV codes is in it."),
        "cpv_division": query("cpv_division", divisions, "The same as `cpv` (the name the indicators use)."),
        "region": query("region", {"type": "string", "maxLength": 5},
                        "A NUTS code or its start (DK, DK03, DK031): the challenge's region starts with it."),
        "authority": query("authority", {"type": "integer"},
                           "A verified public authority's id: the lead authority or a partner."),
        "deadline_from": query("deadline_from", DAY,
                               "Proposal deadline on or after this day (days in the time zone of the web list: the platform's "
                               "default, Europe/Copenhagen unless configured)."),
        "deadline_to": query("deadline_to", DAY, "Proposal deadline on or before this day."),
        "sort": query("sort", {"type": "string", "enum": values(filters.sort), "default": "deadline"},
                      "`deadline`: soonest first; `newest`: latest published first; `title`."),
        "kind": query("kind", {"type": "string", "enum": [k.value for k in OrganisationKind]}, "The kind of organisation."),
        "library_q": query("q", {"type": "string", "maxLength": 200},
                           "Words that must each appear in the title, a text, the challenge, the authority or the company."),
        "library_cpv": query("cpv", {"type": "string", "pattern": "^[0-9]{2,3}$"},
                             "A CPV division (two digits) or group (three): one of the summary's CPV codes starts with it."),
        "library_region": query("region", {"type": "string", "maxLength": 5},
                                "A NUTS code or its start (DK, DK03): the summary's region starts with it."),
        "library_outcome": query("outcome", {"type": "string", "enum": [o.value for o in Outcome]}, "The outcome."),
        "indicator_from": query("from", DAY, "Start of the period (a day in UTC, included)."),
        "indicator_to": query("to", DAY, "End of the period (a day in UTC, included)."),
        "indicator_granularity": query("granularity", {"type": "string", "enum": list(GRANULARITIES), "default": "quarter"},
                                       "Periods of the tables over time."),
        "indicator_region": query("region", {"type": "string", "maxLength": 5},
                                  "A NUTS code or its start: the challenge's region starts with it."),
        "indicator_cluster": query("cluster", {"type": "integer", "minimum": 1}, "A verified cluster's id: the facilitating one."),
        "indicator_authority": query("authority", {"type": "integer", "minimum": 1},
                                     "A verified public authority's id: the lead authority."),
        "indicator_cpv_division": query("cpv_division", divisions,
                                        "CPV division (two digits): one of the challenge's CPV codes is in it."),
    }


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def _params(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


BAD_REQUEST = {"$ref": "#/components/responses/BadRequest"}
NOT_FOUND = {"$ref": "#/components/responses/NotFound"}


def _get(operation_id: str, tag: str, summary: str, ok: dict, parameters=(), description: str = "", **errors) -> dict:
    responses = {"200": ok}
    responses |= {code.removeprefix("e"): response for code, response in errors.items()}
    operation = {"operationId": operation_id, "tags": [tag], "summary": summary, "responses": responses}
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = list(parameters)
    return {"get": operation}


def _paths() -> dict:
    public_tables = tables_for(Audience.PUBLIC)
    challenge_filters = ("q", "status", "cpv", "cpv_division", "region", "authority", "deadline_from", "deadline_to", "sort")
    indicator_filters = [f"indicator_{key}" for key in FILTER_KEYS]  # the dashboard's, in its order
    return {
        "/": _get("index", "meta", "Links to the collections and to this document", _json("ApiIndex", "The index")),
        "/openapi.json": _get("openapi", "meta", "This OpenAPI document",
                              {"description": "The OpenAPI 3.1 document", "content": {"application/json": {
                                  "schema": {"type": "object", "required": ["openapi", "info", "paths"]}}}}),
        "/challenges": _get(
            "listChallenges", "challenges", "Public challenges, with the filters of the web list",
            _json("ChallengePage", "A page of challenges"), _params(*challenge_filters, "page", "per_page"),
            "Published challenges and those further on (never drafts or challenges in moderation). The same query "
            "string as the web list (/challenges/) gives the same challenges in the same order.",
            e400=BAD_REQUEST),
        "/challenges/{challenge_id}": _get(
            "getChallenge", "challenges", "One public challenge", _json("Challenge", "The challenge"),
            [path_id("challenge_id", "challenge")], "A draft or a challenge in moderation is not found (404).",
            e404=NOT_FOUND),
        "/organisations": _get(
            "listOrganisations", "organisations", "Verified organisations, by name",
            _json("OrganisationPage", "A page of organisations"), _params("kind", "page", "per_page"), e400=BAD_REQUEST),
        "/organisations/{org_id}": _get(
            "getOrganisation", "organisations", "One verified organisation", _json("Organisation", "The organisation"),
            [path_id("org_id", "organisation")], "An organisation not (or no longer) verified is not found (404).",
            e404=NOT_FOUND),
        "/procurement/cases": _get(
            "listProcurementCases", "procurement", "Public procurement cases as an OCDS 1.1 release package",
            _json("OcdsReleasePackage", "The releases of one page of cases"), _params("page", "per_page"),
            "Cases that were published (oldest first), `per_page` cases a package, each with all its releases; "
            "`links.next` and `links.prev` (OCDS pagination extension) lead to the neighbouring pages. A package "
            "holds at least one release: 404 while no case is public, and past the last page.",
            e400=BAD_REQUEST, e404=NOT_FOUND),
        "/procurement/cases/{case_id}": _get(
            "getProcurementCase", "procurement", "One public procurement case as an OCDS 1.1 release package",
            _json("OcdsReleasePackage", "The case's releases"), [path_id("case_id", "procurement case")],
            "A case never published (in planning, or withdrawn there) is not found (404).", e404=NOT_FOUND),
        "/library": _get(
            "listCaseSummaries", "library", "Published case summaries, newest first, with the filters of the web library",
            _json("CaseSummaryPage", "A page of case summaries"),
            _params("library_q", "library_cpv", "library_region", "library_outcome", "page", "per_page"),
            "Summaries of reported pilots and closed procurement cases that every party approved; drafts and withdrawn "
            "summaries are not listed.", e400=BAD_REQUEST),
        "/library/{summary_id}": _get(
            "getCaseSummary", "library", "One published case summary", _json("CaseSummary", "The case summary"),
            [path_id("summary_id", "case summary")], "A draft or a withdrawn summary is not found (404).", e404=NOT_FOUND),
        "/indicators": _get("listIndicators", "indicators", "The public indicator tables and what they mean",
                            _json("IndicatorTableList", "The tables")),
        "/indicators/{name}": _get(
            "getIndicator", "indicators", "One indicator table's rows, for the public",
            _json("IndicatorData", "The rows"),
            [{"name": "name", "in": "path", "required": True, "schema": {"type": "string", "enum": public_tables},
              "description": "The table's name (see /indicators)"}, *_params(*indicator_filters)],
            "Computed over published challenges only, with the dashboard's filters.", e400=BAD_REQUEST, e404=NOT_FOUND),
    }


def document(server: str, open_data: str, licence: dict | None) -> dict:
    """The OpenAPI document; `server` is the API's absolute base URL (…/api/v1), `open_data` the page on the
    data's terms of reuse, `licence` the data's licence (name, url)."""
    filters = FilterForm(formdata=None)
    info_licence = {"license": {"name": licence["name"], "url": licence["url"]}} if licence else {}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": API_VERSION,
            "summary": "Open data of the public-private innovation platform, read-only.",
            "description": (
                "Public, read-only and open to every origin (`Access-Control-Allow-Origin: *`); no sign-in. "
                "Collections are paginated with `page` and `per_page`. Times are RFC 3339 in UTC; amounts in euros "
                "are decimal strings. Invalid query parameters are a 400 naming them; what is not public is a 404. "
                f"Errors are `{{\"error\": {{\"status\", \"message\"}}}}`. Licence and terms of reuse: {open_data}"
            ),
            **info_licence,
        },
        "externalDocs": {"description": "Open data: licence and terms of reuse", "url": open_data},
        "servers": [{"url": server}],
        "tags": [{"name": name} for name in ("challenges", "organisations", "procurement", "library", "indicators", "meta")],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(filters),
            "responses": {
                "BadRequest": _json("Error", "An invalid query parameter"),
                "NotFound": _json("Error", "Not found, or not public"),
            },
        },
    }
