"""The interpreter: from a :class:`~govinfo_report.document.Document` to an :class:`AnnualReport`.

It knows the template and nothing about file formats. Sections are found by their titles (never by
ordinal), table rows by their labels (with the variants real reports print), and each row's values
are the cells that follow its label. Anchoring on labels means a missing or extra number stays inside
its own row: it cannot shift the cells of the rows after it. A number that lands in no cell becomes a
``read.stray_number`` finding with its place.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import attrs

from .align import (
    ValuePiece,
    could_be_thousands,
    is_placeholder,
    paragraph_row,
    split_value_cells,
)
from .alignment import Placement, ordered_alignment
from .document import Document, GridCell, Paragraph, Table
from .errors import ReportReadError
from .findings import Finding
from .metadata import report_metadata
from .model import (
    APPLICANT_COLUMNS,
    AnnualReport,
    Edition,
    NarrativeSection,
    TemplateCell,
    build_report,
    edition_for_year,
    template_cells,
    template_rows,
)
from .reading import reading_finding
from .row_labels import NAMED, LabelMatch, match_label, normalise_label
from .values import Cell, CellState, cache_short_texts, parse_cell_text
from .wrapped_numbers import consistent_readings, readings

__all__ = ["interpret", "normalise_label"]

# ---------------------------------------------------------------- labels

_compact = normalise_label

_SECTION_TITLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("overview", re.compile(r"总体情况")),
    ("active", re.compile(r"主动公开政府信息(的)?情况")),
    ("applications", re.compile(r"收到和处理政府信息公开申请(的)?情况")),
    ("reviews", re.compile(r"行政复议.?行政诉讼(的)?情况")),
    ("problems", re.compile(r"存在的主要问题")),
    ("other", re.compile(r"其他需要报告的事项")),
)
_TITLE_MAX = 40

_REVIEW_COLUMNS = 15
_APPLICANT_COLUMNS = 7
_VALUE_LIKE = re.compile(r"^[\s\d０-９,.+\-/—－]*$")
_EDITION_2021_HINTS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
_EDITION_2019_HINTS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "第二十条第(九)项",
    "采购项目数量",
    "采购总金额",
)


_TABLE_SECTIONS = ("active", "applications", "reviews")


class _Row(NamedTuple):
    section: str | None
    cells: tuple[GridCell, ...]
    # A converter's placeholder header (Col1 | Col2 | 6 | 1 …) holding values: the rest of a row
    # broken by a page, printed at the top of the next.
    placeholder_header: bool = False


# ---------------------------------------------------------------- entry point


def interpret(document: Document) -> tuple[AnnualReport, list[Finding]]:
    """Turn a document into a report and the findings made while reading it."""
    findings: list[Finding] = list(document.findings)
    paragraphs, rows, narrative = _walk(document)
    meta = report_metadata(document)
    edition, edition_findings = _edition(rows, paragraphs, meta.year)
    findings.extend(edition_findings)
    rows, apart = _value_lines_joined(rows, edition)
    cells: dict[str, Cell] = {}
    used: set[int] = set()
    _active(rows, edition, cells, used, findings, lone_labels_take_next="active" not in apart)
    _applications(rows, edition, cells, used, findings)
    _reviews(rows, cells, used, findings)
    _stray_rows(rows, used, findings)
    if (
        not cells
        and not document.findings
        and meta.title is None
        and not _looks_like_report(paragraphs)
    ):
        raise ReportReadError(document.source, code="input.not_a_report")
    report, leftover = build_report(
        edition, cells, meta=meta, narrative=tuple(narrative), source=document.source
    )
    assert not leftover, leftover  # keys come from the template itself
    return report, findings


_REPORT_TITLE_SEARCH = 40  # saved pages put navigation before the title


def _looks_like_report(paragraphs: Sequence[Paragraph]) -> bool:
    """Whether the document names itself a report or one of its sections (a report that lost its
    tables keeps its findings; prose about something else is not a report)."""
    sections = {_section_of(normalise_label(p.text)) for p in paragraphs} - {None}
    return bool(sections) or any(
        "政府信息公开" in normalise_label(p.text) and "报告" in p.text
        for p in paragraphs[:_REPORT_TITLE_SEARCH]
    )


# ---------------------------------------------------------------- walking the document


def _section_of(text: str) -> str | None:
    if len(text) > _TITLE_MAX:
        return None
    for key, pattern in _SECTION_TITLES:
        if pattern.search(text):
            return key
    return None


def _row_cells(grid_row: Sequence[GridCell | None]) -> tuple[GridCell, ...]:
    # A cell merged across columns appears once per row, at its first column.
    cells: list[GridCell] = []
    for cell in grid_row:
        if cell is not None and (not cells or cells[-1] is not cell):
            cells.append(cell)
    return tuple(cells)


_SPANS = operator.attrgetter("row_span", "column_span")
_ROW = operator.attrgetter("row")
_POSITION = operator.attrgetter("row", "column")
_TEXT = operator.attrgetter("text")


def _table_rows(table: Table) -> list[tuple[GridCell, ...]]:
    """A table's rows, each cell once per row (a merged cell repeats down the rows it spans)."""
    if set(map(_SPANS, table.cells)) <= {(1, 1)}:
        # A stable sort by row, then column: cells of one position keep their order.
        ordered = sorted(table.cells, key=_POSITION)
        return [tuple(cells) for _, cells in itertools.groupby(ordered, key=_ROW)]
    return [cells for cells in map(_row_cells, table.grid()) if cells]


def _walk(
    document: Document,
) -> tuple[list[Paragraph], list[_Row], list[NarrativeSection]]:
    paragraphs: list[Paragraph] = []
    rows: list[_Row] = []
    narrative: list[NarrativeSection] = []
    section: str | None = None
    title: str | None = None
    text_lines: list[str] = []

    def close_narrative() -> None:
        if title is not None and section not in ("active", "applications", "reviews"):
            narrative.append(NarrativeSection(title, "\n".join(text_lines)))

    for block in document.blocks:
        if isinstance(block, Paragraph):
            paragraphs.append(block)
            found = _section_of(normalise_label(block.text))
            if found is not None and found != section:
                close_narrative()
                section, title, text_lines = found, block.text, []
            elif section in _TABLE_SECTIONS:
                # A table printed as lines of text (copied out of a PDF viewer): each line is a
                # row, its trailing numbers the values.
                line_row = paragraph_row(block)
                if line_row:
                    rows.append(_Row(section, split_value_cells(line_row)))
            elif section is not None:
                text_lines.append(block.text)
            elif len(line_row := paragraph_row(block)) == 2:
                # Before any title: a labelled line of values (a table pasted without its section).
                rows.append(_Row(section, split_value_cells(line_row)))
            continue
        assert isinstance(block, Table)
        in_prose = section is not None and section not in _TABLE_SECTIONS
        for cells in _table_rows(block):
            if in_prose:
                # A table inside a prose section (or a line of prose that a reader took for a
                # row because it ends in a number) is part of that section's text.
                text_lines.append(" ".join(t for t in map(_TEXT, cells) if t.strip()))
            # The row's texts joined: a cheap screen before each cell is matched. Without a space
            # or a "Col", no cell prints several values or is a placeholder.
            joined = "".join(map(_TEXT, cells))
            if " " not in joined and "Col" not in joined:
                rows.append(_Row(section, cells, False))
                continue
            placeholders = "Col" in joined and any(is_placeholder(cell.text) for cell in cells)
            rows.append(_Row(section, split_value_cells(cells), placeholders))
    close_narrative()
    return paragraphs, rows, narrative


