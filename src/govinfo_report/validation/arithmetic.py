"""The sum rules of sections 三 and 四 as a system of equations, and naming the wrong cell.

Every hard sum rule (H1 勾稽, H2 outcome totals, H3 row totals, H4 review totals) is a linear
equation ``sum(lhs) == sum(rhs)`` over cells. A wrong cell breaks every equation it takes part in, and
in section 三 no two cells take part in the same set of equations, so the set of broken equations
points at the cell. When exactly one set of cells explains all broken equations, with one value per
cell that satisfies all of its equations, each such cell gets a single finding naming it and that
value; otherwise each broken equation is reported on its own.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs

from ..findings import CodeInfo, Finding, Severity
from ..model import APPLICANT_COLUMNS, AnnualReport, Edition, TemplateCell, template_cells
from ..values import CellState, Number
from .shapes import cell_at, per_shape, tuple_getter

__all__ = ["Equation", "equations_for", "sum_rule_findings"]

_BALANCE = "apply.balance"
_OUTCOMES = "apply.outcome_total"
_ROW_TOTAL = "apply.row_total"
_REVIEW_TOTAL = "review.total"
_WRONG_CELL = "apply.wrong_cell"
NOT_ASSESSABLE = "rule.not_assessable"
NOT_ASSESSABLE_INFO = CodeInfo(
    NOT_ASSESSABLE,
    Severity.INFO,
    "规则无法核对",
    "rule not assessable",
    "A rule has an operand that is blank, a marker or text, so it cannot be checked; `rule` "
    "names the rule and the message says whether it would hold if blanks meant 0.",
    example="（七）总计·总计 is printed blank, so apply.row_total cannot be checked for that row; the "
    "message adds whether it would hold if blanks meant 0.",
)

# Enum members as module constants: reading one off its class costs a dozen global look-ups.
_INFO, _INCONSISTENCY = Severity.INFO, Severity.INCONSISTENCY

_COLUMN_ZH = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}


@attrs.frozen
class Equation:
    """``sum(cells[i] for i in lhs) == sum(cells[i] for i in rhs)`` over a report's cell tuple."""

    code: str
    lhs: tuple[int, ...]
    rhs: tuple[int, ...]
    where: str
    """Where the equation applies, in Chinese (a column or a row)."""
    where_en: str

    @property
    def operands(self) -> tuple[int, ...]:
        return self.lhs + self.rhs


Getter = Callable[[Sequence[Number | None]], tuple[Number | None, ...]]


def _getter(indices: tuple[int, ...]) -> Getter:
    # itemgetter of one index returns the item, of two or more a tuple: pad single operands
    # with a second index to a value that is always 0 so every getter returns a tuple in C.
    getter: Getter = (
        operator.itemgetter(*indices, _ZERO) if len(indices) == 1 else operator.itemgetter(*indices)
    )
    return getter


Differences = Callable[[Sequence[Number | None]], tuple[Number, ...]]
"""Every sum equation's ``lhs - rhs``, from the tuple of a shape's operands."""

_ZERO = -1
"""Index of the constant 0 that sum_rule_findings appends to the values."""


@attrs.frozen(eq=False)  # hashed by identity: one shape per edition, cached
class _Shape:
    template: tuple[TemplateCell, ...]
    equations: tuple[Equation, ...]
    membership: dict[int, tuple[int, ...]]
    """Cell index -> indices of the section 三 equations it takes part in."""
    getters: tuple[tuple[Getter, Getter], ...]
    """Per equation: fetch the lhs and the rhs values in one C call each."""
    statements: dict[str, tuple[str, ...]]
    """Per language, per equation: the equation in words (the same for every report)."""
    differences: Differences
    """Every equation's ``lhs - rhs`` from the operands (raises TypeError if one is blank)."""
    differences_blank_0: Differences
    """The same, blanks counted as 0."""
    operands: Callable[[Sequence[Any]], tuple[Any, ...]]
    """Fetch every cell that takes part in some equation, in one C call."""
    section_three: frozenset[int]
    """Indices of the equations of section 三 (the ones a wrong cell can explain)."""
    patterns: dict[tuple[bytes, tuple[int, ...]], _BlankPattern] = attrs.field(factory=dict)
    """What the blank operands of a report imply, by which operands are blank and how (cached)."""
    candidates: dict[tuple[frozenset[int], frozenset[int]], tuple[int, ...]] = attrs.field(
        factory=dict
    )
    """Cells that could explain a set of broken equations, given the unassessable ones."""
    cell_groups: dict[tuple[int, tuple[int, ...]], tuple[str, ...]] = attrs.field(factory=dict)
    """A wrong cell's key and the keys of the other operands of its equations."""
    detail_heads: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    """Per language, per equation: ``code where: statement: `` (a broken equation's detail)."""


