"""Finding codes that reading emits: what the reader and interpreter could not place or decide."""

from __future__ import annotations

from .findings import CodeInfo, Finding, Severity
from .values import Provenance

__all__ = ["READ_CODES", "reading_finding"]

READ_CODES = (
    CodeInfo(
        "read.unknown_cell",
        Severity.WARNING,
        "无法对应模板的单元格",
        "cell that fits no template key",
        "A structured input (cells, JSON) has a key that is not a cell of the report's edition; "
        "its value is kept in the finding and nowhere else.",
        example="A cells file with the key `applications.granted.totl` (a typo).",
    ),
    CodeInfo(
        "read.stray_number",
        Severity.WARNING,
        "未落入任何单元格的数字",
        "number that lands in no cell",
        "A table row holds more numbers than the template has columns for, or numbers stand "
        "where no cell is expected; the finding gives the text and its place.",
        example=(
            "A row of section 三 printed with eight numbers for seven columns; the eighth is "
            "reported with its line."
        ),
    ),
    CodeInfo(
        "read.missing_table",
        Severity.ERROR,
        "未找到表格",
        "table not found",
        "Section 二, 三 or 四 (or one of its blocks) was not found in the document; its cells are "
        "absent (see shape.missing_cell).",
        example="A document without section 四.",
    ),
    CodeInfo(
        "read.edition",
        Severity.INFO,
        "模板版本判断",
        "edition decision",
        "How the edition was decided when the tables did not say it plainly (from the year), or "
        "that the document mixes signs of both editions.",
        example=(
            "A document whose section 二 headers are missing: the edition follows from the year."
        ),
    ),
    CodeInfo(
        "read.unplaced_values",
        Severity.WARNING,
        "无法确定位置的值",
        "values that could not be placed",
        "A row prints fewer values than it has cells and nothing in the layout says which cell is "
        "missing; no value is guessed into a cell. The cells stay absent and the finding lists "
        "them as candidates, with the values printed.",
        example=(
            "A Markdown row `| 规章 | 22 | 235 |` under the three columns 本年制发件数, "
            "本年废止件数, 现行有效件数."
        ),
    ),
    CodeInfo(
        "read.thousands_separator",
        Severity.INFO,
        "空格作千位分隔",
        "space read as a thousands separator",
        "A cell prints digits separated by spaces; a space separates values unless every group "
        "after the first has three digits and the row needs exactly one value there. Then the "
        "digits are read as one number and this finding names the cell.",
        example="`1 024` in the single value cell of 行政许可, read as 1024.",
    ),
    CodeInfo(
        "read.joined_number",
        Severity.INFO,
        "折行的数字接为一个数",
        "number wrapped over lines joined",
        "Text copied out of a PDF viewer printed a number of section 三 or 四 over two lines "
        "(too wide for its narrow cell). Of every reading of the lines (which line break cut a "
        "number, which cells are blank), exactly one makes the row's printed 总计 the sum of its "
        "columns (section 四: each of its three totals the sum of its results), and it joins the "
        "pieces: they are read as one number, and the finding gives the pieces. Where no "
        "reading, or more than one, holds, the cells stay absent.",
        example="`一、本年新收政府信息公开申请数量 11` / `8` / `9 1 0 0 2 130`: 118 for 自然人.",
    ),
    CodeInfo(
        "read.placed_by_position",
        Severity.INFO,
        "按位置而非标签放置的值",
        "values placed by position, not by label",
        "A row of values whose label is missing or unreadable, between two rows whose labels are "
        "read with exactly as many template rows missing between them as there are such rows; or "
        "a label that names several rows, only one of which fits between its neighbours. The "
        "values are placed there; the provenance of these cells and the finding say so.",
        example=(
            "A converter moved the label 2.其他法律行政法规禁止公开 out of the table; the row "
            "`| 30 | 1 | 0 | 0 | 0 | 0 | 31 |` stands between 1.属于国家秘密 and 3.危及“三安全一稳定”."
        ),
    ),
    CodeInfo(
        "read.no_text",
        Severity.ERROR,
        "没有可读文字",
        "no text to read",
        "The input has no text layer (a scan, tables as images), or some pages of a PDF have "
        "none (scanned pages between text pages: the finding names them, and their content is "
        "missing): an OCR reader plugin is needed.",
        example="A scanned PDF, or a web page whose tables are images.",
    ),
    CodeInfo(
        "read.broken_row",
        Severity.WARNING,
        "跨页断开的表格行无法确定拼合",
        "row broken across a page that could not be joined with certainty",
        "A table row was split by a page break (the top of each cell at the foot of one page, the "
        "rest at the head of the next) and the reader could not tell for sure which pieces belong "
        "together; both pieces are left out, so their cells are absent, and the finding gives "
        "their texts. Rows it can join are joined, with both places in the provenance.",
        example="`20` at the foot of page 3 and `1` at the head of page 4, under labels that do "
        "not say whether the second piece starts a new row.",
    ),
)


def reading_finding(
    code: str,
    message: str,
    message_en: str,
    *,
    cells: tuple[str, ...] = (),
    actual: str | None = None,
    source: Provenance | None = None,
) -> Finding:
    """A finding with one of :data:`READ_CODES`, its severity taken from the code."""
    info = next(c for c in READ_CODES if c.code == code)
    return Finding(
        code, info.severity, message, message_en, cells=cells, actual=actual, source=source
    )
