"""The ordered alignment of section 三 and the label knowledge it draws from the template."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govinfo_report as gr
import govinfo_report.layout
from govinfo_report.alignment import Placement, ordered_alignment
from govinfo_report.model import APPLICANT_COLUMNS, Edition, template_cells, template_rows
from govinfo_report.row_labels import NAMED, SIMILAR, match_label
from govinfo_report.testing import uniform_report
from govinfo_report.wrapped_numbers import consistent_readings, readings

# ---------------------------------------------------------------- the alignment itself


def _assignments(
    scores: Sequence[Mapping[int, int]], rows: int
) -> list[tuple[int, tuple[int | None, ...]]]:
    """Every order-keeping assignment with its total, by brute force."""
    found = []
    for choice in itertools.product(*[[None, *options] for options in scores]):
        taken = [row for row in choice if row is not None]
        if taken != sorted(set(taken)) or any(row >= rows for row in taken):
            continue
        total = sum(scores[i][row] for i, row in enumerate(choice) if row is not None)
        found.append((total, choice))
    return found


@st.composite
def _problems(draw: st.DrawFn) -> tuple[list[dict[int, int]], int]:
    rows = draw(st.integers(1, 6))
    scores = draw(
        st.lists(
            st.dictionaries(st.integers(0, rows - 1), st.sampled_from([1, 100, 10_000])),
            max_size=5,
        )
    )
    return scores, rows


@given(_problems())
def test_a_row_is_placed_only_where_every_best_alignment_puts_it(
    problem: tuple[list[dict[int, int]], int],
) -> None:
    scores, rows = problem
    assignments = _assignments(scores, rows)
    best = max(total for total, _ in assignments)
    optimal = [choice for total, choice in assignments if total == best]
    for i, placement in enumerate(ordered_alignment(scores, rows)):
        places = {choice[i] for choice in optimal}
        if len(places) == 1:
            assert placement == Placement(places.pop())
        else:
            assert placement.row is None
            assert set(placement.candidates) == places - {None}


def test_rows_of_values_fill_a_gap_of_their_own_size_only() -> None:
    anchor, value = 10_000, 1
    every = {j: value for j in range(5)}
    assert [p.row for p in ordered_alignment([{0: anchor}, every, every, {3: anchor}], 5)] == [
        0,
        1,
        2,
        3,
    ]
    lone = ordered_alignment([{0: anchor}, every, {3: anchor}], 5)
    assert lone[1] == Placement(None, (1, 2))


def test_two_labels_out_of_order_are_both_left_unplaced() -> None:
    anchor = 10_000
    placements = ordered_alignment([{0: anchor}, {2: anchor}, {1: anchor}, {3: anchor}], 4)
    assert [p.row for p in placements] == [0, None, None, 3]
    assert placements[1].candidates == (2,) and placements[2].candidates == (1,)


# ---------------------------------------------------------------- labels from the template


def test_template_rows_hold_the_cells_of_the_template_in_order() -> None:
    for edition in Edition:
        for single in (False, True):
            rows = template_rows(edition, single_other_row=single)
            cells = [key for row in rows for key in row.cells]
            assert cells == [c.key for c in template_cells(edition, single_other_row=single)]


def test_every_stem_names_its_own_row_and_no_other() -> None:
    for row in template_rows(Edition.E2021):
        section, key = row.key.split(".", 1)
        for stem in row.stems:
            match = match_label(stem, section)
            assert match is not None and match.rows == (key,), (stem, match)
            assert match.strength == NAMED


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ("（七）总计", "total"),
        ("七、总计", "total"),
        ("总计", "total"),
        ("3、其他", "other.misc"),
        ("(3)其他", "other.misc"),
        ("（六）其他", "other"),
        ("其他处理", "other"),
        ("四、结转下一年度继续办理", "carried_out"),
        # The group's label printed before its sub-row's, in one cell or line.
        ("（六）其他处理 3.其他", "other.misc"),
        ("（五）不予处理 2.重复申请", "not_processed.duplicate"),
    ],
)
def test_whole_labels_match_in_any_numbering_style(text: str, row: str) -> None:
    match = match_label(text, "applications")
    assert match is not None and match.rows == (row,) and match.strength == NAMED


@pytest.mark.parametrize(
    "text", ["其他", "不予以公开", "3", "（三）不予公开", "（五）不予处理 7.其他"]
)
def test_texts_that_name_no_row(text: str) -> None:
    assert match_label(text, "applications") is None


def test_a_damaged_label_is_named_by_similarity_and_its_numbering() -> None:
    match = match_label("2.其他法律行政止公开", "applications")
    assert match is not None and match.rows == ("withheld.prohibited_by_law",)
    assert match.strength == SIMILAR
    # The same text with another row's number names nothing: numbering is never damaged.
    assert match_label("5.其他法律行政止公开", "applications") is None


def test_section_two_labels_are_whole_words() -> None:
    match = match_label("（一）规范性文件", "active", True)
    assert match is not None and match.rows == ("normative_docs",)
    assert match_label("规章制度建设", "active", True) is None


# ---------------------------------------------------------------- reading whole documents


def _markdown() -> str:
    report = uniform_report("2021", "3", agency="示例县人民政府", year=2022)
    return gr.write(report, "markdown").decode("utf-8")


def test_two_rows_that_lost_their_labels_fill_the_two_missing_rows() -> None:
    page = _markdown()
    for label in ("| 2.其他法律行政法规禁止公开 |", "| 3.危及“三安全一稳定” |"):
        page = page.replace(label, "|  |", 1)
    result = gr.read(page.encode(), name="r.md")
    for key in ("prohibited_by_law", "security_stability"):
        cell = result.report.cell(f"applications.withheld.{key}.total")
        assert cell.value == 3
        assert cell.provenance is not None and cell.provenance.placed_by == "position"
    placed = [f for f in result.findings if f.code == "read.placed_by_position"]
    assert len(placed) == 2


def test_a_label_naming_two_rows_is_placed_by_its_neighbours() -> None:
    # The tail of the row above printed into this row's label cell: two stems, two rows named.
    page = _markdown().replace(
        "| 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 |",
        "| 确认或重新出具已获取信息 1.申请人无正当理由逾期不补正 |",
        1,
    )
    result = gr.read(page.encode(), name="r.md")
    cell = result.report.cell("applications.other.overdue_correction.total")
    assert cell.value == 3
    assert cell.provenance is not None and cell.provenance.placed_by == "position"
    assert result.report.cell("applications.not_processed.confirmation.total").value == 3
    assert "read.placed_by_position" in {f.code for f in result.findings}
    assert not [f for f in result.findings if f.code == "read.stray_number"]


def test_a_label_naming_two_rows_takes_the_one_its_order_leaves() -> None:
    # Both labels name both rows (each printed with the other's stem): only one reading keeps order.
    lines = _markdown().splitlines()
    first = next(i for i, line in enumerate(lines) if "1.信访举报投诉类申请" in line)
    second = next(i for i, line in enumerate(lines) if "2.重复申请" in line)
    lines[first] = lines[first].replace("1.信访举报投诉类申请", "信访 重复申请")
    lines[first] = lines[first].replace(
        "| 3 | 3 | 3 | 3 | 3 | 3 | 3 |", "| 1 | 1 | 1 | 1 | 1 | 1 | 6 |"
    )
    lines[second] = lines[second].replace("2.重复申请", "重复申请 信访")
    result = gr.read("\n".join(lines).encode(), name="r.md")
    for key, value in (("petition", 6), ("duplicate", 3)):
        cell = result.report.cell(f"applications.not_processed.{key}.total")
        assert cell.value == value
        assert cell.provenance is not None and cell.provenance.placed_by == "position"


def test_rows_printed_out_of_the_template_order_place_nothing_by_position() -> None:
    lines = _markdown().splitlines()
    first = next(i for i, line in enumerate(lines) if "1.信访举报投诉类申请" in line)
    second = next(i for i, line in enumerate(lines) if "2.重复申请" in line)
    lines[first], lines[second] = lines[second], lines[first]
    lost = next(i for i, line in enumerate(lines) if "4.保护第三方合法权益" in line)
    lines[lost] = lines[lost].replace("4.保护第三方合法权益", "")
    result = gr.read("\n".join(lines).encode(), name="r.md")
    # Intact labels still name their rows; the row that lost its label is not placed by order.
    for key in ("petition", "duplicate"):
        assert result.report.cell(f"applications.not_processed.{key}.total").value == 3
    assert result.report.cell("applications.withheld.third_party_rights.total").value is None
    assert "read.placed_by_position" not in {f.code for f in result.findings}
    unplaced = [f for f in result.findings if f.code == "read.unplaced_values"]
    assert unplaced and "applications.withheld.third_party_rights.total" in unplaced[0].cells


# ---------------------------------------------------------------- numbers wrapped over lines


def _copied_text() -> str:
    report = uniform_report("2021", "3", agency="示例县人民政府", year=2022)
    lines = []
    for table in gr.layout.official_tables(report):
        lines.append(table.title)
        lines.extend(" ".join(cell for cell in row if cell) for row in table.rows)
    return "示例县人民政府2022年政府信息公开工作年度报告\n" + "\n".join(lines) + "\n"


def _one(lines: list[list[str]]) -> Sequence[tuple[int, ...] | None] | None:
    found = consistent_readings(lines, 7, _sums)
    return found[0][0] if len(found) == 1 else None


def test_wrapped_readings_join_only_at_line_breaks() -> None:
    assert _one([["11"], ["8"], ["9", "1", "0", "0", "2", "130"]]) == (
        (0, 1),
        (2,),
        (3,),
        (4,),
        (5,),
        (6,),
        (7,),
    )
    # A count never starts with 0: 0 / 5 is two values, and then no reading holds.
    assert _one([["0"], ["5"], ["1", "0", "0", "0", "0", "6"]]) is None


def test_a_wrapped_reading_with_a_blank_somewhere_is_not_decided() -> None:
    # 11 / 8 / 9 1 0 2 130: 118 and a blank in any of the six columns before 总计.
    assert len(consistent_readings([["11"], ["8"], ["9", "1", "0", "2", "130"]], 7, _sums)) == 6


def test_values_going_on_in_the_next_line_unwrapped_are_one_reading() -> None:
    # 1 / 2 0 0 0 0 3: as printed (1 + 2 = 3); joining 1 and 2 leaves no consistent reading.
    assert _one([["1"], ["2", "0", "0", "0", "0", "3"]]) == tuple((i,) for i in range(7))
    assert len(readings([["1"], ["2", "0", "0", "0", "0", "3"]], 7)) == 1 + 7


def _sums(texts: Sequence[str | None]) -> bool:
    numbers = [int(t) if t else 0 for t in texts]
    return sum(numbers[:-1]) == numbers[-1]


def test_a_number_wrapped_in_its_cell_reads_whole_in_copied_text() -> None:
    text = _copied_text().replace(
        "一、本年新收政府信息公开申请数量 3 3 3 3 3 3 3",
        "一、本年新收政府信息公开申请数量 10\n3\n3 3 3 3 3 118",
    )
    result = gr.read(text.encode(), name="copied.txt")
    row = [result.report.cell(f"applications.received.{c}").value for c in APPLICANT_COLUMNS]
    assert row == [103, 3, 3, 3, 3, 3, 118]
    (joined,) = [f for f in result.findings if f.code == "read.joined_number"]
    assert joined.cells == ("applications.received.natural_person",)
    assert not [f for f in result.findings if f.code == "read.stray_number"]


def test_a_wrapped_row_that_two_readings_fit_stays_absent() -> None:
    # 118 and a blank in any one of five columns: every such reading is consistent.
    text = _copied_text().replace(
        "一、本年新收政府信息公开申请数量 3 3 3 3 3 3 3",
        "一、本年新收政府信息公开申请数量 11\n8\n9 1 0 2 130",
    )
    result = gr.read(text.encode(), name="copied.txt")
    for column in APPLICANT_COLUMNS:
        assert result.report.cell(f"applications.received.{column}").value is None
    assert "read.joined_number" not in {f.code for f in result.findings}
    unplaced = [f for f in result.findings if f.code == "read.unplaced_values"]
    assert any("applications.received.total" in f.cells for f in unplaced)


def test_a_full_row_whose_last_number_goes_on_in_the_next_line() -> None:
    text = _copied_text().replace(
        "四、结转下年度继续办理 3 3 3 3 3 3 3", "四、结转下年度继续办理 3 3 3 3 3 3 1\n8"
    )
    result = gr.read(text.encode(), name="copied.txt")
    assert result.report.cell("applications.carried_out.total").value == 18
    assert "read.joined_number" in {f.code for f in result.findings}


def test_a_full_row_followed_by_a_number_no_reading_fits_stores_nothing() -> None:
    # 3 3 3 3 3 3 3 / 5: a page number, or 35 cut in two; the row total fits neither reading.
    text = _copied_text().replace(
        "四、结转下年度继续办理 3 3 3 3 3 3 3", "四、结转下年度继续办理 3 3 3 3 3 3 3\n5"
    )
    result = gr.read(text.encode(), name="copied.txt")
    for column in APPLICANT_COLUMNS:
        assert result.report.cell(f"applications.carried_out.{column}").value is None
    unplaced = [f for f in result.findings if f.code == "read.unplaced_values"]
    assert any("applications.carried_out.total" in f.cells for f in unplaced)


def test_a_label_alone_with_its_numbers_wrapped_on_the_lines_after() -> None:
    # pdftotext -raw: the label on a line of its own, then 116 cut into 11 / 6.
    text = _copied_text().replace("（七）总计 3 3 3 3 3 3 3", "（七）总计\n11\n6\n8 1 0 0 2 127")
    result = gr.read(text.encode(), name="copied.txt")
    row = [result.report.cell(f"applications.total.{c}").value for c in APPLICANT_COLUMNS]
    assert row == [116, 8, 1, 0, 0, 2, 127]
    (joined,) = [f for f in result.findings if f.code == "read.joined_number"]
    assert joined.cells == ("applications.total.natural_person",)


def test_a_whole_row_that_adds_up_keeps_its_values_before_a_loose_number() -> None:
    # pdftotext -layout: the next row's wrapped number prints its top piece under this row.
    text = _copied_text().replace("3.其他 3 3 3 3 3 3 3", "3.其他 3 0 0 0 0 1 4\n11")
    result = gr.read(text.encode(), name="copied.txt")
    row = [result.report.cell(f"applications.other.misc.{c}").value for c in APPLICANT_COLUMNS]
    assert row == [3, 0, 0, 0, 0, 1, 4]
    assert "11" in {f.actual for f in result.findings if f.code == "read.stray_number"}


def test_sub_rows_of_other_handling_in_a_2019_report_are_strays() -> None:
    report = uniform_report("2019", "3", agency="示例县人民政府", year=2020)
    lines = gr.write(report, "markdown").decode("utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "（六）其他处理" in line)
    lines.insert(at + 1, "|  |  | 1.逾期不补正 | 5 | 5 | 5 | 5 | 5 | 5 | 30 |")
    result = gr.read("\n".join(lines).encode(), name="r.md")
    assert result.report.cell("applications.other.total").value == 3
    strays = [f for f in result.findings if f.code == "read.stray_number"]
    assert len(strays) == 7 and all("2019" in f.message for f in strays)


# ---------------------------------------------------------------- section 四 wrapped over lines

_REVIEW_LINE = "3 3 3 3 3 3 3 3 3 3 3 3 3 3 3"
# 行政复议 559 0 0 0 559; 未经复议直接起诉 0 688 817 559 2064; 复议后起诉 43 817 0 0 860.
_REVIEWS = [559, 0, 0, 0, 559, 0, 688, 817, 559, 2064, 43, 817, 0, 0, 860]


def _review_values(result: gr.ReadResult) -> list[object]:
    keys = [s.key for s in template_cells(Edition.E2021) if s.key.startswith("reviews.")]
    return [result.report.cell(key).value for key in keys]


def test_a_number_wrapped_in_section_four_is_joined_when_one_reading_holds() -> None:
    # pdftotext -raw: the row's numbers, with 2064 cut into 206 / 4 on lines of their own.
    text = _copied_text().replace(
        _REVIEW_LINE, "559 0 0 0 559 0 688 817 559\n206\n4\n43 817 0 0 860"
    )
    result = gr.read(text.encode(), name="copied.txt")
    assert _review_values(result) == _REVIEWS
    (joined,) = [f for f in result.findings if f.code == "read.joined_number"]
    assert joined.cells == ("reviews.litigation_direct.total",)
    assert not [f for f in result.findings if f.code == "read.stray_number"]


def test_pieces_above_and_below_section_four_leave_it_absent() -> None:
    # pdftotext -layout: 206 over the row and 4 under it; where they belong is not in the text.
    text = _copied_text().replace(
        _REVIEW_LINE, "206\n559 0 0 0 559 0 688 817 559 43 817 0 0 860\n4"
    )
    result = gr.read(text.encode(), name="copied.txt")
    assert _review_values(result) == [None] * 15
    unplaced = [f for f in result.findings if f.code == "read.unplaced_values"]
    assert any("reviews.review.upheld" in f.cells for f in unplaced)


def test_section_four_as_printed_when_it_adds_up_or_is_one_line() -> None:
    printed = " ".join(map(str, _REVIEWS))
    # A number after the row (a page number) does not move values that add up.
    text = _copied_text().replace(_REVIEW_LINE, printed + "\n5")
    assert _review_values(gr.read(text.encode(), name="copied.txt")) == _REVIEWS
    # One line of fifteen that does not add up is stored as published (validation flags it).
    result = gr.read(_copied_text().encode(), name="copied.txt")
    assert _review_values(result) == [3] * 15


@given(
    results=st.lists(st.integers(0, 3000), min_size=12, max_size=12),
    cut=st.integers(0, 14),
    breaks=st.sets(st.integers(1, 15), max_size=3),
)
def test_section_four_wrapped_anywhere_is_right_or_absent(
    results: list[int], cut: int, breaks: set[int]
) -> None:
    """Damage as copied text: the line broken anywhere, one number cut in two at a line break.
    Every value read is the published one; none is ever wrong."""
    values: list[int] = []
    for group in range(3):
        four = results[group * 4 : group * 4 + 4]
        values += [*four, sum(four)]
    pieces = [str(v) for v in values]
    tokens: list[str] = []
    line_ends: set[int] = set()
    for index, piece in enumerate(pieces):
        if index == cut and len(piece) > 1:
            tokens.append(piece[:1])
            line_ends.add(len(tokens))
            tokens.append(piece[1:])
        else:
            tokens.append(piece)
        if index + 1 in breaks:
            line_ends.add(len(tokens))
    lines, current = [], []
    for position, token in enumerate(tokens, start=1):
        current.append(token)
        if position in line_ends:
            lines.append(" ".join(current))
            current = []
    if current:
        lines.append(" ".join(current))
    text = _copied_text().replace(_REVIEW_LINE, "\n".join(lines))
    got = _review_values(gr.read(text.encode(), name="copied.txt"))
    assert all(value is None or value == truth for value, truth in zip(got, values, strict=True))
    if len(lines) == 1:
        assert got == values


# ---------------------------------------------------------------- section 二 labels wrapped


def _markdown_of(edition: str, year: int) -> str:
    report = uniform_report(edition, "3", agency="示例县人民政府", year=year)
    return gr.write(report, "markdown").decode("utf-8")


@pytest.mark.parametrize(
    ("edition", "row", "wrapped", "key"),
    [
        (
            "2019",
            "| 其他对外管理服务事项 | 3 | 3 | 3 |",
            "| 其他对 | 14 | 7 | 0 |\n| 外管理服务事项 |  |  |  |",
            "other_services",
        ),
        (
            "2021",
            "| 行政规范性文件 | 3 | 3 | 3 |",
            "| 行政 | 14 | 7 | 0 |\n| 规范性文件 |  |  |  |",
            "normative_docs",
        ),
    ],
)
def test_a_label_wrapped_over_two_rows_keeps_the_numbers_of_its_first(
    edition: str, row: str, wrapped: str, key: str
) -> None:
    text = _markdown_of(edition, 2020 if edition == "2019" else 2022)
    assert row in text
    result = gr.read(text.replace(row, wrapped).encode(), name="r.md")
    specs = [s.key for s in template_cells(edition) if s.key.startswith(f"active.{key}.")]
    assert [result.report.cell(k).value for k in specs] == [14, 7, 0]
    assert not [f for f in result.findings if f.code == "read.stray_number"]


def test_blanks_under_numbers_with_an_unknown_label_are_not_taken_as_printed() -> None:
    text = _markdown_of("2019", 2020).replace(
        "| 其他对外管理服务事项 | 3 | 3 | 3 |",
        "| 备注 | 14 | 7 | 0 |\n| 其他对外管理服务事项 |  |  |  |",
    )
    result = gr.read(text.encode(), name="r.md")
    for column in ("prev_items", "delta", "decisions"):
        assert result.report.cell(f"active.other_services.{column}").state.value == "absent"
    unplaced = [f for f in result.findings if f.code == "read.unplaced_values"]
    assert any("active.other_services.prev_items" in f.cells for f in unplaced)
    # The numbers are not dropped in silence either.
    assert {"14", "7", "0"} <= {f.actual for f in result.findings if f.code == "read.stray_number"}
