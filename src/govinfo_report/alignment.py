"""The ordered alignment of a document's rows to the template's row sequence.

A table in the template is a fixed sequence of rows; a document prints that sequence, damaged: rows
lost, labels cut or unreadable, rows of values whose label went elsewhere. Each observed row (in
document order) scores against the template rows it could be: a row its label names scores most, a
row its damaged label is like scores less, and a row of values without a label scores a little for
any row a value row may stand in. The alignment is the order-keeping assignment (each template row
taken at most once, document order kept) with the highest total, found by dynamic programming.

A row is placed only where **every** best assignment puts it in the same place: for each observed
row the best total with it in each possible place (or in none) is computed from prefix and suffix
tables, and a row with two places of equal best total stays unplaced, with those places as its
candidates. Scores are tiers far apart (one row named by its label outweighs any number of weaker
readings), so no weaker evidence can overrule a label, and equal evidence is never decided by
accident of order of computation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

__all__ = ["Placement", "ordered_alignment"]


@attrs.frozen
class Placement:
    """Where the alignment puts one observed row."""

    row: int | None
    """The template row (its index), or ``None`` when the row goes in no place or in no one place."""
    candidates: tuple[int, ...] = ()
    """When two or more places are equally good: those template rows (``row`` is then ``None``).
    Being left out of the table altogether, when it is among the equally good readings, is not
    listed."""

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidates)


_NONE = -1


def ordered_alignment(scores: Sequence[Mapping[int, int]], rows: int) -> list[Placement]:
    """Align observed rows (each a map of template row index → score, positive) to ``rows``
    template rows, keeping order and using each template row at most once.

    Returns one :class:`Placement` per observed row.
    """
    count = len(scores)
    # best_before[i][j]: the best total of observed rows [0, i) placed in template rows [0, j).
    best_before = [[0] * (rows + 1) for _ in range(count + 1)]
    for i in range(1, count + 1):
        above, here, options = best_before[i - 1], best_before[i], scores[i - 1]
        for j in range(1, rows + 1):
            value = max(here[j - 1], above[j])
            score = options.get(j - 1)
            if score is not None:
                value = max(value, above[j - 1] + score)
            here[j] = value
        here[0] = above[0]
    # best_after[i][j]: the best total of observed rows [i, count) placed in template rows [j, rows).
    best_after = [[0] * (rows + 1) for _ in range(count + 1)]
    for i in range(count - 1, -1, -1):
        below, here, options = best_after[i + 1], best_after[i], scores[i]
        for j in range(rows - 1, -1, -1):
            value = max(here[j + 1], below[j])
            score = options.get(j)
            if score is not None:
                value = max(value, below[j + 1] + score)
            here[j] = value
        here[rows] = below[rows]
    best = best_after[0][0]
    placements: list[Placement] = []
    for i, options in enumerate(scores):
        totals: dict[int, int] = {
            j: best_before[i][j] + score + best_after[i + 1][j + 1] for j, score in options.items()
        }
        totals[_NONE] = max(best_before[i][j] + best_after[i + 1][j] for j in range(rows + 1))
        winners = [j for j, total in totals.items() if total == best]
        places = tuple(sorted(j for j in winners if j != _NONE))
        if len(winners) == 1:
            placements.append(Placement(None if winners[0] == _NONE else winners[0]))
        else:
            placements.append(Placement(None, places))
    return placements
