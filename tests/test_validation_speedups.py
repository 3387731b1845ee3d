"""The shortcuts validation takes for speed (sums compiled per shape, blank patterns and texts
remembered across reports) give the findings a direct reading of the rules gives."""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from govinfo_report import AnnualReport, Finding, Severity, validate
from govinfo_report.validation.arithmetic import equations_for
from strategies_local import printed_reports


def direct_not_assessable(report: AnnualReport) -> list[Finding]:
    """rule.not_assessable findings computed equation by equation, nothing remembered."""
    values, cells, template = report.value_tuple(), report.cell_tuple(), report.template()
    found = []
    for equation in equations_for(report):
        missing = [i for i in equation.operands if values[i] is None]
        if not missing:
            continue
        present = [i for i in equation.operands if values[i] is not None]
        holds = sum(values[i] or 0 for i in equation.lhs) == sum(
            values[i] or 0 for i in equation.rhs
        )
        kinds = ", ".join(sorted({cells[i].state.value for i in missing}))
        zh = "若空白视为 0 则成立" if holds else "即使空白视为 0 也不成立"
        en = "holds if blanks mean 0" if holds else "fails even if blanks mean 0"
        statement = equations_statement(template, equation)
        found.append(
            Finding(
                "rule.not_assessable",
                Severity.INFO,
                f"{equation.where}无法核对 {equation.code}：{len(missing)} 个单元格无数值；{zh}",
                f"{equation.where_en}: {equation.code} not assessable, {len(missing)} cell(s) "
                f"without a number ({kinds}); {en}",
                cells=tuple(template[i].key for i in (*missing, *present)),
                details=(statement[0],),
                details_en=(statement[1],),
                rule=equation.code,
                source=cells[missing[0]].provenance,
            )
        )
    return found


def equations_statement(template, equation) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    def side(indices: tuple[int, ...], lang: str) -> str:
        if lang == "en":
            return " + ".join(template[i].key.removeprefix("applications.") for i in indices)
        return " + ".join("·".join(template[i].labels[1:]) for i in indices)

    return tuple(  # type: ignore[return-value]
        f"{side(equation.lhs, lang)} = {side(equation.rhs, lang)}" for lang in ("zh", "en")
    )


@settings(max_examples=150)
@given(printed_reports())
def test_not_assessable_findings_are_those_of_a_direct_reading(report: AnnualReport) -> None:
    found = [f for f in validate(report) if f.code == "rule.not_assessable"]
    assert found == direct_not_assessable(report)


@settings(max_examples=60)
@given(st.lists(printed_reports(), min_size=2, max_size=6))
def test_findings_do_not_depend_on_what_was_validated_before(
    batch: list[AnnualReport],
) -> None:
    first = [validate(attrs.evolve(report)) for report in batch]
    again = [validate(attrs.evolve(report)) for report in reversed(batch)][::-1]
    assert first == again
