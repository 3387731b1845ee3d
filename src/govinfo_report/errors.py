"""The one error type that reading raises, and the catalogue of its messages in English and Chinese."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

__all__ = ["READ_ERRORS", "ReadErrorText", "ReportReadError", "template_fields"]


class ReadErrorText(NamedTuple):
    """The message of one :attr:`ReportReadError.code`: ``str.format`` templates with the same
    named parameters in both languages."""

    en: str
    zh: str


# The English texts are what ``reason`` always said (programs and tests match on them); the
# Chinese ones are for office staff: no English words, no setting names, no library internals
# (those stay in ``detail``, shown in English only).
_READ_ERRORS: dict[str, ReadErrorText] = {
    # The file itself
    "file.not_found": ReadErrorText("no such file", "文件不存在"),
    "file.cannot_open": ReadErrorText("cannot open", "无法打开文件"),
    "file.cannot_read": ReadErrorText("cannot read", "无法读取文件内容"),
    "file.is_folder": ReadErrorText("not a regular file (a folder)", "这是文件夹，不是文件"),
    "file.special": ReadErrorText(
        "not a regular file (a device, FIFO or socket)", "不是普通文件（是设备、管道或套接字）"
    ),
    "input.empty": ReadErrorText("the file is empty", "文件是空的"),
    "folder.empty": ReadErrorText("an empty folder: no file to read", "文件夹中没有可读取的文件"),
    "folder.too_many_files": ReadErrorText(
        "{count} files; more than the limit of {limit} (max_pages)",
        "文件夹中有 {count} 个文件，超过上限 {limit} 个",
    ),
    "folder.too_large": ReadErrorText(
        "{size} bytes in its files; more than the limit of {limit} (max_input_bytes)",
        "文件夹中的文件共 {size} 字节，超过上限 {limit} 字节",
    ),
    "input.too_large": ReadErrorText(
        "{size} bytes; more than the limit of {limit} (max_input_bytes)",
        "文件有 {size} 字节，超过上限 {limit} 字节",
    ),
    "input.grew_too_large": ReadErrorText(
        "more than {limit} bytes; more than the limit of {limit} (max_input_bytes)",
        "文件超过 {limit} 字节，超过上限 {limit} 字节",
    ),
    "input.text_as_path": ReadErrorText(
        "{cause}; a str is always a path: give a report's text as text=",
        "{cause}（字符串总是当作文件路径：报告的文字请用参数 text= 传入）",
    ),
    "input.not_a_report": ReadErrorText(
        "not a government information disclosure annual report: no section title and no table row "
        "of the template found",
        "不是政府信息公开工作年度报告：既没有找到模板的章节标题，也没有找到模板的表格行",
    ),
    # Choosing and running a reader
    "reader.unknown_name": ReadErrorText(
        "no reader named {reader!r} (readers: {known})",
        "没有名为 {reader!r} 的读取器（已安装：{known}）",
    ),
    "reader.none": ReadErrorText(
        "no reader recognises {name!r}", "无法识别 {name!r} 的格式：已安装的读取器都不能读取它"
    ),
    "reader.tie": ReadErrorText(
        "readers {first!r} (plugin {first_plugin}) and {second!r} (plugin {second_plugin}) both "
        "claim {name!r} equally; pass reader= to choose",
        "读取器 {first!r}（插件 {first_plugin}）与 {second!r}（插件 {second_plugin}）同样能读取 "
        "{name!r}：请用 reader=（命令行用 --reader）指定一个",
    ),
    "reader.failed": ReadErrorText(
        "reader {reader!r} failed", "读取器 {reader!r} 出错（这是软件缺陷，请报告）"
    ),
    "interpret.failed": ReadErrorText(
        "cannot interpret the document", "无法解读文档内容（这是软件缺陷，请报告）"
    ),
    # Limits on what reading may cost
    "limits.seconds": ReadErrorText(
        "gave up after {seconds:g} s (limit max_seconds)", "处理超过 {seconds:g} 秒，已放弃"
    ),
    "limits.text_bytes": ReadErrorText(
        "{size} bytes of text; a report is a few hundred KB at most; limit {limit} "
        "(max_text_bytes)",
        "文本有 {size} 字节（一份报告最多几十万字节），超过上限 {limit} 字节",
    ),
    "limits.unpacked_bytes": ReadErrorText(
        "unpacks to {size} bytes; limit {limit} (max_unpacked_bytes)",
        "解压后有 {size} 字节，超过上限 {limit} 字节",
    ),
    "limits.member_bytes": ReadErrorText(
        "{member} unpacks to {size} bytes; limit {limit}",
        "压缩包中的 {member} 解压后有 {size} 字节，超过上限 {limit} 字节",
    ),
    "limits.compression_ratio": ReadErrorText(
        "{member} is compressed {ratio:.0f}:1 (a zip bomb?); limit {limit}:1",
        "压缩包中的 {member} 压缩比为 {ratio:.0f}:1（疑似压缩炸弹），上限为 {limit}:1",
    ),
    "limits.table_cells": ReadErrorText(
        "a table with more than {limit} cells (limit max_table_cells)",
        "表格的单元格超过上限 {limit} 个",
    ),
    "limits.ruled_table_cells": ReadErrorText(
        "rulings that make a table of more than {limit} cells (limit max_table_cells)",
        "表格线构成的单元格超过上限 {limit} 个",
    ),
    "limits.sheet_used_range": ReadErrorText(
        "{member}: used range of {count} cells; more than the limit of {limit} (max_table_cells)",
        "工作表 {member} 的使用区域有 {count} 个单元格，超过上限 {limit} 个",
    ),
    "limits.sheet_merged_cells": ReadErrorText(
        "{member}: merged cells of {count} cells; more than the limit of {limit} (max_table_cells)",
        "工作表 {member} 的合并单元格覆盖 {count} 个单元格，超过上限 {limit} 个",
    ),
    "limits.document_cells": ReadErrorText(
        "tables of more than {limit} cells in all (max_document_cells)",
        "各表格的单元格合计超过上限 {limit} 个",
    ),
    "limits.nesting_depth": ReadErrorText(
        "elements nested deeper than {limit} (limit max_nesting_depth)",
        "网页元素嵌套超过 {limit} 层的上限",
    ),
    "limits.pages": ReadErrorText(
        "{count} pages; more than the limit of {limit} (max_pages)",
        "共 {count} 页，超过上限 {limit} 页",
    ),
    "limits.page_chars": ReadErrorText(
        "{count} characters on one page; more than the limit of {limit} (max_page_chars)",
        "一页有 {count} 个字符，超过上限 {limit} 个",
    ),
    "limits.table_chars": ReadErrorText(
        "more than {limit} characters in the tables of one page (max_page_chars)",
        "一页表格中的字符超过上限 {limit} 个",
    ),
    "limits.page_text_bytes": ReadErrorText(
        "text strings of more than {limit} bytes on one page; a character takes at least one "
        "(limit 4 × max_page_chars)",
        "一页中的文字串超过 {limit} 字节（每个字符至少占 1 字节），字符数超过上限",
    ),
    "limits.document_text_bytes": ReadErrorText(
        "text strings of more than {limit} bytes in the document; a character takes at least one "
        "(limit 4 × max_document_chars)",
        "全文的文字串超过 {limit} 字节（每个字符至少占 1 字节），字符数超过上限",
    ),
    "limits.content_bytes": ReadErrorText(
        "page content streams that unpack to more than {limit} bytes (max_unpacked_bytes)",
        "页面内容解压后超过上限 {limit} 字节",
    ),
    "limits.document_chars": ReadErrorText(
        "more than {limit} characters in the document (max_document_chars)",
        "全文字符超过上限 {limit} 个",
    ),
    "limits.elements": ReadErrorText(
        "{count} tags in the markup; a report has a few thousand; limit {limit} (max_elements)",
        "标记中有 {count} 个标签（一份报告只有几千个），超过上限 {limit} 个",
    ),
    "limits.page_paths": ReadErrorText(
        "more than {limit} lines and shapes on one page (max_page_paths)",
        "一页的线条和图形超过上限 {limit} 个",
    ),
    "limits.page_pixels": ReadErrorText(
        "a page of {width}×{height} pixels; more than {limit} pixels",
        "页面为 {width}×{height} 像素，超过上限 {limit} 像素",
    ),
    # Formats
    "text.undecodable": ReadErrorText(
        "text is neither UTF-8 nor GB18030", "无法识别文本的文字编码（不是常用的中文编码）"
    ),
    "html.undecodable": ReadErrorText(
        "cannot decode the page (not UTF-8, not GB18030, no usable charset)",
        "无法识别网页的文字编码（不是常用的中文编码，网页也未声明可用的编码）",
    ),
    "html.unparsable": ReadErrorText("cannot parse the page", "无法解析网页"),
    "pdf.encrypted": ReadErrorText(
        "the PDF is encrypted (a password is needed)", "PDF 文件已加密（需要密码才能打开）"
    ),
    "pdf.unreadable": ReadErrorText("not a readable PDF", "不是可以读取的 PDF 文件"),
    "pdf.damaged": ReadErrorText("damaged PDF", "PDF 文件已损坏"),
    "pdf.form_cycle": ReadErrorText(
        "damaged or hostile PDF: a form XObject draws itself (directly or through other forms)",
        "PDF 文件已损坏或含恶意内容：页面中的表单对象（直接或间接）绘制其自身",
    ),
    "docx.not_a_zip": ReadErrorText(
        "not a .docx (not a zip archive)", "不是有效的 Word 文档（文件不是压缩包格式）"
    ),
    "docx.no_document": ReadErrorText(
        "not a .docx: no {part}", "不是有效的 Word 文档：缺少正文部分 {part}"
    ),
    "docx.cannot_open": ReadErrorText("cannot open the .docx", "无法打开 Word 文档（文件已损坏）"),
    "docx.part_too_large": ReadErrorText(
        "{part} unpacks beyond the limit of {limit}",
        "Word 文档的正文部分 {part} 解压后超过上限 {limit} 字节",
    ),
    "docx.damaged": ReadErrorText("damaged {part}", "Word 文档的正文部分 {part} 已损坏"),
    "docx.no_body": ReadErrorText("{part} has no body", "Word 文档的正文部分 {part} 没有内容"),
    "xlsx.not_a_zip": ReadErrorText(
        "not an .xlsx workbook (not a zip archive)", "不是有效的 Excel 工作簿（文件不是压缩包格式）"
    ),
    "xlsx.unreadable": ReadErrorText(
        "not a readable .xlsx workbook", "不是可以读取的 Excel 工作簿"
    ),
    "xlsx.damaged": ReadErrorText("damaged .xlsx workbook", "Excel 工作簿已损坏"),
    "image.unreadable": ReadErrorText("not a readable image", "不是可以读取的图片"),
    "image.unreadable_archive": ReadErrorText(
        "not a readable archive of page images", "不是可以读取的页面图片压缩包"
    ),
    "image.damaged_archive": ReadErrorText(
        "damaged archive of page images", "页面图片压缩包已损坏"
    ),
    "image.damaged": ReadErrorText("damaged image", "图片已损坏"),
    "image.too_small": ReadErrorText("the image is too small to read", "图片太小，无法识别"),
    "image.page_too_small": ReadErrorText("the page is too small to read", "页面太小，无法识别"),
    "office.no_libreoffice": ReadErrorText(
        "reading this format needs LibreOffice",
        "读取这种格式需要安装 LibreOffice；也可以用 Word 或 WPS 把文件另存为 Word 文档后再读取",
    ),
    "office.cannot_start": ReadErrorText(
        "cannot start LibreOffice ({program})", "无法启动 LibreOffice（{program}）"
    ),
    "office.timeout": ReadErrorText(
        "LibreOffice did not convert the file within {seconds:g} seconds",
        "LibreOffice 未能在 {seconds:g} 秒内转换此文件",
    ),
    "office.failed": ReadErrorText(
        "LibreOffice could not convert the file (exit status {status})",
        "LibreOffice 无法转换此文件（退出状态 {status}）",
    ),
    "office.unknown_kind": ReadErrorText(
        "the content is none of .doc, .wps, .rtf or .odt (Word 97/WPS, RTF or ODF text)",
        "文件内容不是 Word 97、WPS、RTF 或 ODF 文字文档",
    ),
    # The library's own data formats (JSON, cells, CSV) and files the command reads
    "data.not_utf8": ReadErrorText("not UTF-8 text", "不是 UTF-8 编码的文本"),
    "data.invalid_json": ReadErrorText("not valid JSON", "不是有效的 JSON"),
    "data.not_an_object": ReadErrorText("the JSON is not an object", "JSON 内容不是对象"),
    "data.schema": ReadErrorText("does not fit the report schema", "不符合报告的数据结构"),
    "data.not_cells": ReadErrorText(
        'a cells file is an object with a "cells" object',
        '单元格文件应是含有 "cells" 对象的 JSON 对象',
    ),
    "data.bad_cell": ReadErrorText(
        "cell {key!r} holds {value!r}, not a number, text or null",
        "单元格 {key!r} 的值 {value!r} 不是数字、文本或空值",
    ),
    "data.unknown_edition": ReadErrorText(
        'unknown edition {edition!r} (expected "2019" or "2021")',
        '未知的模板版本 {edition!r}（应为 "2019" 或 "2021"）',
    ),
    "data.bad_year": ReadErrorText("year {year!r} is not a whole number", "年度 {year!r} 不是整数"),
    "data.bad_agency": ReadErrorText(
        "agency {agency!r} is not text", "机关名称 {agency!r} 不是文本"
    ),
    "csv.not_utf8": ReadErrorText("CSV is not UTF-8", "表格文件不是 UTF-8 编码"),
    "csv.not_tidy": ReadErrorText(
        "not a tidy report CSV (needs columns edition, key, value)",
        "不是报告的单元格表格（需要 edition、key、value 三列）",
    ),
    "baseline.invalid": ReadErrorText("not a baseline file", "不是基线文件"),
}

READ_ERRORS: Mapping[str, ReadErrorText] = MappingProxyType(_READ_ERRORS)
"""Every :attr:`ReportReadError.code` the library and its bundled plugins raise, with its message
templates (see the read errors reference page)."""

# Places as readers name them ("page 3") and as Chinese messages say them.
_PLACE = re.compile(r"^(page|table|line|byte|row|column) (\d+)$")
_PLACE_ZH = {
    "page": "第 {} 页",
    "table": "第 {} 个表格",
    "line": "第 {} 行",
    "byte": "第 {} 字节",
    "row": "第 {} 行",
    "column": "第 {} 列",
}


def template_fields(template: str) -> frozenset[str]:
    """The named parameters a message template uses."""
    return frozenset(
        field.split(".")[0].split("[")[0]
        for _, field, _, _ in string.Formatter().parse(template)
        if field
    )


class ReportReadError(Exception):
    """An input could not be read at all (not a report with problems: those are findings).

    ``source`` names the file (or ``<bytes>``/``<text>``), ``place`` where in it, when known, and
    ``reason`` what went wrong, in English. ``str(error)`` combines them:
    ``report.pdf (page 3): damaged PDF``.

    ``code`` is stable and machine-readable (``pdf.damaged``; the codes are in
    :data:`READ_ERRORS`), ``params`` the values its message names, and :meth:`message_for` gives
    the message in English or Chinese. The library raises every error with a code::

        raise ReportReadError(name, code="limits.pages", count=count, limit=limit)

    ``detail`` is technical text from another library (an exception's message): it follows the
    English reason and is left out of the Chinese one. A plugin may still raise with its own
    English ``reason`` and no code; its Chinese message is then that text.
    """

    def __init__(
        self,
        source: str,
        reason: str | None = None,
        *,
        place: str | None = None,
        code: str | None = None,
        detail: str | None = None,
        **params: Any,
    ) -> None:
        if code is not None and code in READ_ERRORS:
            if reason is not None:
                raise TypeError(f"ReportReadError code {code!r} has its own text: give no reason")
        elif reason is None:
            raise TypeError(
                f"ReportReadError needs a reason or one of the codes of READ_ERRORS, not {code!r}"
            )
        self.source = source
        self.place = place
        self.code = code
        self.detail = detail
        self.params: Mapping[str, Any] = MappingProxyType(dict(params))
        if reason is None:
            reason = self.reason_for("en")
        elif detail:  # a plugin's own text: its detail follows it as in the catalogue's texts
            reason = f"{reason}: {detail}"
        self.reason: str = reason
        where = f"{source} ({place})" if place else source
        super().__init__(f"{where}: {self.reason}")

    def reason_for(self, lang: str = "en") -> str:
        """What went wrong, in ``lang`` (``en`` or ``zh``), without the file and place."""
        texts = READ_ERRORS.get(self.code) if self.code is not None else None
        if texts is None:  # a plugin's own text
            return self.reason
        params = {
            key: value.reason_for(lang) if isinstance(value, ReportReadError) else value
            for key, value in self.params.items()
        }
        if lang == "zh":
            return texts.zh.format(**params)
        text = texts.en.format(**params)
        return f"{text}: {self.detail}" if self.detail else text

    def place_for(self, lang: str = "en") -> str | None:
        """Where in the file, in ``lang``: ``page 3`` or ``第 3 页``."""
        if lang != "zh" or self.place is None:
            return self.place
        match = _PLACE.match(self.place)
        return _PLACE_ZH[match[1]].format(match[2]) if match else self.place

    def message_for(self, lang: str = "en") -> str:
        """The whole message in ``lang``: ``str(error)`` in English, and in Chinese
        ``report.pdf（第 3 页）：PDF 文件已损坏``."""
        if lang != "zh":
            return str(self)
        place = self.place_for(lang)
        where = f"{self.source}（{place}）" if place else self.source
        return f"{where}：{self.reason_for(lang)}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle their args; this one is rebuilt from its fields (worker processes).
        state = {**self.__dict__, "params": dict(self.params)}
        return (_rebuild, (type(self), state))


def _rebuild(cls: type[ReportReadError], state: dict[str, Any]) -> ReportReadError:
    error = cls.__new__(cls)
    error.__dict__.update(state, params=MappingProxyType(state["params"]))
    where = f"{error.source} ({error.place})" if error.place else error.source
    Exception.__init__(error, f"{where}: {error.reason}")
    return error
