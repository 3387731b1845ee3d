from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest

import govinfo_report as gr
from govinfo_report.cli import main
from govinfo_report.plugins import registry
from govinfo_report.testing import ReaderContract, WriterRoundTrip

DATA = Path(__file__).parent / "data"


class TestXlsxReader(ReaderContract):
    reader_name = "xlsx"
    samples: ClassVar[list[tuple[Path, Path | dict[str, Any]]]] = [
        (DATA / "sample.xlsx", DATA / "sample.cells.json"),
        (DATA / "merged.xlsx", DATA / "sample.cells.json"),
    ]


class TestXlsxWriter(WriterRoundTrip):
    writer_name = "xlsx"
    reader_name = "xlsx"


def test_installed_through_the_entry_point() -> None:
    plugin = registry().plugins["xlsx"]
    assert not plugin.builtin and plugin.version == "0.1.0"
    assert plugin.readers == ("xlsx",) and plugin.writers == ("xlsx",)


def test_cli_round_trip_is_exact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "r.xlsx"
    assert (
        main(["convert", str(DATA / "sample.cells.json"), "--to", "xlsx", "-o", str(workbook)]) == 0
    )
    assert main(["convert", str(workbook), "--to", "cells"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == json.loads((DATA / "sample.cells.json").read_text(encoding="utf-8"))


def test_binary_output_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(DATA / "sample.cells.json"), "--to", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err


def test_a_damaged_workbook_raises_the_documented_error() -> None:
    data = (DATA / "sample.xlsx").read_bytes()[:500]
    with pytest.raises(gr.ReportReadError) as error:
        gr.read(data, name="damaged.xlsx")
    assert error.value.source == "damaged.xlsx"


def test_a_zip_bomb_is_refused() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x>" + b" " * 5_000_000 + b"</x>")
    with pytest.raises(gr.ReportReadError, match="zip bomb"):
        gr.read(buffer.getvalue(), name="bomb.xlsx")


@pytest.mark.parametrize("name", ["xlsx-far-corners", "xlsx-whole-sheet-merge"])
def test_a_sheet_that_spans_the_whole_grid_is_refused_before_it_is_built(name: str) -> None:
    # A1 and XFD1048576 (10^10 positions to walk), or one merge over the whole sheet (openpyxl
    # would create an object for every covered cell): refused from the sheet XML, in a child
    # process under a memory cap whose peak memory stays small.
    from govinfo_report.testing.bombs import LIMIT_NAMED, read_in_child

    result = read_in_child(name)
    assert str(result["outcome"]).startswith("refused"), result
    assert LIMIT_NAMED[name] == "max_table_cells" and "max_table_cells" in result["outcome"]
    assert result["peak_mb"] < 1024, result


def test_sheet_limits_use_the_cells_present_not_the_claimed_dimension() -> None:
    from govinfo_report.limits import Limits
    from govinfo_report.testing.bombs import xlsx_workbook

    cells = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c>'
        b'<c r="B%d"><v>%d</v></c></row>' % (r, r, r, r)
        for r in range(1, 51)
    )
    lying = xlsx_workbook(cells, dimension="A1:XFD1048576")
    # Within the default limits the sheet is read to the end (and, holding no template, refused as
    # not a report); a limit that the 100 present cells exceed refuses it by the limit's name.
    with pytest.raises(gr.ReportReadError, match="not a government information disclosure"):
        gr.read(lying, name="ok.xlsx")
    with pytest.raises(gr.ReportReadError, match="max_table_cells"):
        gr.read(lying, name="small.xlsx", limits=Limits(max_table_cells=50))
