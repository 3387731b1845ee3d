"""Validation: run the rule catalogue over a report or a series of reports."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from ..findings import Finding, Severity
from ..model import AnnualReport
from .catalogue import PROFILES, Catalogue, CodeInfo, ReportRule, Selection, SeriesRule
from .series import SERIES_BOOKKEEPING_CODES, group_series, normalise_agency

if TYPE_CHECKING:
    from ..plugins import Registry

__all__ = [
    "PROFILES",
    "Catalogue",
    "CodeInfo",
    "Finding",
    "ReportRule",
    "Selection",
    "SeriesRule",
    "Severity",
    "builtin_catalogue",
    "default_catalogue",
    "group_series",
    "normalise_agency",
    "validate",
    "validate_series",
]


def builtin_catalogue() -> Catalogue:
    """A catalogue with the built-in rules only (no plugins)."""
    from ..reading import READ_CODES
    from ..rollups import ROLLUP_CODES
    from .rules import BUILTIN_REPORT_RULES
    from .series import BUILTIN_SERIES_RULES

    catalogue = Catalogue()
    catalogue.document(*READ_CODES, *SERIES_BOOKKEEPING_CODES, *ROLLUP_CODES)
    for rule in (*BUILTIN_REPORT_RULES, *BUILTIN_SERIES_RULES):
        catalogue.add(rule)
    return catalogue


def default_catalogue() -> Catalogue:
    """The built-in rules plus every rule registered by plugins (built once, then reused)."""
    global _registry
    if _registry is None:  # imported on first use: plugin discovery is not needed to import us
        from ..plugins import registry

        _registry = registry
    return _registry().catalogue


_registry: Callable[[], Registry] | None = None


def _selection(
    catalogue: Catalogue, profile: str, select: Iterable[str], ignore: Iterable[str]
) -> Selection:
    selection = Selection(profile=profile, select=tuple(select), ignore=tuple(ignore))
    catalogue.check_patterns(selection.select, "select")
    catalogue.check_patterns(selection.ignore, "ignore")
    return selection


def validate(
    report: AnnualReport,
    *,
    profile: str = "basic",
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    catalogue: Catalogue | None = None,
) -> list[Finding]:
    """Check one report; returns its findings, most serious first.

    ``profile`` is ``"basic"`` (default) or ``"strict"``; ``select`` keeps only the given codes or
    code prefixes, ``ignore`` drops them. An entry that matches no code raises :class:`ValueError`.
    """
    catalogue = catalogue or default_catalogue()
    if select == () and ignore == ():  # the common call: one selection per profile, built once
        selection = _PLAIN_SELECTIONS.get(profile) or _plain_selection(profile)
    else:
        selection = _selection(catalogue, profile, select, ignore)
    findings = catalogue.run_report(report, selection)
    if len(findings) > 1:
        return _by_severity(findings)
    return findings


_PLAIN_SELECTIONS: dict[str, Selection] = {}


def _plain_selection(profile: str) -> Selection:
    selection = Selection(profile=profile)  # raises ValueError for an unknown profile
    _PLAIN_SELECTIONS[profile] = selection
    return selection


def _by_severity(findings: list[Finding]) -> list[Finding]:
    """The findings, most serious first, in their order within a severity (a stable sort by
    rank, done in C: one pass per severity instead of a Python key call per finding)."""
    severities = list(map(_SEVERITY, findings))
    counts = [severities.count(severity) for severity in _RANKED]  # identity comparisons: cheap
    if len(findings) in counts:  # all of one severity
        return findings
    if sum(counts) != len(findings):  # not a Severity: let sort() say what is wrong
        return sorted(findings, key=lambda finding: finding.severity.rank)
    return [
        finding
        for severity, count in zip(_RANKED, counts, strict=True)
        if count
        for finding in itertools.compress(
            findings, map(operator.is_, severities, itertools.repeat(severity))
        )
    ]


_SEVERITY = operator.attrgetter("severity")
_RANKED = tuple(sorted(Severity, key=lambda severity: severity.rank))


def validate_series(
    reports: Iterable[AnnualReport],
    *,
    aliases: Mapping[str, str] | None = None,
    profile: str = "basic",
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    catalogue: Catalogue | None = None,
) -> list[Finding]:
    """Cross-year checks over reports of one or more agencies.

    Reports are grouped by normalised agency name (``aliases`` maps old names to current ones) and
    sorted by year. Only cross-year findings are returned; run :func:`validate` on each report for
    the rest. Each finding carries ``agency``, ``year`` and ``related_year``.
    """
    catalogue = catalogue or default_catalogue()
    selection = _selection(catalogue, profile, select, ignore)
    groups, unplaced = group_series(reports, aliases)
    findings: list[Finding] = []
    bookkeeping = {info.code: selection.enabled(info) for info in SERIES_BOOKKEEPING_CODES}
    for report in unplaced:
        if bookkeeping["series.unplaced"]:
            findings.append(
                Finding(
                    "series.unplaced",
                    Severity.INFO,
                    f"{report.source or '报告'} 缺少机关名称或年度，未参与跨年核对",
                    f"{report.source or 'a report'} has no agency or year; not checked across years",
                    agency=report.meta.agency,
                    year=report.meta.year,
                )
            )
    for members in groups.values():
        series: list[AnnualReport] = []
        for report in members:
            if series and series[-1].meta.year == report.meta.year:
                if bookkeeping["series.duplicate_year"]:
                    findings.append(
                        Finding(
                            "series.duplicate_year",
                            Severity.WARNING,
                            f"{report.meta.agency} {report.meta.year} 年有多份报告，"
                            f"跨年核对只用第一份",
                            f"{report.meta.agency} has several reports for {report.meta.year}; "
                            "the first is used",
                            agency=report.meta.agency,
                            year=report.meta.year,
                        )
                    )
                continue
            series.append(report)
        findings.extend(catalogue.run_series(series, selection))
    return sorted(findings, key=lambda f: f.severity.rank)
