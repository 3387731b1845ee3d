"""The bytes of text strings each PDF page draws, counted from its content streams before PDFium
lays the page out.

PDFium has no way to count a page's characters short of building its text page, which costs
about 100 bytes a character: a 11 KB file whose page draws 10 million characters needed 1.7 GB.
So the content streams are read first with pdfminer.six's object parser (which pdfplumber
brings), decoded here within a byte budget, and the bytes of the strings they draw are counted:
a character takes at least one byte of a string, so a page whose strings hold more than
``4 × max_page_chars`` bytes is refused before PDFium loads it.

- Decoding: FlateDecode inflated with a bounded ``zlib.decompressobj`` (never more than the
  budget left), ASCIIHex and ASCII85 (never larger than their input), decryption first (never
  larger than the raw bytes). Streams with other filters (LZW, RunLength, …) or predictors are
  not counted. The decoded bytes of all streams read (content streams, and the cross-reference
  and object streams that hold the file's structure) count against ``max_unpacked_bytes``: a
  content stream that inflates past it is refused here instead of being inflated by PDFium.
- Counting: literal strings ``( … )`` (nested parentheses, backslash escapes, as written: an
  escape ``\\ddd`` is 4 bytes) and hex strings ``< … >`` (half their hex digits), each at least 1.
  Comments and inline image data are not told apart from the rest: a parenthesis in them can only
  make the count larger. Form XObjects drawn with ``Do`` count their own strings as many times
  as they are drawn, nested forms included (a cycle or nesting past :data:`MAX_FORM_DEPTH`
  counts nothing more); each stream is decoded once, and counts stop growing once past the
  bound, so no count grows exponentially.
- A file whose structure pdfminer cannot parse is not counted (PDFium decides whether it is
  readable); a refusal for a limit is never mistaken for that.

Every loop step of the scan adds at least one byte to a count that stops at the bound, so the
work is linear in the decoded bytes and bounded per stream.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from typing import Any

from ..errors import ReportReadError
from ..limits import Limits, current_limits

__all__ = ["MAX_FORM_DEPTH", "TEXT_BYTES_PER_CHARACTER", "page_text_bytes", "string_bytes"]

TEXT_BYTES_PER_CHARACTER = 4
"""A page may hold this many bytes of strings per character allowed (``max_page_chars``): a
character takes one byte or more (two in the CID fonts Chinese reports use; an escape ``\\ddd``
four)."""

MAX_FORM_DEPTH = 64
"""Form XObjects nested deeper than this count as over the bound (PDFium stops nesting before
it; no real report nests forms more than a few deep)."""


_WHITESPACE = rb"\x00\t\n\x0c\r "
_DELIMITERS = rb"()<>\[\]{}/%"
_TOKEN = re.compile(rb"<([^>]*)>?|\(")
_LITERAL_STEP = re.compile(rb"[()\\]")
_REGULAR = rb"[^%s%s]" % (_WHITESPACE, _DELIMITERS)
# A whole name (no regular character after it), white space, then the whole operator Do.
_DRAW = re.compile(rb"/(%s*)(?!%s)[%s]*Do(?!%s)" % (_REGULAR, _REGULAR, _WHITESPACE, _REGULAR))
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_NOT_HEX = bytes(c for c in range(256) if c not in b"0123456789abcdefABCDEF")
_INFLATE_PIECE = 16 * 1024
_INFLATE_STEP = 1024 * 1024
_SMALL_STREAM = 4 * 1024 * 1024


def _name(raw: bytes) -> str:
    # As pdfminer names dictionary keys: ``#xx`` escapes decoded, then UTF-8 (else the bytes' repr).
    if b"#" in raw:
        raw = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    try:
        return str(raw, "utf-8")
    except UnicodeDecodeError:
        return str(raw)


def string_bytes(
    data: bytes, bound: int, names: frozenset[str] | dict[Any, Any] = frozenset()
) -> tuple[int, dict[str, int]]:
    """The bytes of the strings in content stream ``data`` (at most ``bound + 1``: counting stops
    past ``bound``), and how many times it draws each XObject of ``names`` (``/Name Do``)."""
    if b"<<" in data:
        # PDFium reads "<<" as a dictionary's start wherever it is outside a string; blanking it
        # keeps every "<" left a hex string's start (and changes no string's length).
        data = data.replace(b"<<", b"  ")
    draws: dict[str, int] = {}
    names = names if b"Do" in data else frozenset()
    count = 0
    position = 0
    while count <= bound:
        for token in _TOKEN.finditer(data, position):
            start = token.start()
            if names:
                _count_draws(data, position, start, names, draws)
            digits = token.group(1)
            if digits is not None:  # "<": a hex string, up to ">" (or the end, as PDFium reads it)
                count += max(1, (len(digits.translate(None, _NOT_HEX)) + 1) // 2)
                position = token.end()
                if count > bound:
                    break
            else:  # "(": a literal string; the scan goes on after its end
                end = _literal_end(data, start, bound - count)
                count += max(1, end - start - 1)
                position = end + 1
                break
        else:
            if names:
                _count_draws(data, position, len(data), names, draws)
            break
    return min(count, bound + 1), draws


def _count_draws(
    data: bytes, start: int, end: int, names: frozenset[str] | dict[Any, Any], draws: dict[str, int]
) -> None:
    # Between strings: no name or operator spans a string's delimiters.
    if data.find(b"Do", start, end) < 0:
        return
    for draw in _DRAW.finditer(data, start, end):
        name = _name(draw.group(1))
        if name in names:
            draws[name] = draws.get(name, 0) + 1


def _literal_end(data: bytes, start: int, room: int) -> int:
    """Where the literal string opened at ``start`` closes (or the end of ``data``; or, once it
    holds more than ``room`` bytes, any position past that)."""
    depth = 1
    position = start + 1
    while True:
        if position - start > room + 1:
            return position
        step = _LITERAL_STEP.search(data, position)
        if step is None:
            return len(data)
        at = step.start()
        char = data[at]
        if char == 0x5C:  # a backslash escapes the next byte
            position = at + 2
            continue
        depth += 1 if char == 0x28 else -1
        if depth == 0:
            return at
        position = at + 1


class _OverBudget(Exception):
    """Raised inside pdfminer's calls; turned into ``ReportReadError`` outside them."""


