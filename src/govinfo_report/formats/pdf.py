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

import attrs

from ..document import Block, Document, GridCell, Paragraph, Table, merged_cell_ids
from ..errors import ReportReadError
from ..findings import Finding
from ..hookspecs import hookimpl
from ..limits import current_limits
from ..plugins import Reader, ReadFunction
from ..reading import reading_finding
from ..values import Provenance
from .pdf_text_bytes import page_text_bytes

__all__ = ["RULED_PAGE_PATHS", "read_pdf"]

RULED_PAGE_PATHS = 12
"""A page with at least this many path objects (lines, rectangles) may hold a ruled table."""

FINDER_MAX_RULINGS = 2_000
"""pdfplumber's table finder (whose cost grows faster than the rulings) is asked only about pages
with at most this many rulings; busier pages whose rulings make no grid are read as text lines."""

SCANNED_PAGE_CHARS = 20
"""A page with images and fewer characters than this (a page number) is a scanned page."""

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


class _Page:
    """One page as PDFium gives it: the text with a box per character, rulings, image count."""

    __slots__ = ("boxes", "height", "images", "number", "paths", "segments", "text")

    def __init__(
        self,
        number: int,
        text: str,
        boxes: list[BBox | None],
        segments: list[_Segment],
        paths: int,
        images: int,
        height: float,
    ) -> None:
        self.number = number
        self.text = text
        self.boxes = boxes
        self.segments = segments
        self.paths = paths
        self.images = images
        self.height = height


def _pdfium_pages(data: bytes, name: str) -> Iterator[_Page]:
    """The pages, one at a time: a hostile page can hold 200,000 characters, so only one page's
    boxes are ever held. The bytes of the strings every page draws are counted from the content
    streams before PDFium loads a page (:mod:`.pdf_text_bytes`), and PDFium's characters before
    their boxes are taken."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ReportReadError(name, code="pdf.encrypted") from exc
        raise ReportReadError(name, code="pdf.unreadable", detail=message) from exc
    limits = current_limits()
    number = 0
    try:
        count = len(document)
        if count > limits.max_pages:
            raise ReportReadError(name, code="limits.pages", count=count, limit=limits.max_pages)
        # PDFium's text page costs about 100 bytes a character: count the strings the content
        # streams draw before PDFium loads any page.
        with _quiet_pdfminer():
            page_text_bytes(data, name)
        total = 0
        for index in range(count):
            number = index + 1
            page = document[index]
            try:
                height = page.get_height()
                segments, paths, images = _page_objects(page, height, name, number)
                textpage = page.get_textpage()
                try:
                    chars = textpage.count_chars()
                    _check_characters(chars, total, name, number)
                    total += chars
                    text, boxes = _text_and_boxes(textpage, chars, height)
                finally:
                    textpage.close()
            finally:
                page.close()
            yield _Page(number, text, boxes, segments, paths, images, height)
    except pdfium.PdfiumError as exc:
        raise ReportReadError(
            name, code="pdf.damaged", detail=str(exc), place=f"page {number}"
        ) from exc
    finally:
        document.close()


def _check_characters(chars: int, before: int, name: str, number: int) -> None:
    limits = current_limits()
    if chars > limits.max_page_chars:
        raise ReportReadError(
            name,
            code="limits.page_chars",
            count=chars,
            limit=limits.max_page_chars,
            place=f"page {number}",
        )
    if before + chars > limits.max_document_chars:
        raise ReportReadError(
            name,
            code="limits.document_chars",
            limit=limits.max_document_chars,
            place=f"page {number}",
        )


def _text_and_boxes(textpage: Any, chars: int, height: float) -> tuple[str, list[BBox | None]]:
    text = _fix(textpage.get_text_range(0, chars)) if chars else ""
    if len(text) != chars:
        return text, [None] * len(text)
    boxes: list[BBox | None] = []
    for i in range(chars):
        left, bottom, right, top = textpage.get_charbox(i)
        boxes.append((left, height - top, right, height - bottom))
    return text, boxes


def _pdfium_lines(page: _Page) -> list[_Line]:
    return _lines(page.text, page.boxes)


def _lines(text: str, boxes: Sequence[BBox | None]) -> list[_Line]:
    lines: list[_Line] = []
    start = 0
    for match in re.finditer(r"\r\n|\n|\r", text + "\n"):
        end = match.start()
        line_boxes = list(boxes[start:end])
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


def _page_objects(
    page: Any, height: float, name: str, number: int
) -> tuple[list[_Segment], int, int]:
    """One walk over the page's objects (into forms): thin paths as rulings, the count of paths
    and of images. Raw PDFium calls: a page can hold 100,000 text objects, and wrapping each in
    a Python object would cost more than the rest of the page."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    limit = current_limits().max_page_paths
    found: list[_Segment] = []
    paths = images = 0
    bounds = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(value) for value in bounds]
    stack: list[tuple[Any, bool]] = [(page.raw, False)]
    while stack:
        owner, is_form = stack.pop()
        count = (pdfium_c.FPDFFormObj_CountObjects if is_form else pdfium_c.FPDFPage_CountObjects)(
            owner
        )
        get = pdfium_c.FPDFFormObj_GetObject if is_form else pdfium_c.FPDFPage_GetObject
        for index in range(max(count, 0)):
            obj = get(owner, index)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and len(stack) < 16:
                stack.append((obj, True))
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                paths += 1
                if paths > limit:
                    raise ReportReadError(
                        name, code="limits.page_paths", limit=limit, place=f"page {number}"
                    )
                if not pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
                    continue
                left, bottom, right, top = (value.value for value in bounds)
                width, tall = right - left, top - bottom
                if tall < _THIN <= width:
                    found.append(_Segment(True, height - (top + bottom) / 2, left, right))
                elif width < _THIN <= tall:
                    found.append(_Segment(False, (left + right) / 2, height - top, height - bottom))
    return found, paths, images