def _value_lines_joined(rows: list[_Row], edition: Edition) -> tuple[list[_Row], set[str | None]]:
    """A table printed one cell per line with nothing between its rows (a Word document saved as
    text: ``规章`` / ``4`` / ``2`` / ``2`` / ``行政规范性文件`` / ``0`` …): the lines of one number each
    after a label line are that row's values, when there are exactly as many as the row the label
    names has cells.

    A section where some run of such lines follows no row label (a header, or nothing: numbers
    printed before or apart from their labels, as text taken out of a PDF in column order) is left
    as it is; so is a run of another length (a blank cell leaves no line, so which is missing is
    not printed). Returns the rows and the sections whose numbers stand apart from their labels."""
    runs: list[tuple[int, list[int]]] = []  # (label row, its number lines)
    doubtful: set[str | None] = set()
    index = 0
    while index < len(rows):
        row = rows[index]
        if row.section not in ("active", "applications") or not _one_number_line(row):
            index += 1
            continue
        start = index
        while (
            index < len(rows)
            and rows[index].section == row.section
            and _one_number_line(rows[index])
        ):
            index += 1
        expected = _cells_named(rows[start - 1], edition) if start > 0 else None
        if expected is None or rows[start - 1].section != row.section:
            doubtful.add(row.section)
        elif index - start == expected:
            runs.append((start - 1, list(range(start, index))))
    runs = [(label, lines) for label, lines in runs if rows[label].section not in doubtful]
    if not runs:
        return rows, doubtful
    joined = list(rows)
    taken: set[int] = set()
    for label, lines in runs:
        cells = (*rows[label].cells, *(rows[i].cells[0] for i in lines))
        joined[label] = _Row(rows[label].section, cells)
        taken.update(lines)
    return [row for i, row in enumerate(joined) if i not in taken], doubtful


def _one_number_line(row: _Row) -> bool:
    """A line of text (not a table's row) holding one number or marker and nothing else."""
    if len(row.cells) != 1:
        return False
    cell = row.cells[0]
    return cell.provenance.table is None and _state(cell.text) in (
        CellState.NUMBER,
        CellState.MARKER,
    )


def _cells_named(row: _Row, edition: Edition) -> int | None:
    """How many cells the row a label line names has; ``None`` when the line is no row's label."""
    if len(row.cells) != 1 or row.cells[0].provenance.table is not None:
        return None
    text = row.cells[0].text
    if row.section == "active":
        key = _active_label(text)
        if key is None or key not in _active_rows(edition):
            return None
        return len(_row_specs(edition, f"active.{key}"))
    match = match_label(text, "applications")
    return _APPLICANT_COLUMNS if match is not None and match.row is not None else None


# ---------------------------------------------------------------- edition


def _edition(
    rows: Sequence[_Row], paragraphs: Sequence[Paragraph], year: int | None
) -> tuple[Edition, list[Finding]]:
    # Each distinct text once: the same numbers and labels recur in many cells.
    printed: set[str] = set()
    for row in rows:
        printed.update(map(_TEXT, row.cells))
    texts = {normalise_label(text) for text in printed if text and not _VALUE_LIKE.match(text)}
    # Headers printed as plain lines (PDF text without rulings) count too.
    texts.update(normalise_label(p.text) for p in paragraphs if len(p.text) <= _TITLE_MAX * 2)
    joined = "\n".join(texts)
    signs_2021 = [hint for hint in _EDITION_2021_HINTS if hint in joined]
    signs_2019 = [hint for hint in _EDITION_2019_HINTS if hint in joined]
    if signs_2021 and signs_2019:
        edition = Edition.E2021 if len(signs_2021) >= len(signs_2019) else Edition.E2019
        return edition, [
            reading_finding(
                "read.edition",
                f"表格同时含有 2021 年版（{'、'.join(signs_2021)}）与 2019 年版"
                f"（{'、'.join(signs_2019)}）的表头，按 {edition.value} 年版读取",
                f"headers of both editions (2021: {', '.join(signs_2021)}; 2019: "
                f"{', '.join(signs_2019)}); read as edition {edition.value}",
            )
        ]
    if signs_2021:
        return Edition.E2021, []
    if signs_2019:
        return Edition.E2019, []
    edition = edition_for_year(year)
    return edition, [
        reading_finding(
            "read.edition",
            f"表头未表明模板版本，按报告年度 {year} 取 {edition.value} 年版"
            if year is not None
            else f"表头未表明模板版本，报告年度也不明，取 {edition.value} 年版",
            f"no header names the edition; edition {edition.value} chosen from the year {year}"
            if year is not None
            else f"no header names the edition and the year is unknown; edition {edition.value}",
        )
    ]


@functools.cache
def _active_rows(edition: Edition) -> frozenset[str]:
    """The rows of section 二 in an edition's template."""
    return frozenset(
        spec.key.split(".")[1] for spec in template_cells(edition) if spec.key.startswith("active.")
    )


# ---------------------------------------------------------------- values


@cache_short_texts(maxsize=8192)
def _is_number_text(text: str) -> bool:
    return _state(text) is CellState.NUMBER


@cache_short_texts(maxsize=8192)
def _state(text: str) -> CellState:
    return parse_cell_text(text).state


def _values_after(
    cells: Sequence[GridCell], count: int, *, right_aligned: bool = False
) -> tuple[list[GridCell | None], list[GridCell]]:
    """The ``count`` value cells after a label, and the non-empty cells left over.

    Empty cells beyond ``count`` are layout (merged label columns, colspan fillers, trailing
    separators). When exactly ``count`` cells are non-empty, those are the values; when more are,
    text among them (a wrapped label's tail, a merged label repeated) is a label fragment, not a
    value. Otherwise empty cells are dropped from the end, or from the start when
    ``right_aligned`` (a table whose values are its last columns, where a converter drops covered
    cells at the left). Positions stay as printed, so a blank value stays blank; missing trailing
    values are ``None`` (absent).

    When the layout does not say which empty cells are values (the row holds cells that printed
    several values, or an empty cell borders the empty layout cells dropped, or layout is dropped at
    both ends), the row's values come back
    followed by ``None``: :func:`_store` then places none of them and names the candidates.
    """
    run = list(cells)
    filled = [cell for cell in run if cell.text.strip()]
    if len(run) == count == len(filled):
        every: list[GridCell | None] = list(run)
        return every, []  # one filled cell per value: what the rest below comes to
    if len(filled) > count:
        run = _thousands_joined(run, count)
        filled = [cell for cell in run if cell.text.strip()]
    if len(filled) > count:
        run = [
            attrs.evolve(cell, text="") if _state(cell.text) is CellState.TEXT else cell
            for cell in run
        ]
        filled = [cell for cell in run if cell.text.strip()]
    if len(run) > count and len(filled) == count:
        return list(filled), []
    unplaced: list[GridCell | None] = [*filled, *([None] * (count - len(filled)))]
    if (
        len(run) > count
        and 0 < len(filled) < count
        and any(isinstance(cell, ValuePiece) for cell in run)
    ):
        # A converter merged neighbouring columns: the cells are not the template's.
        return unplaced, []
    dropped_start = dropped_end = False
    if right_aligned:
        while len(run) > count and not run[0].text.strip():
            run.pop(0)
            dropped_start = True
    while len(run) > count and not run[-1].text.strip():
        run.pop()
        dropped_end = True
    while len(run) > count and not run[0].text.strip():
        run.pop(0)
        dropped_start = True
    kept = run[:count]
    if (
        kept
        and 0 < len(filled) < count
        and (
            (dropped_start and not kept[0].text.strip())
            or (dropped_end and not kept[-1].text.strip())
            or (dropped_start and dropped_end)
        )
    ):
        # An empty cell next to the empty layout cells dropped, or layout dropped at both ends
        # around an empty cell: value or layout, nothing says.
        return unplaced, []
    values: list[GridCell | None] = list(run[:count])
    values.extend([None] * (count - len(values)))
    extra = [cell for cell in run[count:] if cell.text.strip()]
    return values, extra


