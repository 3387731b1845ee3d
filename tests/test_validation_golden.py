"""Validation gives the findings it gave when ``tests/golden/validation-findings.json`` was written.

Validation is tuned for speed (rule plans compiled per shape, texts remembered, fast paths for clean
reports); none of that may change a finding. The golden file holds, for every document of the
repository's corpora and fixtures and for a few hundred seeded damaged versions of them, a digest of
the report validated and a fingerprint of every finding (code, severity, messages, cells, expected,
actual, details, rule, source: all fields, types included).

A case whose input digest no longer matches (a reader now reads the document differently) is not
compared, but most cases must still match, so the test never becomes vacuous. After a deliberate
change of findings or of what the readers produce, rewrite the file with
``python tests/test_validation_golden.py --write`` and review its diff.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import attrs

import govinfo_report as gr
from govinfo_report import AnnualReport, Finding, build_report, validate
from govinfo_report.values import CellKind, CellState, parse_cell_text

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "validation-findings.json"
FOLDERS = ("tests/corpus", "tests/corpus-next", "tests/fixtures")
SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".json"}
DAMAGED_PER_REPORT = 5
MATCHED_AT_LEAST = 0.8
"""Share of cases whose input must still be the one the golden file was written from."""

# Texts that real documents print where a number belongs, per kind of cell.
ODD_TEXTS = {
    CellKind.COUNT: ("", "/", "—", "无", "22（其中修订16件）", "见附件", "1,234", "-2", "1.5", "0"),
    CellKind.SIGNED: ("", "+8", "-3", "/", "0.5"),
    CellKind.MONEY: ("", "2.70", "96171.6", "0.0001", "/", "1.234567", "25000元", "-3", "3000000"),
}


def documents() -> list[Path]:
    return sorted(
        path
        for folder in FOLDERS
        for path in (REPO / folder).rglob("*")
        if path.suffix in SUFFIXES and path.is_file()
    )


def damaged(report: AnnualReport, rng: random.Random, narratives: list[tuple]) -> AnnualReport:
    """The report with a few cells changed, blanked, marked, dropped or worded, and sometimes
    another report's prose: what published errors look like."""
    cells = report.cell_map()
    template = report.template()
    chosen = rng.sample(template, rng.randint(1, 6))
    chosen += [spec for spec in template if spec.kind is CellKind.MONEY and rng.random() < 0.3]
    for spec in chosen:
        cell = cells.get(spec.key, parse_cell_text(""))
        roll = rng.random()
        if roll < 0.4 and isinstance(cell.value, int):
            text = str(cell.value + rng.choice((-3, -1, 1, 2, 7)))
        elif roll < 0.5:
            cells.pop(spec.key, None)
            continue
        else:
            text = rng.choice(ODD_TEXTS[spec.kind])
        cells[spec.key] = parse_cell_text(text, spec.kind)
    narrative = report.narrative
    if narratives and rng.random() < 0.5:
        narrative = rng.choice(narratives)
    rebuilt, _ = build_report(report.edition, cells, meta=report.meta, narrative=narrative)
    return rebuilt


def cases() -> Iterator[tuple[str, AnnualReport]]:
    read: list[tuple[str, AnnualReport]] = []
    for path in documents():
        name = path.relative_to(REPO).as_posix()
        try:
            result = gr.read(path.read_bytes(), name=path.name)
        except gr.ReportReadError:
            continue
        read.append((name, result.report))
    yield from read
    narratives = [report.narrative for _, report in read if report.narrative]
    for name, report in read:
        if CellState.NUMBER not in report.state_tuple():
            continue
        rng = random.Random(name)
        for number in range(DAMAGED_PER_REPORT):
            yield f"{name}#damaged{number}", damaged(report, rng, narratives)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def input_digest(report: AnnualReport) -> str:
    # Cells with raw text and provenance, prose and metadata: everything validation may read.
    return digest(repr((report.edition, report.cell_tuple(), report.narrative, report.meta)))


def fingerprint(findings: list[Finding]) -> str:
    """The codes found (readable in a diff) and a digest of every field of every finding, in
    order (attrs' repr shows every field, with types: Decimal('2.0') is not 2)."""
    codes = Counter(f.code for f in findings)
    return " ".join(
        [*(f"{code}x{count}" for code, count in sorted(codes.items())), digest(repr(findings))]
    )


def observed() -> dict[str, dict[str, str]]:
    return {
        name: {
            "input": input_digest(report),
            "basic": fingerprint(validate(attrs.evolve(report))),
            # The strict profile adds codes; its digest alone keeps the file short.
            "strict": digest(repr(validate(attrs.evolve(report), profile="strict"))),
        }
        for name, report in cases()
    }


def test_findings_are_those_of_the_golden_file() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = observed()
    compared = [
        name for name, case in now.items() if golden.get(name, {}).get("input") == case["input"]
    ]
    assert len(compared) >= MATCHED_AT_LEAST * len(golden), (
        f"only {len(compared)} of {len(golden)} golden inputs are still read the same; rewrite "
        "the file (python tests/test_validation_golden.py --write) and review its diff"
    )
    changed = {
        (name, profile): (golden[name][profile], now[name][profile])
        for name in compared
        for profile in ("basic", "strict")
        if golden[name][profile] != now[name][profile]
    }
    assert not changed, changed
    # The cases exercise what validation does: findings of many codes, and clean reports too.
    codes = {
        word.rsplit("x", 1)[0] for name in compared for word in now[name]["basic"].split()[:-1]
    }
    assert len(codes) >= 25, sorted(codes)
    assert any(now[name]["basic"].count(" ") == 0 for name in compared)


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_validation_golden.py --write")
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(observed(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
