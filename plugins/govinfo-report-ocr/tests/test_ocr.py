"""The OCR reader on scans made from the project's own PDFs (see make_scans.py)."""

from __future__ import annotations

import functools
import io
import json
import sys
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import govinfo_report as gr
from govinfo_report.document import Document, GridCell, Table
from govinfo_report.interpret import interpret
from govinfo_report.plugins import SNIFF_BYTES, registry
from govinfo_report.progress import Progress

sys.path.insert(0, str(Path(__file__).parent))
from govinfo_report_ocr.reader import read_scan
from govinfo_report_ocr.rules import ocr_suspects
from make_scans import DATA, FIXTURES, SCANS, degrade, render_pages

EXPECTED = {
    name: FIXTURES / source.replace(".pdf", ".cells.json") for name, (source, *_) in SCANS.items()
}


@functools.cache
def scanned(name: str) -> Document:
    document = read_scan((DATA / name).read_bytes(), name)
    assert isinstance(document, Document)
    return document


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_installed_through_the_entry_point() -> None:
    plugin = registry().plugins["ocr"]
    assert not plugin.builtin and plugin.version == "0.1.0"
    assert plugin.readers == ("ocr",)
    assert set(plugin.rules) == {
        "read.ocr_suspect",
        "read.ocr_blank_page",
        "read.ocr_rotated_page",
        "read.ocr_mixed_pdf",
        "read.ocr_skipped_file",
    }


@pytest.mark.parametrize("name", sorted(SCANS))
def test_every_cell_of_a_scan_is_exact(name: str) -> None:
    report, findings = interpret(scanned(name))
    got = gr.to_cells(report)
    want: dict[str, Any] = json.loads(EXPECTED[name].read_text(encoding="utf-8"))
    for field in ("edition", "year", "agency"):
        assert got[field] == want[field], field
    wrong = {
        key: (got["cells"].get(key, "<absent>"), value)
        for key, value in want["cells"].items()
        if got["cells"].get(key, "<absent>") != value
    }
    assert not wrong
    assert not [f for f in findings if f.code.startswith("read.")]
    original = gr.read(FIXTURES / SCANS[name][0]).report
    assert [f.code for f in gr.validate(report)] == [f.code for f in gr.validate(original)]


def test_cells_know_page_box_and_confidence() -> None:
    report, _ = interpret(scanned("scan-lo-2021.pdf"))
    cell = report.cell("applications.received.total")
    where = cell.provenance
    assert where is not None and where.page == 1 and where.table is not None
    assert where.bbox is not None
    x0, top, x1, bottom = where.bbox
    assert 0 < x0 < x1 < 612 and 0 < top < bottom < 792  # PDF points on a letter page
    assert where.confidence is not None and 0.5 < where.confidence <= 1


def test_the_plugin_wins_only_for_image_only_pdfs() -> None:
    scan = (DATA / "scan-lo-2021.pdf").read_bytes()
    assert registry().choose(scan[:SNIFF_BYTES], "scan.pdf").name == "ocr"
    png = _png(Image.new("L", (100, 100), 255))
    assert registry().choose(png[:SNIFF_BYTES], "page.png").name == "ocr"
    for text_pdf in ("lo-2021.pdf", "chromium-2019.pdf", "chromium-unruled-2021.pdf"):
        head = (FIXTURES / text_pdf).read_bytes()[:SNIFF_BYTES]
        assert registry().choose(head, text_pdf).name == "pdf", text_pdf


def test_a_pdf_with_a_text_layer_stays_with_the_builtin_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import govinfo_report_ocr.reader as reader

    def no_ocr() -> None:
        raise AssertionError("the OCR engine must not run on a PDF with a text layer")

    monkeypatch.setattr(reader, "engine", no_ocr)
    result = gr.read(FIXTURES / "lo-2021.pdf")
    assert result.reader == "pdf"
    want = json.loads((FIXTURES / "lo-2021.cells.json").read_text(encoding="utf-8"))
    assert gr.to_cells(result.report)["cells"] == want["cells"]


def test_a_blank_page_is_reported() -> None:
    rng = np.random.default_rng(1)
    paper = np.full((1100, 850), 250, dtype=np.uint8)
    paper[rng.integers(0, 1100, 300), rng.integers(0, 850, 300)] = 0  # dust
    result = gr.read(_png(Image.fromarray(paper)), name="blank.png")
    codes = [f.code for f in result.findings]
    assert "read.ocr_blank_page" in codes and "read.no_text" in codes
    assert not any(cell.is_numeric for cell in result.report.cell_tuple())


