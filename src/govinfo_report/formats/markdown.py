"""The Markdown writer: headings, prose and pipe tables in the official order (read back by the
text reader)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..findings import Finding
from ..hookspecs import hookimpl
from ..layout import narrative_around_tables, official_tables, report_title
from ..model import AnnualReport
from ..plugins import WriteFunction, Writer

_APPLICANT_COLUMNS = 7


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_markdown(report: AnnualReport, findings: Sequence[Finding]) -> bytes:
    lines: list[str] = []
    if report.meta.document_number:
        lines += [report.meta.document_number, ""]
    lines += [f"# {report_title(report)}", ""]
    before, after = narrative_around_tables(report)

    def prose(parts: list[tuple[str, str]]) -> None:
        for heading, text in parts:
            lines.extend([f"## {heading}", ""])
            for line in text.splitlines():
                if line.strip():
                    lines.extend([line, ""])

    prose(before)
    for table in official_tables(report):
        lines.extend([f"## {table.title}", ""])
        width = max(len(row) for row in table.rows)
        for index, row in enumerate(table.rows):
            padding = [""] * (width - len(row))
            # A short row of section 二 keeps its own cells only: trailing empty cells would
            # stand next to a blank value, and a reader could not tell layout from value.
            padded = [*row, *padding] if index == 0 else list(row)
            if table.section == "applications" and index in table.value_rows:
                # Values in the last seven columns, as in the official table, and the label
                # repeated over the columns it spans (as a merged cell): no empty layout cell
                # stands next to a blank value, so a reader cannot take one for the other.
                labels = row[:-_APPLICANT_COLUMNS]
                spanned = [labels[-1]] * len(padding) if labels else padding
                padded = [*labels, *spanned, *row[-_APPLICANT_COLUMNS:]]
            lines.append("| " + " | ".join(_escape(cell) for cell in padded) + " |")
            if index == 0:
                lines.append("|" + " --- |" * width)
        lines.append("")
    prose(after)
    if report.meta.date_of_issue is not None:
        issued = report.meta.date_of_issue
        lines.append(f"{issued.year}年{issued.month}月{issued.day}日")
    return ("\n".join(lines) + "\n").encode("utf-8")


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    function: WriteFunction = write_markdown
    register(
        Writer(
            "markdown",
            load=lambda: function,
            suffix=".md",
            media_type="text/markdown",
            description="Markdown with pipe tables in the official row order; read back by the text reader.",
        )
    )
