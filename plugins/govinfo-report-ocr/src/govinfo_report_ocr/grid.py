"""Page geometry from pixels: straightening a tilted scan, ruled tables as cell grids, ink boxes.

Everything here is image processing (OpenCV, numpy) and knows nothing of OCR or of the report.
A ruled table is found from its ruling lines: long thin horizontal and vertical runs of ink kept by
morphological opening. Their positions give the grid; where a boundary between two grid positions
has no ruling, the two positions are one merged cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from govinfo_report.document import merged_cell_ids

__all__ = [
    "GridTable",
    "Ink",
    "cell_lines",
    "deskew",
    "find_tables",
    "ink",
    "ink_box",
    "rotated",
    "skew_angle",
    "text_lines",
]

Gray = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.uint8]
Box = tuple[int, int, int, int]

_MAX_SKEW = 3.0  # degrees; larger tilts are not corrected (a rotated page is reported instead)


class Ink(NamedTuple):
    """A page as ink (255) on paper (0), with small specks removed."""

    mask: Mask
    clean: Mask


def ink(page: Gray) -> Ink:
    """Ink of a grayscale page: Otsu's threshold, then specks of a few pixels dropped."""
    import cv2

    _, thresholded = cv2.threshold(page, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    mask: Mask = np.asarray(thresholded, dtype=np.uint8)
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= _speck_area(page.shape)
    keep[0] = False
    clean = np.where(keep[labels], 255, 0).astype(np.uint8)
    return Ink(mask, clean)


def _speck_area(shape: tuple[int, ...]) -> int:
    # about 0.35 mm square at the page's resolution (a printed full stop is larger)
    return max(3, int((max(shape) / 2339) ** 2 * 8))


def deskew(page: Gray, clean: Mask) -> tuple[Gray, float]:
    """The page turned upright, and the angle it was turned by (degrees; 0 when straight).
    ``clean`` is the page's ink without specks (see :func:`skew_angle`)."""
    angle = skew_angle(clean)
    return rotated(page, angle), angle


def skew_angle(clean: Mask) -> float:
    """The tilt of a page from its ink without specks: the angle whose horizontal ink profile is
    sharpest (text lines and rulings line up), searched coarse then fine on a reduced page."""
    import cv2

    height, width = clean.shape
    scale = min(1.0, 1000 / max(height, width))
    small = cv2.resize(clean, (max(1, int(width * scale)), max(1, int(height * scale))))
    mask = np.where(small > 0, 255, 0).astype(np.uint8)
    if not mask.any():
        return 0.0
    centre = (mask.shape[1] / 2, mask.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(
            mask, matrix, (mask.shape[1], mask.shape[0]), flags=cv2.INTER_NEAREST
        )
        profile = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 0.01, 0.25), key=sharpness)
    best = max(np.arange(best - 0.25, best + 0.26, 0.05), key=sharpness)
    angle = float(round(best, 2))
    return angle if abs(angle) >= 0.05 else 0.0


def rotated(page: Gray, angle: float) -> Gray:
    """The page turned by ``angle`` degrees about its centre (as it is below 0.05°)."""
    import cv2

    if abs(angle) < 0.05:
        return page
    height, width = page.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    turned = cv2.warpAffine(
        page,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
    return np.asarray(turned, dtype=np.uint8)


class GridTable(NamedTuple):
    """A ruled table: the x of its column rulings, the y of its row rulings, a cell id per grid
    position (positions with one id are one merged cell)."""

    xs: list[int]
    ys: list[int]
    ids: list[list[int]]

    @property
    def box(self) -> Box:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def cells(self) -> list[tuple[int, int, int, int]]:
        """``(row, column, row_span, column_span)`` of every cell, top to bottom, left to right."""
        extent: dict[int, list[int]] = {}
        for r, row in enumerate(self.ids):
            for c, cell_id in enumerate(row):
                span = extent.setdefault(cell_id, [r, c, r, c])
                span[2], span[3] = max(span[2], r), max(span[3], c)
        return [
            (r, c, last_r - r + 1, last_c - c + 1)
            for r, c, last_r, last_c in sorted(extent.values(), key=lambda s: (s[0], s[1]))
        ]


def _rulings(clean: Mask, horizontal: bool, length: int) -> Mask:
    import cv2

    size = (length, 1) if horizontal else (1, length)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
    opened = cv2.morphologyEx(clean, cv2.MORPH_OPEN, kernel)
    # Close the small gaps that blur and JPEG leave in a printed line.
    bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1) if horizontal else (1, 9))
    return np.asarray(cv2.morphologyEx(opened, cv2.MORPH_CLOSE, bridge), dtype=np.uint8)


