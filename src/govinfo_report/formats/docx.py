"""The Word reader: .docx files as offices write them in Word or WPS.

The grid is built from the table XML (``w:gridSpan``, ``w:vMerge``, ``w:gridBefore``), not from
python-docx's per-cell accessors, which repeat merged cells and are slow. A merged cell appears once,
with its span. Paragraphs keep their order around the tables; text in text boxes becomes paragraphs
where the box is anchored; a table nested in a cell is read as a table of its own after its parent.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise
from typing import Any

import attrs

from ..document import Block, Document, GridCell, Paragraph, Table
from ..errors import ReportReadError
from ..findings import Finding
from ..hookspecs import hookimpl
from ..layout import OFFICIAL_PAGE, LayoutCell, OfficialPage, SpannedTable
from ..limits import check_zip_members, current_limits
from ..model import AnnualReport
from ..plugins import Reader, ReadFunction, WriteFunction, Writer
from ..values import Provenance, slot_constructor

__all__ = ["read_docx"]

# Every table cell is a grid cell with its own provenance: built by the slot setters (same objects).
_new_grid_cell: Callable[..., GridCell] = slot_constructor(GridCell)
_new_provenance: Callable[..., Provenance] = slot_constructor(
    Provenance, "source", "table", "row", "column"
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P, _TBL, _TR, _TC = f"{{{W}}}p", f"{{{W}}}tbl", f"{{{W}}}tr", f"{{{W}}}tc"
_T, _TAB, _BR, _CR = f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr"
_TXBX = f"{{{W}}}txbxContent"
_VAL = f"{{{W}}}val"
_SDT, _SDT_CONTENT = f"{{{W}}}sdt", f"{{{W}}}sdtContent"
_MAX_SPAN = 1000

DOCUMENT_PART = "word/document.xml"


_PARSERS = threading.local()  # one parser per thread: an lxml parser is not shared across threads


def _parser() -> Any:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        from lxml import etree

        # Never resolve entities or fetch anything: the file comes from the open web.
        parser = _PARSERS.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
        )
    return parser


def document_xml(data: bytes, name: str) -> bytes:
    """The bytes of ``word/document.xml``; :class:`ReportReadError` for anything not a .docx, and
    for a member that would unpack beyond the limits in force (zip bombs)."""
    limits = current_limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                info = archive.getinfo(DOCUMENT_PART)
            except KeyError:
                raise ReportReadError(name, code="docx.no_document", part=DOCUMENT_PART) from None
            ceiling = min(limits.max_xml_bytes, limits.max_unpacked_bytes)
            check_zip_members([info], name, ceiling=ceiling)
            with archive.open(info) as member:
                # The header's size may lie: read one byte past the ceiling to find out.
                content = member.read(ceiling + 1)
            if len(content) > ceiling:
                raise ReportReadError(
                    name, code="docx.part_too_large", part=DOCUMENT_PART, limit=ceiling
                )
            return content
    except zipfile.BadZipFile as exc:
        raise ReportReadError(name, code="docx.not_a_zip", detail=str(exc)) from exc
    except (RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as exc:
        raise ReportReadError(name, code="docx.cannot_open", detail=str(exc)) from exc


def _paragraph_text(p: Any, boxes: list[Any]) -> str:
    # The common case, in one pass: no text box, so no ancestors to look up.
    parts: list[str] = []
    for node in p.iter(_T, _TAB, _TXBX):
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append("\t")
        else:
            return _boxed_paragraph_text(p, boxes)
    return "".join(parts)


def _boxed_paragraph_text(p: Any, boxes: list[Any]) -> str:
    """The text of a paragraph holding text boxes, whose paragraphs go to ``boxes``."""
    parts: list[str] = []
    for node in p.iter(_T, _TAB, _BR, _CR, _TXBX):
        if node.tag == _TXBX:
            if not _in_fallback(node, p):  # Word stores each text box twice (Choice, Fallback)
                boxes.append(node)
            continue
        if _inside_box(node, p):
            continue
        if node.tag == _T:
            parts.append(node.text or "")
        elif node.tag == _TAB:
            parts.append("\t")
    return "".join(parts)


def _has_ancestor(node: Any, stop: Any, tag_test: Callable[[str], bool]) -> bool:
    """Whether an element between ``node`` and ``stop`` (exclusive) has a tag passing the test."""
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if isinstance(parent.tag, str) and tag_test(parent.tag):
            return True
        parent = parent.getparent()
    return False


def _inside_box(node: Any, stop: Any) -> bool:
    return _has_ancestor(node, stop, lambda tag: tag == _TXBX)


def _in_fallback(node: Any, stop: Any) -> bool:
    return _has_ancestor(node, stop, lambda tag: tag.endswith("}Fallback"))


_TCPR, _GRID_SPAN, _VMERGE = f"{{{W}}}tcPr", f"{{{W}}}gridSpan", f"{{{W}}}vMerge"
_GRID_BEFORE_PATH = f"{{{W}}}trPr/{{{W}}}gridBefore"


def _span_and_merge(properties: Any) -> tuple[int, str | None]:
    """(column span, vertical merge: None, "restart" or "continue") from a ``w:tcPr``."""
    span, merge = 1, None
    for child in properties:
        if child.tag == _GRID_SPAN:
            span = _bounded(child.get(_VAL), 1)
        elif child.tag == _VMERGE:
            merge = child.get(_VAL, "continue")
    return span, merge


_GRID_BEFORE = f"{{{W}}}gridBefore"
# Elements after which a flat scan of a table no longer sees each cell's own properties and
# paragraphs (nested tables, content controls, tracked property changes): the exact walk decides.
_DETOURS = (
    _TBL,
    _SDT,
    f"{{{W}}}customXml",
    f"{{{W}}}tcPrChange",
    f"{{{W}}}trPrChange",
)

# A row: its ``w:gridBefore`` and its cells as [column span, vertical merge, texts].
_Rows = list[tuple[int, list[list[Any]]]]


def _scan_rows(tbl: Any) -> _Rows | None:
    """The rows of a plain table in one C-level scan (three times cheaper than visiting every
    child and property); ``None`` when the table needs :func:`_walk_rows`."""
    rows: _Rows = []
    cells: list[list[Any]] | None = None
    cell: list[Any] | None = None
    texts: list[str] | None = None  # the current cell's texts
    nodes = tbl.iter(_TR, _TC, _T, _GRID_SPAN, _VMERGE, _GRID_BEFORE, *_DETOURS)
    next(nodes)  # the table itself
    for node in nodes:
        tag = node.tag
        if tag == _T and texts is not None:
            texts.append(node.text or "")
        elif tag == _TC and cells is not None:
            texts = []
            cell = [1, None, texts]
            cells.append(cell)
        elif tag == _TR:
            cells, cell, texts = [], None, None
            rows.append((0, cells))
        elif tag == _GRID_SPAN and cell is not None:
            cell[0] = _bounded(node.get(_VAL), 1)
        elif tag == _VMERGE and cell is not None:
            cell[1] = node.get(_VAL, "continue")
        elif tag == _GRID_BEFORE and cells is not None and cell is None:
            rows[-1] = (_grid_before(node), cells)
        else:
            return None
    return rows


def _walk_rows(tbl: Any, nested: list[Any]) -> _Rows:
    """The rows of any table: each cell's own properties and paragraphs, through content controls;
    tables nested in cells go to ``nested``."""
    rows: _Rows = []
    for tr in _children(tbl, _TR):
        found = tr.find(_GRID_BEFORE_PATH)
        cells: list[list[Any]] = []
        for tc in _children(tr, _TC):
            span, merge = 1, None
            parts: list[str] = []
            for child in tc:
                tag = child.tag
                if tag == _P:
                    parts.extend([t.text or "" for t in child.iter(_T)])
                elif tag == _TCPR:
                    span, merge = _span_and_merge(child)
                elif tag == _TBL:
                    nested.append(child)
            cells.append([span, merge, parts])
        rows.append((0 if found is None else _grid_before(found), cells))
    return rows


def _grid_before(element: Any) -> int:
    try:
        value = int(element.get(_VAL, 0))
    except ValueError:
        return 0
    return value if 0 <= value <= _MAX_SPAN else 0


def _bounded(value: str | None, default: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return number if 1 <= number <= _MAX_SPAN else default


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.blocks: list[Block] = []
        self.tables = 0
        self.max_cells = current_limits().max_table_cells
        # Every paragraph comes from the file and nothing finer: one (frozen) provenance for all.
        self.paragraph_provenance = Provenance(source=name)

    def body(self, container: Any) -> None:
        for child in container:
            tag = child.tag
            if tag == _P:
                self.paragraph(child)
            elif tag == _TBL:
                self.table(child)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.body(content)

    def paragraph(self, p: Any) -> None:
        boxes: list[Any] = []
        text = _paragraph_text(p, boxes).strip()
        if text:
            self.blocks.append(Paragraph(text, self.paragraph_provenance))
        for box in boxes:
            self.body(box)

    def table(self, tbl: Any) -> None:
        index = self.tables
        self.tables += 1
        nested: list[Any] = []
        rows = _scan_rows(tbl)
        if rows is None:
            rows = _walk_rows(tbl, nested)
        self.blocks.append(
            Table(
                _grid_cells(rows, self.name, index, self.max_cells),
                Provenance(source=self.name, table=index),
            )
        )
        for inner in nested:
            self.table(inner)


def _grid_cells(rows: _Rows, name: str, index: int, max_cells: int) -> tuple[GridCell, ...]:
    """The cells of table ``index`` from its rows: a vertical merge becomes one cell spanning the
    rows it continues; :class:`ReportReadError` beyond ``max_cells``."""
    cells: list[GridCell] = []
    add = cells.append
    # column -> index in ``cells`` of the cell a vertical merge there continues
    open_merges: dict[int, int] = {}
    covered = columns = 0
    for r, (column, row) in enumerate(rows):
        if not row:
            continue
        for span, merge, parts in row:
            if merge is None:
                text = parts[0].strip() if len(parts) == 1 else "".join(parts).strip()
                where = _new_provenance(name, index, r, column)
                add(_new_grid_cell(text, r, column, 1, span, where))
                if open_merges:
                    open_merges.pop(column, None)
            elif merge == "continue" and column in open_merges:
                at = open_merges[column]
                above = cells[at]
                cells[at] = _new_grid_cell(
                    above.text,
                    above.row,
                    above.column,
                    r - above.row + 1,
                    above.column_span,
                    above.provenance,
                )
            else:
                where = _new_provenance(name, index, r, column)
                add(_new_grid_cell("".join(parts).strip(), r, column, 1, span, where))
                open_merges[column] = len(cells) - 1
            column += span
            # Spans count as the cells they cover (a vertical merge covers a cell in every row it
            # continues), and the grid is a rectangle: bound both, row by row.
            covered += span
        if column > columns:
            columns = column
        if covered > max_cells or (r + 1) * columns > max_cells:
            raise ReportReadError(
                name, code="limits.table_cells", limit=max_cells, place=f"table {index + 1}"
            )
    return tuple(cells)


def _children(element: Any, tag: str) -> Iterator[Any]:
    """Children with ``tag``, looking through content controls (``w:sdt``) that wrap them."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from (c for c in content if c.tag == tag)


