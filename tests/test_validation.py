from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govinfo_report import (
    AnnualReport,
    Cell,
    CellState,
    Finding,
    Severity,
    build_report,
    validate,
    validate_series,
)
from govinfo_report.testing import uniform_report
from govinfo_report.testing.strategies import reports, series
from govinfo_report.validation import CodeInfo, ReportRule, builtin_catalogue
from govinfo_report.values import parse_cell_text

FAILING = (Severity.ERROR, Severity.INCONSISTENCY)


def with_cell(report: AnnualReport, key: str, cell: Cell) -> AnnualReport:
    cells = report.cell_map()
    cells[key] = cell
    rebuilt, leftover = build_report(
        report.edition, cells, meta=report.meta, narrative=report.narrative
    )
    assert not leftover
    return rebuilt


def failing(findings: list) -> list:
    return [f for f in findings if f.severity in FAILING]


@given(reports(single_other_row=None))
def test_valid_reports_have_no_error_or_inconsistency(report: AnnualReport) -> None:
    findings = validate(report)
    assert failing(findings) == []
    assert not [f for f in findings if f.code == "rule.not_assessable"]


@given(series(min_years=2, max_years=5))
def test_valid_series_have_no_error_or_inconsistency(reports_: list[AnnualReport]) -> None:
    assert failing(validate_series(reports_)) == []
    assert [f for f in validate_series(reports_) if f.severity is not Severity.INFO] == []


section_three_keys = st.shared(st.integers(0, 10**6), key="pick")


@given(reports(single_other_row=None), st.data())
def test_any_wrong_cell_of_section_three_is_named_with_its_expected_value(
    report: AnnualReport, data: st.DataObject
) -> None:
    keys = [spec.key for spec in report.template() if spec.key.startswith("applications.")]
    key = data.draw(st.sampled_from(keys), label="key")
    original = report.cell(key).value
    assert isinstance(original, int)
    delta = data.draw(st.integers(-original - 5, 50).filter(lambda d: d != 0), label="delta")
    mutated = with_cell(report, key, parse_cell_text(str(original + delta)))

    findings = validate(mutated)
    inconsistencies = [f for f in findings if f.severity is Severity.INCONSISTENCY]
    assert len(inconsistencies) == 1, [f.message_en for f in inconsistencies]
    finding = inconsistencies[0]
    assert finding.code == "apply.wrong_cell"
    assert finding.cells[0] == key
    assert finding.expected == original
    assert finding.actual == original + delta
    assert len(finding.details) >= 2  # the broken equations stay visible


@given(reports(), st.data())
def test_any_change_in_section_four_is_caught_in_its_group(
    report: AnnualReport, data: st.DataObject
) -> None:
    keys = [spec.key for spec in report.template() if spec.key.startswith("reviews.")]
    key = data.draw(st.sampled_from(keys))
    original = report.cell(key).value
    assert isinstance(original, int)
    delta = data.draw(st.integers(1, 30))
    mutated = with_cell(report, key, parse_cell_text(str(original + delta)))
    group = key.rsplit(".", 1)[0]
    [finding] = failing(validate(mutated))
    assert finding.code == "review.total"
    assert key in finding.cells
    assert all(cell.startswith(group + ".") for cell in finding.cells)
    assert finding.cells[0] == f"{group}.total"
    total = mutated.cell(f"{group}.total").value
    assert finding.actual == total
    assert finding.expected == sum(
        mutated.cell(f"{group}.{c}").value
        for c in ("upheld", "corrected", "other", "pending")  # type: ignore[misc]
    )


@given(series(min_years=2, max_years=4), st.data())
def test_any_broken_carry_over_is_named_with_column_and_both_years(
    reports_: list[AnnualReport], data: st.DataObject
) -> None:
    index = data.draw(st.integers(1, len(reports_) - 1))
    column = data.draw(
        st.sampled_from(
            [
                "natural_person",
                "commercial",
                "research",
                "social_welfare",
                "legal_service",
                "other_org",
                "total",
            ]
        )
    )
    key = f"applications.carried_in.{column}"
    report = reports_[index]
    original = report.cell(key).value
    assert isinstance(original, int)
    delta = data.draw(st.integers(1, 9))
    broken = list(reports_)
    broken[index] = with_cell(report, key, parse_cell_text(str(original + delta)))
    findings = [f for f in validate_series(broken) if f.code == "series.carry_over"]
    assert len(findings) == 1
    [finding] = findings
    assert finding.cells == (key, f"applications.carried_out.{column}")
    assert finding.year == report.meta.year
    assert finding.related_year == reports_[index - 1].meta.year
    assert finding.expected == original
    assert finding.actual == original + delta
    assert finding.agency == report.meta.agency


def test_blank_operand_is_not_assessable_never_a_pass_or_fail() -> None:
    cells = uniform_report("2021").cell_map()
    cells["applications.granted.total"] = parse_cell_text("")
    cells["applications.granted.natural_person"] = parse_cell_text("3")
    cells["applications.received.natural_person"] = parse_cell_text("3")
    cells["applications.received.total"] = parse_cell_text("3")
    cells["applications.total.natural_person"] = parse_cell_text("3")
    cells["applications.total.total"] = parse_cell_text("3")
    blank, _ = build_report("2021", cells)
    findings = validate(blank)
    assert failing(findings) == []
    not_assessable = [f for f in findings if f.code == "rule.not_assessable"]
    assert {f.rule for f in not_assessable} == {"apply.outcome_total", "apply.row_total"}
    assert all(f.cells[0] == "applications.granted.total" for f in not_assessable)
    row_rule = next(f for f in not_assessable if f.rule == "apply.row_total")
    assert "fails even if blanks mean 0" in row_rule.message_en
    assert any(f.code == "apply.total_blank" for f in findings)


