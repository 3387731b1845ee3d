"""Cell values as published, and the parser that turns a cell's text into one.

A cell keeps what the report printed: a number, a blank, a marker such as ``/`` or ``无``, a number
with an annotation (``22（其中修订16件）``), or text that is none of these. Nothing is corrected here:
a blank stays blank (never 0), a negative count stays negative, and validation decides what is wrong.
"""

from __future__ import annotations

import enum
import functools
import inspect
import re
import types
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

__all__ = [
    "MARKERS",
    "Cell",
    "CellKind",
    "CellState",
    "Number",
    "Provenance",
    "absent_cell",
    "parse_cell_text",
]

Number = int | Decimal


class CellKind(str, enum.Enum):
    """What a template cell counts; decides how its text is parsed and which domain rule applies."""

    COUNT = "count"
    """A non-negative whole number of documents, decisions or applications."""
    SIGNED = "signed"
    """A signed whole number: the 2019 edition's 本年增/减 (``+8``, ``-3``)."""
    MONEY = "money"
    """A non-negative decimal amount of money, kept as :class:`~decimal.Decimal`."""


class CellState(str, enum.Enum):
    """What a published cell holds."""

    NUMBER = "number"
    BLANK = "blank"
    MARKER = "marker"
    ANNOTATED = "annotated"
    """A number followed by a note, e.g. ``22（其中修订16件）``; the number is the value."""
    TEXT = "text"
    """Text that is no number, blank or marker; kept verbatim, flagged by validation."""
    ABSENT = "absent"
    """The template has this cell but the document did not (a shape problem, not a blank)."""


MARKERS = frozenset(
    {"/", "-", "—", "——", "无", "\\", "－", "不适用", "不涉及", "未涉及", "暂无", "无此项"}
)
"""Texts that publishers put in a cell to mean "not applicable" or "none"."""


def default_of_unset_field(instance: object, name: str) -> object:
    """``__getattr__`` of a slotted attrs class whose :func:`slot_constructor` leaves the fields
    it is not given unset: an unset field reads as its default (stored on first read, so it is
    worked out once), exactly as if the constructor had stored it. Any other missing attribute
    is an ``AttributeError`` as usual.

    Readers build a provenance for every table cell and give it four or five of its twelve
    fields; storing the other seven defaults cost more than the rest of the provenance.
    """
    cls = type(instance)
    fillers = _DEFAULT_FILLERS.get(cls)
    if fillers is None:
        fillers = _DEFAULT_FILLERS[cls] = _default_fillers(cls)
    filler = fillers.get(name)
    if filler is None:
        raise AttributeError(f"{cls.__qualname__!r} object has no attribute {name!r}")
    store, default = filler
    store(instance, default)
    return default


_DEFAULT_FILLERS: dict[type, dict[str, tuple[Callable[[object, object], None], object]]] = {}


def _default_fillers(cls: type) -> dict[str, tuple[Callable[[object, object], None], object]]:
    return {
        field.name: (_slot_of(cls, field.name).__set__, field.default)
        for field in attrs.fields(cls)
        if field.default is not attrs.NOTHING and not isinstance(field.default, attrs.Factory)  # type: ignore[arg-type]
    }


def _slot_of(cls: type, name: str) -> Any:
    return next(k.__dict__[name] for k in cls.__mro__ if name in k.__dict__)


