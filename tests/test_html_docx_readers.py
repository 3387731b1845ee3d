"""The HTML and Word readers: hand-made fixtures like real files, variations, errors."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govinfo_report as gr
from govinfo_report import AnnualReport, ReportReadError
from govinfo_report.formats import docx as formats_docx
from govinfo_report.formats import html as formats_html
from govinfo_report.testing.render import LABEL_VARIANTS
from strategies_local import printed_reports

FIXTURES = Path(__file__).parent / "fixtures"


def same_cells(report: AnnualReport, back: AnnualReport) -> list[tuple[str, object, object]]:
    return [
        (spec.key, mine, theirs)
        for spec, mine, theirs in zip(
            report.template(), report.cell_tuple(), back.cell_tuple(), strict=True
        )
        if mine != theirs
    ]


@pytest.mark.parametrize("name", ["gbk-saved-page-2020.html", "wps-odd-merges-2022.docx"])
def test_hand_made_fixtures_read_exactly(name: str) -> None:
    expected = json.loads((FIXTURES / name).with_suffix(".cells.json").read_text(encoding="utf-8"))
    result = gr.read(FIXTURES / name)
    assert gr.to_cells(result.report) == expected
    assert result.findings == ()
    assert not [f for f in gr.validate(result.report) if f.severity.fails]


def test_gbk_page_metadata_and_navigation() -> None:
    report = gr.read(FIXTURES / "gbk-saved-page-2020.html").report
    assert report.meta.index_number == "11000000/2021-00012"
    assert report.meta.publisher == "某某市交通运输局"
    assert str(report.meta.date_of_issue) == "2021-01-25"
    assert report.cell("applications.received.research").state is gr.CellState.BLANK


def test_docx_text_box_and_trailing_date() -> None:
    meta = gr.read(FIXTURES / "wps-odd-merges-2022.docx").report.meta
    assert meta.document_number == "样政办〔2023〕4号"  # from a text box, read once
    assert str(meta.date_of_issue) == "2023-01-20"


@pytest.mark.parametrize("charset", ["gb2312", "gbk", "GB18030", "utf-8"])
def test_html_encodings(charset: str) -> None:
    page = f'<html><head><meta charset="{charset}"></head><body><p>政府信息公开工作年度报告</p></body></html>'
    encoding = "gb18030" if charset.lower().startswith("gb") else "utf-8"
    document = formats_html.read_html(page.encode(encoding), "p.html")
    assert document.blocks[0].text == "政府信息公开工作年度报告"  # type: ignore[union-attr]


def test_tables_as_images_get_a_clear_finding() -> None:
    page = "<html><body><p>某某局2021年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p>"
    page += '<p><img src="t1.png"></p><p><img src="t2.png"></p></body></html>'
    result = gr.read(page.encode(), name="images.html")
    [finding] = [f for f in result.findings if f.code == "read.no_text"]
    assert "OCR" in finding.message_en
    assert finding.severity is gr.Severity.ERROR


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"PK\x03\x04 not really a zip", "broken.docx", "not a .docx"),
        (b"", "empty.docx", "the file is empty"),
    ],
)
def test_broken_docx_raises_the_documented_error(data: bytes, name: str, reason: str) -> None:
    with pytest.raises(ReportReadError, match=reason) as error:
        gr.read(data, name=name)
    assert error.value.source == name


def test_zip_without_a_document_part() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/other.xml", "<x/>")
    with pytest.raises(ReportReadError, match=r"no word/document\.xml"):
        gr.read(buffer.getvalue(), name="empty.docx")


def test_docx_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", xml)
    try:
        document = formats_docx.read_docx(buffer.getvalue(), "entity.docx")
    except ReportReadError:
        return
    assert "TOP-SECRET" not in json.dumps([getattr(b, "text", "") for b in document.blocks])


# ---------------------------------------------------------------- variations of real pages


def vary_html(page: str, data: st.DataObject) -> str:
    for canonical, variants in LABEL_VARIANTS.items():
        if canonical in page and data.draw(st.booleans(), label=f"vary {canonical}"):
            page = page.replace(f">{canonical}<", f">{data.draw(st.sampled_from(variants))}<")
    if data.draw(st.booleans(), label="split section 三"):
        start = page.index('<table data-section="applications">')
        header_end = page.index("</tr>", page.index("法律服务机构", start)) + len("</tr>")
        header = page[page.index("<tbody>", start) + len("<tbody>") : header_end]
        rows = [
            m.start() for m in re.finditer("<tr>", page[header_end : page.index("</table>", start)])
        ]
        cut = header_end + rows[data.draw(st.integers(1, len(rows) - 1), label="cut")]
        repeat = header if data.draw(st.booleans(), label="repeat header") else ""
        page = page[:cut] + "</tbody></table><p>（续表）</p><table><tbody>" + repeat + page[cut:]
    if data.draw(st.booleans(), label="layout table"):
        body = page[page.index("<body>") + 6 : page.index("</body>")]
        page = page.replace(
            body,
            '<div class="nav"><a href="/">首页</a> <a href="/x">2019年度报告</a></div>'
            "<script>var n = 5;</script><table><tr><td><ul><li>目录</li></ul></td><td>"
            f"{body}</td></tr></table><div>版权所有 2024</div>",
        )
    return page


@settings(max_examples=30)
@given(printed_reports(), st.data(), st.sampled_from(["utf-8", "gb18030"]))
def test_html_variations_read_back_exactly(
    report: AnnualReport, data: st.DataObject, encoding: str
) -> None:
    page = vary_html(gr.write(report, "html").decode("utf-8"), data)
    if encoding != "utf-8":
        page = page.replace('<meta charset="utf-8">', '<meta charset="gb2312">')
    result = gr.read(page.encode(encoding), name="varied.html")
    assert [f for f in result.findings if f.code == "read.stray_number"] == []
    assert same_cells(report, result.report) == []
    assert result.report.edition is report.edition


@settings(max_examples=15)
@given(printed_reports())
def test_docx_of_generated_reports_reads_back_exactly(report: AnnualReport) -> None:
    back = gr.read(gr.write(report, "docx"), name="g.docx").report
    assert same_cells(report, back) == []