def _thousands_joined(run: list[GridCell], count: int) -> list[GridCell]:
    """A row with more values than cells, where cells cut at spaces could each be one number with
    spaces between thousands (``1 000``): joined again when that gives exactly ``count`` values."""
    joined: list[GridCell] = []
    for cell in run:
        if (
            isinstance(cell, ValuePiece)
            and cell.part > 0
            and joined
            and isinstance(joined[-1], ValuePiece)
            and joined[-1].whole is cell.whole
            and could_be_thousands(cell.whole)
        ):
            joined[-1] = attrs.evolve(joined[-1], text=cell.whole, part=_JOINED)
            continue
        joined.append(cell)
    if sum(1 for cell in joined if cell.text.strip()) == count:
        return joined
    return run


_JOINED = -1  # ValuePiece.part of a cell whose pieces were joined again as one number


def _store(
    specs: Sequence[TemplateCell],
    values: Sequence[GridCell | None],
    cells: dict[str, Cell],
    findings: list[Finding],
    where: str,
) -> None:
    """Store a row's values. A row with fewer values than cells, where the layout does not say
    which is missing, stores nothing: the candidates are named in a finding."""
    present = [v for v in values if v is not None]
    if len(present) < len(values) and any(v.text.strip() for v in present):
        keys = tuple(spec.key for spec in specs if spec.key not in cells)
        texts = [v.text.strip() for v in present]
        findings.append(
            reading_finding(
                "read.unplaced_values",
                f"{where}只有 {len(present)} 个值（{'、'.join(texts)}），少于 {len(values)} 个"
                f"单元格，无法确定各值所属，候选单元格：{'、'.join(keys)}",
                f"{where}: {len(present)} values ({', '.join(texts)}) for {len(values)} cells; "
                f"which cell each belongs to is not printed. Candidates: {', '.join(keys)}",
                cells=keys,
                actual=" ".join(texts),
                source=present[0].provenance,
            )
        )
        return
    for spec, source in zip(specs, values, strict=True):
        if source is None or spec.key in cells:
            continue
        cells[spec.key] = parse_cell_text(source.text, spec.kind, source.provenance)
        if isinstance(source, ValuePiece) and source.part == _JOINED:
            findings.append(
                reading_finding(
                    "read.thousands_separator",
                    f"「{source.text.strip()}」按千位分隔的一个数读取",
                    f"{source.text.strip()!r} read as one number with spaces between thousands",
                    cells=(spec.key,),
                    actual=source.text.strip(),
                    source=source.provenance,
                )
            )


def _stray(cells: Iterable[GridCell], where: str, findings: list[Finding]) -> None:
    for cell in cells:
        findings.append(
            reading_finding(
                "read.stray_number",
                f"{where}多出的「{cell.text.strip()}」未对应任何单元格",
                f"{where}: {cell.text.strip()!r} lands in no cell of the template",
                actual=cell.text.strip(),
                source=cell.provenance,
            )
        )


@functools.cache
def _row_specs(
    edition: Edition, prefix: str, single_other_row: bool = False
) -> tuple[TemplateCell, ...]:
    return tuple(
        spec
        for spec in template_cells(edition, single_other_row=single_other_row)
        if spec.key.rsplit(".", 1)[0] == prefix
    )


def _in_section(rows: Sequence[_Row], section: str) -> list[tuple[int, _Row]]:
    """Rows of a section; all rows when the document has no title for it."""
    chosen = [(i, row) for i, row in enumerate(rows) if row.section == section]
    return chosen or list(enumerate(rows))


# ---------------------------------------------------------------- section 二


@cache_short_texts(maxsize=4096)
def _active_label(text: str) -> str | None:
    match = match_label(text, "active", True)  # whole labels only
    return None if match is None else match.row


def _active(
    rows: Sequence[_Row],
    edition: Edition,
    cells: dict[str, Cell],
    used: set[int],
    findings: list[Finding],
    *,
    lone_labels_take_next: bool = True,
) -> None:
    """Section 二. A label on a line of its own takes the line of values after it, unless the
    section prints numbers apart from their labels (``lone_labels_take_next`` false): then the
    values after a label may as well be the next row's."""
    known = _active_rows(edition)
    # A label standing alone (a converter pulled it out of its row, or the line wrapped): its
    # values are the next row, when that row is values only.
    pending: tuple[GridCell, tuple[GridCell, ...]] | None = None
    # The row just before, when its label named no row but it holds numbers: the first line of a
    # label wrapped over two rows of the table (``其他对 | 14 | 7 | 0`` / ``外管理服务事项 | | |``).
    orphan: tuple[int, _Row] | None = None
    for index, row in _in_section(rows, "active"):
        label_cell, pending = (pending or (None, ()))[0], None
        before, orphan = orphan, None
        if label_cell is not None and _values_only(row):
            row = _Row(row.section, (label_cell, *row.cells))
        for position in range(len(row.cells) - 1, -1, -1):
            text = row.cells[position].text
            if not text or text.isdecimal():
                continue  # digits alone name no row (match_label: value-like)
            key = _active_label(text)
            if key is None:
                continue
            used.add(index)
            if key in known and position == len(row.cells) - 1:
                if lone_labels_take_next or row.cells[position].provenance.table is not None:
                    pending = (row.cells[position], ())
                break
            if key not in known:
                _stray(
                    [c for c in row.cells[position + 1 :] if c.text.strip()],
                    f"「{row.cells[position].text.strip()}」（{edition.value} 年版无此行）",
                    findings,
                )
                break
            specs = _row_specs(edition, f"active.{key}")
            values, extra = _values_after(row.cells[position + 1 :], len(specs))
            if before is not None and _all_blank(values):
                values, extra = _wrapped_label_values(
                    before, row.cells[position], edition, key, specs, values, extra, used, findings
                )
            if any(spec.key in cells for spec in specs):  # the row was printed twice
                extra = [v for v in values if v is not None and v.text.strip()] + extra
            else:
                _store(specs, values, cells, findings, f"「{row.cells[position].text.strip()}」行")
            _stray(extra, f"「{row.cells[position].text.strip()}」行", findings)
            break
        else:  # no cell names a row
            if any(_is_number_text(c.text) for c in row.cells):
                orphan = (index, row)


def _wrapped_label_values(
    before: tuple[int, _Row],
    label_cell: GridCell,
    edition: Edition,
    key: str,
    specs: Sequence[TemplateCell],
    values: list[GridCell | None],
    extra: list[GridCell],
    used: set[int],
    findings: list[Finding],
) -> tuple[list[GridCell | None], list[GridCell]]:
    """A row of section 二 whose cells are all blank, under a row of numbers whose label named no
    row: the label may be wrapped over the two rows, its numbers on the first. They are the row's
    values when the two label pieces joined are exactly this row's label (a wrap cuts a label
    anywhere, and the pieces together are the whole of it); otherwise the blanks are not taken as
    printed (nothing says whose they are) and a finding names the cells."""
    index, row = before
    texts = [c.text.strip() for c in row.cells]
    label_at = max(
        (i for i, t in enumerate(texts) if t and _state(t) is CellState.TEXT), default=-1
    )
    joined = normalise_label(texts[label_at] + label_cell.text) if label_at >= 0 else ""
    if joined in _active_label_forms(edition, key):
        earlier, earlier_extra = _values_after(row.cells[label_at + 1 :], len(specs))
        if not _all_blank(earlier):
            used.add(index)
            return earlier, earlier_extra + extra
    keys = tuple(spec.key for spec in specs)
    numbers = " ".join(t for t in texts if t)
    findings.append(
        reading_finding(
            "read.unplaced_values",
            f"「{label_cell.text.strip()}」行各格为空，其上一行（{numbers}）有数字而行名未能识别，"
            f"行名可能折成两行：空格不作为该行的值，候选单元格：{'、'.join(keys)}",
            f"{label_cell.text.strip()!r}: its cells are empty under a row of numbers whose label "
            f"names no row ({numbers}); the label may be wrapped over the two rows, so the blanks "
            f"are not taken as its values. Candidates: {', '.join(keys)}",
            cells=keys,
            actual=numbers,
            source=label_cell.provenance,
        )
    )
    return [None] * len(values), extra


