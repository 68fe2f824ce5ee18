"""Forms of the pool pages."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ppi.core.forms import FiniteDecimalField, PlausibleDate, choices, single_line
from ppi.pools.services import PoolData
from ppi.pools.workflow import CURRENCIES

NUTS_PREFIX = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
MONEY = [InputRequired(), NumberRange(min=0, max=10**12)]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PoolForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[single_line])
    currency = SelectField(_l("Currency"), choices=choices((c, c) for c in CURRENCIES), validators=[DataRequired()])
    total_budget = FiniteDecimalField(_l("Total budget"), places=2, validators=MONEY)
    min_grant = FiniteDecimalField(_l("Smallest grant"), places=2, validators=MONEY)
    max_grant = FiniteDecimalField(_l("Largest grant"), places=2, validators=MONEY)
    units_per_eur = FiniteDecimalField(_l("Exchange rate: units of the currency for 1 EUR"), places=6,
                                       validators=[InputRequired(), NumberRange(min=0.000001, max=10**6)],
                                       description=_l("Used to check the de minimis ceiling of EUR 300,000 (Regulation (EU) 2023/2831). 1 for EUR."))
    eligibility_text = TextAreaField(_l("Eligibility rules (text)"), validators=[DataRequired(), Length(max=10000)], filters=[_strip])
    require_sme = BooleanField(_l("The applicant must be an SME"), default=True)
    regions = StringField(_l("Regions (NUTS codes, comma-separated; empty: anywhere)"), validators=[Optional(), Length(max=500)],
                          filters=[lambda v: v.upper() if isinstance(v, str) else v])
    require_public_partner = BooleanField(_l("A public partner is required"), default=True)
    require_research_partner = BooleanField(_l("A research partner is required"))
    opens_on = DateField(_l("Opens on"), validators=[InputRequired(), PlausibleDate()])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired(), PlausibleDate()])

    def validate_regions(self, field):
        if any(not NUTS_PREFIX.match(code) for code in self.region_list()):
            raise ValidationError(_l("Give NUTS codes such as DK03 or DK031, separated by commas."))

    def region_list(self) -> list[str]:
        return [code.strip() for code in (self.regions.data or "").split(",") if code.strip()]

    def validate(self, extra_validators=None) -> bool:
        """The service's checks of amounts and dates, with the message next to the field it concerns."""
        valid = super().validate(extra_validators)
        low, high, total = self.min_grant.data, self.max_grant.data, self.total_budget.data
        amounts_valid = not (self.min_grant.errors or self.max_grant.errors or self.total_budget.errors)
        if amounts_valid and None not in (low, high, total) and (high < low or high > total):
            self.max_grant.errors = [_l("The grants must go from the minimum to the maximum, within the total budget.")]
            valid = False
        if self.opens_on.data and self.closes_on.data and self.closes_on.data < self.opens_on.data and not self.closes_on.errors:
            self.closes_on.errors = [_l("The pool must close after it opens.")]
            valid = False
        return valid

    def pool_data(self) -> PoolData:
        return PoolData(
            name=self.name.data, currency=self.currency.data, total_budget=self.total_budget.data,
            min_grant=self.min_grant.data, max_grant=self.max_grant.data, units_per_eur=self.units_per_eur.data,
            eligibility_text=self.eligibility_text.data, require_sme=self.require_sme.data, regions=self.region_list(),
            require_public_partner=self.require_public_partner.data, require_research_partner=self.require_research_partner.data,
            opens_on=self.opens_on.data, closes_on=self.closes_on.data,
        )


class ApplicationForm(FlaskForm):
    pilot_id = SelectField(_l("Pilot"), coerce=int, validators=[DataRequired(message=_l("Choose the pilot."))])
    requested = FiniteDecimalField(_l("Grant requested"), places=2, validators=MONEY)
    co_financing = FiniteDecimalField(_l("Co-financing by the company"), places=2, validators=MONEY)
    purpose = TextAreaField(_l("What the grant pays for"), validators=[DataRequired(), Length(max=5000)], filters=[_strip])


class EditApplicationForm(FlaskForm):
    requested = FiniteDecimalField(_l("Grant requested"), places=2, validators=MONEY)
    co_financing = FiniteDecimalField(_l("Co-financing by the company"), places=2, validators=MONEY)
    purpose = TextAreaField(_l("What the grant pays for"), validators=[DataRequired(), Length(max=5000)], filters=[_strip])


class DeMinimisForm(FlaskForm):
    received_eur = FiniteDecimalField(_l("De minimis aid received in the last three years (EUR)"), places=2, validators=MONEY,
                                      description=_l("All de minimis aid to your undertaking in the current and the two previous fiscal years."))
    confirm = BooleanField(_l("I declare that this figure is complete and correct."),
                           validators=[DataRequired(message=_l("Confirm the declaration."))])


class BenefitForm(FlaskForm):
    statement = TextAreaField(_l("Declaration of expected benefit"), validators=[DataRequired(), Length(max=5000)], filters=[_strip],
                              description=_l("What your organisation expects to gain from the pilot and how it takes part."))
    confirm = BooleanField(_l("On behalf of my organisation I confirm this declaration."),
                           validators=[DataRequired(message=_l("Confirm the declaration."))])


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=choices([("approve", _l("Approve")), ("reject", _l("Reject"))]),
                          validators=[InputRequired(message=_l("Choose one."))])
    amount = FiniteDecimalField(_l("Amount granted"), places=2, validators=[Optional(), NumberRange(min=0, max=10**12)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)], filters=[_strip])


class PaymentForm(FlaskForm):
    milestone_id = SelectField(_l("Milestone"), coerce=int, validators=[DataRequired(message=_l("Choose the milestone."))])
    amount = FiniteDecimalField(_l("Amount paid"), places=2, validators=[InputRequired(), NumberRange(min=0.01, max=10**12)])
    paid_on = DateField(_l("Paid on"), validators=[InputRequired(), PlausibleDate()])
