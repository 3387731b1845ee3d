"""Hostile files that would cost a naive reader gigabytes or minutes (see ``docs/limits.md``).

Each function builds its file in memory (most a few KB; the web page and the text file the 49 MB
the issue reported), so tests, ``scripts/fuzz.py`` and ``benchmarks/bombs.py`` generate them instead
of committing them. :data:`BOMBS` names every one with the file name that selects its reader,
:data:`LIMIT_NAMED` the limit that must stop it, and :func:`read_in_child` reads one in a child
process under a memory cap, measuring its seconds and peak memory.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "BOMBS",
    "LIMIT_NAMED",
    "docx_many_paragraphs",
    "docx_many_tables",
    "docx_spanned_rows",
    "html_colspan_rows",
    "html_large_table",
    "html_many_paragraphs",
    "html_many_tables",
    "pdf_document",
    "pdf_form_drawn_many_times",
    "pdf_grid",
    "pdf_inflating_content",
    "pdf_many_characters",
    "pdf_many_pages_of_characters",
    "pdf_of_streams",
    "pdf_rulings",
    "pdf_rulings_without_grid",
    "read_in_child",
    "text_file",
    "xlsx_far_corners",
    "xlsx_whole_sheet_merge",
]


def pdf_document(
    pages: Sequence[bytes], *, share_content: bool = False, forms: Sequence[bytes] = ()
) -> bytes:
    """A PDF whose pages draw the given content streams (compressed), with Helvetica as ``/F1``.

    With ``share_content``, every page draws the first stream: a thousand pages cost one stream.
    ``forms`` are the content streams of form XObjects ``/Fm1``, ``/Fm2``, …, which pages and
    forms alike can draw (``/Fm1 Do``): all share one resource dictionary.
    """
    packed = [zlib.compress(content, 9) for content in (pages[:1] if share_content else pages)]
    return pdf_of_streams(
        [packed[0 if share_content else i] for i in range(len(pages))],
        [zlib.compress(form, 9) for form in forms],
    )


def pdf_of_streams(
    pages: Sequence[bytes], forms: Sequence[bytes] = (), *, filters: bytes = b"/FlateDecode"
) -> bytes:
    """A PDF of already encoded content streams (``filters``: deflated), one a page (the same
    object for pages given the same bytes object) and one a form XObject (see
    :func:`pdf_document`)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(packed: bytes, head: bytes = b"") -> int:
        return add(
            b"<< %s/Length %d /Filter %s >>\nstream\n%s\nendstream"
            % (head, len(packed), filters, packed)
        )

    catalog = add(b"")  # filled in once the page tree exists
    tree = add(b"")
    resources = add(b"")  # filled in once the forms exist
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    form_ids = [
        stream(
            packed,
            b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources %d 0 R " % resources,
        )
        for packed in forms
    ]
    xobjects = b" ".join(b"/Fm%d %d 0 R" % (i, ref) for i, ref in enumerate(form_ids, start=1))
    objects[resources - 1] = b"<< /Font << /F1 %d 0 R >> /XObject << %s >> >>" % (font, xobjects)
    streams: dict[int, int] = {}
    for packed in pages:
        if id(packed) not in streams:
            streams[id(packed)] = stream(packed)
    kids = [
        add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %d 0 R "
            b"/Contents %d 0 R >>" % (tree, resources, streams[id(packed)])
        )
        for packed in pages
    ]
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(pages),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, xref)
    )
    return out.getvalue()


def _characters(count: int) -> bytes:
    # PDFium keeps at most 32,767 characters of one string: lines of 30,000 in tiny type.
    line = 30_000
    parts = [b"BT /F1 0.1 Tf 10 800 Td"]
    for start in range(0, count, line):
        parts.append(b"(" + b"8" * min(line, count - start) + b") Tj 0 -0.2 Td")
    parts.append(b"ET")
    return b"\n".join(parts)


def pdf_many_characters(count: int = 3_000_000) -> bytes:
    """One page with ``count`` characters (3 million compress to about 4 KB)."""
    return pdf_document([_characters(count)])


def pdf_form_drawn_many_times(count: int = 30_000, times: int = 300) -> bytes:
    """One page drawing ``times`` times a form XObject of ``count`` characters (9 million in all
    from a 2 KB file): a count of the page's own strings would see none."""
    form = b"BT /F1 0.1 Tf 10 800 Td (" + b"8" * count + b") Tj ET"
    page = b"\n".join([b"q 1 0 0 1 0 %d cm /Fm1 Do Q" % (-i % 800) for i in range(times)])
    return pdf_document([page], forms=[form])


