"""Small hostile files end under their limit, in seconds and well under 1 GB (issue: bounded cost).

Each bomb is generated here (``govinfo_report.testing.bombs``), a few KB, and read in a child
process whose peak memory is measured. No timing is asserted beyond a generous timeout: the
seconds are printed by ``benchmarks/bombs.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import govinfo_report as gr
from govinfo_report import ReportReadError
from govinfo_report.limits import Limits, time_budget
from govinfo_report.testing.bombs import BOMBS, pdf_grid

_CHILD = """
import json, resource, sys, time
import govinfo_report as gr
from govinfo_report.testing.bombs import BOMBS
file_name, make = BOMBS[sys.argv[1]]
data = make()
started = time.perf_counter()
try:
    gr.read(data, name=file_name)
    outcome = "report"
except gr.ReportReadError as exc:
    outcome = str(exc)
print(json.dumps({
    "bytes": len(data),
    "seconds": time.perf_counter() - started,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "outcome": outcome,
}))
"""


def read_bomb(name: str) -> dict[str, object]:
    """Read one bomb in a child process: its outcome, seconds and peak memory."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, name],
        capture_output=True,
        text=True,
        timeout=600,  # generous: the machine may be busy; a quadratic reader took far longer
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


NOT_A_REPORT = "not a government information disclosure annual report"

PDF_BOMBS = {
    "pdf-3m-characters-on-a-page": "max_page_chars",
    "pdf-500-pages-of-180k-characters": "max_document_chars",
    "pdf-24k-rulings": None,  # a 12,000-cell table is allowed: read, quickly
    "pdf-20k-rulings-without-grid": None,  # read as text lines, no table finder
    "pdf-300x300-grid-on-20-pages": "max_document_cells",
}


@pytest.mark.parametrize("name", sorted(PDF_BOMBS))
def test_a_pdf_bomb_ends_under_its_limit_in_little_memory(name: str) -> None:
    result = read_bomb(name)
    limit = PDF_BOMBS[name]
    assert isinstance(result["bytes"], int) and result["bytes"] < 400_000
    if limit is None:
        # Read to the end: a report, or (no template in it) refused as not a report, never a limit.
        assert result["outcome"] == "report" or NOT_A_REPORT in str(result["outcome"]), result
    else:
        assert limit in str(result["outcome"]), result["outcome"]
    assert isinstance(result["peak_mb"], float) and result["peak_mb"] < 1024, result


def test_pdf_limits_are_checked_before_the_expensive_step() -> None:
    # Counted from PDFium before any box is taken, and before rulings are grouped.
    with pytest.raises(ReportReadError, match="max_page_chars"):
        gr.read(BOMBS["pdf-3m-characters-on-a-page"][1](), name="c.pdf")
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
