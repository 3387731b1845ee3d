"""The command as a new user meets it: mistakes are refused with exit 2, never silently accepted,
and messages in Chinese read as Chinese."""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from pathlib import Path

import pytest

import govinfo_report as gr
from govinfo_report.cli import _parser, main
from govinfo_report.model import ReportMeta
from govinfo_report.testing import uniform_report

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample-2023.cells.json"
TEXT_SAMPLE = REPO / "examples" / "sample-2023.txt"
PDF = REPO / "tests" / "fixtures" / "lo-2021.pdf"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def wrong_report(
    tmp_path: Path, agency: str | None = "测试镇人民政府", year: int | None = 2022
) -> Path:
    cells = uniform_report("2021").cell_map()
    cells["applications.granted.natural_person"] = gr.parse_cell_text("4")
    report, _ = gr.build_report("2021", cells, meta=ReportMeta(agency=agency, year=year))
    path = tmp_path / "bad.cells.json"
    path.write_text(json.dumps(gr.to_cells(report), ensure_ascii=False), encoding="utf-8")
    return path


# ---- --select / --ignore


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_a_code_that_matches_nothing_is_a_usage_error(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "validate", str(SAMPLE), option, "aply")
    assert status == 2 and out == ""
    assert "'aply'" in err and "apply" in err  # names the typo and the real prefixes
    assert run(capsys, "validate", str(SAMPLE), option, "apply,series.carry_over")[0] == 0


# ---- convert: the output's ending chooses the writer


def test_convert_infers_the_writer_from_the_output_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.docx"
    assert run(capsys, "convert", str(TEXT_SAMPLE), "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(b"PK")
    assert gr.read(target).reader == "docx"
    cells = tmp_path / "out.cells.json"
    assert run(capsys, "convert", str(TEXT_SAMPLE), "-o", str(cells))[0] == 0
    assert "schema_version" not in json.loads(cells.read_text(encoding="utf-8"))
    whole = tmp_path / "out.json"
    assert run(capsys, "convert", str(TEXT_SAMPLE), "-o", str(whole))[0] == 0
    assert json.loads(whole.read_text(encoding="utf-8"))["schema_version"] == 1


def test_convert_refuses_a_suffix_that_contradicts_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.docx"
    status, _, err = run(capsys, "convert", str(TEXT_SAMPLE), "--to", "json", "-o", str(target))
    assert status == 2 and not target.exists()
    assert "docx" in err and "--to" in err
    # an ending that names no format is fine with an explicit --to, and an error without one
    assert (
        run(capsys, "convert", str(TEXT_SAMPLE), "--to", "json", "-o", str(tmp_path / "a.out"))[0]
        == 0
    )
    status, _, err = run(capsys, "convert", str(TEXT_SAMPLE), "-o", str(tmp_path / "b.out"))
    assert status == 2 and "--to" in err and ".docx (docx)" in err


def test_convert_of_a_report_with_errors_says_so_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "convert", str(wrong_report(tmp_path)), "--to", "cells")
    assert status == 0 and json.loads(out)
    assert "错误或不一致" in err and "govinfo-report validate" in err
    status, _, err = run(capsys, "convert", str(SAMPLE), "--to", "cells")
    assert status == 0 and "错误或不一致" not in err


# ---- standard input


def test_dash_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def stdin(data: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))

    stdin(PDF.read_bytes())  # sniffed by its magic bytes
    status, out, _ = run(capsys, "convert", "-", "--to", "cells")
    assert status == 0
    assert json.loads(out) == gr.to_cells(gr.read(PDF).report)
    stdin(TEXT_SAMPLE.read_bytes())  # plain text: --name says what it is
    status, out, _ = run(capsys, "validate", "-", "--name", "report.txt")
    assert status == 0 and out.startswith("report.txt：示例县人民政府 2023 年度")
    stdin(SAMPLE.read_bytes())
    status, out, _ = run(capsys, "validate", "-", "--format", "json")
    assert status == 0 and json.loads(out)["reports"][0]["source"] == "<stdin>"
    stdin(PDF.read_bytes())
    status, out, _ = run(capsys, "explain", "-")
    assert status == 0 and "chosen: pdf" in out


