"""Translatable names for the challenges domain's enums."""
from flask_babel import lazy_gettext as _l

from ppi.challenges.models import ContractKind, IprModel
from ppi.challenges.workflow import ChallengeStatus as S

STATUS_LABELS = {
    S.DRAFT: _l("Draft"),
    S.IN_MODERATION: _l("In moderation"),
    S.PUBLISHED: _l("Open for proposals"),
    S.CLOSED: _l("Closed for proposals"),
    S.IN_EVALUATION: _l("In evaluation"),
    S.AWARDED: _l("Pilot(s) awarded"),
    S.NO_AWARD: _l("No award"),
    S.ARCHIVED: _l("Archived"),
    S.CANCELLED: _l("Cancelled"),
}
# The button that moves a challenge to each status.
ACTION_LABELS = {
    S.IN_MODERATION: _l("Submit for moderation"),
    S.PUBLISHED: _l("Approve and publish"),
    S.DRAFT: _l("Return to the author"),
    S.CANCELLED: _l("Cancel the challenge"),
    S.IN_EVALUATION: _l("Start the evaluation"),
    S.AWARDED: _l("Record: pilot(s) awarded"),
    S.NO_AWARD: _l("Record: no award"),
    S.ARCHIVED: _l("Archive"),
}
CONTRACT_KIND_LABELS = {
    ContractKind.SUPPLIES: _l("Supplies"),
    ContractKind.SERVICES: _l("Services"),
    ContractKind.WORKS: _l("Works"),
}
IPR_LABELS = {
    IprModel.COMPANY_LICENCE: _l("The company keeps the IPR and grants the authority a licence"),
    IprModel.SHARED: _l("Shared IPR"),
    IprModel.AUTHORITY_OWNS: _l("The authority owns the IPR"),
}
# The EU's official languages (ISO 639-1), offered as languages a proposal may be written in.
EU_LANGUAGES = ["bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv",
                "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv"]
