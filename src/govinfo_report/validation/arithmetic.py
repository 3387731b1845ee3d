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

import attrs

from ..findings import CodeInfo, Finding, Severity
from ..model import APPLICANT_COLUMNS, AnnualReport, Edition, TemplateCell, template_cells
from ..values import Cell, CellState, Number

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
    return _Shape(
        template,
        tuple(equations),
        {cell: tuple(numbers) for cell, numbers in membership.items()},
        tuple((_getter(eq.lhs), _getter(eq.rhs)) for eq in equations),
        {lang: tuple(_statement(eq, template, lang) for eq in equations) for lang in ("zh", "en")},
    )


def equations_for(report: AnnualReport) -> tuple[Equation, ...]:
    """The sum equations of a report's shape (sections 三 and 四)."""
    return _shape(report.edition, report.single_other_row).equations


def _sum(values: Iterable[Number | None]) -> Number:
    total: Number = 0
    for value in values:
        if value is not None:
            total += value
    return total


def _statement(equation: Equation, template: Sequence[TemplateCell], lang: str) -> str:
    def side(indices: tuple[int, ...]) -> str:
        if lang == "en":
            return " + ".join(template[i].key.removeprefix("applications.") for i in indices)
        return " + ".join(short_label(template[i]) for i in indices)

    return f"{side(equation.lhs)} = {side(equation.rhs)}"


def _broken_detail(number: int, shape: _Shape, values: Sequence[Number | None], lang: str) -> str:
    equation = shape.equations[number]
    left = _sum(values[i] for i in equation.lhs)
    right = _sum(values[i] for i in equation.rhs)
    where = equation.where_en if lang == "en" else equation.where
    return f"{equation.code} {where}: {shape.statements[lang][number]}: {left} ≠ {right}"


def sum_rule_findings(report: AnnualReport) -> list[Finding]:
    """Findings for every broken or unassessable sum rule of sections 三 and 四."""
    shape = _shape(report.edition, report.single_other_row)
    cells = report.cell_tuple()
    values = (*report.value_tuple(), 0)  # the trailing 0 pads single-operand getters
    broken: dict[int, Number] = {}
    unassessable: set[int] = set()
    findings: list[Finding] = []
    complete = None not in values
    for number, (left, right) in enumerate(shape.getters):
        lhs, rhs = left(values), right(values)
        if not complete and (None in lhs or None in rhs):
            findings.append(_not_assessable(number, shape, cells, lhs, rhs))
            unassessable.add(number)
            continue
        difference: Number = sum(lhs) - sum(rhs)  # type: ignore[arg-type]
        if difference:
            broken[number] = difference
    if not broken:
        return findings
    section_three = {n: r for n, r in broken.items() if shape.equations[n].code != _REVIEW_TOTAL}
    explained = _explain(section_three, unassessable, shape, values)
    for cell, expected, numbers in explained:
        findings.append(_wrong_cell(cell, expected, numbers, shape, cells, values))
    covered = {n for _, _, numbers in explained for n in numbers}
    for number, residual in broken.items():
        if number not in covered:
            findings.append(_broken_equation(number, residual, cells, values, shape))
    return findings


def _explain(
    broken: dict[int, Number],
    unassessable: set[int],
    shape: _Shape,
    values: Sequence[Number | None],
) -> list[tuple[int, Number, tuple[int, ...]]]:
    """Cells that together explain exactly the broken equations, if exactly one such set exists."""
    if len(broken) < 2:
        return []
    candidates: list[tuple[int, Number, frozenset[int]]] = []
    seen: set[int] = set()
    for number in broken:
        for cell in shape.equations[number].operands:
            if cell in seen:
                continue
            seen.add(cell)
            candidate = _candidate(cell, broken, unassessable, shape, values)
            if candidate is not None:
                candidates.append(candidate)
    covers = list(_exact_covers(frozenset(broken), candidates, (), limit=2))
    if len(covers) != 1:
        return []
    return [(cell, expected, tuple(sorted(eqs))) for cell, expected, eqs in covers[0]]


