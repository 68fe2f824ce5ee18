"""Forms for signing up, signing in, organisation profiles, people and memberships."""
from flask import current_app
from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, EqualTo, Length, NumberRange, Optional, ValidationError

from ppi.accounts.labels import AUTHORITY_TYPE_LABELS, KIND_LABELS, ROLE_LABELS
from ppi.accounts.models import AuthorityType, OrganisationKind, OrgRole
from ppi.accounts.workflow import VerificationStatus
from ppi.accounts.passwords import password_problems
from ppi.core.forms import MAX_EUR, FiniteDecimalField, choices, single_line
from ppi.core.geo import country_choices, nuts_error
from ppi.core.timeutil import timezone_choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _require(field, message=None) -> bool:
    """Mark a conditionally required field as missing; True when it is."""
    if field.data in (None, ""):
        field.errors.append(message or _l("This field is required."))
        return True
    return False


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name of the organisation"), validators=[DataRequired(), Length(max=200)], filters=[single_line])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    nuts_code = StringField(
        _l("NUTS region code"),
        validators=[Length(max=5)],
        filters=[_upper],
        description=_l("The EU statistical region, e.g. DK03 (Southern Denmark) or DK031 (Fyn). Leave empty outside the EU, EFTA and candidate countries."),
    )
    registration_number = StringField(
        _l("Registration or VAT number"), validators=[DataRequired(), Length(max=64)], filters=[single_line],
        description=_l("E.g. the CVR number in Denmark."),
    )
    website = URLField(_l("Website"), validators=[Optional(), URL(require_tld=True), Length(max=255)], filters=[_strip])
    description = TextAreaField(_l("About the organisation"), validators=[Optional(), Length(max=2000)], filters=[_strip])
    authority_type = SelectField(
        _l("Type of contracting authority"),
        choices=choices([("", _l("Choose…"))] + [(t.value, label) for t, label in AUTHORITY_TYPE_LABELS.items()]),
        validators=[Optional()],
        description=_l("Public authorities only. It decides which EU thresholds apply to your procurements."),
    )
    staff_headcount = IntegerField(
        _l("Staff headcount (annual work units)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)],
        description=_l("Companies only: the three figures give your size class by the EU SME definition."),
    )
    annual_turnover_eur = FiniteDecimalField(
        _l("Annual turnover (EUR)"), places=2, validators=[Optional(), NumberRange(min=0, max=MAX_EUR)]
    )
    balance_sheet_total_eur = FiniteDecimalField(
        _l("Annual balance-sheet total (EUR)"), places=2, validators=[Optional(), NumberRange(min=0, max=MAX_EUR)]
    )

    def __init__(self, *args, kind: OrganisationKind | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_kind = kind
        self.country.choices = choices([("", _l("Choose…"))] + country_choices(str(get_locale())))

    def chosen_kind(self) -> OrganisationKind | None:
        return self.fixed_kind

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        kind = self.chosen_kind()
        if self.country.data:
            problem = nuts_error(self.country.data, self.nuts_code.data or "")
            if problem:
                self.nuts_code.errors.append(problem)
                valid = False
        if kind == OrganisationKind.PUBLIC_AUTHORITY and _require(self.authority_type):
            valid = False
        if kind == OrganisationKind.COMPANY:
            for field in (self.staff_headcount, self.annual_turnover_eur, self.balance_sheet_total_eur):
                if not field.errors and _require(field, _l("Companies give this figure: it decides the SME size class.")):
                    valid = False
        return valid

    def organisation_values(self) -> dict:
        return {
            "name": self.name.data,
            "country": self.country.data,
            "nuts_code": self.nuts_code.data or None,
            "registration_number": self.registration_number.data,
            "website": self.website.data or None,
            "description": self.description.data or None,
            "authority_type": AuthorityType(self.authority_type.data) if self.authority_type.data else None,
            "staff_headcount": self.staff_headcount.data,
            "annual_turnover_eur": self.annual_turnover_eur.data,
            "balance_sheet_total_eur": self.balance_sheet_total_eur.data,
        }


class PasswordRules:
    """Checks a new password against the platform's rules, next to the field."""

    def __init__(self, email_field: str | None = None, name_field: str | None = None):
        self.email_field = email_field
        self.name_field = name_field

    def __call__(self, form, field):
        email = getattr(form, self.email_field).data if self.email_field else ""
        name = getattr(form, self.name_field).data if self.name_field else ""
        problems = password_problems(
            field.data or "",
            min_length=current_app.config["PASSWORD_MIN_LENGTH"],
            email=email or "",
            display_name=name or "",
        )
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))


def _password_pair(email_field: str | None = None, name_field: str | None = None):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), PasswordRules(email_field, name_field)],
        description=_l("At least 12 characters; not a common password."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class AccountFieldsMixin:
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)], filters=[single_line],
                               render_kw={"autocomplete": "name"})
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=255)],
                       filters=[_lower], render_kw={"autocomplete": "email"})
    password, confirm = _password_pair("email", "display_name")


class SignUpForm(AccountFieldsMixin, OrganisationForm):
    kind = RadioField(
        _l("Your organisation is a"),
        choices=choices((k.value, label) for k, label in KIND_LABELS.items()),
        validators=[DataRequired(message=_l("Choose the kind of organisation."))],
    )
    accept_terms = BooleanField(
        _l("I confirm that I may act for this organisation and that the information is correct."),
        validators=[DataRequired(message=_l("Confirm that you may act for this organisation."))],
    )

    def chosen_kind(self) -> OrganisationKind | None:
        try:
            return OrganisationKind(self.kind.data)
        except ValueError:
            return None


class JoinForm(AccountFieldsMixin, FlaskForm):
    pass


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=255)], filters=[_lower],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=255)],
                       filters=[_lower], render_kw={"autocomplete": "email"})


class ResetPasswordForm(FlaskForm):
    password, confirm = _password_pair()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    password, confirm = _password_pair()


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)], filters=[single_line])
    timezone = SelectField(_l("Time zone"), description=_l("Dates and deadlines are shown in this zone."))
    locale = SelectField(_l("Language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = choices((zone, zone.replace("_", " ")) for zone in timezone_choices())
        self.locale.choices = choices(current_app.config["LANGUAGES"].items())


class InvitationForm(FlaskForm):
    email = EmailField(
        _l("E-mail address (optional)"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=255)],
        filters=[_lower],
        description=_l("With an address, the link is e-mailed and only that address can use it; without, you pass the link on yourself."),
    )
    role = SelectField(_l("Role"), choices=choices((r.value, label) for r, label in ROLE_LABELS.items()), default=OrgRole.MEMBER.value)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices((r.value, label) for r, label in ROLE_LABELS.items()))


class MembershipRequestForm(FlaskForm):
    message = TextAreaField(_l("Message to the cluster (optional)"), validators=[Optional(), Length(max=2000)], filters=[_strip])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)], filters=[_strip])


class VerificationForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices([
            (VerificationStatus.VERIFIED.value, _l("Verify: the organisation is who it says it is")),
            (VerificationStatus.REJECTED.value, _l("Reject: the organisation could not be confirmed")),
            (VerificationStatus.SUSPENDED.value, _l("Suspend a verified organisation")),
        ]),
        validators=[DataRequired(message=_l("Choose a decision."))],
    )
    note = TextAreaField(
        _l("Reason"), validators=[Optional(), Length(max=2000)], filters=[_strip],
        description=_l("Required when you reject or suspend: the organisation reads it."),
    )
