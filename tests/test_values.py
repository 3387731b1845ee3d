from __future__ import annotations

from decimal import Decimal

import pytest

from govinfo_report.values import Cell, CellKind, CellState, parse_cell_text


@pytest.mark.parametrize(
    ("text", "kind", "state", "value", "note"),
    [
        ("0", CellKind.COUNT, CellState.NUMBER, 0, None),
        ("　　0", CellKind.COUNT, CellState.NUMBER, 0, None),
        ("0 ", CellKind.COUNT, CellState.NUMBER, 0, None),
        ("\u00a012\u00a0", CellKind.COUNT, CellState.NUMBER, 12, None),
        ("１２３", CellKind.COUNT, CellState.NUMBER, 123, None),
        ("1,234", CellKind.COUNT, CellState.NUMBER, 1234, None),
        ("+8", CellKind.SIGNED, CellState.NUMBER, 8, None),
        ("-3", CellKind.SIGNED, CellState.NUMBER, -3, None),
        ("＋5", CellKind.SIGNED, CellState.NUMBER, 5, None),
        ("", CellKind.COUNT, CellState.BLANK, None, None),
        ("   ", CellKind.COUNT, CellState.BLANK, None, None),
        ("/", CellKind.COUNT, CellState.MARKER, None, "/"),
        ("—", CellKind.COUNT, CellState.MARKER, None, "—"),
        ("-", CellKind.COUNT, CellState.MARKER, None, "-"),
        ("无", CellKind.COUNT, CellState.MARKER, None, "无"),
        ("——", CellKind.COUNT, CellState.MARKER, None, "——"),
        ("--", CellKind.COUNT, CellState.MARKER, None, "--"),
        # A table rule a converter left in a cell is text, not a publisher's "none".
        ("---", CellKind.COUNT, CellState.TEXT, None, "---"),
        ("----------", CellKind.COUNT, CellState.TEXT, None, "----------"),
        ("－－－－", CellKind.COUNT, CellState.TEXT, None, "----"),
        ("22（其中修订16件）", CellKind.COUNT, CellState.ANNOTATED, 22, "(其中修订16件)"),
        ("3件", CellKind.COUNT, CellState.ANNOTATED, 3, "件"),
        ("96171.6", CellKind.MONEY, CellState.NUMBER, Decimal("96171.6"), None),
        ("0", CellKind.MONEY, CellState.NUMBER, Decimal("0"), None),
        ("2.5", CellKind.COUNT, CellState.NUMBER, Decimal("2.5"), None),
        ("abc", CellKind.COUNT, CellState.TEXT, None, "abc"),
        ("1.2.3", CellKind.COUNT, CellState.TEXT, None, "1.2.3"),
    ],
)
def test_parse_cell_text(
    text: str, kind: CellKind, state: CellState, value: object, note: object
) -> None:
    cell = parse_cell_text(text, kind)
    assert cell.state is state
    assert cell.value == value
    assert type(cell.value) is type(value)
    assert cell.note == note
    assert cell.raw == text


def test_money_keeps_the_printed_unit() -> None:
    cell = parse_cell_text("251000元", CellKind.MONEY)
    assert (cell.state, cell.value, cell.unit) == (CellState.NUMBER, Decimal(251000), "元")


def test_blank_is_never_zero() -> None:
    blank = parse_cell_text("")
    assert blank.value is None
    assert blank != parse_cell_text("0")
    assert not blank.is_numeric


def test_raw_text_and_provenance_are_outside_equality() -> None:
    assert parse_cell_text(" 5 ") == parse_cell_text("5")
    assert Cell(CellState.NUMBER, 5, raw="5") != Cell(CellState.NUMBER, 6, raw="5")


def test_only_short_texts_are_cached() -> None:
    # Long texts are worked out again each time, so hostile input cannot fill the caches.
    from govinfo_report.values import SHORT_TEXT, cache_short_texts

    calls: list[str] = []

    @cache_short_texts(maxsize=8)
    def length(text: str) -> int:
        calls.append(text)
        return len(text)

    short, long = "0", "x" * (SHORT_TEXT + 1)
    assert [length(short), length(short), length(long), length(long)] == [
        1,
        1,
        len(long),
        len(long),
    ]
    assert calls == [short, long, long]
