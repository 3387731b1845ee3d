"""compare, rollup and baselines: properties over generated reports and the commands."""

from __future__ import annotations

import itertools
import json
import random
import re
from decimal import Decimal
from pathlib import Path

import attrs
import jsonschema
from hypothesis import given
from hypothesis import strategies as st

import govinfo_report as gr
from govinfo_report import AnnualReport, build_report
from govinfo_report.baseline import Baseline, fingerprint
from govinfo_report.cli import main
from govinfo_report.comparison import DUPLICATION_WARNING, compare
from govinfo_report.model import NarrativeSection
from govinfo_report.rollups import additive_keys, read_manifest, rollup, rollup_corpus
from govinfo_report.testing import uniform_report
from govinfo_report.testing.strategies import reports, series
from govinfo_report.values import Cell, CellState, Number

SCHEMA = json.loads(
    (Path(gr.__file__).parent / "data" / "compare.schema.json").read_text(encoding="utf-8")
)
PROSE = (
    NarrativeSection("一、总体情况", "本年度共受理申请10件。我们加强了培训。"),
    NarrativeSection("五、存在的主要问题及改进情况", "解读形式单一，下一步将丰富形式并加强培训。"),
)


def with_value(report: AnnualReport, key: str, value: int) -> AnnualReport:
    cells = report.cell_map()
    cells[key] = Cell(CellState.NUMBER, value=value, raw=str(value))
    return build_report(report.edition, cells, meta=report.meta, narrative=report.narrative)[0]


@given(reports(single_other_row=None), st.data())
def test_compare_with_itself_has_no_change_and_similarity_one(
    report: AnnualReport, data: st.DataObject
) -> None:
    # Some cells printed blank or with a marker, as real reports print them.
    cells = report.cell_map()
    for key in data.draw(st.sets(st.sampled_from(sorted(cells)), max_size=8)):
        cells[key] = gr.parse_cell_text(data.draw(st.sampled_from(["", "/", "不适用", "—"])))
    report = build_report(report.edition, cells, meta=report.meta, narrative=PROSE)[0]
    result = compare(report, report, old_findings=[], new_findings=[])
    assert result.changed == ()
    assert all(c.change in (0, None) for c in result.changes)
    assert [s.similarity for s in result.sections] == [1.0, 1.0]
    assert all(s.duplication == 1.0 and s.warning for s in result.sections)
    jsonschema.validate(result.to_data(), SCHEMA)


@given(series(min_years=2, max_years=3))
def test_generated_series_compares_consistently(years: list[AnnualReport]) -> None:
    for old, new in itertools.pairwise(years):
        result = compare(old, new, old_findings=[], new_findings=[])
        assert all(c.matches for c in result.carry_over)
        for change in result.changes:
            assert change.change == new.cell(change.key).value - old.cell(change.key).value
        sizes = [abs(c.change) for c in result.changes if c.change is not None]
        assert sizes == sorted(sizes, reverse=True)
        jsonschema.validate(result.to_data(), SCHEMA)


def test_duplication_ignores_numbers_and_marks_copied_sentences() -> None:
    old = attrs.evolve(uniform_report("2021", year=2023), narrative=PROSE)
    copied = NarrativeSection("一、总体情况", "本年度共受理申请12件。今年新建了平台，成效明显。")
    new = attrs.evolve(uniform_report("2021", year=2024), narrative=(copied,))
    [section] = compare(old, new, old_findings=[], new_findings=[]).sections
    assert section.copied == ("本年度共受理申请12件。",)
    assert 0 < section.duplication < DUPLICATION_WARNING and not section.warning
    page = compare(old, new, old_findings=[], new_findings=[]).to_html()
    assert "<mark>本年度共受理申请12件。</mark>" in page


def test_changed_cell_is_first_and_highlighted() -> None:
    old = uniform_report("2021", year=2023)
    new = with_value(old, "applications.received.natural_person", 7)
    result = compare(old, new, old_findings=[], new_findings=[])
    first = result.changes[0]
    assert (first.key, first.old, first.new, first.change) == (
        "applications.received.natural_person",
        0,
        7,
        7,
    )
    page = result.to_html()
    assert page.count('<tr class="changed">') == 1
    # Both reports' official tables side by side, the changed cell marked in each.
    assert page.count("<table data-section=") == 6  # sections 二, 三 and 四 of both reports
    marked = re.findall(
        r'<td title="([^"]*)" data-key="([^"]+)" class="changed">([^<]*)</td>', page
    )
    assert marked == [
        ("0 → 7", "applications.received.natural_person", "0"),
        ("0 → 7", "applications.received.natural_person", "7"),
    ]