@attrs.frozen
class Provenance:
    """Where a value came from. Readers fill what their format knows; the rest stays ``None``.

    ``page`` and ``line`` count from 1; ``table``, ``row`` and ``column`` are 0-based indices into
    the document's tables and grids. Everything shown to people counts from 1: :meth:`describe`,
    and the command's text and JSON output (:meth:`one_based`).
    """

    source: str | None = None
    """The file name or other label of the input."""
    page: int | None = None
    """1-based page number (PDF)."""
    line: int | None = None
    """1-based line number (text readers)."""
    table: int | None = None
    """0-based index of the table in the document (docx, HTML)."""
    row: int | None = None
    """0-based row in that table's grid."""
    column: int | None = None
    """0-based column in that table's grid."""
    bbox: tuple[float, float, float, float] | None = None
    """``(x0, top, x1, bottom)`` in PDF points (page images without a page size: pixels)."""
    continued_page: int | None = None
    """PDF: the page where the rest of a cell broken by a page break was printed."""
    continued_bbox: tuple[float, float, float, float] | None = None
    """PDF: the box of that rest on ``continued_page``."""
    placed_by: str | None = None
    """``"position"`` when the interpreter placed the value by the order of the rows, its own label
    being unreadable (see ``read.placed_by_position``); ``None`` when its label placed it."""
    confidence: float | None = None
    """Recognition confidence from 0 to 1 when the text was recognised from an image (OCR)."""

    if not TYPE_CHECKING:  # mypy would take any attribute name as valid
        __getattr__ = default_of_unset_field  # readers leave the fields they do not know unset

    def describe(self, lang: str = "en") -> str:
        """A short human-readable location such as ``report.pdf:3 (table 2, row 6, column 3)``.

        Tables, rows and columns are counted from 1 here, as people count (the attributes are
        0-based indices); ``lang="zh"`` gives ``report.pdf:3（表 2，第 6 行，第 3 列）``.
        """
        parts = [self.source or "<input>"]
        if self.page is not None:
            parts.append(str(self.page))
            if self.continued_page is not None:
                parts[-1] += f"+{self.continued_page}"
        elif self.line is not None:
            parts.append(str(self.line))
        where = ":".join(parts)
        if self.table is not None:
            has_cell = self.row is not None and self.column is not None
            if lang == "zh":
                where += f"（表 {self.table + 1}"
                if has_cell:
                    where += f"，第 {self.row + 1} 行，第 {self.column + 1} 列"  # type: ignore[operator]
                where += "）"
            else:
                where += f" (table {self.table + 1}"
                if has_cell:
                    where += f", row {self.row + 1}, column {self.column + 1}"  # type: ignore[operator]
                where += ")"
        return where

    def one_based(self) -> dict[str, object]:
        """The location as the command prints it in JSON: every number counted from 1 (page, line,
        table, row, column), ``None`` where unknown."""

        def plus_one(value: int | None) -> int | None:
            return None if value is None else value + 1

        return {
            "source": self.source,
            "page": self.page,
            "line": self.line,
            "table": plus_one(self.table),
            "row": plus_one(self.row),
            "column": plus_one(self.column),
            "bbox": list(self.bbox) if self.bbox is not None else None,
        }


@attrs.frozen
class Cell:
    """One published cell: its state, its value, and (outside equality) its raw text and origin."""

    state: CellState
    value: Number | None = None
    """The number printed (for NUMBER and ANNOTATED), else ``None``."""
    note: str | None = None
    """The marker text (MARKER), the annotation (ANNOTATED), or the verbatim text (TEXT)."""
    unit: str | None = None
    """A unit printed inside a money cell (``元``, ``万元``), else ``None``."""
    raw: str = attrs.field(default="", eq=False)
    provenance: Provenance | None = attrs.field(default=None, eq=False)

    @property
    def is_numeric(self) -> bool:
        """Whether the cell takes part in arithmetic (a number, annotated or not)."""
        return self.value is not None

    def text(self) -> str:
        """The cell as it would be printed again: the raw text if known, else a canonical form."""
        if self.raw:
            return self.raw
        return canonical_text(self)


def canonical_text(cell: Cell) -> str:
    """The shortest text that :func:`parse_cell_text` turns back into an equal cell."""
    if cell.state is CellState.NUMBER:
        return f"{cell.value}{cell.unit or ''}"
    if cell.state is CellState.ANNOTATED:
        return f"{cell.value}{cell.note or ''}"
    if cell.state in (CellState.MARKER, CellState.TEXT):
        return cell.note or ""
    return ""


_C = TypeVar("_C")


