from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import govinfo_report_office as office
import pytest

import govinfo_report as gr
from govinfo_report.cli import main
from govinfo_report.limits import Limits
from govinfo_report.plugins import registry
from govinfo_report.testing import ReaderContract

DATA = Path(__file__).parent / "data"
SAMPLE_TRUTH = DATA / "sample-2023.cells.json"
needs_libreoffice = pytest.mark.skipif(
    office.find_soffice() is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed (CI installs it: .ci/run)",
)


@needs_libreoffice
class TestOfficeReader(ReaderContract):
    reader_name = "office"
    # sample-2023.wps holds the .doc's bytes (make_fixtures.py says why): read by the CLI test.
    samples: ClassVar[list[tuple[Path, Path | dict[str, Any]]]] = [
        (DATA / "sample-2023.doc", SAMPLE_TRUTH),
        (DATA / "sample-2023.rtf", SAMPLE_TRUTH),
        (DATA / "sample-2023.odt", SAMPLE_TRUTH),
        (DATA / "edition-2019.doc", DATA / "edition-2019.cells.json"),
    ]


def test_installed_through_the_entry_point() -> None:
    plugin = registry().plugins["office"]
    assert not plugin.builtin and plugin.version == "0.1.0"
    assert plugin.readers == ("office",)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sample-2023.doc", "office"),
        ("sample-2023.wps", "office"),
        ("sample-2023.rtf", "office"),
        ("sample-2023.odt", "office"),
    ],
)
def test_the_content_chooses_the_reader_whatever_the_name(name: str, expected: str) -> None:
    head = (DATA / name).read_bytes()[:4096]
    assert registry().choose(head, "download.bin").name == expected


def test_a_web_page_saved_as_doc_goes_to_the_html_reader() -> None:
    head = b"<html><head><meta charset='utf-8'></head><body><table></table></body></html>"
    assert registry().choose(head, "report.doc").name == "html"


@needs_libreoffice
def test_parallel_conversions_do_not_interfere_and_name_the_original_file() -> None:
    names = ["sample-2023.doc", "sample-2023.odt"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda n: gr.read(DATA / n).report, names))
    want = json.loads(SAMPLE_TRUTH.read_text(encoding="utf-8"))
    for name, report in zip(names, reports, strict=True):
        assert gr.to_cells(report) == want
        cell = report.cell("applications.received.total")
        assert cell.provenance.source is not None and cell.provenance.source.endswith(name)
        assert cell.provenance.table is not None


@needs_libreoffice
def test_the_command_line_reads_a_wps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(DATA / "sample-2023.wps"), "--to", "cells"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(SAMPLE_TRUTH.read_text("utf-8"))


def test_without_libreoffice_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(office.SOFFICE_ENV, str(tmp_path / "no-such-soffice"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(gr.ReportReadError) as error:
        gr.read(DATA / "sample-2023.doc")
    message = str(error.value)
    assert error.value.source.endswith("sample-2023.doc")
    assert "LibreOffice" in message and "apt-get install libreoffice-writer-nogui" in message


def test_cli_without_libreoffice_exits_2_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(office.SOFFICE_ENV, str(tmp_path / "no-such-soffice"))
    assert main(["validate", str(DATA / "sample-2023.wps")]) == 2
    err = capsys.readouterr().err
    assert "LibreOffice" in err and "Traceback" not in err


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    program = tmp_path / "fake-soffice"
    program.write_text(f"#!{sys.executable}\n{body}\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program


def test_a_conversion_past_the_budget_is_killed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    program = _fake_soffice(tmp_path, "import time\ntime.sleep(60)")
    monkeypatch.setenv(office.SOFFICE_ENV, str(program))
    with pytest.raises(gr.ReportReadError) as error:
        gr.read(DATA / "sample-2023.doc", limits=Limits(max_seconds=1))
    # read()'s own budget and the conversion's timeout are both 1 s: either may end it first.
    assert "within 1 seconds" in str(error.value) or "max_seconds" in str(error.value)


def test_a_failed_conversion_is_the_documented_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    program = _fake_soffice(
        tmp_path,
        "import sys\nprint('Error: source file could not be loaded', file=sys.stderr)\nsys.exit(1)",
    )
    monkeypatch.setenv(office.SOFFICE_ENV, str(program))
    with pytest.raises(gr.ReportReadError) as error:
        gr.read(DATA / "sample-2023.rtf")
    assert "could not be loaded" in str(error.value)


def test_each_conversion_gets_its_own_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log = tmp_path / "profiles.txt"
    program = _fake_soffice(
        tmp_path,
        "import sys\n"
        f"open({str(log)!r}, 'a').write(next(a for a in sys.argv if 'UserInstallation' in a) + '\\n')\n"
        "sys.exit(1)",
    )
    monkeypatch.setenv(office.SOFFICE_ENV, str(program))
    for _ in range(2):
        with pytest.raises(gr.ReportReadError):
            gr.read(DATA / "sample-2023.doc")
    profiles = log.read_text(encoding="utf-8").splitlines()
    assert len(profiles) == 2 and profiles[0] != profiles[1]
    assert all(p.startswith("-env:UserInstallation=file:///") for p in profiles)


def test_content_of_none_of_the_formats_is_refused_without_libreoffice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _: pytest.fail("LibreOffice must not be looked up"))
    with pytest.raises(gr.ReportReadError) as empty:
        gr.read(b"", name="x.doc", reader="office")
    assert empty.value.code == "input.empty"
    for data in ("不是报告".encode(), b"PK\x03\x04 some other zip"):
        with pytest.raises(gr.ReportReadError) as error:
            gr.read(data, name="x.doc", reader="office")
        assert "none of .doc, .wps, .rtf or .odt" in str(error.value)
        assert error.value.code == "office.unknown_kind"


def test_oversized_input_is_refused_before_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _: pytest.fail("LibreOffice must not be looked up"))
    with pytest.raises(gr.ReportReadError) as error:
        gr.read(DATA / "sample-2023.doc", limits=Limits(max_input_bytes=1000))
    assert "limit" in str(error.value)
