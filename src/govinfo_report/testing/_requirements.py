"""A clear error when the testing kit is used without its extra."""

from __future__ import annotations

import importlib.util

EXTRA = "testing"


def require_test_tools() -> None:
    """Raise :class:`ModuleNotFoundError` naming the extra when Hypothesis or pytest is missing."""
    missing = [name for name in ("hypothesis", "pytest") if importlib.util.find_spec(name) is None]
    if missing:
        error = ModuleNotFoundError(
            f"govinfo_report.testing needs {' and '.join(missing)}: "
            f"pip install 'govinfo-report[{EXTRA}]'"
        )
        error.name = missing[0]
        raise error
