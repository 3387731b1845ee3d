"""govinfo_report: Chinese government information disclosure annual reports as typed, validated data.

The pipeline: a reader turns a file into a document, the interpreter turns the document into an
:class:`AnnualReport`, :func:`validate` turns a report into findings, and writers turn a report into
files. ``read`` and ``write`` choose readers and writers among the registered plugins.

Importing the package is cheap: each name below is imported from its module on first use (module
``__getattr__``), so ``import govinfo_report`` and ``govinfo-report --version`` load neither attrs,
cattrs, the plugins nor the validation rules.
"""

from __future__ import annotations

import importlib

from ._version import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy knows the name)
if TYPE_CHECKING:
    from typing import Any

    from .baseline import fingerprint
    from .comparison import compare
    from .errors import ReportReadError
    from .findings import CodeInfo, Finding, Severity
    from .io import read, read_text, write
    from .model import (
        AnnualReport,
        Edition,
        ReportMeta,
        TemplateCell,
        build_report,
        template_cells,
    )
    from .plugins import Reader, ReadResult, Writer
    from .rollups import rollup
    from .serialize import from_cells, from_json, make_converter, to_cells, to_json
    from .validation import validate, validate_series
    from .values import Cell, CellKind, CellState, Provenance, parse_cell_text

_HOMES = {
    "fingerprint": "baseline",
    "compare": "comparison",
    "rollup": "rollups",
    "ReportReadError": "errors",
    "CodeInfo": "findings",
    "Finding": "findings",
    "Severity": "findings",
    "read": "io",
    "read_text": "io",
    "write": "io",
    "AnnualReport": "model",
    "Edition": "model",
    "ReportMeta": "model",
    "TemplateCell": "model",
    "build_report": "model",
    "template_cells": "model",
    "Reader": "plugins",
    "ReadResult": "plugins",
    "Writer": "plugins",
    "from_cells": "serialize",
    "from_json": "serialize",
    "make_converter": "serialize",
    "to_cells": "serialize",
    "to_json": "serialize",
    "validate": "validation",
    "validate_series": "validation",
    "Cell": "values",
    "CellKind": "values",
    "CellState": "values",
    "Provenance": "values",
    "parse_cell_text": "values",
}


_SUBMODULES = frozenset(
    {
        "baseline", "batch", "cli", "cli_checks", "comparison", "document", "errors", "findings", "formats",
        "hookspecs", "interpret", "io", "layout", "limits", "model", "plugins", "reading", "rollups",
        "schema", "serialize", "testing", "validation", "values",
    }
)  # fmt: skip


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is not None:
        value = getattr(importlib.import_module(f".{home}", __name__), name)
    elif name in _SUBMODULES:  # ``gr.layout`` works without ``import govinfo_report.layout``
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'govinfo_report' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


__all__ = [
    "AnnualReport",
    "Cell",
    "CellKind",
    "CellState",
    "CodeInfo",
    "Edition",
    "Finding",
    "Provenance",
    "ReadResult",
    "Reader",
    "ReportMeta",
    "ReportReadError",
    "Severity",
    "TemplateCell",
    "Writer",
    "__version__",
    "build_report",
    "compare",
    "fingerprint",
    "from_cells",
    "from_json",
    "make_converter",
    "parse_cell_text",
    "read",
    "read_text",
    "rollup",
    "template_cells",
    "to_cells",
    "to_json",
    "validate",
    "validate_series",
    "write",
]
