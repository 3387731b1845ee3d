"""The official layout of sections 二, 三 and 四 as rows of cell texts. Public API for writer plugins.

Writers (Markdown, text, HTML, docx) and the test renderers print these rows; labels come from the
model, so the printed tables cannot drift from the template. Merged cells are flattened: a group label
stands in the first row of its group and the rows below leave that column empty.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping

import attrs

from .model import AnnualReport, Edition, TemplateCell
from .values import Cell

__all__ = [
    "OFFICIAL_PAGE",
    "SECTION_TITLES",
    "LayoutCell",
    "OfficialPage",
    "SpannedTable",
    "TableGeometry",
    "TableRows",
    "narrative_around_tables",
    "official_grids",
    "official_tables",
    "report_title",
]

SECTION_TITLES = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "reviews": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}

_ACTIVE_BLOCKS: dict[Edition, tuple[tuple[str, tuple[str, ...]], ...]] = {
    Edition.E2021: (
        ("第二十条第（一）项", ("rules", "normative_docs")),
        ("第二十条第（五）项", ("licensing",)),
        ("第二十条第（六）项", ("penalty", "coercion")),
        ("第二十条第（八）项", ("fees",)),
    ),
    Edition.E2019: (
        ("第二十条第（一）项", ("rules", "normative_docs")),
        ("第二十条第（五）项", ("licensing", "other_services")),
        ("第二十条第（六）项", ("penalty", "coercion")),
        ("第二十条第（八）项", ("fees",)),
        ("第二十条第（九）项", ("procurement",)),
    ),
}

_BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_REVIEW_HEADERS = (
    ["行政复议", "行政诉讼"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
    ["", "", "", "", "", *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)],
)


@attrs.frozen
class TableRows:
    """One section's table: its title and its rows of cell texts (header rows included)."""

    section: str
    title: str
    rows: tuple[tuple[str, ...], ...]
    value_rows: frozenset[int]
    """Indices of the rows that hold values (the rest are captions and headers)."""


CellText = Callable[[TemplateCell, Cell], str]


def _printed(_: TemplateCell, cell: Cell) -> str:
    return cell.text()


def official_tables(
    report: AnnualReport,
    *,
    cell_text: CellText = _printed,
    labels: Mapping[str, str] | None = None,
) -> list[TableRows]:
    """Sections 二, 三 and 四 of ``report`` as rows of texts, in the official order.

    ``cell_text`` renders a value cell (default: as published); ``labels`` replaces label texts
    (canonical label → printed label), for renderings with the variants real reports use.
    """
    relabel = labels or {}

    def label(text: str) -> str:
        return relabel.get(text, text)

    cells = dict(zip((s.key for s in report.template()), report.cells(), strict=True))

    def values(prefix: str) -> list[str]:
        return [
            cell_text(spec, cell)
            for key, (spec, cell) in cells.items()
            if key.rsplit(".", 1)[0] == prefix
        ]

    def columns(prefix: str) -> list[str]:
        return [
            spec.labels[-1] for key, (spec, _) in cells.items() if key.rsplit(".", 1)[0] == prefix
        ]

    def row_label(prefix: str) -> str:
        spec = next(spec for key, (spec, _) in cells.items() if key.rsplit(".", 1)[0] == prefix)
        return spec.labels[-2]

    tables: list[TableRows] = []

    rows: list[tuple[str, ...]] = []
    value_rows: set[int] = set()
    for caption, keys in _ACTIVE_BLOCKS[report.edition]:
        rows.append((caption,))
        rows.append(("信息内容", *columns(f"active.{keys[0]}")))
        for key in keys:
            value_rows.add(len(rows))
            rows.append((label(row_label(f"active.{key}")), *values(f"active.{key}")))
    tables.append(TableRows("active", SECTION_TITLES["active"], tuple(rows), frozenset(value_rows)))

    rows = [
        (_BALANCE_NOTE, "申请人情况"),
        ("", "自然人", "法人或其他组织", "总计"),
        ("", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""),
    ]
    value_rows = set()
    group_seen: set[str] = set()
    for key, (spec, _) in cells.items():
        if not key.startswith("applications.") or not key.endswith(".natural_person"):
            continue
        prefix = key.removesuffix(".natural_person")
        depth = prefix.count(".")  # 1: a top-level row; 2: a sub-row of a group
        row_name = label(spec.labels[-2])
        value_rows.add(len(rows))
        if prefix in (
            "applications.received",
            "applications.carried_in",
            "applications.carried_out",
        ):
            rows.append((row_name, *values(prefix)))
        elif depth == 1:
            lead = "三、本年度办理结果" if prefix == "applications.granted" else ""
            rows.append((lead, row_name, *values(prefix)))
        else:
            group = label(spec.labels[-3])
            first = group not in group_seen
            group_seen.add(group)
            rows.append(("", group if first else "", row_name, *values(prefix)))
    tables.append(
        TableRows(
            "applications", SECTION_TITLES["applications"], tuple(rows), frozenset(value_rows)
        )
    )

    review_values = [
        v
        for group in ("review", "litigation_direct", "litigation_after_review")
        for v in values(f"reviews.{group}")
    ]
    rows = [tuple(r) for r in _REVIEW_HEADERS] + [tuple(review_values)]
    tables.append(TableRows("reviews", SECTION_TITLES["reviews"], tuple(rows), frozenset({3})))
    return tables


