"""Hypothesis strategies for reports and series that are valid by construction.

Nothing is filtered with ``assume``: the parts are drawn and the totals computed. Section 三 is drawn
the way applications flow: received and carried-in per applicant column, a carried-out share of what
was on hand, and the processed rest distributed over the outcome rows; every 总计 is the sum.

    from govinfo_report.testing.strategies import reports, series

    @given(reports())
    def test_my_writer(report): ...
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from hypothesis import strategies as st

from ..model import (
    APPLICANT_COLUMNS,
    AnnualReport,
    Edition,
    ReportMeta,
    build_report,
    edition_for_year,
    template_cells,
)
from ..values import Cell, CellKind, CellState, Number

__all__ = ["AGENCIES", "money", "reports", "series"]

AGENCIES = (
    "示例县人民政府",
    "某某市生态环境局",
    "样本区人民政府办公室",
    "测试镇人民政府",
    "虚拟市交通运输局",
)
"""Invented agency names used when none is given."""

_COMPONENTS = APPLICANT_COLUMNS[:-1]
_OUTCOME_ROWS_2019 = tuple(
    spec.key.removeprefix("applications.").removesuffix(".total")
    for spec in template_cells(Edition.E2019)
    if spec.key.startswith("applications.") and spec.key.endswith(".total")
)[2:-2]
_OUTCOME_ROWS_2021 = tuple(
    spec.key.removeprefix("applications.").removesuffix(".total")
    for spec in template_cells(Edition.E2021)
    if spec.key.startswith("applications.") and spec.key.endswith(".total")
)[2:-2]


def _counts(high: int = 60) -> st.SearchStrategy[int]:
    # Real tables are mostly zeros; keep zero frequent so the 0-heavy cases are exercised.
    return st.one_of(st.just(0), st.integers(0, high))


def money(max_places: int = 4) -> st.SearchStrategy[Decimal]:
    """Non-negative decimal amounts with at most ``max_places`` decimals, as published."""
    return st.builds(
        lambda units, places: Decimal(units).scaleb(-places),
        st.integers(0, 10**8),
        st.integers(0, max_places),
    )


def _split(draw: st.DrawFn, amount: int, parts: int) -> list[int]:
    """``amount`` as ``parts`` non-negative integers, concentrated on a few of them."""
    shares = [0] * parts
    if amount == 0:
        return shares
    chosen = draw(st.lists(st.integers(0, parts - 1), min_size=1, max_size=3))
    remaining = amount
    for index in chosen[:-1]:
        piece = draw(st.integers(0, remaining))
        shares[index] += piece
        remaining -= piece
    shares[chosen[-1]] += remaining
    return shares


def _applications(
    draw: st.DrawFn, outcome_rows: tuple[str, ...], carried_in: Mapping[str, int] | None
) -> dict[str, int]:
    values: dict[str, int] = {}
    for column in _COMPONENTS:
        received = draw(_counts())
        brought = carried_in[column] if carried_in is not None else draw(_counts(10))
        on_hand = received + brought
        carried_out = draw(st.integers(0, min(on_hand, 15))) if on_hand else 0
        processed = on_hand - carried_out
        values[f"received.{column}"] = received
        values[f"carried_in.{column}"] = brought
        values[f"carried_out.{column}"] = carried_out
        values[f"total.{column}"] = processed
        for row, share in zip(
            outcome_rows, _split(draw, processed, len(outcome_rows)), strict=True
        ):
            values[f"{row}.{column}"] = share
    for row in ("received", "carried_in", *outcome_rows, "total", "carried_out"):
        values[f"{row}.total"] = sum(values[f"{row}.{c}"] for c in _COMPONENTS)
    return {f"applications.{key}": value for key, value in values.items()}


def _reviews(draw: st.DrawFn) -> dict[str, int]:
    values: dict[str, int] = {}
    for group in ("review", "litigation_direct", "litigation_after_review"):
        parts = [draw(_counts(20)) for _ in range(4)]
        for column, value in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            values[f"reviews.{group}.{column}"] = value
        values[f"reviews.{group}.total"] = sum(parts)
    return values


def _active(draw: st.DrawFn, edition: Edition, previous: AnnualReport | None) -> dict[str, Number]:
    """Section 二; carries stocks over from ``previous`` when it has the same edition."""
    carry = previous if previous is not None and previous.edition is edition else None

    def before(key: str) -> int:
        value = carry.cell(key).value if carry is not None else None
        return int(value) if value is not None else draw(_counts(500))

    values: dict[str, Number] = {}
    if edition is Edition.E2021:
        for row in ("rules", "normative_docs"):
            stock = before(f"active.{row}.in_force")
            issued = draw(_counts(40))
            repealed = draw(st.integers(0, stock + issued))
            values[f"active.{row}.issued"] = issued
            values[f"active.{row}.repealed"] = repealed
            values[f"active.{row}.in_force"] = stock + issued - repealed
        for row in ("licensing", "penalty", "coercion"):
            values[f"active.{row}.decisions"] = draw(_counts(5000))
        values["active.fees.amount"] = draw(money())
        return values
    for row in ("rules", "normative_docs"):
        published = draw(_counts(40))
        values[f"active.{row}.made"] = draw(_counts(40))
        values[f"active.{row}.published"] = published
        values[f"active.{row}.total_published"] = (
            before(f"active.{row}.total_published") + published
        )
    for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
        if carry is not None:
            items = int(carry.cell(f"active.{row}.prev_items").value or 0) + int(
                carry.cell(f"active.{row}.delta").value or 0
            )
        else:
            items = draw(_counts(300))
        values[f"active.{row}.prev_items"] = items
        values[f"active.{row}.delta"] = draw(st.integers(-items, 60))
        if row != "fees":
            values[f"active.{row}.decisions"] = draw(_counts(5000))
    values["active.procurement.projects"] = draw(_counts(50))
    values["active.procurement.amount"] = draw(money())
    return values


def _cell(value: Number, kind: CellKind) -> Cell:
    if kind is CellKind.MONEY and not isinstance(value, Decimal):
        value = Decimal(value)
    text = f"+{value}" if kind is CellKind.SIGNED and value > 0 else str(value)
    return Cell(CellState.NUMBER, value=value, raw=text)


def _assemble(
    edition: Edition,
    values: Mapping[str, Number],
    meta: ReportMeta,
    single_other_row: bool,
) -> AnnualReport:
    kinds = {s.key: s.kind for s in template_cells(edition, single_other_row=single_other_row)}
    cells = {key: _cell(value, kinds[key]) for key, value in values.items()}
    report, leftover = build_report(edition, cells, meta=meta)
    assert not leftover, leftover
    return report


def _fold_other_rows(values: dict[str, Number]) -> dict[str, Number]:
    """Print （六）其他处理 as one row: the three 2021 sub-rows summed per column."""
    folded = {k: v for k, v in values.items() if not k.startswith("applications.other.")}
    for column in APPLICANT_COLUMNS:
        folded[f"applications.other.{column}"] = sum(
            values[f"applications.other.{sub}.{column}"]
            for sub in ("overdue_correction", "overdue_fee", "misc")
        )
    return folded


@st.composite
def _report(
    draw: st.DrawFn,
    edition: Edition | None,
    year: int | None,
    agency: str | None,
    single_other_row: bool | None,
    previous: AnnualReport | None = None,
) -> AnnualReport:
    if year is None:
        if edition is Edition.E2019:
            year = draw(st.integers(2019, 2020))
        elif edition is Edition.E2021:
            year = draw(st.integers(2021, 2026))
        else:
            year = draw(st.integers(2019, 2026))
    edition = edition or edition_for_year(year)
    agency = agency or draw(st.sampled_from(AGENCIES))
    outcome_rows = _OUTCOME_ROWS_2019 if edition is Edition.E2019 else _OUTCOME_ROWS_2021
    carried_in = None
    if previous is not None:
        carried_in = {
            c: int(previous.cell(f"applications.carried_out.{c}").value or 0) for c in _COMPONENTS
        }
    values: dict[str, Number] = {
        **_active(draw, edition, previous),
        **_applications(draw, outcome_rows, carried_in),
        **_reviews(draw),
    }
    single = False
    if edition is Edition.E2021:
        single = draw(st.booleans()) if single_other_row is None else single_other_row
        if single:
            values = _fold_other_rows(values)
    meta = ReportMeta(agency=agency, year=year, title=f"{agency}{year}年政府信息公开工作年度报告")
    return _assemble(edition, values, meta, single)


def reports(
    edition: Edition | str | None = None,
    *,
    year: int | None = None,
    agency: str | None = None,
    single_other_row: bool | None = False,
) -> st.SearchStrategy[AnnualReport]:
    """Consistent reports: every hard rule holds, every cell is a number.

    ``edition`` and ``year`` default to a drawn year and the edition in force then.
    ``single_other_row``: for 2021, ``True`` prints （六）其他处理 as one row, ``None`` draws it.
    """
    chosen = Edition(edition) if edition is not None else None
    return _report(chosen, year, agency, single_other_row)


@st.composite
def series(
    draw: st.DrawFn,
    *,
    agency: str | None = None,
    min_years: int = 2,
    max_years: int = 4,
    first_year: int | None = None,
) -> list[AnnualReport]:
    """Consecutive yearly reports of one agency whose carry-overs (C1-C4) all hold.

    Series may cross the 2020→2021 edition change, where only the carry-over of section 三 applies.
    """
    agency = agency or draw(st.sampled_from(AGENCIES))
    count = draw(st.integers(min_years, max_years))
    start = first_year if first_year is not None else draw(st.integers(2019, 2026 - count + 1))
    result: list[AnnualReport] = []
    previous: AnnualReport | None = None
    for year in range(start, start + count):
        report = draw(_report(None, year, agency, False, previous))
        result.append(report)
        previous = report
    return result
