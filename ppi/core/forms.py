"""Form pieces shared by every domain."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DecimalField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import Select, html_params


MAX_EUR = Decimal("9999999999999.99")  # the most a Numeric(15, 2) column stores: larger input is refused, not a 500


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST-only buttons."""


class ReasonForm(FlaskForm):
    """A state change that must say why."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


def choices(pairs) -> list[SelectChoice]:
    """Options for a SelectField or RadioField from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class LongSelectField(SelectField):
    """A select with hundreds of options (every verified authority or cluster: they grow with the platform), written
    and checked in one pass each: WTForms builds an object per option to render it and again to check the choice, ten
    times slower (12 ms for 750 options, a list page's whole time). Coerced to `str`, like the default."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=LongSelect(), **kwargs)

    def pre_validate(self, form):
        if self.data is not None and self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(self.invalid_choice_message or self.gettext("Not a valid choice."))


class LongSelect(Select):
    """The widget of `LongSelectField`: the options as one string."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if field.flags.required:
            kwargs.setdefault("required", True)
        options = "".join(f'<option {"selected " if choice.value == field.data else ""}value="{escape(choice.value)}">'
                          f"{escape(choice.label)}</option>" for choice in field.choices)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


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
