"""Sphinx configuration: furo theme, MyST Markdown, API from docstrings."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "govinfo_report"
author = "govinfo_report developers"
copyright = "2026, govinfo_report developers (MIT License)"
# The prose is English (Chinese only where the reports themselves are): Sphinx's own labels
# (Parameters, Return type, Search) follow this setting.
language = "en"
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "generated_reference",
]
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = "govinfo_report"
exclude_patterns = ["_build", "_ext", "conftest.py"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False}
nitpicky = False
# Re-exported names (govinfo_report.validation.ReportRule is …catalogue.ReportRule) make type
# hints resolve to two targets; both are the same object.
suppress_warnings = ["myst.xref_missing", "ref.python"]
