"""The ranking's inputs other than text, each a pure function of the facts it compares that also says why.

Every part scores between 0 and 1; `combine` weighs them into the figure the suggestions are sorted by. The
weights and thresholds were set on the hand-labelled pairs of tests/matching/test_quality.py: change them
there first and keep its precision and recall floors.
"""
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from os.path import commonprefix


class CpvLevel(StrEnum):
    """How much of the CPV tree two codes share (Regulation (EC) 213/2008: division, group, class, …)."""

    SAME = "same"  # the same code
    CLASS = "class"  # the first four digits (or a finer category)
    GROUP = "group"  # the first three digits
    DIVISION = "division"  # the first two digits


CPV_LEVEL_SCORES = {CpvLevel.SAME: 1.0, CpvLevel.CLASS: 0.8, CpvLevel.GROUP: 0.5, CpvLevel.DIVISION: 0.2}

WEIGHTS = {"text": 0.5, "cpv": 0.25, "region": 0.1, "language": 0.05, "pilots": 0.1}
TEXT_FULL = 0.3  # a cosine similarity at which the text part counts fully: short profiles rarely go higher
MIN_COSINE = 0.04  # below it, and without a CPV group in common, a company is not suggested at all


def significant_digits(code: str) -> str:
    """A CPV code without the zeros that pad it to eight digits: 33100000 is group 331 (two digits at least)."""
    return code.rstrip("0").ljust(2, "0")


@cache  # few distinct codes, compared for every company of a ranking
def cpv_level(a: str, b: str) -> CpvLevel | None:
    """The level at which two 8-digit CPV codes meet, or None when they are in different divisions."""
    left, right = significant_digits(a), significant_digits(b)
    if left == right:
        return CpvLevel.SAME
    shared = _shared_prefix(left, right)
    if shared >= 4:
        return CpvLevel.CLASS
    return {3: CpvLevel.GROUP, 2: CpvLevel.DIVISION}.get(shared)


def _shared_prefix(a: str, b: str) -> int:
    return len(commonprefix([a, b]))


def shares_group(a: str, b: str) -> bool:
    """The codes meet at the group level or closer."""
    return cpv_level(a, b) in (CpvLevel.SAME, CpvLevel.CLASS, CpvLevel.GROUP)


@dataclass(frozen=True)
class CpvMatch:
    challenge_code: str
    company_code: str
    level: CpvLevel


@dataclass(frozen=True)
class CpvOverlap:
    score: float = 0.0
    matches: tuple[CpvMatch, ...] = ()  # the best company code for each challenge code


# The fits below are cached: the same few code sets, regions and languages recur across thousands of companies, and a
# shared answer is neither computed nor allocated again (arguments are tuples, answers never changed).
_FITS = 65_536


@lru_cache(maxsize=_FITS)
def cpv_overlap(challenge_codes: tuple[str, ...], company_codes: tuple[str, ...]) -> CpvOverlap:
    """Each code of the challenge is met by the company's closest code; the score is the mean over the challenge's
    codes, so a company covering all of them ranks above one covering a part."""
    if not challenge_codes or not company_codes:
        return CpvOverlap()
    matches, total = [], 0.0
    for wanted in challenge_codes:
        levels = [(cpv_level(wanted, offered), offered) for offered in company_codes]
        found = [(CPV_LEVEL_SCORES[level], offered, level) for level, offered in levels if level is not None]
        if found:
            score, offered, level = max(found, key=lambda item: item[0])
            matches.append(CpvMatch(wanted, offered, level))
            total += score
    return CpvOverlap(total / len(challenge_codes), tuple(matches))


class RegionLevel(StrEnum):
    REGION = "region"  # the same NUTS 2 region (or finer)
    LARGER_REGION = "larger_region"  # the same NUTS 1 region
    COUNTRY = "country"
    MARKET = "market"  # a market the company wants to enter


REGION_SCORES = {RegionLevel.REGION: 1.0, RegionLevel.LARGER_REGION: 0.8, RegionLevel.COUNTRY: 0.6,
                 RegionLevel.MARKET: 0.5}


@dataclass(frozen=True)
class RegionFit:
    score: float = 0.0
    level: RegionLevel | None = None
    code: str | None = None  # the company's region, or the market, that fits


@lru_cache(maxsize=_FITS)
def region_fit(challenge_nuts: str, home: str, markets: tuple[str, ...]) -> RegionFit:
    """`home` is the company's NUTS code, or its country's NUTS prefix when it has none (outside NUTS countries)."""
    shared = _shared_prefix(challenge_nuts, home) if len(home) >= 2 else 0
    if shared >= 4:
        return RegionFit(REGION_SCORES[RegionLevel.REGION], RegionLevel.REGION, home)
    if shared == 3:
        return RegionFit(REGION_SCORES[RegionLevel.LARGER_REGION], RegionLevel.LARGER_REGION, home)
    if shared == 2:
        return RegionFit(REGION_SCORES[RegionLevel.COUNTRY], RegionLevel.COUNTRY, home)
    for market in markets:
        if challenge_nuts.startswith(market) or market.startswith(challenge_nuts):
            return RegionFit(REGION_SCORES[RegionLevel.MARKET], RegionLevel.MARKET, market)
    return RegionFit()


@lru_cache(maxsize=_FITS)
def language_fit(challenge_languages: tuple[str, ...], company_languages: tuple[str, ...]) -> tuple[str, ...]:
    """The languages a proposal may be written in that the company works in (in the challenge's order)."""
    return tuple(code for code in challenge_languages if code in company_languages)


@dataclass(frozen=True)
class PilotRecord:
    """The company's finished pilots on the platform and how they ended."""

    finished: int = 0
    proceed: int = 0  # recommended, or decided by the authority, to go on to procurement
    stopped: int = 0

    @property
    def score(self) -> float:
        """Proceed counts fully, stop not at all, anything between (iterate, not reported yet) half; no pilot, 0."""
        if not self.finished:
            return 0.0
        between = self.finished - self.proceed - self.stopped
        return (self.proceed + 0.5 * between) / self.finished


def text_part(cosine: float) -> float:
    return min(1.0, cosine / TEXT_FULL)


def is_suggested(cosine: float, cpv: CpvOverlap) -> bool:
    """A suggestion needs a topic in common: similar words, or CPV codes of the same group at least."""
    return cosine >= MIN_COSINE or any(match.level != CpvLevel.DIVISION for match in cpv.matches)


def combine(cosine: float, cpv: CpvOverlap, region: RegionFit, languages: tuple[str, ...], pilots: PilotRecord) -> float:
    parts = {"text": text_part(cosine), "cpv": cpv.score, "region": region.score,
             "language": 1.0 if languages else 0.0, "pilots": pilots.score}
    return sum(WEIGHTS[name] * value for name, value in parts.items())