def test_a_multi_page_tiff_is_read_page_by_page() -> None:
    pages = [Image.new("L", (850, 1100), 255) for _ in range(3)]
    buffer = io.BytesIO()
    pages[0].save(buffer, "TIFF", save_all=True, append_images=pages[1:])
    result = gr.read(buffer.getvalue(), name="pages.tif")
    blank = [f.source.page for f in result.findings if f.code == "read.ocr_blank_page" and f.source]
    assert blank == [1, 2, 3]


def test_an_upside_down_page_is_reported_and_not_misread() -> None:
    first = render_pages(FIXTURES / "lo-2021.pdf", dpi=150)[0]
    turned = degrade(first.rotate(180), 0.5, seed=7)
    result = gr.read(_png(turned), name="turned.png")
    rotated = [f for f in result.findings if f.code == "read.ocr_rotated_page"]
    assert rotated and rotated[0].source is not None and rotated[0].source.page == 1
    want = json.loads((FIXTURES / "lo-2021.cells.json").read_text(encoding="utf-8"))["cells"]
    got = gr.to_cells(result.report)["cells"]
    section_two = {k: v for k, v in want.items() if k.startswith("active.")}
    assert {k: got.get(k) for k in section_two} == section_two


def _not_a_report() -> Image.Image:
    """A scanned invoice: a title, a ruled table of items and amounts, a signature line."""
    page = Image.new("L", (1275, 1650), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=30)
    draw.text((120, 100), "INVOICE No. 2023-117", fill=0, font=font)
    draw.text((120, 160), "Delivered to: Harbour Road Depot", fill=0, font=font)
    rows = [("Item", "Qty", "Price"), ("Paper A4", "12", "30.00"), ("Toner", "2", "95.50")]
    xs, top, height = (120, 620, 820, 1120), 260, 60
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            draw.text((xs[c] + 15, top + r * height + 12), text, fill=0, font=font)
    for r in range(len(rows) + 1):
        draw.line((xs[0], top + r * height, xs[-1], top + r * height), fill=0, width=3)
    for x in xs:
        draw.line((x, top, x, top + len(rows) * height), fill=0, width=3)
    draw.text((120, 600), "Signed: ____________", fill=0, font=font)
    return degrade(page.convert("RGB"), -0.4, seed=3)


def test_a_scan_of_something_else_is_read_and_refused_not_taken_for_a_report() -> None:
    document = read_scan(_png(_not_a_report()), "invoice.png")
    assert isinstance(document, Document)
    assert "INVOICE" in " ".join(p.text for p in document.paragraphs())  # it was read ...
    assert any(len(t.cells) == 9 for t in document.tables())  # its table too ...
    with pytest.raises(gr.ReportReadError, match="not a government information disclosure"):
        gr.read(_png(_not_a_report()), name="invoice.png")  # ... and no number lands in a cell


def _misread(document: Document, key: str, text: str, confidence: float) -> Document:
    """The document with one cell's text replaced, as a misrecognition would leave it."""
    report, _ = interpret(document)
    where = report.cell(key).provenance
    assert where is not None
    blocks = []
    for block in document.blocks:
        if isinstance(block, Table):
            cells = tuple(
                attrs.evolve(
                    cell,
                    text=text,
                    provenance=attrs.evolve(cell.provenance, confidence=confidence),
                )
                if _same_cell(cell, where)
                else cell
                for cell in block.cells
            )
            block = attrs.evolve(block, cells=cells)
        blocks.append(block)
    return attrs.evolve(document, blocks=tuple(blocks))


def _same_cell(cell: GridCell, where: gr.Provenance) -> bool:
    p = cell.provenance
    return (p.page, p.table, p.row, p.column) == (where.page, where.table, where.row, where.column)


def test_a_low_confidence_cell_that_breaks_the_sums_is_flagged_not_corrected() -> None:
    key = "applications.granted.natural_person"  # printed 51
    report, _ = interpret(_misread(scanned("scan-lo-2021.pdf"), key, "58", 0.54))
    assert report.cell(key).value == 58  # kept as read
    suspects = list(ocr_suspects(report))
    assert [f.cells for f in suspects] == [(key,)]
    assert "read 58, the sums need 51, recognition confidence 0.54" in suspects[0].message_en
    assert suspects[0].expected == 51 and suspects[0].actual == 58
    # The whole validation reports it too, next to the wrong cell it explains.
    codes = {f.code for f in gr.validate(report)}
    assert {"read.ocr_suspect", "apply.wrong_cell"} <= codes


