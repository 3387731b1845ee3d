"""The typed report model for both template editions.

The classes mirror the official tables. Attribute names are the segments of the canonical cell keys of
the template reference (``docs/reference/template``; ``applications.withheld.state_secret.total`` is
``report.applications.withheld.state_secret.total``), and each attribute's metadata carries its Chinese
label, so the template (keys, labels, order, kinds) is read off the classes and cannot drift from them.

All classes are frozen. Totals are stored as published, never recomputed; validation compares them with
what the other cells imply.
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs

from .values import Cell, CellKind, CellState, Number, absent_cell

__all__ = [
    "Active2019",
    "Active2021",
    "AnnualReport",
    "ApplicantCounts",
    "Applications2019",
    "Applications2021",
    "DecisionsRow",
    "Edition",
    "FeeAmountRow",
    "FeeItemsRow",
    "ItemsRow",
    "NarrativeSection",
    "NotProcessed",
    "OtherHandling2021",
    "ProcurementRow",
    "PublishedRow",
    "ReportMeta",
    "ReviewOutcomes",
    "Reviews",
    "RulesRow",
    "TemplateCell",
    "TemplateRow",
    "Unavailable",
    "Withheld",
    "build_report",
    "template_cells",
    "template_rows",
]

LABEL = "govinfo_report.label"
KIND = "govinfo_report.kind"
VARIANTS = "govinfo_report.variants"
STEMS = "govinfo_report.stems"


class Edition(str, enum.Enum):
    """The template edition a report follows."""

    E2019 = "2019"
    """国办公开办函〔2019〕60号 (试行), used for report years 2019 and 2020."""
    E2021 = "2021"
    """国办公开办函〔2021〕30号, used from report year 2021 on."""


def _cell(label: str, kind: CellKind = CellKind.COUNT) -> Any:
    return attrs.field(metadata={LABEL: label, KIND: kind})


def _part(label: str, *, variants: tuple[str, ...] = (), stems: tuple[str, ...] = ()) -> Any:
    """A row or group of a table. ``variants`` are whole labels real reports print instead of the
    template's; ``stems`` are short distinctive pieces of the label that name the row even when
    print cut the label short or wrapped it (a stem right after 不 does not count: 不予以公开)."""
    return attrs.field(metadata={LABEL: label, VARIANTS: variants, STEMS: stems})


# ---------------------------------------------------------------- section 二 (edition 2021)


@attrs.frozen
class RulesRow:
    """规章 / 行政规范性文件 (2021): issued, repealed and in force this year."""

    issued: Cell = _cell("本年制发件数")
    repealed: Cell = _cell("本年废止件数")
    in_force: Cell = _cell("现行有效件数")


@attrs.frozen
class DecisionsRow:
    """行政许可 / 行政处罚 / 行政强制 (2021): decisions made this year."""

    decisions: Cell = _cell("本年处理决定数量")


@attrs.frozen
class FeeAmountRow:
    """行政事业性收费 (2021): money collected this year, in 万元."""

    amount: Cell = _cell("本年收费金额（单位：万元）", CellKind.MONEY)


@attrs.frozen
class Active2021:
    """二、主动公开政府信息情况, edition 2021."""

    rules: RulesRow = _part("规章")
    normative_docs: RulesRow = _part("行政规范性文件", variants=("规范性文件",))
    licensing: DecisionsRow = _part("行政许可")
    penalty: DecisionsRow = _part("行政处罚")
    coercion: DecisionsRow = _part("行政强制")
    fees: FeeAmountRow = _part("行政事业性收费")


# ---------------------------------------------------------------- section 二 (edition 2019)


@attrs.frozen
class PublishedRow:
    """规章 / 规范性文件 (2019): made, published, and published in total."""

    made: Cell = _cell("本年新制作数量")
    published: Cell = _cell("本年新公开数量")
    total_published: Cell = _cell("对外公开总数量")


@attrs.frozen
class ItemsRow:
    """行政许可 etc. (2019): last year's item count, this year's change, decisions."""

    prev_items: Cell = _cell("上一年项目数量")
    delta: Cell = _cell("本年增/减", CellKind.SIGNED)
    decisions: Cell = _cell("处理决定数量")


@attrs.frozen
class FeeItemsRow:
    """行政事业性收费 (2019): counts of fee items, not money."""

    prev_items: Cell = _cell("上一年项目数量")
    delta: Cell = _cell("本年增/减", CellKind.SIGNED)


@attrs.frozen
class ProcurementRow:
    """政府集中采购 (2019): number of projects and total amount (unit as printed)."""

    projects: Cell = _cell("采购项目数量")
    amount: Cell = _cell("采购总金额", CellKind.MONEY)


@attrs.frozen
class Active2019:
    """二、主动公开政府信息情况, edition 2019 (试行)."""

    rules: PublishedRow = _part("规章")
    normative_docs: PublishedRow = _part("规范性文件", variants=("行政规范性文件",))
    licensing: ItemsRow = _part("行政许可")
    other_services: ItemsRow = _part("其他对外管理服务事项")
    penalty: ItemsRow = _part("行政处罚")
    coercion: ItemsRow = _part("行政强制")
    fees: FeeItemsRow = _part("行政事业性收费")
    procurement: ProcurementRow = _part("政府集中采购")


# ---------------------------------------------------------------- section 三


@attrs.frozen
class ApplicantCounts:
    """One row of section 三: a count per kind of applicant, and the printed 总计."""

    natural_person: Cell = _cell("自然人")
    commercial: Cell = _cell("商业企业")
    research: Cell = _cell("科研机构")
    social_welfare: Cell = _cell("社会公益组织")
    legal_service: Cell = _cell("法律服务机构")
    other_org: Cell = _cell("其他")
    total: Cell = _cell("总计")

    def components(self) -> tuple[Cell, ...]:
        """The six applicant columns, without the total."""
        return (
            self.natural_person,
            self.commercial,
            self.research,
            self.social_welfare,
            self.legal_service,
            self.other_org,
        )


APPLICANT_COLUMNS: tuple[str, ...] = tuple(f.name for f in attrs.fields(ApplicantCounts))
"""Column keys of section 三 in template order, 总计 last."""


@attrs.frozen
class Withheld:
    """（三）不予公开."""

    state_secret: ApplicantCounts = _part("1.属于国家秘密", stems=("国家秘",))
    prohibited_by_law: ApplicantCounts = _part(
        "2.其他法律行政法规禁止公开", variants=("2.其他法律法规禁止公开",), stems=("法规禁止",)
    )
    security_stability: ApplicantCounts = _part("3.危及“三安全一稳定”", stems=("三安全",))
    third_party_rights: ApplicantCounts = _part("4.保护第三方合法权益", stems=("第三方",))
    internal_affairs: ApplicantCounts = _part("5.属于三类内部事务信息", stems=("内部事",))
    process_info: ApplicantCounts = _part("6.属于四类过程性信息", stems=("过程性",))
    enforcement_files: ApplicantCounts = _part("7.属于行政执法案卷", stems=("执法案",))
    inquiry_matters: ApplicantCounts = _part("8.属于行政查询事项", stems=("查询事",))


@attrs.frozen
class Unavailable:
    """（四）无法提供."""

    not_held: ApplicantCounts = _part("1.本机关不掌握相关政府信息", stems=("不掌握",))
    needs_creation: ApplicantCounts = _part("2.没有现成信息需要另行制作", stems=("另行制",))
    still_unclear: ApplicantCounts = _part("3.补正后申请内容仍不明确", stems=("仍不明",))


@attrs.frozen
class NotProcessed:
    """（五）不予处理."""

    petition: ApplicantCounts = _part("1.信访举报投诉类申请", stems=("信访",))
    duplicate: ApplicantCounts = _part("2.重复申请", stems=("重复申",))
    publication: ApplicantCounts = _part("3.要求提供公开出版物", stems=("出版物",))
    excessive: ApplicantCounts = _part("4.无正当理由大量反复申请", stems=("大量反复",))
    confirmation: ApplicantCounts = _part(
        "5.要求行政机关确认或重新出具已获取信息", stems=("确认或重新",)
    )


@attrs.frozen
class OtherHandling2021:
    """（六）其他处理, edition 2021: three numbered sub-rows."""

    overdue_correction: ApplicantCounts = _part(
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        variants=("1.逾期不补正",),
        stems=("逾期不补",),
    )
    overdue_fee: ApplicantCounts = _part(
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        variants=("2.逾期不缴费",),
        stems=("缴纳费用", "缴费", "收费通知", "逾期未按"),
    )
    misc: ApplicantCounts = _part("3.其他")


@attrs.frozen
class Applications2019:
    """三、收到和处理政府信息公开申请情况, edition 2019: （六）其他处理 is one row."""

    received: ApplicantCounts = _part("一、本年新收政府信息公开申请数量", stems=("本年新收",))
    carried_in: ApplicantCounts = _part("二、上年结转政府信息公开申请数量", stems=("上年结转",))
    granted: ApplicantCounts = _part("（一）予以公开", stems=("予以公开",))
    partially_granted: ApplicantCounts = _part(
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        variants=("（二）部分公开",),
        stems=("部分公开",),
    )
    withheld: Withheld = _part("（三）不予公开")
    unavailable: Unavailable = _part("（四）无法提供")
    not_processed: NotProcessed = _part("（五）不予处理")
    other: ApplicantCounts = _part("（六）其他处理", variants=("（六）其他", "其他处理"))
    total: ApplicantCounts = _part("（七）总计", variants=("总计",))
    carried_out: ApplicantCounts = _part(
        "四、结转下年度继续办理", variants=("四、结转下一年度继续办理",), stems=("结转下",)
    )


@attrs.frozen
class Applications2021:
    """三、收到和处理政府信息公开申请情况, edition 2021.

    ``other`` is normally :class:`OtherHandling2021`; some 2021 reports still print （六）其他处理 as
    one row, which is kept as that one row (:class:`ApplicantCounts`), never spread over the three.
    """

    received: ApplicantCounts = _part("一、本年新收政府信息公开申请数量", stems=("本年新收",))
    carried_in: ApplicantCounts = _part("二、上年结转政府信息公开申请数量", stems=("上年结转",))
    granted: ApplicantCounts = _part("（一）予以公开", stems=("予以公开",))
    partially_granted: ApplicantCounts = _part(
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        variants=("（二）部分公开",),
        stems=("部分公开",),
    )
    withheld: Withheld = _part("（三）不予公开")
    unavailable: Unavailable = _part("（四）无法提供")
    not_processed: NotProcessed = _part("（五）不予处理")
    other: OtherHandling2021 | ApplicantCounts = _part(
        "（六）其他处理", variants=("（六）其他", "其他处理")
    )
    total: ApplicantCounts = _part("（七）总计", variants=("总计",))
    carried_out: ApplicantCounts = _part(
        "四、结转下年度继续办理", variants=("四、结转下一年度继续办理",), stems=("结转下",)
    )


# ---------------------------------------------------------------- section 四


@attrs.frozen
class ReviewOutcomes:
    """One group of section 四: outcomes and the printed 总计."""

    upheld: Cell = _cell("结果维持")
    corrected: Cell = _cell("结果纠正")
    other: Cell = _cell("其他结果")
    pending: Cell = _cell("尚未审结")
    total: Cell = _cell("总计")


@attrs.frozen
class Reviews:
    """四、政府信息公开行政复议、行政诉讼情况 (the same in both editions)."""

    review: ReviewOutcomes = _part("行政复议")
    litigation_direct: ReviewOutcomes = _part("行政诉讼 未经复议直接起诉")
    litigation_after_review: ReviewOutcomes = _part("行政诉讼 复议后起诉")


# ---------------------------------------------------------------- the report


@attrs.frozen
class ReportMeta:
    """What the document says about itself. Every field is optional: real reports omit any of them."""

    agency: str | None = None
    year: int | None = None
    title: str | None = None
    document_number: str | None = None
    """文号, e.g. ``峰政〔2021〕1号``."""
    index_number: str | None = None
    """索引号."""
    publisher: str | None = None
    """发布机构."""
    date_of_issue: datetime.date | None = None


@attrs.frozen
class NarrativeSection:
    """A prose section (一, 五, 六, or one an agency added) with its title as printed."""

    title: str
    text: str


_Table = TypeVar("_Table")


@attrs.frozen
class TemplateCell:
    """One cell of an edition's template: canonical key, kind, and the Chinese labels leading to it."""

    key: str
    kind: CellKind
    labels: tuple[str, ...]
    """Section title, then row labels (outer to inner), then the column label."""


