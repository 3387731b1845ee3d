"""The text reader: reports exported from Word or copied from web pages as plain text or Markdown.

It knows text layouts, not the template. Four table layouts are rebuilt into rows of cells:

- one cell per line, each cell line starting with a tab, rows separated by blank lines (Word export);
  a short line without a tab right after a label cell continues it (a label wrapped in its cell);
- cells ending in ``|``, each row opened by a line holding ``|`` alone (web page text);
- tab-separated cells, one row per line (Word, WPS, spreadsheets);
- Markdown pipe tables (``| a | b |``); Markdown heading marks and list bullets are removed from
  paragraphs.

Every other line is a paragraph. Each cell keeps its line number.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from ..document import Block, Document, GridCell, Paragraph, Table
from ..errors import ReportReadError
from ..hookspecs import hookimpl
from ..plugins import Reader, ReadFunction
from ..values import Provenance, slot_constructor

__all__ = ["decode_text", "read_text"]

_WORD_ARTIFACTS = re.compile(r"\[bookmark:[^\]]*\]")
_MARKDOWN_PREFIX = re.compile(r"^(?:#{1,6}\s+|[-*+]\s+|>\s*)")
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_LOOKS_LIKE_TITLE = re.compile(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[)）]")
_NUMBERISH = re.compile(r"^[\s\d０-９,.+\-％%]+$")
_CONTINUATION_MAX = 12
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A page number between the lines of a PDF copy ("- 5 -"); not a Markdown bullet.
_PAGE_NUMBER = re.compile(r"^[-－—]\s*\d{1,4}\s*[-－—]?$")
# Every cell is a grid cell with its own provenance: built by the slot setters (same objects).
_new_grid_cell: Callable[..., GridCell] = slot_constructor(GridCell)
_new_provenance: Callable[..., Provenance] = slot_constructor(
    Provenance, "source", "line", "table", "row", "column"
)


def decode_text(data: bytes, name: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        # Where UTF-8 failed is the useful place: the file is most likely UTF-8 cut or damaged
        # there, and GB18030 (which accepts most bytes) fails later or elsewhere.
        utf8_at = bom + utf8_error.start
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReportReadError(name, code="text.undecodable", place=f"byte {utf8_at}") from exc


class _Builder:
    """Accumulates rows into tables and lines into paragraphs, in reading order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.blocks: list[Block] = []
        self.rows: list[list[tuple[str, int]]] = []
        self.row: list[tuple[str, int]] | None = None
        self.cell_per_line = False
        self.tables = 0

    def end_row(self) -> None:
        if self.row is not None:
            self.rows.append(self.row)
        self.row = None

    def end_table(self) -> None:
        self.end_row()
        self.cell_per_line = False
        if not self.rows:
            return
        index = self.tables  # tables appended so far
        self.tables += 1
        name = self.name
        cells = tuple(
            [
                _new_grid_cell(text, r, c, 1, 1, _new_provenance(name, line, index, r, c))
                for r, row in enumerate(self.rows)
                for c, (text, line) in enumerate(row)
            ]
        )
        first_line = self.rows[0][0][1] if self.rows[0] else None
        self.blocks.append(Table(cells, Provenance(source=self.name, line=first_line, table=index)))
        self.rows = []

    def add_row(self, cells: list[str], line: int) -> None:
        self.end_row()
        self.rows.append([(cell.strip(), line) for cell in cells])

    def add_cell(self, text: str, line: int) -> None:
        if self.row is None:
            self.row = []
        self.row.append((text.strip(), line))
        self.cell_per_line = True

    def continues_cell(self, text: str) -> bool:
        """Whether a tab-less line is the wrapped rest of the previous label cell."""
        if not self.cell_per_line or not self.row:
            return False
        previous = self.row[-1][0]
        return (
            bool(previous)
            and not _NUMBERISH.match(previous)
            and len(text) <= _CONTINUATION_MAX
            and not _NUMBERISH.match(text)
            and not _LOOKS_LIKE_TITLE.match(text)
        )

    def add_paragraph(self, text: str, line: int) -> None:
        self.end_table()
        if not _PAGE_NUMBER.match(text):
            text = _MARKDOWN_PREFIX.sub("", text).strip()
        if text:
            self.blocks.append(Paragraph(text, Provenance(source=self.name, line=line)))


def read_text(data: bytes, name: str) -> Document:
    """Read a text report into a :class:`Document`."""
    text = decode_text(data, name)
    builder = _Builder(name)
    bar_rows = False
    # Word's bookmark marks are rare: most texts skip the substitution on every line.
    artifacts = "[bookmark:" in text
    for number, line in enumerate(text.splitlines(), start=1):
        if artifacts:
            line = _WORD_ARTIFACTS.sub("", line)
        stripped = line.strip()
        tabbed = line.startswith("\t")
        if not stripped:
            if tabbed:
                builder.add_cell("", number)  # an empty cell of a one-cell-per-line row
            else:
                builder.end_row()
            continue
        if line == "|":
            # A bar alone opens a row of "cell |" lines (web page text).
            builder.end_row()
            builder.row = []
            bar_rows = True
            continue
        if stripped[0] == "|" and stripped.endswith("|") and stripped.count("|") >= 2:
            if set(stripped) <= {"|"}:
                continue  # padding of a "cell |" row
            if _PIPE_SEPARATOR.match(stripped):
                continue
            # Converters write a line break inside a cell as <br>.
            cells = _LINE_BREAK.sub("\n", stripped).strip("|").split("|")
            builder.add_row(cells, number)
            continue
        if bar_rows and builder.row is not None and stripped.endswith("|"):
            builder.row.append((stripped.rstrip("|").strip(), number))
            continue
        bar_rows = False
        if "\t" in line and (not tabbed or "\t" in line.strip("\t")):
            builder.add_row(line.split("\t"), number)
            continue
        if tabbed:  # builder.add_cell(stripped, number), inline: most lines of a Word export
            if builder.row is None:
                builder.row = []
            builder.row.append((stripped, number))
            builder.cell_per_line = True
            continue
        if builder.continues_cell(stripped):
            assert builder.row is not None
            previous, at = builder.row[-1]
            builder.row[-1] = (previous + stripped, at)
            continue
        builder.add_paragraph(stripped, number)
    builder.end_table()
    return Document(tuple(builder.blocks), source=name)


def _sniff_text(head: bytes, name: str) -> float:
    lowered = name.lower()
    if lowered.endswith((".txt", ".md", ".markdown", ".text")):
        return 0.6
    if b"\x00" in head[:1024] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return 0.0
    if head.lstrip().startswith((b"{", b"<", b"%PDF", b"PK")):
        return 0.0
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        sample = head[: exc.start].decode("utf-8")
    return 0.3 if "政府信息公开" in sample else 0.05


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    function: ReadFunction = read_text
    register(
        Reader(
            "text",
            load=lambda: function,
            suffixes=(".txt", ".md", ".markdown", ".text"),
            media_types=("text/plain", "text/markdown"),
            sniff=_sniff_text,
            description="Plain text or Markdown: one cell per line, '|' cells, tab-separated rows.",
        )
    )
