"""The HTML reader: saved government web pages, with navigation, scripts and layout tables around
the report.

It knows HTML, not the template: the text of block elements becomes paragraphs, every table that holds
no other table becomes a grid (``rowspan``/``colspan`` resolved), and a table that holds tables is
layout, read through. The encoding comes from a byte-order mark, then ``<meta charset>`` or
``http-equiv``, then UTF-8, then GB18030.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..document import Block, Document, GridCell, Paragraph, Table
from ..errors import ReportReadError
from ..findings import Finding
from ..hookspecs import hookimpl
from ..limits import current_limits
from ..model import AnnualReport
from ..plugins import Reader, ReadFunction, WriteFunction, Writer
from ..reading import reading_finding
from ..values import Provenance

if TYPE_CHECKING:
    from bs4.element import Tag

__all__ = ["decode_html", "read_html", "write_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "form",
        "select",
        "button",
        "nav",
        "head",
        "svg",
        "canvas",
        "object",
        "embed",
    }
)
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "center",
        "address",
        "figure",
        "figcaption",
        "caption",
        "body",
        "html",
        "hr",
    }
)
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
_GB_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
MAX_SPAN = 1000
"""Spans larger than this are treated as 1: a hostile ``colspan`` must not allocate a huge grid."""


def decode_html(data: bytes, name: str) -> str:
    """The page's text, decoded as the page declares (GBK and GB2312 read as their superset)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    declared = _META_CHARSET.search(data[:4096])
    candidates = []
    if declared:
        encoding = declared.group(1).decode("ascii").lower()
        candidates.append(_GB_ALIASES.get(encoding, encoding))
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise ReportReadError(
        name, "cannot decode the page (not UTF-8, not GB18030, no usable charset)"
    )


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


class _Walker:
    def __init__(self, name: str) -> None:
        self.name = name
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.tables = 0
        self.images_outside_tables = 0
        limits = current_limits()
        self.max_depth = limits.max_nesting_depth
        self.max_cells = limits.max_table_cells

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        self.buffer = []
        if text:
            self.blocks.append(Paragraph(text, Provenance(source=self.name)))

    def walk(self, node: object, depth: int = 0) -> None:
        from bs4.element import Comment, NavigableString, Tag

        if depth > self.max_depth:
            raise ReportReadError(
                self.name, f"elements nested deeper than {self.max_depth} (limit max_nesting_depth)"
            )
        if isinstance(node, Comment):
            return
        if isinstance(node, NavigableString):
            self.buffer.append(str(node))
            return
        if not isinstance(node, Tag):
            return
        tag = node.name.lower() if node.name else ""
        if tag in _SKIP:
            return
        if tag == "br":
            self.flush()
            return
        if tag == "img":
            self.images_outside_tables += 1
            return
        if tag == "table" and node.find("table") is None:
            self.flush()
            self.blocks.append(self.table(node))
            return
            # A layout table: its cells are ordinary page content.
        block = tag in _BLOCKS or tag in ("table", "tr", "td", "th")
        if block:
            self.flush()
        for child in node.children:
            self.walk(child, depth + 1)
        if block:
            self.flush()

    def table(self, node: Tag) -> Table:
        index = self.tables
        self.tables += 1
        occupied: set[tuple[int, int]] = set()
        cells: list[GridCell] = []
        for r, row in enumerate(_rows(node)):
            c = 0
            for cell in row.find_all(["td", "th"], recursive=False):
                while (r, c) in occupied:
                    c += 1
                row_span = _span(cell.get("rowspan"))
                column_span = _span(cell.get("colspan"))
                if len(occupied) + row_span * column_span > self.max_cells:
                    raise ReportReadError(
                        self.name,
                        f"a table with more than {self.max_cells} cells (limit max_table_cells)",
                        place=f"table {index + 1}",
                    )
                for dr in range(row_span):
                    for dc in range(column_span):
                        occupied.add((r + dr, c + dc))
                where = Provenance(source=self.name, table=index, row=r, column=c)
                cells.append(GridCell(_cell_text(cell), r, c, row_span, column_span, where))
                c += column_span
        return Table(tuple(_clip_row_spans(cells)), Provenance(source=self.name, table=index))


def _rows(table: Tag) -> Iterator[Tag]:
    from bs4.element import Tag

    for child in table.children:
        if not isinstance(child, Tag):
            continue
        name = (child.name or "").lower()
        if name == "tr":
            yield child
        elif name in ("thead", "tbody", "tfoot"):
            yield from child.find_all("tr", recursive=False)


def _clip_row_spans(cells: list[GridCell]) -> list[GridCell]:
    # A rowspan reaching past the last row (common in sloppy pages) ends at the last row.
    last = max((c.row for c in cells), default=0)
    clipped = []
    for cell in cells:
        if cell.row + cell.row_span - 1 > last:
            cell = GridCell(
                cell.text,
                cell.row,
                cell.column,
                last - cell.row + 1,
                cell.column_span,
                cell.provenance,
            )
        clipped.append(cell)
    return clipped


def _span(value: object) -> int:
    try:
        span = int(str(value).strip()) if value is not None else 1
    except ValueError:
        return 1
    return span if 1 <= span <= MAX_SPAN else 1


