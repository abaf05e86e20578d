"""The standup's burn-up chart: month-to-date actual against the pace line, one panel per goal."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

# The object-oriented API with an explicit Agg canvas: no pyplot, so no global figure registry
# or backend switch, and the bot's worker threads can each render their own figure.
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sla_rules.progress import month_bounds

Point = tuple[date, float]

DPI = 110
WIDTH_INCHES = 8.0
PANEL_INCHES = 2.6
# Room for the title above the first panel and the shared legend below the last.
HEADER_INCHES = 0.7

_ACTUAL_COLOR = "#1f6feb"
_PACE_COLOR = "#6e7781"
_TARGET_COLOR = "#1a7f37"
_TODAY_COLOR = "#cf222e"
_FUTURE_SHADE = "#f2f4f7"
# Headroom above the highest of target, pace and actual, so the target line never sits on
# the frame.
_HEADROOM = 1.12


def _count(value: float) -> str:
    """A count without a locale: whole numbers without a decimal point."""
    return str(round(value)) if float(value).is_integer() else f"{value:.1f}"


@dataclass(frozen=True)
class ChartLabels:
    """The translated words the chart prints, filled by the caller from the catalogue."""

    actual: str
    pace: str
    target: str
    # The locale's way of writing a number (Catalogue.number): 2,500 in es-MX, 2.500 in es-ES.
    number: Callable[[float], str] = field(default=_count)


@dataclass(frozen=True)
class GoalSeries:
    """One goal's month: its cumulative actual up to today and the whole month's pace line."""

    metric: str
    label: str
    target: int
    actual: list[Point]
    pace: list[Point]


def _check_month(points: Sequence[Point], first: date, last: date, what: str) -> None:
    """Refuse points outside today's month, which would land on the wrong day of the axis."""
    for day, _ in points:
        if not first <= day <= last:
            raise ValueError(f"{what} has a point on {day}, outside {first:%Y-%m}")


def _plot_goal(
    axes: Axes, goal: GoalSeries, today: date, last: date, number: Callable[[float], str]
) -> None:
    """Draw one goal's panel: the future shaded, pace, target, actual and today's position."""
    actual = sorted(goal.actual)
    pace = sorted(goal.pace)
    # Zero until the first count comes in, as on the 1st before anything was recorded.
    current = actual[-1][1] if actual else 0.0
    highest = max([goal.target, current, *(value for _, value in pace + actual)])
    axes.axvspan(today.day + 0.5, last.day + 0.5, color=_FUTURE_SHADE, zorder=0, linewidth=0)
    axes.axhline(goal.target, color=_TARGET_COLOR, linestyle=":", linewidth=1.4, zorder=1)
    if pace:
        axes.plot(
            [day.day for day, _ in pace],
            [value for _, value in pace],
            color=_PACE_COLOR,
            linestyle="--",
            linewidth=1.3,
            zorder=2,
        )
    axes.axvline(today.day, color=_TODAY_COLOR, linestyle="-", linewidth=1.0, alpha=0.6, zorder=2)
    if actual:
        axes.plot(
            [day.day for day, _ in actual],
            [value for _, value in actual],
            color=_ACTUAL_COLOR,
            linestyle="-",
            linewidth=2.0,
            marker="o",
            markersize=3.5,
            zorder=3,
        )
    axes.set_title(
        f"{goal.label}: {number(round(current, 1))} / {number(goal.target)}",
        loc="left",
        fontsize=11,
        fontweight="bold",
        parse_math=False,
    )
    axes.set_xlim(0.5, last.day + 0.5)
    axes.set_ylim(0, max(highest, 1) * _HEADROOM)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value)))
    axes.grid(axis="y", color="#d0d7de", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=8)


def build_figure(
    series: Sequence[GoalSeries], title: str, today: date, labels: ChartLabels
) -> Figure:
    """The burn-up figure: one panel per goal, stacked over a shared axis of the month's days."""
    if not series:
        raise ValueError("the chart needs at least one goal")
    first, last = month_bounds(today)
    for goal in series:
        _check_month(goal.actual, first, last, f"{goal.metric} actual")
        _check_month(goal.pace, first, last, f"{goal.metric} pace")
    figure = Figure(
        figsize=(WIDTH_INCHES, PANEL_INCHES * len(series) + HEADER_INCHES),
        dpi=DPI,
        layout="constrained",
    )
    # Stacked rather than side by side: panels keep the full width, which is what Slack's
    # narrow preview shrinks first, and the shared day axis lines the goals up by date.
    grid = figure.subplots(len(series), 1, sharex=True, squeeze=False)
    for axes, goal in zip(grid[:, 0], series, strict=True):
        _plot_goal(axes, goal, today, last, labels.number)
    bottom = grid[-1, 0]
    bottom.set_xticks(range(1, last.day + 1))
    figure.suptitle(title, fontsize=13, fontweight="bold", parse_math=False)
    # Drawn from stand-ins rather than the first panel, whose actual line is missing on the
    # 1st of the month.
    handles = [
        Line2D([], [], color=_ACTUAL_COLOR, linewidth=2.0, marker="o", markersize=3.5),
        Line2D([], [], color=_PACE_COLOR, linestyle="--", linewidth=1.3),
        Line2D([], [], color=_TARGET_COLOR, linestyle=":", linewidth=1.4),
    ]
    legend = figure.legend(
        handles,
        [labels.actual, labels.pace, labels.target],
        loc="outside lower center",
        ncols=3,
        frameon=False,
        fontsize=9,
    )
    # Labels come from translators: a "$" must print as a dollar sign, not start mathtext.
    for text in legend.get_texts():
        text.set_parse_math(False)
    return figure


def burn_up_png(
    series: Sequence[GoalSeries], title: str, today: date, labels: ChartLabels
) -> bytes:
    """The burn-up chart as PNG bytes, ready to upload to Slack."""
    figure = build_figure(series, title, today, labels)
    try:
        FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()
    finally:
        # Break the figure's reference cycles now instead of waiting for the cycle collector.
        figure.clear()
