"""Innovation pools: grant applications, eligibility, the de minimis ceiling and the budget, as pure rules.

A pool funds pilots (the Public Private Innovation Pool of the Region of Southern Denmark granted DKK
400,000–1,475,000 per project). Company support is de minimis aid: Commission Regulation (EU) 2023/2831,
Art 3(2), caps de minimis aid to one undertaking at EUR 300,000 over any period of three years.
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from ppi.core.workflow import StateMachine

DE_MINIMIS_CEILING_EUR = Decimal(300_000)  # Reg. (EU) 2023/2831 Art 3(2), over three years
CURRENCIES = ("EUR", "BGN", "CZK", "DKK", "HUF", "PLN", "RON", "SEK", "ISK", "NOK", "CHF")


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


A = ApplicationStatus

LIFECYCLE = StateMachine(
    {
        A.DRAFT: {A.SUBMITTED},
        A.SUBMITTED: {A.APPROVED, A.REJECTED},
        A.APPROVED: set(),
        A.REJECTED: set(),
    }
)


def is_open(opens_on: date, closes_on: date, today: date) -> bool:
    return opens_on <= today <= closes_on


@dataclass(frozen=True)
class EligibilityFacts:
    """What the machine checks of an application; the pool's text rules are for people to read."""

    company_is_sme: bool
    company_nuts: str | None
    has_public_partner: bool
    has_research_partner: bool


@dataclass(frozen=True)
class PoolRules:
    require_sme: bool
    regions: tuple[str, ...]  # NUTS codes or prefixes; empty: anywhere
    require_public_partner: bool
    require_research_partner: bool


def eligibility_problems(rules: PoolRules, facts: EligibilityFacts) -> list[str]:
    """Message keys for each machine-checked rule the application does not meet."""
    problems = []
    if rules.require_sme and not facts.company_is_sme:
        problems.append("sme")
    if rules.regions and not any((facts.company_nuts or "").startswith(region) for region in rules.regions):
        problems.append("region")
    if rules.require_public_partner and not facts.has_public_partner:
        problems.append("public_partner")
    if rules.require_research_partner and not facts.has_research_partner:
        problems.append("research_partner")
    return problems


def amount_problems(requested: Decimal, minimum: Decimal, maximum: Decimal) -> list[str]:
    if requested < minimum:
        return ["below_minimum"]
    if requested > maximum:
        return ["above_maximum"]
    return []


def to_eur(amount: Decimal, units_per_eur: Decimal) -> Decimal:
    """Convert a pool-currency amount with the administrator's rate (units of the currency for one euro)."""
    return (amount / units_per_eur).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def de_minimis_total_eur(received_eur: Decimal, requested: Decimal, units_per_eur: Decimal) -> Decimal:
    return received_eur + to_eur(requested, units_per_eur)


def exceeds_de_minimis(received_eur: Decimal, requested: Decimal, units_per_eur: Decimal) -> bool:
    """True when the new grant would take the undertaking over the three-year ceiling."""
    return de_minimis_total_eur(received_eur, requested, units_per_eur) > DE_MINIMIS_CEILING_EUR


def fits_budget(total: Decimal, committed: Decimal, amount: Decimal) -> bool:
    """An approval may not commit more than the pool holds."""
    return committed + amount <= total
