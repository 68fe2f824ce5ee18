"""The System Usability Scale: scoring, the confidence interval, grades and the distribution (pure)."""
import math

import pytest

from ppi.pilots import sus

BEST = [5, 1, 5, 1, 5, 1, 5, 1, 5, 1]
WORST = [1, 5, 1, 5, 1, 5, 1, 5, 1, 5]


# ---- one questionnaire ---------------------------------------------------------------------------

def test_all_neutral_answers_score_50():
    # odd items: 3 − 1 = 2; even items: 5 − 3 = 2; 10 × 2 = 20; 20 × 2.5 = 50
    assert sus.score([3] * 10) == 50.0


def test_the_best_answers_score_100_and_the_worst_0():
    assert sus.score(BEST) == 100.0
    assert sus.score(WORST) == 0.0


def test_a_worked_example_with_mixed_answers():
    # Answers         4  1  4  2  3  3  2  2  3  4
    # item parity     +  −  +  −  +  −  +  −  +  −
    # contribution    3  4  3  3  2  2  1  3  2  1   (odd: answer − 1; even: 5 − answer)
    # sum = 24; 24 × 2.5 = 60.0
    # (with the parity swapped the same answers would give 16 × 2.5 = 40: the example tells the two apart)
    assert sus.score([4, 1, 4, 2, 3, 3, 2, 2, 3, 4]) == 60.0


def test_a_second_worked_example_lands_on_a_half_point():
    # Answers         4  2  5  1  4  2  4  2  4  3
    # contribution    3  3  4  4  3  3  3  3  3  2   sum = 31; 31 × 2.5 = 77.5
    assert sus.score([4, 2, 5, 1, 4, 2, 4, 2, 4, 3]) == 77.5


def test_the_score_is_a_sum_of_independent_item_contributions():
    # raising one positive (odd) item by one step adds 2.5; raising a negative (even) one takes 2.5 off
    base = [3] * 10
    for index in range(10):
        answers = list(base)
        answers[index] = 4
        expected = 52.5 if index % 2 == 0 else 47.5
        assert sus.score(answers) == expected, index


@pytest.mark.parametrize("answers", [[3] * 9, [3] * 11, [], [3] * 20])
def test_a_questionnaire_needs_exactly_ten_answers(answers):
    with pytest.raises(ValueError, match="10 answers"):
        sus.score(answers)


@pytest.mark.parametrize("bad", [0, 6, -1, 100])
def test_answers_outside_1_to_5_are_refused(bad):
    for position in (0, 9):
        answers = [3] * 10
        answers[position] = bad
        with pytest.raises(ValueError, match="1 to 5"):
            sus.score(answers)


def test_the_items_are_the_ten_sus_statements_in_order():
    assert len(sus.ITEMS) == 10
    assert sus.ITEMS[0].startswith("I think that I would like to use this system frequently")
    assert "unnecessarily complex" in sus.ITEMS[1]
    assert "learn a lot of things" in sus.ITEMS[9]


# ---- the summary ---------------------------------------------------------------------------------

def test_the_95_percent_interval_of_three_scores():
    # scores 70, 80, 90: mean 80; sample sd = sqrt((100 + 0 + 100) / 2) = 10; t(2, 0.975) = 4.303
    # margin = 4.303 × 10 / sqrt(3) = 24.843…; interval 55.157 – 104.843, clipped at 100
    summary = sus.summarise([70, 80, 90])
    assert summary.n == 3
    assert summary.mean == 80
    assert summary.low == pytest.approx(80 - 4.303 * 10 / math.sqrt(3))
    assert summary.low == pytest.approx(55.157, abs=0.001)
    assert summary.high == 100.0
    assert summary.grade == "A-"  # 78.9 ≤ 80 < 80.8


def test_the_interval_is_clipped_at_zero_too():
    # 0, 10, 20: mean 10, sd 10, margin 24.84 → −14.84 is clipped to 0; 34.84 stays
    summary = sus.summarise([0, 10, 20])
    assert summary.low == 0.0
    assert summary.high == pytest.approx(10 + 4.303 * 10 / math.sqrt(3))


def test_an_unclipped_interval_is_symmetric_around_the_mean():
    # five scores 60, 65, 70, 75, 80: mean 70, sd = sqrt(250 / 4) = 7.9057, t(4) = 2.776
    summary = sus.summarise([60, 65, 70, 75, 80])
    margin = 2.776 * math.sqrt(62.5) / math.sqrt(5)
    assert summary.mean == 70
    assert summary.low == pytest.approx(70 - margin) and summary.high == pytest.approx(70 + margin)
    assert summary.low == pytest.approx(60.185, abs=0.001)


def test_a_single_score_has_no_interval():
    summary = sus.summarise([72.5])
    assert (summary.n, summary.mean, summary.low, summary.high, summary.grade) == (1, 72.5, None, None, "C+")  # 71.1 ≤ 72.5 < 72.6


def test_no_scores_no_summary():
    assert sus.summarise([]) == sus.Summary(0, None, None, None, None)


@pytest.mark.parametrize("value, letter", [
    (100, "A+"), (84.1, "A+"), (84.0, "A"), (80.8, "A"), (80.7, "A-"), (78.9, "A-"), (77.2, "B+"), (74.1, "B"),
    (72.6, "B-"), (71.1, "C+"), (71.0, "C"), (68, "C"), (65.0, "C"), (64.9, "C-"), (62.7, "C-"), (51.7, "D"),
    (51.6, "F"), (0, "F"),
])
def test_grade_bands_at_their_edges(value, letter):
    assert sus.grade(value) == letter


def test_the_average_is_68():
    assert sus.AVERAGE == 68 and sus.grade(sus.AVERAGE) == "C"


# ---- t and the distribution ----------------------------------------------------------------------

@pytest.mark.parametrize("df, t", [(1, 12.706), (2, 4.303), (9, 2.262), (30, 2.042), (40, 2.021), (120, 1.980)])
def test_t_critical_for_listed_degrees_of_freedom(df, t):
    assert sus.t_critical(df) == t


@pytest.mark.parametrize("df, t", [(31, 2.042), (39, 2.042), (45, 2.021), (59, 2.021), (61, 2.000), (119, 2.000),
                                   (121, 1.980), (10_000, 1.980)])
def test_t_critical_for_unlisted_degrees_of_freedom_takes_the_row_below(df, t):
    # the next listed row down has the larger t: the interval errs on the wide side
    assert sus.t_critical(df) == t
    assert sus.t_critical(df) >= 1.96


def test_t_critical_needs_one_degree_of_freedom():
    with pytest.raises(ValueError):
        sus.t_critical(0)


def test_the_distribution_puts_100_in_the_last_band():
    bands = sus.distribution([100])
    assert bands[-1] == (90, 1)
    assert sum(count for _start, count in bands) == 1


def test_the_distribution_counts_each_score_in_its_band():
    bands = dict(sus.distribution([0, 9.9, 10, 47.5, 50, 89.9, 90, 99.9, 100]))
    assert list(bands) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert bands == {0: 2, 10: 1, 20: 0, 30: 0, 40: 1, 50: 1, 60: 0, 70: 0, 80: 1, 90: 3}


def test_an_empty_distribution_has_ten_empty_bands():
    assert sus.distribution([]) == [(start, 0) for start in range(0, 100, 10)]