def _snap(values: Sequence[float]) -> list[float]:
    snapped: list[float] = []
    previous: float | None = None
    for value in sorted(values):
        if previous is None or value - previous > _SNAP:
            snapped.append(value)
        previous = value
    return snapped


class _Piece:
    """Collinear rulings that overlap, merged: one stretch of one line."""

    __slots__ = ("end", "first", "high", "low", "start")

    def __init__(self, low: float, high: float, start: float, end: float, first: int) -> None:
        self.low, self.high, self.start, self.end, self.first = low, high, start, end, first


def _groups(segments: Sequence[_Segment]) -> list[list[_Segment]]:
    """Rulings that touch each other, as one group per table.

    Near-linear: collinear rulings are first merged into stretches of a line (sorting), and a
    stretch across is then tested only against the lines down whose position falls inside it,
    each by bisection, so the work grows with the crossings, not with every pair of rulings.
    """
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    lines: dict[bool, list[list[_Piece]]] = {True: [], False: []}
    for horizontal in (True, False):
        chosen = sorted(
            (i for i, s in enumerate(segments) if s.horizontal is horizontal),
            key=lambda i: segments[i].at,
        )
        runs: list[list[int]] = []
        previous: float | None = None
        for i in chosen:
            if previous is None or segments[i].at - previous > _SNAP:
                runs.append([])
            runs[-1].append(i)
            previous = segments[i].at
        for run in runs:
            run.sort(key=lambda i: segments[i].start)
            low, high = min(segments[i].at for i in run), max(segments[i].at for i in run)
            pieces: list[_Piece] = []
            for i in run:
                s = segments[i]
                if pieces and s.start <= pieces[-1].end + _SNAP:
                    union(i, pieces[-1].first)
                    pieces[-1].end = max(pieces[-1].end, s.end)
                else:
                    pieces.append(_Piece(low, high, s.start, s.end, i))
            lines[horizontal].append(pieces)
    down = lines[False]  # lines down, left to right; their positions do not overlap
    down_high = [line[0].high for line in down]
    down_starts = [[p.start for p in line] for line in down]
    for line in lines[True]:
        for piece in line:
            for k in range(bisect.bisect_left(down_high, piece.start - _SNAP), len(down)):
                vertical = down[k]
                if vertical[0].low > piece.end + _SNAP:
                    break
                # Stretches of a line are sorted and apart: only those ending below the piece's
                # position, among those starting above it, can touch it.
                j = bisect.bisect_right(down_starts[k], piece.high + _SNAP) - 1
                while j >= 0 and vertical[j].end + _SNAP >= piece.low:
                    union(piece.first, vertical[j].first)
                    j -= 1
    grouped: dict[int, list[_Segment]] = {}
    for i, segment in enumerate(segments):
        grouped.setdefault(find(i), []).append(segment)
    return list(grouped.values())


