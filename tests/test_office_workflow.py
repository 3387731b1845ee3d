"""What office staff and newcomers meet first: the check page from the command line and the
bundled samples that show what the tool finds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import govinfo_report as gr
from govinfo_report.cli import main

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "examples" / "reports"
SAMPLE_FILES = ("2021.docx", "2022.html", "2023.txt")


def _wrong_report(tmp_path: Path) -> Path:
    report = gr.read(REPO / "examples" / "sample-2023.txt").report
    cells = report.cell_map()
    cells["applications.granted.natural_person"] = gr.parse_cell_text("23")
    wrong, _ = gr.build_report(report.edition, cells, meta=report.meta)
    path = tmp_path / "draft.json"
    path.write_text(gr.to_json(wrong), encoding="utf-8")
    return path


def test_validate_writes_the_check_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft, page = _wrong_report(tmp_path), tmp_path / "check.html"
    assert main(["validate", str(draft), "--html", str(page)]) == 1
    html = page.read_text(encoding="utf-8")
    assert 'class="finding inconsistency"' in html
    assert "apply.wrong_cell" in html
    assert str(page) in capsys.readouterr().err


def test_a_clean_report_gets_a_page_without_highlights(tmp_path: Path) -> None:
    page = tmp_path / "check.html"
    sample = REPO / "examples" / "sample-2023.txt"
    assert main(["validate", str(sample), "--html", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "示例县人民政府" in html and 'class="finding' not in html


def test_several_inputs_get_a_page_each_with_series_findings(tmp_path: Path) -> None:
    inputs = [str(SAMPLES / name) for name in SAMPLE_FILES]
    assert main(["validate", *inputs, "--html", str(tmp_path / "check.html")]) == 1
    pages = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("check.*.html")}
    assert sorted(pages) == ["check.2021.html", "check.2022.html", "check.2023.html"]
    assert 'class="finding' not in pages["check.2021.html"]
    assert "apply.wrong_cell" in pages["check.2022.html"]
    assert "series.carry_over" in pages["check.2023.html"]


def _sample_reports() -> list[gr.AnnualReport]:
    return [gr.read(SAMPLES / name).report for name in SAMPLE_FILES]


def test_samples_are_one_agency_over_three_years_with_numbers_in_every_section() -> None:
    reports = _sample_reports()
    assert {r.meta.agency for r in reports} == {"示例市生态环境局"}
    assert [r.meta.year for r in reports] == [2021, 2022, 2023]
    for report in reports:
        flat = gr.to_cells(report)["cells"]
        for section in ("active.", "applications.", "reviews."):
            nonzero = [k for k, v in flat.items() if k.startswith(section) and v not in (0, "0")]
            assert len(nonzero) >= 5, (report.meta.year, section)
        assert flat["applications.received.total"] > 100


def test_samples_carry_one_published_error_and_one_broken_carry_over() -> None:
    first, second, third = _sample_reports()
    assert [f for f in gr.validate(first) if f.severity.fails] == []
    [error] = [f for f in gr.validate(second) if f.severity.fails]
    assert (error.code, error.cells[0]) == (
        "apply.wrong_cell",
        "applications.granted.natural_person",
    )
    assert [f for f in gr.validate(third) if f.severity.fails] == []
    series = gr.validate_series([first, second, third])
    assert {(f.code, f.year, f.related_year) for f in series} == {("series.carry_over", 2023, 2022)}


def test_the_committed_samples_are_what_the_script_makes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_examples", REPO / "examples" / "make_examples.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path)
    for name in SAMPLE_FILES:
        made, committed = gr.read(tmp_path / name).report, gr.read(SAMPLES / name).report
        assert gr.to_cells(made) == gr.to_cells(committed), name
    assert (tmp_path / "2023.txt").read_bytes() == (SAMPLES / "2023.txt").read_bytes()
    assert (tmp_path / "2022.html").read_bytes() == (SAMPLES / "2022.html").read_bytes()


def test_the_readme_says_what_its_first_command_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- quickstart", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    first, _second = block.strip().splitlines()
    assert "batch examples/reports --db corpus.sqlite" in first
    database = str(tmp_path / "corpus.sqlite")
    assert main(["batch", str(SAMPLES), "--db", database, "--workers", "1"]) == 1
    capsys.readouterr()
    printed = ""
    codes: dict[str, set[str]] = {}
    for table in ("findings", "series_findings"):
        assert main(["export", "--db", database, "--table", table]) == 0
        out = capsys.readouterr().out
        printed += out
        codes[table] = {
            row.split(",")[4 if table == "series_findings" else 1] for row in out.splitlines()[1:]
        }
    # what the samples are for and nothing else: no warning a newcomer must puzzle over
    assert codes == {"findings": {"apply.wrong_cell"}, "series_findings": {"series.carry_over"}}
    for code in ("apply.wrong_cell", "series.carry_over"):
        assert code in printed and code in readme
    wrong = gr.validate(gr.read(SAMPLES / "2022.html").report)[0]
    assert f"printed as {wrong.actual}, {wrong.expected} satisfies" in readme


# ---- the office how-to, followed as written


def _shell_blocks(page: str) -> list[tuple[str, list[str]]]:
    """The ``sh`` blocks of a docs page in order (list items' indented ones too), each with the
    ``## `` heading it is under and its command lines."""
    blocks: list[tuple[str, list[str]]] = []
    heading = ""
    lines = iter(page.splitlines())
    for line in lines:
        if line.startswith("## "):
            heading = line[3:]
        elif line.strip() == "```sh":
            commands = []
            for inner in lines:
                if inner.strip() == "```":
                    break
                commands.append(inner.strip())
            blocks.append((heading, commands))
    return blocks


def _fix_where_the_finding_says(draft: Path, message: str, value: str) -> None:
    """What a person does in Word: go to the table, row and column the finding names and type the
    value it suggests."""
    import re

    import docx

    table, row, column = map(
        int, re.search(r"表 (\d+)，第 (\d+) 行，第 (\d+) 列", message).groups()
    )  # type: ignore[union-attr]
    document = docx.Document(str(draft))
    paragraph = document.tables[table - 1].cell(row - 1, column - 1).paragraphs[0]
    for run in paragraph.runs[1:]:
        run.text = ""
    paragraph.runs[0].text = value
    document.save(str(draft))


def test_the_office_howto_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shlex
    import shutil

    pytest.importorskip("govinfo_report_xlsx")
    page = (REPO / "docs" / "howto" / "office.md").read_text(encoding="utf-8")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    expected = {"1.": 0, "2.": 1, "3.": 0, "4.": 0}  # the exit status of each step's commands
    ran: list[str] = []
    for heading, commands in _shell_blocks(page):
        step = heading.split(" ", 1)[0]
        if step == "3.":
            findings = capsys.readouterr().out
            suspect = next(line for line in findings.splitlines() if "draft.docx（表" in line)
            _fix_where_the_finding_says(tmp_path / "draft.docx", suspect, "58")
        for command in commands:
            argv = shlex.split(command, comments=True)
            assert argv[0] == "govinfo-report", command
            assert main(argv[1:]) == expected[step], command
            ran.append(argv[1])
    assert ran.count("validate") >= 6 and ran.count("convert") >= 4
    assert (tmp_path / "check.html").is_file()
    assert (tmp_path / "2022年政府信息公开工作年度报告.docx").is_file()
    published = gr.read(tmp_path / "2022年政府信息公开工作年度报告.docx").report
    assert published.cell("applications.granted.natural_person").value == 58


def test_the_official_template_filled_in_reads_back_exactly(corpus: Path, tmp_path: Path) -> None:
    """The template circulated to offices, its empty cells typed in and its title set, as Word
    or WPS saves it, is read cell for cell."""
    import io

    import docx

    report = gr.read(SAMPLES / "2021.docx").report
    written = docx.Document(io.BytesIO(gr.write(report, "docx")))
    template = docx.Document(str(corpus / "real" / "blank-template-2021.docx"))
    typed = 0
    for ours, theirs in zip(written.tables, template.tables, strict=True):
        for row_ours, row_theirs in zip(ours.rows, theirs.rows, strict=True):
            seen: set[int] = set()
            for mine, blank in zip(row_ours.cells, row_theirs.cells, strict=True):
                text = mine.text.strip()
                if id(blank._tc) in seen or not text.replace(".", "").isdigit():
                    continue
                assert not blank.text.strip(), text
                seen.add(id(blank._tc))
                blank.paragraphs[0].add_run(text)
                typed += 1
    assert typed == 200
    title = next(p for p in template.paragraphs if "格式模板" in p.text)
    title.runs[0].text = f"{report.meta.agency}{report.meta.year}年政府信息公开工作年度报告"
    for run in title.runs[1:]:
        run.text = ""
    filled = tmp_path / "filled.docx"
    template.save(str(filled))
    back = gr.read(filled).report
    assert gr.to_cells(back) == gr.to_cells(report)


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "{sample}", "--html", "{out}"],
        ["convert", "{sample}", "--to", "html", "-o", "{out}"],
        ["compare", "{sample}", "{sample}", "--format", "html", "-o", "{out}"],
    ],
    ids=lambda c: c[0],
)
def test_an_output_that_cannot_be_written_is_one_line_not_a_traceback(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no-such-folder" / "out.html"
    sample = SAMPLES / "2021.docx"
    argv = [a.format(sample=sample, out=out) for a in command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"cannot write {out}" in err
