"""Tables printed one cell per line with nothing between rows (a Word document saved as text by
LibreOffice or docx2txt, a web page's text copied): ``规章`` / ``4`` / ``2`` / ``2`` / ``行政规范性文件`` …"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings

import govinfo_report as gr
from govinfo_report import AnnualReport
from govinfo_report.serialize import to_cells
from govinfo_report.testing import uniform_report
from govinfo_report.testing.strategies import reports


def _lines(report: AnnualReport, order: Callable[[list[list[str]]], list[str]]) -> bytes:
    """The report's title and tables as text, every non-empty cell on a line of its own (an empty
    cell leaves no line, as those converters do); ``order`` lays out one table's rows."""
    lines = [f"{report.meta.agency}{report.meta.year}年政府信息公开工作年度报告"]
    for table in gr.layout.official_tables(report):
        lines.append(table.title)
        lines.extend(order([list(row) for row in table.rows]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _row_by_row(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell.strip()]


def _column_by_column(rows: list[list[str]]) -> list[str]:
    """Text taken out of a PDF in column order: the labels of a table, then each column's values."""
    width = max(len(row) for row in rows)
    return [row[c] for c in range(width) for row in rows if c < len(row) and row[c].strip()]


def _values_before_labels(rows: list[list[str]]) -> list[str]:
    """Each row's numbers printed before its label (as some PDF text layers order them): a label
    is then followed by exactly as many numbers as it has cells, the next row's."""

    def moved(row: list[str]) -> list[str]:
        labelled = row[0].strip() and gr.parse_cell_text(row[0]).state.value == "text"
        return [*row[1:], row[0]] if labelled else row

    return [cell for row in rows for cell in moved(row) if cell.strip()]


def _values(report: AnnualReport) -> dict[str, object]:
    return to_cells(report)["cells"]  # type: ignore[no-any-return]


def test_every_cell_of_a_table_one_cell_per_line_is_read() -> None:
    for edition, year in (("2019", 2020), ("2021", 2022)):
        report = uniform_report(edition, "7", agency="示例县人民政府", year=year)
        result = gr.read(_lines(report, _row_by_row), name="saved.txt")
        assert _values(result.report) == _values(report)
        assert not [f for f in result.findings if f.code == "read.stray_number"]


@settings(max_examples=40)
@given(reports())
def test_one_cell_per_line_is_read_right_or_left_absent(report: AnnualReport) -> None:
    """Every value read is the published one. A blank cell leaves no line, so a row with one is
    left absent; so is a row with a negative number (a line ``-3`` alone is read as a page
    number). A report with neither is read whole."""
    truth = _values(report)
    got = _values(gr.read(_lines(report, _row_by_row), name="saved.txt").report)
    wrong = {key: value for key, value in got.items() if value is not None and truth[key] != value}
    assert wrong == {}
    if not any(value is None or str(value).startswith("-") for value in truth.values()):
        assert got == truth


@settings(max_examples=40)
@given(reports())
def test_values_printed_apart_from_their_labels_are_never_given_to_a_label(
    report: AnnualReport,
) -> None:
    """Column-order text, or numbers before their labels: a label is followed by other rows'
    numbers. Nothing read is wrong."""
    truth = _values(report)
    for order in (_column_by_column, _values_before_labels):
        got = _values(gr.read(_lines(report, order), name="columns.txt").report)
        wrong = {k: value for k, value in got.items() if value is not None and truth[k] != value}
        assert wrong == {}
