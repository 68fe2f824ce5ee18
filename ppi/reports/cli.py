"""`flask ppi report`: the indicator workbook from the command line, the same as the dashboard's download."""
import sys
from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale

from ppi.core.cli import ppi_cli
from ppi.core.timeutil import utcnow
from ppi.reports import cache, exports, indicators
from ppi.reports.catalogue import Audience
from ppi.reports.indicators import GRANULARITIES, Filters, Scope
from ppi.reports.views import render_figures


@ppi_cli.command("report")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD, UTC).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day (YYYY-MM-DD, UTC), included.")
@click.option("--format", "fmt", type=click.Choice(exports.FORMATS), default="xlsx", show_default=True,
              help="xlsx: one workbook, a sheet per table; csv: a ZIP of one CSV per table.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True, help="The file to write.")
@click.option("--audience", type=click.Choice([a.value for a in Audience]), default=Audience.PLATFORM.value,
              show_default=True, help="Whose figures: public ones (for publication) or all of them.")
@click.option("--organisation", type=int, help="The authority's or cluster's id, for --audience authority|cluster.")
@click.option("--granularity", type=click.Choice(GRANULARITIES), default="quarter", show_default=True)
@click.option("--region", default="", help="A NUTS code or prefix, e.g. DK03.")
@click.option("--cpv-division", default="", help="Two digits, e.g. 33.")
def report(date_from, date_to, fmt, out: Path, audience: str, organisation: int | None, granularity: str, region: str,
           cpv_division: str) -> None:
    """Write every indicator table of the period to one file."""
    if date_from and date_to and date_to < date_from:
        raise click.BadParameter("--to comes before --from.", param_hint="--to")
    audience = Audience(audience)
    if audience in (Audience.AUTHORITY, Audience.CLUSTER) and organisation is None:
        raise click.BadParameter(f"--organisation is needed for the {audience} audience.", param_hint="--organisation")
    filters = Filters(date_from=date_from.date() if date_from else None, date_to=date_to.date() if date_to else None,
                      granularity=granularity, region=region.strip().upper(), cpv_division=cpv_division.strip())
    scope = Scope(audience, organisation)
    now = utcnow()
    names = indicators.tables_for(audience)
    with click.progressbar(length=len(names), label="Computing the indicators", file=sys.stderr) as bar:
        frames = exports.compute(filters, scope, now, names, progress=lambda _name: bar.update(1))
    about = exports.about(filters, scope, now, current_app.config["PPI_OPEN_DATA_LICENCE"])
    out.write_bytes(exports.workbook(fmt, frames, about))
    click.echo(f"wrote {len(frames)} tables to {out}")


@ppi_cli.command("refresh-indicators")
def refresh_indicators() -> None:
    """Compute the unfiltered public indicators in every language and store them for every server (run it more often
    than PPI_INDICATORS_CACHE_SECONDS, e.g. from a timer, and no visitor of /indicators/ waits for them)."""
    now = utcnow()
    for locale in current_app.config["LANGUAGES"]:
        with current_app.test_request_context("/indicators/"), force_locale(locale):
            cache.refresh(Filters(), Scope(Audience.PUBLIC), now, lambda frames: render_figures(frames, Audience.PUBLIC, {}))
    click.echo(f"computed the public indicators in {len(current_app.config['LANGUAGES'])} languages")
