"""Batch a corpus into one SQLite database: read in worker processes, store every cell and finding,
resume by content, then check every agency's series across years.

The database is plain SQLite (standard library) so users can query it with ``sqlite3`` or pandas:

- ``files``: one row per file met under the roots: path (absolute; bytes that are not UTF-8 shown
  as ``\\xNN``, the exact bytes in ``path_bytes``), sha256, size, reader, outcome (``ok``,
  ``error``, or ``unsupported`` when no installed reader reads the file), the error or reason,
  metadata, the report as JSON (``report_json``, the library's lossless form), and the
  ``error_code`` of a file that could not be read (see the read errors reference).
- ``cells``: one row per cell: path, key, value (as in the cells export, exact text), number (for
  arithmetic in SQL), raw text, state, kind, page.
- ``findings``: reading and validation findings of each file.
- ``series_findings``: cross-year findings, rebuilt after every batch from the stored cells; ``paths``
  lists the files involved.

With more than one local worker, each worker process commits the files it reads, a group of
:data:`STORING_CHUNK_FILES` at a time (SQLite's WAL lets one write while the others read; a lock is
waited on for the busy timeout), and the batch process only hands out files, counts what is
committed and shows progress. Otherwise (one worker, Dask) workers hand back rows ready to insert
and the batch process commits them in groups (at least every :data:`COMMIT_SECONDS`), flushing the
group on any error or interrupt. Either way a group is one transaction holding whole files, so a
crash or a kill -9 loses no committed file, and what was not committed is read again by the next run,
which skips files whose content is already stored under the same absolute path and recognises a
moved file by its hash.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import datetime
import hashlib
import itertools
import json
import multiprocessing
import operator
import os
import signal
import sqlite3
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from .errors import ReportReadError
from .limits import Limits, current_limits, time_budget, using_limits, with_command_budget
from .progress import Progress, ProgressCallback, on_progress

__all__ = [
    "SCHEMA",
    "BatchSummary",
    "FileResult",
    "LocalExecutor",
    "StorageError",
    "connect",
    "dask_executor",
    "default_workers",
    "discover",
    "local_executor",
    "path_key",
    "process_file",
    "run_batch",
]

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
    read_at TEXT NOT NULL,
    path_bytes BLOB,
    error_code TEXT
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
    place TEXT,
    fingerprint TEXT
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
    rule TEXT,
    paths TEXT,
    fingerprint TEXT
);
CREATE INDEX IF NOT EXISTS findings_code ON findings(code);
CREATE INDEX IF NOT EXISTS findings_fingerprint ON findings(fingerprint);
CREATE INDEX IF NOT EXISTS findings_path ON findings(path);
CREATE INDEX IF NOT EXISTS cells_key ON cells(key);
CREATE INDEX IF NOT EXISTS files_sha256 ON files(sha256);
"""

# Columns added after the first release: an older database gains them on open.
_ADDED_COLUMNS = (
    ("files", "path_bytes", "BLOB"),
    ("series_findings", "paths", "TEXT"),
    ("findings", "fingerprint", "TEXT"),
    ("series_findings", "fingerprint", "TEXT"),
    ("files", "error_code", "TEXT"),
)

SKIPPED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})

BUSY_TIMEOUT = 60.0
"""Seconds a batch or an export waits for a database another program holds locked."""

COMMIT_FILES = 64
COMMIT_SECONDS = 1.0
"""A group of stored files is committed at this many files or after this many seconds."""

RECYCLE_FILES = 1000
"""A worker process reads at most this many files, then a fresh one takes over, so what native
libraries keep between files cannot accumulate over a large corpus."""

CONFIDENT_SNIFF = 0.3
"""A file no reader claims by suffix is read only when a reader's sniff is at least this sure."""

_FILE_COLUMNS = (
    "path, sha256, size, reader, outcome, error, edition, year, agency, title, document_number, "
    "date_of_issue, report_json, read_at, path_bytes, error_code"
)

CellRow = tuple[str, str, str | None, str | None, str, str, str, int | None]
FindingRow = tuple[
    str, str, str, str, str, str, str | None, str | None, str | None, str | None, str
]


class StorageError(Exception):
    """The database or an export file cannot be used: one line naming the file and the cause."""


@dataclass
class FileResult:
    """What a worker sends back for one file: rows ready to insert (plain data, so it crosses
    process boundaries cheaply)."""

    path: str
    sha256: str
    size: int
    outcome: str
    reader: str | None = None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    report_json: str | None = None
    cells: list[CellRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    path_bytes: bytes | None = None
    error_code: str | None = None
    """The :attr:`~govinfo_report.ReportReadError.code` of an unreadable file."""
    stored: bool = False
    """Already committed by the worker process that read it: only the path, the outcome and the
    counts' fields are filled (the rows are in the database, not here)."""

    def __reduce__(self) -> tuple[Any, ...]:
        # The fields as a tuple: less to pickle and unpickle than the instance's dictionary.
        return (FileResult, _result_fields(self))


_result_fields = operator.attrgetter(*(f.name for f in fields(FileResult)))


@dataclass
class BatchSummary:
    """Counts of one batch run. ``read`` counts the files processed in this run: ``ok`` of them were
    read, ``errors`` could not be read, ``unsupported`` are in no format an installed reader reads."""

    discovered: int = 0
    skipped: int = 0
    read: int = 0
    ok: int = 0
    errors: int = 0
    unsupported: int = 0
    moved: int = 0
    failing_reports: int = 0
    series_findings: int = 0
    failing_series: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.discovered} files: {self.read} processed ({self.ok} read, {self.errors} "
            f"unreadable, {self.unsupported} in no supported format), {self.skipped} unchanged and "
            f"skipped; {self.failing_reports} with errors or inconsistencies; "
            f"{self.series_findings} cross-year findings, {self.failing_series} of them "
            f"inconsistencies ({self.seconds:.1f} s)"
        )

    def line_zh(self) -> str:
        return (
            f"共 {self.discovered} 个文件：本次处理 {self.read} 个（读出 {self.ok} 个，无法读取 "
            f"{self.errors} 个，格式不支持 {self.unsupported} 个），未变跳过 {self.skipped} 个；"
            f"{self.failing_reports} 份报告有错误或不一致；跨年核对发现 {self.series_findings} 项"
            f"（其中不一致 {self.failing_series} 项），用时 {self.seconds:.1f} 秒"
        )


# ---- paths and names


