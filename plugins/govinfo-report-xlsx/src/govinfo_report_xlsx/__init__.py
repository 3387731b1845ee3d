"""govinfo_report plugin: the three tables of an annual report as an .xlsx workbook."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import IO, Any

from govinfo_report import AnnualReport, Finding, ReportReadError
from govinfo_report.document import Block, Document, GridCell, Paragraph, Table
from govinfo_report.hookspecs import hookimpl
from govinfo_report.layout import official_tables
from govinfo_report.limits import check_zip_members, current_limits
from govinfo_report.model import TemplateCell
from govinfo_report.plugins import Reader, Writer
from govinfo_report.values import Cell, CellState, Provenance

__version__ = "0.1.0"

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP = b"PK\x03\x04"


def _sniff(head: bytes, name: str) -> float:
    if name.lower().endswith((".xlsx", ".xlsm")):
        return 0.9
    if head.startswith(_ZIP) and b"xl/" in head:
        return 0.8
    return 0.0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # Excel keeps numbers as floats; 3.0 was typed as 3.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _check_archive(data: bytes, name: str) -> None:
    """Refuse archives that would unpack beyond the library's limits (zip bombs)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ReportReadError(name, code="xlsx.not_a_zip", detail=str(exc)) from exc
    check_zip_members(members, name)


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _position(ref: str) -> tuple[int, int] | None:
    """``(row, column)`` of a reference such as ``XFD1048576``."""
    match = _REF.match(ref.strip())
    if match is None:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)), column


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _sheet_extent(stream: IO[bytes]) -> tuple[int, int]:
    """The positions a reader walks over for one sheet: its used range (from the cells actually
    present, not the ``dimension`` it claims) and the cells its merges cover."""
    from lxml import etree

    low_row = low_column = high_row = high_column = 0
    merged = 0
    row = column = 0
    for _, element in etree.iterparse(
        stream, events=("end",), resolve_entities=False, no_network=True, load_dtd=False
    ):
        tag = _local(element.tag)
        if tag == "row":
            row = int(element.get("r") or row + 1)
            column = 0
        elif tag == "c":
            where = _position(element.get("r") or "")
            row, column = where if where else (max(row, 1), column + 1)
            low_row = min(low_row or row, row)
            low_column = min(low_column or column, column)
            high_row, high_column = max(high_row, row), max(high_column, column)
        elif tag == "mergeCell":
            first, _, last = (element.get("ref") or "").partition(":")
            start, end = _position(first), _position(last or first)
            if start and end:
                merged += (abs(end[0] - start[0]) + 1) * (abs(end[1] - start[1]) + 1)
        element.clear()
    used = (high_row - low_row + 1) * (high_column - low_column + 1) if high_row else 0
    return used, merged


def _check_sheets(data: bytes, name: str) -> None:
    """Refuse sheets whose used range or merges cover more positions than the limits allow,
    before openpyxl builds them (it creates an object for every position a merge covers)."""
    import zipfile

    limits = current_limits()
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if not member.filename.startswith("xl/worksheets/"):
                continue
            if not member.filename.endswith(".xml"):
                continue
            try:
                with archive.open(member) as stream:
                    used, merged = _sheet_extent(stream)
            except Exception as exc:  # damaged XML or zip member: openpyxl reports it below
                if isinstance(exc, ReportReadError):
                    raise
                continue
            for code, count in (
                ("limits.sheet_used_range", used),
                ("limits.sheet_merged_cells", merged),
            ):
                if count > limits.max_table_cells:
                    raise ReportReadError(
                        name,
                        code=code,
                        member=member.filename,
                        count=count,
                        limit=limits.max_table_cells,
                    )
            total += used + merged
            if total > limits.max_document_cells:
                raise ReportReadError(
                    name, code="limits.document_cells", limit=limits.max_document_cells
                )


def read_xlsx(data: bytes, name: str) -> Document:
    """Every sheet, top to bottom: one-cell rows become paragraphs, the rest table rows."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    _check_archive(data, name)
    _check_sheets(data, name)

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ReportReadError(name, code="xlsx.unreadable", detail=str(exc)) from exc
    except Exception as exc:  # zipfile and XML errors of a damaged file
        raise ReportReadError(name, code="xlsx.damaged", detail=repr(exc)) from exc
    blocks: list[Block] = []
    for sheet_index, sheet in enumerate(workbook.worksheets):
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for merged in sheet.merged_cells.ranges:
            spans[(merged.min_row, merged.min_col)] = (
                merged.max_row - merged.min_row + 1,
                merged.max_col - merged.min_col + 1,
            )
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if (r, c) != (merged.min_row, merged.min_col):
                        covered.add((r, c))
        pending: list[GridCell] = []
        first_row = 0

        def close_table(cells: list[GridCell], sheet: int, row: int) -> None:
            if cells:
                blocks.append(Table(tuple(cells), Provenance(source=name, table=sheet, row=row)))
            cells.clear()

        for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            present = [(c, v) for c, v in enumerate(row, start=1) if v is not None]
            if not any(_text(v).strip() for _, v in present):
                continue
            first_column, first_value = present[0]
            if len(present) == 1 and first_column == 1 and (row_number, 1) not in spans:
                close_table(pending, sheet_index, first_row)
                where = Provenance(source=name, table=sheet_index, row=row_number - 1, column=0)
                blocks.append(Paragraph(_text(first_value).strip(), where))
                continue
            if not pending:
                first_row = row_number
            for column_number, value in enumerate(row, start=1):
                if (row_number, column_number) in covered:
                    continue
                row_span, column_span = spans.get((row_number, column_number), (1, 1))
                pending.append(
                    GridCell(
                        _text(value),
                        row_number - first_row,
                        column_number - 1,
                        row_span,
                        column_span,
                        Provenance(
                            source=name,
                            table=sheet_index,
                            row=row_number - 1,
                            column=column_number - 1,
                        ),
                    )
                )
        close_table(pending, sheet_index, first_row)
    return Document(tuple(blocks), source=name)


def _value(spec: TemplateCell, cell: Cell) -> Any:
    if cell.state is CellState.NUMBER and type(cell.value) is int:
        return cell.value
    if cell.state is CellState.ABSENT:
        return None
    # A blank cell is written as an empty string, not left out: the row keeps its shape.
    return cell.text()


def write_xlsx(report: AnnualReport, findings: Sequence[Finding]) -> bytes:
    """Title, then each section's title and table in the official layout, on one sheet."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "年度报告"
    year = f"{report.meta.year}年" if report.meta.year is not None else ""
    sheet.append([f"{report.meta.agency or ''}{year}政府信息公开工作年度报告"])
    values: dict[str, Any] = {spec.key: _value(spec, cell) for spec, cell in report.cells()}
    for table in official_tables(report, cell_text=lambda spec, cell: spec.key):
        sheet.append([table.title])
        for index, row in enumerate(table.rows):
            if index in table.value_rows:
                sheet.append([values.get(t, t) for t in row])
            else:
                sheet.append(list(row) if len(row) > 1 else [row[0], None])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "xlsx",
            load=lambda: read_xlsx,
            suffixes=(".xlsx", ".xlsm"),
            media_types=(MEDIA_TYPE,),
            magic=(_ZIP,),
            sniff=_sniff,
            description="Excel/WPS workbooks holding the report tables (merged cells resolved).",
        )
    )


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    register(
        Writer(
            "xlsx",
            load=lambda: write_xlsx,
            suffix=".xlsx",
            media_type=MEDIA_TYPE,
            binary=True,
            description="The three tables in the official layout, one sheet.",
        )
    )
