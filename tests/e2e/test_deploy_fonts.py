"""The image's fonts: the Dockerfile's font check and the chart's Spanish text.

The image has no fonts but those in matplotlib's wheel; its font check is run here through
the shell against the same pinned wheel. Nothing here is randomised.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from datetime import date
from pathlib import Path

import matplotlib
from matplotlib import font_manager

from bot.goals.chart import ChartLabels, GoalSeries, burn_up_png
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import load_agreement
from tests.e2e.deploy_kit import (
    only,
    read_dockerfile,
    stages,
)
from tests.paths import ROOT


def test_the_fonts_check_of_the_image_passes_on_the_pinned_wheels(tmp_path: Path) -> None:
    # The RUN step that builds matplotlib's font list, run here through the shell as the
    # image would, with this environment's python (the same pinned matplotlib wheel).
    _, found = stages(read_dockerfile())
    (command,) = [i.value for i in only(found[-1], "RUN") if "findfont" in i.value]
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
        "MPLCONFIGDIR": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    done = subprocess.run(
        ["sh", "-c", command], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "DejaVuSans-Bold.ttf" in done.stdout


# --- the chart's fonts ---------------------------------------------------------------------------


def test_the_chart_draws_spanish_text_in_the_fonts_matplotlib_ships() -> None:
    # The image has no fonts but those in matplotlib's wheel: the chart must find every glyph
    # of its Spanish words there, with no fallback to another font.
    cat = Catalogue("es")
    agreement = load_agreement(ROOT / "examples" / "acuerdo.es.yaml")
    today = date(2026, 12, 1)
    series = [
        GoalSeries(metric, f"{metric.capitalize()} ÁÉÍÓÚÜÑ áéíóúüñ ¿¡", 10, [(today, 1.0)], [])
        for metric in agreement.goals.metrics
    ]
    labels = ChartLabels(
        actual=cat.t("standup.chart_actual"),
        pace=cat.t("standup.chart_pace"),
        target=cat.t("standup.chart_target"),
    )
    title = cat.t("standup.chart_title", month="2026-12") + " — «meta» €"

    def missing_glyphs(chart_title: str) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            burn_up_png(series, chart_title, today, labels)
        return [str(w.message) for w in caught if "missing from font" in str(w.message)]

    assert missing_glyphs(title) == []
    # The check can fail: a glyph DejaVu Sans lacks is reported.
    assert missing_glyphs(title + " 中") != []

    shipped = Path(matplotlib.get_data_path()).resolve()
    for weight in ("normal", "bold"):
        found = font_manager.findfont(
            font_manager.FontProperties(family="sans-serif", weight=weight),
            fallback_to_default=False,
        )
        assert Path(found).resolve().is_relative_to(shipped), found
