"""Roll-ups: a region's (or a department's) report against the reports of its units.

For every additive cell (every count of sections 三 and 四; in section 二 the decisions and the fee
amount, which add up across agencies, but not rules or stocks), the parent's value is compared with the
sum of its units' values. Units expected for a year but missing are named.

    findings = rollup(city_2024, [district_a_2024, district_b_2024])
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .findings import CodeInfo, Finding, Severity
from .model import AnnualReport, Edition, template_cells
from .validation.arithmetic import short_label
from .values import Number

__all__ = ["ROLLUP_CODES", "additive_keys", "read_manifest", "rollup", "rollup_corpus"]

ROLLUP_CODES = (
    CodeInfo(
        "rollup.mismatch",
        Severity.WARNING,
        "汇总数与下级单位之和不符",
        "parent differs from its units' sum",
        "An additive cell of the parent's report (counts of sections 三 and 四; decisions and fees "
        "of section 二) differs from the sum of its units' values. `expected` is the sum, the "
        "details list each unit's value. Run by `govinfo-report rollup`, not by `validate`.",
        example="The city prints 本年新收·总计 3119 while its districts add up to 3091.",
    ),
    CodeInfo(
        "rollup.unit_missing",
        Severity.WARNING,
        "缺少下级单位的报告",
        "unit report missing",
        "The manifest lists a unit for the parent, but there is no report of that unit for the "
        "parent's year; the sums are taken without it.",
        example="淮安市 2024 lists 清江浦区, but no 清江浦区 2024 report was read.",
    ),
    CodeInfo(
        "rollup.unit_skipped",
        Severity.INFO,
        "下级单位报告未参与汇总",
        "unit report not summed",
        "A unit's report is for another year or edition than the parent's, and is left out.",
        example="A 2023 district report given with a 2024 city report.",
    ),
)


@functools.cache
def additive_keys(edition: Edition | str, single_other_row: bool = False) -> tuple[str, ...]:
    """The cells whose values add up from units to their parent."""
    active = ("decisions", "amount", "projects")
    return tuple(
        spec.key
        for spec in template_cells(edition, single_other_row=single_other_row)
        if spec.key.startswith(("applications.", "reviews."))
        or (
            (spec.key.startswith("active.") and spec.key.rsplit(".", 1)[1] in active)
            and spec.key != "active.procurement.amount"
        )  # printed in varying units
    )


def _name(report: AnnualReport, fallback: str) -> str:
    return report.meta.agency or report.source or fallback


def rollup(
    parent: AnnualReport,
    units: Sequence[AnnualReport],
    *,
    expected_units: Iterable[str] = (),
    unit_names: Sequence[str] | None = None,
) -> list[Finding]:
    """Compare the parent's additive cells with the sum of its units'.

    ``expected_units`` are unit names (from a manifest) that should have a report for the parent's
    year; those without one among ``units`` are named. ``unit_names`` labels the units (default:
    each report's agency or source).
    """
    names = (
        list(unit_names)
        if unit_names is not None
        else [_name(u, f"unit {i + 1}") for i, u in enumerate(units)]
    )
    year = parent.meta.year
    findings: list[Finding] = []
    summed: list[tuple[str, AnnualReport]] = []
    for name, unit in zip(names, units, strict=True):
        if unit.edition is not parent.edition or (
            year is not None and unit.meta.year is not None and unit.meta.year != year
        ):
            findings.append(
                Finding(
                    "rollup.unit_skipped",
                    Severity.INFO,
                    f"{name}（{unit.meta.year or '?'} 年，{unit.edition.value} 版）与上级报告年度或"
                    "版本不同，未参与汇总",
                    f"{name} ({unit.meta.year or '?'}, edition {unit.edition.value}) is not the "
                    "parent's year or edition; left out",
                    agency=unit.meta.agency,
                    year=unit.meta.year,
                )
            )
            continue
        summed.append((name, unit))
    present = {name for name, _ in summed}
    for expected in expected_units:
        if expected not in present:
            findings.append(
                Finding(
                    "rollup.unit_missing",
                    Severity.WARNING,
                    f"缺少 {expected} {year or ''} 年的报告，汇总时未计入",
                    f"no {year or ''} report of {expected}; the sums leave it out",
                    agency=parent.meta.agency,
                    year=year,
                )
            )
    if not summed:
        return findings
    template = {spec.key: spec for spec in parent.template()}
    for key in additive_keys(parent.edition, parent.single_other_row):
        stated = parent.cell(key).value
        parts: list[tuple[str, Number]] = []
        for name, unit in summed:
            try:
                value = unit.cell(key).value
            except KeyError:  # a unit with the other form of （六）其他处理
                continue
            if value is not None:
                parts.append((name, value))
        if stated is None or not parts:
            continue
        total: Number = sum((v for _, v in parts), 0)
        if total == stated:
            continue
        label = short_label(template[key])
        shown = [f"{name}: {value}" for name, value in parts if value]
        findings.append(
            Finding(
                "rollup.mismatch",
                Severity.WARNING,
                f"「{label}」上级为 {stated}，{len(summed)} 个下级单位之和为 {total}",
                f"{key}: the parent prints {stated}, its {len(summed)} unit(s) add up to {total}",
                cells=(key,),
                expected=total,
                actual=stated,
                details=tuple(shown),
                details_en=tuple(shown),
                agency=parent.meta.agency,
                year=year,
            )
        )
    return findings


def read_manifest(path: str | Path) -> dict[str, list[str]]:
    """A manifest CSV (columns ``parent,unit``; a header row is optional) as parent → units."""
    result: dict[str, list[str]] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            cells = [c.strip() for c in row]
            if not any(cells) or (number == 1 and cells[:2] == ["parent", "unit"]):
                continue
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise ValueError(f"{path}:{number}: expected two columns, parent and unit")
            result.setdefault(cells[0], []).append(cells[1])
    return result


def rollup_corpus(
    reports: Iterable[AnnualReport],
    manifest: Mapping[str, Sequence[str]],
    *,
    aliases: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Run :func:`rollup` for every parent of a manifest and every year it has a report."""
    from .validation import normalise_agency

    aliases = aliases or {}

    def key(name: str) -> str:
        return normalise_agency(aliases.get(name, name))

    by_agency_year: dict[tuple[str, int], AnnualReport] = {}
    for report in reports:
        if report.meta.agency and report.meta.year is not None:
            by_agency_year.setdefault((key(report.meta.agency), report.meta.year), report)
    findings: list[Finding] = []
    for parent_name, unit_names in manifest.items():
        years = sorted(y for (a, y) in by_agency_year if a == key(parent_name))
        for year in years:
            parent = by_agency_year[(key(parent_name), year)]
            present = [
                (name, by_agency_year[(key(name), year)])
                for name in unit_names
                if (key(name), year) in by_agency_year
            ]
            findings += rollup(
                parent,
                [unit for _, unit in present],
                unit_names=[name for name, _ in present],
                expected_units=unit_names,
            )
    return findings
