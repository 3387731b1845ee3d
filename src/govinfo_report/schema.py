"""The JSON Schema of the ``json`` format, generated from the model classes.

The committed copy (``data/report.schema.json``) is checked against this generator by the tests, so
it cannot drift from the model; regenerate it with ``govinfo-report schema``.
"""

from __future__ import annotations

import datetime
import enum
import types
from decimal import Decimal
from typing import Any, Union, get_args, get_origin

import attrs

from .model import (
    Active2019,
    Active2021,
    AnnualReport,
    Applications2019,
    Applications2021,
    NarrativeSection,
    ReportMeta,
    Reviews,
)
from .serialize import SCHEMA_VERSION
from .values import Cell

__all__ = ["report_schema"]

_DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
_NUMBER = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": _DECIMAL_PATTERN}]}


class _Builder:
    def __init__(self) -> None:
        self.definitions: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.definitions:
            self.definitions[name] = {}  # placeholder against recursion
            self.definitions[name] = self.object_schema(cls)
        return {"$ref": f"#/$defs/{name}"}

    def object_schema(self, cls: type) -> dict[str, Any]:
        attrs.resolve_types(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            schema = self.type_schema(field.type)
            if field.metadata.get("govinfo_report.label"):
                schema = {**schema, "description": field.metadata["govinfo_report.label"]}
            properties[field.name] = schema
            if field.default is attrs.NOTHING:
                required.append(field.name)
        result: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if cls.__doc__:
            result["description"] = cls.__doc__.strip().splitlines()[0]
        if required:
            result["required"] = required
        return result

    def type_schema(self, tp: Any) -> dict[str, Any]:
        if tp is Cell:
            return self.ref(Cell)
        origin = get_origin(tp)
        if origin in (Union, types.UnionType):
            options = [a for a in get_args(tp) if a is not type(None)]
            nullable = len(options) != len(get_args(tp))
            if set(options) == {int, Decimal}:
                schema = dict(_NUMBER)
            elif len(options) == 1:
                schema = self.type_schema(options[0])
            else:
                schema = {"anyOf": [self.type_schema(o) for o in options]}
            return {"anyOf": [schema, {"type": "null"}]} if nullable else schema
        if origin is tuple:
            args = get_args(tp)
            if len(args) == 2 and args[1] is Ellipsis:
                return {"type": "array", "items": self.type_schema(args[0])}
            return {
                "type": "array",
                "prefixItems": [self.type_schema(a) for a in args],
                "minItems": len(args),
                "maxItems": len(args),
            }
        if tp is str:
            return {"type": "string"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is Decimal:
            return {"type": "string", "pattern": _DECIMAL_PATTERN}
        if tp is datetime.date:
            return {"type": "string", "format": "date"}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [member.value for member in tp]}
        if attrs.has(tp):
            return self.ref(tp)
        raise TypeError(f"no JSON Schema for {tp!r}")  # pragma: no cover - model guard


def _edition_variant(builder: _Builder, edition: str, active: type, applications: type) -> Any:
    return {
        "properties": {
            "edition": {"const": edition},
            "active": builder.ref(active),
            "applications": builder.ref(applications),
        }
    }


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a report in the ``json`` format."""
    builder = _Builder()
    builder.ref(Cell)
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://govinfo-report.invalid/schema/report-{SCHEMA_VERSION}.json",
        "title": "政府信息公开工作年度报告 (govinfo_report json format)",
        "description": (AnnualReport.__doc__ or "").strip().splitlines()[0],
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "edition": {"enum": ["2019", "2021"]},
            "meta": builder.ref(ReportMeta),
            "narrative": {"type": "array", "items": builder.ref(NarrativeSection)},
            "active": True,
            "applications": True,
            "reviews": builder.ref(Reviews),
            "source": {"type": "string"},
        },
        "required": ["schema_version", "edition", "active", "applications", "reviews"],
        "additionalProperties": False,
        "oneOf": [
            _edition_variant(builder, "2019", Active2019, Applications2019),
            _edition_variant(builder, "2021", Active2021, Applications2021),
        ],
    }
    schema["$defs"] = dict(sorted(builder.definitions.items()))
    return schema
