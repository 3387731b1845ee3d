"""Reading inputs into reports and writing reports out, through the registered plugins."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .errors import ReportReadError
from .findings import Finding
from .model import AnnualReport
from .plugins import SNIFF_BYTES, ReaderChoiceError, ReadResult, Registry, registry

__all__ = ["read", "write"]

Source = str | os.PathLike[str] | bytes


def _load(source: Source, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, name or "<bytes>"
    if isinstance(source, str) and "\n" in source:
        # A report's text has many lines; a path has one.
        return source.encode("utf-8"), name or "<text>"
    path = Path(source)
    try:
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
) -> ReadResult:
    """Read one report.

    ``source`` is a path, the file's bytes, or the report's text itself (a ``str`` of more than
    one line, e.g. text pasted from a web page; a one-line ``str`` is a path). ``reader`` forces a
    reader by name; otherwise the best-scoring reader is chosen (see ``govinfo-report explain``).
    ``name`` labels the input in findings and errors and helps choose a reader for bytes or text.

    Returns the report with the findings made while reading. Raises :class:`ReportReadError` when
    the input cannot be read at all.
    """
    data, label = _load(source, name)
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

    report, findings = interpret(result)
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
