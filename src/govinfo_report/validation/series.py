"""Cross-year rules over one agency's reports (C1-C4), and grouping reports into series."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence

from ..findings import Finding, Severity
from ..model import APPLICANT_COLUMNS, AnnualReport, Edition
from ..values import Number
from .arithmetic import _COLUMN_ZH, NOT_ASSESSABLE, NOT_ASSESSABLE_INFO, short_label
from .catalogue import CodeInfo, SeriesRule

__all__ = [
    "BUILTIN_SERIES_RULES",
    "SERIES_BOOKKEEPING_CODES",
    "SERIES_CODES",
    "group_series",
    "normalise_agency",
]

SERIES_CODES = (
    CodeInfo(
        "series.carry_over",
        Severity.INCONSISTENCY,
        "上年结转与上一年度报告的结转下年度不符",
        "carry-over broken",
        "C1: in some column, 上年结转 of year Y differs from 结转下年度 of year Y-1 of the same "
        "agency (checked across the 2020→2021 edition change too). Exceptions happen (机构改革, "
        "corrected reports, a different scope), which is why the finding names both years.",
        example="2022 上年结转·总计 is 3, but the 2021 report's 结转下年度·总计 is 5.",
    ),
    CodeInfo(
        "series.in_force",
        Severity.WARNING,
        "现行有效件数与上年不衔接",
        "in-force count does not carry over",
        "C2 (2021 edition): 现行有效件数(Y) ≠ 现行有效件数(Y-1) + 本年制发件数(Y) − 本年废止件数(Y).",
        example="规章 现行有效件数 2022 is 12; 2021's 10 + 本年制发 3 − 本年废止 0 gives 13.",
    ),
    CodeInfo(
        "series.prev_items",
        Severity.WARNING,
        "上一年项目数量与上年不衔接",
        "previous item count does not carry over",
        "C3 (2019 edition): 上一年项目数量(Y) ≠ 上一年项目数量(Y-1) + 本年增/减(Y-1).",
        example="行政许可 上一年项目数量 2020 is 50; 2019's 45 + 本年增/减 +8 gives 53.",
    ),
    CodeInfo(
        "series.total_published",
        Severity.WARNING,
        "对外公开总数量与上年不衔接",
        "published total does not carry over",
        "C4 (2019 edition): 对外公开总数量(Y) ≠ 对外公开总数量(Y-1) + 本年新公开数量(Y).",
        example="规范性文件 对外公开总数量 2020 is 120; 2019's 100 + 本年新公开 15 gives 115.",
    ),
    CodeInfo(
        "series.gap",
        Severity.INFO,
        "年度报告缺失",
        "year missing from series",
        "The series of an agency skips a year, so the cross-year rules cannot be checked there.",
        example="An agency has reports for 2019, 2020 and 2022: 2021 is missing.",
    ),
    CodeInfo(
        "series.duplicate_year",
        Severity.WARNING,
        "同一年度有多份报告",
        "several reports for one year",
        "Two or more reports of one agency claim the same year; only the first is used for the "
        "cross-year rules.",
        example=(
            "Two files of 某某县人民政府 both say 2021 (a corrected report next to the first one)."
        ),
    ),
    CodeInfo(
        "series.unplaced",
        Severity.INFO,
        "无法归入序列",
        "report not placed in a series",
        "A report without agency or year cannot take part in cross-year checks.",
        example="A report whose title names no year.",
    ),
)

SERIES_BOOKKEEPING_CODES = SERIES_CODES[5:]
"""Codes emitted while grouping reports into series, outside any rule."""

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise_agency(name: str) -> str:
    """The comparison form of an agency name: NFKC, without spaces and punctuation.

    Scopes stay distinct on purpose: 市政府 and 市政府办公厅 are different bodies; map renamed or
    reorganised bodies onto each other with an alias map instead.
    """
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", name))


def group_series(
    reports: Iterable[AnnualReport], aliases: Mapping[str, str] | None = None
) -> tuple[dict[str, list[AnnualReport]], list[AnnualReport]]:
    """Reports by normalised agency (after ``aliases``, old name → current name), sorted by year.

    Returns the groups and the reports that have no agency or no year.
    """
    alias_map = {normalise_agency(k): normalise_agency(v) for k, v in (aliases or {}).items()}
    groups: dict[str, list[AnnualReport]] = {}
    unplaced: list[AnnualReport] = []
    for report in reports:
        if not report.meta.agency or report.meta.year is None:
            unplaced.append(report)
            continue
        name = normalise_agency(report.meta.agency)
        groups.setdefault(alias_map.get(name, name), []).append(report)
    for members in groups.values():
        members.sort(key=lambda r: r.meta.year or 0)
    return groups, unplaced


def _year(report: AnnualReport) -> int:
    assert report.meta.year is not None
    return report.meta.year


def _pairs(series: Sequence[AnnualReport]) -> Iterator[tuple[AnnualReport, AnnualReport]]:
    for previous, current in itertools.pairwise(series):
        if _year(current) == _year(previous) + 1:
            yield previous, current


def _value(report: AnnualReport, key: str) -> Number | None:
    return report.cell(key).value


def _label(report: AnnualReport, key: str) -> str:
    """The template's labels of ``key`` (``二、主动公开·规章·现行有效件数``), for Chinese messages."""
    for spec in report.template():
        if spec.key == key:
            return "·".join(spec.labels) if len(spec.labels) < 2 else short_label(spec)
    return key


