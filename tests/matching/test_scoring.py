"""The ranking's inputs, one by one: CPV levels, region and language fit, pilot records, the words compared."""
import pytest

from ppi.matching.index import terms, words
from ppi.matching.scoring import (
    CpvLevel,
    CpvOverlap,
    PilotRecord,
    RegionFit,
    RegionLevel,
    combine,
    cpv_level,
    cpv_overlap,
    is_suggested,
    language_fit,
    region_fit,
)


@pytest.mark.parametrize("a, b, level", [
    ("33196200", "33196200", CpvLevel.SAME),
    ("33196200", "33196100", CpvLevel.CLASS),  # class 3319, category 33196
    ("33196200", "33190000", CpvLevel.CLASS),  # the class code itself
    ("33196200", "33100000", CpvLevel.GROUP),  # group 331
    ("33196200", "33141000", CpvLevel.GROUP),
    ("33196200", "33000000", CpvLevel.DIVISION),
    ("33196200", "33600000", CpvLevel.DIVISION),
    ("33196200", "48000000", None),
    ("48000000", "48000000", CpvLevel.SAME),
])
def test_cpv_codes_meet_at_their_division_group_or_class(a, b, level):
    assert cpv_level(a, b) == level
    assert cpv_level(b, a) == level


def test_cpv_overlap_takes_each_challenge_code_best_met_and_says_which():
    overlap = cpv_overlap(("33196100", "33195000"), ("33196100", "48000000", "33100000"))
    assert [(m.challenge_code, m.company_code, m.level) for m in overlap.matches] == [
        ("33196100", "33196100", CpvLevel.SAME), ("33195000", "33196100", CpvLevel.CLASS)]
    assert overlap.score == pytest.approx((1.0 + 0.8) / 2)
    half = cpv_overlap(("33196100", "72000000"), ("33196100",))
    assert half.score == pytest.approx(0.5) and len(half.matches) == 1
    assert cpv_overlap(("33196100",), ()) == CpvOverlap() == cpv_overlap((), ("33196100",))


@pytest.mark.parametrize("challenge, home, markets, level, code", [
    ("DK031", "DK031", [], RegionLevel.REGION, "DK031"),
    ("DK03", "DK031", [], RegionLevel.REGION, "DK031"),  # NUTS 2 in common
    ("DK031", "DK011", [], RegionLevel.LARGER_REGION, "DK011"),  # NUTS 1 (DK0)
    ("DK031", "DK", [], RegionLevel.COUNTRY, "DK"),  # a company without a NUTS code: its country
    ("DK031", "SE224", ["NO", "DK"], RegionLevel.MARKET, "DK"),
    ("DK031", "SE224", ["DK03"], RegionLevel.MARKET, "DK03"),
    ("DK031", "SE224", ["DE", "NL"], None, None),
])
def test_region_fit_prefers_home_then_the_markets_a_company_wants_to_enter(challenge, home, markets, level, code):
    fit = region_fit(challenge, home, tuple(markets))
    assert (fit.level, fit.code) == (level, code)
    assert (fit.score > 0) == (level is not None)


def test_a_closer_home_scores_higher_than_a_wanted_market():
    scores = [region_fit("DK031", home, tuple(markets)).score
              for home, markets in (("DK031", []), ("DK011", []), ("DK", []), ("SE224", ["DK"]), ("NL1", ["SE"]))]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 5 and scores[-1] == 0


def test_language_fit_is_the_challenge_languages_the_company_works_in():
    assert language_fit(("da", "en", "de"), ("de", "en", "sv")) == ("en", "de")
    assert language_fit(("da",), ("sv",)) == ()


@pytest.mark.parametrize("record, score", [
    (PilotRecord(), 0.0),
    (PilotRecord(finished=2, proceed=2), 1.0),
    (PilotRecord(finished=2, proceed=1, stopped=1), 0.5),
    (PilotRecord(finished=1), 0.5),  # finished, not reported yet: half
    (PilotRecord(finished=1, stopped=1), 0.0),
])
def test_past_pilot_outcomes_count_proceed_fully_and_stop_not_at_all(record, score):
    assert record.score == pytest.approx(score)


def test_a_suggestion_needs_similar_words_or_a_cpv_group_in_common():
    division_only = cpv_overlap(("33196100",), ("33600000",))
    group = cpv_overlap(("33196100",), ("33100000",))
    assert not is_suggested(0.0, division_only) and not is_suggested(0.01, CpvOverlap())
    assert is_suggested(0.0, group) and is_suggested(0.2, CpvOverlap())


def test_each_input_raises_the_combined_score():
    base = dict(cosine=0.05, cpv=CpvOverlap(), region=RegionFit(), languages=(), pilots=PilotRecord())
    better = [dict(base, cosine=0.2), dict(base, cpv=cpv_overlap(("33196100",), ("33196100",))),
              dict(base, region=region_fit("DK031", "DK031", ())), dict(base, languages=("da",)),
              dict(base, pilots=PilotRecord(finished=1, proceed=1))]
    assert all(combine(**variant) > combine(**base) for variant in better)


def test_words_drop_stop_words_and_numbers_and_fold_plurals():
    assert words("The sensors alert 3 night-staff members of classes and batteries") == [
        "sensor", "alert", "night-staff", "member", "class", "battery"]
    assert terms("fall detection sensors") == ["fall", "detection", "sensor", "fall detection", "detection sensor"]
