"""Benchmarks: ``python benchmarks/run.py [--quick] [--only NAME ...]``.

Every figure is measured end to end, as a user calls the library (``gr.read`` of the file's bytes,
interpretation and validation included), as the **median** of **interleaved** repetitions: each
repetition runs the baseline and then the measured work on the same inputs, so a shared machine that
changes speed over seconds slows both alike. Single-process figures are CPU time of this process (one
core); start-up figures are the wall time of a fresh interpreter. Each line prints the figure, its
baseline where it has one, the goal, and whether the goal is met. Goals are checked here, never in
unit tests.

Benchmarks (``--only`` takes these names): ``validate``, ``text``, ``html``, ``docx``, ``pdf``,
``series``, ``startup``, ``batch`` (``benchmarks/batch.py``: 1 vs 2 workers, memory of all processes
as the corpus grows).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import NonInteractiveExampleWarning

import govinfo_report as gr
from govinfo_report import AnnualReport, build_report, validate, validate_series
from govinfo_report.model import NarrativeSection
from govinfo_report.testing.render import render_text
from govinfo_report.testing.strategies import reports, series
from govinfo_report.values import CellState, parse_cell_text

warnings.simplefilter("ignore", NonInteractiveExampleWarning)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared"
BENCHMARKS = ("validate", "text", "html", "docx", "pdf", "series", "startup", "batch")

T = TypeVar("T")


# ---------------------------------------------------------------- measuring


def sample(strategy: Any, count: int) -> list[Any]:
    """``count`` draws from a strategy, the same ones on every run (derandomised)."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        if len(drawn) < count:
            drawn.append(value)

    collect()
    return drawn


def cpu_seconds(function: Callable[[T], object], batch: T) -> float:
    start = time.process_time()
    function(batch)
    return time.process_time() - start


def interleaved(
    baseline: Callable[[T], object] | None,
    function: Callable[[T], object],
    make_batch: Callable[[], T],
    repeat: int,
) -> tuple[float | None, float]:
    """Median CPU seconds of a baseline and of the measured work, alternated repetition by
    repetition (and their order swapped every other time) on fresh batches."""
    floors: list[float] = []
    runs: list[float] = []
    for round_ in range(repeat):
        order: list[tuple[list[float], Callable[[T], object]]] = [(runs, function)]
        if baseline is not None:
            order.insert(0, (floors, baseline))
        if round_ % 2:
            order.reverse()
        for timings, target in order:
            timings.append(cpu_seconds(target, make_batch()))
    return (statistics.median(floors) if floors else None), statistics.median(runs)


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def report_line(name: str, figure: str, goal: str, met: bool, detail: str = "") -> None:
    print(f"{name}: {figure}; goal {goal}: {verdict(met)}" + (f" ({detail})" if detail else ""))


# ---------------------------------------------------------------- inputs


def fresh(pool: Sequence[AnnualReport], rounds: int) -> list[AnnualReport]:
    """New objects, so nothing a report caches about itself survives from an earlier timing, and
    every report with prose a distinct document (see :func:`as_another_document`): the pool
    repeats its real reports, and a user validates each document once."""
    return [
        as_another_document(report, number)
        for number, report in enumerate(report for _ in range(rounds) for report in pool)
    ]


def as_another_document(report: AnnualReport, number: int) -> AnnualReport:
    """A copy of the report whose prose is not equal to the original's: a section without a title
    holding only ``number`` added at the end. Its findings are the original's (checked by
    :func:`validation_pool`), but no cache keyed on the prose (the narrative rule parses each
    distinct prose once) carries work from one copy of a real report to the next."""
    if not report.narrative:
        return attrs.evolve(report)
    extra = NarrativeSection("", f"({number})")
    return attrs.evolve(report, narrative=(*report.narrative, extra))


def with_one_wrong_cell(report: AnnualReport, rng: random.Random) -> AnnualReport:
    """The report with one number of section 三 or 四 changed: what a published error looks like."""
    keys = [
        spec.key
        for spec, cell in report.cells()
        if cell.state is CellState.NUMBER and spec.key.startswith(("applications.", "reviews."))
    ]
    cells = report.cell_map()
    key = rng.choice(keys)
    cells[key] = parse_cell_text(str(int(report.cell(key).value or 0) + rng.randint(1, 9)))
    rebuilt, _ = build_report(report.edition, cells, meta=report.meta, narrative=report.narrative)
    return rebuilt


def real_documents() -> list[Path]:
    """Real reports the repository or ``../shared`` holds (documents, not truth files)."""
    folders = [
        REPO / "tests" / "corpus",
        SHARED / "corpus" / "real",
        SHARED / "corpus" / "seeds",
        SHARED / "corpus-next",
    ]
    suffixes = {".txt", ".md", ".html", ".docx", ".pdf"}
    return [
        path
        for folder in folders
        if folder.is_dir()
        for path in sorted(folder.iterdir())
        if path.suffix in suffixes and path.name != "README.md"
    ]


