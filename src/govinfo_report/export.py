"""Export a batch database: each table, the cells in the tidy CSV's shape, and a wide table (one row
per report, one column per canonical key), as CSV, Parquet or xlsx.

The database is opened read-only (a finished database on read-only media can be exported), and an
export file is written under a temporary name and renamed when complete, so a failed export never
leaves a partial file behind. Problems with the database or the output raise
:class:`~govinfo_report.batch.StorageError` (one line).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from .batch import BUSY_TIMEOUT, StorageError, storage_errors, stored_number

__all__ = ["FORMATS", "TABLES", "Table", "export", "open_read_only", "read_table"]

TABLES = ("cells", "findings", "files", "series_findings", "wide")
FORMATS = ("csv", "parquet", "xlsx")

Row = Sequence[Any]


class Table:
    """Rows of an export: column names, the rows (streamed), and each column's type for Parquet
    (``"string"``, ``"int64"``, ``"decimal"``, ``"binary"``)."""

    def __init__(
        self,
        columns: Sequence[str],
        rows: Iterable[Row],
        types: Sequence[str] | None = None,
        *,
        decimal_scale: int | None = None,
    ) -> None:
        self.columns = list(columns)
        self.rows = rows
        self.types = list(types) if types is not None else ["string"] * len(self.columns)
        self.decimal_scale = decimal_scale
        """Digits after the point of every decimal column, known before the first row (the rows
        are streamed, and a Parquet schema is fixed by its first batch)."""


def open_read_only(database: Path, *, busy_timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
    """Open a batch database without writing to it or beside it.

    A database whose folder cannot be written (read-only media) cannot take SQLite's shared-memory
    file; it is then opened as immutable, which is right for a finished batch.
    """
    if database.is_dir():
        raise StorageError(f"{database}: is a folder, not a database file")
    if not database.exists():
        raise StorageError(f"{database}: the database does not exist")
    uri = "file:" + quote(str(database.resolve()))
    last: sqlite3.Error | None = None
    for options in ("mode=ro", "mode=ro&immutable=1"):
        try:
            connection = sqlite3.connect(f"{uri}?{options}", uri=True, timeout=busy_timeout)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            connection.execute("SELECT path FROM files LIMIT 1").fetchall()
        except sqlite3.OperationalError as exc:
            connection.close()
            last = exc
            if "no such table" in str(exc):
                break
            continue
        except sqlite3.Error as exc:
            connection.close()
            last = exc
            break
        return connection
    assert last is not None
    with storage_errors(database, busy_timeout):
        raise last
    raise AssertionError("unreachable")  # pragma: no cover


@functools.cache
def _templates() -> tuple[list[str], dict[tuple[str, str], tuple[str, str, str]], dict[str, str]]:
    """Every canonical key of every edition (template order), its labels in each edition (the same
    key can be labelled differently in 2019 and 2021) and its kind."""
    from .formats.csv import tidy_labels
    from .model import Edition, template_cells

    order: list[str] = []
    labels: dict[tuple[str, str], tuple[str, str, str]] = {}
    kinds: dict[str, str] = {}
    for edition in (Edition.E2021, Edition.E2019):
        for single in (False, True):
            for spec in template_cells(edition, single_other_row=single):
                if spec.key not in kinds:
                    order.append(spec.key)
                    kinds[spec.key] = spec.kind.value
                labels.setdefault((edition.value, spec.key), tidy_labels(spec))
    return order, labels, kinds


def _kind_type(kind: str) -> str:
    return {"count": "int64", "signed": "int64", "money": "decimal"}.get(kind, "string")


def read_table(
    connection: sqlite3.Connection, table: str, *, with_json: bool = False, typed: bool = False
) -> Table:
    """The rows of one export ``table`` (see :data:`TABLES`). ``typed`` gives numbers as ``int`` and
    ``Decimal`` for Parquet and xlsx instead of their exact text."""
    if table == "cells":
        return _cells(connection, typed)
    if table == "wide":
        return _wide(connection, typed)
    if table == "files":
        present = [row[1] for row in connection.execute("PRAGMA table_info(files)")]
        columns = [c for c in present if with_json or c != "report_json"]
        types = [
            "binary" if c == "path_bytes" else "int64" if c in ("size", "year") else "string"
            for c in columns
        ]
        cursor = connection.execute(f"SELECT {', '.join(columns)} FROM files ORDER BY path")
        if not typed and "path_bytes" in columns:
            at = columns.index("path_bytes")
            rows: Iterable[Row] = (
                [*row[:at], None if row[at] is None else row[at].hex(), *row[at + 1 :]]
                for row in cursor
            )
        else:
            rows = cursor
        return Table(columns, rows, types)
    if table not in ("findings", "series_findings"):
        raise ValueError(f"no table {table!r} (tables: {', '.join(TABLES)})")
    cursor = connection.execute(f"SELECT * FROM {table}")  # the name is from the fixed list
    columns = [d[0] for d in cursor.description]
    types = ["int64" if c in ("year", "related_year") else "string" for c in columns]
    return Table(columns, cursor, types)


def _cells(connection: sqlite3.Connection, typed: bool) -> Table:
    """The tidy CSV's columns (``convert --to csv``), with the file's path in front and the typed
    number and page at the end."""
    from .formats.csv import TIDY_COLUMNS

    _, labels, _ = _templates()
    cursor = connection.execute(
        "SELECT c.path, f.edition, f.year, f.agency, c.key, c.value, c.raw, c.state, c.kind, "
        "c.page FROM cells c JOIN files f ON f.path = c.path ORDER BY c.rowid"
    )
    columns = ["path", *TIDY_COLUMNS, "count", "money", "page"]
    types = ["string", "string", "int64", *["string"] * 9, "int64", "decimal", "int64"]

    def rows() -> Iterator[Row]:
        blank = ("", "", "")
        for path, edition, year, agency, key, value, raw, state, kind, page in cursor:
            numeric = state in ("number", "annotated")
            number = _number_of(value, raw, state, kind) if numeric else None
            count: Any = number if kind in ("count", "signed") else None
            money: Any = number if kind == "money" else None
            if not typed:
                count = None if count is None else str(count)
                money = None if money is None else str(money)
            yield (
                path, edition, year, agency, key, *labels.get((edition, key), blank),
                value, raw, state, kind, count, money, page,
            )  # fmt: skip

    return Table(columns, rows(), types, decimal_scale=_money_scale(connection) if typed else None)


def _money_scale(connection: sqlite3.Connection) -> int:
    """The most digits after the point of any money value stored (so a decimal column holds every
    value exactly); at least 2, the fees' 万元 to the yuan."""
    scale = 2
    for value, raw, state in connection.execute(
        "SELECT value, raw, state FROM cells WHERE kind = 'money' "
        "AND state IN ('number', 'annotated')"
    ):
        number = _number_of(value, raw, state, "money")
        if isinstance(number, Decimal):
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int):
                scale = max(scale, -exponent)
    return min(scale, _MAX_SCALE)


