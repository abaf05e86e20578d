"""The standup's burn-up chart: a valid PNG, one panel per goal, safe to render in threads."""

from __future__ import annotations

import struct
import subprocess
import sys
import threading
from datetime import date, timedelta

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from bot.goals.chart import (
    DPI,
    HEADER_INCHES,
    PANEL_INCHES,
    WIDTH_INCHES,
    ChartLabels,
    GoalSeries,
    build_figure,
    burn_up_png,
)
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import load_agreement
from sla_rules.business_clock import BusinessClock
from sla_rules.progress import month_bounds, pace_line
from tests.paths import EXAMPLES, ROOT

AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")
CLOCK = BusinessClock.from_agreement(AGREEMENT)
LABELS = ChartLabels(actual="Actual", pace="Pace", target="Target")
# November 2026 has 30 days; Thursday 19 is well into it.
TODAY = date(2026, 11, 19)
FIRST, LAST = month_bounds(TODAY)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def goal(
    metric: str, target: int, share: float = 0.9, today: date = TODAY, label: str | None = None
) -> GoalSeries:
    """A goal running at `share` of its pace, with one actual point a day up to today."""
    first, last = month_bounds(today)
    pace = pace_line(target, CLOCK, first, last)
    actual = [(day, round(value * share)) for day, value in pace if day <= today]
    return GoalSeries(metric, label or metric.title(), target, actual, pace)


THREE_GOALS = [
    goal(metric, item.target, share)
    for (metric, item), share in zip(AGREEMENT.goals.metrics.items(), (0.9, 1.1, 0.6), strict=True)
]


def png_size(png: bytes) -> tuple[int, int]:
    """The width and height from a PNG's IHDR chunk, after checking the signature."""
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def panel(figure: Figure, index: int) -> Axes:
    """The figure's index-th goal panel."""
    return figure.axes[index]


def lines_styled(axes: Axes, style: str) -> list[Line2D]:
    """The panel's lines drawn in one line style."""
    return [line for line in axes.get_lines() if line.get_linestyle() == style]


# --- The PNG --------------------------------------------------------------------------------


def test_three_goals_make_a_png_sized_for_slack() -> None:
    png = burn_up_png(THREE_GOALS, "Goals, November 2026", TODAY, LABELS)

    width, height = png_size(png)
    assert width == round(WIDTH_INCHES * DPI) == 880
    assert height == round((3 * PANEL_INCHES + HEADER_INCHES) * DPI)
    assert png.rstrip().endswith(b"IEND\xaeB`\x82")


def test_each_goal_adds_a_panel_height() -> None:
    one = png_size(burn_up_png(THREE_GOALS[:1], "Goals", TODAY, LABELS))
    three = png_size(burn_up_png(THREE_GOALS, "Goals", TODAY, LABELS))

    assert one[0] == three[0]
    assert three[1] - one[1] == pytest.approx(2 * PANEL_INCHES * DPI, abs=1)
    assert 300 < one[1] < three[1] < 1200


# --- Panels ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_one_panel_per_goal_titled_with_label_and_actual_over_target(count: int) -> None:
    series = THREE_GOALS[:count]
    figure = build_figure(series, "Goals", TODAY, LABELS)

    assert len(figure.axes) == len(series)
    for index, item in enumerate(series):
        title = panel(figure, index).get_title(loc="left")
        assert item.label in title
        assert f"{round(item.actual[-1][1])} / {item.target}" in title


@pytest.mark.parametrize(("locale", "target"), [("es-ES", "2.500"), ("es-MX", "2,500")])
def test_numbers_on_the_chart_use_the_locales_separators(locale: str, target: str) -> None:
    cat = Catalogue(locale)
    labels = ChartLabels("Real", "Ritmo", "Meta", number=cat.number)
    figure = build_figure([goal("visits", 2500, label="Visitas")], "Metas", TODAY, labels)
    figure.canvas.draw()
    axes = panel(figure, 0)
    assert axes.get_title(loc="left").endswith(f" / {target}")
    ticks = [label.get_text() for label in axes.get_yticklabels()]
    assert any(target[0] in tick and target[1] in tick for tick in ticks), ticks


def test_panels_follow_the_series_order_with_translated_labels() -> None:
    series = [goal("clients", 20, label="Clientes"), goal("visits", 2500, label="Visitas")]
    figure = build_figure(series, "Metas", TODAY, ChartLabels("Real", "Ritmo", "Meta"))

    assert [panel(figure, i).get_title(loc="left").split(":")[0] for i in range(2)] == [
        "Clientes",
        "Visitas",
    ]
    [legend] = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == ["Real", "Ritmo", "Meta"]
    assert figure.get_suptitle() == "Metas"


