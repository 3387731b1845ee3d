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
CORPUS = Path(os.environ.get("GOVINFO_REPORT_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus of real reports; skipped with a reason when absent (never in CI)."""
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the corpus is required in CI but {CORPUS} does not exist")
        pytest.skip(
            f"corpus not found at {CORPUS} (set GOVINFO_REPORT_CORPUS or check out ../shared)"
        )
    return CORPUS
