"""Numbers wrapped over lines in text copied out of a PDF viewer.

A count too wide for its narrow column wraps inside the cell (``118`` printed ``11`` over ``8``), and
the copy gives each piece on a line of its own: ``一、本年新收政府信息公开申请数量 11`` / ``8`` /
``9 1 0 0 2 130``. Nothing in the text says which line break cut a number, and a blank cell prints
nothing at all, so several readings of the pieces are possible. This module lists them all; the
interpreter keeps a reading only when exactly one of them is consistent with the row's own printed
总计 (:func:`consistent_readings`), and otherwise stores none of the row's values.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

__all__ = ["consistent_readings", "readings"]

Reading = tuple[tuple[int, ...] | None, ...]
"""Each cell: the indices of the pieces that make its number (one, or two joined), or ``None`` for a
blank."""

_MAX_LINES = 4  # the row's own line and up to three lines after it


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def readings(lines: Sequence[Sequence[str]], cells: int) -> list[tuple[Reading, int]]:
    """Every reading of the pieces (line by line) as ``cells`` cells, with how many joins it makes.

    A piece at the end of a line may join the first piece of the next line, when both are digits and
    the first is not ``0`` (no count is printed with a leading zero); any cell may be blank.
    """
    if not 0 < len(lines) <= _MAX_LINES or any(not line for line in lines):
        return []
    pieces = [piece for line in lines for piece in line]
    ends = list(itertools.accumulate(len(line) for line in lines))[:-1]  # first piece of each line
    found: list[tuple[Reading, int]] = []
    for joins in itertools.product((False, True), repeat=len(ends)):
        groups: list[tuple[int, ...]] = []
        position = 0
        valid = True
        for start in range(len(pieces)):
            if position < len(ends) and start == ends[position]:
                if joins[position]:
                    before = pieces[start - 1]
                    if not (_digits(before) and _digits(pieces[start]) and before != "0"):
                        valid = False
                        break
                    groups[-1] = (*groups[-1], start)
                    position += 1
                    continue
                position += 1
            groups.append((start,))
        if not valid or len(groups) > cells:
            continue
        blanks = cells - len(groups)
        for places in itertools.combinations(range(cells), blanks):
            reading: list[tuple[int, ...] | None] = []
            remaining = iter(groups)
            for cell in range(cells):
                reading.append(None if cell in places else next(remaining))
            found.append((tuple(reading), sum(joins)))
    return found


def consistent_readings(
    lines: Sequence[Sequence[str]], cells: int, consistent: Callable[[Sequence[str | None]], bool]
) -> list[tuple[Reading, int]]:
    """The readings of the pieces whose cell texts ``consistent`` accepts, one per distinct set of
    cell texts, each with how many numbers it joins."""
    pieces = [piece for line in lines for piece in line]
    accepted: dict[tuple[str | None, ...], tuple[Reading, int]] = {}
    for reading, joins in readings(lines, cells):
        texts = tuple(
            None if group is None else "".join(pieces[i] for i in group) for group in reading
        )
        if texts not in accepted and consistent(texts):
            accepted[texts] = (reading, joins)
    return list(accepted.values())
