"""The ``compare`` and ``rollup`` commands and the ``--baseline`` option of ``validate``.

Kept apart from :mod:`govinfo_report.cli`, which only registers them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def add_commands(commands: Any) -> None:
    """Register ``compare`` and ``rollup`` on the sub-command parser."""
    compare = commands.add_parser(
        "compare", help="compare two reports (two years of one agency) cell by cell and in prose"
    )
    compare.add_argument("old", help="the earlier report")
    compare.add_argument("new", help="the later report")
    compare.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="text (default), json (schema: data/compare.schema.json) or an html page",
    )
    compare.add_argument("--lang", choices=("zh", "en"), default="zh", help="text language")
    compare.add_argument("-o", "--output", help="output file (default: standard output)")
    compare.add_argument("--all", action="store_true", help="text: list every changed cell")
    compare.add_argument("--reader", help="force a reader by name")

    rollup = commands.add_parser(
        "rollup", help="check a parent's report against the sum of its units' reports"
    )
    rollup.add_argument("parent", nargs="?", help="the parent's report (city, county…)")
    rollup.add_argument("units", nargs="*", metavar="UNIT", help="the units' reports")
    rollup.add_argument("--db", help="a batch database: run over every report in it")
    rollup.add_argument(
        "--manifest", metavar="CSV", help="with --db: CSV of parent,unit agency names"
    )
    rollup.add_argument("--aliases", metavar="FILE", help="JSON of old → current agency names")
    rollup.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    rollup.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="text language (default: zh)"
    )
    rollup.add_argument("--reader", help="force a reader by name")


def add_batch_options(batch: argparse.ArgumentParser) -> None:
    """``--manifest CSV`` for ``batch``: the roll-ups over the corpus just read."""
    batch.add_argument(
        "--manifest",
        metavar="CSV",
        help="CSV of parent,unit agency names: after reading, check each parent's report "
        "against its units' (rollup) and store the findings in series_findings",
    )


def batch_rollups(
    database: Path, manifest: dict[str, list[str]], aliases: dict[str, str]
) -> tuple[int, int]:
    """Run the roll-ups of ``manifest`` over a batch database and add their findings to its
    ``series_findings`` (with their fingerprints); returns (findings, mismatches)."""
    import sqlite3

    from .baseline import fingerprint
    from .rollups import rollup_corpus
    from .serialize import findings_to_data
    from .validation import normalise_agency

    reports = _reports_from_db(database)
    findings = rollup_corpus(reports, manifest, aliases=aliases)
    sources = {
        (normalise_agency(aliases.get(r.meta.agency, r.meta.agency)), r.meta.year): r.source
        for r in reversed(reports)  # the first report of an agency and year, as rollup_corpus
        if r.meta.agency and r.meta.year is not None
    }
    rows = []
    for finding, item in zip(findings, findings_to_data(findings), strict=True):
        agency = normalise_agency(aliases.get(finding.agency or "", finding.agency or ""))
        path = sources.get((agency, finding.year))
        rows.append(
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
                json.dumps([path] if path else [], ensure_ascii=False),
                fingerprint(finding),
            )
        )
    from .batch import BUSY_TIMEOUT

    connection = sqlite3.connect(database, timeout=BUSY_TIMEOUT)  # another process may write
    try:
        with connection:
            connection.executemany(
                "INSERT INTO series_findings (agency, year, related_year, path, code, severity, "
                "message, message_en, cells, expected, actual, rule, paths, fingerprint) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    finally:
        connection.close()
    return len(findings), sum(f.code == "rollup.mismatch" for f in findings)


def add_baseline_options(check: argparse.ArgumentParser) -> None:
    """``--baseline FILE`` and ``--update-baseline`` for ``validate``."""
    check.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings not recorded in FILE (created with every finding if missing)",
    )
    check.add_argument(
        "--update-baseline",
        action="store_true",
        help="with --baseline: record every current finding in FILE",
    )


def apply_baseline(args: argparse.Namespace, entries: list[dict[str, Any]]) -> None:
    """Drop from ``entries`` the findings recorded in ``--baseline`` (recording them if asked)."""
    if not getattr(args, "baseline", None):
        return
    from .baseline import Baseline

    path = Path(args.baseline)
    if args.update_baseline or not path.exists():
        baseline = Baseline()
        for entry in entries:
            baseline = baseline.record(
                entry["findings"], agency=entry.get("agency"), year=entry.get("year")
            )
        baseline.save(path)
        recorded = len(baseline.entries)
        print(
            f"baseline: {recorded} finding(s) recorded in {path}"
            if getattr(args, "lang", "en") == "en"
            else f"基线：{recorded} 项问题已记录在 {path}",
            file=sys.stderr,
        )
        if args.update_baseline:
            for entry in entries:
                entry["findings"] = []
        return
    from .errors import ReportReadError

    try:
        baseline = Baseline.load(path)
    except ValueError as exc:
        raise ReportReadError(
            str(path), code="baseline.invalid", detail=str(exc.__cause__)
        ) from exc
    for entry in entries:
        entry["findings"] = baseline.new_findings(
            entry["findings"], agency=entry.get("agency"), year=entry.get("year")
        )


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def run_compare(args: argparse.Namespace) -> int:
    from .comparison import compare
    from .io import read

    old = read(args.old, reader=args.reader)
    new = read(args.new, reader=args.reader)
    from .validation import validate

    comparison = compare(
        old.report,
        new.report,
        old_findings=[*old.findings, *validate(old.report)],
        new_findings=[*new.findings, *validate(new.report)],
    )
    if args.format == "json":
        _write(json.dumps(comparison.to_data(), ensure_ascii=False, indent=1) + "\n", args.output)
    elif args.format == "html":
        _write(comparison.to_html(), args.output)
    else:
        _write(comparison.to_text(args.lang, limit=None if args.all else 30), args.output)
    return EXIT_CLEAN


def run_rollup(args: argparse.Namespace) -> int:
    from .findings import Finding
    from .rollups import read_manifest, rollup, rollup_corpus

    findings: list[Finding]
    if args.db:
        if not args.manifest:
            print(
                "govinfo-report: rollup --db needs --manifest"
                if args.lang == "en"
                else "govinfo-report：rollup --db 需要 --manifest（下级单位名单）",
                file=sys.stderr,
            )
            return EXIT_USAGE
        try:
            manifest = read_manifest(args.manifest)
            reports = _reports_from_db(Path(args.db))
            aliases = json.loads(Path(args.aliases).read_text("utf-8")) if args.aliases else {}
        except (OSError, ValueError) as exc:
            print(f"govinfo-report: {exc}", file=sys.stderr)
            return EXIT_USAGE
        findings = rollup_corpus(reports, manifest, aliases=aliases)
    else:
        if not args.parent or not args.units:
            print(
                "govinfo-report: rollup needs PARENT and at least one UNIT"
                if args.lang == "en"
                else "govinfo-report：rollup 需要上级报告（PARENT）和至少一份下级报告（UNIT）",
                file=sys.stderr,
            )
            return EXIT_USAGE
        from .io import read

        parent = read(args.parent, reader=args.reader).report
        units = [read(path, reader=args.reader).report for path in args.units]
        names = [u.meta.agency or path for u, path in zip(units, args.units, strict=True)]
        findings = rollup(parent, units, unit_names=names)
    if args.format == "json":
        from .serialize import findings_to_data

        sys.stdout.write(
            json.dumps({"findings": findings_to_data(findings)}, ensure_ascii=False, indent=1)
            + "\n"
        )
    else:
        for finding in findings:
            sys.stdout.write(
                f"{finding.agency or ''} {finding.year or ''}{': ' if args.lang == 'en' else '：'}"
                f"{finding.severity.label(args.lang)} {finding.code} {finding.text(args.lang)}"
                + (f" [{finding.cells[0]}]" if finding.cells else "")
                + "\n"
            )
            for detail in finding.details_en if args.lang == "en" else finding.details:
                sys.stdout.write(f"    {detail}\n")
        if not findings:
            sys.stdout.write("no findings\n" if args.lang == "en" else "未发现问题\n")
    return EXIT_FINDINGS if any(f.code == "rollup.mismatch" for f in findings) else EXIT_CLEAN


def _reports_from_db(database: Path) -> list[Any]:
    """Every report read into a batch database (its lossless ``report_json``)."""
    import sqlite3

    from .serialize import from_json

    if not database.exists():
        raise ValueError(f"no such database: {database}")
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute(
            "SELECT path, report_json FROM files WHERE outcome = 'ok' AND report_json IS NOT NULL "
            "ORDER BY path"
        ).fetchall()
    except sqlite3.Error as exc:
        raise ValueError(f"{database}: not a batch database ({exc})") from exc
    finally:
        connection.close()
    return [from_json(text, source=path) for path, text in rows]