def _positions(lines: Mask, horizontal: bool, minimum: int, tolerance: int) -> list[int]:
    """Centres of ruling segments at least ``minimum`` long, nearby ones merged."""
    import cv2

    count, _, stats, centroids = cv2.connectedComponentsWithStats(lines, connectivity=8)
    found: list[float] = []
    for i in range(1, count):
        extent = stats[i, cv2.CC_STAT_WIDTH] if horizontal else stats[i, cv2.CC_STAT_HEIGHT]
        if extent >= minimum:
            found.append(float(centroids[i][1] if horizontal else centroids[i][0]))
    merged: list[list[float]] = []
    for value in sorted(found):
        if merged and value - merged[-1][-1] <= tolerance:
            merged[-1].append(value)
        else:
            merged.append([value])
    return [round(sum(group) / len(group)) for group in merged]


def _covered(lines: Mask, horizontal: bool, at: int, start: int, end: int, reach: int) -> bool:
    """Whether a ruling runs along most of ``start..end`` at ``at`` (within ``reach`` pixels)."""
    if end - start < 4:
        return True
    margin = max(2, (end - start) // 6)  # the crossings at both ends always have ink
    if horizontal:
        band = lines[max(0, at - reach) : at + reach + 1, start + margin : end - margin]
        run = band.max(axis=0) if band.size else np.zeros(0)
    else:
        band = lines[start + margin : end - margin, max(0, at - reach) : at + reach + 1]
        run = band.max(axis=1) if band.size else np.zeros(0)
    return bool(run.size) and float((run > 0).mean()) >= 0.6


def find_tables(clean: Mask, max_cells: int) -> list[GridTable]:
    """Ruled tables on an upright page, top to bottom."""
    import cv2

    height, width = clean.shape
    unit = max(height, width) / 2339  # 1.0 at 200 dpi on A4
    horizontal = _rulings(clean, True, max(25, int(width / 30)))
    vertical = _rulings(clean, False, max(20, int(height / 60)))
    frame = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(frame, connectivity=8)
    tables: list[GridTable] = []
    tolerance = max(4, int(6 * unit))
    reach = max(3, int(4 * unit))
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if w < width / 8 or h < 20 * unit:
            continue
        region = labels[y : y + h, x : x + w] == i
        h_lines = np.where(region, horizontal[y : y + h, x : x + w], 0).astype(np.uint8)
        v_lines = np.where(region, vertical[y : y + h, x : x + w], 0).astype(np.uint8)
        ys = _positions(h_lines, True, int(12 * unit), tolerance)
        xs = _positions(v_lines, False, int(12 * unit), tolerance)
        if len(xs) < 2 or len(ys) < 2:
            continue
        if (len(xs) - 1) * (len(ys) - 1) > max_cells:
            raise ValueError(f"rulings that make more than {max_cells} cells")
        ids = _merge(xs, ys, h_lines, v_lines, reach)
        tables.append(GridTable([v + x for v in xs], [v + y for v in ys], ids))
    return sorted(tables, key=lambda t: t.ys[0])


def _merge(
    xs: Sequence[int], ys: Sequence[int], h_lines: Mask, v_lines: Mask, reach: int
) -> list[list[int]]:
    return merged_cell_ids(
        len(ys) - 1,
        len(xs) - 1,
        lambda r, c: not _covered(v_lines, False, xs[c + 1], ys[r], ys[r + 1], reach),
        lambda r, c: not _covered(h_lines, True, ys[r + 1], xs[c], xs[c + 1], reach),
    )


def ink_box(clean: Mask, box: Box) -> Box | None:
    """The bounding box of the ink inside ``box`` (page coordinates), ``None`` if there is none."""
    x0, y0, x1, y1 = box
    part = clean[y0:y1, x0:x1]
    rows = np.flatnonzero(part.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(part.any(axis=0))
    return x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1


def text_lines(clean: Mask, box: Box, min_gap: int) -> list[Box]:
    """The ink inside ``box`` split into lines at horizontal gaps of at least ``min_gap`` pixels."""
    x0, y0, x1, y1 = box
    part = clean[y0:y1, x0:x1]
    inked = np.asarray(part.any(axis=1), dtype=bool)
    lines: list[Box] = []
    start: int | None = None
    gap = 0
    for offset, has_ink in enumerate(inked.tolist()):
        if has_ink:
            if start is None:
                start = offset
            gap = 0
            end = offset + 1
        elif start is not None:
            gap += 1
            if gap >= min_gap:
                lines.append((x0, y0 + start, x1, y0 + end))
                start = None
    if start is not None:
        lines.append((x0, y0 + start, x1, y0 + end))
    boxes = [ink_box(clean, line) for line in lines]
    return [b for b in boxes if b is not None]


def cell_lines(page: Gray, inks: Ink, box: Box, unit: float) -> list[tuple[Box, Gray]]:
    """The text lines inside a table cell's interior, each with a crop that holds only its print.

    Ink that is not print is left out and erased from the crops: specks of dust away from the text
    (a full stop among digits stays), and remnants of the cell's rulings along its edges.
    """
    import cv2

    x0, y0, x1, y1 = box
    part = inks.clean[y0:y1, x0:x1]
    if part.size == 0 or not part.any():
        return []
    count, labels, stats, _ = cv2.connectedComponentsWithStats(part, connectivity=8)
    height, width = part.shape
    thin = max(2, int(4 * unit))
    big_area = max(6, int(20 * unit * unit))
    reach = max(3, int(6 * unit))
    big: list[int] = []
    small: list[int] = []
    for i in range(1, count):
        left, top, w, h, area = (int(v) for v in stats[i])
        if (w >= width - 1 and h <= thin and (top == 0 or top + h == height)) or (
            h >= height - 1 and w <= thin and (left == 0 or left + w == width)
        ):
            continue  # a ruling's edge along the whole side
        if area >= big_area and max(w, h) >= 1.5 * reach:  # a full stop or a speck is smaller
            big.append(i)
        else:
            small.append(i)
    if not big:
        return []
    keep = list(big)
    for i in small:
        cx, cy = stats[i, 0] + stats[i, 2] / 2, stats[i, 1] + stats[i, 3] / 2
        # A small mark is print when it lies within a character (a dot of 主), between two on
        # the same line (a decimal point, 、 in a label) or is a sign; a speck beside a number
        # is dust.
        line = [j for j in big if stats[j, 1] - reach <= cy <= stats[j, 1] + stats[j, 3] + reach]
        within = any(stats[j, 0] - 2 <= cx <= stats[j, 0] + stats[j, 2] + 2 for j in line)
        before = any(stats[j, 0] + stats[j, 2] / 2 < cx for j in line)
        after = any(stats[j, 0] + stats[j, 2] / 2 > cx for j in line)
        # A short flat stroke on the line is a sign (the minus of -3); dust is not flat.
        sign = bool(line) and stats[i, 2] >= 2 * stats[i, 3] and stats[i, 2] >= 3
        if within or (before and after) or sign:
            keep.append(i)
    kept = np.isin(labels, keep)
    print_mask = np.where(kept, 255, 0).astype(np.uint8)
    # Only the print and its anti-aliased rim reach the recogniser: gray dust below the ink
    # threshold and erased marks become paper.
    rim = cv2.dilate(print_mask, np.ones((3, 3), np.uint8), iterations=2)
    region = np.where(rim > 0, page[y0:y1, x0:x1], 255).astype(np.uint8)
    lines: list[tuple[Box, Gray]] = []
    margin = max(2, int(5 * unit))
    for lx0, ly0, lx1, ly1 in text_lines(print_mask, (0, 0, width, height), max(2, int(4 * unit))):
        cx0, cy0 = max(0, lx0 - margin), max(0, ly0 - margin)
        cx1, cy1 = min(width, lx1 + margin), min(height, ly1 + margin)
        crop = region[cy0:cy1, cx0:cx1].copy()
        # Print of the neighbouring lines inside the margin is not this line's.
        inside = print_mask[cy0:cy1, cx0:cx1] > 0
        rows = np.arange(cy0, cy1)[:, None]
        crop[inside & ((rows < ly0) | (rows >= ly1))] = 255
        lines.append(((x0 + lx0, y0 + ly0, x0 + lx1, y0 + ly1), np.ascontiguousarray(crop)))
    return lines