@functools.cache
def _active_label_forms(edition: Edition, key: str) -> frozenset[str]:
    """The whole labels a row of section 二 is printed with (template label and variants),
    normalised."""
    row = next(r for r in template_rows(edition) if r.key == f"active.{key}")
    return frozenset(normalise_label(label) for label in (row.label, *row.variants))


def _values_only(row: _Row) -> bool:
    texts = [c.text for c in row.cells if c.text.strip()]
    return bool(texts) and all(_state(t) is not CellState.TEXT for t in texts)


# ---------------------------------------------------------------- section 三


@attrs.define
class _Observed:
    """A row of section 三 as read, in document order: the rows its label names (``None`` for a
    row of values nothing labels), its values, and where it stands."""

    index: int
    match: LabelMatch | None
    values: list[GridCell | None]
    label_cell: GridCell
    withdrawn: bool = False
    """Its numbers go on in the next row: it still marks its place, but stores nothing."""


_NAMED_SCORE = 10_000  # a row its label names: outweighs every weaker reading together
_SIMILAR_SCORE = 100  # a row its damaged label is like
_POSITION_SCORE = 1  # a row a row of values without a label could stand in


def _applications(
    rows: Sequence[_Row],
    edition: Edition,
    cells: dict[str, Cell],
    used: set[int],
    findings: list[Finding],
) -> None:
    """Section 三: the document's rows read in order into label fragments, labelled rows and rows
    of values, then aligned to the template's row sequence as a whole (:mod:`.alignment`)."""
    observed: list[_Observed] = []
    named: dict[str, _Observed] = {}  # the sighting of each row that a label names alone
    pending: tuple[LabelMatch, GridCell] | None = None
    fragments: list[GridCell] = []  # label pieces of rows that matched nothing (wrapped labels)

    def seen(match: LabelMatch) -> bool:
        earlier = named.get(match.row) if match.row is not None else None
        return earlier is not None and not _all_blank(earlier.values)

    def record(
        match: LabelMatch,
        values: list[GridCell | None],
        label_cell: GridCell,
        *,
        withdrawn: bool = False,
    ) -> str:
        """Keep a labelled row; returns how to name it in findings. A row named again after its
        values were read is a duplicate: its numbers are strays."""
        where = f"「{label_cell.text.strip()}」行"
        key = match.row
        earlier = named.get(key) if key is not None else None
        if earlier is not None and not _all_blank(earlier.values):
            _stray(
                [v for v in values if v is not None and v.text.strip()],
                f"{where}重复出现，",
                findings,
            )
            return f"{where}重复出现，"
        if earlier is not None and _all_blank(values) and not withdrawn:
            return where
        if earlier is not None:
            # A blank first sight (a header such as 总计) that real values replace.
            observed.remove(earlier)
        sighting = _Observed(index, match, values, label_cell, withdrawn)
        observed.append(sighting)
        if key is not None:
            named[key] = sighting
        return where

    section_rows = _in_section(rows, "applications")
    consumed: set[int] = set()  # lines read as the rest of a row whose numbers wrapped
    for position_in_section, (index, row) in enumerate(section_rows):
        if index in consumed:
            continue
        if _is_column_header(row):
            if _is_review_header(row):
                break  # section 四 printed without its title: section 三 ends here
            pending, fragments = None, []
            continue
        label_at: int | None = None
        match: LabelMatch | None = None
        for position in range(len(row.cells) - 1, -1, -1):
            text = row.cells[position].text
            if not text or text.isdecimal():
                continue  # what match_label says of digits alone (value-like): no label
            match = match_label(text, "applications")
            if match is not None:
                label_at = position
                break
        has_numbers = any(_is_number_text(c.text) for c in row.cells)
        if (label_at is None or match is None) and fragments and has_numbers:
            label_at, match = _joined_label(fragments, row)
        if (label_at is None or match is None) and pending is None and fragments and has_numbers:
            # A row of values under a label wrapped over lines that each name nothing.
            joined = _fragments_label(fragments)
            if joined is not None:
                pending = (joined, fragments[-1])
        if label_at is None or match is None:
            if not has_numbers:
                fragments = [*fragments[-2:], *(c for c in row.cells if c.text.strip())]
            if pending is not None and has_numbers:
                # The values of a label printed on a row of its own; a wrapped label's tail may
                # stand before them.
                label_match, label_cell = pending
                # Values start after the last label fragment (a wrapped label's tail).
                start = 0
                for position, cell in enumerate(row.cells):
                    if _state(cell.text) is CellState.TEXT:
                        start = position + 1
                    elif _is_number_text(cell.text):
                        break
                # A label alone on its line, its numbers on the lines after it, one of them
                # perhaps wrapped in its cell (（七）总计 / 11 / 6 / 8 1 0 0 2 127).
                wrapped = _wrapped_row(
                    label_cell.text.strip(),
                    row.cells[start:],
                    section_rows[position_in_section + 1 :],
                    label_match,
                    edition,
                    findings,
                )
                extra: list[GridCell] = []
                if wrapped is not None:
                    values, lines = wrapped
                    consumed.update(lines)
                    used.update(lines)
                else:
                    values, extra = _values_after(
                        row.cells[start:], _APPLICANT_COLUMNS, right_aligned=True
                    )
                where = record(
                    label_match,
                    values,
                    label_cell,
                    withdrawn=all(v is None for v in values) and wrapped is not None,
                )
                _stray(extra, where, findings)
                used.add(index)
                pending = None
            elif (
                observed
                and observed[-1].match is not None
                and not observed[-1].withdrawn
                and has_numbers
                and _continues(row)
            ):
                _withdraw(observed[-1], row, edition, findings)
                used.add(index)
            elif has_numbers and _values_only(row) and _value_slots(row) <= _APPLICANT_COLUMNS:
                values, _ = _values_after(row.cells, _APPLICANT_COLUMNS, right_aligned=True)
                observed.append(_Observed(index, None, values, row.cells[0]))
            continue
        used.add(index)
        fragments = []
        label_cell = row.cells[label_at]
        after = row.cells[label_at + 1 :]
        if len(after) < _APPLICANT_COLUMNS and not any(c.text.strip() for c in after):
            # A label with no value cells: a header (总计) or a label whose values wrap onto the
            # next row.
            pending = (match, label_cell)
            continue
        pending = None
        wrapped = _wrapped_row(
            label_cell.text.strip(),
            after,
            section_rows[position_in_section + 1 :],
            match,
            edition,
            findings,
        )
        if wrapped is not None:
            values, lines = wrapped
            extra = []
            consumed.update(lines)
            used.update(lines)
            if all(v is None for v in values):  # read several ways: it marks its place only
                record(match, values, label_cell, withdrawn=True)
                continue
        else:
            values, extra = _values_after(after, _APPLICANT_COLUMNS, right_aligned=True)
        if _all_blank(values):
            pending = (match, label_cell)  # a blank row, or a header: later values may follow
        elif not seen(match) and _blank_may_be_lost(rows, index, values):
            _withdraw_blanks(match, values, label_cell, edition, findings)
            values = [None] * len(values)
        where = record(match, values, label_cell)
        _stray(extra, where, findings)

    live = {key for key, sighting in named.items() if not sighting.withdrawn}
    has_sub_rows = any(key.startswith("other.") for key in live)
    single = "other" in live and not has_sub_rows
    _place_rows(observed, edition, single, has_sub_rows, cells, used, findings)