def _cell_text(cell: Tag) -> str:
    for skipped in cell.find_all(list(_SKIP)):
        skipped.decompose()
    # Paragraphs and line breaks inside a cell wrap a label; they are not separators.
    return _clean(cell.get_text(""))


def read_html(data: bytes, name: str) -> Document:
    """Read an HTML page into a :class:`Document`."""
    from bs4 import BeautifulSoup

    text = decode_html(data, name)
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as exc:  # lxml rejects only pathological input
        raise ReportReadError(name, f"cannot parse the page: {exc!r}") from exc
    walker = _Walker(name)
    root = soup.body or soup
    walker.walk(root)
    walker.flush()
    findings = []
    if walker.tables == 0 and walker.images_outside_tables:
        findings.append(
            reading_finding(
                "read.no_text",
                f"页面没有表格，却有 {walker.images_outside_tables} 张图片："
                "表格可能以图片发布，需要 OCR 读取插件",
                f"the page has no tables but {walker.images_outside_tables} image(s): the tables "
                "are probably images; an OCR reader plugin is needed",
            )
        )
    return Document(tuple(walker.blocks), source=name, findings=tuple(findings))


def _sniff_html(head: bytes, name: str) -> float:
    lowered = name.lower()
    start = head.lstrip()[:512].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        return 0.9
    if lowered.endswith((".html", ".htm", ".shtml", ".xhtml")):
        return 0.8
    if b"<table" in head.lower() or b"<p" in start:
        return 0.4
    return 0.0


_STYLE = """
body { font-family: "SimSun", "Songti SC", serif; max-width: 60em; margin: 2em auto; line-height: 1.6; }
h1 { text-align: center; font-size: 1.5em; }
h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; font-size: 0.9em; }
td { border: 1px solid #000; padding: 0.2em 0.4em; text-align: center; vertical-align: middle; }
td.label { text-align: left; }
td.finding { background: #ffe0e0; outline: 2px solid #c00; }
td.finding.warning { background: #fff4cc; outline-color: #c90; }
.meta, .issued { text-align: right; }
aside.findings { border-top: 1px solid #999; margin-top: 2em; font-size: 0.9em; }
@media print {
  body { margin: 0; max-width: none; }
  td.finding { outline: none; }
  tr { page-break-inside: avoid; }
}
"""


def write_html(report: AnnualReport, findings: Sequence[Finding]) -> bytes:
    """A standalone page in the official layout; cells named by findings are highlighted."""
    from html import escape

    from ..layout import narrative_around_tables, official_grids, report_title

    flagged: dict[str, Finding] = {}
    for finding in findings:
        if finding.cells and finding.severity.value in ("error", "inconsistency", "warning"):
            flagged.setdefault(finding.cells[0], finding)
    title = escape(report_title(report))
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{title}</title><style>{_STYLE}</style></head><body>",
    ]
    if report.meta.document_number:
        out.append(f'<p class="meta">{escape(report.meta.document_number)}</p>')
    out.append(f"<h1>{title}</h1>")
    before, after = narrative_around_tables(report)

    def prose(parts: list[tuple[str, str]]) -> None:
        for heading, text in parts:
            out.append(f"<h2>{escape(heading)}</h2>")
            out.extend(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())

    prose(before)
    for grid in official_grids(report):
        out.append(f"<h2>{escape(grid.title)}</h2>")
        out.append(f'<table data-section="{grid.section}"><tbody>')
        for row in grid.rows:
            out.append("<tr>")
            for cell in row:
                attributes = []
                if cell.row_span > 1:
                    attributes.append(f'rowspan="{cell.row_span}"')
                if cell.column_span > 1:
                    attributes.append(f'colspan="{cell.column_span}"')
                classes = ["label"] if cell.key is None else []
                flag = flagged.get(cell.key or "")
                if flag is not None:
                    classes += ["finding", flag.severity.value]
                    attributes.append(f'title="{escape(flag.code + " " + flag.message)}"')
                    attributes.append(f'data-key="{cell.key}"')
                elif cell.key is not None:
                    attributes.append(f'data-key="{cell.key}"')
                if classes:
                    attributes.append(f'class="{" ".join(classes)}"')
                joined = (" " + " ".join(attributes)) if attributes else ""
                out.append(f"<td{joined}>{escape(cell.text)}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
    prose(after)
    if report.meta.date_of_issue is not None:
        issued = report.meta.date_of_issue
        out.append(f'<p class="issued">{issued.year}年{issued.month}月{issued.day}日</p>')
    out.append("</body></html>")
    return ("\n".join(out) + "\n").encode("utf-8")


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    function: WriteFunction = write_html
    register(
        Writer(
            "html",
            load=lambda: function,
            suffix=".html",
            media_type="text/html",
            description="A standalone page in the official layout (rowspan/colspan), print-ready; "
            "cells named by findings are highlighted.",
        )
    )


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    function: ReadFunction = read_html
    register(
        Reader(
            "html",
            load=lambda: function,
            suffixes=(".html", ".htm", ".shtml", ".xhtml"),
            media_types=("text/html", "application/xhtml+xml"),
            sniff=_sniff_html,
            description="Web pages (UTF-8, GBK/GB2312/GB18030): paragraphs and tables with spans.",
        )
    )
