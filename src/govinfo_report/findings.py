"""Findings: problems in a report, as data."""

from __future__ import annotations

import enum

import attrs

from .values import Number, Provenance

__all__ = ["CodeInfo", "Finding", "Severity"]


class Severity(str, enum.Enum):
    """How serious a finding is, most serious first."""

    ERROR = "error"
    """The report is malformed: a cell missing, a value outside its domain, unreadable text."""
    INCONSISTENCY = "inconsistency"
    """The published numbers contradict each other (a hard invariant is broken)."""
    WARNING = "warning"
    """Implausible, or a soft cross-year rule broken; worth a look, not necessarily wrong."""
    INFO = "info"
    """For the record: a rule that could not be assessed, a variant layout, a gap in a series."""

    @property
    def rank(self) -> int:
        """0 for the most serious."""
        return _RANKS[self]

    def label(self, lang: str = "zh") -> str:
        """The severity as a word of ``lang`` (``错误``, ``不一致``, ``警告``, ``提示``)."""
        return self.value if lang == "en" else _ZH_LABELS[self]

    @property
    def fails(self) -> bool:
        """Whether a finding of this severity makes a report fail (CLI exit status 1)."""
        return self in (Severity.ERROR, Severity.INCONSISTENCY)


_RANKS = {Severity.ERROR: 0, Severity.INCONSISTENCY: 1, Severity.WARNING: 2, Severity.INFO: 3}
_ZH_LABELS = {
    Severity.ERROR: "错误",
    Severity.INCONSISTENCY: "不一致",
    Severity.WARNING: "警告",
    Severity.INFO: "提示",
}


# Not slotted: a frozen slotted class sets each of its 14 fields through object.__setattr__ in
# __init__, a dict-backed one stores them straight into its __dict__, and validation builds
# dozens of findings for a report with many blank cells.
@attrs.frozen(slots=False)
class Finding:
    """One problem found in a report or a series of reports.

    ``cells`` are canonical keys, the suspected cell first. When a finding names one suspected cell,
    ``expected`` is the value that would satisfy every rule it breaks and ``actual`` what was printed.
    """

    code: str
    """Stable identifier, e.g. ``apply.wrong_cell``; documented in the finding catalogue."""
    severity: Severity
    message: str
    """Chinese message."""
    message_en: str
    """The same message in English."""
    cells: tuple[str, ...] = ()
    expected: Number | None = None
    actual: Number | str | None = None
    details: tuple[str, ...] = ()
    """Supporting facts, e.g. every broken equation behind a wrong cell (Chinese)."""
    details_en: tuple[str, ...] = ()
    rule: str | None = None
    """For ``rule.not_assessable``: the code of the rule that could not be assessed."""
    source: Provenance | None = None
    """Where the suspected cell (or the problem) is in the input, when known."""
    year: int | None = None
    """For series findings: the year of the report the finding is about."""
    related_year: int | None = None
    """For series findings: the other year involved (e.g. the previous report)."""
    agency: str | None = None
    """For series findings: the agency of the series."""

    def text(self, lang: str = "zh") -> str:
        """The message in ``"zh"`` or ``"en"``."""
        return self.message_en if lang == "en" else self.message


@attrs.frozen
class CodeInfo:
    """Documentation of one finding code."""

    code: str
    severity: Severity
    title: str
    """Chinese title."""
    title_en: str
    description: str
    """What the code means and when it fires (English, for the reference docs)."""
    profile: str = "basic"
    """``basic``: on by default. ``strict``: only with the strict profile or when selected."""
    example: str = ""
    """A typical case, for the reference docs (what was printed and what the finding says)."""
