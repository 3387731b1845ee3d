"""The official layout of sections 二, 三 and 四 as rows of cell texts.

Writers (Markdown, text, HTML, docx) and the test renderers print these rows; labels come from the
model, so the printed tables cannot drift from the template. Merged cells are flattened: a group label
stands in the first row of its group and the rows below leave that column empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from .model import AnnualReport, Edition, TemplateCell
from .values import Cell

__all__ = ["SECTION_TITLES", "TableRows", "official_tables"]

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
