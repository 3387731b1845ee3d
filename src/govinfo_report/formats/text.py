"""The text reader: reports exported from Word or copied from web pages as plain text or Markdown,
and the text other converters (pandoc, html2text, markitdown, w3m) write.

It knows text layouts, not the template. These table layouts are rebuilt into rows of cells:

- one cell per line, each cell line starting with a tab, rows separated by blank lines (Word export);
  a short line without a tab right after a label cell continues it (a label wrapped in its cell);
- cells ending in ``|``, each row opened by a line holding ``|`` alone (web page text);
- tab-separated cells, one row per line (Word, WPS, spreadsheets);
- Markdown pipe tables (``| a | b |``), and pipe tables without outer pipes (``a | b``) under a
  delimiter row (``---|---``), their rows running to the next blank line (html2text);
- pandoc's tables without a header between two identical rules of one dash run per column
  (``-------- ---- ----``): each line cut at the runs' places, so a blank cell stays in its column;
  the lines of a multiline table's row (rows between blank lines) joined per column;
- grid tables drawn with ``+---+`` borders and ``|`` sides (pandoc), or with box-drawing characters
  (``┌─┬─┐``, ``│``; w3m): each cell is the rectangle its borders close, so merged cells keep their
  spans and a cell's lines are joined (without a space between two CJK characters);
- HTML ``<table>`` elements inside Markdown (pandoc, markitdown), read by the HTML reader under the
  same limits.

Rule lines (runs of dashes or ``=`` between spaces, as pandoc draws above and below a table) are
layout, not text. Markdown heading marks, list bullets and emphasis (``**bold**``) are removed from
paragraphs. Every other line is a paragraph. Each cell keeps its line number.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterable
from unicodedata import east_asian_width

from ..document import Block, Document, GridCell, Paragraph, Table
from ..errors import ReportReadError
from ..hookspecs import hookimpl
from ..limits import current_limits
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
# A table's rule: dashes and "=" between spaces, "+" and ":", with a run of two or more (pandoc's
# simple and multiline tables, a grid table's borders), never a paragraph or a row.
_RULE = re.compile(r"^(?=.*(?:--|==))[-=\s+:]+$")
# A border line of a grid table: "+" corners, "-"/"=" edges, ":" alignment marks, "|" where a
# merged cell crosses it; it starts and ends with a corner or a side.
_GRID_BORDER = re.compile(r"^[+|](?:[-=:| ]*\+)+[-=:| ]*[+|]$")
_GRID_HAS_EDGE = re.compile(r"\+[-=:]")
_GRID_EDGES = frozenset("-=:+")
_GRID_SIDES = frozenset("|+")
# Grids larger than this (lines × display columns) are read line by line: the rectangle scan
# must stay bounded on hostile input.
_GRID_MAX_AREA = 4_000_000
# Grids inside grid cells read as layout down to this depth; deeper ones are cells of text.
_LAYOUT_DEPTH = 4
# The rule above and below a pandoc simple or multiline table without a header: a run of dashes
# per column, the runs giving the columns' places.
_COLUMN_RULE = re.compile(r"^ *-{2,}(?: +-{2,})+ *$")
_COLUMN_RULED_MAX_LINES = 2000
_PIPELESS_DELIMITER = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?$")
_ONE_COLUMN_DELIMITER = re.compile(r"^:?-{3,}:?$")
_BOX_DRAWING = re.compile("[\u2500-\u257f]")
_HTML_TABLE_TAG = re.compile(r"<(/?)table\b", re.IGNORECASE)
# Emphasis marks around a run of text: "**bold**", "__bold__", "*italic*", "_italic_" (a "_"
# only between non-word characters, so snake_case names keep theirs). A run holds no mark: an
# unclosed mark must not cost a scan of the rest of the line for every mark.
_STRONG = re.compile(r"(\*\*|__)(?=\S)([^*_]+?)(?<=\S)\1")
_EMPHASIS_STAR = re.compile(r"(?<!\*)\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?!\*)")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])([^_]+?)(?<=[^\s_])_(?![\w_])")


def _box_to_ascii() -> dict[int, str]:
    """Box-drawing characters as the grid-table characters they stand for."""
    table = {}
    for code in range(0x2500, 0x2580):
        words = set(unicodedata.name(chr(code), "").split())
        across = bool(words & {"LEFT", "RIGHT", "HORIZONTAL"})
        down = bool(words & {"UP", "DOWN", "VERTICAL"})
        if "DIAGONAL" in words:
            continue
        if "ARC" in words or (across and down):
            table[code] = "+"
        elif across:
            table[code] = "=" if "DOUBLE" in words and "DASH" not in words else "-"
        elif down:
            table[code] = "|"
    return table


_BOX_TO_ASCII = _box_to_ascii()
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


def _without_emphasis(text: str) -> str:
    """Paragraph text without Markdown's emphasis marks around its runs."""
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS_STAR.sub(r"\1", text)
    return _EMPHASIS_UNDERSCORE.sub(r"\1", text).strip()