def _coverage(
    rulings: Sequence[_Segment], heads: Sequence[float]
) -> list[tuple[list[float], list[float]]]:
    """For each snapped line position, the stretches its rulings cover (widened by the snap)."""
    spans: list[list[tuple[float, float]]] = [[] for _ in heads]
    for r in rulings:
        k = bisect.bisect_right(heads, r.at + _SNAP) - 1
        if k >= 0 and abs(r.at - heads[k]) <= _SNAP:
            spans[k].append((r.start - _SNAP, r.end + _SNAP))
    index: list[tuple[list[float], list[float]]] = []
    for stretches in spans:
        starts: list[float] = []
        ends: list[float] = []
        for start, end in sorted(stretches):
            if ends and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        index.append((starts, ends))
    return index


def _covered(index: tuple[list[float], list[float]], point: float) -> bool:
    starts, ends = index
    j = bisect.bisect_right(starts, point) - 1
    return j >= 0 and point <= ends[j]


def _grid(group: Sequence[_Segment]) -> tuple[list[float], list[float], list[list[int]]] | None:
    """Column and row boundaries of a ruled table, and the cell id of every grid position."""
    horizontal = [s for s in group if s.horizontal]
    vertical = [s for s in group if not s.horizontal]
    xs, ys = _snap([s.at for s in vertical]), _snap([s.at for s in horizontal])
    # One row needs two columns to be a table (the rest of a row broken by a page, say); a
    # single ruled box is a frame around text.
    if len(xs) < 2 or len(ys) < 2 or len(xs) + len(ys) < 5:
        return None
    rows, columns = len(ys) - 1, len(xs) - 1
    down, across = _coverage(vertical, xs), _coverage(horizontal, ys)
    ids = merged_cell_ids(
        rows,
        columns,
        # No ruling across the middle of the boundary: one merged cell.
        lambda r, c: not _covered(down[c + 1], (ys[r] + ys[r + 1]) / 2),
        lambda r, c: not _covered(across[r + 1], (xs[c] + xs[c + 1]) / 2),
    )
    return xs, ys, ids


def _check_table_size(group: Sequence[_Segment], name: str, number: int, cells_so_far: int) -> int:
    """The cells the group's rulings can make, refused past the limits before any grid is built."""
    limits = current_limits()
    rows = len(_snap([s.at for s in group if s.horizontal]))
    columns = len(_snap([s.at for s in group if not s.horizontal]))
    size = max(rows - 1, 0) * max(columns - 1, 0)
    if size > limits.max_table_cells:
        raise ReportReadError(
            name,
            code="limits.ruled_table_cells",
            limit=limits.max_table_cells,
            place=f"page {number}",
        )
    if cells_so_far + size > limits.max_document_cells:
        raise ReportReadError(
            name,
            code="limits.document_cells",
            limit=limits.max_document_cells,
            place=f"page {number}",
        )
    return size