def validation_pool(generated: Sequence[AnnualReport]) -> tuple[list[AnnualReport], str]:
    """Reports as validation meets them: the real ones (with whatever findings they carry),
    generated ones with one published error, and clean generated ones, in equal parts."""
    real = []
    for path in real_documents():
        try:
            real.append(gr.read(path).report)
        except gr.ReportReadError:
            continue
    rng = random.Random(7)
    half = len(generated) // 2
    damaged = [with_one_wrong_cell(report, rng) for report in generated[:half]]
    clean = list(generated[half:])
    # Real reports repeated so they weigh as much as each generated group.
    repeats = max(1, half // max(1, len(real)))
    pool = real * repeats + damaged + clean
    for number, report in enumerate(pool):
        if validate(as_another_document(report, number)) != validate(report):
            raise AssertionError(f"a copy of {report.source} has other findings than it")
    with_findings = sum(
        1 for report in pool if any(f.severity.value != "info" for f in validate(report))
    )
    description = (
        f"{len(real)} real reports x{repeats}, {len(damaged)} with one wrong cell, "
        f"{len(clean)} clean; {with_findings / len(pool):.0%} have findings"
    )
    return pool, description


# ---------------------------------------------------------------- benchmarks


def bench_validate(generated: Sequence[AnnualReport], rounds: int) -> None:
    pool, description = validation_pool(generated)

    def run(batch: list[AnnualReport]) -> None:
        for report in batch:
            validate(report)

    _, elapsed = interleaved(None, run, lambda: fresh(pool, rounds), repeat=7)
    rate = len(pool) * rounds / elapsed
    report_line(
        "validate", f"{rate:,.0f} reports/s on one core", ">= 10,000", rate >= 10_000, description
    )


def read_and_validate(batch: list[tuple[bytes, str]]) -> None:
    for data, name in batch:
        validate(gr.read(data, name=name).report)


def bench_text(generated: Sequence[AnnualReport], rounds: int) -> None:
    for layout in ("cell_per_line", "tab_rows", "markdown"):
        texts = [(render_text(r, layout).encode("utf-8"), "r.txt") for r in generated] * rounds
        _, elapsed = interleaved(None, read_and_validate, lambda texts=texts: texts, repeat=5)
        rate = len(texts) / elapsed
        report_line(
            f".txt read + validate ({layout})",
            f"{rate:,.0f} reports/s on one core ({elapsed / len(texts) * 1000:.2f} ms each)",
            ">= 400 reports/s",
            rate >= 400,
        )


def bench_html(generated: Sequence[AnnualReport]) -> None:
    pages = [(gr.write(report, "html"), "r.html") for report in generated]
    _, elapsed = interleaved(None, read_and_validate, lambda: pages, repeat=5)
    rate = len(pages) / elapsed
    report_line(
        ".html read + validate",
        f"{rate:,.0f} reports/s on one core ({elapsed / len(pages) * 1000:.2f} ms each)",
        ">= 200 reports/s",
        rate >= 200,
    )


def bench_docx(generated: Sequence[AnnualReport]) -> None:
    """``gr.read`` of a docx against a bare ``zipfile`` + ``lxml.etree.fromstring`` of its
    ``word/document.xml`` (the least any docx reader must do)."""
    from lxml import etree

    sets: dict[str, list[tuple[bytes, str]]] = {
        "written by our docx writer": [(gr.write(report, "docx"), "r.docx") for report in generated]
    }
    for label, path in (
        ("WPS-like fixture", FIXTURES / "wps-odd-merges-2022.docx"),
        ("official template (real file)", SHARED / "corpus" / "real" / "blank-template-2021.docx"),
    ):
        if path.exists():
            sets[label] = [(path.read_bytes(), "r.docx")] * 20

    def bare_parse(batch: list[tuple[bytes, str]]) -> None:
        for data, _ in batch:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                etree.fromstring(archive.read("word/document.xml"))

    def ours(batch: list[tuple[bytes, str]]) -> None:
        for data, name in batch:
            gr.read(data, name=name)

    for label, files in sets.items():
        floor, elapsed = interleaved(bare_parse, ours, lambda files=files: files, repeat=7)
        assert floor is not None
        ratio = elapsed / floor
        report_line(
            f"docx gr.read, {label}",
            f"{elapsed / len(files) * 1000:.2f} ms per file, {ratio:.2f}x zipfile+lxml",
            "<= 2x",
            ratio <= 2,
        )


def bench_pdf() -> None:
    """``gr.read`` of a PDF against pdfplumber's ``extract_tables()`` on every page."""
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    files = {"12-page report (LibreOffice)": FIXTURES / "lo-long-2021.pdf"}
    if (SHARED / "corpus" / "real" / "huaian-2024.pdf").exists():
        files["6-page real report (淮安 2024)"] = SHARED / "corpus" / "real" / "huaian-2024.pdf"
    for label, path in files.items():
        data = path.read_bytes()
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)

        def every_page(batch: list[bytes]) -> None:
            for item in batch:
                with pdfplumber.open(io.BytesIO(item)) as pdf:
                    for page in pdf.pages:
                        page.extract_tables()

        def ours(batch: list[bytes]) -> None:
            for item in batch:
                gr.read(item, name="r.pdf")

        floor, elapsed = interleaved(every_page, ours, lambda data=data: [data], repeat=5)
        assert floor is not None
        speedup = floor / elapsed
        report_line(
            f"pdf gr.read, {label}",
            f"{elapsed / pages * 1000:.1f} ms per page, {speedup:.1f}x faster than extract_tables()",
            ">= 3x",
            speedup >= 3,
        )


