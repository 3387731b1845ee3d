"""Strategies and checks shared by this repository's tests (not part of the public kit)."""

from __future__ import annotations

from hypothesis import strategies as st

from govinfo_report import AnnualReport, build_report
from govinfo_report.testing.strategies import reports
from govinfo_report.values import CellKind, parse_cell_text

ODD_TEXTS = {
    CellKind.COUNT: st.sampled_from(
        ["", "/", "—", "无", "22（其中修订16件）", "见附件", "1,234", "7"]
    ),
    CellKind.SIGNED: st.sampled_from(["", "+8", "-3", "/"]),
    CellKind.MONEY: st.sampled_from(["", "2.70", "96171.6", "0.0001", "/"]),
}


@st.composite
def printed_reports(draw: st.DrawFn) -> AnnualReport:
    """Consistent reports, or reports with some cells replaced by wrong numbers, blanks, markers,
    annotations or text (section 四 keeps its numbers, as any printed table does)."""
    report = draw(reports(single_other_row=None))
    if draw(st.booleans()):
        return report
    cells = report.cell_map()
    specs = [s for s in report.template() if not s.key.startswith("reviews.")]
    for spec in draw(st.lists(st.sampled_from(specs), max_size=10, unique=True)):
        cells[spec.key] = parse_cell_text(draw(ODD_TEXTS[spec.kind]), spec.kind)
    return build_report(report.edition, cells, meta=report.meta)[0]


def assert_same_report(report: AnnualReport, back: AnnualReport) -> None:
    """``back`` (a report read back) has ``report``'s edition, agency, year, shape of （六）其他处理
    and every cell, each compared with its template key named on a mismatch."""
    assert back.edition is report.edition
    assert (back.meta.agency, back.meta.year) == (report.meta.agency, report.meta.year)
    assert back.single_other_row == report.single_other_row
    mismatched = [
        (spec.key, mine, theirs)
        for spec, mine, theirs in zip(
            report.template(), report.cell_tuple(), back.cell_tuple(), strict=True
        )
        if mine != theirs
    ]
    assert mismatched == []
