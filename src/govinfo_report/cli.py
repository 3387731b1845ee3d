"""The ``govinfo-report`` command.

Exit status: 0 clean, 1 findings of severity error or inconsistency, 2 unreadable input or bad usage.
``--version`` and ``--help`` import nothing but this module and the version: the library, its plugins
and the validation rules are imported by the command that needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from . import cli_checks
from ._version import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy knows the name)
if TYPE_CHECKING:
    from typing import Any, TextIO

    from .errors import ReportReadError
    from .findings import Finding
    from .plugins import ReadResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    pass


_UNREADABLE_STATUS = {"fail": 2, "findings": 1, "ignore": 0}
"""``batch --unreadable``: the exit status that unreadable files ask for."""

STDIN = "-"
"""An input given as ``-`` is read from standard input."""


def _names(kind: str) -> str:
    from .plugins import registry

    names = sorted(registry().readers if kind == "readers" else registry().writers)
    return ", ".join(names) or "none"


class _HelpFormatter(argparse.HelpFormatter):
    """Fills ``{readers}`` and ``{writers}`` in help texts only when help is printed, so that
    building the parser (and ``--version``) never loads the plugins."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text is None:
            return None
        for kind in ("readers", "writers"):
            if "{" + kind + "}" in text:
                text = text.replace("{" + kind + "}", _names(kind))
        return text


