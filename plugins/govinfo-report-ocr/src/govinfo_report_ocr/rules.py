"""Finding codes of the OCR reader, and the rule that uses the sum rules as OCR's proof-reader.

The reader records each cell's recognition confidence in its provenance; it corrects nothing. The
rule ``read.ocr_suspect`` runs after reading, over the report: when the sum rules name a single wrong
cell (``apply.wrong_cell``) and that cell was recognised with low confidence, the scan is the likely
culprit, not the publisher, and the finding says so. The value stays as read.
"""

from __future__ import annotations

from collections.abc import Iterator

from govinfo_report import AnnualReport, Finding, Severity
from govinfo_report.findings import CodeInfo
from govinfo_report.validation.arithmetic import sum_rule_findings

__all__ = [
    "BLANK_PAGE",
    "CODES",
    "LOW_CONFIDENCE",
    "MIXED_PDF",
    "OCR_SUSPECT",
    "ROTATED_PAGE",
    "SKIPPED_FILE",
    "ocr_suspects",
]

LOW_CONFIDENCE = 0.9
"""A cell recognised with less confidence than this is suspect when the sums point at it."""

OCR_SUSPECT = CodeInfo(
    "read.ocr_suspect",
    Severity.WARNING,
    "疑似识别错误",
    "probably misread by OCR",
    "The sum rules name one wrong cell (apply.wrong_cell) and that cell was read from an image with "
    "low recognition confidence: the scan, not the publisher, is the likely cause. The value is kept "
    "as read; look at the page.",
    example="read 8, the sums need 3, recognition confidence 0.54.",
)
BLANK_PAGE = CodeInfo(
    "read.ocr_blank_page",
    Severity.INFO,
    "空白页",
    "blank page",
    "A page of a scan has no ink: nothing was read from it.",
    example="The back of a sheet scanned with the report.",
)
ROTATED_PAGE = CodeInfo(
    "read.ocr_rotated_page",
    Severity.WARNING,
    "页面上下颠倒",
    "page upside down",
    "A page of a scan is upside down (its text lines read turned by 180°). It is read turned "
    "upright, and said so: check that page.",
    example="Page 2 was fed into the scanner the wrong way round.",
)
MIXED_PDF = CodeInfo(
    "read.ocr_mixed_pdf",
    Severity.INFO,
    "部分页面经 OCR 识别",
    "some pages read by OCR",
    "A PDF with a text layer has pages without one (scanned pages, e.g. the tables printed, "
    "stamped and scanned back in). Those pages were read by OCR, the others from the text "
    "layer; the finding names the pages. Cells read by OCR have a recognition confidence.",
    example="A report whose pages 2 and 3 (sections 二 to 四) are scans.",
)
SKIPPED_FILE = CodeInfo(
    "read.ocr_skipped_file",
    Severity.WARNING,
    "文件夹中的非图片文件",
    "file in the folder that is not a page image",
    "A folder (or ZIP archive) read as one scan holds files that are not PNG, JPEG or TIFF "
    "images; they were not read, and the finding lists them.",
    example="A notes.txt beside page1.png … page4.png.",
)
CODES = (OCR_SUSPECT, BLANK_PAGE, ROTATED_PAGE, MIXED_PDF, SKIPPED_FILE)


def ocr_suspects(report: AnnualReport) -> Iterator[Finding]:
    """``read.ocr_suspect`` for each single wrong cell that OCR read with low confidence."""
    # Only the cells the sum rules name as wrong are looked at: a report not read by OCR costs
    # no walk over its cells, and the sum rules' findings come from their last run (this
    # rule runs in the same validation as they do) instead of being worked out again.
    for finding in sum_rule_findings(report):
        if finding.code != "apply.wrong_cell" or not finding.cells:
            continue
        key = finding.cells[0]
        where = report.cell(key).provenance
        confidence = where.confidence if where is not None else None
        if confidence is None or confidence >= LOW_CONFIDENCE:
            continue
        yield Finding(
            OCR_SUSPECT.code,
            OCR_SUSPECT.severity,
            f"「{key}」识别为 {finding.actual}，勾稽关系需要 {finding.expected}，"
            f"识别置信度 {confidence:.2f}：可能是扫描件识别错误，请核对原件",
            f"{key}: read {finding.actual}, the sums need {finding.expected}, recognition "
            f"confidence {confidence:.2f}: probably misread from the scan; check the page",
            cells=(key,),
            expected=finding.expected,
            actual=finding.actual,
            source=where,
        )