def test_a_panel_draws_actual_pace_target_and_today() -> None:
    item = THREE_GOALS[0]
    axes = panel(build_figure([item], "Goals", TODAY, LABELS), 0)

    [actual] = [line for line in lines_styled(axes, "-") if line.get_marker() == "o"]
    assert list(actual.get_xdata()) == list(range(1, TODAY.day + 1))
    assert list(actual.get_ydata()) == [value for _, value in item.actual]
    [pace] = lines_styled(axes, "--")
    # The pace line covers the whole month, past today.
    assert list(pace.get_xdata()) == list(range(1, LAST.day + 1))
    assert pace.get_ydata()[-1] == item.target
    [target] = lines_styled(axes, ":")
    assert list(target.get_ydata()) == [item.target, item.target]
    today_marks = [line for line in axes.get_lines() if list(line.get_xdata()) == [19, 19]]
    assert len(today_marks) == 1
    assert axes.get_xlim() == (0.5, LAST.day + 0.5)


def test_an_empty_actual_on_the_first_of_the_month_still_renders() -> None:
    first = date(2026, 11, 1)
    empty = GoalSeries("visits", "Visits", 2500, [], pace_line(2500, CLOCK, FIRST, LAST))
    figure = build_figure([empty, goal("clients", 20, today=first)], "Goals", first, LABELS)

    assert panel(figure, 0).get_title(loc="left") == "Visits: 0 / 2500"
    assert not [line for line in panel(figure, 0).get_lines() if line.get_marker() == "o"]
    assert len(figure.legends[0].get_texts()) == 3
    png_size(burn_up_png([empty], "Goals", first, LABELS))


def test_actual_above_target_stays_inside_the_panel() -> None:
    ahead = goal("clients", 20, share=2.0)
    highest = ahead.actual[-1][1]
    assert highest > ahead.target
    figure = build_figure([ahead], "Goals", TODAY, LABELS)

    axes = panel(figure, 0)
    assert f"{round(highest)} / 20" in axes.get_title(loc="left")
    assert axes.get_ylim()[1] > highest
    png_size(burn_up_png([ahead], "Goals", TODAY, LABELS))


def test_fractional_counts_print_one_decimal() -> None:
    item = GoalSeries("visits", "Visits", 10, [(FIRST, 2.25)], [(FIRST, 0.5)])
    axes = panel(build_figure([item], "Goals", FIRST, LABELS), 0)

    assert axes.get_title(loc="left") == "Visits: 2.2 / 10"


def test_dollar_signs_print_as_written_rather_than_as_math() -> None:
    # Mathtext would set "$5 to $10" as italic "5to" and fail outright on "$_$".
    dollars = ChartLabels("$5 to $10", "$_$", "Target $")
    item = goal("revenue", 200, label="Revenue $_$")
    title = "Revenue in $, $_$ goal"
    figure = build_figure([item], title, TODAY, dollars)

    texts = figure.findobj(Text)
    panel_title = f"Revenue $_$: {round(item.actual[-1][1])} / 200"
    assert {text.get_text() for text in texts} >= {title, panel_title, "$_$", "$5 to $10"}
    assert not [t.get_text() for t in texts if "$" in t.get_text() and t.get_parse_math()]
    png_size(burn_up_png([item], title, TODAY, dollars))


def test_points_outside_todays_month_are_refused() -> None:
    stray = GoalSeries("visits", "Visits", 10, [(LAST + timedelta(days=1), 1.0)], [])

    with pytest.raises(ValueError, match=r"visits actual has a point on 2026-12-01"):
        build_figure([stray], "Goals", TODAY, LABELS)


def test_no_goals_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one goal"):
        burn_up_png([], "Goals", TODAY, LABELS)


# --- No global state ------------------------------------------------------------------------


def test_two_threads_render_at_once_without_sharing_state() -> None:
    expected = burn_up_png(THREE_GOALS, "Goals", TODAY, LABELS)
    start = threading.Barrier(2)
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def render(slot: int) -> None:
        try:
            start.wait(timeout=10)
            results[slot] = burn_up_png(THREE_GOALS, "Goals", TODAY, LABELS)
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=render, args=(slot,)) for slot in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert not errors
    assert sorted(results) == [0, 1]
    for png in results.values():
        png_size(png)
        # Identical to a render on its own: neither thread drew into the other's figure.
        assert png == expected


def test_rendering_never_imports_pyplot() -> None:
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from bot.goals.chart import ChartLabels, GoalSeries, burn_up_png\n"
        "day = date(2026, 11, 2)\n"
        "series = [GoalSeries('visits', 'Visits', 10, [(day, 1.0)], [(day, 0.5)])]\n"
        "png = burn_up_png(series, 'Goals', day, ChartLabels('a', 'p', 't'))\n"
        "assert png.startswith(b'\\x89PNG')\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
