"""The text reader and the interpreter: render-and-read properties, variants, and the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govinfo_report as gr
from govinfo_report import AnnualReport, CellState, Severity
from govinfo_report.cli import main
from govinfo_report.testing import uniform_report
from govinfo_report.testing.render import LAYOUTS, label_variants, render_text
from strategies_local import assert_same_report, printed_reports


def assert_read_back(report: AnnualReport, text: str) -> None:
    result = gr.read(text=text, name="rendered.txt")
    assert result.reader == "text"
    assert [f for f in result.findings if f.code == "read.stray_number"] == []
    assert_same_report(report, result.report)


@given(printed_reports(), st.sampled_from(LAYOUTS))
def test_rendered_reports_read_back_exactly(report: AnnualReport, layout: str) -> None:
    assert_read_back(report, render_text(report, layout))


@given(printed_reports(), st.sampled_from(LAYOUTS), label_variants(), st.booleans(), st.data())
def test_variants_wraps_and_full_width_digits_read_back_exactly(
    report: AnnualReport, layout: str, labels: dict[str, str], wrap: bool, data: st.DataObject
) -> None:
    wide = data.draw(st.sets(st.sampled_from([s.key for s in report.template()]), max_size=20))
    text = render_text(
        report, layout, labels=labels, wrap_labels=wrap, full_width=lambda s: s.key in wide
    )
    assert_read_back(report, text)


def test_a_missing_number_does_not_shift_later_rows() -> None:
    report = uniform_report("2021", "1", agency="测试镇人民政府", year=2022)
    lines = render_text(report, "tab_rows").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("\t（二）部分公开"))
    lines[at] = lines[at].rsplit("\t", 1)[0]  # the row loses its last number
    result = gr.read(text="\n".join(lines), name="short.txt")
    assert result.report.cell("applications.partially_granted.total").state is CellState.ABSENT
    assert result.report.cell("applications.withheld.state_secret.natural_person").value == 1
    assert any(f.code == "shape.missing_cell" for f in gr.validate(result.report))


def test_an_extra_number_is_a_finding_with_its_line() -> None:
    report = uniform_report("2019", agency="测试镇人民政府", year=2020)
    lines = render_text(report, "tab_rows").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("四、结转"))
    lines[at] += "\t9"
    result = gr.read(text="\n".join(lines), name="extra.txt")
    [stray] = [f for f in result.findings if f.code == "read.stray_number"]
    assert stray.actual == "9" and stray.source is not None and stray.source.line == at + 1
    assert stray.severity is Severity.WARNING
    assert result.report.cell("applications.carried_out.total").value == 0


def test_edition_falls_back_to_the_year_with_a_finding() -> None:
    text = (
        "测试镇人民政府2020年政府信息公开工作年度报告\n"
        "三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
    )
    result = gr.read(text=text)
    assert result.report.edition is gr.Edition.E2019
    assert any(f.code == "read.edition" for f in result.findings)
    assert result.report.cell("applications.received.total").value == 1


# ---------------------------------------------------------------- the seeds


def seed_files(corpus: Path) -> list[Path]:
    files = sorted((corpus / "seeds").glob("*.txt"))
    assert len(files) == 5
    return files


def test_seeds_convert_to_their_truth_exactly(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in seed_files(corpus):
        truth = json.loads(
            (path.parent / "truth" / (path.stem + ".json")).read_text(encoding="utf-8")
        )
        assert main(["convert", str(path), "--to", "cells"]) == 0
        converted = json.loads(capsys.readouterr().out)
        assert converted["edition"] == truth["edition"], path
        assert converted["year"] == truth["year"], path
        assert converted["agency"] == truth["agency"], path
        assert converted["cells"] == truth["cells"], path


def test_seeds_validate_without_error_or_inconsistency(corpus: Path) -> None:
    for path in seed_files(corpus):
        result = gr.read(path)
        findings = [*result.findings, *gr.validate(result.report)]
        assert not [f for f in findings if f.severity.fails], path


def test_seed_002_extra_trailing_cells_are_findings_not_lost(corpus: Path) -> None:
    [path] = [p for p in seed_files(corpus) if p.name.startswith("002_")]
    strays = [f for f in gr.read(path).findings if f.code == "read.stray_number"]
    assert len(strays) == 4
    assert all(f.source is not None and f.source.line for f in strays)


def test_seed_001_metadata(corpus: Path) -> None:
    [path] = [p for p in seed_files(corpus) if p.name.startswith("001_")]
    meta = gr.read(path).report.meta
    assert meta.document_number == "峰政〔2021〕1号"
    assert str(meta.date_of_issue) == "2021-01-11"
    assert meta.title is not None and "峰市镇2020年" in meta.title


def test_section_four_printed_as_one_row_per_group() -> None:
    report = uniform_report("2021", agency="测试镇人民政府", year=2022)
    lines = render_text(report, "tab_rows").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("四、政府信息公开"))
    end = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    lines[start + 1 : end] = [
        "\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
        "行政复议\t1\t0\t2\t0\t3",
        "行政诉讼（未经复议直接起诉）\t0\t1\t0\t1\t2",
        "行政诉讼（复议后起诉）\t0\t0\t0\t4\t4",
    ]
    result = gr.read(text="\n".join(lines), name="groups.txt")
    values = {
        k: v for k, v in gr.to_cells(result.report)["cells"].items() if k.startswith("reviews.")
    }
    assert values["reviews.review.other"] == 2 and values["reviews.review.total"] == 3
    assert values["reviews.litigation_direct.corrected"] == 1
    assert values["reviews.litigation_after_review.pending"] == 4
    assert not [f for f in [*result.findings, *gr.validate(result.report)] if f.severity.fails]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_undecodable_text_names_the_byte_where_utf8_failed(bom: bytes) -> None:
    # A UTF-8 file cut mid-character, then bytes no encoding accepts: the place is the cut.
    line = "一、本年新收政府信息公开申请数量".encode()
    data = bom + line[:-1] + b"\n" + b"\xff" * 4
    with pytest.raises(gr.ReportReadError) as caught:
        gr.read(data, name="cut.txt", reader="text")
    assert f"byte {len(bom) + len(line) - 3}" in str(caught.value)


def test_a_table_inside_a_prose_section_is_kept_in_its_text() -> None:
    """A small table an agency puts in 总体情况 is not one of the template's tables: its rows are
    that section's text, not dropped."""
    sample = (Path(__file__).parent.parent / "examples" / "sample-2023.txt").read_text("utf-8")
    table = "\n| 公开渠道 | 条数 |\n|---|---|\n| 政府网站 | 5500 |\n| 政务新媒体 | 1200 |\n"
    with_table = sample.replace("一、总体情况\n", "一、总体情况\n" + table, 1)
    report = gr.read_text(with_table, name="sample.md").report
    overview = report.narrative[0]
    assert overview.title == "一、总体情况"
    assert overview.text.splitlines()[:3] == ["公开渠道 条数", "政府网站 5500", "政务新媒体 1200"]
    assert gr.to_cells(report) == gr.to_cells(gr.read_text(sample, name="sample.txt").report)
