"""What ``gr.read`` accepts: paths (always paths), bytes, binary file objects, and explicit text."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, ClassVar

import pytest

import govinfo_report as gr
from govinfo_report import ReportReadError
from govinfo_report.limits import Limits
from govinfo_report.testing import ReaderContract

REPO = Path(__file__).resolve().parents[1]
SAMPLE_TEXT = REPO / "examples" / "reports" / "2023.txt"
SAMPLE_DOCX = REPO / "examples" / "reports" / "2021.docx"


def test_a_binary_file_object_reads_like_its_bytes() -> None:
    data = SAMPLE_DOCX.read_bytes()
    from_stream = gr.read(io.BytesIO(data), name="upload.docx")
    assert from_stream.reader == "docx"
    assert gr.to_cells(from_stream.report) == gr.to_cells(gr.read(data, name="x.docx").report)
    with SAMPLE_DOCX.open("rb") as handle:  # a real file object names itself
        assert gr.read(handle).reader == "docx"


def test_a_file_object_is_read_only_up_to_the_limit() -> None:
    class Endless(io.RawIOBase):
        asked: ClassVar[list[int]] = []

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.asked.append(size)
            return b"x" * (size if size > 0 else 10**9)

    with pytest.raises(ReportReadError, match="more than the limit of 100"):
        gr.read(Endless(), name="endless.txt", limits=Limits(max_input_bytes=100))
    assert Endless.asked == [101]


def test_a_text_mode_file_object_is_refused_plainly() -> None:
    with pytest.raises(TypeError, match="binary mode"):
        gr.read(io.StringIO("text"), name="t.txt")  # type: ignore[arg-type]


def test_a_str_is_always_a_path_even_with_a_newline(tmp_path: Path) -> None:
    odd = tmp_path / "报告\n2023.txt"
    odd.write_bytes(SAMPLE_TEXT.read_bytes())
    result = gr.read(str(odd))
    assert result.report.meta.year == 2023
    with pytest.raises(
        ReportReadError, match="a str is always a path: give a report's text as text="
    ) as failure:
        gr.read(SAMPLE_TEXT.read_text(encoding="utf-8"))
    assert len(failure.value.source) <= 60


def test_text_is_given_explicitly() -> None:
    text = SAMPLE_TEXT.read_text(encoding="utf-8")
    by_text = gr.read(text=text, name="pasted.txt")
    assert gr.to_cells(by_text.report) == gr.to_cells(gr.read(SAMPLE_TEXT).report)
    assert gr.to_cells(gr.read_text(text).report) == gr.to_cells(by_text.report)
    with pytest.raises(TypeError, match="not both"):
        gr.read(SAMPLE_TEXT, text=text)
    with pytest.raises(TypeError, match="needs a source"):
        gr.read()


class _WrongExpectation(ReaderContract):
    reader_name = "text"
    samples: ClassVar[list[tuple[Path, Path | dict[str, Any]]]] = [
        (SAMPLE_TEXT, {"year": 2022, "cells": {"active.rules.issued": 999}})
    ]


def test_reader_contract_failures_say_what_was_read_and_what_was_expected() -> None:
    with pytest.raises(AssertionError) as failure:
        _WrongExpectation().test_samples_read_exactly()
    message = str(failure.value)
    assert "year: read 2023, expected 2022" in message
    assert "active.rules.issued: read" in message and "expected 999" in message
    assert "2023.txt" in message


def test_select_and_ignore_refuse_codes_that_match_nothing() -> None:
    report = gr.read(SAMPLE_TEXT).report
    with pytest.raises(ValueError, match="'aply'"):
        gr.validate(report, select=["aply"])
    with pytest.raises(ValueError, match=r"'apply\.wrong'"):
        gr.validate(report, ignore=["apply.wrong"])
    with pytest.raises(ValueError, match="'serie'"):
        gr.validate_series([report], select=["serie"])
    assert gr.validate(report, select=["apply", "review.total"]) is not None
