"""`sla-bot import`'s progress bar, on a plain stream and on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from bot.cli.import_command import Progress, import_file
from bot.leads.handoffs import Handoffs
from storage.unit_of_work import Database
from tests.integration.csv_imports import (
    EN,
    write,
)


def test_progress_on_a_plain_stream_prints_a_line_every_tenth() -> None:
    stream = io.StringIO()
    progress = Progress(stream, EN, "leads.csv", 1000, tty=False)
    for _ in range(1000):
        progress.advance()
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert 1 <= len(lines) <= 11
    assert "\r" not in stream.getvalue()
    assert lines[-1] == "Importing leads.csv  [####################]  1000/1000"
    assert lines[4] == "Importing leads.csv  [##########----------]  500/1000"


def test_progress_on_a_terminal_redraws_in_place_at_most_ten_times_a_second() -> None:
    stream = io.StringIO()
    ticks = iter(i * 0.001 for i in range(100_000))
    progress = Progress(stream, EN, "leads.csv", 1000, tty=True, monotonic=lambda: next(ticks))
    for _ in range(1000):
        progress.advance()
    progress.finish()
    output = stream.getvalue()
    assert output.endswith("1000/1000\n")
    assert output.count("\n") == 1
    # 1000 rows over about one second of the fake clock: about ten redraws, not a thousand.
    assert 5 <= output.count("\r") <= 15


def test_the_import_reports_progress_on_its_stream(
    database: Database, handoffs: Handoffs, tmp_path: Path
) -> None:
    rows = "".join(f"Lead {n},lead{n}@example.com\n" for n in range(25))
    stream = io.StringIO()
    report = import_file(
        write(tmp_path, "name,email\n" + rows), handoffs, EN, progress_stream=stream
    )
    assert report.created == 25
    lines = stream.getvalue().splitlines()
    assert len(lines) <= 11
    assert lines[-1].endswith("25/25")