def test_a_confident_wrong_cell_is_the_publishers() -> None:
    key = "applications.granted.natural_person"
    report, _ = interpret(_misread(scanned("scan-lo-2021.pdf"), key, "58", 0.99))
    assert not list(ocr_suspects(report))
    assert "apply.wrong_cell" in {f.code for f in gr.validate(report)}


def test_reports_not_read_by_ocr_get_no_ocr_findings() -> None:
    result = gr.read(FIXTURES / "lo-2021.cells.json")
    assert not list(ocr_suspects(result.report))
    # Not even when the sums name a wrong cell: a cell without a recognition confidence.
    key = "applications.granted.natural_person"
    cells = result.report.cell_map()
    cells[key] = gr.parse_cell_text(str(cells[key].value + 7))
    damaged, _ = gr.build_report(result.report.edition, cells, meta=result.report.meta)
    assert "apply.wrong_cell" in {f.code for f in gr.validate(damaged)}
    assert not list(ocr_suspects(damaged))
    assert "read.ocr_suspect" not in {f.code for f in gr.validate(damaged)}


def test_the_suspect_is_found_whichever_report_the_sums_saw_last() -> None:
    key = "applications.granted.natural_person"
    misread, _ = interpret(_misread(scanned("scan-lo-2021.pdf"), key, "58", 0.54))
    clean = gr.read(FIXTURES / "lo-2021.cells.json").report
    for first, second in ((misread, clean), (clean, misread)):
        gr.validate(first)
        assert len(list(ocr_suspects(second))) == (second is misread)
    # Only the suspect rule, the sum rules switched off: they are worked out for it all the same.
    codes = [f.code for f in gr.validate(misread, select=["read.ocr_suspect"])]
    assert codes == ["read.ocr_suspect"]


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"%PDF-1.4\n garbage", b"II*\x00garbage"],
)
def test_damaged_input_raises_the_documented_error(data: bytes) -> None:
    with pytest.raises(gr.ReportReadError):
        gr.read(data, name="damaged", reader="ocr")


def test_an_oversized_image_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    import govinfo_report_ocr.pages as pages

    monkeypatch.setattr(pages, "MAX_PAGE_PIXELS", 10_000)
    with pytest.raises(gr.ReportReadError, match="pixels"):
        gr.read(_png(Image.new("L", (200, 200), 255)), name="big.png")


def _ruled_page(merge: bool) -> np.ndarray:
    """A white page with a 3×3 ruled table; ``merge`` leaves out the ruling between the first two
    cells of the top row."""
    page = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(page)
    xs, ys = (200, 700, 1100, 1500), (300, 400, 500, 600)
    for y in ys:
        draw.line((xs[0], y, xs[-1], y), fill=0, width=3)
    for x in xs:
        top = ys[1] if merge and x == xs[1] else ys[0]
        draw.line((x, top, x, ys[-1]), fill=0, width=3)
    return np.asarray(page, dtype=np.uint8)


def test_the_grid_has_the_merged_cells_of_the_rulings() -> None:
    from govinfo_report_ocr.grid import find_tables, ink

    [plain] = find_tables(ink(_ruled_page(False)).clean, 1000)
    assert len(plain.cells()) == 9
    [merged] = find_tables(ink(_ruled_page(True)).clean, 1000)
    cells = merged.cells()
    assert len(cells) == 8 and cells[0] == (0, 0, 1, 2)


@pytest.mark.parametrize("tilt", [-0.9, -0.3, 0.6, 1.0])
def test_small_tilts_are_straightened(tilt: float) -> None:
    from govinfo_report_ocr.grid import deskew, ink

    turned = np.asarray(Image.fromarray(_ruled_page(False)).rotate(tilt, fillcolor=255))
    _, angle = deskew(turned, ink(turned).clean)
    assert abs(angle + tilt) <= 0.1  # turned back by the same angle


