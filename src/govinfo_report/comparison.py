"""Compare two reports (usually one agency's two years): cell by cell, carry-over, prose, findings.

    comparison = compare(old, new)
    comparison.changes[0]          # the largest change first
    comparison.to_data()           # the ``--format json`` document (schema: compare.schema.json)
    comparison.to_html()           # a page a reviewer can read

The duplication rate of a prose section is the share of this year's characters that sit in sentences
also printed last year (numbers ignored, so a sentence copied with a new year still counts).
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from .findings import Finding
from .layout import LayoutCell, SpannedTable, official_grids
from .model import APPLICANT_COLUMNS, AnnualReport, NarrativeSection
from .validation.arithmetic import _COLUMN_ZH, short_label

__all__ = [
    "COMPARE_FORMAT_VERSION",
    "DUPLICATION_WARNING",
    "CarryOver",
    "CellChange",
    "Comparison",
    "SectionSimilarity",
    "compare",
]

DUPLICATION_WARNING = 0.5
"""A prose section whose duplication rate is above this is marked as a warning (0.5: more than half
of this year's text is sentences printed last year)."""

COMPARE_FORMAT_VERSION = 1

Number = int | Decimal


@attrs.frozen
class CellChange:
    """One cell in both reports."""

    key: str
    label: str
    old: Number | None
    new: Number | None
    old_text: str
    new_text: str

    @property
    def change(self) -> Number | None:
        """``new - old`` when both are numbers, else ``None``."""
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def changed(self) -> bool:
        """Whether the cell differs at all (value, or blank against a number)."""
        if self.old is None or self.new is None:
            return (self.old is None) != (self.new is None) or self.old_text != self.new_text
        return self.old != self.new


@attrs.frozen
class CarryOver:
    """One applicant column: last year's 结转下年度 against this year's 上年结转."""

    column: str
    carried_out_old: Number | None
    carried_in_new: Number | None
    consecutive: bool = True
    """Whether the new report is for the year after the old one (or a year is unknown); only
    then must what one carried out be what the other carried in."""

    @property
    def matches(self) -> bool | None:
        """``None`` when a value is blank or the years are not consecutive."""
        if self.carried_out_old is None or self.carried_in_new is None or not self.consecutive:
            return None
        return self.carried_out_old == self.carried_in_new


@attrs.frozen
class SectionSimilarity:
    """One prose section in both years."""

    title: str
    similarity: float
    """0..1, how alike the two texts are as character sequences."""
    duplication: float
    """0..1, the share of this year's text in sentences printed last year."""
    copied: tuple[str, ...]
    """This year's sentences found in last year's text (numbers ignored)."""

    @property
    def warning(self) -> bool:
        return self.duplication > DUPLICATION_WARNING


@attrs.frozen
class Comparison:
    """The comparison of two reports; build it with :func:`compare`."""

    old: AnnualReport
    new: AnnualReport
    changes: tuple[CellChange, ...]
    """Every cell both reports' templates have, the largest absolute change first."""
    carry_over: tuple[CarryOver, ...]
    sections: tuple[SectionSimilarity, ...]
    old_findings: tuple[Finding, ...]
    new_findings: tuple[Finding, ...]
    only_old: tuple[str, ...] = ()
    """Cell keys only the old report's template has (across an edition change)."""
    only_new: tuple[str, ...] = ()

    @property
    def changed(self) -> tuple[CellChange, ...]:
        return tuple(c for c in self.changes if c.changed)

    @property
    def consecutive_years(self) -> bool | None:
        """Whether ``new`` is the year after ``old`` (``None`` when a year is unknown)."""
        return _consecutive(self.old, self.new)

    def to_data(self) -> dict[str, Any]:
        """The JSON document of ``govinfo-report compare --format json``."""
        from .serialize import findings_to_data

        return {
            "version": COMPARE_FORMAT_VERSION,
            "old": _describe(self.old),
            "new": _describe(self.new),
            "cells": [
                {
                    "key": c.key,
                    "label": c.label,
                    "old": _number(c.old),
                    "new": _number(c.new),
                    "change": _number(c.change),
                    "old_text": c.old_text,
                    "new_text": c.new_text,
                }
                for c in self.changes
            ],
            "consecutive_years": self.consecutive_years,
            "only_old": list(self.only_old),
            "only_new": list(self.only_new),
            "carry_over": [
                {
                    "column": c.column,
                    "carried_out_old": _number(c.carried_out_old),
                    "carried_in_new": _number(c.carried_in_new),
                    "matches": c.matches,
                }
                for c in self.carry_over
            ],
            "sections": [
                {
                    "title": s.title,
                    "similarity": round(s.similarity, 4),
                    "duplication": round(s.duplication, 4),
                    "warning": s.warning,
                    "copied": list(s.copied),
                }
                for s in self.sections
            ],
            "duplication_warning": DUPLICATION_WARNING,
            "findings": {
                "old": findings_to_data(list(self.old_findings)),
                "new": findings_to_data(list(self.new_findings)),
            },
        }

    def to_text(self, lang: str = "zh", limit: int | None = 30) -> str:
        """A plain-text summary: changed cells (largest first), carry-over, prose, findings."""
        en = lang == "en"
        old, new = _name(self.old), _name(self.new)
        lines = [f"{old} → {new}"]
        changed = self.changed
        lines.append(
            f"{len(changed)} of {len(self.changes)} cells changed"
            if en
            else f"{len(self.changes)} 个单元格中 {len(changed)} 个有变化"
        )
        for c in changed[:limit] if limit is not None else changed:
            delta = "" if c.change is None else f" ({'+' if c.change > 0 else ''}{c.change})"
            # Office staff know the template's labels, not the library's keys.
            name = c.key if en else c.label
            lines.append(f"  {name}  {c.old_text or '∅'} → {c.new_text or '∅'}{delta}")
        if limit is not None and len(changed) > limit:
            lines.append(
                f"  … {len(changed) - limit} more" if en else f"  …另有 {len(changed) - limit} 个"
            )
        lines.append(
            "carry-over (结转下年度 → 上年结转):"
            if en
            else "结转衔接（去年结转下年度 → 今年上年结转）："
        )
        if self.consecutive_years is False:
            years = f"{self.old.meta.year} → {self.new.meta.year}"
            lines.append(
                f"  not consecutive years ({years}): not compared"
                if en
                else f"  不是相邻年度（{years}），不核对结转"
            )
        for carry in self.carry_over:
            if en:
                mark = {True: "ok", False: "MISMATCH", None: "?"}[carry.matches]
                column = f"{carry.column}: "
            else:
                mark = {True: "一致", False: "不一致", None: "无法比较"}[carry.matches]
                column = f"{_COLUMN_ZH.get(carry.column, carry.column)}："
            lines.append(f"  {column}{carry.carried_out_old} → {carry.carried_in_new} {mark}")
        for s in self.sections:
            warn = (" WARNING" if en else " 警告") if s.warning else ""
            lines.append(
                f"{s.title}: similarity {s.similarity:.0%}, duplication {s.duplication:.0%}{warn}"
                if en
                else f"{s.title}：相似度 {s.similarity:.0%}，重复率 {s.duplication:.0%}{warn}"
            )
        for name, findings in ((old, self.old_findings), (new, self.new_findings)):
            lines.append(
                f"{name}: {len(findings)} finding(s)" if en else f"{name}：{len(findings)} 项问题"
            )
            lines += [f"  {f.severity.label(lang)} {f.code} {f.text(lang)}" for f in findings]
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        """A self-contained page: the tables side by side with changes marked, then the prose."""
        esc = html.escape
        old, new = esc(_name(self.old)), esc(_name(self.new))
        rows = []
        for c in sorted(self.changes, key=lambda c: self._order[c.key]):
            cls = ' class="changed"' if c.changed else ""
            delta = (
                ""
                if c.change is None or not c.change
                else f"{'+' if c.change > 0 else ''}{c.change}"
            )
            rows.append(
                f"<tr{cls}><td>{esc(c.label)}</td><td>{esc(c.old_text)}</td>"
                f"<td>{esc(c.new_text)}</td><td>{esc(delta)}</td></tr>"
            )
        mismatch = ' class="changed"'
        carry = "".join(
            f"<tr{mismatch if c.matches is False else ''}><td>{esc(c.column)}</td>"
            f"<td>{c.carried_out_old}</td><td>{c.carried_in_new}</td></tr>"
            for c in self.carry_over
        )
        prose = []
        for section, similarity in zip(
            _paired(self.new.narrative, self.old.narrative), self.sections, strict=False
        ):
            new_section, old_section = section
            copied = set(similarity.copied)
            marked = "".join(
                f"<mark>{esc(s)}</mark>" if s in copied else esc(s)
                for s in _sentences(new_section.text)
            )
            warn = ' class="warning"' if similarity.warning else ""
            prose.append(
                f"<h3{warn}>{esc(similarity.title)}: 相似度 {similarity.similarity:.0%}，"
                f"重复率 {similarity.duplication:.0%}</h3>"
                f'<div class="pair"><div><h4>{old}</h4><p>{esc(old_section.text)}</p></div>'
                f"<div><h4>{new}</h4><p>{marked}</p></div></div>"
            )
        findings = "".join(
            f"<div><h4>{name}</h4><ul>"
            + "".join(
                f"<li>{esc(f.severity.value)} <code>{esc(f.code)}</code> {esc(f.message)}</li>"
                for f in fs
            )
            + "</ul></div>"
            for name, fs in ((old, self.old_findings), (new, self.new_findings))
        )
        return (
            '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
            f"<title>{old} → {new}</title><style>"
            "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:2px 6px}tr.changed td{background:#fff3b0}"
            ".pair{display:grid;grid-template-columns:1fr 1fr;gap:2em}.pair>div{overflow-x:auto}"
            "mark{background:#ffd0d0}"
            "h3.warning{color:#b00}td.changed{background:#fff3b0;outline:2px solid #c90}"
            "td.label{text-align:left}</style></head><body>"
            f"<h1>{old} → {new}</h1><h2>表格（官方格式，变化的单元格标出）</h2>"
            f"{self._tables_side_by_side()}"
            f"<h2>逐格变化</h2><table><thead><tr><th>单元格</th><th>{old}</th>"
            f"<th>{new}</th><th>变化</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<h2>结转衔接</h2><table><thead><tr><th>列</th><th>{old} 结转下年度</th>"
            f"<th>{new} 上年结转</th></tr></thead><tbody>{carry}</tbody></table>"
            f"<h2>文字部分（标记：与上年相同的句子）</h2>{''.join(prose)}"
            f'<h2>问题</h2><div class="pair">{findings}</div></body></html>\n'
        )

    def _tables_side_by_side(self) -> str:
        """Each of sections 二, 三 and 四 of both reports in the official layout, next to each
        other; a changed cell is marked in both, its title giving old → new."""
        from .formats.html import official_table_html

        changes = {c.key: c for c in self.changes if c.changed}
        esc = html.escape

        def marks(cell: LayoutCell) -> tuple[list[str], list[str]]:
            change = changes.get(cell.key or "")
            if change is None:
                return [], []
            return [], [f'title="{esc(change.old_text)} → {esc(change.new_text)}"']

        def table(grid: SpannedTable) -> str:
            return "".join(official_table_html(grid, marks, "changed"))

        old_grids = {grid.section: grid for grid in official_grids(self.old)}
        parts = []
        for grid in official_grids(self.new):
            before = old_grids.get(grid.section)
            old_table = table(before) if before is not None else "<p>（无）</p>"
            parts.append(
                f'<h3>{esc(grid.title)}</h3><div class="pair">'
                f"<div><h4>{esc(_name(self.old))}</h4>{old_table}</div>"
                f"<div><h4>{esc(_name(self.new))}</h4>{table(grid)}</div></div>"
            )
        return "".join(parts)

    @property
    def _order(self) -> dict[str, int]:
        order = {spec.key: i for i, spec in enumerate(self.new.template())}
        for spec in self.old.template():
            order.setdefault(spec.key, len(order))
        return order


def _number(value: Number | None) -> int | str | None:
    # Money stays exact in JSON as a string, as in the report's json format.
    if value is None or isinstance(value, int):
        return value
    return str(value)


def _consecutive(old: AnnualReport, new: AnnualReport) -> bool | None:
    if old.meta.year is None or new.meta.year is None:
        return None
    return new.meta.year == old.meta.year + 1


def _name(report: AnnualReport) -> str:
    parts = [report.meta.agency or "", str(report.meta.year) if report.meta.year else ""]
    return " ".join(p for p in parts if p) or report.source or "?"


def _describe(report: AnnualReport) -> dict[str, Any]:
    return {
        "agency": report.meta.agency,
        "year": report.meta.year,
        "edition": report.edition.value,
        "source": report.source,
    }


_SECTION_WORDS = (
    ("总体情况", "overview"),
    ("存在的主要问题", "problems"),
    ("其他需要报告", "other"),
)
_SENTENCE = re.compile(r"[^。!?;！？；\n]+[。!?;！？；]?")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


def _section_key(title: str) -> str:
    for words, key in _SECTION_WORDS:
        if words in title:
            return key
    return _SPACE.sub("", title)


def _paired(
    new: Sequence[NarrativeSection], old: Sequence[NarrativeSection]
) -> list[tuple[NarrativeSection, NarrativeSection]]:
    by_key = {_section_key(s.title): s for s in old}
    return [(s, by_key.get(_section_key(s.title), NarrativeSection(s.title, ""))) for s in new]


def _sentences(text: str) -> list[str]:
    return [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def _fingerprint(sentence: str) -> str:
    compact = _SPACE.sub("", unicodedata.normalize("NFKC", sentence))
    return _DIGITS.sub("#", compact).rstrip("。!?;")


def _similarity(old: str, new: str) -> SectionSimilarity:
    old_compact = _SPACE.sub("", old)
    new_compact = _SPACE.sub("", new)
    if not old_compact and not new_compact:
        similarity = 1.0
    else:
        similarity = difflib.SequenceMatcher(None, old_compact, new_compact, autojunk=False).ratio()
    seen = {_fingerprint(s) for s in _sentences(old)} - {""}
    copied = [s for s in _sentences(new) if _fingerprint(s) in seen]
    total = sum(len(_fingerprint(s)) for s in _sentences(new))
    duplication = sum(len(_fingerprint(s)) for s in copied) / total if total else 0.0
    return SectionSimilarity("", similarity, duplication, tuple(copied))


def _cell_text(report: AnnualReport, key: str) -> str:
    cell = report.cell(key)
    return "" if cell.state.value == "absent" else cell.text()


def _largest_first(change: CellChange, position: int) -> tuple[int, Number, int]:
    # Numeric changes by size, then cells that changed without a number (blank ↔ value), then
    # the unchanged cells, each group in template order.
    delta = change.change
    if delta is not None and delta:
        size: Number = delta if delta > 0 else -delta
        return (0, -size, position)
    return (1 if change.changed else 2, 0, position)


def compare(
    old: AnnualReport,
    new: AnnualReport,
    *,
    old_findings: Sequence[Finding] | None = None,
    new_findings: Sequence[Finding] | None = None,
) -> Comparison:
    """Compare ``old`` with ``new``. Findings are computed with :func:`validate` unless given."""
    from .validation import validate

    if old_findings is None:
        old_findings = validate(old)
    if new_findings is None:
        new_findings = validate(new)
    old_specs = {spec.key: spec for spec in old.template()}
    new_specs = {spec.key: spec for spec in new.template()}
    changes = [
        CellChange(
            spec.key,
            short_label(spec),
            old.cell(spec.key).value,
            new.cell(spec.key).value,
            _cell_text(old, spec.key),
            _cell_text(new, spec.key),
        )
        for spec in new.template()
        if spec.key in old_specs
    ]
    order = {c.key: i for i, c in enumerate(changes)}
    changes.sort(key=lambda c: _largest_first(c, order[c.key]))
    consecutive = _consecutive(old, new) is not False
    carry = tuple(
        CarryOver(
            column,
            old.cell(f"applications.carried_out.{column}").value,
            new.cell(f"applications.carried_in.{column}").value,
            consecutive,
        )
        for column in APPLICANT_COLUMNS
    )
    sections = tuple(
        attrs.evolve(_similarity(old_section.text, new_section.text), title=new_section.title)
        for new_section, old_section in _paired(new.narrative, old.narrative)
    )
    return Comparison(
        old=old,
        new=new,
        changes=tuple(changes),
        carry_over=carry,
        sections=sections,
        old_findings=tuple(old_findings),
        new_findings=tuple(new_findings),
        only_old=tuple(k for k in old_specs if k not in new_specs),
        only_new=tuple(k for k in new_specs if k not in old_specs),
    )
