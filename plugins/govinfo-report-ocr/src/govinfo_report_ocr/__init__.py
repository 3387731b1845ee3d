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

__all__ = ["IMAGE_MAGIC", "IMAGE_SUFFIXES", "register_readers", "register_rules"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
"""First bytes of PNG, JPEG and TIFF files."""
_ZIP = b"PK\x03\x04"
_PDF_SCORE = 0.96
"""Just above the built-in PDF reader (0.95), for a PDF whose first bytes look image-only."""
_IMAGE_OBJECT = re.compile(rb"/Subtype\s*/Image|/(?:DCT|CCITTFax|JBIG2|JPX)Decode")
_FONT_OBJECT = re.compile(rb"/(?:Font|BaseFont|FontFile[23]?|ToUnicode)\b")


def _member_names(head: bytes) -> list[str]:
    """The names of the files of a ZIP archive whose local headers lie within ``head``."""
    names: list[str] = []
    at = 0
    while head[at : at + 4] == _ZIP and at + 30 <= len(head):
        size = int.from_bytes(head[at + 18 : at + 22], "little")
        length = int.from_bytes(head[at + 26 : at + 28], "little")
        extra = int.from_bytes(head[at + 28 : at + 30], "little")
        names.append(head[at + 30 : at + 30 + length].decode("utf-8", "replace"))
        at += 30 + length + extra + size
    return names


def _sniff(head: bytes, name: str) -> float:
    if any(head.startswith(magic) for magic in IMAGE_MAGIC):
        return 0.9
    if head.startswith(_ZIP) and any(
        member.lower().endswith(IMAGE_SUFFIXES) for member in _member_names(head)
    ):
        # A folder of page images read as one input arrives as a ZIP archive of its files
        # (govinfo_report.read); so does a .zip of page images.
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
            magic=IMAGE_MAGIC,
            sniff=_sniff,
            description="Scans: image-only PDFs, page images (PNG, JPEG, multi-page TIFF) and "
            "folders of them, read offline with PP-OCR; a PDF with a text layer goes to the "
            "built-in pdf reader, and with reader ocr its scanned pages are read by OCR.",
        )
    )


@hookimpl
def register_rules(register: Callable[[ReportRule], None]) -> None:
    from .rules import CODES, ocr_suspects

    register(ReportRule("ocr", CODES, ocr_suspects))
