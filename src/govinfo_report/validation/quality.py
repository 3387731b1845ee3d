"""Report quality: what evaluators score besides the sums (a report with nothing in it, an empty
section 五, sections missing or misnumbered, blank cells)."""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence

from ..findings import CodeInfo, Finding, Severity
from ..model import AnnualReport, Edition, template_cells
from ..values import CellState, cache_short_texts
from .shapes import per_shape

__all__ = ["PROBLEMS_MIN_CHARACTERS", "QUALITY_CODES", "quality_findings"]

PROBLEMS_MIN_CHARACTERS = 30
"""Section 五 with fewer characters than this (punctuation and spaces not counted) is flagged."""

QUALITY_CODES = (
    CodeInfo(
        "quality.no_values",
        Severity.ERROR,
        "报告未填写任何数值",
        "no value printed anywhere",
        "The tables are printed but not one cell holds a number: the report is the blank "
        "template. An error, not a clean report. (Tables not found at all are reported as "
        "`shape.missing_cell`.)",
        example="The 2021 template as circulated, every cell blank: one finding, not a pass.",
    ),
    CodeInfo(
        "quality.problems_empty",
        Severity.WARNING,
        "存在的主要问题及改进情况内容空泛",
        "section 五 empty",
        "Section 五、存在的主要问题及改进情况 is missing its text, says only 无 / 暂无问题 / a "
        "placeholder such as （文字描述）, or has fewer than "
        f"{PROBLEMS_MIN_CHARACTERS} characters.",
        example="五、存在的主要问题及改进情况 followed by 无。",
    ),
    CodeInfo(
        "quality.section_empty",
        Severity.WARNING,
        "总体情况内容为空",
        "section 一 empty",
        "Section 一、总体情况 has no text, or only a placeholder such as （文字描述）.",
        example="一、总体情况 followed directly by 二、主动公开政府信息情况.",
    ),
    CodeInfo(
        "quality.section_missing",
        Severity.WARNING,
        "缺少规定的文字部分",
        "prose section missing",
        "The report has prose, but one of 一、总体情况, 五、存在的主要问题及改进情况 or "
        "六、其他需要报告的事项 is not found by its words. Reports read without prose (cells, "
        "JSON) are not assessed.",
        example="A report whose prose ends after 一、总体情况: 五 and 六 are named as missing.",
    ),
    CodeInfo(
        "quality.section_number",
        Severity.WARNING,
        "章节序号有误",
        "section misnumbered",
        "A section title is found by its words but carries another number than the template's "
        "(总体情况 is 一, 存在的主要问题 is 五, 其他需要报告的事项 is 六).",
        example="四、存在的主要问题及改进情况 (the template numbers it 五).",
    ),
    CodeInfo(
        "quality.blank_cells",
        Severity.INFO,
        "表格三、四的空白单元格",
        "blank cells in sections 三 and 四",
        "How many cells of sections 三 and 四 are printed blank or with a marker (/, 无, 不适用) "
        "instead of a number; a blank is not 0, so these cells weaken every sum rule.",
        example="Shanghai 2019: 128 of the cells of section 三 are blank.",
    ),
)

# Enum members as module constants: reading one off its class costs a dozen global look-ups.
_NUMBER, _ABSENT, _ANNOTATED = CellState.NUMBER, CellState.ABSENT, CellState.ANNOTATED
_BLANK, _MARKER = CellState.BLANK, CellState.MARKER
_ERROR, _WARNING, _INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

_SECTIONS = (
    ("overview", re.compile(r"总体情况"), "一"),
    ("problems", re.compile(r"存在的主要问题"), "五"),
    ("other", re.compile(r"其他需要报告的事项"), "六"),
)
_NUMBERED = re.compile(r"^\s*(?:第)?([一二三四五六七八九十]+)\s*(?:[、.．,，:：)）]|部分)")
_NOT_TEXT = re.compile(r"[\s\W_]+")
_PLACEHOLDER = re.compile(r"^[(（]?文字描述.*[)）]?$")
_NOTHING = frozenset({"", "无", "暂无", "暂无问题", "无问题", "没有", "略", "无此项", "不适用"})


@cache_short_texts(maxsize=4096)  # section texts such as 无 or （文字描述） recur in many reports
def _compact(text: str) -> str:
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text))


@cache_short_texts(maxsize=4096)
def _empty(text: str) -> bool:
    stripped = text.strip()
    if len(stripped) > 60:  # longer than any placeholder: skip the normalisation
        return False
    return _compact(stripped) in _NOTHING or bool(_PLACEHOLDER.match(stripped))


