"""Forms for posting, moderating, searching and asking about challenges."""
from datetime import datetime, time, timedelta

from flask_babel import get_timezone, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    FileField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ppi.challenges import cpv
from ppi.challenges.labels import CONTRACT_KIND_LABELS, EU_LANGUAGES, IPR_LABELS, STATUS_LABELS
from ppi.challenges.services import CRITERIA_MESSAGES, DEADLINE_MESSAGES, ChallengeData, ChallengeFilters, CriterionData
from ppi.challenges.workflow import PUBLIC_STATUSES, ChallengeStatus, criteria_problems, deadline_problems
from ppi.core.forms import MAX_EUR, FiniteDecimalField, LongSelectField, PlausibleDate, choices, single_line
from ppi.core.geo import NUTS_PATTERN
from ppi.core.i18n import language_name
from ppi.core.timeutil import local_to_utc, utc_to_local, utcnow

CRITERIA_ROWS = 6


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def to_utc(local: datetime | None) -> datetime | None:
    """A time typed in the user's time zone, as aware UTC."""
    if local is None:
        return None
    return local_to_utc(local, str(get_timezone()))


def to_local(value: datetime | None) -> datetime | None:
    """An aware UTC time as the naive local time a datetime-local input shows."""
    if value is None:
        return None
    return utc_to_local(value, str(get_timezone()))


class CriterionForm(Form):
    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=200)], filters=[_strip])
    weight = IntegerField(_l("Weight (%)"), validators=[Optional(), NumberRange(min=1, max=100)])
    description = StringField(_l("What is assessed"), validators=[Optional(), Length(max=500)], filters=[_strip])


class ChallengeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[single_line])
    summary = TextAreaField(_l("Short summary"), validators=[DataRequired(), Length(max=500)], filters=[_strip],
                            description=_l("Two or three sentences shown in the list of challenges."))
    description = TextAreaField(
        _l("Problem description and needs"), validators=[DataRequired(), Length(max=20000)], filters=[_strip],
        description=_l("Describe the need, not a solution (Markdown: **bold**, lists, links, tables). Naming a make, "
                       "brand or product needs a justification and the words \"or equivalent\" (Art 42(4) Dir. 2014/24/EU)."),
        render_kw={"rows": 10},
    )
    expected_benefits = TextAreaField(_l("Expected benefits"), validators=[DataRequired(), Length(max=5000)], filters=[_strip])
    test_setting = TextAreaField(_l("Test setting"), validators=[DataRequired(), Length(max=2000)], filters=[_strip],
                                 description=_l("Where and with whom, e.g. \"3 care homes, about 40 care staff\"."))
    test_users_offered = IntegerField(_l("Number of test users offered"), validators=[DataRequired(), NumberRange(min=1, max=100000)])
    pilot_budget_eur = FiniteDecimalField(_l("Pilot budget (EUR)"), places=2, validators=[Optional(), NumberRange(min=0, max=10**12)],
                                    description=_l("May be 0."))
    estimated_contract_value_eur = FiniteDecimalField(
        _l("Estimated value of a later contract (EUR, excl. VAT)"), places=2,
        validators=[Optional(), NumberRange(min=0, max=MAX_EUR)],
        description=_l("Optional. Include options and renewals (Art 5 Dir. 2014/24/EU); the procurement tracker uses it."),
    )
    contract_kind = SelectField(_l("Contract kind foreseen"), choices=choices(CONTRACT_KIND_LABELS.items()))
    cpv_codes = TextAreaField(
        _l("CPV codes"), validators=[DataRequired()], render_kw={"rows": 2},
        description=_l("One or more codes of the Common Procurement Vocabulary, e.g. 33196200-2, separated by commas or spaces."),
    )
    nuts_code = StringField(_l("NUTS region"), validators=[DataRequired(), Length(max=5)], filters=[lambda v: v.strip().upper() if v else v],
                            description=_l("Where the pilot takes place, e.g. DK031."))
    languages = MultiCheckboxField(_l("Languages accepted for proposals"), validators=[DataRequired(message=_l("Choose at least one language."))],
                                   description=_l("Include the language the challenge is written in."))
    ipr_model = RadioField(_l("Intellectual property"), choices=choices(IPR_LABELS.items()),
                           validators=[DataRequired(message=_l("Choose the IPR model."))])
    ipr_note = TextAreaField(_l("IPR note"), validators=[Optional(), Length(max=2000)], filters=[_strip])
    questions_deadline = DateTimeLocalField(_l("Questions deadline"), validators=[DataRequired(message=_l("Give a date and time.")), PlausibleDate()],
                                            format="%Y-%m-%dT%H:%M")
    proposal_deadline = DateTimeLocalField(_l("Proposal deadline"), validators=[DataRequired(message=_l("Give a date and time.")), PlausibleDate()],
                                           format="%Y-%m-%dT%H:%M", description=_l("In your time zone (see your profile)."))
    cluster_id = SelectField(_l("Facilitating cluster"), coerce=int, validators=[DataRequired()],
                             description=_l("The cluster moderates the challenge and facilitates the pilot."))
    partner_ids = MultiCheckboxField(_l("Partner authorities (buyers' group)"), coerce=int,
                                     description=_l("They get the same rights on this challenge as your authority."))
    criteria = FieldList(FormField(CriterionForm), min_entries=CRITERIA_ROWS, max_entries=12)
    change_note = TextAreaField(_l("What changed and why"), validators=[Optional(), Length(max=2000)], filters=[_strip],
                                description=_l("Shown publicly with the change history."))

    def __init__(self, *args, clusters=(), partners=(), published: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = choices((code, language_name(code)) for code in EU_LANGUAGES)
        self.cluster_id.choices = choices([(0, _l("Choose…"))] + [(c.id, c.name) for c in clusters])
        self.partner_ids.choices = choices((p.id, p.name) for p in partners)
        self.published = published
        self.cpv_list: list[str] = []

    def validate_cpv_codes(self, field):
        codes, unknown = cpv.parse_many(field.data)
        if unknown:
            raise ValidationError(_l("Not in the CPV 2008 list: %(codes)s", codes=", ".join(unknown[:5])))
        self.cpv_list = codes

    def validate_nuts_code(self, field):
        if not NUTS_PATTERN.match(field.data or ""):
            raise ValidationError(_l("A NUTS code is the two-letter country code followed by up to three letters or digits (e.g. DK031)."))

    def validate_cluster_id(self, field):
        if field.data == 0:
            raise ValidationError(_l("Choose the facilitating cluster."))

    def filled_criteria(self) -> list[CriterionData]:
        return [
            CriterionData(name=row.form.name.data, weight=row.form.weight.data or 0, description=row.form.description.data)
            for row in self.criteria if row.form.name.data
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for row in self.criteria:
            if row.form.name.data and not row.form.weight.data and not row.form.weight.errors:
                row.form.weight.errors.append(_l("Give the weight."))
                valid = False
        if self.published and not self.change_note.data:
            self.change_note.errors = [*self.change_note.errors, _l("Say what changed and why: everyone will read it.")]
            valid = False
        problems = criteria_problems([c.weight for c in self.filled_criteria()])
        if problems:
            self.criteria.errors.append(str(CRITERIA_MESSAGES[problems[0]]))
            valid = False
        if self.questions_deadline.errors or self.proposal_deadline.errors:
            return False
        questions, proposals = to_utc(self.questions_deadline.data), to_utc(self.proposal_deadline.data)
        for problem in deadline_problems(questions, proposals, utcnow()):
            if problem != "missing":
                self.proposal_deadline.errors.append(str(DEADLINE_MESSAGES[problem]))
                valid = False
        return valid

    def challenge_data(self) -> ChallengeData:
        return ChallengeData(
            title=self.title.data, summary=self.summary.data, description=self.description.data,
            expected_benefits=self.expected_benefits.data, test_setting=self.test_setting.data,
            test_users_offered=self.test_users_offered.data, pilot_budget_eur=self.pilot_budget_eur.data or 0,
            estimated_contract_value_eur=self.estimated_contract_value_eur.data,
            contract_kind=self.contract_kind.data, cpv_codes=self.cpv_list, nuts_code=self.nuts_code.data,
            languages=list(self.languages.data), ipr_model=self.ipr_model.data, ipr_note=self.ipr_note.data or None,
            questions_deadline=to_utc(self.questions_deadline.data), proposal_deadline=to_utc(self.proposal_deadline.data),
            cluster_id=self.cluster_id.data, partner_ids=list(self.partner_ids.data), criteria=self.filled_criteria(),
        )

    def fill_from(self, challenge) -> None:
        """Show a saved challenge in the form, times in the user's zone. (Not `process(obj=…)`: WTForms
        lets the object's attributes win over `data`, and the stored forms of these fields are not what is typed.)"""
        as_typed = {
            "cpv_codes": ", ".join(cpv.with_check_digit(code) for code in challenge.codes),
            "questions_deadline": to_local(challenge.questions_deadline),
            "proposal_deadline": to_local(challenge.proposal_deadline),
            "partner_ids": [p.organisation_id for p in challenge.partners],
            "criteria": [{"name": c.name, "weight": c.weight, "description": c.description or ""} for c in challenge.criteria],
            "contract_kind": challenge.contract_kind.value, "ipr_model": challenge.ipr_model.value,
        }
        stored = {name: getattr(challenge, name) for name in self._fields if hasattr(challenge, name)}
        self.process(data={**stored, **as_typed})
        while len(self.criteria) < CRITERIA_ROWS:
            self.criteria.append_entry()


class TransitionForm(FlaskForm):
    reason = TextAreaField(_l("Reason or comment"), validators=[Optional(), Length(max=4000)], filters=[_strip])
    brand_confirmed = BooleanField(_l("I keep these references: they are justified by the subject and followed by \"or equivalent\"."))
    brand_note = TextAreaField(_l("Justification (optional)"), validators=[Optional(), Length(max=2000)], filters=[_strip])


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"), validators=[DataRequired(message=_l("Choose a file."))],
                     description=_l("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG."))
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=200)], filters=[_strip])


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(max=4000)], filters=[_strip],
                         description=_l("Other companies never see who asked. The answer is published to everyone."))


