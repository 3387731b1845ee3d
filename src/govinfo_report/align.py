"""Turning what a reader produced into a stream of label fragments and value runs.

Format-free helpers of the interpreter: a line of text becomes a row (its label, then its trailing run
of values), a cell printed with several values (``3001 53``, as converters merge neighbouring cells)
becomes one piece per value, and page furniture (``- 5 -``, ``第 2 页``) is recognised as such. Each
piece keeps the provenance of the text it came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import attrs

from .document import GridCell, Paragraph

__all__ = [
    "ValuePiece",
    "is_page_furniture",
    "is_placeholder",
    "paragraph_row",
    "split_value_cells",
    "value_tokens",
]

# A value: a number (with a unit), a marker, or a number with its note (``9（其中修订2件）``).
_VALUE_TOKEN = re.compile(
    r"^[+-]?\d+(?:\.\d+)?(?:万元|元|%)?$|^[/\\\-—－]+$|^无$|^\d+\([^()\s]+\)$"
)
_PAGE_FURNITURE = re.compile(
    r"^(?:[-－—]\s*\d{1,4}\s*[-－—]?|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\(?续上?表\)?)$"  # 续表: a table continued on the next page
)
_THOUSANDS_GROUPS = re.compile(r"^\d{1,3}(?: \d{3})+$")
# Converters name the columns of a header they could not read (pymupdf4llm: ``Col3``).
_PLACEHOLDER = re.compile(r"^Col\d{1,3}$")


@attrs.frozen
class ValuePiece(GridCell):
    """One value of a cell or line that printed several (``3001 53``): ``whole`` is the text it was
    cut from, ``part`` its place in it."""

    whole: str = ""
    part: int = 0


def value_tokens(text: str) -> list[str] | None:
    """The values a text holds when it is nothing but values separated by spaces, else ``None``."""
    tokens = unicodedata.normalize("NFKC", text).split()
    if tokens and all(_VALUE_TOKEN.match(token) for token in tokens):
        return tokens
    return None


def could_be_thousands(whole: str) -> bool:
    """Whether a space-separated run of digits could be one number with spaces between thousands
    (every group after the first has three digits)."""
    return bool(_THOUSANDS_GROUPS.match(" ".join(unicodedata.normalize("NFKC", whole).split())))


def is_page_furniture(text: str) -> bool:
    """A page number printed between rows (``- 5 -``, ``第 2 页``, ``3/12``), or 续表 over a
    table continued on a new page."""
    return bool(_PAGE_FURNITURE.match(unicodedata.normalize("NFKC", text).strip()))


def is_placeholder(text: str) -> bool:
    """A column name a converter made up (``Col3``): layout, never a label or a value."""
    return "Col" in text and bool(_PLACEHOLDER.match(text.strip()))  # "in": a cheap screen first


def split_value_cells(cells: Sequence[GridCell]) -> tuple[GridCell, ...]:
    """The cells of a row with every cell that prints several values cut into one piece per value,
    and converters' placeholder column names (``Col3``) emptied: they are layout."""
    out: list[GridCell] = []
    for cell in cells:
        text = cell.text
        if " " not in text and "Col" not in text:  # most cells: one value or a label
            out.append(cell)
            continue
        if is_placeholder(text):
            out.append(attrs.evolve(cell, text=""))
            continue
        tokens = value_tokens(text) if " " in text.strip() else None
        if tokens is None or len(tokens) < 2:
            out.append(cell)
            continue
        out.extend(
            ValuePiece(
                token,
                cell.row,
                cell.column,
                cell.row_span,
                cell.column_span,
                cell.provenance,
                whole=cell.text,
                part=index,
            )
            for index, token in enumerate(tokens)
        )
    return tuple(out)


def paragraph_row(paragraph: Paragraph) -> tuple[GridCell, ...]:
    """A line of a table printed as text: its label (if any), then its trailing values as one cell.

    Page numbers give no row. Numbers inside the label (``2.``) stay in the label: only the run at
    the end of the line is values.
    """
    text = paragraph.text.strip()
    if not text or is_page_furniture(text):
        return ()
    tokens = text.split()
    start = len(tokens)
    normalised = [unicodedata.normalize("NFKC", t) for t in tokens]
    while start > 0 and _VALUE_TOKEN.match(normalised[start - 1]):
        start -= 1
    label = " ".join(tokens[:start])
    values = " ".join(tokens[start:])
    cells: list[GridCell] = []
    if label:
        cells.append(GridCell(label, 0, 0, provenance=paragraph.provenance))
    if values:
        cells.append(GridCell(values, 0, 1, provenance=paragraph.provenance))
    return tuple(cells)