def _wrapped_row(
    label_text: str,
    after: Sequence[GridCell],
    following: Sequence[tuple[int, _Row]],
    match: LabelMatch,
    edition: Edition,
    findings: list[Finding],
) -> tuple[list[GridCell | None], list[int]] | None:
    """A labelled line of copied text followed by short lines of values that may be its numbers
    going on, one of them wrapped in its narrow cell (``11`` / ``8`` / ``9 1 0 0 2 130`` for
    118 9 1 0 0 2 130): read when exactly one reading of the pieces (which line breaks cut a
    number, which cells are blank) makes the row's printed 总计 the sum of its columns; when none
    or several do, none of the row's values is stored. ``None`` when the lines after cannot be the
    row's numbers going on. Returns the row's values and the indices of the lines read with it."""
    if not after or after[0].provenance.table is not None or not following:
        return None  # a table's row, or the last line
    filled = [c for c in after if c.text.strip()]
    if not 0 < len(filled) <= _APPLICANT_COLUMNS or any(
        c.provenance.table is not None for c in after
    ):
        return None
    lines: list[list[GridCell]] = [filled]
    taken: list[int] = []
    for index, row in following:
        cells = [c for c in row.cells if c.text.strip()]
        if not cells or not _values_only(row) or any(c.provenance.table is not None for c in cells):
            break
        if len(lines) > 1 and sum(map(len, lines)) >= _APPLICANT_COLUMNS:
            break
        lines.append(cells)
        taken.append(index)
    if len(lines) < 2 or sum(map(len, lines)) <= _APPLICANT_COLUMNS:
        return None
    texts = [[unicodedata.normalize("NFKC", c.text).strip() for c in line] for line in lines]
    if len(texts[0]) == _APPLICANT_COLUMNS and _row_total_holds(texts[0]):
        return None  # whole on its own line, and it adds up: the lines after are another row's
    if not any(joins for _, joins in readings(texts, _APPLICANT_COLUMNS)):
        return None  # the lines after cannot be this row's numbers going on
    found = consistent_readings(texts, _APPLICANT_COLUMNS, _row_total_holds)
    if len(found) != 1:
        # Its numbers may go on in the lines after it, and no one reading holds.
        rest = [t for line in texts[1:] for t in line]
        keys = tuple(key for row in match.rows for key in _row_keys(edition, row))
        findings.append(
            reading_finding(
                "read.unplaced_values",
                f"「{label_text}」行的数字可能在其后的行中继续（{' '.join(rest)}），"
                f"与该行总计相符的读法有 {len(found)} 种，该行各值均不采用：{'、'.join(keys)}",
                f"{label_text!r}: its numbers may go on in the lines after it ({' '.join(rest)}) "
                f"and {len(found)} readings (not one) agree with its total; none is stored. "
                f"Cells: {', '.join(keys)}",
                cells=keys,
                actual=" / ".join(" ".join(line) for line in texts),
                source=filled[0].provenance,
            )
        )
        return [None] * _APPLICANT_COLUMNS, taken
    ((reading, _),) = found
    values, joined_at = _reading_cells(lines, texts, reading)
    for column, printed, text in joined_at:
        findings.append(
            reading_finding(
                "read.joined_number",
                f"第 {column + 1} 列的数字在复制的文字中折成两行（{printed}），按该行总计唯一相符的读法"
                f"接为一个数「{text}」",
                f"column {column + 1}: a number wrapped over two lines of the copied text "
                f"({printed}), joined as {text!r}, the one reading whose row total holds",
                cells=tuple(
                    f"applications.{row}.{APPLICANT_COLUMNS[column]}" for row in match.rows
                ),
                actual=printed,
                source=lines[0][0].provenance,
            )
        )
    return values, taken


def _reading_cells(
    lines: Sequence[Sequence[GridCell]],
    texts: Sequence[Sequence[str]],
    reading: Sequence[tuple[int, ...] | None],
) -> tuple[list[GridCell | None], list[tuple[int, str, str]]]:
    """The value cells of one reading of pieces wrapped over lines (a joined number becomes a cell
    at its first piece), and each join as (column, the pieces as printed, the joined text)."""
    pieces = [c for line in lines for c in line]
    flat = [t for line in texts for t in line]
    values: list[GridCell | None] = []
    joined_at: list[tuple[int, str, str]] = []
    for column, group in enumerate(reading):
        if group is None:
            values.append(None)
            continue
        first = pieces[group[0]]
        if len(group) > 1:
            text = "".join(flat[i] for i in group)
            joined_at.append((column, " / ".join(flat[i] for i in group), text))
            first = GridCell(text, first.row, first.column, provenance=first.provenance)
        values.append(first)
    return values, joined_at


def _row_total_holds(texts: Sequence[str | None]) -> bool:
    """Whether a reading of a row of section 三 is counts whose printed 总计 is the sum of the six
    columns (a blank counted as 0, only to reject readings)."""
    numbers = _counts(texts)
    return numbers is not None and sum(numbers[:-1]) == numbers[-1]


def _counts(texts: Sequence[str | None]) -> list[int] | None:
    """The counts of a reading (a blank as 0, only to reject readings); ``None`` when a piece is
    not a count as printed."""
    if not all(
        t is None or (t.isascii() and t.isdigit() and (t == "0" or not t.startswith("0")))
        for t in texts
    ):
        return None  # a piece such as 00 is the tail of a number, never a count of its own
    return [int(t) if t is not None else 0 for t in texts]


def _review_totals_hold(texts: Sequence[str | None]) -> bool:
    """Whether a reading of section 四's fifteen values is counts whose three printed 总计 are
    each the sum of their four results (行政复议, 未经复议直接起诉, 复议后起诉)."""
    numbers = _counts(texts)
    return numbers is not None and all(
        sum(numbers[start : start + 4]) == numbers[start + 4] for start in range(0, 15, 5)
    )


@functools.cache
def _application_rows(
    edition: Edition, single: bool
) -> tuple[tuple[str, ...], frozenset[str], dict[str, int]]:
    """The row sequence section 三 is aligned to: the edition's rows (（六）其他处理 as one row or
    as three), with the other form's rows at their place, which only a label may take (they are
    read to be reported, never stored). Returns the keys, those a row of values may take, and
    each key's place."""
    own = [
        row.key.removeprefix("applications.")
        for row in template_rows(edition, single_other_row=single)
        if row.key.startswith("applications.")
    ]
    first = next(i for i, key in enumerate(own) if key.startswith("other"))
    if own[first] == "other":  # one row (always in 2019): the three sub-rows after it
        sub_rows = [
            row.key.removeprefix("applications.")
            for row in template_rows(Edition.E2021)
            if row.key.startswith("applications.other.")
        ]
        sequence = [*own[: first + 1], *sub_rows, *own[first + 1 :]]
    else:  # three sub-rows: the one row before them (its label is the group's)
        sequence = [*own[:first], "other", *own[first:]]
    return tuple(sequence), frozenset(own), {key: i for i, key in enumerate(sequence)}


