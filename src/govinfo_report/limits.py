"""Limits on what reading may cost: reports come from the open web.

Every reader checks the limits in force (:func:`current_limits`); breaking one raises
:class:`~govinfo_report.ReportReadError` naming the file and the limit. Pass your own to
:func:`govinfo_report.read` (``limits=Limits(max_input_bytes=...)``) or set them for a block of code
with :func:`using_limits`.
"""

from __future__ import annotations

import contextlib
import contextvars
import signal
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator

import attrs

from .errors import ReportReadError

__all__ = [
    "COMMAND_SECONDS",
    "DEFAULT_LIMITS",
    "TEXT_MEDIA_TYPES",
    "Limits",
    "check_text_input",
    "check_zip_members",
    "current_limits",
    "time_budget",
    "using_limits",
    "with_command_budget",
]

_MB = 1024 * 1024


@attrs.frozen
class Limits:
    """Upper bounds for one input. Defaults are generous for real reports (a few MB, a few pages)."""

    max_input_bytes: int = 50 * _MB
    """Size of the file itself (a folder read as one input: of its files together)."""
    max_unpacked_bytes: int = 200 * _MB
    """.docx/.xlsx: total uncompressed size of the archive members read. PDF: decoded size of all
    content streams (and cross-reference and object streams) together, before PDFium loads a
    page."""
    max_compression_ratio: int = 200
    """.docx: uncompressed / compressed size of a member; higher means a zip bomb."""
    max_xml_bytes: int = 50 * _MB
    """.docx: size of ``word/document.xml``."""
    max_nesting_depth: int = 400
    """HTML: depth of nested elements (layout tables inside layout tables…)."""
    max_pages: int = 500
    """PDF: number of pages; scans: pages of the page images; a folder: number of files."""
    max_page_chars: int = 200_000
    """PDF: characters on one page, counted before their boxes are taken; before PDFium loads any
    page, a page whose text strings hold more than 4 × this many bytes is refused."""
    max_document_chars: int = 1_000_000
    """PDF: characters on all pages together (and 4 × this many bytes of text strings)."""
    max_page_paths: int = 50_000
    """PDF: lines and shapes (path objects) on one page, counted before rulings are grouped."""
    max_table_cells: int = 100_000
    """Cells of one table (HTML, docx, PDF, text grid tables); spans count as the cells they
    cover, and the table's grid (rows × columns) may not exceed it either."""
    max_document_cells: int = 100_000
    """Cells of all tables together: PDF (ruled tables, from their rulings), HTML, docx and the
    HTML tables inside text (counted in the markup before it is parsed), text grid tables (as
    found); xlsx: positions walked over all sheets."""
    max_elements: int = 300_000
    """HTML, .docx and the HTML tables inside text: tags in the markup (every ``<``), counted
    before it is parsed. The largest
    real report has about 10,000 (a table of the largest size allowed, 100,000 cells, about
    250,000); 49 MB of paragraphs took 9 minutes and 4.8 GB."""
    max_text_bytes: int = 2 * _MB
    """Plain text, Markdown and CSV input (readers of ``text/plain``, ``text/markdown``,
    ``text/csv``): size of the text, checked before a reader parses it. A report is a few hundred
    KB of text at most; the readers' work grows with every line."""
    max_seconds: float | None = None
    """Time for reading one input (in ``batch``, reading and checking one file). ``None``: no
    budget in the API, :data:`COMMAND_SECONDS` on the command line and in ``batch``; 0: none
    anywhere. Unix, main thread only (it uses ``SIGALRM``); elsewhere no budget applies."""


DEFAULT_LIMITS = Limits()

COMMAND_SECONDS = 120.0
"""The time budget of the command line and ``batch`` when ``max_seconds`` is not set."""


def with_command_budget(limits: Limits) -> Limits:
    """``limits`` with the command line's time budget where none was chosen."""
    if limits.max_seconds is not None:
        return limits
    return attrs.evolve(limits, max_seconds=COMMAND_SECONDS)


class _OverBudget(BaseException):
    """Not an Exception: readers turn every Exception into ReportReadError (and some code
    swallows them); the budget's interruption must reach :func:`time_budget` untouched."""


_deadline: float | None = None  # of the innermost budget armed (main thread only)


@contextlib.contextmanager
def time_budget(seconds: float | None, name: str) -> Iterator[None]:
    """Interrupt the work inside after ``seconds`` and raise :class:`ReportReadError` naming
    ``name`` and the limit ``max_seconds``. ``None`` or 0: no budget.

    Budgets nest (``batch`` holds one for reading and checking a file, :func:`~govinfo_report.read`
    one for reading): the one that ends first is in charge. Unix, main thread only (``SIGALRM``);
    elsewhere the work runs without a budget.
    """
    global _deadline
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable or seconds is None:
        yield
        return
    deadline = time.monotonic() + seconds
    outer = _deadline
    if outer is not None and outer <= deadline:
        yield  # an enclosing budget ends first
        return
    mine = object()

    def expire(signum: int, frame: object) -> None:
        # An exception raised inside a garbage-collector callback or a __del__ is swallowed by
        # Python; fire again shortly so the budget still holds.
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise _OverBudget(mine)

    previous = signal.signal(signal.SIGALRM, expire)
    _deadline = deadline
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OverBudget as exc:
        if not exc.args or exc.args[0] is not mine:
            raise
        raise ReportReadError(name, code="limits.seconds", seconds=seconds) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _deadline = outer
        if outer is not None:
            signal.setitimer(signal.ITIMER_REAL, max(outer - time.monotonic(), 0.001))


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
        raise ReportReadError(name, code="limits.text_bytes", size=len(data), limit=limit)


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
            name, code="limits.unpacked_bytes", size=total, limit=limits.max_unpacked_bytes
        )
    for member in chosen:
        if ceiling is not None and member.file_size > ceiling:
            raise ReportReadError(
                name,
                code="limits.member_bytes",
                member=member.filename,
                size=member.file_size,
                limit=ceiling,
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise ReportReadError(
                name,
                code="limits.compression_ratio",
                member=member.filename,
                ratio=ratio,
                limit=limits.max_compression_ratio,
            )
