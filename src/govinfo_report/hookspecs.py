"""The hooks a plugin implements. Every hook hands the plugin a ``register`` callback.

A plugin is a module (or object) with functions marked ``@hookimpl``, installed under the entry-point
group ``govinfo_report``::

    [project.entry-points.govinfo_report]
    xlsx = "govinfo_report_xlsx"

The entry point names the object that has the hooks as attributes: a module with module-level hook
functions, or a class whose hooks are static methods (``xlsx = "govinfo_report_xlsx:Plugin"``). A
hook name that is not one of these (``register_writer``) or a plugin that registers nothing is
reported (:class:`~govinfo_report.plugins.PluginWarning`) and the plugin left out.

The built-in readers, writers and rules are registered through these same hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

if TYPE_CHECKING:
    from .plugins import Reader, Writer
    from .validation.catalogue import ReportRule, SeriesRule

__all__ = [
    "PROJECT",
    "hookimpl",
    "hookspec",
    "register_readers",
    "register_rules",
    "register_writers",
]

PROJECT = "govinfo_report"
"""The pluggy project name and the entry-point group."""

_F = TypeVar("_F", bound=Callable[..., Any])

hookspec = pluggy.HookspecMarker(PROJECT)
_hookimpl = pluggy.HookimplMarker(PROJECT)


def hookimpl(function: _F) -> _F:
    """Mark a function as the implementation of the hook of the same name."""
    marked: _F = _hookimpl(function)
    return marked


@hookspec
def register_readers(register: Callable[[Reader], None]) -> None:
    """Register input readers: call ``register(Reader(...))`` once per reader.

    Declare what the reader reads (suffixes, media types, magic bytes) and import heavy
    dependencies only inside its ``load`` callable, so that listing plugins stays cheap.
    """


@hookspec
def register_writers(register: Callable[[Writer], None]) -> None:
    """Register output writers: call ``register(Writer(...))`` once per writer."""


@hookspec
def register_rules(register: Callable[[ReportRule | SeriesRule], None]) -> None:
    """Register validation rules: call ``register(ReportRule(...))`` or ``register(SeriesRule(...))``.

    Every code a rule may emit must be declared in its ``codes``, with a severity and a description:
    the codes appear in the docs, in ``--select``/``--ignore`` and in the plugin listing.
    """
