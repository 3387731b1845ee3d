"""Seconds per page and peak memory of the OCR reader, on one core.

    python plugins/govinfo-report-ocr/benchmarks/bench_ocr.py [--repeat 3] [--published] [scan ...]

Each repetition reads every scan once in a fresh child process pinned to one CPU, with one thread
per ONNX Runtime session and ``OMP_NUM_THREADS=1`` (so model loading and peak memory are those of a
real run); the scans alternate within a repetition. Reports the median seconds per page over
repetitions (rendering or decoding the page included, model loading excluded and shown apart), wall
clock and CPU time, and the peak resident memory of the child. ``--published`` also runs the models
as published (graphs not folded, see ``models.py``), interleaved with the folded ones, for an A/B
under the same load. On a shared machine wall clock includes waiting for the core and CPU time
grows with contention: compare CPU time within one run, and look at the spread.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT = sorted((HERE.parent / "tests" / "data").glob("scan-*.pdf"))

_CHILD = r"""
import json, os, resource, sys, time
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
os.environ["OMP_NUM_THREADS"] = "1"
if sys.argv[2] == "published":
    import govinfo_report_ocr.models as models
    models.optimised_model = lambda path: None
started = time.perf_counter()
from govinfo_report_ocr.engine import engine
engine()
loaded = time.perf_counter() - started
from govinfo_report_ocr.pages import pdf_pages, image_pages
from govinfo_report_ocr.reader import read_page
path = sys.argv[1]
data = open(path, "rb").read()
pages = iter(pdf_pages(data, path) if data[:5] == b"%PDF-" else image_pages(data, path))
times, cpu = [], []
while True:
    # a page's cost includes rendering it (or decoding the image)
    t, c = time.perf_counter(), time.process_time()
    page = next(pages, None)
    if page is None:
        break
    read_page(page, path, engine())
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"load": loaded, "pages": times, "cpu": cpu, "peak_mb": peak}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scans", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--published", action="store_true", help="also run the models as published (A/B)"
    )
    args = parser.parse_args()
    variants = ["folded", "published"] if args.published else ["folded"]
    wall: dict[tuple[str, Path], list[float]] = {}
    cpu: dict[str, list[float]] = {v: [] for v in variants}
    loads: dict[str, list[float]] = {v: [] for v in variants}
    peaks: dict[str, list[float]] = {v: [] for v in variants}
    for _ in range(args.repeat):
        for path in args.scans:
            for variant in variants:
                out = subprocess.run(
                    [sys.executable, "-c", _CHILD, str(path), variant],
                    check=True,
                    capture_output=True,
                    text=True,
                    env={**os.environ, "OMP_NUM_THREADS": "1"},
                ).stdout
                result = json.loads(out.strip().splitlines()[-1])
                wall.setdefault((variant, path), []).append(statistics.median(result["pages"]))
                cpu[variant].append(statistics.median(result["cpu"]))
                loads[variant].append(result["load"])
                peaks[variant].append(result["peak_mb"])
    for variant in variants:
        print(f"-- models {variant}")
        for path in args.scans:
            values = wall[(variant, path)]
            spread = f"{min(values):.2f}–{max(values):.2f}"
            print(f"{path.name}: median {statistics.median(values):.2f} s/page (runs: {spread})")
        spread = f"{min(cpu[variant]):.2f}–{max(cpu[variant]):.2f}"
        # CPU time is what the page costs the core; on a busy machine wall clock is larger.
        print(
            f"all scans: median {statistics.median(cpu[variant]):.2f} CPU s/page on one core "
            f"(runs: {spread})"
        )
        print(f"model loading: median {statistics.median(loads[variant]):.2f} s per process")
        print(f"peak memory: max {max(peaks[variant]):.0f} MB resident")
    print(
        f"load average during the run: {os.getloadavg()[0]:.1f} (machine has {os.cpu_count()} CPUs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