_SECTION_LABELS = {
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "reviews": "四、政府信息公开行政复议、行政诉讼情况",
}

_ACTIVE_TYPES: dict[Edition, type] = {Edition.E2019: Active2019, Edition.E2021: Active2021}
_APPLICATION_TYPES: dict[Edition, type] = {
    Edition.E2019: Applications2019,
    Edition.E2021: Applications2021,
}


@attrs.frozen
class AnnualReport:
    """One 政府信息公开工作年度报告: metadata, narrative sections and the three tables.

    The edition follows from the table types; mixing editions is refused when the object is built.
    """

    meta: ReportMeta
    active: Active2019 | Active2021
    applications: Applications2019 | Applications2021
    reviews: Reviews
    narrative: tuple[NarrativeSection, ...] = ()
    source: str | None = attrs.field(default=None, eq=False)
    """The file or label the report was read from (not part of equality)."""

    def __attrs_post_init__(self) -> None:
        expected = _APPLICATION_TYPES[self.edition]
        if not isinstance(self.applications, expected):
            raise TypeError(
                f"edition {self.edition.value} report needs {expected.__name__}, "
                f"got {type(self.applications).__name__}"
            )

    @property
    def edition(self) -> Edition:
        """The template edition, read off the type of section 二."""
        return Edition.E2019 if isinstance(self.active, Active2019) else Edition.E2021

    @property
    def single_other_row(self) -> bool:
        """True when （六）其他处理 is printed as one row (always in 2019, sometimes in 2021)."""
        return isinstance(self.applications.other, ApplicantCounts)

    def template(self) -> tuple[TemplateCell, ...]:
        """The template cells this report has, in template order."""
        return template_cells(self.edition, single_other_row=self.single_other_row)

    def cell(self, key: str) -> Cell:
        """The cell under a canonical key, e.g. ``"applications.granted.total"``.

        Raises :class:`KeyError` for a key that is not in this report's template.
        """
        index = _key_index(self.edition, self.single_other_row).get(key)
        if index is None:
            raise KeyError(f"{key!r} is not a cell of an edition {self.edition.value} report")
        return self.cell_tuple()[index]

    def cell_tuple(self) -> tuple[Cell, ...]:
        """Every cell in template order (aligned with :meth:`template`), fetched in one pass."""
        return self._cells

    def value_tuple(self) -> tuple[Number | None, ...]:
        """Every cell's value in template order (``None`` where a cell holds no number)."""
        return self._values_and_states[0]

    def state_tuple(self) -> tuple[CellState, ...]:
        """Every cell's state in template order."""
        return self._values_and_states[1]

    @functools.cached_property
    def _values_and_states(self) -> tuple[tuple[Number | None, ...], tuple[CellState, ...]]:
        # Both in one pass of generated code, read straight off the tables: validation of a
        # clean report needs no cell itself, so the tuple of cells is built only when asked for.
        getter = _BY_CLASSES.get((self.active.__class__, self.applications.other.__class__))
        if getter is None:
            getter = _BY_CLASSES[self.active.__class__, self.applications.other.__class__] = (
                _values_and_states_getter(self.edition, self.single_other_row)
            )
        return getter(self)

    @functools.cached_property
    def _cells(self) -> tuple[Cell, ...]:
        # Validation walks the cells several times; the report is frozen, so fetch them once.
        return _cell_getter(self.edition, self.single_other_row)(self)

    def cells(self) -> Iterator[tuple[TemplateCell, Cell]]:
        """``(template cell, published cell)`` pairs in template order."""
        return zip(self.template(), self.cell_tuple(), strict=True)

    def cell_map(self) -> dict[str, Cell]:
        """Every cell by canonical key, in template order."""
        return {spec.key: cell for spec, cell in self.cells()}


