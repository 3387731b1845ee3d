"""The bytes of text strings a PDF page draws, counted from its content streams before PDFium
loads the page (``govinfo_report.formats.pdf_text_bytes``)."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govinfo_report as gr
from govinfo_report import ReportReadError
from govinfo_report.formats.pdf_text_bytes import page_text_bytes, string_bytes
from govinfo_report.limits import Limits, using_limits
from govinfo_report.testing.bombs import (
    pdf_document,
    pdf_form_drawn_many_times,
    pdf_inflating_content,
    pdf_many_characters,
    pdf_of_streams,
)

BOUND = 1_000_000


def count(data: bytes) -> int:
    return string_bytes(data, BOUND)[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"BT (Hello) Tj ET", 5),
        (b"(a(b)c) Tj", 5),  # nested parentheses belong to the string
        (b"(a(b(c)d)e) Tj (f) Tj", 9 + 1),
        (b"(a\\)b) Tj", 4),  # an escaped parenthesis does not close it
        (b"(a\\(b) Tj", 4),  # nor open a nested one
        (b"(\\101\\102) Tj", 8),  # octal escapes as written: 4 bytes each
        (b"(a\\\\) Tj (b) Tj", 3 + 1),  # an escaped backslash escapes nothing after it
        (b"<4142> Tj", 2),
        (b"<41 42\n43> Tj", 3),  # white space in hex strings is not a digit
        (b"<414> Tj", 2),  # an odd digit is a byte
        (b"[<0012>-20<0034>] TJ", 4),
        (b"() Tj <> Tj", 2),  # every string counts at least one byte
        (b"/Span << /MCID 0 >> BDC EMC", 0),  # a dictionary is not a hex string
        (b"/Span <</ActualText <FEFF0041>>> BDC", 4),
        (b"<<<4142>>>", 2),  # "<<" then a hex string, as PDFium reads it
        (b"1 0 0 1 72 700 Tm 0.5 w 10 10 m 20 20 l S", 0),
        (b"(unterminated", 12),  # to the end, as PDFium reads it
        (b"((a)", 3),
        (b"<4142", 2),
        (b"(<4142>) Tj", 6),  # a hex string inside a literal one is its text
        (b"<41(42)> Tj", 2),  # and parentheses inside a hex string are not digits
    ],
)
def test_strings_are_counted_as_pdfium_reads_them(content: bytes, expected: int) -> None:
    assert count(content) == expected


def test_draws_of_xobjects_are_counted_outside_strings() -> None:
    content = b"q /Fm1 Do Q /Fm1 Do (/Fm1 Do) Tj /Im1 Do /Fm2 Do /F#6d2 Do /Fm1Do /Fm3 Dox"
    total, draws = string_bytes(content, BOUND, frozenset({"Fm1", "Fm2", "Fm3"}))
    assert total == len(b"/Fm1 Do")
    assert draws == {"Fm1": 2, "Fm2": 2}


def test_counting_stops_past_the_bound() -> None:
    assert string_bytes(b"(" + b"a" * 1000 + b")", 10)[0] == 11
    assert string_bytes(b"<" + b"41" * 1000 + b">", 10)[0] == 11
    assert string_bytes(b"(a) " * 1000, 10)[0] == 11


SATURATED = 800_001


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        (b"(" * 2_000_000, SATURATED),
        (b")" * 2_000_000, 0),  # outside strings: not text
        (b"<" * 2_000_000, 0),  # a million dictionaries opened
        (b"<<" * 1_000_000 + b"<", 1),
        (b"<a" * 1_000_000, 500_000),  # one hex string, to the end
        (b"\\" * 2_000_000, 0),
        (b"(" + b"\\(" * 1_000_000, SATURATED),
        (b"()" * 1_000_000, SATURATED),
        (b"<>" * 1_000_000, SATURATED),
        (b"/a Do " * 400_000, 0),
        (b"(" + b"a" * 4_000_000, SATURATED),
    ],
)
def test_hostile_content_is_scanned_in_linear_time_and_saturates(
    hostile: bytes, expected: int
) -> None:
    # A quadratic scan of these (2–4 MB) would not end within the suite's time.
    total, draws = string_bytes(hostile, 800_000, frozenset({"a"}))
    assert total == expected
    assert draws == ({"a": 400_000} if b"Do" in hostile else {})


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_more_content_never_counts_less(head: bytes, tail: bytes) -> None:
    # Saturating counts are monotone in the bound, and a closed string appended adds its bytes.
    closed = b" (" + tail.replace(b"\\", b"").replace(b"(", b"").replace(b")", b"") + b") "
    total = string_bytes(head + b"\n" * 0, 10_000)[0]
    for bound in (0, 5, 50):
        assert string_bytes(head, bound)[0] == min(total, bound + 1)
    if head.count(b"(") == head.count(b")") == 0 and b"<" not in head and b"\\" not in head:
        assert string_bytes(head + closed, 10_000)[0] == total + max(1, len(closed) - 4)


def text(characters: int) -> bytes:
    return b"BT /F1 10 Tf 72 700 Td (" + b"x" * characters + b") Tj ET"


def test_pages_count_their_strings_and_their_forms_times_their_draws() -> None:
    data = pdf_document(
        [b"/Fm1 Do /Fm1 Do (ab) Tj", text(5), b"/Fm2 Do"],
        forms=[text(3), b"/Fm1 Do /Fm1 Do /Fm1 Do (abcd) Tj"],
    )
    assert page_text_bytes(data, "f.pdf") == [2 + 2 * 3, 5, 3 * 3 + 4]


@pytest.mark.parametrize(
    "forms",
    [
        [b"(abc) Tj /Fm1 Do"],
        [b"(abc) Tj /Fm2 Do", b"(de) Tj /Fm1 Do"],
        [b"(abc) Tj /Fm1 Do /Fm1 Do"],  # PDFium aborts the process on this 1 KB file
        [b"(a) Tj /Fm2 Do", b"/Fm3 Do", b"/Fm4 Do", b"/Fm2 Do"],
    ],
)
def test_a_form_drawn_inside_itself_is_refused_before_pdfium(forms: list[bytes]) -> None:
    data = pdf_document([b"(x) Tj", b"/Fm1 Do"], forms=forms)
    with pytest.raises(ReportReadError) as error:
        gr.read(data, name="cycle.pdf")
    assert error.value.code == "pdf.form_cycle"
    assert error.value.place == "page 2"


def test_a_form_drawn_by_many_forms_is_no_cycle() -> None:
    forms = [b"/Fm2 Do /Fm3 Do /Fm4 Do", b"/Fm4 Do (ab) Tj", b"/Fm4 Do", b"(c) Tj"]
    # Fm4 is drawn by the page, Fm1, Fm2 and Fm3: Fm2 = 1 + 2, Fm1 = Fm2 + Fm3 + Fm4 = 3 + 1 + 1.
    data = pdf_document([b"/Fm1 Do", b"/Fm4 Do /Fm2 Do"], forms=forms)
    assert page_text_bytes(data, "d.pdf") == [5, 1 + 3]


def test_forms_drawing_forms_saturate_instead_of_growing_exponentially() -> None:
    # Fm1 draws Fm2 twice, Fm2 draws Fm3 twice … 60 levels: 2^60 draws of one string.
    forms = [b"/Fm%d Do /Fm%d Do" % (i + 1, i + 1) for i in range(1, 60)] + [b"(x) Tj"]
    data = pdf_document([b"/Fm1 Do"], forms=forms)
    with pytest.raises(ReportReadError) as error:
        page_text_bytes(data, "deep.pdf")
    assert error.value.code == "limits.page_text_bytes"
    assert error.value.place == "page 1"


def test_a_form_drawn_many_times_is_refused_before_pdfium() -> None:
    with pytest.raises(ReportReadError, match="max_page_chars") as error:
        gr.read(pdf_form_drawn_many_times(), name="form.pdf")
    assert error.value.code == "limits.page_text_bytes"
    # Under the bound, the same form drawn a few times is read.
    assert page_text_bytes(pdf_form_drawn_many_times(1000, 3), "f.pdf") == [3000]


def test_the_bound_is_four_bytes_a_character_allowed() -> None:
    data = pdf_document([text(400)])
    with using_limits(Limits(max_page_chars=100)):
        assert page_text_bytes(data, "p.pdf") == [400]
    with using_limits(Limits(max_page_chars=99)), pytest.raises(ReportReadError) as error:
        page_text_bytes(data, "p.pdf")
    assert error.value.code == "limits.page_text_bytes"
    assert "4 × max_page_chars" in str(error.value)
    assert "字符数超过上限" in error.value.message_for("zh")


def test_the_document_bound_is_four_bytes_a_character_allowed() -> None:
    data = pdf_document([text(100)] * 5)
    with using_limits(Limits(max_document_chars=100)), pytest.raises(ReportReadError) as error:
        page_text_bytes(data, "d.pdf")
    assert error.value.code == "limits.document_text_bytes"
    assert error.value.place == "page 5"


def test_a_shared_stream_is_decoded_once() -> None:
    content = text(1000) + b" " * 9000  # 10,000 bytes decoded
    data = pdf_document([content] * 50, share_content=True)
    with using_limits(Limits(max_unpacked_bytes=12_000)):
        assert page_text_bytes(data, "shared.pdf") == [1000] * 50
    data = pdf_document([content] * 2)  # two streams
    with using_limits(Limits(max_unpacked_bytes=12_000)), pytest.raises(ReportReadError) as error:
        page_text_bytes(data, "two.pdf")
    assert error.value.code == "limits.content_bytes"
    assert error.value.place == "page 2"


def test_a_form_shared_by_pages_and_forms_is_decoded_once() -> None:
    form = text(10) + b" " * 5000
    data = pdf_document([b"/Fm1 Do /Fm2 Do"] * 20, share_content=False, forms=[form, b"/Fm1 Do"])
    with using_limits(Limits(max_unpacked_bytes=6_000)):
        assert page_text_bytes(data, "forms.pdf") == [20] * 20


def test_a_content_stream_past_the_budget_is_refused_without_inflating_it() -> None:
    with pytest.raises(ReportReadError, match="max_unpacked_bytes") as error:
        gr.read(
            pdf_inflating_content(3_000_000),
            name="i.pdf",
            limits=Limits(max_unpacked_bytes=2_000_000),
        )
    assert error.value.code == "limits.content_bytes"
    assert error.value.place == "page 1"


def test_a_damaged_stream_counts_what_inflates() -> None:
    packed = zlib.compress(text(5000) + b" " * 100_000, 9)
    damaged = packed[:-40] + b"\xff" * 40
    assert page_text_bytes(pdf_of_streams([damaged]), "d.pdf") == [5000]


def test_filters_without_a_bound_are_not_counted() -> None:
    # RunLength: one literal run of 50 bytes (length byte 49), then the end marker.
    run = text(50)[:50]
    data = pdf_of_streams([bytes([len(run) - 1]) + run + b"\x80"], filters=b"/RunLengthDecode")
    assert page_text_bytes(data, "rl.pdf") == [0]
    predicted = pdf_of_streams(
        [zlib.compress(text(50))], filters=b"/FlateDecode /DecodeParms << /Predictor 2 >>"
    )
    assert page_text_bytes(predicted, "p.pdf") == [0]


def test_hex_and_ascii85_filters_are_decoded() -> None:
    import base64

    content = text(20)
    hexed = zlib.compress(content).hex().encode() + b">"
    assert page_text_bytes(pdf_of_streams([hexed], filters=b"[/AHx /Fl]"), "h.pdf") == [20]
    a85 = base64.a85encode(zlib.compress(content)) + b"~>"
    data = pdf_of_streams([a85], filters=b"[/ASCII85Decode /FlateDecode]")
    assert page_text_bytes(data, "a.pdf") == [20]
    assert page_text_bytes(pdf_of_streams([content], filters=b"[]"), "plain.pdf") == [20]


def test_a_file_pdfminer_cannot_parse_is_left_to_pdfium() -> None:
    assert page_text_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog", "broken.pdf") is None
    with pytest.raises(ReportReadError) as error:
        gr.read(b"%PDF-1.7\n1 0 obj << /Type /Catalog", name="broken.pdf")
    assert error.value.code == "pdf.unreadable"


def test_pdfium_still_counts_characters_after_the_text_page() -> None:
    # 300,000 characters in 300,000 bytes pass the byte bound (800,000); PDFium's count refuses.
    with pytest.raises(ReportReadError) as error:
        gr.read(pdf_many_characters(300_000), name="c.pdf")
    assert error.value.code == "limits.page_chars"


def test_a_large_stream_within_the_budget_is_read_whole() -> None:
    assert page_text_bytes(pdf_inflating_content(5 * 1024 * 1024), "big.pdf") == [1]
    packed = zlib.compress(b" " * (5 * 1024 * 1024) + text(30), 9)
    damaged = packed[:-8] + b"\xff" * 8  # the checksum and last bytes lost
    assert page_text_bytes(pdf_of_streams([damaged]), "d.pdf") == [30]


def object_stream_pdf(padding: int) -> bytes:
    """A PDF 1.5 file whose page tree sits in a compressed object stream (followed by
    ``padding`` spaces), found through a cross-reference stream, as Word writes them."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    offsets, position = [], 0
    for body in bodies:
        offsets.append(position)
        position += len(body) + 1
    head = b" ".join(b"%d %d" % (number, at) for number, at in enumerate(offsets, start=1)) + b" "
    packed = zlib.compress(head + b" ".join(bodies) + b" " * padding, 9)
    content = zlib.compress(text(7))
    out = bytearray(b"%PDF-1.5\n")
    at = {4: len(out)}
    out += b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\nendobj\n" % (
        len(content),
        content,
    )
    at[5] = len(out)
    out += (
        b"5 0 obj\n<< /Type /ObjStm /N 3 /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
        b"%s\nendstream\nendobj\n" % (len(head), len(packed), packed)
    )
    at[6] = len(out)
    rows = b"\x00" + b"\x00" * 4 + b"\xff\xff"
    rows += b"".join(b"\x02" + (5).to_bytes(4, "big") + i.to_bytes(2, "big") for i in range(3))
    rows += b"".join(b"\x01" + at[n].to_bytes(4, "big") + b"\x00\x00" for n in (4, 5, 6))
    xref = zlib.compress(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /Root 1 0 R /W [1 4 2] /Length %d /Filter /FlateDecode"
        b" >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % (len(xref), xref, at[6])
    )
    return bytes(out)


