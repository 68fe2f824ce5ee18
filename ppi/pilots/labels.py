"""Display labels of the pilot domain."""
from flask_babel import lazy_gettext as _l

from ppi.pilots.workflow import Comparison, PilotStatus, Recommendation, Severity

STATUS_LABELS = {
    PilotStatus.PLANNING: _l("Planning"),
    PilotStatus.PLAN_APPROVED: _l("Plan approved"),
    PilotStatus.RUNNING: _l("Running"),
    PilotStatus.PAUSED: _l("Paused"),
    PilotStatus.COMPLETED: _l("Completed"),
    PilotStatus.STOPPED_EARLY: _l("Stopped early"),
    PilotStatus.REPORTED: _l("Reported"),
}
ACTION_LABELS = {
    PilotStatus.PLAN_APPROVED: _l("Approve the plan"),
    PilotStatus.RUNNING: _l("Start (or resume) the pilot"),
    PilotStatus.PAUSED: _l("Pause the pilot"),
    PilotStatus.COMPLETED: _l("Complete the pilot"),
    PilotStatus.STOPPED_EARLY: _l("Stop the pilot early"),
    PilotStatus.REPORTED: _l("Publish the report to the parties"),
}
SEVERITY_LABELS = {
    Severity.OBSERVATION: _l("Observation"),
    Severity.LOW: _l("Incident: low"),
    Severity.MEDIUM: _l("Incident: medium"),
    Severity.HIGH: _l("Incident: high"),
    Severity.CRITICAL: _l("Incident: critical (safety)"),
}
COMPARISON_LABELS = {Comparison.AT_LEAST: _l("at least"), Comparison.AT_MOST: _l("at most")}
RECOMMENDATION_LABELS = {
    Recommendation.PROCEED: _l("Proceed to procurement"),
    Recommendation.ITERATE: _l("Iterate: pilot again after changes"),
    Recommendation.STOP: _l("Stop"),
}