# ---------------------------------------------------------------- template walking


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    attrs.resolve_types(cls, globalns=globals())
    return {f.name: f.type for f in attrs.fields(cls)}


def _walk(
    cls: type, prefix: str, labels: tuple[str, ...], single_other_row: bool
) -> Iterator[TemplateCell]:
    for field in attrs.fields(cls):
        key = f"{prefix}.{field.name}"
        label = field.metadata.get(LABEL, field.name)
        field_type = _field_types(cls)[field.name]
        if field_type is Cell:
            yield TemplateCell(key, field.metadata[KIND], (*labels, label))
            continue
        if get_origin(field_type) in (Union, _UnionType):
            options = get_args(field_type)
            field_type = ApplicantCounts if single_other_row else options[0]
            if field_type not in options:  # pragma: no cover - guards the model's own definition
                raise TypeError(key)
        yield from _walk(field_type, key, (*labels, label), single_other_row)


_UnionType = type(int | str)


def _table_sections(edition: Edition) -> tuple[tuple[str, type], ...]:
    """The tables of sections 二, 三 and 四 of an edition: their key and their class."""
    return (
        ("active", _ACTIVE_TYPES[edition]),
        ("applications", _APPLICATION_TYPES[edition]),
        ("reviews", Reviews),
    )


@functools.cache
def template_cells(
    edition: Edition | str, *, single_other_row: bool = False
) -> tuple[TemplateCell, ...]:
    """Every cell of an edition's template in order, with canonical keys, kinds and Chinese labels.

    ``single_other_row`` selects the 2021 variant whose （六）其他处理 is one row (ignored for 2019,
    which always has one row).
    """
    edition = Edition(edition)
    single = single_other_row or edition is Edition.E2019
    sections = _table_sections(edition)
    return tuple(
        cell
        for name, cls in sections
        for cell in _walk(cls, name, (_SECTION_LABELS[name],), single)
    )


