"""Table layouts other converters write into text: pandoc's rules and grid tables, w3m's
box-drawing tables, html2text's pipe tables without outer pipes, HTML tables inside Markdown, and
Markdown emphasis. Each layout is produced here from a rendered report, the way the converter
draws it, and must read back to every cell."""

from __future__ import annotations

import re
from collections.abc import Iterator
from unicodedata import east_asian_width

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govinfo_report as gr
from govinfo_report import AnnualReport, ReportReadError
from govinfo_report.document import Table
from govinfo_report.formats.html import official_table_html
from govinfo_report.formats.markdown import write_markdown
from govinfo_report.formats.text import read_text
from govinfo_report.layout import LayoutCell, SpannedTable, official_grids
from govinfo_report.limits import Limits, using_limits
from govinfo_report.testing import uniform_report
from govinfo_report.testing.render import render_text
from strategies_local import assert_same_report, printed_reports


def assert_reads_back(report: AnnualReport, text: str, name: str = "converted.md") -> None:
    assert_same_report(report, gr.read(text=text, name=name).report)


def _replace_tables(markdown: str, tables: Iterator[list[str]]) -> str:
    """The Markdown writer's text with each pipe table replaced by the next of ``tables``."""
    out: list[str] = []
    in_table = False
    for line in markdown.splitlines():
        if line.startswith("|"):
            if not in_table:
                out.extend(next(tables))
            in_table = True
            continue
        in_table = False
        out.append(line)
    return "\n".join(out) + "\n"


# --- rules (pandoc -t plain) --------------------------------------------------------------------


def _with_rules(text: str) -> str:
    """Rule lines as pandoc draws them around a table: above the first row, under the header row
    and after the last row (runs of dashes, one per column, between single spaces)."""
    rule = "  ---------- ---------- ------ ------------------"
    lines = text.splitlines()
    out: list[str] = []
    for index, line in enumerate(lines):
        row = line.startswith("\t") or "\t" in line or line.endswith("|")
        before = lines[index - 1] if index else ""
        after = lines[index + 1] if index + 1 < len(lines) else ""
        before_row = before.startswith("\t") or "\t" in before or before.endswith("|")
        if row and not before_row:
            out.append(rule)
        out.append(line)
        if row and not (after.startswith("\t") or "\t" in after or after.endswith("|")):
            out.append(rule)
    return "\n".join(out)


@given(printed_reports(), st.sampled_from(["tab_rows", "bar_cells"]))
def test_rule_lines_around_tables_are_layout_not_values(report: AnnualReport, layout: str) -> None:
    assert_reads_back(report, _with_rules(render_text(report, layout)), "plain.txt")


def test_a_rule_line_is_neither_a_paragraph_nor_a_row() -> None:
    text = "甲\n  ---------- ---------- ------ ------------------\n规章\t1\t2\t3\n==== ====\n乙\n"
    blocks = read_text(text.encode(), "rules.txt").blocks
    assert [getattr(b, "text", None) for b in blocks] == ["甲", None, "乙"]
    table = blocks[1]
    assert isinstance(table, Table)
    assert [c.text for c in table.cells] == ["规章", "1", "2", "3"]


def test_pandoc_plain_section_four_reads_its_values_not_its_rules() -> None:
    report = uniform_report("2021", "7", agency="测试县人民政府", year=2022)
    lines = render_text(report, "tab_rows").splitlines()
    at = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    rows = [line for line in lines[at + 1 :] if "\t" in line][:4]
    widths = [10] * 15
    rule = "  " + " ".join("-" * w for w in widths)
    aligned = [
        "  " + " ".join(cell.ljust(w) for cell, w in zip(row.split("\t"), widths, strict=False))
        for row in rows
    ]
    lines[at + 1 : at + 1 + 4] = [rule, *aligned[:-1], rule, aligned[-1], rule]
    back = gr.read(text="\n".join(lines), name="plain.txt").report
    assert back.cell("reviews.review.upheld").text() == "7"
    assert back.cell("reviews.litigation_after_review.total").text() == "7"


