"""The one error type that reading raises."""

from __future__ import annotations

__all__ = ["ReportReadError"]


class ReportReadError(Exception):
    """An input could not be read at all (not a report with problems: those are findings).

    ``source`` names the file (or ``<bytes>``/``<text>``), ``place`` where in it, when known, and
    ``reason`` what went wrong. ``str(error)`` combines them: ``report.pdf (page 3): encrypted``.
    """

    def __init__(self, source: str, reason: str, *, place: str | None = None) -> None:
        self.source = source
        self.reason = reason
        self.place = place
        where = f"{source} ({place})" if place else source
        super().__init__(f"{where}: {reason}")