@attrs.frozen
class TemplateRow:
    """One row of a table in the template, with everything known about how reports print its label:
    the one place the reader's label matching comes from."""

    key: str
    """The row's key, its cells' keys without the column (``applications.withheld.state_secret``)."""
    label: str
    """The label the template prints (``1.属于国家秘密``)."""
    group: str | None
    """The label of the group the row stands in (``（三）不予公开``), if any."""
    variants: tuple[str, ...]
    """Other whole labels real reports print for the row (``规范性文件``)."""
    stems: tuple[str, ...]
    """Short distinctive pieces of the label that name the row on their own (``国家秘``)."""
    cells: tuple[str, ...]
    """The keys of the row's cells, in column order."""


def _walk_rows(
    cls: type, prefix: str, group: str | None, single_other_row: bool
) -> Iterator[TemplateRow]:
    for field in attrs.fields(cls):
        key = f"{prefix}.{field.name}"
        field_type = _field_types(cls)[field.name]
        if get_origin(field_type) in (Union, _UnionType):
            field_type = ApplicantCounts if single_other_row else get_args(field_type)[0]
        if field_type is Cell:  # pragma: no cover - every section holds rows, not cells
            continue
        children = attrs.fields(field_type)
        if all(_field_types(field_type)[child.name] is Cell for child in children):
            yield TemplateRow(
                key,
                field.metadata[LABEL],
                group,
                field.metadata.get(VARIANTS, ()),
                field.metadata.get(STEMS, ()),
                tuple(f"{key}.{child.name}" for child in children),
            )
        else:
            yield from _walk_rows(field_type, key, field.metadata[LABEL], single_other_row)