def _place_rows(
    observed: Sequence[_Observed],
    edition: Edition,
    single: bool,
    has_sub_rows: bool,
    cells: dict[str, Cell],
    used: set[int],
    findings: list[Finding],
) -> None:
    """Align the rows read to the template's row sequence and store each row placed in one place.

    A row its label names scores most, a row its damaged label is like less, and a row of values
    with no label a little for each row a row of values may stand in; a row is stored only where
    every best alignment puts it in the same place. A row of values placed there, or a label that
    names several rows placed by its neighbours, is placed by position (provenance and an info
    finding say so); a row with equally good places is stored nowhere and a finding lists them."""
    sequence, positional, place = _application_rows(edition, single)
    certain = [place[s.match.rows[0]] for s in observed if s.match is not None and _certain(s)]
    if len(certain) == len(observed) and all(a < b for a, b in itertools.pairwise(certain)):
        # Every row named by its own label, in the template's order: the alignment is the labels.
        placements = [Placement(row) for row in certain]
    else:
        placements = ordered_alignment(_scores(observed, sequence, positional, place), len(place))
        if any(
            placement.row != place[sighting.match.rows[0]]
            for sighting, placement in zip(observed, placements, strict=True)
            if sighting.match is not None and _certain(sighting)
        ):
            placements = _by_labels_only(observed, place, positional)
    for sighting, placement in zip(observed, placements, strict=True):
        if placement.row is None:
            _report_unplaced(sighting, placement.candidates, sequence, edition, single, findings)
            if placement.ambiguous or sighting.match is not None:
                used.add(sighting.index)
            continue
        key = sequence[placement.row]
        where = f"「{sighting.label_cell.text.strip()}」行"
        if sighting.match is None:
            where = f"{sighting.label_cell.provenance.describe()} 的一行数值"
        used.add(sighting.index)
        printed = [v for v in sighting.values if v is not None and v.text.strip()]
        if edition is Edition.E2019 and key.startswith("other."):
            _stray(printed, f"{where}（2019 年版无此分项）", findings)
            continue
        if key not in positional:
            _stray(printed, "（六）其他处理合计行" if has_sub_rows else where, findings)
            continue
        by_position = sighting.match is None or len(sighting.match.rows) > 1
        values = sighting.values
        if by_position:
            values = [
                None
                if v is None
                else attrs.evolve(v, provenance=attrs.evolve(v.provenance, placed_by="position"))
                for v in values
            ]
        specs = _row_specs(edition, f"applications.{key}", single_other_row=single)
        _store(specs, values, cells, findings, where)
        if by_position and not sighting.withdrawn and all(spec.key in cells for spec in specs):
            reason = (
                "没有可读的标签，按其位置（前后两行之间唯一可能的行）"
                if sighting.match is None
                else f"的标签可指 {len(sighting.match.rows)} 行，按其位置（前后两行之间唯一可能的行）"
            )
            reason_en = (
                "has no readable label; placed by its position (the one row it can be between "
                "its neighbours)"
                if sighting.match is None
                else f"has a label that could name {len(sighting.match.rows)} rows; placed by its "
                "position (the one of them it can be between its neighbours)"
            )
            findings.append(
                reading_finding(
                    "read.placed_by_position",
                    f"{where}{reason}放入「{specs[0].labels[-2]}」",
                    f"{where} {reason_en} in {specs[0].labels[-2]!r}",
                    cells=tuple(spec.key for spec in specs),
                    source=sighting.label_cell.provenance,
                )
            )


def _scores(
    observed: Sequence[_Observed],
    sequence: Sequence[str],
    positional: frozenset[str],
    place: Mapping[str, int],
) -> list[dict[int, int]]:
    """What placing each row read in each template row scores."""
    by_position = {place[key]: _POSITION_SCORE for key in sequence if key in positional}
    scores: list[dict[int, int]] = []
    for sighting in observed:
        if sighting.match is None:
            scores.append(by_position)
            continue
        score = _NAMED_SCORE if sighting.match.strength == NAMED else _SIMILAR_SCORE
        scores.append({place[key]: score for key in sighting.match.rows if key in place})
    return scores


def _certain(sighting: _Observed) -> bool:
    """A row whose label names one row (a stem or the whole label): its place is certain."""
    match = sighting.match
    return match is not None and match.strength == NAMED and len(match.rows) == 1


def _by_labels_only(
    observed: Sequence[_Observed], place: Mapping[str, int], positional: frozenset[str]
) -> list[Placement]:
    """The document does not print its rows in the template's order (labels that each name one
    row contradict it): rows are placed by such labels only, and nothing by its position."""
    free = sorted(
        set(place.values())
        - {place[s.match.rows[0]] for s in observed if s.match is not None and _certain(s)}
    )
    placements = []
    for sighting in observed:
        if sighting.match is not None and _certain(sighting):
            placements.append(Placement(place[sighting.match.rows[0]]))
        elif sighting.match is not None:
            rows = tuple(place[key] for key in sighting.match.rows if place[key] in free)
            placements.append(Placement(None, rows) if rows else Placement(None))
        else:
            placements.append(
                Placement(
                    None, tuple(i for key, i in place.items() if key in positional and i in free)
                )
            )
    return placements


def _report_unplaced(
    sighting: _Observed,
    candidates: Sequence[int],
    sequence: Sequence[str],
    edition: Edition,
    single: bool,
    findings: list[Finding],
) -> None:
    """The finding for a row the alignment puts in no one place. A row of values with no place at
    all is left for the strays (it may be section 四's, printed without its title)."""
    texts = [v.text.strip() for v in sighting.values if v is not None and v.text.strip()]
    if sighting.match is None and not candidates:
        return
    rows = [sequence[i] for i in candidates]
    keys = tuple(key for row in rows for key in _row_keys(edition, row, single))
    if sighting.match is None:
        message = (
            f"一行数值（{' '.join(texts)}）没有标签，其前后之间有 {len(rows)} 个可能的行，"
            f"无法确定所属：{'、'.join(rows)}",
            f"a row of values ({' '.join(texts)}) has no label and {len(rows)} rows could hold "
            f"it: {', '.join(rows)}",
        )
    elif rows:
        where = f"「{sighting.label_cell.text.strip()}」行"
        message = (
            f"{where}可能是 {len(rows)} 个行之一，无法确定所属，该行各值均不采用：{'、'.join(rows)}",
            f"{where} could be any of {len(rows)} rows; none of its values is stored: "
            f"{', '.join(rows)}",
        )
    else:
        if sighting.withdrawn or not texts:
            return
        where = f"「{sighting.label_cell.text.strip()}」行"
        named_rows = sighting.match.rows
        keys = tuple(key for row in named_rows for key in _row_keys(edition, row, single))
        message = (
            f"{where}的标签指向 {'、'.join(named_rows)}，但该行已被占用或与前后各行的次序不符，"
            "该行各值均不采用",
            f"{where} names {', '.join(named_rows)}, but that row is taken or out of order with "
            "the rows around it; none of its values is stored",
        )
    findings.append(
        reading_finding(
            "read.unplaced_values",
            *message,
            cells=keys,
            actual=" ".join(texts),
            source=sighting.label_cell.provenance,
        )
    )


_WRAPPED_PIECE = re.compile(r"^0\d+$")  # 00, 05: the tail of a number wrapped in its cell


def _continues(row: _Row) -> bool:
    """Whether a short row of values without a label is the rest of the labelled row before it:
    numbers wrapped inside narrow cells (a piece such as ``00`` is no count of its own), or a
    converter's placeholder header holding values (a row broken by a page, its rest at the top of
    the next)."""
    filled = [c for c in row.cells if _state(c.text) is not CellState.TEXT and c.text.strip()]
    if not filled or len(filled) >= _APPLICANT_COLUMNS:
        return False
    pieces = [t for c in filled for t in unicodedata.normalize("NFKC", c.text).split()]
    return row.placeholder_header or any(_WRAPPED_PIECE.match(piece) for piece in pieces)


def _row_keys(edition: Edition, key: str, single: bool | None = None) -> tuple[str, ...]:
    """The cell keys of a section 三 row (（六）其他处理 printed as one row or with sub-rows)."""
    prefix = f"applications.{key}"
    if single is not None:
        specs = _row_specs(edition, prefix, single_other_row=single)
        if specs:
            return tuple(spec.key for spec in specs)
    specs = _row_specs(edition, prefix) or _row_specs(edition, prefix, single_other_row=True)
    if not specs:  # a sub-row of （六） in edition 2019: its keys in 2021
        specs = _row_specs(Edition.E2021, prefix)
    return tuple(spec.key for spec in specs)