def _carry_over(series: Sequence[AnnualReport]) -> Iterator[Finding]:
    for previous, current in _pairs(series):
        y0, y1 = _year(previous), _year(current)
        for column in APPLICANT_COLUMNS:
            key_in, key_out = (
                f"applications.carried_in.{column}",
                f"applications.carried_out.{column}",
            )
            carried_in, carried_out = _value(current, key_in), _value(previous, key_out)
            common = dict(
                cells=(key_in, key_out),
                year=y1,
                related_year=y0,
                agency=current.meta.agency,
                source=current.cell(key_in).provenance,
            )
            if carried_in is None or carried_out is None:
                yield Finding(
                    NOT_ASSESSABLE,
                    Severity.INFO,
                    f"{y1} 年上年结转与 {y0} 年结转下年度（{_COLUMN_ZH[column]}）含空白，无法核对",
                    f"carry-over {y0}→{y1} ({column}) not assessable: a cell has no number",
                    rule="series.carry_over",
                    **common,  # type: ignore[arg-type]
                )
            elif carried_in != carried_out:
                yield Finding(
                    "series.carry_over",
                    Severity.INCONSISTENCY,
                    f"{current.meta.agency} {y1} 年「上年结转」（{_COLUMN_ZH[column]}）为 {carried_in}，"
                    f"而 {y0} 年「结转下年度」为 {carried_out}",
                    f"{current.meta.agency}: {key_in} of {y1} is {carried_in} but {key_out} of "
                    f"{y0} is {carried_out}",
                    expected=carried_out,
                    actual=carried_in,
                    **common,  # type: ignore[arg-type]
                )


def _stock_rule(
    code: str,
    edition: Edition,
    rows: tuple[str, ...],
    stock: str,
    change: Iterable[tuple[str, int, bool]],
) -> SeriesRule:
    """A rule ``stock(Y) = stock(Y-1) + Σ sign·change``; each change is (column, sign, of_previous)."""
    changes = tuple(change)
    info = next(c for c in SERIES_CODES if c.code == code)

    def check(series: Sequence[AnnualReport]) -> Iterator[Finding]:
        for previous, current in _pairs(series):
            if previous.edition is not edition or current.edition is not edition:
                continue
            for row in rows:
                key = f"active.{row}.{stock}"
                now, before = _value(current, key), _value(previous, key)
                terms = [
                    (sign, _value(previous if of_previous else current, f"active.{row}.{column}"))
                    for column, sign, of_previous in changes
                ]
                if now is None or before is None or any(v is None for _, v in terms):
                    continue
                expected = before + sum(sign * v for sign, v in terms if v is not None)
                if now != expected:
                    yield Finding(
                        code,
                        info.severity,
                        f"{current.meta.agency} {_year(current)} 年「{_label(current, key)}」为 {now}，"
                        f"按 {_year(previous)} 年推算应为 {expected}",
                        f"{current.meta.agency}: {key} of {_year(current)} is {now}; carrying "
                        f"{_year(previous)} forward gives {expected}",
                        cells=(key,),
                        expected=expected,
                        actual=now,
                        year=_year(current),
                        related_year=_year(previous),
                        agency=current.meta.agency,
                        source=current.cell(key).provenance,
                    )

    return SeriesRule(code, (info,), check)


def _gaps(series: Sequence[AnnualReport]) -> Iterator[Finding]:
    for previous, current in itertools.pairwise(series):
        y0, y1 = _year(previous), _year(current)
        if y1 - y0 > 1:
            missing = ", ".join(str(y) for y in range(y0 + 1, y1))
            yield Finding(
                "series.gap",
                Severity.INFO,
                f"{current.meta.agency} 缺少 {missing} 年度报告，跨年核对中断",
                f"{current.meta.agency}: no report for {missing}; cross-year checks skip it",
                year=y1,
                related_year=y0,
                agency=current.meta.agency,
            )


BUILTIN_SERIES_RULES = (
    SeriesRule("carry_over", (SERIES_CODES[0], NOT_ASSESSABLE_INFO), _carry_over),
    _stock_rule(
        "series.in_force",
        Edition.E2021,
        ("rules", "normative_docs"),
        "in_force",
        (("issued", 1, False), ("repealed", -1, False)),
    ),
    _stock_rule(
        "series.prev_items",
        Edition.E2019,
        ("licensing", "other_services", "penalty", "coercion", "fees"),
        "prev_items",
        (("delta", 1, True),),
    ),
    _stock_rule(
        "series.total_published",
        Edition.E2019,
        ("rules", "normative_docs"),
        "total_published",
        (("published", 1, False),),
    ),
    SeriesRule("gaps", (SERIES_CODES[4],), _gaps),
)
