"""Make a plugin active for the duration of a test, without installing it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..plugins import Registry, build_registry, reset_registry


@contextmanager
def registered_plugin(plugin: object, name: str = "test-plugin") -> Iterator[Registry]:
    """Register ``plugin`` (a module or object with ``@hookimpl`` functions) next to the installed
    plugins until the ``with`` block ends; yields the registry in force inside it."""
    registry = build_registry(extra=[(name, plugin)])
    previous = reset_registry(registry)
    try:
        yield registry
    finally:
        reset_registry(previous)
