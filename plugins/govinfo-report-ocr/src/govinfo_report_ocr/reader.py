"""Reading a scan: each page straightened, its ruled tables read cell by cell, the rest line by line.

Per page: turn small tilts upright; check the text direction on a sample of lines (a page upside down
is turned and reported); find ruled tables from their rulings and recognise each cell's crop on its
own (recognition only: whole-page detection misses isolated digits such as a lone ``0``); detect and
recognise the text outside the tables, in reading order. The result is the library's document model,
so interpretation, validation and every writer work as for any other input. Every cell and line
keeps its page, its box and its recognition confidence; nothing is corrected.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import attrs
import numpy as np

from govinfo_report import Finding, ReportReadError
from govinfo_report.document import Block, Document, GridCell, Paragraph, Table
from govinfo_report.findings import CodeInfo
from govinfo_report.limits import current_limits
from govinfo_report.plugins import ReadResult
from govinfo_report.progress import report_progress
from govinfo_report.reading import reading_finding
from govinfo_report.values import Provenance

from .engine import Engine, Gray, TextBox, engine
from .grid import GridTable, cell_lines, deskew, find_tables, ink, rotated, skew_angle
from .pages import (
    Page,
    PageKind,
    archive_pages,
    enlarged,
    image_pages,
    pdf_page_kinds,
    pdf_pages,
)
from .rules import BLANK_PAGE, MIXED_PDF, ROTATED_PAGE, SKIPPED_FILE

__all__ = ["read_page", "read_scan"]

log = logging.getLogger("govinfo_report_ocr")

_PDF = b"%PDF-"
_ZIP = b"PK\x03\x04"
_ORIENTATION_SAMPLE = 24  # text lines whose direction is checked per page
_UPSIDE_DOWN_SHARE = 0.7  # of the sampled lines, sure of it
_DETECTION_SIDE = 1280  # text detection runs at this long side for a whole page


def read_scan(data: bytes, name: str) -> Document | ReadResult:
    """Read an image-only PDF, a page image file or a folder of them (a ZIP archive of page
    images). A PDF with a text layer on every page with content goes to the built-in PDF reader
    (its text is exact; recognition would only add errors); a PDF whose scanned pages stand
    between text pages is read from its text layer, and by OCR on the scanned pages only."""
    findings: list[Finding] = []
    if data.lstrip()[:5] == _PDF:
        kinds = pdf_page_kinds(data)
        scanned = {i + 1 for i, kind in enumerate(kinds) if kind is PageKind.IMAGE}
        if any(kind is PageKind.TEXT for kind in kinds):
            if not scanned:
                return _builtin_pdf(data, name)
            return _mixed_pdf(data, name, sorted(scanned))
        pages: Iterable[Page] = pdf_pages(data, name)
        total: int | None = len(kinds) or None
    elif data.startswith(_ZIP):
        skipped: list[str] = []
        pages = archive_pages(data, name, skipped)
        total = None
        document = _read_pages(pages, name, total)
        if skipped:
            findings.append(_skipped_files(name, skipped))
        return attrs.evolve(document, findings=(*document.findings, *findings))
    else:
        pages = image_pages(data, name)
        total = None
    return _read_pages(pages, name, total)


def _read_pages(pages: Iterable[Page], name: str, total: int | None) -> Document:
    """The blocks of every page, OCR's findings, and ``read.no_text`` when nothing was read."""
    blocks: list[Block] = []
    findings: list[Finding] = []
    recogniser = engine()
    tables = 0
    inked_pages = 0
    for done, page in enumerate(pages, start=1):
        started = time.perf_counter()
        page_blocks, page_findings = read_page(page, name, recogniser, tables)
        tables += sum(isinstance(b, Table) for b in page_blocks)
        inked_pages += not any(f.code == BLANK_PAGE.code for f in page_findings)
        blocks.extend(page_blocks)
        findings.extend(page_findings)
        seconds = time.perf_counter() - started
        log.info("%s: page %d read in %.1f s", name, page.number, seconds)
        report_progress(name, done, total, "page")
    if not blocks:
        findings.append(
            reading_finding(
                "read.no_text",
                "扫描件中没有识别出文字" + ("（各页均为空白）" if not inked_pages else ""),
                "no text was recognised in the scan"
                + (" (every page is blank)" if not inked_pages else ""),
            )
        )
    return Document(tuple(blocks), source=name, findings=tuple(findings))