def pdf_inflating_content(size: int = 210 * 1024 * 1024) -> bytes:
    """One page whose content stream inflates to ``size`` bytes of spaces (210 MiB from 1 MB)."""
    packer = zlib.compressobj(1)
    piece = b" " * (1024 * 1024)
    parts = [packer.compress(piece) for _ in range(size // len(piece))]
    parts.append(packer.compress(b" " * (size % len(piece)) + b"BT /F1 10 Tf (x) Tj ET"))
    parts.append(packer.flush())
    return pdf_of_streams([b"".join(parts)])


def pdf_many_pages_of_characters(pages: int = 500, count: int = 180_000) -> bytes:
    """``pages`` pages of ``count`` characters each, all drawing one shared stream."""
    return pdf_document([_characters(count)] * pages, share_content=True)


def pdf_rulings(count: int = 24_000) -> bytes:
    """One page of ``count`` short rulings, each cell of a fine mesh drawing its own top and
    left border as Word does (a table of ``count / 2`` cells)."""
    columns = 100
    rows = max(count // (2 * columns), 1)
    step_x, step_y = 555 / columns, 800 / rows
    lines = [b"0.3 w"]
    for r in range(rows):
        y = 820 - r * step_y
        for c in range(columns):
            x = 20 + c * step_x
            lines.append(b"%.2f %.2f m %.2f %.2f l S" % (x, y, x + step_x, y))
            lines.append(b"%.2f %.2f m %.2f %.2f l S" % (x, y, x, y - step_y))
    return pdf_document([b"\n".join(lines)])


def pdf_rulings_without_grid(count: int = 20_000) -> bytes:
    """One page of ``count`` short rulings across that make no grid (no line down), and a line of
    text: a table finder asked about such a page compares rulings pairwise."""
    lines = [b"0.3 w"]
    for i in range(count):
        x, y = 20 + (i % 50) * 11, 20 + (i // 50) * 2.0
        lines.append(b"%.2f %.2f m %.2f %.2f l S" % (x, y, x + 8, y))
    lines.append(b"BT /F1 10 Tf 100 800 Td (Hello 1 2 3) Tj ET")
    return pdf_document([b"\n".join(lines)])


def pdf_grid(rows: int = 300, columns: int = 300, pages: int = 20) -> bytes:
    """``pages`` pages, each a ruled ``rows`` × ``columns`` table with a digit in every cell."""
    left, top, width, height = 10.0, 832.0, 575.0, 822.0
    step_x, step_y = width / columns, height / rows
    parts = [b"0.2 w"]
    for r in range(rows + 1):
        y = top - r * step_y
        parts.append(b"%.3f %.3f m %.3f %.3f l S" % (left, y, left + width, y))
    for c in range(columns + 1):
        x = left + c * step_x
        parts.append(b"%.3f %.3f m %.3f %.3f l S" % (x, top, x, top - height))
    size = min(step_x, step_y) * 0.6
    parts.append(b"BT /F1 %.3f Tf" % size)
    for r in range(rows):
        y = top - (r + 0.7) * step_y
        for c in range(columns):
            x = left + (c + 0.3) * step_x
            parts.append(b"1 0 0 1 %.3f %.3f Tm (%d) Tj" % (x, y, (r + c) % 10))
    parts.append(b"ET")
    return pdf_document([b"\n".join(parts)] * pages, share_content=True)


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/></Relationships>'
)


def xlsx_workbook(sheet_data: bytes, after: bytes = b"", dimension: str | None = None) -> bytes:
    """A one-sheet workbook around ``<sheetData>`` content (and what follows it, e.g. merges)."""
    head = b'<dimension ref="%s"/>' % dimension.encode() if dimension else b""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + head
        + b"<sheetData>"
        + sheet_data
        + b"</sheetData>"
        + after
        + b"</worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def _inline(ref: str, text: str) -> bytes:
    return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), text.encode())


def xlsx_far_corners() -> bytes:
    """Cells A1 and XFD1048576 only: a reader walking the used range visits 10^10 positions."""
    return xlsx_workbook(
        b'<row r="1">' + _inline("A1", "a") + b"</row>"
        b'<row r="1048576">' + _inline("XFD1048576", "z") + b"</row>",
        dimension="A1:XFD1048576",
    )


def xlsx_whole_sheet_merge() -> bytes:
    """One cell merged over the whole sheet (A1:XFD1048576)."""
    return xlsx_workbook(
        b'<row r="1">' + _inline("A1", "a") + b"</row>",
        after=b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    )


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MB = 1024 * 1024


def docx_spanned_rows(span: int = 1000, rows: int = 100_000) -> bytes:
    """A Word table of one cell spanning ``span`` grid columns (``gridSpan``) continued by
    ``vMerge`` over ``rows`` rows: ``span × rows`` cells covered by ``rows`` elements. Stored, not
    deflated (deflated, the compression ratio refuses it before the table is read)."""
    cell = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="%d"/>%s</w:tcPr><w:p/></w:tc></w:tr>'
    body = cell % (span, '<w:vMerge w:val="restart"/>') + cell % (span, "<w:vMerge/>") * (rows - 1)
    xml = f'<w:document xmlns:w="{_W}"><w:body><w:tbl>{body}</w:tbl></w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def html_colspan_rows(span: int = 1000, rows: int = 99_000) -> bytes:
    """An HTML table of one ``colspan`` cell, then ``rows`` one-cell rows: a grid of ``span × rows``
    positions from ``rows + 1`` cells (end tags left out, as HTML allows: two tags a row)."""
    cells = f'<tr><td colspan="{span}">x' + "<tr><td>1" * rows
    return f"<html><body><table>{cells}</table></body></html>".encode()


def html_large_table(rows: int = 100_000, columns: int = 13, size: int = 49 * _MB) -> bytes:
    """A web page of ``size`` bytes holding one table of ``rows × columns`` cells (1.3 million)."""
    row = "<tr>" + "<td>1</td>" * columns + "</tr>"
    page = ("<html><body><table>" + row * rows + "</table></body></html>").encode()
    return page + b" " * max(size - len(page), 0)


def docx_many_tables(tables: int = 22, rows: int = 9_999, columns: int = 10) -> bytes:
    """A Word document of ``tables`` tables of ``rows × columns`` cells, each table under the
    per-table limit (2.2 million cells in all), padded with random text so that its compression
    ratio passes: a 580 KB file."""
    import base64
    import random

    padding = base64.b64encode(random.Random(15).randbytes(300_000)).decode()
    row = "<w:tr>" + "<w:tc><w:p/></w:tc>" * columns + "</w:tr>"
    table = "<w:tbl>" + row * rows + "</w:tbl>"
    xml = (
        f'<w:document xmlns:w="{_W}"><!--{padding}--><w:body>{table * tables}</w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def html_many_tables(tables: int = 90, rows: int = 9_999, columns: int = 10) -> bytes:
    """A web page (48 MB) of ``tables`` tables of ``rows × columns`` cells, each under the per-table
    limit: 9 million cells in all (end tags left out, as HTML allows)."""
    table = "<table>" + ("<tr>" + "<td>1" * columns) * rows + "</table>"
    return ("<html><body>" + table * tables + "</body></html>").encode()


def html_many_paragraphs(size: int = 49 * _MB) -> bytes:
    """A web page of ``size`` bytes of short paragraphs (8.5 million, end tags left out)."""
    return b"<html><body>" + b"<p>1 2" * (size // 6 - 5) + b"</body></html>"


def docx_many_paragraphs(paragraphs: int = 1_200_000) -> bytes:
    """A Word document of ``paragraphs`` short paragraphs (45 MB of XML, 7 million tags), padded
    with random text so that its compression ratio passes: a 430 KB file."""
    import base64
    import random

    padding = base64.b64encode(random.Random(15).randbytes(300_000)).decode()
    body = "<w:p><w:r><w:t>1 2</w:t></w:r></w:p>" * paragraphs
    xml = f'<w:document xmlns:w="{_W}"><!--{padding}--><w:body>{body}</w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def text_file(size: int = 49 * _MB) -> bytes:
    """``size`` bytes of report-like text lines."""
    line = "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119\n".encode()
    return line * (size // len(line))


BOMBS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "pdf-3m-characters-on-a-page": ("chars.pdf", pdf_many_characters),
    "pdf-10m-characters-on-a-page": ("chars10m.pdf", lambda: pdf_many_characters(10_000_000)),
    "pdf-30k-character-form-drawn-300-times": ("form.pdf", pdf_form_drawn_many_times),
    "pdf-content-inflating-to-210mib": ("inflate.pdf", pdf_inflating_content),
    "pdf-500-pages-of-180k-characters": ("pages.pdf", pdf_many_pages_of_characters),
    "pdf-24k-rulings": ("rulings.pdf", pdf_rulings),
    "pdf-20k-rulings-without-grid": ("lines.pdf", pdf_rulings_without_grid),
    "pdf-300x300-grid-on-20-pages": ("grid.pdf", pdf_grid),
    "xlsx-far-corners": ("corners.xlsx", xlsx_far_corners),
    "xlsx-whole-sheet-merge": ("merge.xlsx", xlsx_whole_sheet_merge),
    "docx-gridspan-1000-vmerge-100k-rows": ("spans.docx", docx_spanned_rows),
    "html-colspan-1000-then-99k-rows": ("colspan.html", html_colspan_rows),
    "html-49mb-page-1.3m-cell-table": ("cells.html", html_large_table),
    "docx-22-tables-of-99990-cells": ("tables.docx", docx_many_tables),
    "html-90-tables-of-99990-cells": ("tables.html", html_many_tables),
    "html-49mb-of-paragraphs": ("paragraphs.html", html_many_paragraphs),
    "docx-45mb-of-paragraphs": ("paragraphs.docx", docx_many_paragraphs),
    "text-49mb": ("lines.txt", text_file),
}
"""Name → (file name, generator) of every structural bomb; each must end under the limits. The
xlsx bombs need the ``govinfo-report-xlsx`` plugin."""

LIMIT_NAMED: dict[str, str | None] = {
    # Counted from the strings of the content streams (forms times their draws), before PDFium.
    "pdf-3m-characters-on-a-page": "max_page_chars",
    "pdf-10m-characters-on-a-page": "max_page_chars",
    "pdf-30k-character-form-drawn-300-times": "max_page_chars",
    "pdf-content-inflating-to-210mib": "max_unpacked_bytes",
    "pdf-500-pages-of-180k-characters": "max_document_chars",
    "pdf-24k-rulings": None,  # a 12,000-cell table is allowed: read, quickly
    "pdf-20k-rulings-without-grid": None,  # read as text lines, no table finder
    "pdf-300x300-grid-on-20-pages": "max_document_cells",
    "xlsx-far-corners": "max_table_cells",
    "xlsx-whole-sheet-merge": "max_table_cells",
    # 900,000 tags: refused by their count before the spans are; the spans' bound is shown at its
    # edge in tests/test_bounded_cost_web_word.py.
    "docx-gridspan-1000-vmerge-100k-rows": "max_elements",
    "html-colspan-1000-then-99k-rows": "max_table_cells",
    "html-49mb-page-1.3m-cell-table": "max_table_cells",
    "docx-22-tables-of-99990-cells": "max_document_cells",
    "html-90-tables-of-99990-cells": "max_document_cells",
    "html-49mb-of-paragraphs": "max_elements",
    "docx-45mb-of-paragraphs": "max_elements",
    "text-49mb": "max_text_bytes",
}
"""The limit each bomb's refusal names (``None``: read to the end, a report or "not a report")."""

_CHILD = """
import json, resource, sys, time
memory = int(sys.argv[2]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
import govinfo_report as gr
from govinfo_report.testing.bombs import BOMBS
file_name, make = BOMBS[sys.argv[1]]
data = make()
started = time.perf_counter()
try:
    gr.read(data, name=file_name)
    outcome = "report"
except gr.ReportReadError as exc:
    outcome = "refused: " + str(exc)
except MemoryError:
    outcome = "OVER MEMORY"
print(json.dumps({"outcome": outcome, "bytes": len(data),
                  "seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def read_in_child(name: str, *, memory_mb: int = 3072, seconds: float = 600.0) -> dict[str, Any]:
    """Read bomb ``name`` in a child process whose address space is capped at ``memory_mb``
    (Unix), given ``seconds`` in all. Returns ``outcome`` (``report``, ``refused: <message>``,
    ``OVER MEMORY``, ``OVER TIME (…)`` or ``CRASH …``), and when it finished ``bytes``,
    ``seconds`` (of reading, not generating) and ``peak_mb`` (peak resident memory)."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, name, str(memory_mb)],
            capture_output=True,
            text=True,
            timeout=seconds,
        )
    except subprocess.TimeoutExpired:
        return {"outcome": f"OVER TIME ({seconds:g} s)"}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return {"outcome": f"CRASH (exit {done.returncode}) {done.stderr[-300:]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result
