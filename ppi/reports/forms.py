"""The indicators' filters, read from the URL so that a view of the figures can be shared and bookmarked."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional, Regexp, ValidationError

from ppi.accounts.models import OrganisationKind
from ppi.accounts.services import verified_organisation_names
from ppi.challenges import cpv
from ppi.core.forms import LongSelectField, PlausibleDate, choices
from ppi.reports.indicators import GRANULARITIES, Filters

# The query-string keys of the filters, shared by the dashboard, the downloads and the API.
FILTER_KEYS = ("from", "to", "granularity", "region", "cluster", "authority", "cpv_division")


def _upper(value):
    return value.strip().upper() if value else value


class IndicatorFilterForm(FlaskForm):
    class Meta:
        csrf = False

    # The URL says "from" and "to" (short, and what the API documents).
    date_from = DateField(_l("From"), name="from", validators=[Optional(), PlausibleDate()])
    date_to = DateField(_l("Until"), name="to", validators=[Optional(), PlausibleDate()])
    granularity = SelectField(_l("Per"), choices=choices([("quarter", _l("Quarter")), ("month", _l("Month")),
                                                         ("year", _l("Year"))]), validators=[Optional()])
    region = StringField(_l("Region (NUTS)"), filters=[_upper],
                         validators=[Optional(), Regexp(r"^[A-Z]{2}[0-9A-Z]{0,3}$", message=_l("A NUTS code such as DK03 or AT12."))])
    cluster = LongSelectField(_l("Cluster"), validators=[Optional()])
    authority = LongSelectField(_l("Authority"), validators=[Optional()])
    cpv_division = SelectField(_l("CPV division"), validators=[Optional()])

    def __init__(self, args: MultiDict, *, clusters=(), authorities=()):
        super().__init__(args)
        self.cluster.choices = choices([("", _l("Any"))] + [(str(c.id), c.name) for c in clusters])
        self.authority.choices = choices([("", _l("Any"))] + [(str(a.id), a.name) for a in authorities])
        self.cpv_division.choices = choices([("", _l("Any"))] + [(code, f"{code} – {title}") for code, title in cpv.divisions()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and not self.date_from.errors and field.data < self.date_from.data:
            raise ValidationError(_l("The end comes before the start."))

    def filters(self) -> Filters:
        """The valid filters; a field with an error is ignored (and shown with its error)."""
        def ok(field):
            return field.data if not field.errors and field.data else None

        return Filters(
            date_from=ok(self.date_from), date_to=ok(self.date_to),
            granularity=ok(self.granularity) if ok(self.granularity) in GRANULARITIES else "quarter",
            region=ok(self.region) or "", cpv_division=ok(self.cpv_division) or "",
            cluster_id=int(self.cluster.data) if ok(self.cluster) else None,
            authority_id=int(self.authority.data) if ok(self.authority) else None,
        )

    def query_args(self) -> dict[str, str]:
        """The valid filters as URL query arguments (for downloads and links)."""
        filters = self.filters()
        values = {"from": filters.date_from.isoformat() if filters.date_from else "",
                  "to": filters.date_to.isoformat() if filters.date_to else "",
                  "granularity": filters.granularity if filters.granularity != "quarter" else "",
                  "region": filters.region, "cpv_division": filters.cpv_division,
                  "cluster": str(filters.cluster_id or ""), "authority": str(filters.authority_id or "")}
        return {key: value for key, value in values.items() if value}


def filter_form(args: MultiDict) -> IndicatorFilterForm:
    """The filter form read from query arguments and validated, with the organisations it offers."""
    form = IndicatorFilterForm(args, clusters=verified_organisation_names(OrganisationKind.CLUSTER),
                               authorities=verified_organisation_names(OrganisationKind.PUBLIC_AUTHORITY))
    form.validate()
    return form


def filters_from(args: MultiDict) -> Filters:
    """The valid filters of a query string (invalid ones are left out): for the API and the CLI."""
    return filter_form(args).filters()
