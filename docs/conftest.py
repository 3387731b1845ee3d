"""Run every Python example of the docs (Sybil), from the docs folder, on examples/reports/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sybil import Sybil
from sybil.parsers.myst import PythonCodeBlockParser, SkipParser

HERE = Path(__file__).parent


def _enter(namespace: dict[str, Any]) -> None:
    namespace["__previous_cwd"] = os.getcwd()
    os.chdir(HERE)


def _leave(namespace: dict[str, Any]) -> None:
    os.chdir(namespace["__previous_cwd"])


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(), SkipParser()],
    patterns=["*.md"],
    excludes=["_build/*"],
    setup=_enter,
    teardown=_leave,
).pytest()