def path_key(path: str) -> str:
    """The stored form of a path: itself when it is valid Unicode, else its bytes with those that
    are not UTF-8 written ``\\xNN`` (the exact bytes go to ``path_bytes``)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


def _path_bytes(path: str) -> bytes | None:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return None


def readable(path: str) -> str:
    """A path for people: a name that is not UTF-8 is shown as GB18030 (what Chinese archives
    use) when it decodes as such, else with ``\\xNN`` escapes."""
    raw = os.fsencode(path)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace")


def _clean(text: str) -> str:
    """Text safe for SQLite: surrogates left by undecodable file names become ``\\xNN``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _companions(database: Path) -> set[Path]:
    resolved = database.resolve()
    return {resolved, *(Path(f"{resolved}{end}") for end in ("-wal", "-shm", "-journal"))}


def _found(
    roots: Iterable[Path], suffixes: Iterable[str] | None, exclude: Iterable[Path]
) -> Iterator[Path]:
    """The files :func:`discover` keeps, unsorted and possibly repeated."""
    endings = tuple(s.lower() for s in suffixes) if suffixes is not None else None
    excluded = {p.resolve() for p in exclude}
    for root in roots:
        candidates = [root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())
        for path in candidates:
            if path.name in SKIPPED_NAMES or path.name.startswith("."):
                continue
            if endings is not None and not path.name.lower().endswith(endings):
                continue
            resolved = path.resolve()
            if resolved not in excluded:
                yield resolved


def discover(
    roots: Iterable[Path], suffixes: Iterable[str] | None = None, exclude: Iterable[Path] = ()
) -> list[Path]:
    """Regular files under ``roots`` as absolute resolved paths, sorted, without duplicates.

    Hidden files and system litter (``Thumbs.db``) are left out; ``suffixes`` (optional) keeps only
    names ending so. Whether a file is a report is the reader registry's decision, in the worker.
    """
    return sorted(set(_found(roots, suffixes, exclude)))


def _order_key(path: Path) -> bytes:
    """Bytes that sort as ``path`` sorts among paths (part by part, by code point)."""
    return b"\0".join(part.encode("utf-8", "surrogatepass") for part in path.parts)


_PAGE = 500
"""Rows the batch moves between SQLite and Python at a time: what it keeps per file is in SQLite
(temporary tables), never in lists as long as the corpus."""


def _discover_into(
    connection: sqlite3.Connection,
    roots: Iterable[Path],
    suffixes: Iterable[str] | None,
    exclude: Iterable[Path],
) -> int:
    """:func:`discover` into the temporary table ``discovered`` (ordered by ``rank``); the count."""
    connection.execute(
        "CREATE TEMP TABLE IF NOT EXISTS discovered "
        "(rank BLOB PRIMARY KEY, key TEXT NOT NULL, name BLOB NOT NULL) WITHOUT ROWID"
    )
    connection.execute("CREATE INDEX IF NOT EXISTS temp.discovered_key ON discovered(key)")
    connection.execute("DELETE FROM temp.discovered")
    insert = "INSERT OR IGNORE INTO temp.discovered VALUES (?, ?, ?)"
    rows: list[tuple[bytes, str, bytes]] = []
    for path in _found(roots, suffixes, exclude):
        text = str(path)
        rows.append((_order_key(path), path_key(text), os.fsencode(text)))
        if len(rows) >= _PAGE:
            connection.executemany(insert, rows)
            rows.clear()
    connection.executemany(insert, rows)
    count: int = connection.execute("SELECT COUNT(*) FROM temp.discovered").fetchone()[0]
    return count


