"""The accounts domain's rules as pure functions: SME size class, passwords, state machines."""
from decimal import Decimal

import pytest

from ppi import create_app
from ppi.accounts.passwords import password_problems
from ppi.accounts.sme import SizeClass, is_sme, size_class
from ppi.accounts.workflow import MEMBERSHIP, VERIFICATION, MembershipStatus, VerificationStatus
from ppi.core.errors import InvalidTransition
from ppi.core.geo import country_names, nuts_error


@pytest.fixture
def babel_context():
    """Rules return translated messages, so they need an application context (no database)."""
    with create_app("testing").app_context():
        yield


M = Decimal(1_000_000)


@pytest.mark.parametrize(
    "headcount, turnover, balance, expected",
    [
        (9, 2 * M, 99 * M, SizeClass.MICRO),        # turnover at the micro ceiling suffices
        (9, 99 * M, 2 * M, SizeClass.MICRO),        # ... or the balance sheet
        (10, 1 * M, 1 * M, SizeClass.SMALL),        # headcount must be below 10 for micro
        (9, Decimal("2000000.01"), Decimal("2000000.01"), SizeClass.SMALL),
        (49, 10 * M, 50 * M, SizeClass.SMALL),
        (50, 1 * M, 1 * M, SizeClass.MEDIUM),
        (249, 50 * M, 43 * M, SizeClass.MEDIUM),
        (249, 60 * M, 43 * M, SizeClass.MEDIUM),    # balance sheet within the medium ceiling
        (249, 51 * M, 44 * M, SizeClass.LARGE),     # both financial ceilings exceeded
        (250, 1 * M, 1 * M, SizeClass.LARGE),       # the headcount ceiling is never waived
    ],
)
def test_size_class_follows_the_eu_sme_definition(headcount, turnover, balance, expected):
    assert size_class(headcount, turnover, balance) == expected


def test_size_class_is_unknown_until_every_figure_is_given():
    assert size_class(5, None, M) is None
    assert size_class(None, M, M) is None
    assert is_sme(SizeClass.MEDIUM) and not is_sme(SizeClass.LARGE) and not is_sme(None)


def test_passwords_must_be_long_uncommon_and_impersonal(babel_context):
    assert password_problems("Kl3ttermaxe-Syd", min_length=12) == []
    assert len(password_problems("short", min_length=12)) == 1
    assert password_problems("password1234", min_length=12)  # on the common list
    assert password_problems("Iloveyou2026!", min_length=12)  # a common word with digits appended
    assert password_problems("anna.kristensen@caresense.dk", min_length=12, email="anna.kristensen@caresense.dk")
    assert password_problems("Anna Kristensen", min_length=12, display_name="anna kristensen")


@pytest.mark.parametrize(
    "current, target, allowed",
    [
        (VerificationStatus.PENDING, VerificationStatus.VERIFIED, True),
        (VerificationStatus.PENDING, VerificationStatus.REJECTED, True),
        (VerificationStatus.PENDING, VerificationStatus.SUSPENDED, False),
        (VerificationStatus.REJECTED, VerificationStatus.PENDING, True),
        (VerificationStatus.REJECTED, VerificationStatus.VERIFIED, False),
        (VerificationStatus.VERIFIED, VerificationStatus.SUSPENDED, True),
        (VerificationStatus.VERIFIED, VerificationStatus.REJECTED, False),
        (VerificationStatus.SUSPENDED, VerificationStatus.VERIFIED, True),
    ],
)
def test_verification_transitions(current, target, allowed):
    assert VERIFICATION.can(current, target) is allowed
    if not allowed:
        with pytest.raises(InvalidTransition):
            VERIFICATION.check(current, target)


@pytest.mark.parametrize(
    "current, target, allowed",
    [
        (MembershipStatus.REQUESTED, MembershipStatus.ACCEPTED, True),
        (MembershipStatus.REQUESTED, MembershipStatus.DECLINED, True),
        (MembershipStatus.ACCEPTED, MembershipStatus.DECLINED, False),
        (MembershipStatus.ACCEPTED, MembershipStatus.ENDED, True),
        (MembershipStatus.DECLINED, MembershipStatus.ACCEPTED, False),
        (MembershipStatus.DECLINED, MembershipStatus.REQUESTED, True),
        (MembershipStatus.ENDED, MembershipStatus.REQUESTED, True),
    ],
)
def test_membership_transitions(current, target, allowed):
    assert MEMBERSHIP.can(current, target) is allowed


def test_countries_are_iso_alpha2_without_cldr_pseudo_regions():
    names = country_names("en")
    assert names["DK"] == "Denmark" and names["AT"] == "Austria"
    assert not {"EU", "EZ", "UN", "ZZ", "QO"} & names.keys()
    assert all(len(code) == 2 and code.isalpha() and code.isupper() for code in names)
    assert country_names("da")["DE"] == "Tyskland"


@pytest.mark.parametrize(
    "country, code, ok",
    [
        ("DK", "DK03", True),
        ("DK", "DK031", True),
        ("DK", "DK", True),
        ("GR", "EL30", True),      # Greece is EL in NUTS
        ("GR", "GR30", False),
        ("DK", "SE224", False),    # another country's region
        ("DK", "DK0311", False),   # too long
        ("DK", "dk031", False),
        ("DK", "", False),         # required inside the NUTS area
        ("US", "", True),          # no NUTS outside the EU, EFTA and candidates
        ("US", "US1", False),
    ],
)
def test_nuts_codes(babel_context, country, code, ok):
    assert (nuts_error(country, code) is None) is ok
