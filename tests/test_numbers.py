"""Cell texts whose leading digits are not the value get a finding, never a silent wrong number."""

from __future__ import annotations

import json

import pytest

import govinfo_report as gr
from govinfo_report import CellKind, CellState, parse_cell_text
from govinfo_report.testing import uniform_report


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("12万", CellKind.COUNT),
        ("1e3", CellKind.COUNT),
        ("5-6", CellKind.COUNT),
        ("5~6", CellKind.COUNT),
        ("5至6", CellKind.COUNT),
        ("½", CellKind.COUNT),
        ("3/4", CellKind.COUNT),
        ("30%", CellKind.COUNT),
        ("5千元", CellKind.MONEY),
        ("1.2亿", CellKind.MONEY),
    ],
)
def test_numbers_with_a_magnitude_range_or_fraction_stay_text(text: str, kind: CellKind) -> None:
    cell = parse_cell_text(text, kind)
    assert cell.state is CellState.TEXT and cell.value is None
    assert cell.raw == text


@pytest.mark.parametrize(
    ("text", "value"), [("12件", 12), ("22（其中修订16件）", 22), ("8个", 8), ("3（含转办）", 3)]
)
def test_a_note_after_a_number_still_annotates_it(text: str, value: int) -> None:
    cell = parse_cell_text(text)
    assert cell.state is CellState.ANNOTATED and cell.value == value


def test_each_such_cell_gets_a_finding_of_its_own() -> None:
    cells = uniform_report("2021", "0").cell_map()
    odd = {
        "applications.received.natural_person": "12万",
        "applications.received.commercial": "1e3",
        "applications.received.research": "5-6",
        "applications.received.social_welfare": "½",
    }
    for key, text in odd.items():
        cells[key] = parse_cell_text(text)
    cells["active.fees.amount"] = parse_cell_text("5千元", CellKind.MONEY)
    report, _ = gr.build_report("2021", cells)
    flagged = {f.cells[0] for f in gr.validate(report) if f.code == "cell.text"}
    assert {*odd, "active.fees.amount"} <= flagged


def test_a_number_of_5001_digits_is_a_finding_not_a_json_error() -> None:
    data = gr.to_cells(uniform_report("2021", "0"))
    text = json.dumps(data, ensure_ascii=False).replace(
        '"applications.received.natural_person": 0',
        '"applications.received.natural_person": ' + "7" * 5001,
    )
    assert "7" * 5001 in text
    result = gr.read(text.encode(), name="long.cells.json")
    cell = result.report.cell("applications.received.natural_person")
    assert cell.state is CellState.TEXT
    assert "cell.text" in {f.code for f in gr.validate(result.report)}
    assert parse_cell_text("9" * 5001).state is CellState.TEXT
