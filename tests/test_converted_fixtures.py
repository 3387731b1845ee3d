"""Our own fixture reports after the converters users run (PDF viewer copy, markitdown,
pymupdf4llm; tests/fixtures/converted/README.md): every cell exact, or absent with a finding that
names it. Never a wrong value. The exact cells may only grow (the ratchet below)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import govinfo_report as gr

CONVERTED = Path(__file__).resolve().parent / "fixtures" / "converted"
DOCUMENTS = sorted(
    p for p in CONVERTED.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md"
)

# Exact cells each document reads today. Raise a number when the reader improves; never lower it.
EXACT_AT_LEAST = {
    "chromium-2019-copied.txt": 191,
    "chromium-2019-markitdown.md": 191,
    "chromium-2019-pymupdf4llm.md": 198,
    "chromium-2021-odd-cells-copied.txt": 178,
    "chromium-2021-odd-cells-markitdown.md": 178,
    "chromium-2021-odd-cells-pymupdf4llm.md": 200,
    "chromium-unruled-2021-copied.txt": 200,
    "chromium-unruled-2021-markitdown.md": 200,
    "chromium-unruled-2021-pymupdf4llm.md": 190,
    "gbk-saved-page-2020-markitdown.md": 2,
    "lo-2019-copied.txt": 191,
    "lo-2019-markitdown.md": 198,
    "lo-2019-pymupdf4llm.md": 198,
    "lo-2021-copied.txt": 200,
    "lo-2021-markitdown.md": 186,
    "lo-2021-odd-cells-copied.txt": 175,
    "lo-2021-odd-cells-markitdown.md": 168,
    "lo-2021-odd-cells-pymupdf4llm.md": 200,
    "lo-2021-pymupdf4llm.md": 200,
    "lo-broken-rows-2021-copied.txt": 32,
    "lo-broken-rows-2021-markitdown.md": 116,
    "lo-broken-rows-2021-pymupdf4llm.md": 186,
    "lo-long-2021-copied.txt": 200,
    "lo-long-2021-markitdown.md": 186,
    "lo-long-2021-pymupdf4llm.md": 200,
    "lo-random-a-markitdown.md": 172,
    "lo-random-b-markitdown.md": 172,
}


def test_every_converted_document_has_its_truth_and_a_ratchet() -> None:
    assert len(DOCUMENTS) >= 20
    assert {p.name for p in DOCUMENTS} == set(EXACT_AT_LEAST)
    readme = (CONVERTED / "README.md").read_text(encoding="utf-8")
    for path in DOCUMENTS:
        assert (CONVERTED / f"{path.stem}.truth.json").is_file(), path.name
        assert path.stem.rsplit("-", 1)[0] in readme, path.name


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_converted_document_reads_exactly_or_says_what_it_lost(path: Path) -> None:
    truth = json.loads((CONVERTED / f"{path.stem}.truth.json").read_text(encoding="utf-8"))
    result = gr.read(path)
    got = gr.to_cells(result.report)["cells"]
    wrong = {k: (got[k], v) for k, v in truth["cells"].items() if k in got and got[k] != v}
    assert wrong == {}, wrong
    named = {key for f in (*result.findings, *gr.validate(result.report)) for key in f.cells}
    unexplained = [k for k in truth["cells"] if k not in got and k not in named]
    assert unexplained == []
    exact = sum(1 for k, v in truth["cells"].items() if k in got and got[k] == v)
    assert exact >= EXACT_AT_LEAST[path.name]
