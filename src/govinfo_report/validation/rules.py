"""Built-in rules over one report: sums (H1-H4), domain (H5), shape (H6) and plausibility."""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import cast

import attrs

from ..findings import Finding, Severity
from ..model import APPLICANT_COLUMNS, AnnualReport, Edition, TemplateCell, template_cells
from ..values import Cell, CellKind, CellState, Number
from .arithmetic import NOT_ASSESSABLE_INFO, short_label, sum_rule_findings
from .catalogue import CodeInfo, ReportRule
from .narrative import NARRATIVE_CODES, narrative_findings, narrative_findings_without
from .quality import QUALITY_CODES, quality_findings
from .shapes import cell_at, per_shape, tuple_getter

__all__ = ["BUILTIN_REPORT_RULES"]

_E, _I, _W, _N = Severity.ERROR, Severity.INCONSISTENCY, Severity.WARNING, Severity.INFO
# Enum members as module constants: reading one off its class costs a dozen global look-ups.
_NUMBER, _TEXT, _ABSENT, _BLANK = (
    CellState.NUMBER,
    CellState.TEXT,
    CellState.ABSENT,
    CellState.BLANK,
)
_COUNT, _SIGNED, _MONEY = CellKind.COUNT, CellKind.SIGNED, CellKind.MONEY

SUM_CODES = (
    CodeInfo(
        "apply.wrong_cell",
        _I,
        "单元格数值与勾稽关系不符",
        "wrong cell in section 三",
        "One cell of section 三 explains every broken sum rule (H1, H2, H3): the finding names it "
        "first, gives `expected` (the value that satisfies all of them) and lists the broken "
        "equations as details.",
        example=(
            "（一）予以公开·自然人 printed 23 where the row, the column and 总计 all need 18:"
            " one finding names `applications.granted.natural_person`, expected 18."
        ),
    ),
    CodeInfo(
        "apply.balance",
        _I,
        "勾稽关系不成立",
        "balance (勾稽) broken",
        "H1: in some column, 本年新收 + 上年结转 ≠ （七）总计 + 结转下年度, and no single cell explains it.",
        example=(
            "Two cells of the 商业企业 column are wrong in ways no single cell explains: 本年新收 "
            "5 + 上年结转 0 ≠ 总计 3 + 结转 1."
        ),
    ),
    CodeInfo(
        "apply.outcome_total",
        _I,
        "办理结果之和不等于总计",
        "outcomes do not add up",
        "H2: in some column, the outcome rows （一）…（六） do not add up to （七）总计.",
        example=(
            "（七）总计·科研机构 is 4 but the outcome rows add up to 6, and more than one cell "
            "could be the culprit."
        ),
    ),
    CodeInfo(
        "apply.row_total",
        _I,
        "申请人各列之和不等于总计",
        "row total wrong",
        "H3: in some row of section 三, the six applicant columns do not add up to 总计.",
        example=(
            "（三）不予公开·1.属于国家秘密: the six applicant columns add up to 2 but its 总计 "
            "says 3, and no single cell explains it alone."
        ),
    ),
    CodeInfo(
        "review.total",
        _I,
        "行政复议、行政诉讼结果之和不等于总计",
        "review group total wrong",
        "H4: in a group of section 四, 维持 + 纠正 + 其他 + 尚未审结 ≠ 总计. The finding's cells are "
        "that group's, its 总计 first, with `expected` the sum of the other four.",
        example="行政复议: 维持 2 + 纠正 1 + 其他 0 + 尚未审结 0 = 3, but 总计 is printed as 4; expected 3.",
    ),
    NOT_ASSESSABLE_INFO,
)

DOMAIN_CODES = (
    CodeInfo(
        "cell.domain",
        _E,
        "数值超出取值范围",
        "value out of domain",
        "H5: a count that is negative or not a whole number, a 增/减 that is not a whole number, or "
        "a negative amount of money.",
        example="本年新收·自然人 printed as -2, or 规章·本年制发件数 printed as 1.5.",
    ),
    CodeInfo(
        "cell.text",
        _E,
        "单元格内容不是数字",
        "cell text is not a number",
        "H5: the cell holds text that is neither a number, a blank nor a marker.",
        example="A cell of section 三 holds 见附件 instead of a number.",
    ),
)

