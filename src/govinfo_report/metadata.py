"""A report's metadata from its document: title, year, agency, document number, index number,
publisher and date of issue.

It reads the document's paragraphs (any format) and, for web pages, the page around them
(:attr:`Document.page`: the ``<title>``, breadcrumbs, navigation) by their roles. The report's own
words come first: the title printed in the document (also when wrapped over two lines), then the
fields a portal prints (``发布机构：``), then the page: the ``<title>``
(``2023年政府信息公开工作年度报告_年度报告_某某局``), the breadcrumb and the navigation bar.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence

from .document import BREADCRUMB, PAGE_CHROME, PAGE_TITLE, Document, Paragraph
from .model import ReportMeta

__all__ = ["report_metadata"]

_SPACE = re.compile(r"\s+")
_TITLE_SEARCH = 40  # saved pages put navigation before the title
_FRAGMENT_MAX = 30  # a title wrapped over two lines: the shorter part
_YEAR = re.compile(r"(20\d{2})\s*年")
_YEAR_ONLY = re.compile(r"^20\d{2}年度?$")
_TITLE_END = re.compile(r"(年度)?(工作)?(年度)?报告$")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d+\s*号$")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_FIELD = re.compile(
    r"(索\s*引\s*号|发\s*布\s*机\s*构|备注/文号|文\s*号|发\s*布\s*日\s*期|成\s*文\s*日\s*期)"
    r"\s*[:：]\s*([^\s:：]+)"
)
_PLACE_SUFFIX = re.compile(r"(镇|乡|县|区|市|旗|州|盟|省|自治区)$")
# The name of an office: Chinese characters (brackets allowed) ending as offices' names end.
_AGENCY_NAME = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,30}?"
    r"(人民政府|政府|办公厅|办公室|委员会|管委会|办事处|街道|局|厅|委|办|署|院|中心|镇|乡|县|区|市|旗|州|盟|省)$"
)
# What a site's name adds to its owner's: ``某某县人民政府门户网站``.
_SITE_SUFFIX = re.compile(r"(门户网站|政府网站|政务网站|网站|官网|门户网|政府网|政务网|门户)$")
_PAGE_TITLE_SEPARATORS = re.compile(r"[\s_|｜\-—–]+")
_BREADCRUMB_SEPARATORS = re.compile(r"\s*[>»›→＞/]+\s*|\s{2,}")
_FOOTER_WORDS = re.compile(
    r"版权|主办|承办|协办|备案|标识码|技术支持|联系|地址|电话|邮编|Copyright", re.I
)
_BREADCRUMB_LEAD = re.compile(r"^[^:：]{0,12}[:：]\s*")
# Characters that are never part of an agency's name (markup debris, quotes, numbering).
_NOT_NAME = re.compile(r"^.*[^\u4e00-\u9fff（）()]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


def _compact(text: str) -> str:
    """Comparison form: NFKC (full-width brackets and digits to ASCII), no spaces, one kind of
    quotes (the interpreter's normalised label)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).translate(_QUOTES)


def report_metadata(document: Document) -> ReportMeta:
    """The metadata of the report in ``document``; ``None`` for what it does not say."""
    texts = [p.text for p in document.paragraphs()]
    page_titles = _with_role(document.page, PAGE_TITLE)
    title = _printed_title(texts)
    from_page = title is None
    if from_page:
        title = next((t for t in map(_title_in_page_title, page_titles) if t), None)
    year = agency = None
    if title is not None:
        year, agency = _year_and_agency(title)
    if year is None:
        years = [int(y) for text in texts[:5] for y in _YEAR.findall(text)]
        year = max(set(years), key=years.count) if years else None
    fields: dict[str, str] = {}
    document_number = None
    date_of_issue = None
    for text in texts:
        compact = text.strip()
        for name, value in _FIELD.findall(compact):
            if value.strip():
                fields.setdefault(_compact(name), value.strip())
        if document_number is None and _DOC_NUMBER.match(compact):
            document_number = _SPACE.sub("", compact)
        date = _DATE.match(compact)
        if date:
            with contextlib.suppress(ValueError):
                date_of_issue = datetime.date(*(int(g) for g in date.groups()))
    if date_of_issue is None:
        date_of_issue = _field_date(fields.get("成文日期") or fields.get("发布日期"))
    if agency is None:
        agency = _agency_from_page(document.page, fields.get("发布机构"))
    return ReportMeta(
        agency=agency,
        year=year,
        title=title,
        document_number=document_number or fields.get("备注/文号") or fields.get("文号"),
        index_number=fields.get("索引号"),
        publisher=fields.get("发布机构"),
        date_of_issue=date_of_issue,
    )


def _with_role(paragraphs: Iterable[Paragraph], role: str) -> list[str]:
    return [p.text for p in paragraphs if p.role == role]


def _is_title(compact: str) -> bool:
    return "政府信息公开" in compact and _TITLE_END.search(compact) is not None


def _fragment(compact: str) -> bool:
    """Whether a short paragraph can be one line of a title wrapped over two (no fields, dates or
    sentences)."""
    if not compact or len(compact) > _FRAGMENT_MAX:
        return False
    without_year = _YEAR.sub("", compact)
    return re.fullmatch(r"[\u4e00-\u9fff（）()《》]*", without_year) is not None


def _printed_title(texts: Sequence[str]) -> str | None:
    """The title as the document prints it: one paragraph, or two when it is wrapped
    (``某某局`` / ``2023年政府信息公开工作年度报告``, or cut inside a phrase)."""
    compacts = [_compact(text) for text in texts[:_TITLE_SEARCH]]
    for i, compact in enumerate(compacts):
        if _is_title(compact):
            return compact
        if i + 1 >= len(compacts) or not _fragment(compact):
            continue
        following = compacts[i + 1]
        joined = compact + following
        if not _is_title(joined):
            continue
        if not _is_title(following):
            return joined  # cut inside a phrase: neither line is a title on its own
        if _YEAR_ONLY.match(compact) and not _YEAR.search(following):
            return joined  # "2023年" / "某某局政府信息公开工作年度报告"
        if _AGENCY_NAME.match(compact) and _YEAR.match(following):
            return joined  # "某某局" / "2023年政府信息公开工作年度报告"
    return None


def _title_in_page_title(text: str) -> str | None:
    """The report's title inside a page's ``<title>`` (``…年度报告_年度报告_某某局``)."""
    for part in _PAGE_TITLE_SEPARATORS.split(text):
        compact = _compact(part)
        if _is_title(compact):
            return compact
    return None


def _year_and_agency(title: str) -> tuple[int | None, str | None]:
    match = _YEAR.search(title)
    if match is None:
        return None, None
    before = title[: match.start()]
    if not before.strip():
        # "2019年上海市人民政府办公厅政府信息公开工作年度报告": the agency follows the year.
        after = title[match.end() :]
        before = after[: after.find("政府信息公开")] if "政府信息公开" in after else ""
        before = before.removeprefix("度")
    return int(match.group(1)), _agency(before)


def _field_date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    match = re.match(r"(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})", text)
    if match is None:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _agency(prefix: str) -> str | None:
    name = _NOT_NAME.sub("", prefix.strip("《》\"' "))  # debris before the name: "]>html…"
    if not name:
        return None
    if name.endswith("街道"):
        return name + "办事处"
    if _PLACE_SUFFIX.search(name):
        return name + "人民政府"  # a place name in the title stands for its government
    return name


def _agency_names(parts: Iterable[str]) -> list[str]:
    names = []
    for part in parts:
        compact = _SITE_SUFFIX.sub("", _compact(part))
        if _AGENCY_NAME.match(compact):
            names.append(compact)
    return names


def _agency_from_page(page: Sequence[Paragraph], publisher: str | None) -> str | None:
    """The agency when the title does not name it: the publisher the page states, else the site's
    owner in the page's ``<title>``, the breadcrumb (its last office), or the navigation bar."""
    if publisher and _AGENCY_NAME.match(_compact(publisher)):
        return _agency(_compact(publisher))
    for text in _with_role(page, PAGE_TITLE):
        parts = _PAGE_TITLE_SEPARATORS.split(text)
        names = _agency_names(p for p in parts if not _is_title(_compact(p)))
        if names:
            return _agency(names[-1])
    for text in _with_role(page, BREADCRUMB):
        names = _agency_names(_BREADCRUMB_SEPARATORS.split(_BREADCRUMB_LEAD.sub("", text)))
        if names:
            return _agency(names[-1])
    # A navigation bar or banner: only when it names one office (not links to many); a footer
    # names the portal's owner, who may host the pages of many offices.
    offices = {
        name
        for text in _with_role(page, PAGE_CHROME)
        if not _FOOTER_WORDS.search(text)
        for name in _agency_names(_PAGE_TITLE_SEPARATORS.split(text))
    }
    return _agency(offices.pop()) if len(offices) == 1 else None