def test_object_and_cross_reference_streams_decode_within_the_budget() -> None:
    assert page_text_bytes(object_stream_pdf(0), "o.pdf") == [7]
    import pypdfium2

    assert len(pypdfium2.PdfDocument(object_stream_pdf(0))) == 1  # a well-formed file
    # An object stream that inflates past the budget is refused, not inflated by pdfminer, and
    # not mistaken for a file it cannot parse.
    with (
        using_limits(Limits(max_unpacked_bytes=1_000_000)),
        pytest.raises(ReportReadError) as error,
    ):
        page_text_bytes(object_stream_pdf(2_000_000), "o.pdf")
    assert error.value.code == "limits.content_bytes"


def test_forms_nested_past_the_depth_count_as_over_the_bound() -> None:
    from govinfo_report.formats.pdf_text_bytes import MAX_FORM_DEPTH

    chain = [b"/Fm%d Do" % (i + 1) for i in range(1, MAX_FORM_DEPTH + 2)] + [b"(x) Tj"]
    with pytest.raises(ReportReadError, match="max_page_chars"):
        page_text_bytes(pdf_document([b"/Fm1 Do"], forms=chain), "deep.pdf")
    shallow = chain[-10:]
    renamed = [
        f.replace(b"/Fm%d" % (len(chain) - 8 + i), b"/Fm%d" % (i + 2))
        for i, f in enumerate(shallow)
    ]
    assert page_text_bytes(pdf_document([b"/Fm1 Do"], forms=renamed), "ok.pdf") == [1]


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    box = list(range(256))
    j = 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


