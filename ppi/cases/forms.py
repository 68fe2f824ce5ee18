"""Forms of the case library: the authors' texts, the approval, the withdrawal, the library's search and filters."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ppi.cases.labels import FINDING_LABELS, OUTCOME_LABELS
from ppi.cases.services import LibraryFilters, SummaryTexts
from ppi.cases.workflow import Finding, Outcome
from ppi.core.forms import choices, single_line

def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _text(label, help_text, required: bool = True, max_length: int = 8000) -> TextAreaField:
    return TextAreaField(label, description=help_text,
                         validators=[DataRequired() if required else Optional(), Length(max=max_length)], filters=[_strip])


class SummaryForm(FlaskForm):
    """What the authors write. Every field is public once published, and none may name a person."""

    title = StringField(_l("Title"), description=_l("Public once published. What was tried, and where, in a line."),
                        validators=[DataRequired(), Length(max=200)], filters=[single_line])
    what_was_tried = _text(_l("What was tried"), _l("Public once published. The need, the solution and how it was "
                                                    "tested or bought."))
    with_whom = _text(_l("With whom"), _l("Public once published. Organisations only, never people's names."),
                      max_length=2000)
    users_said = _text(_l("What the test users said"),
                       _l("Public once published. In your words or quoting them, never naming anyone or giving a test "
                          "user's code."), required=False)
    learned = _text(_l("What was learned"), _l("Public once published. What worked, what did not, and why."))
    differently = _text(_l("What we would do differently"),
                        _l("Public once published. Advice for another region trying the same."), required=False)

    def texts(self) -> SummaryTexts:
        return SummaryTexts(self.title.data, self.what_was_tried.data, self.with_whom.data, self.users_said.data or None,
                            self.learned.data, self.differently.data or None)

    def fill(self, texts: SummaryTexts) -> None:
        for name, value in vars(texts).items():
            getattr(self, name).data = value

    def show_findings(self, findings: dict[str, list[Finding]]) -> None:
        """Next to each field, what the personal-data check found in it."""
        for name, found in findings.items():
            getattr(self, name).errors = [
                _l("%(kind)s: “%(text)s”. Leave it out: the summary is public.", kind=FINDING_LABELS[f.kind], text=f.text)
                for f in found]


class ApproveForm(FlaskForm):
    revision = HiddenField()

    def revision_value(self) -> int:
        return int(self.revision.data) if (self.revision.data or "").isdigit() else 0


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why it is withdrawn"), description=_l("Public: shown to whoever follows a link to it."),
                           validators=[DataRequired(), Length(max=2000)], filters=[_strip])


class LibraryFilterForm(FlaskForm):
    """The library's search and filters, read from the URL so that a search can be shared (and by the API)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)], filters=[_strip])
    cpv = StringField(_l("CPV division or group"), description=_l("Two digits (a division, e.g. 33) or three (a group, "
                                                                  "e.g. 331)."),
                      validators=[Optional(), Regexp(r"^[0-9]{2,3}$", message=_l("Give two or three digits."))],
                      filters=[_strip])
    region = StringField(_l("Region (NUTS)"), description=_l("A country or region code, e.g. DK or DK03."),
                         validators=[Optional(), Length(max=5), Regexp(r"^[A-Z]{2}[0-9A-Z]{0,3}$",
                                                                         message=_l("Give a NUTS code, e.g. DK03."))],
                         filters=[lambda v: v.strip().upper() if v else v])
    outcome = SelectField(_l("Outcome"), choices=choices([("", _l("Any"))] + list(OUTCOME_LABELS.items())),
                          validators=[Optional()])

    def filters(self) -> LibraryFilters:
        """The valid filters; a field with an error is left out (and shown with its error)."""
        def ok(field):
            return field.data if not field.errors else None

        return LibraryFilters(q=ok(self.q) or "", cpv=ok(self.cpv) or "", region=ok(self.region) or "",
                              outcome=Outcome(self.outcome.data) if ok(self.outcome) else None)
