"""`sla-bot import`: hand off the leads of a CSV file through the same use case as the API."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.exc import OperationalError

from bot.leads.handoff_input import HandoffIn, parse_handoff
from bot.leads.handoffs import Handoffs
from bot.leads.messages import LeadMessages
from bot.runtime.clock import Clock, utc_now
from bot.settings import Settings
from bot.ui.catalogue import Catalogue
from bot.ui.render import plain
from sla_rules.agreement import Agreement, AgreementError, load_agreement
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import Database

# Each field of a handoff and the column titles that name it, the field's own name first.
# Titles are compared without case, accents, or the difference between spaces, _ and -.
COLUMNS: dict[str, tuple[str, ...]] = {
    "external_id": ("external_id", "id", "crm_id", "id_externo"),
    "name": ("name", "nombre"),
    "email": ("email", "correo"),
    "phone": ("phone", "teléfono"),
    "company": ("company", "empresa"),
    "source": ("source", "origen", "fuente"),
    "reason": ("reason", "why qualified", "motivo", "razón"),
    "handed_off_at": ("handed_off_at", "fecha", "entregado"),
}
DERIVED_PREFIX = "csv:"
EXIT_OK, EXIT_REJECTED, EXIT_FAILED = 0, 1, 2

_SEPARATORS = re.compile(r"[\s_-]+")


def column_key(title: str) -> str:
    """The form of a column title used to recognise it: 'Teléfono ' and 'telefono' match."""
    decomposed = unicodedata.normalize("NFKD", title.strip().casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", bare).strip()


_FIELD_OF = {column_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


class ImportAborted(Exception):
    """The import cannot run at all (unreadable file, no name column): nothing was stored."""


class ImportStopped(Exception):
    """The database stopped answering mid-import: the lines before `line` are stored."""

    def __init__(self, line: int, report: ImportReport, error: OperationalError) -> None:
        super().__init__(f"stopped at line {line}")
        self.line = line
        self.report = report
        self.error = error


@dataclass(frozen=True)
class CsvRow:
    """One non-blank line of the file: its spreadsheet line number and its cells by field."""

    line: int
    cells: dict[str, str]
    extra_cells: bool


@dataclass(frozen=True)
class CsvFile:
    """A CSV file read and checked up front, before the database is touched."""

    rows: list[CsvRow]
    delimiter: str
    warnings: list[str]


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


def _delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=",;").delimiter
    except csv.Error:
        # A single column gives the sniffer nothing to go on.
        return ","


def _decode(raw: bytes, path: str, cat: Catalogue) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ImportAborted(cat.t("import.not_utf8", file=path, line=line)) from None


def _expected_columns() -> str:
    return ", ".join(
        f"{aliases[0]} ({', '.join(aliases[1:])})" if len(aliases) > 1 else aliases[0]
        for aliases in COLUMNS.values()
    )


def read_csv(path: str | Path, cat: Catalogue) -> CsvFile:
    """Read and check the whole file, or raise ImportAborted with a message for the user."""
    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ImportAborted(cat.t("import.unreadable", file=shown, reason=reason)) from None
    text = _decode(raw, shown, cat)
    if not text.strip():
        raise ImportAborted(cat.t("import.empty", file=shown))
    delimiter = _delimiter(text.lstrip("\r\n").splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Read to the end now: a broken line must stop the import before anything is stored.
        records = list(reader)
    except csv.Error as error:
        raise ImportAborted(
            cat.t("import.malformed", file=shown, line=reader.line_num, reason=str(error))
        ) from None
    # A spreadsheet numbers rows, not physical lines: a quoted cell may span several.
    numbered = [
        (number, cells)
        for number, cells in enumerate(records, start=1)
        if any(cell.strip() for cell in cells)
    ]
    if not numbered:
        raise ImportAborted(cat.t("import.empty", file=shown))
    (_, header), body = numbered[0], numbered[1:]
    columns, warnings = _map_header(header, cat)
    if "name" not in columns.values():
        found = ", ".join(title.strip() for title in header if title.strip())
        raise ImportAborted(
            cat.t(
                "import.no_name",
                file=shown,
                found=found or cat.t("import.none_found"),
                expected=_expected_columns(),
            )
        )
    rows = [
        CsvRow(
            line=number,
            cells={name: cells[index] for index, name in columns.items() if index < len(cells)},
            extra_cells=any(cell.strip() for cell in cells[len(header) :]),
        )
        for number, cells in body
    ]
    return CsvFile(rows=rows, delimiter=delimiter, warnings=warnings)


def _map_header(header: list[str], cat: Catalogue) -> tuple[dict[int, str], list[str]]:
    columns: dict[int, str] = {}
    titles: dict[str, str] = {}
    unknown: list[str] = []
    warnings: list[str] = []
    for index, title in enumerate(header):
        name = _FIELD_OF.get(column_key(title))
        if name is None:
            # Spreadsheets often export trailing columns without a title: nothing to report.
            if title.strip():
                unknown.append(title.strip())
        elif name in titles:
            warnings.append(
                cat.t(
                    "import.duplicate_column",
                    column=title.strip(),
                    field=name,
                    first=titles[name],
                )
            )
        else:
            columns[index] = name
            titles[name] = title.strip()
    if unknown:
        warnings.insert(0, cat.t("import.unknown_columns", columns=", ".join(unknown)))
    return columns, warnings


def derived_external_id(cells: dict[str, str]) -> str:
    """A stable external ID for a row without one, so that a rerun finds the same leads."""
    # Fixed field order and collapsed spaces: reordered columns or stray spaces change nothing.
    values = [" ".join(cells.get(name, "").split()) for name in COLUMNS if name != "external_id"]
    digest = hashlib.sha256("\x1f".join(values).encode("utf-8")).hexdigest()
    return DERIVED_PREFIX + digest[:16]


def _in_zone(text: str, zone: ZoneInfo) -> Any:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        # Let parse_handoff name the problem in the user's language.
        return text
    # Spreadsheets rarely write offsets: a bare date or time is the agreement's local time.
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def validate_row(
    row: CsvRow, cat: Catalogue, zone: ZoneInfo, now: datetime, delimiter: str = ","
) -> tuple[HandoffIn | None, dict[str, str]]:
    """Turn one CSV row into a handoff, or give the reasons by field why it cannot be one."""
    if row.extra_cells:
        return None, {"row": cat.t("import.extra_cells", delimiter=delimiter)}
    # An empty cell is a value not given (an empty date would otherwise be a malformed one).
    values: dict[str, Any] = {name: cell for name, cell in row.cells.items() if cell.strip()}
    if "external_id" not in values:
        values["external_id"] = derived_external_id(row.cells)
    if "handed_off_at" in values:
        values["handed_off_at"] = _in_zone(values["handed_off_at"], zone)
    # The same plausible range as the API (sla_rules.instants): no year 1, no far future.
    return parse_handoff(values, cat, now=now)


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
    return import_rows(
        source, Path(path).name, handoffs, cat, clock=clock, progress_stream=progress_stream
    )


def import_rows(
    source: CsvFile,
    file: str,
    handoffs: Handoffs,
    cat: Catalogue,
    *,
    clock: Clock = utc_now,
    progress_stream: TextIO | None = None,
) -> ImportReport:
    """Hand off the rows of a file already read, one transaction per row."""
    report = ImportReport(warnings=list(source.warnings))
    zone = handoffs.agreement.zone
    progress = Progress(progress_stream or sys.stderr, cat, file, len(source.rows))
    for row in source.rows:
        data, errors = validate_row(row, cat, zone, clock(), source.delimiter)
        if data is None:
            report.rejected.append((row.line, errors))
        else:
            try:
                outcome = handoffs.hand_off(data, via="import").outcome
            except OperationalError as error:
                progress.finish()
                raise ImportStopped(row.line, report, error) from error
            setattr(report, outcome, getattr(report, outcome) + 1)
        progress.advance()
    progress.finish()
    return report


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


def build_handoffs(database: Database, agreement: Agreement, clock: Clock = utc_now) -> Handoffs:
    """The handoff use case as the bot builds it, minus Slack: the outbox keeps the messages."""
    cat = Catalogue(agreement.locale)
    messages = LeadMessages(cat, agreement.zone, agreement.response.first_touch_within)
    return Handoffs(database, agreement, messages, clock)


def run_import(
    file: str,
    settings: Settings,
    agreement_path: str | None = None,
    *,
    clock: Clock = utc_now,
) -> int:
    """`sla-bot import FILE`: import in-process against DATABASE_URL; return the exit code."""
    try:
        agreement = load_agreement(agreement_path or settings.sla_config)
    except AgreementError as error:
        # No agreement, no locale: English, as `sla-bot check` does.
        print(Catalogue("en").t("import.cannot_start", error=error), file=sys.stderr)
        return EXIT_FAILED
    cat = Catalogue(agreement.locale)
    try:
        source = read_csv(file, cat)
    except ImportAborted as error:
        print(str(error), file=sys.stderr)
        return EXIT_FAILED
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except OperationalError as error:
        engine.dispose()
        print(cat.t("import.no_database", error=error.orig), file=sys.stderr)
        return EXIT_FAILED
    database = Database(engine)
    try:
        report = import_rows(
            source, Path(file).name, build_handoffs(database, agreement, clock), cat, clock=clock
        )
    except ImportStopped as stopped:
        for line in summary_lines(stopped.report, file, cat, agreement.slack.handoff_channel):
            print(line)
        print(cat.t("import.stopped", line=stopped.line, error=stopped.error.orig), file=sys.stderr)
        return EXIT_FAILED
    finally:
        database.dispose()
    for line in summary_lines(report, file, cat, agreement.slack.handoff_channel):
        print(line)
    return report.exit_code
