"""Batch benchmark: ``python benchmarks/batch.py [--reports N]``.

Builds a corpus of N generated reports (default 2,000) across formats (text, html, docx, cells, json)
and years, then times ``batch`` with 1 and 2 worker processes (the ratio is the scaling), and measures
the peak memory (RSS) of the batch process for growing corpora. Results go to SQLite file by file and
the series checks load one agency at a time, so nothing accumulates in Python (tracemalloc shows the
same heap after 300 and 900 files); what RSS still gains comes from native allocators.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings

import govinfo_report as gr
from govinfo_report.testing.render import render_text
from govinfo_report.testing.strategies import series

FORMATS = ("txt", "html", "docx", "cells.json", "json")


def build_corpus(root: Path, count: int) -> None:
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
    written = agency = 0
    while written < count:
        for chain in chains:
            agency += 1
            for report in chain:
                if written >= count:
                    return
                meta = attrs.evolve(report.meta, agency=f"机关{agency:05d}")
                report = attrs.evolve(report, meta=meta)
                suffix = FORMATS[written % len(FORMATS)]
                path = root / f"{agency // 100:03d}" / f"{agency:05d}-{report.meta.year}.{suffix}"
                path.parent.mkdir(parents=True, exist_ok=True)
                if suffix == "txt":
                    path.write_text(render_text(report, "tab_rows"), encoding="utf-8")
                else:
                    path.write_bytes(gr.write(report, {"cells.json": "cells"}.get(suffix, suffix)))
                written += 1


MEASURE = """
import json, resource, sys, time
from pathlib import Path
from govinfo_report.batch import local_executor, run_batch
started = time.perf_counter()
summary = run_batch([Path(sys.argv[1])], Path(sys.argv[2]), submit=local_executor(int(sys.argv[3])))
print(json.dumps({"seconds": time.perf_counter() - started, "read": summary.read,
                  "errors": summary.errors,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(root: Path, database: Path, workers: int) -> dict[str, float]:
    database.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(root), str(database), str(workers)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "corpus"
        started = time.perf_counter()
        build_corpus(root, args.reports)
        print(
            f"built {args.reports} reports in {len(FORMATS)} formats in {time.perf_counter() - started:.0f} s"
        )
        database = Path(work) / "corpus.sqlite"
        one = measure(root, database, 1)
        two = measure(root, database, 2)
        assert one["errors"] == two["errors"] == 0
        print(f"batch, 1 worker : {one['read'] / one['seconds']:.0f} reports/s")
        print(
            f"batch, 2 workers: {two['read'] / two['seconds']:.0f} reports/s "
            f"({one['seconds'] / two['seconds']:.2f}x the 1-worker throughput)"
        )
        print("peak memory (RSS) of the batch process as the corpus grows:")
        for size in (args.reports // 4, args.reports // 2, args.reports):
            part = Path(work) / f"part-{size}"
            build_corpus(part, size)
            result = measure(part, Path(work) / f"part-{size}.sqlite", 1)
            print(f"  {size:>6} reports: {result['max_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