class _FormCycle(Exception):
    """A form XObject drawn inside itself (PDF forbids it; PDFium then grows without bound)."""


class _Budget:
    """Decoded bytes left for the whole document."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def take(self, size: int) -> None:
        if size > self.left:
            raise _OverBudget
        self.left -= size


def _inflate(data: bytes, limit: int) -> bytes:
    """``data`` inflated, at most ``limit`` bytes (raises past it); of a damaged stream, what
    inflates before the damage (PDFium draws that)."""
    small = min(limit, _SMALL_STREAM)
    try:
        out = zlib.decompressobj().decompress(data, small + 1)
    except zlib.error:
        return _inflate_pieces(data, limit)
    if len(out) <= small:
        return out
    # A large stream: its size is measured first, holding 1 MiB at a time, so that one past the
    # budget is refused without being held.
    inflater = zlib.decompressobj()
    size = 0
    tail = data
    try:
        while tail:
            size += len(inflater.decompress(tail, _INFLATE_STEP))
            if size > limit:
                raise _OverBudget
            tail = inflater.unconsumed_tail
    except zlib.error:
        pass
    return _inflate_pieces(data, limit)


def _inflate_pieces(data: bytes, limit: int) -> bytes:
    """``data`` inflated a piece at a time, at most ``limit`` bytes (raises past it), keeping all
    that inflates before any damage."""
    inflater = zlib.decompressobj()
    out = bytearray()
    for offset in range(0, len(data), _INFLATE_PIECE):
        piece = data[offset : offset + _INFLATE_PIECE]
        before = inflater.copy()
        try:
            out += inflater.decompress(piece, limit + 1 - len(out))
        except zlib.error:
            # Byte by byte from the start of this piece, to keep all that decodes.
            inflater = before
            for index in range(len(piece)):
                try:
                    out += inflater.decompress(piece[index : index + 1], limit + 1 - len(out))
                except zlib.error:
                    return bytes(out)
                if len(out) > limit or inflater.unconsumed_tail:
                    raise _OverBudget from None
            return bytes(out)
        if len(out) > limit or inflater.unconsumed_tail:
            raise _OverBudget
    return bytes(out)


def _decoded(stream: Any, budget: _Budget, *, predictors: bool) -> bytes | None:
    """The stream's data decoded within ``budget`` (charged for it), or ``None`` when a filter
    (or predictor, unless ``predictors``) cannot be decoded within a bound."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdftypes import (
        LITERALS_ASCII85_DECODE,
        LITERALS_ASCIIHEX_DECODE,
        LITERALS_FLATE_DECODE,
        int_value,
    )
    from pdfminer.utils import apply_png_predictor, apply_tiff_predictor

    if stream.data is not None:
        return bytes(stream.data)
    data: bytes = stream.rawdata or b""
    if stream.decipher:
        if stream.objid is None or stream.genno is None:
            return None
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for name, params in stream.get_filters():
        if name in LITERALS_FLATE_DECODE:
            data = _inflate(data, budget.left)
            predictor = int_value(params.get("Predictor", 1)) if isinstance(params, dict) else 1
            if predictor > 1:
                if not predictors:
                    return None
                colors = int_value(params.get("Colors", 1))
                columns = int_value(params.get("Columns", 1))
                bits = int_value(params.get("BitsPerComponent", 8))
                if predictor == 2:
                    data = apply_tiff_predictor(colors, columns, bits, data)
                elif predictor >= 10:
                    data = apply_png_predictor(predictor, colors, columns, bits, data)
                else:
                    return None
        elif name in LITERALS_ASCIIHEX_DECODE:
            try:
                data = asciihexdecode(data)
            except ValueError:
                return None
        elif name in LITERALS_ASCII85_DECODE:
            try:
                data = ascii85decode(data)
            except ValueError:
                return None
        else:
            return None
    budget.take(len(data))
    return data