def short_label(spec: TemplateCell) -> str:
    """The labels under the section title, joined: ``（三）不予公开·1.属于国家秘密·自然人``."""
    return "·".join(spec.labels[1:])


@functools.cache
def _shape(edition: Edition, single_other_row: bool) -> _Shape:
    template = template_cells(edition, single_other_row=single_other_row)
    index = {spec.key: i for i, spec in enumerate(template)}
    rows: list[str] = []
    for spec in template:
        if spec.key.startswith("applications.") and spec.key.endswith(".total"):
            rows.append(spec.key[len("applications.") : -len(".total")])
    outcome_rows = rows[rows.index("carried_in") + 1 : rows.index("total")]

    def at(row: str, column: str) -> int:
        return index[f"applications.{row}.{column}"]

    equations: list[Equation] = []
    for column in APPLICANT_COLUMNS:
        zh, en = f"{_COLUMN_ZH[column]}列", f"column {column}"
        equations.append(
            Equation(
                _BALANCE,
                (at("received", column), at("carried_in", column)),
                (at("total", column), at("carried_out", column)),
                zh,
                en,
            )
        )
        equations.append(
            Equation(
                _OUTCOMES,
                (at("total", column),),
                tuple(at(row, column) for row in outcome_rows),
                zh,
                en,
            )
        )
    for row in rows:
        label = short_label(template[at(row, "total")]).rsplit("·", 1)[0]
        equations.append(
            Equation(
                _ROW_TOTAL,
                (at(row, "total"),),
                tuple(at(row, column) for column in APPLICANT_COLUMNS[:-1]),
                f"「{label}」行",
                f"row {row}",
            )
        )
    membership: dict[int, list[int]] = {}
    for number, equation in enumerate(equations):
        for cell in equation.operands:
            membership.setdefault(cell, []).append(number)
    for group in ("review", "litigation_direct", "litigation_after_review"):
        parts = [index[f"reviews.{group}.{c}"] for c in ("upheld", "corrected", "other", "pending")]
        label = template[index[f"reviews.{group}.total"]].labels[1]
        equations.append(
            Equation(
                _REVIEW_TOTAL,
                (index[f"reviews.{group}.total"],),
                tuple(parts),
                f"「{label}」",
                f"group {group}",
            )
        )
    operands = sorted({i for eq in equations for i in eq.operands})
    differences, differences_blank_0 = _compile_differences(equations, operands, edition)
    return _Shape(
        template,
        tuple(equations),
        {cell: tuple(numbers) for cell, numbers in membership.items()},
        tuple((_getter(eq.lhs), _getter(eq.rhs)) for eq in equations),
        {lang: tuple(_statement(eq, template, lang) for eq in equations) for lang in ("zh", "en")},
        differences,
        differences_blank_0,
        operator.itemgetter(*operands),
        frozenset(n for n, eq in enumerate(equations) if eq.code != _REVIEW_TOTAL),
        detail_heads=(
            tuple(f"{eq.code} {eq.where}: {_statement(eq, template, 'zh')}: " for eq in equations),
            tuple(
                f"{eq.code} {eq.where_en}: {_statement(eq, template, 'en')}: " for eq in equations
            ),
        ),
    )


_shape_of = per_shape(_shape)


def _compile_differences(
    equations: Sequence[Equation], operands: Sequence[int], edition: Edition
) -> tuple[Differences, Differences]:
    """``lhs - rhs`` of every equation in one generated function: a few bytecodes per operand
    instead of two getters, two sums and a subtraction per equation.

    The operands come in as one tuple (fetched in C) and are unpacked into locals. The first
    function adds them as they are and raises :class:`TypeError` when one is blank (``None``);
    the second counts blanks as 0 (``v or 0``). Only whether a difference is 0 is read from it: a
    0 that replaces a blank, or a ``Decimal`` zero, changes no sum's value, so the zero test is
    the test of the published operands; a broken equation's difference is then recomputed from
    the values as published (:func:`_difference`), which is what findings print.
    """
    local = {cell: f"v{n}" for n, cell in enumerate(operands)}

    def compile_one(name: str, operand: str) -> Differences:
        def side(indices: tuple[int, ...]) -> str:
            return "(" + " + ".join(operand.format(local[i]) for i in indices) + ")"

        rows = [f"        {side(eq.lhs)} - {side(eq.rhs)}," for eq in equations]
        source = (
            f"def {name}(operands):\n"
            f"    {', '.join(local.values())}, = operands\n"
            "    return (\n" + "\n".join(rows) + "\n    )\n"
        )
        namespace: dict[str, object] = {}
        # The source is built from the template's own cell indices, never from input.
        exec(compile(source, f"<govinfo_report sums {edition.value}>", "exec"), namespace)
        return namespace[name]  # type: ignore[return-value]

    return compile_one("differences", "{}"), compile_one("differences_blank_0", "({} or 0)")