def _keep_entity_references(root: Any) -> None:
    """Entity references left unresolved (only a document with a DOCTYPE has them; Word never
    writes one) become their literal text (``&e;``), so the text after them is not lost and a
    number cut by one (``1&e;5``) is never read as its first part."""
    from lxml import etree

    for entity in list(root.iter(etree.Entity)):
        parent = entity.getparent()
        if parent is None:
            continue
        literal = entity.text + (entity.tail or "")
        previous = entity.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + literal
        else:
            previous.tail = (previous.tail or "") + literal
        parent.remove(entity)


_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?tc[\s/>]")


def _check_cell_count(xml: bytes, name: str) -> None:
    """Refuse tables with more than ``max_document_cells`` cells in all, or markup of more than
    ``max_elements`` tags, before it is parsed: 50 MB of small tables under the per-table limit
    would become a tree and millions of cells first (a 580 KB file took 105 s and 1.2 GB)."""
    limits = current_limits()
    limit, tags = limits.max_document_cells, xml.count(b"<")
    if tags > limit:  # every cell opens with "<"
        for count, _ in enumerate(_CELL_START.finditer(xml), start=1):
            if count > limit:
                raise ReportReadError(name, code="limits.document_cells", limit=limit)
    if tags > limits.max_elements:
        raise ReportReadError(name, code="limits.elements", count=tags, limit=limits.max_elements)