def _builtin_pdf(data: bytes, name: str) -> ReadResult:
    from govinfo_report.formats.pdf import read_pdf
    from govinfo_report.interpret import interpret

    report, findings = interpret(read_pdf(data, name))
    return ReadResult(report=report, findings=tuple(findings), reader="pdf")


def _mixed_pdf(data: bytes, name: str, scanned: list[int]) -> Document:
    """A PDF with text pages and scanned pages: the built-in reader's document, with the blocks
    OCR reads from the scanned pages put in at their pages; tables numbered anew in page order."""
    from govinfo_report.formats.pdf import read_pdf

    text = read_pdf(data, name)
    scans = _read_pages(pdf_pages(data, name, only=set(scanned)), name, len(scanned))
    by_page: dict[int, list[Block]] = {}
    for block in scans.blocks:
        by_page.setdefault(block.provenance.page or 0, []).append(block)
    merged: list[Block] = []
    for block in text.blocks:
        page = block.provenance.page
        if page is not None:
            for earlier in sorted(p for p in by_page if p < page):
                merged.extend(by_page.pop(earlier))
        merged.append(block)
    for page in sorted(by_page):
        merged.extend(by_page.pop(page))
    # The built-in reader says these pages hold no text; they were read here.
    kept = [f for f in text.findings if f.code != "read.no_text"]
    pages = ", ".join(str(p) for p in scanned)
    info = _code(MIXED_PDF.code)
    note = Finding(
        info.code,
        info.severity,
        f"第 {pages} 页没有文字层（扫描页），已用 OCR 识别；其余页从文字层读取",
        f"page(s) {pages} have no text layer (scanned): read by OCR; the other pages from the "
        "text layer",
        source=Provenance(source=name, page=scanned[0]),
    )
    return Document(_renumber_tables(merged), source=name, findings=(*kept, *scans.findings, note))


