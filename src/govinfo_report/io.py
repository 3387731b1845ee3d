"""Reading inputs into reports and writing reports out, through the registered plugins."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Union

from .errors import ReportReadError
from .findings import Finding
from .limits import Limits, check_text_input, current_limits, time_budget, using_limits
from .model import AnnualReport
from .plugins import SNIFF_BYTES, ReaderChoiceError, ReadResult, Registry, registry

__all__ = ["Source", "read", "read_text", "write"]

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]
"""What :func:`read` reads: a path (``str`` or path-like, always a path), bytes, or a binary file
object (anything with ``read``, e.g. ``io.BytesIO`` or an upload a web framework hands over)."""


def _load(
    source: Source | None, text: str | None, name: str | None, limit: int
) -> tuple[bytes, str]:
    if text is not None:
        if source is not None:
            raise TypeError("read() takes a source or text=, not both")
        if not isinstance(text, str):
            raise TypeError(f"text= must be a str, not {type(text).__name__}")
        data, label = text.encode("utf-8"), name or "<text>"
    elif source is None:
        raise TypeError("read() needs a source (a path, bytes or a binary file) or text=")
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data, label = bytes(source), name or "<bytes>"
    elif isinstance(source, (str, os.PathLike)):
        try:
            data, label = _read_file(Path(source), name, limit)
        except ReportReadError as exc:
            if not (isinstance(source, str) and "\n" in source):
                raise
            # Most likely a report's text passed where a path belongs (read() once took both).
            shown = source if len(source) <= 60 else source[:57] + "..."
            raise ReportReadError(shown, code="input.text_as_path", cause=exc) from None
    elif callable(getattr(source, "read", None)):
        data, label = _read_stream(source, name, limit)
    else:
        raise TypeError(
            f"cannot read a {type(source).__name__}: give a path, bytes, a binary file object, "
            "or text="
        )
    if len(data) > limit:
        raise ReportReadError(label, code="input.too_large", size=len(data), limit=limit)
    return data, label


def _read_stream(stream: IO[bytes], name: str | None, limit: int) -> tuple[bytes, str]:
    stream_name = getattr(stream, "name", None)
    label = name or (stream_name if isinstance(stream_name, str) else "<stream>")
    try:
        # One byte past the limit is enough to know the input is too large, without reading it all.
        data = stream.read(limit + 1)
    except OSError as exc:
        raise ReportReadError(
            label, code="file.cannot_read", detail=exc.strerror or str(exc)
        ) from exc
    if isinstance(data, str):
        raise TypeError(f"{label}: the file object gives text; open it in binary mode ('rb')")
    return bytes(data), label


def _read_file(path: Path, name: str | None, limit: int) -> tuple[bytes, str]:
    try:
        return _read_regular_file(path, limit), name or str(path)
    except FileNotFoundError:
        raise ReportReadError(str(path), code="file.not_found") from None
    except OSError as exc:
        raise ReportReadError(
            str(path), code="file.cannot_open", detail=exc.strerror or str(exc)
        ) from exc


def _read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. A device (``/dev/zero``), a FIFO
    or a folder is refused before it is opened (opening a FIFO waits for a writer), and at most
    one byte past the limit is read, whatever the size the file system claimed."""
    status = path.stat()
    if not stat.S_ISREG(status.st_mode):
        folder = stat.S_ISDIR(status.st_mode)
        raise ReportReadError(str(path), code="file.is_folder" if folder else "file.special")
    if status.st_size > limit:
        raise ReportReadError(str(path), code="input.too_large", size=status.st_size, limit=limit)
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ReportReadError(str(path), code="input.grew_too_large", limit=limit)
    return data


def read(
    source: Source | None = None,
    *,
    text: str | None = None,
    reader: str | None = None,
    name: str | None = None,
    plugins: Registry | None = None,
    limits: Limits | None = None,
) -> ReadResult:
    """Read one report.

    ``source`` is a path (a ``str`` or :class:`~pathlib.Path` always means a path), the file's
    bytes, or a binary file object such as :class:`io.BytesIO` (read up to the size limit). The
    report's text itself, e.g. pasted from a web page, goes in ``text=`` (or use
    :func:`read_text`). ``reader`` forces a reader by name; otherwise the best-scoring reader is
    chosen (see ``govinfo-report explain``). ``name`` labels the input in findings and errors and
    helps choose a reader for bytes, file objects and text.

    ``limits`` bounds what reading may cost (:class:`~govinfo_report.limits.Limits`; default: the
    limits in force, :data:`~govinfo_report.limits.DEFAULT_LIMITS` unless set).

    Returns the report with the findings made while reading. Raises :class:`ReportReadError` when
    the input cannot be read at all; no other exception escapes for any input.
    """
    in_force = limits or current_limits()
    with using_limits(in_force), time_budget(in_force.max_seconds, _label(source, text, name)):
        return _read(source, text, reader, name, plugins, in_force)


def read_text(
    text: str,
    *,
    reader: str | None = None,
    name: str | None = None,
    plugins: Registry | None = None,
    limits: Limits | None = None,
) -> ReadResult:
    """Read a report from its text (``read(text=text, ...)``), e.g. text pasted from a web page."""
    return read(text=text, reader=reader, name=name, plugins=plugins, limits=limits)


def _label(source: Source | None, text: str | None, name: str | None) -> str:
    """How errors name the input before it is loaded."""
    if name:
        return name
    if text is not None:
        return "<text>"
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return "<bytes>" if isinstance(source, (bytes, bytearray, memoryview)) else "<stream>"


def _read(
    source: Source | None,
    text: str | None,
    reader: str | None,
    name: str | None,
    plugins: Registry | None,
    limits: Limits,
) -> ReadResult:
    data, label = _load(source, text, name, limits.max_input_bytes)
    if not data or data.isspace():  # said plainly, before a reader calls it damaged or not a report
        raise ReportReadError(label, code="input.empty")
    chosen_registry = plugins or registry()
    try:
        chosen = chosen_registry.choose(data[:SNIFF_BYTES], label, reader)
    except ReaderChoiceError as exc:
        raise ReportReadError(label, code=exc.code, **exc.params) from None
    check_text_input(data, label, chosen.media_types)
    try:
        function = chosen.load()
        result = function(data, label)
    except ReportReadError:
        raise
    except Exception as exc:  # a reader bug must still name the file
        raise ReportReadError(
            label, code="reader.failed", reader=chosen.name, detail=repr(exc)
        ) from exc
    if isinstance(result, ReadResult):
        return result
    from .interpret import interpret

    try:
        report, findings = interpret(result)
    except ReportReadError:
        raise  # the document is not a report: the interpreter's own message names the file
    except Exception as exc:  # an interpreter bug must still name the file, never crash a batch
        raise ReportReadError(label, code="interpret.failed", detail=repr(exc)) from exc
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