def _markdown_rows(lines: list[str]) -> list[list[str]]:
    """The cells of the Markdown writer's pipe-table lines (its delimiter row left out)."""
    return [
        [cell.strip() for cell in line.strip()[1:-1].split(" | ")]
        for line in lines
        if not set(line) <= {"|", " ", "-"}
    ]


def _column_ruled(rows: list[list[str]], widths: list[int], multiline: bool) -> list[str]:
    """A table as pandoc ``-t plain`` writes one without a header: a rule of one run of dashes
    per column above and below, each cell at its column's place (display columns); in a
    multiline table rows between blank lines and a cell's text wrapped in its column."""
    columns = max(len(row) for row in rows)
    # A column is as wide as its widest cell, or in a multiline table its widest unbreakable piece.
    need = _unbreakable if multiline else _text_width
    widths = [
        max([widths[i % len(widths)]] + [need(row[i], False) for row in rows if i < len(row)])
        for i in range(columns)
    ]
    rule = "  " + " ".join("-" * width for width in widths)
    out = [rule]
    for row in rows:
        cells = [
            _wrap(text, widths[i], False) if multiline else [text] for i, text in enumerate(row)
        ]
        for index in range(max(len(lines) for lines in cells)):
            pieces = [lines[index] if index < len(lines) else "" for lines in cells]
            padded = [
                piece + " " * (widths[i] - _text_width(piece, False))
                for i, piece in enumerate(pieces)
            ]
            out.append(("  " + " ".join(padded)).rstrip())
        if multiline:
            out.append("")
    return [*out, rule]


@given(printed_reports(), st.lists(st.integers(2, 14), min_size=1, max_size=15), st.booleans())
def test_column_ruled_tables_read_back_with_their_blank_cells(
    report: AnnualReport, widths: list[int], multiline: bool
) -> None:
    markdown = write_markdown(report, ()).decode()
    tables = []
    block: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
        elif block:
            tables.append(_column_ruled(_markdown_rows(block), widths, multiline))
            block = []
    assert_reads_back(report, _replace_tables(markdown, iter(tables)), "plain.txt")


def test_a_column_ruled_table_keeps_blank_cells_in_their_columns() -> None:
    text = (
        "  -------- ---- ---- ----\n"
        "  一、本年  821       859\n"
        "  新收\n"
        "\n"
        "  二、结转       18   18\n"
        "  -------- ---- ---- ----\n"
    )
    (table,) = read_text(text.encode(), "plain.txt").blocks
    assert isinstance(table, Table)
    assert [(c.text, c.row, c.column, c.provenance.line) for c in table.cells] == [
        ("一、本年新收", 0, 0, 2),
        ("821", 0, 1, 2),
        ("", 0, 2, 2),
        ("859", 0, 3, 2),
        ("二、结转", 1, 0, 5),
        ("", 1, 1, 5),
        ("18", 1, 2, 5),
        ("18", 1, 3, 5),
    ]


# --- grid tables (pandoc -t markdown / plain) and box-drawing tables (w3m) -----------------------


def _width(char: str, ambiguous_wide: bool) -> int:
    kind = east_asian_width(char)
    return 2 if kind in "WF" or (kind == "A" and ambiguous_wide) else 1


def _text_width(text: str, ambiguous_wide: bool) -> int:
    return sum(_width(char, ambiguous_wide) for char in text)


_CJK_JUNCTION = re.compile(r"(?<=[^\x00-\x7f])(?=[^\x00-\x7f])")


def _pieces(text: str) -> list[tuple[str, str]]:
    """(separator, piece): ``text`` cut at spaces and between two CJK characters, the places
    pandoc and w3m may break a line (never inside a run of ASCII, nor next to one)."""
    pieces = []
    for index, chunk in enumerate(text.split(" ")):
        for part_index, part in enumerate(_CJK_JUNCTION.split(chunk)):
            if part:
                pieces.append((" " if index and not part_index else "", part))
    return pieces


