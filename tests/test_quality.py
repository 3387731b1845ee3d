"""Report quality: the blank template, empty or misnumbered sections, markers, blank cells."""

from __future__ import annotations

import attrs
import pytest

import govinfo_report as gr
from govinfo_report import validate
from govinfo_report.model import NarrativeSection
from govinfo_report.testing import uniform_report
from govinfo_report.values import CellState, parse_cell_text

PROBLEMS = (
    "一是政策解读的形式还不够丰富，二是依申请公开的答复质量有待提高。下一步将加强培训，"
    "完善制度，提升公开质量。"
)


def sections(*pairs: tuple[str, str]) -> tuple[NarrativeSection, ...]:
    return tuple(NarrativeSection(title, text) for title, text in pairs)


def codes(report: gr.AnnualReport) -> list[str]:
    return sorted(f.code for f in validate(report) if f.code.startswith("quality."))


FULL = (
    ("一、总体情况", "本年度政务公开工作稳步推进。"),
    ("五、存在的主要问题及改进情况", PROBLEMS),
    ("六、其他需要报告的事项", "无"),
)


def test_complete_report_has_no_quality_finding() -> None:
    report = attrs.evolve(uniform_report("2021"), narrative=sections(*FULL))
    assert codes(report) == []


def test_blank_template_is_an_error(corpus) -> None:  # type: ignore[no-untyped-def]
    report = gr.read(corpus / "real" / "blank-template-2021.docx").report
    findings = validate(report)
    assert "quality.no_values" in [f.code for f in findings if f.severity.fails]
    assert {"quality.problems_empty", "quality.section_empty", "quality.blank_cells"} <= {
        f.code for f in findings
    }


def test_blank_report_without_prose_is_an_error() -> None:
    assert "quality.no_values" in codes(uniform_report("2019", ""))
    assert "quality.no_values" not in codes(uniform_report("2019"))


@pytest.mark.parametrize("text", ["", "无", "暂无问题。", "（文字描述）", "有待加强。"])
def test_empty_problems_section(text: str) -> None:
    narrative = sections(FULL[0], ("五、存在的主要问题及改进情况", text), FULL[2])
    assert codes(attrs.evolve(uniform_report("2021"), narrative=narrative)) == [
        "quality.problems_empty"
    ]


def test_missing_and_misnumbered_sections() -> None:
    narrative = sections(FULL[0], ("四、存在的主要问题及改进情况", PROBLEMS))
    found = validate(attrs.evolve(uniform_report("2021"), narrative=narrative))
    assert sorted(f.code for f in found if f.code.startswith("quality.")) == [
        "quality.section_missing",
        "quality.section_number",
    ]
    [numbered] = [f for f in found if f.code == "quality.section_number"]
    assert "五" in numbered.message and "四" in numbered.message


@pytest.mark.parametrize("text", ["不适用", "不涉及", "暂无", "/"])
def test_markers_are_markers_not_text(text: str) -> None:
    cells = uniform_report("2021").cell_map()
    cells["applications.granted.research"] = parse_cell_text(text)
    assert cells["applications.granted.research"].state is CellState.MARKER
    report = gr.build_report("2021", cells)[0]
    found = validate(report)
    assert "cell.text" not in [f.code for f in found]
    [blank] = [f for f in found if f.code == "quality.blank_cells"]
    assert blank.actual == 1 and blank.severity is gr.Severity.INFO


SEED = (
    "000_1b9620dd6cf289c9.txt"  # 刘二堡镇 2021: sections 一, 五 and 六 as the template numbers them
)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t, []),
        (
            lambda t: t.replace("五、存在的主要问题及改进情况", "四、存在的主要问题及改进情况"),
            ["quality.section_number"],
        ),
        (
            lambda t: (
                t.split("五、存在的主要问题及改进情况")[0]
                + "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无\n"
            ),
            ["quality.problems_empty"],
        ),
        (
            lambda t: t.split("五、存在的主要问题及改进情况")[0] + "六、其他需要报告的事项\n无\n",
            ["quality.section_missing"],
        ),
    ],
)
def test_quality_of_a_real_report_as_read(corpus, tmp_path, edit, expected) -> None:  # type: ignore[no-untyped-def]
    text = (corpus / "seeds" / SEED).read_text(encoding="utf-8")
    path = tmp_path / SEED
    path.write_text(edit(text), encoding="utf-8")
    assert codes(gr.read(path).report) == expected


def test_a_marker_in_a_real_report_is_counted_not_an_error(corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = (corpus / "seeds" / SEED).read_text(encoding="utf-8").split("\n")
    # The first cell of 一、本年新收 (a 0 on its own line) printed as 不适用.
    start = next(i for i, line in enumerate(lines) if "本年新收政府信息公开申请数量" in line)
    first = next(i for i in range(start, len(lines)) if lines[i].strip() == "0")
    lines[first] = lines[first].replace("0", "不适用")
    path = tmp_path / SEED
    path.write_text("\n".join(lines), encoding="utf-8")
    found = validate(gr.read(path).report)
    assert "cell.text" not in [f.code for f in found]
    assert not [f for f in found if f.severity.fails]
    [blank] = [f for f in found if f.code == "quality.blank_cells"]
    assert blank.actual == 1 and blank.severity is gr.Severity.INFO