def test_signed_deltas_of_a_chromium_pdf_keep_their_minus() -> None:
    """The 2019 edition's 本年增/减 (-3): a minus sign is print, not a speck of dust."""
    from make_scans import make_scan

    data = make_scan(FIXTURES / "chromium-2019.pdf", (0.5, -0.7), seal=False)
    got = gr.to_cells(gr.read(data, name="chromium-2019-scan.pdf").report)["cells"]
    want = json.loads((FIXTURES / "chromium-2019.cells.json").read_text(encoding="utf-8"))["cells"]
    assert any(isinstance(v, int) and v < 0 for v in want.values())
    assert {k: got.get(k, "<absent>") for k in want} == want


@pytest.mark.parametrize(
    ("model", "shape"),
    [
        ("ch_PP-OCRv4_rec_infer.onnx", (3, 3, 48, 320)),
        ("ch_PP-OCRv4_det_infer.onnx", (1, 3, 320, 256)),
        ("ch_ppocr_mobile_v2.0_cls_infer.onnx", (2, 3, 48, 192)),
    ],
)
def test_the_folded_models_compute_what_the_published_ones_do(
    model: str, shape: tuple[int, ...]
) -> None:
    import onnx
    import onnxruntime as ort
    import rapidocr_onnxruntime
    from govinfo_report_ocr.models import optimised_model

    path = str(Path(rapidocr_onnxruntime.__file__).parent / "models" / model)
    folded = optimised_model(path)
    assert folded is not None
    before = [n.op_type for n in onnx.load(path).graph.node]
    after = [n.op_type for n in onnx.load_from_string(folded).graph.node]
    assert "HardSigmoid" in after and after.count("Clip") < before.count("Clip")
    assert len(after) < len(before)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    x = np.random.default_rng(5).uniform(-1, 1, shape).astype(np.float32)
    outputs = []
    for source in (path, folded):
        session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
        outputs.append(session.run(None, {session.get_inputs()[0].name: x})[0])
    np.testing.assert_allclose(outputs[1], outputs[0], atol=1e-4)


def _want(source: str) -> dict[str, Any]:
    cells: dict[str, Any] = json.loads(
        (FIXTURES / source.replace(".pdf", ".cells.json")).read_text(encoding="utf-8")
    )["cells"]
    return cells