class _Builder:
    """Accumulates rows into tables and lines into paragraphs, in reading order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.blocks: list[Block] = []
        self.rows: list[list[tuple[str, int]]] = []
        self.row: list[tuple[str, int]] | None = None
        self.cell_per_line = False
        self.tables = 0
        self.grid_cells = 0  # cells of grid tables so far, bounded by max_document_cells

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

    def add_grid(self, cells: list[_GridCellLines], line: int) -> None:
        """A grid table of its own: cells with spans, each at the line its text starts on."""
        self.end_table()
        self.grid_cells += len(cells)
        limit = current_limits().max_document_cells
        if self.grid_cells > limit:
            raise ReportReadError(
                self.name, code="limits.document_cells", limit=limit, place=f"line {line}"
            )
        self._append_table(
            (
                (
                    _join_pieces([piece.strip() for piece in pieces]),
                    row,
                    column,
                    row_span,
                    column_span,
                    line + offset,
                )
                for pieces, row, column, row_span, column_span, offset in cells
            ),
            line,
        )

    def add_blocks(self, blocks: list[Block], line: int) -> None:
        """Blocks read from HTML inside the text, numbered among the text's own tables."""
        self.end_table()
        for block in blocks:
            if isinstance(block, Paragraph):
                self.blocks.append(Paragraph(block.text, Provenance(source=self.name, line=line)))
                continue
            assert isinstance(block, Table)
            self._append_table(
                (
                    (cell.text, cell.row, cell.column, cell.row_span, cell.column_span, line)
                    for cell in block.cells
                ),
                line,
            )

    def _append_table(
        self, cells: Iterable[tuple[str, int, int, int, int, int]], line: int
    ) -> None:
        """A table with spans starting at ``line``, numbered among the text's tables: each cell as
        (text, row, column, row span, column span, its line)."""
        index = self.tables
        self.tables += 1
        name = self.name
        grid = tuple(
            [
                _new_grid_cell(
                    text,
                    row,
                    column,
                    row_span,
                    column_span,
                    _new_provenance(name, at, index, row, column),
                )
                for text, row, column, row_span, column_span, at in cells
            ]
        )
        self.blocks.append(Table(grid, Provenance(source=name, line=line, table=index)))

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
            if "*" in text or "_" in text:
                text = _without_emphasis(text)
        if text:
            self.blocks.append(Paragraph(text, Provenance(source=self.name, line=line)))


_WIDE_FILLER = "\0"  # the second display column of a wide character
# A grid table's cell: its lines, row, column, row span, column span, offset of its first line.
_GridCellLines = tuple[list[str], int, int, int, int, int]


def _display(line: str, ambiguous_wide: bool) -> str:
    """The line with a filler after each character two columns wide, so that an index is a
    display column: converters align grid tables by display width, a CJK character taking two.
    Characters of ambiguous width (``“``) take one column in some converters, two in others."""
    if line.isascii():
        return line
    wide = "WF" + ("A" if ambiguous_wide else "")
    return "".join(char + _WIDE_FILLER if east_asian_width(char) in wide else char for char in line)


def _holds_table(pieces: list[str]) -> bool:
    """Whether a grid cell's lines hold a table (a rule or a grid border among them)."""
    return any(_RULE.match(piece.strip()) or _GRID_BORDER.match(piece.strip()) for piece in pieces)


def _grid_end(lines: list[str], start: int, box_drawing: bool) -> int:
    """The index after the last line of the grid table starting at ``lines[start]``."""
    end = start + 1
    while end < len(lines):
        line = lines[end].strip()
        if box_drawing:
            line = line.translate(_BOX_TO_ASCII)
        if not line or line[0] not in "+|" or line[-1] not in "+|":
            break
        end += 1
    return end