@functools.cache
def _table_three_four(
    edition: Edition, single_other_row: bool
) -> tuple[int, Callable[[Sequence[CellState]], tuple[CellState, ...]]]:
    """How many cells sections 三 and 四 have, and a getter of their states."""
    indices = [
        i
        for i, spec in enumerate(template_cells(edition, single_other_row=single_other_row))
        if spec.key.startswith(("applications.", "reviews."))
    ]
    return len(indices), operator.itemgetter(*indices)


_table_three_four_of = per_shape(_table_three_four)


def quality_findings(report: AnnualReport) -> Sequence[Finding]:
    """The quality checks over one report."""
    states = report.state_tuple()
    # Most reports print a number in every cell: one count in C settles the table checks
    # (a count by identity is cheaper than three membership tests of a str enum).
    all_numbers = states.count(_NUMBER) == len(states)
    if not report.narrative and all_numbers:
        return ()
    return tuple(_quality(report, states, all_numbers))


def _quality(
    report: AnnualReport, states: tuple[CellState, ...], all_numbers: bool
) -> Iterator[Finding]:
    if not all_numbers:
        yield from _table_quality(report, states)
    if report.narrative:
        yield from _sections(report)


def _table_quality(report: AnnualReport, states: tuple[CellState, ...]) -> Iterator[Finding]:
    # Tables printed but not filled in; tables not found at all are shape.missing_cell already.
    printed = states.count(_ABSENT) != len(states)
    if printed and _NUMBER not in states and _ANNOTATED not in states:
        yield Finding(
            "quality.no_values",
            _ERROR,
            "报告的三张表格中没有任何数值（空白模板？）",
            "no cell of the three tables holds a number (a blank template?)",
        )
    if _BLANK in states or _MARKER in states:
        yield from _blank_cells(report, states)


def _blank_cells(report: AnnualReport, states: tuple[CellState, ...]) -> Iterator[Finding]:
    size, getter = _table_three_four_of(report)
    three_four = getter(states)
    blank = three_four.count(_BLANK)
    marked = three_four.count(_MARKER)
    if blank or marked:
        yield Finding(
            "quality.blank_cells",
            _INFO,
            f"表格三、四共 {size} 个单元格中，空白 {blank} 个，填写符号（如 /、不适用）"
            f" {marked} 个",
            f"of the {size} cells of sections 三 and 四, {blank} are blank and "
            f"{marked} hold a marker (/, 不适用…)",
            actual=blank + marked,
        )


@cache_short_texts(maxsize=4096)
def _title_names(title: str) -> tuple[bool, ...]:
    """Which of the template's sections (in ``_SECTIONS`` order) a title names by its words."""
    return tuple(words.search(title) is not None for _, words, _ in _SECTIONS)


def _sections(report: AnnualReport) -> Iterator[Finding]:
    narrative = report.narrative
    names = [_title_names(s.title) for s in narrative]
    for which, (name, words, number) in enumerate(_SECTIONS):
        matches = [s for s, named in zip(narrative, names, strict=True) if named[which]]
        if not matches:
            yield Finding(
                "quality.section_missing",
                _WARNING,
                f"未找到「{number}、{words.pattern}」部分",
                f"section {number} ({words.pattern}) not found",
            )
            continue
        section = matches[0]
        printed = _NUMBERED.match(section.title)
        if printed and printed.group(1) != number:
            yield Finding(
                "quality.section_number",
                _WARNING,
                f"「{section.title.strip()}」应为第{number}部分，序号却是「{printed.group(1)}」",
                f"{section.title.strip()!r} is numbered {printed.group(1)}; the template numbers "
                f"it {number}",
                actual=section.title.strip(),
            )
        text = section.text
        if name == "overview" and _empty(text):
            yield Finding(
                "quality.section_empty",
                _WARNING,
                f"「{section.title.strip()}」没有内容",
                f"{section.title.strip()!r} has no text",
                actual=text.strip(),
            )
        if name == "problems":
            # Only a short text can be short of characters; long ones are not normalised.
            length = len(_compact(text)) if len(text) < 4 * PROBLEMS_MIN_CHARACTERS else len(text)
            if _empty(text) or length < PROBLEMS_MIN_CHARACTERS:
                yield Finding(
                    "quality.problems_empty",
                    _WARNING,
                    f"「{section.title.strip()}」只有 {length} 个字"
                    + (f"（「{text.strip()[:20]}」）" if text.strip() else ""),
                    f"{section.title.strip()!r} has only {length} characters",
                    actual=text.strip()[:40],
                )
