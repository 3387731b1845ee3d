"""Batch: a folder tree in every format into SQLite, series checks, resume, crash safety, Dask."""

from __future__ import annotations

import functools
import json
import sqlite3
import warnings
from pathlib import Path

import attrs
import pytest
from hypothesis import find
from hypothesis.errors import HypothesisWarning

import govinfo_report as gr
import govinfo_report.document
import govinfo_report.hookspecs
from govinfo_report.batch import local_executor, run_batch
from govinfo_report.cli import main
from govinfo_report.testing.render import render_text
from govinfo_report.testing.strategies import series

FIXTURES = Path(__file__).parent / "fixtures"
AGENCY = "示例县交通运输局"
SAMPLE_FOR_CRASH = gr.read(FIXTURES / "wps-odd-merges-2022.cells.json").report


@functools.cache
def broken_series() -> list[gr.AnnualReport]:
    """2020-2022 of one agency; the 2021 report's 上年结转 (自然人, 总计) does not match 2020."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HypothesisWarning)
        found = find(
            series(agency=AGENCY, min_years=3, max_years=3, first_year=2020), lambda s: True
        )
    reports = list(found)
    middle = reports[1]
    cells = middle.cell_map()
    for key in ("carried_in", "granted", "total"):
        for column in ("natural_person", "total"):
            full = f"applications.{key}.{column}"
            cells[full] = gr.parse_cell_text(str(int(cells[full].value or 0) + 3))
    reports[1] = gr.build_report(middle.edition, cells, meta=middle.meta)[0]
    return reports


def make_tree(root: Path) -> dict[str, Path]:
    first, second, third = broken_series()
    other = gr.read(FIXTURES / "gbk-saved-page-2020.cells.json").report
    files = {
        "docx": root / "a" / "2020.docx",
        "html": root / "a" / "2021.html",
        "txt": root / "a" / "b" / "2022.txt",
        "md": root / "other" / "r.md",
        "cells": root / "other" / "r2.cells.json",
        "json": root / "other" / "r3.json",
        "csv": root / "other" / "r4.csv",
        "pdf": root / "pdf" / "lo-2021.pdf",
        "broken": root / "pdf" / "broken.pdf",
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    files["docx"].write_bytes(gr.write(first, "docx"))
    files["html"].write_bytes(gr.write(second, "html"))
    files["txt"].write_text(render_text(third, "cell_per_line"), encoding="utf-8")
    renamed = [
        attrs.evolve(other, meta=attrs.evolve(other.meta, agency=f"机关{i}")) for i in range(4)
    ]
    files["md"].write_bytes(gr.write(renamed[0], "markdown"))
    files["cells"].write_bytes(gr.write(renamed[1], "cells"))
    files["json"].write_bytes(gr.write(renamed[2], "json"))
    files["csv"].write_bytes(gr.write(renamed[3], "csv"))
    files["pdf"].write_bytes((FIXTURES / "lo-2021.pdf").read_bytes())
    files["broken"].write_bytes(b"%PDF-1.7\n this is not a PDF")
    return files


def table(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return list(connection.execute(sql))


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    root = tmp_path / "corpus"
    return root, make_tree(root)


def test_batch_fills_the_database(tree: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    root, files = tree
    database = tmp_path / "corpus.sqlite"
    summary = run_batch([root], database, submit=local_executor(2))
    assert (summary.discovered, summary.read, summary.errors) == (len(files), len(files), 1)
    outcomes = dict(table(database, "SELECT path, outcome FROM files"))
    assert outcomes.pop(str(files["broken"])) == "error"
    assert set(outcomes.values()) == {"ok"}
    readers = dict(table(database, "SELECT path, reader FROM files WHERE outcome = 'ok'"))
    assert {
        readers[str(files[k])] for k in ("docx", "html", "txt", "md", "cells", "json", "csv", "pdf")
    } == {"docx", "html", "text", "cells", "json", "csv", "pdf"}
    [(error,)] = table(database, f"SELECT error FROM files WHERE path = '{files['broken']}'")
    assert "broken.pdf" in error
    # every cell, long format
    counts = dict(table(database, "SELECT path, COUNT(*) FROM cells GROUP BY path"))
    assert counts[str(files["pdf"])] == 200
    [(value, page)] = table(
        database,
        f"SELECT value, page FROM cells WHERE path = '{files['pdf']}' AND key = 'applications.total.total'",
    )
    assert (value, page) == ("127", 2)
    # the broken carry-over names agency, column and both years
    carry = table(
        database,
        "SELECT agency, year, related_year, cells, expected, actual, path FROM series_findings "
        "WHERE code = 'series.carry_over' ORDER BY cells",
    )
    assert {(a, y, r) for a, y, r, *_ in carry} == {(AGENCY, 2021, 2020)}
    assert [json.loads(c)[0] for _, _, _, c, *_ in carry] == [
        "applications.carried_in.natural_person",
        "applications.carried_in.total",
    ]
    assert all(int(actual) == int(expected) + 3 for *_, expected, actual, _ in carry)
    assert {path for *_, path in carry} == {str(files["html"])}
    # nothing inside the reports is inconsistent
    assert table(database, "SELECT COUNT(*) FROM findings WHERE severity = 'inconsistency'") == [
        (0,)
    ]


def test_resume_reads_nothing_twice(tree: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    root, files = tree
    database = tmp_path / "corpus.sqlite"
    run_batch([root], database, submit=local_executor(1))
    before = table(database, "SELECT path, read_at FROM files ORDER BY path")
    again = run_batch([root], database, submit=local_executor(1))
    assert (again.read, again.skipped) == (0, len(files))
    files["txt"].write_text(
        files["txt"].read_text(encoding="utf-8") + "\n（补充说明）\n", encoding="utf-8"
    )
    third = run_batch([root], database, submit=local_executor(1))
    assert (third.read, third.skipped) == (1, len(files) - 1)
    after = table(database, "SELECT path, read_at FROM files ORDER BY path")
    assert len(after) == len(before)
    assert table(database, "SELECT COUNT(*) FROM cells") == table(
        database, "SELECT COUNT(DISTINCT path || key) FROM cells"
    )


def test_a_killed_batch_resumes_without_losing_or_duplicating(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    root, files = tree
    database = tmp_path / "corpus.sqlite"
    seen = 0

    def dies_after_three(paths: list[str]):  # type: ignore[no-untyped-def]
        nonlocal seen
        for result in local_executor(1)(paths):
            seen += 1
            if seen > 3:
                raise KeyboardInterrupt
            yield result

    with pytest.raises(KeyboardInterrupt):
        run_batch([root], database, submit=dies_after_three)
    assert table(database, "SELECT COUNT(*) FROM files") == [(3,)]
    resumed = run_batch([root], database, submit=local_executor(2))
    assert (resumed.read, resumed.skipped) == (len(files) - 3, 3)
    assert table(database, "SELECT COUNT(*) FROM files") == [(len(files),)]


def test_cli_batch_and_export(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = tree
    database = tmp_path / "c.sqlite"
    assert main(["batch", str(root), "--db", str(database), "--workers", "2", "--lang", "en"]) == 2
    assert "1 unreadable" in capsys.readouterr().out
    assert main(["export", "--db", str(database), "--table", "series_findings"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("agency,year,related_year")
    assert "series.carry_over" in out
    target = tmp_path / "cells.parquet"
    assert (
        main(
            [
                "export",
                "--db",
                str(database),
                "--to",
                "parquet",
                "--table",
                "cells",
                "-o",
                str(target),
            ]
        )
        == 0
    )
    import pyarrow.parquet as pq

    assert pq.read_table(target).num_rows == table(database, "SELECT COUNT(*) FROM cells")[0][0]
    assert main(["batch", str(tmp_path / "missing"), "--db", str(database)]) == 2


def test_dask_gives_the_same_database(tree: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    from govinfo_report.batch import dask_executor

    root, _ = tree
    local_db, dask_db = tmp_path / "local.sqlite", tmp_path / "dask.sqlite"
    run_batch([root], local_db, submit=local_executor(1))
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        run_batch([root], dask_db, submit=dask_executor(cluster.scheduler_address))
    for name, order in (
        ("files", "path"),
        ("cells", "path, key"),
        ("findings", "path, code, cells"),
        ("series_findings", "agency, year, code, cells"),
    ):
        columns = (
            "*"
            if name != "files"
            else "path, sha256, size, reader, outcome, error, edition, year, agency, report_json"
        )
        assert table(local_db, f"SELECT {columns} FROM {name} ORDER BY {order}") == table(
            dask_db, f"SELECT {columns} FROM {name} ORDER BY {order}"
        ), name


class _CrashingReader:
    """A reader that kills its process on ``*.crash`` files, as a segfault in a parser would."""

    @staticmethod
    @gr.hookspecs.hookimpl
    def register_readers(register):  # type: ignore[no-untyped-def]
        import os

        def die(data: bytes, name: str) -> gr.document.Document:
            os._exit(13)

        register(gr.Reader("crash", load=lambda: die, suffixes=(".crash",)))


def test_a_worker_crash_costs_only_its_file(tmp_path: Path) -> None:
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the crashing test plugin reaches the workers only when they are forked")
    from govinfo_report.testing import registered_plugin

    root = tmp_path / "reports"
    root.mkdir()
    for index in range(4):
        (root / f"r{index}.cells.json").write_bytes(gr.write(SAMPLE_FOR_CRASH, "cells"))
    (root / "bad.crash").write_bytes(b"boom")
    database = tmp_path / "c.sqlite"
    with registered_plugin(_CrashingReader(), name="crash"):
        summary = run_batch([root], database, submit=local_executor(2))
    outcomes = dict(table(database, "SELECT path, outcome FROM files"))
    assert outcomes.pop(str(root / "bad.crash")) == "error"
    assert set(outcomes.values()) == {"ok"} and len(outcomes) == 4
    [(error,)] = table(database, "SELECT error FROM files WHERE outcome = 'error'")
    assert "crashed" in error
    assert summary.errors == 1
