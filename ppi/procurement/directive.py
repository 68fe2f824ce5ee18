"""Directive 2014/24/EU as data, and pure functions over it.

Every rule carries the article it comes from, so that a lawyer can review this module line by line.
Sources: ../shared/reference/procurement.md (the directive's articles as confirmed there, the thresholds'
delegated regulations, Regulation 1182/71 on counting time limits, the Remedies Directive 2007/66/EC).
Figures the reference marks UNCONFIRMED are not encoded as rules. This is information, not legal advice.
"""
import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from ppi.accounts.models import AuthorityType
from ppi.core.i18n import N_


class Procedure(StrEnum):
    OPEN = "open"  # Art 27
    RESTRICTED = "restricted"  # Art 28
    COMPETITIVE_WITH_NEGOTIATION = "competitive_with_negotiation"  # Art 29
    COMPETITIVE_DIALOGUE = "competitive_dialogue"  # Art 30
    INNOVATION_PARTNERSHIP = "innovation_partnership"  # Art 31
    NEGOTIATED_WITHOUT_PUBLICATION = "negotiated_without_publication"  # Art 32
    DESIGN_CONTEST = "design_contest"  # Arts 78–82
    PRE_COMMERCIAL = "pre_commercial"  # outside the directive: Art 14 and COM(2007) 799
    BELOW_THRESHOLD = "below_threshold"  # a national procedure under the EU threshold


class Instrument(StrEnum):
    NONE = "none"
    FRAMEWORK = "framework"  # Art 33
    DYNAMIC_PURCHASING = "dynamic_purchasing"  # Art 34


class ContractKind(StrEnum):
    SUPPLIES = "supplies"
    SERVICES = "services"
    WORKS = "works"
    SOCIAL_SERVICES = "social_services"  # Annex XIV, the light regime (Arts 74–76)


class Stage(StrEnum):
    REQUESTS = "requests"  # requests to participate
    TENDERS = "tenders"  # (initial) tenders


@dataclass(frozen=True)
class ProcedureFacts:
    name: str
    article: str
    availability: str
    ocds_method: str | None  # OCDS 1.1 `method` codelist, per the OCDS-for-eForms mapping
    ocds_details: str | None  # procurementMethodDetails
    eforms_code: str | None  # eForms BT-105
    min_candidates: int | None = None  # Art 65(2)
    award_only_best_price_quality: bool = False
    needs_call_for_competition: bool = True


# Names and texts are marked with N_: they stay English here and in the OCDS export; pages translate them.
PROCEDURES: dict[Procedure, ProcedureFacts] = {
    Procedure.OPEN: ProcedureFacts(
        N_("Open procedure"), "Art 27", N_("Always available (Art 26(2))."), "open", "Open procedure", "open"),
    Procedure.RESTRICTED: ProcedureFacts(
        N_("Restricted procedure"), "Art 28", N_("Always available (Art 26(2))."), "selective", "Restricted procedure",
        "restricted", min_candidates=5),
    Procedure.COMPETITIVE_WITH_NEGOTIATION: ProcedureFacts(
        N_("Competitive procedure with negotiation"), "Art 29", N_("Only on an Art 26(4) ground."), "selective",
        "Competitive procedure with negotiation", "neg-w-call", min_candidates=3),
    Procedure.COMPETITIVE_DIALOGUE: ProcedureFacts(
        N_("Competitive dialogue"), "Art 30", N_("Only on an Art 26(4) ground."), "selective", "Competitive dialogue",
        "comp-dial", min_candidates=3, award_only_best_price_quality=True),
    Procedure.INNOVATION_PARTNERSHIP: ProcedureFacts(
        N_("Innovation partnership"), "Art 31",
        N_("For a need for an innovative product, service or works that cannot be met by purchasing what is already "
           "on the market (Art 31(1))."), "selective", "Innovation partnership", "innovation", min_candidates=3,
        award_only_best_price_quality=True),
    Procedure.NEGOTIATED_WITHOUT_PUBLICATION: ProcedureFacts(
        N_("Negotiated procedure without prior publication"), "Art 32",
        N_("Only on the exhaustive grounds of Art 32 (Art 26(6)), documented in the Art 84 report."), "limited",
        "Award procedure without prior publication of a call for competition", "neg-wo-call",
        needs_call_for_competition=False),
    Procedure.DESIGN_CONTEST: ProcedureFacts(
        N_("Design contest"), "Arts 78–82", N_("Contests leading to a service contract, or with prizes or payments."),
        None, "Design contest", None),
    Procedure.PRE_COMMERCIAL: ProcedureFacts(
        N_("Pre-commercial procurement"), "Art 14 and COM(2007) 799",
        N_("R&D services outside the directive when the benefits do not accrue exclusively to the authority or the "
           "service is not wholly paid by it (Art 14)."), None, "Pre-commercial procurement", None),
    Procedure.BELOW_THRESHOLD: ProcedureFacts(
        N_("National procedure below the EU threshold"), "Art 4",
        N_("The directive's procedures apply from the Art 4 thresholds; below them national rules and the Treaty "
           "principles apply."), None, "Below-threshold national procedure", None, needs_call_for_competition=False),
}


