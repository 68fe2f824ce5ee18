"""Forms of the proposal and evaluation pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ppi.challenges.forms import MultiCheckboxField
from ppi.core.forms import FiniteDecimalField, choices, single_line
from ppi.proposals.labels import TRL_LABELS
from ppi.proposals.services import DECLARATION_TEXT, ProposalData
from ppi.proposals.workflow import SCORE_MAX, SCORE_MIN, Neutrality


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ProposalForm(FlaskForm):
    title = StringField(_l("Name of the solution"), validators=[DataRequired(), Length(max=200)], filters=[single_line])
    summary = TextAreaField(_l("Solution summary"), validators=[DataRequired(), Length(max=1000)], filters=[_strip],
                            description=_l("Two or three sentences: what it is and what it changes for the test users."))
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=20000)], filters=[_strip],
                                description=_l("How it works and how it meets the need. Markdown: **bold**, lists with -, links."))
    trl = SelectField(_l("Technology readiness level"), coerce=int, validators=[InputRequired()],
                      choices=choices(TRL_LABELS.items()))
    evidence = TextAreaField(_l("Evidence so far"), validators=[DataRequired(), Length(max=5000)], filters=[_strip],
                             description=_l("Tests, pilots, users, certifications, publications."))
    test_users_needed = IntegerField(_l("Test users needed"), validators=[InputRequired(), NumberRange(min=1, max=100000)])
    sites_needed = IntegerField(_l("Sites needed"), validators=[InputRequired(), NumberRange(min=1, max=1000)])
    duration_weeks = IntegerField(_l("Pilot duration (weeks)"), validators=[InputRequired(), NumberRange(min=1, max=156)])
    equipment = TextAreaField(_l("Equipment"), validators=[Optional(), Length(max=2000)], filters=[_strip],
                              description=_l("What you bring and what the sites must provide."))
    data_access = TextAreaField(_l("Data access"), validators=[Optional(), Length(max=2000)], filters=[_strip],
                                description=_l("Which data of the authority the pilot needs, if any."))
    pilot_price_eur = FiniteDecimalField(_l("Price asked for the pilot (EUR)"), places=2,
                                         validators=[InputRequired(), NumberRange(min=0, max=10**12)])
    research_partners = TextAreaField(_l("Research partners (optional)"), validators=[Optional(), Length(max=2000)], filters=[_strip],
                                      description=_l("Universities or institutes taking part, by name."))

    def proposal_data(self) -> ProposalData:
        return ProposalData(**{name: getattr(self, name).data or None if name in ("equipment", "data_access", "research_partners")
                               else getattr(self, name).data for name in ProposalData.__dataclass_fields__})


class SubmitForm(FlaskForm):
    declaration = BooleanField(DECLARATION_TEXT, validators=[DataRequired(message=_l("Confirm the declaration to submit."))])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why (optional, for your own record)"), validators=[Optional(), Length(max=2000)], filters=[_strip])


class PartnerForm(FlaskForm):
    organisation_id = SelectField(_l("Partner company"), coerce=int, validators=[DataRequired(message=_l("Choose a company."))],
                                  description=_l("A registered, verified company. It must confirm before you can submit."))


class PanelForm(FlaskForm):
    user_id = SelectField(_l("Evaluator"), coerce=int, validators=[DataRequired(message=_l("Choose a person."))])


class DeclarationForm(FlaskForm):
    conflict = RadioField(_l("Conflict of interest"), validators=[InputRequired(message=_l("Choose one."))], choices=choices([
        ("no", _l("I have no conflict of interest with any company that submitted a proposal.")),
        ("yes", _l("I have a conflict of interest: exclude me from this evaluation.")),
    ]))
    note = TextAreaField(_l("The conflict (if any)"), validators=[Optional(), Length(max=2000)], filters=[_strip])
    neutrality = RadioField(_l("Companies that are members of your cluster"), validators=[Optional()], choices=choices([
        (Neutrality.RECUSED.value, _l("I recuse myself from their proposals.")),
        (Neutrality.JUSTIFIED.value, _l("I stay on and justify it below.")),
    ]))
    neutrality_note = TextAreaField(_l("Justification"), validators=[Optional(), Length(max=2000)], filters=[_strip])


class ScoreRow(Form):
    criterion_id = HiddenField()
    score = IntegerField(_l("Score"), validators=[Optional(), NumberRange(min=SCORE_MIN, max=SCORE_MAX)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=4000)], filters=[_strip])


class ScoreForm(FlaskForm):
    rows = FieldList(FormField(ScoreRow), min_entries=0)

    def entries(self) -> dict[int, tuple[int | None, str]]:
        result = {}
        for row in self.rows:
            try:
                criterion_id = int(row.form.criterion_id.data)
            except (TypeError, ValueError):
                continue
            result[criterion_id] = (row.form.score.data, row.form.comment.data or "")
        return result

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for row in self.rows:
            if row.form.comment.data and row.form.score.data is None and not row.form.score.errors:
                row.form.score.errors = [_l("Give the score for your comment.")]
                valid = False
        if not valid:
            self.rows.errors = [row.errors for row in self.rows]  # the list keeps the errors it saw when it validated
        return valid


class DecisionForm(FlaskForm):
    selected = MultiCheckboxField(_l("Selected for a pilot"), coerce=int, validators=[Optional()])
    reason = TextAreaField(_l("Reason for the decision"), validators=[DataRequired(), Length(max=8000)], filters=[_strip],
                           description=_l("Every company reads it in its debrief; the names of selected companies become public."))
