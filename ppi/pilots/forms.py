"""Forms of the pilot pages and the test users' feedback form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ppi.challenges.forms import MultiCheckboxField
from ppi.core.forms import FiniteDecimalField, PlausibleDate, choices, single_line
from ppi.pilots import sus
from ppi.pilots.labels import COMPARISON_LABELS, RECOMMENDATION_LABELS, SEVERITY_LABELS
from ppi.pilots.services import CriterionData, PlanData
from ppi.pilots.workflow import Comparison, Recommendation, Severity

ROWS = {"criteria": 6, "sites": 5, "groups": 5, "milestones": 8}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CriterionRow(Form):
    name = StringField(_l("Success criterion"), validators=[Optional(), Length(max=200)], filters=[single_line])
    comparison = SelectField(_l("Target"), choices=choices(COMPARISON_LABELS.items()), validators=[Optional()])
    target = FiniteDecimalField(_l("Value"), places=4, validators=[Optional(), NumberRange(min=-10**9, max=10**9)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)], filters=[single_line])
    rated_by_users = BooleanField(_l("Test users rate it"))


class SiteRow(Form):
    name = StringField(_l("Site"), validators=[Optional(), Length(max=200)], filters=[single_line])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)], filters=[single_line])
    kind = StringField(_l("Kind of site"), validators=[Optional(), Length(max=100)], filters=[single_line])


class GroupRow(Form):
    role = StringField(_l("Test-user group"), validators=[Optional(), Length(max=120)], filters=[single_line])
    planned = IntegerField(_l("Number planned"), validators=[Optional(), NumberRange(min=1, max=100000)])


class MilestoneRow(Form):
    title = StringField(_l("Milestone"), validators=[Optional(), Length(max=200)], filters=[single_line])
    due_date = DateField(_l("Due"), validators=[Optional(), PlausibleDate()])


class PlanForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[single_line])
    objectives = TextAreaField(_l("Objectives"), validators=[Optional(), Length(max=5000)], filters=[_strip])
    start_date = DateField(_l("Start"), validators=[Optional(), PlausibleDate()])
    end_date = DateField(_l("End"), validators=[Optional(), PlausibleDate()])
    budget_eur = FiniteDecimalField(_l("Budget (EUR)"), places=2, validators=[Optional(), NumberRange(min=0, max=10**12)])
    funding_split = TextAreaField(_l("Who pays what"), validators=[Optional(), Length(max=2000)], filters=[_strip])
    personal_data = TextAreaField(_l("Personal data processed"), validators=[Optional(), Length(max=2000)], filters=[_strip],
                                  description=_l("What personal data the pilot processes, about whom. Test users are enrolled by code only."))
    legal_basis = StringField(_l("Legal basis (GDPR Art 6, and Art 9 for health data)"), validators=[Optional(), Length(max=500)],
                              filters=[single_line])
    dpia_done = RadioField(_l("Data protection impact assessment done?"), validators=[Optional()],
                           choices=choices([("yes", _l("Yes")), ("no", _l("No"))]))
    consent_version = StringField(_l("Version of the information text for test users"), validators=[DataRequired(), Length(max=40)],
                                  filters=[single_line])
    criteria = FieldList(FormField(CriterionRow), min_entries=ROWS["criteria"], max_entries=ROWS["criteria"])
    sites = FieldList(FormField(SiteRow), min_entries=ROWS["sites"], max_entries=ROWS["sites"])
    groups = FieldList(FormField(GroupRow), min_entries=ROWS["groups"], max_entries=ROWS["groups"])
    milestones = FieldList(FormField(MilestoneRow), min_entries=ROWS["milestones"], max_entries=ROWS["milestones"])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        required = {"criteria": ("comparison", "target"), "sites": ("kind",), "groups": ("planned",), "milestones": ("due_date",)}
        first = {"criteria": "name", "sites": "name", "groups": "role", "milestones": "title"}
        for list_name, fields in required.items():
            for row in getattr(self, list_name):
                if not getattr(row.form, first[list_name]).data:
                    continue
                for name in fields:
                    sub = getattr(row.form, name)
                    if sub.data in (None, "") and not sub.errors:
                        sub.errors = [_l("Needed for this row.")]
                        valid = False
        if self.start_date.data and self.end_date.data and self.end_date.data < self.start_date.data and not self.end_date.errors:
            self.end_date.errors = [_l("The end date must be after the start date.")]
            valid = False
        return valid

    def plan_data(self) -> PlanData:
        return PlanData(
            title=self.title.data, objectives=self.objectives.data or "", start_date=self.start_date.data,
            end_date=self.end_date.data, budget_eur=self.budget_eur.data, funding_split=self.funding_split.data or None,
            personal_data=self.personal_data.data or None, legal_basis=self.legal_basis.data or None,
            dpia_done={"yes": True, "no": False}.get(self.dpia_done.data), consent_version=self.consent_version.data,
            criteria=[CriterionData(r.form.name.data, Comparison(r.form.comparison.data), r.form.target.data,
                                    r.form.unit.data or None, bool(r.form.rated_by_users.data))
                      for r in self.criteria if r.form.name.data],
            sites=[(r.form.name.data, r.form.address.data or None, r.form.kind.data) for r in self.sites if r.form.name.data],
            groups=[(r.form.role.data, r.form.planned.data) for r in self.groups if r.form.role.data],
            milestones=[(r.form.title.data, r.form.due_date.data) for r in self.milestones if r.form.title.data],
        )

    def fill_from(self, pilot) -> None:
        self.process(data={
            "title": pilot.title, "objectives": pilot.objectives, "start_date": pilot.start_date, "end_date": pilot.end_date,
            "budget_eur": pilot.budget_eur, "funding_split": pilot.funding_split, "personal_data": pilot.personal_data,
            "legal_basis": pilot.legal_basis, "consent_version": pilot.consent_version,
            "dpia_done": {True: "yes", False: "no"}.get(pilot.dpia_done),
            "criteria": [{"name": c.name, "comparison": c.comparison.value, "target": c.target, "unit": c.unit,
                          "rated_by_users": c.rated_by_users} for c in pilot.criteria],
            "sites": [{"name": s.name, "address": s.address, "kind": s.kind} for s in pilot.sites],
            "groups": [{"role": g.role, "planned": g.planned} for g in pilot.groups],
            "milestones": [{"title": m.title, "due_date": m.due_date} for m in pilot.milestones],
        })
        for name, rows in ROWS.items():
            while len(getattr(self, name)) < rows:
                getattr(self, name).append_entry()


class TransitionForm(FlaskForm):
    reason = TextAreaField(_l("Reason (required to pause or stop)"), validators=[Optional(), Length(max=4000)], filters=[_strip])


class EnrolForm(FlaskForm):
    group_id = SelectField(_l("Group"), coerce=int, validators=[DataRequired(message=_l("Choose a group."))])
    site_id = SelectField(_l("Site"), coerce=int, validators=[DataRequired(message=_l("Choose a site."))])
    consent_on = DateField(_l("Consent given on"), validators=[InputRequired(message=_l("Give the date of consent.")), PlausibleDate()])
    how_many = IntegerField(_l("How many test users"), default=1, validators=[InputRequired(), NumberRange(min=1, max=100)])


class LogForm(FlaskForm):
    severity = SelectField(_l("Kind"), choices=choices(SEVERITY_LABELS.items()), validators=[DataRequired()])
    occurred_at = DateTimeLocalField(_l("When it happened"), format="%Y-%m-%dT%H:%M",
                                     validators=[InputRequired(message=_l("Give a date and time.")), PlausibleDate()])
    what = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=4000)], filters=[_strip])
    action = TextAreaField(_l("Action taken"), validators=[Optional(), Length(max=4000)], filters=[_strip])

    def severity_value(self) -> Severity:
        return Severity(self.severity.data)


class MeasurementForm(FlaskForm):
    criterion_id = SelectField(_l("Success criterion"), coerce=int, validators=[DataRequired(message=_l("Choose a criterion."))])
    value = FiniteDecimalField(_l("Value"), places=4, validators=[InputRequired(), NumberRange(min=-10**9, max=10**9)])
    measured_on = DateField(_l("Measured on"), validators=[InputRequired(message=_l("Give the date.")), PlausibleDate()])
    source = StringField(_l("Source"), validators=[DataRequired(), Length(max=300)], filters=[single_line],
                         description=_l("Where the number comes from, e.g. the care system's fall register."))


class QuotesForm(FlaskForm):
    feedback_ids = MultiCheckboxField(_l("Quotes for the report"), coerce=int, validators=[Optional()])


class ConclusionForm(FlaskForm):
    conclusion = TextAreaField(_l("Conclusion"), validators=[DataRequired(), Length(max=10000)], filters=[_strip])
    recommendation = RadioField(_l("Recommendation"), choices=choices(RECOMMENDATION_LABELS.items()),
                                validators=[InputRequired(message=_l("Choose the recommendation."))])

    def recommendation_value(self) -> Recommendation:
        return Recommendation(self.recommendation.data)


class DecisionForm(FlaskForm):
    decision = RadioField(_l("The authority's decision"), choices=choices(RECOMMENDATION_LABELS.items()),
                          validators=[InputRequired(message=_l("Choose the decision."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)], filters=[_strip])


def _sus_field(index: int, statement: str) -> RadioField:
    label = _l("%(number)d. %(statement)s", number=index, statement=_l(statement))
    return RadioField(label, choices=choices([(n, str(n)) for n in range(1, 6)]), coerce=int,
                      validators=[InputRequired(message=_l("Choose 1 to 5."))])


class FeedbackForm(FlaskForm):
    """The SUS statements as ten 1–5 questions, then ratings of the criteria test users rate, then free text."""

    what_worked = TextAreaField(_l("What worked well?"), validators=[Optional(), Length(max=4000)], filters=[_strip])
    what_did_not = TextAreaField(_l("What did not work?"), validators=[Optional(), Length(max=4000)], filters=[_strip])

    def answers(self) -> list[int]:
        return [getattr(self, f"sus_{i}").data for i in range(1, len(sus.ITEMS) + 1)]

    def ratings(self, criteria) -> dict[int, int]:
        result = {}
        for criterion in criteria:
            field = getattr(self, f"rating_{criterion.id}", None)
            if field is not None and field.data:
                result[criterion.id] = field.data
        return result


for _index, _text in enumerate(sus.ITEMS, start=1):
    setattr(FeedbackForm, f"sus_{_index}", _sus_field(_index, _text))


def feedback_form_for(criteria, formdata=None) -> FeedbackForm:
    """The feedback form with a 1–5 rating for each criterion the test users rate."""

    class PilotFeedbackForm(FeedbackForm):
        pass

    for criterion in criteria:
        setattr(PilotFeedbackForm, f"rating_{criterion.id}", RadioField(
            str(_l("How well does it do on: %(name)s?", name=criterion.name)), coerce=int, validators=[Optional()],
            choices=choices([(n, str(n)) for n in range(1, 6)])))
    return PilotFeedbackForm(formdata=formdata) if formdata is not None else PilotFeedbackForm()
