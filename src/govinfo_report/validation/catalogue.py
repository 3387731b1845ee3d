"""The rule catalogue: which checks exist, the codes they emit, and how a user selects them."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence

import attrs

from ..findings import CodeInfo, Finding
from ..model import AnnualReport

__all__ = [
    "PROFILES",
    "Catalogue",
    "CodeInfo",
    "ReportRule",
    "Selection",
    "SeriesRule",
]

PROFILES = ("basic", "strict")
"""``basic`` (the default) runs every code marked basic; ``strict`` runs every code."""


ReportCheck = Callable[[AnnualReport], Iterable[Finding]]
SeriesCheck = Callable[[Sequence[AnnualReport]], Iterable[Finding]]


@attrs.frozen
class ReportRule:
    """A check over one report. ``codes`` lists every code it may emit.

    ``check_without``, when given, is ``check`` told which of the rule's codes are switched off
    (``check_without(report, frozenset_of_codes)``), so that it can skip work whose findings would
    be dropped; it must give ``check``'s findings less those codes. It is called only when some of
    the rule's codes are off; findings of codes that are off are dropped either way.
    """

    name: str
    codes: tuple[CodeInfo, ...]
    check: ReportCheck
    check_without: Callable[[AnnualReport, frozenset[str]], Iterable[Finding]] | None = None


@attrs.frozen
class SeriesRule:
    """A check over one agency's reports, sorted by year (one report per year)."""

    name: str
    codes: tuple[CodeInfo, ...]
    check: SeriesCheck


@attrs.frozen(cache_hash=True)  # the key of a catalogue's compiled plans, looked up per report
class Selection:
    """Which codes are on: a profile, then ``select`` (only these) and ``ignore`` (not these).

    Entries of ``select`` and ``ignore`` match a code exactly or as a dotted prefix: ``apply`` matches
    ``apply.balance`` and ``apply.wrong_cell``.
    """

    profile: str = "basic"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(
                f"unknown profile {self.profile!r}; choose one of {', '.join(PROFILES)}"
            )

    def enabled(self, info: CodeInfo) -> bool:
        """Whether findings with this code are reported."""
        if self.select:
            if not _matches(info.code, self.select):
                return False
        elif self.profile == "basic" and info.profile != "basic":
            return False
        return not _matches(info.code, self.ignore)


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(code == p or code.startswith(p + ".") for p in patterns)