@attrs.frozen(eq=False)
class _Unassessable:
    """One equation that a blank-operand pattern leaves unassessable, worded once."""

    number: int
    rule: str
    keys: tuple[str, ...]
    first_missing: int
    """Cell index of the first blank operand (the finding's source)."""
    holds: tuple[str, str]
    """Chinese and English messages when the equation would hold if blanks meant 0."""
    fails: tuple[str, str]
    """… and when it would fail even so."""
    details: tuple[str, ...]
    details_en: tuple[str, ...]


@attrs.frozen(eq=False)
class _BlankPattern:
    """What one pattern of blank operands means for a shape's equations."""

    unassessable: tuple[_Unassessable, ...]
    """In equation order."""
    numbers: frozenset[int]
    """The unassessable equations."""
    assessable: tuple[int, ...]
    """The other equations, in order."""
    parts: tuple[
        tuple[int, tuple[str, ...], tuple[str, ...], tuple[str, ...], str, int, _Texts, _Texts], ...
    ] = attrs.field(init=False)
    """The fields of ``unassessable`` as plain tuples, unpacked in one step per finding."""
    assessable_differences: Callable[[Sequence[Number]], tuple[Number, ...]] = attrs.field(
        init=False
    )
    """Fetch the differences of the assessable equations, in C."""

    def __attrs_post_init__(self) -> None:
        parts = tuple(
            (u.number, u.keys, u.details, u.details_en, u.rule, u.first_missing, u.holds, u.fails)
            for u in self.unassessable
        )
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "assessable_differences", tuple_getter(self.assessable))


_Texts = tuple[str, str]


def equations_for(report: AnnualReport) -> tuple[Equation, ...]:
    """The sum equations of a report's shape (sections 三 and 四)."""
    return _shape_of(report).equations


def _statement(equation: Equation, template: Sequence[TemplateCell], lang: str) -> str:
    def side(indices: tuple[int, ...]) -> str:
        if lang == "en":
            return " + ".join(template[i].key.removeprefix("applications.") for i in indices)
        return " + ".join(short_label(template[i]) for i in indices)

    return f"{side(equation.lhs)} = {side(equation.rhs)}"


def sum_rule_findings(report: AnnualReport) -> list[Finding]:
    """Findings for every broken or unassessable sum rule of sections 三 and 四.

    The findings of the last report asked about are kept (with the report, so its identity
    cannot be reused): a rule of a plugin that builds on the sum rules (``read.ocr_suspect``)
    asks again within the same validation and gets them without working them out twice.
    """
    global _last
    last_report, last_findings = _last
    if last_report is report:
        return list(last_findings)
    findings = _sum_rule_findings(report)
    _last = (report, tuple(findings))
    return findings


_last: tuple[AnnualReport | None, tuple[Finding, ...]] = (None, ())
"""The last report given to :func:`sum_rule_findings` and its findings (a frozen report's
findings never change)."""


def _sum_rule_findings(report: AnnualReport) -> list[Finding]:
    shape = _shape_of(report)
    values = report.value_tuple()
    operands = shape.operands(values)
    findings: list[Finding] = []
    try:
        differences = shape.differences(operands)
        blank_operand = False
    except TypeError:  # some operand is blank (None)
        differences = shape.differences_blank_0(operands)
        blank_operand = True
    if blank_operand:
        pattern = _blank_pattern(shape, report.state_tuple(), values, operands)
        cells = report.cell_tuple()
        for number, keys, details, details_en, rule, first, holds, fails in pattern.parts:
            message, message_en = fails if differences[number] else holds
            findings.append(
                Finding(
                    NOT_ASSESSABLE,
                    _INFO,
                    message,
                    message_en,
                    keys,
                    None,
                    None,
                    details,
                    details_en,
                    rule,
                    cells[first].provenance,
                )
            )
        if not any(pattern.assessable_differences(differences)):
            return findings
        numbers = [n for n in pattern.assessable if differences[n]]
        unassessable = pattern.numbers
    else:
        if not any(differences):
            return findings
        numbers = list(itertools.compress(range(len(differences)), differences))
        unassessable = frozenset()
    padded = (*values, 0)  # the trailing 0 pads single-operand getters
    broken = {n: _difference(shape, n, padded) for n in numbers}
    section_three = {n: r for n, r in broken.items() if n in shape.section_three}
    explained = _explain(section_three, unassessable, shape, values)
    for cell, expected, covered_numbers in explained:
        findings.append(_wrong_cell(cell, expected, covered_numbers, shape, report, padded))
    covered = {n for _, _, covered_numbers in explained for n in covered_numbers}
    for number, residual in broken.items():
        if number not in covered:
            findings.append(_broken_equation(number, residual, report, padded, shape))
    return findings


