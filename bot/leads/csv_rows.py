"""A CSV file of leads read and checked before anything is stored: its columns, rows and cells."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.leads.handoff_input import HandoffIn, parse_handoff
from bot.ui.catalogue import Catalogue

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

_SEPARATORS = re.compile(r"[\s_-]+")


def column_key(title: str) -> str:
    """The form of a column title used to recognise it: 'Teléfono ' and 'telefono' match."""
    decomposed = unicodedata.normalize("NFKD", title.strip().casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", bare).strip()


_FIELD_OF = {column_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


class ImportAborted(Exception):
    """The import cannot run at all (unreadable file, no name column): nothing was stored."""


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