_MAX_SCALE = 30


def _number_of(value: str | None, raw: str | None, state: str, kind: str) -> int | Decimal | None:
    if state == "number":
        return stored_number(value, kind)
    from .values import CellKind, parse_cell_text

    number = parse_cell_text(raw or "", CellKind(kind)).value
    return None if number is None else number


def _wide(connection: sqlite3.Connection, typed: bool) -> Table:
    """One row per report read: identity, then one column per canonical key of the editions present
    (text as in the cells export, or typed numbers); for typed output each key's state follows it
    as ``<key>:state``."""
    order, _, kinds = _templates()
    present = {row[0] for row in connection.execute("SELECT DISTINCT key FROM cells").fetchall()}
    keys = [k for k in order if k in present]
    identity = ["edition", "year", "agency", "source"]
    if typed:
        columns = identity + [name for k in keys for name in (k, f"{k}:state")]
        types = ["string", "int64", "string", "string"] + [
            t for k in keys for t in (_kind_type(kinds[k]), "string")
        ]
    else:
        columns, types = (
            identity + keys,
            ["string", "int64", "string", "string"] + ["string" for _ in keys],
        )
    position = {k: i for i, k in enumerate(keys)}

    def rows() -> Iterator[Row]:
        reports = connection.execute(
            "SELECT path, edition, year, agency FROM files WHERE outcome = 'ok' ORDER BY path"
        ).fetchall()
        for path, edition, year, agency in reports:
            width = 2 * len(keys) if typed else len(keys)
            cells: list[Any] = [None] * width
            for key, value, raw, state, kind in connection.execute(
                "SELECT key, value, raw, state, kind FROM cells WHERE path = ?", (path,)
            ):
                index = position.get(key)
                if index is None:
                    continue
                if typed:
                    numeric = state in ("number", "annotated")
                    cells[2 * index] = (
                        (_number_of(value, raw, state, kind) if numeric else None)
                        if _kind_type(kind) != "string"
                        else value
                    )
                    cells[2 * index + 1] = state
                else:
                    cells[index] = value
            yield [edition, year, agency, path, *cells]

    return Table(columns, rows(), types, decimal_scale=_money_scale(connection) if typed else None)


