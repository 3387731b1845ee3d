"""Damaged printings of valid reports: every cell comes back exact, or absent with a finding naming
it; never a wrong value."""

from __future__ import annotations

from hypothesis import given, settings

import govinfo_report as gr
from govinfo_report.testing.damage import Damaged, damaged_documents


def assert_exact_or_reported(damaged: Damaged) -> None:
    result = gr.read(damaged.data, name=damaged.name)
    truth = gr.to_cells(damaged.report)["cells"]
    got = gr.to_cells(result.report)["cells"]
    wrong = {k: (got[k], v) for k, v in truth.items() if k in got and got[k] != v}
    assert not wrong, (damaged.format, damaged.damages, wrong)
    assert not set(got) - set(truth), (damaged.format, damaged.damages)
    named = {key for f in (*result.findings, *gr.validate(result.report)) for key in f.cells}
    # Where the row （六）其他处理 itself lost its label, the reader cannot know whether it was one
    # row or three: a finding naming the candidate rows of （六） is the report.
    other_named = any(key.startswith("applications.other.") for key in named)
    unreported = [
        k
        for k in truth
        if k not in got
        and k not in named
        and not (k.startswith("applications.other.") and other_named)
    ]
    assert not unreported, (damaged.format, damaged.damages, unreported)


@given(damaged_documents(formats=("text", "markdown")))
def test_damaged_text_and_markdown_never_read_a_wrong_value(damaged: Damaged) -> None:
    assert_exact_or_reported(damaged)


@settings(max_examples=15)
@given(damaged_documents(formats=("html", "docx")))
def test_damaged_html_and_docx_never_read_a_wrong_value(damaged: Damaged) -> None:
    assert_exact_or_reported(damaged)
