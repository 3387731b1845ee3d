"""govinfo_report plugin: .doc, .wps, .rtf and .odt reports, converted by LibreOffice.

Government sites still publish annual reports as Word 97 ``.doc`` and WPS ``.wps`` files. This reader
has LibreOffice (``soffice --headless --convert-to docx``) turn the file into a .docx and hands that
to the library's own docx reader, so tables, merged cells and paragraphs are read exactly as in a
.docx; every cell's provenance names the original file.

Each conversion runs in its own temporary folder with its own LibreOffice profile
(``-env:UserInstallation``): conversions in parallel processes or threads never share state, and a
conversion that exceeds the time budget (``Limits.max_seconds``) is killed with its
process group. Without LibreOffice the reader raises :class:`~govinfo_report.ReportReadError`
saying how to install it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from govinfo_report import ReportReadError
from govinfo_report.document import Document
from govinfo_report.formats.docx import read_docx
from govinfo_report.hookspecs import hookimpl
from govinfo_report.limits import current_limits
from govinfo_report.plugins import Reader

__version__ = "0.1.0"
__all__ = ["SOFFICE_ENV", "convert_to_docx", "find_soffice", "read_office"]

SOFFICE_ENV = "GOVINFO_REPORT_SOFFICE"
"""Environment variable naming the LibreOffice program, when it is not ``soffice`` on the PATH."""

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc and WPS .wps
_RTF = b"{\\rtf"
_ZIP = b"PK\x03\x04"
_ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"
SUFFIXES = (".doc", ".wps", ".rtf", ".odt")
_NO_BUDGET_SECONDS = 600.0
_INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; "
    "others: https://www.libreoffice.org), or set "
    f"{SOFFICE_ENV} to its soffice program, or save the file as .docx"
)


def _kind(head: bytes) -> str | None:
    """The format the first bytes show: ``"ole2"``, ``"rtf"``, ``"odt"`` or ``None``."""
    if head.startswith(_OLE2):
        return "ole2"
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(_RTF):
        return "rtf"
    if head.startswith(_ZIP) and _ODT_MIMETYPE in head[:200]:
        return "odt"
    return None


def _sniff(head: bytes, name: str) -> float:
    if _kind(head) is not None:
        return 0.9
    # A ".doc" that is really a web page or text (sites do this) is left to those readers.
    return 0.3 if name.lower().endswith(SUFFIXES) else 0.0


def find_soffice() -> str | None:
    """The LibreOffice program: ``$GOVINFO_REPORT_SOFFICE``, else ``soffice``/``libreoffice``."""
    configured = os.environ.get(SOFFICE_ENV)
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _suffix(data: bytes, name: str) -> str:
    """The suffix LibreOffice should see: the name's when it is one of ours, else the content's."""
    lowered = name.lower()
    for suffix in SUFFIXES:
        if lowered.endswith(suffix):
            return suffix
    return {"ole2": ".doc", "rtf": ".rtf", "odt": ".odt"}.get(_kind(data[:512]) or "", ".doc")


def convert_to_docx(data: bytes, name: str, *, timeout: float | None = None) -> bytes:
    """The .docx LibreOffice makes of ``data`` (named ``name`` in messages).

    Raises :class:`ReportReadError` when LibreOffice is missing, fails, or runs past ``timeout``
    seconds (default: the time budget of the limits in force).
    """
    soffice = find_soffice()
    if soffice is None:
        raise ReportReadError(name, code="office.no_libreoffice", detail=_INSTALL_HINT)
    if timeout is None:
        budget = current_limits().max_seconds
        timeout = budget if budget else _NO_BUDGET_SECONDS
    with tempfile.TemporaryDirectory(prefix="govinfo-office-") as work:
        folder = Path(work)
        source = folder / f"input{_suffix(data, name)}"
        source.write_bytes(data)
        command = [
            soffice,
            # A private profile per call: parallel conversions never share (or lock) one.
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, so a timeout kills it all
            )
        except OSError as exc:
            raise ReportReadError(
                name, code="office.cannot_start", program=soffice, detail=str(exc)
            ) from exc
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ReportReadError(name, code="office.timeout", seconds=timeout) from None
        except BaseException:  # the library's time budget (max_seconds) or Ctrl-C: no orphan
            _kill_group(process)
            raise
        target = folder / "out" / "input.docx"
        if process.returncode != 0 or not target.is_file():
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise ReportReadError(
                name, code="office.failed", status=process.returncode, detail=detail[0]
            )
        return target.read_bytes()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.communicate()


def read_office(data: bytes, name: str) -> Document:
    """Read a .doc, .wps, .rtf or .odt report: LibreOffice converts it, the docx reader reads it.

    Provenance (and every message) names ``name``, the original file, not the converted one.
    """
    limit = current_limits().max_input_bytes
    if len(data) > limit:  # bounded before LibreOffice spends time on it
        raise ReportReadError(name, code="input.too_large", size=len(data), limit=limit)
    if _kind(data[:512]) is None:  # never hand LibreOffice whatever it would open as text
        raise ReportReadError(name, code="office.unknown_kind")
    return read_docx(convert_to_docx(data, name), name)


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "office",
            load=lambda: read_office,
            suffixes=SUFFIXES,
            media_types=(
                "application/msword",
                "application/vnd.ms-works",
                "application/rtf",
                "application/vnd.oasis.opendocument.text",
            ),
            magic=(_OLE2, _RTF),
            sniff=_sniff,
            description="Word 97 .doc, WPS .wps, .rtf and .odt, converted by LibreOffice to .docx.",
        )
    )