# ---- thresholds (Art 4; revised every two years under Art 6) ------------------------------------------

class ThresholdCategory(StrEnum):
    WORKS = "works"  # Art 4(a)
    CENTRAL = "central"  # Art 4(b): supplies, services, design contests of central government authorities
    SUB_CENTRAL = "sub_central"  # Art 4(c): of sub-central authorities
    SOCIAL = "social"  # Art 4(d): social and other specific services (Annex XIV)


@dataclass(frozen=True)
class ThresholdPeriod:
    first_day: date
    last_day: date
    regulation: str
    amounts: dict[ThresholdCategory, Decimal]


THRESHOLDS = (
    ThresholdPeriod(date(2024, 1, 1), date(2025, 12, 31), "Delegated Regulation (EU) 2023/2495", {
        ThresholdCategory.WORKS: Decimal(5_538_000), ThresholdCategory.CENTRAL: Decimal(143_000),
        ThresholdCategory.SUB_CENTRAL: Decimal(221_000), ThresholdCategory.SOCIAL: Decimal(750_000)}),
    ThresholdPeriod(date(2026, 1, 1), date(2027, 12, 31), "Delegated Regulation (EU) 2025/2152", {
        ThresholdCategory.WORKS: Decimal(5_404_000), ThresholdCategory.CENTRAL: Decimal(140_000),
        ThresholdCategory.SUB_CENTRAL: Decimal(216_000), ThresholdCategory.SOCIAL: Decimal(750_000)}),
)


def threshold_category(kind: ContractKind, authority: AuthorityType) -> ThresholdCategory:
    """Works and Annex XIV services have one threshold for all; supplies and services depend on the
    authority: central government (Annex I) or sub-central, bodies governed by public law included."""
    if kind == ContractKind.WORKS:
        return ThresholdCategory.WORKS
    if kind == ContractKind.SOCIAL_SERVICES:
        return ThresholdCategory.SOCIAL
    return ThresholdCategory.CENTRAL if authority == AuthorityType.CENTRAL_GOVERNMENT else ThresholdCategory.SUB_CENTRAL


def threshold_period(on: date) -> ThresholdPeriod | None:
    """The period in force on the date of the contract notice (None: no figures on record for that date)."""
    return next((p for p in THRESHOLDS if p.first_day <= on <= p.last_day), None)


@dataclass(frozen=True)
class ThresholdCheck:
    amount: Decimal | None
    above: bool | None  # None when no threshold is on record for the date
    category: ThresholdCategory
    regulation: str | None
    article: str = "Art 4"


def check_threshold(value: Decimal, kind: ContractKind, authority: AuthorityType, on: date) -> ThresholdCheck:
    """Art 4: the directive applies to contracts whose estimated value (Art 5: net of VAT, options and
    renewals included) is equal to or greater than the threshold."""
    category = threshold_category(kind, authority)
    period = threshold_period(on)
    if period is None:
        return ThresholdCheck(None, None, category, None)
    amount = period.amounts[category]
    return ThresholdCheck(amount, value >= amount, category, period.regulation)


# ---- minimum time limits (Arts 27–31, 34) ----------------------------------------------------------

