"""The public API: what ``citekit.__all__`` promises exists, is documented and runs."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import citekit
from citekit.cli import main


def test_all_names_exist_and_are_importable() -> None:
    assert citekit.__all__, "citekit.__all__ is empty"
    assert len(set(citekit.__all__)) == len(citekit.__all__)
    namespace: dict[str, object] = {}
    exec("from citekit import *", namespace)
    for name in citekit.__all__:
        assert hasattr(citekit, name), name
        assert namespace[name] is getattr(citekit, name)


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in citekit.__all__
        if inspect.isclass(getattr(citekit, n)) or inspect.isfunction(getattr(citekit, n))
    ],
)
def test_public_functions_and_classes_have_docstrings(name: str) -> None:
    obj = getattr(citekit, name)
    doc = inspect.getdoc(obj)
    assert doc and doc.strip(), f"citekit.{name} has no docstring"
    if inspect.isclass(obj):
        # a class's docstring must be its own, not inherited from a base
        assert obj.__doc__ and obj.__doc__.strip(), f"citekit.{name} inherits its docstring"


@pytest.mark.parametrize(
    "module",
    [
        "citekit.model.records",
        "citekit.errors",
        "citekit.formats",
        "citekit.formats.csljson",
        "citekit.ops.check",
        "citekit.ops.query",
    ],
)
def test_module_all_lists_existing_names(module: str) -> None:
    loaded = importlib.import_module(module)
    assert loaded.__doc__, f"{module} has no module docstring"
    for name in getattr(loaded, "__all__", ()):
        assert hasattr(loaded, name), f"{module}.__all__ lists missing {name}"


@pytest.mark.parametrize(
    "module", ["citekit.formats.csljson", "citekit.ops.check", "citekit.ops.query"]
)
def test_module_public_callables_have_docstrings(module: str) -> None:
    loaded = importlib.import_module(module)
    undocumented = [
        name
        for name in loaded.__all__
        if (inspect.isfunction(getattr(loaded, name)) or inspect.isclass(getattr(loaded, name)))
        and not inspect.getdoc(getattr(loaded, name))
    ]
    assert undocumented == []


def test_version_is_a_string() -> None:
    assert isinstance(citekit.__version__, str) and citekit.__version__


def test_python_m_citekit_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "citekit", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    assert "Example" in result.stdout
    for name in main.commands:
        assert name in result.stdout


def test_core_commands_are_registered() -> None:
    assert {"convert", "check", "list", "show"} <= set(main.commands)


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_help_has_an_example(name: str) -> None:
    command = main.commands[name]
    with click.Context(
        command, info_name=name, parent=click.Context(main, info_name="citekit")
    ) as ctx:
        help_text = command.get_help(ctx)
    assert "Example" in help_text, f"'citekit {name} --help' has no Example"
    if isinstance(command, click.Group):
        for sub_name, sub in command.commands.items():
            with click.Context(sub, info_name=sub_name, parent=ctx) as sub_ctx:
                assert "Example" in sub.get_help(sub_ctx), f"'citekit {name} {sub_name}'"


def test_the_writing_tool_api_is_public() -> None:
    for name in ("Bibliography", "Citation", "Problem", "CitationDocument"):
        assert name in citekit.__all__, name
    assert {f.name for f in dataclasses.fields(citekit.Problem)} == {
        "code",
        "message",
        "key",
        "suggestions",
    }


def test_citekit_bib_still_lists_the_whole_library(repo_root: Path) -> None:
    # render() now lists only the cited works when citations are given; with
    # none (citekit bib), every record as before, as nocite="*" does.
    bib_file = str(repo_root / "references.bib")
    result = CliRunner().invoke(main, ["bib", bib_file, "--style", "apa", "--format", "json"])
    assert result.exit_code == 0, result.output
    ids = [entry["id"] for entry in json.loads(result.stdout)["bibliography"]]
    library = citekit.read(bib_file).library
    everything = citekit.render(library, "apa", citations=["@raimondo2000enemy"], nocite="*")
    assert len(ids) > 1 and ids == everything.bibliography_ids
    assert citekit.render(library, "apa", citations=["@raimondo2000enemy"]).bibliography_ids == [
        "raimondo2000enemy"
    ]


def test_citekit_bib_takes_keys_with_the_at_sign(repo_root: Path) -> None:
    # was: the right entry printed, plus "warning: unknown key '@raimondo2000enemy'" and exit 1
    result = CliRunner().invoke(
        main, ["bib", str(repo_root / "references.bib"), "@raimondo2000enemy", "--style", "apa"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Raimondo, J. (2000). An enemy of the state")
    assert "unknown key" not in result.output