@given(reports(edition="2021"), st.integers(2, 4), st.data())
def test_units_summing_to_parent_are_clean_and_one_cell_off_is_named(
    parent: AnnualReport, count: int, data: st.DataObject
) -> None:
    keys = additive_keys(parent.edition)
    # Every count of sections 三 and 四 adds up (taken from the template, not from additive_keys).
    counts = [s.key for s in parent.template() if s.key.startswith(("applications.", "reviews."))]
    assert set(counts) <= set(keys)
    # Units: the parent's values split at random; the last unit takes the rest.
    split = random.Random(data.draw(st.integers(0, 2**32)))
    units_values: list[dict[str, Number]] = [{} for _ in range(count)]
    for key in keys:
        value = parent.cell(key).value
        assert value is not None
        rest = value
        for unit in units_values[:-1]:
            share = split.randint(0, int(rest)) if isinstance(rest, int) else Decimal(0)
            unit[key], rest = share, rest - share
        units_values[-1][key] = rest
    units = []
    for values in units_values:
        unit = uniform_report("2021")
        cells = unit.cell_map()
        for key, value in values.items():
            cells[key] = Cell(CellState.NUMBER, value=value, raw=str(value))
        units.append(build_report("2021", cells)[0])
    assert rollup(parent, units) == []
    key = data.draw(st.sampled_from([k for k in keys if isinstance(units_values[0][k], int)]))
    units[0] = with_value(units[0], key, int(units_values[0][key]) + 1)
    [finding] = rollup(parent, units)
    assert finding.code == "rollup.mismatch" and finding.cells == (key,)
    assert finding.expected == parent.cell(key).value + 1


