"""Batch a corpus into one SQLite database: read in worker processes, store every cell and finding,
resume by file hash, then check every agency's series across years.

The database is plain SQLite (standard library) so users can query it with ``sqlite3`` or pandas:

- ``files``: one row per input file: path, sha256, size, reader, outcome (``ok`` / ``error``), the
  error, metadata, the report as JSON (``report_json``, the library's lossless form).
- ``cells``: one row per cell: path, key, value (as in the cells export, exact text), number (for
  arithmetic in SQL), raw text, state, kind, page.
- ``findings``: reading and validation findings of each file.
- ``series_findings``: cross-year findings, rebuilt after every batch.

Each file is committed in its own transaction, so a crash or a kill loses at most the files in
flight; the next run skips files whose path and hash are already stored.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .errors import ReportReadError
from .limits import Limits, current_limits, time_budget, using_limits, with_command_budget

__all__ = ["SCHEMA", "BatchSummary", "FileResult", "discover", "process_file", "run_batch"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    reader TEXT,
    outcome TEXT NOT NULL,
    error TEXT,
    edition TEXT,
    year INTEGER,
    agency TEXT,
    title TEXT,
    document_number TEXT,
    date_of_issue TEXT,
    report_json TEXT,
    read_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cells (
    path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT,
    number NUMERIC,
    raw TEXT,
    state TEXT NOT NULL,
    kind TEXT NOT NULL,
    page INTEGER,
    PRIMARY KEY (path, key)
);
CREATE TABLE IF NOT EXISTS findings (
    path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    message_en TEXT NOT NULL,
    cells TEXT NOT NULL,
    expected TEXT,
    actual TEXT,
    rule TEXT,
    place TEXT
);
CREATE TABLE IF NOT EXISTS series_findings (
    agency TEXT,
    year INTEGER,
    related_year INTEGER,
    path TEXT,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    message_en TEXT NOT NULL,
    cells TEXT NOT NULL,
    expected TEXT,
    actual TEXT,
    rule TEXT
);
CREATE INDEX IF NOT EXISTS findings_code ON findings(code);
CREATE INDEX IF NOT EXISTS cells_key ON cells(key);
"""

SKIPPED_NAMES = frozenset({".DS_Store", "Thumbs.db"})


@dataclass
class FileResult:
    """What a worker sends back for one file (plain data, so it crosses process boundaries)."""

    path: str
    sha256: str
    size: int
    outcome: str
    reader: str | None = None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    report_json: str | None = None
    cells: list[tuple[str, str | None, str | None, str, str, str, int | None]] = field(
        default_factory=list
    )
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BatchSummary:
    """Counts of one batch run."""

    discovered: int = 0
    skipped: int = 0
    read: int = 0
    errors: int = 0
    failing_reports: int = 0
    series_findings: int = 0
    failing_series: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.discovered} files: {self.read} read, {self.skipped} unchanged and skipped, "
            f"{self.errors} unreadable; {self.failing_reports} with errors or inconsistencies; "
            f"{self.series_findings} cross-year findings, {self.failing_series} of them "
            f"inconsistencies ({self.seconds:.1f} s)"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def discover(
    roots: Iterable[Path], suffixes: Iterable[str], exclude: Iterable[Path] = ()
) -> list[Path]:
    """Files under ``roots`` whose names end with one of ``suffixes``, sorted, without duplicates."""
    endings = tuple(s.lower() for s in suffixes)
    excluded = {p.resolve() for p in exclude}
    found: set[Path] = set()
    for root in roots:
        candidates = [root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())
        for path in candidates:
            if path.name in SKIPPED_NAMES or path.name.startswith("."):
                continue
            if path.name.lower().endswith(endings) and path.resolve() not in excluded:
                found.add(path)
    return sorted(found)


def process_file(path_text: str, limits: Limits | None = None) -> FileResult:
    """Read, validate and flatten one file. Runs in a worker; never raises for a bad file."""
    with using_limits(with_command_budget(limits or current_limits())):
        return _process_file(path_text)


def _process_file(path_text: str) -> FileResult:
    path = Path(path_text)
    try:
        sha, size = _sha256(path), path.stat().st_size
    except OSError as exc:
        return FileResult(path_text, "", 0, "error", error=f"cannot open: {exc}")
    try:
        # The same budget as read()'s, around reading and checking: the first to end decides.
        with time_budget(current_limits().max_seconds, path_text):
            return _process(path, path_text, sha, size)
    except ReportReadError as exc:
        return FileResult(path_text, sha, size, "error", error=str(exc))


