"""Reading inputs into reports and writing reports out, through the registered plugins."""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Union

from .errors import ReportReadError
from .findings import Finding
from .limits import Limits, check_text_input, current_limits, time_budget, using_limits
from .model import AnnualReport
from .plugins import SNIFF_BYTES, ReaderChoiceError, ReadResult, Registry, registry
from .progress import CallbackRaised, ProgressCallback, on_progress

__all__ = ["FOLDER_SUFFIX", "Source", "folder_order", "read", "read_text", "write"]

FOLDER_SUFFIX = "/"
"""How the name of a folder read as one input ends (``scans/report-2021/``)."""

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
        if path.is_dir():
            return _read_folder(path, limit), name or str(path).rstrip("/\\") + FOLDER_SUFFIX
        return _read_regular_file(path, limit), name or str(path)
    except FileNotFoundError:
        raise ReportReadError(str(path), code="file.not_found") from None
    except OSError as exc:
        raise ReportReadError(
            str(path), code="file.cannot_open", detail=exc.strerror or str(exc)
        ) from exc


def folder_order(name: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order of file names: ``page2`` before ``page10``, case aside."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", name.casefold())
        if part
    )


def _read_folder(path: Path, limit: int) -> bytes:
    """A folder as one input (the pages of one report, one file each), packed into an
    uncompressed ZIP archive in memory in natural name order. Its regular files are members with
    their bytes; everything else in it (a subfolder, a FIFO) is a member without bytes, a
    subfolder's name ending in ``/``, so the reader can say what it did not read instead of it
    vanishing here. The files may not exceed ``limit`` bytes together, nor number more than
    ``max_pages``."""
    entries = sorted(path.iterdir(), key=lambda p: folder_order(p.name))
    files = [p for p in entries if p.is_file()]
    if not files:
        raise ReportReadError(str(path), code="folder.empty")
    most = current_limits().max_pages
    if len(files) > most:
        raise ReportReadError(str(path), code="folder.too_many_files", count=len(files), limit=most)
    total = sum(p.stat().st_size for p in files)
    if total > limit:
        raise ReportReadError(str(path), code="folder.too_large", size=total, limit=limit)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry in entries:
            if entry.is_file():
                left = limit - buffer.tell()
                archive.writestr(entry.name, _read_regular_file(entry, max(0, left)))
            else:
                archive.writestr(entry.name + ("/" if entry.is_dir() else ""), b"")
    return buffer.getvalue()


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
    progress: ProgressCallback | None = None,
) -> ReadResult:
    """Read one report.

    ``source`` is a path (a ``str`` or :class:`~pathlib.Path` always means a path), the file's
    bytes, or a binary file object such as :class:`io.BytesIO` (read up to the size limit). A
    folder is one input made of its files (the page images of one scan): they reach the reader
    packed as an uncompressed ZIP archive in natural name order (``page2`` before ``page10``),
    under the folder's name ending in ``/``; only a reader that takes such an archive (the OCR
    plugin's) claims it. The
    report's text itself, e.g. pasted from a web page, goes in ``text=`` (or use
    :func:`read_text`). ``reader`` forces a reader by name; otherwise the best-scoring reader is
    chosen (see ``govinfo-report explain``). ``name`` labels the input in findings and errors and
    helps choose a reader for bytes, file objects and text.

    ``limits`` bounds what reading may cost (:class:`~govinfo_report.limits.Limits`; default: the
    limits in force, :data:`~govinfo_report.limits.DEFAULT_LIMITS` unless set).

    ``progress`` is called as slow readers go, e.g. after each page of a scan read by OCR, with a
    :class:`~govinfo_report.progress.Progress` (``done``, ``total``, ``unit``); see
    :mod:`govinfo_report.progress`.

    Returns the report with the findings made while reading. Raises :class:`ReportReadError` when
    the input cannot be read at all; no other exception escapes for any input.
    """
    in_force = limits or current_limits()
    with (
        using_limits(in_force),
        time_budget(in_force.max_seconds, _label(source, text, name)),
        on_progress(progress) if progress is not None else contextlib.nullcontext(),
    ):
        try:
            return _read(source, text, reader, name, plugins, in_force)
        except CallbackRaised as raised:  # the caller's own exception, not the reader's failure
            raise raised.original from None


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
