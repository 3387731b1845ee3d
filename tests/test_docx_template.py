"""The docx writer's page against the template circulated to offices.

Both documents are rendered by LibreOffice to PDF and compared where the eye compares them: the
page size, the cell boxes of every table (column edges and row heights within a tolerance), the
words inside the tables (so the header labels wrap where the template wraps them: 商业/企业 two
characters a line, not one) and the fonts they are set in.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

import govinfo_report as gr
from govinfo_report.formats.docx import document_xml
from govinfo_report.testing.reports import uniform_report

EDGE_TOLERANCE = 1.0  # points: the same grid, rounded differently
ROW_TOLERANCE = 8.0  # points: half a line (the template forces a few rows taller by hand)


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI: .ci/run installs it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


@pytest.fixture(scope="module")
def rendered(corpus: Path) -> dict[str, Path]:
    """The template and the writer's blank 2021 and 2019 reports as PDFs (one LibreOffice run)."""
    soffice = _soffice()
    folder = Path(tempfile.mkdtemp(prefix="docx-template-"))
    inputs = {
        "template": corpus / "real" / "blank-template-2021.docx",
        "ours-2021": folder / "ours-2021.docx",
        "ours-2019": folder / "ours-2019.docx",
    }
    for edition in ("2021", "2019"):
        report = uniform_report(edition, "", agency="示例县人民政府", year=int(edition))
        inputs[f"ours-{edition}"].write_bytes(gr.write(report, "docx"))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, inputs.values()),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {name: folder / f"{path.stem}.pdf" for name, path in inputs.items()}


class Page:
    """What a rendered PDF shows of the tables."""

    def __init__(self, pdf: Path) -> None:
        import pdfplumber

        self.sizes: set[tuple[int, int]] = set()
        self.edges: set[float] = set()
        self.rows: list[float] = []
        self.words: Counter[str] = Counter()
        self.fonts: set[str] = set()
        self.starts: dict[str, list[float]] = {}
        """Where each word inside a table starts across the page: the alignment of its cell."""
        with pdfplumber.open(pdf) as document:
            for page in document.pages:
                self.sizes.add((round(page.width), round(page.height)))
                for table in page.find_tables():
                    cells = table.cells
                    self.edges |= {round(c[0], 1) for c in cells} | {round(c[2], 1) for c in cells}
                    ys = sorted({c[1] for c in cells} | {c[3] for c in cells})
                    self.rows += [b - a for a, b in pairwise(ys)]
                    inside = page.within_bbox(table.bbox)
                    for word in inside.extract_words():
                        self.words[word["text"]] += 1
                        self.starts.setdefault(word["text"], []).append(word["x0"])
                    self.fonts |= {ch["fontname"].split("+")[-1] for ch in inside.chars}


def _unmatched(ours: set[float], theirs: set[float]) -> list[float]:
    return sorted(e for e in ours if not any(abs(e - t) <= EDGE_TOLERANCE for t in theirs))


def test_the_2021_page_matches_the_template(rendered: dict[str, Path]) -> None:
    template, ours = Page(rendered["template"]), Page(rendered["ours-2021"])
    assert ours.sizes == template.sizes == {(595, 842)}  # A4 in points
    assert _unmatched(ours.edges, template.edges) == []
    assert _unmatched(template.edges, ours.edges) == []
    assert len(ours.rows) == len(template.rows)
    for mine, theirs in zip(sorted(ours.rows), sorted(template.rows), strict=True):
        assert abs(mine - theirs) <= ROW_TOLERANCE, (sorted(ours.rows), sorted(template.rows))
    # Every label wraps where the template's does, in the same fonts.
    assert ours.words == template.words
    assert ours.fonts == template.fonts
    for fragment in ("商业", "企业", "科研", "机构", "结果", "维持"):
        assert ours.words[fragment] > 0
    # Every word starts where the template's does: the same column, aligned the same way. The one
    # exception: the template left-aligns 行政事业性收费 alone of section 二's six row labels; the
    # writer centres all six alike.
    misplaced = {
        word: (sorted(ours.starts[word]), sorted(starts))
        for word, starts in template.starts.items()
        if word != "行政事业性收费"
        and any(
            abs(a - b) > EDGE_TOLERANCE * 2
            for a, b in zip(sorted(ours.starts[word]), sorted(starts), strict=True)
        )
    }
    assert misplaced == {}


