"""Fuzz the readers for a while: ``python scripts/fuzz.py --minutes 10 [--seed N] [--atheris]``.

Mutates valid inputs of every format (the bundled samples and the test fixtures) with the
corruptions of ``govinfo_report.testing.corrupt`` and reads them. The contract: ``read`` returns a
report or raises ``ReportReadError``. Anything else is a crash: the input is saved under
``fuzz-crashes/`` and the script exits 1. At the end it prints what it tried.
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
from govinfo_report.testing.corrupt import CORRUPTIONS, corrupt

ROOT = Path(__file__).resolve().parents[1]


def seeds() -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for folder in (ROOT / "examples" / "reports", ROOT / "tests" / "fixtures"):
        for path in sorted(folder.iterdir()):
            if path.suffix in {".txt", ".html", ".docx", ".pdf", ".json", ".csv", ".md"}:
                found[path.name] = path.read_bytes()
    return found


def attempt(data: bytes, name: str) -> str:
    try:
        gr.read(data, name=name)
    except gr.ReportReadError:
        return "read error"
    return "report"


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
    args = parser.parse_args()
    logging.disable(logging.WARNING)
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
            outcome = attempt(data, name)
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
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
