"""Forms for competence profiles, the cluster's consent, invitations and shares."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ppi.challenges import cpv
from ppi.challenges.forms import ChallengeForm, MultiCheckboxField
from ppi.challenges.labels import EU_LANGUAGES
from ppi.core.forms import choices, single_line
from ppi.core.geo import NUTS_PATTERN, is_country
from ppi.core.i18n import language_name
from ppi.matching.labels import TRL_LABELS
from ppi.matching.services import CompetenceData


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _items(text: str | None) -> list[str]:
    return [item for item in re.split(r"[\s,;]+", text or "") if item]


class CompetenceForm(FlaskForm):
    statement = StringField(_l("What the company can do"), validators=[DataRequired(), Length(max=300)],
                            filters=[single_line],
                            description=_l("One short statement, e.g. \"indoor positioning with BLE beacons\"."))
    description = TextAreaField(_l("More detail"), validators=[Optional(), Length(max=3000)], filters=[_strip],
                                description=_l("How it works and where it was used; public, like the statement."))
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)], filters=[_strip],
                       description=_l("Words buyers would search for, separated by commas."))
    cpv_codes = TextAreaField(_l("CPV codes it sells under"), render_kw={"rows": 2},
                              description=_l("Codes of the Common Procurement Vocabulary, e.g. 33196200-2, separated "
                                             "by commas or spaces."))
    trl = SelectField(_l("Technology readiness level of the best solution"), coerce=int,
                      validators=[DataRequired(message=_l("Choose the technology readiness level."))])
    references = TextAreaField(_l("References outside the platform"), validators=[Optional(), Length(max=3000)],
                               filters=[_strip],
                               description=_l("Earlier pilots and customers. Pilots on this platform are added "
                                              "automatically."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trl.choices = choices([(0, _l("Choose…")), *TRL_LABELS.items()])
        self.cpv_list: list[str] = []

    validate_cpv_codes = ChallengeForm.validate_cpv_codes  # the same list, read the same way (into `cpv_list`)

    def fill_from(self, competence) -> None:
        self.statement.data, self.description.data = competence.statement, competence.description
        self.tags.data = ", ".join(competence.tags)
        self.cpv_codes.data = ", ".join(cpv.with_check_digit(code) for code in competence.cpv_codes)
        self.trl.data, self.references.data = competence.trl, competence.references

    def competence_data(self) -> CompetenceData:
        return CompetenceData(statement=self.statement.data, trl=self.trl.data,
                              tags=[tag for tag in (self.tags.data or "").split(",") if tag.strip()],
                              cpv_codes=self.cpv_list, description=self.description.data,
                              references=self.references.data)


class ProfileForm(FlaskForm):
    languages = MultiCheckboxField(_l("Languages the company works in"),
                                   description=_l("When none is chosen, the official languages of its country count."))
    markets = StringField(_l("Markets it wants to enter beyond its home region"), validators=[Length(max=300)],
                          description=_l("Country codes or NUTS regions separated by commas, e.g. SE, DE3, NL."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = choices((code, language_name(code)) for code in EU_LANGUAGES)

    def validate_markets(self, field):
        wrong = [code for code in _items(field.data.upper() if field.data else "")
                 if not (is_country(code) or NUTS_PATTERN.match(code))]
        if wrong:
            raise ValidationError(_l("Not a country code or NUTS region: %(codes)s", codes=", ".join(wrong[:5])))

    def market_list(self) -> list[str]:
        return _items((self.markets.data or "").upper())


class ClusterChoiceForm(FlaskForm):
    """Choose a cluster: to consent that it edits the profile, or to share a challenge with it."""

    cluster_id = SelectField(_l("Cluster"), coerce=int,
                             validators=[DataRequired(message=_l("Choose a cluster."))])

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster_id.choices = choices([(0, _l("Choose…")), *((c.id, c.name) for c in clusters)])


class InviteForm(FlaskForm):
    company_id = IntegerField(validators=[DataRequired()])