def test_shape_domain_and_text_findings() -> None:
    cells = uniform_report("2019").cell_map()
    del cells["reviews.review.total"]
    cells["active.rules.made"] = parse_cell_text("-1")
    cells["active.licensing.delta"] = parse_cell_text("-4")
    cells["active.rules.published"] = parse_cell_text("见附件")
    report, _ = build_report("2019", cells)
    codes = {(f.code, f.cells[0]) for f in validate(report)}
    assert ("shape.missing_cell", "reviews.review.total") in codes
    assert ("cell.domain", "active.rules.made") in codes
    assert ("cell.text", "active.rules.published") in codes
    assert not any(
        c == "active.licensing.delta" for _, c in codes
    )  # a signed delta may be negative


def test_two_wrong_cells_in_one_row_fall_back_to_equations() -> None:
    cells = uniform_report("2021").cell_map()
    cells["applications.granted.natural_person"] = parse_cell_text("2")
    cells["applications.granted.commercial"] = parse_cell_text("2")
    report, _ = build_report("2021", cells)
    findings = failing(validate(report))
    assert {f.code for f in findings} <= {
        "apply.outcome_total",
        "apply.row_total",
        "apply.wrong_cell",
    }
    assert findings


def test_profiles_select_and_ignore() -> None:
    report, _ = build_report("2021", {})
    all_codes = {f.code for f in validate(report)}
    assert "shape.missing_cell" in all_codes
    assert "shape.missing_cell" not in {f.code for f in validate(report, ignore=["shape"])}
    assert {f.code for f in validate(report, select=["shape.missing_cell"])} == {
        "shape.missing_cell"
    }
    not_assessable = validate(report, select=["rule.not_assessable"])
    assert not_assessable
    assert not validate(report, select=["rule.not_assessable"], ignore=["apply", "review"])
    with pytest.raises(ValueError):
        validate(report, profile="paranoid")


def test_money_plausibility() -> None:
    cells = uniform_report("2021").cell_map()
    cells["active.fees.amount"] = parse_cell_text(
        "1.234567", kind=__import__("govinfo_report").CellKind.MONEY
    )
    report, _ = build_report("2021", cells)
    assert {f.code for f in validate(report)} == {"money.precision"}


def test_series_gap_duplicate_and_aliases() -> None:
    def make(agency: str, year: int, carried_out: int, carried_in: int) -> AnnualReport:
        edition = "2019" if year <= 2020 else "2021"
        cells = uniform_report(edition).cell_map()
        for key, value in (("carried_out", carried_out), ("carried_in", carried_in)):
            cells[f"applications.{key}.natural_person"] = parse_cell_text(str(value))
            cells[f"applications.{key}.total"] = parse_cell_text(str(value))
        from govinfo_report import ReportMeta

        return build_report(edition, cells, meta=ReportMeta(agency=agency, year=year))[0]

    reports_ = [make("旧名局", 2020, 4, 0), make("新名局", 2021, 0, 4), make("新名局", 2023, 0, 0)]
    without_alias = validate_series(reports_)
    assert not [f for f in without_alias if f.code == "series.gap" and f.year == 2021]
    with_alias = validate_series(reports_, aliases={"旧名局": "新名局"})
    assert not [f for f in with_alias if f.severity in FAILING]
    assert [f.related_year for f in with_alias if f.code == "series.gap"] == [2021]
    duplicate = validate_series(
        [*reports_, make("新名局", 2021, 0, 4)], aliases={"旧名局": "新名局"}
    )
    assert [f.year for f in duplicate if f.code == "series.duplicate_year"] == [2021]
    broken = validate_series([make("新名局", 2020, 4, 0), make("新名局", 2021, 0, 3)])
    assert {f.cells[0] for f in broken if f.code == "series.carry_over"} == {
        "applications.carried_in.natural_person",
        "applications.carried_in.total",
    }


def test_every_emitted_code_is_documented() -> None:
    documented = {info.code for info in builtin_catalogue().codes()}
    report, _ = build_report("2021", {})
    for finding in validate(report, profile="strict"):
        assert finding.code in documented
        if finding.rule:
            assert finding.rule in documented
    assert attrs.has(type(report))
    assert all(info.description and info.example for info in builtin_catalogue().codes())
    assert {c.state for c in report.cell_tuple()} == {CellState.ABSENT}


@pytest.mark.parametrize("profile", ["basic", "strict"])
def test_findings_a_rule_yields_from_a_generator_are_kept(profile: str) -> None:
    # The basic profile switches strict codes off, so findings are screened for them: a rule that
    # is a generator is read once, and none of its findings may be lost on the way.
    info = CodeInfo("local.generated", Severity.WARNING, "生成器", "generator", "A test rule.")

    def generated(report: AnnualReport) -> Iterator[Finding]:
        yield Finding(info.code, info.severity, "生成器", "generator")
        yield Finding(info.code, info.severity, "再一条", "another")

    catalogue = builtin_catalogue()
    catalogue.add(ReportRule("local.generated", (info,), generated))
    found = validate(uniform_report("2021"), profile=profile, catalogue=catalogue)
    assert [f.message_en for f in found if f.code == info.code] == ["generator", "another"]