def _bounded_parser(data: bytes, budget: _Budget) -> Any:
    """pdfminer's parser, whose streams decode (cross-reference and object streams, when pdfminer
    needs them) within ``budget`` instead of inflating without a bound."""
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream

    class BoundedStream(PDFStream):
        def decode(self) -> None:
            decoded = _decoded(self, budget, predictors=True)
            self.data = b"" if decoded is None else decoded
            self.rawdata = None

    class BoundedParser(PDFParser):
        def do_keyword(self, pos: int, token: Any) -> None:
            super().do_keyword(pos, token)
            if token is self.KEYWORD_STREAM and self.curstack:
                at, stream = self.curstack[-1]
                if type(stream) is PDFStream:
                    self.curstack[-1] = (
                        at,
                        BoundedStream(stream.attrs, stream.rawdata or b"", stream.decipher),
                    )

    return BoundedParser(io.BytesIO(data))


def _broken_file_errors() -> tuple[type[BaseException], ...]:
    # What pdfminer raises for a file it cannot parse: its own errors and the built-in ones its
    # code runs into on damaged objects. Never ReportReadError (a limit) nor _OverBudget.
    from pdfminer.psexceptions import PSException

    return (
        PSException,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        AttributeError,
        AssertionError,
        RecursionError,
        EOFError,
        zlib.error,
    )