@functools.cache
def slot_constructor(cls: type[_C], *given: str) -> Callable[..., _C]:
    """A constructor of a frozen, slotted attrs class giving the same object as the class, that
    stores each field straight into its slot.

    Without ``given`` it takes the arguments the class's ``__init__`` takes. With field names it
    takes exactly those fields, positionally in that order, and gives every other field its
    default (``slot_constructor(Provenance, "source", "line")("a.txt", 3)``): positional calls
    cost less than keywords, and naming the fields keeps each call right if fields move.

    attrs' ``__init__`` of a frozen class sets every field through ``object.__setattr__`` by name;
    readers build a cell and its provenance for every table cell, and the slot's own setter does
    the same work in about half the time. Only for classes whose ``__init__`` does nothing else:
    a validator, converter, factory default, keyword-only or non-``init`` field, or an
    ``__attrs_pre_init__``/``__attrs_post_init__`` is refused (``TypeError``).

    A class whose ``__getattr__`` is :func:`default_of_unset_field` reads an unset field as its
    default: with ``given``, the other fields are then left unset rather than stored.
    """
    if not attrs.has(cls) or not hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__qualname__} is not a slotted attrs class")
    if hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
        raise TypeError(f"{cls.__qualname__}.__init__ does more than set its fields")
    fields = attrs.fields(cls)
    unknown = set(given) - {field.name for field in fields}
    if unknown or len(set(given)) != len(given):
        raise TypeError(f"{cls.__qualname__}: fields {given} are not its fields, once each")
    defaults_on_read = cls.__dict__.get("__getattr__") is default_of_unset_field
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    parameters: list[str] = list(given)
    lines: list[str] = []
    for index, field in enumerate(fields):
        if (
            field.validator is not None
            or field.converter is not None
            or field.kw_only
            or not field.init
            or field.alias != field.name
            or isinstance(field.default, attrs.Factory)  # type: ignore[arg-type]
        ):
            raise TypeError(f"{cls.__qualname__}.{field.name} is not a plain field")
        slot = _slot_of(cls, field.name)
        if not isinstance(slot, types.MemberDescriptorType):
            raise TypeError(f"{cls.__qualname__}.{field.name} is not a slot")
        namespace[f"_set{index}"] = slot.__set__
        value = field.name
        if field.default is not attrs.NOTHING:
            namespace[f"_default{index}"] = field.default
            if given and field.name not in given:
                if defaults_on_read:
                    continue  # read as its default (default_of_unset_field)
                value = f"_default{index}"
            elif not given:
                parameters.append(f"{field.name}=_default{index}")
        elif given and field.name not in given:
            raise TypeError(f"{cls.__qualname__}.{field.name} has no default and is not given")
        elif not given:
            parameters.append(field.name)
        lines.append(f"    _set{index}(self, {value})")
    source = "\n".join(
        [
            f"def construct({', '.join(parameters)}):",
            "    self = _new(_cls)",
            *lines,
            "    return self",
        ]
    )
    # The source is built from the class's own field names, never from input.
    exec(compile(source, f"<govinfo_report constructor {cls.__qualname__}>", "exec"), namespace)
    construct: Callable[..., _C] = namespace["construct"]
    construct.__doc__ = f"Build a {cls.__qualname__} (same result as the class)."
    return construct


_new_cell: Callable[..., Cell] = slot_constructor(
    Cell, "state", "value", "note", "unit", "raw", "provenance"
)


def absent_cell() -> Cell:
    """The placeholder for a template cell that the document did not contain."""
    return _ABSENT


_ABSENT = Cell(CellState.ABSENT)

# Characters that surround numbers in real documents but carry no meaning.
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)")
_UNITS = ("万元", "元")
# What may follow a number without being a note: a magnitude (12万, 5千元), an exponent (1e3), a
# range (5-6, 5~6, 5至6), a fraction (½ folds to 1⁄2) or a percentage. Reading the leading digits
# alone would give a wrong value with confidence (12, 1, 5, 1), so such a cell stays text.
_NOT_A_NOTE = re.compile(r"^(?:[万千百亿十佰仟]|[eE][+-]?\d|[-~—–至到]\d|[⁄/]\d|[%‰])")
MAX_DIGITS = 100
"""Longer runs of digits are no count or amount a report prints; they stay text (and Python
refuses to convert more than 4300 digits to an ``int`` by default)."""


def parse_json_int(text: str) -> int | str:
    """``json.loads(..., parse_int=parse_json_int)``: a whole number, or its digits as a string when
    longer than :data:`MAX_DIGITS`, so that an absurd number is a finding, not a JSON error."""
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else text


def _normalise(text: str) -> str:
    # NFKC folds full-width digits, signs and brackets to ASCII; 〇 is not a digit and stays text.
    folded = unicodedata.normalize("NFKC", text)
    folded = _SPACES.sub("", folded)
    return _THOUSANDS.sub("", folded)


def _to_number(sign: str, digits: str, kind: CellKind) -> Number:
    if "." in digits or kind is CellKind.MONEY:
        try:
            amount = Decimal(digits)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
            raise ValueError(digits) from None
        return -amount if sign == "-" else amount
    whole = int(digits)
    return -whole if sign == "-" else whole


