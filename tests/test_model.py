from __future__ import annotations

import pytest

from govinfo_report import CellState, Edition, build_report, parse_cell_text, template_cells
from govinfo_report.model import (
    AnnualReport,
    Applications2019,
    ReportMeta,
)


def test_template_sizes_match_format_md() -> None:
    # 2021: 10 + 175 + 15; 2019: 22 + 161 + 15; 2021 with （六） as one row: 200 - 21 + 7
    assert len(template_cells("2021")) == 200
    assert len(template_cells("2019")) == 198
    assert len(template_cells("2021", single_other_row=True)) == 186
    for edition in ("2019", "2021"):
        keys = [c.key for c in template_cells(edition)]
        assert len(keys) == len(set(keys))


def test_keys_follow_format_md() -> None:
    keys = {c.key for c in template_cells("2021")}
    for key in (
        "active.rules.issued",
        "active.fees.amount",
        "applications.withheld.security_stability.total",
        "applications.other.overdue_fee.natural_person",
        "applications.carried_out.total",
        "reviews.litigation_after_review.pending",
    ):
        assert key in keys
    keys_2019 = {c.key for c in template_cells("2019")}
    assert "active.procurement.amount" in keys_2019
    assert "applications.other.total" in keys_2019
    assert "active.rules.issued" not in keys_2019


def test_labels_come_with_every_cell() -> None:
    cell = next(
        c for c in template_cells("2021") if c.key == "applications.withheld.state_secret.research"
    )
    assert cell.labels == (
        "三、收到和处理政府信息公开申请情况",
        "（三）不予公开",
        "1.属于国家秘密",
        "科研机构",
    )


def test_build_report_marks_absent_cells_and_returns_leftovers() -> None:
    report, leftover = build_report(
        "2021",
        {
            "applications.granted.total": parse_cell_text("5"),
            "applications.bogus.total": parse_cell_text("1"),
        },
        meta=ReportMeta(agency="测试镇人民政府", year=2022),
    )
    assert leftover == ["applications.bogus.total"]
    assert report.cell("applications.granted.total").value == 5
    assert report.cell("applications.granted.natural_person").state is CellState.ABSENT
    assert report.edition is Edition.E2021
    with pytest.raises(KeyError):
        report.cell("active.rules.made")


def test_single_other_row_is_chosen_from_the_cells() -> None:
    report, _ = build_report("2021", {"applications.other.total": parse_cell_text("1")})
    assert report.single_other_row
    assert report.cell("applications.other.total").value == 1
    assert len(list(report.cells())) == 186


def test_editions_cannot_be_mixed() -> None:
    r2021, _ = build_report("2021", {})
    r2019, _ = build_report("2019", {})
    assert isinstance(r2019.applications, Applications2019)
    with pytest.raises(TypeError):
        AnnualReport(
            meta=ReportMeta(),
            active=r2021.active,
            applications=r2019.applications,
            reviews=r2021.reviews,
        )


def test_cells_iterate_in_template_order() -> None:
    report, _ = build_report("2019", {})
    assert [spec.key for spec, _ in report.cells()] == [c.key for c in template_cells("2019")]
    assert list(report.cell_map()) == [c.key for c in template_cells("2019")]
