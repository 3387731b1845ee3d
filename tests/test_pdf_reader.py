"""The PDF reader: committed fixtures from two producers, scans, encryption, damage, provenance."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import govinfo_report as gr
from govinfo_report import AnnualReport, CellState, ReportReadError
from govinfo_report.formats import pdf as pdf_format
from govinfo_report.testing.strategies import reports

FIXTURES = Path(__file__).parent / "fixtures"
READABLE = sorted(p.name for p in FIXTURES.glob("*.pdf") if p.with_suffix(".cells.json").exists())


def test_fixtures_from_both_producers_are_present() -> None:
    assert {n.split("-")[0] for n in READABLE} == {"lo", "chromium"}
    assert "chromium-unruled-2021.pdf" in READABLE  # the text-layer fallback


@pytest.mark.parametrize("name", READABLE)
def test_committed_pdfs_read_exactly(name: str) -> None:
    expected = json.loads((FIXTURES / name).with_suffix(".cells.json").read_text(encoding="utf-8"))
    result = gr.read(FIXTURES / name)
    assert result.reader == "pdf"
    assert gr.to_cells(result.report) == expected
    assert [f for f in result.findings if f.code == "read.stray_number"] == []
    assert not [f for f in gr.validate(result.report) if f.severity.fails]


def test_every_cell_of_a_ruled_pdf_knows_its_page_and_box() -> None:
    report = gr.read(FIXTURES / "lo-2021.pdf").report
    for spec, cell in report.cells():
        assert cell.provenance is not None, spec.key
        assert cell.provenance.page in (1, 2), spec.key
        assert cell.provenance.bbox is not None, spec.key
        x0, top, x1, bottom = cell.provenance.bbox
        assert x0 < x1 and top < bottom


def test_a_scan_gets_a_finding_that_points_to_ocr() -> None:
    # The built-in reader by name: with the OCR plugin installed, scans go to it.
    result = gr.read(FIXTURES / "scan-2021.pdf", reader="pdf")
    [finding] = [f for f in result.findings if f.code == "read.no_text"]
    assert finding.severity is gr.Severity.ERROR
    assert "OCR" in finding.message_en and "scan" in finding.message_en
    assert "govinfo-report-ocr" in finding.message_en and "govinfo-report-ocr" in finding.message
    assert {c.state for c in result.report.cell_tuple()} == {CellState.ABSENT}


def test_an_encrypted_pdf_raises_the_documented_error() -> None:
    with pytest.raises(ReportReadError, match="encrypted") as error:
        gr.read(FIXTURES / "encrypted-2021.pdf")
    assert error.value.source.endswith("encrypted-2021.pdf")


@pytest.mark.parametrize(
    "data",
    [
        (FIXTURES / "lo-2021.pdf").read_bytes()[:2000],
        b"%PDF-1.7\n" + b"\x00garbage" * 200,
        b"%PDF-",
    ],
    ids=["truncated", "garbage", "header-only"],
)
def test_a_broken_pdf_raises_the_documented_error(data: bytes) -> None:
    with pytest.raises(ReportReadError) as error:
        gr.read(data, name="broken.pdf")
    assert error.value.source == "broken.pdf"


def _count_plumber_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import pdfplumber.page

    calls: list[int] = []
    original = pdfplumber.page.Page.find_tables

    def counting(self: pdfplumber.page.Page, *args: object, **kwargs: object) -> object:
        calls.append(self.page_number)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", counting)
    return calls


def test_ruled_tables_come_from_pdfium_rulings_without_pdfminer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _count_plumber_calls(monkeypatch)
    result = gr.read(FIXTURES / "lo-long-2021.pdf")
    assert result.report.cell("applications.total.total").value == 127
    assert calls == []


@pytest.mark.parametrize("name", [n for n in READABLE if "unruled" not in n])
def test_pdfplumber_fallback_reads_the_same_cells(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # When rulings make no grid, pdfplumber's table finder runs on the ruled pages only.
    monkeypatch.setattr(pdf_format, "_pdfium_tables", lambda *args: None)
    calls = _count_plumber_calls(monkeypatch)
    data = (FIXTURES / name).read_bytes()
    expected = json.loads((FIXTURES / name).with_suffix(".cells.json").read_text(encoding="utf-8"))
    assert gr.to_cells(gr.read(data, name=name).report) == expected
    pages = pdf_format._pdfium_pages(data, name)
    ruled = [page.number for page in pages if page.paths >= pdf_format.RULED_PAGE_PATHS]
    assert calls == ruled


def test_cjk_radicals_from_pdf_fonts_are_read_as_characters() -> None:
    assert pdf_format._fix("样本县人⺠政府") == "样本县人民政府"


def test_corpus_pdf_reads_exactly(corpus: Path) -> None:
    truth = json.loads((corpus / "real" / "truth" / "huaian-2024.json").read_text(encoding="utf-8"))
    result = gr.read(corpus / "real" / "huaian-2024.pdf")
    assert gr.to_cells(result.report) == truth
    cell = result.report.cell("applications.received.natural_person")
    assert cell.provenance is not None and cell.provenance.page == 4 and cell.provenance.bbox


def test_prose_lines_ending_in_a_number_stay_in_their_section(corpus: Path) -> None:
    """The reader takes a line of prose ending in a number for a row of a table without
    rulings; in a prose section it is still that section's text, not dropped."""
    report = gr.read(corpus / "real" / "huaian-2024.pdf").report
    overview = "".join(report.narrative[0].text.split())
    for line in (
        "答复），均在法定期限内予以答复。政府信息公开行政复议351",
        "件，其中结果维持72件，结果纠正64件，其他结果178件，尚",
        "未审结37件；政府信息公开行政诉讼46件，其中结果维持25",
        "不规范等新老问题。截至目前，全市在运维政务新媒体共计95",
    ):
        assert line in overview


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(reports(single_other_row=None))
def test_generated_reports_printed_by_libreoffice_read_back_exactly(report: AnnualReport) -> None:
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "r.docx"
        source.write_bytes(gr.write(report, "docx"))
        subprocess.run(
            [
                "soffice",
                # a private profile: runs in parallel (other test sessions) never share one
                f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                work,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        back = gr.read(Path(work) / "r.pdf").report
    assert gr.to_cells(back) == gr.to_cells(report)


# ---------------------------------------------------------------- rows broken by a page break


def test_a_row_broken_across_pages_is_joined_with_both_places() -> None:
    result = gr.read(FIXTURES / "lo-broken-rows-2021.pdf")
    assert [f for f in result.findings if f.code == "read.broken_row"] == []
    cell = result.report.cell("applications.carried_in.natural_person")
    assert cell.value == 6000006  # "600000" at the foot of page 2, "6" at the head of page 3
    assert cell.provenance is not None
    assert (cell.provenance.page, cell.provenance.continued_page) == (2, 3)
    assert cell.provenance.continued_bbox is not None
    assert "2+3" in cell.provenance.describe()
    joined = [c for _, c in result.report.cells() if c.provenance and c.provenance.continued_page]
    assert {c.provenance.page for c in joined if c.provenance} == {2, 3}


_EDGES = (80.0, 200.0, 240.0, 280.0)


def _piece(rows: list[list[str]], page: int) -> gr.document.Table:
    from govinfo_report.document import GridCell, Table
    from govinfo_report.values import Provenance

    cells = tuple(
        GridCell(
            text,
            r,
            c,
            provenance=Provenance(
                source="t.pdf",
                page=page,
                row=r,
                column=c,
                bbox=(_EDGES[c], 100.0 + 20 * r, _EDGES[c + 1], 120.0 + 20 * r),
            ),
        )
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    )
    return Table(cells, Provenance(source="t.pdf", page=page))


def _join(foot: list[list[str]], head: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    from govinfo_report.document import Paragraph

    pages: list[list[gr.document.Block]] = [
        [_piece(foot, 1), Paragraph("- 1 -")],
        [Paragraph("第 2 页"), _piece(head, 2)],
    ]
    findings = pdf_format._join_broken_rows(pages, "t.pdf")
    rows: list[list[str]] = []
    for blocks in pages:
        for block in blocks:
            if isinstance(block, gr.document.Table):
                rows.extend([c.text if c else "?" for c in row] for row in block.grid())
    return rows, [f.code for f in findings]


def test_a_clean_page_break_between_numbered_rows_is_left_alone() -> None:
    foot = [["1.本机关不掌握", "3", "0"], ["2.没有现成信息", "", "4"]]
    head = [["3.补正后申请内容仍不明确", "0", "7"]]
    assert _join(foot, head) == ([*foot, *head], [])


def test_values_cut_short_at_the_foot_are_joined_with_their_rest() -> None:
    foot = [["1.本机关不掌握", "3", "0"], ["2.没有现成信息需要另行", "20", "4"]]
    head = [["制作", "1", ""], ["3.补正后申请内容仍不明确", "0", "7"]]
    rows, codes = _join(foot, head)
    assert rows == [foot[0], ["2.没有现成信息需要另行制作", "201", "4"], head[1]]
    assert codes == []


def test_a_row_that_may_be_new_or_continued_is_left_out_with_a_finding() -> None:
    # An unnumbered label at the head, values missing on one page: a new row with a blank, or
    # the rest of a broken row? The reader cannot tell, so neither piece is read.
    foot = [["规章", "1", "0"], ["规范性文件", "20", "4"]]
    head = [["行政许可", "1", ""], ["行政处罚", "0", "7"]]
    rows, codes = _join(foot, head)
    assert codes == ["read.broken_row"]
    assert rows == [foot[0], head[1]]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
@pytest.mark.parametrize("paragraphs", [1, 4, 19])
def test_rows_libreoffice_breaks_read_exactly_or_absent_never_inconsistent(
    paragraphs: int,
) -> None:
    import sys

    sys.path.insert(0, str(FIXTURES))
    import make_pdf_fixtures as make
    from make_fixtures import report_2021

    report = make.with_short_narrative(make.with_wide_numbers(report_2021()), paragraphs)
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / "r.pdf"
        make.libreoffice(gr.write(report, "docx"), target)
        result = gr.read(target)
    truth, read = gr.to_cells(report), gr.to_cells(result.report)
    wrong = {k: v for k, v in read.items() if v is not None and v != truth[k]}
    assert wrong == {}
    # A cell left out is a shape finding; a split value must never show as an inconsistency.
    failing = {f.code for f in gr.validate(result.report) if f.severity.fails}
    assert {code for code in failing if not code.startswith("shape.")} == set()


def test_scanned_pages_among_text_pages_are_named_not_passed_over() -> None:
    """Page 2 replaced by a picture of a page (no text layer): the finding names it."""
    import io

    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (850, 1100), "white")
    ImageDraw.Draw(picture).rectangle((100, 100, 750, 600), outline="black", width=3)
    scanned = io.BytesIO()
    picture.save(scanned, "PDF", resolution=100)
    text = pdfium.PdfDocument(FIXTURES / "lo-2021.pdf")
    image = pdfium.PdfDocument(scanned.getvalue())
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(text, [0])
    mixed.import_pages(image, [0])
    buffer = io.BytesIO()
    mixed.save(buffer)
    result = gr.read(buffer.getvalue(), name="mixed.pdf")
    [finding] = [f for f in result.findings if f.code == "read.no_text"]
    assert finding.source is not None and finding.source.page == 2
    assert "page(s) 2 have no text layer" in finding.message_en
    assert not [f for f in gr.read(FIXTURES / "lo-2021.pdf").findings if f.code == "read.no_text"]
