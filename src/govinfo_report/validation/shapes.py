"""What validation computes once per report shape, found again in C for every report.

A report's shape is its edition and whether （六）其他处理 is one row; both follow from the classes
of two of its tables. Plans built per shape (cell indices, compiled sums, worded texts) are looked
up by those two classes: hashing classes is an identity hash in C, where a cache keyed by the
:class:`~govinfo_report.model.Edition` enum calls its hash in Python on every look-up.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..model import AnnualReport, Edition, template_cells
from ..values import Cell

__all__ = ["cell_at", "per_shape", "tuple_getter"]

Plan = TypeVar("Plan")


def tuple_getter(indices: tuple[int, ...]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """Fetch some items as a tuple in C (``itemgetter`` of one index returns the item alone)."""
    if len(indices) == 1:
        (only,) = indices
        return lambda values: (values[only],)
    if not indices:
        return lambda values: ()
    getter: Callable[[Sequence[Any]], tuple[Any, ...]] = operator.itemgetter(*indices)
    return getter


def per_shape(build: Callable[[Edition, bool], Plan]) -> Callable[[AnnualReport], Plan]:
    """``build(edition, single_other_row)`` run once per shape; the result returned for every
    report of that shape."""
    plans: dict[tuple[type, type], Plan] = {}

    def plan_of(report: AnnualReport) -> Plan:
        key = (report.active.__class__, report.applications.other.__class__)
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = build(report.edition, report.single_other_row)
        return plan

    plan_of.__doc__ = f"The plan of :func:`{build.__name__}` for a report's shape."
    return plan_of


def _fetchers(
    edition: Edition, single_other_row: bool
) -> tuple[Callable[[AnnualReport], Cell], ...]:
    return tuple(
        operator.attrgetter(spec.key)  # a dotted path, followed in C
        for spec in template_cells(edition, single_other_row=single_other_row)
    )


_fetchers_of = per_shape(_fetchers)


def cell_at(report: AnnualReport, index: int) -> Cell:
    """The cell at ``index`` of the report's template, fetched alone: a finding that needs one
    cell's provenance does not build the tuple of all cells."""
    return _fetchers_of(report)[index](report)