def _grid_lines(lines: list[str], box_drawing: bool) -> list[str] | None:
    """The grid's lines in display columns, padded to one width; each line with characters of
    ambiguous width takes the widths that put more of its sides on the borders' corners."""
    if box_drawing:
        lines = [line.translate(_BOX_TO_ASCII) for line in lines]
    narrow = [_display(line.rstrip(), False) for line in lines]
    width = max(len(line) for line in narrow)
    if width * len(lines) > _GRID_MAX_AREA:
        return None
    corners = {
        x
        for line in narrow
        if _GRID_BORDER.match(line.strip())
        for x, char in enumerate(line)
        if char == "+"
    }
    for index, line in enumerate(lines):
        if not line.isascii() and any(east_asian_width(char) == "A" for char in line):
            wide = _display(line.rstrip(), True)
            on_corners = [
                sum(1 for x, char in enumerate(text) if char in _GRID_SIDES and x in corners)
                for text in (narrow[index], wide)
            ]
            if on_corners[1] > on_corners[0]:
                narrow[index] = wide
    width = max(len(line) for line in narrow)
    return [line.ljust(width) for line in narrow]


def _cell_from(grid: list[str], top: int, left: int, budget: list[int]) -> tuple[int, int] | None:
    """The bottom and right of the cell whose top-left corner is at (top, left): the smallest
    rectangle closed by edges, scanning the top edge rightwards and each side downwards."""
    height, width = len(grid), len(grid[0])
    row = grid[top]
    for right in range(left + 1, width):
        if row[right] not in _GRID_EDGES:
            return None
        if row[right] != "+":
            continue
        for bottom in range(top + 1, height):
            budget[0] -= 1
            char = grid[bottom][right]
            if char not in _GRID_SIDES:
                break
            if char != "+":
                continue
            base = grid[bottom]
            if (
                base[left] == "+"
                and all(base[x] in _GRID_EDGES for x in range(left, right))
                and all(grid[y][left] in _GRID_SIDES for y in range(top + 1, bottom))
            ):
                return bottom, right
        if budget[0] < 0:
            return None
    return None


def _join_pieces(pieces: list[str]) -> str:
    """A cell's lines as one text: no space between two CJK characters (a wrap inside a word),
    one space otherwise (a wrap at a space: ``7`` / ``6 133``)."""
    text = ""
    for piece in pieces:
        if not piece:
            continue
        if text and (text[-1].isascii() or piece[0].isascii()):
            text += " "
        text += piece
    return text


def _grid_cells(lines: list[str], box_drawing: bool, name: str, first: int) -> list[_GridCellLines]:
    """The cells of a grid table as (lines, row, column, row span, column span, line offset), or
    an empty list when the lines do not close into cells (then they are read line by line). More
    cells than ``max_table_cells`` is an error, raised as soon as the scan finds them."""
    grid = _grid_lines(lines, box_drawing)
    if grid is None:
        return []
    start = grid[0].find("+")
    if start < 0:
        return []
    budget = [8 * len(grid) * len(grid[0]) + 1000]
    limit = current_limits().max_table_cells
    rectangles = []
    pending, seen = [(0, start)], set()
    while pending:
        corner = pending.pop()
        if corner in seen:
            continue
        seen.add(corner)
        found = _cell_from(grid, *corner, budget)
        if budget[0] < 0:
            return []
        if found is None:
            continue
        top, left = corner
        bottom, right = found
        rectangles.append((top, left, bottom, right))
        if len(rectangles) > limit:
            raise ReportReadError(
                name, code="limits.table_cells", limit=limit, place=f"line {first}"
            )
        pending.append((top, right))
        pending.append((bottom, left))
    if not rectangles:
        return []
    rows = _boundary_indices({r[0] for r in rectangles} | {r[2] for r in rectangles})
    columns = _boundary_indices({r[1] for r in rectangles} | {r[3] for r in rectangles})
    cells = []
    for top, left, bottom, right in sorted(rectangles):
        row, column = rows[top], columns[left]
        row_span, column_span = rows[bottom] - row, columns[right] - column
        if row_span < 1 or column_span < 1:
            continue  # a rectangle with nothing inside (two rules a line apart)
        pieces = [
            grid[y][left + 1 : right].replace(_WIDE_FILLER, "").rstrip()
            for y in range(top + 1, bottom)
        ]
        cells.append((pieces, row, column, row_span, column_span, top + 1))
    return cells


def _boundary_indices(positions: set[int]) -> dict[int, int]:
    """Each edge position's index among the grid's lines; edges one position apart are one
    (w3m shifts a column's edge by one between rows; no cell fits between them)."""
    indices, index, previous = {}, -1, None
    for position in sorted(positions):
        if previous is None or position - previous > 1:
            index += 1
        indices[position] = index
        previous = position
    return indices