def _candidate(
    cell: int,
    broken: dict[int, Number],
    unassessable: set[int],
    shape: _Shape,
    values: Sequence[Number | None],
) -> tuple[int, Number, frozenset[int]] | None:
    # Only equations that could be assessed speak for or against the cell.
    assessable = [n for n in shape.membership.get(cell, ()) if n not in unassessable]
    if len(assessable) < 2 or any(n not in broken for n in assessable):
        return None
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
    cells: Sequence[Cell],
    values: Sequence[Number | None],
) -> Finding:
    spec = shape.template[cell]
    equations = [shape.equations[n] for n in numbers]
    others = sorted({i for eq in equations for i in eq.operands if i != cell})
    actual = values[cell]
    return Finding(
        code=_WRONG_CELL,
        severity=Severity.INCONSISTENCY,
        message=(
            f"「{short_label(spec)}」印为 {actual}，应为 {expected}："
            f"该值同时满足 {len(equations)} 条不成立的勾稽关系"
        ),
        message_en=(
            f"{spec.key} is printed as {actual}; {expected} would satisfy all "
            f"{len(equations)} broken sum rules it takes part in"
        ),
        cells=(spec.key, *(shape.template[i].key for i in others)),
        expected=expected,
        actual=actual,
        details=tuple(_broken_detail(n, shape, values, "zh") for n in numbers),
        details_en=tuple(_broken_detail(n, shape, values, "en") for n in numbers),
        source=cells[cell].provenance,
    )


_TITLES = {
    _BALANCE: ("勾稽关系不成立（第一项加第二项之和不等于第三项加第四项之和）", "balance broken"),
    _OUTCOMES: ("办理结果之和不等于（七）总计", "outcomes do not add up to the total"),
    _ROW_TOTAL: ("各类申请人之和不等于总计", "applicant columns do not add up to the total"),
    _REVIEW_TOTAL: ("各项结果之和不等于总计", "outcomes do not add up to the total"),
}


def _broken_equation(
    number: int,
    residual: Number,
    cells: Sequence[Cell],
    values: Sequence[Number | None],
    shape: _Shape,
) -> Finding:
    equation = shape.equations[number]
    zh, en = _TITLES[equation.code]
    first = equation.lhs[0]
    keys = tuple(shape.template[i].key for i in equation.operands)
    single_total = len(equation.lhs) == 1
    expected = _sum(values[i] for i in equation.rhs) if single_total else None
    return Finding(
        code=equation.code,
        severity=Severity.INCONSISTENCY,
        message=f"{equation.where}{zh}（相差 {residual}）",
        message_en=f"{equation.where_en}: {en} (off by {residual})",
        cells=keys,
        expected=expected,
        actual=values[first] if single_total else None,
        details=(_broken_detail(number, shape, values, "zh"),),
        details_en=(_broken_detail(number, shape, values, "en"),),
        source=cells[first].provenance,
    )


def _not_assessable(
    number: int,
    shape: _Shape,
    cells: Sequence[Cell],
    lhs: tuple[Number | None, ...],
    rhs: tuple[Number | None, ...],
) -> Finding:
    """``lhs`` and ``rhs``: the operands' values as the getters fetch them (a single operand
    padded with a constant 0, which changes neither the sum nor what is missing)."""
    equation = shape.equations[number]
    # filter(None) drops blanks (and zeros, which do not change a sum) in C.
    holds = sum(filter(None, lhs)) == sum(filter(None, rhs))  # type: ignore[arg-type]
    present = (*lhs[: len(equation.lhs)], *rhs[: len(equation.rhs)])
    missing = tuple(itertools.compress(equation.operands, map(operator.is_, present, _NONES)))
    states = frozenset([cells[i].state for i in missing])
    message, message_en, keys = _not_assessable_texts(shape, number, missing, holds, states)
    return Finding(
        code=NOT_ASSESSABLE,
        severity=Severity.INFO,
        message=message,
        message_en=message_en,
        cells=keys,
        details=(shape.statements["zh"][number],),
        details_en=(shape.statements["en"][number],),
        rule=equation.code,
        source=cells[missing[0]].provenance,
    )


_NONES = itertools.repeat(None)


@functools.lru_cache(maxsize=4096)
def _not_assessable_texts(
    shape: _Shape, number: int, missing: tuple[int, ...], holds: bool, states: frozenset[CellState]
) -> tuple[str, str, tuple[str, ...]]:
    # Reports with blank cells repeat the same few patterns: word each pattern once.
    equation = shape.equations[number]
    present = [i for i in equation.operands if i not in missing]
    zh_if = "若空白视为 0 则成立" if holds else "即使空白视为 0 也不成立"
    en_if = "holds if blanks mean 0" if holds else "fails even if blanks mean 0"
    return (
        f"{equation.where}无法核对 {equation.code}：{len(missing)} 个单元格无数值；{zh_if}",
        f"{equation.where_en}: {equation.code} not assessable, {len(missing)} cell(s) "
        f"without a number ({', '.join(sorted(state.value for state in states))}); {en_if}",
        tuple(shape.template[i].key for i in (*missing, *present)),
    )