class _Counter:
    """Counts of one document: each stream decoded and scanned once (per set of XObjects it can
    draw), each form's total computed once per resources it is drawn with. A form drawn inside
    itself raises :class:`_FormCycle`; one nested past :data:`MAX_FORM_DEPTH` counts as over the
    bound."""

    def __init__(self, limits: Limits, budget: _Budget) -> None:
        from pdfminer.pdftypes import PDFStream, resolve1
        from pdfminer.psparser import LIT

        self.resolve = resolve1
        self.stream_type = PDFStream
        self.form_type = LIT("Form")
        self.bound = TEXT_BYTES_PER_CHARACTER * limits.max_page_chars
        self.budget = budget
        # (stream, XObjects) → its own bytes, and the forms it draws with how many times
        self.scans: dict[tuple[object, int], tuple[int, list[tuple[Any, int]]]] = {}
        self.resources: dict[object, Any] = {}  # form → its resources (None: the page's)
        self.totals: dict[tuple[object, int], int] = {}
        self.drawing: set[object] = set()  # the forms being counted, each inside the last
        self.kept: list[object] = []  # keeps alive what is keyed by id()

    def _key(self, stream: Any) -> object:
        if stream.objid is not None:
            return (stream.objid, stream.genno)
        self.kept.append(stream)
        return id(stream)

    def is_stream(self, value: Any) -> bool:
        return isinstance(value, self.stream_type)

    def _scan(self, stream: Any, resources: Any) -> tuple[int, list[tuple[Any, int]]]:
        xobjects = self.resolve(resources.get("XObject")) if isinstance(resources, dict) else None
        if not isinstance(xobjects, dict):
            xobjects = None
        key = (self._key(stream), id(xobjects))
        scan = self.scans.get(key)
        if scan is None:
            self.kept.append(xobjects)
            data = _decoded(stream, self.budget, predictors=False)
            own, draws = (0, {}) if data is None else string_bytes(data, self.bound, xobjects or {})
            forms: list[tuple[Any, int]] = []
            for name, times in draws.items():
                form: Any = self.resolve(xobjects.get(name)) if xobjects else None
                if self.is_stream(form) and form.get("Subtype") is self.form_type:
                    forms.append((form, times))
            scan = self.scans[key] = (own, forms)
        return scan

    def stream_total(self, stream: Any, resources: Any, depth: int) -> int:
        """The bytes ``stream`` draws, its forms' included."""
        total, forms = self._scan(stream, resources)
        for form, times in forms:
            if total > self.bound:
                break
            total += times * self.form_total(form, resources, depth + 1)
        return min(total, self.bound + 1)

    def form_total(self, form: Any, page_resources: Any, depth: int) -> int:
        key = self._key(form)
        if key in self.drawing:
            raise _FormCycle
        if depth > MAX_FORM_DEPTH:
            return self.bound + 1
        if key in self.resources:
            resources = self.resources[key]
        else:
            resources = self.resources[key] = self.resolve(form.get("Resources"))
        if not isinstance(resources, dict):
            resources = page_resources
        memo = (key, id(resources))
        total = self.totals.get(memo)
        if total is None:
            self.drawing.add(key)
            try:
                total = self.stream_total(form, resources, depth)
            finally:
                self.drawing.discard(key)
            self.kept.append(resources)
            self.totals[memo] = total
        return total


def _pages(data: bytes, budget: _Budget) -> Iterator[Any]:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage

    document = PDFDocument(_bounded_parser(data, budget))
    yield from PDFPage.create_pages(document)


def page_text_bytes(data: bytes, name: str) -> list[int] | None:
    """The bytes of the strings each page of PDF ``data`` draws (a page's count stops growing
    past its bound), or ``None`` when pdfminer cannot parse the file's structure. A damaged
    content stream counts nothing, and pages past a damaged part of the page tree are not
    counted: PDFium decides about those.

    Raises :class:`ReportReadError` (``limits.page_text_bytes``) for the first page whose strings
    hold more than ``4 × max_page_chars`` bytes, ``limits.document_text_bytes`` once all pages
    together hold more than ``4 × max_document_chars``, ``limits.content_bytes`` once the
    decoded streams exceed ``max_unpacked_bytes``, and ``pdf.form_cycle`` for a form drawn inside
    itself."""
    from pdfminer.pdftypes import resolve1

    limits = current_limits()
    budget = _Budget(limits.max_unpacked_bytes)
    counter = _Counter(limits, budget)
    document_bound = TEXT_BYTES_PER_CHARACTER * limits.max_document_chars
    broken = _broken_file_errors()
    counts: list[int] = []
    place: str | None = None
    try:
        pages = _pages(data, budget)
        try:
            page = next(pages, None)
        except broken:
            return None
        # PDFium counts the pages and refuses too many.
        while page is not None and len(counts) < limits.max_pages:
            place = f"page {len(counts) + 1}"
            total = 0
            for content in page.contents:
                try:
                    stream = resolve1(content)
                    if total <= counter.bound and counter.is_stream(stream):
                        total += counter.stream_total(stream, page.resources, 0)
                except broken:
                    continue
            if total > counter.bound:
                raise ReportReadError(
                    name, code="limits.page_text_bytes", limit=counter.bound, place=place
                )
            counts.append(total)
            if sum(counts) > document_bound:
                raise ReportReadError(
                    name, code="limits.document_text_bytes", limit=document_bound, place=place
                )
            try:
                page = next(pages, None)
            except broken:
                break
    except _FormCycle:
        raise ReportReadError(name, code="pdf.form_cycle", place=place) from None
    except _OverBudget:
        raise ReportReadError(
            name, code="limits.content_bytes", limit=budget.limit, place=place
        ) from None
    return counts
