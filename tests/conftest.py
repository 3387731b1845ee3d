from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Profiles: "default" is quick for local runs, "ci" a little deeper, "heavy" on demand
# (HYPOTHESIS_PROFILE=heavy python -m pytest).
settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "heavy", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default")
)

REPO = Path(__file__).resolve().parents[1]
# The real reports the tests need travel with the repository (tests/corpus/README.md says where
# each came from); tests/test_corpus_copy.py checks them against the team's ../shared/corpus.
REPO_CORPUS = REPO / "tests" / "corpus"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
CORPUS = Path(os.environ.get("GOVINFO_REPORT_CORPUS", REPO_CORPUS))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The corpus of real reports (``tests/corpus``, or ``$GOVINFO_REPORT_CORPUS``)."""
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the corpus is required in CI but {CORPUS} does not exist")
        pytest.skip(f"corpus not found at {CORPUS} (set GOVINFO_REPORT_CORPUS)")
    return CORPUS


# Likewise the damaged forms of real reports (tests/corpus-next, a copy of ../shared/corpus-next).
REPO_CORPUS_NEXT = REPO / "tests" / "corpus-next"
CORPUS_NEXT = Path(os.environ.get("GOVINFO_REPORT_CORPUS_NEXT", REPO_CORPUS_NEXT))


@pytest.fixture(scope="session")
def corpus_next() -> Path:
    """Real documents in the damaged forms users hand us (PDF-viewer copies, converters' Markdown),
    held to the same standard as :func:`corpus` (``tests/corpus-next``, or
    ``$GOVINFO_REPORT_CORPUS_NEXT``)."""
    if not CORPUS_NEXT.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"corpus-next is required in CI but {CORPUS_NEXT} does not exist")
        pytest.skip(f"corpus-next not found at {CORPUS_NEXT} (set GOVINFO_REPORT_CORPUS_NEXT)")
    return CORPUS_NEXT
