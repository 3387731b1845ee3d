"""Progress of slow reading, step by step (the pages of a long scan read by OCR).

A reader calls :func:`report_progress` after each step. The call goes to the callback in force
(``read(..., progress=callback)`` or :func:`on_progress`) and to the logger
``govinfo_report.progress`` (level DEBUG, the :class:`Progress` in the record's ``progress``
attribute). ``batch`` shows it on its progress line. Readers that are fast need not call it.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Callable, Iterator

import attrs

__all__ = ["Progress", "ProgressCallback", "on_progress", "report_progress"]

log = logging.getLogger("govinfo_report.progress")


@attrs.frozen
class Progress:
    """``done`` of ``total`` steps (``None``: not known in advance) of reading ``source``."""

    source: str
    done: int
    total: int | None = None
    unit: str = "page"

    def __str__(self) -> str:
        of = f"/{self.total}" if self.total is not None else ""
        return f"{self.unit} {self.done}{of}"


ProgressCallback = Callable[[Progress], None]
"""Called after each step. An exception it raises ends the reading and reaches the caller of
``read`` unchanged (a way to cancel a long reading)."""


class CallbackRaised(BaseException):
    """Carries an exception raised by the progress callback through the reader to ``read``,
    which raises the original. A ``BaseException``, so a reader's ``except Exception`` that turns
    its own failures into errors leaves it alone."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(original)
        self.original = original


_CALLBACK: contextvars.ContextVar[ProgressCallback | None] = contextvars.ContextVar(
    "govinfo_report_progress", default=None
)


@contextlib.contextmanager
def on_progress(callback: ProgressCallback | None) -> Iterator[None]:
    """Send the progress of reading inside the ``with`` block to ``callback``."""
    token = _CALLBACK.set(callback)
    try:
        yield
    finally:
        _CALLBACK.reset(token)


def report_progress(source: str, done: int, total: int | None = None, unit: str = "page") -> None:
    """Tell whoever listens that ``done`` of ``total`` steps of reading ``source`` are done."""
    progress = Progress(source, done, total, unit)
    log.debug("%s: %s", source, progress, extra={"progress": progress})
    callback = _CALLBACK.get()
    if callback is not None:
        try:
            callback(progress)
        except BaseException as exc:
            raise CallbackRaised(exc) from exc
