"""Every writer's output read back gives the same cells, for consistent and inconsistent reports."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import govinfo_report as gr
import govinfo_report.plugins
from govinfo_report import AnnualReport
from govinfo_report.testing import uniform_report
from strategies_local import assert_same_report, printed_reports

# writer name -> file name the output is read back under
ROUND_TRIPS = {
    "json": "r.json",
    "cells": "r.cells.json",
    "csv": "r.csv",
    "markdown": "r.md",
    "html": "r.html",
    "docx": "r.docx",
}


def assert_same_cells(report: AnnualReport, writer: str) -> None:
    data = gr.write(report, writer)
    result = gr.read(data, name=ROUND_TRIPS[writer])
    assert [f for f in result.findings if f.code == "read.stray_number"] == []
    assert_same_report(report, result.report)


@pytest.mark.parametrize("writer", sorted(ROUND_TRIPS))
@settings(max_examples=25)
@given(report=printed_reports())
def test_writer_output_reads_back_to_the_same_cells(writer: str, report: AnnualReport) -> None:
    assert_same_cells(report, writer)


def test_every_builtin_writer_is_round_tripped_or_declared_one_way() -> None:
    builtin = {
        w for w, spec in gr.plugins.registry().writers.items() if spec.plugin == gr.plugins.BUILTIN
    }
    one_way = {"csv-wide"}  # a corpus table of many reports, not an input format
    assert builtin == set(ROUND_TRIPS) | one_way


def test_html_highlights_cells_named_by_findings() -> None:
    report = uniform_report("2021", agency="测试镇人民政府", year=2022)
    cells = report.cell_map()
    cells["applications.granted.natural_person"] = gr.parse_cell_text("3")
    wrong, _ = gr.build_report("2021", cells, meta=report.meta)
    page = gr.write(wrong, "html", findings=gr.validate(wrong)).decode()
    assert 'class="finding inconsistency"' in page
    assert 'data-key="applications.granted.natural_person"' in page
    assert "apply.wrong_cell" in page
