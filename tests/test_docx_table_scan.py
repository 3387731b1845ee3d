"""The docx reader's one-pass table scan gives exactly the rows of its exact walk, and hands every
table it cannot read flat (nested tables, content controls, tracked property changes) to the walk."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from lxml import etree

import govinfo_report as gr
from govinfo_report import AnnualReport
from govinfo_report.formats import docx as formats_docx
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
