"""Which template rows a printed label names, from the template definition itself.

Every piece of label knowledge the reader uses is in the template the writers print
(:func:`govinfo_report.model.template_rows`): each row's label, the whole variants real reports print,
and short stems that survive a label cut short. This module compares a printed text with them; it
never decides where a row goes when a text names several (the ordered alignment does).

A text names a row in one of two ways, of different strength:

* **by its label** (:data:`NAMED`): the text holds a stem of the row (``国家秘``, not right after
  不), or equals the row's label or a variant once numbering style, spaces, brackets and quotes are
  normalised (``（七）总计``, ``七、总计``, ``3.其他``);
* **by similarity** (:data:`SIMILAR`): the text shares most of the character pairs of the row's
  label (characters lost in print: ``2.其他法律行政止公开``) and shows the row's own numbering. Every
  row about as similar as the best one is a candidate.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

import attrs

from .model import Edition, template_rows
from .values import cache_short_texts

__all__ = [
    "NAMED",
    "SIMILAR",
    "LabelMatch",
    "label_number",
    "match_label",
    "normalise_label",
]

NAMED = 2
"""A text that holds the row's stem or its whole label."""
SIMILAR = 1
"""A text that shares most of the row's label and its numbering."""

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_SPACE = re.compile(r"\s+")


