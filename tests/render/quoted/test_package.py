"""The ``citekit.render.quoted`` package loads its modules on first use.

Every rendering runs the "quoted in" pass, but one that cites no quotation
record must not pay for loading the assembly, the entries, the layout
reader and the locale's words; these tests hold the package's lazy table
true to its names and check what a rendering of plain citations loads.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_a_bibliography_without_quotations_skips_the_later_steps() -> None:
    """Nothing to hide or relabel: neither the entries nor the layout reader load."""
    code = RECORDS + (
        "import citekit\n"
        "result = citekit.render(lib, 'apa', citations=['@doe2000'], bibliography=True)\n"
        "assert result.bibliography, result"
    )
    assert _loaded_after(code) == []


QUOTING = RECORDS + (
    "lib.add(Record('said', 'speech', author=[{'family': 'Roe', 'given': 'R'}],"
    " custom={'quotation': 'Words', 'quoted-in': 'doe2000'}))\n"
)


def test_a_bibliography_listing_a_quotation_loads_the_entries() -> None:
    code = QUOTING + (
        "import citekit\n"
        "result = citekit.render(lib, 'apa', citations=['@doe2000'],"
        " bibliography_keys=['doe2000', 'said'])\n"
        "assert 'Words' in result.bibliography[-1].text, result"
    )
    assert "citekit.render.quoted.entries" in _loaded_after(code)


def test_a_cited_quotation_reads_the_layout_for_the_bibliography() -> None:
    code = QUOTING + (
        "import citekit\n"
        "result = citekit.render(lib, 'apa', citations=['@said'], bibliography=True)\n"
        "assert result.bibliography, result"
    )
    assert "citekit.render.quoted.layout" in _loaded_after(code)


BIB = """@book{doe2000,
  author = {Doe, Jane},
  title = {A Book},
  publisher = {Press},
  year = {2000},
}

@article{roe2001,
  author = {Roe, Richard},
  title = {An Article},
  journal = {Journal},
  volume = {3},
  pages = {1--9},
  year = {2001},
}
"""


# Runs the command as ``python -m citekit`` does and writes the loaded modules' names
# at exit.  (``-X importtime`` would not do: it misses modules loaded through
# importlib.import_module, as the lazy packages load theirs.)
_PROBE = """
import atexit, json, runpy, sys
out, sys.argv = sys.argv[1], ["citekit", *sys.argv[2:]]
def dump():
    with open(out, "w", encoding="utf-8") as f:
        json.dump(sorted(sys.modules), f)
atexit.register(dump)
runpy.run_module("citekit", run_name="__main__", alter_sys=True)
"""


def _imported_by_bib(bib: Path, cache: Path, out: Path) -> set[str]:
    """The modules ``citekit bib`` has loaded when it exits, run in a fresh interpreter."""
    env = {**os.environ, "CITEKIT_CACHE_DIR": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, str(out), "bib", str(bib), "--style", "ieee"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    assert "Doe" in run.stdout, run.stdout
    loaded: list[str] = json.loads(out.read_text(encoding="utf-8"))
    return set(loaded)


def test_bib_without_quotations_does_not_import_lxml(tmp_path: Path) -> None:
    """With the parsed style in a warm disk cache, nothing in the command needs lxml.

    The first run fills the cache (it may parse the style with lxml); the
    second, the one measured, reads it back.
    """
    bib = tmp_path / "plain.bib"
    bib.write_text(BIB, encoding="utf-8")
    cache = tmp_path / "cache"
    first = _imported_by_bib(bib, cache, tmp_path / "first.json")
    assert "citekit.render.quoted.passes" in first  # the probe sees the pass itself
    warm = _imported_by_bib(bib, cache, tmp_path / "warm.json")
    assert "citekit.render.quoted.passes" in warm
    assert not {m for m in warm if m == "lxml" or m.startswith("lxml.")}, sorted(warm)