@functools.cache
def template_rows(
    edition: Edition | str, *, single_other_row: bool = False
) -> tuple[TemplateRow, ...]:
    """Every row of an edition's tables (sections 二, 三 and 四) in template order, with its label,
    the variants and stems real reports print, and its cells (the same order as
    :func:`template_cells`)."""
    edition = Edition(edition)
    single = single_other_row or edition is Edition.E2019
    sections = _table_sections(edition)
    return tuple(row for name, cls in sections for row in _walk_rows(cls, name, None, single))


@functools.cache
def _key_index(edition: Edition, single_other_row: bool) -> dict[str, int]:
    return {
        c.key: i for i, c in enumerate(template_cells(edition, single_other_row=single_other_row))
    }


@functools.cache
def _cell_getter(
    edition: Edition, single_other_row: bool
) -> Callable[[AnnualReport], tuple[Cell, ...]]:
    """A function returning every cell of a report shape in template order, compiled once.

    Validation flattens every report it checks; generated code that fetches each row object once
    (``row = report.applications.received``, then ``row.natural_person``…) does a third of the
    attribute look-ups that one dotted path per cell would.
    """
    lines, cells = _walk_source(edition, single_other_row, "flatten")
    lines.append(f"    return ({''.join(cell + ', ' for cell in cells)})")
    return _compiled(lines, edition, "flatten")  # type: ignore[no-any-return]


