"""Enterprise size class by the EU SME definition (Commission Recommendation 2003/361/EC, Annex, Art 2).

An enterprise is in a class when its staff headcount is below the class's ceiling AND either its annual
turnover OR its annual balance-sheet total does not exceed the class's ceiling. Linked and partner
enterprises (Art 3 and 6) are not consolidated here: the figures are the ones the company declares.
"""
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class SizeClass(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


@dataclass(frozen=True)
class Ceiling:
    size_class: SizeClass
    headcount_below: int
    turnover_max_eur: Decimal
    balance_sheet_max_eur: Decimal


# Smallest class first: the first ceiling an enterprise fits is its class (Annex, Art 2(1)-(3)).
CEILINGS = (
    Ceiling(SizeClass.MICRO, 10, Decimal(2_000_000), Decimal(2_000_000)),
    Ceiling(SizeClass.SMALL, 50, Decimal(10_000_000), Decimal(10_000_000)),
    Ceiling(SizeClass.MEDIUM, 250, Decimal(50_000_000), Decimal(43_000_000)),
)


def size_class(headcount: int | None, turnover_eur: Decimal | None, balance_sheet_eur: Decimal | None) -> SizeClass | None:
    """The size class from the three declared figures; None while any figure is missing."""
    if headcount is None or turnover_eur is None or balance_sheet_eur is None:
        return None
    for ceiling in CEILINGS:
        fits_financially = turnover_eur <= ceiling.turnover_max_eur or balance_sheet_eur <= ceiling.balance_sheet_max_eur
        if headcount < ceiling.headcount_below and fits_financially:
            return ceiling.size_class
    return SizeClass.LARGE


def is_sme(size: SizeClass | None) -> bool:
    return size in (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM)
