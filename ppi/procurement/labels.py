"""Display labels of the procurement domain."""
from flask_babel import lazy_gettext as _l

from ppi.procurement.directive import ContractKind, Instrument, Stage
from ppi.procurement.workflow import CaseStatus

STATUS_LABELS = {
    CaseStatus.PLANNING: _l("Planning"),
    CaseStatus.PUBLISHED: _l("Published"),
    CaseStatus.TENDERS_RECEIVED: _l("Tenders received"),
    CaseStatus.EVALUATION: _l("Evaluation"),
    CaseStatus.AWARDED: _l("Awarded"),
    CaseStatus.CONTRACT_SIGNED: _l("Contract signed"),
    CaseStatus.COMPLETED: _l("Completed"),
    CaseStatus.CANCELLED: _l("Cancelled"),
}
ACTION_LABELS = {
    CaseStatus.PUBLISHED: _l("Mark as published"),
    CaseStatus.TENDERS_RECEIVED: _l("Tenders received"),
    CaseStatus.EVALUATION: _l("Start the evaluation"),
    CaseStatus.AWARDED: _l("Award"),
    CaseStatus.CONTRACT_SIGNED: _l("Contract signed"),
    CaseStatus.COMPLETED: _l("Complete the case"),
    CaseStatus.CANCELLED: _l("Cancel the procurement"),
}
KIND_LABELS = {
    ContractKind.SUPPLIES: _l("Supplies"),
    ContractKind.SERVICES: _l("Services"),
    ContractKind.WORKS: _l("Works"),
    ContractKind.SOCIAL_SERVICES: _l("Social and other specific services (Annex XIV)"),
}
INSTRUMENT_LABELS = {
    Instrument.NONE: _l("None"),
    Instrument.FRAMEWORK: _l("Framework agreement (Art 33)"),
    Instrument.DYNAMIC_PURCHASING: _l("Dynamic purchasing system (Art 34)"),
}
# The stage a time limit is for, as it starts the sentence "… deadline too short".
STAGE_LABELS = {Stage.REQUESTS: _l("Requests"), Stage.TENDERS: _l("Tenders")}
