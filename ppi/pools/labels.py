"""Display labels of the pool domain."""
from flask_babel import lazy_gettext as _l

from ppi.pools.workflow import ApplicationStatus

APPLICATION_STATUS_LABELS = {
    ApplicationStatus.DRAFT: _l("Draft"),
    ApplicationStatus.SUBMITTED: _l("Submitted"),
    ApplicationStatus.APPROVED: _l("Approved"),
    ApplicationStatus.REJECTED: _l("Rejected"),
}
