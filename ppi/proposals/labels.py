"""Display labels of the proposal domain."""
from flask_babel import lazy_gettext as _l

from ppi.proposals.workflow import TRL_MEANINGS, Declaration, Outcome, PartnerStatus, ProposalStatus

TRL_LABELS = {level: _l("TRL %(level)d: %(meaning)s", level=level, meaning=_l(meaning)) for level, meaning in TRL_MEANINGS.items()}

STATUS_LABELS = {
    ProposalStatus.DRAFT: _l("Draft"),
    ProposalStatus.SUBMITTED: _l("Submitted"),
    ProposalStatus.WITHDRAWN: _l("Withdrawn"),
}
OUTCOME_LABELS = {Outcome.SELECTED: _l("Selected for a pilot"), Outcome.NOT_SELECTED: _l("Not selected")}
PARTNER_LABELS = {
    PartnerStatus.INVITED: _l("Waiting for confirmation"),
    PartnerStatus.CONFIRMED: _l("Confirmed"),
    PartnerStatus.DECLINED: _l("Declined"),
}
DECLARATION_LABELS = {
    Declaration.PENDING: _l("Declaration pending"),
    Declaration.NO_CONFLICT: _l("No conflict declared"),
    Declaration.CONFLICT: _l("Conflict declared: excluded"),
}
QUEUE_LABELS = {"to_score": _l("To score"), "scored": _l("Scored"), "comment_missing": _l("Comment missing")}
