"""Hostile and broken input: only ReportReadError or a report with findings, within limits."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govinfo_report as gr
from govinfo_report import ReportReadError
from govinfo_report.batch import local_executor, run_batch
from govinfo_report.limits import DEFAULT_LIMITS, Limits, current_limits, using_limits
from govinfo_report.testing.corrupt import CORRUPTIONS, corrupt

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = gr.read(FIXTURES / "wps-odd-merges-2022.cells.json").report

VALID: dict[str, bytes] = {
    "r.docx": gr.write(SAMPLE, "docx"),
    "r.html": gr.write(SAMPLE, "html"),
    "r.md": gr.write(SAMPLE, "markdown"),
    "r.json": gr.write(SAMPLE, "json"),
    "r.cells.json": gr.write(SAMPLE, "cells"),
    "r.csv": gr.write(SAMPLE, "csv"),
    "r.pdf": (FIXTURES / "lo-2021.pdf").read_bytes(),
    "r.txt": (FIXTURES.parent.parent / "examples" / "reports" / "2023.txt").read_bytes(),
}


def read_or_documented_error(data: bytes, name: str) -> None:
    try:
        result = gr.read(data, name=name)
    except ReportReadError as error:
        assert error.source == name
        return
    assert isinstance(result.report, gr.AnnualReport)
    gr.validate(result.report)  # validation never raises on what a reader produced either


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(VALID)), st.sampled_from(sorted(CORRUPTIONS)), st.integers(0, 2**32))
def test_corrupted_inputs_never_crash(name: str, how: str, seed: int) -> None:
    read_or_documented_error(corrupt(VALID[name], how, seed), name)


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(sorted(VALID)))
def test_random_bytes_never_crash(data: bytes, name: str) -> None:
    read_or_documented_error(data, name)


def test_limits_have_documented_defaults() -> None:
    assert current_limits() == DEFAULT_LIMITS
    assert DEFAULT_LIMITS.max_input_bytes == 50 * 1024 * 1024
    docs = (FIXTURES.parent.parent / "docs" / "limits.md").read_text(encoding="utf-8")
    for field in Limits.__attrs_attrs__:
        assert f"| `{field.name}` | {field.default!r} |" in docs, (
            f"docs/limits.md does not give {field.name} with its default {field.default!r}"
        )


def test_input_size_limit(tmp_path: Path) -> None:
    with pytest.raises(ReportReadError, match="limit"):
        gr.read(b"x" * 100, name="big.txt", limits=Limits(max_input_bytes=10))
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 100)
    with (
        using_limits(Limits(max_input_bytes=10)),
        pytest.raises(ReportReadError, match=r"big\.txt"),
    ):
        gr.read(big)


def test_docx_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 5_000_000 + b"</w:document>")
    with pytest.raises(ReportReadError, match="zip bomb"):
        gr.read(buffer.getvalue(), name="bomb.docx")


def test_deep_html_nesting_is_refused_cleanly() -> None:
    page = b"<html><body>" + b"<div>" * 20000 + b"x" + b"</div>" * 20000 + b"</body></html>"
    read_or_documented_error(page, "deep.html")
    with pytest.raises(ReportReadError, match="nested deeper"):
        gr.read(
            b"<html><body>" + b"<div>" * 100 + b"x</body></html>",
            name="d.html",
            limits=Limits(max_nesting_depth=50),
        )


def test_span_bomb_is_refused() -> None:
    cell = b'<td colspan="1000" rowspan="1000">x</td>'
    with pytest.raises(ReportReadError, match="max_table_cells"):
        gr.read(b"<table>" + b"<tr>" + cell * 5 + b"</tr></table>", name="spans.html")


def test_pdf_page_limit() -> None:
    with pytest.raises(ReportReadError, match="max_pages"):
        gr.read(FIXTURES / "lo-2021.pdf", limits=Limits(max_pages=1))


def test_batch_time_budget_records_the_file_and_goes_on(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    root.mkdir()
    (root / "a.pdf").write_bytes((FIXTURES / "lo-long-2021.pdf").read_bytes())
    (root / "b.cells.json").write_bytes(gr.write(SAMPLE, "cells"))
    database = tmp_path / "c.sqlite"
    summary = run_batch([root], database, submit=local_executor(1, Limits(max_seconds=0.001)))
    assert summary.read == 2 and summary.errors >= 1
    import sqlite3

    with sqlite3.connect(database) as connection:
        errors = dict(connection.execute("SELECT path, error FROM files WHERE outcome = 'error'"))
    assert any("max_seconds" in (e or "") for e in errors.values())