class AnswerForm(FlaskForm):
    published_question = TextAreaField(_l("Question as published"), validators=[Optional(), Length(max=4000)], filters=[_strip],
                                       description=_l("Reword it if it reveals who asked."))
    answer = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=8000)], filters=[_strip])


def _status_choices():
    public = [s for s in STATUS_LABELS if s in PUBLIC_STATUSES and s != ChallengeStatus.PUBLISHED]
    return choices([("", _l("Any")), ("open", STATUS_LABELS[ChallengeStatus.PUBLISHED]),
                    ("closed", STATUS_LABELS[ChallengeStatus.CLOSED])] + [(s.value, STATUS_LABELS[s]) for s in public])


class FilterForm(FlaskForm):
    """The list's search and filters, read from the URL so that a search can be shared."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)], filters=[_strip])
    status = SelectField(_l("Status"), validators=[Optional()])
    cpv = SelectField(_l("CPV division"), validators=[Optional()])
    region = StringField(_l("Region (NUTS)"), validators=[Optional(), Length(max=5)], filters=[lambda v: v.strip().upper() if v else v])
    authority = LongSelectField(_l("Authority"), validators=[Optional()])
    deadline_from = DateField(_l("Deadline from"), validators=[Optional(), PlausibleDate()])
    deadline_to = DateField(_l("Deadline until"), validators=[Optional(), PlausibleDate()])
    sort = SelectField(_l("Sort by"), choices=choices([("deadline", _l("Deadline, soonest first")), ("newest", _l("Newest first")),
                                                       ("title", _l("Title"))]), validators=[Optional()])

    def __init__(self, *args, authorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = _status_choices()
        self.cpv.choices = choices([("", _l("Any"))] + [(code, f"{code} – {title}") for code, title in cpv.divisions()])
        self.authority.choices = choices([("", _l("Any"))] + [(str(a.id), a.name) for a in authorities])

    def filters(self) -> ChallengeFilters:
        """The valid filters; a field with an error is ignored (and shown with its error)."""
        def ok(field):
            return field.data if not field.errors else None

        day_start = time(0, 0)
        start = ok(self.deadline_from)
        end = ok(self.deadline_to)
        return ChallengeFilters(
            q=ok(self.q) or "", status=ok(self.status) or "", cpv_division=ok(self.cpv) or "",
            region=ok(self.region) or "", authority_id=int(self.authority.data) if ok(self.authority) else None,
            deadline_from=to_utc(datetime.combine(start, day_start)) if start else None,
            deadline_to=to_utc(datetime.combine(end + timedelta(days=1), day_start)) if end else None,
            sort=ok(self.sort) or "deadline",
        )
