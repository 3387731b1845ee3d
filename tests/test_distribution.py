"""What a user gets from the repository: the licence, the sdist, READMEs and docs that stand alone."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")  # Python 3.11+; 3.10 runs the rest
PLUGINS = sorted(p for p in (REPO / "plugins").iterdir() if (p / "pyproject.toml").is_file())


@pytest.mark.parametrize("project", [REPO, *PLUGINS], ids=lambda p: p.name)
def test_licence_is_mit_in_spdx_form_with_its_file(project: Path) -> None:
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["license"] == "MIT"
    for name in meta["license-files"]:
        assert (project / name).read_text(encoding="utf-8").startswith("MIT License")


@pytest.mark.parametrize("readme", [p / "README.md" for p in PLUGINS], ids=lambda p: p.parent.name)
def test_plugin_readmes_link_nothing_outside_their_package(readme: Path) -> None:
    # A package index shows the README alone: a relative link out of the package is dead there.
    assert re.findall(r"\]\((\.\./[^)]*)\)", readme.read_text(encoding="utf-8")) == []


def _clean_copy(project: Path, target: Path) -> Path:
    """The project's files without build leftovers: an egg-info left by an earlier build (every
    editable install makes one) lists files of its own, which would hide a gap in MANIFEST.in."""
    import shutil

    ignored = shutil.ignore_patterns(
        "*.egg-info", "build", "dist", "__pycache__", ".git", ".venv", "_build", ".hypothesis",
        "*.sqlite", ".pytest_cache", ".mypy_cache", ".ruff_cache",
    )  # fmt: skip
    shutil.copytree(project, target, ignore=ignored)
    return target


def test_sdist_carries_the_test_suite_and_builds_without_warnings(tmp_path: Path) -> None:
    source = _clean_copy(REPO, tmp_path / "source")
    build = subprocess.run(
        [
            sys.executable,
            "-W",
            "always",
            "-c",
            "import sys, setuptools.build_meta as b; print(b.build_sdist(sys.argv[1]))",
            str(tmp_path),
        ],
        cwd=source,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "license" not in build.stderr.lower(), build.stderr
    [sdist] = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in (
        "LICENSE",
        "tests/conftest.py",
        "tests/strategies_local.py",
        "tests/plugin_samples.py",
        "tests/fixtures/lo-2021.pdf",
        "tests/fixtures/make_fixtures.py",
        "tests/corpus/README.md",
        "tests/corpus/real/truth/huaian-2024.json",
        "tests/corpus-next/README.md",
        "tests/corpus-next/truth/huaian-2024-copied.json",
        "examples/reports/2023.txt",
        "docs/conftest.py",
    ):
        assert needed in names, f"{needed} missing from the sdist"
    assert not [name for name in names if name.endswith((".pyc", ".sqlite"))]


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_plugin_sdists_carry_their_tests_and_test_documents(plugin: Path, tmp_path: Path) -> None:
    source = _clean_copy(plugin, tmp_path / "source")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, setuptools.build_meta as b; b.build_sdist(sys.argv[1])",
            str(tmp_path),
        ],
        cwd=source,
        capture_output=True,
        check=True,
    )
    [sdist] = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    tests = {
        path.relative_to(plugin).as_posix()
        for path in (plugin / "tests").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert any(name.startswith("tests/data/") for name in tests)
    assert sorted(tests - names) == []


DOC_PAGES = [*sorted((REPO / "docs").rglob("*.md")), REPO / "README.md"]


@pytest.mark.parametrize("page", DOC_PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_docs_stand_alone(page: Path) -> None:
    if "_build" in page.parts:
        pytest.skip("build output")
    text = page.read_text(encoding="utf-8")
    assert "../examples" not in text, "paths must work from the repository root"
    assert "format.md" not in text, "format.md is not part of the repository"
    assert not re.search(r"pip install govinfo-report\b(?!-)", text), "not published on PyPI"


def test_sphinx_labels_and_footer() -> None:
    conf = (REPO / "docs" / "conf.py").read_text(encoding="utf-8")
    assert re.search(r'^language = "en"$', conf, re.M)
    assert re.search(r'^copyright = ".+"$', conf, re.M)
