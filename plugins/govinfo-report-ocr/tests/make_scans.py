"""Make the scanned fixtures from the project's own PDFs: print, stamp, scan.

Each page is rendered at 150 dpi, tilted by up to 1°, blurred, speckled and JPEG-compressed, and the
pages are put back together as an image-only PDF (no text layer). ``--seal`` stamps a red seal across
a cell of the last table, as offices do before scanning. Deterministic (fixed seeds).

    python plugins/govinfo-report-ocr/tests/make_scans.py

The functions are also used by the tests to make page images (upside down, blank, not a report).
"""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).parent
REPO = HERE.parents[2]
FIXTURES = REPO / "tests" / "fixtures"
DATA = HERE / "data"
DPI = 150

SCANS = {
    # output: (source PDF, tilt per page in degrees, seal)
    "scan-lo-2021.pdf": ("lo-2021.pdf", (0.6, -0.9), False),
    "scan-lo-2019-seal.pdf": ("lo-2019.pdf", (-0.4, 0.8), True),
}


def render_pages(pdf: Path, dpi: int = DPI) -> list[Image.Image]:
    """Every page of a PDF as an RGB image."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        return [
            document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(document))
        ]
    finally:
        document.close()


def stamp_seal(page: Image.Image, centre: tuple[int, int], radius: int) -> Image.Image:
    """A red round seal (ring, inner ring, star) blended over the page like stamp ink."""
    overlay = Image.new("L", page.size, 0)
    draw = ImageDraw.Draw(overlay)
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=255, width=radius // 12)
    inner = int(radius * 0.8)
    draw.ellipse(
        (x - inner, y - inner, x + inner, y + inner), outline=255, width=max(2, radius // 40)
    )
    star = []
    for k in range(10):
        r = radius * (0.3 if k % 2 == 0 else 0.12)
        angle = math.pi / 2 + k * math.pi / 5
        star.append((x + r * math.cos(angle), y - r * math.sin(angle)))
    draw.polygon(star, fill=255)
    for k in range(24):  # the seal's lettering, as short arcs of ink
        angle = math.pi * (0.15 + 0.7 * k / 23)
        cx, cy = x + 0.65 * radius * math.cos(angle), y - 0.65 * radius * math.sin(angle)
        draw.rectangle((cx - 4, cy - 6, cx + 4, cy + 6), fill=255)
    ink = np.asarray(overlay, dtype=np.float32)[:, :, None] / 255 * 0.85
    red = np.array([215, 35, 40], dtype=np.float32)
    pixels = np.asarray(page, dtype=np.float32)
    stamped = pixels * (1 - ink) + np.minimum(pixels, red) * ink
    return Image.fromarray(stamped.clip(0, 255).astype(np.uint8))


def degrade(page: Image.Image, tilt: float, seed: int, colour: bool = False) -> Image.Image:
    """Tilt, blur, speckle and JPEG-compress one page as a cheap office scanner would (in
    grayscale unless ``colour``)."""
    rng = np.random.default_rng(seed)
    turned = page.rotate(tilt, resample=Image.Resampling.BILINEAR, fillcolor=(255, 255, 255))
    blurred = turned.filter(ImageFilter.GaussianBlur(0.7))
    pixels = np.asarray(blurred, dtype=np.int16).copy()
    height, width = pixels.shape[:2]
    pixels += rng.integers(-4, 5, size=(height, width, 1), dtype=np.int16)  # sensor noise
    for value, share in ((0, 0.0004), (255, 0.0004)):  # dust and drop-outs
        count = int(height * width * share)
        ys, xs = rng.integers(0, height, count), rng.integers(0, width, count)
        pixels[ys, xs] = value
    noisy = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    if colour:
        noisy.save(buffer, "JPEG", quality=40)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    noisy.convert("L").save(buffer, "JPEG", quality=40)
    return Image.open(io.BytesIO(buffer.getvalue()))


def image_only_pdf(pages: list[Image.Image], dpi: int = DPI) -> bytes:
    """The pages as a PDF of JPEG images, without any text layer."""
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=40)
    return buffer.getvalue()


def make_scan(source: Path, tilts: tuple[float, ...], seal: bool) -> bytes:
    pages = render_pages(source)
    if seal:
        last = pages[-1]
        width, height = last.size
        # Over the right-hand cells of the last table (section 四 sits near the page foot).
        pages[-1] = stamp_seal(last, (int(width * 0.72), int(height * 0.62)), int(DPI * 0.8))
    scanned = [
        degrade(
            page,
            tilts[i % len(tilts)],
            seed=1000 * i + len(source.name),
            colour=seal and i == len(pages) - 1,
        )
        for i, page in enumerate(pages)
    ]
    return image_only_pdf(scanned)


def main() -> int:
    DATA.mkdir(exist_ok=True)
    for output, (source, tilts, seal) in SCANS.items():
        data = make_scan(FIXTURES / source, tilts, seal)
        (DATA / output).write_bytes(data)
        print(f"{output}: {len(data) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