@dataclass(frozen=True)
class TimeLimit:
    """Minimum days from the dispatch of the notice or invitation, with the reductions the article allows.
    The reductions are alternatives: the shortest one that applies is the minimum."""

    standard: int
    article: str
    after_pin: int | None = None  # a prior information notice that was not the call, sent 35 days–12 months before
    urgency: int | None = None  # a state of urgency duly substantiated
    electronic: int | None = None  # tenders submitted by electronic means
    sub_central_by_agreement: bool = False  # sub-central authorities may agree the date with all candidates
    sub_central_fallback: int | None = None  # without agreement


TIME_LIMITS: dict[tuple[Procedure, Stage], TimeLimit] = {
    (Procedure.OPEN, Stage.TENDERS): TimeLimit(35, "Art 27(1)–(4)", after_pin=15, urgency=15, electronic=30),
    (Procedure.RESTRICTED, Stage.REQUESTS): TimeLimit(30, "Art 28(1), (6)", urgency=15),
    (Procedure.RESTRICTED, Stage.TENDERS): TimeLimit(30, "Art 28(2)–(6)", after_pin=10, urgency=10, electronic=25,
                                                     sub_central_by_agreement=True, sub_central_fallback=10),
    (Procedure.COMPETITIVE_WITH_NEGOTIATION, Stage.REQUESTS): TimeLimit(30, "Art 29(1)", urgency=15),
    (Procedure.COMPETITIVE_WITH_NEGOTIATION, Stage.TENDERS): TimeLimit(
        30, "Art 29(1) with Art 28(3)–(6)", after_pin=10, urgency=10, electronic=25, sub_central_by_agreement=True,
        sub_central_fallback=10),
    (Procedure.COMPETITIVE_DIALOGUE, Stage.REQUESTS): TimeLimit(30, "Art 30(1)"),
    (Procedure.INNOVATION_PARTNERSHIP, Stage.REQUESTS): TimeLimit(30, "Art 31(1)"),
}


@dataclass(frozen=True)
class Reductions:
    pin_used: bool = False
    urgent: bool = False  # with the reason recorded
    electronic: bool = False
    agreed_with_all_candidates: bool = False  # sub-central authorities only


def minimum_days(procedure: Procedure, stage: Stage, reductions: Reductions, authority: AuthorityType) -> int | None:
    """The minimum number of days for this stage, or None when the directive sets none."""
    limit = TIME_LIMITS.get((procedure, stage))
    if limit is None:
        return None
    sub_central = authority != AuthorityType.CENTRAL_GOVERNMENT
    if limit.sub_central_by_agreement and sub_central and reductions.agreed_with_all_candidates:
        return 0  # the date agreed with all selected candidates, the same for all
    options = [limit.standard]
    if reductions.electronic and limit.electronic is not None:
        options.append(limit.electronic)
    if reductions.pin_used and limit.after_pin is not None:
        options.append(limit.after_pin)
    if reductions.urgent and limit.urgency is not None:
        options.append(limit.urgency)
    if limit.sub_central_by_agreement and sub_central and limit.sub_central_fallback is not None:
        options.append(limit.sub_central_fallback)
    return min(options)


def pin_reduction_allowed(pin_sent: date, notice_sent: date) -> bool:
    """Art 27(2), 28(3): the PIN was sent at least 35 days and at most 12 months before the contract notice."""
    return notice_sent - pin_sent >= timedelta(days=35) and pin_sent >= _months_before(notice_sent, 12)


def _months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when that month is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# ---- counting days (Regulation (EEC, Euratom) No 1182/71) ------------------------------------------

def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def end_of_period(start_event: date, days: int, holidays: Collection[date] = ()) -> date:
    """The last day of a period of `days` days from an event: the event's day is not counted (Art 3(1)),
    weekends and holidays are (Art 3(3)), and a period ending on one runs to the next working day (Art 3(4))."""
    last = start_event + timedelta(days=days)
    while not is_working_day(last, holidays):
        last += timedelta(days=1)
    return last


@dataclass(frozen=True)
class DeadlineCheck:
    minimum: int
    earliest: date
    days_missing: int  # 0 when the deadline is long enough

    @property
    def too_short(self) -> bool:
        return self.days_missing > 0


