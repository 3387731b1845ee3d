"""Narrative against tables: the numbers the prose states, checked against the cells.

Reports restate their tables in prose (``全市共受理政府信息公开申请 3119 件，答复 3050 件``). The prose
is parsed once per report into :class:`Statement` objects; each statement has a topic whose words
allow several *readings* of the table (``收到 N 件`` may be the new applications alone, new plus
carried over, or everything handled). A statement is flagged only when its number fits none of its
readings, and the finding lists every reading tried.

The parser is deliberately narrow: a number is taken only when it sits right after (or, for
``N 件顺延到下年度``, right before) the words of a topic, inside one clause, with no words between them
that change what is counted (复议, 较上年, 增加…). A number it cannot place is left alone: a wrong
finding is worse than a missed one.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..findings import CodeInfo, Finding, Severity
from ..model import APPLICANT_COLUMNS, AnnualReport, Edition, template_cells
from ..values import Number
from .shapes import per_shape, tuple_getter

__all__ = [
    "NARRATIVE_CODES",
    "Reading",
    "Statement",
    "narrative_findings",
    "narrative_findings_without",
    "readings",
    "statements",
]

_W = Severity.WARNING


@attrs.frozen
class Statement:
    """One number the prose states about the tables."""

    topic: str
    """What is counted, e.g. ``received``, ``outcome.withheld``, ``review.upheld``."""
    stated: int
    words: str
    """The words that name what is counted, as printed (normalised), e.g. ``受理``."""
    sentence: str
    """The whole sentence, normalised (NFKC, no spaces)."""
    section: str
    """The title of the narrative section."""
    index: int
    """1-based number of the sentence within its section."""
    percent: Decimal | None = None
    """A share stated right after the number (``占 51.85%``)."""

    def place(self) -> str:
        """Where the sentence is: ``「一、总体情况」第 3 句``."""
        return f"「{self.section}」第 {self.index} 句"


@attrs.frozen
class Reading:
    """One way the table can be read for a statement: a value and the cells it comes from."""

    label: str
    """Chinese description, e.g. ``本年新收·总计``."""
    label_en: str
    value: Number
    cells: tuple[str, ...]


def _code(
    name: str, title: str, title_en: str, description: str, example: str, profile: str = "basic"
) -> CodeInfo:
    return CodeInfo(
        f"narrative.{name}", _W, title, title_en, description, profile=profile, example=example
    )


_COMMON = (
    " Flagged only when the number fits none of the readings listed in the finding's details; "
    "the message quotes the sentence and names its section and sentence number."
)

NARRATIVE_CODES = (
    _code(
        "received",
        "正文所述收到申请数与表格不符",
        "prose: applications received",
        "The prose says 收到 / 受理 / 新收 … 申请 N 件 and N is neither 本年新收·总计, nor 本年新收 + "
        "上年结转 (or its equal as the table balances, （七）总计 + 结转下年度), nor （七）总计 "
        "(everything handled)." + _COMMON,
        "「全年共受理政府信息公开申请12件」 while 本年新收 is 10 and 上年结转 0.",
    ),
    _code(
        "carried_in",
        "正文所述上年结转数与表格不符",
        "prose: carried over from last year",
        "The prose says 上年(度)结转 N 件 and N is not 二、上年结转·总计 (never compared with "
        "结转下年度)." + _COMMON,
        "「含上年度结转申请 34 件」 while 上年结转·总计 is 43.",
    ),
    _code(
        "carried_out",
        "正文所述结转下年度数与表格不符",
        "prose: carried over to next year",
        "The prose says 结转下年度 / 结转下一年 / 顺延到下年度 N 件 (either order) and N is not "
        "四、结转下年度继续办理·总计." + _COMMON,
        "「另有 103 件顺延到下年度答复」 while 结转下年度·总计 is 130.",
    ),
    _code(
        "handled",
        "正文所述办结申请数与表格不符",
        "prose: applications handled",
        "The prose says 办结 / 答复 / 办理 … N 件 and N is neither （七）总计, nor 总计 + 结转下年度, "
        "nor 本年新收 (+ 上年结转)." + _COMMON,
        "「答复 3050 件」 while （七）总计 is 3005.",
    ),
    _code(
        "applicants",
        "正文所述申请人数量与表格不符",
        "prose: applicants",
        "The prose says 自然人 N 件 or 法人或其他组织 N 件 and N is that column (or the five "
        "organisation columns added) in neither 本年新收, 本年新收 + 上年结转, nor （七）总计."
        + _COMMON,
        "「其中自然人申请 70 件」 while 本年新收·自然人 is 60.",
    ),
    _code(
        "outcome",
        "正文所述办理结果数与表格不符",
        "prose: outcomes",
        "The prose gives a count for 予以公开, 部分公开, 予以公开及部分公开, 不予公开, 无法提供, "
        "不予处理 or 其他处理 and N fits none of its readings: the row's 总计 (or its columns added "
        "when 总计 is blank), for a group the sum of its sub-rows or any one sub-row, or the "
        "自然人 column alone (which some reports quote)." + _COMMON,
        "「不予公开 35 件」 while the eight rows of （三）不予公开 add up to 53.",
    ),
    _code(
        "review",
        "正文所述行政复议、行政诉讼数与表格不符",
        "prose: reviews and litigation",
        "The prose says 行政复议 N 件 or 行政诉讼 N 件 (= 未经复议直接起诉 + 复议后起诉, or either "
        "alone), or, after one of them in the same sentence, 维持 / 纠正 / 其他结果 / 尚未审结 N 件, "
        "and N is not the matching cell of section 四." + _COMMON,
        "「行政复议 351 件，其中结果维持 72 件」 while 行政复议·结果维持 is 27.",
    ),
    _code(
        "rules",
        "正文所述规章、规范性文件数与表格不符",
        "prose: rules and normative documents",
        "The prose says (制发 / 公开 / 现行有效 …) 规章 N 件 or 规范性文件 N 件 and N is none of that "
        "row's cells in section 二 (部门规范性文件 and counts of reviews or filings are not read)."
        + _COMMON,
        "「新增公开市政府规章 1 件」 while 规章 has 本年制发 3, 废止 0, 现行有效 11.",
    ),
    _code(
        "percentage",
        "正文所述百分比与表格不符",
        "prose: percentage",
        "A share stated after a count (占 33.9%, also in brackets: （占比 33.9%）) matches no "
        "count reading divided by （七）总计, 本年新收 or 本年新收 + 上年结转, within one unit of "
        "its last printed decimal. Strict profile only: publishers round, truncate and choose bases freely.",
        "「不予处理 158 件，占 29.6%」 while 158 / 805 is 19.6%.",
        profile="strict",
    ),
)

# ---------------------------------------------------------------- parsing

_PAGE_NUMBER = re.compile(r"^\s*[-—－]\s*\d+\s*[-—－]\s*$", re.MULTILINE)
_SENTENCE_ENDS = "!?;！？；"
"""What ends a sentence, besides 。."""
_GAP = r"[^,;:、()。\d%]"
"""A character inside one clause that is not a number."""
_NUMBER = r"(?P<n>\d+)件"
# A share right after the count, also in brackets: 予以公开40件（占55.6%）.
_PERCENT = re.compile(r"[,(]?(?:占|比例为|占比)[^,;:、()。\d%]{0,8}?(?P<p>\d+(?:\.\d+)?)%")

# Words between the topic and its number that change what is counted.
_STOP = re.compile(
    r"复议|诉讼|起诉|信访|举报|投诉|留言|咨询|来信|来电|建议|提案|较|同比|增|减|比|去年|结转|顺延|"
    r"自然人|法人|予以公开|部分公开|不予公开|无法提供|处理|维持|纠正|决定|许可|处罚|强制|平台|网站|"
    r"热线|邮件|当面|网上|信函|传真|其中|累计|以来|月|日|人次|次"
)
_FILLER = re.compile(
    r"(?:共|总|合|计|了|到|各类|政府信息公开|信息公开|依申请公开|的|为|有|申请|并|全部)*"
)


def _not_after(word: str, *before: str) -> str:
    """A pattern for ``word`` where none of ``before`` precedes it. The look-behinds follow the
    word (``办理(?<!不予办理)`` rather than ``(?<!不予)办理``): a pattern whose every alternative
    starts with a literal character lets the engine skip in C to the places where one of those
    characters stands, instead of trying the pattern at every character of the sentence."""
    return word + "".join(f"(?<!{b}{word})" for b in before)


def _stop_free(gap: str) -> bool:
    return _STOP.search(gap) is None


def _about_applications(gap: str) -> bool:
    """The words between a verb and its number speak of applications (or of nothing)."""
    return _stop_free(gap) and ("申请" in gap or _FILLER.fullmatch(gap) is not None)


_RECEIVED = re.compile(rf"(?P<w>收到|受理|新收|接收|接到)(?P<gap>{_GAP}{{0,20}}?){_NUMBER}")
_CARRIED_IN = re.compile(
    rf"(?P<w>(?:上一?年度?|去年)(?:度)?(?:结转|转结|遗留))(?P<gap>{_GAP}{{0,12}}?){_NUMBER}"
)
_CARRIED_OUT_AFTER = re.compile(
    rf"(?P<w>(?:结转|顺延|转入|延续|延期)(?:至|到)?(?:下一?年度?|下年|\d{{4}}年度?))"
    rf"(?P<gap>{_GAP}{{0,12}}?){_NUMBER}"
)
_CARRIED_OUT_BEFORE = re.compile(
    rf"{_NUMBER}(?P<gap>{_GAP}{{0,10}}?)"
    rf"(?P<w>(?:结转|顺延|转入|延续|延期)(?:至|到)?(?:下一?年|\d{{4}}年))"
)
_HANDLED = re.compile(
    rf"(?P<w>办结|答复|办理完毕|处理完毕|{_not_after('办理', '不予', '其他', '依申请')}"
    rf"|{_not_after('处理', '不予', '其他')})(?P<gap>{_GAP}{{0,16}}?){_NUMBER}"
)
_APPLICANTS = re.compile(
    rf"(?P<w>自然人|法人或其他组织|法人及其他组织|法人和其他组织|法人或者其他组织|法人或其它组织)"
    rf"(?P<gap>(?:申请人)?(?:提出|提交)?(?:的)?(?:申请)?(?:共|为)?){_NUMBER}"
)
_OUTCOME_WORDS = {
    "予以公开及部分公开": "granted_or_partial",
    "不予公开": "withheld",
    "部分公开": "partially_granted",
    "予以公开": "granted",
    "无法提供": "unavailable",
    "不予处理": "not_processed",
    "其他处理": "other",
}
_OUTCOME = re.compile(
    rf"(?P<w>予以公开(?:及|和|与|、|以及)部分公开|不予公开|{_not_after('部分公开', '[及和与、]')}"
    rf"|{_not_after('予以公开', '不')}|无法提供|不予处理|其他处理)(?P<gap>{_GAP}{{0,8}}?){_NUMBER}"
)
_REVIEW = re.compile(rf"(?P<w>行政复议)(?P<gap>{_GAP}{{0,10}}?){_NUMBER}")
_LITIGATION = re.compile(
    rf"(?P<w>{_not_after('行政诉讼', '复议后')}|{_not_after('诉讼', '复议后')})"
    rf"(?P<gap>{_GAP}{{0,10}}?){_NUMBER}"
)
_REVIEW_OUTCOME = re.compile(
    rf"(?P<w>结果维持|维持|结果纠正|纠正|其他结果|尚未审结|未审结)(?P<gap>{_GAP}{{0,4}}?){_NUMBER}"
)
_REVIEW_OUTCOME_WORDS = {"维持": "upheld", "纠正": "corrected", "其他结果": "other"}
_RULES = re.compile(
    "(?P<w>"
    + "|".join(
        [
            _not_after(w, "部门", "部门行政", "部门规章和")
            for w in ("政府规章", "市政府规章", "省政府规章", "规章")
        ]
        + [_not_after(w, "部门", "部门行政") for w in ("行政规范性文件", "规范性文件")]
    )
    + rf")(?P<gap>(?:共|计|为|有)?){_NUMBER}"
)
_RULES_CONTEXT = re.compile(r"公开|发布|制发|制定|出台|印发|新增|废止|有效|现行|新制作")
_RULES_NOT = re.compile(r"审查|审核|备案|清理|解读|征求|起草|评估|合法性|报送|部门|修订|梳理")


# Words in the clause before a statement that make it about a part (市本级, 网上申请) or about another
# time (较上年, 2023年): such statements are not compared with the whole year's table.
_PART_OR_PAST = re.compile(
    r"本级|市级|县级|区级|乡镇|街道|各部门|下属|所属|直属|各县|县区|区县|各区|网上|网站|网络|当面|"
    r"信函|邮寄|传真|邮件|电话|平台|较|上一?年(?!度?结转)|去年|同比|比上年|前年|累计|以来"
)
_CLAUSE_START = re.compile(r"[,;:、()]")
_YEAR = re.compile(r"(\d{4})年")


# Full-width ASCII (０-９, ，；：（）％) folded to ASCII: what NFKC does to these, at a fraction of
# its cost on long prose.
_FULL_WIDTH = re.compile("[\uff01-\uff5e]+")
_PAGE_NUMBER_HINT = re.compile(r"[-—－]\s*\d+\s*[-—－]")
"""What every page number has; searched for first, as a scan for its first characters runs in C
where ``^`` in multiline mode makes the engine try the whole pattern at every character."""


def _normalise(text: str) -> str:
    if ("-" in text or "—" in text or "－" in text) and _PAGE_NUMBER_HINT.search(text):
        text = _PAGE_NUMBER.sub("", text)
    # Prose prints a handful of distinct full-width characters (，；：（）and digits) many times:
    # one replace per distinct character instead of a Python call per run of them.
    runs = _FULL_WIDTH.findall(text)
    for char in set("".join(runs)):
        text = text.replace(char, chr(ord(char) - 0xFEE0))
    return "".join(text.split())  # str.split() splits on what \s matches (str.isspace)


def _percent_after(sentence: str, end: int) -> Decimal | None:
    match = _PERCENT.match(sentence, end)
    return Decimal(match.group("p")) if match else None


def _whole_and_current(sentence: str, start: int, year: int | None) -> bool:
    """The clause before a statement neither narrows it (市本级, 网上…) nor moves it in time."""
    clause = _CLAUSE_START.split(sentence[:start])[-1]
    if _PART_OR_PAST.search(clause):
        return False
    return year is None or all(int(y) == year for y in _YEAR.findall(clause))


def _sentence_statements(
    sentence: str, section: str, index: int, year: int | None
) -> Iterator[Statement]:
    """Every statement of one sentence; a number is claimed by one topic at most."""
    claimed: set[int] = set()

    def make(topic: str, match: re.Match[str]) -> Statement | None:
        start = match.start("n")
        if start in claimed:
            return None
        claimed.add(start)
        if not _whole_and_current(sentence, match.start(), year):
            return None
        return Statement(
            topic,
            int(match.group("n")),
            match.group("w"),
            sentence,
            section,
            index,
            _percent_after(sentence, match.end()),
        )

    found: list[tuple[int, Statement]] = []

    def add(topic: str, match: re.Match[str]) -> None:
        statement = make(topic, match)
        if statement is not None:
            found.append((match.start("n"), statement))

    # Each pattern runs only when its words are in the sentence (substring tests are cheap).
    has = sentence.__contains__
    for match in _CARRIED_IN.finditer(sentence) if "结转" in sentence or "遗留" in sentence else ():
        if _stop_free(match.group("gap")):
            add("carried_in", match)
    carried_out = any(map(has, ("结转", "顺延", "转入", "延续", "延期")))
    for pattern in (_CARRIED_OUT_AFTER, _CARRIED_OUT_BEFORE) if carried_out else ():
        for match in pattern.finditer(sentence):
            if _stop_free(match.group("gap")):
                add("carried_out", match)
    outcome = any(map(has, ("公开", "提供", "处理")))
    for match in _OUTCOME.finditer(sentence) if outcome else ():
        if _stop_free(match.group("gap")):
            word = match.group("w")
            topic = (
                "granted_or_partial" if "部分公开" in word and "予以公开" in word else None
            ) or _OUTCOME_WORDS[word]
            add(f"outcome.{topic}", match)
    groups = (
        sorted(
            [(m.start(), "review", m) for m in _REVIEW.finditer(sentence)]
            + [(m.start(), "litigation", m) for m in _LITIGATION.finditer(sentence)],
            key=lambda item: item[0],
        )
        if "复议" in sentence or "诉讼" in sentence
        else []
    )
    for _, group, match in groups:
        if _stop_free(match.group("gap")):
            add(group, match)
    if groups:
        for match in _REVIEW_OUTCOME.finditer(sentence):
            before = [g for start, g, _ in groups if start < match.start()]
            if not before:
                continue
            word = match.group("w").removeprefix("结果")
            column = _REVIEW_OUTCOME_WORDS.get(word, "pending")
            add(f"{before[-1]}.{column}", match)
    for match in (
        _APPLICANTS.finditer(sentence) if "自然人" in sentence or "法人" in sentence else ()
    ):
        add("applicants." + ("natural_person" if match.group("w") == "自然人" else "org"), match)
    for match in _RULES.finditer(sentence) if "规章" in sentence or "规范性" in sentence else ():
        context = sentence[max(0, match.start() - 24) : match.start()]
        if _RULES_CONTEXT.search(context) and not _RULES_NOT.search(context + match.group("w")):
            add("rules" if "规章" in match.group("w") else "normative_docs", match)
    received = any(map(has, ("收", "受理", "接")))
    for match in _RECEIVED.finditer(sentence) if received else ():
        if _about_applications(match.group("gap")):
            add("received", match)
    handled = any(map(has, ("办", "答复", "处理")))
    for match in _HANDLED.finditer(sentence) if handled else ():
        word, gap = match.group("w"), match.group("gap")
        if word in ("办理", "处理") and "申请" not in gap:
            continue
        if _about_applications(gap):
            add("handled", match)
    found.sort(key=lambda item: item[0])
    yield from (statement for _, statement in found)


def _counted_sentences(compact: str) -> Iterator[tuple[int, str]]:
    """The sentences of normalised prose (the longest runs of characters that end no sentence)
    that state a count (a digit, then 件), each with its 1-based number among all sentences.

    Found with ``str`` methods: the prose is split at sentence ends and only the sentences holding
    件 are looked at, where a regular expression would step through every character."""
    for end in _SENTENCE_ENDS:
        if end in compact:
            compact = compact.replace(end, "。")
    index = 0
    for sentence in compact.split("。"):
        if not sentence:
            continue
        index += 1
        at = sentence.find("件", 1)
        while at != -1:
            if sentence[at - 1].isdecimal():  # what \d matches (Unicode decimal digits)
                yield index, sentence
                break
            at = sentence.find("件", at + 1)


def statements(report: AnnualReport) -> tuple[Statement, ...]:
    """Every statement the report's prose makes about its tables, in reading order."""
    return _statements_of(report.narrative, report.meta.year)


