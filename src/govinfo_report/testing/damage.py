"""Hypothesis strategies for valid reports printed the way real documents are damaged.

``damaged_documents()`` draws a valid report, prints it in one of :data:`FORMATS` and applies a random
composition of that format's :data:`DAMAGES` (the patterns of real documents: text copied out of a PDF
viewer, converters' Markdown, labels that lost characters in print, section 四 without its title).
The reader must give back every cell exactly, or leave it absent with a finding naming it; never a
wrong value.

    from govinfo_report.testing.damage import damaged_documents

    @given(damaged_documents())
    def test_never_wrong(damaged): ...
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

import attrs
from hypothesis import strategies as st

from ..layout import SECTION_TITLES, TableRows, official_tables
from ..model import AnnualReport
from .strategies import reports

__all__ = ["DAMAGES", "FORMATS", "Damaged", "damaged_documents", "render_damaged"]

FORMATS = ("text", "markdown", "html", "docx")

DAMAGES: dict[str, tuple[str, ...]] = {
    # A PDF viewer's copy: one line per row, values space-separated after the label.
    "text": (
        "wrapped_labels",  # long labels wrapped; the values on the continuation line
        "values_own_line",  # the values of a wrapped label on a line of their own
        "vertical_group",  # 三、本年度办理结果 one character a line
        "split_group_labels",  # （四）无 … / 法提供 2.没有现成信息…
        "page_numbers",  # - 5 - between rows
        "full_width",  # full-width digits
        "reviews_two_lines",  # section 四's fifteen values over two lines
        "lost_characters",  # a character of a label lost in print
        "reviews_without_title",  # section 四's table with no title before it
        "wrapped_numbers",  # a number of section 三 wrapped in its narrow cell: 11 / 8 for 118
    ),
    # A converter's Markdown (markitdown and the like).
    "markdown": (
        "fragments",  # the table cut into fragments, each with its own |---| line
        "loose_labels",  # labels pulled out of their rows into lines before them
        "merged_values",  # two values in one cell: | 3001 53 |
        "right_aligned",  # cells covered by a rowspan dropped: rows short at the left
        "br_in_cells",  # <br> inside label cells
        "page_numbers",
        "lost_characters",
        "lost_labels",  # a row of section 三 printed with no label at all
        "reviews_without_title",
        "reviews_by_group",  # section 四 as three small tables under headings
    ),
    "html": ("lost_characters", "reviews_without_title"),
    "docx": ("lost_characters", "reviews_without_title"),
}
"""The damages each format is drawn with."""

_REVIEW_HEADINGS = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
_REVIEW_HEADER = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_WRAP_AT = 14


@attrs.frozen
class Damaged:
    """A report, its damaged printing, and the damages applied."""

    report: AnnualReport = attrs.field(repr=False)
    data: bytes = attrs.field(repr=False)
    name: str
    format: str
    damages: tuple[str, ...]


def _lose_character(label: str, seed: int) -> str:
    """The label with one character of its text (not its numbering) lost."""
    numbering = re.match(
        r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、])", label
    )
    start = numbering.end() if numbering else 0
    body = label[start:]
    if len(body) < 6:
        return label  # short labels are all signal; real prints lose characters of long ones
    at = 1 + seed % (len(body) - 2)
    return label[:start] + body[:at] + body[at + 1 :]


def _value_rows(table: TableRows) -> list[tuple[int, tuple[str, ...]]]:
    return [(i, row) for i, row in enumerate(table.rows) if i in table.value_rows]


def _label_and_values(table: TableRows, row: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """A value row's label cells (lead, group, label as printed) and its values."""
    values = {"active": 0, "applications": 7, "reviews": 15}[table.section]
    count = values or len(row) - 1
    return list(row[: len(row) - count]), list(row[len(row) - count :])


