"""What the interpreter does with damaged tables: placement by position, rows it cannot place,
spaces between digits, and input that is not a report."""

from __future__ import annotations

from pathlib import Path

import pytest

import govinfo_report as gr
from govinfo_report.cli import main
from govinfo_report.testing import uniform_report


def markdown_of(text: str = "3") -> str:
    report = uniform_report("2021", text, agency="示例县人民政府", year=2022)
    return gr.write(report, "markdown").decode("utf-8")


def codes(result: gr.ReadResult) -> list[str]:
    return [f.code for f in result.findings]


def test_a_row_that_lost_its_label_between_two_labelled_rows_is_placed_by_position() -> None:
    page = markdown_of().replace("| 2.其他法律行政法规禁止公开 |", "|  |", 1)
    result = gr.read(page.encode(), name="r.md")
    cell = result.report.cell("applications.withheld.prohibited_by_law.total")
    assert cell.value == 3
    assert cell.provenance is not None and cell.provenance.placed_by == "position"
    labelled = result.report.cell("applications.withheld.state_secret.total").provenance
    assert labelled is not None and labelled.placed_by is None
    placed = [f for f in result.findings if f.code == "read.placed_by_position"]
    assert len(placed) == 1
    assert "applications.withheld.prohibited_by_law.natural_person" in placed[0].cells


def test_a_row_without_label_where_two_rows_are_missing_stays_absent_with_candidates() -> None:
    # One row lost its label, the next is gone: the unlabelled row could be either.
    page = markdown_of().replace("| 2.其他法律行政法规禁止公开 |", "|  |", 1)
    page = "\n".join(line for line in page.splitlines() if "3.危及" not in line)
    result = gr.read(page.encode(), name="r.md")
    for key in ("prohibited_by_law", "security_stability"):
        assert result.report.cell(f"applications.withheld.{key}.total").value is None
    unplaced = [f for f in result.findings if f.code == "read.unplaced_values"]
    assert unplaced and "applications.withheld.security_stability.total" in unplaced[0].cells
    assert "read.placed_by_position" not in codes(result)


def test_a_short_row_is_never_filled_left_to_right() -> None:
    page = markdown_of().replace("| 规章 | 3 | 3 | 3 |", "| 规章 | 22 | 235 |", 1)
    result = gr.read(page.encode(), name="r.md")
    for column in ("issued", "repealed", "in_force"):
        assert result.report.cell(f"active.rules.{column}").value is None
    (finding,) = [f for f in result.findings if f.code == "read.unplaced_values"]
    assert set(finding.cells) == {f"active.rules.{c}" for c in ("issued", "repealed", "in_force")}


def test_two_values_in_one_cell_are_two_values() -> None:
    page = "\n".join(
        "| 一、本年新收政府信息公开申请数量 | 3001 53 | 0 0 | 61 4 | 3119 |"
        if line.startswith("| 一、本年新收")
        else line
        for line in markdown_of().splitlines()
    )
    result = gr.read(page.encode(), name="r.md")
    row = [result.report.cell(f"applications.received.{c}").value for c in COLUMNS]
    assert row == [3001, 53, 0, 0, 61, 4, 3119]


COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service")
COLUMNS += ("other_org", "total")


def test_a_space_between_thousands_only_where_the_row_needs_one_value() -> None:
    page = markdown_of().replace("| 行政许可 | 3 |", "| 行政许可 | 1 024 |", 1)
    result = gr.read(page.encode(), name="r.md")
    assert result.report.cell("active.licensing.decisions").value == 1024
    assert "read.thousands_separator" in codes(result)
    two = markdown_of().replace("| 规章 | 3 | 3 | 3 |", "| 规章 | 1 024 | 3 |", 1)
    result = gr.read(two.encode(), name="r.md")
    assert [result.report.cell(f"active.rules.{c}").value for c in ("issued", "repealed")] == [
        1,
        24,
    ]


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "input.empty", "the file is empty"),
        ("\n\n", "input.empty", "the file is empty"),
        (
            "今天天气很好。\n我们去公园散步。\n",
            "input.not_a_report",
            "not a government information",
        ),
        ("Hello\n", "input.not_a_report", "not a government information disclosure"),
    ],
    ids=["empty", "blank-lines", "prose", "hello"],
)
def test_input_that_is_not_a_report_raises(text: str, code: str, message: str) -> None:
    with pytest.raises(gr.ReportReadError, match=message) as error:
        gr.read(text.encode("utf-8"), name="r.txt")
    assert error.value.code == code


def test_a_report_that_lost_its_tables_keeps_its_findings() -> None:
    page = "某局2022年政府信息公开工作年度报告\n一、总体情况\n本年度无。\n"
    result = gr.read(page.encode("utf-8"), name="r.txt")
    assert result.report.meta.year == 2022


def test_not_a_report_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prose = tmp_path / "hello.txt"
    prose.write_text("Hello\n", encoding="utf-8")
    assert main(["validate", str(prose)]) == 2
    assert "无法读取：不是政府信息公开工作年度报告" in capsys.readouterr().err
    assert main(["validate", str(prose), "--lang", "en"]) == 2
    assert "not a government information disclosure annual report" in capsys.readouterr().err