def _wrap(text: str, width: int, ambiguous_wide: bool) -> list[str]:
    """Lines of at most ``width`` columns, filled greedily with :func:`_pieces`."""
    lines: list[str] = []
    line = ""
    for separator, piece in _pieces(text):
        candidate = line + separator + piece if line else piece
        if line and _text_width(candidate, ambiguous_wide) > width:
            lines.append(line)
            line = piece
        else:
            line = candidate
    return [*lines, line]


def _positions(grid: SpannedTable) -> list[tuple[int, int, LayoutCell]]:
    """(row, column, cell) of each cell, laid out as a browser lays out row and column spans."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.row_span):
                for dc in range(cell.column_span):
                    taken.add((r + dr, c + dc))
            c += cell.column_span
    return placed


def _unbreakable(text: str, ambiguous_wide: bool) -> int:
    """The width of the widest piece of ``text`` that :func:`_wrap` cannot break."""
    return max((_text_width(piece, ambiguous_wide) for _, piece in _pieces(text)), default=0)


_BOX = {  # (left, right, up, down) → the box-drawing character w3m draws
    (False, True, False, True): "┌",
    (True, True, False, True): "┬",
    (True, False, False, True): "┐",
    (False, True, True, True): "├",
    (True, True, True, True): "┼",
    (True, False, True, True): "┤",
    (False, True, True, False): "└",
    (True, True, True, False): "┴",
    (True, False, True, False): "┘",
}


def _draw_grid(
    grid: SpannedTable, widths: list[int], ambiguous_wide: bool, header: bool, box: bool
) -> list[str]:
    """A grid table with its spans: ``+---+`` borders, ``|`` sides, each cell's text wrapped
    to its width (display columns, CJK two wide), a header border of ``=`` if ``header``; with
    ``box`` drawn in box-drawing characters as w3m draws a page's table."""
    placed = _positions(grid)
    widths = list(widths)
    for _, c, cell in placed:  # every column wide enough for what cannot be broken
        need = _unbreakable(cell.text, ambiguous_wide)
        have = sum(widths[c : c + cell.column_span]) + 3 * (cell.column_span - 1)
        widths[c + cell.column_span - 1] += max(0, need - have)
    xs = [0]
    for width in widths:
        xs.append(xs[-1] + width + 3)
    wrapped = {}
    for r, c, cell in placed:
        inner = xs[c + cell.column_span] - xs[c] - 3
        wrapped[(r, c)] = _wrap(cell.text, inner, ambiguous_wide)
    heights = [1] * len(grid.rows)
    for r, c, cell in placed:
        if cell.row_span == 1:
            heights[r] = max(heights[r], len(wrapped[(r, c)]))
    for r, c, cell in placed:
        end = r + cell.row_span
        room = sum(heights[r:end]) + cell.row_span - 1
        heights[end - 1] += max(0, len(wrapped[(r, c)]) - room)
    ys = [0]
    for height in heights:
        ys.append(ys[-1] + height + 1)
    canvas: list[list[str | None]] = [[" "] * (xs[-1] + 1) for _ in range(ys[-1] + 1)]
    corners = []
    for r, c, cell in placed:
        top, bottom = ys[r], ys[r + cell.row_span]
        left, right = xs[c], xs[c + cell.column_span]
        for x in range(left, right + 1):
            if canvas[top][x] != "=":
                canvas[top][x] = "-"
            canvas[bottom][x] = "=" if header and r + cell.row_span == 1 else "-"
        for y in range(top, bottom + 1):
            canvas[y][left] = canvas[y][right] = "|"
        corners += [(top, left), (top, right), (bottom, left), (bottom, right)]
        for offset, text in enumerate(wrapped[(r, c)]):
            x = left + 2
            for char in text:
                canvas[top + 1 + offset][x] = char
                if _width(char, ambiguous_wide) == 2:
                    canvas[top + 1 + offset][x + 1] = None  # a wide character's second column
                    x += 1
                x += 1
    for y, x in corners:
        canvas[y][x] = "+"
    if box:
        drawn = [row[:] for row in canvas]

        def at(y: int, x: int) -> str | None:
            inside = 0 <= y < len(canvas) and 0 <= x < len(canvas[0])
            return canvas[y][x] if inside else " "

        for y, x in corners:
            key = (
                at(y, x - 1) in ("-", "+"),
                at(y, x + 1) in ("-", "+"),
                at(y - 1, x) in ("|", "+"),
                at(y + 1, x) in ("|", "+"),
            )
            drawn[y][x] = _BOX[key]
        for r, c, cell in placed:  # the edges, as the cells draw them (not the text's "-", "|")
            top, bottom = ys[r], ys[r + cell.row_span]
            left, right = xs[c], xs[c + cell.column_span]
            for y in (top, bottom):
                for x in range(left + 1, right):
                    if drawn[y][x] == "-":
                        drawn[y][x] = "─"
            for x in (left, right):
                for y in range(top + 1, bottom):
                    if drawn[y][x] == "|":
                        drawn[y][x] = "│"
        canvas = drawn
    return ["".join(char for char in line if char is not None).rstrip() for line in canvas]


