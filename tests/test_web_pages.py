"""Web pages as portals publish them (issue 12, item 7): the agency, year and title wherever the
page says them, and page furniture kept out of the report's text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govinfo_report as gr
from govinfo_report.document import BREADCRUMB, PAGE_CHROME, PAGE_TITLE
from govinfo_report.formats.html import read_html
from strategies_local import printed_reports
from web_pages import web_page, web_pages

WEB = Path(__file__).parent / "fixtures" / "web"
PAGES = sorted(p.stem for p in WEB.glob("*.html"))


def other_text(report: gr.AnnualReport) -> list[str]:
    return [s.text for s in report.narrative if s.title.startswith("六")]


@pytest.mark.parametrize("name", PAGES)
def test_web_fixtures_read_exactly(name: str) -> None:
    truth = json.loads((WEB / f"{name}.truth.json").read_text(encoding="utf-8"))
    result = gr.read(WEB / f"{name}.html")
    meta = result.report.meta
    assert (meta.agency, meta.year, meta.title) == (truth["agency"], truth["year"], truth["title"])
    assert other_text(result.report) == [truth["other_text"]]
    assert gr.to_cells(result.report) == truth["cells"]
    assert result.findings == ()


def test_every_pattern_has_a_fixture() -> None:
    assert len(PAGES) >= 8


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_any_composition_of_web_patterns_reads_exactly(data: st.DataObject) -> None:
    report = data.draw(printed_reports())
    page = data.draw(web_pages(report))
    result = gr.read(page.html, name="page.html")
    meta = result.report.meta
    assert (meta.agency, meta.year, meta.title) == (page.agency, page.year, page.title)
    assert other_text(result.report) == [page.other_text]
    assert gr.to_cells(result.report)["cells"] == gr.to_cells(report)["cells"]


def test_page_furniture_is_marked_by_role_and_kept_out_of_the_blocks() -> None:
    page = (
        "<html><head><title>2023年政府信息公开工作年度报告_年度报告_某某局</title></head><body>"
        "<nav>首页 政务公开</nav><div class='crumbs'>首页 &gt; 年报</div>"
        "<p>您当前的位置：首页 &gt; 信息公开</p><p>正文</p>"
        "<p>字体：【大 中 小】</p><div id='footer'>关于我们</div></body></html>"
    )
    document = read_html(page.encode(), "p.html")
    assert [p.text for p in document.paragraphs()] == ["正文"]
    assert [(p.role, p.text) for p in document.page] == [
        (PAGE_TITLE, "2023年政府信息公开工作年度报告_年度报告_某某局"),
        (PAGE_CHROME, "首页 政务公开"),
        (BREADCRUMB, "首页 > 年报"),
        (BREADCRUMB, "您当前的位置：首页 > 信息公开"),
        (PAGE_CHROME, "字体：【大 中 小】"),
        (PAGE_CHROME, "关于我们"),
    ]


def test_report_text_is_never_taken_for_furniture() -> None:
    # Long paragraphs are the document's, whatever words they use.
    sentence = "本机关网站" + "版权所有事项说明" * 30
    document = read_html(f"<p>{sentence}</p>".encode(), "p.html")
    assert [p.text for p in document.paragraphs()] == [sentence]


def test_doctype_internal_subset_does_not_leak_into_the_agency() -> None:
    page = '<!DOCTYPE html [<!ENTITY x "y">]>示例县2023年政府信息公开工作年度报告'
    document = read_html(page.encode(), "p.html")
    assert [p.text for p in document.paragraphs()] == ["示例县2023年政府信息公开工作年度报告"]
    assert gr.read(page.encode(), name="p.html").report.meta.agency == "示例县人民政府"


def test_agency_ignores_debris_before_the_name() -> None:
    text = "]>html示例县2023年政府信息公开工作年度报告"
    assert gr.read(f"<p>{text}</p>".encode(), name="p.html").report.meta.agency == "示例县人民政府"


def test_a_navigation_bar_naming_several_offices_names_no_agency() -> None:
    report = gr.read(
        web_page(printed_report(), agency_place="nav").html.replace(
            "<li><a>首页</a></li>".encode(), "<li><a>某某县教育局</a></li>".encode()
        ),
        name="p.html",
    ).report
    assert report.meta.agency is None


def printed_report() -> gr.AnnualReport:
    from govinfo_report.testing.reports import uniform_report

    return uniform_report("2021", "3", agency="某某市生态环境局", year=2023)


def test_decoding_error_names_the_first_undecodable_byte() -> None:
    data = "<p>政府信息公开</p>".encode() + b"\xff\xfe\xfd" * 3
    bad = data.index(b"\xff")
    with pytest.raises(gr.ReportReadError) as error:
        read_html(b"<html>" + data, "p.html")
    assert f"byte {bad + len(b'<html>')}" in str(error.value)


def test_content_wrapped_in_an_element_named_like_furniture_stays_content() -> None:
    report = printed_report()
    page = gr.write(report, "html").decode("utf-8")
    body = page[page.index("<body>") + 6 : page.index("</body>")]
    wrapped = page.replace(body, f'<div id="print">{body}</div><div class="footer">版权</div>')
    result = gr.read(wrapped.encode(), name="p.html")
    assert gr.to_cells(result.report) == gr.to_cells(report)
    assert result.report.meta.agency == report.meta.agency
