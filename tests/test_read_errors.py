"""Read errors carry a stable code; their messages come from one catalogue in English and Chinese,
and the command's Chinese output of an unreadable input holds no English."""

from __future__ import annotations

import ast
import contextlib
import pickle
import re
import string
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

import govinfo_report as gr
from govinfo_report.cli import main
from govinfo_report.errors import READ_ERRORS, ReportReadError, template_fields
from govinfo_report.hookspecs import hookimpl
from govinfo_report.limits import DEFAULT_LIMITS, using_limits
from govinfo_report.plugins import Reader, ReaderChoiceError, registry
from govinfo_report.testing.plugin import registered_plugin

REPO = Path(__file__).resolve().parents[1]
SOURCES = [REPO / "src" / "govinfo_report", *sorted((REPO / "plugins").glob("*/src"))]

# ---- every raise names a code of the catalogue


def _python_files() -> Iterator[Path]:
    for root in SOURCES:
        yield from sorted(root.rglob("*.py"))


def _codes_in(node: ast.AST, loops: list[ast.For]) -> list[str]:
    """The codes a ``code=`` value can take: a constant, either branch of ``a if c else b``, or
    the first item of each tuple a ``for code, ... in ((...), ...)`` loop goes through."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes_in(node.body, loops) + _codes_in(node.orelse, loops)
    if isinstance(node, ast.Name):
        for loop in loops:
            target = loop.target
            if (
                isinstance(target, ast.Tuple)
                and isinstance(target.elts[0], ast.Name)
                and target.elts[0].id == node.id
                and isinstance(loop.iter, ast.Tuple)
            ):
                return [c for item in loop.iter.elts for c in _codes_in(item.elts[0], [])]  # type: ignore[attr-defined]
    raise AssertionError(f"code= is not a literal: {ast.unparse(node)}")


def _error_calls() -> Iterator[tuple[str, ast.Call, list[ast.For]]]:
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        loops = [node for node in ast.walk(tree) if isinstance(node, ast.For)]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name in ("ReportReadError", "ReaderChoiceError"):
                yield f"{path.relative_to(REPO)}:{node.lineno}", node, loops


# A code passed on from an error whose own raise is checked here (ReaderChoiceError's codes).
_PASSED_ON = {"exc.code"}


def test_every_read_error_raised_names_a_code_of_the_catalogue() -> None:
    calls = list(_error_calls())
    assert len(calls) > 70  # the walk found the raise sites of the library and its plugins
    for where, call, loops in calls:
        keywords = {k.arg: k.value for k in call.keywords}
        if call.func.id == "ReaderChoiceError":  # type: ignore[attr-defined]
            codes = _codes_in(call.args[0], loops)
        else:
            assert len(call.args) == 1, f"{where}: a free-text reason instead of code="
            assert "code" in keywords, f"{where}: no code="
            if ast.unparse(keywords["code"]) in _PASSED_ON:
                continue
            codes = _codes_in(keywords["code"], loops)
        for code in codes:
            assert code in READ_ERRORS, f"{where}: {code!r} is not in READ_ERRORS"
            given = {k for k in keywords if k not in ("code", "place", "detail")}
            needed = template_fields(READ_ERRORS[code].en)
            assert given == needed, f"{where}: parameters {given} for {code} ({needed})"


def test_every_code_is_raised_somewhere() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in _python_files())
    unused = [code for code in READ_ERRORS if f'"{code}"' not in text]
    assert not unused, f"codes in the catalogue that nothing raises: {unused}"


# ---- the catalogue


def test_every_entry_has_both_languages_with_the_same_parameters() -> None:
    for code, texts in READ_ERRORS.items():
        assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", code), code
        assert texts.en.strip() and texts.zh.strip(), code
        assert template_fields(texts.en) == template_fields(texts.zh), code
        assert re.search(r"[\u4e00-\u9fff]", texts.zh), f"{code}: the Chinese text has no Chinese"
        assert not re.search(r"[\u4e00-\u9fff]", texts.en), f"{code}: Chinese in the English text"


def _sample_params(template: str) -> dict[str, object]:
    return {field: 12 for field in template_fields(template)}


def test_every_template_formats_with_its_parameters() -> None:
    for code, texts in READ_ERRORS.items():
        params = _sample_params(texts.en)
        error = ReportReadError("r.pdf", code=code, place="page 2", **params)
        assert error.reason == texts.en.format(**params)
        assert error.code == code and dict(error.params) == params
        assert error.message_for("zh") == f"r.pdf（第 2 页）：{texts.zh.format(**params)}"


# Words a Chinese message may hold: product and format names office staff know as they are.
_KNOWN_NAMES = {"PDF", "Word", "Excel", "WPS", "LibreOffice", "ODF", "RTF"}


def _latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z_]+", text)) - _KNOWN_NAMES


def test_chinese_texts_name_no_settings_and_no_english() -> None:
    """Setting names (max_pages) and English stay out of the Chinese texts; only the library's
    own data formats (JSON, the cells file, CSV) name the keys programs wrote."""
    for code, texts in READ_ERRORS.items():
        if code.startswith(("data.", "csv.", "input.text_as_path", "reader.tie")):
            continue  # files and calls of programs, or the option that resolves a tie
        assert not _latin_words(string.Formatter().vformat(texts.zh, (), _Blank())), code
        assert "max_" not in texts.zh, code


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> object:
        return 7


# ---- the error object


def test_english_reason_keeps_the_technical_detail_and_chinese_leaves_it_out() -> None:
    error = ReportReadError(
        "a.pdf", code="pdf.damaged", detail="Failed to load page", place="page 3"
    )
    assert error.reason == "damaged PDF: Failed to load page"
    assert str(error) == "a.pdf (page 3): damaged PDF: Failed to load page"
    assert error.message_for("en") == str(error)
    assert error.message_for("zh") == "a.pdf（第 3 页）：PDF 文件已损坏"
    assert error.place_for("zh") == "第 3 页" and error.place_for("en") == "page 3"


def test_an_error_given_as_a_parameter_speaks_the_language_asked() -> None:
    inner = ReportReadError("x\ny", code="file.not_found")
    outer = ReportReadError("x", code="input.text_as_path", cause=inner)
    assert outer.reason.startswith("no such file; a str is always a path")
    assert outer.reason_for("zh").startswith("文件不存在（")


def test_a_plugin_may_still_raise_with_its_own_text() -> None:
    error = ReportReadError("a.abc", "the ABC header is damaged", place="block 7")
    assert error.code is None and error.reason == "the ABC header is damaged"
    assert str(error) == "a.abc (block 7): the ABC header is damaged"
    assert error.message_for("zh") == "a.abc（block 7）：the ABC header is damaged"
    detailed = ReportReadError("a.abc", "cannot unpack", detail="zlib error -3")
    assert detailed.reason == "cannot unpack: zlib error -3" == detailed.reason_for("zh")
    custom = ReportReadError("a.abc", "checksum mismatch", code="abc.checksum")
    assert custom.code == "abc.checksum" and custom.reason_for("zh") == "checksum mismatch"


def test_a_code_of_the_catalogue_takes_no_free_text_and_an_unknown_one_needs_it() -> None:
    with pytest.raises(TypeError):
        ReportReadError("a.pdf", "damaged", code="pdf.damaged")
    with pytest.raises(TypeError):
        ReportReadError("a.pdf", code="pdf.no_such_code")
    with pytest.raises(TypeError):
        ReportReadError("a.pdf")


def test_errors_survive_pickling_as_worker_processes_send_them() -> None:
    inner = ReportReadError("a", code="file.not_found")
    for error in (
        ReportReadError("a.pdf", code="limits.pages", count=9, limit=3, place="page 1"),
        ReportReadError("a.abc", "own text"),
        ReportReadError("a", code="input.text_as_path", cause=inner),
    ):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is ReportReadError and copy.args == error.args
        assert (str(copy), copy.code, copy.place) == (str(error), error.code, error.place)
        assert copy.params.keys() == error.params.keys()
        assert copy.message_for("zh") == error.message_for("zh")


def test_read_raises_with_codes() -> None:
    with pytest.raises(gr.ReportReadError) as missing:
        gr.read("/no/such/report.pdf")
    assert missing.value.code == "file.not_found"
    with pytest.raises(gr.ReportReadError) as garbage:
        gr.read(b"\x00\x01binary" * 50, name="x.pdf")
    assert garbage.value.code == "pdf.unreadable"
    with pytest.raises(gr.ReportReadError) as unknown:
        gr.read(b"\x00\x01binary" * 50, name="x.bin")
    assert unknown.value.code == "reader.none" and unknown.value.params == {"name": "x.bin"}
    with pytest.raises(ReaderChoiceError) as choice:
        registry().choose(b"", "x.bin", "nope")
    assert choice.value.code == "reader.unknown_name"


# ---- the command


def _inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Unreadable inputs: file, and the code its error has."""
    files = {
        "empty.txt": (b"", "input.empty"),
        "blank.html": (b"  \n\n ", "input.empty"),
        "notes.txt": ("今天开会，讨论了明年的工作安排。\n".encode(), "input.not_a_report"),
        "broken.docx": (b"PK\x03\x04 not really a zip archive" * 3, "docx.not_a_zip"),
        "garbage.pdf": (bytes(range(256)) * 2, "pdf.unreadable"),
        "big.txt": ("政府信息公开".encode() * 200, "input.too_large"),
    }
    inputs = {}
    for name, (data, code) in files.items():
        (tmp_path / name).write_bytes(data)
        inputs[name] = (tmp_path / name, code)
    inputs["missing.pdf"] = (tmp_path / "missing.pdf", "file.not_found")
    (tmp_path / "folder.pdf").mkdir()
    inputs["folder.pdf"] = (tmp_path / "folder.pdf", "folder.empty")
    return inputs