@st.composite
def grid_documents(draw: st.DrawFn) -> tuple[AnnualReport, str]:
    report = draw(printed_reports())
    ambiguous_wide = draw(st.booleans())
    header = draw(st.booleans())
    box = draw(st.booleans())
    tables = []
    for grid in official_grids(report):
        widths = draw(st.lists(st.integers(4, 16), min_size=grid.columns, max_size=grid.columns))
        tables.append(_draw_grid(grid, widths, ambiguous_wide, header and not box, box))
    return report, _replace_tables(write_markdown(report, ()).decode(), iter(tables))


@given(grid_documents())
def test_grid_and_box_tables_with_spans_and_wrapped_cells_read_back(
    document: tuple[AnnualReport, str],
) -> None:
    report, text = document
    assert_reads_back(report, text)


def test_a_wrapped_grid_row_is_one_row_of_joined_cells() -> None:
    text = (
        "+--------+----+\n"
        "| 其他对 | 14 |\n"
        "| 外管理 | 6  |\n"
        "| 服务   |    |\n"
        "+========+====+\n"
        "| 规范性 | 7  |\n"
        "| 文件 7 | 1  |\n"
        "+--------+----+\n"
    )
    (table,) = read_text(text.encode(), "grid.md").blocks
    assert isinstance(table, Table)
    assert [(c.text, c.row, c.column, c.provenance.line) for c in table.cells] == [
        ("其他对外管理服务", 0, 0, 2),
        ("14 6", 0, 1, 2),
        ("规范性文件 7", 1, 0, 6),
        ("7 1", 1, 1, 6),
    ]


def test_grid_cells_spanning_columns_and_rows_keep_their_spans() -> None:
    text = (
        "┌──────┬─────────┐\n"
        "│      │ 申请人  │\n"
        "│ 说明 ├────┬────┤\n"
        "│      │ 甲 │“乙”│\n"
        "├──────┼────┴────┤\n"
        "│ 规章 │   13    │\n"
        "└──────┴─────────┘\n"
    )
    (table,) = read_text(text.encode(), "w3m.txt").blocks
    assert isinstance(table, Table)
    spans = {(c.text, c.row, c.column, c.row_span, c.column_span) for c in table.cells}
    assert spans == {
        ("说明", 0, 0, 2, 1),
        ("申请人", 0, 1, 1, 2),
        ("甲", 1, 1, 1, 1),
        ("“乙”", 1, 2, 1, 1),
        ("规章", 2, 0, 1, 1),
        ("13", 2, 1, 1, 2),
    }