def _pdfium_tables(
    page: _Page, first_table: int, name: str, cells_so_far: int = 0
) -> list[tuple[float, Block]] | None:
    """Tables from the rulings and the text layer, lines outside them; ``None`` when the rulings
    make no grid (then pdfplumber's finder is asked)."""
    text, boxes, number = page.text, page.boxes, page.number
    groups = _groups(page.segments)
    for group in groups:
        cells_so_far += _check_table_size(group, name, number, cells_so_far)
    grids = [g for g in (_grid(group) for group in groups) if g is not None]
    if not grids or len(boxes) != len(text):
        return None
    # Characters by the centre of their box, sorted top-down: each grid takes its band by bisection.
    centres = sorted(
        ((box[1] + box[3]) / 2, (box[0] + box[2]) / 2, i)
        for i, (char, box) in enumerate(zip(text, boxes, strict=True))
        if box is not None and char not in "\r\n"
    )
    tops = [centre[0] for centre in centres]
    placed = 0
    limit = current_limits().max_page_chars
    blocks: list[tuple[float, Block]] = []
    inside = [False] * len(text)
    for offset, (xs, ys, ids) in enumerate(grids):
        index = first_table + offset
        texts: dict[int, list[str]] = {}
        low, high = bisect.bisect_left(tops, ys[0]), bisect.bisect_right(tops, ys[-1])
        placed += high - low
        if placed > limit:
            raise ReportReadError(
                name, code="limits.table_chars", limit=limit, place=f"page {number}"
            )
        # Back in content order (as PDFium gives it) before each cell's text is joined.
        for i, y, x in sorted((i, y, x) for y, x, i in centres[low:high]):
            if not xs[0] <= x <= xs[-1]:
                continue
            inside[i] = True
            c = min(bisect.bisect_right(xs, x) - 1, len(xs) - 2)
            r = min(bisect.bisect_right(ys, y) - 1, len(ys) - 2)
            texts.setdefault(ids[r][c], []).append(text[i])
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
            content = "".join(texts.get(cell_id, ())).strip()
            cells.append(GridCell(content, r, c, last_r - r + 1, last_c - c + 1, where))
        where = Provenance(
            source=name, page=number, table=index, bbox=(xs[0], ys[0], xs[-1], ys[-1])
        )
        blocks.append((ys[0], Table(tuple(cells), where)))
    outside = "".join(" " if inside[i] and ch not in "\r\n" else ch for i, ch in enumerate(text))
    lines = [line for line in _lines(outside, boxes) if line.text.strip()]
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


# ---- rows broken by a page break

# The start of a numbered item: 一、 （一） (1) 1. 1、 — a row that begins a new item.
_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d))"
)
_VALUE = re.compile(r"^[+\-]?[\d０-９][\d０-９,，.]*$|^[/／—\-－无]$")
_SAME_X = 2.0  # points: columns of two pages are the same if their edges are this close


def _edge_table(blocks: Sequence[Block], last: bool) -> Table | None:
    """The table at the foot (``last``) or head of a page, past page numbers."""
    for block in reversed(blocks) if last else blocks:
        if isinstance(block, Table):
            return block
        if block.text.strip() and not _PAGE_NUMBER.match(block.text.strip()):
            return None
    return None


def _x_range(cell: GridCell) -> tuple[float, float] | None:
    box = cell.provenance.bbox
    return None if box is None else (box[0], box[2])


def _pairs(
    foot: Sequence[GridCell], head: Sequence[GridCell]
) -> list[tuple[GridCell, GridCell | None]] | None:
    """Each cell of the piece at the foot with the cell of the same column at the head (``None``
    where the head piece has no such cell); ``None`` if a head cell has no column at the foot."""
    by_column: dict[int, GridCell] = {}
    for rest in head:
        span = _x_range(rest)
        match = [
            i
            for i, top in enumerate(foot)
            if span is not None
            and (other := _x_range(top)) is not None
            and abs(other[0] - span[0]) <= _SAME_X
            and abs(other[1] - span[1]) <= _SAME_X
        ]
        if len(match) != 1 or match[0] in by_column:
            return None
        by_column[match[0]] = rest
    return [(top, by_column.get(i)) for i, top in enumerate(foot)]


