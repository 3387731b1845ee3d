"""JSON (lossless, through cattrs) and the flat cells export (documented in
``docs/reference/cells.md``).

:func:`make_converter` returns a new, fully configured :class:`cattrs.Converter` each time: take it,
add your own hooks, and pass it back where a ``converter`` argument is accepted. No global converter
is ever modified.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import cattrs

from .errors import ReportReadError
from .findings import Finding
from .model import (
    Active2019,
    Active2021,
    AnnualReport,
    ApplicantCounts,
    Applications2019,
    Applications2021,
    Edition,
    NarrativeSection,
    OtherHandling2021,
    ReportMeta,
    Reviews,
    build_report,
    template_cells,
)
from .values import (
    Cell,
    CellKind,
    CellState,
    Number,
    canonical_text,
    parse_cell_text,
    parse_json_int,
)

__all__ = [
    "SCHEMA_VERSION",
    "from_cells",
    "from_json",
    "make_converter",
    "to_cells",
    "to_json",
]

SCHEMA_VERSION = 1
"""Version of the JSON form; bumped on any change that old readers would misread."""

_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def _structure_number(value: Any, _: Any) -> Number | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DECIMAL.match(value):
        return Decimal(value)
    raise TypeError(f"{value!r} is not an integer or a decimal string")


def _structure_actual(value: Any, _: Any) -> Number | str | None:
    if isinstance(value, str) and not _DECIMAL.match(value):
        return value
    return _structure_number(value, None)


def _unstructure_number(value: Number | str | None) -> int | str | None:
    if isinstance(value, Decimal):
        return str(value)
    return value


def make_converter() -> cattrs.Converter:
    """A new converter that turns reports, cells and findings into JSON-ready data and back."""
    converter = cattrs.Converter(omit_if_default=True)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, lambda v, _: Decimal(str(v)))
    converter.register_unstructure_hook(datetime.date, lambda d: d.isoformat())
    converter.register_structure_hook(datetime.date, lambda v, _: datetime.date.fromisoformat(v))
    converter.register_structure_hook(Number | None, _structure_number)
    converter.register_structure_hook(Number | str | None, _structure_actual)
    converter.register_unstructure_hook(Number | None, _unstructure_number)
    converter.register_unstructure_hook(Number | str | None, _unstructure_number)

    def unstructure_other(value: OtherHandling2021 | ApplicantCounts) -> Any:
        return converter.unstructure(value, type(value))

    def structure_other(value: Any, _: Any) -> OtherHandling2021 | ApplicantCounts:
        if isinstance(value, Mapping) and "natural_person" in value:
            return converter.structure(value, ApplicantCounts)
        return converter.structure(value, OtherHandling2021)

    other_type = OtherHandling2021 | ApplicantCounts
    converter.register_unstructure_hook(other_type, unstructure_other)
    converter.register_structure_hook(other_type, structure_other)

    def unstructure_report(report: AnnualReport) -> dict[str, Any]:
        data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "edition": report.edition.value}
        data["meta"] = converter.unstructure(report.meta, ReportMeta)
        if report.narrative:
            data["narrative"] = converter.unstructure(
                report.narrative, tuple[NarrativeSection, ...]
            )
        data["active"] = converter.unstructure(report.active, type(report.active))
        data["applications"] = converter.unstructure(report.applications, type(report.applications))
        data["reviews"] = converter.unstructure(report.reviews, Reviews)
        if report.source is not None:
            data["source"] = report.source
        return data

    def structure_report(data: Any, _: Any) -> AnnualReport:
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"unsupported schema_version {version!r} (this library writes {SCHEMA_VERSION})"
            )
        edition = Edition(data["edition"])
        active: Active2019 | Active2021
        applications: Applications2019 | Applications2021
        if edition is Edition.E2019:
            active = converter.structure(data["active"], Active2019)
            applications = converter.structure(data["applications"], Applications2019)
        else:
            active = converter.structure(data["active"], Active2021)
            applications = converter.structure(data["applications"], Applications2021)
        return AnnualReport(
            meta=converter.structure(data.get("meta", {}), ReportMeta),
            active=active,
            applications=applications,
            reviews=converter.structure(data["reviews"], Reviews),
            narrative=converter.structure(data.get("narrative", []), tuple[NarrativeSection, ...]),
            source=data.get("source"),
        )

    converter.register_unstructure_hook(AnnualReport, unstructure_report)
    converter.register_structure_hook(AnnualReport, structure_report)
    return converter


_converter: cattrs.Converter | None = None


def _default_converter() -> cattrs.Converter:
    global _converter
    if _converter is None:
        _converter = make_converter()
    return _converter


def to_json(
    report: AnnualReport, *, converter: cattrs.Converter | None = None, indent: int | None = 1
) -> str:
    """The lossless JSON form of a report (raw texts and provenance included)."""
    data = (converter or _default_converter()).unstructure(report, AnnualReport)
    return json.dumps(data, ensure_ascii=False, indent=indent)


def from_json(
    text: str | bytes, *, converter: cattrs.Converter | None = None, source: str | None = None
) -> AnnualReport:
    """Load a report from its JSON form; raises :class:`ReportReadError` when it does not fit."""
    where = source or "<json>"
    try:
        data = json.loads(text, parse_int=parse_json_int)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportReadError(where, code="data.invalid_json", place=_json_place(exc)) from exc
    if not isinstance(data, dict):
        raise ReportReadError(where, code="data.not_an_object")
    try:
        return (converter or _default_converter()).structure(data, AnnualReport)
    except Exception as exc:  # cattrs raises several exception types; all mean "does not fit"
        raise ReportReadError(where, code="data.schema", detail=_describe(exc)) from exc


def findings_to_data(
    findings: list[Finding], *, converter: cattrs.Converter | None = None
) -> list[Any]:
    """Findings as JSON-ready dictionaries (the findings export of ``docs/reference/cells.md``)."""
    data = (converter or _default_converter()).unstructure(findings, list[Finding])
    assert isinstance(data, list)
    return data


def _json_place(exc: Exception) -> str | None:
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno}, column {exc.colno}"
    return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, cattrs.BaseValidationError):
        notes = cattrs.transform_error(exc)
        return "; ".join(notes[:3])
    return str(exc) or type(exc).__name__


# ---------------------------------------------------------------- flat cells


def cell_export_value(cell: Cell, kind: CellKind) -> int | str | None:
    """A cell's value in the flat export: int for whole numbers, decimal string for money, the text
    for markers, annotated numbers and text, ``None`` for blanks."""
    if cell.state is CellState.NUMBER:
        value = cell.value
        if isinstance(value, int) and kind is not CellKind.MONEY:
            return value
        return str(value)
    if cell.state is CellState.BLANK or cell.state is CellState.ABSENT:
        return None
    return canonical_text(cell)


def to_cells(report: AnnualReport) -> dict[str, Any]:
    """The flat cells export: ``{"edition", "year", "agency", "cells": {key: value}}``.

    Values as printed, blanks as ``None``; cells absent from the document are left out. Units printed
    inside money cells are not part of the contract (the JSON form keeps them).
    """
    cells = {
        spec.key: cell_export_value(cell, spec.kind)
        for spec, cell in report.cells()
        if cell.state is not CellState.ABSENT
    }
    return {
        "edition": report.edition.value,
        "year": report.meta.year,
        "agency": report.meta.agency,
        "cells": cells,
    }


def _cell_from_export(value: Any, kind: CellKind, key: str, where: str) -> Cell:
    if value is None:
        return Cell(CellState.BLANK)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ReportReadError(where, code="data.bad_cell", key=key, value=value)
    if isinstance(value, int):
        number: Number = Decimal(value) if kind is CellKind.MONEY else value
        return Cell(CellState.NUMBER, value=number, raw=str(value))
    if isinstance(value, float):
        # Data frames turn integer columns with blanks into floats; repr keeps the digits meant.
        if kind is not CellKind.MONEY and value.is_integer():
            return Cell(CellState.NUMBER, value=int(value), raw=repr(value))
        return parse_cell_text(repr(value), kind)
    return parse_cell_text(value, kind)


def from_cells(
    data: Mapping[str, Any], *, source: str | None = None
) -> tuple[AnnualReport, list[str]]:
    """Read the flat cells export back. Returns the report and the keys that fit no template cell."""
    where = source or "<cells>"
    if not isinstance(data, Mapping) or not isinstance(data.get("cells"), Mapping):
        raise ReportReadError(where, code="data.not_cells")
    try:
        edition = Edition(str(data.get("edition")))
    except ValueError:
        raise ReportReadError(
            where, code="data.unknown_edition", edition=data.get("edition")
        ) from None
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise ReportReadError(where, code="data.bad_year", year=year)
    agency = data.get("agency")
    if agency is not None and not isinstance(agency, str):
        raise ReportReadError(where, code="data.bad_agency", agency=agency)
    raw_cells: Mapping[str, Any] = data["cells"]
    kinds = {spec.key: spec.kind for spec in template_cells(edition)}
    kinds.update({spec.key: spec.kind for spec in template_cells(edition, single_other_row=True)})
    cells = {
        key: _cell_from_export(value, kinds.get(key, CellKind.COUNT), key, where)
        for key, value in raw_cells.items()
    }
    meta = ReportMeta(agency=agency, year=year)
    return build_report(edition, cells, meta=meta, source=source)