@attrs.frozen
class LayoutCell:
    """One printed cell of the official layout: its text, the key of the value it shows (``None``
    for labels and headers), and its span."""

    text: str
    key: str | None = None
    row_span: int = 1
    column_span: int = 1
    caption: bool = False
    """A caption row across the table (第二十条第（一）项…), shaded in the official template."""


@attrs.frozen
class SpannedTable:
    """One section's table with merged cells, as HTML and Word print it. Each row lists the cells
    that start in it, left to right; positions covered by a span from above are left out."""

    section: str
    title: str
    columns: int
    rows: tuple[tuple[LayoutCell, ...], ...]


def _value_cells(
    cells: Mapping[str, tuple[TemplateCell, Cell]], prefix: str, cell_text: CellText
) -> list[LayoutCell]:
    return [
        LayoutCell(cell_text(spec, cell), key)
        for key, (spec, cell) in cells.items()
        if key.rsplit(".", 1)[0] == prefix
    ]


def official_grids(report: AnnualReport, *, cell_text: CellText = _printed) -> list[SpannedTable]:
    """Sections 二, 三 and 四 in the official layout with merged cells (the 2021 template's merges;
    the 2019 tables use the same scheme)."""
    cells = dict(zip((s.key for s in report.template()), report.cells(), strict=True))

    def header(prefix: str) -> list[str]:
        return [
            spec.labels[-1] for key, (spec, _) in cells.items() if key.rsplit(".", 1)[0] == prefix
        ]

    def label(prefix: str) -> str:
        return next(
            spec for key, (spec, _) in cells.items() if key.rsplit(".", 1)[0] == prefix
        ).labels[-2]

    grids: list[SpannedTable] = []

    # 二: four columns; a row with fewer values lets its last value span the rest.
    rows: list[tuple[LayoutCell, ...]] = []
    for caption, keys in _ACTIVE_BLOCKS[report.edition]:
        rows.append((LayoutCell(caption, column_span=4, caption=True),))
        titles = header(f"active.{keys[0]}")
        head = [LayoutCell("信息内容"), *(LayoutCell(t) for t in titles)]
        rows.append(tuple(_stretch(head, 4)))
        for key in keys:
            row = [
                LayoutCell(label(f"active.{key}")),
                *_value_cells(cells, f"active.{key}", cell_text),
            ]
            rows.append(tuple(_stretch(row, 4)))
    grids.append(SpannedTable("active", SECTION_TITLES["active"], 4, tuple(rows)))

    # 三: three label columns, seven value columns.
    rows = [
        (
            LayoutCell(_BALANCE_NOTE, row_span=3, column_span=3),
            LayoutCell("申请人情况", column_span=7),
        ),
        (
            LayoutCell("自然人", row_span=2),
            LayoutCell("法人或其他组织", column_span=5),
            LayoutCell("总计", row_span=2),
        ),
        tuple(
            LayoutCell(t) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
        ),
    ]
    prefixes = [
        key.removesuffix(".natural_person")
        for key in cells
        if key.startswith("applications.") and key.endswith(".natural_person")
    ]
    outcome = [
        p
        for p in prefixes
        if p not in ("applications.received", "applications.carried_in", "applications.carried_out")
    ]
    groups: dict[str, int] = {}
    for prefix in prefixes:
        if prefix.count(".") == 2:
            group = prefix.rsplit(".", 1)[0]
            groups[group] = groups.get(group, 0) + 1
    started: set[str] = set()
    for prefix in prefixes:
        values = _value_cells(cells, prefix, cell_text)
        name = label(prefix)
        if prefix not in outcome:
            rows.append((LayoutCell(name, column_span=3), *values))
            continue
        lead = (
            [LayoutCell("三、本年度办理结果", row_span=len(outcome))]
            if prefix == outcome[0]
            else []
        )
        if prefix.count(".") == 1:
            rows.append((*lead, LayoutCell(name, column_span=2), *values))
            continue
        group = prefix.rsplit(".", 1)[0]
        if group not in started:
            started.add(group)
            spec = cells[prefix + ".natural_person"][0]
            lead.append(LayoutCell(spec.labels[-3], row_span=groups[group]))
        rows.append((*lead, LayoutCell(name), *values))
    grids.append(SpannedTable("applications", SECTION_TITLES["applications"], 10, tuple(rows)))

    # 四: a two-level header over fifteen values.
    outcomes = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    review_values: list[LayoutCell] = []
    for group in ("review", "litigation_direct", "litigation_after_review"):
        review_values += _value_cells(cells, f"reviews.{group}", cell_text)
    rows = [
        (LayoutCell("行政复议", column_span=5), LayoutCell("行政诉讼", column_span=10)),
        (
            *(LayoutCell(t, row_span=2) for t in outcomes),
            LayoutCell("未经复议直接起诉", column_span=5),
            LayoutCell("复议后起诉", column_span=5),
        ),
        tuple(LayoutCell(t) for t in outcomes * 2),
        tuple(review_values),
    ]
    grids.append(SpannedTable("reviews", SECTION_TITLES["reviews"], 15, tuple(rows)))
    return grids