def _scanned_images(scan: Path) -> list[bytes]:
    """The page images of an image-only PDF, as the scanner made them (JPEG)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(scan)
    images = []
    for index in range(len(document)):
        [image] = document[index].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])
        buffer = io.BytesIO()
        image.extract(buffer)
        images.append(buffer.getvalue())
    document.close()
    return images


def test_a_folder_of_page_images_is_one_report_in_natural_order(tmp_path: Path) -> None:
    """Pages named scan-9.png and scan-10.png: in name order page 2 would come first."""
    folder = tmp_path / "report"
    folder.mkdir()
    first, second = _scanned_images(DATA / "scan-lo-2021.pdf")
    Image.open(io.BytesIO(first)).save(folder / "scan-9.png")  # lossless from the scan's JPEG
    (folder / "scan-10.jpg").write_bytes(second)
    (folder / "notes.txt").write_text("scanned at the office\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (folder / "rescans").mkdir()  # a subfolder is not read: said, not passed over
    (folder / "rescans" / "scan-9.png").write_bytes(b"")
    got: list[Progress] = []
    result = gr.read(folder, progress=got.append)
    assert result.reader == "ocr"
    cells = gr.to_cells(result.report)["cells"]
    want = _want("lo-2021.pdf")
    assert {k: cells.get(k, "<absent>") for k in want} == want
    pages = {c.provenance.page for c in result.report.cell_tuple() if c.provenance}
    assert pages == {1, 2}
    skipped = [f for f in result.findings if f.code == "read.ocr_skipped_file"]
    assert len(skipped) == 1
    assert skipped[0].message_en.endswith("not read: .DS_Store, notes.txt, rescans/")
    assert [(p.done, p.unit) for p in got] == [(1, "page"), (2, "page")]


def _mixed_pdf(text_source: Path, scan: Path, scanned: set[int]) -> bytes:
    """The text PDF with the pages in ``scanned`` replaced by the same pages of its scan."""
    import pypdfium2 as pdfium

    text, image = pdfium.PdfDocument(text_source), pdfium.PdfDocument(scan)
    mixed = pdfium.PdfDocument.new()
    for index in range(len(text)):
        mixed.import_pages(image if index + 1 in scanned else text, [index])
    buffer = io.BytesIO()
    mixed.save(buffer)
    for document in (text, image, mixed):
        document.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("source", "scan"),
    [("lo-2021.pdf", "scan-lo-2021.pdf"), ("lo-2019.pdf", "scan-lo-2019-seal.pdf")],
)
def test_a_pdf_with_scanned_pages_reads_them_by_ocr_and_the_rest_from_text(
    source: str, scan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _mixed_pdf(FIXTURES / source, DATA / scan, {2})
    want = _want(source)
    # The built-in reader (chosen: the file starts with a text page) names the scanned page.
    builtin = gr.read(data, name="mixed.pdf")
    assert builtin.reader == "pdf"
    [no_text] = [f for f in builtin.findings if f.code == "read.no_text"]
    assert no_text.source is not None and no_text.source.page == 2
    assert "reader ocr" in no_text.message_en
    # With the OCR reader: page 1 from its text layer, page 2 by OCR, every cell exact.
    import govinfo_report_ocr.reader as reader

    rendered: list[int] = []
    original = reader.pdf_pages

    def spy(data: bytes, name: str, only: Any = None) -> Any:
        for page in original(data, name, only):
            rendered.append(page.number)
            yield page

    monkeypatch.setattr(reader, "pdf_pages", spy)
    document = read_scan(data, "mixed.pdf")
    assert isinstance(document, Document)
    assert rendered == [2]  # the text page was not recognised
    report, findings = interpret(document)
    got = gr.to_cells(report)["cells"]
    assert {k: got.get(k, "<absent>") for k in want} == want
    codes = [f.code for f in findings]
    assert "read.ocr_mixed_pdf" in codes and "read.no_text" not in codes
    confident = {
        c.provenance.page: c.provenance.confidence is not None
        for c in report.cell_tuple()
        if c.provenance is not None and c.provenance.page is not None
    }
    assert confident.get(2) is True  # OCR's cells carry a confidence
    assert confident.get(1, False) is False  # text-layer cells do not
    tables = list(document.tables())
    assert [t.provenance.table for t in tables] == list(range(len(tables)))
    pages = [t.provenance.page or 0 for t in tables]
    assert pages == sorted(pages) and set(pages) == {1, 2}


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_hears_each_page_of_a_scan(tmp_path: Path, workers: int) -> None:
    from govinfo_report.batch import local_executor

    pages = [Image.new("L", (850, 1100), 255) for _ in range(3)]
    scan = tmp_path / "blank-scan.tif"
    pages[0].save(scan, "TIFF", save_all=True, append_images=pages[1:])
    heard: list[Progress] = []
    [result] = list(local_executor(workers, page_progress=heard.append)([str(scan)]))
    assert result.path == str(scan)
    assert [(p.done, p.unit) for p in heard] == [(1, "page"), (2, "page"), (3, "page")]
    assert {p.source for p in heard} == {str(scan)}


def test_a_lone_thin_digit_is_read_and_an_empty_cell_is_not_recognised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only cells with print reach the recogniser (empty ones cost nothing), and a lone ``1``
    (a few pixels wide) or ``0`` is print, never taken for dust."""
    import govinfo_report_ocr.reader as reader
    from govinfo_report_ocr.engine import engine

    page = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=30)
    xs, ys = (200, 500, 800, 1100, 1400), (300, 380, 460)
    texts = [["1", "0", "", "11"], ["", "1", "0", ""]]
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            draw.text((xs[c] + 130, ys[r] + 20), text, fill=0, font=font)
    for y in ys:
        draw.line((xs[0], y, xs[-1], y), fill=0, width=3)
    for x in xs:
        draw.line((x, ys[0], x, ys[-1]), fill=0, width=3)
    scan = degrade(page.convert("RGB"), 0.3, seed=11)
    crops: list[int] = []
    recogniser = engine()

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(recogniser, name)

        def recognise(self, images: Any, numeric_ok: Any = None) -> Any:
            crops.append(sum(1 for ok in numeric_ok if ok))
            return recogniser.recognise(images, numeric_ok)

    monkeypatch.setattr(reader, "engine", Counting)
    document = read_scan(_png(scan), "digits.png")
    assert isinstance(document, Document)
    [table] = list(document.tables())
    got = [["" for _ in row] for row in texts]
    for cell in table.cells:
        got[cell.row][cell.column] = cell.text
    assert got == texts
    assert crops == [5]  # the five cells with print, one crop each