def _small_limits() -> contextlib.AbstractContextManager[object]:
    return using_limits(attrs.evolve(DEFAULT_LIMITS, max_input_bytes=1000))


def _stripped(err: str, path: Path) -> str:
    return err.replace(str(path), "").replace("govinfo-report", "")


@pytest.mark.parametrize("command", ["validate", "convert"])
def test_chinese_messages_of_unreadable_inputs_hold_no_english(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, (path, code) in _inputs(tmp_path).items():
        with _small_limits():
            status = main([command, str(path)])
        _, err = capsys.readouterr()
        assert status == 2, name
        assert str(path) in err, name
        assert "无法读取" in err and READ_ERRORS[code].zh.split("{")[0][:4] in err, (name, err)
        assert not _latin_words(_stripped(err, path)), (name, err)
        assert "Traceback" not in err


@pytest.mark.parametrize("command", ["validate", "convert"])
def test_english_messages_of_unreadable_inputs_stay_english(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, (path, code) in _inputs(tmp_path).items():
        with _small_limits():
            status = main([command, str(path), "--lang", "en"])
        _, err = capsys.readouterr()
        assert status == 2, name
        english = READ_ERRORS[code].en.split("{")[0][:12]
        assert english in err, (name, err)
        assert not re.search(r"[\u4e00-\u9fff]", err), (name, err)


def test_validate_json_gives_the_error_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    status = main(["validate", str(tmp_path / "missing.pdf"), "--format", "json"])
    out, _ = capsys.readouterr()
    assert status == 2
    (entry,) = json.loads(out)["reports"]
    assert entry["error_code"] == "file.not_found" and "no such file" in entry["error"]


class _StubbornPlugin:
    """A third-party reader that raises with its own English text and no code."""

    @staticmethod
    @hookimpl
    def register_readers(register: Callable[[Reader], None]) -> None:
        def load() -> Callable[[bytes, str], object]:
            def read(data: bytes, name: str) -> object:
                raise gr.ReportReadError(name, "the ABC header is damaged", place="block 7")

            return read

        register(Reader("abc", load=load, suffixes=(".abc",)))


def test_a_plugin_error_without_a_code_keeps_its_text_in_the_chinese_framing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.abc"
    path.write_bytes(b"ABC")
    with registered_plugin(_StubbornPlugin(), "stubborn"):
        status = main(["validate", str(path)])
        _, err = capsys.readouterr()
        assert status == 2
        assert err.strip() == f"{path}（block 7）：无法读取：the ABC header is damaged"
        main(["validate", str(path), "--lang", "en"])
        _, err = capsys.readouterr()
        assert err.strip() == f"{path} (block 7): error read.failed the ABC header is damaged"
