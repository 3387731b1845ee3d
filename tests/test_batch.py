"""Batch: a folder tree in every format into SQLite, series checks, resume, crash safety, Dask."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
import pytest
from hypothesis import find
from hypothesis.errors import HypothesisWarning

import govinfo_report as gr
import govinfo_report.document
import govinfo_report.hookspecs
from govinfo_report.batch import FileResult, Submit, local_executor, run_batch
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


def _interrupted_after(count: int, submit: Submit) -> Submit:
    """``submit`` as a user's Ctrl-C leaves it: interrupted once ``count`` files are done."""

    def run(paths: Sequence[str]) -> Iterator[FileResult]:
        for done, result in enumerate(submit(paths), start=1):
            if done > count:
                raise KeyboardInterrupt
            yield result

    return run


def _trace_connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL statements the batch's connections in this process run, as they run."""
    import govinfo_report.batch as batch

    statements: list[str] = []
    original, this_process = batch.connect, os.getpid()

    def traced(database: Path, **kwargs: float) -> sqlite3.Connection:
        connection = original(database, **kwargs)
        if os.getpid() == this_process:
            connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(batch, "connect", traced)
    return statements


def _copies(folder: Path, count: int) -> Path:
    """``folder`` holding ``count`` copies of one report (``r000.cells.json``, …)."""
    folder.mkdir(parents=True)
    data = gr.write(SAMPLE_FOR_CRASH, "cells")
    for index in range(count):
        (folder / f"r{index:03d}.cells.json").write_bytes(data)
    return folder


@pytest.fixture
def database(tree: tuple[Path, dict[str, Path]], tmp_path: Path) -> Path:
    """The database of a one-worker batch of ``tree``."""
    stored = tmp_path / "c.sqlite"
    run_batch([tree[0]], stored, submit=local_executor(1))
    return stored


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
    [(code,)] = table(database, f"SELECT error_code FROM files WHERE path = '{files['broken']}'")
    assert code == "pdf.unreadable"
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
    with pytest.raises(KeyboardInterrupt):
        run_batch([root], database, submit=_interrupted_after(3, local_executor(1)))
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


# ---- issue 15: batch and export faults


def test_a_name_that_is_not_utf8_is_stored_losslessly(tmp_path: Path) -> None:
    from govinfo_report.batch import readable

    root = tmp_path / "unzipped"
    root.mkdir()
    name = "政府信息公开2021".encode("gbk") + b".cells.json"
    raw_path = os.fsencode(root) + b"/" + name
    with open(raw_path, "wb") as handle:
        handle.write(gr.write(SAMPLE_FOR_CRASH, "cells"))
    (root / "plain.cells.json").write_bytes(gr.write(SAMPLE_FOR_CRASH, "cells"))
    database = tmp_path / "c.sqlite"
    summary = run_batch([root], database, submit=local_executor(1))
    assert (summary.read, summary.ok) == (2, 2)
    [(path, stored, outcome)] = table(
        database, "SELECT path, path_bytes, outcome FROM files WHERE path_bytes IS NOT NULL"
    )
    assert stored == raw_path and outcome == "ok"
    assert "\\x" in path and path.endswith(".cells.json")
    assert readable(os.fsdecode(raw_path)).endswith("政府信息公开2021.cells.json")
    assert table(database, f"SELECT COUNT(*) FROM cells WHERE path = '{path}'")[0][0] > 100
    again = run_batch([root], database, submit=local_executor(1))
    assert (again.read, again.skipped) == (0, 2)


class _HostileReader:
    """``*.crash`` kills its process (a segfault in a parser); ``*.slow`` never finishes."""

    @staticmethod
    @gr.hookspecs.hookimpl
    def register_readers(register):  # type: ignore[no-untyped-def]
        import os
        import time

        def die(data: bytes, name: str) -> gr.document.Document:
            os._exit(13)

        def hang(data: bytes, name: str) -> gr.document.Document:
            time.sleep(60)
            raise AssertionError("not reached")

        register(gr.Reader("crash", load=lambda: die, suffixes=(".crash",)))
        register(gr.Reader("slow", load=lambda: hang, suffixes=(".slow",)))


def _needs_fork() -> None:
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the hostile test plugin reaches the workers only when they are forked")


