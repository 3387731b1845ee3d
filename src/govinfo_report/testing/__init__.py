"""The plugin-author kit.

- :mod:`govinfo_report.testing.strategies`: Hypothesis strategies for valid reports and series.
- :mod:`govinfo_report.testing.render`: render reports as the text layouts real documents use.
- :func:`registered_plugin`: a context manager that makes a plugin active for one test; the pytest
  fixture ``govinfo_plugin`` (enable with ``pytest_plugins = ["govinfo_report.testing.fixtures"]``)
  does the same and undoes it after the test.
- :class:`ReaderContract`: contract tests a reader plugin's own test class inherits.
- :func:`uniform_report`: a report whose every cell is printed the same (a plain starting point).

Needs the ``testing`` extra (``pip install 'govinfo-report[testing]'``): Hypothesis and pytest.
Without them, importing the kit raises :class:`ModuleNotFoundError` naming the extra.
"""

from __future__ import annotations

from ._requirements import require_test_tools

require_test_tools()

from .contract import ReaderContract, WriterRoundTrip  # noqa: E402
from .plugin import registered_plugin  # noqa: E402
from .reports import uniform_report  # noqa: E402

__all__ = ["ReaderContract", "WriterRoundTrip", "registered_plugin", "uniform_report"]