def _join_verdict(pairs: Sequence[tuple[GridCell, GridCell | None]]) -> str:
    """``"rows"`` (two rows), ``"join"`` (one row broken by the page) or ``"unsure"``."""
    texts = [(a.text, b.text if b else "") for a, b in pairs]
    values = [
        (bool(a), bool(b))
        for a, b in texts
        if (a or b) and all(_VALUE.match(t) for t in (a, b) if t)
    ]
    # Label pieces: pairs holding text other than values, with something at the head.
    labels = [(a, b) for a, b in texts if b and not all(_VALUE.match(t) for t in (a, b) if t)]
    if not values or any(_ITEM.match(b) for _, b in labels):
        return "rows"  # no data row, or the piece on the next page starts a numbered item
    if any(_ITEM.match(a) for a, _ in labels):
        return "join"  # a numbered label at the foot goes on, unnumbered, at the head
    if all(a == b for a, b in values):
        return "rows"  # every value printed whole on both pages: two complete rows
    if not labels:
        return "join"  # values cut short at the foot, their rest alone at the head
    return "unsure"  # a label at the head that may start a row, values that may be cut


def _only_values(cells: Sequence[GridCell]) -> bool:
    texts = [c.text for c in cells if c.text]
    return bool(texts) and all(_VALUE.match(t) for t in texts)


def _join_broken_rows(per_page: list[list[Block]], name: str) -> list[Finding]:
    """Join a table row that a page break split in two, or leave it out with a finding."""
    findings: list[Finding] = []
    for number in range(1, len(per_page)):
        foot_table = _edge_table(per_page[number - 1], last=True)
        head_table = _edge_table(per_page[number], last=False)
        if foot_table is None or head_table is None or not foot_table.cells:
            continue
        last_row = foot_table.shape[0] - 1
        foot = [c for c in foot_table.cells if c.row + c.row_span - 1 == last_row]
        head = [c for c in head_table.cells if c.row == 0]
        found = _pairs(foot, head)
        if found is None and _only_values(head) and _only_values(foot[-1:]):
            # Numbers alone at the head of a page whose columns do not line up with the row at
            # the foot: perhaps the rest of that row, perhaps not.
            pairs: list[tuple[GridCell, GridCell | None]] = [(a, None) for a in foot]
            pairs += [(b, None) for b in head]
            verdict = "unsure"
        elif found is None:
            continue
        else:
            pairs, verdict = found, _join_verdict(found)
        if verdict == "rows":
            continue
        if verdict == "unsure":
            texts = " | ".join(
                f"{a.text}/{b.text if b else ''}" for a, b in pairs if a.text or (b and b.text)
            )
            findings.append(
                reading_finding(
                    "read.broken_row",
                    f"第 {number}–{number + 1} 页之间被分页断开的表格行无法确定如何拼合，"
                    f"该行的单元格不予读取：{texts}",
                    f"a table row broken between pages {number} and {number + 1} cannot be "
                    f"joined with certainty; its cells are left out: {texts}",
                    actual=texts,
                    source=foot[0].provenance,
                )
            )
            keep_foot = {id(c) for c in foot if c.row < last_row}
            dropped_head = {id(c) for c in head if c.row_span == 1}
            joined: dict[int, GridCell] = {}
        else:
            keep_foot = set()
            dropped_head = {id(c) for c in head if c.row_span == 1}
            joined = {id(a): _joined(a, b) for a, b in pairs}
        foot_cells = tuple(
            joined.get(id(c), c)
            for c in foot_table.cells
            if id(c) in keep_foot or c.row + c.row_span - 1 != last_row or id(c) in joined
        )
        # A merged cell that goes on below the broken row stays, one row shorter; its text went
        # into the joined row when joined.
        head_cells = tuple(
            attrs.evolve(
                c,
                text="" if c.row == 0 and joined else c.text,
                row=max(c.row - 1, 0),
                row_span=c.row_span - (c.row == 0),
            )
            for c in head_table.cells
            if id(c) not in dropped_head
        )
        _replace(per_page[number - 1], foot_table, attrs.evolve(foot_table, cells=foot_cells))
        _replace(per_page[number], head_table, attrs.evolve(head_table, cells=head_cells))
    return findings


