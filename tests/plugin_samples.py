"""Small plugins used by the plugin tests (imported through fake entry points)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from govinfo_report import AnnualReport, Finding, Severity
from govinfo_report.document import Document, Paragraph
from govinfo_report.hookspecs import hookimpl
from govinfo_report.plugins import Reader, Writer
from govinfo_report.validation import CodeInfo, ReportRule


def _read_nothing(data: bytes, name: str) -> Document:
    return Document((Paragraph(data.decode("utf-8", "replace")),), source=name)


def _write_summary(report: AnnualReport, findings: Sequence[Finding]) -> bytes:
    return f"{report.meta.agency} {report.meta.year}\n".encode()


def _sniff_magic(head: bytes, name: str) -> float:
    return 0.95 if head.startswith(b"GOVX") else 0.0


class AlphaPlugin:
    """Reads ``*.govx`` by magic bytes, writes a one-line summary, adds one rule."""

    @staticmethod
    @hookimpl
    def register_readers(register: Callable[[Reader], None]) -> None:
        register(Reader("govx", load=lambda: _read_nothing, suffixes=(".govx",), magic=(b"GOVX",)))

    @staticmethod
    @hookimpl
    def register_writers(register: Callable[[Writer], None]) -> None:
        register(Writer("summary", load=lambda: _write_summary, suffix=".summary.txt"))

    @staticmethod
    @hookimpl
    def register_rules(register: Callable[[ReportRule], None]) -> None:
        info = CodeInfo(
            "alpha.agency",
            Severity.WARNING,
            "缺少机关名称",
            "agency missing",
            "The report names no agency.",
        )

        def check(report: AnnualReport) -> list[Finding]:
            if report.meta.agency:
                return []
            return [Finding("alpha.agency", Severity.WARNING, "缺少机关名称", "agency missing")]

        register(ReportRule("alpha.agency", (info,), check))


class BetaPlugin:
    """Claims ``*.govx`` too, equally by suffix only: ties with Gamma."""

    @staticmethod
    @hookimpl
    def register_readers(register: Callable[[Reader], None]) -> None:
        register(Reader("beta", load=lambda: _read_nothing, suffixes=(".tie",)))


class GammaPlugin:
    @staticmethod
    @hookimpl
    def register_readers(register: Callable[[Reader], None]) -> None:
        register(Reader("gamma", load=lambda: _read_nothing, suffixes=(".tie",)))


class LongerSuffixPlugin:
    @staticmethod
    @hookimpl
    def register_readers(register: Callable[[Reader], None]) -> None:
        register(Reader("long", load=lambda: _read_nothing, suffixes=(".special.tie",)))


class BrokenRegistration:
    @staticmethod
    @hookimpl
    def register_readers(register: Callable[[Reader], None]) -> None:
        raise RuntimeError("this plugin is broken on purpose")


class DuplicateName:
    @staticmethod
    @hookimpl
    def register_writers(register: Callable[[Writer], None]) -> None:
        register(Writer("json", load=lambda: _write_summary, suffix=".json"))


alpha = AlphaPlugin()
beta = BetaPlugin()
gamma = GammaPlugin()
longer = LongerSuffixPlugin()
broken_registration = BrokenRegistration()
duplicate_name = DuplicateName()


def __getattr__(name: str) -> object:
    if name == "broken_import":
        raise ImportError("cannot import this plugin on purpose")
    raise AttributeError(name)


class MisspeltHookPlugin:
    """``register_writer`` (no s): pluggy refuses it; the registry must report it and go on."""

    @staticmethod
    @hookimpl
    def register_writer(register: Callable[[Writer], None]) -> None:  # the typo is the test
        register(Writer("misspelt", load=lambda: _write_summary, suffix=".txt"))


class _HooksInsideAClass:
    @staticmethod
    @hookimpl
    def register_readers(register: Callable[[Reader], None]) -> None:
        register(Reader("hidden", load=lambda: _read_nothing, suffixes=(".hidden",)))


class HooksOnlyInsideAClass:
    """What an entry point naming a module whose hooks live in a class registers: nothing."""

    PortalPlugin = _HooksInsideAClass


class WrongArgumentPlugin:
    """A hook whose argument is not the hookspec's (``reg`` for ``register``)."""

    @staticmethod
    @hookimpl
    def register_readers(reg: Callable[[Reader], None]) -> None:
        reg(Reader("wrongarg", load=lambda: _read_nothing, suffixes=(".wrongarg",)))