def _match_keys(edition: Edition, match: LabelMatch) -> tuple[str, ...]:
    return tuple(key for row in match.rows for key in _row_keys(edition, row))


def _blank_may_be_lost(rows: Sequence[_Row], index: int, values: Sequence[GridCell | None]) -> bool:
    """Whether a blank among a row's values may be a value the converter moved out of its cell:
    a loose line that names no row right before or after it (``1,23`` / ``4`` around a row whose
    cell printed ``1,234``), or the unlabelled row of the same table next to it holding text in the
    blank's column (``见附`` above, ``件`` below)."""
    blanks = {v.column for v in values if v is not None and not v.text.strip()}
    if not blanks:
        return False
    table = next((v.provenance.table for v in values if v is not None), None)
    for neighbour in (index - 1, index + 1):
        if not 0 <= neighbour < len(rows):
            continue
        cells = [c for c in rows[neighbour].cells if c.text.strip()]
        if not cells or any(match_label(c.text, "applications") is not None for c in cells):
            continue
        if _is_column_header(rows[neighbour]):
            continue
        if all(c.provenance.table is None for c in cells):
            return True  # a loose line
        if table is not None and any(
            c.provenance.table == table and c.column in blanks for c in cells
        ):
            return True
    return False


def _withdraw_blanks(
    match: LabelMatch,
    values: Sequence[GridCell | None],
    label_cell: GridCell,
    edition: Edition,
    findings: list[Finding],
) -> None:
    keys = _match_keys(edition, match)
    printed = [v.text.strip() or "（空）" for v in values if v is not None]
    where = f"「{label_cell.text.strip()}」行"
    findings.append(
        reading_finding(
            "read.unplaced_values",
            f"{where}有空单元格，而相邻处有未归属的文字或数字，空格可能是被移出的值，"
            f"该行各值均不采用：{'、'.join(keys)}",
            f"{where} has empty cells next to text or numbers that belong to no row: a value may "
            f"have been moved out of its cell; none of the row's values is stored. Cells: "
            f"{', '.join(keys)}",
            cells=keys,
            actual=" ".join(printed),
            source=label_cell.provenance,
        )
    )


def _withdraw(sighting: _Observed, row: _Row, edition: Edition, findings: list[Finding]) -> None:
    """A labelled row whose numbers go on in the row after it: none of its values is stored (a
    number cut in two must not pass for a whole one); the finding names its cells."""
    assert sighting.match is not None
    keys = _match_keys(edition, sighting.match)
    printed = [v.text.strip() for v in sighting.values if v is not None and v.text.strip()]
    rest = [c.text.strip() for c in row.cells if c.text.strip()]
    where = f"「{sighting.label_cell.text.strip()}」行"
    findings.append(
        reading_finding(
            "read.unplaced_values",
            f"{where}的数字在下一行继续（{' '.join(rest)}），数字被折断，无法确定各值：{'、'.join(keys)}",
            f"{where}: its numbers go on in the next row ({' '.join(rest)}), cut in two; none is "
            f"stored. Cells: {', '.join(keys)}",
            cells=keys,
            actual=" ".join([*printed, "|", *rest]),
            source=sighting.label_cell.provenance,
        )
    )
    sighting.values = [None] * len(sighting.values)
    sighting.withdrawn = True


@functools.cache
def _column_labels() -> frozenset[str]:
    # Section 四's headers too: printed without its title, its 总计 must not pass for section 三's.
    return frozenset(
        normalise_label(spec.labels[-1])
        for spec in template_cells(Edition.E2021)
        if spec.key.startswith(("applications.", "reviews."))
    ) | {"法人或其他组织", "申请人情况", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"}


def _is_column_header(row: _Row) -> bool:
    """A header row of section 三 (自然人 | 法人或其他组织 | 总计) or 四 (结果维持 … 总计): its
    总计 names a column, not the （七）总计 row."""
    columns = _column_labels()
    found = 0
    for cell in row.cells:
        text = cell.text
        # Digits alone (most cells) never are a column's label: no look-up for them.
        if text and not text.isdecimal() and _compact(text) in columns:
            found += 1
            if found == 2:
                return True
    return False


_REVIEW_HEADERS = frozenset(
    normalise_label(spec.labels[-1])
    for spec in template_cells(Edition.E2021)
    if spec.key.startswith("reviews.") and not spec.key.endswith(".total")
) | {"行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"}


def _is_review_header(row: _Row) -> bool:
    """A header row of section 四 (结果维持 … , 行政复议 | 行政诉讼): after it, no row is section 三's."""
    return any(_compact(c.text) in _REVIEW_HEADERS for c in row.cells if c.text)


def _joined_label(fragments: Sequence[GridCell], row: _Row) -> tuple[int | None, LabelMatch | None]:
    """A label wrapped over several lines: the pieces before this row joined with its own text."""
    position = next((i for i, c in enumerate(row.cells) if _state(c.text) is CellState.TEXT), None)
    if position is None:
        return None, None
    own = row.cells[position].text
    for count in range(1, min(3, len(fragments)) + 1):
        joined = "".join(c.text.strip() for c in fragments[-count:]) + own
        match = match_label(joined, "applications")
        if match is not None:
            return position, match
    return None, None


def _value_slots(row: _Row) -> int:
    """Cells from the first non-empty one on (empty label cells before the values do not count)."""
    first = next((i for i, c in enumerate(row.cells) if c.text.strip()), len(row.cells))
    return len(row.cells) - first


def _fragments_label(fragments: Sequence[GridCell]) -> LabelMatch | None:
    for count in range(2, min(3, len(fragments)) + 1):
        match = match_label("".join(c.text.strip() for c in fragments[-count:]), "applications")
        if match is not None:
            return match
    return None


def _all_blank(values: Sequence[GridCell | None]) -> bool:
    return not any(v is not None and v.text.strip() for v in values)


# ---------------------------------------------------------------- section 四


def _value_row(row: _Row) -> bool:
    """A row of section 四 values: no label text, and either a number or a full row of blanks."""
    texts = [c.text for c in row.cells if c.text.strip()]
    if not all(
        _state(t) in (CellState.NUMBER, CellState.MARKER, CellState.ANNOTATED) for t in texts
    ):
        return False
    return bool(texts) or len(row.cells) >= _REVIEW_COLUMNS


_REVIEW_GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("review", re.compile(r"^行政复议$")),
    ("litigation_direct", re.compile(r"直接起诉")),
    ("litigation_after_review", re.compile(r"复议后起诉")),
)


@cache_short_texts(maxsize=4096)
def _review_group(text: str) -> str | None:
    """The group of section 四 a label names, when it names exactly one."""
    label = normalise_label(text)
    groups = [g for g, pattern in _REVIEW_GROUPS if pattern.search(label)]
    return groups[0] if len(groups) == 1 else None