SHAPE_CODES = (
    CodeInfo(
        "shape.missing_cell",
        _E,
        "缺少单元格",
        "cells missing",
        "H6: cells of the edition's template were not found in the document; one finding per row.",
        example="A PDF whose 四、结转下年度继续办理 row was cut off: its seven cells are listed.",
    ),
    CodeInfo(
        "shape.single_other_row",
        _N,
        "（六）其他处理未分项",
        "（六）其他处理 printed as one row",
        "An edition 2021 report prints （六）其他处理 as one row, as in 2019; the row is kept as "
        "`applications.other.*` and the sum rules use it.",
        example="A 2021 report printing （六）其他处理 as one row, as the 2019 template did.",
    ),
)

PLAUSIBILITY_CODES = (
    CodeInfo(
        "money.precision",
        _W,
        "金额小数位过多",
        "too many decimals",
        "An amount of money has more than 4 decimals.",
        example="行政事业性收费 printed as 12.345678 (万元).",
    ),
    CodeInfo(
        "money.unit",
        _W,
        "金额单位可疑",
        "suspicious unit",
        "The 2021 fee amount is in 万元, but the cell prints 元 or is so large (≥ 1,000,000 万元) "
        "that 元 were probably typed into it.",
        example="行政事业性收费 printed as 2500000 in a 万元 column, or as 25000元.",
    ),
    CodeInfo(
        "apply.total_blank",
        _W,
        "总计列空白而分项有数",
        "total left blank",
        "A row of section 三 has numbers in applicant columns but its 总计 is blank.",
        example="（一）予以公开 has 12 for 自然人 but its 总计 is left blank.",
    ),
    CodeInfo(
        "apply.carried_out_excess",
        _W,
        "结转下年度多于可办理总数",
        "more carried out than on hand",
        "In some column, 结转下年度 exceeds 本年新收 + 上年结转.",
        example="结转下年度·自然人 is 9 while 本年新收 4 + 上年结转 2 = 6.",
    ),
)


def _sum_rules(report: AnnualReport) -> list[Finding]:
    return sum_rule_findings(report)


@attrs.frozen
class _Layout:
    """Cell indices a report shape's rules need, computed once per shape."""

    template: tuple[TemplateCell, ...]
    by_kind: dict[CellKind, tuple[int, ...]]
    rows: tuple[tuple[int, tuple[int, ...]], ...]
    """Section 三 rows: (index of 总计, indices of the six applicant columns)."""
    columns: tuple[tuple[int, int, int], ...]
    """Per column: indices of (carried_out, received, carried_in)."""
    getters: dict[CellKind, Callable[[Sequence[Number | None]], tuple[Number | None, ...]]]
    """Per kind: fetch the values of all cells of that kind in one call."""
    whole: Callable[[Sequence[Number | None]], tuple[Number | None, ...]]
    """Fetch the values of the count and 增/减 cells (whole numbers) in one call."""
    totals: Callable[[Sequence[CellState]], tuple[CellState, ...]]
    """Fetch the states of the 总计 cells of the section 三 rows (in ``rows`` order)."""
    counts: Callable[[Sequence[Number | None]], tuple[Number | None, ...]]
    signed: Callable[[Sequence[Number | None]], tuple[Number | None, ...]]
    money: Callable[[Sequence[Number | None]], tuple[Number | None, ...]]
    """The getters of ``getters``, one attribute each (a dict keyed by an enum hashes in Python)."""
    money_cells: tuple[int, ...]
    money_fetchers: tuple[Callable[[AnnualReport], Cell], ...]
    """Per money cell: fetch the cell from a report (a dotted ``attrgetter``, in C)."""
    components: Callable[[Sequence[Number | None]], tuple[Number | None, ...]]
    """Fetch the values of every applicant column of the section 三 rows."""
    single_other_row_2021: bool
    """An edition 2021 shape with （六）其他处理 as one row."""
    missing: dict[bytes, tuple[tuple[str, str, tuple[str, ...]], ...]] = attrs.field(
        factory=dict, eq=False
    )
    """``shape.missing_cell`` texts by pattern of absent cells."""
    total_blank: dict[tuple[int, tuple[int, ...]], tuple[str, str, tuple[str, ...]]] = attrs.field(
        factory=dict, eq=False
    )
    """``apply.total_blank`` texts by row and filled columns."""


