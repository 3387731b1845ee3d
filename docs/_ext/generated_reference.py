"""Write the reference pages that come from the code, at every docs build, so they cannot drift:
the template (every label and key), the finding codes, the read errors, the JSON Schema and the
CLI."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


def _template_page() -> str:
    from govinfo_report import Edition, template_cells

    lines = [
        "# The template editions: every cell, label and key",
        "",
        "Generated from the model classes (`govinfo_report.model`) at every build.",
        "",
    ]
    variants = (
        ("2021", False, "Edition 2021 (国办公开办函〔2021〕30号)"),
        ("2021", True, "Edition 2021 with （六）其他处理 printed as one row"),
        ("2019", False, "Edition 2019 (国办公开办函〔2019〕60号, 试行)"),
    )
    for edition, single, title in variants:
        cells = template_cells(Edition(edition), single_other_row=single)
        lines += [
            f"## {title}",
            "",
            f"{len(cells)} cells.",
            "",
            "| key | kind | labels |",
            "|---|---|---|",
        ]
        lines += [f"| `{c.key}` | {c.kind.value} | {' / '.join(c.labels)} |" for c in cells]
        lines.append("")
    return "\n".join(lines)


def _codes_page() -> str:
    from govinfo_report.validation import builtin_catalogue

    lines = [
        "# Finding codes",
        "",
        "Every code the library emits, generated from the rule catalogue at every build. Severities: "
        "`error` (the report is malformed), `inconsistency` (its numbers contradict each other), "
        "`warning` (implausible, or a soft cross-year rule), `info` (for the record). Profile "
        "`basic` codes run by default; `strict` ones need `--profile strict` or `--select`.",
        "",
    ]
    for info in builtin_catalogue().codes():
        lines += [
            f"## `{info.code}`",
            "",
            f"**{info.severity.value}** · profile `{info.profile}` · {info.title} ({info.title_en})",
            "",
            info.description,
            "",
            f"*Example:* {info.example}",
            "",
        ]
    lines += [
        "",
        "Plugins add their own codes through the `register_rules` hook; `govinfo-report plugins` "
        "lists them.",
        "",
    ]
    return "\n".join(lines)


def _read_errors_page() -> str:
    from govinfo_report.errors import READ_ERRORS

    def cell(text: str) -> str:  # templates as code: their {parameters} are what programs fill
        return "`" + text.replace("|", "\\|") + "`"

    lines = [
        "# Read errors",
        "",
        "Generated from `govinfo_report.errors.READ_ERRORS` at every build.",
        "",
        "An input that cannot be read at all raises `ReportReadError`. Its `code` below is stable, "
        "for programs; `params` holds the values its message names; `reason` (and `str(error)`, "
        'which adds the file and the place) is the English text; `message_for("zh")` gives the '
        "Chinese message the command prints, without the technical `detail` (an underlying "
        "library's own message) that the English text ends with. `validate --format json` gives "
        "the code as `error_code`, and `batch` stores it in the `error_code` column of `files`.",
        "",
        "A plugin may raise `ReportReadError(name, reason)` with its own English text and no code "
        "(or a code of its own with a text): the command then prints that text inside its Chinese "
        "framing (`report.abc：无法读取：…`).",
        "",
        "Parameters in braces are the keys of `params`; `!r` shows a value quoted.",
        "",
        "| code | English | 中文 |",
        "|---|---|---|",
    ]
    lines += [
        f"| `{code}` | {cell(texts.en)} | {cell(texts.zh)} |" for code, texts in READ_ERRORS.items()
    ]
    lines.append("")
    return "\n".join(lines)


def _schema_page() -> str:
    from govinfo_report.schema import report_schema

    schema = json.dumps(report_schema(), ensure_ascii=False, indent=1)
    return (
        "# JSON Schema of the `json` format\n\n"
        "Generated from the model at every build; the same schema ships in the package as "
        "`govinfo_report/data/report.schema.json` and is printed by `govinfo-report schema`.\n\n"
        f"```json\n{schema}\n```\n"
    )


def _cli_page() -> str:
    from govinfo_report.cli import _parser

    parser = _parser()
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    lines = ["# Command line", "", "Generated from the argument parser at every build.", ""]
    lines += ["```text", parser.format_help().rstrip(), "```", ""]
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    seen: set[int] = set()
    for name, sub in subparsers.choices.items():
        if id(sub) in seen:
            continue
        seen.add(id(sub))
        lines += [
            f"## `govinfo-report {name}`",
            "",
            "```text",
            sub.format_help().rstrip(),
            "```",
            "",
        ]
    return "\n".join(lines)


def write_pages(app: Any = None) -> None:
    REFERENCE.mkdir(exist_ok=True)
    pages = {
        "template.md": _template_page(),
        "codes.md": _codes_page(),
        "read-errors.md": _read_errors_page(),
        "schema.md": _schema_page(),
        "cli.md": _cli_page(),
    }
    for name, text in pages.items():
        target = REFERENCE / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", write_pages)
    return {"parallel_read_safe": True, "version": "1"}
