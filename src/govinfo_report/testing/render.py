"""Render reports as the text layouts real documents come in, for reader tests.

``render_text(report, layout)`` prints a whole report (title, six sections, the three tables) in one
of :data:`LAYOUTS`. Options add what the wild has: label variants, labels wrapped in their cells,
full-width digits. Plugin authors can use it to make sample inputs for their own readers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from hypothesis import strategies as st

from ..layout import SECTION_TITLES, official_tables
from ..model import AnnualReport, Edition, TemplateCell, template_rows
from ..values import Cell

__all__ = ["LABEL_VARIANTS", "LAYOUTS", "label_variants", "render_text"]

LAYOUTS = ("cell_per_line", "bar_cells", "tab_rows", "markdown")
"""The four text layouts of the real reports in ``tests/corpus/seeds`` plus Markdown pipe tables."""


def _variants() -> dict[str, tuple[str, ...]]:
    """The variants the template definition records for each row, plus typographic ones the
    reader folds away (ASCII brackets with a space, ASCII quotes)."""
    variants: dict[str, list[str]] = {}
    for edition in Edition:
        for single in (False, True):
            for row in template_rows(edition, single_other_row=single):
                if row.key.startswith("reviews."):
                    continue
                known = variants.setdefault(row.label, [])
                known.extend(v for v in row.variants if v not in known)
    typographic = {
        "3.危及“三安全一稳定”": ('3.危及"三安全一稳定"',),
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": ("(二) 部分公开",),
        "（六）其他处理": ("(六) 其他处理",),
        "（一）予以公开": ("(一) 予以公开",),
        "（七）总计": ("(七) 总计",),
    }
    for label, printed in typographic.items():
        variants.setdefault(label, []).extend(printed)
    return {label: tuple(printed) for label, printed in variants.items() if printed}


LABEL_VARIANTS: Mapping[str, tuple[str, ...]] = _variants()
"""Label texts seen in real reports, by canonical label: the variants of the template definition
(:func:`govinfo_report.model.template_rows`) and typographic ones."""

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_WRAP_TAIL = 6


def label_variants() -> st.SearchStrategy[dict[str, str]]:
    """A random choice of variant labels (canonical label → printed label)."""
    return st.dictionaries(
        st.sampled_from(sorted(LABEL_VARIANTS)), st.just(""), max_size=len(LABEL_VARIANTS)
    ).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {canonical: st.sampled_from(LABEL_VARIANTS[canonical]) for canonical in chosen}
        )
    )


def _wrap(text: str) -> list[str]:
    # Word wraps a long label inside its cell; the tail comes out as a line of its own.
    if len(text) <= _WRAP_TAIL + 2:
        return [text]
    return [text[:-_WRAP_TAIL], text[-_WRAP_TAIL:]]


def _layout_rows(rows: Sequence[Sequence[str]], layout: str, wrap: bool) -> list[str]:
    lines: list[str] = []
    for row in rows:
        if layout == "cell_per_line":
            for cell in row:
                pieces = _wrap(cell) if wrap and cell and not cell[0].isdigit() else [cell]
                lines.append("\t" + pieces[0])
                lines.extend(pieces[1:])
            lines.append("")
        elif layout == "bar_cells":
            lines.append("|")
            lines.extend(f"{cell} |" if cell else " |" for cell in row)
        elif layout == "tab_rows":
            lines.append("\t".join(row))
        elif layout == "markdown":
            lines.append("| " + " | ".join(row) + " |")
            if len(lines) == 1 or not lines[-2].startswith("|"):
                lines.append("|" + "---|" * len(row))  # the header separator of a pipe table
        else:
            raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    return lines


def render_text(
    report: AnnualReport,
    layout: str = "tab_rows",
    *,
    labels: Mapping[str, str] | None = None,
    wrap_labels: bool = False,
    full_width: Callable[[TemplateCell], bool] | None = None,
) -> str:
    """The whole report as text in ``layout``.

    ``labels`` swaps label texts for variants; ``wrap_labels`` wraps long labels over two lines
    (one-cell-per-line layout only); ``full_width(spec)`` chooses cells printed in full-width digits.
    """

    def cell_text(spec: TemplateCell, cell: Cell) -> str:
        text = cell.text()
        if full_width is not None and full_width(spec):
            text = text.translate(_FULL_WIDTH)
        return text

    heading = "## " if layout == "markdown" else ""
    agency = report.meta.agency or ""
    lines = [
        f"{'# ' if heading else ''}{agency}{report.meta.year}年政府信息公开工作年度报告",
        "",
        heading + SECTION_TITLES["overview"],
        f"本年度，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》。",
    ]
    for table in official_tables(report, cell_text=cell_text, labels=labels):
        lines.extend(["", heading + table.title])
        lines.extend(_layout_rows(table.rows, layout, wrap_labels and layout == "cell_per_line"))
    lines.extend(
        [
            "",
            heading + SECTION_TITLES["problems"],
            "政策解读的形式还不够丰富，依申请公开答复的规范性有待提高。下一步将加强业务培训，完善工作制度。",
            heading + SECTION_TITLES["other"],
            "无。",
        ]
    )
    return "\n".join(lines) + "\n"