def check_deadline(dispatched: date, deadline: date, minimum: int, holidays: Collection[date] = ()) -> DeadlineCheck:
    """A deadline must not fall before the end of the minimum period counted from the dispatch."""
    earliest = end_of_period(dispatched, minimum, holidays) if minimum else dispatched
    return DeadlineCheck(minimum, earliest, max(0, (earliest - deadline).days))


# ---- conditions of use -------------------------------------------------------------------------------

ART_26_4_GROUNDS = {
    "26(4)(a)(i)": N_("The needs cannot be met without adapting readily available solutions."),
    "26(4)(a)(ii)": N_("The works, supplies or services include design or innovative solutions."),
    "26(4)(a)(iii)": N_("The contract cannot be awarded without prior negotiation because of specific circumstances "
                        "related to its nature, complexity, legal and financial make-up or the risks attached."),
    "26(4)(a)(iv)": N_("The technical specifications cannot be established with sufficient precision by reference to "
                       "a standard, European technical assessment, common technical specification or technical reference."),
    "26(4)(b)": N_("Only irregular or unacceptable tenders were submitted in an open or restricted procedure."),
}


@dataclass(frozen=True)
class Art32Ground:
    text: str
    eforms_code: str  # BT-136 direct-award justification
    supplies_only: bool = False


ART_32_GROUNDS = {
    "32(2)(a)": Art32Ground(N_("No tenders, no suitable tenders or no (suitable) requests to participate in an open or "
                               "restricted procedure, the initial conditions not substantially altered."), "unsuitable"),
    "32(2)(b)(i)": Art32Ground(N_("Only one operator can supply: a unique work of art or artistic performance."), "artistic"),
    "32(2)(b)(ii)": Art32Ground(N_("Only one operator can supply: competition is absent for technical reasons (no "
                                   "reasonable alternative, not an artificial narrowing of the parameters)."), "technical"),
    "32(2)(b)(iii)": Art32Ground(N_("Only one operator can supply: protection of exclusive rights, including intellectual "
                                    "property (no reasonable alternative, not an artificial narrowing)."), "exclusive"),
    "32(2)(c)": Art32Ground(N_("Extreme urgency from events unforeseeable by and not attributable to the authority, "
                               "strictly necessary."), "urgency"),
    "32(3)(a)": Art32Ground(N_("Products manufactured purely for research, experiment, study or development."), "resd",
                            supplies_only=True),
    "32(3)(b)": Art32Ground(N_("Additional deliveries by the original supplier where a change would cause "
                               "incompatibility or disproportionate technical difficulties."), "existing", supplies_only=True),
    "32(3)(c)": Art32Ground(N_("Supplies quoted and purchased on a commodity market."), "commodity", supplies_only=True),
    "32(3)(d)": Art32Ground(N_("Particularly advantageous terms from a supplier winding up its business, or from a "
                               "liquidator or insolvency arrangement."), "closure", supplies_only=True),
    "32(4)": Art32Ground(N_("A service contract following a design contest, awarded to the winner or winners."), "contest"),
    "32(5)": Art32Ground(N_("New works or services repeating similar ones under a basic project, the possibility "
                            "disclosed in the first call."), "repetition"),
}

# Art 14: the R&D services the directive covers, and then only when both conditions hold.
RND_CPV_RANGE = ("73000000", "73120000")
RND_CPV_SINGLE = frozenset({"73300000", "73420000", "73430000"})


def is_covered_rnd_cpv(code: str) -> bool:
    return RND_CPV_RANGE[0] <= code <= RND_CPV_RANGE[1] or code in RND_CPV_SINGLE


def pcp_outside_directive(benefits_exclusively_for_authority: bool, wholly_paid_by_authority: bool) -> bool:
    """Art 14: R&D services fall outside the directive unless BOTH the benefits accrue exclusively to the
    authority for its own use AND the service is wholly remunerated by it."""
    return not (benefits_exclusively_for_authority and wholly_paid_by_authority)


