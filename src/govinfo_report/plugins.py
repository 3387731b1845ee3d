"""Plugin discovery and the registry of readers, writers and rules.

Nothing is loaded at import. :func:`registry` builds the plugin manager on first use (built-ins first,
then the entry points of the group ``govinfo_report``), honours the environment variables
``GOVINFO_REPORT_LOAD_PLUGINS`` (comma-separated allow-list of entry-point names; empty means none) and
``GOVINFO_REPORT_DISABLE_PLUGINS`` (block-list), and records a plugin that fails to load or register
instead of failing itself.
"""

from __future__ import annotations

import importlib.metadata
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Union

import attrs
import pluggy

from . import hookspecs
from .findings import Finding
from .model import AnnualReport
from .reading import READ_CODES
from .validation.catalogue import Catalogue, ReportRule, SeriesRule
from .validation.series import SERIES_BOOKKEEPING_CODES

if TYPE_CHECKING:
    from .document import Document

__all__ = [
    "BUILTIN",
    "Candidate",
    "PluginInfo",
    "PluginWarning",
    "ReadResult",
    "Reader",
    "ReaderChoiceError",
    "Registry",
    "Writer",
    "get_plugin_manager",
    "registry",
    "reset_registry",
]

BUILTIN = "govinfo_report"
"""The plugin name under which the library's own readers, writers and rules are registered."""

SNIFF_BYTES = 8192
"""How many leading bytes a reader's ``sniff`` sees."""


class PluginWarning(UserWarning):
    """A plugin failed to load or to register, or registered nothing; it is left out."""


def _warn(message: str) -> None:
    # Point the warning at the plugin, not at a line of this module: the user cannot act on ours.
    warnings.warn_explicit(message, PluginWarning, filename="<govinfo_report plugins>", lineno=0)


def _hook_names() -> frozenset[str]:
    return frozenset(
        name
        for name in dir(hookspecs)
        if name.startswith("register_") and callable(getattr(hookspecs, name))
    )


def _hook_problems(plugin: object) -> str | None:
    """Why pluggy would refuse ``plugin`` (a hook name that no hookspec has), or ``None``."""
    marker = f"{hookspecs.PROJECT}_impl"
    known = _hook_names()
    unknown = sorted(
        name
        for name in dir(plugin)
        if name not in known and hasattr(getattr(plugin, name, None), marker)
    )
    if not unknown:
        return None
    return (
        f"unknown hook {', '.join(repr(n) for n in unknown)} "
        f"(the hooks are {', '.join(sorted(known))})"
    )


@attrs.frozen
class ReadResult:
    """What reading gives: the report, the findings made while reading, and who read it."""

    report: AnnualReport
    findings: tuple[Finding, ...] = ()
    reader: str = ""


ReadFunction = Callable[[bytes, str], Union[ReadResult, "Document"]]
"""``read(data, name)``: the whole input and its name; returns a report or a Document to interpret."""
WriteFunction = Callable[[AnnualReport, Sequence[Finding]], bytes]
"""``write(report, findings)``: the bytes of the output file."""
SniffFunction = Callable[[bytes, str], float]
"""``sniff(head, name)``: a score from 0 (not mine) to 1 (certainly mine), cheap."""


def _lower_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(v.lower() for v in values)


@attrs.frozen
class Reader:
    """An input format. ``load`` imports the implementation and returns the read function."""

    name: str
    load: Callable[[], ReadFunction]
    suffixes: tuple[str, ...] = attrs.field(default=(), converter=_lower_tuple)
    """File name endings, with the dot, e.g. ``(".cells.json",)``; longer is more specific."""
    media_types: tuple[str, ...] = ()
    magic: tuple[bytes, ...] = ()
    """Prefixes of the file's first bytes that identify the format."""
    sniff: SniffFunction | None = None
    """Custom scoring; without it the declarations above are scored (magic 0.9, suffix 0.5)."""
    description: str = ""
    plugin: str = attrs.field(default="", eq=False)
    """Filled in by the registry: the plugin that registered the reader."""

    def suffix_match(self, name: str) -> int:
        """Length of the longest declared suffix that ``name`` ends with, 0 if none."""
        lowered = name.lower()
        return max((len(s) for s in self.suffixes if lowered.endswith(s)), default=0)

    def score(self, head: bytes, name: str) -> float:
        """The reader's confidence that it reads this input, from 0 to 1."""
        if self.sniff is not None:
            return max(0.0, min(1.0, float(self.sniff(head, name))))
        if any(head.startswith(m) for m in self.magic):
            return 0.9
        return 0.5 if self.suffix_match(name) else 0.0


@attrs.frozen
class Writer:
    """An output format. ``load`` imports the implementation and returns the write function."""

    name: str
    load: Callable[[], WriteFunction]
    suffix: str
    """The file ending to use, e.g. ``".cells.json"``."""
    media_type: str = "application/octet-stream"
    binary: bool = False
    """Whether the output is binary (text outputs are UTF-8 and may go to standard output)."""
    description: str = ""
    plugin: str = attrs.field(default="", eq=False)


