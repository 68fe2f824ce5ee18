"""Form pieces shared by every domain."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST-only buttons."""


class ReasonForm(FlaskForm):
    """A state change that must say why."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


def choices(pairs) -> list[SelectChoice]:
    """Options for a SelectField or RadioField from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]
