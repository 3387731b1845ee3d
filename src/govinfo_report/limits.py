"""Limits on what reading may cost: reports come from the open web.

Every reader checks the limits in force (:func:`current_limits`); breaking one raises
:class:`~govinfo_report.ReportReadError` naming the file and the limit. Pass your own to
:func:`govinfo_report.read` (``limits=Limits(max_input_bytes=...)``) or set them for a block of code
with :func:`using_limits`.
"""

from __future__ import annotations

import contextlib
import contextvars
import zipfile
from collections.abc import Iterable, Iterator

import attrs

from .errors import ReportReadError

__all__ = [
    "DEFAULT_LIMITS",
    "TEXT_MEDIA_TYPES",
    "Limits",
    "check_text_input",
    "check_zip_members",
    "current_limits",
    "using_limits",
]

_MB = 1024 * 1024


@attrs.frozen
class Limits:
    """Upper bounds for one input. Defaults are generous for real reports (a few MB, a few pages)."""

    max_input_bytes: int = 50 * _MB
    """Size of the file itself."""
    max_unpacked_bytes: int = 200 * _MB
    """.docx/.xlsx: total uncompressed size of the archive members read."""
    max_compression_ratio: int = 200
    """.docx: uncompressed / compressed size of a member; higher means a zip bomb."""
    max_xml_bytes: int = 50 * _MB
    """.docx: size of ``word/document.xml``."""
    max_nesting_depth: int = 400
    """HTML: depth of nested elements (layout tables inside layout tables…)."""
    max_pages: int = 500
    """PDF: number of pages."""
    max_page_chars: int = 200_000
    """PDF: characters on one page; a page with more is read from its text layer only."""
    max_table_cells: int = 100_000
    """Cells of one table (HTML, docx, PDF); spans count as the cells they cover, and the table's
    grid (rows × columns) may not exceed it either."""
    max_text_bytes: int = 2 * _MB
    """Plain text, Markdown and CSV input (readers of ``text/plain``, ``text/markdown``,
    ``text/csv``): size of the text, checked before a reader parses it. A report is a few hundred
    KB of text at most; the readers' work grows with every line."""
    seconds_per_document: float = 120.0
    """Batch: time budget for reading and checking one file (0: no budget)."""


DEFAULT_LIMITS = Limits()

_LIMITS: contextvars.ContextVar[Limits] = contextvars.ContextVar(
    "govinfo_report_limits", default=DEFAULT_LIMITS
)


def current_limits() -> Limits:
    """The limits in force for the current read."""
    return _LIMITS.get()


@contextlib.contextmanager
def using_limits(limits: Limits) -> Iterator[Limits]:
    """Make ``limits`` the limits in force inside the ``with`` block."""
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)


TEXT_MEDIA_TYPES = frozenset({"text/plain", "text/markdown", "text/csv"})
"""Media types whose readers parse the input as plain text, line by line."""


def check_text_input(data: bytes, name: str, media_types: Iterable[str]) -> None:
    """Refuse text beyond ``max_text_bytes`` before a reader of :data:`TEXT_MEDIA_TYPES` parses
    it (the input path calls this for every reader, whatever its name)."""
    if TEXT_MEDIA_TYPES.isdisjoint(media_types):
        return
    limit = current_limits().max_text_bytes
    if len(data) > limit:
        raise ReportReadError(
            name,
            f"{len(data)} bytes of text; a report is a few hundred KB at most; limit {limit} "
            "(max_text_bytes)",
        )


def check_zip_members(
    members: Iterable[zipfile.ZipInfo], name: str, *, ceiling: int | None = None
) -> None:
    """Refuse archive members that would unpack beyond the limits in force (zip bombs).

    Checks the total declared size against ``max_unpacked_bytes``, each member against
    ``ceiling`` (when given) and its compression ratio against ``max_compression_ratio``. Headers
    can lie: readers still read one byte past the size they accept.
    """
    limits = current_limits()
    chosen = list(members)
    total = sum(member.file_size for member in chosen)
    if total > limits.max_unpacked_bytes:
        raise ReportReadError(
            name,
            f"unpacks to {total} bytes; limit {limits.max_unpacked_bytes} (max_unpacked_bytes)",
        )
    for member in chosen:
        if ceiling is not None and member.file_size > ceiling:
            raise ReportReadError(
                name, f"{member.filename} unpacks to {member.file_size} bytes; limit {ceiling}"
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise ReportReadError(
                name,
                f"{member.filename} is compressed {ratio:.0f}:1 (a zip bomb?); limit "
                f"{limits.max_compression_ratio}:1",
            )