@cache_short_texts(maxsize=8192)
def normalise_label(text: str) -> str:
    """Comparison form of a label: NFKC (full-width brackets and digits to ASCII), no spaces,
    one kind of quotes."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).translate(_QUOTES)


_VALUE_LIKE = re.compile(r"^[\s\d０-９,.+\-/—－]*$")
_PUNCTUATION = re.compile(r"[\s\W_]+")
_LABEL_NUMBER = re.compile(
    r"^(?:([一二三四五六七八九十]+)、|\(([一二三四五六七八九十]+)\)|(\d+)[.、]|\((\d+)\))"
)
_CHINESE_DIGITS = "一二三四五六七八九十"
_NEGATION = "不"  # 不予以公开 is not 予以公开
_SIMILAR_MIN = 0.6  # share of a template label's character pairs the text must contain
_SIMILAR_MARGIN = 0.2  # rows less similar than the best by this much are not candidates
_SIMILAR_BODY_MIN = 6  # shorter labels (规章, 3.其他) are all signal: matched exactly or not at all


@attrs.frozen
class LabelMatch:
    """The rows a text names (keys within the section: ``withheld.state_secret``), and how."""

    rows: tuple[str, ...]
    strength: int

    @property
    def row(self) -> str | None:
        """The one row named, when the text names exactly one."""
        return self.rows[0] if len(self.rows) == 1 else None


def label_number(label: str) -> tuple[int | None, str]:
    """A normalised label's numbering within its group (``2.`` → 2, ``(三)`` → 3, ``七、`` → 7)
    and the text after it."""
    match = _LABEL_NUMBER.match(label)
    if match is None:
        return None, label
    chinese = match.group(1) or match.group(2)
    number = _CHINESE_DIGITS.index(chinese) + 1 if chinese and len(chinese) == 1 else None
    digits = match.group(3) or match.group(4)
    if digits:
        number = int(digits)
    return number, label[match.end() :]


def _pairs(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


@attrs.frozen
class _RowLabels:
    key: str
    whole: frozenset[tuple[int | None, str]]
    """(numbering, text) of the label and each variant."""
    stems: tuple[str, ...]
    similar: tuple[tuple[int | None, frozenset[str]], ...]
    """(numbering, character pairs) of the label and each variant long enough to compare."""


@functools.cache
def _section_rows(section: str) -> tuple[_RowLabels, ...]:
    """Every row of a section in both editions (and both forms of （六）其他处理), with what its
    label looks like printed."""
    gathered: dict[str, tuple[set[str], set[str]]] = {}
    for edition in Edition:
        for single in (False, True):
            for row in template_rows(edition, single_other_row=single):
                if not row.key.startswith(section + "."):
                    continue
                labels, stems = gathered.setdefault(row.key.split(".", 1)[1], (set(), set()))
                labels.update((row.label, *row.variants))
                stems.update(row.stems)
    result = []
    for key, (labels, stems) in gathered.items():
        whole = frozenset(label_number(normalise_label(label)) for label in labels)
        similar = []
        for number, body in sorted(whole, key=str):
            pairs = _pairs(_PUNCTUATION.sub("", body))
            if len(pairs) + 1 >= _SIMILAR_BODY_MIN:
                similar.append((number, pairs))
        result.append(_RowLabels(key, whole, tuple(sorted(stems)), tuple(similar)))
    return tuple(result)


def _has_stem(label: str, stem: str) -> bool:
    start = label.find(stem)
    while start >= 0:
        if start == 0 or label[start - 1] != _NEGATION:
            return True
        start = label.find(stem, start + 1)
    return False


def _named(label: str, section: str, *, whole_only: bool) -> tuple[str, ...]:
    numbered = label_number(label)
    unnumbered = (None, numbered[1])
    return tuple(
        row.key
        for row in _section_rows(section)
        if numbered in row.whole
        or (whole_only and unnumbered in row.whole)
        or (not whole_only and any(_has_stem(label, stem) for stem in row.stems))
    )


def similar_rows(label: str, section: str) -> tuple[str, ...]:
    """The rows whose label a damaged normalised label is most like (characters lost in print,
    pieces of a merged cell around it), each showing its own numbering: every row within the
    margin of the best, best first."""
    number, body = label_number(label)
    pairs = _pairs(_PUNCTUATION.sub("", body))
    if not pairs:
        return ()
    best: dict[str, float] = {}
    for row in _section_rows(section):
        for row_number, row_pairs in row.similar:
            # The numbering is the one part print never damages: a numbered label must show its
            # own number (a wrapped label's continuation line, which has none, names no row).
            if row_number is not None and number != row_number:
                continue
            score = len(row_pairs & pairs) / len(row_pairs)
            best[row.key] = max(score, best.get(row.key, 0.0))
    ranked = sorted(((score, key) for key, score in best.items()), reverse=True)
    if not ranked or ranked[0][0] < _SIMILAR_MIN:
        return ()
    top = ranked[0][0]
    return tuple(
        key for score, key in ranked if score >= _SIMILAR_MIN and top - score < _SIMILAR_MARGIN
    )


def _pieces(text: str) -> Iterable[str]:
    # A group label's tail may stand before the row's own label (（三）不 / 予公开 1.属于…).
    return (normalise_label(piece) for piece in text.split()[::-1])


@cache_short_texts(maxsize=8192)
def match_label(text: str, section: str, whole_only: bool = False) -> LabelMatch | None:
    """The rows of ``section`` (``active``, ``applications``) a printed label names, or ``None``.

    ``whole_only``: compare whole labels only, no stems and no pieces of the text (section 二's
    labels are short words that occur inside other text).
    """
    if not text.strip() or _VALUE_LIKE.match(text):
        return None
    label = normalise_label(text)
    named = _named(label, section, whole_only=whole_only)
    if named:
        return LabelMatch(named, NAMED)
    for piece in () if whole_only else _pieces(text):
        # A group's label printed before its sub-row's (（六）其他处理 3.其他): the numbered piece
        # that is a whole label on its own names the row.
        numbered = label_number(piece)
        whole = tuple(row.key for row in _section_rows(section) if numbered in row.whole)
        if numbered[0] is not None and len(whole) == 1:
            return LabelMatch(whole, NAMED)
        similar = similar_rows(piece, section)
        if similar:
            return LabelMatch(similar, SIMILAR)
    similar = similar_rows(label, section)
    return LabelMatch(similar, SIMILAR) if similar else None