# ---- help


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = _parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_help_of_convert_lists_readers_and_writers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    registry = gr.plugins.registry() if hasattr(gr, "plugins") else None
    from govinfo_report.plugins import registry as current

    registry = current()
    assert ", ".join(sorted(registry.writers)) in text
    assert ", ".join(sorted(registry.readers)) in text


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_every_option_has_help(command: str) -> None:
    sub = _subparsers()[command]
    for action in sub._actions:
        assert action.help, f"{command}: {action.dest} has no help text"


# ---- places and messages


def test_places_are_counted_from_1_in_json_as_in_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "r.html"
    page.write_bytes(gr.write(gr.read(wrong_report(tmp_path)).report, "html"))
    _, out, _ = run(capsys, "validate", str(page), "--format", "json")
    findings = json.loads(out)["reports"][0]["findings"]
    _, text, _ = run(capsys, "validate", str(page), "--lang", "en")
    placed = [f for f in findings if f.get("source") and f["source"].get("row") is not None]
    assert placed, "a finding with a table place"
    source = placed[0]["source"]
    assert min(source["table"], source["row"], source["column"]) >= 1
    assert f"(table {source['table']}, row {source['row']}, column {source['column']})" in text
    python_place = gr.read(page).report.cell(placed[0]["cells"][0]).provenance
    assert python_place is not None and python_place.row == source["row"] - 1


def test_chinese_output_has_no_english_fragments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = wrong_report(tmp_path, agency=None, year=None)
    status, out, _ = run(capsys, "validate", str(path))
    assert status == 1
    assert "None" not in out and "? ?" not in out
    assert "（机关名称不明）" in out and "（年度不明）" in out
    assert not re.search(r"\b(edition|table|row|column|error|inconsistency|warning|info)\b", out)
    assert "「（一）予以公开·自然人」" in out  # the suspected cell by its labels
    status, _, err = run(capsys, "validate", str(tmp_path / "missing.txt"))
    assert status == 2 and "文件不存在" in err and "no such file" not in err
    status, _, err = run(capsys, "convert", str(SAMPLE), "--to", "docx")
    assert status == 2 and "binary" not in err and "-o" in err


def test_long_equations_are_short_unless_verbose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cells = uniform_report("2021", "1").cell_map()
    cells["applications.outcome_total.natural_person"] = gr.parse_cell_text("30")
    cells["applications.granted.natural_person"] = gr.parse_cell_text("5")
    report, _ = gr.build_report("2021", cells, meta=ReportMeta(agency="测试镇", year=2022))
    path = tmp_path / "r.cells.json"
    path.write_text(json.dumps(gr.to_cells(report), ensure_ascii=False), encoding="utf-8")
    _, short, _ = run(capsys, "validate", str(path))
    _, full, _ = run(capsys, "validate", str(path), "--verbose")
    assert max(len(line) for line in short.splitlines()) < 200
    assert max(len(line) for line in full.splitlines()) > 200
    assert "--verbose" in short
    assert re.search(r"「（七）总计·自然人」\d+，各项之和 \d+（完整算式见 --verbose）", short), (
        short
    )


def test_warnings_show_no_library_source_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.metadata

    from govinfo_report import hookspecs, plugins

    point = importlib.metadata.EntryPoint("crash", "no_such_module_anywhere", hookspecs.PROJECT)
    monkeypatch.setattr(plugins, "_entry_points", lambda: [point])
    previous = plugins.reset_registry(None)
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("always")
            status, _, err = run(capsys, "plugins")
    finally:
        plugins.reset_registry(previous)
    assert status == 0
    assert "govinfo-report: warning: govinfo_report plugin 'crash' failed to load" in err
    assert "warn" not in err.replace("warning:", "") and ".py" not in err


