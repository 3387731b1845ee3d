"""Contract tests for reader and writer plugins (in the manner of zarr's ``StoreTests``).

Subclass in your plugin's tests and fill in the class attributes; pytest collects the inherited
tests::

    class TestXlsxReader(ReaderContract):
        reader_name = "xlsx"
        samples = [(Path("tests/data/r.xlsx"), Path("tests/data/r.cells.json"))]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, given, settings

from .. import ReportReadError, read, to_cells, write
from ..model import AnnualReport
from ..plugins import SNIFF_BYTES, registry
from .strategies import reports

__all__ = ["ReaderContract", "WriterRoundTrip"]


class ReaderContract:
    """What every reader must do. Set ``reader_name`` and ``samples``.

    ``samples``: pairs of (input file, expected cells): the expected cells are a ``*.cells.json``
    file or a dict in that shape (``docs/reference/cells.md``); every listed key must match.
    """

    reader_name: ClassVar[str]
    samples: ClassVar[list[tuple[Path, Path | dict[str, Any]]]] = []
    garbage: ClassVar[list[bytes]] = [b"", b"\x00\x01\x02garbage", "不是报告".encode()]

    def _expected(self, expected: Path | dict[str, Any]) -> dict[str, Any]:
        if isinstance(expected, Path):
            data: dict[str, Any] = json.loads(expected.read_text(encoding="utf-8"))
            return data
        return expected

    def test_reader_is_registered(self) -> None:
        assert self.reader_name in registry().readers, f"reader {self.reader_name!r} not registered"

    def test_samples_read_exactly(self) -> None:
        assert self.samples, "list at least one sample file with its expected cells"
        for path, expected in self.samples:
            result = read(path, reader=self.reader_name)
            got = to_cells(result.report)
            want = self._expected(expected)
            wrong = [
                f"{field}: read {got[field]!r}, expected {want[field]!r}"
                for field in ("edition", "year", "agency")
                if field in want and got[field] != want[field]
            ]
            wrong += [
                f"{key}: read {got['cells'].get(key, '<absent>')!r}, expected {value!r}"
                for key, value in want["cells"].items()
                if got["cells"].get(key, "<absent>") != value
            ]
            assert not wrong, f"{path} (reader {self.reader_name}): " + "; ".join(wrong)

    def test_samples_choose_this_reader(self) -> None:
        for path, _ in self.samples:
            head = path.read_bytes()[:SNIFF_BYTES]
            chosen = registry().choose(head, str(path)).name
            assert chosen == self.reader_name, (
                f"{path}: reader {chosen!r} chosen, expected {self.reader_name!r}"
            )

    def test_garbage_gives_the_documented_error_or_findings(self) -> None:
        for data in self.garbage:
            try:
                result = read(data, reader=self.reader_name, name="garbage")
            except ReportReadError as error:
                assert error.source == "garbage"
            else:
                assert result.report is not None


class WriterRoundTrip:
    """A writer whose output its own reader reads back: every generated report round-trips.

    Set ``writer_name`` and ``reader_name``.
    """

    writer_name: ClassVar[str]
    reader_name: ClassVar[str]

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(reports(single_other_row=None))
    def test_round_trip(self, report: AnnualReport) -> None:
        data = write(report, self.writer_name)
        back = read(data, reader=self.reader_name, name=f"round-trip.{self.writer_name}").report
        assert to_cells(back) == to_cells(report)
