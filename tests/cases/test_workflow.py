"""The case library's rules as pure functions, table-driven: eligibility, the lifecycle, the outcome, the usability
minimum, the approvals needed, and the personal-data check."""
import pytest

from ppi.cases.workflow import (
    LIFECYCLE,
    MIN_SUS_RESPONDENTS,
    Finding,
    FindingKind,
    KnownPersonalData,
    Outcome,
    OutcomeFacts,
    Party,
    SummaryStatus as S,
    all_approved,
    case_eligible,
    outcome_of,
    personal_data_in,
    pilot_eligible,
    sus_shown,
)
from ppi.pilots.workflow import PilotStatus, Recommendation
from ppi.procurement.workflow import CaseStatus


@pytest.mark.parametrize("status", list(PilotStatus))
def test_only_a_reported_pilot_is_eligible(status):
    assert pilot_eligible(status) == (status == PilotStatus.REPORTED)


@pytest.mark.parametrize("status, was_published, eligible", [
    (CaseStatus.COMPLETED, True, True),
    (CaseStatus.CANCELLED, True, True),
    (CaseStatus.CANCELLED, False, False),  # cancelled in planning: never public
    *((status, True, False) for status in CaseStatus if status not in (CaseStatus.COMPLETED, CaseStatus.CANCELLED)),
])
def test_a_case_is_eligible_once_closed_and_public(status, was_published, eligible):
    assert case_eligible(status, was_published) == eligible


@pytest.mark.parametrize("current, target, allowed", [
    (S.DRAFT, S.PUBLISHED, True), (S.PUBLISHED, S.WITHDRAWN, True), (S.WITHDRAWN, S.DRAFT, True),
    (S.DRAFT, S.WITHDRAWN, False), (S.PUBLISHED, S.DRAFT, False), (S.WITHDRAWN, S.PUBLISHED, False),
])
def test_lifecycle(current, target, allowed):
    assert LIFECYCLE.can(current, target) == allowed


R = Recommendation


@pytest.mark.parametrize("facts, outcome", [
    (OutcomeFacts(CaseStatus.COMPLETED), Outcome.PROCURED),
    (OutcomeFacts(CaseStatus.COMPLETED, stopped_early=True, decision=R.STOP), Outcome.PROCURED),  # the later step decides
    (OutcomeFacts(CaseStatus.CANCELLED, decision=R.PROCEED), Outcome.PROCUREMENT_CANCELLED),
    (OutcomeFacts(decision=R.PROCEED), Outcome.PROCEED),
    (OutcomeFacts(decision=R.ITERATE), Outcome.ITERATE),
    (OutcomeFacts(decision=R.STOP), Outcome.FAILED_PILOT),
    (OutcomeFacts(stopped_early=True, decision=R.PROCEED), Outcome.FAILED_PILOT),  # stopped early: failed, whatever next
    (OutcomeFacts(stopped_early=True), Outcome.FAILED_PILOT),
    (OutcomeFacts(), Outcome.REPORTED),
])
def test_outcome_is_a_function_of_the_facts(facts, outcome):
    assert outcome_of(facts) == outcome


@pytest.mark.parametrize("respondents, shown", [(0, False), (1, False), (MIN_SUS_RESPONDENTS - 1, False),
                                                (MIN_SUS_RESPONDENTS, True), (40, True)])
def test_usability_needs_enough_respondents(respondents, shown):
    assert MIN_SUS_RESPONDENTS == 5
    assert sus_shown(respondents) == shown


@pytest.mark.parametrize("approved, has_cluster, done", [
    (set(), True, False), ({Party.AUTHORITY}, True, False), ({Party.CLUSTER}, True, False),
    ({Party.AUTHORITY, Party.CLUSTER}, True, True), ({Party.AUTHORITY}, False, True), (set(), False, False),
])
def test_every_party_approves(approved, has_cluster, done):
    assert all_approved(approved, has_cluster) == done


KNOWN = KnownPersonalData(test_user_codes=("K7QX2M",), names=("Hanne Sørensen", "Admin"),
                          addresses=("Hjallesevej 1, Odense",))


@pytest.mark.parametrize("text, found", [
    ("Write to hanne.s@odense.example.org for the data.", [Finding(FindingKind.EMAIL, "hanne.s@odense.example.org")]),
    ("Call +45 12 34 56 78 at night.", [Finding(FindingKind.PHONE, "+45 12 34 56 78")]),
    ("Call 12 34 56 78 at night.", [Finding(FindingKind.PHONE, "12 34 56 78")]),
    ("Call 1234-5678.", [Finding(FindingKind.PHONE, "1234-5678")]),
    ("Tester k7qx2m said it was quiet.", [Finding(FindingKind.TEST_USER_CODE, "k7qx2m")]),
    ("As HANNE  Sørensen put it, the alerts come in time.", [Finding(FindingKind.NAME, "HANNE  Sørensen")]),
    ("The pilot ran at Hjallesevej 1, Odense.", [Finding(FindingKind.ADDRESS, "Hjallesevej 1, Odense")]),
    # not personal data
    ("From 2026-03-02 to 2026-09-30, 1,300 falls, EUR 1,720,000 and 48 units.", []),
    ("CPV 33196200-2 and 42416000-5.", []),
    ("A contract of EUR 1 720 000, a pilot of 29 500 000 kr. and € 12 500 000 in all.", []),  # amounts, not phones
    ("Budget DKK 12 34 56 78; call 12 34 56 78 at night.", [Finding(FindingKind.PHONE, "12 34 56 78")]),
    ("The Admin panel and Hanne's ward.", []),  # one-word names and a part of a name are not a person's full name
    ("K7QX2MX is a product code.", []),  # a code inside a longer word
    ("", []),
])
def test_personal_data_check(text, found):
    assert personal_data_in(text, KNOWN) == found


def test_the_check_reports_each_kind_found():
    text = "Ask Hanne Sørensen (hanne@example.org, 12 34 56 78) about K7QX2M."
    kinds = [finding.kind for finding in personal_data_in(text, KNOWN)]
    assert kinds == [FindingKind.EMAIL, FindingKind.PHONE, FindingKind.TEST_USER_CODE, FindingKind.NAME]