def _html_tables(
    lines: list[str], name: str
) -> dict[int, tuple[int, list[Block], list[Paragraph]]]:
    """The HTML tables written into the text (pandoc, markitdown), by the number of the line each
    starts on: the index after its last line, its blocks and its page furniture."""
    from .html import html_fragments_blocks

    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for index, line in enumerate(lines):
        if "<" not in line:
            continue
        for match in _HTML_TABLE_TAG.finditer(line):
            if match.group(1):
                if depth:
                    depth -= 1
                    if depth == 0:
                        spans.append((start, index + 1))
            else:
                if depth == 0:
                    start = index
                depth += 1
    if depth:
        spans.append((start, len(lines)))  # never closed: to the end, as a browser reads it
    if not spans:
        return {}
    # A span may start on a line that closed the one before: the spans are merged then.
    merged: list[tuple[int, int]] = []
    for begin, end in spans:
        if merged and begin < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    read = html_fragments_blocks(["\n".join(lines[b:e]) for b, e in merged], name)
    return {
        begin + 1: (end, blocks, furniture)
        for (begin, end), (blocks, furniture) in zip(merged, read, strict=True)
    }


def _column_ruled_rows(lines: list[str]) -> list[list[tuple[str, int]]] | None:
    """The rows of a table between two identical column rules (pandoc's simple and multiline
    tables): each line cut at the places of the rule's runs (display columns), the lines of a row
    of a multiline table (rows between blank lines) joined per column. ``None`` when a line has
    text between two runs' places (a cell wider than its column): then the lines are read one by
    one."""
    rule = lines[0]
    starts = [match.start() for match in re.finditer(r"-+", rule)]
    ends = [match.end() for match in re.finditer(r"-+", rule)]
    body = lines[1:-1]
    cut: list[list[str] | None] = []
    for line in body:
        if not line.strip() or _RULE.match(line.strip()):
            cut.append(None)
            continue
        for ambiguous_wide in (False, True):
            shown = _display(line.rstrip(), ambiguous_wide)
            gaps = "".join(shown[end:start] for end, start in zip(ends, starts[1:], strict=False))
            if not gaps.strip():
                break
        else:
            return None
        bounds = [*starts[1:], len(shown)]
        cut.append(
            [
                shown[start:bound].replace(_WIDE_FILLER, "").strip()
                for start, bound in zip(starts, bounds, strict=True)
            ]
        )
    multiline = any(cells is None for cells in cut)
    rows: list[list[tuple[str, int]]] = []
    group: list[tuple[list[str], int]] = []
    for offset, cells in enumerate([*cut, None]):
        if cells is not None:
            group.append((cells, offset + 1))
            if multiline:
                continue
        if group:
            first = group[0][1]
            joined = [_join_pieces([cells[i] for cells, _ in group]) for i in range(len(starts))]
            rows.append([(text, first) for text in joined])
        group = []
    return rows


def _closing_rule(lines: list[str], at: int) -> int | None:
    """The index of the line repeating the column rule ``lines[at]``, if one follows soon."""
    rule = lines[at].rstrip()
    for index in range(at + 1, min(len(lines), at + _COLUMN_RULED_MAX_LINES)):
        if lines[index].rstrip() == rule:
            return index
    return None


def _split_pipes(row: str) -> list[str]:
    r"""The cells of a pipe-table row, ``\|`` being a bar inside a cell."""
    if "\\|" not in row:
        return row.split("|")
    return [cell.replace("\0", "|") for cell in row.replace("\\|", "\0").split("|")]


def _pipeless_cells(row: str, outer: tuple[bool, bool]) -> list[str]:
    """The cells of a row of a pipe table without outer pipes; a bar at either end is an outer
    pipe only where the delimiter row has one (else it bounds an empty first or last cell)."""
    row = _LINE_BREAK.sub("\n", row)
    if outer[0] and row.startswith("|"):
        row = row[1:]
    if outer[1] and row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return _split_pipes(row)


def _pipeless_table_at(lines: list[str], at: int) -> bool:
    """Whether ``lines[at]`` heads a pipe table without outer pipes: a delimiter row follows."""
    if at + 1 >= len(lines):
        return False
    header = lines[at].strip()
    if not header or _RULE.match(header):
        return False
    delimiter = lines[at + 1].strip()
    if _PIPELESS_DELIMITER.match(delimiter):
        outer = (delimiter.startswith("|"), delimiter.endswith("|"))
        return len(_pipeless_cells(header, outer)) == len(_pipeless_cells(delimiter, outer))
    # One column (html2text's header of a merged title cell, after the empty cell of a layout
    # table around it, if any): "---" alone, then rows with bars.
    return (
        _ONE_COLUMN_DELIMITER.match(delimiter) is not None
        and sum(1 for cell in _split_pipes(header) if cell.strip()) == 1
        and at + 2 < len(lines)
        and "|" in lines[at + 2]
    )


