"""The case library's rules as pure functions: which records may be summarised, the publication lifecycle, the
outcome a summary is filed under, when usability figures may be shown, and the check that keeps personal data out
of the authors' texts.

draft → published (when every party approved the text it saw) → withdrawn (with a public reason) → draft again
(reopened for a revision, which goes through every party's approval once more).
"""
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ppi.core.workflow import StateMachine
from ppi.pilots.workflow import PilotStatus, Recommendation
from ppi.procurement.workflow import CaseStatus


class SummaryStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


S = SummaryStatus

LIFECYCLE = StateMachine({
    S.DRAFT: {S.PUBLISHED},
    S.PUBLISHED: {S.WITHDRAWN},
    S.WITHDRAWN: {S.DRAFT},
})


class Party(StrEnum):
    """Who writes and approves a summary: the authority, and the facilitating cluster where there is one."""

    AUTHORITY = "authority"
    CLUSTER = "cluster"


class Outcome(StrEnum):
    """What came of the case, as the library files it (the latest step the record shows)."""

    PROCURED = "procured"  # the procurement case was completed
    PROCUREMENT_CANCELLED = "procurement_cancelled"  # published, then cancelled
    PROCEED = "proceed"  # the pilot was reported and the authority goes on to procure
    ITERATE = "iterate"  # pilot again after changes
    FAILED_PILOT = "failed_pilot"  # stopped early, or the decision was to stop
    REPORTED = "reported"  # the pilot was reported, no decision taken yet


def pilot_eligible(status: PilotStatus) -> bool:
    """Only a reported pilot: its results are final and known to every party."""
    return status == PilotStatus.REPORTED


def case_eligible(status: CaseStatus, was_published: bool) -> bool:
    """A completed case, or a cancelled one that had been published (a case cancelled in planning never was public)."""
    return status == CaseStatus.COMPLETED or (status == CaseStatus.CANCELLED and was_published)


@dataclass(frozen=True)
class OutcomeFacts:
    case_status: CaseStatus | None = None  # of the procurement case the summary is about, if any
    stopped_early: bool = False  # the pilot ended before its plan did
    decision: Recommendation | None = None  # the authority's decision, else the cluster's recommendation


def outcome_of(facts: OutcomeFacts) -> Outcome:
    """The procurement, when there is one, is the later and so the decisive step; then how the pilot ended."""
    if facts.case_status == CaseStatus.COMPLETED:
        return Outcome.PROCURED
    if facts.case_status == CaseStatus.CANCELLED:
        return Outcome.PROCUREMENT_CANCELLED
    if facts.stopped_early or facts.decision == Recommendation.STOP:
        return Outcome.FAILED_PILOT
    return {Recommendation.PROCEED: Outcome.PROCEED, Recommendation.ITERATE: Outcome.ITERATE}.get(facts.decision,
                                                                                                  Outcome.REPORTED)


# Usability figures (SUS mean, grade, number of test users who answered) are shown only when at least this many
# test users answered. A mean of fewer can point at one person: on a ward of four night nurses, everyone knows who
# took part, and a low score is then one colleague's verdict. It would say little about the solution anyway.
MIN_SUS_RESPONDENTS = 5


def sus_shown(respondents: int) -> bool:
    return respondents >= MIN_SUS_RESPONDENTS


def required_parties(has_cluster: bool) -> frozenset[Party]:
    return frozenset({Party.AUTHORITY, Party.CLUSTER}) if has_cluster else frozenset({Party.AUTHORITY})


def all_approved(approved: Iterable[Party], has_cluster: bool) -> bool:
    return required_parties(has_cluster) <= set(approved)


# ---- personal data in the authors' texts ----------------------------------------------------------------------

class FindingKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    TEST_USER_CODE = "test_user_code"
    NAME = "name"
    ADDRESS = "address"


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    text: str  # as found in the text


@dataclass(frozen=True)
class KnownPersonalData:
    """What the record knows that must never be published: the pilot's test-user codes and sites' addresses, and the
    full names of the people of the organisations involved."""

    test_user_codes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Digits in groups of two to four, separated by a space, a hyphen or brackets, perhaps after a country code: what a
# phone number looks like. A match counts when it has 8 to 15 digits (E.164) and is neither a date (2026-03-02) nor a
# CPV code with its check digit (33196200-2).
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ -]?)?\(?\d{2,4}\)?(?:[ -]?\(?\d{2,4}\)?){1,4}(?![\w-])")
NOT_A_PHONE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}-\d")
# An amount written with spaces between the thousands ("EUR 1 720 000", "29 500 kr.") has the shape of a phone number
# too: digits next to a currency are an amount.
CURRENCY_BEFORE = re.compile(r"(?:EUR|DKK|SEK|NOK|HUF|RON|CHF|PLN|CZK|GBP|USD|€|£|\$|kr\.?)\s*$", re.IGNORECASE)
CURRENCY_AFTER = re.compile(r"^\s*(?:EUR|DKK|SEK|NOK|HUF|RON|CHF|PLN|CZK|GBP|USD|euros?|€|£|kr\b|kroner|kronor|"
                            r"forint|lei)", re.IGNORECASE)


def personal_data_in(text: str | None, known: KnownPersonalData) -> list[Finding]:
    """Every piece of personal data found in an author's text, in the order of the kinds."""
    if not text:
        return []
    found = [Finding(FindingKind.EMAIL, match) for match in EMAIL.findall(text)]
    without_emails = EMAIL.sub(" ", text)
    found += [Finding(FindingKind.PHONE, match.group(0)) for match in PHONE.finditer(without_emails)
              if _looks_like_a_phone(match.group(0)) and not _is_an_amount(without_emails, match)]
    found += _phrases(text, known.test_user_codes, FindingKind.TEST_USER_CODE)
    found += _phrases(text, (name for name in known.names if len(name.split()) >= 2), FindingKind.NAME)
    found += _phrases(text, known.addresses, FindingKind.ADDRESS)
    return found


def _looks_like_a_phone(candidate: str) -> bool:
    digits = sum(character.isdigit() for character in candidate)
    return 8 <= digits <= 15 and not NOT_A_PHONE.fullmatch(candidate)


def _is_an_amount(text: str, match: re.Match) -> bool:
    return bool(CURRENCY_BEFORE.search(text[:match.start()]) or CURRENCY_AFTER.match(text[match.end():]))


def _phrases(text: str, phrases: Iterable[str], kind: FindingKind) -> list[Finding]:
    """Each phrase that stands in the text as whole words, whatever the case and the spacing."""
    found = []
    for phrase in dict.fromkeys(p.strip() for p in phrases if p and p.strip()):
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(word) for word in phrase.split()) + r"(?!\w)"
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            found.append(Finding(kind, match.group(0)))
    return found