@functools.lru_cache(maxsize=256)
def _statements_of(narrative: tuple[object, ...], year: int | None) -> tuple[Statement, ...]:
    found: list[Statement] = []
    for section in narrative:
        title, text = section.title, section.text  # type: ignore[attr-defined]
        if "件" not in text:
            continue
        where = None  # the title normalised once, for the first sentence with a count
        for index, sentence in _counted_sentences(_normalise(text)):
            where = _normalise(title) if where is None else where
            found.extend(_sentence_statements(sentence, where, index, year))
    return tuple(found)


# ---------------------------------------------------------------- readings

_ORG_COLUMNS = APPLICANT_COLUMNS[1:-1]
_GROUPS = ("withheld", "unavailable", "not_processed")
_LABELS = {
    "received": ("本年新收", "received"),
    "carried_in": ("上年结转", "carried in"),
    "total": ("（七）总计", "total handled"),
    "carried_out": ("结转下年度", "carried out"),
    "granted": ("予以公开", "granted"),
    "partially_granted": ("部分公开", "partially granted"),
    "withheld": ("不予公开", "withheld"),
    "unavailable": ("无法提供", "unavailable"),
    "not_processed": ("不予处理", "not processed"),
    "other": ("其他处理", "other handling"),
}


@functools.cache
def _shape(
    edition: Edition, single_other_row: bool
) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """Cell index by key, and the rows under every row or group prefix, for one report shape."""
    keys = [spec.key for spec in template_cells(edition, single_other_row=single_other_row)]
    index = {key: i for i, key in enumerate(keys)}
    rows = list(dict.fromkeys(key.rsplit(".", 1)[0] for key in keys))
    groups: dict[str, tuple[str, ...]] = {}
    for row in rows:
        parts = row.split(".")
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            groups[prefix] = (*groups.get(prefix, ()), row)
    return index, groups


