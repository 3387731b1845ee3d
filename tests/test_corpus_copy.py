"""The real reports kept in ``tests/corpus`` and ``tests/corpus-next`` are the team's shared
corpora, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REPO_CORPUS = REPO / "tests" / "corpus"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
REPO_CORPUS_NEXT = REPO / "tests" / "corpus-next"
SHARED_CORPUS_NEXT = REPO.parent / "shared" / "corpus-next"


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


def test_corpus_next_travels_with_the_repository() -> None:
    documents = _documents(REPO_CORPUS_NEXT)
    inputs = [name for name in documents if "/" not in name]
    assert len(inputs) >= 4
    readme = (REPO_CORPUS_NEXT / "README.md").read_text(encoding="utf-8")
    for name in inputs:
        assert f"truth/{Path(name).stem}.json" in documents, f"{name} has no truth file"
        assert name in readme, f"README does not say where {name} came from"


def test_the_repository_copy_matches_the_shared_corpus_next() -> None:
    if not SHARED_CORPUS_NEXT.is_dir():
        pytest.skip(f"no shared corpus-next at {SHARED_CORPUS_NEXT} to compare with")
    shared = _documents(SHARED_CORPUS_NEXT)
    ours = _documents(REPO_CORPUS_NEXT)
    assert sorted(ours) == sorted(shared)
    changed = [name for name in shared if ours[name] != shared[name]]
    assert changed == []