@attrs.frozen
class PluginInfo:
    """A plugin as the listing shows it."""

    name: str
    version: str | None
    builtin: bool
    readers: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    error: str | None = None
    """Why the plugin is not active, when it failed to load or to register."""


@attrs.frozen
class Candidate:
    """One reader's standing for one input, as :meth:`Registry.explain` shows it."""

    reader: Reader
    score: float
    suffix_length: int
    reason: str

    @property
    def rank_key(self) -> tuple[float, int, str]:
        return (-self.score, -self.suffix_length, self.reader.name)


class ReaderChoiceError(LookupError):
    """No reader, an unknown reader name, or a tie between third-party readers. ``code`` and
    ``params`` are those of the :class:`~govinfo_report.ReportReadError` that ``read`` raises."""

    def __init__(self, code: str, **params: Any) -> None:
        from .errors import READ_ERRORS

        self.code = code
        self.params = params
        super().__init__(READ_ERRORS[code].en.format(**params))


class Registry:
    """The readers, writers and rules of every active plugin, and the plugins themselves."""

    def __init__(self) -> None:
        self.readers: dict[str, Reader] = {}
        self.writers: dict[str, Writer] = {}
        self.catalogue = Catalogue()
        self.plugins: dict[str, PluginInfo] = {}

    # ---- choosing a reader

    def candidates(self, head: bytes, name: str) -> list[Candidate]:
        """Every reader with a non-zero score or a matching suffix, best first."""
        found: list[Candidate] = []
        for reader in self.readers.values():
            try:
                score = reader.score(head, name)
            except Exception as exc:  # a plugin's sniff must not break reading
                found.append(Candidate(reader, 0.0, 0, f"sniff failed: {exc!r}"))
                continue
            suffix = reader.suffix_match(name)
            if score <= 0 and not suffix:
                continue
            reason = f"sniff {score:.2f}" + (f", suffix of {suffix} characters" if suffix else "")
            found.append(Candidate(reader, score, suffix, reason))
        return sorted(found, key=lambda c: c.rank_key)

    def choose(self, head: bytes, name: str, reader: str | None = None) -> Reader:
        """The reader for an input: ``reader`` by name if given, else the best candidate.

        Ranking: sniff score, then the longer matching suffix, then the reader name. Two readers of
        third-party plugins that tie on score and suffix are an error naming both.
        """
        if reader is not None:
            try:
                return self.readers[reader]
            except KeyError:
                known = ", ".join(sorted(self.readers)) or "none"
                raise ReaderChoiceError("reader.unknown_name", reader=reader, known=known) from None
        ranked = [c for c in self.candidates(head, name) if c.score > 0 or c.suffix_length]
        if not ranked:
            raise ReaderChoiceError("reader.none", name=name)
        best = ranked[0]
        for other in ranked[1:]:
            if other.rank_key[:2] != best.rank_key[:2]:
                break
            if BUILTIN not in (best.reader.plugin, other.reader.plugin):
                raise ReaderChoiceError(
                    "reader.tie",
                    first=best.reader.name,
                    first_plugin=best.reader.plugin,
                    second=other.reader.name,
                    second_plugin=other.reader.plugin,
                    name=name,
                )
        return best.reader

    def explain(self, head: bytes, name: str) -> list[Candidate]:
        """Every reader with its score and reason, best first (what :meth:`choose` looks at)."""
        listed = {c.reader.name for c in self.candidates(head, name)}
        rest = [
            Candidate(r, 0.0, 0, "no sniff score and no matching suffix")
            for r in self.readers.values()
            if r.name not in listed
        ]
        return self.candidates(head, name) + sorted(rest, key=lambda c: c.reader.name)

    def writer(self, name: str) -> Writer:
        try:
            return self.writers[name]
        except KeyError:
            known = ", ".join(sorted(self.writers)) or "none"
            raise LookupError(f"no writer named {name!r} (writers: {known})") from None


def _builtin_modules() -> list[ModuleType]:
    from .formats import csv, docx, html, markdown, pdf, structured, text
    from .validation import builtin

    return [builtin, structured, text, html, docx, pdf, markdown, csv]


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    return sorted(importlib.metadata.entry_points(group=hookspecs.PROJECT), key=lambda e: e.name)


