from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import govinfo_report as gr
from govinfo_report import AnnualReport, ReportReadError, from_cells, from_json, to_cells, to_json
from govinfo_report.model import build_report
from govinfo_report.schema import report_schema
from govinfo_report.testing.strategies import reports
from govinfo_report.values import CellKind, Provenance, parse_cell_text

SCHEMA_FILE = Path(gr.__file__).parent / "data" / "report.schema.json"

# Cell texts a report may hold besides plain numbers, by kind.
_TEXTS = {
    CellKind.COUNT: st.sampled_from(
        ["", "/", "—", "无", "22（其中修订16件）", "3件", "见附件", "1,234", "０"]
    ),
    CellKind.SIGNED: st.sampled_from(["", "+8", "-3", "/"]),
    CellKind.MONEY: st.sampled_from(["", "2.70", "96171.6", "0.0001", "/"]),
}


@st.composite
def varied_reports(draw: st.DrawFn) -> AnnualReport:
    """Valid reports with some cells replaced by blanks, markers, annotations or text, and
    provenance on some cells: what the JSON form must carry losslessly."""
    report = draw(reports(single_other_row=None))
    cells = report.cell_map()
    specs = list(report.template())
    for spec in draw(st.lists(st.sampled_from(specs), max_size=8, unique=True)):
        text = draw(_TEXTS[spec.kind])
        where = Provenance(source="x.txt", line=draw(st.integers(1, 500)))
        cells[spec.key] = parse_cell_text(text, spec.kind, where)
    rebuilt, _ = build_report(report.edition, cells, meta=report.meta)
    return rebuilt


@given(varied_reports())
def test_json_round_trip_is_exact(report: AnnualReport) -> None:
    text = to_json(report)
    loaded = from_json(text)
    assert loaded == report
    # raw texts and provenance are outside equality; the JSON must still carry them
    assert [(c.raw, c.provenance) for c in loaded.cell_tuple()] == [
        (c.raw, c.provenance) for c in report.cell_tuple()
    ]
    assert to_json(loaded) == text


@given(varied_reports())
def test_cells_round_trip_is_exact(report: AnnualReport) -> None:
    exported = to_cells(report)
    loaded, leftover = from_cells(json.loads(json.dumps(exported)))
    assert leftover == []
    assert loaded.meta.agency == report.meta.agency and loaded.meta.year == report.meta.year
    assert loaded.cell_tuple() == report.cell_tuple()
    assert to_cells(loaded) == exported


@given(varied_reports())
def test_json_form_validates_against_the_committed_schema(report: AnnualReport) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(to_json(report)), schema)


def test_committed_schema_is_generated_from_the_model() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == report_schema(), "regenerate with: govinfo-report schema > " + str(
        SCHEMA_FILE
    )


def test_schema_rejects_a_mixed_edition() -> None:
    report, _ = build_report("2021", {})
    data = json.loads(to_json(report))
    data["edition"] = "2019"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema())


def test_cells_values_follow_the_contract() -> None:
    cells = {
        "active.fees.amount": parse_cell_text("2.70", CellKind.MONEY),
        "active.rules.issued": parse_cell_text(" 5 "),
        "active.rules.repealed": parse_cell_text(""),
        "active.rules.in_force": parse_cell_text("22（其中修订16件）"),
        "applications.granted.total": parse_cell_text("/"),
    }
    report, _ = build_report("2021", cells, meta=gr.ReportMeta(agency="测试镇人民政府", year=2022))
    exported = to_cells(report)
    assert exported["edition"] == "2021" and exported["year"] == 2022
    assert exported["cells"] == {
        "active.fees.amount": "2.70",
        "active.rules.issued": 5,
        "active.rules.repealed": None,
        "active.rules.in_force": "22(其中修订16件)",
        "applications.granted.total": "/",
    }


def test_cells_reader_reports_unknown_keys_and_accepts_floats() -> None:
    data = {
        "edition": "2021",
        "year": 2022,
        "agency": "测试镇人民政府",
        "cells": {"active.rules.issued": 3.0, "active.fees.amount": 1.5, "active.bogus": 7},
    }
    result = gr.read(json.dumps(data, ensure_ascii=False).encode(), name="t.cells.json")
    assert result.reader == "cells"
    assert result.report.cell("active.rules.issued").value == 3
    assert result.report.cell("active.fees.amount").value == Decimal("1.5")
    [finding] = result.findings
    assert finding.code == "read.unknown_cell" and finding.cells == ("active.bogus",)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"cells": {}, "edition": "2018"}', "unknown edition"),
        (b'{"cells": {"active.rules.issued": [1]}, "edition": "2021"}', "active.rules.issued"),
    ],
)
def test_unreadable_cells_raise_the_documented_error(payload: bytes, message: str) -> None:
    with pytest.raises(ReportReadError, match=message) as info:
        gr.read(payload, name="bad.cells.json", reader="cells")
    assert info.value.source == "bad.cells.json"


def test_json_reader_rejects_other_schema_versions() -> None:
    report, _ = build_report("2021", {})
    data = json.loads(to_json(report))
    data["schema_version"] = 99
    with pytest.raises(ReportReadError, match="schema_version"):
        from_json(json.dumps(data), source="r.json")


def test_converter_is_fresh_and_extensible() -> None:
    one, two = gr.make_converter(), gr.make_converter()
    assert one is not two
    report, _ = build_report(
        "2019", {"active.procurement.amount": parse_cell_text("251000元", CellKind.MONEY)}
    )
    data = one.unstructure(report, AnnualReport)
    assert data["active"]["procurement"]["amount"] == {
        "state": "number",
        "value": "251000",
        "unit": "元",
        "raw": "251000元",
    }
    assert attrs.evolve(report).active == one.structure(data, AnnualReport).active