def _difference(shape: _Shape, number: int, padded: Sequence[Number | None]) -> Number:
    """``sum(lhs) - sum(rhs)`` of one equation over the values as published (all present)."""
    left, right = shape.getters[number]
    return sum(left(padded)) - sum(right(padded))  # type: ignore[arg-type]


_PATTERNS_KEPT = 4096
"""Blank-operand patterns remembered per shape (real reports repeat a few; memory stays bounded)."""


def _blank_pattern(
    shape: _Shape,
    states: Sequence[CellState],
    values: Sequence[Number | None],
    operand_values: Sequence[Number | None],
) -> _BlankPattern:
    blank = bytes(map(operator.is_, operand_values, _NONES))
    # The states of the blank operands by identity: hashing a tuple of enum members would call
    # the enum's __hash__ in Python once per member.
    key = (blank, tuple(map(id, itertools.compress(shape.operands(states), blank))))
    pattern = shape.patterns.get(key)
    if pattern is None:
        if len(shape.patterns) >= _PATTERNS_KEPT:
            shape.patterns.clear()
        pattern = shape.patterns[key] = _word_pattern(shape, states, values)
    return pattern


def _word_pattern(
    shape: _Shape, states: Sequence[CellState], values: Sequence[Number | None]
) -> _BlankPattern:
    unassessable: list[_Unassessable] = []
    assessable: list[int] = []
    for number, equation in enumerate(shape.equations):
        missing = tuple(i for i in equation.operands if values[i] is None)
        if not missing:
            assessable.append(number)
            continue
        present = [i for i in equation.operands if values[i] is not None]
        kinds = ", ".join(sorted({states[i].value for i in missing}))
        head = f"{equation.where}无法核对 {equation.code}：{len(missing)} 个单元格无数值；"
        head_en = (
            f"{equation.where_en}: {equation.code} not assessable, {len(missing)} cell(s) "
            f"without a number ({kinds}); "
        )
        unassessable.append(
            _Unassessable(
                number,
                equation.code,
                tuple(shape.template[i].key for i in (*missing, *present)),
                missing[0],
                (head + "若空白视为 0 则成立", head_en + "holds if blanks mean 0"),
                (head + "即使空白视为 0 也不成立", head_en + "fails even if blanks mean 0"),
                (shape.statements["zh"][number],),
                (shape.statements["en"][number],),
            )
        )
    return _BlankPattern(
        tuple(unassessable), frozenset(u.number for u in unassessable), tuple(assessable)
    )


def _explain(
    broken: dict[int, Number],
    unassessable: frozenset[int],
    shape: _Shape,
    values: Sequence[Number | None],
) -> list[tuple[int, Number, tuple[int, ...]]]:
    """Cells that together explain exactly the broken equations, if exactly one such set exists."""
    if len(broken) < 2:
        return []
    candidates: list[tuple[int, Number, frozenset[int]]] = []
    for cell in _structural_candidates(frozenset(broken), unassessable, shape):
        candidate = _candidate(cell, broken, unassessable, shape, values)
        if candidate is not None:
            candidates.append(candidate)
    covers = list(_exact_covers(frozenset(broken), candidates, (), limit=2))
    if len(covers) != 1:
        return []
    return [(cell, expected, tuple(sorted(eqs))) for cell, expected, eqs in covers[0]]


def _structural_candidates(
    broken: frozenset[int], unassessable: frozenset[int], shape: _Shape
) -> tuple[int, ...]:
    """Operands of the broken equations, in the order they are met, whose assessable equations
    (two or more) are all broken: the only cells that may explain them, whatever the values."""
    key = (broken, unassessable)
    found = shape.candidates.get(key)
    if found is None:
        cells: list[int] = []
        seen: set[int] = set()
        for number in sorted(broken):
            for cell in shape.equations[number].operands:
                if cell in seen:
                    continue
                seen.add(cell)
                assessable = [n for n in shape.membership.get(cell, ()) if n not in unassessable]
                if len(assessable) >= 2 and all(n in broken for n in assessable):
                    cells.append(cell)
        if len(shape.candidates) >= _PATTERNS_KEPT:
            shape.candidates.clear()
        found = shape.candidates[key] = tuple(cells)
    return found


