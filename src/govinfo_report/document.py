"""The document: what a reader produces and the interpreter consumes.

A reader knows one file format and nothing of the template. It emits the document's blocks in reading
order: paragraphs (a line or paragraph of text) and tables (cell grids with spans resolved), each piece
with its :class:`~govinfo_report.values.Provenance`. Third-party readers (OCR, spreadsheets, portals)
only have to build a :class:`Document`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from .findings import Finding
from .values import Provenance

__all__ = [
    "BREADCRUMB",
    "PAGE_CHROME",
    "PAGE_TITLE",
    "Document",
    "GridCell",
    "Paragraph",
    "Table",
    "merged_cell_ids",
]

PAGE_TITLE = "page-title"
"""Role of the text of a web page's ``<title>`` (often the report's title and the site's name)."""
BREADCRUMB = "breadcrumb"
"""Role of a breadcrumb trail (``当前位置：首页 > 政府信息公开 > 年报``)."""
PAGE_CHROME = "chrome"
"""Role of the page's furniture: navigation bars, footers, share and font-size bars, print links."""


@attrs.frozen
class Paragraph:
    """A paragraph or a line of text."""

    text: str
    provenance: Provenance = Provenance()
    role: str | None = None
    """What the paragraph is in its page, when the format says so (:data:`PAGE_TITLE`,
    :data:`BREADCRUMB`, :data:`PAGE_CHROME`); ``None`` for the document's own text. Readers know
    pages, not the template: a role never names a section of the report."""


@attrs.frozen
class GridCell:
    """One cell of a table as printed, at its top-left grid position, with its span."""

    text: str
    row: int
    column: int
    row_span: int = 1
    column_span: int = 1
    provenance: Provenance = Provenance()


@attrs.frozen
class Table:
    """A table as a rectangular grid. A merged cell is stored once; :meth:`grid` repeats it over
    every position it covers, so a row can be read left to right without knowing the spans."""

    cells: tuple[GridCell, ...]
    provenance: Provenance = Provenance()

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)`` of the grid."""
        cells = self.cells
        rows = max([c.row + c.row_span for c in cells], default=0)
        columns = max([c.column + c.column_span for c in cells], default=0)
        return rows, columns

    def grid(self) -> list[list[GridCell | None]]:
        """Rows of the grid; ``None`` where no cell covers a position.

        It costs rows × columns; readers bound that by ``max_table_cells``, but :meth:`rows`
        costs only the cells and is the cheaper way to walk a table row by row."""
        rows, columns = self.shape
        grid: list[list[GridCell | None]] = [[None] * columns for _ in range(rows)]
        for cell in self.cells:
            column, span = cell.column, cell.column_span
            for r in range(cell.row, cell.row + cell.row_span):
                if span == 1:
                    grid[r][column] = cell
                    continue
                for c in range(column, column + span):
                    grid[r][c] = cell
        return grid

    def rows(self) -> list[tuple[GridCell, ...]]:
        """Each row of the grid as the cells that cover it, left to right, a merged cell in every
        row it spans (once per row, however many columns it covers): what :meth:`grid` gives
        read row by row, at the cost of the cells rather than of the rectangle. Where cells
        overlap (broken spans) every one of them is listed."""
        count = max((c.row + c.row_span for c in self.cells), default=0)
        rows: list[list[GridCell]] = [[] for _ in range(count)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                rows[r].append(cell)
        return [tuple(sorted(row, key=_column)) if len(row) > 1 else tuple(row) for row in rows]

    @classmethod
    def from_rows(cls, rows: list[list[str]], provenance: Provenance = Provenance()) -> Table:
        """A table without merged cells from rows of texts (rows may differ in length)."""
        cells = tuple(
            GridCell(
                text,
                r,
                c,
                provenance=attrs.evolve(provenance, row=r, column=c),
            )
            for r, row in enumerate(rows)
            for c, text in enumerate(row)
        )
        return cls(cells, provenance)


def _column(cell: GridCell) -> int:
    return cell.column


Block = Paragraph | Table


@attrs.frozen
class Document:
    """A read document: blocks in reading order, and what the reader itself had to report."""

    blocks: tuple[Block, ...]
    source: str = "<input>"
    findings: tuple[Finding, ...] = ()
    """Findings made by the reader (e.g. tables that are images), passed on to the result."""
    page: tuple[Paragraph, ...] = ()
    """Text of the page around the document (a web page's ``<title>``, breadcrumb, navigation,
    footer), each paragraph with its :attr:`Paragraph.role`, in reading order. It is not part of
    :attr:`blocks`, so it never reaches the report's text; metadata may be read from it."""

    def paragraphs(self) -> Iterator[Paragraph]:
        return (b for b in self.blocks if isinstance(b, Paragraph))

    def tables(self) -> Iterator[Table]:
        return (b for b in self.blocks if isinstance(b, Table))


def merged_cell_ids(
    rows: int,
    columns: int,
    open_right: Callable[[int, int], bool],
    open_below: Callable[[int, int], bool],
) -> list[list[int]]:
    """The cells of a ruled grid merged where no ruling separates them (PDF drawings, page images).

    ``open_right(r, c)`` says no ruling stands between grid cells ``(r, c)`` and ``(r, c + 1)``,
    ``open_below(r, c)`` none between ``(r, c)`` and ``(r + 1, c)``. Returns, for every grid cell,
    the id of the merged cell it belongs to: equal ids, one printed cell.
    """
    parent = list(range(rows * columns))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(columns - 1):
            if open_right(r, c):
                parent[find(r * columns + c + 1)] = find(r * columns + c)
    for c in range(columns):
        for r in range(rows - 1):
            if open_below(r, c):
                parent[find((r + 1) * columns + c)] = find(r * columns + c)
    return [[find(r * columns + c) for c in range(columns)] for r in range(rows)]
