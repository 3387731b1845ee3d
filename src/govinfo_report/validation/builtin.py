"""The built-in rules, registered through the same hook that plugins use."""

from __future__ import annotations

from collections.abc import Callable

from ..hookspecs import hookimpl
from .catalogue import ReportRule, SeriesRule
from .rules import BUILTIN_REPORT_RULES
from .series import BUILTIN_SERIES_RULES


@hookimpl
def register_rules(register: Callable[[ReportRule | SeriesRule], None]) -> None:
    for rule in (*BUILTIN_REPORT_RULES, *BUILTIN_SERIES_RULES):
        register(rule)
