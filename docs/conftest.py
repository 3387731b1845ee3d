"""Run every Python example of the docs (Sybil) from the repository root, where the docs say to run
them (paths such as ``examples/reports/2023.txt`` are relative to it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sybil import Sybil
from sybil.parsers.myst import PythonCodeBlockParser, SkipParser

REPO = Path(__file__).resolve().parents[1]


def _enter(namespace: dict[str, Any]) -> None:
    namespace["__previous_cwd"] = os.getcwd()
    os.chdir(REPO)


def _leave(namespace: dict[str, Any]) -> None:
    os.chdir(namespace["__previous_cwd"])


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(), SkipParser()],
    patterns=["*.md"],
    excludes=["_build/*"],
    setup=_enter,
    teardown=_leave,
).pytest()