@functools.cache
def _layout(edition: Edition, single_other_row: bool) -> _Layout:
    template = template_cells(edition, single_other_row=single_other_row)
    index = {spec.key: i for i, spec in enumerate(template)}
    rows = tuple(
        (i, tuple(index[spec.key.removesuffix("total") + c] for c in APPLICANT_COLUMNS[:-1]))
        for i, spec in enumerate(template)
        if spec.key.startswith("applications.") and spec.key.endswith(".total")
    )
    columns = tuple(
        tuple(
            index[f"applications.{row}.{column}"]
            for row in ("carried_out", "received", "carried_in")
        )
        for column in APPLICANT_COLUMNS
    )
    by_kind = {
        kind: tuple(i for i, spec in enumerate(template) if spec.kind is kind) for kind in CellKind
    }
    getters = {kind: tuple_getter(indices) for kind, indices in by_kind.items()}
    totals = operator.itemgetter(*(total for total, _ in rows))
    whole = tuple_getter(tuple(sorted(by_kind[CellKind.COUNT] + by_kind[CellKind.SIGNED])))
    return _Layout(
        template,
        by_kind,
        rows,
        columns,  # type: ignore[arg-type]
        getters,
        whole,
        totals,
        getters[CellKind.COUNT],
        getters[CellKind.SIGNED],
        getters[CellKind.MONEY],
        by_kind[CellKind.MONEY],
        tuple(operator.attrgetter(template[i].key) for i in by_kind[CellKind.MONEY]),
        tuple_getter(tuple(i for _, components in rows for i in components)),
        single_other_row and edition is Edition.E2021,
    )


_layout_of = per_shape(_layout)


def _domain(report: AnnualReport) -> list[Finding]:
    layout = _layout_of(report)
    values = report.value_tuple()
    suspects, blanks = _domain_suspects(layout, values)
    # A TEXT cell holds no value: with no blank value anywhere, no state needs a look.
    texts = blanks and _TEXT in report.state_tuple()
    if not suspects and not texts:
        return []
    found: list[Finding] = []
    if texts:
        states = report.state_tuple()
        for i in [i for i, state in enumerate(states) if state is _TEXT]:
            spec, cell = layout.template[i], cell_at(report, i)
            found.append(
                Finding(
                    "cell.text",
                    _E,
                    f"「{short_label(spec)}」的内容「{cell.note}」不是数字",
                    f"{spec.key} holds {cell.note!r}, which is not a number",
                    cells=(spec.key,),
                    actual=cell.note,
                    source=cell.provenance,
                )
            )
    for i in suspects:
        spec, value = layout.template[i], values[i]
        assert value is not None
        problem = _domain_problem(spec.kind, value)
        if problem is not None:
            zh, en = problem
            found.append(
                Finding(
                    "cell.domain",
                    _E,
                    f"「{short_label(spec)}」为 {value}：{zh}",
                    f"{spec.key} is {value}: {en}",
                    cells=(spec.key,),
                    actual=value,
                    source=cell_at(report, i).provenance,
                )
            )
    return found


