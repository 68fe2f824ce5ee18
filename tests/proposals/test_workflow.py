"""The proposal rules as pure functions: TRL meanings, the lifecycle, the sealing deadline, the evaluation
arithmetic, and the receipt digest."""
import hashlib
import json
from datetime import timedelta
from itertools import product

import pytest

from ppi.core.errors import InvalidTransition
from ppi.proposals import receipts
from ppi.proposals.labels import TRL_LABELS
from ppi.proposals.workflow import (
    DISAGREEMENT_SPREAD,
    LIFECYCLE,
    TRL_MEANINGS,
    ProposalStatus as P,
    before_deadline,
    can_submit,
    criterion_means,
    disagrees,
    is_sealed,
    rank,
    weighted_total,
)
from tests.challenges.helpers import utc

DEADLINE = utc(2031, 3, 14, 12, 0)
MICROSECOND = timedelta(microseconds=1)


# --- technology readiness levels ------------------------------------------------------------------

def test_the_nine_trl_levels_have_their_standard_meanings():
    # Horizon 2020 Work Programme, General Annex G, written out independently of the code.
    assert TRL_MEANINGS == {
        1: "Basic principles observed",
        2: "Technology concept formulated",
        3: "Experimental proof of concept",
        4: "Technology validated in the lab",
        5: "Technology validated in a relevant environment",
        6: "Technology demonstrated in a relevant environment",
        7: "System prototype demonstrated in an operational environment",
        8: "System complete and qualified",
        9: "Actual system proven in an operational environment",
    }
    assert TRL_LABELS[1] == "TRL 1: Basic principles observed"
    assert TRL_LABELS[9] == "TRL 9: Actual system proven in an operational environment"
    assert list(TRL_LABELS) == list(range(1, 10))


# --- the lifecycle --------------------------------------------------------------------------------

ALLOWED = {
    (P.DRAFT, P.SUBMITTED),
    (P.SUBMITTED, P.SUBMITTED),  # a new version
    (P.SUBMITTED, P.WITHDRAWN),
    (P.WITHDRAWN, P.SUBMITTED),
}
EVERY_PAIR = list(product(P, P))


@pytest.mark.parametrize("current, target", [pair for pair in EVERY_PAIR if pair in ALLOWED], ids=str)
def test_allowed_transitions(current, target):
    assert LIFECYCLE.can(current, target)
    LIFECYCLE.check(current, target)
    assert target in LIFECYCLE.targets(current)


@pytest.mark.parametrize("current, target", [pair for pair in EVERY_PAIR if pair not in ALLOWED], ids=str)
def test_refused_transitions(current, target):
    assert not LIFECYCLE.can(current, target)
    with pytest.raises(InvalidTransition) as refused:
        LIFECYCLE.check(current, target)
    assert refused.value.status_code == 409


def test_nothing_goes_back_to_draft_and_a_draft_cannot_be_withdrawn():
    assert all(P.DRAFT not in LIFECYCLE.targets(state) for state in P)
    assert LIFECYCLE.targets(P.DRAFT) == {P.SUBMITTED}


# --- the deadline: strictly before ----------------------------------------------------------------

@pytest.mark.parametrize("now, open_", [
    (DEADLINE - timedelta(days=3), True),
    (DEADLINE - MICROSECOND, True),
    (DEADLINE, False),  # a request arriving at the deadline is late
    (DEADLINE + MICROSECOND, False),
    (DEADLINE + timedelta(days=3), False),
])
def test_before_deadline_and_sealing_at_the_exact_boundary(now, open_):
    assert before_deadline(DEADLINE, now) is open_
    assert is_sealed(DEADLINE, now) is open_  # sealed exactly as long as proposals can change


@pytest.mark.parametrize("status, now, pending, declared, expected", [
    (P.DRAFT, DEADLINE - MICROSECOND, 0, True, True),
    (P.SUBMITTED, DEADLINE - MICROSECOND, 0, True, True),
    (P.WITHDRAWN, DEADLINE - MICROSECOND, 0, True, True),
    (P.DRAFT, DEADLINE, 0, True, False),
    (P.DRAFT, DEADLINE - MICROSECOND, 1, True, False),
    (P.DRAFT, DEADLINE - MICROSECOND, 0, False, False),
])
def test_can_submit(status, now, pending, declared, expected):
    assert can_submit(status, DEADLINE, now, pending, declared) is expected


# --- the arithmetic -------------------------------------------------------------------------------

def test_weighted_total_is_the_weighted_mean_on_the_ten_point_scale():
    assert weighted_total({1: 8, 2: 6}, {1: 60, 2: 40}) == pytest.approx(7.2)  # 4.8 + 2.4
    assert weighted_total({1: 5, 2: 9}, {1: 60, 2: 40}) == pytest.approx(6.6)  # 3.0 + 3.6
    assert weighted_total({1: 10, 2: 10, 3: 10}, {1: 20, 2: 30, 3: 50}) == pytest.approx(10)
    assert weighted_total({1: 0, 2: 10}, {1: 25, 2: 75}) == pytest.approx(7.5)
    assert weighted_total({1: 7.5}, {1: 100}) == pytest.approx(7.5)


def test_weighted_total_uses_the_weight_of_each_criterion_not_its_position():
    assert weighted_total({1: 10, 2: 0}, {2: 40, 1: 60}) == pytest.approx(6)
    assert weighted_total({1: 10, 2: 0}, {1: 40, 2: 60}) == pytest.approx(4)


def test_criterion_means():
    assert criterion_means({1: [8, 6], 2: [5], 3: []}) == {1: 7, 2: 5}
    assert criterion_means({1: [7, 8]})[1] == pytest.approx(7.5)


