"""Regenerate the bundled sample reports: ``.venv/bin/python examples/make_examples.py``.

Three years of one invented agency whose carry-overs hold, each year in a different format, as a
corpus arrives: ``reports/2021.docx``, ``reports/2022.html``, ``reports/2023.txt``. All numbers are
drawn by the library's own strategies (deterministically); no real report is copied.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings

import govinfo_report as gr
from govinfo_report.testing.render import render_text
from govinfo_report.testing.strategies import series

HERE = Path(__file__).parent


def sample_series() -> list[gr.AnnualReport]:
    captured: list[list[gr.AnnualReport]] = []

    @settings(
        max_examples=1, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(series(agency="示例县人民政府", min_years=3, max_years=3, first_year=2021))
    def grab(reports: list[gr.AnnualReport]) -> None:
        captured.append(reports)

    grab()
    return captured[0]


def main() -> None:
    first, second, third = sample_series()
    folder = HERE / "reports"
    folder.mkdir(exist_ok=True)
    (folder / "2021.docx").write_bytes(gr.write(first, "docx"))
    (folder / "2022.html").write_bytes(gr.write(second, "html"))
    (folder / "2023.txt").write_text(render_text(third, "cell_per_line"), encoding="utf-8")


if __name__ == "__main__":
    main()
