"""The public JSON API, read-only (GET only, no sign-in, open to every origin).

Collections are paginated (`page`, `per_page`): `{"data": […], "meta": {page, per_page, total}, "links":
{self, first, prev, next, last}}`, links absolute and keeping the query. The challenge list takes the web
list's filters, read by the same form, so the same query string gives the same challenges. Procurement
cases are OCDS 1.1 release packages (paginated with the package-level `links` of the OCDS pagination
extension). Invalid query parameters are a 400 naming them; what is not public is a 404, as if it did
not exist. Errors are JSON (`ppi.core.errors.json_error`).
"""
import re
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from ppi.accounts.models import Organisation, OrganisationKind
from ppi.accounts.workflow import VerificationStatus
from ppi.api import MAX_PAGE, MAX_PER_PAGE, openapi, serialise
from ppi.cases import permissions as case_permissions, services as case_services
from ppi.cases.forms import LibraryFilterForm
from ppi.cases.models import CaseSummary
from ppi.challenges import permissions as challenge_permissions, services as challenge_services
from ppi.challenges.forms import FilterForm
from ppi.challenges.models import Challenge, PublicChange
from ppi.core.errors import is_api_request, json_error
from ppi.core.paging import CappedPage, paginate
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.procurement import ocds, permissions as procurement_permissions
from ppi.procurement.models import ProcurementCase
from ppi.reports import indicators
from ppi.reports.catalogue import TABLES, Audience
from ppi.reports.forms import filter_form

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The OCDS extension that adds `links` (next, prev) to a package: declared in every paginated package.
OCDS_PAGINATION_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_pagination_extension/master/extension.json"
WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


@bp.after_app_request
def open_to_every_origin(response: Response) -> Response:
    """Open data: any web page may read the API (GET only, no credentials), its errors included."""
    if is_api_request():
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# ---- query parameters ------------------------------------------------------------------------------

def bad_parameters(problems: dict[str, list]) -> None:
    """Stop with a 400 naming each invalid query parameter and what is wrong with it."""
    names = ", ".join(sorted(problems))
    abort(json_error(400, f"Invalid query parameter: {names}.",
                     parameters={name: [str(message) for message in messages] for name, messages in problems.items()}))


