"""Every failure the fuzz campaign found, as a regression test.

Each input is the shortened reproducer of one distinct failure found
against main at 6300d34 (issue 12), run through the target that found it:
it must now pass the target's invariants (no uncaught exception, no silent
loss, a valid answer).  Findings still open are marked ``xfail`` with the
defect named; the marks are not strict, so a fix shows up as XPASS.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import fuzz_targets  # noqa: E402

OPEN: dict[str, str] = {}
"""Findings not fixed yet: id -> defect (remove the entry with the fix)."""

FINDINGS: list[tuple[str, str, bytes]] = [
    # -- the 1,000,000-input campaign of 2026-12-06 (seed 1) ------------------
    (
        "subtitle-after-punctuation",
        "roundtrip-csljson",
        b'[{"id":"a","type":"book","title":"Building bridges: )) the role"}]',
    ),
    # 5,000 nested '[@' took 1.3 s CPU: the bracket check searched from each '['
    (
        "nested-open-brackets",
        "document",
        b"---\ntitle: T\n---\n\nAs [@raimondo2017trump, p. 33] says, " + b"[@" * 4950,
    ),
    # the second 1,000,000-input run: a tag made by taking markup out
    ("tag-made-by-stripping", "roundtrip-csljson", b'{"id":"","e":"</<i>span>","":""}'),
    (
        "tag-made-by-stripping-yaml",
        "roundtrip-cslyaml",
        b"references:\n- id: o\n  y: </s<span>pan>",
    ),
    (
        "float-in-custom-yaml",
        "roundtrip-csljson",
        b'[{"id":"a","type":"book","custom":{"biblatex":56058.135608}}]',
    ),
    # -- crashes ---------------------------------------------------------------
    ("nbsp-in-bibtex-value", "read-bibtex", b"@misc{k, title = a\xc2\xa0# b}"),
    ("u001e-in-bibtex-value", "read-bibtex", b"@misc{k, title = o\x1ei}"),
    ("yaml-timestamp-tag", "read-cslyaml", b"- !!timestamp"),
    (
        "lone-surrogate-to-yaml",
        "roundtrip-csljson",
        b'[{"id":"a","type":"book","title":"\\ud800"}]',
    ),
    ("server-infinite-id", "server", b'{"id":1e999,"method":"nope"}'),
    ("long-csl-name", "document", b"---\ncsl: " + b"x" * 300 + b"\n---\n[@raimondo2017trump]\n"),
    # -- silent losses ---------------------------------------------------------
    ("unbalanced-brace-title", "roundtrip-bibtex", b'@misc{k, title = "{{b"}'),
    ("unbalanced-brace-url", "roundtrip-bibtex", b'@misc{k, url = "http://a}b"}'),
    ("backtick", "roundtrip-csljson", b'[{"id":"a","type":"book","title":"a`b"}]'),
    ("backslash-from-ris", "roundtrip-ris", b"TY  - JOUR\nID  - a\nTI  - a\\u0000b\nER  - \n"),
    (
        "lowercase-family",
        "roundtrip-csljson",
        b'[{"id":"a","type":"book","author":[{"family":"van der Vlist","given":"Eric"}]}]',
    ),
    (
        "repr-in-bibtex",
        "roundtrip-csljson",
        b'[{"id":"a","type":"book","note":{"a":1},"page":true,"volume":[]}]',
    ),
    ("none-in-bibtex", "roundtrip-cslyaml", b"- id: a\n  type: book\n  note:\n"),
    ("literal-date", "roundtrip-bibtex", b"@book{k, title={T}, date={Hicks}}"),
    (
        "empty-date-parts",
        "roundtrip-csljson",
        b'[{"id":"a","type":"book","issued":{"date-parts":[[]]}}]',
    ),
    (
        "date-season-text",
        "roundtrip-csljson",
        b'[{"id":"a","type":"book","accessed":{"date-parts":[[2013,1,30]],"season":"x"}}]',
    ),
    (
        "crossref-empty-field",
        "roundtrip-bibtex",
        b"@book{c, title={C}, crossref={p}, publisher={}}\n@book{p, title={P}, publisher={IEEE}}\n",
    ),
    ("empty-field-refilled", "roundtrip-bibtex", b"@misc{k, organization={E}, publisher={}}"),
    ("booktitle-lowercased", "roundtrip-csljson", b'[{"id":"a","container-title":"J C"}]'),
    ("language-tag", "roundtrip-csljson", b'[{"id":"a","type":"book","language":"en"}]'),
    (
        "empty-entry-type",
        "roundtrip-csljson",
        b'[{"id":"a","type":"book","custom":{"biblatex":{"@type":""}}}]',
    ),
    (
        "backslash-entry-type",
        "roundtrip-cslyaml",
        b"- id: I\n  custom:\n   biblatex:\n    '@type': \\\n",
    ),
    (
        "ris-date-range",
        "roundtrip-csljson",
        b'[{"id":"a","type":"book","issued":{"date-parts":[[2000,5],[2001,5]]}}]',
    ),
    ("ris-nocase-span", "roundtrip-bibtex", b"@misc{k, title={{C}}}"),
    ("ris-u2028-id", "roundtrip-csljson", '[{"id":"a\u2028b","type":"book"}]'.encode()),
    ("ris-empty-id", "roundtrip-csljson", b'[{"id":"","type":"book"}]'),
    ("ris-two-ep-lines", "roundtrip-ris", b"TY  - JOUR\nID  - a\nEP  - 5\nEP  - 6\nER  - \n"),
    ("superscript-year", "roundtrip-ris", b"TY  - JOUR\nID  - a\nPY  - \xc2\xb2017\nER  - \n"),
    ("bibtex-empty-key", "roundtrip-bibtex", b"@misc{,title={T}}"),
    # a harness bug: whitespace alone is no more than an absent field (BibTeX drops it)
    ("whitespace-title", "roundtrip-csljson", b'[{"id":"0","type":"book","title":" "}]'),
]


def _cases() -> list[object]:
    return [
        pytest.param(
            target,
            data,
            id=name,
            marks=[pytest.mark.xfail(reason=OPEN[name], strict=False)] if name in OPEN else [],
        )
        for name, target, data in FINDINGS
    ]


@pytest.fixture(autouse=True)
def _in_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fuzz_targets.sandbox())
    fuzz_targets.prepare(chdir=False)


@pytest.mark.parametrize(("target", "data"), _cases())
def test_finding_passes_its_target(target: str, data: bytes) -> None:
    fuzz_targets.TARGETS[target][0](data)