@functools.cache
def _cells_under(
    edition: Edition, single_other_row: bool, prefix: str, columns: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Keys and cell indices of some columns of a row or group, for one report shape."""
    index, groups = _shape(edition, single_other_row)
    keys = [f"{row}.{column}" for row in groups.get(prefix, ()) for column in columns]
    keys = [key for key in keys if key in index]
    return tuple(keys), tuple(index[key] for key in keys)


_Row = list[tuple[str, str, Number, tuple[str, ...]]]


@attrs.frozen(eq=False)
class _Plan:
    """What the readings of one report shape need, worked out once per shape."""

    edition: Edition
    single_other_row: bool
    index: dict[str, int]
    groups: dict[str, tuple[str, ...]]
    cells_under: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, ...], tuple[int, ...]]] = (
        attrs.field(factory=dict)
    )
    """:func:`_cells_under` by prefix and columns."""
    literal_getters: dict[str, tuple[Callable[[Sequence[Number | None]], tuple[Any, ...]], ...]] = (
        attrs.field(factory=dict)
    )
    """Per topic: fetch the cells of each of :func:`_literal_sums`, as a tuple, in C."""


def _plan(edition: Edition, single_other_row: bool) -> _Plan:
    return _Plan(edition, single_other_row, *_shape(edition, single_other_row))


_plan_of = per_shape(_plan)


class _Table:
    """The values the readings need, looked up lazily from one report (each sum taken once)."""

    def __init__(self, report: AnnualReport) -> None:
        self.report = report
        self.plan = plan = _plan_of(report)
        self.edition = plan.edition
        self.single_other_row = plan.single_other_row
        self.index, self.groups = plan.index, plan.groups
        self.values = report.value_tuple()
        self.memo: dict[str, list[Reading]] = {}
        self.literal: dict[str, list[Number]] = {}
        self.columns: dict[tuple[str, tuple[str, ...]], tuple[Number | None, tuple[str, ...]]] = {}
        self.rows: dict[str, _Row] = {}

    def value(self, key: str) -> Number | None:
        at = self.index.get(key)
        return None if at is None else self.values[at]

    def rows_under(self, prefix: str) -> tuple[str, ...]:
        """Row prefixes (``applications.withheld.state_secret``) of a row or a group of rows."""
        return self.groups.get(prefix, ())

    def column(
        self, prefix: str, columns: tuple[str, ...]
    ) -> tuple[Number | None, tuple[str, ...]]:
        """A row's (or group's) value over some columns, blanks skipped; ``None`` if all blank."""
        found = self.columns.get((prefix, columns))
        if found is None:
            under = self.plan.cells_under.get((prefix, columns))
            if under is None:
                under = self.plan.cells_under[prefix, columns] = _cells_under(
                    self.edition, self.single_other_row, prefix, columns
                )
            keys, indices = under
            values = self.values
            present = [v for v in map(values.__getitem__, indices) if v is not None]
            found = self.columns[prefix, columns] = (
                (sum(present, 0), keys) if present else (None, keys)
            )
        return found

    def row(self, prefix: str) -> _Row:
        """A row's or group's total: as printed, and its columns added (when that differs)."""
        found = self.rows.get(prefix)
        if found is not None:
            return found
        found = []
        printed, cells = self.column(prefix, ("total",))
        if printed is not None:
            found.append(("总计", "total", printed, cells))
        added, columns = self.column(prefix, APPLICANT_COLUMNS[:-1])
        if added is not None and added != printed:
            found.append(("各列之和", "columns added", added, columns))
        self.rows[prefix] = found
        return found


def _row_readings(table: _Table, row: str, label: str, label_en: str) -> list[Reading]:
    return [
        Reading(f"{label}·{how}", f"{label_en} ({how_en})", value, cells)
        for how, how_en, value, cells in table.row(f"applications.{row}")
    ]


def _combined(parts: Sequence[Sequence[Reading]], label: str, label_en: str) -> list[Reading]:
    """Readings of several rows added: every row as printed, and every row's columns added.

    Each part lists a row's readings, its printed 总计 first; the two sums differ only when some
    printed 总计 disagrees with its columns (or is blank).
    """
    if not all(parts):
        return []
    found: list[Reading] = []
    for pick in (0, -1):
        value: Number = sum((p[pick].value for p in parts), 0)
        if any(r.value == value for r in found):
            continue
        cells = tuple(c for p in parts for c in p[pick].cells)
        how, how_en = ("", "") if pick == 0 else ("（各列之和）", " (columns added)")
        found.append(Reading(label + how, label_en + how_en, value, cells))
    return found


def _outcome_readings(table: _Table, topic: str) -> list[Reading]:
    rows = ("granted", "partially_granted") if topic == "granted_or_partial" else (topic,)
    found: list[Reading] = []
    per_row = [_row_readings(table, row, *_LABELS[row]) for row in rows]
    if topic == "granted_or_partial":
        found += _combined(per_row, "予以公开+部分公开", "granted + partially granted")
    else:
        found += per_row[0]
    if topic == "granted":
        found += _combined(
            [per_row[0], _row_readings(table, "partially_granted", *_LABELS["partially_granted"])],
            "予以公开+部分公开",
            "granted + partially granted",
        )
    if topic in _GROUPS:
        for sub in table.rows_under(f"applications.{topic}"):
            name = sub.rsplit(".", 1)[1]
            found += _row_readings(table, f"{topic}.{name}", f"{_LABELS[topic][0]}·{name}", name)
    # Some reports quote the 自然人 column (most applications) for the whole row.
    naturals = [(row, *table.column(f"applications.{row}", ("natural_person",))) for row in rows]
    for row, value, cells in naturals:
        if value is not None:
            label, label_en = _LABELS[row]
            found.append(Reading(f"{label}·自然人一列", f"{label_en}, 自然人 column", value, cells))
    if len(naturals) > 1 and all(value is not None for _, value, _ in naturals):
        found.append(
            Reading(
                "予以公开+部分公开·自然人一列",
                "granted + partially granted, 自然人 column",
                sum((value for _, value, _ in naturals if value is not None), 0),
                tuple(c for _, _, cells in naturals for c in cells),
            )
        )
    return found


def _group_cells(table: _Table, group: str, column: str) -> list[Reading]:
    labels = {
        "upheld": "结果维持",
        "corrected": "结果纠正",
        "other": "其他结果",
        "pending": "尚未审结",
        "total": "总计",
    }
    if group == "review":
        key = f"reviews.review.{column}"
        value = table.value(key)
        return [] if value is None else [Reading(f"行政复议·{labels[column]}", key, value, (key,))]
    keys = (f"reviews.litigation_direct.{column}", f"reviews.litigation_after_review.{column}")
    values = [table.value(k) for k in keys]
    found: list[Reading] = []
    if any(v is not None for v in values):
        found.append(
            Reading(
                f"行政诉讼（直接起诉+复议后起诉）·{labels[column]}",
                f"litigation (direct + after review), {column}",
                sum((v for v in values if v is not None), 0),
                keys,
            )
        )
    if column == "total":
        for key, value, how in zip(keys, values, ("直接起诉", "复议后起诉"), strict=True):
            if value is not None:
                found.append(Reading(f"行政诉讼·{how}·总计", key, value, (key,)))
    return found


def _rules_readings(table: _Table, row: str) -> list[Reading]:
    columns = (
        ("issued", "repealed", "in_force")
        if table.edition is Edition.E2021
        else ("made", "published", "total_published")
    )
    label = "规章" if row == "rules" else "规范性文件"
    found = []
    for column in columns:
        key = f"active.{row}.{column}"
        value = table.value(key)
        if value is not None:
            found.append(Reading(f"{label}·{column}", key, value, (key,)))
    return found


def readings(report: AnnualReport, topic: str) -> tuple[Reading, ...]:
    """The table values a statement of ``topic`` may mean, the most literal first."""
    return tuple(_readings(_Table(report), topic))


def _readings(table: _Table, topic: str) -> list[Reading]:
    found = table.memo.get(topic)
    if found is None:
        found = table.memo[topic] = _readings_of(table, topic)
    return found


def _readings_of(table: _Table, topic: str) -> list[Reading]:
    def rows(*names: str) -> list[list[Reading]]:
        return [_row_readings(table, name, *_LABELS[name]) for name in names]

    if topic in ("received", "handled"):
        received, carried_in, total, carried_out = rows(
            "received", "carried_in", "total", "carried_out"
        )
        on_hand = _combined([received, carried_in], "本年新收+上年结转", "received + carried in")
        everything = _combined([total, carried_out], "总计+结转下年度", "total + carried out")
        if topic == "received":
            # 总计 + 结转下年度 is what was on hand as the table balances it; the literal sums
            # (_literal_sums) take it too, so both must list it.
            return [*received, *on_hand, *total, *everything]
        return [*total, *everything, *received, *on_hand]
    if topic in ("carried_in", "carried_out"):
        return rows(topic)[0]
    if topic.startswith("applicants."):
        columns = ("natural_person",) if topic.endswith("natural_person") else _ORG_COLUMNS
        label = "自然人" if topic.endswith("natural_person") else "法人或其他组织"
        found: list[Reading] = []
        parts = []
        for row in ("received", "carried_in", "total"):
            value, cells = table.column(f"applications.{row}", columns)
            parts.append((row, value, cells))
        (_, new, r_cells), (_, brought, c_cells), (_, handled, t_cells) = parts
        if new is not None:
            found.append(Reading(f"本年新收·{label}", f"received, {label}", new, r_cells))
            if brought is not None:
                found.append(
                    Reading(
                        f"本年新收+上年结转·{label}",
                        f"received + carried in, {label}",
                        new + brought,
                        r_cells + c_cells,
                    )
                )
        if handled is not None:
            found.append(
                Reading(f"（七）总计·{label}", f"total handled, {label}", handled, t_cells)
            )
        return found
    if topic.startswith("outcome."):
        return _outcome_readings(table, topic.removeprefix("outcome."))
    if topic in ("review", "litigation"):
        return _group_cells(table, topic, "total")
    if topic.startswith(("review.", "litigation.")):
        group, column = topic.split(".")
        return _group_cells(table, group, column)
    if topic in ("rules", "normative_docs"):
        return _rules_readings(table, topic)
    raise ValueError(f"unknown statement topic {topic!r}")


def code_of(topic: str) -> str:
    """The finding code for a statement topic."""
    head = topic.split(".")[0]
    return "narrative." + {
        "litigation": "review",
        "normative_docs": "rules",
    }.get(head, head)


# ---------------------------------------------------------------- checking


def _quote(sentence: str, limit: int = 90) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _tried(found: Sequence[Reading]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    zh = "、".join(f"{r.label} {r.value}" for r in found)
    en = "; ".join(f"{r.label_en} {r.value}" for r in found)
    return (f"试过的读法：{zh}",), (f"readings tried: {en}",)


def _bases(table: _Table) -> list[Number]:
    found = table.literal.get("bases")
    if found is None:
        found = table.literal["bases"] = []
        for topic in ("handled", "received"):
            found += [r.value for r in _readings(table, topic) if r.value]
    return found


def _percent_fits(percent: Decimal, counts: Sequence[Number], bases: Sequence[Number]) -> bool:
    exponent = percent.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    tolerance = Decimal(1).scaleb(-places)
    pairs = [(count, base) for count in dict.fromkeys(counts) for base in dict.fromkeys(bases)]
    try:
        # Most pairs are far off: floats rule them out at a fraction of the cost of dividing
        # Decimals, with a margin wider than any rounding of either, so no fit is lost. The
        # first pair that fits settles it (the stated count comes first and usually does).
        shown = float(percent)
        slack = float(tolerance) + 1e-9 + 1e-12 * (abs(shown) + float(tolerance))
        for count, base in pairs:
            if abs(shown - float(count) * 100 / float(base)) <= slack:
                try:
                    fit = _fits(percent, count, base, tolerance)
                except ArithmeticError as error:  # raised as the Decimal check raises it
                    failure = error
                    break
                if fit:
                    return True
        else:
            return False
    except (OverflowError, ArithmeticError):
        return any(_fits(percent, count, base, tolerance) for count, base in pairs)
    raise failure


def _fits(percent: Decimal, count: Number, base: Number, tolerance: Decimal) -> bool:
    return abs(percent - Decimal(count) * 100 / Decimal(base)) <= tolerance


def narrative_findings(report: AnnualReport) -> Sequence[Finding]:
    """Check every statement of the prose against the tables (nothing when there is no prose)."""
    return narrative_findings_without(report, frozenset())


def narrative_findings_without(report: AnnualReport, off: frozenset[str]) -> Sequence[Finding]:
    """:func:`narrative_findings` less the codes in ``off``; with ``narrative.percentage`` off
    (the basic profile), shares stated after a count are not checked at all."""
    if not report.narrative:
        return ()
    found_statements = statements(report)
    if not found_statements:
        return ()
    return tuple(_check(report, found_statements, _PERCENTAGE not in off))


_PERCENTAGE = "narrative.percentage"


_COLUMNS = {
    "natural_person": ("natural_person",),
    "org": APPLICANT_COLUMNS[1:-1],
}


@functools.cache
def _literal_sums(
    edition: Edition, single_other_row: bool, topic: str
) -> tuple[tuple[int, ...], ...]:
    """Cell indices of the most literal readings of a topic, each to be added up.

    A statement that fits one of these is settled without building the full readings (the
    common case); only a statement that fits none of them is weighed against every reading.
    """
    index, groups = _shape(edition, single_other_row)

    def cells(*prefixes: str, columns: tuple[str, ...] = ("total",)) -> tuple[int, ...]:
        return tuple(
            index[f"{row}.{column}"]
            for prefix in prefixes
            for row in groups.get(prefix, ())
            for column in columns
            if f"{row}.{column}" in index
        )

    a = "applications."
    head, _, tail = topic.partition(".")
    added = APPLICANT_COLUMNS[:-1]
    if topic in ("received", "handled"):
        return (
            cells(a + "received"),
            cells(a + "received", a + "carried_in"),
            cells(a + "total"),
            cells(a + "total", a + "carried_out"),
            # Rows whose 总计 is blank, read across their columns (as _Table.row does).
            cells(a + "received", columns=added),
            cells(a + "total", columns=added),
        )
    if topic in ("carried_in", "carried_out"):
        return (cells(a + topic),)
    if head == "applicants":
        columns = _COLUMNS[tail]
        return (
            cells(a + "received", columns=columns),
            cells(a + "received", a + "carried_in", columns=columns),
            cells(a + "total", columns=columns),
        )
    if head == "outcome":
        # As printed, and with the columns added (for rows whose 总计 is left blank).
        # The 自然人 column of each row alone, which some reports quote (as _outcome_readings).
        rows = ("granted", "partially_granted") if tail == "granted_or_partial" else (tail,)
        naturals = tuple(cells(a + row, columns=("natural_person",)) for row in rows)
        both = (a + "granted", a + "partially_granted")
        if tail == "granted_or_partial":
            # Never 予以公开 alone: the words name both rows (as _outcome_readings).
            return (cells(*both), cells(*both, columns=added), *naturals)
        if tail == "granted":
            return (
                cells(a + "granted"),
                cells(*both),
                cells(a + "granted", columns=added),
                cells(*both, columns=added),
                *naturals,
            )
        # Each sub-row of a group (as printed, and its columns added), as _outcome_readings.
        parts = (
            tuple(f"{a}{tail}.{sub.rsplit('.', 1)[1]}" for sub in groups.get(a + tail, ()))
            if tail in _GROUPS
            else ()
        )
        return (
            cells(a + tail),
            cells(a + tail, columns=added),
            *naturals,
            *(cells(part, columns=columns) for part in parts for columns in (("total",), added)),
        )
    if topic == "review":
        return (cells("reviews.review"),)
    if topic == "litigation":
        direct, after = "reviews.litigation_direct", "reviews.litigation_after_review"
        return (cells(direct, after), cells(direct), cells(after))
    if topic in ("rules", "normative_docs"):
        # Each cell of the row on its own, as _rules_readings reads it.
        columns = (
            ("issued", "repealed", "in_force")
            if edition is Edition.E2021
            else ("made", "published", "total_published")
        )
        keys = [f"active.{topic}.{column}" for column in columns]
        return tuple((index[key],) for key in keys if key in index)
    if head in ("review", "litigation"):
        groups_of = {
            "review": ("reviews.review",),
            "litigation": ("reviews.litigation_direct", "reviews.litigation_after_review"),
        }
        return (cells(*groups_of[head], columns=(tail,)),)
    return ()


def _literal_values(table: _Table, topic: str) -> list[Number]:
    found = table.literal.get(topic)
    if found is None:
        found = table.literal[topic] = list(_literal_sums_of(table, topic))
    return found


def _stated_literally(table: _Table, topic: str, stated: int) -> bool:
    """Whether ``stated`` is one of the topic's literal sums; adds up no more of them than it
    needs to (the first usually settles it)."""
    found = table.literal.get(topic)
    if found is not None:
        return stated in found
    return any(total == stated for total in _literal_sums_of(table, topic))


def _literal_sums_of(table: _Table, topic: str) -> Iterator[Number]:
    """The literal sums of a topic with a value, in order (blank cells left out of each)."""
    getters = table.plan.literal_getters.get(topic)
    if getters is None:
        getters = table.plan.literal_getters[topic] = tuple(
            tuple_getter(indices)
            for indices in _literal_sums(table.edition, table.single_other_row, topic)
        )
    values = table.values
    for getter in getters:
        present = getter(values)
        if not present:
            continue
        try:
            total = sum(present)
        except TypeError:  # blank cells (None) are left out of the sum
            present = tuple(itertools.compress(present, map(operator.is_not, present, _NONES)))
            if not present:
                continue
            total = sum(present)
        yield total


_NONES = itertools.repeat(None)


def _check(
    report: AnnualReport, found_statements: Sequence[Statement], percentages: bool = True
) -> Iterator[Finding]:
    table = _Table(report)
    for statement in found_statements:
        if statement.percent is None or not percentages:
            # Only whether the count is literal matters, not every literal sum.
            if _stated_literally(table, statement.topic, statement.stated):
                continue
        elif statement.stated in (literal := _literal_values(table, statement.topic)):
            bases = [b for b in _literal_values(table, "handled") if b]
            if bases and _percent_fits(statement.percent, [statement.stated, *literal], bases):
                continue
        options = _readings(table, statement.topic)
        if not options:
            continue  # the cells are blank or absent: nothing to compare with
        values = [r.value for r in options]
        if statement.stated not in values:
            yield _mismatch(statement, options)
            continue
        if statement.percent is not None and percentages:
            bases = _bases(table)
            if bases and not _percent_fits(statement.percent, [statement.stated, *values], bases):
                yield _percent_mismatch(statement, options, bases)


def _mismatch(statement: Statement, options: Sequence[Reading]) -> Finding:
    first = options[0]
    details, details_en = _tried(options)
    return Finding(
        code_of(statement.topic),
        _W,
        f"{statement.place()}「{_quote(statement.sentence)}」称{statement.words} "
        f"{statement.stated} 件，与表格不符（{first.label} 为 {first.value}）",
        f"{statement.place()} says {statement.words} {statement.stated} "
        f"({_quote(statement.sentence)}), but the table has {first.label_en} = {first.value}",
        cells=first.cells,
        expected=first.value,
        actual=statement.stated,
        details=details,
        details_en=details_en,
    )


def _percent_mismatch(
    statement: Statement, options: Sequence[Reading], bases: Sequence[Number]
) -> Finding:
    first = options[0]
    shown = "、".join(str(b) for b in dict.fromkeys(bases))
    return Finding(
        "narrative.percentage",
        _W,
        f"{statement.place()}「{_quote(statement.sentence)}」称{statement.words}占 "
        f"{statement.percent}%，与任何读法除以 {shown} 都不符",
        f"{statement.place()} says {statement.words} is {statement.percent}%, which no reading "
        f"divided by {shown} gives",
        cells=first.cells,
        actual=statement.percent,
        details=_tried(options)[0],
        details_en=_tried(options)[1],
    )
