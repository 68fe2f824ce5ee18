"""Forms of the procurement case pages."""
import re
from datetime import date
from decimal import Decimal

from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ppi.challenges import cpv
from ppi.core.forms import MAX_EUR, FiniteDecimalField, PlausibleDate, choices, single_line
from ppi.core.geo import country_choices
from ppi.procurement import directive
from ppi.procurement.labels import INSTRUMENT_LABELS, KIND_LABELS
from ppi.procurement.services import CaseData

DATES = [Optional(), PlausibleDate()]
COUNTS = [Optional(), NumberRange(min=0, max=100000)]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _procedure_choices():
    return choices([("", _l("Not chosen yet"))] + [(p.value, f"{_(facts.name)} ({facts.article})")
                                                   for p, facts in directive.PROCEDURES.items()])


def _ground_choices(grounds: dict[str, str]):
    """The directive's grounds, each "article: text", in the page's language."""
    return choices([("", "–")] + [(article, f"{article}: {_(text)}") for article, text in grounds.items()])


class CaseForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=300)], filters=[single_line])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)], filters=[_strip])
    contract_kind = SelectField(_l("Contract kind"), choices=choices(KIND_LABELS.items()), validators=[DataRequired()])
    estimated_value_eur = FiniteDecimalField(
        _l("Estimated value (EUR, excl. VAT)"), places=2, validators=[InputRequired(), NumberRange(min=0, max=MAX_EUR)],
        description=_l("Art 5: the total payable net of VAT, including options and renewals; for an innovation partnership, "
                       "the R&D of all phases plus the purchase at the end."))
    cpv_codes = StringField(_l("CPV codes"), validators=[DataRequired()], filters=[_strip],
                            description=_l("Separated by commas, e.g. 33196200-2."))
    consultation = TextAreaField(_l("Companies consulted in a preliminary market consultation (Art 40), one per line"),
                                 validators=[Optional(), Length(max=5000)], filters=[_strip])
    lots = TextAreaField(_l("Lots (optional), one per line: title; estimated value in EUR"),
                         validators=[Optional(), Length(max=5000)], filters=[_strip],
                         description=_l("Art 5(8): the estimated value above is the total of all lots."))

    def validate_lots(self, field):
        try:
            lots = self.lot_list()
        except (ValueError, ArithmeticError):
            raise ValidationError(_l("Write each lot as: title; value, e.g. \"Sensors; 250000\".")) from None
        total = sum((Decimal(lot["value_eur"]) for lot in lots), Decimal(0))
        if self.estimated_value_eur.data is not None and total > self.estimated_value_eur.data:
            raise ValidationError(_l("The lots add up to more than the estimated value (Art 5(8): it is their total)."))

    def lot_list(self) -> list[dict]:
        """[{"title", "value_eur"}] from the typed lines; ValueError on a line that is not "title; value"."""
        lots = []
        for line in (self.lots.data or "").splitlines():
            if not line.strip():
                continue
            title, separator, value = line.rpartition(";")
            amount = Decimal(value.strip().replace(",", ""))
            if not separator or not title.strip() or not amount.is_finite() or not 0 <= amount <= MAX_EUR:
                raise ValueError(line)
            lots.append({"title": single_line(title), "value_eur": str(amount.quantize(Decimal("0.01")))})
        return lots

    def fill_lots(self, lots: list[dict]) -> None:
        self.lots.data = "\n".join(f"{lot['title']}; {lot['value_eur']}" for lot in lots)

    def validate_cpv_codes(self, field):
        tokens = [token for token in re.split(r"[\s,;]+", field.data or "") if token]
        if not tokens or any(cpv.parse(token) is None for token in tokens):
            raise ValidationError(_l("Give codes of the CPV 2008 list, e.g. 33196200-2."))

    def case_data(self) -> CaseData:
        tokens = [token for token in re.split(r"[\s,;]+", self.cpv_codes.data or "") if token]
        return CaseData(subject=self.subject.data, contract_kind=directive.ContractKind(self.contract_kind.data),
                        estimated_value_eur=self.estimated_value_eur.data, cpv_codes=[cpv.parse(t) for t in tokens],
                        description=self.description.data or None, lots=self.lot_list())

    def consulted(self) -> list[str]:
        return [line.strip() for line in (self.consultation.data or "").splitlines() if line.strip()]


