"""Regenerate the committed test workbooks: ``python tests/make_fixtures.py``.

``sample.xlsx`` is the writer's output for the library's bundled sample; ``merged.xlsx`` is the same
report laid out the way offices build it by hand, with merged label cells and a two-level header.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl

import govinfo_report as gr
from govinfo_report.layout import official_tables

HERE = Path(__file__).parent / "data"
SAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sample-2023.cells.json"


def merged_workbook(report: gr.AnnualReport) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append([f"{report.meta.agency}{report.meta.year}年政府信息公开工作年度报告"])
    values = {spec.key: cell for spec, cell in report.cells()}
    for table in official_tables(report, cell_text=lambda spec, cell: spec.key):
        sheet.append([table.title])
        start = sheet.max_row + 1
        for _index, row in enumerate(table.rows):
            cells = []
            for text in row:
                cell = values.get(text)
                if cell is None:
                    cells.append(text or None)
                else:
                    cells.append(cell.value if type(cell.value) is int else cell.text())
            sheet.append(cells)
        if table.section == "applications":
            # merge the vertical group labels the way the official .docx does
            outcome = next(
                r
                for r in range(start, sheet.max_row + 1)
                if sheet.cell(r, 1).value == "三、本年度办理结果"
            )
            total = next(
                r
                for r in range(start, sheet.max_row + 1)
                if str(sheet.cell(r, 2).value or "").endswith("总计")
            )
            sheet.merge_cells(start_row=outcome, start_column=1, end_row=total, end_column=1)
            for r in range(outcome, total + 1):
                group = sheet.cell(r, 2).value
                if group == "（三）不予公开":
                    sheet.merge_cells(start_row=r, start_column=2, end_row=r + 7, end_column=2)
    return workbook


def main() -> None:
    HERE.mkdir(exist_ok=True)
    report = gr.read(SAMPLE).report
    (HERE / "sample.xlsx").write_bytes(gr.write(report, "xlsx"))
    merged_workbook(report).save(HERE / "merged.xlsx")
    shutil.copy(SAMPLE, HERE / "sample.cells.json")
    json.loads((HERE / "sample.cells.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
