"""Regenerate the committed test documents: ``python tests/make_fixtures.py`` (needs LibreOffice).

Each document is the library's docx writer output for a report, saved by LibreOffice in another
format, with the report's cells as its truth:

- ``sample-2023.doc``, ``.rtf``, ``.odt``: the bundled sample (2021 edition), truth
  ``sample-2023.cells.json``;
- ``sample-2023.wps``: LibreOffice cannot write WPS; Kingsoft WPS saves its ``.wps`` in the same
  Word 97 binary (OLE2) format, so this is the ``.doc`` under a ``.wps`` name (the reader
  recognises both by content);
- ``edition-2019.doc``: a 2019-edition report with numbers in every cell, truth
  ``edition-2019.cells.json``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from govinfo_report_office import find_soffice

import govinfo_report as gr
from govinfo_report.testing.reports import uniform_report

HERE = Path(__file__).parent / "data"
SAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sample-2023.cells.json"


def save_as(docx: Path, formats: list[str], folder: Path) -> None:
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to make the fixtures")
    with tempfile.TemporaryDirectory() as profile:
        for target in formats:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={Path(profile).as_uri()}",
                    "--headless",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(folder),
                    str(docx),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )


def main() -> None:
    HERE.mkdir(exist_ok=True)
    sample = gr.read(SAMPLE).report
    older = uniform_report("2019", "4", agency="示例县人民政府", year=2020)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for stem, report in (("sample-2023", sample), ("edition-2019", older)):
            docx = folder / f"{stem}.docx"
            docx.write_bytes(gr.write(report, "docx"))
            formats = ["doc:MS Word 97"]
            if stem == "sample-2023":
                formats += ["rtf", "odt"]
            save_as(docx, formats, folder)
            for produced in folder.glob(f"{stem}.*"):
                if produced.suffix != ".docx":
                    shutil.copy(produced, HERE / produced.name)
            truth = json.dumps(gr.to_cells(report), ensure_ascii=False, indent=1) + "\n"
            (HERE / f"{stem}.cells.json").write_text(truth, encoding="utf-8")
    shutil.copy(HERE / "sample-2023.doc", HERE / "sample-2023.wps")


if __name__ == "__main__":
    main()
