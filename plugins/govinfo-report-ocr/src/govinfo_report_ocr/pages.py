"""Inputs as grayscale page images: image-only PDFs rendered, page images decoded.

Sizes are checked before pixels are made: the page count against ``max_pages``, and each page's pixel
count against :data:`MAX_PAGE_PIXELS` (from the PDF page size or the image header).
"""

from __future__ import annotations

import enum
import io
import warnings
from collections.abc import Container, Iterator
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from govinfo_report import ReportReadError
from govinfo_report.limits import current_limits
from govinfo_report_ocr import IMAGE_MAGIC

__all__ = [
    "DPI",
    "MAX_PAGE_PIXELS",
    "Page",
    "PageKind",
    "archive_pages",
    "enlarged",
    "enlargement",
    "image_pages",
    "is_image",
    "pdf_page_kinds",
    "pdf_pages",
]

Gray = npt.NDArray[np.uint8]

DPI = 200
"""Resolution at which PDF pages are rendered."""
MAX_PAGE_PIXELS = 40_000_000
"""A page image with more pixels is refused (an A3 page at 400 dpi has 31 million)."""
_MIN_TEXT_CHARS = 20  # fewer characters on every page: a stray page number, not a text layer


class Page(NamedTuple):
    """One page image and what one pixel of it, as read, is in the source's units: PDF points,
    or the image file's own pixels when it is enlarged (``None``: the image file's pixels)."""

    number: int
    image: Gray
    points_per_pixel: float | None
    """What one pixel of the page as read (enlarged) is in the source's units."""
    enlarge: float = 1.0
    """The factor the image is enlarged by once found not blank (small page images)."""


_COLOURED = 60  # max - min channel: print is gray, a seal's ink is red (or blue)
_PALE = 185  # print under a seal keeps a dark channel (JPEG tints it); the seal itself does not


def _gray(rgb: npt.NDArray[np.uint8]) -> Gray:
    # The lightest channel keeps black print dark and turns coloured ink pale; clearly coloured
    # pixels that are not dark (a seal stamped over the tables) become paper.
    lightest = rgb.max(axis=2)
    coloured = (lightest.astype(np.int16) - rgb.min(axis=2) > _COLOURED) & (lightest > _PALE)
    return np.where(coloured, 255, lightest).astype(np.uint8)


class PageKind(enum.Enum):
    """What a PDF page holds: a text layer (read from it), page images only (a scan), or neither."""

    TEXT = "text"
    IMAGE = "image"
    EMPTY = "empty"


def pdf_page_kinds(data: bytes) -> list[PageKind]:
    """The kind of each page of a PDF (cheap: nothing is rendered). ``[]`` for a damaged PDF,
    which reading then reports."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return []
    kinds: list[PageKind] = []
    try:
        for index in range(min(len(document), current_limits().max_pages)):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range(
                        0, min(textpage.count_chars(), 4 * _MIN_TEXT_CHARS)
                    )
                finally:
                    textpage.close()
                if len("".join(text.split())) >= _MIN_TEXT_CHARS:
                    kinds.append(PageKind.TEXT)
                else:
                    kinds.append(PageKind.IMAGE if _has_image(page) else PageKind.EMPTY)
            finally:
                page.close()
    except pdfium.PdfiumError:
        return []
    finally:
        document.close()
    return kinds


def _has_image(page: Any) -> bool:
    """Whether the page shows an image (looked for inside forms too, a bounded walk)."""
    import pypdfium2.raw as pdfium_c

    stack: list[tuple[Any, bool]] = [(page.raw, False)]
    walked = 0
    while stack and walked < 10_000:
        owner, is_form = stack.pop()
        count = (pdfium_c.FPDFFormObj_CountObjects if is_form else pdfium_c.FPDFPage_CountObjects)(
            owner
        )
        get = pdfium_c.FPDFFormObj_GetObject if is_form else pdfium_c.FPDFPage_GetObject
        for index in range(max(0, min(count, 10_000 - walked))):
            walked += 1
            kind = pdfium_c.FPDFPageObj_GetType(get(owner, index))
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                return True
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM and len(stack) < 16:
                stack.append((get(owner, index), True))
    return False


def pdf_pages(data: bytes, name: str, only: Container[int] | None = None) -> Iterator[Page]:
    """Every page of a PDF (or the page numbers in ``only``) rendered at :data:`DPI` (lower for
    oversized pages)."""
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
            if only is not None and index + 1 not in only:
                continue
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
            image = _gray(rgb)
            scale = enlargement(image)
            yield Page(index + 1, image, None if scale == 1 else 1 / scale, scale)


MIN_LONG_SIDE = 2200
"""Page images smaller than this on their long side (a letter page at 200 dpi) are enlarged to
it, so that a page scanned at 150 dpi is read as a PDF page is: rendered at :data:`DPI`."""


def enlargement(page: Gray) -> float:
    """How much a page image is enlarged before its layout is read (1: not at all)."""
    scale = MIN_LONG_SIDE / max(page.shape)
    return 1.0 if scale <= 1.05 else scale


def enlarged(page: Gray, scale: float) -> Gray:
    """The page enlarged by ``scale`` (as it is for 1)."""
    import cv2

    if scale == 1:
        return page
    height, width = page.shape
    size = (round(width * scale), round(height * scale))
    resized = cv2.resize(page, size, interpolation=cv2.INTER_LINEAR)
    return np.asarray(resized, dtype=np.uint8)


def archive_pages(data: bytes, name: str, skipped: list[str]) -> Iterator[Page]:
    """The pages of a ZIP archive of page images, file after file in natural name order (a
    folder read as one input arrives so: see :func:`govinfo_report.read`). Pages are numbered
    on through the files; errors name the file. Files that are not images (a hidden
    ``.DS_Store``, a member without bytes) and subfolders are appended to ``skipped`` and left
    out."""
    import zipfile

    from govinfo_report.io import folder_order
    from govinfo_report.limits import check_zip_members

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReportReadError(name, code="image.unreadable_archive", detail=str(exc)) from exc
    check_zip_members(members, name)
    limit = current_limits().max_pages
    pages = 0
    with archive:
        for member in sorted(members, key=lambda m: folder_order(m.filename)):
            label = (
                f"{name}{member.filename}" if name.endswith("/") else f"{name}:{member.filename}"
            )
            if member.is_dir():  # a subfolder of the folder read: its files are not pages
                skipped.append(member.filename)
                continue
            try:
                content = archive.read(member)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise ReportReadError(label, code="image.damaged_archive", detail=str(exc)) from exc
            if not is_image(content):
                skipped.append(member.filename)
                continue
            for page in image_pages(content, label):
                pages += 1
                if pages > limit:
                    raise ReportReadError(name, code="limits.pages", count=pages, limit=limit)
                yield page._replace(number=pages)


def is_image(data: bytes) -> bool:
    """Whether the bytes are a PNG, JPEG or TIFF file."""
    return data.startswith(IMAGE_MAGIC)


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