def _stretch(row: list[LayoutCell], columns: int) -> list[LayoutCell]:
    """Let the last cell of a short row span the remaining columns."""
    used = sum(c.column_span for c in row)
    if used >= columns:
        return row
    last = row[-1]
    return [*row[:-1], attrs.evolve(last, column_span=last.column_span + columns - used)]


def report_title(report: AnnualReport) -> str:
    """The title a written report carries: ``{agency}{year}年政府信息公开工作年度报告``."""
    if report.meta.title:
        return report.meta.title
    year = f"{report.meta.year}年" if report.meta.year is not None else ""
    return f"{report.meta.agency or ''}{year}政府信息公开工作年度报告"


def narrative_around_tables(
    report: AnnualReport,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The prose sections as (title, text): those printed before the tables (一、总体情况) and
    after them (五, 六 and any the agency added). Missing official sections get their title and no
    text, so a written report always has all six.

    A report read from a document keeps its closing date line (``2023年1月20日``) at the end of
    its last section's text; when that is the date of issue, which writers print as the closing
    line, it is left out here, so a written report has one date, however often it is read and
    written again."""
    before: list[tuple[str, str]] = []
    after: list[tuple[str, str]] = []
    for section in report.narrative:
        (before if "总体情况" in section.title else after).append((section.title, section.text))
    if after and report.meta.date_of_issue is not None:
        title, text = after[-1]
        after[-1] = (title, _without_closing_date(text, report.meta.date_of_issue))
    if not before:
        before.append((SECTION_TITLES["overview"], ""))
    for key in ("problems", "other"):
        marker = SECTION_TITLES[key][2:6]
        if not any(marker in title for title, _ in after):
            after.append((SECTION_TITLES[key], ""))
    return before, after


_CLOSING_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _without_closing_date(text: str, issued: datetime.date) -> str:
    lines = text.rstrip().splitlines()
    if lines:
        printed = _CLOSING_DATE.fullmatch("".join(lines[-1].split()))
        if printed is not None and tuple(map(int, printed.groups())) == (
            issued.year,
            issued.month,
            issued.day,
        ):
            return "\n".join(lines[:-1]).rstrip()
    return text


@attrs.frozen
class TableGeometry:
    """How the official template prints one section's table: column widths and cell padding in
    twentieths of a point (twips), the least height of a row, and the note's font."""

    column_widths: tuple[int, ...]
    cell_padding: int
    row_height: int = 0
    value_row_height: int = 0
    """The least height of the rows that hold values (section 四's one row is taller)."""
    row_labels: str = "center"
    """How the labels of the rows that hold values are aligned: ``"left"`` for section 三's
    long labels (the template's), ``"center"`` for section 二's short ones under 信息内容."""


@attrs.frozen
class OfficialPage:
    """The page of the template circulated to offices (2021; the 2019 tables use the same grid):
    A4, 宋体 throughout, tables in 10 pt with their own column widths. Lengths in twips."""

    width: int = 11906
    height: int = 16838
    margins: tuple[int, int, int, int] = (1440, 1800, 1440, 1800)
    """Top, right, bottom, left."""
    latin_font: str = "宋体"
    """The template sets 宋体 for digits and Latin letters too (their widths decide the wraps)."""
    east_asian_font: str = "宋体"
    note_font: str = "楷体"
    """The 勾稽 note over section 三's labels, set with wider padding."""
    note_padding: int = 108
    body_size: float = 12
    title_size: float = 18
    table_size: float = 10
    first_line_indent: int = 420
    line_pitch: int = 312
    """The document grid lines snap to (15.6 pt): it sets the height of every table row."""
    caption_fill: str = "C6D9F1"
    tables: Mapping[str, TableGeometry] = attrs.field(
        factory=lambda: {
            "active": TableGeometry((2435,) * 4, cell_padding=57, row_height=340),
            "applications": TableGeometry(
                (754, 921, 3271, *(685,) * 7), cell_padding=57, row_labels="left"
            ),
            "reviews": TableGeometry(
                (*(649,) * 7, *(650,) * 8), cell_padding=108, value_row_height=672
            ),
        }
    )


OFFICIAL_PAGE = OfficialPage()
