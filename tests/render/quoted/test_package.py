"""The ``citekit.render.quoted`` package loads its modules on first use.

Every rendering runs the "quoted in" pass, but one that cites no quotation
record must not pay for loading the assembly, the entries, the layout
reader and the locale's words; these tests hold the package's lazy table
true to its names and check what a rendering of plain citations loads.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

quoted = importlib.import_module("citekit.render.quoted")

LATER = (
    "citekit.render.quoted.assembly",
    "citekit.render.quoted.entries",
    "citekit.render.quoted.forms",
    "citekit.render.quoted.layout",
    "citekit.render.quoted.pieces",
)


def test_every_public_name_is_in_the_lazy_table_and_resolves() -> None:
    assert set(quoted.__all__) == set(quoted._LAZY)
    for name in quoted.__all__:
        module = importlib.import_module(quoted._LAZY[name])
        assert getattr(quoted, name) is getattr(module, name), name
    assert set(quoted.__all__) <= set(dir(quoted))


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        _ = quoted.no_such_name
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("no AttributeError")


def _loaded_after(code: str) -> list[str]:
    watched = list(LATER)
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {watched!r} if m in sys.modules]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    loaded: list[str] = json.loads(run.stdout.strip().splitlines()[-1])
    return loaded


RECORDS = (
    "from citekit import Library, Record\n"
    "lib = Library([Record('doe2000', 'book', title='A Book',"
    " author=[{'family': 'Doe', 'given': 'J'}], issued={'date-parts': [[2000]]})])\n"
)


def test_citations_without_quotations_skip_the_later_steps() -> None:
    """As ``citekit cite`` renders them: citations only, no quotation record."""
    code = RECORDS + (
        "import citekit\n"
        "result = citekit.render(lib, 'apa', citations=['@doe2000'], bibliography=False)\n"
        "assert 'Doe' in result.citations[0], result"
    )
    assert _loaded_after(code) == []


def test_a_bibliography_loads_what_it_needs() -> None:
    code = RECORDS + (
        "import citekit\n"
        "result = citekit.render(lib, 'apa', citations=['@doe2000'], bibliography=True)\n"
        "assert result.bibliography, result"
    )
    assert "citekit.render.quoted.entries" in _loaded_after(code)