def test_rank_shares_places_on_ties_and_skips_the_next():
    ranked = rank({10: 7.0, 11: 8.5, 12: 7.0, 13: 6.0})
    assert [(r.proposal_id, r.rank) for r in ranked] == [(11, 1), (10, 2), (12, 2), (13, 4)]
    assert [r.total for r in ranked] == [8.5, 7.0, 7.0, 6.0]


def test_rank_of_all_equal_and_of_float_noise():
    assert [r.rank for r in rank({3: 5.0, 1: 5.0, 2: 5.0})] == [1, 1, 1]
    assert [r.proposal_id for r in rank({3: 5.0, 1: 5.0, 2: 5.0})] == [1, 2, 3]  # ties listed by id
    # 0.1 + 0.2 is not 0.3 in binary floating point: still a tie
    assert [r.rank for r in rank({1: 0.1 + 0.2, 2: 0.3, 3: 0.2})] == [1, 1, 3]
    assert rank({}) == []


def test_rank_without_ties():
    assert [(r.proposal_id, r.rank) for r in rank({1: 1.0, 2: 3.0, 3: 2.0})] == [(2, 1), (3, 2), (1, 3)]


@pytest.mark.parametrize("scores, expected", [
    ([2, 6], True),   # spread 4: disagreement
    ([6, 2], True),
    ([3, 6], False),  # spread 3
    ([0, 10], True),
    ([5, 5, 5], False),
    ([5, 7, 9], True),
    ([5, 7, 8], False),
    ([9], False),     # one evaluator cannot disagree
    ([], False),
])
def test_disagreement_is_a_spread_of_four_points_or_more(scores, expected):
    assert DISAGREEMENT_SPREAD == 4
    assert disagrees(scores) is expected


# --- receipts -------------------------------------------------------------------------------------

PDF = b"%PDF-1.4 the pilot plan\n%%EOF\n"
CONTENT = {
    "title": "NightWatch radar", "trl": 6, "pilot_price_eur": "48000.00", "summary": "Ceiling radar – ohne Kamera",
    "partners": [{"id": 3, "name": "Other Company A/S"}],
    "attachments": [{"title": "Plan", "filename": "plan.pdf", "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()}],
    "submitted_at": "2031-03-14T11:59:59+00:00",
}


def test_the_digest_is_sha256_over_canonical_json():
    expected = hashlib.sha256(json.dumps(CONTENT, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    assert receipts.digest(CONTENT) == expected.hexdigest()
    assert len(receipts.digest(CONTENT)) == 64


def test_the_digest_is_stable():
    reordered = dict(reversed(list(CONTENT.items())))
    assert receipts.digest(reordered) == receipts.digest(CONTENT)
    assert receipts.digest(json.loads(json.dumps(CONTENT))) == receipts.digest(CONTENT)  # through a JSON column and back
    assert receipts.digest(CONTENT) == receipts.digest(CONTENT)


@pytest.mark.parametrize("change", [
    lambda c: c.update(title="NightWatch radar "),
    lambda c: c.update(trl=7),
    lambda c: c.update(trl="6"),
    lambda c: c.update(pilot_price_eur="48000.01"),
    lambda c: c.update(summary="Ceiling radar – ohne Kamera."),
    lambda c: c.update(submitted_at="2031-03-14T11:59:58+00:00"),
    lambda c: c["partners"].append({"id": 4, "name": "Third ApS"}),
    lambda c: c["attachments"][0].update(sha256="0" * 64),
    lambda c: c["attachments"][0].update(title="plan"),
    lambda c: c.pop("partners"),
    lambda c: c.update(extra=None),
])
def test_the_digest_changes_with_any_change(change):
    changed = json.loads(json.dumps(CONTENT))
    change(changed)
    assert receipts.digest(changed) != receipts.digest(CONTENT)


def test_verification_finds_nothing_when_everything_matches():
    sha = CONTENT["attachments"][0]["sha256"]
    assert receipts.verification_problems(CONTENT, receipts.digest(CONTENT), {sha: PDF}) == []


def test_verification_names_a_changed_or_missing_file():
    sha = CONTENT["attachments"][0]["sha256"]
    digest = receipts.digest(CONTENT)
    assert receipts.verification_problems(CONTENT, digest, {sha: PDF + b" "}) == ["attachment:plan.pdf"]
    assert receipts.verification_problems(CONTENT, digest, {sha: None}) == ["attachment:plan.pdf"]
    assert receipts.verification_problems(CONTENT, digest, {}) == ["attachment:plan.pdf"]


def test_verification_finds_changed_content_and_a_wrong_recorded_digest():
    sha = CONTENT["attachments"][0]["sha256"]
    digest = receipts.digest(CONTENT)
    tampered = {**CONTENT, "pilot_price_eur": "4800.00"}
    assert receipts.verification_problems(tampered, digest, {sha: PDF}) == ["content"]
    assert receipts.verification_problems(CONTENT, "f" * 64, {sha: PDF}) == ["content"]
    both = {**CONTENT, "attachments": [{**CONTENT["attachments"][0], "filename": "plan.pdf"}], "title": "Other"}
    assert receipts.verification_problems(both, digest, {sha: b"other bytes"}) == ["attachment:plan.pdf", "content"]


def test_a_proposal_without_documents_verifies_on_its_content_alone():
    content = {"title": "No files", "attachments": []}
    assert receipts.verification_problems(content, receipts.digest(content), {}) == []
    assert receipts.verification_problems({"title": "No files"}, receipts.digest(content), {}) == ["content"]
