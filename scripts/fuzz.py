"""Fuzz the readers for a while: ``python scripts/fuzz.py --minutes 10 [--seed N] [--atheris]``.

First it reads every structural bomb of ``govinfo_report.testing.bombs`` (small files that cost a
naive reader gigabytes or minutes), each in a child process capped at ``--seconds`` and
``--memory-mb``; a bomb that is not refused or read within both caps fails the run. Then it
mutates valid inputs of every format (the bundled samples and the test fixtures) with the
corruptions of ``govinfo_report.testing.corrupt`` and reads them, each under a time budget of
``--seconds`` (``Limits.max_seconds``). The contract: ``read`` returns a report or raises
``ReportReadError``. Anything else is a crash: the input is saved under ``fuzz-crashes/`` and the
script exits 1. At the end it prints what it tried.
"""

from __future__ import annotations

import argparse
import collections
import logging
import random
import sys
import time
import traceback
from pathlib import Path

import govinfo_report as gr
from govinfo_report.limits import Limits
from govinfo_report.testing.bombs import BOMBS, read_in_child
from govinfo_report.testing.corrupt import CORRUPTIONS, corrupt

ROOT = Path(__file__).resolve().parents[1]


def seeds() -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for folder in (ROOT / "examples" / "reports", ROOT / "tests" / "fixtures"):
        for path in sorted(folder.iterdir()):
            if path.suffix in {".txt", ".html", ".docx", ".pdf", ".json", ".csv", ".md"}:
                found[path.name] = path.read_bytes()
    return found


def attempt(data: bytes, name: str, seconds: float = 0) -> str:
    try:
        gr.read(data, name=name, limits=Limits(max_seconds=seconds))
    except gr.ReportReadError as exc:
        return "over time" if "max_seconds" in str(exc) else "read error"
    return "report"


def run_bombs(seconds: float, memory_mb: int) -> int:
    """Read every structural bomb in a child process under both caps; the number that failed."""
    failed = 0
    for name in sorted(BOMBS):
        result = read_in_child(name, memory_mb=memory_mb, seconds=seconds)
        outcome = str(result["outcome"])
        good = outcome == "report" or outcome.startswith("refused")
        failed += not good
        where = (
            f"{result['bytes']} B, {result['seconds']:.1f} s, {result['peak_mb']:.0f} MB peak"
            if "seconds" in result
            else ""
        )
        print(f"  bomb {name:36} {where:34} {outcome[:110]}")
    return failed


def run_atheris(inputs: dict[str, bytes]) -> int:  # pragma: no cover - optional tool
    import atheris

    names = sorted(inputs)

    def one(data: bytes) -> None:
        if not data:
            return
        name = names[data[0] % len(names)]
        attempt(data[1:], name)

    atheris.Setup(sys.argv[:1], one)
    atheris.Fuzz()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--atheris", action="store_true", help="coverage-guided, if installed")
    parser.add_argument("--seconds", type=float, default=60.0, help="time cap per input")
    parser.add_argument("--memory-mb", type=int, default=2048, help="memory cap per bomb")
    parser.add_argument("--no-bombs", action="store_true", help="skip the structural bombs")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    bombs_failed = 0 if args.no_bombs else run_bombs(args.seconds, args.memory_mb)
    inputs = seeds()
    if args.atheris:
        return run_atheris(inputs)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    deadline = time.monotonic() + args.minutes * 60
    tried: collections.Counter[tuple[str, str, str]] = collections.Counter()
    crashes = 0
    slowest = (0.0, "")
    while time.monotonic() < deadline:
        name = rng.choice(sorted(inputs))
        how = rng.choice(sorted(CORRUPTIONS))
        case = rng.randrange(2**32)
        data = corrupt(inputs[name], how, case)
        started = time.perf_counter()
        try:
            outcome = attempt(data, name, args.seconds)
        except Exception:  # the contract was broken: keep the input
            outcome = "CRASH"
            crashes += 1
            folder = ROOT / "fuzz-crashes"
            folder.mkdir(exist_ok=True)
            (folder / f"{how}-{case}-{name}").write_bytes(data)
            traceback.print_exc()
        elapsed = time.perf_counter() - started
        slowest = max(slowest, (elapsed, f"{how} #{case} of {name}"))
        kind = name.rsplit(".", 1)[-1]
        tried[(kind, how, outcome)] += 1
    total = sum(tried.values())
    print(f"fuzzed {total} inputs in {args.minutes:g} min (seed {seed}); crashes: {crashes}")
    for (kind, how, outcome), count in sorted(tried.items()):
        print(f"  {kind:5} {how:20} {outcome:10} {count}")
    print(f"slowest: {slowest[0] * 1000:.0f} ms ({slowest[1]})")
    if bombs_failed:
        print(f"bombs over a cap or crashing: {bombs_failed}")
    return 1 if crashes or bombs_failed else 0


if __name__ == "__main__":
    sys.exit(main())