def test_rollup_corpus_names_missing_units(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("parent,unit\n某市,甲区\n某市,乙区\n", encoding="utf-8")
    parsed = read_manifest(manifest)
    assert parsed == {"某市": ["甲区", "乙区"]}
    city = uniform_report("2021", agency="某市", year=2024)
    district = uniform_report("2021", agency="甲区", year=2024)
    findings = rollup_corpus([city, district], parsed)
    assert [(f.code, "乙区" in f.message) for f in findings] == [("rollup.unit_missing", True)]


def test_fingerprint_is_stable_and_baseline_reports_only_new(tmp_path: Path) -> None:
    report = with_value(
        uniform_report("2021", agency="某市", year=2024), "applications.granted.total", 3
    )
    findings = gr.validate(report)
    assert findings
    moved = [attrs.evolve(f, source=None, message=f.message + " ") for f in findings]
    assert [fingerprint(f, agency="某 市", year=2024) for f in moved] == [
        fingerprint(f, agency="某市", year=2024) for f in findings
    ]
    path = tmp_path / "baseline.json"
    Baseline().record(findings, agency="某市", year=2024).save(path)
    baseline = Baseline.load(path)
    assert baseline.new_findings(findings, agency="某市", year=2024) == []
    worse = with_value(report, "reviews.review.total", 5)
    new = baseline.new_findings(gr.validate(worse), agency="某市", year=2024)
    assert [f.code for f in new] == ["review.total"]
    assert fingerprint(findings[0], agency="某市", year=2025) != fingerprint(
        findings[0], agency="某市", year=2024
    )


def write_report(path: Path, report: AnnualReport) -> Path:
    path.write_text(gr.to_json(report), encoding="utf-8")
    return path


def test_commands(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    old = write_report(tmp_path / "old.json", uniform_report("2021", agency="某市", year=2023))
    bad = with_value(
        uniform_report("2021", agency="某市", year=2024), "applications.granted.total", 3
    )
    new = write_report(tmp_path / "new.json", bad)
    assert main(["compare", str(old), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, SCHEMA)
    assert data["cells"][0]["key"] == "applications.granted.total"
    assert (
        main(["compare", str(old), str(new), "--format", "html", "-o", str(tmp_path / "c.html")])
        == 0
    )
    assert "changed" in (tmp_path / "c.html").read_text(encoding="utf-8")
    assert main(["rollup", str(new), str(old)]) == 0
    assert "rollup.unit_skipped" in capsys.readouterr().out
    unit = write_report(tmp_path / "unit.json", uniform_report("2021", agency="甲区", year=2024))
    assert main(["rollup", str(new), str(unit)]) == 1
    assert "applications.granted.total" in capsys.readouterr().out
    baseline = tmp_path / "b.json"
    assert main(["validate", str(new), "--baseline", str(baseline)]) == 1
    capsys.readouterr()
    assert main(["validate", str(new), "--baseline", str(baseline)]) == 0
    assert "apply" not in capsys.readouterr().out


def test_html_escapes_what_the_reports_print() -> None:
    hostile = NarrativeSection("一、总体情况", "<script>alert(1)</script>本年度无变化。")
    report = attrs.evolve(
        uniform_report("2021", agency="<b>某市</b>", year=2024), narrative=(hostile,)
    )
    page = compare(report, report, old_findings=[], new_findings=[]).to_html()
    assert "<script>" not in page and "<b>某市" not in page
    assert "&lt;script&gt;" in page


def test_compare_across_the_edition_change_lists_the_cells_of_one_edition_only() -> None:
    old = uniform_report("2019", agency="某市", year=2020)
    new = uniform_report("2021", agency="某市", year=2021)
    result = compare(old, new, old_findings=[], new_findings=[])
    assert "active.procurement.projects" in result.only_old
    assert "active.fees.amount" in result.only_new
    assert all(c.matches for c in result.carry_over)
    jsonschema.validate(result.to_data(), SCHEMA)


def test_rollup_over_a_batch_database(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    reports = Path(__file__).resolve().parents[1] / "examples" / "reports"
    database = tmp_path / "corpus.sqlite"
    assert main(["batch", str(reports), "--db", str(database), "--workers", "1"]) in (0, 1)
    manifest = tmp_path / "units.csv"
    agency = gr.read(reports / "2023.txt").report.meta.agency
    manifest.write_text(f"{agency},示例镇人民政府\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["rollup", "--db", str(database), "--manifest", str(manifest)]) == 0
    out = capsys.readouterr().out
    assert out.count("rollup.unit_missing") == 3 and "示例镇人民政府" in out
    assert main(["rollup", "--db", str(database)]) == 2


def test_fingerprint_from_stored_fields_matches() -> None:
    from govinfo_report.baseline import fingerprint_fields

    report = with_value(uniform_report("2021"), "reviews.review.total", 5)
    for finding in gr.validate(report):
        assert fingerprint(finding, agency="某市", year=2024) == fingerprint_fields(
            finding.code,
            "某市",
            2024,
            finding.cells,
            related_year=finding.related_year,
            rule=finding.rule,
            message_en=finding.message_en,
        )


def test_api_names_are_the_functions_even_after_their_modules_are_imported() -> None:
    import govinfo_report.baseline
    import govinfo_report.comparison
    import govinfo_report.rollups  # noqa: F401

    assert gr.compare is compare and gr.rollup is rollup and gr.fingerprint is fingerprint


def test_the_chinese_comparison_names_cells_by_their_labels_not_their_keys() -> None:
    reports = Path(__file__).resolve().parents[1] / "examples" / "reports"
    old, new = gr.read(reports / "2022.html").report, gr.read(reports / "2023.txt").report
    result = compare(old, new, old_findings=gr.validate(old), new_findings=gr.validate(new))
    zh, en = result.to_text("zh", limit=None), result.to_text("en", limit=None)
    assert "一、本年新收政府信息公开申请数量·自然人" in zh and "自然人：" in zh
    for internal in ("applications.", "active.", "natural_person", " ok", "inconsistency"):
        assert internal not in zh
    assert "applications.received.natural_person" in en and "natural_person: " in en


def test_carry_over_is_judged_only_between_consecutive_years() -> None:
    old = with_value(
        uniform_report("2021", agency="某市", year=2023), "applications.carried_out.total", 9
    )
    for year, judged in ((2024, True), (2025, False), (2023, False)):
        new = attrs.evolve(old, meta=attrs.evolve(old.meta, year=year))
        result = compare(old, new, old_findings=[], new_findings=[])
        [total] = [c for c in result.carry_over if c.column == "total"]
        assert total.matches is (False if judged else None)
        assert result.consecutive_years is judged
        data = result.to_data()
        jsonschema.validate(data, SCHEMA)
        assert data["consecutive_years"] is judged
        assert ("不是相邻年度" in result.to_text()) is not judged


def test_two_readings_of_one_real_report_compare_as_unchanged(corpus, corpus_next) -> None:  # type: ignore[no-untyped-def]
    # The same Huai'an 2024 report, from its PDF and from a PDF viewer's copy of it.
    pdf = gr.read(corpus / "real" / "huaian-2024.pdf").report
    copied = gr.read(corpus_next / "huaian-2024-copied.txt").report
    result = compare(pdf, copied)
    assert result.changed == ()
    assert result.consecutive_years is False
    assert all(c.matches is None for c in result.carry_over)
    assert [s.title for s in result.sections][:1] == ["一、总体情况"]
    assert all(s.warning for s in result.sections)
    jsonschema.validate(result.to_data(), SCHEMA)


def test_section_two_adds_up_only_where_agencies_add_up() -> None:
    keys_2021, keys_2019 = set(additive_keys("2021")), set(additive_keys("2019"))
    assert {"active.licensing.decisions", "active.penalty.decisions", "active.fees.amount"} <= (
        keys_2021
    )
    assert {"active.procurement.projects", "active.penalty.decisions"} <= keys_2019
    for stock in ("active.rules.in_force", "active.normative_docs.issued", "active.rules.issued"):
        assert stock not in keys_2021
    assert "active.procurement.amount" not in keys_2019  # printed in varying units


def test_batch_runs_the_rollups_of_a_manifest(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    city = with_value(
        uniform_report("2021", "2", agency="某市", year=2024), "applications.received.total", 9
    )
    write_report(corpus / "city.json", city)
    write_report(corpus / "a.json", uniform_report("2021", "1", agency="甲区", year=2024))
    manifest = tmp_path / "units.csv"
    manifest.write_text("parent,unit\n某市,甲区\n某市,乙区\n", encoding="utf-8")
    database = tmp_path / "corpus.sqlite"
    args = ["batch", str(corpus), "--db", str(database), "--workers", "1"]
    assert main([*args, "--manifest", str(manifest)]) == 1
    assert "汇总核对" in capsys.readouterr().out
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT code, cells, path, fingerprint FROM series_findings WHERE code LIKE 'rollup.%'"
        ).fetchall()
    codes = sorted({code for code, *_ in rows})
    assert codes == ["rollup.mismatch", "rollup.unit_missing"]
    mismatched = [json.loads(cells) for code, cells, _, _ in rows if code == "rollup.mismatch"]
    assert ["applications.received.total"] in mismatched
    assert all(path.endswith("city.json") and len(fp) == 16 for _, _, path, fp in rows)
    # The same findings as the rollup command over the database, fingerprints included.
    found = rollup_corpus(
        [gr.read(corpus / "city.json").report, gr.read(corpus / "a.json").report],
        read_manifest(manifest),
    )
    assert sorted(fp for *_, fp in rows) == sorted(fingerprint(f) for f in found)
    bad = tmp_path / "bad.csv"
    bad.write_text("某市\n", encoding="utf-8")
    assert main([*args, "--manifest", str(bad)]) == 2


def test_a_storage_fault_in_the_rollups_of_a_batch_is_one_line(
    tmp_path: Path,
    capsys,  # type: ignore[no-untyped-def]
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import sqlite3

    import govinfo_report.cli_checks as cli_checks

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_report(corpus / "a.json", uniform_report("2021", "1", agency="甲区", year=2024))
    manifest = tmp_path / "units.csv"
    manifest.write_text("parent,unit\n某市,甲区\n", encoding="utf-8")

    def locked(*args: object) -> tuple[int, int]:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(cli_checks, "batch_rollups", locked)
    database = tmp_path / "corpus.sqlite"
    status = main(["batch", str(corpus), "--db", str(database), "--manifest", str(manifest)])
    err = capsys.readouterr().err
    assert status == 2 and "locked" in err and len(err.strip().splitlines()) == 1, err
