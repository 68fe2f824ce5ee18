"""The System Usability Scale (Brooke 1996) and how its results are summarised, as pure functions.

Ten statements answered 1 (strongly disagree) to 5 (strongly agree). Odd-numbered statements are positive:
each contributes (answer − 1); even-numbered ones are negative: each contributes (5 − answer). The sum
(0–40) times 2.5 gives the score, 0–100.
"""
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import mean, stdev

from ppi.core.i18n import N_

# Marked for translation; the feedback form shows them in the test user's language. A translation should be a
# published validated one of the SUS where the language has one, so that scores stay comparable.
ITEMS = (
    N_("I think that I would like to use this system frequently."),
    N_("I found the system unnecessarily complex."),
    N_("I thought the system was easy to use."),
    N_("I think that I would need the support of a technical person to be able to use this system."),
    N_("I found the various functions in this system were well integrated."),
    N_("I thought there was too much inconsistency in this system."),
    N_("I would imagine that most people would learn to use this system very quickly."),
    N_("I found the system very cumbersome to use."),
    N_("I felt very confident using the system."),
    N_("I needed to learn a lot of things before I could get going with this system."),
)
ANSWER_MIN, ANSWER_MAX = 1, 5
AVERAGE = 68  # the mean SUS score over the published studies (Sauro & Lewis): "SUS ≥ 68" is above average

# The Sauro–Lewis curved grading scale: (lowest score of the band, grade), highest band first.
GRADES = (
    (84.1, "A+"), (80.8, "A"), (78.9, "A-"), (77.2, "B+"), (74.1, "B"), (72.6, "B-"),
    (71.1, "C+"), (65.0, "C"), (62.7, "C-"), (51.7, "D"), (0.0, "F"),
)

# Two-sided 95 % critical values of Student's t by degrees of freedom (standard tables); between listed
# rows the value of the next row down is used, which errs on the wide side.
_T_975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
    20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048,
    29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}


def score(answers: Sequence[int]) -> float:
    """The SUS score of one questionnaire: ten answers, 1–5, in the order of ITEMS."""
    if len(answers) != len(ITEMS):
        raise ValueError(f"SUS needs {len(ITEMS)} answers, got {len(answers)}")
    if any(not ANSWER_MIN <= answer <= ANSWER_MAX for answer in answers):
        raise ValueError("SUS answers go from 1 to 5")
    contributions = [(a - 1) if index % 2 == 0 else (5 - a) for index, a in enumerate(answers)]
    return sum(contributions) * 2.5


def grade(value: float) -> str:
    return next(letter for lowest, letter in GRADES if value >= lowest)


def t_critical(degrees_of_freedom: int) -> float:
    if degrees_of_freedom < 1:
        raise ValueError("at least two scores are needed for an interval")
    return _T_975[max(df for df in _T_975 if df <= degrees_of_freedom)]


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    low: float | None  # 95 % confidence interval (t distribution); None with fewer than two scores
    high: float | None
    grade: str | None


def summarise(scores: Sequence[float]) -> Summary:
    """Mean, 95 % confidence interval of the mean (t-based, clipped to 0–100) and the grade of the mean."""
    if not scores:
        return Summary(0, None, None, None, None)
    average = mean(scores)
    if len(scores) < 2:
        return Summary(1, average, None, None, grade(average))
    margin = t_critical(len(scores) - 1) * stdev(scores) / math.sqrt(len(scores))
    return Summary(len(scores), average, max(0.0, average - margin), min(100.0, average + margin), grade(average))


def distribution(scores: Sequence[float], width: int = 10) -> list[tuple[int, int]]:
    """(band start, count) for bands 0–9.9, 10–19.9 … 90–100 (100 falls in the last band)."""
    counts = [0] * (100 // width)
    for value in scores:
        counts[min(int(value // width), len(counts) - 1)] += 1
    return [(index * width, count) for index, count in enumerate(counts)]
