"""Pool rules: eligibility, amounts, currency conversion, the de minimis ceiling and the budget (pure)."""
from datetime import date
from decimal import Decimal

import pytest

from ppi.core.errors import InvalidTransition
from ppi.pools.workflow import (
    DE_MINIMIS_CEILING_EUR,
    LIFECYCLE,
    ApplicationStatus as A,
    EligibilityFacts,
    PoolRules,
    amount_problems,
    de_minimis_total_eur,
    eligibility_problems,
    exceeds_de_minimis,
    fits_budget,
    is_open,
    to_eur,
)

ALL_RULES = PoolRules(require_sme=True, regions=("DK03", "DK01"), require_public_partner=True, require_research_partner=True)
GOOD = EligibilityFacts(company_is_sme=True, company_nuts="DK031", has_public_partner=True, has_research_partner=True)
NO_RULES = PoolRules(require_sme=False, regions=(), require_public_partner=False, require_research_partner=False)


def test_an_eligible_application_has_no_problems():
    assert eligibility_problems(ALL_RULES, GOOD) == []


@pytest.mark.parametrize("facts, key", [
    (EligibilityFacts(False, "DK031", True, True), "sme"),
    (EligibilityFacts(True, "DK04", True, True), "region"),
    (EligibilityFacts(True, "DE212", True, True), "region"),
    (EligibilityFacts(True, None, True, True), "region"),
    (EligibilityFacts(True, "D", True, True), "region"),  # a shorter code is not inside the region
    (EligibilityFacts(True, "DK031", False, True), "public_partner"),
    (EligibilityFacts(True, "DK031", True, False), "research_partner"),
])
def test_each_rule_not_met_is_named(facts, key):
    assert eligibility_problems(ALL_RULES, facts) == [key]


def test_region_codes_match_as_prefixes():
    assert eligibility_problems(ALL_RULES, EligibilityFacts(True, "DK011", True, True)) == []
    assert eligibility_problems(ALL_RULES, EligibilityFacts(True, "DK03", True, True)) == []


def test_all_problems_at_once_in_order():
    assert eligibility_problems(ALL_RULES, EligibilityFacts(False, "SE11", False, False)) == \
        ["sme", "region", "public_partner", "research_partner"]


def test_rules_that_are_off_are_not_checked():
    assert eligibility_problems(NO_RULES, EligibilityFacts(False, None, False, False)) == []


@pytest.mark.parametrize("requested, problems", [
    ("399999.99", ["below_minimum"]), ("400000", []), ("1000000", []), ("1475000", []), ("1475000.01", ["above_maximum"]),
])
def test_amount_problems_at_the_edges(requested, problems):
    assert amount_problems(Decimal(requested), Decimal(400_000), Decimal(1_475_000)) == problems


@pytest.mark.parametrize("amount, rate, eur", [
    ("746", "7.46", "100.00"),
    ("10", "7.46", "1.34"),  # 1.3404…
    ("1", "3", "0.33"),
    ("2", "3", "0.67"),  # 0.6666… rounds up
    ("0.125", "1", "0.13"),  # half up, not half to even (which gives 0.12)
    ("0.025", "1", "0.03"),
    ("373000.08", "7.46", "50000.01"),
])
def test_to_eur_rounds_half_up_to_the_cent(amount, rate, eur):
    result = to_eur(Decimal(amount), Decimal(rate))
    assert result == Decimal(eur)
    assert result.as_tuple().exponent == -2


def test_the_de_minimis_ceiling_is_300000_eur():
    assert DE_MINIMIS_CEILING_EUR == Decimal(300_000)


def test_exactly_at_the_ceiling_is_not_over_and_one_cent_more_is():
    assert de_minimis_total_eur(Decimal(0), Decimal(300_000), Decimal(1)) == Decimal(300_000)
    assert not exceeds_de_minimis(Decimal(0), Decimal(300_000), Decimal(1))
    assert exceeds_de_minimis(Decimal(0), Decimal("300000.01"), Decimal(1))
    assert not exceeds_de_minimis(Decimal("299999.99"), Decimal("0.01"), Decimal(1))
    assert exceeds_de_minimis(Decimal("299999.99"), Decimal("0.02"), Decimal(1))


def test_the_ceiling_in_another_currency_uses_the_rate():
    # 250,000 EUR received + 373,000 DKK at 7.46 = 250,000 + 50,000.00 = exactly 300,000: not over
    assert de_minimis_total_eur(Decimal(250_000), Decimal(373_000), Decimal("7.46")) == Decimal(300_000)
    assert not exceeds_de_minimis(Decimal(250_000), Decimal(373_000), Decimal("7.46"))
    # 8 øre more is 50,000.0107 EUR, rounded to 50,000.01: over
    assert exceeds_de_minimis(Decimal(250_000), Decimal("373000.08"), Decimal("7.46"))


def test_fits_budget_at_the_edge():
    total = Decimal(1_000_000)
    assert fits_budget(total, Decimal(700_000), Decimal(300_000))
    assert not fits_budget(total, Decimal(700_000), Decimal("300000.01"))
    assert fits_budget(total, Decimal(0), total)
    assert not fits_budget(total, total, Decimal("0.01"))


def test_is_open_includes_both_days():
    assert is_open(date(2027, 1, 1), date(2027, 1, 31), date(2027, 1, 1))
    assert is_open(date(2027, 1, 1), date(2027, 1, 31), date(2027, 1, 31))
    assert not is_open(date(2027, 1, 1), date(2027, 1, 31), date(2026, 12, 31))
    assert not is_open(date(2027, 1, 1), date(2027, 1, 31), date(2027, 2, 1))


def test_application_lifecycle():
    assert LIFECYCLE.can(A.DRAFT, A.SUBMITTED) and LIFECYCLE.can(A.SUBMITTED, A.APPROVED) and LIFECYCLE.can(A.SUBMITTED, A.REJECTED)
    for current, target in [(A.DRAFT, A.APPROVED), (A.APPROVED, A.REJECTED), (A.REJECTED, A.APPROVED), (A.APPROVED, A.SUBMITTED)]:
        with pytest.raises(InvalidTransition):
            LIFECYCLE.check(current, target)
