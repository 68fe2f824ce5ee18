"""Form pieces shared by every domain."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError


MAX_EUR = Decimal("9999999999999.99")  # the most a Numeric(15, 2) column stores: larger input is refused, not a 500


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST-only buttons."""


class ReasonForm(FlaskForm):
    """A state change that must say why."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


def choices(pairs) -> list[SelectChoice]:
    """Options for a SelectField or RadioField from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class FiniteDecimalField(DecimalField):
    """A decimal that is a number: NaN and Infinity are refused as invalid input."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


def single_line(value):
    """Strip, and turn line breaks and other control characters into spaces (names, subjects, titles)."""
    if not isinstance(value, str):
        return value
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


class PlausibleDate:
    """Refuse dates outside 2000–2999: they are typos, and the far ends overflow time-zone arithmetic."""

    FIRST, LAST = date(2000, 1, 1), date(2999, 12, 31)

    def __call__(self, form, field) -> None:
        value = field.data.date() if isinstance(field.data, datetime) else field.data
        if value is not None and not self.FIRST <= value <= self.LAST:
            raise ValidationError(_l("Give a date between %(first)s and %(last)s.", first=self.FIRST.isoformat(),
                                     last=self.LAST.isoformat()))
