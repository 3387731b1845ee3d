"""The real corpus: truth files read through the cells reader, and validation over them."""

from __future__ import annotations

import json
from pathlib import Path

import govinfo_report as gr
from govinfo_report import Severity


def truth_files(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*/truth/*.json"))


def test_truth_files_read_as_cells_exactly(corpus: Path) -> None:
    files = truth_files(corpus)
    assert len(files) >= 8
    for path in files:
        truth = json.loads(path.read_text(encoding="utf-8"))
        result = gr.read(path)
        assert result.reader == "cells", path
        assert result.findings == ()
        assert gr.to_cells(result.report) == truth, path


def test_corpus_reports_have_no_error_or_inconsistency(corpus: Path) -> None:
    for path in truth_files(corpus):
        findings = gr.validate(gr.read(path).report)
        failing = [
            f.code for f in findings if f.severity in (Severity.ERROR, Severity.INCONSISTENCY)
        ]
        # The blank template is the one report with nothing filled in: that is its one error.
        expected = ["quality.no_values"] if path.stem.startswith("blank-template") else []
        assert failing == expected, path


# Every input format of the corpus has a reader.
READABLE = (".txt", ".html", ".docx", ".pdf")


def assert_reads_to_truth(path: Path) -> gr.ReadResult:
    truth = json.loads((path.parent / "truth" / (path.stem + ".json")).read_text(encoding="utf-8"))
    result = gr.read(path)
    got = gr.to_cells(result.report)
    wrong = {
        k: (got["cells"].get(k, "<absent>"), v)
        for k, v in truth["cells"].items()
        if got["cells"].get(k, "<absent>") != v
    }
    assert not wrong, (path.name, wrong)
    assert set(got["cells"]) == set(truth["cells"]), path.name
    assert (got["edition"], got["year"], got["agency"]) == (
        truth["edition"],
        truth["year"],
        truth["agency"],
    ), path.name
    assert not [f for f in result.findings if f.severity.fails], path.name
    # Every label of these documents is printed: no value may have been placed by position alone.
    assert not [f for f in result.findings if f.code == "read.placed_by_position"], path.name
    return result


def test_real_documents_read_to_their_truth_exactly(corpus: Path) -> None:
    inputs = [p for p in sorted(corpus.glob("*/*")) if p.suffix in READABLE]
    assert {p.suffix for p in inputs} == set(READABLE)
    for path in inputs:
        assert_reads_to_truth(path)


def test_damaged_real_documents_read_to_their_truth_exactly(corpus_next: Path) -> None:
    """corpus-next: a PDF viewer's copy and converters' Markdown of real reports."""
    inputs = [p for p in sorted(corpus_next.iterdir()) if p.suffix in (".txt", ".md")]
    inputs = [p for p in inputs if (p.parent / "truth" / (p.stem + ".json")).exists()]
    assert len(inputs) >= 4
    for path in inputs:
        assert_reads_to_truth(path)


def test_shanghai_blank_totals_are_not_assessable_not_zero(corpus: Path) -> None:
    report = gr.read(corpus / "real" / "truth" / "shanghai-office-2019.json").report
    assert report.cell("applications.granted.total").value is None
    findings = gr.validate(report)
    not_assessable = [f for f in findings if f.code == "rule.not_assessable"]
    assert {f.rule for f in not_assessable} >= {"apply.row_total", "apply.outcome_total"}
    assert any(f.code == "apply.total_blank" for f in findings)


WRITTEN = {"markdown": ".md", "html": ".html", "docx": ".docx"}


def test_corpus_truth_through_every_writer_reads_back_by_label(corpus: Path) -> None:
    """Intact labels: every value is placed by its own label, never by position."""
    for path in truth_files(corpus):
        report = gr.read(path).report
        for writer, suffix in WRITTEN.items():
            result = gr.read(gr.write(report, writer), name=f"{path.stem}{suffix}")
            assert gr.to_cells(result.report)["cells"] == gr.to_cells(report)["cells"], (
                path.name,
                writer,
            )
            codes = {f.code for f in result.findings}
            assert "read.placed_by_position" not in codes, (path.name, writer)
            assert "read.unplaced_values" not in codes, (path.name, writer)