def test_series_messages_use_the_template_labels(tmp_path: Path) -> None:
    reports = []
    for year, carried_out, carried_in, in_force in ((2021, "2", "0", "5"), (2022, "0", "3", "9")):
        cells = uniform_report("2021", "0").cell_map()
        for column in ("natural_person", "total"):
            cells[f"applications.carried_out.{column}"] = gr.parse_cell_text(carried_out)
            cells[f"applications.carried_in.{column}"] = gr.parse_cell_text(carried_in)
        cells["active.rules.in_force"] = gr.parse_cell_text(in_force)
        report, _ = gr.build_report("2021", cells, meta=ReportMeta(agency="测试镇", year=year))
        reports.append(report)
    messages = [f.message for f in gr.validate_series(reports)]
    joined = "\n".join(messages)
    assert "「上年结转」（自然人）为 3" in joined, joined
    assert "「规章·现行有效件数」为 9" in joined, joined
    assert not re.search(r"[a-z_]{4,}", joined), joined


def test_no_python_none_in_the_edition_decision() -> None:
    text = "二、主动公开政府信息情况\n规章\t1\t0\t5\n"
    result = gr.read(text=text, name="noyear.txt")
    messages = [f.message for f in result.findings if f.code == "read.edition"]
    assert messages and all("None" not in m for m in messages)


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_version_and_help_import_nothing_heavy(argv: list[str]) -> None:
    import subprocess

    code = (
        "import sys\nfrom govinfo_report.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "heavy = ('attrs', 'cattrs', 'pluggy', 'lxml', 'govinfo_report.validation', "
        "'govinfo_report.plugins', 'importlib.metadata')\n"
        "print([name for name in heavy if name in sys.modules], file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
    assert run.stderr.strip().splitlines()[-1] == "[]"
    assert "govinfo-report" in run.stdout


def test_batch_exit_status_for_unreadable_files_is_a_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "good.cells.json").write_bytes(SAMPLE.read_bytes())
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    statuses = {}
    for choice in ("fail", "findings", "ignore"):
        argv = ["batch", str(folder), "--db", str(tmp_path / f"{choice}.sqlite"), "--workers", "1"]
        statuses[choice] = main([*argv, "--format", "json", "--unreadable", choice])
        assert json.loads(capsys.readouterr().out)["errors"] == 1
    assert statuses == {"fail": 2, "findings": 1, "ignore": 0}
    assert main(["batch", str(folder), "--db", str(tmp_path / "d.sqlite"), "--workers", "1"]) == 2


def test_rollup_and_baseline_lines_in_chinese_hold_no_english_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = REPO / "examples" / "reports"
    parent, unit = str(reports / "2022.html"), str(reports / "2021.docx")
    status, out, _ = run(capsys, "rollup", parent, unit)
    assert "rollup.unit_skipped" in out and "：提示 rollup.unit_skipped" in out
    assert not re.search(r"\b(error|inconsistency|warning|info)\b", out)
    status, out, _ = run(capsys, "rollup", parent, unit, "--lang", "en")
    assert ": info rollup.unit_skipped" in out
    baseline = tmp_path / "baseline.json"
    status, _, err = run(capsys, "validate", str(SAMPLE), "--baseline", str(baseline))
    assert status == 0 and f"基线：0 项问题已记录在 {baseline}" in err
    baseline.unlink()
    _, _, err = run(capsys, "validate", str(SAMPLE), "--baseline", str(baseline), "--lang", "en")
    assert "finding(s) recorded in" in err


def test_usage_errors_in_chinese_are_worded_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        (["validate", str(SAMPLE), "--select", "aply,foo"], "no finding code", "'aply'、'foo'"),
        (["convert", str(TEXT_SAMPLE), "-o", str(tmp_path / "x.xyz")], "cannot tell", ".docx"),
        (["convert", str(TEXT_SAMPLE), "-o", "x.docx", "--to", "json"], "has the ending", "--to"),
        (["convert", str(TEXT_SAMPLE), "--to", "nope"], "no writer named", "'nope'"),
        (["rollup"], "needs PARENT", "PARENT"),
    ]
    for argv, english, kept in cases:
        status, out, err = run(capsys, *argv)
        assert status == 2 and out == "", argv
        assert err.startswith("govinfo-report：") and kept in err, err
        assert english not in err and re.search(r"[\u4e00-\u9fff]{4}", err), err
        status, _, err = run(capsys, *argv, "--lang", "en")
        assert status == 2 and english in err, err
