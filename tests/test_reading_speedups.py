"""The shortcuts reading takes for speed (slot constructors, caches per cell kind, one sort for a
plain table, screens before matching) give what the direct way gives."""

from __future__ import annotations

import itertools

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govinfo_report.align import ValuePiece, split_value_cells
from govinfo_report.document import GridCell, Table
from govinfo_report.formats.html import read_html
from govinfo_report.formats.text import read_text
from govinfo_report.interpret import _table_rows
from govinfo_report.values import (
    SHORT_TEXT,
    Cell,
    CellKind,
    CellState,
    Provenance,
    _parse_kind,
    cache_short_texts,
    parse_cell_text,
    slot_constructor,
)

small = st.integers(min_value=0, max_value=40)
maybe = st.none() | small
box = st.none() | st.tuples(*[st.floats(0, 1000, allow_nan=False)] * 4)
provenances = st.builds(
    Provenance,
    source=st.none() | st.text(max_size=8),
    page=maybe,
    line=maybe,
    table=maybe,
    row=maybe,
    column=maybe,
    bbox=box,
    continued_page=maybe,
    continued_bbox=box,
    placed_by=st.none() | st.just("position"),
    confidence=st.none() | st.floats(0, 1),
)


def _same(made: object, expected: object) -> None:
    assert type(made) is type(expected)
    assert made == expected and repr(made) == repr(expected)
    for field in attrs.fields(type(expected)):
        assert getattr(made, field.name) is getattr(expected, field.name)


@given(provenances)
def test_slot_constructor_builds_the_provenance_the_class_builds(provenance: Provenance) -> None:
    values = attrs.asdict(provenance, recurse=False)
    _same(slot_constructor(Provenance)(**values), provenance)
    _same(slot_constructor(Provenance)(*values.values()), provenance)
    given_fields = ("source", "line", "table", "row", "column")
    partial = slot_constructor(Provenance, *given_fields)(*(values[n] for n in given_fields))
    _same(partial, Provenance(**{n: values[n] for n in given_fields}))


@given(st.text(max_size=6), small, small, st.integers(1, 3), st.integers(1, 3), provenances)
def test_slot_constructor_builds_cells_and_pieces(
    text: str, row: int, column: int, row_span: int, column_span: int, where: Provenance
) -> None:
    _same(
        slot_constructor(GridCell)(text, row, column, row_span, column_span, where),
        GridCell(text, row, column, row_span, column_span, where),
    )
    _same(slot_constructor(GridCell)(text, row, column), GridCell(text, row, column))
    _same(
        slot_constructor(ValuePiece)(text, row, column, provenance=where, whole="1 2", part=1),
        ValuePiece(text, row, column, provenance=where, whole="1 2", part=1),
    )
    _same(
        slot_constructor(Cell)(CellState.NUMBER, 5, None, None, text, where),
        Cell(CellState.NUMBER, value=5, raw=text, provenance=where),
    )


@given(provenances)
def test_a_provenance_with_fields_left_unset_is_the_provenance_the_class_builds(
    provenance: Provenance,
) -> None:
    """The readers' provenance stores only the fields it is given; the others read as their
    defaults, and nothing (equality, hashing, repr, copies, pickles, evolve) tells it apart."""
    import copy
    import pickle

    given_fields = ("source", "line", "table", "row", "column")
    values = attrs.asdict(provenance, recurse=False)
    expected = Provenance(**{n: values[n] for n in given_fields})
    build = slot_constructor(Provenance, *given_fields)

    def made() -> Provenance:
        return build(*(values[n] for n in given_fields))

    # Each use on a fresh one, before any field was read and filled in.
    assert made() == expected and expected == made()
    assert hash(made()) == hash(expected)
    assert repr(made()) == repr(expected)
    assert pickle.loads(pickle.dumps(made())) == expected
    assert copy.copy(made()) == expected and copy.deepcopy(made()) == expected
    assert attrs.evolve(made(), placed_by="position") == attrs.evolve(
        expected, placed_by="position"
    )
    assert attrs.asdict(made()) == attrs.asdict(expected)
    assert made().describe("zh") == expected.describe("zh")
    assert made().one_based() == expected.one_based()
    _same(made(), expected)
    unset = made()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        unset.page = 3  # type: ignore[misc]
    assert unset.page is None  # still its default after the refused write
    with pytest.raises(AttributeError):
        _ = unset.pages  # type: ignore[attr-defined]  # no field: still an error (and to mypy)


def test_slot_constructor_refuses_classes_whose_init_does_more() -> None:
    @attrs.frozen
    class Checked:
        count: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen
    class Defaulted:
        items: list[int] = attrs.field(factory=list)

    @attrs.frozen
    class Finished:
        count: int

        def __attrs_post_init__(self) -> None:
            pass

    @attrs.define(slots=False, frozen=True)
    class Unslotted:
        count: int

    for cls in (Checked, Defaulted, Finished, Unslotted, int):
        with pytest.raises(TypeError):
            slot_constructor(cls)
    with pytest.raises(TypeError):
        slot_constructor(GridCell, "row")  # text has no default and is not given
    with pytest.raises(TypeError):
        slot_constructor(GridCell, "text", "text")
    with pytest.raises(TypeError):
        slot_constructor(GridCell, "text", "page")


