"""Hostile files end under their limit, in seconds and well under 1 GB (issue 15: bounded cost).

Each bomb is generated in the child process that reads it (``govinfo_report.testing.bombs``; most
a few KB, the web page and text file 49 MB), under a cap on its address space, and its peak memory
is measured. No timing is asserted beyond a generous timeout: the seconds are printed by
``benchmarks/bombs.py``.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import govinfo_report as gr
from govinfo_report import ReportReadError
from govinfo_report.limits import Limits, time_budget
from govinfo_report.testing.bombs import BOMBS, LIMIT_NAMED, pdf_grid, read_in_child

NOT_A_REPORT = "not a government information disclosure annual report"

CORE_BOMBS = sorted(
    name for name, (file_name, _) in BOMBS.items() if not file_name.endswith(".xlsx")
)


def test_every_bomb_says_which_limit_stops_it() -> None:
    assert set(LIMIT_NAMED) == set(BOMBS)


@pytest.mark.parametrize("name", CORE_BOMBS)
def test_a_bomb_ends_under_its_limit_in_little_memory(name: str) -> None:
    # The xlsx bombs are read by the plugin's tests.
    result = read_in_child(name)
    outcome, limit = str(result["outcome"]), LIMIT_NAMED[name]
    if limit is None:
        # Read to the end: a report, or (no template in it) refused as not a report, never a limit.
        assert outcome == "report" or NOT_A_REPORT in outcome, result
    else:
        assert outcome.startswith("refused") and limit in outcome, result
    assert result["peak_mb"] < 1024, result


def test_pdf_limits_are_checked_before_the_expensive_step() -> None:
    # Strings counted from the content streams before PDFium loads a page; paths before rulings
    # are grouped; cells from the rulings before grids are built.
    for bomb in ("pdf-3m-characters-on-a-page", "pdf-30k-character-form-drawn-300-times"):
        with pytest.raises(ReportReadError, match="max_page_chars") as error:
            gr.read(BOMBS[bomb][1](), name="c.pdf")
        assert error.value.code == "limits.page_text_bytes"
    with pytest.raises(ReportReadError, match="max_page_paths"):
        gr.read(BOMBS["pdf-24k-rulings"][1](), name="r.pdf", limits=Limits(max_page_paths=1000))
    with pytest.raises(ReportReadError, match="max_table_cells"):
        gr.read(pdf_grid(40, 40, 1), name="g.pdf", limits=Limits(max_table_cells=1000))


def test_ruling_groups_of_a_large_mesh_and_of_lines_apart() -> None:
    from govinfo_report.formats.pdf import _groups, _Segment

    # 2,000 long lines crossing 2,000 others make one group; 2,000 short lines apart make one
    # each (the grouping bisects per line instead of comparing every pair).
    across = [_Segment(True, 10.0 + 2 * i, 0.0, 4100.0) for i in range(2000)]
    down = [_Segment(False, 10.0 + 2 * i, 0.0, 4100.0) for i in range(2000)]
    apart = [_Segment(True, 5000.0 + 3 * i, 0.0, 1.0) for i in range(2000)]
    groups = _groups(across + down + apart)
    assert sorted(len(g) for g in groups)[-1] == 4000
    assert len(groups) == 2001


def test_the_time_budget_interrupts_a_read_and_names_the_limit() -> None:
    data = pdf_grid(300, 300, 2)
    with pytest.raises(ReportReadError, match="max_seconds") as error:
        gr.read(data, name="grid.pdf", limits=Limits(max_seconds=0.2))
    assert error.value.source == "grid.pdf"


def test_budgets_nest_and_the_first_to_end_decides() -> None:
    started = time.monotonic()
    with (
        pytest.raises(ReportReadError, match="outer"),
        time_budget(0.2, "outer"),
        time_budget(30, "inner"),
    ):
        while True:
            pass
    with (
        pytest.raises(ReportReadError, match="inner"),
        time_budget(30, "outer"),
        time_budget(0.2, "inner"),
    ):
        while True:
            pass
    assert time.monotonic() - started < 30
    # The inner budget ends first without firing; the outer one still holds afterwards.
    with pytest.raises(ReportReadError, match="outer"), time_budget(0.5, "outer"):
        with time_budget(0.1, "inner"):
            pass
        while True:
            pass


def test_no_budget_by_default_in_the_api_and_none_off_the_main_thread() -> None:
    assert Limits().max_seconds is None
    outcome: list[str] = []

    def worker() -> None:
        with time_budget(0.01, "thread"):
            time.sleep(0.05)
        outcome.append("finished")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert outcome == ["finished"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_devices_fifos_and_folders_are_refused_before_opening(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it would wait for a writer forever
    for path in (fifo, Path("/dev/zero")):
        if not path.exists():
            continue
        with pytest.raises(ReportReadError, match="not a regular file"):
            gr.read(path)
    # A folder is read as one input made of its regular files; the FIFO in it is not one.
    with pytest.raises(ReportReadError, match="no file to read"):
        gr.read(tmp_path)


def test_a_file_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 100)
    with pytest.raises(ReportReadError, match="max_input_bytes"):
        gr.read(path, limits=Limits(max_input_bytes=10))
