"""The HTML reader: saved government web pages, with navigation, scripts and layout tables around
the report.

It knows HTML, not the template: the text of block elements becomes paragraphs, every table that holds
no other table becomes a grid (``rowspan``/``colspan`` resolved), and a table that holds tables is
layout, read through. The encoding comes from a byte-order mark, then ``<meta charset>`` or
``http-equiv``, then UTF-8, then GB18030. The page is parsed by lxml (libxml2 repairs broken markup)
and walked once.

What is the page rather than the document goes to :attr:`Document.page` with its role: the
``<title>``, breadcrumbs (``当前位置：…``), navigation bars, footers, share and font-size bars
(``字体：【大 中 小】``), told apart by their elements, ``class``/``id`` names and wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..document import (
    BREADCRUMB,
    PAGE_CHROME,
    PAGE_TITLE,
    Block,
    Document,
    GridCell,
    Paragraph,
    Table,
)
from ..errors import ReportReadError
from ..findings import Finding
from ..hookspecs import hookimpl
from ..limits import current_limits
from ..model import AnnualReport
from ..plugins import Reader, ReadFunction, WriteFunction, Writer
from ..reading import reading_finding
from ..values import Provenance, slot_constructor

if TYPE_CHECKING:
    from ..layout import LayoutCell, SpannedTable

__all__ = ["decode_html", "html_fragments_blocks", "official_table_html", "read_html", "write_html"]

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
        "table",
        "tr",
        "td",
        "th",
        "nav",
    }
)
_CELLS = frozenset({"td", "th"})
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
_GB_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
MAX_SPAN = 1000
"""Spans larger than this are treated as 1: a hostile ``colspan`` must not allocate a huge grid."""

# A DOCTYPE with an internal subset (``<!DOCTYPE html [ … ]>``): libxml2's HTML parser stops at
# the first ``>`` and leaks the rest (``]>``) into the page's text.
_INTERNAL_SUBSET = re.compile(r"\s*<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.I | re.S)
_CELL_TAGS = re.compile(r"<(/?)(table|td|th)[\s>/]", re.I)

# Page furniture. Element names and class/id words that mark navigation, breadcrumbs and footers;
# words alone in a class or id (``nav``, ``foot``), or leading a compound (``breadcrumb-box``).
_CHROME_NAMES = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|navigation|menu|topbar|footer|foot|copyright|share|bdshare\w*"
    r"|sharebox|fontsize|font-size|zoomfont|print|tools?bar)(?:$|[\s_\-])",
    re.I,
)
_BREADCRUMB_NAMES = re.compile(
    r"(?:^|[\s_\-])(?:breadcrumbs?|crumbs?|position|location|dqwz|weizhi|curpos)(?:$|[\s_\-])",
    re.I,
)
# Wording of furniture, for a whole paragraph (short ones only: report text is never touched).
_BREADCRUMB_TEXT = re.compile(r"^(?:您?(?:当前|现在|所在|目前)?的?(?:位置|所在位置))\s*[:：]")
_CHROME_TEXT = re.compile(
    r"字\s*[体号]\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小"
    r"|分享到|打印本页|【\s*打印\s*】|关闭窗口|【\s*关闭\s*】|版权所有|ICP\s*备|网站标识码"
    r"|公网安备|主办单位\s*[:：]|承办单位\s*[:：]|技术支持\s*[:：]|扫一扫在手机|返回顶部",
    re.I,
)
_CHROME_TEXT_MAX = 160
# An element named like furniture that holds a table or much text is the page's content after all
# (an article wrapped in ``<div id="print">``): it is read as content.
_FURNITURE_TEXT_MAX = 600
# Every cell is a grid cell with its own provenance: built by the slot setters (same objects).
_new_grid_cell: Callable[..., GridCell] = slot_constructor(GridCell)
_new_provenance: Callable[..., Provenance] = slot_constructor(
    Provenance, "source", "table", "row", "column"
)


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
    first_error: tuple[str, int] | None = None
    for encoding in dict.fromkeys(candidates):
        try:
            return data.decode(encoding)
        except LookupError:
            continue
        except UnicodeDecodeError as exc:
            first_error = first_error or (encoding, exc.start)
    where = f"byte {first_error[1]}" if first_error else None
    raise ReportReadError(
        name,
        code="html.undecodable",
        detail=f"{first_error[0]} fails at byte {first_error[1]}" if first_error else None,
        place=where,
    )


def _clean(text: str) -> str:
    if text.isalnum():  # no white space to fold (most cells: "0", "规章")
        return text
    return _SPACES.sub(" ", text).strip()


def _furniture(element: Any) -> str | None:
    """The role of an element that is page furniture, from its name, class and id."""
    role = None
    if element.tag == "nav":
        role = PAGE_CHROME
    else:
        names = " ".join(v for v in (element.get("class"), element.get("id")) if v)
        if not names:
            return None
        if _BREADCRUMB_NAMES.search(names):
            role = BREADCRUMB
        elif _CHROME_NAMES.search(names):
            role = PAGE_CHROME
    if role is None or element.find(".//table") is not None:
        return None
    size = 0
    for text in element.itertext():
        size += len(text)
        if size > _FURNITURE_TEXT_MAX:
            return None
    return role


def _role_of_text(text: str) -> str | None:
    if len(text) > _CHROME_TEXT_MAX:
        return None
    if _BREADCRUMB_TEXT.match(text):
        return BREADCRUMB
    if _CHROME_TEXT.search(text):
        return PAGE_CHROME
    return None


class _Walker:
    def __init__(self, name: str) -> None:
        self.name = name
        self.blocks: list[Block] = []
        self.page: list[Paragraph] = []
        self.buffer: list[str] = []
        self.role: str | None = None  # the role of the furniture being walked, if any
        self.tables = 0
        self.images_outside_tables = 0
        limits = current_limits()
        self.max_depth = limits.max_nesting_depth
        self.max_cells = limits.max_table_cells

    def flush(self) -> None:
        if not self.buffer:
            return
        text = _clean("".join(self.buffer))
        self.buffer = []
        if not text:
            return
        role = self.role or _role_of_text(text)
        if role is None:
            self.blocks.append(Paragraph(text, Provenance(source=self.name)))
        else:
            self.page.append(Paragraph(text, Provenance(source=self.name), role=role))

    def too_deep(self) -> ReportReadError:
        return ReportReadError(self.name, code="limits.nesting_depth", limit=self.max_depth)

    def walk(self, node: Any, depth: int = 0) -> None:
        if depth > self.max_depth:
            raise self.too_deep()
        tag = node.tag
        if not isinstance(tag, str) or tag in _SKIP:
            return  # comments, processing instructions, scripts…
        if tag == "br":
            self.flush()
            return
        if tag == "img":
            self.images_outside_tables += 1
            return
        role = None if self.role else _furniture(node)
        if tag == "table" and role is None and not self.role and node.find(".//table") is None:
            self.flush()
            self.blocks.append(self.table(node))
            return
            # A layout table: its cells are ordinary page content.
        block = tag in _BLOCKS
        if block or role:
            self.flush()
        if role:
            self.role = role
        if node.text:
            if depth >= self.max_depth:
                raise self.too_deep()
            self.buffer.append(node.text)
        for child in node:
            self.walk(child, depth + 1)
            if child.tail:
                self.buffer.append(child.tail)
        if block or role:
            self.flush()
        if role:
            self.role = None

    def table(self, node: Any) -> Table:
        index = self.tables
        self.tables += 1
        # bottom[c]: the first row below the cells laid out so far in column c (rowspans reach down)
        bottom: list[int] = []
        covered = 0
        cells: list[GridCell] = []
        width = 0  # len(bottom)
        limit = self.max_cells
        name = self.name
        last = 0  # the last row holding a cell
        deepest = 0  # the row below the lowest reach of a rowspan
        for r, row in enumerate(_rows(node)):
            c = 0
            for cell in row:
                if cell.tag not in _CELLS:
                    continue
                while c < width and bottom[c] > r:
                    c += 1
                value = cell.get("rowspan")
                row_span = 1 if value is None else _span(value)
                value = cell.get("colspan")
                column_span = 1 if value is None else _span(value)
                end = c + column_span
                if end > width:
                    bottom.extend([0] * (end - width))
                    width = end
                covered += row_span * column_span
                # Spans count as the cells they cover, and the grid is a rectangle: bound both
                # before anything is laid out.
                if covered > limit or (r + 1) * width > limit:
                    raise ReportReadError(
                        self.name,
                        code="limits.table_cells",
                        limit=limit,
                        place=f"table {index + 1}",
                    )
                reach = r + row_span
                if column_span == 1:  # most cells: the loop below over one column
                    if bottom[c] < reach:
                        bottom[c] = reach
                else:
                    for k in range(c, end):  # spans that overlap keep the lower bottom
                        if bottom[k] < reach:
                            bottom[k] = reach
                if reach > deepest:
                    deepest = reach
                if len(cell):
                    text = _cell_text(cell)
                else:
                    text = cell.text
                    if text is None:
                        text = ""
                    elif not text.isalnum():  # _clean's own screen, without the call
                        text = _clean(text)
                where = _new_provenance(name, index, r, c)
                cells.append(_new_grid_cell(text, r, c, row_span, column_span, where))
                last = r
                c = end
        if deepest - 1 > last:  # some rowspan reaches past the last row
            cells = _clip_row_spans(cells)
        return Table(tuple(cells), Provenance(source=self.name, table=index))


def _rows(table: Any) -> Iterator[Any]:
    for child in table:
        tag = child.tag
        if tag == "tr":
            yield child
        elif tag in _ROW_GROUPS:
            yield from (row for row in child if row.tag == "tr")


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
    if value is None:
        return 1
    try:
        span = int(str(value).strip())
    except ValueError:
        return 1
    return span if 1 <= span <= MAX_SPAN else 1


def _text_into(element: Any, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in _SKIP:
            _text_into(child, parts)
        if child.tail:
            parts.append(child.tail)


def _cell_text(cell: Any) -> str:
    # Paragraphs and line breaks inside a cell wrap a label; they are not separators.
    parts: list[str] = []
    _text_into(cell, parts)
    return _clean("".join(parts))


def _check_table_sizes(text: str, name: str) -> None:
    """Refuse a table with more cells than ``max_table_cells``, tables with more than
    ``max_document_cells`` in all, or a page of more than ``max_elements`` tags, before the page
    is parsed: a page of tens of MB would otherwise become a tree of millions of elements first."""
    limits = current_limits()
    limit, in_all = limits.max_table_cells, limits.max_document_cells
    screen = min(limit, in_all)
    tags = text.count("<")  # every cell opens with "<": a screen without lowering the page
    if tags > screen:
        lowered = text.lower()
        if lowered.count("<td") + lowered.count("<th") > screen:
            _count_cells(lowered, name, limit, in_all)
    if tags > limits.max_elements:
        raise ReportReadError(name, code="limits.elements", count=tags, limit=limits.max_elements)


def _count_cells(lowered: str, name: str, limit: int, in_all: int) -> None:
    counts: list[int] = []  # cells of each open table, innermost last
    index = total = 0
    for match in _CELL_TAGS.finditer(lowered):
        closing, tag = match.groups()
        if tag == "table":
            if closing:
                if counts:
                    counts.pop()
            else:
                counts.append(0)
                index += 1
        elif not closing and counts:
            counts[-1] += 1
            total += 1
            if counts[-1] > limit:
                raise ReportReadError(
                    name, code="limits.table_cells", limit=limit, place=f"table {index}"
                )
            if total > in_all:  # many tables each under the limit: 9 million cells in 48 MB
                raise ReportReadError(
                    name, code="limits.document_cells", limit=in_all, place=f"table {index}"
                )


def _parse(text: str, name: str) -> Any:
    from lxml import etree

    subset = _INTERNAL_SUBSET.match(text, 0, 65536)
    if subset is not None:
        text = text[subset.end() :]
    parser = etree.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        huge_tree=True,  # without it libxml2 silently drops what lies past depth 255
        default_doctype=False,
    )
    try:
        return etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReportReadError(name, code="html.unparsable", detail=repr(exc)) from exc


def read_html(data: bytes, name: str) -> Document:
    """Read an HTML page into a :class:`Document`."""
    text = decode_html(data, name)
    _check_table_sizes(text, name)
    root = _parse(text, name)
    walker = _Walker(name)
    if root is None:  # nothing but white space and comments
        return Document((), source=name)
    title = root.find("head/title")
    if title is not None:
        walker.role = PAGE_TITLE
        walker.buffer.append("".join(title.itertext()))
        walker.flush()
        walker.role = None
    body = root if root.tag == "body" else root.find("body")
    walker.walk(body if body is not None else root)
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
    return Document(
        tuple(walker.blocks), source=name, findings=tuple(findings), page=tuple(walker.page)
    )


def html_fragments_blocks(
    fragments: Sequence[str], name: str
) -> list[tuple[list[Block], list[Paragraph]]]:
    """The blocks and page furniture of each HTML fragment embedded in another document (a
    ``<table>`` a Markdown converter wrote into its text), read as :func:`read_html` reads a page.

    The limits hold for the fragments together, counted before any is parsed: a document made of
    many fragments does not get the cells or elements of a page per fragment. Table indices in the
    blocks count from 0 in each fragment; provenance names no line (the caller knows it)."""
    _check_table_sizes("\n".join(fragments), name)
    read = []
    for fragment in fragments:
        root = _parse(fragment, name)
        walker = _Walker(name)
        if root is not None:
            body = root if root.tag == "body" else root.find("body")
            walker.walk(body if body is not None else root)
            walker.flush()
        read.append((walker.blocks, walker.page))
    return read


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


def official_table_html(
    grid: SpannedTable,
    marks: Callable[[LayoutCell], tuple[list[str], list[str]]],
    marked: str,
) -> Iterator[str]:
    """The lines of one official table as HTML, spans kept: a label cell has the class
    ``label``, a value cell its key in ``data-key``. ``marks(cell)`` gives a value cell's extra
    classes and attributes (already escaped); a cell with any gets the class ``marked`` too."""
    from html import escape

    yield f'<table data-section="{grid.section}"><tbody>'
    for row in grid.rows:
        yield "<tr>"
        for cell in row:
            attributes = []
            if cell.row_span > 1:
                attributes.append(f'rowspan="{cell.row_span}"')
            if cell.column_span > 1:
                attributes.append(f'colspan="{cell.column_span}"')
            classes = ["label"] if cell.key is None else []
            if cell.key is not None:
                extra_classes, extra_attributes = marks(cell)
                if extra_classes or extra_attributes:
                    classes += [marked, *extra_classes]
                    attributes += extra_attributes
                attributes.append(f'data-key="{cell.key}"')
            if classes:
                attributes.append(f'class="{" ".join(classes)}"')
            joined = (" " + " ".join(attributes)) if attributes else ""
            yield f"<td{joined}>{escape(cell.text)}</td>"
        yield "</tr>"
    yield "</tbody></table>"


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

    def marks(cell: LayoutCell) -> tuple[list[str], list[str]]:
        flag = flagged.get(cell.key or "")
        if flag is None:
            return [], []
        return [flag.severity.value], [f'title="{escape(flag.code + " " + flag.message)}"']

    prose(before)
    for grid in official_grids(report):
        out.append(f"<h2>{escape(grid.title)}</h2>")
        out.extend(official_table_html(grid, marks, "finding"))
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