_READER_HELP = "force a reader by name ({readers}); default: chosen from the content and name"
_NAME_HELP = (
    "the name of standard input (with INPUT -), e.g. report.docx: labels findings and helps "
    "choose the reader; default: the reader is chosen from the content"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govinfo-report",
        description="Read, check and convert 政府信息公开工作年度报告 (annual disclosure reports).",
        epilog=(
            "govinfo-report COMMAND --help lists the readers and writers installed. Places in "
            "the output (page, line, table, row, column) are counted from 1, in text and in JSON. "
            "Exit status: 0 clean, 1 findings of severity error or inconsistency, 2 unreadable "
            "input or bad usage."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="print the version"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, **options: Any) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(
            name, formatter_class=_HelpFormatter, **options
        )
        return sub

    convert = command(
        "convert",
        aliases=["read"],
        help="read a report and write it in another format",
        description=(
            "Read a report and write it in another format. Findings made while reading, and a "
            "count of the report's errors and inconsistencies, go to standard error."
        ),
    )
    convert.add_argument("input", metavar="INPUT", help="the report file, or - for standard input")
    convert.add_argument(
        "--to",
        help="writer name ({writers}); default: from -o's file ending, else cells",
    )
    convert.add_argument(
        "-o",
        "--output",
        help="output file; its ending chooses the writer when --to is absent "
        "(default: standard output)",
    )
    convert.add_argument("--reader", help=_READER_HELP)
    convert.add_argument("--name", help=_NAME_HELP)
    convert.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of messages (default: zh)"
    )

    check = command("validate", help="check reports and print findings")
    check.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="report files (- for standard input)"
    )
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people, json for programs; places are counted from 1 in both "
        "(default: text)",
    )
    check.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="message language (default: zh)"
    )
    check.add_argument(
        "--profile",
        choices=("basic", "strict"),
        default="basic",
        help="basic: the default codes; strict: also the codes of the strict profile "
        "(see the finding codes reference)",
    )
    check.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODE",
        help="only these codes or prefixes (repeatable, or comma-separated); an entry that "
        "matches no code is an error",
    )
    check.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODE",
        help="drop these codes or prefixes (repeatable, or comma-separated); an entry that "
        "matches no code is an error",
    )
    check.add_argument("--reader", help=_READER_HELP)
    check.add_argument("--name", help=_NAME_HELP)
    check.add_argument(
        "--aliases",
        metavar="FILE",
        help="JSON object mapping old agency names to current ones, for series checks",
    )
    check.add_argument(
        "--quiet-info", action="store_true", help="leave out findings of severity info"
    )
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print every detail of a finding (e.g. the full equation of a broken sum)",
    )
    check.add_argument(
        "--html",
        metavar="FILE",
        help="also write the check page: the tables with the cells named by findings highlighted "
        "(several inputs: one page each, FILE's name followed by the input's)",
    )
    cli_checks.add_baseline_options(check)

    plugins = command("plugins", help="list installed plugins")
    plugins.add_argument("--all", action="store_true", help="include the built-in plugin")
    plugins.add_argument("--json", action="store_true", help="print JSON")

    explain = command("explain", help="show how a reader is chosen for an input")
    explain.add_argument(
        "input",
        metavar="INPUT",
        help="the file to explain, or - for standard input (readers: {readers})",
    )
    explain.add_argument("--name", help=_NAME_HELP)

    command("schema", help="print the JSON Schema of the json format")

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
    batch.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of the summary (default: zh)"
    )
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
    batch.add_argument(
        "--unreadable",
        choices=tuple(_UNREADABLE_STATUS),
        default="fail",
        help="what files that cannot be read do to the exit status: fail (2, the default), "
        "findings (1, like a report with errors) or ignore (they are still recorded and "
        "counted in the summary)",
    )

    cli_checks.add_batch_options(batch)
    cli_checks.add_commands(commands)

    export = commands.add_parser("export", help="export a batch database as CSV, Parquet or xlsx")
    export.add_argument("--db", required=True, help="the batch database to export from")
    export.add_argument(
        "--to",
        choices=("csv", "parquet", "xlsx"),
        default="csv",
        help="output format (default: csv; parquet needs pyarrow, xlsx openpyxl)",
    )
    export.add_argument(
        "--table",
        choices=("cells", "findings", "files", "series_findings", "wide"),
        default="findings",
        help="a table of the database, or wide: one row per report, a column per cell",
    )
    export.add_argument("-o", "--output", help="output file (CSV may go to standard output)")
    export.add_argument(
        "--excel", action="store_true", help="CSV as UTF-8 with a byte-order mark, for Excel"
    )
    export.add_argument(
        "--with-json", action="store_true", help="files: keep the report_json column"
    )
    return parser


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _out(text: str, stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(text)


def _read_input(path: str, reader: str | None, name: str | None, lang: str) -> ReadResult:
    """Read ``path`` (``-``: standard input) or raise ReportReadError (``lang`` is the caller's
    message language; the error carries both, see ``ReportReadError.message_for``)."""
    from .errors import ReportReadError
    from .io import read

    if path == STDIN:
        return read(sys.stdin.buffer, reader=reader, name=name or "<stdin>")
    if not Path(path).exists():
        raise ReportReadError(path, code="file.not_found")
    return read(path, reader=reader, name=name)


def _writer_for(to: str | None, output: str | None, lang: str = "en") -> str:
    """The writer: ``--to``, else the one whose file ending ``-o`` has (the longest that matches)."""
    from .plugins import registry

    writers = registry().writers
    if to is not None:
        if to not in writers:
            known = ", ".join(sorted(writers)) or "none"
            raise _UsageError(
                f"no writer named {to!r} (writers: {known})"
                if lang == "en"
                else f"没有名为 {to!r} 的输出格式（已安装：{known}）"
            )
        writer = writers[to]
        if output and not output.lower().endswith(writer.suffix.lower()):
            claimed = _writer_by_suffix(output)
            if claimed is not None and claimed != to:
                raise _UsageError(
                    f"-o {output} has the ending of the {claimed} format, but --to is {to}: "
                    f"use an output name ending in {writer.suffix}, or --to {claimed}"
                    if lang == "en"
                    else f"-o {output} 的结尾是 {claimed} 格式的，但 --to 是 {to}：请让输出文件名"
                    f"以 {writer.suffix} 结尾，或改用 --to {claimed}"
                )
        return to
    if not output:
        return "cells"
    inferred = _writer_by_suffix(output)
    if inferred is None:
        endings = ", ".join(f"{w.suffix} ({w.name})" for w in writers.values())
        raise _UsageError(
            f"cannot tell the output format from {output}: give --to, or an output name ending in "
            f"one of {endings}"
            if lang == "en"
            else f"无法从 {output} 看出输出格式：请给出 --to，或让输出文件名以下列之一结尾：{endings}"
        )
    return inferred


def _writer_by_suffix(output: str) -> str | None:
    from .plugins import registry

    lowered = output.lower()
    matching = [w for w in registry().writers.values() if lowered.endswith(w.suffix.lower())]
    if not matching:
        return None
    return max(matching, key=lambda w: (len(w.suffix), w.plugin == "govinfo_report")).name


def _convert(args: argparse.Namespace) -> int:
    from .io import write
    from .plugins import registry
    from .validation import validate

    to = _writer_for(args.to, args.output, args.lang)
    writer = registry().writer(to)
    if not args.output and writer.binary:
        raise _UsageError(
            f"the {to} format is binary: give an output file with -o"
            if args.lang == "en"
            else f"{to} 格式是二进制文件，不能输出到终端：请用 -o 指定输出文件"
        )
    result = _read_input(args.input, args.reader, args.name, args.lang)
    data = write(result.report, to, findings=result.findings)
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    source = _shown(args.input, args.name)
    labels = _labels(result.report)
    for finding in result.findings:
        print(_finding_line(finding, source, args.lang, labels), file=sys.stderr)
    failing = [f for f in validate(result.report) if f.severity.fails]
    failing += [f for f in result.findings if f.severity.fails]
    if failing:
        message = (
            f"{source}: the report has {len(failing)} errors or inconsistencies; "
            f"govinfo-report validate {args.input} lists them"
            if args.lang == "en"
            else f"{source}：报告有 {len(failing)} 项错误或不一致，"
            f"运行 govinfo-report validate {args.input} 查看"
        )
        print(f"govinfo-report: {message}", file=sys.stderr)
    return EXIT_CLEAN


def _unreadable_line(exc: ReportReadError, source: str, lang: str) -> str:
    """One line for an input that cannot be read, in the user's language (an error a plugin raised
    without a code keeps its own text inside the Chinese framing)."""
    place = exc.place_for(lang)
    if lang == "zh":
        where = f"{source}（{place}）" if place else source
        return f"{where}：无法读取：{exc.reason_for(lang)}"
    where = f"{source} ({place})" if place else source
    return f"{where}: error read.failed {exc.reason}"


def _shown(path: str, name: str | None) -> str:
    return name or ("<stdin>" if path == STDIN else path)


def _labels(report: Any) -> dict[str, str]:
    """Canonical key → the template's labels (``（七）总计·自然人``), for messages in Chinese."""
    return {spec.key: "·".join(spec.labels[1:]) or spec.key for spec in report.template()}


def _finding_line(
    finding: Finding,
    source: str,
    lang: str,
    labels: dict[str, str] | None = None,
    verbose: bool = True,
) -> str:
    where = finding.source.describe(lang) if finding.source is not None else source
    if finding.source is not None and finding.source.source is None:
        where = f"{source}{where.removeprefix('<input>')}"
    separator = ": " if lang == "en" else "："
    line = f"{where}{separator}{finding.severity.label(lang)} {finding.code} {finding.text(lang)}"
    if finding.cells and finding.expected is not None:
        cell = finding.cells[0]
        if lang == "en":
            line += f"\n    suspected cell: {cell} expected {finding.expected}"
        else:
            label = (labels or {}).get(cell)
            shown = f"「{label}」（{cell}）" if label else cell
            line += f"\n    可疑单元格：{shown} 应为 {finding.expected}"
    details = finding.details_en if lang == "en" else finding.details
    if not verbose:
        details = tuple(_short_detail(detail, lang) for detail in details)
    for detail in details:
        line += f"\n    {detail}"
    return line


_EQUATION = re.compile(
    r"^(?P<head>[^:]*): (?P<lhs>.+?) = (?P<rhs>.+): (?P<left>\S+) ≠ (?P<right>\S+)$"
)


def _short_detail(detail: str, lang: str) -> str:
    """A broken sum in short: the total as printed and the sum of its terms (``--verbose`` gives
    the full equation, which lists up to 21 terms)."""
    match = _EQUATION.match(detail)
    if match is None:
        return detail
    head, lhs, left, right = match["head"], match["lhs"], match["left"], match["right"]
    single = " + " not in lhs
    if lang == "en":
        stated = f"{lhs} is {left}, its terms add up to {right}" if single else f"{left} ≠ {right}"
        return f"{head}: {stated} (--verbose: the full equation)"
    stated = f"「{lhs}」{left}，各项之和 {right}" if single else f"{left} ≠ {right}"
    return f"{head}：{stated}（完整算式见 --verbose）"


def _finding_data(finding: Finding) -> dict[str, Any]:
    from .serialize import findings_to_data

    data = findings_to_data([finding])[0]
    assert isinstance(data, dict)
    data.setdefault("cells", [])
    if finding.source is not None:
        # The command counts every place from 1, in JSON as in text (see docs/reference/cli.md).
        data["source"] = finding.source.one_based()
    return data


def _check_selection(select: Sequence[str], ignore: Sequence[str], lang: str = "en") -> None:
    from .plugins import registry

    catalogue = registry().catalogue
    for option, patterns in (("--select", select), ("--ignore", ignore)):
        try:
            catalogue.check_patterns(patterns, option)
        except ValueError as exc:
            if lang == "en":
                raise _UsageError(str(exc)) from None
            unknown = [p for p in patterns if not _matches_a_code(catalogue, p)]
            prefixes = sorted({info.code.split(".", 1)[0] for info in catalogue.codes()})
            raise _UsageError(
                f"{option}：{'、'.join(map(repr, unknown))} 既不是问题代码，也不是代码的开头"
                f"（代码前缀：{', '.join(prefixes)}）"
            ) from None


def _matches_a_code(catalogue: Any, pattern: str) -> bool:
    try:
        catalogue.check_patterns([pattern])
    except ValueError:
        return False
    return True


def _validate(args: argparse.Namespace) -> int:
    from .errors import ReportReadError
    from .validation import normalise_agency, validate, validate_series

    select, ignore = _split(args.select), _split(args.ignore)
    _check_selection(select, ignore, args.lang)
    aliases = _load_aliases(args.aliases)
    entries: list[dict[str, Any]] = []
    reports = []
    unreadable = False
    for path in args.inputs:
        source = _shown(path, args.name)
        try:
            result = _read_input(path, args.reader, args.name, args.lang)
        except ReportReadError as exc:
            unreadable = True
            entries.append(
                {"source": source, "error": str(exc), "error_code": exc.code, "findings": []}
            )
            print(_unreadable_line(exc, source, args.lang), file=sys.stderr)
            continue
        findings = list(result.findings) + validate(
            result.report, profile=args.profile, select=select, ignore=ignore
        )
        report = result.report
        entries.append(
            {
                "source": source,
                "edition": report.edition.value,
                "year": report.meta.year,
                "agency": report.meta.agency,
                "findings": findings,
                "labels": _labels(report),
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
    cli_checks.apply_baseline(args, entries)
    failing = False
    for entry in entries:
        if args.quiet_info:
            entry["findings"] = [f for f in entry["findings"] if f.severity.value != "info"]
        entry["findings"].sort(key=lambda f: f.severity.rank)
        failing = failing or any(f.severity.fails for f in entry["findings"])
    if args.html:
        _write_check_pages(Path(args.html), entries, reports)
    if args.format == "json":
        payload = {
            "reports": [
                {
                    **{k: v for k, v in entry.items() if k != "labels"},
                    "findings": [_finding_data(f) for f in entry["findings"]],
                }
                for entry in entries
            ]
        }
        _out(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    else:
        _print_text(entries, args.lang, args.verbose)
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _write_check_pages(
    target: Path, entries: list[dict[str, Any]], reports: Sequence[tuple[int, Any]]
) -> None:
    """The html writer's page for each report read, its findings highlighted."""
    from .io import write

    for position, report in reports:
        entry = entries[position]
        page = target
        if len(entries) > 1:
            page = target.with_name(f"{target.stem}.{Path(entry['source']).stem}.html")
        page.write_bytes(write(report, "html", findings=entry["findings"]))
        print(f"{entry['source']}: check page written to {page}", file=sys.stderr)


def _print_text(entries: list[dict[str, Any]], lang: str, verbose: bool = False) -> None:
    from .findings import Severity

    for entry in entries:
        if "error" in entry:
            continue
        labels = entry.get("labels")
        for finding in entry["findings"]:
            _out(_finding_line(finding, entry["source"], lang, labels, verbose) + "\n")
        counts: dict[Severity, int] = {}
        for finding in entry["findings"]:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        if lang == "en":
            summary = ", ".join(f"{n} {s.value}" for s, n in counts.items()) or "no findings"
            agency = entry["agency"] or "(agency unknown)"
            year = entry["year"] if entry["year"] is not None else "(year unknown)"
            _out(f"{entry['source']}: {agency} {year} (edition {entry['edition']}): {summary}\n")
        else:
            summary = (
                "，".join(f"{s.label('zh')} {n} 项" for s, n in counts.items()) or "未发现问题"
            )
            agency = entry["agency"] or "（机关名称不明）"
            year = f"{entry['year']} 年度" if entry["year"] is not None else "（年度不明）"
            _out(f"{entry['source']}：{agency} {year}（{entry['edition']} 年版模板）：{summary}\n")


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
    from .plugins import registry

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
    from .errors import ReportReadError
    from .plugins import SNIFF_BYTES, registry

    name = _shown(args.input, args.name)
    if args.input == STDIN:
        head = sys.stdin.buffer.read(SNIFF_BYTES)
    else:
        try:
            with Path(args.input).open("rb") as handle:
                head = handle.read(SNIFF_BYTES)
        except OSError as exc:
            raise ReportReadError(
                args.input, code="file.cannot_open", detail=exc.strerror or str(exc)
            ) from exc
    plugins = registry()
    for candidate in plugins.explain(head, name):
        reader = candidate.reader
        _out(f"{reader.name:12} {candidate.score:4.2f}  {reader.plugin:24} {candidate.reason}\n")
    try:
        _out(f"chosen: {plugins.choose(head, name).name}\n")
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

    from .batch import (
        StorageError,
        dask_executor,
        default_workers,
        local_executor,
        page_progress_line,
        run_batch,
        storage_errors,
    )
    from .limits import DEFAULT_LIMITS

    roots = [Path(root) for root in args.roots]
    missing = [str(root) for root in roots if not root.exists()]
    if missing:
        raise _UsageError(f"no such file or folder: {', '.join(missing)}")
    manifest = None
    if args.manifest:  # read before the corpus, so that a bad manifest costs nothing
        from .rollups import read_manifest

        try:
            manifest = read_manifest(args.manifest)
        except (OSError, ValueError) as exc:
            raise _UsageError(f"cannot read the manifest {args.manifest}: {exc}") from exc
    workers = args.workers or default_workers()
    limits = DEFAULT_LIMITS
    if args.seconds_per_document is not None:
        limits = attrs.evolve(limits, max_seconds=args.seconds_per_document)
    if args.executor == "dask":
        try:
            submit = dask_executor(args.scheduler, limits)
        except RuntimeError as exc:
            raise _UsageError(str(exc)) from exc
    else:
        submit = local_executor(workers, limits, page_progress_line(sys.stderr))
    try:
        summary = run_batch(
            roots,
            Path(args.db),
            submit=submit,
            aliases=_load_aliases(args.aliases),
            progress=sys.stderr,
            series_workers=workers,
        )
    except StorageError as exc:
        raise _UsageError(str(exc)) from exc
    rollups = mismatches = 0
    if manifest is not None:
        try:
            with storage_errors(Path(args.db)):
                rollups, mismatches = cli_checks.batch_rollups(
                    Path(args.db), manifest, _load_aliases(args.aliases)
                )
        except (StorageError, ValueError) as exc:  # the database went away or is locked
            raise _UsageError(str(exc)) from exc
    if args.format == "json":
        data = dataclasses.asdict(summary)
        if manifest is not None:
            data |= {"rollup_findings": rollups, "rollup_mismatches": mismatches}
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(summary.line() if args.lang == "en" else summary.line_zh())
        if manifest is not None:
            print(
                f"rollup: {rollups} finding(s), {mismatches} parent cell(s) differ from their units"
                if args.lang == "en"
                else f"汇总核对：{rollups} 项问题，其中 {mismatches} 项上级数与下级之和不符"
            )
    status = EXIT_FINDINGS if summary.failing_reports or summary.failing_series else EXIT_CLEAN
    if mismatches:
        status = EXIT_FINDINGS
    if summary.errors:
        status = max(status, _UNREADABLE_STATUS[args.unreadable])
    return status


def _export(args: argparse.Namespace) -> int:
    from .batch import StorageError
    from .export import export

    output = Path(args.output) if args.output else None
    try:
        export(
            Path(args.db),
            args.table,
            args.to,
            output,
            excel=args.excel,
            with_json=args.with_json,
        )
        if output is None:
            sys.stdout.flush()
    except StorageError as exc:
        raise _UsageError(str(exc)) from exc
    except BrokenPipeError:
        _stdout_closed()
        raise _UsageError("standard output was closed before the export finished") from None
    return EXIT_CLEAN


def _stdout_closed() -> None:
    """The reader of standard output went away (| head): send what is left to nowhere, so
    Python's flush at exit raises no second error."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


_COMMANDS = {
    "convert": _convert,
    "read": _convert,
    "validate": _validate,
    "plugins": _plugins,
    "explain": _explain,
    "schema": _schema,
    "batch": _batch,
    "export": _export,
    "compare": cli_checks.run_compare,
    "rollup": cli_checks.run_rollup,
}


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    # A user of the command acts on the message, never on a source line of the library.
    print(f"govinfo-report: warning: {message}", file=file or sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    import warnings

    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from .errors import ReportReadError
    from .limits import current_limits, using_limits, with_command_budget

    previous = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        # A time budget for every input the command reads (batch keeps one per file).
        with using_limits(with_command_budget(current_limits())):
            return _COMMANDS[args.command](args)
    except ReportReadError as exc:
        if getattr(args, "lang", "en") == "zh":
            print(f"govinfo-report：{_unreadable_line(exc, exc.source, 'zh')}", file=sys.stderr)
        else:
            print(f"govinfo-report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (_UsageError, LookupError) as exc:
        separator = "：" if getattr(args, "lang", "en") == "zh" else ": "
        print(f"govinfo-report{separator}{exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        _stdout_closed()
        print("govinfo-report: standard output was closed before the end", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # an output that cannot be written: a missing folder, a full disk, …
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"govinfo-report: cannot write {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        warnings.showwarning = previous


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
