"""The committed damaged documents (tests/fixtures/damaged, one per damage pattern) read exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import govinfo_report as gr

HERE = Path(__file__).parent / "fixtures" / "damaged"
FIXTURES = sorted(p for p in HERE.iterdir() if p.suffix in (".txt", ".md", ".html", ".docx"))


def test_every_damage_pattern_has_a_fixture() -> None:
    from govinfo_report.testing.damage import DAMAGES

    names = {p.stem for p in FIXTURES}
    for fmt, damages in DAMAGES.items():
        for damage in damages:
            assert f"2021-{fmt}-{damage}" in names
        assert f"2019-{fmt}-all" in names


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_damaged_fixture_reads_to_its_truth(path: Path) -> None:
    edition = path.name.split("-", 1)[0]
    truth = json.loads((HERE / f"truth-{edition}.cells.json").read_text(encoding="utf-8"))
    result = gr.read(path)
    assert gr.to_cells(result.report)["cells"] == truth["cells"]
    assert not [f for f in result.findings if f.severity.fails]
    placed = [f for f in result.findings if f.code == "read.placed_by_position"]
    # Only a row printed without any label is placed by its position, and then it says so.
    assert bool(placed) == ("lost_labels" in path.name or path.stem.endswith("markdown-all"))
