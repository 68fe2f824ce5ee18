"""Display labels of the case library."""
from flask_babel import lazy_gettext as _l

from ppi.cases.workflow import FindingKind, Outcome, Party, SummaryStatus

STATUS_LABELS = {
    SummaryStatus.DRAFT: _l("Draft"),
    SummaryStatus.PUBLISHED: _l("Published"),
    SummaryStatus.WITHDRAWN: _l("Withdrawn"),
}
OUTCOME_LABELS = {
    Outcome.PROCURED: _l("Procured"),
    Outcome.PROCUREMENT_CANCELLED: _l("Procurement cancelled"),
    Outcome.PROCEED: _l("Pilot succeeded: going on to procurement"),
    Outcome.ITERATE: _l("Pilot to be repeated after changes"),
    Outcome.FAILED_PILOT: _l("Failed or stopped pilot"),
    Outcome.REPORTED: _l("Pilot reported, no decision yet"),
}
PARTY_LABELS = {Party.AUTHORITY: _l("The public authority"), Party.CLUSTER: _l("The facilitating cluster")}
# What the personal-data check found, as it starts the message shown next to the field.
FINDING_LABELS = {
    FindingKind.EMAIL: _l("An e-mail address"),
    FindingKind.PHONE: _l("A phone number"),
    FindingKind.TEST_USER_CODE: _l("A test user's code"),
    FindingKind.NAME: _l("The name of a person"),
    FindingKind.ADDRESS: _l("The address of a pilot site"),
}