def _candidate(
    cell: int,
    broken: dict[int, Number],
    unassessable: frozenset[int],
    shape: _Shape,
    values: Sequence[Number | None],
) -> tuple[int, Number, frozenset[int]] | None:
    """The cell with the one value that repairs all its (broken) equations, if there is one."""
    assessable = [n for n in shape.membership.get(cell, ()) if n not in unassessable]
    current = values[cell]
    assert current is not None
    expected: Number | None = None
    for n in assessable:
        equation = shape.equations[n]
        fixed = current - broken[n] if cell in equation.lhs else current + broken[n]
        if expected is None:
            expected = fixed
        elif fixed != expected:
            return None
    assert expected is not None
    return cell, expected, frozenset(assessable)


def _exact_covers(
    uncovered: frozenset[int],
    candidates: Sequence[tuple[int, Number, frozenset[int]]],
    chosen: tuple[tuple[int, Number, frozenset[int]], ...],
    limit: int,
) -> Iterator[tuple[tuple[int, Number, frozenset[int]], ...]]:
    if not uncovered:
        yield chosen
        return
    target = min(uncovered)
    found = 0
    for candidate in candidates:
        eqs = candidate[2]
        if target in eqs and eqs <= uncovered:
            for cover in _exact_covers(uncovered - eqs, candidates, (*chosen, candidate), limit):
                yield cover
                found += 1
                if found >= limit:
                    return


def _wrong_cell(
    cell: int,
    expected: Number,
    numbers: tuple[int, ...],
    shape: _Shape,
    report: AnnualReport,
    padded: Sequence[Number | None],
) -> Finding:
    spec = shape.template[cell]
    keys = shape.cell_groups.get((cell, numbers))
    if keys is None:  # the cell and every other operand of its equations, worded once
        others = sorted({i for n in numbers for i in shape.equations[n].operands if i != cell})
        keys = shape.cell_groups[cell, numbers] = (
            spec.key,
            *(shape.template[i].key for i in others),
        )
    actual = padded[cell]
    details, details_en = _details(shape, numbers, padded)
    return Finding(
        _WRONG_CELL,
        _INCONSISTENCY,
        f"「{short_label(spec)}」印为 {actual}，应为 {expected}："
        f"该值同时满足 {len(numbers)} 条不成立的勾稽关系",
        f"{spec.key} is printed as {actual}; {expected} would satisfy all "
        f"{len(numbers)} broken sum rules it takes part in",
        keys,
        expected,
        actual,
        details,
        details_en,
        source=cell_at(report, cell).provenance,
    )


def _details(
    shape: _Shape, numbers: Iterable[int], padded: Sequence[Number | None]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every broken equation in words with its two sums, in Chinese and in English."""
    zh: list[str] = []
    en: list[str] = []
    for number in numbers:
        left, right = shape.getters[number]
        sums = f"{sum(left(padded))} ≠ {sum(right(padded))}"  # type: ignore[arg-type]
        zh.append(shape.detail_heads[0][number] + sums)
        en.append(shape.detail_heads[1][number] + sums)
    return tuple(zh), tuple(en)


_TITLES = {
    _BALANCE: ("勾稽关系不成立（第一项加第二项之和不等于第三项加第四项之和）", "balance broken"),
    _OUTCOMES: ("办理结果之和不等于（七）总计", "outcomes do not add up to the total"),
    _ROW_TOTAL: ("各类申请人之和不等于总计", "applicant columns do not add up to the total"),
    _REVIEW_TOTAL: ("各项结果之和不等于总计", "outcomes do not add up to the total"),
}


def _broken_equation(
    number: int,
    residual: Number,
    report: AnnualReport,
    padded: Sequence[Number | None],
    shape: _Shape,
) -> Finding:
    equation = shape.equations[number]
    zh, en = _TITLES[equation.code]
    first = equation.lhs[0]
    keys = tuple(shape.template[i].key for i in equation.operands)
    single_total = len(equation.lhs) == 1
    expected = sum(shape.getters[number][1](padded)) if single_total else None  # type: ignore[arg-type]
    details, details_en = _details(shape, (number,), padded)
    return Finding(
        equation.code,
        _INCONSISTENCY,
        f"{equation.where}{zh}（相差 {residual}）",
        f"{equation.where_en}: {en} (off by {residual})",
        keys,
        expected,
        padded[first] if single_total else None,
        details,
        details_en,
        source=cell_at(report, first).provenance,
    )


_NONES = itertools.repeat(None)
