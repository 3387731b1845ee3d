"""Hostile files, each read once in a child process: ``python benchmarks/bombs.py [--memory-mb N]``.

For every bomb of ``govinfo_report.testing.bombs`` (generated in the child, not committed) it
prints the input's size, the seconds reading took, the child's peak resident memory and how it
ended, and whether that is the limit the bomb must name (``LIMIT_NAMED``) within 1 GB. The
seconds are one run on whatever else the machine is doing; memory is the reliable figure.
Exit status 1 when a bomb is not stopped by its limit or peaks at 1 GB or more.
"""

from __future__ import annotations

import argparse

from govinfo_report.testing.bombs import BOMBS, LIMIT_NAMED, read_in_child

NOT_A_REPORT = "not a government information disclosure annual report"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memory-mb", type=int, default=3072, help="address-space cap per bomb")
    parser.add_argument("--seconds", type=float, default=600.0, help="time cap per bomb")
    args = parser.parse_args()
    failed = 0
    print(f"{'bomb':38} {'bytes':>10} {'seconds':>8} {'peak MB':>8}  outcome")
    for name in BOMBS:
        result = read_in_child(name, memory_mb=args.memory_mb, seconds=args.seconds)
        outcome, limit = str(result["outcome"]), LIMIT_NAMED[name]
        if limit is None:
            stopped = outcome == "report" or NOT_A_REPORT in outcome
        else:
            stopped = outcome.startswith("refused") and limit in outcome
        good = stopped and result.get("peak_mb", 1024) < 1024
        failed += not good
        if "seconds" in result:
            figures = f"{result['bytes']:>10} {result['seconds']:>8.1f} {result['peak_mb']:>8.0f}"
        else:
            figures = f"{'':>10} {'':>8} {'':>8}"
        mark = "ok " if good else "BAD"
        print(f"{name:38} {figures}  {mark} {limit or 'read'}: {outcome[:90]}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