def encrypted(data: bytes, owner: bytes = b"owner") -> bytes:
    """``data`` (from ``pdf_document``) encrypted with RC4 128-bit (revision 3), an owner
    password and an empty user password: it opens without one, as many published reports do."""
    import hashlib
    import re

    def md5(value: bytes) -> bytes:
        return hashlib.md5(value).digest()  # the PDF standard's own hash

    key = md5((owner + _PAD)[:32])
    for _ in range(50):
        key = md5(key)
    o_entry = _rc4(key, _PAD)
    for i in range(1, 20):
        o_entry = _rc4(bytes(b ^ i for b in key), o_entry)
    file_id = b"0123456789abcdef"
    permissions = -3904
    key = md5(_PAD + o_entry + permissions.to_bytes(4, "little", signed=True) + file_id)
    for _ in range(50):
        key = md5(key)
    u_entry = _rc4(key, md5(_PAD + file_id))
    for i in range(1, 20):
        u_entry = _rc4(bytes(b ^ i for b in key), u_entry)
    u_entry += b"\x00" * 16

    def encrypt_stream(match: re.Match[bytes]) -> bytes:
        number, length = int(match[1]), int(match[2])
        start = match.end()
        raw = data[start : start + length]
        object_key = md5(key + number.to_bytes(3, "little") + b"\x00\x00")[:16]
        return match[0] + _rc4(object_key, raw)

    out = bytearray()
    position = 0
    for match in re.finditer(rb"(\d+) 0 obj\n<< [^\n]*?/Length (\d+)[^\n]*>>\nstream\n", data):
        out += data[position : match.start()] + encrypt_stream(match)
        position = match.end() + int(match[2])
    out += data[position:]
    trailer = (
        b"/Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O <%s> /U <%s> >> "
        b"/ID [<%s> <%s>] >>"
        % (
            permissions,
            o_entry.hex().encode(),
            u_entry.hex().encode(),
            file_id.hex().encode(),
            file_id.hex().encode(),
        )
    )
    return bytes(out).replace(b"0 R >>\nstartxref", b"0 R " + trailer + b"\nstartxref")