def _review_group_rows(
    candidates: Sequence[tuple[int, _Row]],
    cells: dict[str, Cell],
    used: set[int],
    findings: list[Finding],
) -> bool:
    """Section 四 printed as one labelled row per group (行政复议 + five values, …)."""
    found = False
    # A group printed as a heading of its own (### 行政复议), then its header row and one row of
    # five values.
    heading: tuple[str, GridCell] | None = None
    for index, row in candidates:
        # A line of one number is not a group's row of five (a table printed one cell per line:
        # the pooled values below read it).
        if heading is not None and _values_only(row) and not _one_number_line(row):
            heading_group, label_cell = heading
            heading = None
            specs = _row_specs(Edition.E2021, f"reviews.{heading_group}")
            if _value_slots(row) <= len(specs):
                values, extra = _values_after(row.cells, len(specs))
                _store(specs, values, cells, findings, f"「{label_cell.text.strip()}」下")
                _stray(extra, f"「{label_cell.text.strip()}」下", findings)
                used.add(index)
                found = True
            continue
        for position in range(len(row.cells) - 1, -1, -1):
            group = _review_group(row.cells[position].text)
            if group is None:
                continue
            after = row.cells[position + 1 :]
            texts = [c.text for c in after if c.text.strip()]
            if not texts and not any(c.text.strip() for c in row.cells[:position]):
                heading = (group, row.cells[position])
                break
            # A header cell (行政复议 over 行政诉讼) has text after it, not values.
            if not texts or any(_state(t) is CellState.TEXT for t in texts):
                break
            specs = _row_specs(Edition.E2021, f"reviews.{group}")
            values, extra = _values_after(after, len(specs))
            _store(specs, values, cells, findings, f"「{row.cells[position].text.strip()}」行")
            _stray(extra, f"「{row.cells[position].text.strip()}」行", findings)
            used.add(index)
            found = True
            break
    return found


def _reviews(
    rows: Sequence[_Row], cells: dict[str, Cell], used: set[int], findings: list[Finding]
) -> None:
    candidates = [(i, r) for i, r in enumerate(rows) if r.section == "reviews"]
    if not candidates:
        last = max(used, default=-1)
        candidates = [(i, r) for i, r in enumerate(rows) if i > last]
    if _review_group_rows(candidates, cells, used, findings):
        return
    pooled: list[GridCell] = []
    # A row of empty cells before the values is a header a converter left blank, not blank values.
    first_filled = next(
        (
            i
            for i, row in candidates
            if i not in used and _value_row(row) and any(c.text.strip() for c in row.cells)
        ),
        None,
    )
    pooled_rows: list[tuple[int, _Row]] = []
    after_pool = 0  # where the rows after the pooled ones start
    for position, (index, row) in enumerate(candidates):
        after_pool = position + 1
        if index in used or (first_filled is not None and index < first_filled):
            continue
        if _value_row(row):
            pooled.extend(row.cells)
            pooled_rows.append((index, row))
            used.add(index)
            if len(pooled) >= _REVIEW_COLUMNS:
                break
        elif pooled:
            break
    if not pooled:
        return
    specs = _review_specs()
    if _wrapped_review_values(pooled_rows, candidates[after_pool:], cells, used, findings):
        return
    values, extra = _values_after(pooled, _REVIEW_COLUMNS)
    _store(specs, values, cells, findings, "行政复议、行政诉讼情况表")
    _stray(extra, "行政复议、行政诉讼情况表", findings)


_FRAGMENT_MAX = 2
"""A line of copied text with at most this many numbers, next to the values of section 四, may be
the pieces of numbers wrapped in their narrow cells (``206`` over the row, ``4`` under it)."""


def _wrapped_review_values(
    pooled: Sequence[tuple[int, _Row]],
    following: Sequence[tuple[int, _Row]],
    cells: dict[str, Cell],
    used: set[int],
    findings: list[Finding],
) -> bool:
    """Section 四's values as lines of copied text that may hold numbers wrapped over lines.

    Lines of text copied out of a PDF lose where each number stood: a count too wide for its cell
    prints as pieces on the lines around the row. When the values come from several lines, or a
    short line of numbers follows them, they are taken as printed only when they are exactly
    fifteen and the three totals hold, or fifteen on lines that all hold more than two values or
    all one (a table printed one cell per line) with no short line after them; otherwise exactly
    one reading of the pieces (which line breaks cut a number, which cells are blank) must make
    the totals hold, or none of the values is stored. Returns whether it decided (stored or
    refused); ``False`` leaves the values to be read as printed (a table's row, or one line
    followed by nothing that could be a piece)."""
    rows = [row for _, row in pooled]
    if any(c.provenance.table is not None for row in rows for c in row.cells):
        return False
    lines = [[c for c in row.cells if c.text.strip()] for row in rows]
    fragments: list[tuple[int, list[GridCell]]] = []
    for index, row in following:
        filled = [c for c in row.cells if c.text.strip()]
        if (
            index in used
            or not filled
            or len(filled) > _FRAGMENT_MAX
            or not _value_row(row)
            or any(c.provenance.table is not None for c in filled)
        ):
            break
        fragments.append((index, filled))
    short_line = any(len(line) <= _FRAGMENT_MAX for line in lines)
    if len(lines) == 1 and not fragments:
        return False
    texts = [[unicodedata.normalize("NFKC", c.text).strip() for c in line] for line in lines]
    printed = [t for line in texts for t in line]
    if len(printed) == _REVIEW_COLUMNS and _review_totals_hold(printed):
        return False  # as printed, and it adds up: the lines after are something else
    if (
        not fragments
        and len(printed) == _REVIEW_COLUMNS
        and (not short_line or all(len(line) == 1 for line in lines))
    ):
        # Whole lines of values and no piece anywhere, or one value a line (a table printed one
        # cell per line, where a wrapped number would make a sixteenth): as printed.
        return False
    lines += [line for _, line in fragments]
    texts += [
        [unicodedata.normalize("NFKC", c.text).strip() for c in line] for _, line in fragments
    ]
    found = consistent_readings(texts, _REVIEW_COLUMNS, _review_totals_hold)
    used.update(index for index, _ in fragments)
    specs = _review_specs()
    place = "行政复议、行政诉讼情况表"
    if len(found) != 1:
        keys = tuple(spec.key for spec in specs if spec.key not in cells)
        pieces = " / ".join(" ".join(line) for line in texts)
        findings.append(
            reading_finding(
                "read.unplaced_values",
                f"{place}的数字分在 {len(texts)} 行（{pieces}），可能有数字折行，与三个总计都相符的"
                f"读法有 {len(found)} 种，各值均不采用：{'、'.join(keys)}",
                f"section 四: its numbers are on {len(texts)} lines ({pieces}) and may be wrapped; "
                f"{len(found)} readings (not one) agree with its three totals; none is stored. "
                f"Cells: {', '.join(keys)}",
                cells=keys,
                actual=pieces,
                source=lines[0][0].provenance,
            )
        )
        return True
    ((reading, _),) = found
    values, joined_at = _reading_cells(lines, texts, reading)
    _store(specs, values, cells, findings, place)
    for column, pieces_printed, text in joined_at:
        findings.append(
            reading_finding(
                "read.joined_number",
                f"{place}第 {column + 1} 列的数字在复制的文字中折成两行（{pieces_printed}），"
                f"按三个总计唯一相符的读法接为一个数「{text}」",
                f"section 四, column {column + 1}: a number wrapped over two lines of the copied "
                f"text ({pieces_printed}), joined as {text!r}, the one reading whose totals hold",
                cells=(specs[column].key,),
                actual=pieces_printed,
                source=lines[0][0].provenance,
            )
        )
    return True


@functools.cache
def _review_specs() -> tuple[TemplateCell, ...]:
    return tuple(s for s in template_cells(Edition.E2021) if s.key.startswith("reviews."))


# ---------------------------------------------------------------- leftovers


def _stray_rows(rows: Sequence[_Row], used: set[int], findings: list[Finding]) -> None:
    """Numbers in table rows of sections 二, 三, 四 that matched no label."""
    for index, row in enumerate(rows):
        if index in used or row.section not in ("active", "applications", "reviews"):
            continue
        numbers = [c for c in row.cells if _is_number_text(c.text)]
        label = next((c.text.strip() for c in row.cells if c.text.strip() and c not in numbers), "")
        if numbers and not _is_header_number(label):
            _stray(numbers, f"未识别的行「{label[:20]}」", findings)


def _is_header_number(label: str) -> bool:
    # Captions such as 第二十条第（一）项 hold digits but no values.
    return bool(re.search(r"第.{1,4}条", label))
