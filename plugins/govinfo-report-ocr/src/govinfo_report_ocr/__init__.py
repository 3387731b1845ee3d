"""govinfo_report plugin: scanned reports (image-only PDFs, page images) read offline with OCR.

Importing this module is cheap: the OCR engine (ONNX Runtime, OpenCV) is imported only when a scan is
read. See the plugin's README for the choice of engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from govinfo_report.hookspecs import hookimpl
from govinfo_report.plugins import Reader, ReadFunction
from govinfo_report.validation import ReportRule

__version__ = "0.1.0"

__all__ = ["IMAGE_SUFFIXES", "register_readers", "register_rules"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_PDF_SCORE = 0.96
"""Just above the built-in PDF reader (0.95), for a PDF whose first bytes look image-only."""
_IMAGE_OBJECT = re.compile(rb"/Subtype\s*/Image|/(?:DCT|CCITTFax|JBIG2|JPX)Decode")
_FONT_OBJECT = re.compile(rb"/(?:Font|BaseFont|FontFile[23]?|ToUnicode)\b")


def _sniff(head: bytes, name: str) -> float:
    if any(head.startswith(magic) for magic in _IMAGE_MAGIC):
        return 0.9
    if head.lstrip()[:5] == b"%PDF-":
        # The head shows page images and no font: a scan. A guess from the first 8 KB only, so
        # reading checks the whole file and hands a PDF with a text layer to the built-in reader.
        if _IMAGE_OBJECT.search(head) and not _FONT_OBJECT.search(head):
            return _PDF_SCORE
        return 0.0
    if name.lower().endswith(IMAGE_SUFFIXES):
        return 0.5
    return 0.0


def _load() -> ReadFunction:
    from .reader import read_scan

    return read_scan


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "ocr",
            load=_load,
            suffixes=IMAGE_SUFFIXES,
            media_types=("image/png", "image/jpeg", "image/tiff"),
            magic=_IMAGE_MAGIC,
            sniff=_sniff,
            description="Scans: image-only PDFs and page images (PNG, JPEG, multi-page TIFF), "
            "read offline with PP-OCR; a PDF with a text layer goes to the built-in pdf reader.",
        )
    )


@hookimpl
def register_rules(register: Callable[[ReportRule], None]) -> None:
    from .rules import CODES, ocr_suspects

    register(ReportRule("ocr", CODES, ocr_suspects))