def test_an_encrypted_file_opening_without_a_password_is_counted() -> None:
    import pypdfium2

    data = encrypted(pdf_document([text(30), b"/Fm1 Do /Fm1 Do"], forms=[text(7)]))
    document = pypdfium2.PdfDocument(data)  # PDFium opens it and reads its text
    assert document[0].get_textpage().get_text_range() == "x" * 30
    assert page_text_bytes(data, "e.pdf") == [30, 14]
    with pytest.raises(ReportReadError) as error:
        gr.read(encrypted(pdf_many_characters(3_000_000)), name="e.pdf")
    assert error.value.code == "limits.page_text_bytes"


def test_a_damaged_stream_does_not_stop_the_count_of_the_next_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from govinfo_report.formats import pdf_text_bytes

    decoded = pdf_text_bytes._decoded
    calls: list[int] = []

    def damaged_first(stream: object, budget: object, *, predictors: bool) -> bytes | None:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("as pdfminer raises on a damaged object")
        return decoded(stream, budget, predictors=predictors)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf_text_bytes, "_decoded", damaged_first)
    data = pdf_document([text(5), text(10), b"BT (" + b"8" * 900_000 + b") Tj ET"])
    with pytest.raises(ReportReadError) as error:
        page_text_bytes(data, "damaged.pdf")
    assert error.value.code == "limits.page_text_bytes"
    assert error.value.place == "page 3"
    calls.clear()
    assert page_text_bytes(pdf_document([text(5), text(10)]), "damaged.pdf") == [0, 10]
