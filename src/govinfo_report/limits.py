"""Limits on what reading may cost: reports come from the open web.

Every reader checks the limits in force (:func:`current_limits`); breaking one raises
:class:`~govinfo_report.ReportReadError` naming the file and the limit. Pass your own to
:func:`govinfo_report.read` (``limits=Limits(max_input_bytes=...)``) or set them for a block of code
with :func:`using_limits`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

import attrs

__all__ = ["DEFAULT_LIMITS", "Limits", "current_limits", "using_limits"]

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
    """Cells of one table (HTML, docx, PDF); spans count as the cells they cover."""
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
