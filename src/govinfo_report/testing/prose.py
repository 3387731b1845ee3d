"""Prose written from a report's own tables, in the phrasings real reports use.

Each phrasing is a sentence template whose numbers come from the cells, so a consistent report with
its prose raises no ``narrative.*`` finding; changing one number (:meth:`Prose.with_number`) gives a
report whose prose disagrees in exactly one place.

    from govinfo_report.testing.prose import PHRASINGS, prose_for

    prose = prose_for(report, PHRASINGS)
    report_with_text = prose.attach(report)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

import attrs

from ..model import APPLICANT_COLUMNS, AnnualReport, Edition, NarrativeSection

__all__ = ["PHRASINGS", "Number", "Prose", "Sentence", "prose_for"]


@attrs.frozen
class Number:
    """A number in a generated sentence: its value and the statement topic it belongs to."""

    value: int | Decimal
    topic: str | None
    """``None`` for a percentage (not a count)."""


@attrs.frozen
class Sentence:
    """A template with ``{}`` placeholders and the numbers that fill them."""

    template: str
    numbers: tuple[Number, ...]

    def text(self) -> str:
        return self.template.format(*(n.value for n in self.numbers))


@attrs.frozen
class Prose:
    """Generated sentences; :meth:`attach` puts them into a report as section 一."""

    sentences: tuple[Sentence, ...]

    def text(self) -> str:
        return "".join(s.text() for s in self.sentences)

    def attach(self, report: AnnualReport, title: str = "一、总体情况") -> AnnualReport:
        return attrs.evolve(report, narrative=(NarrativeSection(title, self.text()),))

    def counts(self) -> list[tuple[int, int, Number]]:
        """``(sentence, position, number)`` of every count (percentages left out)."""
        return [
            (i, j, number)
            for i, sentence in enumerate(self.sentences)
            for j, number in enumerate(sentence.numbers)
            if number.topic is not None
        ]

    def with_number(self, sentence: int, position: int, value: int) -> Prose:
        """The same prose with one number replaced."""
        target = self.sentences[sentence]
        numbers = list(target.numbers)
        numbers[position] = attrs.evolve(numbers[position], value=value)
        changed = attrs.evolve(target, numbers=tuple(numbers))
        return Prose((*self.sentences[:sentence], changed, *self.sentences[sentence + 1 :]))


def _value(report: AnnualReport, key: str) -> int:
    value = report.cell(key).value
    return int(value or 0)


def _row(report: AnnualReport, prefix: str, columns: Sequence[str] = ("total",)) -> int:
    keys = [k for k in report.cell_map() if k.startswith(prefix + ".")]
    return sum(_value(report, k) for k in keys if k.rsplit(".", 1)[1] in columns)


_ORG = APPLICANT_COLUMNS[1:-1]


def _received_new(r: AnnualReport) -> Sentence:
    return Sentence(
        "本年度共收到政府信息公开申请{}件，其中自然人申请{}件，法人或其他组织申请{}件。",
        (
            Number(_row(r, "applications.received"), "received"),
            Number(
                _row(r, "applications.received", ("natural_person",)), "applicants.natural_person"
            ),
            Number(_row(r, "applications.received", _ORG), "applicants.org"),
        ),
    )


def _received_on_hand(r: AnnualReport) -> Sentence:
    carried_in = _row(r, "applications.carried_in")
    return Sentence(
        "全年共受理政府信息公开申请{}件（含上年结转{}件）。",
        (
            Number(_row(r, "applications.received") + carried_in, "received"),
            Number(carried_in, "carried_in"),
        ),
    )


def _handled(r: AnnualReport) -> Sentence:
    return Sentence(
        "全年办结{}件，结转下年度继续办理{}件。",
        (
            Number(_row(r, "applications.total"), "handled"),
            Number(_row(r, "applications.carried_out"), "carried_out"),
        ),
    )


def _replied(r: AnnualReport) -> Sentence:
    return Sentence(
        "答复政府信息公开申请{}件，另有{}件顺延到下年度答复。",
        (
            Number(_row(r, "applications.total"), "handled"),
            Number(_row(r, "applications.carried_out"), "carried_out"),
        ),
    )


def _new_and_carried(r: AnnualReport) -> Sentence:
    return Sentence(
        "本年新收申请{}件，上年度结转{}件，结转下一年{}件。",
        (
            Number(_row(r, "applications.received"), "received"),
            Number(_row(r, "applications.carried_in"), "carried_in"),
            Number(_row(r, "applications.carried_out"), "carried_out"),
        ),
    )


def _outcome_total(r: AnnualReport, row: str) -> int:
    if row == "other" and not r.single_other_row:
        return sum(
            _row(r, f"applications.other.{sub}")
            for sub in ("overdue_correction", "overdue_fee", "misc")
        )
    if row in ("withheld", "unavailable", "not_processed"):
        return _row(r, f"applications.{row}")
    return _value(r, f"applications.{row}.total")


def _outcomes(r: AnnualReport) -> Sentence:
    rows = ("granted", "partially_granted", "withheld", "unavailable", "not_processed", "other")
    return Sentence(
        "予以公开{}件，部分公开{}件，不予公开{}件，无法提供{}件，不予处理{}件，其他处理{}件。",
        tuple(
            Number(_outcome_total(r, row), f"outcome.{row}" if row != "other" else "outcome.other")
            for row in rows
        ),
    )


def _outcome_share(r: AnnualReport) -> Sentence:
    count = _outcome_total(r, "granted") + _outcome_total(r, "partially_granted")
    total = _row(r, "applications.total")
    numbers = [Number(count, "outcome.granted_or_partial")]
    if total:
        share = (Decimal(count) * 100 / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        numbers.append(Number(share, None))
        return Sentence("予以公开及部分公开{}件，占{}%。", tuple(numbers))
    return Sentence("予以公开及部分公开{}件。", tuple(numbers))


def _reviews(r: AnnualReport) -> Sentence:
    columns = ("upheld", "corrected", "other", "pending")
    litigation = _value(r, "reviews.litigation_direct.total") + _value(
        r, "reviews.litigation_after_review.total"
    )
    return Sentence(
        "政府信息公开行政复议{}件，其中结果维持{}件，结果纠正{}件，其他结果{}件，尚未审结{}件；"
        "行政诉讼{}件。",
        (
            Number(_value(r, "reviews.review.total"), "review"),
            *(Number(_value(r, f"reviews.review.{c}"), f"review.{c}") for c in columns),
            Number(litigation, "litigation"),
        ),
    )


def _rules(r: AnnualReport) -> Sentence:
    column = "issued" if r.edition is Edition.E2021 else "published"
    verb = "本年制发" if r.edition is Edition.E2021 else "本年新公开"
    return Sentence(
        verb + "规章{}件，行政规范性文件{}件。",
        (
            Number(_value(r, f"active.rules.{column}"), "rules"),
            Number(_value(r, f"active.normative_docs.{column}"), "normative_docs"),
        ),
    )


PHRASINGS: dict[str, Callable[[AnnualReport], Sentence]] = {
    "received_new": _received_new,
    "received_on_hand": _received_on_hand,
    "handled": _handled,
    "replied": _replied,
    "new_and_carried": _new_and_carried,
    "outcomes": _outcomes,
    "outcome_share": _outcome_share,
    "reviews": _reviews,
    "rules": _rules,
}
"""Every documented phrasing, by name."""


def prose_for(
    report: AnnualReport, phrasings: Sequence[str] | dict[str, Callable[[AnnualReport], Sentence]]
) -> Prose:
    """Prose stating the report's own numbers in the given phrasings (names or the mapping)."""
    names = list(phrasings)
    return Prose(tuple(PHRASINGS[name](report) for name in names))
