"""`sla-bot import`: the terminal side of a CSV import (progress bar, summary, exit code)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import OperationalError

from bot.bootstrap import boot, read_agreement
from bot.cli.failures import one_line
from bot.cli.problems import problem_catalogue, problem_lines
from bot.leads.csv_import import EXIT_FAILED, ImportReport, ImportStopped, import_rows
from bot.leads.csv_rows import ImportAborted, read_csv
from bot.leads.handoffs import Handoffs
from bot.runtime.clock import Clock, utc_now
from bot.settings import Settings
from bot.ui.catalogue import Catalogue
from bot.ui.render import plain
from sla_rules.agreement import AgreementError


class Progress:
    """A progress bar: redrawn in place on a terminal, one line every 10% anywhere else."""

    WIDTH = 20
    INTERVAL = 0.1

    def __init__(
        self,
        stream: TextIO,
        cat: Catalogue,
        file: str,
        total: int,
        *,
        tty: bool | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.cat = cat
        self.file = file
        self.total = total
        self.done = 0
        self.tty = _is_tty(stream) if tty is None else tty
        self._monotonic = monotonic
        self._drawn_at: float | None = None
        self._decile = 0
        if self.tty and total:
            self._draw()

    def line(self) -> str:
        """The bar as it stands: 'Importing leads.csv  [#####---------------]  250/1000'."""
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return self.cat.t(
            "import.progress", file=self.file, bar=bar, done=self.done, total=self.total
        )

    def advance(self) -> None:
        """Count one more line handled, redrawing when it is time to."""
        self.done += 1
        if not self.total:
            return
        if self.tty:
            last = self._drawn_at
            # Redrawing on every row would make a fast import spend its time on the terminal.
            if self.done >= self.total or last is None or self._monotonic() - last >= self.INTERVAL:
                self._draw()
            return
        decile = 10 * self.done // self.total
        if decile > self._decile:
            self._decile = decile
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def finish(self) -> None:
        """Leave the terminal's cursor on a fresh line."""
        if self.tty and self.total:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self) -> None:
        self.stream.write("\r" + self.line())
        self.stream.flush()
        self._drawn_at = self._monotonic()


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def import_file(
    path: str | Path,
    handoffs: Handoffs,
    cat: Catalogue,
    *,
    clock: Clock = utc_now,
    progress_stream: TextIO | None = None,
) -> ImportReport:
    """Hand off every line of a CSV file; raise ImportAborted before storing anything if unfit."""
    source = read_csv(path, cat)
    progress = Progress(progress_stream or sys.stderr, cat, Path(path).name, len(source.rows))
    return import_rows(source, handoffs, cat, clock=clock, progress=progress)


def summary_lines(report: ImportReport, file: str, cat: Catalogue, channel: str) -> list[str]:
    """The summary printed after an import, in the agreement's language."""
    counts = [
        cat.plural("import.created", report.created),
        cat.plural("import.known", report.known),
        cat.plural("import.attached", report.attached),
        cat.plural("import.rejected", len(report.rejected)),
    ]
    lines = [cat.t("import.summary", file=file, counts=cat.join(counts))]
    for line, errors in report.rejected:
        reasons = "; ".join(
            cat.t("import.reason", field=name, message=message) for name, message in errors.items()
        )
        lines.append("  " + cat.t("import.rejected_line", line=line, reasons=reasons))
    lines.extend(cat.t("import.warning", message=warning) for warning in report.warnings)
    if report.created or report.attached:
        lines.append(plain(cat.t("import.announce", channel=channel)))
    else:
        lines.append(cat.t("import.nothing_new"))
    return lines


def run_import(
    file: str,
    settings: Settings,
    agreement_path: str | None = None,
    *,
    clock: Clock = utc_now,
) -> int:
    """`sla-bot import FILE`: import in-process against DATABASE_URL; return the exit code."""
    try:
        # The agreement comes first, on its own: its locale is the language the CSV's
        # problems are named in, and a file unfit to import must not touch the database.
        agreement = read_agreement(settings, agreement_path)
    except AgreementError as error:
        # In the agreement's own locale when that key was valid, else English, as check does.
        problems = "\n".join(problem_lines(error))
        print(problem_catalogue(error).t("import.cannot_start", error=problems), file=sys.stderr)
        return EXIT_FAILED
    cat = Catalogue(agreement.locale)
    try:
        source = read_csv(file, cat)
    except ImportAborted as error:
        print(str(error), file=sys.stderr)
        return EXIT_FAILED
    try:
        booted = boot(settings, agreement=agreement, clock=clock)
    except OperationalError as error:
        print(cat.t("import.no_database", error=one_line(error.orig)), file=sys.stderr)
        return EXIT_FAILED
    database = booted.database
    try:
        progress = Progress(sys.stderr, cat, Path(file).name, len(source.rows))
        report = import_rows(source, booted.cases.handoffs, cat, clock=clock, progress=progress)
    except ImportStopped as stopped:
        for line in summary_lines(stopped.report, file, cat, agreement.slack.handoff_channel):
            print(line)
        print(
            cat.t("import.stopped", line=stopped.line, error=one_line(stopped.error.orig)),
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        database.dispose()
    for line in summary_lines(report, file, cat, agreement.slack.handoff_channel):
        print(line)
    return report.exit_code