def _process(path: Path, path_text: str, sha: str, size: int) -> FileResult:
    from . import ReportReadError, read, to_cells, to_json, validate
    from .serialize import findings_to_data

    try:
        result = read(path)
        report = result.report
        findings = [*result.findings, *validate(report)]
        flat = to_cells(report)["cells"]
        cells = []
        for spec, cell in report.cells():
            if spec.key not in flat:
                continue
            value = flat[spec.key]
            page = cell.provenance.page if cell.provenance is not None else None
            cells.append(
                (
                    spec.key,
                    None if value is None else str(value),
                    None if cell.value is None else str(cell.value),
                    cell.raw,
                    cell.state.value,
                    spec.kind.value,
                    page,
                )
            )
        meta = report.meta
        return FileResult(
            path_text,
            sha,
            size,
            "ok",
            reader=result.reader,
            meta={
                "edition": report.edition.value,
                "year": meta.year,
                "agency": meta.agency,
                "title": meta.title,
                "document_number": meta.document_number,
                "date_of_issue": meta.date_of_issue.isoformat() if meta.date_of_issue else None,
            },
            report_json=to_json(report, indent=None),
            cells=cells,
            findings=findings_to_data(findings),
        )
    except ReportReadError as exc:
        return FileResult(path_text, sha, size, "error", error=str(exc))
    except Exception as exc:  # a reader bug must not stop the batch; it is recorded with the file
        return FileResult(path_text, sha, size, "error", error=f"unexpected {exc!r}")


def connect(database: Path) -> sqlite3.Connection:
    """Open (and create) the batch database."""
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.executescript(SCHEMA)
    return connection


def _known(connection: sqlite3.Connection) -> dict[str, str]:
    return dict(connection.execute("SELECT path, sha256 FROM files"))


def _place(finding: dict[str, Any]) -> str | None:
    source = finding.get("source")
    if not source:
        return None
    parts = [f"{k}={source[k]}" for k in ("page", "line", "table", "row", "column") if k in source]
    return " ".join(parts) or None