def read_docx(data: bytes, name: str) -> Document:
    """Read a .docx into a :class:`Document`."""
    from lxml import etree

    xml = document_xml(data, name)
    _check_cell_count(xml, name)
    try:
        root = etree.fromstring(xml, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ReportReadError(
            name, code="docx.damaged", part=DOCUMENT_PART, detail=str(exc), place=DOCUMENT_PART
        ) from exc
    if root.getroottree().docinfo.doctype:
        _keep_entity_references(root)
    body = root.find(f"{{{W}}}body")
    if body is None:
        raise ReportReadError(name, code="docx.no_body", part=DOCUMENT_PART, place=DOCUMENT_PART)
    reader = _Reader(name)
    reader.body(body)
    return Document(tuple(reader.blocks), source=name)


def _table_xml(grid: SpannedTable, page: OfficialPage) -> str:
    """A ``w:tbl`` with ``gridSpan``/``vMerge`` written directly: python-docx's cell merging
    recomputes the grid on every call and takes seconds for one report."""
    from html import escape

    geometry = page.tables.get(grid.section)
    if geometry is not None and len(geometry.column_widths) == grid.columns:
        widths = list(geometry.column_widths)
        padding, row_height = geometry.cell_padding, geometry.row_height
        value_row_height = geometry.value_row_height or row_height
    else:  # a table the template does not have: share its width evenly
        total = sum(page.tables["applications"].column_widths)
        widths, padding = [total // grid.columns] * grid.columns, 57
        row_height = value_row_height = 0
    labels_left = geometry is not None and geometry.row_labels == "left"
    taken: dict[tuple[int, int], int] = {}  # covered position -> column span of the merged cell
    rows_xml = []
    for r, row in enumerate(grid.rows):
        placed: list[str] = []
        c = 0
        queue = list(row)
        holds_values = any(cell.key for cell in row)
        while c < grid.columns:
            if (r, c) in taken:
                span = taken[(r, c)]
                placed.append(
                    _tc(page, LayoutCell("", column_span=span), widths[c : c + span], "continue")
                )
                c += span
                continue
            if not queue:
                break
            cell = queue.pop(0)
            merge = "restart" if cell.row_span > 1 else None
            for dr in range(1, cell.row_span):
                taken[(r + dr, c)] = cell.column_span
            placed.append(
                _tc(
                    page,
                    attrs.evolve(cell, text=escape(cell.text)),
                    widths[c : c + cell.column_span],
                    merge,
                    left=cell.key is None and holds_values and labels_left,
                )
            )
            c += cell.column_span
        least = value_row_height if holds_values else row_height
        height = (
            f'<w:trPr><w:trHeight w:val="{least}" w:hRule="atLeast"/></w:trPr>' if least else ""
        )
        rows_xml.append(f"<w:tr>{height}{''.join(placed)}</w:tr>")
    columns = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    borders = "".join(
        f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return (
        f'<w:tbl xmlns:w="{W}"><w:tblPr>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{padding}" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{padding}" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{columns}</w:tblGrid>{''.join(rows_xml)}</w:tbl>"
    )


def _fonts(page: OfficialPage, east_asian: str | None = None) -> str:
    latin, chinese = page.latin_font, east_asian or page.east_asian_font
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{chinese}" w:cs="{latin}"/>'


def _tc(
    page: OfficialPage,
    cell: LayoutCell,
    widths: Sequence[int],
    merge: str | None,
    *,
    left: bool = False,
) -> str:
    """One ``w:tc``; ``cell.text`` is already XML-escaped. ``left``: a row label the template
    reads from the left (centred otherwise, as its headers and short labels are)."""
    properties = f'<w:tcW w:w="{sum(widths)}" w:type="dxa"/>'
    if cell.column_span > 1:
        properties += f'<w:gridSpan w:val="{cell.column_span}"/>'
    if merge == "restart":
        properties += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        properties += "<w:vMerge/>"
    if cell.caption:
        properties += f'<w:shd w:val="clear" w:color="auto" w:fill="{page.caption_fill}"/>'
    note = cell.text.startswith("（本列数据")
    if note:
        padding = page.note_padding
        properties += (
            f'<w:tcMar><w:left w:w="{padding}" w:type="dxa"/>'
            f'<w:right w:w="{padding}" w:type="dxa"/></w:tcMar>'
        )
    properties += '<w:vAlign w:val="center"/>'
    # Captions and section 三's row labels and note read from the left, as in the template.
    left = left or cell.caption or note
    size = round(page.table_size * 2)
    paragraph = (
        '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:jc w:val="{"left" if left else "center"}"/>'
        f'<w:rPr>{_fonts(page)}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:pPr>'
    )
    run = ""
    if cell.text:
        run = (
            f"<w:r><w:rPr>{_fonts(page, page.note_font if note else None)}"
            f'<w:kern w:val="0"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
            f'<w:t xml:space="preserve">{cell.text}</w:t></w:r>'
        )
    return f"<w:tc><w:tcPr>{properties}</w:tcPr><w:p>{paragraph}{run}</w:p></w:tc>"


def _page_setup(document: Any, page: OfficialPage) -> None:
    """A4 with the template's margins, and its fonts as the document defaults (an East Asian
    font set explicitly, or Word and LibreOffice fall back to whatever the machine has)."""
    from docx.oxml import parse_xml
    from docx.shared import Pt, Twips

    section = document.sections[0]
    section.page_width, section.page_height = Twips(page.width), Twips(page.height)
    top, right, bottom, left = page.margins
    section.top_margin, section.right_margin = Twips(top), Twips(right)
    section.bottom_margin, section.left_margin = Twips(bottom), Twips(left)
    for grid in section._sectPr.findall(f"{{{W}}}docGrid"):
        section._sectPr.remove(grid)
    section._sectPr.append(
        parse_xml(f'<w:docGrid xmlns:w="{W}" w:type="lines" w:linePitch="{page.line_pitch}"/>')
    )
    normal = document.styles["Normal"]
    normal.font.name = page.latin_font
    normal.font.size = Pt(page.body_size)
    properties = normal.element.get_or_add_rPr()
    for old in properties.findall(f"{{{W}}}rFonts"):
        properties.remove(old)
    properties.insert(0, parse_xml(_fonts(page).replace("<w:rFonts ", f'<w:rFonts xmlns:w="{W}" ')))
    paragraph = normal.paragraph_format
    paragraph.space_before, paragraph.space_after = Pt(0), Pt(0)
    paragraph.line_spacing = 1.0
    defaults = document.styles.element.find(f"{{{W}}}docDefaults")
    if defaults is not None:
        fonts = defaults.find(f"{{{W}}}rPrDefault/{{{W}}}rPr/{{{W}}}rFonts")
        if fonts is not None:
            fonts.set(f"{{{W}}}eastAsia", page.east_asian_font)
            fonts.attrib.pop(f"{{{W}}}eastAsiaTheme", None)


_SMALLEST_TITLE = 12.0


def _title_size(text: str, page: OfficialPage) -> float:
    """The template's title size, made smaller for a title that would not fit on one line (a long
    agency name): a title broken over lines is harder to read back from a PDF or a scan."""
    width = (page.width - page.margins[1] - page.margins[3]) / 20  # points
    wide = [ord(character) >= 0x2E80 for character in text]
    # Latin letters and digits take about 0.6 em in 宋体 or its stand-ins; Word and LibreOffice put
    # a quarter em between Chinese and Latin text; one em spare for bold fallback fonts.
    switches = sum(1 for a, b in pairwise(wide) if a != b)
    ems = sum(1.0 if w else 0.6 for w in wide) + 0.25 * switches + 1.0
    fitting = int(width / ems * 2) / 2  # half points, rounded down
    return max(_SMALLEST_TITLE, min(page.title_size, fitting))


def write_docx(report: AnnualReport, findings: Sequence[Finding]) -> bytes:
    """The report as a Word document in the official layout: the template's A4 page, fonts (宋体),
    column widths, shaded captions and merged cells, the title and the six sections."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Pt, Twips

    from ..layout import narrative_around_tables, official_grids, report_title

    page = OFFICIAL_PAGE
    document = docx.Document()
    _page_setup(document, page)

    def paragraph(text: str = "", *, bold: bool = False, indent: bool = True) -> Any:
        added = document.add_paragraph()
        added.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            added.paragraph_format.first_line_indent = Twips(page.first_line_indent)
        if text:
            added.add_run(text).bold = bold
        return added

    if report.meta.document_number:
        paragraph(report.meta.document_number, indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text = report_title(report)
    run = title.add_run(text)
    run.bold = True
    run.font.size = Pt(_title_size(text, page))
    before, after = narrative_around_tables(report)

    def prose(parts: list[tuple[str, str]]) -> None:
        for heading, text in parts:
            paragraph(heading, bold=True)
            for line in text.splitlines():
                if line.strip():
                    paragraph(line.strip())

    prose(before)
    for grid in official_grids(report):
        heading = paragraph(grid.title, bold=True)
        heading._p.addnext(parse_xml(_table_xml(grid, page)))
        # Word needs a paragraph between consecutive tables, or it joins them into one.
        document.add_paragraph()
    prose(after)
    if report.meta.date_of_issue is not None:
        issued = report.meta.date_of_issue
        dated = paragraph(f"{issued.year}年{issued.month}月{issued.day}日", indent=False)
        dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    function: WriteFunction = write_docx
    register(
        Writer(
            "docx",
            load=lambda: function,
            suffix=".docx",
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            binary=True,
            description="Word document in the official layout with merged cells and the six sections.",
        )
    )


def _sniff_docx(head: bytes, name: str) -> float:
    if name.lower().endswith(".docx"):
        return 0.9
    if head.startswith(b"PK\x03\x04") and b"word/" in head:
        return 0.8
    return 0.0


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    function: ReadFunction = read_docx
    register(
        Reader(
            "docx",
            load=lambda: function,
            suffixes=(".docx",),
            media_types=(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            magic=(b"PK\x03\x04",),
            sniff=_sniff_docx,
            description="Word/WPS .docx: tables from the XML with merged cells resolved.",
        )
    )