def _domain_suspects(layout: _Layout, values: tuple[Number | None, ...]) -> tuple[list[int], bool]:
    """Indices whose value may break its domain, and whether any value is blank (``None``).

    Screened in C for the common case: whole non-negative counts, whole 增/减, money as
    ``Decimal``. A zero or a blank never breaks a domain, so skipping them changes nothing.
    """
    counts = layout.counts(values)
    signed = layout.signed(values)
    money = layout.money(values)
    try:
        # sum() raises on a blank; its result is an int only when every count is an int.
        blanks = False
        numbers = cast("tuple[int, ...]", counts)
        good_counts = sum(numbers).__class__ is int and min(numbers, default=0) >= 0
    except TypeError:
        blanks = True
        present = cast("list[int]", list(filter(None, counts)))
        good_counts = sum(present).__class__ is int and min(present, default=0) >= 0
    if (
        good_counts
        and set(map(type, signed)) <= _INT
        and set(map(type, money)) <= _DECIMAL
        and min(cast("Iterator[Decimal]", filter(None, money)), default=0) >= 0
    ):
        blanks = blanks or None in signed or None in money
        return [], blanks
    return sorted(
        [
            *(i for i in layout.by_kind[CellKind.COUNT] if _not_count(values[i])),
            *(i for i in layout.by_kind[CellKind.SIGNED] if _not_whole(values[i])),
            *(i for i in layout.by_kind[CellKind.MONEY] if _negative(values[i])),
        ]
    ), True


_INT = frozenset({int, type(None)})
_DECIMAL = frozenset({Decimal, type(None)})


def _not_count(value: Number | None) -> bool:
    return value is not None and (value.__class__ is not int or value < 0)


def _not_whole(value: Number | None) -> bool:
    return value is not None and value.__class__ is not int


def _negative(value: Number | None) -> bool:
    return value is not None and value < 0


def _domain_problem(kind: CellKind, value: Number) -> tuple[str, str] | None:
    whole = isinstance(value, int) or value == value.to_integral_value()
    if kind is CellKind.MONEY:
        return ("金额不能为负", "money cannot be negative") if value < 0 else None
    if not whole:
        return ("应为整数", "must be a whole number")
    if kind is CellKind.COUNT and value < 0:
        return ("件数不能为负", "a count cannot be negative")
    return None


def _shape(report: AnnualReport) -> list[Finding]:
    states = report.state_tuple()
    found: list[Finding] = []
    layout = _layout_of(report)
    # Counting NUMBER is identity comparisons: cheaper than looking for ABSENT in a full table.
    if states.count(_NUMBER) != len(states) and _ABSENT in states:
        for message, message_en, keys in _missing_rows(layout, states):
            found.append(Finding("shape.missing_cell", _E, message, message_en, keys))
    if layout.single_other_row_2021:
        found.append(
            Finding(
                "shape.single_other_row",
                _N,
                "（六）其他处理按 2019 年版格式列为一行，未分三项",
                "（六）其他处理 is one row, as in the 2019 edition, not three sub-rows",
                cells=tuple(f"applications.other.{c}" for c in APPLICANT_COLUMNS),
            )
        )
    return found


