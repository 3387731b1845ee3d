"""Plain reports for examples and tests, without Hypothesis."""

from __future__ import annotations

from ..model import AnnualReport, Edition, ReportMeta, build_report, template_cells
from ..values import parse_cell_text

__all__ = ["uniform_report"]


def uniform_report(
    edition: Edition | str,
    text: str = "0",
    *,
    agency: str | None = None,
    year: int | None = None,
    single_other_row: bool = False,
) -> AnnualReport:
    """A report whose every template cell is printed as ``text`` (``"0"``: consistent)."""
    cells = {
        spec.key: parse_cell_text(text, spec.kind)
        for spec in template_cells(edition, single_other_row=single_other_row)
    }
    return build_report(edition, cells, meta=ReportMeta(agency=agency, year=year))[0]
