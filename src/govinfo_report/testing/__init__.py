"""The plugin-author kit.

- :mod:`govinfo_report.testing.strategies`: Hypothesis strategies for valid reports and series.
- :mod:`govinfo_report.testing.render`: render reports as the text layouts real documents use.
- :func:`registered_plugin`: a context manager that makes a plugin active for one test; the pytest
  fixture ``govinfo_plugin`` (enable with ``pytest_plugins = ["govinfo_report.testing.fixtures"]``)
  does the same and undoes it after the test.
- :class:`ReaderContract`: contract tests a reader plugin's own test class inherits.
- :func:`uniform_report`: a report whose every cell is printed the same (a plain starting point).

Needs the ``test`` extra (``pip install 'govinfo-report[test]'``): Hypothesis and pytest.
"""

from __future__ import annotations

from .contract import ReaderContract, WriterRoundTrip
from .plugin import registered_plugin
from .reports import uniform_report

__all__ = ["ReaderContract", "WriterRoundTrip", "registered_plugin", "uniform_report"]
