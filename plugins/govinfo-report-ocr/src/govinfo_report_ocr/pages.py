"""Inputs as grayscale page images: image-only PDFs rendered, page images decoded.

Sizes are checked before pixels are made: the page count against ``max_pages``, and each page's pixel
count against :data:`MAX_PAGE_PIXELS` (from the PDF page size or the image header).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from govinfo_report import ReportReadError
from govinfo_report.limits import current_limits

__all__ = ["DPI", "MAX_PAGE_PIXELS", "Page", "image_pages", "pdf_has_text", "pdf_pages"]

Gray = npt.NDArray[np.uint8]

DPI = 200
"""Resolution at which PDF pages are rendered."""
MAX_PAGE_PIXELS = 40_000_000
"""A page image with more pixels is refused (an A3 page at 400 dpi has 31 million)."""
_MIN_TEXT_CHARS = 20  # fewer characters on every page: a stray page number, not a text layer


class Page(NamedTuple):
    """One page image and what one of its pixels is in PDF points (``None``: an image file)."""

    number: int
    image: Gray
    points_per_pixel: float | None


_COLOURED = 60  # max - min channel: print is gray, a seal's ink is red (or blue)
_PALE = 185  # print under a seal keeps a dark channel (JPEG tints it); the seal itself does not


def _gray(rgb: npt.NDArray[np.uint8]) -> Gray:
    # The lightest channel keeps black print dark and turns coloured ink pale; clearly coloured
    # pixels that are not dark (a seal stamped over the tables) become paper.
    lightest = rgb.max(axis=2)
    coloured = (lightest.astype(np.int16) - rgb.min(axis=2) > _COLOURED) & (lightest > _PALE)
    return np.where(coloured, 255, lightest).astype(np.uint8)


def pdf_has_text(data: bytes) -> bool:
    """Whether any page of the PDF has a text layer worth reading (cheap: no rendering)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False
    try:
        for index in range(min(len(document), current_limits().max_pages)):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range(0, textpage.count_chars())
                finally:
                    textpage.close()
            finally:
                page.close()
            if len(text.split()) and len("".join(text.split())) >= _MIN_TEXT_CHARS:
                return True
    finally:
        document.close()
    return False


def pdf_pages(data: bytes, name: str) -> Iterator[Page]:
    """Every page of a PDF rendered at :data:`DPI` (lower for oversized pages)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReportReadError(name, code="pdf.encrypted") from exc
        raise ReportReadError(name, code="pdf.unreadable", detail=str(exc)) from exc
    try:
        count = len(document)
        limit = current_limits().max_pages
        if count > limit:
            raise ReportReadError(name, code="limits.pages", count=count, limit=limit)
        for index in range(count):
            page = document[index]
            try:
                width, height = page.get_size()
                scale = DPI / 72
                if width * height * scale * scale > MAX_PAGE_PIXELS:
                    scale = (MAX_PAGE_PIXELS / max(1.0, width * height)) ** 0.5
                if width * scale < 50 or height * scale < 50:
                    raise ReportReadError(
                        name, code="image.page_too_small", place=f"page {index + 1}"
                    )
                bitmap = page.render(scale=scale, grayscale=False)
                pixels = np.asarray(bitmap.to_numpy(), dtype=np.uint8)
            except pdfium.PdfiumError as exc:
                raise ReportReadError(
                    name, code="pdf.damaged", detail=str(exc), place=f"page {index + 1}"
                ) from exc
            finally:
                page.close()
            image = _gray(pixels[:, :, :3]) if pixels.ndim == 3 else pixels
            yield Page(index + 1, image, 1 / scale)
    finally:
        document.close()


def image_pages(data: bytes, name: str) -> Iterator[Page]:
    """Every frame of an image file (a multi-page TIFF gives one page per frame)."""
    from PIL import Image, UnidentifiedImageError

    try:
        # Pillow warns about damaged metadata (corrupt EXIF); what matters is raised or read.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            opened = Image.open(io.BytesIO(data))
            frames = int(getattr(opened, "n_frames", 1))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ReportReadError(name, code="image.unreadable", detail=str(exc)) from exc
    limit = current_limits().max_pages
    if frames > limit:
        raise ReportReadError(name, code="limits.pages", count=frames, limit=limit)
    with opened:
        for index in range(frames):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                rgb = _frame(opened, index, name)
            yield Page(index + 1, _gray(rgb), None)


def _frame(image: Any, index: int, name: str) -> npt.NDArray[np.uint8]:
    place = f"page {index + 1}"
    try:
        image.seek(index)
        width, height = image.size
        if width * height > MAX_PAGE_PIXELS:
            raise ReportReadError(
                name,
                code="limits.page_pixels",
                width=width,
                height=height,
                limit=MAX_PAGE_PIXELS,
                place=place,
            )
        if width < 50 or height < 50:
            raise ReportReadError(name, code="image.too_small", place=place)
        return np.asarray(image.convert("RGB"), dtype=np.uint8)
    except (OSError, ValueError, EOFError) as exc:
        raise ReportReadError(name, code="image.damaged", detail=str(exc), place=place) from exc