def test_a_grid_holding_a_table_is_layout_read_through() -> None:
    text = (
        "+------+--------------------+\n"
        "| 首页 | 一、总体情况       |\n"
        "|      | 规章   1   2   3   |\n"
        "|      | ------ --- --- --- |\n"
        "+------+--------------------+\n"
    )
    blocks = read_text(text.encode(), "layout.txt").blocks
    assert [(getattr(b, "text", None), b.provenance.line) for b in blocks] == [
        ("首页", 2),
        ("一、总体情况", 2),
        ("规章   1   2   3", 3),
    ]


@given(st.text(alphabet="+-|=:规章 1\n┌─┬┐│├┼┤└┴┘", max_size=300))
def test_any_drawing_reads_without_error(text: str) -> None:
    read_text(text.encode(), "drawing.txt")


# --- pipe tables without outer pipes (html2text) ------------------------------------------------


def _without_outer_pipes(markdown: str, one_column_caption: bool) -> str:
    """The Markdown writer's pipe tables as html2text writes them: no outer pipes, ``---|---``
    under the header, two trailing spaces on each row, a blank line after the table. With
    ``one_column_caption`` a table opens with its caption row alone over ``---``."""
    out: list[str] = []
    previous_row = False
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            if set(line) <= {"|", " ", "-"}:
                out.append("|".join(["---"] * (line.count("|") - 1)) + "  ")
            else:
                if one_column_caption and not previous_row:
                    out += ["表格  ", "---  "]
                out.append(" | ".join(cells) + "  ")
            previous_row = True
            continue
        if previous_row:
            out.append("  ")
        previous_row = False
        out.append(line)
    return "\n".join(out) + "\n"


@given(printed_reports(), st.booleans())
def test_pipe_tables_without_outer_pipes_read_back(report: AnnualReport, caption: bool) -> None:
    text = _without_outer_pipes(write_markdown(report, ()).decode(), caption)
    assert_reads_back(report, text)


def test_a_pipeless_row_is_a_row_of_cells_to_the_blank_line() -> None:
    text = (
        "信息内容 | 本年新制作数量 | 本年新公开数量\n---|:---:|---:\n"
        "规章 | 0 | 0  \n第二十条\n规范性文件 | 19 | \n\n其后\n"
    )
    blocks = read_text(text.encode(), "html2text.md").blocks
    table, after = blocks
    assert isinstance(table, Table)
    rows: dict[int, list[str]] = {}
    for cell in table.cells:
        rows.setdefault(cell.row, []).append(cell.text)
    assert list(rows.values()) == [
        ["信息内容", "本年新制作数量", "本年新公开数量"],
        ["规章", "0", "0"],
        ["第二十条"],
        ["规范性文件", "19", ""],
    ]
    assert getattr(after, "text", None) == "其后"


def test_a_one_cell_header_over_dashes_opens_a_pipeless_table() -> None:
    # html2text: a caption cell alone over "---" (after a layout table's empty cell), then rows.
    text = "| 第二十条第（一）项  \n---  \n信息内容 | 本年新制作数量  \n规章 | 2  \n\n"
    (table,) = read_text(text.encode(), "html2text.md").blocks
    assert isinstance(table, Table)
    assert [c.text for c in table.cells if c.text] == [
        "第二十条第（一）项",
        "信息内容",
        "本年新制作数量",
        "规章",
        "2",
    ]


def test_a_setext_heading_is_not_a_table() -> None:
    blocks = read_text(
        "一、总体情况\n---\n本年度共公开信息 30 条。\n".encode(), "heading.md"
    ).blocks
    assert [getattr(b, "text", None) for b in blocks] == [
        "一、总体情况",
        "本年度共公开信息 30 条。",
    ]


# --- HTML tables inside Markdown (pandoc gfm, markitdown) ---------------------------------------


def _html_table_lines(grid: SpannedTable) -> list[str]:
    """One official table as pandoc writes a table with spans into gfm: HTML over many lines,
    an attribute now and then on a line of its own."""
    lines = []
    for line in official_table_html(grid, lambda cell: ([], []), "marked"):
        lines.extend(line.replace("<td rowspan", "<td\nrowspan").splitlines())
    return lines


