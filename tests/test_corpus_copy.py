"""The real reports kept in ``tests/corpus`` are the team's shared corpus, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REPO_CORPUS = REPO / "tests" / "corpus"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"


def _documents(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` but its README, by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "README.md"
    }


def test_the_corpus_travels_with_the_repository() -> None:
    documents = _documents(REPO_CORPUS)
    assert any(name.startswith("seeds/") and name.endswith(".txt") for name in documents)
    assert any(name.startswith("real/") and name.endswith(".pdf") for name in documents)
    for name in documents:
        if name.count("/") == 1 and not name.endswith(".json"):
            folder, file = name.split("/")
            truth = f"{folder}/truth/{Path(file).stem}.json"
            assert truth in documents, f"{name} has no truth file"
    readme = (REPO_CORPUS / "README.md").read_text(encoding="utf-8")
    for name in documents:
        if "/truth/" not in name:
            assert Path(name).name.split("_")[0] in readme, (
                f"README does not say where {name} came from"
            )


def test_the_repository_copy_matches_the_shared_corpus() -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"no shared corpus at {SHARED_CORPUS} to compare with")
    shared = _documents(SHARED_CORPUS)
    ours = _documents(REPO_CORPUS)
    assert sorted(ours) == sorted(shared)
    changed = [name for name in shared if ours[name] != shared[name]]
    assert changed == []