@pytest.mark.parametrize("writer", ["markdown", "html"])
def test_section_four_without_its_title_is_recognised_by_its_shape(writer: str) -> None:
    report = uniform_report("2021", "2", agency="示例县人民政府", year=2022)
    page = (
        gr.write(report, writer)
        .decode("utf-8")
        .replace("四、政府信息公开行政复议、行政诉讼情况", "")
    )
    result = gr.read(page.encode("utf-8"), name=f"r.{'md' if writer == 'markdown' else 'html'}")
    assert gr.to_cells(result.report)["cells"] == gr.to_cells(report)["cells"]
    assert result.findings == ()


def _with_line(start: str, line: str) -> bytes:
    page = "\n".join(line if ln.startswith(start) else ln for ln in markdown_of().splitlines())
    return page.encode()


def test_a_placeholder_header_cell_is_layout_not_a_value() -> None:
    data = _with_line(
        "| 三、本年度办理结果 | （一）予以公开 |",
        "| 三、本年度办理结果 | （一）予以公开 | Col3 | 20 | 2 | 0 | 0 | 0 | 0 | 22 |",
    )
    result = gr.read(data, name="r.md")
    row = [result.report.cell(f"applications.granted.{c}").value for c in COLUMNS]
    assert row == [20, 2, 0, 0, 0, 0, 22]


def test_a_label_piece_among_values_is_never_a_value() -> None:
    data = _with_line(
        "| 一、本年新收",
        "| 一、本年新收政府信息公开申请数量 | 他处理 | 用、行政机关 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |",
    )
    result = gr.read(data, name="r.md")
    row = [result.report.cell(f"applications.received.{c}").value for c in COLUMNS]
    assert row == [5, 0, 0, 0, 0, 0, 5]


@pytest.mark.parametrize(
    "line",
    [
        # Merged columns (two values in a cell) and one value short: which cell is blank?
        "| 一、本年新收政府信息公开申请数量 |  |  |  | 118 9 | 1 | 0 2 | 130 |",
        # An empty cell next to the empty layout cells: a blank value or layout?
        "| 一、本年新收政府信息公开申请数量 |  |  |  |  | 8 | 1 | 0 | 0 | 2 | 127 |",
    ],
)
def test_a_row_whose_columns_the_layout_leaves_open_stays_absent(line: str) -> None:
    result = gr.read(_with_line("| 一、本年新收", line), name="r.md")
    for column in COLUMNS:
        assert result.report.cell(f"applications.received.{column}").value is None
    unplaced = [f for f in result.findings if f.code == "read.unplaced_values"]
    assert any("applications.received.natural_person" in f.cells for f in unplaced)


def test_layout_dropped_at_both_ends_of_a_short_row_leaves_it_absent() -> None:
    result = gr.read(_with_line("| 规章 |", "| 规章 |  |  | 1 |  | 0 |  |  |"), name="r.md")
    for column in ("issued", "repealed", "in_force"):
        assert result.report.cell(f"active.rules.{column}").state is gr.CellState.ABSENT


def test_a_row_whose_numbers_go_on_in_the_next_row_stores_none() -> None:
    data = _with_line(
        "| 三、本年度办理结果 | （一）予以公开 |",
        "| 三、本年度办理结果 | （一）予以公开 |  | 60 | 10 | 0 | 0 | 0 | 0 | 70 |\n"
        "|  |  |  | 00 | 00 |  |  |  |  | 00 |",
    )
    result = gr.read(data, name="r.md")
    for column in COLUMNS:
        assert result.report.cell(f"applications.granted.{column}").value is None
    unplaced = [f for f in result.findings if f.code == "read.unplaced_values"]
    assert any("applications.granted.total" in f.cells for f in unplaced)


def test_a_blank_next_to_a_loose_piece_of_a_value_is_not_stored_as_blank() -> None:
    data = _with_line(
        "| 三、本年度办理结果 | （一）予以公开 |",
        "1,23\n| 三、本年度办理结果 | （一）予以公开 |  | 7 | 0 |  | 0 | 0 | 0 | 7 |\n4",
    )
    result = gr.read(data, name="r.md")
    assert result.report.cell("applications.granted.research").state is gr.CellState.ABSENT


def test_a_line_of_copied_text_may_end_in_a_value_with_its_note() -> None:
    text = "二、主动公开政府信息情况\n规章 1 0 9（其中修订2件）\n"
    cell = gr.read(text=text, name="r.txt").report.cell("active.rules.in_force")
    assert (cell.value, cell.note) == (9, "(其中修订2件)")


def test_a_blank_value_before_a_table_continued_under_xubiao_stays_blank() -> None:
    # 「（续表）」 between the parts of a split table is a caption, not a value moved out of a cell.
    from govinfo_report.testing.reports import uniform_report

    report = uniform_report("2021", agency="示例县人民政府", year=2023)
    cells = report.cell_map()
    cells["applications.received.natural_person"] = gr.parse_cell_text("")
    report, _ = gr.build_report(report.edition, cells, meta=report.meta)
    page = gr.write(report, "html").decode("utf-8")
    cut = page.index("<tr>", page.index("applications.received.total"))
    page = page[:cut] + "</tbody></table><p>（续表）</p><table><tbody>" + page[cut:]
    result = gr.read(page.encode("utf-8"), name="split.html")
    assert result.report.cell("applications.received.natural_person").state is gr.CellState.BLANK
    assert not [f for f in result.findings if f.code == "read.unplaced_values"]
