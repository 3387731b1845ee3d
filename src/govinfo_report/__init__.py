"""govinfo_report: Chinese government information disclosure annual reports as typed, validated data.

The pipeline: a reader turns a file into a document, the interpreter turns the document into an
:class:`AnnualReport`, :func:`validate` turns a report into findings, and writers turn a report into
files. ``read`` and ``write`` choose readers and writers among the registered plugins.
"""

from __future__ import annotations

from ._version import __version__
from .errors import ReportReadError
from .findings import CodeInfo, Finding, Severity
from .io import read, read_text, write
from .model import AnnualReport, Edition, ReportMeta, TemplateCell, build_report, template_cells
from .plugins import Reader, ReadResult, Writer
from .serialize import from_cells, from_json, make_converter, to_cells, to_json
from .validation import validate, validate_series
from .values import Cell, CellKind, CellState, Provenance, parse_cell_text

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
    "from_cells",
    "from_json",
    "make_converter",
    "parse_cell_text",
    "read",
    "read_text",
    "template_cells",
    "to_cells",
    "to_json",
    "validate",
    "validate_series",
    "write",
]
