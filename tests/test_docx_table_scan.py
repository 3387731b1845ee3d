"""The docx reader's one-pass table scan gives exactly the rows of its exact walk, and hands every
table it cannot read flat (nested tables, content controls, tracked property changes) to the walk."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import govinfo_report as gr
from govinfo_report import AnnualReport
from govinfo_report.formats import docx as formats_docx
from govinfo_report.values import Provenance
from strategies_local import printed_reports

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).parent.parent.parent / "shared" / "corpus" / "real"
W = formats_docx.W


def tables(data: bytes) -> list[etree._Element]:
    xml = formats_docx.document_xml(data, "t.docx")
    root = etree.fromstring(xml, parser=formats_docx._parser())
    return list(root.iter(formats_docx._TBL))


def check_scan_matches_walk(data: bytes) -> int:
    scanned = 0
    for table in tables(data):
        rows = formats_docx._scan_rows(table)
        if rows is not None:
            scanned += 1
            assert rows == formats_docx._walk_rows(table, [])
    return scanned


@settings(max_examples=10, deadline=None)
@given(printed_reports())
def test_scan_equals_walk_on_written_reports(report: AnnualReport) -> None:
    data = gr.write(report, "docx")
    assert check_scan_matches_walk(data) == len(tables(data))  # all flat: all scanned


@pytest.mark.parametrize(
    "path",
    [FIXTURES / "wps-odd-merges-2022.docx", CORPUS / "blank-template-2021.docx"],
    ids=lambda p: p.name,
)
def test_scan_equals_walk_on_real_files(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} not present")
    check_scan_matches_walk(path.read_bytes())


def _docx(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
        )
    return buffer.getvalue()


def _tc(text: str, properties: str = "", extra: str = "") -> str:
    return (
        f"<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p>{extra}</w:tc>"
    )


NESTED = f"<w:tbl><w:tr>{_tc('inner')}</w:tr></w:tbl>"
CASES = {
    "nested table": (
        f"<w:tbl><w:tr>{_tc('a', extra=NESTED)}{_tc('b')}</w:tr></w:tbl>",
        [[("a", 0, 1), ("b", 1, 1)], [("inner", 0, 1)]],
    ),
    "row in a content control": (
        f"<w:tbl><w:tr>{_tc('a')}</w:tr><w:sdt><w:sdtContent><w:tr>{_tc('b')}</w:tr>"
        "</w:sdtContent></w:sdt></w:tbl>",
        [[("a", 0, 1), ("b", 0, 1)]],
    ),
    "tracked change of a cell's span": (
        "<w:tbl><w:tr>"
        + _tc(
            "a",
            '<w:gridSpan w:val="2"/><w:tcPrChange><w:tcPr><w:gridSpan w:val="5"/>'
            "</w:tcPr></w:tcPrChange>",
        )
        + _tc("b")
        + "</w:tr></w:tbl>",
        [[("a", 0, 2), ("b", 2, 1)]],
    ),
    "paragraph in a block content control (not the cell's own)": (
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:sdt><w:sdtContent><w:p><w:r>"
        "<w:t>z</w:t></w:r></w:p></w:sdtContent></w:sdt></w:tc></w:tr></w:tbl>",
        [[("a", 0, 1)]],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tables_the_scan_cannot_read_flat_take_the_exact_walk(case: str) -> None:
    body, expected = CASES[case]
    data = _docx(body)
    assert all(formats_docx._scan_rows(t) is None for t in tables(data)[:1])
    document = formats_docx.read_docx(data, "t.docx")
    got = [[(c.text, c.column, c.column_span) for c in t.cells] for t in document.tables()]
    assert got == expected


_VALUES = [
    "",
    ' w:val="1"',
    ' w:val="2"',
    ' w:val="0"',
    ' w:val="x"',
    ' w:val="restart"',
    ' w:val="continue"',
]
_TEXTS = ["", "a", " b ", "\u3000", "12", "（一）", "&amp;"]


@st.composite
def _cell_xml(draw: st.DrawFn) -> str:
    properties = "".join(
        draw(
            st.lists(
                st.sampled_from(
                    [f"<w:gridSpan{v}/>" for v in _VALUES]
                    + [f"<w:vMerge{v}/>" for v in _VALUES]
                    + ['<w:tcW w:w="10"/>']
                ),
                max_size=3,
            )
        )
    )
    paragraphs = "".join(
        "<w:p>"
        + "".join(
            "<w:t/>" if text is None else f"<w:r><w:rPr/><w:t>{text}</w:t></w:r>" for text in runs
        )
        + "</w:p>"
        for runs in draw(
            st.lists(st.lists(st.none() | st.sampled_from(_TEXTS), max_size=3), max_size=2)
        )
    )
    tc_pr = f"<w:tcPr>{properties}</w:tcPr>" if draw(st.booleans()) else ""
    return f"<w:tc>{tc_pr}{paragraphs}</w:tc>"


@st.composite
def _table_xml(draw: st.DrawFn) -> str:
    rows = []
    for cells in draw(st.lists(st.lists(_cell_xml(), max_size=5), max_size=6)):
        before = draw(
            st.sampled_from(["", *(f"<w:trPr><w:gridBefore{v}/></w:trPr>" for v in _VALUES)])
        )
        rows.append(f"<w:tr>{before}{''.join(cells)}</w:tr>")
    return f"<w:tbl><w:tblPr/>{''.join(rows)}</w:tbl>"


@settings(max_examples=60, deadline=None)
@given(st.lists(_table_xml(), min_size=1, max_size=3))
def test_scan_equals_walk_on_random_tables(xml_tables: list[str]) -> None:
    """Random spans, vertical merges (valid or not), grid befores, runs and empty texts."""
    data = _docx(
        "".join(f"<w:p><w:r><w:t>t{i}</w:t></w:r></w:p>{t}" for i, t in enumerate(xml_tables))
    )
    assert check_scan_matches_walk(data) == len(xml_tables)
    document = formats_docx.read_docx(data, "t.docx")
    for index, table in enumerate(document.tables()):
        for cell in table.cells:
            assert cell.provenance == Provenance(
                source="t.docx", table=index, row=cell.row, column=cell.column
            )


def test_an_unresolved_entity_reference_keeps_the_text_after_it() -> None:
    # Word never writes a DOCTYPE; a file from the open web may. Entities are never resolved, and
    # the text after one must not be lost: ``1&e;5`` read as ``1`` would be a wrong value.
    xml = (
        '<!DOCTYPE w:document [<!ENTITY e "9">]>'
        f'<w:document xmlns:w="{W}"><w:body>'
        "<w:p><w:r><w:t>前&e;后</w:t></w:r></w:p>"
        f"<w:tbl><w:tr>{_tc('1&e;5')}{_tc('7')}</w:tr></w:tbl>"
        "</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", xml)
    document = formats_docx.read_docx(buffer.getvalue(), "t.docx")
    paragraphs = [p.text for p in document.paragraphs()]
    (table,) = document.tables()
    cells = [cell.text for row in table.grid() for cell in row if cell is not None]
    assert "前&e;后" in paragraphs
    assert cells == ["1&e;5", "7"]
