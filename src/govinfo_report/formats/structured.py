"""Readers and writers for the library's own structured forms: ``json`` and ``cells``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from ..errors import ReportReadError
from ..findings import Finding
from ..hookspecs import hookimpl
from ..model import AnnualReport
from ..plugins import Reader, ReadFunction, ReadResult, WriteFunction, Writer
from ..reading import reading_finding
from ..values import parse_json_int

_BOM = b"\xef\xbb\xbf"


def _json_head(head: bytes) -> bytes:
    return head.removeprefix(_BOM).lstrip()


def _sniff_json(head: bytes, name: str) -> float:
    body = _json_head(head)
    if body.startswith(b"{") and b'"schema_version"' in body and b'"applications"' in body:
        return 0.9
    return 0.3 if name.lower().endswith(".json") and body.startswith(b"{") else 0.0


def _sniff_cells(head: bytes, name: str) -> float:
    body = _json_head(head)
    if not body.startswith(b"{") or b'"cells"' not in body:
        return 0.0
    return 0.8 if b'"schema_version"' not in body else 0.1


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportReadError(name, code="data.not_utf8", place=f"byte {exc.start}") from exc


def read_json(data: bytes, name: str) -> ReadResult:
    """Read the lossless JSON form written by the ``json`` writer."""
    return ReadResult(report=_with_source(_from_json(data, name), name), reader="json")


def _from_json(data: bytes, name: str) -> AnnualReport:
    from ..serialize import from_json

    return from_json(_decode(data, name), source=name)


def _with_source(report: AnnualReport, name: str) -> AnnualReport:
    import attrs

    return report if report.source else attrs.evolve(report, source=name)


def read_cells(data: bytes, name: str) -> ReadResult:
    """Read the flat cells export (and the corpus truth files, which share its shape)."""
    from ..serialize import from_cells

    text = _decode(data, name)
    try:
        mapping = json.loads(text, parse_int=parse_json_int)
    except ValueError as exc:
        place = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else None
        raise ReportReadError(name, code="data.invalid_json", place=place) from exc
    report, leftover = from_cells(mapping, source=name)
    findings = tuple(
        reading_finding(
            "read.unknown_cell",
            f"键「{key}」不是 {report.edition.value} 年版模板的单元格，其值 {mapping['cells'][key]!r} 未使用",
            f"key {key!r} is not a cell of the {report.edition.value} edition; its value "
            f"{mapping['cells'][key]!r} is not used",
            cells=(key,),
            actual=str(mapping["cells"][key]),
        )
        for key in leftover
    )
    return ReadResult(report=report, findings=findings, reader="cells")


def write_json(report: AnnualReport, findings: Sequence[Finding]) -> bytes:
    from ..serialize import to_json

    return (to_json(report) + "\n").encode("utf-8")


def write_cells(report: AnnualReport, findings: Sequence[Finding]) -> bytes:
    from ..serialize import to_cells

    return (json.dumps(to_cells(report), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    json_read: ReadFunction = read_json
    cells_read: ReadFunction = read_cells
    register(
        Reader(
            "json",
            load=lambda: json_read,
            suffixes=(".json",),
            media_types=("application/json",),
            sniff=_sniff_json,
            description="The lossless JSON form of a report (schema_version, raw texts, provenance).",
        )
    )
    register(
        Reader(
            "cells",
            load=lambda: cells_read,
            suffixes=(".cells.json",),
            media_types=("application/json",),
            sniff=_sniff_cells,
            description="The flat cells export {edition, year, agency, cells}; also the corpus truth files.",
        )
    )


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    json_write: WriteFunction = write_json
    cells_write: WriteFunction = write_cells
    register(
        Writer(
            "json",
            load=lambda: json_write,
            suffix=".json",
            media_type="application/json",
            description="Lossless JSON with schema_version (cattrs); read back by the json reader.",
        )
    )
    register(
        Writer(
            "cells",
            load=lambda: cells_write,
            suffix=".cells.json",
            media_type="application/json",
            description="Flat cells: one value per canonical key, as printed, blanks as null.",
        )
    )
