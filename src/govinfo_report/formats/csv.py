"""CSV: a tidy table (one row per cell, read back by the ``csv`` reader) and a wide one (one row
per report, a column per key) for corpora."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from ..errors import ReportReadError
from ..findings import Finding
from ..hookspecs import hookimpl
from ..model import (
    AnnualReport,
    Edition,
    ReportMeta,
    TemplateCell,
    build_report,
    template_cells,
)
from ..plugins import Reader, ReadFunction, ReadResult, WriteFunction, Writer
from ..reading import reading_finding
from ..values import CellState, Provenance, canonical_text, parse_cell_text

__all__ = ["TIDY_COLUMNS", "read_tidy_csv", "tidy_labels", "write_tidy_csv", "write_wide_csv"]

TIDY_COLUMNS = (
    "edition",
    "year",
    "agency",
    "key",
    "section",
    "row",
    "column",
    "value",
    "raw",
    "state",
    "kind",
)
"""Columns of the tidy CSV: report identity, the canonical key, the Chinese labels, the value as in
the cells export, the raw text as printed, the cell's state and the template cell's kind."""


def tidy_labels(spec: TemplateCell) -> tuple[str, str, str]:
    """The tidy table's section, row and column labels of a template cell (shared with the batch
    database's cells export)."""
    return spec.labels[0], "·".join(spec.labels[1:-1]), spec.labels[-1]


def _value_text(state: CellState, cell_value: object, text: str) -> str:
    if state in (CellState.BLANK, CellState.ABSENT):
        return ""
    if state is CellState.NUMBER:
        return str(cell_value)
    return text


def write_tidy_csv(report: AnnualReport, findings: Sequence[Finding]) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(TIDY_COLUMNS)
    identity = [report.edition.value, report.meta.year or "", report.meta.agency or ""]
    for spec, cell in report.cells():
        if cell.state is CellState.ABSENT:
            continue
        writer.writerow(
            [
                *identity,
                spec.key,
                *tidy_labels(spec),
                _value_text(cell.state, cell.value, canonical_text(cell)),
                cell.raw,
                cell.state.value,
                spec.kind.value,
            ]
        )
    return output.getvalue().encode("utf-8")


def write_wide_csv(report: AnnualReport, findings: Sequence[Finding]) -> bytes:
    """One header row and one row for this report; concatenate the rows of many reports (same
    edition) into one corpus table."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    specs = template_cells(report.edition, single_other_row=report.single_other_row)
    writer.writerow(["edition", "year", "agency", "source", *(s.key for s in specs)])
    row = [
        report.edition.value,
        report.meta.year or "",
        report.meta.agency or "",
        report.source or "",
    ]
    for cell in report.cell_tuple():
        row.append(_value_text(cell.state, cell.value, canonical_text(cell)))
    writer.writerow(row)
    return output.getvalue().encode("utf-8")


def read_tidy_csv(data: bytes, name: str) -> ReadResult:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportReadError(name, code="csv.not_utf8", place=f"byte {exc.start}") from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"edition", "key", "value"} <= set(rows[0]):
        raise ReportReadError(name, code="csv.not_tidy")
    first = rows[0]
    try:
        edition = Edition(first["edition"])
    except ValueError:
        raise ReportReadError(
            name, code="data.unknown_edition", edition=first["edition"], place="line 2"
        ) from None
    year_text = (first.get("year") or "").strip()
    if year_text and not year_text.isdigit():
        raise ReportReadError(name, code="data.bad_year", year=year_text, place="line 2")
    kinds = {s.key: s.kind for s in template_cells(edition)}
    kinds.update({s.key: s.kind for s in template_cells(edition, single_other_row=True)})
    cells = {}
    for number, row in enumerate(rows, start=2):
        key = row.get("key") or ""
        where = Provenance(source=name, line=number)
        cells[key] = parse_cell_text(row.get("value") or "", kinds.get(key, _COUNT), where)
    meta = ReportMeta(
        agency=first.get("agency") or None, year=int(year_text) if year_text else None
    )
    report, leftover = build_report(edition, cells, meta=meta, source=name)
    findings = tuple(
        reading_finding(
            "read.unknown_cell",
            f"键「{key}」不是 {edition.value} 年版模板的单元格",
            f"key {key!r} is not a cell of the {edition.value} edition",
            cells=(key,),
            actual=cells[key].raw,
            source=cells[key].provenance,
        )
        for key in leftover
    )
    return ReadResult(report=report, findings=findings, reader="csv")


_COUNT = template_cells(Edition.E2021)[0].kind


def _sniff_csv(head: bytes, name: str) -> float:
    if head.removeprefix(b"\xef\xbb\xbf").startswith(b"edition,year,agency,key"):
        return 0.9
    return 0.3 if name.lower().endswith(".csv") else 0.0


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    function: ReadFunction = read_tidy_csv
    register(
        Reader(
            "csv",
            load=lambda: function,
            suffixes=(".csv",),
            media_types=("text/csv",),
            sniff=_sniff_csv,
            description="The tidy CSV written by the csv writer (one row per cell).",
        )
    )


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    tidy: WriteFunction = write_tidy_csv
    wide: WriteFunction = write_wide_csv
    register(
        Writer(
            "csv",
            load=lambda: tidy,
            suffix=".csv",
            media_type="text/csv",
            description="Tidy CSV: one row per cell with key, Chinese labels, value, raw text, state.",
        )
    )
    register(
        Writer(
            "csv-wide",
            load=lambda: wide,
            suffix=".wide.csv",
            media_type="text/csv",
            description="Wide CSV: a header and one row per report, a column per canonical key.",
        )
    )
