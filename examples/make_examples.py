"""Regenerate the bundled sample reports: ``.venv/bin/python examples/make_examples.py``.

Three years (2021-2023) of one invented agency, each year in a different format, as a corpus
arrives: ``reports/2021.docx``, ``reports/2022.html``, ``reports/2023.txt``. The numbers are drawn
from a seeded generator with the proportions real reports show (most applications from natural
persons, most granted or not held, a few withheld on each ground), in every section; no real report
is copied. Two years carry the mistakes real reports carry, so the first run shows what the tool
finds:

- 2022 was published with one wrong number in section 三 (:data:`PUBLISHED_ERROR`): its row total
  and its column total no longer add up, and validation names the cell with the value it should hold;
- 2023 brought forward more pending applications than 2022 carried over (:data:`BROKEN_CARRY_OVER`):
  each year adds up on its own, and the series check finds the break.

``examples/sample-2023.txt`` (the tutorial's report, consistent) is not generated here.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path

import govinfo_report as gr
from govinfo_report.model import NarrativeSection, ReportMeta, template_cells
from govinfo_report.testing.render import render_text

HERE = Path(__file__).parent
AGENCY = "示例市生态环境局"
YEARS = (2021, 2022, 2023)
SEED = 2021

PUBLISHED_ERROR = ("applications.granted.natural_person", 10)
"""(cell, amount added) in the 2022 report: a typing slip in one cell, its totals left as summed."""

BROKEN_CARRY_OVER = ("natural_person", 2)
"""(column, amount added) to both 上年结转 and 结转下年度 of 2023: 2023 adds up, the series does not."""

COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
)
RECEIVED = {  # applications received in a year, per applicant column: (low, high)
    "natural_person": (140, 220),
    "commercial": (18, 40),
    "research": (0, 3),
    "social_welfare": (0, 2),
    "legal_service": (3, 9),
    "other_org": (0, 4),
}
OUTCOME_WEIGHTS = {  # how a processed application ends, by the last segment of its row key
    "granted": 40,
    "partially_granted": 9,
    "state_secret": 0.3,
    "prohibited_by_law": 1,
    "security_stability": 0.5,
    "third_party_rights": 2,
    "internal_affairs": 1,
    "process_info": 2,
    "enforcement_files": 1,
    "inquiry_matters": 1,
    "not_held": 18,
    "needs_creation": 3,
    "still_unclear": 2,
    "petition": 5,
    "duplicate": 3,
    "publication": 1,
    "excessive": 0.5,
    "confirmation": 1,
    "overdue_correction": 2,
    "overdue_fee": 0.2,
    "misc": 2,
}
EDITION = gr.Edition.E2021


def _outcome_rows() -> list[str]:
    """Row prefixes of section 三's outcome rows (three levels: （三）1. … are sub-rows)."""
    fixed = ("received", "carried_in", "total", "carried_out")
    return [
        spec.key.removesuffix(".natural_person")
        for spec in template_cells(EDITION)
        if spec.key.startswith("applications.")
        and spec.key.endswith(".natural_person")
        and spec.key.split(".")[1] not in fixed
    ]


def _applications(rng: random.Random, carried_in: dict[str, int]) -> dict[str, int]:
    rows = _outcome_rows()
    weights = [OUTCOME_WEIGHTS[row.rsplit(".", 1)[1]] for row in rows]
    values: dict[str, int] = {}
    for column in COLUMNS:
        received = rng.randint(*RECEIVED[column])
        on_hand = received + carried_in[column]
        carried_out = round(on_hand * rng.uniform(0.03, 0.08))
        values[f"applications.received.{column}"] = received
        values[f"applications.carried_in.{column}"] = carried_in[column]
        values[f"applications.carried_out.{column}"] = carried_out
        values[f"applications.total.{column}"] = on_hand - carried_out
        counts = dict.fromkeys(rows, 0)
        for row in rng.choices(rows, weights=weights, k=on_hand - carried_out):
            counts[row] += 1
        for row, count in counts.items():
            values[f"{row}.{column}"] = count
    for row in ("applications.received", "applications.carried_in", *rows):
        values[f"{row}.total"] = sum(values[f"{row}.{c}"] for c in COLUMNS)
    for row in ("applications.total", "applications.carried_out"):
        values[f"{row}.total"] = sum(values[f"{row}.{c}"] for c in COLUMNS)
    return values


