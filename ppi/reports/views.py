"""Indicators per audience, their downloads, and the open-data page. Read-only: no state changes here."""
import json

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ppi.core.files import download
from ppi.core.pagecache import cached_page
from ppi.core.security import require
from ppi.core.timeutil import utcnow
from ppi.reports import cache, charts, exports, indicators, opendata, permissions
from ppi.reports.catalogue import TABLES, Audience
from ppi.reports.forms import filter_form
from ppi.reports.opendata import CHALLENGE_FIELDS

bp = Blueprint("reports", __name__)

AUDIENCES = "any(public, authority, cluster, platform)"
# The dashboard's sections, in reading order: (heading, tables).
SECTIONS = (
    (_l("Challenges"), ("pipeline", "pipeline_by_authority", "pipeline_by_region", "pipeline_by_cpv", "pipeline_by_cluster")),
    (_l("Participation"), ("participation", "proposals_by_size")),
    (_l("Pilots with test users"), ("pilots", "sus_distribution", "pilot_results")),
    (_l("From challenge to contract"), ("funnel",)),
    (_l("Procurement"), ("procurement", "procurement_routes")),
    (_l("Clusters"), ("clusters",)),
)


# Rows of a table shown on the dashboard; the downloads hold them all. A table per authority of a platform with
# hundreds of them is read in the download, and would make every dashboard page grow with the platform.
ROWS_SHOWN = 50


@bp.app_context_processor
def reports_context():
    return {"indicator_perms": permissions, "Audience": Audience}


def _scope(audience: str) -> indicators.Scope:
    """The scope of an audience the user may view: anyone else is sent to sign in, or refused (403)."""
    audience = Audience(audience)
    if not permissions.can_view(current_user, audience):
        if not current_user.is_authenticated:
            abort(current_app.login_manager.unauthorized())
        require(False)
    return permissions.scope_for(current_user, audience)


@bp.get("/indicators/")
@bp.get(f"/indicators/<{AUDIENCES}:audience>")
@cached_page()  # anonymous visitors see the public audience only; the figures themselves come from `cache`
def dashboard(audience: str = "public"):
    scope = _scope(audience)
    form = filter_form(request.args)
    args = form.query_args()
    shown = cache.figures(form.filters(), scope, utcnow(), lambda frames: render_figures(frames, scope.audience, args))
    return render_template("reports/dashboard.html", audience=scope.audience, form=form, figures=Markup(shown.html),
                           section_titles=[title for title, _names in SECTIONS], args=args,
                           own=permissions.own_audience(current_user), computed_at=shown.computed_at)


def render_figures(frames: dict, audience: Audience, args: dict[str, str]) -> str:
    """Every table of `frames` with its chart and downloads, by section: the part of the dashboard shown from the cache
    (`ppi.reports.cache`), so it depends on nothing but the figures, the audience, the filters and the language."""
    sections = [(title, [(name, TABLES[name], frames[name], charts.chart_for(name, frames[name]))
                         for name in names if name in frames]) for title, names in SECTIONS]
    return render_template("reports/_figures.html", sections=sections, audience=audience, args=args,
                           rows_shown=ROWS_SHOWN)


@bp.get(f"/indicators/<{AUDIENCES}:audience>/tables/<name>.<any(csv, xlsx):fmt>")
def download_table(audience: str, name: str, fmt: str):
    scope = _scope(audience)
    if name not in indicators.tables_for(scope.audience):
        abort(404)
    form = filter_form(request.args)
    now = utcnow()
    frame = indicators.table(name, form.filters(), scope, now)
    if fmt == "csv":
        return download(exports.csv_bytes(frame), f"{name}.csv", "text/csv")
    about = exports.about(form.filters(), scope, now, _licence())
    return download(exports.xlsx_bytes({name: frame}, about), f"{name}.xlsx", _XLSX)


@bp.get(f"/indicators/<{AUDIENCES}:audience>/export.<any(xlsx, zip):fmt>")
def download_all(audience: str, fmt: str):
    scope = _scope(audience)
    form = filter_form(request.args)
    now = utcnow()
    frames = exports.compute(form.filters(), scope, now)
    about = exports.about(form.filters(), scope, now, _licence())
    if fmt == "xlsx":
        return download(exports.xlsx_bytes(frames, about), f"ppi-indicators-{scope.audience}.xlsx", _XLSX)
    return download(exports.csv_zip_bytes(frames, about), f"ppi-indicators-{scope.audience}.zip", "application/zip")


@bp.get("/open-data")
def open_data():
    public_tables = [(name, TABLES[name]) for name in indicators.tables_for(Audience.PUBLIC)]
    return render_template("reports/open_data.html", challenge_fields=CHALLENGE_FIELDS, tables=public_tables,
                           licence=_licence(), licence_url=current_app.config["PPI_OPEN_DATA_LICENCE_URL"])


@bp.get("/open-data/challenges.<any(csv, json):fmt>")
def open_challenges(fmt: str):
    frame = opendata.published_challenges(utcnow(), lambda challenge_id: url_for("challenges.detail", challenge_id=challenge_id,
                                                                                 _external=True))
    if fmt == "csv":
        return download(exports.csv_bytes(frame), "ppi-challenges.csv", "text/csv")
    document = {"licence": _licence(), "licence_url": current_app.config["PPI_OPEN_DATA_LICENCE_URL"],
                "publisher": current_app.config["PPI_OCDS_PUBLISHER"], "generated": utcnow().isoformat(timespec="seconds"),
                "challenges": opendata.as_json(frame)}
    return download(json.dumps(document, ensure_ascii=False, indent=1).encode(), "ppi-challenges.json",
                     "application/json")


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _licence() -> str:
    return current_app.config["PPI_OPEN_DATA_LICENCE"]
