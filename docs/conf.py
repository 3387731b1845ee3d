"""Sphinx configuration: furo theme, MyST Markdown, API from docstrings."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "govinfo_report"
author = "govinfo_report developers"
language = "zh_CN"
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
