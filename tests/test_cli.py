from __future__ import annotations

import json
from pathlib import Path

import pytest

from govinfo_report import build_report, parse_cell_text, to_cells
from govinfo_report.cli import main
from govinfo_report.model import ReportMeta
from govinfo_report.testing import uniform_report

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample-2023.cells.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def write_cells(path: Path, agency: str, year: int, **overrides: str) -> Path:
    edition = "2019" if year <= 2020 else "2021"
    cells = uniform_report(edition).cell_map()
    for key, text in overrides.items():
        cells[key.replace("__", ".")] = parse_cell_text(text)
    report, _ = build_report(edition, cells, meta=ReportMeta(agency=agency, year=year))
    path.write_text(json.dumps(to_cells(report), ensure_ascii=False), encoding="utf-8")
    return path


def test_sample_validates_clean(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", str(SAMPLE))
    assert status == 0
    assert "示例县人民政府 2023" in out


def test_convert_to_cells_and_json_and_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = run(capsys, "convert", str(SAMPLE), "--to", "cells")
    assert status == 0
    assert json.loads(out) == json.loads(SAMPLE.read_text(encoding="utf-8"))
    target = tmp_path / "r.json"
    assert run(capsys, "convert", str(SAMPLE), "--to", "json", "-o", str(target))[0] == 0
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 1
    status, out, _ = run(capsys, "convert", str(target), "--to", "cells")
    assert json.loads(out) == json.loads(SAMPLE.read_text(encoding="utf-8"))


def test_wrong_cell_gives_exit_1_and_names_the_cell(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_cells(
        tmp_path / "bad.cells.json",
        "测试镇人民政府",
        2022,
        applications__granted__natural_person="4",
    )
    status, out, _ = run(capsys, "validate", str(path), "--format", "json", "--lang", "en")
    assert status == 1
    [entry] = json.loads(out)["reports"]
    assert set(entry) >= {"source", "edition", "year", "agency", "findings"}
    wrong = [f for f in entry["findings"] if f["code"] == "apply.wrong_cell"]
    assert wrong[0]["cells"][0] == "applications.granted.natural_person"
    assert wrong[0]["expected"] == 0 and wrong[0]["severity"] == "inconsistency"
    status, out, _ = run(capsys, "validate", str(path), "--lang", "en")
    assert "inconsistency apply.wrong_cell" in out
    assert "suspected cell: applications.granted.natural_person expected 0" in out


def test_several_reports_of_one_agency_are_checked_as_a_series(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = write_cells(
        tmp_path / "a.cells.json",
        "测试镇人民政府",
        2020,
        applications__carried_out__natural_person="2",
        applications__carried_out__total="2",
        applications__received__natural_person="2",
        applications__received__total="2",
    )
    second = write_cells(tmp_path / "b.cells.json", "测试镇人民政府", 2021)
    status, out, _ = run(capsys, "validate", str(first), str(second), "--format", "json")
    assert status == 1
    reports = json.loads(out)["reports"]
    carry = [f for f in reports[1]["findings"] if f["code"] == "series.carry_over"]
    assert {tuple(f["cells"][:1]) for f in carry} == {
        ("applications.carried_in.natural_person",),
        ("applications.carried_in.total",),
    }
    assert all(f["year"] == 2021 and f["related_year"] == 2020 for f in carry)


def test_unreadable_input_and_bad_usage_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.cells.json"
    status, _, err = run(capsys, "validate", str(missing))
    assert status == 2 and "nope.cells.json" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    status, out, _ = run(capsys, "validate", str(SAMPLE), str(broken), "--format", "json")
    assert status == 2
    assert "error" in json.loads(out)["reports"][1]
    assert run(capsys, "validate")[0] == 2
    assert run(capsys, "convert", str(SAMPLE), "--to", "nonsense")[0] == 2
    assert run(capsys, "validate", str(SAMPLE), "--profile", "nope")[0] == 2


def test_plugins_schema_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "plugins", "--all", "--json")
    assert status == 0
    builtin = next(p for p in json.loads(out) if p["builtin"])
    assert {"json", "cells"} <= set(builtin["readers"]) and {"json", "cells"} <= set(
        builtin["writers"]
    )
    status, out, _ = run(capsys, "schema")
    assert json.loads(out)["properties"]["schema_version"] == {"const": 1}
    status, out, _ = run(capsys, "explain", str(SAMPLE))
    assert status == 0 and "chosen: cells" in out


@pytest.mark.parametrize("writer", ["html", "markdown", "csv", "json", "cells"])
def test_convert_a_pdf_to_every_text_format(
    writer: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = REPO / "tests" / "fixtures" / "lo-2021.pdf"
    assert main(["convert", str(pdf), "--to", writer]) == 0
    out = capsys.readouterr().out
    assert "127" in out  # （七）总计·总计 of the fixture


def test_convert_to_docx_needs_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = REPO / "tests" / "fixtures" / "lo-2021.pdf"
    assert main(["convert", str(pdf), "--to", "docx"]) == 2
    target = tmp_path / "r.docx"
    assert main(["convert", str(pdf), "--to", "docx", "-o", str(target)]) == 0
    import govinfo_report as gr

    assert gr.to_cells(gr.read(target).report) == gr.to_cells(gr.read(pdf).report)


def test_batch_summary_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = REPO / "examples" / "reports"
    assert (
        main(
            [
                "batch",
                str(reports),
                "--db",
                str(tmp_path / "c.sqlite"),
                "--format",
                "json",
                "--workers",
                "1",
            ]
        )
        == 1  # the samples carry a published error and a broken carry-over
    )
    summary = json.loads(capsys.readouterr().out)
    assert (summary["discovered"], summary["read"], summary["errors"]) == (3, 3, 0)
    assert (summary["failing_reports"], summary["failing_series"]) == (1, 2)


@pytest.mark.parametrize("command", ["validate", "explain", "convert"])
def test_a_closed_standard_output_is_one_line_and_exit_2(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    class ClosedBytes(io.BytesIO):  # the reader went away (| head) before anything was written
        def write(self, data: object) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    class Closed(io.StringIO):
        buffer = ClosedBytes()

        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("sys.stdout", Closed())
    status = main([command, str(REPO / "examples" / "reports" / "2023.txt")])
    err = capsys.readouterr().err
    assert status == 2 and "standard output was closed" in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
