"""Pytest fixtures for plugin authors: ``pytest_plugins = ["govinfo_report.testing.fixtures"]``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from ..plugins import Registry
from .plugin import registered_plugin


@pytest.fixture
def govinfo_plugin() -> Iterator[Callable[..., Registry]]:
    """Call ``govinfo_plugin(module, name="...")`` to make a plugin active for this test only."""
    with ExitStack() as stack:

        def register(plugin: object, name: str = "test-plugin") -> Registry:
            return stack.enter_context(registered_plugin(plugin, name))

        yield register
