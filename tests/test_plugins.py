"""Plugin discovery, ranking, allow/block lists, broken plugins, and the testing kit."""

from __future__ import annotations

import importlib.metadata
import inspect
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import govinfo_report as gr
from govinfo_report import hookspecs, plugins
from govinfo_report.cli import main
from govinfo_report.plugins import ReaderChoiceError, Registry, build_registry
from govinfo_report.testing import registered_plugin

pytest_plugins = ["govinfo_report.testing.fixtures"]

REPO = Path(__file__).resolve().parents[1]
HOOKS = [
    name
    for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("register_")
]


def fake_entry_points(monkeypatch: pytest.MonkeyPatch, **targets: str) -> None:
    points = [
        importlib.metadata.EntryPoint(name, f"plugin_samples:{target}", hookspecs.PROJECT)
        for name, target in targets.items()
    ]
    monkeypatch.setattr(plugins, "_entry_points", lambda: sorted(points, key=lambda e: e.name))


@pytest.fixture
def fresh_registry() -> Iterator[None]:
    previous = plugins.reset_registry(None)
    yield
    plugins.reset_registry(previous)


def test_nothing_is_loaded_at_import() -> None:
    import subprocess
    import sys

    code = (
        "import govinfo_report, sys; heavy = ('pluggy', 'attrs', 'cattrs', 'govinfo_report.validation')\n"
        "print(*(name in sys.modules for name in heavy))\n"
        "govinfo_report.read; print('pluggy' in sys.modules, govinfo_report.plugins._registry)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    # importing the package loads nothing heavy; using read() imports pluggy but builds no manager
    assert out.split() == ["False", "False", "False", "False", "True", "None"]


def test_builtins_register_through_the_hooks() -> None:
    registry = build_registry()
    builtin = registry.plugins[plugins.BUILTIN]
    assert builtin.builtin
    assert {"text", "json", "cells"} <= set(builtin.readers)
    assert {"json", "cells"} <= set(builtin.writers)
    assert "apply.wrong_cell" in builtin.rules


def test_entry_points_are_discovered_with_everything_they_register(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_entry_points(monkeypatch, alpha="alpha")
    registry = build_registry()
    info = registry.plugins["alpha"]
    assert (info.readers, info.writers, info.rules) == (("govx",), ("summary",), ("alpha.agency",))
    assert registry.readers["govx"].plugin == "alpha"
    assert "alpha.agency" in {c.code for c in registry.catalogue.codes()}


def test_allow_and_block_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(monkeypatch, alpha="alpha", beta="beta")
    monkeypatch.setenv("GOVINFO_REPORT_LOAD_PLUGINS", "beta")
    assert set(build_registry().plugins) == {plugins.BUILTIN, "beta"}
    monkeypatch.setenv("GOVINFO_REPORT_LOAD_PLUGINS", "")
    assert set(build_registry().plugins) == {plugins.BUILTIN}
    monkeypatch.delenv("GOVINFO_REPORT_LOAD_PLUGINS")
    monkeypatch.setenv("GOVINFO_REPORT_DISABLE_PLUGINS", "alpha, beta")
    assert set(build_registry().plugins) == {plugins.BUILTIN}
    monkeypatch.setenv("GOVINFO_REPORT_DISABLE_PLUGINS", "beta")
    assert set(build_registry().plugins) == {plugins.BUILTIN, "alpha"}


def test_broken_plugins_are_reported_by_name_and_the_rest_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_entry_points(
        monkeypatch,
        alpha="alpha",
        crash="broken_import",
        fails="broken_registration",
        dup="duplicate_name",
    )
    with pytest.warns(UserWarning) as warned:
        registry = build_registry()
    assert {"crash", "fails", "dup"} <= {str(w.message).split("'")[1] for w in warned}
    assert "failed to load" in (registry.plugins["crash"].error or "")
    assert "failed to register" in (registry.plugins["fails"].error or "")
    assert "already registered" in (registry.plugins["dup"].error or "")
    assert registry.writers["json"].plugin == plugins.BUILTIN
    assert "govx" in registry.readers


def _registry_with(*extra: tuple[str, object]) -> Registry:
    return build_registry(extra=extra)


def test_ranking_is_deterministic() -> None:
    import plugin_samples as samples

    registry = _registry_with(
        ("alpha", samples.alpha), ("beta", samples.beta), ("long", samples.longer)
    )
    # magic bytes beat a suffix; an explicit reader= beats everything
    assert registry.choose(b"GOVX....", "report.txt").name == "govx"
    assert registry.choose(b"GOVX....", "report.txt", reader="text").name == "text"
    # the longer suffix wins between equal scores
    assert registry.choose(b"", "a.special.tie").name == "long"
    assert registry.choose(b"", "a.tie").name == "beta"
    with pytest.raises(ReaderChoiceError, match="no reader named"):
        registry.choose(b"", "a.tie", reader="nope")
    with pytest.raises(ReaderChoiceError, match="no reader recognises"):
        registry.choose(b"\x00\x01", "a.bin")


def test_a_tie_between_third_parties_names_both() -> None:
    import plugin_samples as samples

    registry = _registry_with(("beta", samples.beta), ("gamma", samples.gamma))
    with pytest.raises(
        ReaderChoiceError, match=r"'beta' \(plugin beta\) and 'gamma' \(plugin gamma\)"
    ):
        registry.choose(b"", "a.tie")
    explained = registry.explain(b"", "a.tie")
    assert [c.reader.name for c in explained[:2]] == ["beta", "gamma"]
    assert {c.reader.name for c in explained} == set(registry.readers)


def test_registered_plugin_and_fixture(
    govinfo_plugin: Callable[..., Registry], tmp_path: Path
) -> None:
    import plugin_samples as samples

    with registered_plugin(samples.alpha, name="alpha"):
        report = gr.read(REPO / "examples" / "sample-2023.cells.json").report
        assert gr.write(report, "summary") == "示例县人民政府 2023\n".encode()
        unnamed, _ = gr.build_report("2021", {})
        assert "alpha.agency" in {f.code for f in gr.validate(unnamed)}
    assert "summary" not in plugins.registry().writers
    govinfo_plugin(samples.alpha, name="alpha")
    assert "summary" in plugins.registry().writers


def test_cli_plugins_listing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    fake_entry_points(monkeypatch, alpha="alpha")
    assert main(["plugins", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in listed] == ["alpha"]
    assert main(["plugins", "--all", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    builtin = next(p for p in listed if p["builtin"])
    assert {"text", "json", "cells"} <= set(builtin["readers"])
    assert main(["plugins", "--all"]) == 0
    assert "readers: govx" in capsys.readouterr().out


def test_every_hook_is_documented_with_signature_and_example() -> None:
    assert HOOKS == ["register_readers", "register_rules", "register_writers"]
    index = (REPO / "docs" / "plugins" / "index.md").read_text(encoding="utf-8")
    for hook in HOOKS:
        page = REPO / "docs" / "plugins" / f"{hook}.md"
        assert page.exists(), f"no docs page for the hook {hook}"
        assert f"({hook}.md)" in index, f"docs/plugins/index.md does not link {hook}"
        text = page.read_text(encoding="utf-8")
        signature = f"{hook}{inspect.signature(getattr(hookspecs, hook))}".replace("'", "")
        assert signature in text, f"{hook}: the documented signature differs from {signature}"
        assert f"def {hook}(" in text, f"{hook}: no example"


def test_every_hook_is_exercised_by_a_test_plugin() -> None:
    import plugin_samples as samples

    for hook in HOOKS:
        assert callable(getattr(samples.AlphaPlugin, hook, None)), f"{hook} has no test plugin"


def test_a_misspelt_hook_is_reported_by_name_and_left_out(
    monkeypatch: pytest.MonkeyPatch, fresh_registry: None, tmp_path: Path
) -> None:
    fake_entry_points(monkeypatch, alpha="alpha", typo="MisspeltHookPlugin")
    with pytest.warns(plugins.PluginWarning, match="register_writer") as warned:
        registry = plugins.registry()
    error = registry.plugins["typo"].error or ""
    assert "unknown hook 'register_writer'" in error and "register_writers" in error
    assert "misspelt" not in registry.writers and "govx" in registry.readers
    # the warning points at the plugin, not at a line inside the library
    assert all(not w.filename.endswith(".py") for w in warned)
    sample = tmp_path / "r.cells.json"
    sample.write_bytes((REPO / "examples" / "sample-2023.cells.json").read_bytes())
    assert gr.read(sample).report.meta.year == 2023
    assert main(["plugins"]) == 0


def test_a_plugin_that_registers_nothing_is_warned_about(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_entry_points(monkeypatch, empty="HooksOnlyInsideAClass")
    with pytest.warns(plugins.PluginWarning, match="registers nothing"):
        registry = build_registry()
    assert "registers nothing" in (registry.plugins["empty"].error or "")
    assert "module:Class" in (registry.plugins["empty"].error or "")


def test_the_reader_howto_code_works_as_an_installed_plugin(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import re
    import sys
    import warnings

    page = (REPO / "docs" / "howto" / "reader-plugin.md").read_text(encoding="utf-8")
    module_code = next(
        block for block in re.findall(r"```python\n(.*?)```", page, re.S) if "@hookimpl" in block
    )
    module_name = re.search(r"^# (\w+)\.py$", module_code, re.M)
    assert module_name is not None, "the how-to's plugin module names its file"
    toml = re.search(r"\[project\.entry-points\.govinfo_report\]\n(\w+) = \"([\w.:]+)\"", page)
    assert toml is not None
    (tmp_path / f"{module_name.group(1)}.py").write_text(module_code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    point = importlib.metadata.EntryPoint(toml.group(1), toml.group(2), hookspecs.PROJECT)
    monkeypatch.setattr(plugins, "_entry_points", lambda: [point])
    with warnings.catch_warnings():
        warnings.simplefilter("error", plugins.PluginWarning)
        registry = build_registry()
    assert registry.readers["portal"].plugin == toml.group(1)
    text = "PORTAL\n测试镇人民政府2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
    text += "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t1\t0\t5\n"
    result = gr.read(text.encode(), name="export.portal", plugins=registry)
    assert result.report.cell("active.rules.in_force").value == 5
    sys.modules.pop(module_name.group(1), None)


def test_plugins_all_lists_each_rule_code_once(
    capsys: pytest.CaptureFixture[str], fresh_registry: None
) -> None:
    assert main(["plugins", "--all", "--json"]) == 0
    builtin = next(p for p in json.loads(capsys.readouterr().out) if p["builtin"])
    assert len(builtin["rules"]) == len(set(builtin["rules"]))
    assert "rule.not_assessable" in builtin["rules"]


def test_the_plugins_page_lists_every_builtin_reader_and_writer() -> None:
    index = (REPO / "docs" / "plugins" / "index.md").read_text(encoding="utf-8")
    builtin = build_registry().plugins[plugins.BUILTIN]
    for name in (*builtin.readers, *builtin.writers):
        assert f"`{name}`" in index, f"docs/plugins/index.md does not name the built-in {name!r}"


def test_the_layout_module_is_documented_on_the_writers_page() -> None:
    from govinfo_report import layout

    page = (REPO / "docs" / "plugins" / "register_writers.md").read_text(encoding="utf-8")
    for name in ("official_tables", "official_grids"):
        assert callable(getattr(layout, name))
        assert name in layout.__all__
        assert f"govinfo_report.layout.{name}" in page or f"layout.{name}" in page


def test_no_docstring_names_a_function_that_does_not_exist() -> None:
    assert "testing.plugin()" not in inspect.getsource(plugins)
    assert "testing.plugin`" not in inspect.getsource(plugins)


def test_the_testing_kit_names_its_extra_when_hypothesis_is_missing() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "import importlib.util as u; real = u.find_spec\n"
        "u.find_spec = lambda n, *a: None if n == 'hypothesis' else real(n, *a)\n"
        "import govinfo_report.testing\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode != 0
    assert "ModuleNotFoundError" in run.stderr
    assert "pip install 'govinfo-report[testing]'" in run.stderr
    extras = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert "testing = [\n" in extras


def test_a_hook_with_wrong_arguments_is_reported_and_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_entry_points(monkeypatch, alpha="alpha", wrongarg="WrongArgumentPlugin")
    with pytest.warns(plugins.PluginWarning, match="wrongarg"):
        registry = build_registry()
    assert "reg" in (registry.plugins["wrongarg"].error or "")
    assert "wrongarg" not in registry.readers and "govx" in registry.readers
