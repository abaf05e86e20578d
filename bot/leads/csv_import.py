"""Handing off the rows of a CSV file already read, one transaction per row, as the API does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.exc import OperationalError

from bot.leads.csv_rows import CsvFile, validate_row
from bot.leads.handoffs import Handoffs
from bot.runtime.clock import Clock, utc_now
from bot.ui.catalogue import Catalogue

# `sla-bot import` exits with these: 1 means some lines were rejected, 2 that it could not run.
EXIT_OK, EXIT_REJECTED, EXIT_FAILED = 0, 1, 2


class ImportStopped(Exception):
    """The database stopped answering mid-import: the lines before `line` are stored."""

    def __init__(self, line: int, report: ImportReport, error: OperationalError) -> None:
        super().__init__(f"stopped at line {line}")
        self.line = line
        self.report = report
        self.error = error


@dataclass
class ImportReport:
    """What an import did: counts by outcome, rejected lines with reasons, warnings."""

    created: int = 0
    known: int = 0
    attached: int = 0
    rejected: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every line was accepted, 1 when some were rejected."""
        return EXIT_REJECTED if self.rejected else EXIT_OK


class ImportProgress(Protocol):
    """What follows an import row by row (the terminal's progress bar, say)."""

    def advance(self) -> None:
        """Count one more row handled."""

    def finish(self) -> None:
        """The import is over, done or stopped."""


class NoProgress:
    """Follows nothing: for callers with nobody watching."""

    def advance(self) -> None:
        """Nothing to count."""

    def finish(self) -> None:
        """Nothing to close."""


def import_rows(
    source: CsvFile,
    handoffs: Handoffs,
    cat: Catalogue,
    *,
    clock: Clock = utc_now,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Hand off the rows of a file already read, one transaction per row."""
    report = ImportReport(warnings=list(source.warnings))
    zone = handoffs.agreement.zone
    progress = NoProgress() if progress is None else progress
    for row in source.rows:
        now = clock()  # one read per row: its checks and its stored lead agree on it
        data, errors = validate_row(row, cat, zone, now, source.delimiter)
        if data is None:
            report.rejected.append((row.line, errors))
        else:
            try:
                outcome = handoffs.hand_off(data, via="import", now=now).outcome
            except OperationalError as error:
                progress.finish()
                raise ImportStopped(row.line, report, error) from error
            setattr(report, outcome, getattr(report, outcome) + 1)
        progress.advance()
    progress.finish()
    return report
