"""Charts as geometry, computed from the same DataFrame as the table shown beside them.

Pure functions: a frame in, rectangles and labels out; `templates/reports/_chart.html` draws them as SVG
(no script, printable, readable by screen readers through the table beside it).
"""
import math
from dataclasses import dataclass

import pandas as pd
from flask_babel import lazy_gettext as _l

SERIES_LABELS = {
    "published": _l("Published"), "closed": _l("Closed"), "open_at_end": _l("Open at the end"),
    "proposals": _l("Proposals"), "feedback": _l("Feedback"), "challenges": _l("Challenges"), "cases": _l("Cases"),
    "awarded": _l("Contract signed"), "challenges_moderated": _l("Challenges moderated"), "pilots": _l("Pilots started"),
}


@dataclass(frozen=True)
class ChartSpec:
    label_column: str
    series: tuple[str, ...]
    horizontal: bool  # bars to the right (long labels) or columns upwards (periods, bands)


SPECS = {
    "pipeline": ChartSpec("period", ("published", "closed", "open_at_end"), horizontal=False),
    "pipeline_by_authority": ChartSpec("authority", ("published",), horizontal=True),
    "pipeline_by_region": ChartSpec("region", ("published",), horizontal=True),
    "pipeline_by_cpv": ChartSpec("division", ("published",), horizontal=True),
    "pipeline_by_cluster": ChartSpec("cluster", ("published",), horizontal=True),
    "proposals_by_size": ChartSpec("size_class", ("proposals",), horizontal=False),
    "sus_distribution": ChartSpec("band", ("feedback",), horizontal=False),
    "funnel": ChartSpec("label", ("challenges",), horizontal=True),
    "procurement_routes": ChartSpec("label", ("cases", "awarded"), horizontal=True),
    "clusters": ChartSpec("cluster", ("challenges_moderated", "pilots"), horizontal=True),
}

MAX_ROWS = 15  # a horizontal chart shows the first rows (the table beside it has them all)
LABEL_WIDTH, PLOT_WIDTH, BAR, GAP = 230, 380, 14, 10
COLUMN_PLOT_HEIGHT, COLUMNS_WIDTH, LABEL_CHARACTERS = 160, 620, 34


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # colour index
    value: int | float
    label: str


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str
    full: str


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    horizontal: bool
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[str, ...]
    truncated: bool  # more rows in the table than bars in the chart


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARACTERS else text[:LABEL_CHARACTERS - 1] + "…"


def chart_for(name: str, frame: pd.DataFrame) -> Chart | None:
    """The chart of an indicator table, or None for a table without one or without figures."""
    spec = SPECS.get(name)
    if spec is None or frame.empty or not frame[list(spec.series)].to_numpy(dtype=float).any():
        return None
    labels = [_band(value) if name == "sus_distribution" else str(value) for value in frame[spec.label_column]]
    values = [[float(v) for v in frame[column]] for column in spec.series]
    legend = tuple(str(SERIES_LABELS[column]) for column in spec.series)
    if spec.horizontal:
        return _horizontal(labels, values, legend)
    return _columns(labels, values, legend)


def _band(start) -> str:
    return f"{int(start)}–{int(start) + 9 if int(start) < 90 else 100}"


def _horizontal(labels: list[str], values: list[list[float]], legend: tuple[str, ...]) -> Chart:
    shown = min(len(labels), MAX_ROWS)
    peak = max(max(series[:shown]) for series in values) or 1
    row = BAR * len(values) + GAP
    bars, ticks = [], []
    for index in range(shown):
        top = index * row
        ticks.append(Tick(LABEL_WIDTH - 6, top + row / 2, _short(labels[index]), labels[index]))
        for series, series_values in enumerate(values):
            value = series_values[index]
            bars.append(Bar(LABEL_WIDTH, top + series * BAR, PLOT_WIDTH * value / peak, BAR - 2, series,
                            _number(value), labels[index]))
    return Chart(LABEL_WIDTH + PLOT_WIDTH + 50, shown * row, True, tuple(bars), tuple(ticks), legend, shown < len(labels))


def _columns(labels: list[str], values: list[list[float]], legend: tuple[str, ...]) -> Chart:
    """Columns across a fixed width: a few wide slots or many narrow ones, labelled as often as they fit."""
    peak = max(max(series) for series in values) or 1
    slot = COLUMNS_WIDTH / len(labels)
    bar = min(slot * 0.8 / len(values), 40)
    longest = max(len(label) for label in labels)
    every = max(1, math.ceil(longest * 7.5 / slot))  # about 7.5 px per character at 12 px
    bars, ticks = [], []
    for index, label in enumerate(labels):
        left = 10 + index * slot + (slot - bar * len(values)) / 2
        if index % every == 0:
            ticks.append(Tick(10 + index * slot + slot / 2, COLUMN_PLOT_HEIGHT + 38, label, label))
        for series, series_values in enumerate(values):
            height = COLUMN_PLOT_HEIGHT * series_values[index] / peak
            bars.append(Bar(left + series * bar, 20 + COLUMN_PLOT_HEIGHT - height, bar - 1, height, series,
                            _number(series_values[index]), label))
    return Chart(COLUMNS_WIDTH + 20, COLUMN_PLOT_HEIGHT + 44, False, tuple(bars), tuple(ticks), legend, False)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)