class RouteForm(FlaskForm):
    procedure = SelectField(_l("Route"), validators=[Optional()])
    instrument = SelectField(_l("On top"), choices=choices(INSTRUMENT_LABELS.items()), validators=[DataRequired()])
    framework_years = FiniteDecimalField(_l("Framework term (years)"), places=1, validators=[Optional(), NumberRange(min=0, max=50)])
    art_26_ground = SelectField(_l("Art 26(4) ground (negotiation, dialogue)"), validators=[Optional()])
    art_32_ground = SelectField(_l("Art 32 ground (no prior publication)"), validators=[Optional()])
    art_32_justification = TextAreaField(_l("Circumstances that justify it (Art 84(1)(f))"), validators=[Optional(), Length(max=5000)],
                                         filters=[_strip])
    partnership_phases = TextAreaField(_l("Innovation partnership: the phases"), validators=[Optional(), Length(max=5000)], filters=[_strip])
    partnership_targets = TextAreaField(_l("Innovation partnership: intermediate targets"), validators=[Optional(), Length(max=5000)],
                                        filters=[_strip])
    partnership_remuneration = TextAreaField(_l("Innovation partnership: remuneration in instalments"),
                                             validators=[Optional(), Length(max=5000)], filters=[_strip])
    pcp_benefits_shared = BooleanField(_l("PCP: the benefits do not accrue exclusively to the authority (e.g. the companies keep the IPR)"))
    pcp_not_wholly_paid = BooleanField(_l("PCP: the service is not wholly paid by the authority"))
    pin_used = BooleanField(_l("A prior information notice was sent (not as the call for competition)"))
    urgent = BooleanField(_l("Urgency, duly substantiated"))
    urgency_reason = TextAreaField(_l("Reason for the urgency"), validators=[Optional(), Length(max=3000)], filters=[_strip])
    electronic_submission = BooleanField(_l("Tenders are submitted electronically"))
    agreed_with_all_candidates = BooleanField(_l("Sub-central authority: tender deadline agreed with all selected candidates"))
    candidates_invited = IntegerField(_l("Candidates invited to tender"), validators=COUNTS)
    holidays = StringField(_l("Public holidays in the period (YYYY-MM-DD, comma-separated)"), validators=[Optional(), Length(max=1000)],
                           filters=[_strip])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure.choices = _procedure_choices()
        self.art_26_ground.choices = _ground_choices(directive.ART_26_4_GROUNDS)
        self.art_32_ground.choices = _ground_choices({code: ground.text for code, ground in directive.ART_32_GROUNDS.items()})

    def validate_holidays(self, field):
        try:
            self.holiday_list()
        except ValueError:
            raise ValidationError(_l("Give dates as YYYY-MM-DD, separated by commas.")) from None

    def holiday_list(self) -> list[str]:
        return sorted({date.fromisoformat(token.strip()).isoformat() for token in (self.holidays.data or "").split(",") if token.strip()})

    def values(self) -> dict:
        return {
            "procedure": directive.Procedure(self.procedure.data) if self.procedure.data else None,
            "instrument": directive.Instrument(self.instrument.data), "framework_years": self.framework_years.data,
            "art_26_ground": self.art_26_ground.data or None, "art_32_ground": self.art_32_ground.data or None,
            "art_32_justification": self.art_32_justification.data or None,
            "partnership_phases": self.partnership_phases.data or None,
            "partnership_targets": self.partnership_targets.data or None,
            "partnership_remuneration": self.partnership_remuneration.data or None,
            "pcp_benefits_shared": self.pcp_benefits_shared.data, "pcp_not_wholly_paid": self.pcp_not_wholly_paid.data,
            "pin_used": self.pin_used.data, "urgent": self.urgent.data, "urgency_reason": self.urgency_reason.data or None,
            "electronic_submission": self.electronic_submission.data,
            "agreed_with_all_candidates": self.agreed_with_all_candidates.data,
            "candidates_invited": self.candidates_invited.data, "holidays": self.holiday_list(),
        }


