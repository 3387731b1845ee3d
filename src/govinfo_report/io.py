"""Reading inputs into reports and writing reports out, through the registered plugins."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .errors import ReportReadError
from .findings import Finding
from .limits import Limits, current_limits, using_limits
from .model import AnnualReport
from .plugins import SNIFF_BYTES, ReaderChoiceError, ReadResult, Registry, registry

__all__ = ["read", "write"]

Source = str | os.PathLike[str] | bytes


def _load(source: Source, name: str | None, limit: int) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        data, label = source, name or "<bytes>"
    elif isinstance(source, str) and "\n" in source:
        # A report's text has many lines; a path has one.
        data, label = source.encode("utf-8"), name or "<text>"
    else:
        data, label = _read_file(Path(source), name, limit)
    if len(data) > limit:
        raise ReportReadError(label, f"{len(data)} bytes; more than the limit of {limit}")
    return data, label


def _read_file(path: Path, name: str | None, limit: int) -> tuple[bytes, str]:
    try:
        size = path.stat().st_size
        if size > limit:
            raise ReportReadError(str(path), f"{size} bytes; more than the limit of {limit}")
        return path.read_bytes(), name or str(path)
    except FileNotFoundError:
        raise ReportReadError(str(path), "no such file") from None
    except OSError as exc:
        raise ReportReadError(str(path), f"cannot open: {exc.strerror or exc}") from exc


def read(
    source: Source,
    *,
    reader: str | None = None,
    name: str | None = None,
    plugins: Registry | None = None,
    limits: Limits | None = None,
) -> ReadResult:
    """Read one report.

    ``source`` is a path, the file's bytes, or the report's text itself (a ``str`` of more than
    one line, e.g. text pasted from a web page; a one-line ``str`` is a path). ``reader`` forces a
    reader by name; otherwise the best-scoring reader is chosen (see ``govinfo-report explain``).
    ``name`` labels the input in findings and errors and helps choose a reader for bytes or text.

    ``limits`` bounds what reading may cost (:class:`~govinfo_report.limits.Limits`; default: the
    limits in force, :data:`~govinfo_report.limits.DEFAULT_LIMITS` unless set).

    Returns the report with the findings made while reading. Raises :class:`ReportReadError` when
    the input cannot be read at all; no other exception escapes for any input.
    """
    in_force = limits or current_limits()
    with using_limits(in_force):
        return _read(source, reader, name, plugins, in_force)


def _read(
    source: Source,
    reader: str | None,
    name: str | None,
    plugins: Registry | None,
    limits: Limits,
) -> ReadResult:
    data, label = _load(source, name, limits.max_input_bytes)
    chosen_registry = plugins or registry()
    try:
        chosen = chosen_registry.choose(data[:SNIFF_BYTES], label, reader)
    except ReaderChoiceError as exc:
        raise ReportReadError(label, str(exc)) from None
    try:
        function = chosen.load()
        result = function(data, label)
    except ReportReadError:
        raise
    except Exception as exc:  # a reader bug must still name the file
        raise ReportReadError(label, f"reader {chosen.name!r} failed: {exc!r}") from exc
    if isinstance(result, ReadResult):
        return result
    from .interpret import interpret

    try:
        report, findings = interpret(result)
    except Exception as exc:  # an interpreter bug must still name the file, never crash a batch
        raise ReportReadError(label, f"cannot interpret the document: {exc!r}") from exc
    return ReadResult(report=report, findings=tuple(findings), reader=chosen.name)


def write(
    report: AnnualReport,
    to: str = "cells",
    *,
    findings: Sequence[Finding] = (),
    plugins: Registry | None = None,
) -> bytes:
    """The bytes of ``report`` in the format of writer ``to`` (``json``, ``cells``, …)."""
    writer = (plugins or registry()).writer(to)
    return writer.load()(report, findings)
