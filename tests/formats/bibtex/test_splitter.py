"""bibtexparser's splitter loaded without the package's ``__init__`` (formats/bibtex/splitter.py).

Each check runs in a fresh interpreter: the test process has long imported
bibtexparser the ordinary way, and the point is what happens before that.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run_fresh(code: str) -> object:
    """Run ``code`` in a new interpreter; it prints one JSON value, returned here."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


PACKAGE_NAMES = """
import json, bibtexparser
print(json.dumps(sorted(n for n in dir(bibtexparser) if not n.startswith("__"))))
"""


def test_reading_loads_no_middleware_nor_pylatexenc() -> None:
    loaded = run_fresh(
        "import json, sys\n"
        "from citekit.formats.bibtex import read\n"
        "read('@article{a, title={T}, year=2000}')\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.startswith(('bibtexparser', 'pylatexenc')))))"
    )
    assert isinstance(loaded, list)
    assert "bibtexparser.splitter" in loaded
    assert not [m for m in loaded if m.startswith(("pylatexenc", "bibtexparser.middlewares"))]


def test_package_completes_itself_when_asked_for_a_name() -> None:
    ordinary = run_fresh(PACKAGE_NAMES)
    after_reader = run_fresh("import citekit.formats.bibtex.reader\n" + PACKAGE_NAMES)
    assert after_reader == ordinary


@pytest.mark.parametrize(
    "statement",
    [
        "from bibtexparser import Library as found",
        "import bibtexparser; found = bibtexparser.parse_string",
        "from bibtexparser import model; found = model.Entry",
    ],
)
def test_later_imports_work_as_ordinary_ones(statement: str) -> None:
    code = (
        "import json\n"
        "import citekit.formats.bibtex.splitter as ours\n"
        f"{statement}\n"
        "import bibtexparser\n"
        "lib = bibtexparser.parse_string('@book{k, title={A}}')\n"
        "print(json.dumps([found.__name__, [e.key for e in lib.entries],"
        " bibtexparser.model.Entry is ours.Entry]))"
    )
    name, keys, same_model = run_fresh(code)  # type: ignore[misc]
    assert name in {"Library", "parse_string", "Entry"}
    assert keys == ["k"]
    assert same_model is True