def parse_cell_text(
    text: str | None, kind: CellKind = CellKind.COUNT, provenance: Provenance | None = None
) -> Cell:
    """Parse one cell's printed text into a :class:`Cell`, keeping ``text`` as its raw form.

    >>> parse_cell_text("１２").value
    12
    >>> parse_cell_text(" ").state
    <CellState.BLANK: 'blank'>
    >>> parse_cell_text("22（其中修订16件）").note
    '(其中修订16件)'
    """
    raw = "" if text is None else text
    # A cache per common kind: keyed by the text alone (an enum member hashes in Python code).
    if kind is CellKind.COUNT:
        parts = _parse_count(raw)
    elif kind is CellKind.MONEY:
        parts = _parse_money(raw)
    else:
        parts = _parse_parts(raw, kind)
    return _new_cell(*parts, raw, provenance)  # state, value, note, unit, then the two given


SHORT_TEXT = 80
"""Texts up to this length (labels, numbers, markers) are cached where they are worked out; longer
ones are not kept, so hostile input cannot fill the caches with large strings."""

_F = TypeVar("_F", bound=Callable[..., Any])


def _fixed_positional_count(function: Callable[..., Any]) -> int | None:
    """How many arguments a function takes, when exactly that many positional ones (no defaults,
    no ``*args``, no keywords); else ``None``."""
    code = getattr(function, "__code__", None)
    if (
        code is None
        or code.co_kwonlyargcount
        or code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)
        or getattr(function, "__defaults__", None)
    ):
        return None
    count: int = code.co_argcount
    return count


def cache_short_texts(maxsize: int) -> Callable[[_F], _F]:
    """An LRU cache over a function whose first argument is a text, used only for short texts:
    the same few texts recur in every report, and a long one is worked out again each time."""

    def decorate(function: _F) -> _F:
        cached = functools.lru_cache(maxsize=maxsize)(function)

        fixed = _fixed_positional_count(function)
        if fixed == 1:
            # Most cached functions take the text alone: no argument tuple built per call.
            @functools.wraps(function)
            def choose_by_text(text: str) -> Any:
                if len(text) <= SHORT_TEXT:
                    return cached(text)
                return function(text)

            return cast(_F, choose_by_text)

        if fixed == 2:

            @functools.wraps(function)
            def choose_by_two(text: str, other: Any) -> Any:
                if len(text) <= SHORT_TEXT:
                    return cached(text, other)
                return function(text, other)

            return cast(_F, choose_by_two)

        @functools.wraps(function)
        def choose(text: str, *args: Any) -> Any:
            return (cached if len(text) <= SHORT_TEXT else function)(text, *args)

        return cast(_F, choose)

    return decorate


_Parts = tuple[CellState, Number | None, str | None, str | None]


@cache_short_texts(maxsize=65536)
def _parse_count(raw: str) -> _Parts:
    return _parse_kind(raw, CellKind.COUNT)


@cache_short_texts(maxsize=8192)
def _parse_money(raw: str) -> _Parts:
    return _parse_kind(raw, CellKind.MONEY)


@cache_short_texts(maxsize=8192)
def _parse_parts(raw: str, kind: CellKind) -> _Parts:
    return _parse_kind(raw, kind)


def _parse_kind(raw: str, kind: CellKind) -> _Parts:
    # Reports repeat the same few texts ("0", "", "/") thousands of times: each is parsed once
    # (the callers cache).
    compact = _normalise(raw)
    if not compact:
        return CellState.BLANK, None, None, None
    if compact in MARKERS or (set(compact) <= {"-", "—", "/"} and "---" not in compact):
        # Three hyphens or more are a table rule that a converter left in a cell (Markdown and
        # pandoc draw rules with them), not a publisher's "none": kept as text, never a marker.
        return CellState.MARKER, None, compact, None
    match = _NUMBER.match(compact)
    if match is None:
        return CellState.TEXT, None, compact, None
    sign, digits = match.groups()
    if len(digits) > MAX_DIGITS:
        return CellState.TEXT, None, compact, None
    value = _to_number(sign, digits, kind)
    rest = compact[match.end() :]
    if not rest:
        return CellState.NUMBER, value, None, None
    if kind is CellKind.MONEY and rest in _UNITS:
        return CellState.NUMBER, value, None, rest
    if rest[0].isdigit() or rest[0] == "." or _NOT_A_NOTE.match(rest):
        # "1.2.3", two numbers run together, "12万", "1e3", "5-6", "½", "5千元": the leading
        # digits are not the value. Keep the text; validation flags it (cell.text).
        return CellState.TEXT, None, compact, None
    return CellState.ANNOTATED, value, rest, None
