"""Charts as geometry: the bars carry the table's figures, scaled to the largest."""
import pandas as pd

from ppi.reports import charts


def test_horizontal_bars_carry_the_figures_and_scale_to_the_largest():
    frame = pd.DataFrame({"authority": ["Odense", "Vejle"], "published": [4, 2], "open": [1, 0], "closed": [3, 2],
                          "cancelled": [0, 0]})
    chart = charts.chart_for("pipeline_by_authority", frame)
    assert [(bar.label, bar.value) for bar in chart.bars] == [("Odense", 4), ("Vejle", 2)]
    assert chart.bars[0].width == charts.PLOT_WIDTH and chart.bars[1].width == charts.PLOT_WIDTH / 2
    assert [tick.text for tick in chart.ticks] == ["Odense", "Vejle"] and not chart.truncated


def test_a_long_table_is_charted_in_part_and_says_so():
    frame = pd.DataFrame({"region": [f"DK0{i}" for i in range(20)], "published": range(20, 0, -1),
                          "open": 0, "closed": 0, "cancelled": 0})
    chart = charts.chart_for("pipeline_by_region", frame)
    assert len(chart.bars) == charts.MAX_ROWS and chart.truncated


def test_columns_draw_each_series_and_label_as_often_as_fits():
    periods = [f"2026-{month:02d}" for month in range(1, 13)] * 3
    frame = pd.DataFrame({"period": periods, "published": [1] * 36, "closed": [2] * 36, "open_at_end": [0] * 36})
    chart = charts.chart_for("pipeline", frame)
    assert len(chart.bars) == 36 * 3 and chart.legend == ("Published", "Closed", "Open at the end")
    assert {bar.series for bar in chart.bars} == {0, 1, 2}
    assert 1 < len(chart.ticks) < 36  # 7-character labels in 17-pixel slots: not every one fits
    tallest = max(bar.height for bar in chart.bars)
    assert all(bar.height == tallest for bar in chart.bars if bar.series == 1)


def test_sus_bands_are_labelled_as_ranges():
    frame = pd.DataFrame({"band": list(range(0, 100, 10)), "feedback": [0, 0, 0, 0, 1, 0, 2, 0, 0, 1]})
    chart = charts.chart_for("sus_distribution", frame)
    assert chart.ticks[0].text == "0–9" and chart.bars[-1].label == "90–100"


def test_no_chart_without_figures_or_for_a_metric_table():
    zeros = pd.DataFrame({"band": list(range(0, 100, 10)), "feedback": [0] * 10})
    assert charts.chart_for("sus_distribution", zeros) is None
    assert charts.chart_for("participation", pd.DataFrame({"metric": ["proposals"], "value": [3]})) is None