class Catalogue:
    """Every rule that validation runs. Plugins add theirs through the ``register_rules`` hook."""

    def __init__(self) -> None:
        self._report_rules: list[ReportRule] = []
        self._series_rules: list[SeriesRule] = []
        self._codes: dict[str, CodeInfo] = {}
        self._enabled_cache: dict[Selection, dict[str, bool]] = {}
        self._plans: dict[Selection, _Plan] = {}

    def add(self, rule: ReportRule | SeriesRule) -> None:
        """Add a rule; its codes must not be registered already with a different meaning."""
        self.document(*rule.codes)
        if isinstance(rule, SeriesRule):
            self._series_rules.append(rule)
        else:
            self._report_rules.append(rule)
        self._plans.clear()

    def document(self, *infos: CodeInfo) -> None:
        """Register codes that are emitted outside any rule (by readers or the series grouping)."""
        for info in infos:
            known = self._codes.get(info.code)
            if known is not None and known != info:
                raise ValueError(f"finding code {info.code!r} is registered twice")
        for info in infos:
            self._codes[info.code] = info
        self._enabled_cache.clear()
        self._plans.clear()

    def copy(self) -> Catalogue:
        """An independent copy (adding to it leaves this one unchanged)."""
        twin = Catalogue()
        twin._report_rules = list(self._report_rules)
        twin._series_rules = list(self._series_rules)
        twin._codes = dict(self._codes)
        return twin

    def codes(self) -> list[CodeInfo]:
        """Every code, sorted."""
        return sorted(self._codes.values(), key=lambda info: info.code)

    def code(self, code: str) -> CodeInfo:
        """The documentation of one code."""
        return self._codes[code]

    def check_patterns(self, patterns: Iterable[str], option: str = "select") -> None:
        """Raise :class:`ValueError` naming every entry that matches no code (a typo selects nothing)."""
        unknown = [p for p in patterns if not any(_matches(code, (p,)) for code in self._codes)]
        if unknown:
            prefixes = sorted({code.split(".", 1)[0] for code in self._codes})
            raise ValueError(
                f"{option}: no finding code is or starts with {', '.join(map(repr, unknown))} "
                f"(code prefixes: {', '.join(prefixes)})"
            )

    @property
    def report_rules(self) -> tuple[ReportRule, ...]:
        return tuple(self._report_rules)

    @property
    def series_rules(self) -> tuple[SeriesRule, ...]:
        return tuple(self._series_rules)

    def run_report(self, report: AnnualReport, selection: Selection) -> list[Finding]:
        """Run every enabled report rule and keep the findings whose codes are enabled."""
        plan = self._plans.get(selection)
        if plan is None:  # which rules a selection runs is fixed until a rule or code is added
            plan = self._plans[selection] = self._plan(selection)
        checks, enabled, disabled = plan
        findings: list[Finding] = []
        for check in checks:
            found = check(report)
            if not found:  # an empty list or tuple ends here (a generator is always truthy)
                continue
            if found.__class__ is not list and found.__class__ is not tuple:
                found = list(found)  # a generator can be read only once
            if selection.ignore:
                findings.extend(_kept(found, enabled, selection))
            elif disabled and not disabled.isdisjoint(map(_CODE, found)):
                findings.extend([f for f in found if enabled.get(f.code, True)])
            else:
                findings.extend(found)
        return findings

    def _plan(self, selection: Selection) -> _Plan:
        enabled = self._enabled(selection)
        disabled = frozenset(code for code, on in enabled.items() if not on)
        checks = tuple(
            _check_for(rule, disabled)
            for rule in self._report_rules
            if _wanted(rule.codes, enabled)
        )
        return checks, enabled, disabled

    def run_series(self, series: Sequence[AnnualReport], selection: Selection) -> list[Finding]:
        """Run every enabled series rule over one agency's reports."""
        enabled = self._enabled(selection)
        findings: list[Finding] = []
        for rule in self._series_rules:
            if _wanted(rule.codes, enabled):
                findings.extend(_kept(rule.check(series), enabled, selection))
        return findings

    def _enabled(self, selection: Selection) -> dict[str, bool]:
        cached = self._enabled_cache.get(selection)
        if cached is None:
            cached = {code: selection.enabled(info) for code, info in self._codes.items()}
            self._enabled_cache[selection] = cached
        return cached


_CODE = operator.attrgetter("code")

_Plan = tuple[tuple[ReportCheck, ...], dict[str, bool], frozenset[str]]
"""What a selection runs: the check of each rule it wants, which codes are on, which are off."""


def _check_for(rule: ReportRule, disabled: frozenset[str]) -> ReportCheck:
    """The rule's check, or its ``check_without`` bound to the rule's codes that are off."""
    off = frozenset(info.code for info in rule.codes if info.code in disabled)
    if rule.check_without is None or not off:
        return rule.check
    check_without = rule.check_without
    return lambda report: check_without(report, off)


def _wanted(codes: Iterable[CodeInfo], enabled: dict[str, bool]) -> bool:
    return any(enabled[info.code] for info in codes)


def _kept(
    findings: Iterable[Finding], enabled: dict[str, bool], selection: Selection
) -> Iterator[Finding]:
    for finding in findings:
        if not enabled.get(finding.code, True):
            continue
        # A rule.not_assessable finding goes with its rule when that rule is ignored.
        if (
            selection.ignore
            and finding.rule is not None
            and _matches(finding.rule, selection.ignore)
        ):
            continue
        yield finding