def _active(rng: random.Random, in_force: dict[str, int]) -> dict[str, int | Decimal]:
    values: dict[str, int | Decimal] = {}
    for row, (issued_range, repealed_range) in {
        "rules": ((0, 1), (0, 1)),
        "normative_docs": ((6, 14), (1, 5)),
    }.items():
        issued, repealed = rng.randint(*issued_range), rng.randint(*repealed_range)
        repealed = min(repealed, in_force[row] + issued)
        values[f"active.{row}.issued"] = issued
        values[f"active.{row}.repealed"] = repealed
        values[f"active.{row}.in_force"] = in_force[row] + issued - repealed
    values["active.licensing.decisions"] = rng.randint(900, 1600)
    values["active.penalty.decisions"] = rng.randint(120, 320)
    values["active.coercion.decisions"] = rng.randint(4, 30)
    values["active.fees.amount"] = Decimal(rng.randint(0, 900)).scaleb(-2)  # 万元
    return values


def _reviews(rng: random.Random) -> dict[str, int]:
    values: dict[str, int] = {}
    for group, high in (("review", 6), ("litigation_direct", 3), ("litigation_after_review", 2)):
        parts = {
            "upheld": rng.randint(1, high),
            "corrected": rng.randint(0, 1),
            "other": rng.randint(0, 1),
            "pending": rng.randint(0, 2),
        }
        for column, count in parts.items():
            values[f"reviews.{group}.{column}"] = count
        values[f"reviews.{group}.total"] = sum(parts.values())
    return values


def _report(year: int, values: dict[str, int | Decimal]) -> gr.AnnualReport:
    kinds = {spec.key: spec.kind for spec in template_cells(EDITION)}
    cells = {key: gr.parse_cell_text(str(value), kinds[key]) for key, value in values.items()}
    received = values["applications.received.total"]
    narrative = (
        NarrativeSection(
            "一、总体情况",
            f"{year}年，{AGENCY}认真贯彻落实《中华人民共和国政府信息公开条例》，"
            f"全年共收到政府信息公开申请{received}件，均在法定期限内答复。",
        ),
        NarrativeSection(
            "五、存在的主要问题及改进情况",
            "依申请公开答复的规范性有待进一步提高，政策解读的形式还不够丰富。"
            "下一步将加强业务培训，完善依申请公开办理制度，丰富政策解读形式。",
        ),
        NarrativeSection("六、其他需要报告的事项", "本年度未收取信息处理费。"),
    )
    meta = ReportMeta(
        agency=AGENCY,
        year=year,
        title=f"{AGENCY}{year}年政府信息公开工作年度报告",
        date_of_issue=datetime.date(year + 1, 1, 20),
    )
    report, leftover = gr.build_report(EDITION, cells, meta=meta, narrative=narrative)
    assert not leftover, leftover
    return report


def sample_series() -> list[gr.AnnualReport]:
    """Three consistent years: every sum holds, every carry-over and stock follows the year before."""
    rng = random.Random(SEED)
    carried = {c: rng.randint(0, 6) for c in COLUMNS}
    in_force = {"rules": 3, "normative_docs": 41}
    reports = []
    for year in YEARS:
        values = {**_active(rng, in_force), **_applications(rng, carried), **_reviews(rng)}
        carried = {c: int(values[f"applications.carried_out.{c}"]) for c in COLUMNS}
        in_force = {row: int(values[f"active.{row}.in_force"]) for row in in_force}
        reports.append(_report(year, values))
    return reports


def _shifted(report: gr.AnnualReport, changes: dict[str, int]) -> gr.AnnualReport:
    cells = report.cell_map()
    for key, amount in changes.items():
        value = cells[key].value
        assert isinstance(value, int), key
        cells[key] = gr.parse_cell_text(str(value + amount))
    return gr.build_report(report.edition, cells, meta=report.meta, narrative=report.narrative)[0]


def with_published_error(report: gr.AnnualReport) -> gr.AnnualReport:
    key, amount = PUBLISHED_ERROR
    return _shifted(report, {key: amount})


def with_broken_carry_over(report: gr.AnnualReport) -> gr.AnnualReport:
    column, amount = BROKEN_CARRY_OVER
    # Both ends of the year move together, so the year's own arithmetic still holds.
    return _shifted(
        report,
        {
            f"applications.carried_in.{column}": amount,
            "applications.carried_in.total": amount,
            f"applications.carried_out.{column}": amount,
            "applications.carried_out.total": amount,
        },
    )


def main(folder: Path = HERE / "reports") -> None:
    first, second, third = sample_series()
    folder.mkdir(exist_ok=True)
    (folder / "2021.docx").write_bytes(gr.write(first, "docx"))
    (folder / "2022.html").write_bytes(gr.write(with_published_error(second), "html"))
    (folder / "2023.txt").write_text(
        render_text(with_broken_carry_over(third), "cell_per_line"), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
