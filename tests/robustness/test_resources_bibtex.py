"""The BibTeX reader's pathological inputs end quickly and small, each in its own process.

Every case of the reliability campaign that exhausted memory, the stack or
the clock (issue 12) runs in a subprocess limited to 500 MB of address
space and 5 s of CPU time after imports (CPU time, not wall time, so a busy
machine does not make the test flaky); it must end with a result, and with
the clear diagnostic the case calls for.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest

MEMORY = 500 * 1024 * 1024
CPU_SECONDS = 5

CHILD = f"""
import json, resource, sys
from citekit.formats import read_string
text = sys.stdin.read()
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))
used = resource.getrusage(resource.RUSAGE_SELF)
limit = int(used.ru_utime + used.ru_stime) + {CPU_SECONDS}
resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
result = read_string(text, "biblatex", filename="p.bib")
print(json.dumps({{
    "keys": list(result.library.keys()),
    "errors": sorted({{d.code for d in result.errors}}),
    "codes": sorted({{d.code for d in result.diagnostics}}),
}}))
"""


def string_doubling() -> str:
    """626 bytes whose macros, expanded when defined, would need more than 5 GB."""
    chain = "".join(f"@string{{s{k}=s{k - 1}#s{k - 1}}}\n" for k in range(1, 31))
    return '@string{s0="ab"}\n' + chain + "@misc{k, title = s30}\n@misc{after, title = {A}}\n"


def crossref_chain(n: int) -> str:
    links = "".join(f"@misc{{e{k}, crossref = {{e{k + 1}}}, f{k} = {{v}}}}\n" for k in range(n))
    return links + f"@misc{{e{n}, title = {{T}}}}\n@misc{{after, title = {{A}}}}\n"


def xdata_chain(n: int) -> str:
    links = "".join(f"@xdata{{x{k}, xdata = {{x{k + 1}}}, f{k} = {{v}}}}\n" for k in range(n))
    return links + f"@xdata{{x{n}, title = {{T}}}}\n@misc{{after, xdata = {{x0}}}}\n"


def nested_accents(n: int) -> str:
    return "@misc{k, title = {" + "\\'{" * n + "}" * n + "}}\n@misc{after, title = {A}}\n"


def nested_braces(n: int) -> str:
    return "@misc{k, title = " + "{" * n + "x" + "}" * n + "}\n@misc{after, title = {A}}\n"


def braced_names(n: int) -> str:
    """Splitting names on "and" used to recount the braces before each "and"."""
    names = " and ".join(["{A} B"] * n)
    return "@misc{k, author = {" + names + "}}\n@misc{after, title = {A}}\n"


def huge_year() -> str:
    return "@misc{k, year = {" + "1" * 5000 + "}}\n@misc{after, title = {A}}\n"


# name -> (input, keys that must be read, error codes that must be reported)
CASES: dict[str, tuple[Callable[[], str], set[str], set[str]]] = {
    "string-doubling-chain": (string_doubling, {"k", "after"}, {"macro-too-large"}),
    "crossref-chain-994": (
        lambda: crossref_chain(994),
        {"e0", "e994", "after"},
        {"inheritance-too-deep"},
    ),
    "crossref-chain-1000": (
        lambda: crossref_chain(1000),
        {"e0", "e1000", "after"},
        {"inheritance-too-deep"},
    ),
    "xdata-chain-700": (lambda: xdata_chain(700), {"after"}, {"inheritance-too-deep"}),
    "xdata-chain-1000": (lambda: xdata_chain(1000), {"after"}, {"inheritance-too-deep"}),
    "nested-accents-40000": (lambda: nested_accents(40_000), {"k", "after"}, {"nesting-too-deep"}),
    "nested-accents-100000": (
        lambda: nested_accents(100_000),
        {"k", "after"},
        {"nesting-too-deep"},
    ),
    "nested-braces-100000": (lambda: nested_braces(100_000), {"k", "after"}, set()),
    "year-of-5000-digits": (huge_year, {"k", "after"}, set()),
    "braced-names-20000": (lambda: braced_names(20_000), {"k", "after"}, set()),
}


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_input_ends_within_5_s_and_500_mb(name: str) -> None:
    make, keys, errors = CASES[name]
    text = make()
    done = subprocess.run(
        [sys.executable, "-c", CHILD], input=text, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, (
        f"{name}: exit {done.returncode} (killed by the CPU or memory limit?)\n"
        f"{done.stderr[-2000:]}"
    )
    summary = json.loads(done.stdout)
    assert keys <= set(summary["keys"]), summary
    assert set(summary["errors"]) == errors, summary
    assert "entry-error" not in summary["codes"], summary
