"""Entry-by-entry agreement with citeproc-js on the biblatex-examples references.

Each engine has a known-failures file (``reference_known_failures_<engine>.txt``,
lines ``style:id:bib|cite``).  An entry that disagrees without being listed
fails the test; so does a listed entry that now agrees, so the lists only
shrink.  The comparison itself is the benchmark's
(``benchmarks/reference_agreement.py``), so the figures it prints and this
test can never disagree.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from citekit.render import available_engines

ROOT = Path(__file__).resolve().parents[2]


def _benchmark() -> ModuleType:
    name = "citekit_reference_agreement_benchmark"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, ROOT / "benchmarks" / "reference_agreement.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


BENCHMARK = _benchmark()


@pytest.mark.slow
@pytest.mark.parametrize("style", BENCHMARK.STYLES)
@pytest.mark.parametrize("engine", available_engines())
def test_agreement_with_citeproc_js(shared: Path, engine: str, style: str) -> None:
    folder = shared / "reference" / "biblatex-examples"
    if not folder.is_dir():
        pytest.skip("reference/biblatex-examples is absent from the shared data")
    report = BENCHMARK.compare_style(style, folder, engine)
    assert report.bib_ok and report.cite_ok, "nothing was compared"
    known = {k for k in BENCHMARK.read_known_failures(engine) if k.startswith(f"{style}:")}
    failures = report.failures()
    unexpected = sorted(failures - known)
    fixed = sorted(known - failures)
    details = {
        f"{style}:{key}:{kind}": (expected, got) for key, kind, expected, got in report.mismatches
    }
    messages: list[str] = []
    if unexpected:
        messages.append(f"{len(unexpected)} entries no longer agree with citeproc-js:")
        for entry in unexpected:
            expected, got = details[entry]
            messages.append(
                f"  {entry}\n    expected: {BENCHMARK.normalise_html(expected)}"
                f"\n    got:      {BENCHMARK.normalise_html(got)}"
            )
    if fixed:
        messages.append(
            f"{len(fixed)} entries now agree; remove them from "
            f"{BENCHMARK.known_failures_path(engine).relative_to(ROOT)}: " + ", ".join(fixed)
        )
    assert not messages, "\n".join(messages)


def test_normalisation_follows_the_reference_readme() -> None:
    normalise = BENCHMARK.normalise_html
    assert (
        normalise(
            '  <div class="csl-entry">\n    <div class="csl-left-margin">[1]</div>'
            '<div class="csl-right-inline">A &#38; B</div>\n  </div>\n'
        )
        == "[1] A & B"
    )
    assert normalise("<i>x</i>  y") == "<i>x</i> y"
    assert BENCHMARK.normalise_text("e\u0301 \n x") == "\u00e9 x"