def read_text(data: bytes, name: str) -> Document:
    """Read a text report into a :class:`Document`."""
    text = decode_text(data, name)
    lines = text.splitlines()
    # Word's bookmark marks are rare: most texts skip the substitution on every line.
    if "[bookmark:" in text:
        lines = [_WORD_ARTIFACTS.sub("", line) for line in lines]
    html_read = _html_tables(lines, name) if "<table" in text.lower() else {}
    builder = _Builder(name)
    page: list[Paragraph] = []
    box_drawing = _BOX_DRAWING.search(text) is not None
    _read_lines(lines, 1, builder, page, html_read, box_drawing, 0)
    builder.end_table()
    return Document(tuple(builder.blocks), source=name, page=tuple(page))


def _read_lines(
    lines: list[str],
    first: int,
    builder: _Builder,
    page: list[Paragraph],
    html_read: dict[int, tuple[int, list[Block], list[Paragraph]]],
    box_drawing: bool,
    depth: int,
) -> None:
    """Read ``lines`` (the first being line ``first`` of the file) into ``builder``."""
    name = builder.name
    bar_rows = False
    pipeless = False  # inside a pipe table without outer pipes
    pipeless_outer = (False, False)  # whether its delimiter row has a leading, a trailing bar
    at = 0
    count = len(lines)
    while at < count:
        line = lines[at]
        number = first + at
        at += 1
        if box_drawing and _BOX_DRAWING.search(line):
            line = line.translate(_BOX_TO_ASCII)
        if number in html_read:
            end, blocks, furniture = html_read[number]
            builder.add_blocks(blocks, number)
            page.extend(
                Paragraph(p.text, Provenance(source=name, line=number), p.role) for p in furniture
            )
            at = end
            continue
        stripped = line.strip()
        tabbed = line.startswith("\t")
        if not stripped:
            pipeless = False
            if tabbed:
                builder.add_cell("", number)  # an empty cell of a one-cell-per-line row
            else:
                builder.end_row()
            continue
        if pipeless:
            if stripped[0] != "#":  # a heading ends the table; any other line is a row
                if not _PIPE_SEPARATOR.match(stripped):
                    builder.add_row(_pipeless_cells(stripped, pipeless_outer), number)
                continue
            pipeless = False
        if stripped[0] in "+|" and _GRID_BORDER.match(stripped):
            end = _grid_end(lines, at - 1, box_drawing)
            grid = _grid_cells(lines[at - 1 : end], box_drawing, name, number)
            if grid and depth < _LAYOUT_DEPTH and any(_holds_table(cell[0]) for cell in grid):
                # A grid that holds a table is the page's layout: its cells are read as text.
                for pieces, _, _, _, _, offset in sorted(grid, key=lambda cell: cell[1:3]):
                    builder.end_table()
                    _read_lines(pieces, number + offset, builder, page, {}, False, depth + 1)
                at = end
                continue
            if grid:
                builder.add_grid(grid, number)
                at = end
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
            if _PIPE_SEPARATOR.match(stripped) or _GRID_BORDER.match(stripped):
                continue
            # Converters write a line break inside a cell as <br>.
            cells = _split_pipes(_LINE_BREAK.sub("\n", stripped).strip("|"))
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
        if _RULE.match(stripped):
            if _COLUMN_RULE.match(line):
                closing = _closing_rule(lines, at - 1)
                rows = _column_ruled_rows(lines[at - 1 : closing + 1]) if closing else None
                if closing and rows:
                    builder.end_table()
                    for row in rows:
                        builder.rows.append([(text, number + offset) for text, offset in row])
                    builder.end_table()
                    at = closing + 1
                    continue
            builder.end_row()  # a table's rule (pandoc's simple tables): layout, not text
            continue
        if at < count and "-" in lines[at] and _pipeless_table_at(lines, at - 1):
            builder.end_table()
            delimiter = lines[at].strip()
            pipeless_outer = (delimiter.startswith("|"), delimiter.endswith("|"))
            builder.add_row(_pipeless_cells(stripped, pipeless_outer), number)
            at += 1  # the delimiter row
            pipeless = True
            continue
        if builder.continues_cell(stripped):
            assert builder.row is not None
            previous, where = builder.row[-1]
            builder.row[-1] = (previous + stripped, where)
            continue
        builder.add_paragraph(stripped, number)


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
            description="Plain text or Markdown: one cell per line, '|' cells, tab-separated rows, "
            "pipe, grid and box-drawing tables, HTML tables inside Markdown.",
        )
    )
