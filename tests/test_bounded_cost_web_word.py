"""HTML, Word and text limits hold for spans and are counted before the expensive step (issue 15).

The full-size bombs (a 49 MB page, ``gridSpan=1000`` over 100,000 rows, …) are read in a child
process by ``tests/test_bombs.py``; here the same limits are shown small, at their edges.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govinfo_report as gr
from govinfo_report.document import GridCell, Table
from govinfo_report.formats.docx import read_docx
from govinfo_report.formats.html import read_html
from govinfo_report.interpret import _row_cells
from govinfo_report.limits import Limits, using_limits

# ---------------------------------------------------------------- the same limits, small


def _docx(xml: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _merged_docx(span: int, rows: int) -> bytes:
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="{span}"/>{merge}</w:tcPr><w:p/></w:tc>'
    first = cell.format(span=span, merge='<w:vMerge w:val="restart"/>')
    rest = cell.format(span=span, merge="<w:vMerge/>")
    body = f"<w:tr>{first}</w:tr>" + f"<w:tr>{rest}</w:tr>" * (rows - 1)
    return _docx(f'<w:document xmlns:w="{W}"><w:body><w:tbl>{body}</w:tbl></w:body></w:document>')


def test_docx_spans_count_as_the_cells_they_cover() -> None:
    limits = Limits(max_table_cells=1000)
    # 10 columns × 100 rows = 1000 cells covered: accepted; one row more is refused.
    with using_limits(limits):
        [table] = read_docx(_merged_docx(10, 100), "ok.docx").tables()
        assert table.shape == (100, 10)
        with pytest.raises(gr.ReportReadError, match="max_table_cells"):
            read_docx(_merged_docx(10, 101), "bomb.docx")


def test_html_grid_rectangle_is_bounded_while_laying_out() -> None:
    limits = Limits(max_table_cells=1000)
    rows = '<tr><td colspan="100">x</td></tr>' + "<tr><td>1</td></tr>" * 9
    with using_limits(limits):
        [table] = read_html(f"<table>{rows}</table>".encode(), "ok.html").tables()
        assert table.shape == (10, 100)
        with pytest.raises(gr.ReportReadError, match="max_table_cells"):
            read_html(f"<table>{rows}<tr><td>1</td></tr></table>".encode(), "bomb.html")


def test_html_cells_are_counted_before_the_page_is_parsed() -> None:
    limits = Limits(max_table_cells=50)
    page = "<table><tr>" + "<td>1</td>" * 51 + "</tr></table>"
    # Many small tables are fine; one big one is refused by the count, naming its table.
    with using_limits(limits):
        assert (
            len(
                list(
                    read_html(
                        ("<table><tr><td>1</td></tr></table>" * 60).encode(), "ok.html"
                    ).tables()
                )
            )
            == 60
        )
        with pytest.raises(gr.ReportReadError, match="max_table_cells") as error:
            read_html(("<table><tr><td>1</td></tr></table>" + page).encode(), "bomb.html")
    assert error.value.place == "table 2"


def test_cells_of_all_tables_together_are_bounded_before_parsing() -> None:
    # Many tables, each under the per-table limit: refused by their sum, naming it.
    limits = Limits(max_table_cells=50, max_document_cells=100)
    table = "<table><tr>" + "<td>1</td>" * 40 + "</tr></table>"
    with using_limits(limits):
        assert len(list(read_html((table * 2).encode(), "ok.html").tables())) == 2
        with pytest.raises(gr.ReportReadError, match="max_document_cells") as error:
            read_html((table * 3).encode(), "bomb.html")
        assert error.value.place == "table 3"
        row = "<w:tr>" + "<w:tc><w:p/></w:tc>" * 40 + "</w:tr>"
        body = f"<w:tbl>{row}</w:tbl>"
        document = '<w:document xmlns:w="{}"><w:body>{}</w:body></w:document>'
        assert len(list(read_docx(_docx(document.format(W, body * 2)), "ok.docx").tables())) == 2
        with pytest.raises(gr.ReportReadError, match="max_document_cells"):
            read_docx(_docx(document.format(W, body * 3)), "bomb.docx")


def test_tags_of_the_markup_are_bounded_before_parsing() -> None:
    limits = Limits(max_elements=100)
    page = "<html><body>" + "<p>1 2" * 96 + "</body></html>"  # 100 tags
    document = f'<w:document xmlns:w="{W}"><w:body>' + "<w:p/>" * 96 + "</w:body></w:document>"
    with using_limits(limits):
        assert read_html(page.encode(), "ok.html").blocks
        read_docx(_docx(document), "ok.docx")
        with pytest.raises(gr.ReportReadError, match="max_elements"):
            read_html(page.replace("<p>", "<p><b>1</b>", 1).encode(), "bomb.html")
        with pytest.raises(gr.ReportReadError, match="max_elements"):
            read_docx(_docx(document.replace("<w:p/>", "<w:p/><w:p/>", 1)), "bomb.docx")


def test_text_beyond_its_limit_is_refused_before_parsing() -> None:
    line = "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119\n"
    text = line * 100
    assert gr.read(text.encode(), name="ok.txt", limits=Limits(max_text_bytes=len(text.encode())))
    with pytest.raises(gr.ReportReadError, match="max_text_bytes"):
        gr.read(
            (text + line).encode(), name="big.txt", limits=Limits(max_text_bytes=len(text.encode()))
        )
    with pytest.raises(gr.ReportReadError, match="max_text_bytes"):
        gr.read(
            (text + line).encode(), name="big.md", limits=Limits(max_text_bytes=len(text.encode()))
        )


@st.composite
def spanned_tables(draw: st.DrawFn) -> Table:
    """Tables of cells with spans that never overlap (as readers build them)."""
    rows, columns = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    taken: set[tuple[int, int]] = set()
    cells = []
    for r in range(rows):
        for c in range(columns):
            if (r, c) in taken or draw(st.booleans()):
                continue
            row_span = draw(st.integers(1, rows - r))
            column_span = draw(st.integers(1, columns - c))
            covered = {(r + i, c + j) for i in range(row_span) for j in range(column_span)}
            if covered & taken:
                row_span = column_span = 1
                covered = {(r, c)}
            taken |= covered
            cells.append(GridCell(f"{r},{c}", r, c, row_span, column_span))
    return Table(tuple(cells))


@given(spanned_tables())
def test_table_rows_is_the_grid_read_row_by_row(table: Table) -> None:
    assert table.rows() == [_row_cells(row) for row in table.grid()]  # the interpreter's walk


def test_table_rows_costs_the_cells_not_the_rectangle() -> None:
    table = Table((GridCell("x", 0, 0, 1, 1000), *(GridCell("1", r, 0) for r in range(1, 99_001))))
    rows = table.rows()
    assert len(rows) == 99_001 and rows[0] == (table.cells[0],) and rows[-1] == (table.cells[-1],)
