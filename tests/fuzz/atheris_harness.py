"""Coverage-guided fuzzing of one target with atheris (libFuzzer for Python).

Usage::

    pip install atheris
    python tests/fuzz/atheris_harness.py read-bibtex -atheris_runs=200000 -max_len=10000

The first argument names a target of fuzz_targets.py; the rest go to
libFuzzer (``-runs``/``-atheris_runs``, ``-max_total_time``, ``-jobs``,
a corpus folder...).  Without a corpus folder the target's seeds are
written to a fresh one under /tmp, so libFuzzer starts from real
bibliographies rather than from nothing.  A failure stops the run and
libFuzzer writes the input as ``crash-<sha1>`` in the working directory;
run it again with ``python tests/fuzz/atheris_harness.py TARGET crash-...``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["citekit"]):
    import citekit
    import citekit.course.build
    import citekit.documents.rendering
    import citekit.formats.bibtex
    import citekit.formats.citesyntax
    import citekit.formats.csljson
    import citekit.formats.cslyaml
    import citekit.formats.ris
    import citekit.server  # noqa: F401

import fuzz_corpus  # noqa: E402
import fuzz_targets  # noqa: E402


def _seed_corpus(kind: str) -> str:
    folder = Path(tempfile.mkdtemp(prefix=f"citekit-atheris-{kind}-"))
    for index, seed in enumerate(fuzz_corpus.seeds_for(kind)):
        (folder / f"seed-{index:05d}").write_bytes(seed)
    return str(folder)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in fuzz_targets.TARGETS:
        sys.exit(
            f"usage: {sys.argv[0]} TARGET [libFuzzer options] [corpus]\n"
            f"targets: {', '.join(fuzz_targets.TARGETS)}"
        )
    name = sys.argv.pop(1)
    function, kind, _ = fuzz_targets.TARGETS[name]
    fuzz_targets.prepare()
    if not any(not arg.startswith("-") for arg in sys.argv[1:]):
        sys.argv.append(_seed_corpus(kind))
    if not any(arg.startswith("-max_len") for arg in sys.argv[1:]):
        sys.argv.append(f"-max_len={fuzz_corpus.MAX_INPUT}")
    atheris.Setup(sys.argv, function)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
