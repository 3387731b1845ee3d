"""The ``govinfo-report`` command.

Exit status: 0 clean, 1 findings of severity error or inconsistency, 2 unreadable input or bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .errors import ReportReadError
from .findings import Finding
from .io import read, write
from .plugins import SNIFF_BYTES, registry
from .validation import normalise_agency, validate, validate_series

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govinfo-report",
        description="Read, check and convert 政府信息公开工作年度报告 (annual disclosure reports).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    convert = commands.add_parser(
        "convert", aliases=["read"], help="read a report and write it in another format"
    )
    convert.add_argument("input", help="the report file")
    convert.add_argument("--to", default="cells", help="writer name (default: cells)")
    convert.add_argument("-o", "--output", help="output file (default: standard output)")
    convert.add_argument("--reader", help="force a reader by name")

    check = commands.add_parser("validate", help="check reports and print findings")
    check.add_argument("inputs", nargs="+", metavar="INPUT", help="report files")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--lang", choices=("zh", "en"), default="zh", help="message language")
    check.add_argument("--profile", choices=("basic", "strict"), default="basic")
    check.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODE",
        help="only these codes or prefixes (repeatable, or comma-separated)",
    )
    check.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODE",
        help="drop these codes or prefixes (repeatable, or comma-separated)",
    )
    check.add_argument("--reader", help="force a reader by name")
    check.add_argument(
        "--aliases",
        metavar="FILE",
        help="JSON object mapping old agency names to current ones, for series checks",
    )
    check.add_argument(
        "--quiet-info", action="store_true", help="leave out findings of severity info"
    )

    plugins = commands.add_parser("plugins", help="list installed plugins")
    plugins.add_argument("--all", action="store_true", help="include the built-in plugin")
    plugins.add_argument("--json", action="store_true", help="print JSON")

    explain = commands.add_parser("explain", help="show how a reader is chosen for an input")
    explain.add_argument("input")

    commands.add_parser("schema", help="print the JSON Schema of the json format")

    batch = commands.add_parser(
        "batch", help="read every report under folders into a SQLite database, then check series"
    )
    batch.add_argument("roots", nargs="+", metavar="DIR", help="folders (or files) to read")
    batch.add_argument("--db", required=True, help="the SQLite database (created if missing)")
    batch.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: one per core, at most 8)",
    )
    batch.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local processes, or a Dask cluster (extra: govinfo-report[dask])",
    )
    batch.add_argument("--scheduler", help="Dask scheduler address (default: a local cluster)")
    batch.add_argument(
        "--aliases", metavar="FILE", help="JSON object of old → current agency names"
    )
    batch.add_argument("--lang", choices=("zh", "en"), default="zh")
    batch.add_argument(
        "--format", choices=("text", "json"), default="text", help="the summary as text or JSON"
    )
    batch.add_argument(
        "--seconds-per-document",
        type=float,
        default=None,
        metavar="S",
        help="give up on a file after S seconds (default 120; 0: no budget)",
    )

    export = commands.add_parser("export", help="export a batch database as CSV or Parquet")
    export.add_argument("--db", required=True)
    export.add_argument("--to", choices=("csv", "parquet"), default="csv")
    export.add_argument(
        "--table", choices=("cells", "findings", "files", "series_findings"), default="findings"
    )
    export.add_argument("-o", "--output", help="output file (CSV may go to standard output)")
    return parser


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _out(text: str, stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(text)


def _convert(args: argparse.Namespace) -> int:
    result = read(args.input, reader=args.reader)
    writer = registry().writer(args.to)
    data = write(result.report, args.to, findings=result.findings)
    if args.output:
        Path(args.output).write_bytes(data)
    elif writer.binary:
        raise _UsageError(f"the {args.to} format is binary: give an output file with -o")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    for finding in result.findings:
        print(_finding_line(finding, args.input, "zh"), file=sys.stderr)
    return EXIT_CLEAN


def _finding_line(finding: Finding, source: str, lang: str) -> str:
    where = finding.source.describe() if finding.source is not None else source
    if finding.source is not None and finding.source.source is None:
        where = f"{source}{where.removeprefix('<input>')}"
    line = f"{where}: {finding.severity.value} {finding.code} {finding.text(lang)}"
    if finding.cells and finding.expected is not None:
        label = "suspected cell" if lang == "en" else "可疑单元格"
        expected = "expected" if lang == "en" else "应为"
        line += f"\n    {label}: {finding.cells[0]} {expected} {finding.expected}"
    details = finding.details_en if lang == "en" else finding.details
    for detail in details:
        line += f"\n    {detail}"
    return line


def _finding_data(finding: Finding) -> dict[str, Any]:
    from .serialize import findings_to_data

    data = findings_to_data([finding])[0]
    assert isinstance(data, dict)
    data.setdefault("cells", [])
    return data


def _validate(args: argparse.Namespace) -> int:
    select, ignore = _split(args.select), _split(args.ignore)
    aliases = _load_aliases(args.aliases)
    entries: list[dict[str, Any]] = []
    reports = []
    unreadable = False
    for path in args.inputs:
        try:
            result = read(path, reader=args.reader)
        except ReportReadError as exc:
            unreadable = True
            entries.append({"source": path, "error": str(exc), "findings": []})
            print(f"{path}: error read.failed {exc}", file=sys.stderr)
            continue
        findings = list(result.findings) + validate(
            result.report, profile=args.profile, select=select, ignore=ignore
        )
        report = result.report
        entries.append(
            {
                "source": path,
                "edition": report.edition.value,
                "year": report.meta.year,
                "agency": report.meta.agency,
                "findings": findings,
            }
        )
        reports.append((len(entries) - 1, report))
    if len(reports) > 1:
        index: dict[tuple[str, int], int] = {
            (normalise_agency(aliases.get(r.meta.agency, r.meta.agency)), r.meta.year): i
            for i, r in reports
            if r.meta.agency and r.meta.year is not None
        }
        series_findings = validate_series(
            [r for _, r in reports],
            aliases=aliases,
            profile=args.profile,
            select=select,
            ignore=ignore,
        )
        for finding in series_findings:
            agency = finding.agency or ""
            position = index.get((normalise_agency(aliases.get(agency, agency)), finding.year or 0))
            entries[reports[0][0] if position is None else position]["findings"].append(finding)
    failing = False
    for entry in entries:
        if args.quiet_info:
            entry["findings"] = [f for f in entry["findings"] if f.severity.value != "info"]
        entry["findings"].sort(key=lambda f: f.severity.rank)
        failing = failing or any(f.severity.fails for f in entry["findings"])
    if args.format == "json":
        payload = {
            "reports": [
                {**entry, "findings": [_finding_data(f) for f in entry["findings"]]}
                for entry in entries
            ]
        }
        _out(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    else:
        _print_text(entries, args.lang)
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _print_text(entries: list[dict[str, Any]], lang: str) -> None:
    for entry in entries:
        if "error" in entry:
            continue
        for finding in entry["findings"]:
            _out(_finding_line(finding, entry["source"], lang) + "\n")
        counts: dict[str, int] = {}
        for finding in entry["findings"]:
            counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in counts.items()) or (
            "no findings" if lang == "en" else "未发现问题"
        )
        _out(
            f"{entry['source']}: {entry['agency'] or '?'} {entry['year'] or '?'} "
            f"(edition {entry['edition']}): {summary}\n"
        )


def _load_aliases(path: str | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _UsageError(f"cannot read the alias file {path}: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise _UsageError(f"{path}: the alias file must be a JSON object of names to names")
    return data


def _plugins(args: argparse.Namespace) -> int:
    infos = [p for p in registry().plugins.values() if args.all or not p.builtin]
    infos.sort(key=lambda p: (not p.builtin, p.name))
    if args.json:
        rows = [
            {
                "name": p.name,
                "version": p.version,
                "builtin": p.builtin,
                "readers": list(p.readers),
                "writers": list(p.writers),
                "rules": list(p.rules),
                **({"error": p.error} if p.error else {}),
            }
            for p in infos
        ]
        _out(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return EXIT_CLEAN
    if not infos:
        _out("no plugins installed (use --all to list the built-ins)\n")
    for p in infos:
        _out(f"{p.name} {p.version or ''}".rstrip() + (" (built-in)" if p.builtin else "") + "\n")
        if p.error:
            _out(f"  error: {p.error}\n")
        for what, names in (("readers", p.readers), ("writers", p.writers), ("rules", p.rules)):
            if names:
                _out(f"  {what}: {', '.join(names)}\n")
    return EXIT_CLEAN


def _explain(args: argparse.Namespace) -> int:
    path = Path(args.input)
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise ReportReadError(str(path), f"cannot open: {exc.strerror or exc}") from exc
    plugins = registry()
    for candidate in plugins.explain(head, str(path)):
        reader = candidate.reader
        _out(f"{reader.name:12} {candidate.score:4.2f}  {reader.plugin:24} {candidate.reason}\n")
    try:
        _out(f"chosen: {plugins.choose(head, str(path)).name}\n")
    except LookupError as exc:
        _out(f"chosen: none ({exc})\n")
        return EXIT_USAGE
    return EXIT_CLEAN


def _schema(args: argparse.Namespace) -> int:
    from .schema import report_schema

    _out(json.dumps(report_schema(), ensure_ascii=False, indent=1) + "\n")
    return EXIT_CLEAN


def _batch(args: argparse.Namespace) -> int:
    import dataclasses

    import attrs

    from .batch import dask_executor, default_workers, local_executor, run_batch
    from .limits import DEFAULT_LIMITS

    roots = [Path(root) for root in args.roots]
    missing = [str(root) for root in roots if not root.exists()]
    if missing:
        raise _UsageError(f"no such file or folder: {', '.join(missing)}")
    limits = DEFAULT_LIMITS
    if args.seconds_per_document is not None:
        limits = attrs.evolve(limits, seconds_per_document=args.seconds_per_document)
    if args.executor == "dask":
        try:
            submit = dask_executor(args.scheduler, limits)
        except RuntimeError as exc:
            raise _UsageError(str(exc)) from exc
    else:
        submit = local_executor(args.workers or default_workers(), limits)
    summary = run_batch(
        roots,
        Path(args.db),
        submit=submit,
        aliases=_load_aliases(args.aliases),
        progress=sys.stderr,
    )
    if args.format == "json":
        print(json.dumps(dataclasses.asdict(summary), ensure_ascii=False))
    elif args.lang == "en":
        print(summary.line())
    else:
        print(
            f"共 {summary.discovered} 个文件：读取 {summary.read} 个，未变跳过 {summary.skipped} 个，"
            f"无法读取 {summary.errors} 个；{summary.failing_reports} 份报告有错误或不一致；"
            f"跨年核对发现 {summary.series_findings} 项（其中不一致 {summary.failing_series} 项）"
            f"，用时 {summary.seconds:.1f} 秒"
        )
    if summary.errors:
        return EXIT_USAGE
    return EXIT_FINDINGS if summary.failing_reports or summary.failing_series else EXIT_CLEAN


def _export(args: argparse.Namespace) -> int:
    import sqlite3

    database = Path(args.db)
    if not database.exists():
        raise _UsageError(f"no such database: {database}")
    connection = sqlite3.connect(database)
    try:
        cursor = connection.execute(
            f"SELECT * FROM {args.table}"
        )  # the name is from a fixed choice
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except sqlite3.Error as exc:
        raise _UsageError(f"{database}: not a batch database ({exc})") from exc
    finally:
        connection.close()
    if args.to == "parquet":
        if not args.output:
            raise _UsageError("parquet output needs a file: give -o")
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise _UsageError(
                "parquet export needs: pip install 'govinfo-report[parquet]'"
            ) from exc
        table = pa.table({name: [row[i] for row in rows] for i, name in enumerate(columns)})
        pq.write_table(table, args.output)
        return EXIT_CLEAN
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as handle:
            _write_csv(handle, columns, rows)
    else:
        _write_csv(sys.stdout, columns, rows)
    return EXIT_CLEAN


def _write_csv(handle: TextIO, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    import csv

    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)


_COMMANDS = {
    "convert": _convert,
    "read": _convert,
    "validate": _validate,
    "plugins": _plugins,
    "explain": _explain,
    "schema": _schema,
    "batch": _batch,
    "export": _export,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return _COMMANDS[args.command](args)
    except ReportReadError as exc:
        print(f"govinfo-report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (_UsageError, LookupError) as exc:
        print(f"govinfo-report: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
