"""Web pages as government portals publish a report, built around any report with their truth.

Each pattern of issue 12 (item 7) is a knob: where the agency is said (the title, the page's
``<title>``, a breadcrumb, a navigation bar, a ``发布机构`` field), where the title is (a heading, a
heading wrapped over two lines, only the ``<title>``), and what page furniture surrounds the report
(footer, share bar, ``字体：【大 中 小】``, a DOCTYPE with an internal subset). The truth says what a
reader must return: the agency, year and title, and section 六's text without the furniture.
"""

from __future__ import annotations

from typing import Literal

import attrs
from hypothesis import strategies as st

import govinfo_report as gr

AgencyPlace = Literal["title", "page-title", "breadcrumb", "nav", "publisher"]
TitlePlace = Literal["heading", "wrapped-after-agency", "wrapped-in-phrase", "page-title-only"]
FURNITURE = ("footer", "share", "font-size", "print-close", "breadcrumb-plain", "dtd-subset")
OTHER_TEXT = "本机关无其他需要报告的事项。"


@attrs.frozen
class WebPage:
    html: bytes
    agency: str
    year: int
    title: str
    other_text: str


def web_page(
    report: gr.AnnualReport,
    *,
    agency_place: AgencyPlace = "title",
    title_place: TitlePlace = "heading",
    furniture: tuple[str, ...] = (),
    encoding: str = "utf-8",
) -> WebPage:
    assert report.meta.agency and report.meta.year
    agency, year = report.meta.agency, report.meta.year
    bare = f"{year}年政府信息公开工作年度报告"
    full = f"{agency}{bare}"
    named_in_title = agency_place == "title"
    page = gr.write(report, "html").decode("utf-8")
    body = page[page.index("<body>") + len("<body>") : page.index("</body>")]
    heading_start = body.index("<h1>")
    heading_end = body.index("</h1>") + len("</h1>")
    if title_place == "heading":
        heading = f"<h1>{full if named_in_title else bare}</h1>"
        title = full if named_in_title else bare
    elif title_place == "wrapped-after-agency":
        assert named_in_title
        heading = f"<h1>{agency}<br/>{bare}</h1>"
        title = full
    elif title_place == "wrapped-in-phrase":
        assert named_in_title
        heading = f"<h1>{agency}{year}年政府信息<br>公开工作年度报告</h1>"
        title = full
    else:
        assert not named_in_title
        heading = ""
        title = bare
    body = body[:heading_start] + heading + body[heading_end:]
    # section 六's own text, followed by the page's furniture inside the same column
    six = body.index("<h2>六、")
    six_end = body.index("</h2>", six) + len("</h2>")
    after_six = [f"<p>{OTHER_TEXT}</p>"]
    if "font-size" in furniture:
        after_six.append(
            '<div class="tools">字体：【<a href="#">大</a> <a>中</a> <a>小</a>】</div>'
        )
    if "print-close" in furniture:
        after_six.append("<p>【打印本页】 【关闭窗口】</p>")
    if "share" in furniture:
        after_six.append('<div class="bdsharebuttonbox share">分享到：<a>微信</a><a>微博</a></div>')
    body = body[:six_end] + "".join(after_six) + body[six_end:]
    top = []
    if agency_place == "nav":
        top.append(
            f'<div id="nav"><ul><li><a href="/">{agency}</a></li><li><a>首页</a></li>'
            "<li><a>政务公开</a></li><li><a>互动交流</a></li></ul></div>"
        )
    if agency_place == "breadcrumb":
        top.append(
            f'<div class="breadcrumb">当前位置：<a>首页</a> &gt; <a>部门信息公开</a> &gt; '
            f"<a>{agency}</a> &gt; <a>年度报告</a></div>"
        )
    elif "breadcrumb-plain" in furniture:
        top.append("<p>当前位置：首页 &gt; 政府信息公开 &gt; 年报</p>")
    if agency_place == "publisher":
        top.append(
            f"<p>索引号：000000/2024-00001 发布机构：{agency} 发布日期：{year + 1}-01-20</p>"
        )
    bottom = []
    if "footer" in furniture:
        bottom.append(
            '<div class="footer"><p>主办单位：某某市人民政府办公室</p>'
            "<p>版权所有 某某市人民政府 网站标识码1234567890 备案号：京ICP备12345678号</p></div>"
        )
    if agency_place == "page-title":
        page_title = f"{bare}_年度报告_{agency}"
    else:
        page_title = f"{title}_某某市人民政府门户网站" if named_in_title else "年度报告"
    doctype = (
        '<!DOCTYPE html [<!ENTITY copy "(c)">]>' if "dtd-subset" in furniture else "<!DOCTYPE html>"
    )
    charset = "gb2312" if encoding != "utf-8" else "utf-8"
    html = (
        f'{doctype}<html><head><meta charset="{charset}"><title>{page_title}</title>'
        "<script>var x = '<td>1</td>';</script></head><body>"
        + "".join(top)
        + f'<div class="content">{body}</div>'
        + "".join(bottom)
        + "</body></html>"
    )
    return WebPage(html.encode(encoding), agency, year, title, OTHER_TEXT)


@st.composite
def web_pages(draw: st.DrawFn, report: gr.AnnualReport) -> WebPage:
    """A random composition of the patterns around ``report``."""
    agency_place: AgencyPlace = draw(
        st.sampled_from(["title", "page-title", "breadcrumb", "nav", "publisher"])
    )
    if agency_place == "title":
        title_place: TitlePlace = draw(
            st.sampled_from(["heading", "wrapped-after-agency", "wrapped-in-phrase"])
        )
    elif agency_place == "page-title":
        title_place = draw(st.sampled_from(["heading", "page-title-only"]))
    else:
        title_place = "heading"
    furniture = tuple(draw(st.lists(st.sampled_from(FURNITURE), unique=True)))
    encoding = draw(st.sampled_from(["utf-8", "gb18030"]))
    return web_page(
        report,
        agency_place=agency_place,
        title_place=title_place,
        furniture=furniture,
        encoding=encoding,
    )