_BY_CLASSES: dict[
    tuple[type, type],
    Callable[[AnnualReport], tuple[tuple[Number | None, ...], tuple[CellState, ...]]],
] = {}
""":func:`_values_and_states_getter` by the classes of section 二 and of （六）其他处理, which
decide a report's shape: a look-up that hashes two classes in C, where the cache of
``_values_and_states_getter`` hashes the edition enum in Python."""


@functools.cache
def _values_and_states_getter(
    edition: Edition, single_other_row: bool
) -> Callable[[AnnualReport], tuple[tuple[Number | None, ...], tuple[CellState, ...]]]:
    """A function returning the values and the states of every cell of a report shape in
    template order, compiled once: each cell fetched once into a local (as in
    :func:`_cell_getter`), then its value and its state read, with no tuple of cells between."""
    lines, cells = _walk_source(edition, single_other_row, "values_and_states")
    names = [f"c{i}" for i in range(len(cells))]
    lines.extend(f"    {name} = {cell}" for name, cell in zip(names, cells, strict=True))
    lines.append(
        f"    return ({''.join(n + '.value, ' for n in names)}), "
        f"({''.join(n + '.state, ' for n in names)})"
    )
    return _compiled(lines, edition, "values_and_states")  # type: ignore[no-any-return]


def _walk_source(
    edition: Edition, single_other_row: bool, name: str
) -> tuple[list[str], list[str]]:
    """The start of a generated function ``name(report)`` that fetches every row object of a
    report shape into a local, and the expression of each cell (``part3.natural_person``)."""
    keys = [c.key for c in template_cells(edition, single_other_row=single_other_row)]
    lines = [f"def {name}(report):"]
    local_names: dict[str, str] = {}

    def local(path: str) -> str:
        if path not in local_names:
            parent, _, attribute = path.rpartition(".")
            base = local(parent) if parent else "report"
            local_names[path] = f"part{len(local_names)}"
            lines.append(f"    {local_names[path]} = {base}.{attribute}")
        return local_names[path]

    cells = []
    for key in keys:
        parent, _, attribute = key.rpartition(".")
        cells.append(f"{local(parent)}.{attribute}")
    return lines, cells