# ---- writing


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it when the block succeeds."""
    folder = target.parent
    if not folder.is_dir():
        raise StorageError(f"{target}: the folder {folder} does not exist")
    if target.is_dir():
        raise StorageError(f"{target}: is a folder")
    temporary = folder / f".{target.name}.{os.getpid()}.partial"
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as exc:
        raise StorageError(f"{target}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _write_csv(handle: IO[str], table: Table) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)


def _arrow_type(kind: str, values: list[Any], scale: int | None = None) -> Any:
    import pyarrow as pa

    if kind == "int64":
        return pa.int64()
    if kind == "binary":
        return pa.binary()
    if kind == "decimal":
        # Exact: the scale is the largest the column holds; precision 38 (decimal128's maximum).
        if scale is not None:
            return pa.decimal128(38, scale)
        scale = 0
        for value in values:
            if value is not None:
                exponent = value.as_tuple().exponent
                if isinstance(exponent, int):
                    scale = max(scale, -exponent)
        return pa.decimal128(38, min(scale, _MAX_SCALE))
    return pa.string()


def _write_parquet(target: Path, table: Table, chunk: int = 200_000) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise StorageError("parquet export needs: pip install 'govinfo-report[parquet]'") from exc
    rows = iter(table.rows)
    writer = None
    try:
        while True:
            batch = [row for _, row in zip(range(chunk), rows, strict=False)]
            if not batch and writer is not None:
                break
            columns = [[row[i] for row in batch] for i in range(len(table.columns))]
            if writer is None:
                schema = pa.schema(
                    [
                        pa.field(name, _arrow_type(kind, values, table.decimal_scale))
                        for name, kind, values in zip(
                            table.columns, table.types, columns, strict=True
                        )
                    ]
                )
                writer = pq.ParquetWriter(target, schema)
            arrays = [
                pa.array(values, type=field.type)
                for values, field in zip(columns, writer.schema, strict=True)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=writer.schema))
            if len(batch) < chunk:
                break
    finally:
        if writer is not None:
            writer.close()


def _write_xlsx(target: Path, table: Table) -> None:
    try:
        from openpyxl import Workbook
    except ImportError as exc:
        raise StorageError("xlsx export needs openpyxl: pip install openpyxl") from exc
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append([v.hex() if isinstance(v, bytes) else v for v in row])
    workbook.save(target)


def export(
    database: Path,
    table: str,
    to: str = "csv",
    output: Path | None = None,
    *,
    excel: bool = False,
    with_json: bool = False,
    stdout: IO[str] | None = None,
) -> None:
    """Export ``table`` of a batch database ``to`` CSV, Parquet or xlsx; CSV without ``output``
    goes to ``stdout``. ``excel``: CSV as UTF-8 with a byte-order mark (what Excel needs to read
    Chinese). ``with_json``: the ``files`` table keeps ``report_json``."""
    if to not in FORMATS:
        raise ValueError(f"no export format {to!r} (formats: {', '.join(FORMATS)})")
    if output is None and to != "csv":
        raise StorageError(f"{to} output needs a file: give -o")
    connection = open_read_only(database)
    try:
        with storage_errors(database):
            data = read_table(connection, table, with_json=with_json, typed=to != "csv")
            write: Callable[[Path, Table], None]
            if output is None:
                _write_csv(stdout or sys.stdout, data)
                return
            if to == "parquet":
                write = _write_parquet
            elif to == "xlsx":
                write = _write_xlsx
            else:

                def write(path: Path, table: Table) -> None:
                    with open(
                        path, "w", newline="", encoding="utf-8-sig" if excel else "utf-8"
                    ) as h:
                        _write_csv(h, table)

            with _replacing(output) as temporary:
                write(temporary, data)
    finally:
        connection.close()


def csv_text(database: Path, table: str) -> str:
    """A table as CSV text (small databases, tests and examples)."""
    buffer = io.StringIO()
    export(database, table, stdout=buffer)
    return buffer.getvalue()