def _env_list(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _version(entry_point: importlib.metadata.EntryPoint) -> str | None:
    dist = entry_point.dist
    return dist.version if dist is not None else None


def get_plugin_manager(
    extra: Iterable[tuple[str, object]] = (),
) -> tuple[pluggy.PluginManager, dict[str, PluginInfo]]:
    """A new plugin manager with the built-ins, allowed entry points and ``extra`` plugins.

    Returns the manager and the plugins that could not be loaded (name → info with ``error``).
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for module in _builtin_modules():
        manager.register(module, name=f"{BUILTIN}.{module.__name__.rsplit('.', 1)[-1]}")
    failed: dict[str, PluginInfo] = {}
    allowed = _env_list("GOVINFO_REPORT_LOAD_PLUGINS")
    blocked = _env_list("GOVINFO_REPORT_DISABLE_PLUGINS") or set()
    for entry_point in _entry_points():
        if (allowed is not None and entry_point.name not in allowed) or entry_point.name in blocked:
            continue
        if manager.has_plugin(entry_point.name):
            continue
        try:
            plugin = entry_point.load()
        except Exception as exc:  # a broken plugin is reported, never fatal
            failed[entry_point.name] = PluginInfo(
                entry_point.name, _version(entry_point), False, error=f"failed to load: {exc!r}"
            )
            _warn(f"govinfo_report plugin {entry_point.name!r} failed to load: {exc!r}")
            continue
        error = _register(manager, entry_point.name, plugin)
        if error is not None:
            failed[entry_point.name] = PluginInfo(
                entry_point.name, _version(entry_point), False, error=error
            )
    for name, plugin in extra:
        error = _register(manager, name, plugin)
        if error is not None:
            failed[name] = PluginInfo(name, None, False, error=error)
    return manager, failed


def _register(manager: pluggy.PluginManager, name: str, plugin: object) -> str | None:
    """Register ``plugin``; a plugin pluggy would refuse is left out and reported instead."""
    problem = _hook_problems(plugin)
    if problem is None:
        try:
            manager.register(plugin, name=name)
        except Exception as exc:  # e.g. a hook with the wrong arguments
            problem = str(exc)
    if problem is None:
        return None
    error = f"failed to register: {problem}"
    _warn(f"govinfo_report plugin {name!r} {error}")
    return error


def build_registry(extra: Iterable[tuple[str, object]] = ()) -> Registry:
    """Build a registry from a fresh plugin manager (see :func:`get_plugin_manager`)."""
    manager, failed = get_plugin_manager(extra)
    result = Registry()
    from .rollups import ROLLUP_CODES

    result.catalogue.document(*READ_CODES, *SERIES_BOOKKEEPING_CODES, *ROLLUP_CODES)
    versions = {e.name: _version(e) for e in _entry_points()}
    contributions: dict[str, dict[str, list[str]]] = {}
    errors: dict[str, str] = {}

    # Registration order: built-ins first, so a third party cannot take over a built-in name.
    for registered_name, plugin in manager.list_name_plugin():
        if plugin is None:
            continue
        name = BUILTIN if registered_name.startswith(BUILTIN + ".") else registered_name
        mine = contributions.setdefault(name, {"readers": [], "writers": [], "rules": []})
        staged_readers: list[Reader] = []
        staged_writers: list[Writer] = []
        staged_rules: list[ReportRule | SeriesRule] = []
        try:
            for hook, sink in (
                ("register_readers", staged_readers),
                ("register_writers", staged_writers),
                ("register_rules", staged_rules),
            ):
                implementation = getattr(plugin, hook, None)
                if implementation is not None and callable(implementation):
                    implementation(register=sink.append)
            _check_unique(staged_readers, result.readers, "reader")
            _check_unique(staged_writers, result.writers, "writer")
            trial = result.catalogue.copy()
            for rule in staged_rules:
                trial.add(rule)
        except Exception as exc:  # a plugin that cannot register is reported and left out
            errors[name] = f"failed to register: {exc!r}"
            _warn(f"govinfo_report plugin {name!r} failed to register: {exc!r}")
            continue
        if name != BUILTIN and not (staged_readers or staged_writers or staged_rules):
            errors[name] = (
                "registers nothing: no readers, writers or rules (is the entry point naming a "
                "module whose hooks are inside a class? name the class: `module:Class`)"
            )
            _warn(f"govinfo_report plugin {name!r} {errors[name]}")
            continue
        for reader in staged_readers:
            result.readers[reader.name] = attrs.evolve(reader, plugin=name)
            mine["readers"].append(reader.name)
        for writer in staged_writers:
            result.writers[writer.name] = attrs.evolve(writer, plugin=name)
            mine["writers"].append(writer.name)
        result.catalogue = trial
        for rule in staged_rules:
            mine["rules"].extend(info.code for info in rule.codes)

    for name, parts in contributions.items():
        builtin = name == BUILTIN
        result.plugins[name] = PluginInfo(
            name=name,
            version=_own_version() if builtin else versions.get(name),
            builtin=builtin,
            readers=tuple(sorted(parts["readers"])),
            writers=tuple(sorted(parts["writers"])),
            rules=tuple(sorted(set(parts["rules"]))),
            error=errors.get(name),
        )
    result.plugins.update(failed)
    return result


def _check_unique(items: Sequence[Reader | Writer], existing: dict[str, Any], what: str) -> None:
    names = [item.name for item in items]
    for name in names:
        if name in existing or names.count(name) > 1:
            raise ValueError(f"{what} name {name!r} is already registered")


def _own_version() -> str:
    from . import __version__

    return __version__


_registry: Registry | None = None


def registry() -> Registry:
    """The process-wide registry, built on first use."""
    global _registry
    if _registry is None:
        _registry = build_registry()
    return _registry


def reset_registry(new: Registry | None = None) -> Registry | None:
    """Replace the process-wide registry (``None``: rebuild on next use); returns the old one.

    Tests use it to register a plugin for one test (see :func:`govinfo_report.testing.registered_plugin`).
    """
    global _registry
    old, _registry = _registry, new
    return old
