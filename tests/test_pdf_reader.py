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
    result = gr.read(FIXTURES / "scan-2021.pdf")
    [finding] = [f for f in result.findings if f.code == "read.no_text"]
    assert finding.severity is gr.Severity.ERROR
    assert "OCR" in finding.message_en and "scan" in finding.message_en
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
    ruled = [i + 1 for i, page in enumerate(pages) if page["paths"] >= pdf_format.RULED_PAGE_PATHS]
    assert calls == ruled


def test_cjk_radicals_from_pdf_fonts_are_read_as_characters() -> None:
    assert pdf_format._fix("样本县人⺠政府") == "样本县人民政府"


def test_corpus_pdf_reads_exactly(corpus: Path) -> None:
    truth = json.loads((corpus / "real" / "truth" / "huaian-2024.json").read_text(encoding="utf-8"))
    result = gr.read(corpus / "real" / "huaian-2024.pdf")
    assert gr.to_cells(result.report) == truth
    cell = result.report.cell("applications.received.natural_person")
    assert cell.provenance is not None and cell.provenance.page == 4 and cell.provenance.bbox


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