def _text_lines(report: AnnualReport, damages: frozenset[str], seed: int) -> list[str]:
    lines = [
        f"{report.meta.agency}",
        f"{report.meta.year}年政府信息公开工作年度报告",
        SECTION_TITLES["overview"],
        "本年度认真贯彻落实《中华人民共和国政府信息公开条例》。",
    ]
    page = 1
    for table in official_tables(report):
        if not (table.section == "reviews" and "reviews_without_title" in damages):
            lines.append(table.title)
        vertical_done = False
        for index, row in enumerate(table.rows):
            if "page_numbers" in damages and (seed + index) % 9 == 4:
                page += 1
                lines.append(f"- {page} -")
            if index not in table.value_rows:
                lines.append(" ".join(cell for cell in row if cell))
                continue
            labels, values = _label_and_values(table, row)
            labels = [cell for cell in labels if cell]
            if "lost_characters" in damages and labels and (seed + index) % 5 == 0:
                labels[-1] = _lose_character(labels[-1], seed + index)
            if "vertical_group" in damages and labels and labels[0] == "三、本年度办理结果":
                if not vertical_done:
                    lines.append("三、")
                    lines.extend("本年度办理结果")
                    vertical_done = True
                labels = labels[1:]
            value_text = " ".join(values)
            if table.section == "reviews" and "reviews_two_lines" in damages:
                lines.append(" ".join(values[:10]))
                lines.append(" ".join(values[10:]))
                continue
            if (
                "split_group_labels" in damages
                and len(labels) == 2
                and labels[0].startswith("（")
                and len(labels[0]) > 4
            ):
                group, label = labels
                lines.append(group[:4])
                lines.append(f"{group[4:]} {label} {value_text}")
                continue
            label = " ".join(labels)
            if "wrapped_labels" in damages and len(label) > _WRAP_AT:
                lines.append(label[:_WRAP_AT])
                if "values_own_line" in damages:
                    lines.append(label[_WRAP_AT:])
                    lines.append(value_text)
                else:
                    lines.append(f"{label[_WRAP_AT:]} {value_text}")
                continue
            wrap = next((i for i, v in enumerate(values) if v.isdigit() and len(v) > 1), None)
            if (
                "wrapped_numbers" in damages
                and table.section == "applications"
                and (seed + index) % 4 == 1
                and wrap is not None
            ):
                # The number's last digit on a line of its own, the rest of the row after it.
                lines.append(" ".join([label, *values[:wrap], values[wrap][:-1]]).strip())
                lines.append(values[wrap][-1])
                if values[wrap + 1 :]:
                    lines.append(" ".join(values[wrap + 1 :]))
                continue
            lines.append(f"{label} {value_text}".strip())
    lines += [SECTION_TITLES["problems"], "无。", SECTION_TITLES["other"], "无。"]
    if "full_width" in damages:
        lines = [line.translate(_FULL_WIDTH) for line in lines]
    return lines


