"""Batch benchmark: ``python benchmarks/batch.py [--reports N] [--large M] [--repeat R]``.

Builds a corpus of generated reports across formats (text, html, docx, cells, json) and years, one
series in six with a broken carry-over (so there are findings to store), then runs the ``batch``
command end to end in a fresh process (discovery, reading, validation, storing, series checks):

- scaling: 2 worker processes against 1 over N reports (default 2,000): medians of R interleaved
  repetitions (wall time), goal ≥ 1.7×; these runs sample no memory (walking /proc every 20 ms
  takes CPU from the workers), only the batch process's CPU time;
- memory: the peak resident memory of the batch and all its worker processes together (sampled from
  /proc every 20 ms), with the default worker count, for N and M reports (default 10,000), goal: the
  larger corpus costs at most 1.2× the smaller (``--memory-repeat`` interleaved runs of each, median).

Worker processes are forked from the batch process, so whatever the batch process holds is counted
again in each worker's resident memory: the batch process's own share at the peak is printed too,
and so is its share of the CPU time (what the workers cannot take over).

Each figure is printed against its goal. On a shared machine absolute numbers are noisy; the ratios
within one run are what counts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings

import govinfo_report as gr
from govinfo_report.testing.render import render_text
from govinfo_report.testing.strategies import series

FORMATS = ("txt", "html", "docx", "cells.json", "json")


_DIGITS = "零一二三四五六七八九"


def _agency_name(number: int) -> str:
    return "示例" + "".join(_DIGITS[int(d)] for d in f"{number:05d}") + "局"


def _broken(report: gr.AnnualReport) -> gr.AnnualReport:
    cells = report.cell_map()
    key = "applications.carried_in.total"
    cells[key] = gr.parse_cell_text(str(int(cells[key].value or 0) + 7))
    return gr.build_report(report.edition, cells, meta=report.meta)[0]


def build_corpus(root: Path, count: int, start: int = 0) -> list[Path]:
    """``count`` reports under ``root`` (the first ``start`` of them already written)."""
    chains: list[list[gr.AnnualReport]] = []

    @settings(
        max_examples=40, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(series(min_years=3, max_years=5))
    def grab(reports: list[gr.AnnualReport]) -> None:
        chains.append(reports)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grab()
    written: list[Path] = []
    agency = 0
    while len(written) < count:
        for chain in chains:
            agency += 1
            for position, report in enumerate(chain):
                if len(written) >= count:
                    return written
                # A name the metadata reader recognises as an office's (Chinese, ending in 局),
                # printed in the title, so each agency's years form one series of its own.
                meta = attrs.evolve(report.meta, agency=_agency_name(agency), title=None)
                report = attrs.evolve(report, meta=meta)
                if agency % 6 == 0 and position == 1:
                    report = _broken(report)
                suffix = FORMATS[len(written) % len(FORMATS)]
                path = root / f"{agency // 100:03d}" / f"{agency:05d}-{report.meta.year}.{suffix}"
                path.parent.mkdir(parents=True, exist_ok=True)
                if len(written) < start:
                    pass
                elif suffix == "txt":
                    path.write_text(render_text(report, "tab_rows"), encoding="utf-8")
                else:
                    path.write_bytes(gr.write(report, {"cells.json": "cells"}.get(suffix, suffix)))
                written.append(path)
    return written


def subset(files: list[Path], source: Path, target: Path, count: int) -> None:
    """The first ``count`` files of a corpus, hard-linked under ``target``."""
    for path in files[:count]:
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, copy)


def _proc_kb(pid: int, file: str, field: str) -> int:
    """A memory figure in kB from ``/proc/<pid>/<file>`` (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _rss_kb(pid: int) -> int:
    return _proc_kb(pid, "status", "VmRSS:")


def _pss_kb(pid: int) -> int:
    """Proportional set size: resident memory with each page shared by n processes counted 1/n
    (what forked workers really add, where RSS counts the pages they share with the batch again)."""
    return _proc_kb(pid, "smaps_rollup", "Pss:")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of one process so far (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(text.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(parents.get(current, []))
    return found


def measure(
    root: Path, database: Path, workers: int | None, *, memory: bool = True
) -> dict[str, float]:
    """One ``govinfo-report batch`` run in a fresh process: wall seconds, CPU seconds of the batch
    and its workers (``cpu``) and of the batch process alone (``parent_cpu``), the peak RSS of the
    process tree (MB) and, at that peak, the batch process's own share (``parent_mb``).

    Memory is sampled from /proc every 20 ms, which walks every process: that costs CPU on the
    cores the workers use, so the timed runs (``memory`` false) sample only the batch process's
    CPU time, ten times a second, and report no memory."""
    for end in ("", "-wal", "-shm"):
        Path(f"{database}{end}").unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "govinfo_report.cli",
        "batch",
        str(root),
        "--db",
        str(database),
    ]
    if workers is not None:
        command += ["--workers", str(workers)]
    peak = peak_parent = peak_pss = 0
    parent_cpu = 0.0
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_parent, peak_pss, parent_cpu
        while not memory and not done.is_set():
            parent_cpu = max(parent_cpu, _cpu_seconds(process.pid))
            done.wait(0.1)
        while memory and not done.is_set():
            pids = _tree(process.pid)
            sizes = {pid: _rss_kb(pid) for pid in pids}
            if sum(sizes.values()) > peak:
                peak, peak_parent = sum(sizes.values()), sizes.get(process.pid, 0)
            peak_pss = max(peak_pss, sum(_pss_kb(pid) for pid in pids))
            parent_cpu = max(parent_cpu, _cpu_seconds(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    # wait4 gives the CPU time of the batch and of every worker it waited for.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"batch failed ({process.returncode})")
    return {
        "seconds": seconds,
        "peak_mb": peak / 1024,
        "parent_mb": peak_parent / 1024,
        "pss_mb": peak_pss / 1024,
        "cpu": usage.ru_utime + usage.ru_stime,
        "parent_cpu": parent_cpu,
    }


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _scaling(
    reports: int,
    times: dict[int, list[float]],
    cpu: dict[int, list[float]],
    parent_cpu: list[float],
) -> None:
    one, two = statistics.median(times[1]), statistics.median(times[2])
    ratio = one / two
    print(
        f"batch, {reports} reports, median of {len(times[1])} interleaved runs: "
        f"1 worker {reports / one:.0f} reports/s, 2 workers {reports / two:.0f} reports/s"
    )
    print(
        f"  2 workers vs 1 (wall): {ratio:.2f}x (goal >= 1.7x: {_verdict(ratio >= 1.7)}); "
        f"runs 1: {', '.join(f'{t:.0f}' for t in times[1])} s, "
        f"2: {', '.join(f'{t:.0f}' for t in times[2])} s",
        flush=True,
    )
    # On a machine shared with other work the wall ratio mostly measures the neighbours; the CPU
    # time says what two free cores would give: all the work of the 2-worker run spread over two.
    cpu_one, cpu_two = statistics.median(cpu[1]), statistics.median(cpu[2])
    print(
        f"  CPU time: 1 worker {cpu_one:.1f} s, 2 workers {cpu_two:.1f} s (all processes); "
        f"on two free cores at best {2 * cpu_one / cpu_two:.2f}x (runs 1: "
        f"{', '.join(f'{t:.1f}' for t in cpu[1])} s, 2: {', '.join(f'{t:.1f}' for t in cpu[2])} s)",
        flush=True,
    )
    # The batch process's share of the 2-worker runs' CPU time: what two workers cannot share out.
    # Unlike the wall ratio it hardly depends on what else the machine runs.
    shares = [own / every for own, every in zip(parent_cpu, cpu[2], strict=True)]
    print(
        f"  the batch process itself: {statistics.median(parent_cpu):.1f} s of the 2-worker runs, "
        f"{100 * statistics.median(shares):.0f}% of their CPU time "
        f"(runs: {', '.join(f'{100 * s:.0f}%' for s in shares)})",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--memory-repeat", type=int, default=1, help="interleaved runs of each memory measurement"
    )
    parser.add_argument(
        "--memory-only", action="store_true", help="skip the scaling runs (memory goal only)"
    )
    parser.add_argument(
        "--scaling-only", action="store_true", help="skip the memory runs (scaling goal only)"
    )
    args = parser.parse_args()
    from govinfo_report.batch import default_workers

    with tempfile.TemporaryDirectory() as work:
        base = Path(work)
        started = time.perf_counter()
        files = build_corpus(base / "large", args.reports)
        subset(files, base / "large", base / "small", args.reports)
        print(
            f"built {args.reports} reports in {len(FORMATS)} formats "
            f"({time.perf_counter() - started:.0f} s); machine: {os.cpu_count()} cores",
            flush=True,
        )
        times: dict[int, list[float]] = {1: [], 2: []}
        cpu: dict[int, list[float]] = {1: [], 2: []}
        parent_cpu: list[float] = []
        for _ in range(0 if args.memory_only else args.repeat):
            for workers in (1, 2):
                result = measure(base / "small", base / "scaling.sqlite", workers, memory=False)
                times[workers].append(result["seconds"])
                cpu[workers].append(result["cpu"])
                if workers == 2:
                    parent_cpu.append(result["parent_cpu"])
        if not args.memory_only:
            _scaling(args.reports, times, cpu, parent_cpu)
        if args.scaling_only:
            return 0
        build_corpus(base / "large", args.large, start=args.reports)
        runs: dict[str, list[dict[str, float]]] = {"small": [], "large": []}
        for _ in range(args.memory_repeat):
            for name in ("small", "large"):
                runs[name].append(measure(base / name, base / f"memory-{name}.sqlite", None))
        small, large = (
            {key: statistics.median(run[key] for run in runs[name]) for key in runs[name][0]}
            for name in ("small", "large")
        )
        growth = large["peak_mb"] / small["peak_mb"]
        print(
            f"peak memory, all processes, default workers ({default_workers()}), median of "
            f"{args.memory_repeat}: {args.reports} reports {small['peak_mb']:.0f} MB (the batch "
            f"process {small['parent_mb']:.0f} MB), {args.large} reports {large['peak_mb']:.0f} MB "
            f"(the batch process {large['parent_mb']:.0f} MB; {args.large / large['seconds']:.0f} "
            "reports/s)"
        )
        peaks = {name: [run["peak_mb"] for run in runs[name]] for name in runs}
        ranges = ", ".join(f"{n} {min(p):.0f}-{max(p):.0f} MB" for n, p in peaks.items())
        print(f"  growth {growth:.2f}x (goal <= 1.2x: {_verdict(growth <= 1.2)}); runs: {ranges}")
        print(
            f"  proportional (shared pages counted once): {small['pss_mb']:.0f} MB, "
            f"{large['pss_mb']:.0f} MB ({large['pss_mb'] / small['pss_mb']:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