def test_dask_keeps_the_budget_and_survives_a_crash(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    _needs_fork()
    from govinfo_report.batch import dask_executor
    from govinfo_report.limits import Limits
    from govinfo_report.testing import registered_plugin

    root = tmp_path / "reports"
    root.mkdir()
    for index in range(3):
        (root / f"r{index}.cells.json").write_bytes(gr.write(SAMPLE_FOR_CRASH, "cells"))
    (root / "bad.crash").write_bytes(b"boom")
    (root / "stuck.slow").write_bytes(b"zzz")
    database = tmp_path / "c.sqlite"
    limits = Limits(max_seconds=8.0)  # generous: a loaded machine must not fail the test
    with (
        registered_plugin(_HostileReader(), name="hostile"),
        distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster,
    ):
        summary = run_batch(
            [root], database, submit=dask_executor(cluster.scheduler_address, limits)
        )
    outcomes = dict(table(database, "SELECT path, outcome FROM files"))
    assert len(outcomes) == 5 and summary.errors == 2
    errors = dict(table(database, "SELECT path, error FROM files WHERE outcome = 'error'"))
    assert "crashed" in errors[str(root / "bad.crash")]
    assert "max_seconds" in errors[str(root / "stuck.slow")]


def test_dask_worker_processes_read_files_in_children_under_the_budget(tmp_path: Path) -> None:
    # The command's default cluster runs its workers as daemonic processes started by spawn:
    # multiprocessing refused them a child (every file "failed"), and a spawned child took
    # seconds to import before reading anything.
    distributed = pytest.importorskip("distributed")
    from govinfo_report.batch import dask_executor
    from govinfo_report.limits import Limits
    from govinfo_report.testing.bombs import pdf_grid

    root = tmp_path / "reports"
    root.mkdir()
    for index in range(2):
        (root / f"r{index}.cells.json").write_bytes(gr.write(SAMPLE_FOR_CRASH, "cells"))
    (root / "grid.pdf").write_bytes(pdf_grid(300, 300, 20))  # a minute of work at least
    # Generous for a file read in a tenth of a second; no table limit stops the grid first.
    limits = Limits(max_seconds=3.0, max_table_cells=10**9, max_document_cells=10**9)
    database = tmp_path / "c.sqlite"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        run_batch([root], database, submit=dask_executor(cluster.scheduler_address, limits))
    outcomes = dict(table(database, "SELECT path, COALESCE(error, outcome) FROM files"))
    assert outcomes.pop(str(root / "grid.pdf")).endswith("(limit max_seconds)")
    assert set(outcomes.values()) == {"ok"}, outcomes


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_workers_die_with_a_killed_batch(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    root = tmp_path / "reports"
    root.mkdir()
    data = (FIXTURES / "lo-long-2021.pdf").read_bytes()
    for index in range(80):
        (root / f"r{index}.pdf").write_bytes(data)
    batch = subprocess.Popen(
        [sys.executable, "-m", "govinfo_report.cli", "batch", str(root), "--db",
         str(tmp_path / "c.sqlite"), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline and batch.poll() is None:
            time.sleep(0.1)
            workers = _children(batch.pid)
        assert len(workers) >= 2, "the batch never started its workers"
        os.kill(batch.pid, signal.SIGKILL)
        batch.wait()
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans = [w for w in workers if _alive(w)]
        for pid in orphans:
            os.kill(pid, signal.SIGKILL)
        assert not orphans, "worker processes outlived the batch"
    finally:
        if batch.poll() is None:
            batch.kill()


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(argv)
    return status, capsys.readouterr().err


def test_storage_problems_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "reports"
    root.mkdir()
    (root / "r.cells.json").write_bytes(gr.write(SAMPLE_FOR_CRASH, "cells"))
    folder = tmp_path / "a-folder"
    folder.mkdir()
    not_sqlite = tmp_path / "notes.sqlite"
    not_sqlite.write_text("these are my notes, not a database\n" * 100)
    cases = {
        str(tmp_path / "missing" / "c.sqlite"): "does not exist",
        str(folder): "is a folder",
        str(not_sqlite): "not an SQLite database",
    }
    for database, expected in cases.items():
        for argv in (
            ["batch", str(root), "--db", database, "--workers", "1"],
            ["export", "--db", database, "--table", "cells"],
        ):
            status, err = _cli(argv, capsys)
            assert status == 2, argv
            assert expected in err and len(err.strip().splitlines()) == 1, (argv, err)
            assert "Traceback" not in err
    database = tmp_path / "c.sqlite"
    assert main(["batch", str(root), "--db", str(database), "--workers", "1"]) == 0
    capsys.readouterr()
    status, err = _cli(
        ["export", "--db", str(database), "--table", "cells", "-o", str(tmp_path / "no" / "x.csv")],
        capsys,
    )
    assert status == 2 and "does not exist" in err and len(err.strip().splitlines()) == 1


_HOLD_LOCK = """
import os, sqlite3, sys, time
holder = sqlite3.connect(sys.argv[1])
holder.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
while not os.path.exists(sys.argv[2]):  # until the test says so
    time.sleep(0.05)
holder.rollback()
"""


def test_a_locked_database_is_waited_on_then_named(tmp_path: Path) -> None:
    import subprocess
    import sys
    import threading

    from govinfo_report.batch import StorageError

    root = tmp_path / "reports"
    root.mkdir()
    (root / "r.cells.json").write_bytes(gr.write(SAMPLE_FOR_CRASH, "cells"))
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    (root / "s.cells.json").write_bytes(gr.write(SAMPLE_FOR_CRASH, "cells"))
    # another program holds the lock (a connection of this process would be inherited by the
    # workers it forks, along with its file descriptors) and lets go when told by a file
    release = tmp_path / "release"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(database), str(release)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "held"
        for workers in (1, 2):  # the batch process stores, or the workers do
            with pytest.raises(StorageError, match="locked by another program"):
                run_batch([root], database, submit=local_executor(workers), busy_timeout=0.3)
        # held for a while, then released: the batch waits and goes on
        threading.Timer(1.0, release.touch).start()
        summary = run_batch([root], database, submit=local_executor(2), busy_timeout=30)
        assert summary.read == 1
    finally:
        holder.kill()
        holder.wait()


def test_a_full_disk_and_a_read_only_database_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import govinfo_report.batch as batch

    root = tmp_path / "reports"
    root.mkdir()
    for index in range(3):
        (root / f"r{index}.cells.json").write_bytes(gr.write(SAMPLE_FOR_CRASH, "cells"))
    original = batch.connect

    def small_disk(database: Path, **kwargs: float) -> sqlite3.Connection:
        connection = original(database, **kwargs)
        connection.execute("PRAGMA max_page_count = 40")  # what a full disk looks like to SQLite
        return connection

    monkeypatch.setattr(batch, "connect", small_disk)
    # with one worker the batch process stores; with two, the workers do
    for workers in ("1", "2"):
        full = tmp_path / f"full-{workers}.sqlite"
        status, err = _cli(["batch", str(root), "--db", str(full), "--workers", workers], capsys)
        assert status == 2 and "disk is full" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setattr(batch, "connect", original)
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    (root / "new.cells.json").write_bytes(gr.write(SAMPLE_FOR_CRASH, "cells"))
    real_connect = sqlite3.connect

    def read_only(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        return real_connect(f"file:{database}?mode=ro", uri=True)

    monkeypatch.setattr(batch.sqlite3, "connect", read_only)
    for workers in ("1", "2"):
        status, err = _cli(
            ["batch", str(root), "--db", str(database), "--workers", workers], capsys
        )
        assert status == 2 and "read-only" in err and len(err.strip().splitlines()) == 1


def test_an_export_never_leaves_a_partial_file(
    database: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import errno

    import govinfo_report.export as export

    target = tmp_path / "out" / "cells.csv"
    target.parent.mkdir()
    target.write_text("the previous export\n")
    real = export._write_csv

    def fills_the_disk(handle, data):  # type: ignore[no-untyped-def]
        handle.write("path,edition\n" * 1000)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export, "_write_csv", fills_the_disk)
    status, err = _cli(
        ["export", "--db", str(database), "--table", "cells", "-o", str(target)], capsys
    )
    assert status == 2 and "No space left" in err and len(err.strip().splitlines()) == 1
    assert target.read_text() == "the previous export\n"
    assert [p.name for p in target.parent.iterdir()] == ["cells.csv"]
    monkeypatch.setattr(export, "_write_csv", real)
    assert main(["export", "--db", str(database), "--table", "cells", "-o", str(target)]) == 0
    assert target.read_text().startswith("path,edition,year,agency,key")


def test_export_to_a_closed_pipe(database: Path) -> None:
    import subprocess
    import sys

    export = subprocess.Popen(
        [sys.executable, "-m", "govinfo_report.cli", "export", "--db", str(database), "--table",
         "cells"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert export.stdout is not None and export.stderr is not None
    export.stdout.readline()
    export.stdout.close()
    err = export.stderr.read().decode()
    assert export.wait() == 2
    assert "closed" in err and len(err.strip().splitlines()) == 1, err


def test_a_pipe_closed_in_the_middle_of_an_export_is_not_blamed_on_the_database(
    database: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    class ClosedAfterALine(io.StringIO):  # what | head -1 does to a long export
        def write(self, text: str) -> int:
            if self.tell():
                raise BrokenPipeError(32, "Broken pipe")
            return super().write(text)

    monkeypatch.setattr("sys.stdout", ClosedAfterALine())
    status, err = _cli(["export", "--db", str(database), "--table", "cells"], capsys)
    assert status == 2 and len(err.strip().splitlines()) == 1, err
    assert "standard output was closed" in err and str(database) not in err


def test_a_finished_database_on_read_only_media_exports(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    import shutil
    import subprocess
    import sys

    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs unshare and root to mount a folder read-only")
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount --bind -o ro {tmp_path} {tmp_path}"],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip("cannot mount read-only here")
    root, _ = tree
    media = tmp_path / "media"
    media.mkdir()
    database = media / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    command = (
        f"mount --bind -o ro {media} {media} && "
        f"{sys.executable} -m govinfo_report.cli export --db {database} --table cells"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", command], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == table(database, "SELECT COUNT(*) FROM cells")[0][0] + 1
    # A new batch into a copy of it (no -wal, -shm files beside it) cannot write: one line
    # naming the cause, exit 2.
    copied = tmp_path / "copied"
    copied.mkdir()
    with sqlite3.connect(database) as source, sqlite3.connect(copied / "c.sqlite") as target:
        source.backup(target)
    command = (
        f"mount --bind -o ro {copied} {copied} && "
        f"{sys.executable} -m govinfo_report.cli batch {root} --db {copied / 'c.sqlite'} --lang en"
    )
    (root / "new.cells.json").write_bytes(gr.write(SAMPLE_FOR_CRASH, "cells"))
    done = subprocess.run(["unshare", "-m", "sh", "-c", command], capture_output=True, text=True)
    assert done.returncode == 2 and "read-only" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


# ---- issue 16: bounded work in flight, group commits, series from the stored cells


def test_jobs_in_flight_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    import govinfo_report.batch as batch

    submitted = pools = 0

    class Counting(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal pools
            pools += 1
            super().__init__(*args, **kwargs)

        def submit(self, function, paths, *args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal submitted
            submitted += len(paths)  # files go to the workers a few at a time
            return super().submit(function, paths, *args, **kwargs)

    monkeypatch.setattr(batch.concurrent.futures, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(batch, "RECYCLE_FILES", 6)  # a fresh pool after 12 files
    root = _copies(tmp_path / "reports", 30)
    ahead = []
    for received, _ in enumerate(
        local_executor(2)([str(p) for p in sorted(root.iterdir())]), start=1
    ):
        ahead.append(submitted - received)
    assert len(ahead) == 30 and submitted == 30
    assert max(ahead) < 8 * 2, "more jobs in flight than the window allows"
    assert pools == 3, "workers are not replaced after RECYCLE_FILES files"


def test_files_are_committed_in_groups_and_an_interrupt_keeps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    statements = _trace_connections(monkeypatch)
    root = _copies(tmp_path / "reports", 40)
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    commits = sum(1 for s in statements if s.strip().upper() == "COMMIT")
    assert table(database, "SELECT COUNT(*) FROM files") == [(40,)]
    assert commits < 40 / 4, f"{commits} commits for 40 files"


def test_workers_commit_their_own_files_and_the_batch_process_only_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    statements = _trace_connections(monkeypatch)  # the workers' connections are their own
    root = _copies(tmp_path / "reports", 24)
    database = tmp_path / "c.sqlite"
    summary = run_batch([root], database, submit=local_executor(2))
    assert (summary.read, summary.ok) == (24, 24)
    per_file = table(database, "SELECT COUNT(*) FROM cells GROUP BY path")
    assert len(per_file) == 24 and len(set(per_file)) == 1 and per_file[0][0] > 100
    assert statements, "the batch process was not traced"
    written = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "DELETE"))]
    assert not [s for s in written if "temp." not in s and "series_findings" not in s], written[:3]
    statements.clear()
    # with one worker, reading happens in the batch process, which stores
    run_batch([root], tmp_path / "one.sqlite", submit=local_executor(1))
    assert any("INSERT INTO cells" in s for s in statements)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_a_batch_killed_while_its_workers_commit_loses_no_finished_file(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys
    import time

    root, files = tree
    data = (FIXTURES / "lo-long-2021.pdf").read_bytes()
    (root / "long").mkdir()
    for index in range(40):
        (root / "long" / f"r{index:02d}.pdf").write_bytes(data)
    total = len(files) + 40
    killed = tmp_path / "killed.sqlite"

    def committed() -> int:
        if not killed.exists():
            return 0
        try:
            with contextlib.closing(sqlite3.connect(f"file:{killed}?mode=ro", uri=True)) as db:
                count: int = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
                return count
        except sqlite3.Error:  # not created yet
            return 0

    batch = subprocess.Popen(
        [sys.executable, "-m", "govinfo_report.cli", "batch", str(root), "--db", str(killed),
         "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while committed() < 4 and batch.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(batch.pid, signal.SIGKILL)
    finally:
        batch.wait()
    kept = committed()
    assert 4 <= kept < total, "the batch was not killed while its workers were committing"
    _resumed_as_one_run(root, killed, kept, total, tmp_path)


def _resumed_as_one_run(root: Path, database: Path, kept: int, total: int, tmp_path: Path) -> None:
    """What was committed is whole (or the next run would skip a partial file), and only the rest
    is read again: the database ends as one uninterrupted run leaves it."""
    again = run_batch([root], database, submit=local_executor(2), series_workers=2)
    assert (again.skipped, again.read) == (kept, total - kept)
    reference = tmp_path / "one.sqlite"
    run_batch([root], reference, submit=local_executor(1))
    assert _dump(database) == _dump(reference)


def test_an_interrupt_keeps_what_the_workers_committed(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    from govinfo_report.batch import BUSY_TIMEOUT

    root, files = tree
    _copies(root / "many", 150)  # more than the workers have in flight
    total = len(files) + 150
    executor = local_executor(2)

    class InterruptedAfterThree:
        def __call__(self, paths: list[str]):  # type: ignore[no-untyped-def]
            raise AssertionError("the workers should store")

        def storing(self, database: Path, busy_timeout: float = BUSY_TIMEOUT):  # type: ignore[no-untyped-def]
            inner = executor.storing(database, busy_timeout)
            assert inner is not None

            def run(paths: list[str]):  # type: ignore[no-untyped-def]
                for count, result in enumerate(inner(paths), start=1):
                    assert result.stored and not result.cells
                    if count > 3:
                        raise KeyboardInterrupt
                    yield result

            return run

    database = tmp_path / "c.sqlite"
    with pytest.raises(KeyboardInterrupt):
        run_batch([root], database, submit=InterruptedAfterThree())
    kept = table(database, "SELECT COUNT(*) FROM files")[0][0]
    assert 3 <= kept < total
    _resumed_as_one_run(root, database, kept, total, tmp_path)


def test_series_are_checked_from_the_stored_cells(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    from govinfo_report.batch import check_series, connect

    root, _ = tree
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    before = table(database, "SELECT * FROM series_findings ORDER BY agency, year, code, cells")
    assert before
    connection = connect(database)
    connection.execute("UPDATE files SET report_json = NULL")
    connection.commit()
    for workers in (1, 2):
        check_series(connection, workers=workers, database=database)
        after = table(database, "SELECT * FROM series_findings ORDER BY agency, year, code, cells")
        assert after == before, workers
    connection.close()


# ---- issue 18: what researchers take away


def test_the_cells_export_has_the_shape_of_the_tidy_csv(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv
    import io

    root, files = tree
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    assert main(["export", "--db", str(database), "--table", "cells"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    source = files["docx"]
    tidy = list(
        csv.DictReader(io.StringIO(gr.write(gr.read(source).report, "csv").decode("utf-8")))
    )
    mine = [r for r in rows if r["path"] == str(source)]
    assert [{k: r[k] for k in tidy[0]} for r in mine] == tidy
    assert {"section", "row", "column", "agency", "year", "edition"} <= set(mine[0])
    received = next(r for r in mine if r["key"] == "applications.received.total")
    assert received["agency"] == AGENCY and received["count"] == received["value"]


def test_the_wide_export_and_typed_parquet(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    import csv
    from decimal import Decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    root, files = tree
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    reports = table(database, "SELECT COUNT(*) FROM files WHERE outcome = 'ok'")[0][0]
    wide_csv = tmp_path / "wide.csv"
    assert main(["export", "--db", str(database), "--table", "wide", "-o", str(wide_csv)]) == 0
    with wide_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == reports
    docx = next(r for r in rows if r["source"] == str(files["docx"]))
    report = gr.read(files["docx"]).report
    assert docx["applications.received.total"] == str(
        report.cell("applications.received.total").value
    )
    target = tmp_path / "wide.parquet"
    assert (
        main(
            [
                "export",
                "--db",
                str(database),
                "--table",
                "wide",
                "--to",
                "parquet",
                "-o",
                str(target),
            ]
        )
        == 0
    )
    data = pq.read_table(target)
    assert data.num_rows == reports
    assert data.schema.field("applications.received.total").type == pa.int64()
    money = [f for f in data.schema if pa.types.is_decimal(f.type)]
    assert money, "money cells are decimals"
    assert data.schema.field("applications.received.total:state").type == pa.string()
    states_seen: set[str] = set()
    for record in data.to_pylist():  # every report, each cell against what was read
        for spec, cell in gr.read(record["source"]).report.cells():
            value, state = record.get(spec.key), record.get(f"{spec.key}:state")
            if cell.state.value == "absent":
                assert (value, state) == (None, None), spec.key
                continue
            assert state == cell.state.value
            states_seen.add(state)
            if cell.state.value == "number":
                assert value == cell.value
                assert isinstance(value, Decimal if spec.kind.value == "money" else int)
            elif spec.kind.value != "text":
                assert value is None, (spec.key, state, value)
    assert {"number", "blank"} <= states_seen
    cells = tmp_path / "cells.parquet"
    assert (
        main(
            [
                "export",
                "--db",
                str(database),
                "--table",
                "cells",
                "--to",
                "parquet",
                "-o",
                str(cells),
            ]
        )
        == 0
    )
    typed = pq.read_table(cells)
    assert typed.schema.field("count").type == pa.int64()
    assert pa.types.is_decimal(typed.schema.field("money").type)
    rows = typed.to_pylist()
    blanks = [r for r in rows if r["state"] == "blank"]
    assert blanks and all(r["count"] is None and r["money"] is None for r in blanks)
    assert all(
        isinstance(r["count"], int) for r in rows if r["state"] == "number" and r["kind"] == "count"
    )
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    sheet_file = tmp_path / "wide.xlsx"
    assert (
        main(
            [
                "export",
                "--db",
                str(database),
                "--table",
                "wide",
                "--to",
                "xlsx",
                "-o",
                str(sheet_file),
            ]
        )
        == 0
    )
    sheet = load_workbook(sheet_file).active
    assert sheet is not None and sheet.max_row == reports + 1
    assert [c.value for c in sheet[1]][:4] == ["edition", "year", "agency", "source"]


def test_parquet_money_is_exact_whichever_chunk_holds_the_longest_decimal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from decimal import Decimal

    import pyarrow.parquet as pq

    from govinfo_report import export

    root = tmp_path / "reports"
    root.mkdir()
    sample = json.loads(
        (Path(__file__).resolve().parents[1] / "examples" / "sample-2023.cells.json").read_text(
            encoding="utf-8"
        )
    )
    # the first report's money has no decimals, a later one's three
    for name, amount in (("a", "12"), ("b", "0.5"), ("c", "3.125")):
        sample["cells"]["active.fees.amount"] = amount
        sample["agency"] = f"机关{name}"
        (root / f"{name}.cells.json").write_text(json.dumps(sample), encoding="utf-8")
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    # rows written in chunks of one: the schema is fixed before the later chunks are seen
    monkeypatch.setattr(export, "_write_parquet", functools.partial(export._write_parquet, chunk=1))
    for name, column in (("wide", "active.fees.amount"), ("cells", "money")):
        target = tmp_path / f"{name}.parquet"
        argv = ["export", "--db", str(database), "--table", name, "--to", "parquet"]
        assert main([*argv, "-o", str(target)]) == 0
        values = {v for v in pq.read_table(target).column(column).to_pylist() if v is not None}
        assert values == {Decimal("12"), Decimal("0.5"), Decimal("3.125")}, name


def test_csv_for_excel_and_files_without_json(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = tree
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    target = tmp_path / "findings.csv"
    assert main(["export", "--db", str(database), "--excel", "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfpath,code")
    assert main(["export", "--db", str(database), "--table", "files"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "report_json" not in header and header.startswith("path,sha256")
    assert main(["export", "--db", str(database), "--table", "files", "--with-json"]) == 0
    assert "report_json" in capsys.readouterr().out.splitlines()[0]


def test_resume_by_content_however_the_path_is_spelt(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, files = tree
    database = tmp_path / "c.sqlite"
    first = run_batch([root.resolve()], database, submit=local_executor(1))
    series_before = table(database, "SELECT COUNT(*) FROM series_findings")
    monkeypatch.chdir(root.parent)
    again = run_batch([Path(root.name)], database, submit=local_executor(1))
    assert (again.read, again.skipped) == (0, len(files))
    assert table(database, "SELECT COUNT(*) FROM files") == [(first.discovered,)]
    assert table(database, "SELECT COUNT(*) FROM series_findings") == series_before
    moved = root.parent / "moved-corpus"
    root.rename(moved)
    third = run_batch([moved], database, submit=local_executor(1))
    assert (third.read, third.moved) == (0, len(files))
    assert table(database, "SELECT COUNT(*) FROM files") == [(len(files),)]
    assert table(database, f"SELECT COUNT(*) FROM files WHERE path LIKE '{moved}%'") == [
        (len(files),)
    ]


def test_a_moved_corpus_with_the_same_content_under_two_names_keeps_every_row(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    root, files = tree
    copy = root / "copy of docx.docx"
    copy.write_bytes(files["docx"].read_bytes())
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))

    def stored(prefix: Path) -> list[tuple[object, ...]]:
        with sqlite3.connect(database) as connection:
            return list(
                connection.execute(
                    "SELECT substr(f.path, length(?) + 1), f.sha256, f.outcome, "
                    "(SELECT COUNT(*) FROM cells c WHERE c.path = f.path), "
                    "(SELECT COUNT(*) FROM findings g WHERE g.path = f.path) "
                    "FROM files f ORDER BY 1",
                    (str(prefix),),
                )
            )

    before = stored(root)
    series = table(database, "SELECT COUNT(*) FROM series_findings")
    moved = root.parent / "moved-corpus"
    root.rename(moved)
    again = run_batch([moved], database, submit=local_executor(1))
    assert (again.read, again.moved) == (0, len(files) + 1)
    # every row kept, each file under its own new path; nothing left under the old one
    assert stored(moved) == before
    assert table(database, "SELECT COUNT(*) FROM series_findings") == series


class _DocReader:
    @staticmethod
    @gr.hookspecs.hookimpl
    def register_readers(register):  # type: ignore[no-untyped-def]
        def refuse(data: bytes, name: str) -> gr.document.Document:
            raise gr.ReportReadError(name, "this .doc is damaged")

        register(gr.Reader("doc", load=lambda: refuse, suffixes=(".doc",)))


def test_every_file_met_is_recorded(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govinfo_report.plugins import build_registry, reset_registry
    from govinfo_report.testing import registered_plugin

    # Only the built-in readers: an installed plugin (the office plugin reads .doc) would take them.
    monkeypatch.setenv("GOVINFO_REPORT_LOAD_PLUGINS", "")
    previous = reset_registry(build_registry())
    try:
        _every_file_met_is_recorded(tree, tmp_path, registered_plugin)
    finally:
        reset_registry(previous)


def _every_file_met_is_recorded(  # type: ignore[no-untyped-def]
    tree: tuple[Path, dict[str, Path]], tmp_path: Path, registered_plugin
) -> None:
    root, files = tree
    (root / "old").mkdir()
    (root / "old" / "2019.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (root / "old" / "2019.wps").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (root / "old" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    database = tmp_path / "c.sqlite"
    summary = run_batch([root], database, submit=local_executor(1))
    assert summary.discovered == len(files) + 3 and summary.unsupported == 3
    reasons = dict(table(database, "SELECT path, error FROM files WHERE outcome = 'unsupported'"))
    assert ".doc" in reasons[str(root / "old" / "2019.doc")]
    assert ".wps" in reasons[str(root / "old" / "2019.wps")]
    assert "格式不支持 3 个" in summary.line_zh() and "3 in no supported format" in summary.line()
    # a plugin that reads .doc makes the registry send those files to it
    with registered_plugin(_DocReader(), name="doc"):
        (root / "old" / "2019.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(700))
        again = run_batch([root], database, submit=local_executor(1))
    assert again.read == 1 and again.errors == 1
    [(outcome, error)] = table(
        database, f"SELECT outcome, error FROM files WHERE path = '{root / 'old' / '2019.doc'}'"
    )
    assert outcome == "error" and "damaged" in error


def test_the_summary_does_not_contradict_itself(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, files = tree
    assert main(["batch", str(root), "--db", str(tmp_path / "c.sqlite"), "--workers", "1"]) == 2
    out = capsys.readouterr().out
    processed = len(files)
    assert f"本次处理 {processed} 个（读出 {processed - 1} 个，无法读取 1 个" in out


def test_duplicate_years_name_their_files(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    root.mkdir()
    first, second, _ = broken_series()
    (root / "2020.cells.json").write_bytes(gr.write(first, "cells"))
    (root / "2021.cells.json").write_bytes(gr.write(second, "cells"))
    (root / "2021-corrected.json").write_bytes(gr.write(second, "json"))
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    [(paths, message)] = table(
        database,
        "SELECT paths, message FROM series_findings WHERE code = 'series.duplicate_year'",
    )
    named = {str(root / "2021.cells.json"), str(root / "2021-corrected.json")}
    assert set(json.loads(paths)) == named
    assert all(name in message for name in named)


def test_every_table_exports_to_every_format(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    pytest.importorskip("openpyxl")
    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    root, _ = tree
    raw = os.fsencode(root) + b"/" + "报告".encode("gbk") + b".cells.json"
    with open(raw, "wb") as handle:
        handle.write(gr.write(SAMPLE_FOR_CRASH, "cells"))
    database = tmp_path / "c.sqlite"
    run_batch([root], database, submit=local_executor(1))
    for name in ("cells", "findings", "files", "series_findings", "wide"):
        rows = len(table(database, f"SELECT * FROM {name}")) if name != "wide" else None
        for to in ("csv", "parquet", "xlsx"):
            target = tmp_path / f"{name}.{to}"
            argv = ["export", "--db", str(database), "--table", name, "--to", to, "-o", str(target)]
            assert main(argv) == 0, (name, to)
            if rows is None:
                continue
            if to == "parquet":
                assert pq.read_table(target).num_rows == rows
            elif to == "xlsx":
                sheet = load_workbook(target).active
                assert sheet is not None and sheet.max_row == rows + 1


def test_stored_findings_carry_the_baseline_fingerprint(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[1] / "examples" / "reports"
    database = tmp_path / "corpus.sqlite"
    run_batch([examples], database, submit=local_executor(1))
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT path, code, fingerprint FROM findings").fetchall()
        series_prints = connection.execute("SELECT fingerprint FROM series_findings").fetchall()
    assert stored and series_prints
    expected = set()
    for path in {row[0] for row in stored}:
        report = gr.read(path).report
        for finding in gr.validate(report):
            expected.add(
                (
                    finding.code,
                    gr.fingerprint(finding, agency=report.meta.agency, year=report.meta.year),
                )
            )
    assert {(code, print_) for _, code, print_ in stored} == expected
    assert all(isinstance(value, str) and len(value) == 16 for (value,) in series_prints)


# ---- issue 16 (scaling): the same database however the batch is run


def _dump(database: Path) -> dict[str, list[str]]:
    """Every row of every table but the reading time, as sorted text (workers finish in any order)."""
    dumped = {}
    with sqlite3.connect(database) as connection:
        for name in ("files", "cells", "findings", "series_findings"):
            columns = [
                row[1]
                for row in connection.execute(f"PRAGMA table_info({name})")
                if row[1] != "read_at"
            ]
            rows = connection.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()
            dumped[name] = sorted(map(repr, rows))
    return dumped


def test_the_database_is_the_same_however_the_batch_runs(
    tree: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    root, _ = tree
    # reports with no agency (no series), a second agency with a duplicate year, an unsupported file
    first, second, _ = broken_series()
    for index, report in enumerate((first, second)):
        anonymous = attrs.evolve(report, meta=attrs.evolve(report.meta, agency=None, title=None))
        (root / "anonymous" / f"{index}.json").parent.mkdir(parents=True, exist_ok=True)
        (root / "anonymous" / f"{index}.json").write_bytes(gr.write(anonymous, "json"))
    other = attrs.evolve(first, meta=attrs.evolve(first.meta, agency="示例县公安局"))
    (root / "police").mkdir()
    for name in ("a.json", "b.cells.json"):
        (root / "police" / name).write_bytes(
            gr.write(other, "json" if name.endswith(".json") and "cells" not in name else "cells")
        )
    (root / "police" / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0 not a report")
    one, two, resumed = (tmp_path / f"{n}.sqlite" for n in ("one", "two", "resumed"))
    run_batch([root], one, submit=local_executor(1))
    run_batch([root], two, submit=local_executor(2), series_workers=2)
    with pytest.raises(KeyboardInterrupt):
        run_batch([root], resumed, submit=_interrupted_after(5, local_executor(2)))
    assert table(resumed, "SELECT COUNT(*) FROM files") == [(5,)]
    again = run_batch([root], resumed, submit=local_executor(2), series_workers=2)
    assert again.skipped == 5
    expected = _dump(one)
    assert len(expected["files"]) == 14 and expected["series_findings"]
    assert any("None" in row for row in expected["series_findings"])  # the unplaced reports
    assert _dump(two) == expected
    assert _dump(resumed) == expected


def test_series_are_grouped_by_agency_in_the_order_of_their_first_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    from govinfo_report.batch import _SERIES_CHUNK, check_series, connect
    from govinfo_report.validation import normalise_agency

    chooser = random.Random(16)
    agencies = ["甲局", "乙局", " 甲局", "丙局", None, ""]
    rows = []
    for index in range(2 * _SERIES_CHUNK + 150):
        agency = chooser.choice(agencies)
        year = None if chooser.random() < 0.1 else chooser.randint(2019, 2023)
        rows.append((f"/r/{chooser.random():.12f}-{index}", "2021", agency, year))
    database = tmp_path / "c.sqlite"
    connection = connect(database)
    connection.executemany(
        "INSERT INTO files (path, sha256, size, outcome, edition, agency, year, read_at) "
        "VALUES (?, '', 0, 'ok', ?, ?, ?, '')",
        rows,
    )
    connection.commit()
    # what the series checks meet, in Python: groups by first path, members by path, then the
    # reports without agency or year in slices
    groups: dict[str, list[tuple[object, ...]]] = {}
    unplaced = []
    for row in sorted(rows):
        if row[2] and row[3] is not None:
            groups.setdefault(normalise_agency(row[2]), []).append(row)
        else:
            unplaced.append(row)
    expected = [*groups.values()] + [
        unplaced[start : start + _SERIES_CHUNK] for start in range(0, len(unplaced), _SERIES_CHUNK)
    ]
    met: list[list[tuple[object, ...]]] = []
    import govinfo_report.batch as batch

    original = batch._series_groups

    def recording(connection: sqlite3.Connection):  # type: ignore[no-untyped-def]
        for group in original(connection):
            met.append(list(group))
            yield []  # nothing to rebuild

    monkeypatch.setattr(batch, "_series_groups", recording)
    check_series(connection)
    connection.close()
    assert met == [[tuple(m) for m in group] for group in expected]


def test_a_file_result_crosses_processes_whole() -> None:
    import dataclasses
    import pickle

    from govinfo_report.batch import FileResult

    values = {
        field.name: (index, f"value {index}")
        for index, field in enumerate(dataclasses.fields(FileResult))
    }
    result = FileResult(**values)  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(result)) == result
