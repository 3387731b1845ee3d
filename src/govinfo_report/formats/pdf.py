"""The PDF reader: reports exported from Word or WPS (and a clear finding for scans).

PDFium (pypdfium2, which pdfplumber already brings) reads the text layer of every page with each
character's box, and the ruling paths. On pages with rulings, the rulings are snapped into grids
(a missing ruling between two positions merges them into one spanned cell) and each character is
placed in its cell: every cell keeps its page and bounding box. Where rulings make no grid,
pdfplumber's table finder decides; it is kept off the common path because it lays out every
character with pdfminer, several times slower than the whole PDFium pass. Lines outside tables, and
pages without rulings, go through the text layer: a line that ends in numbers becomes a table row
(label, then one cell per number), any other line a paragraph. The interpreter anchors on row
labels either way, so a table without rulings is read the same way as a ruled one.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from ..document import Block, Document, GridCell, Paragraph, Table
from ..errors import ReportReadError
from ..hookspecs import hookimpl
from ..limits import current_limits
from ..plugins import Reader, ReadFunction
from ..reading import reading_finding
from ..values import Provenance

__all__ = ["RULED_PAGE_PATHS", "read_pdf"]

RULED_PAGE_PATHS = 12
"""A page with at least this many path objects (lines, rectangles) may hold a ruled table."""

_NUMBER_TOKEN = re.compile(r"^(?:[+\-]?[\d０-９][\d０-９,，.]*|[/／—\-－无])$")
_PAGE_NUMBER = re.compile(r"^[\s\-—－]*(?:第\s*)?\d+\s*(?:页)?(?:\s*/\s*\d+)?[\s\-—－]*$")

BBox = tuple[float, float, float, float]

# PDF fonts often map common characters to look-alike CJK radicals (U+2E80-U+2EFF), which NFKC
# leaves alone: "人⺠政府" must read as "人民政府".
_RADICALS = str.maketrans(
    {
        "⺟": "母",
        "⺠": "民",
        "⻄": "西",
        "⻅": "见",
        "⻆": "角",
        "⻈": "讠",
        "⻉": "贝",
        "⻊": "足",
        "⻋": "车",
        "⻑": "長",
        "⻓": "长",
        "⻔": "门",
        "⻗": "雨",
        "⻘": "青",
        "⻙": "韦",
        "⻚": "页",
        "⻛": "风",
        "⻜": "飞",
        "⻝": "食",
        "⻢": "马",
        "⻣": "骨",
        "⻤": "鬼",
        "⻥": "鱼",
        "⻦": "鸟",
        "⻧": "卤",
        "⻨": "麦",
        "⻩": "黄",
        "⻬": "齐",
        "⻮": "齿",
        "⻰": "龙",
        "⻳": "龟",
    }
)


def _fix(text: str) -> str:
    return text.translate(_RADICALS)


@contextlib.contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    # pdfminer logs a warning for every glyph of some fonts (missing FontBBox); findings and
    # errors are how this library reports, so its chatter is held back while reading.
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _union(boxes: Sequence[BBox]) -> BBox | None:
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


class _Line:
    """A line of the text layer with the box of each of its characters (``None`` if unknown)."""

    __slots__ = ("boxes", "text", "top")

    def __init__(self, text: str, boxes: list[BBox | None], top: float) -> None:
        self.text = text
        self.boxes = boxes
        self.top = top


def _line_blocks(lines: Sequence[_Line], page: int, name: str) -> list[tuple[float, Block]]:
    """Paragraphs and (text-layer) table rows from lines, with their vertical position."""
    blocks: list[tuple[float, Block]] = []
    rows: list[list[tuple[str, BBox | None]]] = []
    rows_top = 0.0

    def close_rows() -> None:
        nonlocal rows
        if rows:
            cells = tuple(
                GridCell(text, r, c, provenance=Provenance(source=name, page=page, bbox=box))
                for r, row in enumerate(rows)
                for c, (text, box) in enumerate(row)
            )
            blocks.append((rows_top, Table(cells, Provenance(source=name, page=page))))
        rows = []

    classified = [_as_row(line) for line in lines]
    absorbed = _label_fragments(lines, classified)
    for index, (line, row) in enumerate(zip(lines, classified, strict=True)):
        if row is None and index in absorbed:
            # A wrapped label inside a run of table rows: a one-cell row, not prose.
            row = [(line.text.strip(), _union([b for b in line.boxes if b]))]
        if row is None:
            close_rows()
            text = line.text.strip()
            if text:
                where = Provenance(
                    source=name, page=page, bbox=_union([b for b in line.boxes if b])
                )
                blocks.append((line.top, Paragraph(text, where)))
            continue
        if not rows:
            rows_top = line.top
        rows.append(row)
    close_rows()
    return blocks


_FRAGMENT_MAX = 40


def _label_fragments(
    lines: Sequence[_Line], rows: Sequence[list[tuple[str, BBox | None]] | None]
) -> set[int]:
    """Short lines without numbers that sit between table rows (a label wrapped over lines)."""
    absorbed: set[int] = set()
    for index, row in enumerate(rows):
        if row is not None or not lines[index].text.strip():
            continue
        if len(lines[index].text.strip()) > _FRAGMENT_MAX:
            continue
        before = index - 1
        if before < 0 or (rows[before] is None and before not in absorbed):
            continue
        if any(rows[after] is not None for after in range(index + 1, min(index + 7, len(rows)))):
            absorbed.add(index)
    return absorbed


def _tokens(line: _Line) -> list[tuple[str, BBox | None]]:
    tokens: list[tuple[str, BBox | None]] = []
    for match in re.finditer(r"\S+", line.text):
        boxes = [b for b in line.boxes[match.start() : match.end()] if b is not None]
        tokens.append((match.group(), _union(boxes)))
    return tokens


def _as_row(line: _Line) -> list[tuple[str, BBox | None]] | None:
    """A line ending in numbers as cells (the label joined, then each number), else ``None``."""
    text = line.text.strip()
    if not text or _PAGE_NUMBER.match(text):
        return None
    tokens = _tokens(line)
    numbers = 0
    for token, _ in reversed(tokens):
        if not _NUMBER_TOKEN.match(token):
            break
        numbers += 1
    if numbers == 0 or (numbers == 1 and len(tokens) == 1):
        return None
    label_tokens = tokens[: len(tokens) - numbers]
    cells: list[tuple[str, BBox | None]] = []
    if label_tokens:
        # PDF text spaces out CJK labels ("结 果"); the label is one cell.
        label = "".join(t for t, _ in label_tokens)
        cells.append((label, _union([b for _, b in label_tokens if b])))
    cells.extend(tokens[len(tokens) - numbers :])
    return cells


# ---------------------------------------------------------------- PDFium: the text layer


def _pdfium_pages(data: bytes, name: str) -> list[dict[str, Any]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ReportReadError(name, "the PDF is encrypted (a password is needed)") from exc
        raise ReportReadError(name, f"not a readable PDF: {message}") from exc
    pages: list[dict[str, Any]] = []
    try:
        count = len(document)
        limit = current_limits().max_pages
        if count > limit:
            raise ReportReadError(
                name, f"{count} pages; more than the limit of {limit} (max_pages)"
            )
        for index in range(count):
            page = document[index]
            try:
                height = page.get_height()
                segments = _segments(page, height)
                paths = len(segments)
                images = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
                textpage = page.get_textpage()
                try:
                    chars = textpage.count_chars()
                    text = _fix(textpage.get_text_range(0, chars)) if chars else ""
                    boxes: list[BBox | None] = []
                    if len(text) == chars:
                        for i in range(chars):
                            left, bottom, right, top = textpage.get_charbox(i)
                            boxes.append((left, height - top, right, height - bottom))
                    else:
                        boxes = [None] * len(text)
                finally:
                    textpage.close()
            finally:
                page.close()
            pages.append(
                {
                    "text": text,
                    "boxes": boxes,
                    "paths": paths,
                    "segments": segments,
                    "images": images,
                    "height": height,
                }
            )
    except pdfium.PdfiumError as exc:
        raise ReportReadError(name, f"damaged PDF: {exc}", place=f"page {len(pages) + 1}") from exc
    finally:
        document.close()
    return pages


def _pdfium_lines(page: dict[str, Any]) -> list[_Line]:
    lines: list[_Line] = []
    text: str = page["text"]
    boxes: list[BBox | None] = page["boxes"]
    start = 0
    for match in re.finditer(r"\r\n|\n|\r", text + "\n"):
        end = match.start()
        line_boxes = boxes[start:end]
        known = [b for b in line_boxes if b is not None]
        top = min((b[1] for b in known), default=float(len(lines)))
        lines.append(_Line(text[start:end], line_boxes, top))
        start = match.end()
    return lines


# ---------------------------------------------------------------- PDFium: ruled tables

_THIN = 2.0  # points: a path thinner than this is a ruling
_SNAP = 1.5  # points: rulings closer than this are the same line (double cell borders)


class _Segment(NamedTuple):
    horizontal: bool
    at: float  # y of a horizontal ruling, x of a vertical one (top-down page coordinates)
    start: float
    end: float


def _segments(page: Any, height: float) -> list[_Segment]:
    """Thin path objects (lines, hairline rectangles) as rulings."""
    import pypdfium2.raw as pdfium_c

    found: list[_Segment] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        left, bottom, right, top = obj.get_bounds()
        width, tall = right - left, top - bottom
        if tall < _THIN <= width:
            found.append(_Segment(True, height - (top + bottom) / 2, left, right))
        elif width < _THIN <= tall:
            found.append(_Segment(False, (left + right) / 2, height - top, height - bottom))
    return found


def _snap(values: Sequence[float]) -> list[float]:
    snapped: list[float] = []
    for value in sorted(values):
        if not snapped or value - snapped[-1] > _SNAP:
            snapped.append(value)
    return snapped


def _groups(segments: Sequence[_Segment]) -> list[list[_Segment]]:
    """Rulings that touch each other, as one group per table."""
    boxes = [
        (s.start, s.at, s.end, s.at) if s.horizontal else (s.at, s.start, s.at, s.end)
        for s in segments
    ]
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(boxes)), key=lambda i: boxes[i][1])
    for position, i in enumerate(order):
        x0, _, x1, y1 = boxes[i]
        for j in order[position + 1 :]:
            if boxes[j][1] > y1 + _SNAP:
                break  # sorted by top: nothing further down can touch
            a0, b0, a1, _ = boxes[j]
            if a0 <= x1 + _SNAP and x0 <= a1 + _SNAP and b0 <= y1 + _SNAP:
                parent[find(i)] = find(j)
    grouped: dict[int, list[_Segment]] = {}
    for i, segment in enumerate(segments):
        grouped.setdefault(find(i), []).append(segment)
    return list(grouped.values())


def _covers(rulings: Sequence[_Segment], at: float, point: float) -> bool:
    return any(
        abs(r.at - at) <= _SNAP and r.start - _SNAP <= point <= r.end + _SNAP for r in rulings
    )


def _grid(group: Sequence[_Segment]) -> tuple[list[float], list[float], list[list[int]]] | None:
    """Column and row boundaries of a ruled table, and the cell id of every grid position."""
    horizontal = [s for s in group if s.horizontal]
    vertical = [s for s in group if not s.horizontal]
    xs, ys = _snap([s.at for s in vertical]), _snap([s.at for s in horizontal])
    if len(xs) < 2 or len(ys) < 3:
        return None
    rows, columns = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * columns))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        middle = (ys[r] + ys[r + 1]) / 2
        for c in range(columns - 1):
            if not _covers(vertical, xs[c + 1], middle):  # no ruling between: one merged cell
                parent[find(r * columns + c + 1)] = find(r * columns + c)
    for c in range(columns):
        middle = (xs[c] + xs[c + 1]) / 2
        for r in range(rows - 1):
            if not _covers(horizontal, ys[r + 1], middle):
                parent[find((r + 1) * columns + c)] = find(r * columns + c)
    ids = [[find(r * columns + c) for c in range(columns)] for r in range(rows)]
    return xs, ys, ids


def _pdfium_tables(
    page: dict[str, Any], number: int, first_table: int, name: str
) -> list[tuple[float, Block]] | None:
    """Tables from the rulings and the text layer, lines outside them; ``None`` when the rulings
    make no grid (then pdfplumber's finder is asked)."""
    text: str = page["text"]
    boxes: list[BBox | None] = page["boxes"]
    limit = current_limits().max_table_cells
    groups = _groups(page["segments"])
    for group in groups:
        rows = len({s.at for s in group if s.horizontal})
        columns = len({s.at for s in group if not s.horizontal})
        if rows * columns > limit:
            raise ReportReadError(
                name,
                f"rulings that make a table of more than {limit} cells (limit max_table_cells)",
                place=f"page {number}",
            )
    grids = [g for g in (_grid(group) for group in groups) if g is not None]
    if not grids or len(boxes) != len(text):
        return None
    blocks: list[tuple[float, Block]] = []
    inside = [False] * len(text)
    for offset, (xs, ys, ids) in enumerate(grids):
        index = first_table + offset
        texts: dict[int, list[str]] = {}
        for i, (char, box) in enumerate(zip(text, boxes, strict=True)):
            if box is None or char in "\r\n":
                continue
            x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
                continue
            inside[i] = True
            c = bisect.bisect_right(xs, x) - 1
            r = bisect.bisect_right(ys, y) - 1
            c, r = min(c, len(xs) - 2), min(r, len(ys) - 2)
            texts.setdefault(ids[r][c], []).append(char)
        extent: dict[
            int, list[int]
        ] = {}  # cell id -> [first row, first column, last row, last column]
        for r, row in enumerate(ids):
            for c, cell_id in enumerate(row):
                span = extent.setdefault(cell_id, [r, c, r, c])
                span[2], span[3] = max(span[2], r), max(span[3], c)
        cells: list[GridCell] = []
        for cell_id, (r, c, last_r, last_c) in sorted(extent.items(), key=lambda item: item[1][:2]):
            bbox = (xs[c], ys[r], xs[last_c + 1], ys[last_r + 1])
            where = Provenance(source=name, page=number, table=index, row=r, column=c, bbox=bbox)
            content = "".join(texts.get(cell_id, [])).strip()
            cells.append(GridCell(content, r, c, last_r - r + 1, last_c - c + 1, where))
        where = Provenance(
            source=name, page=number, table=index, bbox=(xs[0], ys[0], xs[-1], ys[-1])
        )
        blocks.append((ys[0], Table(tuple(cells), where)))
    outside = "".join(" " if inside[i] and ch not in "\r\n" else ch for i, ch in enumerate(text))
    lines = [line for line in _pdfium_lines({**page, "text": outside}) if line.text.strip()]
    blocks.extend(_line_blocks(lines, number, name))
    return blocks


# ---------------------------------------------------------------- pdfplumber: ruled tables


def _grid_cells(table: Any, page_number: int, index: int, name: str) -> list[GridCell]:
    extracted = table.extract()
    lefts = sorted({cell[0] for cell in table.cells})
    tops = sorted({row.bbox[1] for row in table.rows})
    cells: list[GridCell] = []
    for r, row in enumerate(table.rows):
        for c, box in enumerate(row.cells):
            if box is None:
                continue  # covered by a merged cell
            x0, top, x1, bottom = box
            column_span = max(1, sum(1 for x in lefts if x0 - 0.5 <= x < x1 - 0.5))
            row_span = max(1, sum(1 for y in tops if top - 0.5 <= y < bottom - 0.5))
            text = extracted[r][c] if r < len(extracted) and c < len(extracted[r]) else ""
            # Wrapped labels ("三、\n本\n年\n度…", "商业企\n业") are one label.
            text = _fix((text or "").replace("\n", ""))
            where = Provenance(
                source=name,
                page=page_number,
                table=index,
                row=r,
                column=c,
                bbox=(float(x0), float(top), float(x1), float(bottom)),
            )
            cells.append(GridCell(text, r, c, row_span, column_span, where))
    return cells


def _ruled_page(
    page: Any, page_number: int, first_table: int, name: str
) -> list[tuple[float, Block]]:
    tables = page.find_tables()
    if not tables:
        return []
    blocks: list[tuple[float, Block]] = []
    for offset, table in enumerate(tables):
        cells = _grid_cells(table, page_number, first_table + offset, name)
        x0, top, x1, bottom = (float(v) for v in table.bbox)
        where = Provenance(
            source=name, page=page_number, table=first_table + offset, bbox=(x0, top, x1, bottom)
        )
        blocks.append((float(table.bbox[1]), Table(tuple(cells), where)))
    table_boxes = [table.bbox for table in tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        # By the character's centre: a title printed right against a table's edge stays text.
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in table_boxes)

    outside = page.filter(outside_tables)
    lines = []
    for line in outside.extract_text_lines(keep_blank_chars=False):
        boxes: list[BBox | None] = []
        for char in line.get("chars", []):
            box = (float(char["x0"]), float(char["top"]), float(char["x1"]), float(char["bottom"]))
            boxes.extend([box] * len(char["text"]))
        if len(boxes) != len(line["text"]):
            boxes = [None] * len(line["text"])
        lines.append(_Line(_fix(line["text"]), boxes, float(line["top"])))
    blocks.extend(_line_blocks(lines, page_number, name))
    return blocks


# ---------------------------------------------------------------- the reader


def read_pdf(data: bytes, name: str) -> Document:
    """Read a PDF into a :class:`Document`."""
    pages = _pdfium_pages(data, name)
    if not any(page["text"].strip() for page in pages):
        images = sum(page["images"] for page in pages)
        finding = reading_finding(
            "read.no_text",
            f"PDF 共 {len(pages)} 页、{images} 张图片，没有文字层：可能是扫描件，需要 OCR 读取插件",
            f"the PDF has no text layer ({len(pages)} page(s), {images} image(s)): probably a "
            "scan; an OCR reader plugin is needed",
        )
        return Document((), source=name, findings=(finding,))
    busy = current_limits().max_page_chars
    # A page with more characters than the limit is read from its text layer only.
    candidates = [
        i
        for i, page in enumerate(pages)
        if page["paths"] >= RULED_PAGE_PATHS and len(page["text"]) <= busy
    ]
    per_page: dict[int, list[tuple[float, Block]]] = {}
    ruled: list[int] = []
    tables_so_far = 0
    for i in candidates:
        blocks = _pdfium_tables(pages[i], i + 1, tables_so_far, name)
        if blocks is None:
            ruled.append(i)  # rulings that make no grid: pdfplumber's finder decides
            continue
        per_page[i] = blocks
        tables_so_far += sum(isinstance(b, Table) for _, b in blocks)
    if ruled:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError

        try:
            with _quiet_pdfminer(), pdfplumber.open(io.BytesIO(data)) as plumber:
                for i in ruled:
                    blocks = _ruled_page(plumber.pages[i], i + 1, tables_so_far, name)
                    tables_so_far += sum(isinstance(b, Table) for _, b in blocks)
                    if blocks:
                        per_page[i] = blocks
        except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
            raise ReportReadError(name, f"damaged PDF: {exc!r}") from exc
    ordered: list[Block] = []
    for i, page in enumerate(pages):
        placed = per_page.get(i)
        if placed is None:
            # PDFium gives the text in content order, which is reading order for exported
            # documents; sorting by position would interleave a table's label column.
            ordered.extend(block for _, block in _line_blocks(_pdfium_lines(page), i + 1, name))
        else:
            ordered.extend(block for _, block in sorted(placed, key=lambda item: item[0]))
    return Document(tuple(ordered), source=name)


def _sniff_pdf(head: bytes, name: str) -> float:
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return 0.95
    return 0.5 if name.lower().endswith(".pdf") else 0.0


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    function: ReadFunction = read_pdf
    register(
        Reader(
            "pdf",
            load=lambda: function,
            suffixes=(".pdf",),
            media_types=("application/pdf",),
            magic=(b"%PDF-",),
            sniff=_sniff_pdf,
            description="PDF exported from Word/WPS: ruled tables with spans, text-layer fallback; "
            "scans are reported.",
        )
    )