def _pages(
    connection: sqlite3.Connection, query: str, start: Any, *args: Any
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` (ordered by its first column, taking ``(after, *args, limit)``), a page
    at a time: no statement stays open while the caller writes."""
    after = start
    while True:
        page = connection.execute(query, (after, *args, _PAGE)).fetchall()
        yield from page
        if len(page) < _PAGE:
            return
        after = page[-1][0]


class _Todo(Sequence[str]):
    """The files to read, in order, kept in the temporary table ``todo`` and read a page at a time."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._length: int = connection.execute("SELECT COUNT(*) FROM temp.todo").fetchone()[0]

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        [(name,)] = self._connection.execute(
            "SELECT name FROM temp.todo WHERE seq = ?", (index + 1,)
        ).fetchall()
        return os.fsdecode(name)

    def __iter__(self) -> Iterator[str]:
        query = "SELECT seq, name FROM temp.todo WHERE seq > ? ORDER BY seq LIMIT ?"
        for _, name in _pages(self._connection, query, 0):
            yield os.fsdecode(name)


# ---- one file, in a worker


_page_sink: ProgressCallback | None = None
"""Where a worker process sends the progress of slow readers (set by the pool's initializer)."""


def process_file(path_text: str, limits: Limits | None = None) -> FileResult:
    """Read, validate and flatten one file into rows. Runs in a worker; never raises for a bad file."""
    with (
        using_limits(with_command_budget(limits or current_limits())),
        on_progress(_page_sink) if _page_sink is not None else contextlib.nullcontext(),
    ):
        return _process_file(path_text)


def _process_file(path_text: str) -> FileResult:
    path = Path(path_text)
    key, raw_name = path_key(path_text), _path_bytes(path_text)
    try:
        if not path.is_file():
            raise OSError("not a regular file")
        sha, size = _sha256(path), path.stat().st_size
    except OSError as exc:
        return FileResult(
            key,
            "",
            0,
            "error",
            error=_clean(f"cannot open: {exc}"),
            path_bytes=raw_name,
            error_code="file.cannot_open",
        )
    try:
        # The same budget as read()'s, around reading and checking: the first to end decides.
        with time_budget(current_limits().max_seconds, key):
            result = _process(path, key, sha, size)
    except ReportReadError as exc:
        result = FileResult(key, sha, size, "error", error=_clean(str(exc)), error_code=exc.code)
    result.path_bytes = raw_name
    return result


def _reader_for(path: Path) -> str | None:
    """The reader the registry gives this file: one claiming its suffix, or a confident sniff."""
    from .plugins import SNIFF_BYTES, registry

    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    name = path.name
    claims = [
        c
        for c in registry().candidates(head, name)
        if c.suffix_length or c.score >= CONFIDENT_SNIFF
    ]
    return registry().choose(head, name).name if claims else None


def _process(path: Path, key: str, sha: str, size: int) -> FileResult:
    from . import ReportReadError, read, validate
    from .serialize import cell_export_value, findings_to_data, to_json

    try:
        reader = _reader_for(path)
    except (OSError, LookupError) as exc:
        return FileResult(key, sha, size, "error", error=_clean(str(exc)))
    if reader is None:
        suffix = path.suffix.lower() or "(no suffix)"
        return FileResult(
            key,
            sha,
            size,
            "unsupported",
            error=f"no installed reader reads {suffix} files",
        )
    try:
        result = read(path, reader=reader)
        report = result.report
        findings = [*result.findings, *validate(report)]
        cells: list[CellRow] = []
        for spec, cell in report.cells():
            if cell.state.value == "absent":
                continue
            value = cell_export_value(cell, spec.kind)
            cells.append(
                (
                    key,
                    spec.key,
                    None if value is None else _clean(str(value)),
                    None if cell.value is None else str(cell.value),
                    _clean(cell.raw),
                    cell.state.value,
                    spec.kind.value,
                    cell.provenance.page if cell.provenance is not None else None,
                )
            )
        meta = report.meta
        return FileResult(
            key,
            sha,
            size,
            "ok",
            reader=result.reader,
            meta={
                "edition": report.edition.value,
                "year": meta.year,
                "agency": meta.agency and _clean(meta.agency),
                "title": meta.title and _clean(meta.title),
                "document_number": meta.document_number and _clean(meta.document_number),
                "date_of_issue": meta.date_of_issue.isoformat() if meta.date_of_issue else None,
            },
            report_json=_clean(to_json(report, indent=None)),
            cells=cells,
            findings=[
                _finding_row(key, f, meta.agency, meta.year) for f in findings_to_data(findings)
            ],
        )
    except ReportReadError as exc:
        return FileResult(key, sha, size, "error", error=_clean(str(exc)), error_code=exc.code)
    except Exception as exc:  # a reader bug must not stop the batch; it is recorded with the file
        return FileResult(key, sha, size, "error", error=_clean(f"unexpected {exc!r}"))


def _place(finding: dict[str, Any]) -> str | None:
    source = finding.get("source")
    if not source:
        return None
    parts = [f"{k}={source[k]}" for k in ("page", "line", "table", "row", "column") if k in source]
    return " ".join(parts) or None


def _finding_row(key: str, f: dict[str, Any], agency: str | None, year: int | None) -> FindingRow:
    """A ``findings`` row; its fingerprint (:func:`~govinfo_report.baseline.fingerprint`) is what
    ``validate --baseline`` records, so reviewed findings can be matched in the database."""
    from .baseline import fingerprint_fields

    cells = f.get("cells", [])
    return (
        key,
        f["code"],
        f["severity"],
        _clean(f["message"]),
        _clean(f["message_en"]),
        _clean(json.dumps(cells, ensure_ascii=False)),
        None if f.get("expected") is None else _clean(str(f["expected"])),
        None if f.get("actual") is None else _clean(str(f["actual"])),
        f.get("rule"),
        _place(f),
        fingerprint_fields(
            f["code"], agency, year, cells, rule=f.get("rule"), message_en=f["message_en"]
        ),
    )


# ---- worker processes die with the batch


def _die_with_parent(parent: int) -> None:
    """Run in each worker: end when the batch process ends, even by kill -9."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            if libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the call
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="govinfo-parent-watch", daemon=True).start()


# ---- executors

Submit = Callable[[Sequence[str]], Iterator[FileResult]]

STORING_CACHE = "PRAGMA cache_size = -16384"
"""The page cache of a connection that stores files: storing a file touches a few hundred pages of
the cell indexes, and 16 MB (SQLite's default is 2 MB) keeps more of them between files, about a
tenth less work. Only connections that store get it, so the batch process stays small."""

CHUNK_FILES = 4
"""Files a worker reads per task: fewer round trips between the batch and its workers."""

STORING_CHUNK_FILES = 32
"""Files a worker reads and then commits as one group, when workers store (see
:meth:`LocalExecutor.storing`): each commit rewrites the index pages its files touched, much the
same few hundred whether it holds 4 files or 64 (storing 2,000 reports: 11 CPU s in groups of 4,
8 s in groups of 64)."""


def _window(workers: int) -> int:
    return max(2, 4 * workers)


@dataclass
class _WorkerDatabase:
    """The batch database as a worker process writes to it: opened on the worker's first group."""

    path: Path
    busy_timeout: float
    stop: Any = None
    """Set by the batch process when it stops early (an error, an interrupt): workers commit what
    they have read and take no further file."""
    connection: sqlite3.Connection | None = None

    def open(self) -> sqlite3.Connection:
        if self.connection is None:
            self.connection = connect(self.path, busy_timeout=self.busy_timeout)
            # As in the batch process: each file's rows are written together, its files row first.
            self.connection.execute("PRAGMA foreign_keys = OFF")
            self.connection.execute(STORING_CACHE)
        return self.connection


_worker_database: _WorkerDatabase | None = None
"""Where a worker process commits what it reads (set by the pool's initializer when workers store)."""


def _start_worker(parent: int, pages: Any, database: _WorkerDatabase | None = None) -> None:
    """Run in each worker: end with the batch, send slow readers' progress to ``pages``, and
    commit what it reads into ``database`` (when given)."""
    global _page_sink, _worker_database
    _die_with_parent(parent)
    if pages is not None:
        _page_sink = pages.put
    _worker_database = database


@contextlib.contextmanager
def _relayed(page_progress: ProgressCallback | None) -> Iterator[Any]:
    """A queue that worker processes put progress into, and a thread that hands each item to
    ``page_progress`` in this process (``None`` without a callback)."""
    if page_progress is None:
        yield None
        return
    pages = multiprocessing.get_context().SimpleQueue()

    def relay() -> None:
        while (item := pages.get()) is not None:
            with contextlib.suppress(Exception):  # a display problem must not stop the batch
                page_progress(item)

    thread = threading.Thread(target=relay, name="govinfo-page-progress", daemon=True)
    thread.start()
    try:
        yield pages
    finally:
        pages.put(None)
        thread.join(timeout=5)


def _process_chunk(paths: Sequence[str], limits: Limits) -> list[FileResult]:
    return [process_file(path, limits) for path in paths]


def _store_chunk(paths: Sequence[str], limits: Limits) -> list[FileResult]:
    """Read ``paths`` and commit them in this worker process; what goes back to the batch process
    is only each file's path and outcome. Each group is one transaction taken after its files are
    read (the write lock is held for the inserts only) and committed before the batch hears of it,
    so a file the batch counts as done is in the database whatever happens next."""
    target = _worker_database
    if target is None:  # pragma: no cover - the initializer always sets it for this task
        raise RuntimeError("a storing task ran in a worker without a database")
    done: list[FileResult] = []
    group: list[FileResult] = []
    last_commit = time.monotonic()
    try:
        for path in paths:
            if target.stop is not None and target.stop.is_set():
                break
            group.append(process_file(path, limits))
            if time.monotonic() - last_commit > COMMIT_SECONDS:
                done += _commit_group(target, group)
                group, last_commit = [], time.monotonic()
    except BaseException:
        # Interrupted (Ctrl-C reaches every process of the terminal): the files read are kept.
        with contextlib.suppress(Exception):
            _commit_group(target, group)
        raise
    done += _commit_group(target, group)
    return done


def _commit_group(target: _WorkerDatabase, group: list[FileResult]) -> list[FileResult]:
    """Store ``group`` in one transaction; its files as the batch process counts them."""
    if not group:
        return []
    connection = target.open()
    try:
        connection.execute("BEGIN IMMEDIATE")
        for result in group:
            store(connection, result)
        connection.commit()
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(sqlite3.Error):
            connection.rollback()
        # A one-line message that crosses back to the batch process as it is.
        raise StorageError(_storage_message(target.path, exc, target.busy_timeout)) from exc
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.rollback()
        raise
    return [
        FileResult(
            r.path,
            r.sha256,
            r.size,
            r.outcome,
            reader=r.reader,
            path_bytes=r.path_bytes,
            error_code=r.error_code,
            stored=True,
        )
        for r in group
    ]


def _warm_up() -> None:
    """Import and prepare in this process what reading, checking and storing a report need (the
    plugin registry, the JSON converter's generated code, the rule catalogue), so worker processes
    forked from it start ready instead of each paying for it again. Never fails: a problem here
    shows where it belongs, on the first file."""
    try:
        from . import interpret, metadata, validate, validate_series  # noqa: F401
        from .model import Edition, NarrativeSection, ReportMeta, build_report, template_cells
        from .plugins import registry
        from .serialize import findings_to_data, from_json, to_json
        from .validation import default_catalogue
        from .values import Provenance, parse_cell_text

        registry()
        default_catalogue()
        # Every model class and every sequence type the converter meets (meeting a new sequence
        # type empties its cache of generated code): both editions, both 2021 variants, a narrative.
        for edition in Edition:
            for single in (False, True):
                cells = {
                    spec.key: parse_cell_text("1", spec.kind, Provenance(source="warm-up", page=1))
                    for spec in template_cells(edition, single_other_row=single)
                }
                meta = ReportMeta(
                    agency="warm-up", year=2000, date_of_issue=datetime.date(2000, 1, 1)
                )
                narrative = (NarrativeSection("warm-up", "warm-up"),)
                report, _ = build_report(edition, cells, meta, narrative, source="warm-up")
                from_json(to_json(report, indent=None))
                findings_to_data([*validate(report), *validate_series([report, report])])
    except Exception:  # pragma: no cover - warming up is an optimisation only
        return


class LocalExecutor:
    """Worker processes on this machine; see :func:`local_executor`.

    Called with paths, it yields each file's rows for the caller to store. :meth:`storing` gives
    the same work with each worker committing its own files into the database, which
    :func:`run_batch` uses: the batch process then only hands out files and counts them.
    """

    def __init__(
        self, workers: int, limits: Limits, page_progress: ProgressCallback | None = None
    ) -> None:
        self.workers = workers
        self.limits = limits
        self.page_progress = page_progress

    def __call__(self, paths: Sequence[str]) -> Iterator[FileResult]:
        if self.workers <= 1:
            with on_progress(self.page_progress):
                yield from (process_file(p, self.limits) for p in paths)
            return
        with _relayed(self.page_progress) as pages:
            yield from self._in_pools(paths, pages, _process_chunk, None)

    def storing(self, database: Path, busy_timeout: float = BUSY_TIMEOUT) -> Submit | None:
        """The files committed into ``database`` by the worker processes themselves (results
        come back with :attr:`FileResult.stored` set); ``None`` with one worker, which reads in
        the calling process, so that process stores."""
        if self.workers <= 1:
            return None

        def run(paths: Sequence[str]) -> Iterator[FileResult]:
            target = _WorkerDatabase(database, busy_timeout, multiprocessing.get_context().Event())
            with _relayed(self.page_progress) as pages:
                yield from self._in_pools(paths, pages, _store_chunk, target)

        return run

    def _in_pools(
        self,
        paths: Sequence[str],
        pages: Any,
        task: Callable[[Sequence[str], Limits], list[FileResult]],
        database: _WorkerDatabase | None,
    ) -> Iterator[FileResult]:
        workers, chosen = self.workers, self.limits
        remaining = iter(paths)
        retry: deque[str] = deque()

        def take(count: int) -> list[str]:
            chunk = [retry.popleft() for _ in range(min(count, len(retry)))]
            chunk += itertools.islice(remaining, count - len(chunk))
            return chunk

        _warm_up()
        # Workers that store send back only paths and outcomes, so more files may be in flight:
        # two groups per worker, one being read while the other's result comes back.
        chunk_files = CHUNK_FILES if database is None else STORING_CHUNK_FILES
        window = _window(workers) if database is None else 2 * chunk_files * workers
        while True:
            first = take(1)
            if not first:
                return
            retry.appendleft(first[0])
            suspects: list[str] = []
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers,
                initializer=_start_worker,
                initargs=(os.getpid(), pages, database),
            )
            in_flight: dict[concurrent.futures.Future[list[FileResult]], list[str]] = {}
            quota = workers * RECYCLE_FILES
            files_in_flight = 0
            exhausted = False
            try:
                while (not exhausted and quota) or in_flight:
                    while not exhausted and quota and files_in_flight < window:
                        chunk = take(min(chunk_files, quota, window - files_in_flight))
                        if not chunk:
                            exhausted = True
                            break
                        quota -= len(chunk)
                        try:
                            future = pool.submit(task, chunk, chosen)
                        except concurrent.futures.process.BrokenProcessPool:
                            retry.extendleft(reversed(chunk))
                            raise
                        in_flight[future] = chunk
                        files_in_flight += len(chunk)
                    done, _ = concurrent.futures.wait(
                        in_flight, return_when=concurrent.futures.FIRST_COMPLETED
                    )
                    for future in done:
                        chunk = in_flight.pop(future)
                        files_in_flight -= len(chunk)
                        try:
                            results = future.result()
                        except concurrent.futures.process.BrokenProcessPool:
                            suspects.extend(chunk)
                            continue
                        yield from results
            except concurrent.futures.process.BrokenProcessPool:
                pass
            except BaseException:
                # The caller stops early: workers that store finish their file, commit and stop,
                # instead of reading the rest of their groups first.
                if database is not None and database.stop is not None:
                    database.stop.set()
                raise
            finally:
                for chunk in in_flight.values():
                    suspects.extend(chunk)
                pool.shutdown(wait=True, cancel_futures=True)
            # Which in-flight file killed the worker is unknown: each is retried on its own, so only
            # the culprit is recorded as a crash (the caller stores these: they are rare).
            for path in suspects:
                yield _isolated(path, chosen)


def local_executor(
    workers: int, limits: Limits | None = None, page_progress: ProgressCallback | None = None
) -> LocalExecutor:
    """Worker processes on this machine (``workers`` 1: in this process).

    Files go to the workers :data:`CHUNK_FILES` at a time, at most four files per worker are in
    flight (workers that store: two groups of :data:`STORING_CHUNK_FILES`), and each pool of
    workers is replaced after :data:`RECYCLE_FILES` files per worker, so memory does not grow with
    the corpus. A worker that dies inside a parser costs only its file:
    the files that were in flight are retried one per process, and the rest go on in a fresh pool.
    ``page_progress`` gets the progress that slow readers report (the pages of a long scan; see
    :mod:`govinfo_report.progress`), from every worker. In :func:`run_batch` with more than one
    worker, each worker commits the files it reads (see :meth:`LocalExecutor.storing`).
    """
    return LocalExecutor(workers, limits or current_limits(), page_progress)


def _crashed(path: str, why: str) -> FileResult:
    return FileResult(path_key(path), "", 0, "error", error=why, path_bytes=_path_bytes(path))


def _isolated(path: str, limits: Limits) -> FileResult:
    try:
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=1, initializer=_die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            return pool.submit(process_file, path, limits).result()
    except concurrent.futures.process.BrokenProcessPool:
        return _crashed(path, "the worker process crashed on this file")


def _child(connection: Any, parent: int, path: str, limits: Limits) -> None:
    _die_with_parent(parent)
    connection.send(process_file(path, limits))
    connection.close()


_daemon_flag = threading.Lock()
_warmed = False


@contextlib.contextmanager
def _children_allowed() -> Iterator[None]:
    """Dask starts its worker processes as daemons, and multiprocessing forbids a daemon to start
    processes (so none is orphaned). Ours die with their parent (:func:`_die_with_parent`): the
    rule is lifted while one starts (under a lock, as Dask runs tasks in threads)."""
    config = getattr(multiprocessing.current_process(), "_config", None)
    if not isinstance(config, dict) or not config.get("daemon"):
        yield
        return
    with _daemon_flag:
        config["daemon"] = False
        try:
            yield
        finally:
            config["daemon"] = True


def guarded_process_file(path: str, limits: Limits) -> FileResult:
    """:func:`process_file` in a child process of the caller, for executors whose tasks run in
    threads (Dask): the time budget then holds (in the child's main thread, and by killing the
    child past it) and a file that kills its process is recorded instead of killing the worker."""
    global _warmed
    if not _warmed:  # once per Dask worker process: each child forked from it starts ready
        _warm_up()
        _warmed = True
    # Forked, the child starts ready in milliseconds; Dask's workers default to spawn, where each
    # child would import everything again (seconds per file).
    linux = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if linux else None)
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sending, os.getpid(), path, limits), daemon=True)
    with _children_allowed():
        child.start()
    sending.close()
    budget = with_command_budget(limits).max_seconds or 0.0
    try:
        if receiving.poll(budget + 5.0 if budget > 0 else None):
            try:
                result: FileResult = receiving.recv()
                return result
            except EOFError:
                return _crashed(path, "the worker process crashed on this file")
        return _crashed(path, f"{path_key(path)}: gave up after {budget:g} s (limit max_seconds)")
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join()


def dask_executor(address: str | None, limits: Limits | None = None) -> Submit:
    """The same work on a Dask cluster (``pip install 'govinfo-report[dask]'``), with the local
    executor's guarantees: the time budget, a crash costs only its file, bounded files in flight."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("the dask executor needs: pip install 'govinfo-report[dask]'") from exc

    def run(paths: Sequence[str]) -> Iterator[FileResult]:
        with Client(address) if address else Client(processes=True, n_workers=2) as client:
            chosen = limits or current_limits()
            window = _window(max(1, sum(client.nthreads().values())))
            pending = iter(paths)  # read as they are submitted, never copied whole
            in_flight: dict[Any, str] = {}
            completed = as_completed()
            exhausted = False
            while not exhausted or in_flight:
                while not exhausted and len(in_flight) < window:
                    path = next(pending, None)
                    if path is None:
                        exhausted = True
                        break
                    future = client.submit(guarded_process_file, path, chosen, pure=False)
                    in_flight[future] = path
                    completed.add(future)
                if not in_flight:
                    break
                future = next(completed)
                path = in_flight.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # KilledWorker and the like: recorded with the file
                    result = _crashed(path, f"the Dask worker failed on this file: {exc!r}")
                future.release()
                yield result

    return run


def default_workers() -> int:
    """One worker per core, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


# ---- storage


def _storage_message(database: Path, exc: BaseException, waited: float) -> str:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        return f"{database}: {exc.strerror or exc}"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return f"{database}: the database is locked by another program (waited {waited:g} s)"
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return f"{database}: the disk is full"
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return f"{database}: the database is read-only"
    if name.startswith("SQLITE_NOTADB") or "not a database" in text:
        return f"{database}: not an SQLite database"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        if database.exists() and not os.access(database.parent, os.W_OK):
            # WAL needs files beside the database: on read-only media it cannot be opened.
            return f"{database}: the database is read-only (its folder cannot be written)"
        return f"{database}: cannot open the database file"
    if isinstance(exc, sqlite3.DatabaseError) and "no such" in text:
        return f"{database}: not a batch database ({text})"
    return f"{database}: {text}"


@contextlib.contextmanager
def storage_errors(database: Path, waited: float = BUSY_TIMEOUT) -> Iterator[None]:
    """Turn SQLite and file-system errors into :class:`StorageError` naming ``database``."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader of standard output went away (| head): not the database's fault
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(_storage_message(database, exc, waited)) from exc


def connect(database: Path, *, busy_timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """Open (and create) the batch database; a lock is waited on for ``busy_timeout`` seconds."""
    if database.is_dir():
        raise StorageError(f"{database}: is a folder, not a database file")
    if not database.parent.is_dir():
        raise StorageError(f"{database}: the folder {database.parent} does not exist")
    with storage_errors(database, busy_timeout):
        connection = sqlite3.connect(database, timeout=busy_timeout)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = WAL")
            # WAL with synchronous NORMAL: a commit is durable against a crash of this process
            # (what kill -9 does), without a disk flush per group.
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.executescript(SCHEMA)
            for table, column, kind in _ADDED_COLUMNS:
                present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
                if column not in present:
                    connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        except BaseException:
            connection.close()
            raise
    return connection


def store(connection: sqlite3.Connection, result: FileResult, *, replace: bool = True) -> None:
    """Write everything for one file (replacing what was stored for its path) inside the current
    transaction, all or nothing; the caller commits."""
    if not connection.in_transaction:
        connection.execute("BEGIN")
    connection.execute("SAVEPOINT one_file")
    try:
        _insert(connection, result, replace)
    except BaseException:
        # SQLite may have rolled back the whole transaction already (a full disk does).
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK TO one_file")
            connection.execute("RELEASE one_file")
        raise
    connection.execute("RELEASE one_file")


def _insert(connection: sqlite3.Connection, result: FileResult, replace: bool) -> None:
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    meta = result.meta
    if replace:
        # Explicitly, not by cascade: the batch stores with foreign keys off (see run_batch).
        for table in ("cells", "findings", "files"):
            connection.execute(f"DELETE FROM {table} WHERE path = ?", (result.path,))
    connection.execute(
        f"INSERT INTO files ({_FILE_COLUMNS}) VALUES ({', '.join('?' * 16)})",
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
            result.path_bytes,
            result.error_code,
        ),
    )
    if result.cells:
        connection.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?)", result.cells)
    if result.findings:
        connection.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", result.findings
        )


def _move(connection: sqlite3.Connection, old: str, new: str, new_bytes: bytes | None) -> None:
    """A stored file found again under another path (a moved or re-spelt corpus): keep its rows."""
    if not connection.in_transaction:
        connection.execute("BEGIN")
    connection.execute("PRAGMA defer_foreign_keys = ON")
    connection.execute(
        "UPDATE files SET path = ?, path_bytes = ? WHERE path = ?", (new, new_bytes, old)
    )
    for table in ("cells", "findings"):
        connection.execute(f"UPDATE {table} SET path = ? WHERE path = ?", (new, old))


def stored_number(text: str | None, kind: str) -> int | Decimal | None:
    """A number as the database stores it (text; ``money`` as a decimal), ``None`` if it is none."""
    if text is None:
        return None
    try:
        return Decimal(text) if kind == "money" else int(text)
    except (ValueError, InvalidOperation):
        return None


def _stored_report(
    connection: sqlite3.Connection,
    path: str,
    edition: str,
    agency: str | None,
    year: int | None,
) -> Any:
    """A report rebuilt from its stored cells (what the series rules read: states and numbers)."""
    from .model import ReportMeta, build_report
    from .values import Cell, CellState, parse_cell_text

    cells = {}
    for key, number, raw, state, kind in connection.execute(
        "SELECT key, CAST(number AS TEXT), raw, state, kind FROM cells WHERE path = ?", (path,)
    ):
        if state == "number":
            cells[key] = Cell(CellState.NUMBER, value=stored_number(number, kind), raw=raw or "")
        elif state == "blank":
            cells[key] = Cell(CellState.BLANK, raw=raw or "")
        else:
            from .values import CellKind

            cells[key] = parse_cell_text(raw or "", CellKind(kind))
    report, _ = build_report(edition, cells, meta=ReportMeta(agency=agency, year=year), source=path)
    return report


Member = tuple[str, str, str | None, int | None]
"""A stored report as the series checks group it: path, edition, agency, year."""


def _series_rows(
    connection: sqlite3.Connection,
    groups: Sequence[Sequence[Member]],
    aliases: dict[str, str] | None,
) -> list[tuple[Any, ...]]:
    """The ``series_findings`` rows of some series, each rebuilt from its stored cells."""
    from . import validate_series
    from .baseline import fingerprint
    from .serialize import findings_to_data
    from .validation import default_catalogue

    catalogue = default_catalogue()
    rows: list[tuple[Any, ...]] = []
    for members in groups:
        reports = [_stored_report(connection, *member) for member in members]
        by_year: dict[int, list[str]] = {}
        for path, _, _, year in members:
            if year is not None:
                by_year.setdefault(year, []).append(path)
        findings = validate_series(reports, aliases=aliases, catalogue=catalogue)
        for finding, item in zip(findings, findings_to_data(findings), strict=True):
            involved: list[str] = []
            if finding.agency:
                for year in (finding.related_year, finding.year):
                    if year is None:
                        continue
                    named = by_year.get(year, [])
                    involved += named if finding.code == "series.duplicate_year" else named[:1]
            message, message_en = finding.message, finding.message_en
            if finding.code == "series.duplicate_year" and involved:
                message += f"（文件：{'；'.join(involved)}）"
                message_en += f" (files: {'; '.join(involved)})"
            rows.append(
                (
                    finding.agency,
                    finding.year,
                    finding.related_year,
                    by_year.get(finding.year or 0, [None])[0] if finding.agency else None,
                    finding.code,
                    finding.severity.value,
                    _clean(message),
                    _clean(message_en),
                    json.dumps(list(finding.cells), ensure_ascii=False),
                    None if item.get("expected") is None else str(item["expected"]),
                    None if item.get("actual") is None else str(item["actual"]),
                    finding.rule,
                    json.dumps(involved, ensure_ascii=False),
                    fingerprint(finding),
                )
            )
    return rows


def _series_task(
    database: str, groups: Sequence[Sequence[Member]], aliases: dict[str, str] | None
) -> list[tuple[Any, ...]]:
    from urllib.parse import quote

    connection = sqlite3.connect(f"file:{quote(database)}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
    try:
        return _series_rows(connection, groups, aliases)
    finally:
        connection.close()


_SERIES_CHUNK = 200
"""About this many stored reports are rebuilt at a time for the series checks."""


def _series_groups(connection: sqlite3.Connection) -> Iterator[list[Member]]:
    """The series of the ``ordered`` table one at a time, then its reports without a series in
    slices of :data:`_SERIES_CHUNK`."""
    query = (
        "SELECT seq, series, path, edition, agency, year FROM temp.ordered WHERE seq > ? "
        "ORDER BY seq LIMIT ?"
    )
    group: list[Member] = []
    current: str | None = None
    for _, series, path, edition, agency, year in _pages(connection, query, 0):
        if group and (series != current or (series is None and len(group) >= _SERIES_CHUNK)):
            yield group
            group = []
        current = series
        group.append((path, edition, agency, year))
    if group:
        yield group


def _chunks(
    groups: Iterable[list[Member]], size: int = _SERIES_CHUNK
) -> Iterator[list[list[Member]]]:
    """Whole series in chunks of about ``size`` reports."""
    chunk: list[list[Member]] = []
    filled = 0
    for group in groups:
        chunk.append(group)
        filled += len(group)
        if filled >= size:
            yield chunk
            chunk, filled = [], 0
    if chunk:
        yield chunk


def check_series(
    connection: sqlite3.Connection,
    aliases: dict[str, str] | None = None,
    *,
    workers: int = 1,
    database: Path | None = None,
) -> int:
    """Run the cross-year rules over every stored report; replaces ``series_findings``.

    Reports are rebuilt from the stored cells one agency's series at a time, so memory stays bounded
    by the longest series, not the corpus. With ``workers`` above 1 (and the ``database`` path,
    committed), the series are checked in that many worker processes.
    """
    from .validation import normalise_agency

    alias_map = {normalise_agency(k): normalise_agency(v) for k, v in (aliases or {}).items()}

    def series_key(agency: str | None) -> str:
        name = normalise_agency(agency or "")
        return alias_map.get(name, name)

    # Who belongs to which series is worked out in temporary tables, a page at a time, so the
    # corpus is never held in memory: series in the order of their first path, each in path order,
    # then the reports without agency or year (no series with each other), in slices.
    connection.execute(
        "CREATE TEMP TABLE IF NOT EXISTS members "
        "(series TEXT, path TEXT, edition TEXT, agency TEXT, year INTEGER)"
    )
    connection.execute(
        "CREATE TEMP TABLE IF NOT EXISTS ordered (seq INTEGER PRIMARY KEY, series TEXT, "
        "path TEXT, edition TEXT, agency TEXT, year INTEGER)"
    )
    connection.execute("DELETE FROM temp.members")
    connection.execute("DELETE FROM temp.ordered")
    stored = (
        "SELECT path, edition, agency, year FROM files WHERE path > ? AND outcome = 'ok' "
        "AND edition IS NOT NULL ORDER BY path LIMIT ?"
    )
    rows: list[tuple[str | None, str, str, str | None, int | None]] = []
    for path, edition, agency, year in _pages(connection, stored, ""):
        placed = bool(agency) and year is not None
        rows.append((series_key(agency) if placed else None, path, edition, agency, year))
        if len(rows) >= _PAGE:
            connection.executemany("INSERT INTO temp.members VALUES (?, ?, ?, ?, ?)", rows)
            rows.clear()
    connection.executemany("INSERT INTO temp.members VALUES (?, ?, ?, ?, ?)", rows)
    del rows
    connection.execute(
        "INSERT INTO temp.ordered (series, path, edition, agency, year) "
        "SELECT m.series, m.path, m.edition, m.agency, m.year FROM temp.members m JOIN "
        "(SELECT series, MIN(path) AS first FROM temp.members WHERE series IS NOT NULL "
        "GROUP BY series) g ON g.series = m.series ORDER BY g.first, m.path"
    )
    connection.execute(
        "INSERT INTO temp.ordered (series, path, edition, agency, year) "
        "SELECT NULL, path, edition, agency, year FROM temp.members WHERE series IS NULL "
        "ORDER BY path"
    )
    series_count, unplaced = connection.execute(
        "SELECT COUNT(DISTINCT series), SUM(series IS NULL) FROM temp.members"
    ).fetchone()
    connection.execute("DELETE FROM temp.members")
    every = _series_groups(connection)
    several = series_count + -(-(unplaced or 0) // _SERIES_CHUNK) > 1
    insert = "INSERT INTO series_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    # Readers of other processes see the committed cells while this transaction replaces the
    # findings; each chunk's rows are inserted as they come, so nothing accumulates.
    connection.execute("DELETE FROM series_findings")
    count = 0
    if workers > 1 and database is not None and several:
        _warm_up()
        chunks = _chunks(every)
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, initializer=_die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            in_flight: deque[concurrent.futures.Future[list[tuple[Any, ...]]]] = deque()
            for chunk in itertools.islice(chunks, 2 * workers):
                in_flight.append(pool.submit(_series_task, str(database), chunk, aliases))
            while in_flight:
                rows = in_flight.popleft().result()
                for chunk in itertools.islice(chunks, 1):
                    in_flight.append(pool.submit(_series_task, str(database), chunk, aliases))
                connection.executemany(insert, rows)
                count += len(rows)
    else:
        for chunk in _chunks(every):
            rows = _series_rows(connection, chunk, aliases)
            connection.executemany(insert, rows)
            count += len(rows)
    connection.commit()
    return count


# ---- the run


def _progress(stream: TextIO, done: int, total: int, result: FileResult) -> None:
    shown = readable(os.fsdecode(result.path_bytes)) if result.path_bytes else result.path
    stream.write(f"\r[{done}/{total}] {shown[-60:]:<60}")
    stream.flush()


def page_progress_line(stream: TextIO | None) -> ProgressCallback | None:
    """For ``local_executor(page_progress=...)``: the step a slow reader is at (``page 4/12``)
    written over the progress line of ``stream`` (a terminal only; ``None`` otherwise)."""
    if stream is None or not stream.isatty():
        return None
    lock = threading.Lock()

    def show(progress: Progress) -> None:
        with lock:
            stream.write(f"\r    {readable(progress.source)[-50:]:<50} {progress!s:<14}")
            stream.flush()

    return show


def _plan(connection: sqlite3.Connection, summary: BatchSummary) -> _Todo:
    """The files to read (stored files that changed, then new ones, each in path order) out of the
    ``discovered`` table; moves the stored rows of files found under another path."""
    connection.execute("CREATE TEMP TABLE IF NOT EXISTS todo (seq INTEGER PRIMARY KEY, name BLOB)")
    connection.execute("DELETE FROM temp.todo")
    rows: list[tuple[bytes]] = []

    def add(name: bytes | None) -> None:
        if name is not None:
            rows.append((name,))
        if len(rows) >= _PAGE or (name is None and rows):
            connection.executemany("INSERT INTO temp.todo (name) VALUES (?)", rows)
            rows.clear()

    stored = (
        "SELECT d.rank, d.name, f.sha256, f.size FROM temp.discovered d JOIN files f "
        "ON f.path = d.key WHERE d.rank > ? ORDER BY d.rank LIMIT ?"
    )
    for _, name, sha, size in _pages(connection, stored, b""):
        path = Path(os.fsdecode(name))
        try:
            same = size == path.stat().st_size and sha == _sha256(path)
        except OSError:
            same = False
        if same:
            summary.skipped += 1
        else:
            add(name)
    # Stored files that are no longer where they were stored: the same content found under a new
    # path is the same file, moved or spelt differently (a relative root in an older database).
    # Every gone path is kept: a corpus may hold the same content under several names.
    connection.execute(
        "CREATE TEMP TABLE IF NOT EXISTS gone (sha TEXT, key TEXT, PRIMARY KEY (sha, key)) "
        "WITHOUT ROWID"
    )
    connection.execute("DELETE FROM temp.gone")
    absent = (
        "SELECT rowid, path, sha256, path_bytes FROM files WHERE rowid > ? AND sha256 != '' "
        "AND path NOT IN (SELECT key FROM temp.discovered) ORDER BY rowid LIMIT ?"
    )
    for _, key, sha, raw in _pages(connection, absent, 0):
        if not os.path.lexists(raw if raw is not None else key):
            connection.execute("INSERT OR IGNORE INTO temp.gone VALUES (?, ?)", (sha, key))
    gone: int = connection.execute("SELECT COUNT(*) FROM temp.gone").fetchone()[0]
    new = (
        "SELECT d.rank, d.name, d.key FROM temp.discovered d WHERE d.rank > ? "
        "AND NOT EXISTS (SELECT 1 FROM files f WHERE f.path = d.key) ORDER BY d.rank LIMIT ?"
    )
    for _, name, key in _pages(connection, new, b""):
        if gone:
            text = os.fsdecode(name)
            try:
                sha = _sha256(Path(text))
            except OSError:
                sha = ""
            # Of several gone paths with this content, the one with the same file name first.
            found = connection.execute(
                "SELECT key FROM temp.gone WHERE sha = ? ORDER BY substr(key, -?) != ?, key "
                "LIMIT 1",
                (sha, len(key.rsplit("/", 1)[-1]) + 1, "/" + key.rsplit("/", 1)[-1]),
            ).fetchone()
            if found is not None:
                connection.execute(
                    "DELETE FROM temp.gone WHERE sha = ? AND key = ?", (sha, found[0])
                )
                gone -= 1
                _move(connection, found[0], key, _path_bytes(text))
                summary.skipped += 1
                summary.moved += 1
                continue
        add(name)
    add(None)
    connection.commit()
    return _Todo(connection)


def run_batch(
    roots: Sequence[Path],
    database: Path,
    *,
    submit: Submit,
    aliases: dict[str, str] | None = None,
    suffixes: Iterable[str] | None = None,
    progress: TextIO | None = None,
    busy_timeout: float = BUSY_TIMEOUT,
    series_workers: int = 1,
) -> BatchSummary:
    """Read every file under ``roots`` into ``database`` and check the series; see the module.

    ``series_workers`` processes check the series after the files are stored. Raises
    :class:`StorageError` (one line) when the database cannot be used.
    """
    started = time.perf_counter()
    connection = connect(database, busy_timeout=busy_timeout)
    try:
        with storage_errors(database, busy_timeout):
            summary = BatchSummary()
            summary.discovered = _discover_into(
                connection, roots, suffixes, exclude=_companions(database)
            )
            todo = _plan(connection, summary)
            show = progress if progress is not None and progress.isatty() else None
            pending = 0
            last_commit = time.monotonic()
            # Workers that commit their own files leave this process only the counting; it then
            # commits what it stores itself (a crashed file) at once, not to hold up their writes.
            storing = getattr(submit, "storing", None)
            by_workers = storing(database, busy_timeout) if storing is not None else None
            group = 1 if by_workers is not None else COMMIT_FILES
            if by_workers is None:
                connection.execute(STORING_CACHE)
            # Each file's rows are written together, its files row first: checking every cell's
            # reference to it would only cost time (about a tenth of storing).
            connection.execute("PRAGMA foreign_keys = OFF")
            try:
                for count, result in enumerate((by_workers or submit)(todo), start=1):
                    if not result.stored:
                        store(connection, result)
                        pending += 1
                    summary.read += 1
                    if result.outcome == "ok":
                        summary.ok += 1
                    elif result.outcome == "unsupported":
                        summary.unsupported += 1
                    else:
                        summary.errors += 1
                    if pending >= group or (
                        pending and time.monotonic() - last_commit > COMMIT_SECONDS
                    ):
                        connection.commit()
                        pending, last_commit = 0, time.monotonic()
                    if show is not None:
                        _progress(show, count, len(todo), result)
                connection.commit()
            except BaseException:
                # Whatever ended the loop (an interrupt, a worker error), the finished files are kept.
                if connection.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        connection.commit()
                raise
            connection.execute("PRAGMA foreign_keys = ON")
            if show is not None:
                show.write("\n")
            summary.series_findings = check_series(
                connection, aliases, workers=series_workers, database=database
            )
            summary.failing_reports = connection.execute(
                "SELECT COUNT(DISTINCT path) FROM findings "
                "WHERE severity IN ('error', 'inconsistency')"
            ).fetchone()[0]
            summary.failing_series = connection.execute(
                "SELECT COUNT(*) FROM series_findings WHERE severity IN ('error', 'inconsistency')"
            ).fetchone()[0]
    finally:
        connection.close()
    summary.seconds = time.perf_counter() - started
    return summary