@dataclass(frozen=True)
class RouteFacts:
    """What a case has recorded about its route; the checks below say what is still missing."""

    procedure: Procedure
    contract_kind: ContractKind
    art_26_ground: str | None = None
    art_32_ground: str | None = None
    art_32_justification: str | None = None
    partnership_phases: str | None = None
    partnership_targets: str | None = None
    partnership_remuneration: str | None = None
    pcp_benefits_shared: bool | None = None  # benefits not exclusively for the authority
    pcp_not_wholly_paid: bool | None = None  # not wholly remunerated by the authority
    candidates_invited: int | None = None
    framework_years: Decimal | None = None
    instrument: Instrument = Instrument.NONE


def condition_problems(route: RouteFacts) -> list[tuple[str, str]]:
    """(article, what is missing) for each condition of use the route does not yet meet; the text is a lazy
    string, in the language of the page that shows it."""
    problems: list[tuple[str, str]] = []
    p = route.procedure
    if p in (Procedure.COMPETITIVE_WITH_NEGOTIATION, Procedure.COMPETITIVE_DIALOGUE) and route.art_26_ground not in ART_26_4_GROUNDS:
        problems.append(("Art 26(4)", _l("Record the ground that allows this procedure.")))
    if p == Procedure.NEGOTIATED_WITHOUT_PUBLICATION:
        ground = ART_32_GROUNDS.get(route.art_32_ground or "")
        if ground is None:
            problems.append(("Art 32", _l("Record the Art 32 ground.")))
        elif ground.supplies_only and route.contract_kind != ContractKind.SUPPLIES:
            problems.append(("Art 32(3)", _l("This ground is for supply contracts only.")))
        if not (route.art_32_justification or "").strip():
            problems.append(("Art 84(1)(f)", _l("Record the circumstances that justify the ground.")))
    if p == Procedure.INNOVATION_PARTNERSHIP:
        for value, missing in ((route.partnership_phases, _l("Record the successive phases.")),
                               (route.partnership_targets, _l("Record the intermediate targets.")),
                               (route.partnership_remuneration, _l("Record the remuneration in instalments."))):
            if not (value or "").strip():
                problems.append(("Art 31(2)", missing))
    if p == Procedure.PRE_COMMERCIAL and not (route.pcp_benefits_shared or route.pcp_not_wholly_paid):
        problems.append(("Art 14", _l("Confirm that the benefits do not accrue exclusively to the authority, or that the "
                                      "service is not wholly paid by it: otherwise the directive applies.")))
    minimum = PROCEDURES[p].min_candidates
    if minimum and route.candidates_invited is not None and route.candidates_invited < minimum:
        problems.append(("Art 65(2)", _l("At least %(minimum)d candidates are to be invited where enough qualify.",
                                         minimum=minimum)))
    if route.instrument == Instrument.FRAMEWORK and route.framework_years is not None and route.framework_years > 4:
        problems.append(("Art 33(1)", _l("A framework agreement lasts at most 4 years, save exceptional cases duly justified.")))
    return problems


# ---- after award ---------------------------------------------------------------------------------

def directive_applies(procedure: Procedure | None, above_threshold: bool | None) -> bool:
    """Whether the directive (and with it the Remedies Directive's standstill and Art 50) governs the contract:
    not below the Art 4 threshold, not pre-commercial procurement excluded by Art 14. Unknown counts as yes."""
    if procedure in (Procedure.BELOW_THRESHOLD, Procedure.PRE_COMMERCIAL):
        return False
    return above_threshold is not False


STANDSTILL_DAYS = 10  # Dir. 2007/66/EC Art 2a(2): decision sent by fax or electronic means
AWARD_NOTICE_DAYS = 30  # Art 50(1): contract award notice within 30 days after the conclusion of the contract


def earliest_signature(decision_sent: date) -> date:
    """The contract may be concluded once 10 calendar days have expired from the day after the award
    decision was sent electronically (Dir. 2007/66/EC Art 2a(2))."""
    return decision_sent + timedelta(days=STANDSTILL_DAYS + 1)


def award_notice_due(signed: date) -> date:
    """Art 50(1): the contract award notice is sent within 30 days after the contract is concluded."""
    return signed + timedelta(days=AWARD_NOTICE_DAYS)


# ---- OCDS ----------------------------------------------------------------------------------------

OCDS_CATEGORY = {
    ContractKind.SUPPLIES: "goods", ContractKind.SERVICES: "services", ContractKind.WORKS: "works",
    ContractKind.SOCIAL_SERVICES: "services",
}