def _compiled(lines: list[str], edition: Edition, name: str) -> Any:
    namespace: dict[str, Any] = {}
    # The source is built from the template's own attribute names, never from input.
    exec(compile("\n".join(lines), f"<govinfo_report {name} {edition.value}>", "exec"), namespace)
    return namespace[name]


# ---------------------------------------------------------------- building


@functools.cache
def _build_plan(
    cls: type, prefix: str
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, tuple[type, ...]], ...]]:
    """The fields of ``cls`` under ``prefix``: the cells (name, key), then the parts (name, key,
    the types the part may be: several for a union, chosen by the cells). Worked out once per
    class and place, not for every report built."""
    types = _field_types(cls)
    cell_fields = []
    part_fields = []
    for field in attrs.fields(cls):
        field_type = types[field.name]
        key = f"{prefix}.{field.name}"
        if field_type is Cell:
            cell_fields.append((field.name, key))
        elif get_origin(field_type) in (Union, _UnionType):
            part_fields.append((field.name, key, get_args(field_type)))
        else:
            part_fields.append((field.name, key, (field_type,)))
    return tuple(cell_fields), tuple(part_fields)


def _build(cls: type, prefix: str, cells: Mapping[str, Cell], used: set[str]) -> Any:
    values: dict[str, Any] = {}
    cell_fields, part_fields = _build_plan(cls, prefix)
    absent = absent_cell()
    get = cells.get
    for name, key in cell_fields:
        cell = get(key)
        if cell is None:
            values[name] = absent
        else:
            values[name] = cell
            used.add(key)
    for name, key, options in part_fields:
        field_type = options[0] if len(options) == 1 else _choose_variant(options, key, cells)
        values[name] = _build(field_type, key, cells, used)
    return cls(**values)


def _choose_variant(options: tuple[type, ...], prefix: str, cells: Mapping[str, Cell]) -> type:
    # The single-row form of （六）其他处理 is chosen only when the cells say so; the full form is the
    # default, so that a report missing the row entirely is reported against the official template.
    single_keys = {f"{prefix}.{column}" for column in APPLICANT_COLUMNS}
    if any(key in cells for key in single_keys):
        return ApplicantCounts
    return options[0]


def build_report(
    edition: Edition | str,
    cells: Mapping[str, Cell],
    meta: ReportMeta | None = None,
    narrative: tuple[NarrativeSection, ...] = (),
    source: str | None = None,
) -> tuple[AnnualReport, list[str]]:
    """Assemble a report from cells by canonical key.

    Template cells missing from ``cells`` become :attr:`CellState.ABSENT`. Returns the report and the
    keys of ``cells`` that are not in the edition's template (the caller decides how to report them;
    nothing is dropped in silence).
    """
    edition = Edition(edition)
    used: set[str] = set()
    active = _build(_ACTIVE_TYPES[edition], "active", cells, used)
    applications = _build(_APPLICATION_TYPES[edition], "applications", cells, used)
    reviews = _build(Reviews, "reviews", cells, used)
    report = AnnualReport(
        meta=meta or ReportMeta(),
        active=active,
        applications=applications,
        reviews=reviews,
        narrative=narrative,
        source=source,
    )
    leftover = [key for key in cells if key not in used]
    return report, leftover


def edition_for_year(year: int | None) -> Edition:
    """The edition in force for a report year (2019 and 2020 used the 试行 edition)."""
    return Edition.E2019 if year is not None and year <= 2020 else Edition.E2021
