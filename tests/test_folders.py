"""A folder read as one input (the page images of one scan), and progress reported by readers."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest

import govinfo_report as gr
from govinfo_report.io import FOLDER_SUFFIX, folder_order
from govinfo_report.limits import Limits
from govinfo_report.plugins import Reader, ReadResult, Registry
from govinfo_report.progress import Progress, report_progress

FIXTURES = Path(__file__).parent / "fixtures"


def _registry(seen: list[tuple[str, list[str]]]) -> Registry:
    """A registry with one reader that takes ZIP archives and records what it was given."""
    report = gr.read(FIXTURES / "lo-2021.cells.json").report

    def read_pages(data: bytes, name: str) -> ReadResult:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.namelist()
            for done, member in enumerate(members, start=1):
                if not member.endswith("/"):
                    assert archive.read(member) == member.encode()  # each file's own bytes
                report_progress(name, done, len(members))
        seen.append((name, members))
        return ReadResult(report=report, reader="pages")

    registry = Registry()
    registry.readers["pages"] = Reader(
        "pages", load=lambda: read_pages, sniff=lambda head, _: float(head[:2] == b"PK")
    )
    return registry


def test_a_folder_is_one_input_of_its_files_in_natural_order(tmp_path: Path) -> None:
    scans = tmp_path / "report-2021"
    scans.mkdir()
    for name in ("page10.png", "page2.png", "Page1.png", "page2b.png", ".DS_Store"):
        (scans / name).write_bytes(name.encode())
    (scans / "sub").mkdir()
    (scans / "sub" / "page3.png").write_bytes(b"page3.png")  # not read, but named to the reader
    seen: list[tuple[str, list[str]]] = []
    result = gr.read(scans, plugins=_registry(seen))
    assert result.reader == "pages"
    members = [".DS_Store", "Page1.png", "page2.png", "page2b.png", "page10.png", "sub/"]
    assert seen == [(str(scans) + FOLDER_SUFFIX, members)]


def test_natural_order_compares_numbers_as_numbers() -> None:
    names = ["p10.tif", "p9.tif", "p1.tif", "P02.tif", "a.tif"]
    assert sorted(names, key=folder_order) == ["a.tif", "p1.tif", "P02.tif", "p9.tif", "p10.tif"]


def test_a_folder_is_bounded_before_its_files_are_read(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"page{i}.png").write_bytes(b"x" * 100)
    seen: list[tuple[str, list[str]]] = []
    with pytest.raises(gr.ReportReadError, match="max_input_bytes"):
        gr.read(tmp_path, plugins=_registry(seen), limits=Limits(max_input_bytes=450))
    with pytest.raises(gr.ReportReadError, match="max_pages"):
        gr.read(tmp_path, plugins=_registry(seen), limits=Limits(max_pages=4))
    assert not seen
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(gr.ReportReadError, match="empty folder"):
        gr.read(empty, plugins=_registry(seen))


def test_a_folder_no_reader_takes_is_refused_with_the_readers_message(tmp_path: Path) -> None:
    (tmp_path / "page1.png").write_bytes(b"page1.png")
    with pytest.raises(gr.ReportReadError, match="no reader"):
        gr.read(tmp_path, plugins=Registry())


def test_progress_goes_to_the_callback_and_to_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("page1.png", "page2.png", "page3.png"):
        (tmp_path / name).write_bytes(name.encode())
    got: list[Progress] = []
    with caplog.at_level(logging.DEBUG, logger="govinfo_report.progress"):
        gr.read(tmp_path, plugins=_registry([]), progress=got.append)
    name = str(tmp_path) + FOLDER_SUFFIX
    assert got == [Progress(name, 1, 3), Progress(name, 2, 3), Progress(name, 3, 3)]
    assert str(got[-1]) == "page 3/3"
    logged = [getattr(r, "progress", None) for r in caplog.records]
    assert logged == got
    # Without a callback, reporting costs nothing and changes nothing.
    assert gr.read(tmp_path, plugins=_registry([])).reader == "pages"


def test_a_callback_that_raises_ends_the_reading(tmp_path: Path) -> None:
    (tmp_path / "page1.png").write_bytes(b"page1.png")

    def stop(progress: Progress) -> None:
        raise KeyboardInterrupt  # what a user's cancel button might do

    with pytest.raises(KeyboardInterrupt):
        gr.read(tmp_path, plugins=_registry([]), progress=stop)


class Cancelled(Exception):
    """A web service's own way of stopping a reading its client gave up on."""


def test_an_exception_from_the_callback_reaches_the_caller_unchanged(tmp_path: Path) -> None:
    """Not turned into the reader's failure ("a software defect"): the caller raised it."""
    (tmp_path / "page1.png").write_bytes(b"page1.png")

    def cancel(progress: Progress) -> None:
        raise Cancelled(progress.source)

    with pytest.raises(Cancelled) as raised:
        gr.read(tmp_path, plugins=_registry([]), progress=cancel)
    assert raised.value.args == (str(tmp_path) + FOLDER_SUFFIX,)