def store(connection: sqlite3.Connection, result: FileResult) -> None:
    """Replace everything stored for one file, in one transaction."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    meta = result.meta
    with connection:
        connection.execute("DELETE FROM files WHERE path = ?", (result.path,))
        connection.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                result.path,
                result.sha256,
                result.size,
                result.reader,
                result.outcome,
                result.error,
                meta.get("edition"),
                meta.get("year"),
                meta.get("agency"),
                meta.get("title"),
                meta.get("document_number"),
                meta.get("date_of_issue"),
                result.report_json,
                now,
            ),
        )
        connection.executemany(
            "INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(result.path, *cell) for cell in result.cells],
        )
        connection.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    result.path,
                    f["code"],
                    f["severity"],
                    f["message"],
                    f["message_en"],
                    json.dumps(f.get("cells", []), ensure_ascii=False),
                    None if f.get("expected") is None else str(f["expected"]),
                    None if f.get("actual") is None else str(f["actual"]),
                    f.get("rule"),
                    _place(f),
                )
                for f in result.findings
            ],
        )


def check_series(connection: sqlite3.Connection, aliases: dict[str, str] | None = None) -> int:
    """Run the cross-year rules over every stored report; replaces ``series_findings``.

    Only metadata is read for the whole corpus; the reports themselves are loaded one agency's
    series at a time, so memory stays bounded by the longest series, not the corpus.
    """
    from . import from_json, validate_series
    from .serialize import findings_to_data
    from .validation import normalise_agency

    alias_map = {normalise_agency(k): normalise_agency(v) for k, v in (aliases or {}).items()}

    def series_key(agency: str | None) -> str:
        name = normalise_agency(agency or "")
        return alias_map.get(name, name)

    groups: dict[str, list[str]] = {}
    unplaced: list[str] = []
    rows = connection.execute(
        "SELECT path, agency, year FROM files WHERE outcome = 'ok' AND report_json IS NOT NULL "
        "ORDER BY path"
    )
    for path, agency, year in rows:
        if not agency or year is None:
            unplaced.append(path)
        else:
            groups.setdefault(series_key(agency), []).append(path)
    count = 0
    with connection:
        connection.execute("DELETE FROM series_findings")
        for members in [*groups.values(), *([unplaced] if unplaced else [])]:
            reports = []
            paths: dict[int, str] = {}
            for path in members:
                (text,) = connection.execute(
                    "SELECT report_json FROM files WHERE path = ?", (path,)
                ).fetchone()
                report = from_json(text, source=path)
                reports.append(report)
                if report.meta.year is not None:
                    paths.setdefault(report.meta.year, path)
            findings = validate_series(reports, aliases=aliases)
            for finding, item in zip(findings, findings_to_data(findings), strict=True):
                path = paths.get(finding.year or 0) if finding.agency else None
                connection.execute(
                    "INSERT INTO series_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        finding.agency,
                        finding.year,
                        finding.related_year,
                        path,
                        finding.code,
                        finding.severity.value,
                        finding.message,
                        finding.message_en,
                        json.dumps(list(finding.cells), ensure_ascii=False),
                        None if item.get("expected") is None else str(item["expected"]),
                        None if item.get("actual") is None else str(item["actual"]),
                        finding.rule,
                    ),
                )
            count += len(findings)
    return count


Submit = Callable[[Sequence[str]], Iterator[FileResult]]


def local_executor(workers: int, limits: Limits | None = None) -> Submit:
    """Worker processes on this machine (``workers`` 1: in this process)."""
    chosen = limits or current_limits()

    def run(paths: Sequence[str]) -> Iterator[FileResult]:
        if workers <= 1:
            yield from (process_file(p, chosen) for p in paths)
            return
        done: set[str] = set()
        try:
            with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {pool.submit(process_file, p, chosen): p for p in paths}
                for future in concurrent.futures.as_completed(futures):
                    result = future.result()
                    done.add(futures[future])
                    yield result
        except concurrent.futures.process.BrokenProcessPool:
            # A worker died inside a parser. Which file killed it is unknown, so the files not
            # finished are retried one per process: only the culprit is recorded as a crash.
            for path in (p for p in paths if p not in done):
                yield _isolated(path, chosen)

    return run


def _isolated(path: str, limits: Limits) -> FileResult:
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(process_file, path, limits).result()
    except concurrent.futures.process.BrokenProcessPool:
        return FileResult(path, "", 0, "error", error="the worker process crashed on this file")


def dask_executor(address: str | None, limits: Limits | None = None) -> Submit:
    """The same work on a Dask cluster (``pip install 'govinfo-report[dask]'``)."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("the dask executor needs: pip install 'govinfo-report[dask]'") from exc

    def run(paths: Sequence[str]) -> Iterator[FileResult]:
        with Client(address) if address else Client(processes=True, n_workers=2) as client:
            chosen = limits or current_limits()
            futures = [client.submit(process_file, p, chosen, pure=False) for p in paths]
            for future in as_completed(futures):
                yield future.result()

    return run


def _progress(stream: TextIO, done: int, total: int, path: str) -> None:
    stream.write(f"\r[{done}/{total}] {path[-60:]:<60}")
    stream.flush()


def run_batch(
    roots: Sequence[Path],
    database: Path,
    *,
    submit: Submit,
    aliases: dict[str, str] | None = None,
    suffixes: Iterable[str] | None = None,
    progress: TextIO | None = None,
) -> BatchSummary:
    """Read every file under ``roots`` into ``database`` and check the series; see the module."""
    from .plugins import registry

    started = time.perf_counter()
    endings = suffixes or sorted({s for r in registry().readers.values() for s in r.suffixes})
    files = discover(roots, endings, exclude=[database])
    summary = BatchSummary(discovered=len(files))
    connection = connect(database)
    try:
        known = _known(connection)
        todo: list[str] = []
        for path in files:
            text = str(path)
            if text in known and known[text] == _sha256(path):
                summary.skipped += 1
            else:
                todo.append(text)
        show = progress if progress is not None and progress.isatty() else None
        for count, result in enumerate(submit(todo), start=1):
            store(connection, result)
            summary.read += 1
            if result.outcome != "ok":
                summary.errors += 1
            if show is not None:
                _progress(show, count, len(todo), result.path)
        if show is not None:
            show.write("\n")
        summary.series_findings = check_series(connection, aliases)
        summary.failing_reports = connection.execute(
            "SELECT COUNT(DISTINCT path) FROM findings WHERE severity IN ('error', 'inconsistency')"
        ).fetchone()[0]
        summary.failing_series = connection.execute(
            "SELECT COUNT(*) FROM series_findings WHERE severity IN ('error', 'inconsistency')"
        ).fetchone()[0]
    finally:
        connection.close()
    summary.seconds = time.perf_counter() - started
    return summary


def default_workers() -> int:
    """One worker per core, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))