def test_two_argument_caches_keep_short_texts_only() -> None:
    calls: list[tuple[str, int]] = []

    @cache_short_texts(maxsize=8)
    def padded(text: str, width: int) -> str:
        calls.append((text, width))
        return text.ljust(width)

    long = "x" * (SHORT_TEXT + 1)
    results = [padded("a", 3), padded("a", 3), padded("a", 4), padded(long, 1), padded(long, 1)]
    assert results == ["a  ", "a  ", "a   ", long, long]
    assert calls == [("a", 3), ("a", 4), (long, 1), (long, 1)]


cell_texts = st.sampled_from(
    [
        "",
        " ",
        "0",
        "１２",
        "+8",
        "-3",
        "1.5",
        "12万元",
        "12元",
        "/",
        "无",
        "22（其中修订16件）",
        "1,234",
    ]
) | st.text(alphabet="0123456789.,-+元万/（）其中 件", max_size=8)


@given(cell_texts, st.sampled_from(list(CellKind)))
def test_cached_parsing_per_kind_is_the_direct_parse(text: str, kind: CellKind) -> None:
    state, value, note, unit = _parse_kind(text, kind)
    cell = parse_cell_text(text, kind)
    assert (cell.state, cell.value, cell.note, cell.unit) == (state, value, note, unit)
    assert type(cell.value) is type(value)


def _rows_directly(table: Table) -> list[tuple[GridCell, ...]]:
    """A table's rows as the interpreter read them before: grouped by row in a dict, each row
    sorted by column; the grid read row by row where cells span."""
    if all(c.row_span == 1 and c.column_span == 1 for c in table.cells):
        by_row: dict[int, list[GridCell]] = {}
        for cell in table.cells:
            by_row.setdefault(cell.row, []).append(cell)
        return [tuple(sorted(cells, key=lambda c: c.column)) for _, cells in sorted(by_row.items())]
    rows = []
    for grid_row in table.grid():
        cells: list[GridCell] = []
        for cell in grid_row:
            if cell is not None and (not cells or cells[-1] is not cell):
                cells.append(cell)
        if cells:
            rows.append(tuple(cells))
    return rows


@st.composite
def loose_tables(draw: st.DrawFn) -> Table:
    """Cells in any order, positions repeated, spans now and then (as odd readers give them)."""
    count = draw(st.integers(0, 14))
    cells = []
    for index in range(count):
        spans = draw(st.sampled_from([(1, 1)] * 4 + [(2, 1), (1, 2), (2, 2)]))
        cells.append(GridCell(str(index), draw(small.map(lambda v: v % 4)), draw(small), *spans))
    return Table(tuple(cells))


@given(loose_tables())
def test_table_rows_read_as_before(table: Table) -> None:
    assert _table_rows(table) == _rows_directly(table)
    plain = Table(tuple(attrs.evolve(c, row_span=1, column_span=1) for c in table.cells))
    assert _table_rows(plain) == _rows_directly(plain)


@given(
    st.lists(st.sampled_from(["0", "3 4", "Col2", "规章", " 5", "1 000", "Col", ""]), max_size=6)
)
def test_rows_screened_before_splitting_split_as_before(texts: list[str]) -> None:
    cells = tuple(GridCell(text, 0, c) for c, text in enumerate(texts))
    joined = "".join(texts)
    if " " not in joined and "Col" not in joined:
        assert split_value_cells(cells) == cells


def test_text_reader_drops_word_bookmarks_only_where_printed() -> None:
    text = "一、总体情况\n[bookmark: _GoBack]正文\n\t规章\n\t[bookmark: x]5\n\n"
    document = read_text(text.encode(), "r.txt")
    assert [b.text for b in document.paragraphs()] == ["一、总体情况", "正文"]
    (table,) = document.tables()
    assert [(c.text, c.provenance.line) for c in table.cells] == [("规章", 3), ("5", 4)]


def test_html_clips_only_rowspans_past_the_last_row() -> None:
    page = (
        b"<table><tr><td rowspan='3'>a</td><td>1</td></tr><tr><td>2</td></tr></table>"
        b"<table><tr><td rowspan='2'>b</td><td>1</td></tr><tr><td>2</td></tr></table>"
    )
    first, second = read_html(page, "r.html").tables()
    assert [c.row_span for c in first.cells] == [2, 1, 1]
    assert [c.row_span for c in second.cells] == [2, 1, 1]
    assert all(c.provenance.table == 0 for c in first.cells)
    assert [c.provenance.column for c in first.cells] == [0, 1, 1]


def test_one_pass_grouping_keeps_cells_of_one_position_in_order() -> None:
    cells = [GridCell(t, 0, 0) for t in "abc"] + [GridCell("d", 1, 0)]
    for order in itertools.permutations(cells):
        rows = _table_rows(Table(order))
        assert rows == _rows_directly(Table(order))