@given(printed_reports())
def test_html_tables_inside_markdown_read_back(report: AnnualReport) -> None:
    tables = iter([_html_table_lines(grid) for grid in official_grids(report)])
    assert_reads_back(report, _replace_tables(write_markdown(report, ()).decode(), tables))


def test_an_html_table_in_markdown_keeps_its_line_and_spans() -> None:
    text = (
        '前言\n\n<table>\n<tr><td rowspan="2">甲</td><td>1</td></tr>\n'
        "<tr><td>2</td></tr>\n</table>\n后记\n"
    )
    blocks = read_text(text.encode(), "gfm.md").blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]
    table = blocks[1]
    assert isinstance(table, Table)
    assert [(c.text, c.row_span, c.provenance.line, c.provenance.table) for c in table.cells] == [
        ("甲", 2, 3, 0),
        ("1", 1, 3, 0),
        ("2", 1, 3, 0),
    ]


def test_html_tables_in_markdown_are_bounded_like_a_page() -> None:
    one = "<table>" + "<tr><td>1</td><td>2</td></tr>" * 30 + "</table>"
    with using_limits(Limits(max_table_cells=50)), pytest.raises(ReportReadError) as raised:
        read_text(f"标题\n\n{one}\n".encode(), "big.md")
    assert raised.value.code == "limits.table_cells"
    # Many tables each under the limit still count together.
    many = "\n\n".join(["<table><tr><td>1</td><td>2</td></tr></table>"] * 40)
    with using_limits(Limits(max_document_cells=60)), pytest.raises(ReportReadError) as raised:
        read_text(many.encode(), "many.md")
    assert raised.value.code == "limits.document_cells"


# --- emphasis -----------------------------------------------------------------------------------


@given(printed_reports())
def test_a_bold_title_names_the_agency_and_year(report: AnnualReport) -> None:
    lines = write_markdown(report, ()).decode().splitlines()
    lines = [f"**{line[2:]}**" if line.startswith("# ") else line for line in lines]
    lines = [f"**{line[3:]}**" if line.startswith("## ") else line for line in lines]
    assert_reads_back(report, "\n".join(lines))


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        (
            "**某某市生态环境局2021年政府信息公开工作年度报告**",
            "某某市生态环境局2021年政府信息公开工作年度报告",
        ),
        ("__一、总体情况__", "一、总体情况"),
        ("本年度*重点*公开了 3 件", "本年度重点公开了 3 件"),
        ("_注_：单位为件", "注：单位为件"),
        ("file_name_here 3*4=12", "file_name_here 3*4=12"),
        ("* 列表项", "列表项"),
    ],
)
def test_emphasis_marks_leave_paragraph_text(markdown: str, text: str) -> None:
    (paragraph,) = read_text(markdown.encode(), "emphasis.md").blocks
    assert getattr(paragraph, "text", None) == text


@given(st.text(alphabet="规章文件 0123456789，。、（）", min_size=1, max_size=30).filter(str.strip))
def test_emphasis_around_any_run_is_removed_and_nothing_else(run: str) -> None:
    run = run.strip()
    for marks in ("**", "__"):
        (paragraph,) = read_text(f"前{marks}{run}{marks}后".encode(), "e.md").blocks
        assert getattr(paragraph, "text", None) == f"前{run}后"


def test_grid_tables_are_bounded_by_the_cell_limits() -> None:
    row = "|" + " 1 |" * 10
    border = "+" + "---+" * 10
    grid = "\n".join([border, *[line for _ in range(10) for line in (row, border)]])
    with using_limits(Limits(max_table_cells=50)), pytest.raises(ReportReadError) as raised:
        read_text(grid.encode(), "grid.md")
    assert raised.value.code == "limits.table_cells"
    with using_limits(Limits(max_document_cells=150)), pytest.raises(ReportReadError) as raised:
        read_text(f"{grid}\n\n{grid}\n".encode(), "grids.md")
    assert raised.value.code == "limits.document_cells"
    assert len(read_text(grid.encode(), "grid.md").blocks) == 1