def _joined(top: GridCell, rest: GridCell | None) -> GridCell:
    if rest is None or not rest.text:
        return top
    where = attrs.evolve(
        top.provenance,
        continued_page=rest.provenance.page,
        continued_bbox=rest.provenance.bbox,
    )
    return attrs.evolve(top, text=top.text + rest.text, row_span=top.row_span, provenance=where)


def _replace(blocks: list[Block], old: Table, new: Table) -> None:
    blocks[next(i for i, b in enumerate(blocks) if b is old)] = new


def read_pdf(data: bytes, name: str) -> Document:
    """Read a PDF into a :class:`Document`."""
    per_page: list[list[Block]] = []
    ruled: list[int] = []  # pages whose rulings make no grid: pdfplumber's finder decides
    tables_so_far = cells_so_far = images = 0
    has_text = False
    scanned: list[int] = []  # pages with images and (next to) no text: scanned pages
    for page in _pdfium_pages(data, name):
        has_text = has_text or bool(page.text.strip())
        images += page.images
        if page.images and len("".join(page.text.split())) < SCANNED_PAGE_CHARS:
            scanned.append(page.number)
        placed = None
        if page.paths >= RULED_PAGE_PATHS:
            placed = _pdfium_tables(page, tables_so_far, name, cells_so_far)
            if placed is None:
                if len(page.segments) <= FINDER_MAX_RULINGS:
                    ruled.append(len(per_page))
            else:
                tables = [b for _, b in placed if isinstance(b, Table)]
                tables_so_far += len(tables)
                cells_so_far += sum(len(t.cells) for t in tables)
        if placed is None:
            # PDFium gives the text in content order, which is reading order for exported
            # documents; sorting by position would interleave a table's label column.
            per_page.append(
                [block for _, block in _line_blocks(_pdfium_lines(page), page.number, name)]
            )
        else:
            per_page.append([block for _, block in sorted(placed, key=lambda item: item[0])])
    if not has_text:
        finding = reading_finding(
            "read.no_text",
            f"PDF 共 {len(per_page)} 页、{images} 张图片，没有文字层：可能是扫描件；"
            "请用 OCR 读取插件 govinfo-report-ocr 读取（pip install govinfo-report-ocr；读取器 ocr）",
            f"the PDF has no text layer ({len(per_page)} page(s), {images} image(s)): probably a "
            "scan; read it with the OCR reader plugin (pip install govinfo-report-ocr; reader ocr)",
        )
        return Document((), source=name, findings=(finding,))
    if ruled:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError

        try:
            with _quiet_pdfminer(), pdfplumber.open(io.BytesIO(data)) as plumber:
                for i in ruled:
                    blocks = _ruled_page(plumber.pages[i], i + 1, tables_so_far, name)
                    tables_so_far += sum(isinstance(b, Table) for _, b in blocks)
                    if blocks:
                        per_page[i] = [
                            block for _, block in sorted(blocks, key=lambda item: item[0])
                        ]
        except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
            raise ReportReadError(name, code="pdf.damaged", detail=repr(exc)) from exc
    findings = _join_broken_rows(per_page, name)
    if scanned:
        pages = ", ".join(str(n) for n in scanned)
        findings.append(
            reading_finding(
                "read.no_text",
                f"第 {pages} 页没有文字层，只有图片（可能是扫描页）：这些页的内容未读取；"
                "请用 OCR 读取插件 govinfo-report-ocr 读取（读取器 ocr）",
                f"page(s) {pages} have no text layer, only images (scanned pages?): their "
                "content is not read; read the file with the OCR reader plugin "
                "govinfo-report-ocr (reader ocr)",
                source=Provenance(source=name, page=scanned[0]),
            )
        )
    return Document(
        tuple(block for blocks in per_page for block in blocks),
        source=name,
        findings=tuple(findings),
    )


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