class TimelineForm(FlaskForm):
    pin_sent_on = DateField(_l("Prior information notice sent"), validators=DATES)
    consultation_on = DateField(_l("Market consultation"), validators=DATES)
    notice_sent_on = DateField(_l("Contract notice sent"), validators=DATES)
    notice_reference = StringField(_l("Notice reference (TED or national)"), validators=[Optional(), Length(max=100)], filters=[single_line])
    invitations_sent_on = DateField(_l("Invitations to tender sent (restricted, negotiation)"), validators=DATES)
    clarification_deadline = DateField(_l("Clarification deadline"), validators=DATES)
    requests_deadline = DateField(_l("Deadline for requests to participate"), validators=DATES)
    tenders_deadline = DateField(_l("Deadline for tenders"), validators=DATES)
    tenders_received = IntegerField(_l("Tenders received"), validators=COUNTS)
    tenders_from_smes = IntegerField(_l("of which from SMEs"), validators=COUNTS)
    tenders_from_other_states = IntegerField(_l("of which from other member states"), validators=COUNTS)
    award_decision_sent_on = DateField(_l("Award decision sent (electronically)"), validators=DATES)
    contract_signed_on = DateField(_l("Contract signed"), validators=DATES)
    award_notice_sent_on = DateField(_l("Contract award notice sent"), validators=DATES)

    def validate_tenders_from_smes(self, field):
        if field.data is not None and self.tenders_received.data is not None and field.data > self.tenders_received.data:
            raise ValidationError(_l("Cannot be more than the tenders received."))

    validate_tenders_from_other_states = validate_tenders_from_smes

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "pin_sent_on", "consultation_on", "notice_sent_on", "notice_reference", "invitations_sent_on", "clarification_deadline",
            "requests_deadline", "tenders_deadline", "tenders_received", "tenders_from_smes", "tenders_from_other_states",
            "award_decision_sent_on", "contract_signed_on", "award_notice_sent_on")}


class TendererForm(FlaskForm):
    organisation_id = SelectField(_l("Registered company (optional)"), coerce=int, validators=[Optional()])
    name = StringField(_l("Name"), validators=[Length(max=200)], filters=[single_line],
                       description=_l("For a company not registered on PPI."))
    country = SelectField(_l("Country"), validators=[DataRequired()])
    is_sme = BooleanField(_l("SME"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = choices(country_choices(str(get_locale())))

    def validate_name(self, field):
        if not field.data and not self.organisation_id.data:
            raise ValidationError(_l("Choose a registered company or give a name."))


class Art41Form(FlaskForm):
    info_shared_on = DateField(_l("Information shared with all candidates on"), validators=DATES)
    info_shared = TextAreaField(_l("What was shared (from the pilot or the consultation)"), validators=[Optional(), Length(max=5000)],
                                filters=[_strip])
    time_limits_note = TextAreaField(_l("How the time limits were made adequate"), validators=[Optional(), Length(max=3000)],
                                     filters=[_strip])
    excluded = BooleanField(_l("Excluded: there is no other way to ensure equal treatment"))
    exclusion_hearing_on = DateField(_l("The operator was heard on"), validators=DATES)
    exclusion_reason = TextAreaField(_l("Reason for the exclusion"), validators=[Optional(), Length(max=3000)], filters=[_strip])


class AdmissionForm(FlaskForm):
    admitted = RadioField(_l("Admitted"), choices=choices([("yes", _l("Admitted")), ("no", _l("Rejected"))]),
                          validators=[InputRequired()])
    reason = TextAreaField(_l("Reason for rejection"), validators=[Optional(), Length(max=3000)], filters=[_strip])


class AwardForm(FlaskForm):
    tenderer_id = SelectField(_l("Awarded to"), coerce=int, validators=[DataRequired(message=_l("Choose the tenderer."))])
    contract_value_eur = FiniteDecimalField(_l("Contract value (EUR, excl. VAT)"), places=2,
                                            validators=[InputRequired(), NumberRange(min=0, max=MAX_EUR)])
    contract_months = IntegerField(_l("Duration (months)"), validators=[Optional(), NumberRange(min=1, max=600)])
    reasons = TextAreaField(_l("Why this tender won (Art 84)"), validators=[DataRequired(), Length(max=5000)], filters=[_strip])


class TransitionForm(FlaskForm):
    reason = TextAreaField(_l("Reason (required to cancel)"), validators=[Optional(), Length(max=3000)], filters=[_strip])