def _pipe(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _markdown_lines(report: AnnualReport, damages: frozenset[str], seed: int) -> list[str]:
    lines = [
        f"# {report.meta.agency}{report.meta.year}年政府信息公开工作年度报告",
        "",
        f"## {SECTION_TITLES['overview']}",
        "",
        "本年度认真贯彻落实《中华人民共和国政府信息公开条例》。",
    ]
    for table in official_tables(report):
        if table.section == "reviews" and "reviews_without_title" in damages:
            lines.append("")
        else:
            lines += ["", f"## {table.title}", ""]
        if table.section == "reviews" and "reviews_by_group" in damages:
            values = list(table.rows[-1])
            for at, heading in enumerate(_REVIEW_HEADINGS):
                lines += [f"### {heading}", "", _pipe(_REVIEW_HEADER), "|" + " --- |" * 5]
                lines += [_pipe(values[at * 5 : at * 5 + 5]), ""]
            continue
        width = max(len(row) for row in table.rows)
        fresh = True  # the next row opens a fragment (its header)
        for index, row in enumerate(table.rows):
            if index and "fragments" in damages and (seed + index) % 4 == 0:
                if "page_numbers" in damages:
                    lines += ["", f"- {index} -", ""]
                fresh = True
            cells = list(row)
            loose: list[str] = []
            if index in table.value_rows and table.section != "reviews":
                labels, values = _label_and_values(table, row)
                if "lost_characters" in damages and (seed + index) % 5 == 0 and labels[-1]:
                    labels[-1] = _lose_character(labels[-1], seed + index)
                if "br_in_cells" in damages:
                    labels = [
                        f"{cell[:5]}<br>{cell[5:]}" if len(cell) > 8 else cell for cell in labels
                    ]
                if "merged_values" in damages and table.section == "applications":
                    values = [
                        " ".join(values[i : i + 2]) if i < 6 else values[i] for i in range(0, 7, 2)
                    ]
                if (
                    "lost_labels" in damages
                    and table.section == "applications"
                    and (seed + index) % 7 == 3
                ):
                    labels = ["" for _ in labels]
                elif "loose_labels" in damages and (seed + index) % 3 == 0:
                    loose = [cell.replace("<br>", "") for cell in labels if cell]
                    labels = ["" for _ in labels]
                    fresh = True
                if "right_aligned" in damages and table.section == "applications":
                    while labels and not labels[0]:
                        labels.pop(0)  # covered by a rowspan: the converter drops the cell
                cells = [*labels, *values]
            else:
                cells = [*cells, *[""] * (width - len(cells))]
            lines.extend(loose)
            lines.append(_pipe(cells))
            if fresh:
                lines.append("|" + " --- |" * len(cells))
                fresh = False
    lines += ["", f"## {SECTION_TITLES['problems']}", "", "无。"]
    lines += ["", f"## {SECTION_TITLES['other']}", "", "无。"]
    return lines


def _damaged_labels(report: AnnualReport, seed: int) -> dict[str, str]:
    """Printed label → damaged label, for a few value-row labels of sections 二 and 三."""
    replaced: dict[str, str] = {}
    for table in official_tables(report)[:2]:
        for index, row in _value_rows(table):
            label = row[-8] if table.section == "applications" else row[0]
            if label and (seed + index) % 5 == 0:
                damaged = _lose_character(label, seed + index)
                if damaged != label:
                    replaced[label] = damaged
    return replaced


def _damage_markup(text: str, report: AnnualReport, damages: frozenset[str], seed: int) -> str:
    if "lost_characters" in damages:
        for label, damaged in _damaged_labels(report, seed).items():
            text = text.replace(f">{label}<", f">{damaged}<")
    if "reviews_without_title" in damages:
        text = re.sub(
            r"<(h\d|p|w:p)\b[^>]*>(?:(?!</\1>).)*?" + SECTION_TITLES["reviews"][2:8],
            lambda m: m.group(0).replace(SECTION_TITLES["reviews"][2:8], "附表"),
            text,
            count=1,
            flags=re.S,
        )
    return text


def render_damaged(report: AnnualReport, fmt: str, damages: Sequence[str], seed: int) -> bytes:
    """``report`` printed in ``fmt`` with ``damages`` (names from :data:`DAMAGES`) applied."""
    chosen = frozenset(damages)
    unknown = chosen - set(DAMAGES[fmt])
    if unknown:
        raise ValueError(f"damages {sorted(unknown)} do not apply to {fmt}")
    if fmt == "text":
        return ("\n".join(_text_lines(report, chosen, seed)) + "\n").encode("utf-8")
    if fmt == "markdown":
        return ("\n".join(_markdown_lines(report, chosen, seed)) + "\n").encode("utf-8")
    if fmt == "html":
        from ..formats.html import write_html

        page = write_html(report, ()).decode("utf-8")
        return _damage_markup(page, report, chosen, seed).encode("utf-8")
    if fmt == "docx":
        from ..formats.docx import write_docx

        source = zipfile.ZipFile(io.BytesIO(write_docx(report, ())))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for member in source.infolist():
                content = source.read(member)
                if member.filename == "word/document.xml":
                    xml = _damage_markup(content.decode("utf-8"), report, chosen, seed)
                    content = xml.encode("utf-8")
                target.writestr(member, content)
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


_SUFFIX = {"text": ".txt", "markdown": ".md", "html": ".html", "docx": ".docx"}


@st.composite
def damaged_documents(
    draw: st.DrawFn, formats: Sequence[str] = FORMATS, report: AnnualReport | None = None
) -> Damaged:
    """A valid report printed in one of ``formats`` with a random composition of its damages."""
    chosen = report if report is not None else draw(reports(single_other_row=None))
    fmt = draw(st.sampled_from(list(formats)))
    damages = tuple(draw(st.lists(st.sampled_from(DAMAGES[fmt]), unique=True)))
    seed = draw(st.integers(0, 1000))
    data = render_damaged(chosen, fmt, damages, seed)
    return Damaged(chosen, data, f"damaged{_SUFFIX[fmt]}", fmt, damages)