def _renumber_tables(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """The blocks with their tables numbered 0, 1, 2 … in reading order (cells follow)."""
    numbered: list[Block] = []
    count = 0
    for block in blocks:
        if isinstance(block, Table):
            if block.provenance.table != count:
                cells = tuple(
                    attrs.evolve(c, provenance=attrs.evolve(c.provenance, table=count))
                    for c in block.cells
                )
                block = attrs.evolve(
                    block, cells=cells, provenance=attrs.evolve(block.provenance, table=count)
                )
            count += 1
        numbered.append(block)
    return tuple(numbered)


def _skipped_files(name: str, skipped: Sequence[str]) -> Finding:
    info = _code(SKIPPED_FILE.code)
    listed = ", ".join(skipped)
    return Finding(
        info.code,
        info.severity,
        f"以下文件不是页面图片，未读取：{listed}",
        f"not page images, so not read: {listed}",
        source=Provenance(source=name),
    )


def _code(code: str) -> CodeInfo:
    from .rules import CODES

    return next(c for c in CODES if c.code == code)


def _page_finding(info_code: str, page: Page, name: str, zh: str, en: str) -> Finding:
    info = _code(info_code)
    return Finding(
        info.code, info.severity, zh, en, source=Provenance(source=name, page=page.number)
    )


_CellLayout = tuple[
    int, tuple[int, int, int, int], tuple[int, int, int, int], list[tuple[TextBox, Gray]]
]


class _Layout(NamedTuple):
    """Where the text of an upright page is: table grids, the lines inside each cell, and the text
    boxes outside the tables."""

    image: Gray
    grids: list[GridTable]
    cells: list[_CellLayout]
    """(grid number, (row, column, row span, column span), cell box, text lines) per cell."""
    boxes: list[TextBox]


def _layout(image: Gray, name: str, page: Page, recogniser: Engine) -> _Layout:
    inks = ink(image)
    try:
        grids = find_tables(inks.clean, current_limits().max_table_cells)
    except ValueError as exc:
        raise ReportReadError(
            name,
            code="limits.ruled_table_cells",
            limit=current_limits().max_table_cells,
            place=f"page {page.number}",
        ) from exc
    unit = max(image.shape) / 2339
    inset = max(3, round(6 * unit))
    cells: list[_CellLayout] = []
    for number, grid in enumerate(grids):
        for r, c, rows, columns in grid.cells():
            box = (grid.xs[c], grid.ys[r], grid.xs[c + columns], grid.ys[r + rows])
            inner = (box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset)
            lines: list[tuple[TextBox, Gray]] = []
            if inner[2] > inner[0] and inner[3] > inner[1]:
                lines = cell_lines(image, inks, inner, unit)
            cells.append((number, (r, c, rows, columns), box, lines))
    # Text outside the tables: detection on the horizontal bands that hold ink, tables blanked.
    rest = inks.clean.copy()
    blanked = image.copy()
    for grid in grids:
        x0, y0, x1, y1 = grid.box
        area = (slice(max(0, y0 - inset), y1 + inset), slice(max(0, x0 - inset), x1 + inset))
        rest[area] = 0
        blanked[area] = 255
    boxes: list[TextBox] = []
    height, width = image.shape
    scale = min(1.0, _DETECTION_SIDE / max(height, width))
    pad = max(16, int(40 * unit))
    for top, bottom in _bands(rest, 2 * pad):
        top, bottom = max(0, top - pad), min(height, bottom + pad)
        band = blanked[top:bottom]
        side = max(32, int(max(band.shape) * scale))
        for x0, y0, x1, y1 in recogniser.detect(band, side):
            boxes.append((x0, y0 + top, x1, y1 + top))
    return _Layout(image, grids, cells, boxes)


def _bands(mask: Gray, gap: int) -> list[tuple[int, int]]:
    """Row ranges with ink, split where at least ``gap`` rows are empty."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return []
    bands: list[tuple[int, int]] = []
    start = previous = int(rows[0])
    for row in rows[1:]:
        if row - previous > gap:
            bands.append((start, previous + 1))
            start = int(row)
        previous = int(row)
    bands.append((start, previous + 1))
    return bands


def read_page(
    page: Page, name: str, recogniser: Engine, first_table: int = 0
) -> tuple[list[Block], list[Finding]]:
    """The blocks of one page in reading order, and what the page itself had to report."""
    inks = ink(page.image)
    if not inks.clean.any():
        zh, en = f"第 {page.number} 页是空白页", f"page {page.number} is blank"
        return [], [_page_finding(BLANK_PAGE.code, page, name, zh, en)]
    if page.enlarge == 1:
        upright, _ = deskew(page.image, inks.clean)
    else:
        # A small page image is read at the size of a rendered PDF page, enlarged then turned as
        # a PDF page is rendered then turned; blankness and tilt are judged on the pixels as
        # scanned (enlarged dust would no longer be dust).
        upright = rotated(enlarged(page.image, page.enlarge), skew_angle(inks.clean))
    findings: list[Finding] = []
    layout = _layout(upright, name, page, recogniser)
    if _upside_down(layout, recogniser):
        layout = _layout(np.ascontiguousarray(upright[::-1, ::-1]), name, page, recogniser)
        findings.append(
            _page_finding(
                ROTATED_PAGE.code,
                page,
                name,
                f"第 {page.number} 页上下颠倒，已旋转 180° 后读取，请核对",
                f"page {page.number} is upside down; it was read turned by 180°: check it",
            )
        )
    image = layout.image
    crops: list[Gray] = []
    owners: list[int] = []
    for index, (_, _, _, lines) in enumerate(layout.cells):
        for _, crop in lines:
            crops.append(crop)
            owners.append(index)
    lines_outside = _reading_order(layout.boxes)
    whole = (0, 0, image.shape[1], image.shape[0])
    line_crops = [[_crop(image, b, whole, 2) for b in line] for line in lines_outside]
    flat = [c for group in line_crops for c in group]
    recognised = recogniser.recognise(
        [*crops, *flat], numeric_ok=[True] * len(crops) + [False] * len(flat)
    )
    cell_results, line_results = recognised[: len(crops)], recognised[len(crops) :]

    texts: dict[int, list[tuple[str, float]]] = {}
    for index, result in zip(owners, cell_results, strict=True):
        texts.setdefault(index, []).append(result)
    by_table: dict[int, list[GridCell]] = {}
    for index, (number, (r, c, rows, columns), box, _) in enumerate(layout.cells):
        parts = texts.get(index, [])
        text = "".join(t for t, _ in parts).strip()
        confidence = min((s for t, s in parts if t), default=None)
        where = Provenance(
            source=name,
            page=page.number,
            table=first_table + number,
            row=r,
            column=c,
            bbox=_box(box, page),
            confidence=round(confidence, 3) if confidence is not None else None,
        )
        by_table.setdefault(number, []).append(GridCell(text, r, c, rows, columns, where))
    placed: list[tuple[int, Block]] = []
    for number, grid in enumerate(layout.grids):
        where = Provenance(
            source=name, page=page.number, table=first_table + number, bbox=_box(grid.box, page)
        )
        placed.append((grid.box[1], Table(tuple(by_table.get(number, [])), where)))
    position = 0
    for line, group in zip(lines_outside, line_crops, strict=True):
        results = line_results[position : position + len(group)]
        position += len(group)
        text = _join(line, results)
        if not text:
            continue
        scores = [s for t, s in results if t]
        top = min(b[1] for b in line)
        box = (min(b[0] for b in line), top, max(b[2] for b in line), max(b[3] for b in line))
        where = Provenance(
            source=name,
            page=page.number,
            bbox=_box(box, page),
            confidence=round(min(scores), 3) if scores else None,
        )
        placed.append((top, Paragraph(text, where)))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed], findings


def _upside_down(layout: _Layout, recogniser: Engine) -> bool:
    """Whether most sampled text lines (outside and inside tables) read upside down."""
    candidates = [*layout.boxes, *(box for *_, lines in layout.cells for box, _ in lines)]
    wide = [b for b in candidates if (b[2] - b[0]) >= 2 * (b[3] - b[1])]
    wide.sort(key=lambda b: b[2] - b[0], reverse=True)
    sample = wide[:_ORIENTATION_SAMPLE]
    if len(sample) < 3:
        return False
    image = layout.image
    votes = recogniser.upside_down([image[y0:y1, x0:x1] for x0, y0, x1, y1 in sample])
    flipped = sum(1 for down, score in votes if down and score >= 0.9)
    return flipped >= _UPSIDE_DOWN_SHARE * len(votes)


def _inside(box: TextBox, table: tuple[int, int, int, int]) -> bool:
    x = (box[0] + box[2]) / 2
    y = (box[1] + box[3]) / 2
    return table[0] <= x <= table[2] and table[1] <= y <= table[3]


def _crop(page: Gray, box: TextBox, within: TextBox, margin: int) -> Gray:
    x0 = max(within[0], box[0] - margin)
    y0 = max(within[1], box[1] - margin)
    x1 = min(within[2], box[2] + margin)
    y1 = min(within[3], box[3] + margin)
    return np.ascontiguousarray(page[y0:y1, x0:x1])


def _box(box: tuple[int, int, int, int], page: Page) -> tuple[float, float, float, float]:
    scale = page.points_per_pixel or 1.0
    return tuple(round(v * scale, 2) for v in box)  # type: ignore[return-value]


def _reading_order(boxes: Sequence[TextBox]) -> list[list[TextBox]]:
    """Boxes grouped into lines (vertical overlap), lines top to bottom, boxes left to right."""
    lines: list[list[TextBox]] = []
    for box in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        middle = (box[1] + box[3]) / 2
        if lines:
            last = lines[-1]
            top = min(b[1] for b in last)
            bottom = max(b[3] for b in last)
            if top <= middle <= bottom:
                last.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b[0]) for line in lines]


def _join(line: Sequence[TextBox], results: Sequence[tuple[str, float]]) -> str:
    """Texts of one line's boxes; a space where the boxes stand more than a character apart."""
    text = ""
    previous: TextBox | None = None
    for box, (part, _) in zip(line, results, strict=True):
        if not part:
            continue
        if previous is not None and text:
            gap = box[0] - previous[2]
            text += " " if gap > (box[3] - box[1]) else ""
        text += part
        previous = box
    return text.strip()