def bench_series(chains: Sequence[list[AnnualReport]], sizes: Sequence[int]) -> None:
    per_report: dict[int, float] = {}
    for size in sizes:
        pool: list[AnnualReport] = []
        agency = 0
        while len(pool) < size:
            for chain in chains:
                agency += 1
                for report in chain:
                    meta = attrs.evolve(report.meta, agency=f"机关{agency}")
                    pool.append(attrs.evolve(report, meta=meta))
        pool = pool[:size]
        _, elapsed = interleaved(None, validate_series, lambda pool=pool: pool, repeat=3)
        per_report[size] = elapsed / size
        growth = per_report[size] / per_report[sizes[0]]
        report_line(
            f"validate_series, {size:>6} reports",
            f"{per_report[size] * 1e6:.1f} µs per report, {growth:.2f}x the time at {sizes[0]}",
            "linear (<= 1.5x per report)",
            growth <= 1.5,
        )


def bench_startup(repeat: int) -> None:
    """A fresh interpreter's CPU time (user + system, so a busy machine does not inflate it):
    ``import govinfo_report`` against ``python -c pass``, and the command's ``--version``."""
    import resource

    script = Path(sys.executable).with_name("govinfo-report")
    commands = {
        "bare interpreter": [sys.executable, "-c", "pass"],
        "import govinfo_report": [sys.executable, "-c", "import govinfo_report"],
        "govinfo-report --version": [str(script), "--version"],
    }

    def child_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    # As installed, the modules are compiled once (pip writes the .pyc files): an environment
    # that forbids writing them (PYTHONDONTWRITEBYTECODE) would time the compiler on every start.
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for command in commands.values():  # warm-up: writes the .pyc files, fills the OS cache
        subprocess.run(command, check=True, capture_output=True, env=environment)
    timings: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            before = child_cpu()
            subprocess.run(command, check=True, capture_output=True, env=environment)
            timings[name].append(child_cpu() - before)
    median = {name: statistics.median(values) * 1000 for name, values in timings.items()}
    bare = median["bare interpreter"]
    imported = median["import govinfo_report"]
    report_line(
        "import govinfo_report",
        f"{imported - bare:.0f} ms CPU over a bare interpreter ({imported:.0f} ms in all)",
        "<= 60 ms",
        imported - bare <= 60,
    )
    report_line(
        "govinfo-report --version",
        f"{median['govinfo-report --version']:.0f} ms CPU",
        "<= 80 ms",
        median["govinfo-report --version"] <= 80,
        f"a bare interpreter takes {bare:.0f} ms",
    )


def bench_batch(quick: bool) -> None:
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("batch.py"))]
        + (["--reports", "200"] if quick else []),
        check=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    parser.add_argument(
        "--only", nargs="+", choices=BENCHMARKS, metavar="NAME", help="run only these benchmarks"
    )
    args = parser.parse_args(argv)
    chosen = set(args.only or BENCHMARKS)
    quick = args.quick
    generated = sample(reports(single_other_row=None), 40 if quick else 200)
    if "validate" in chosen:
        bench_validate(generated, rounds=2 if quick else 10)
    if "text" in chosen:
        bench_text(generated[:50], rounds=1 if quick else 4)
    if "html" in chosen:
        bench_html(generated[: 20 if quick else 60])
    if "docx" in chosen:
        bench_docx(generated[: 20 if quick else 60])
    if "pdf" in chosen:
        bench_pdf()
    if "series" in chosen:
        chains = sample(series(min_years=3, max_years=5), 10 if quick else 40)
        bench_series(chains, (100, 1000) if quick else (100, 1000, 10000))
    if "startup" in chosen:
        bench_startup(repeat=5 if quick else 21)
    if "batch" in chosen:
        bench_batch(quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