def _whole_number(name: str, default: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not WHOLE_NUMBER.fullmatch(raw) or int(raw) < 1:
        bad_parameters({name: ["Give a whole number of 1 or more."]})
    return int(raw)


def paging() -> tuple[int, int]:
    """`page` and `per_page`: not whole numbers of 1 or more is a 400; too large, clamped."""
    page = min(_whole_number("page", 1), MAX_PAGE)
    per_page = min(_whole_number("per_page", current_app.config["PAGE_SIZE"]), MAX_PER_PAGE)
    return page, per_page


def url_with(**changes) -> str:
    """This request's absolute URL with the query parameters in `changes` replaced (the others kept)."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key not in changes]
    query += [(key, str(value)) for key, value in changes.items()]
    return url_for(request.endpoint, **request.view_args, _external=True) + ("?" + urlencode(query) if query else "")


def page_links(result: CappedPage) -> dict:
    """`last` only when the count is exact (else null, like the last page's number)."""
    last = result.pages if result.exact else None

    def at(number: int) -> str:
        return url_with(page=number, per_page=result.per_page)

    page = result.page
    return {"self": at(page), "first": at(1), "prev": at(min(page - 1, last or page)) if page > 1 else None,
            "next": at(page + 1) if result.has_next else None, "last": at(last) if last else None}


def collection(stmt: sa.Select, item) -> Response:
    """One page of `stmt` in the pagination envelope, each row through `item`. The total is counted up to
    `paging.COUNT_CAP` (or the end of the page): `total_exact` is false when more match."""
    page, per_page = paging()
    result = paginate(stmt, page, per_page)
    return jsonify({
        "data": [item(row) for row in result.items],
        "meta": {"page": page, "per_page": per_page, "total": result.total, "total_exact": result.exact},
        "links": page_links(result),
    })


# ---- the index and the OpenAPI document -------------------------------------------------------------

@bp.get("/")
def index():
    return jsonify({
        "title": openapi.TITLE,
        "version": openapi.API_VERSION,
        "links": {
            "challenges": url_for("api.challenges", _external=True),
            "organisations": url_for("api.organisations", _external=True),
            "procurement_cases": url_for("api.procurement_cases", _external=True),
            "library": url_for("api.library", _external=True),
            "indicators": url_for("api.indicators_list", _external=True),
            "openapi": url_for("api.openapi_document", _external=True),
            "open_data": open_data_url(),
        },
        "licence": licence(),
    })


def open_data_url() -> str:
    """The page on the data's licence and terms of reuse."""
    return request.url_root + "open-data"


def licence() -> dict | None:
    """The open data's licence (name and URL of its text), as configured."""
    name, url = current_app.config.get("PPI_OPEN_DATA_LICENCE"), current_app.config.get("PPI_OPEN_DATA_LICENCE_URL")
    return {"name": name, "url": url} if name and url else None


@bp.get("/openapi.json")
def openapi_document():
    server = url_for("api.index", _external=True).rstrip("/")
    return jsonify(openapi.document(server, open_data_url(), licence()))


# ---- challenges --------------------------------------------------------------------------------------

def _challenge_filter_form() -> FilterForm:
    """The web list's filter form on the query string (`cpv_division` is taken for `cpv`, its name on the web). The
    authorities are read only when the query names one, to check it: the web list needs them all for its menu, the
    API does not (hundreds, on a large platform)."""
    args, cpv_name = request.args, "cpv"
    if "cpv_division" in args and "cpv" not in args:
        args, cpv_name = MultiDict(args), "cpv_division"
        args["cpv"] = args["cpv_division"]
    form = FilterForm(args, authorities=challenge_services.authority_choices() if args.get("authority") else ())
    if not form.validate():
        bad_parameters({cpv_name if name == "cpv" else name: messages for name, messages in form.errors.items()})
    return form


@bp.get("/challenges")
def challenges():
    filters = _challenge_filter_form().filters()
    now = utcnow()
    return collection(challenge_services.public_challenges(filters, now).options(*challenge_services.LIST_LOADING),
                      lambda item: serialise.challenge(item, now))


@bp.get("/challenges/<int:challenge_id>")
def challenge(challenge_id: int):
    item = db.session.get(Challenge, challenge_id)
    if item is None or not challenge_permissions.is_public(item):
        abort(404, "There is no public challenge with this id.")  # drafts and challenges in moderation included
    changes = db.session.scalars(
        sa.select(PublicChange).where(PublicChange.challenge_id == item.id).order_by(PublicChange.at)).all()
    return jsonify(serialise.challenge_detail(item, utcnow(), challenge_services.published_answers(item), list(changes)))


# ---- organisations -------------------------------------------------------------------------------------

@bp.get("/organisations")
def organisations():
    stmt = sa.select(Organisation).where(Organisation.verification_status == VerificationStatus.VERIFIED)
    kind = request.args.get("kind", "")
    if kind:
        if kind not in {k.value for k in OrganisationKind}:
            bad_parameters({"kind": [f"Choose one of: {', '.join(k.value for k in OrganisationKind)}."]})
        stmt = stmt.where(Organisation.kind == OrganisationKind(kind))
    return collection(stmt.order_by(Organisation.name, Organisation.id), serialise.organisation)


@bp.get("/organisations/<int:org_id>")
def organisation(org_id: int):
    org = db.session.get(Organisation, org_id)
    if org is None or not org.is_verified:
        abort(404, "There is no verified organisation with this id.")
    return jsonify(serialise.organisation(org))


# ---- procurement cases (OCDS) ------------------------------------------------------------------------------

@bp.get("/procurement/cases")
def procurement_cases():
    """The public cases, oldest first, `per_page` cases (each with all its releases) a package."""
    page, per_page = paging()
    listed = db.paginate(ocds.public_cases_query(), page=page, per_page=per_page, error_out=False)
    if not listed.items:
        abort(404, "There is no public procurement case yet." if not listed.total else "There is no such page of procurement cases.")
    package = ocds.release_package(listed.items, url_with(page=page, per_page=per_page))
    links = {}
    if listed.has_next:
        links["next"] = url_with(page=page + 1, per_page=per_page)
    if listed.has_prev:
        links["prev"] = url_with(page=page - 1, per_page=per_page)
    package["extensions"] = [OCDS_PAGINATION_EXTENSION]
    package["links"] = links
    return package_response(package)


def package_response(package: dict) -> Response:
    """An OCDS package with the open data's licence and, as its publication policy, the open-data page."""
    if licence():
        package["license"] = licence()["url"]
    package["publicationPolicy"] = open_data_url()
    return jsonify(package)


@bp.get("/procurement/cases/<int:case_id>")
def procurement_case(case_id: int):
    case = db.session.get(ProcurementCase, case_id, options=ocds.PACKAGE_LOADING)
    if case is None or not procurement_permissions.is_public(case):
        abort(404, "There is no public procurement case with this id.")
    return package_response(ocds.release_package([case], url_for("api.procurement_case", case_id=case.id, _external=True)))


# ---- the case library ------------------------------------------------------------------------------------

@bp.get("/library")
def library():
    """Published case summaries, newest first, with the web library's filters read by the same form."""
    form = LibraryFilterForm(request.args)
    if not form.validate():
        bad_parameters(form.errors)
    return collection(case_services.library(form.filters()), serialise.case_summary)


@bp.get("/library/<int:summary_id>")
def case_summary(summary_id: int):
    item = db.session.get(CaseSummary, summary_id)
    if item is None or not case_permissions.is_public(item):
        abort(404, "There is no published case summary with this id.")  # drafts and withdrawn summaries included
    return jsonify(serialise.case_summary(item))


# ---- indicators -------------------------------------------------------------------------------------------

@bp.get("/indicators")
def indicators_list():
    return jsonify({"data": [serialise.indicator_table(TABLES[name]) for name in indicators.tables_for(Audience.PUBLIC)]})


def indicator_filters() -> indicators.Filters:
    """The dashboard's filters, read by its form from the query string (from, to, granularity, region, cluster,
    authority, cpv_division); where the dashboard leaves an invalid one out, the API answers 400 naming it."""
    form = filter_form(request.args)
    if form.errors:
        bad_parameters({form[name].name: messages for name, messages in form.errors.items()})
    return form.filters()


@bp.get("/indicators/<name>")
def indicator(name: str):
    if name not in indicators.tables_for(Audience.PUBLIC):
        abort(404, "There is no public indicator table of this name.")
    table = TABLES[name]
    filters = indicator_filters()
    frame = indicators.table(name, filters, indicators.Scope(Audience.PUBLIC), utcnow())
    return jsonify({
        "name": table.name,
        "title": str(table.title),
        "filters": {
            "from": filters.date_from.isoformat() if filters.date_from else None,
            "to": filters.date_to.isoformat() if filters.date_to else None,
            "granularity": filters.granularity,
            "region": filters.region or None,
            "cluster": filters.cluster_id,
            "authority": filters.authority_id,
            "cpv_division": filters.cpv_division or None,
        },
        "columns": table.column_names,
        "data": serialise.records(frame),
    })