def _missing_rows(
    layout: _Layout, states: tuple[CellState, ...]
) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Per row with absent cells: the messages and the absent keys (worded once per pattern)."""
    absent = bytes(map(operator.is_, states, _ABSENTS))
    worded = layout.missing.get(absent)
    if worded is None:
        missing: dict[str, list[str]] = {}
        first_label: dict[str, str] = {}
        for i in itertools.compress(range(len(states)), absent):
            spec = layout.template[i]
            row = spec.key.rsplit(".", 1)[0]
            missing.setdefault(row, []).append(spec.key)
            first_label.setdefault(row, "·".join(spec.labels[1:-1]) or spec.labels[0])
        if len(layout.missing) >= _PATTERNS_KEPT:
            layout.missing.clear()
        worded = layout.missing[absent] = tuple(
            (
                f"「{first_label[row]}」缺少 {len(keys)} 个单元格",
                f"{row}: {len(keys)} cell(s) of the template not found",
                tuple(keys),
            )
            for row, keys in missing.items()
        )
    return worded


_ABSENTS = itertools.repeat(CellState.ABSENT)
_PATTERNS_KEPT = 1024
"""Absent-cell patterns remembered per shape (memory stays bounded)."""


def _total_blank_texts(
    layout: _Layout, total: int, filled: tuple[int, ...]
) -> tuple[str, str, tuple[str, ...]]:
    """``apply.total_blank`` texts for a row and its filled columns (at most 64 per row, so
    remembered without bound)."""
    worded = layout.total_blank.get((total, filled))
    if worded is None:
        keys = layout.template
        label = short_label(keys[total]).rsplit("·", 1)[0]
        worded = layout.total_blank[total, filled] = (
            f"「{label}」行总计为空白，但有 {len(filled)} 列填有数字",
            f"{keys[total].key} is blank while {len(filled)} applicant column(s) hold numbers",
            (keys[total].key, *(keys[i].key for i in filled)),
        )
    return worded


_YUAN_IN_WAN_THRESHOLD = Decimal(1_000_000)


def _money(report: AnnualReport) -> list[Finding]:
    layout = _layout_of(report)
    values = report.value_tuple()
    found: list[Finding] = []
    for i, fetch in zip(layout.money_cells, layout.money_fetchers, strict=True):
        value = values[i]  # the cell's value, as in the cell
        if not isinstance(value, Decimal):
            continue
        # The cell itself (its unit, text and provenance) fetched alone: a clean report never
        # needs the tuple of all its cells.
        spec, cell = layout.template[i], fetch(report)
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -4:
            found.append(
                Finding(
                    "money.precision",
                    _W,
                    f"「{short_label(spec)}」金额 {value} 小数位超过 4 位",
                    f"{spec.key} has more than 4 decimals: {value}",
                    cells=(spec.key,),
                    actual=value,
                    source=cell.provenance,
                )
            )
        if spec.key == "active.fees.amount" and (
            cell.unit == "元" or value >= _YUAN_IN_WAN_THRESHOLD
        ):
            found.append(
                Finding(
                    "money.unit",
                    _W,
                    f"「{short_label(spec)}」单位为万元，{cell.text()} 疑似按元填写",
                    f"{spec.key} is in 万元 (10,000 yuan); {cell.text()} looks like yuan",
                    cells=(spec.key,),
                    actual=value,
                    source=cell.provenance,
                )
            )
    return found


def _applications_plausible(report: AnnualReport) -> list[Finding]:
    layout = _layout_of(report)
    values = report.value_tuple()
    found: list[Finding] = []
    keys = layout.template
    # Only a blank 总计 can be "left blank while components are filled".
    totals = layout.totals(report.state_tuple())
    # A blank 总计 matters only if some applicant column of section 三 holds a number other than 0.
    if _BLANK in totals and any(layout.components(values)):
        for (total, components), state in zip(layout.rows, totals, strict=True):
            if state is not _BLANK:
                continue
            # The columns holding a number other than 0.
            filled = tuple(itertools.compress(components, map(values.__getitem__, components)))
            if filled:
                message, message_en, keys_of = _total_blank_texts(layout, total, filled)
                found.append(
                    Finding(
                        "apply.total_blank",
                        _W,
                        message,
                        message_en,
                        keys_of,
                        source=cell_at(report, total).provenance,
                    )
                )
    for out_i, received_i, in_i in layout.columns:
        out, received, carried_in = values[out_i], values[received_i], values[in_i]
        if out is None or received is None or carried_in is None:
            continue
        if out > received + carried_in:
            key = keys[out_i].key
            found.append(
                Finding(
                    "apply.carried_out_excess",
                    _W,
                    f"「{short_label(keys[out_i])}」为 {out}，多于本年新收与上年结转之和 "
                    f"{received + carried_in}",
                    f"{key} is {out}, more than received + carried in ({received + carried_in})",
                    cells=(key, keys[received_i].key, keys[in_i].key),
                    actual=out,
                    source=cell_at(report, out_i).provenance,
                )
            )
    return found


BUILTIN_REPORT_RULES = (
    ReportRule("sums", SUM_CODES, _sum_rules),
    ReportRule("domain", DOMAIN_CODES, _domain),
    ReportRule("shape", SHAPE_CODES, _shape),
    ReportRule("money", PLAUSIBILITY_CODES[:2], _money),
    ReportRule("applications_plausible", PLAUSIBILITY_CODES[2:4], _applications_plausible),
    ReportRule("narrative", NARRATIVE_CODES, narrative_findings, narrative_findings_without),
    ReportRule("quality", QUALITY_CODES, quality_findings),
)