def test_the_2019_edition_uses_the_same_page_and_grid(rendered: dict[str, Path]) -> None:
    template, ours = Page(rendered["template"]), Page(rendered["ours-2019"])
    assert ours.sizes == {(595, 842)}
    assert _unmatched(ours.edges, template.edges) == []
    assert ours.fonts <= template.fonts
    for fragment in ("商业", "企业", "社会", "公益", "组织", "未经复议直接起诉"):
        assert ours.words[fragment] > 0
    # The labels both editions print (section 三's rows, section 四's headers) sit where the
    # 2021 template puts them.
    shared = [w for w, n in template.words.items() if ours.words[w] == n and w != "行政事业性收费"]
    assert len(shared) > 40
    misplaced = {
        word: (sorted(ours.starts[word]), sorted(template.starts[word]))
        for word in shared
        if any(
            abs(a - b) > EDGE_TOLERANCE * 2
            for a, b in zip(sorted(ours.starts[word]), sorted(template.starts[word]), strict=True)
        )
    }
    assert misplaced == {}


def _xml(report: gr.AnnualReport) -> str:
    return document_xml(gr.write(report, "docx"), "r.docx").decode("utf-8")


@pytest.mark.parametrize("edition", ["2021", "2019"])
def test_page_fonts_and_shading_are_written(edition: str) -> None:
    """Without LibreOffice: the properties the rendering depends on are in the file."""
    xml = _xml(uniform_report(edition, "3"))
    assert '<w:pgSz w:w="11906" w:h="16838"/>' in xml  # A4, not US Letter
    assert 'w:eastAsia="宋体"' in xml
    assert 'w:eastAsia="楷体"' in xml  # the 勾稽 note
    assert xml.count('w:fill="C6D9F1"') == (4 if edition == "2021" else 5)  # 第二十条 captions
    for widths in ('<w:gridCol w:w="754"/><w:gridCol w:w="921"/><w:gridCol w:w="3271"/>',):
        assert widths in xml


def test_written_reports_still_read_back_exactly() -> None:
    for edition in ("2021", "2019"):
        report = uniform_report(
            edition, "7", agency="示例", year=2020 if edition == "2019" else 2022
        )
        back = gr.read(gr.write(report, "docx"), name="r.docx").report
        assert gr.to_cells(back) == gr.to_cells(report)


def test_a_long_title_is_set_smaller_to_stay_on_one_line() -> None:
    short = uniform_report("2021", "0", agency="示例县", year=2021)
    long = uniform_report("2021", "0", agency="某某省某某市某某区人民政府办公室", year=2021)
    assert '<w:sz w:val="36"/>' in _xml(short)  # the template's 18 pt
    sizes = {int(s) for s in re.findall(r'<w:sz w:val="(\d+)"/>', _xml(long))}
    assert max(sizes) < 36 and max(sizes) >= 24


@pytest.mark.parametrize(
    ("to", "name"), [("docx", "r.docx"), ("html", "r.html"), ("markdown", "r.md")]
)
def test_the_date_of_issue_is_printed_once_however_often_a_report_is_rewritten(
    to: str, name: str
) -> None:
    import io

    import docx

    sample = Path(__file__).resolve().parents[1] / "examples" / "reports" / "2022.html"
    report = gr.read(sample).report
    assert report.meta.date_of_issue is not None
    again = report
    for _ in range(3):  # publish what was read, read what was published, …
        written = gr.write(again, to)
        again = gr.read(written, name=name).report
    assert [s.text for s in again.narrative] == [s.text for s in report.narrative]
    assert again.meta.date_of_issue == report.meta.date_of_issue
    if to == "docx":
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(written)).paragraphs)
    else:
        text = written.decode("utf-8")
    assert text.count("2023年1月20日") == 1
