"""Module-level patterns compiled on first use (base/patterns.py)."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.base.patterns import lazy_pattern

SOURCES = (r"(\d+)\s*(?:--|-|\u2013)\s*(\d+)", r"^[ \t]*@(\w+)", r"\\([A-Za-z]+|.)")


def test_first_use_puts_the_compiled_pattern_in_its_place() -> None:
    namespace: dict[str, Any] = {}
    namespace["_RANGE"] = lazy_pattern(namespace, SOURCES[0])
    stand_in = namespace["_RANGE"]
    assert not isinstance(stand_in, re.Pattern)
    assert stand_in.search("pp. 33-35") is not None
    assert namespace["_RANGE"] is re.compile(SOURCES[0])  # re's own cache: the same object
    assert isinstance(namespace["_RANGE"], re.Pattern)


def test_a_captured_stand_in_keeps_answering() -> None:
    namespace: dict[str, Any] = {}
    namespace["_AT"] = lazy_pattern(namespace, SOURCES[1], re.MULTILINE)
    captured = namespace["_AT"]
    namespace["_AT"].pattern  # noqa: B018  (the first use)
    assert captured.findall("x\n@book{a}\n @misc{b}") == ["book", "misc"]
    assert captured.flags == re.compile(SOURCES[1], re.MULTILINE).flags
    assert "lazy_pattern" in repr(captured)


@settings(max_examples=60)
@given(
    index=st.integers(min_value=0, max_value=len(SOURCES) - 1),
    text=st.text(alphabet="0123456789-–@ \t\n\\abcXYZ{}", max_size=40),
    flags=st.sampled_from([0, re.MULTILINE, re.IGNORECASE]),
)
def test_answers_as_the_compiled_pattern_does(index: int, text: str, flags: int) -> None:
    namespace: dict[str, Any] = {}
    namespace["p"] = lazy_pattern(namespace, SOURCES[index], flags)
    compiled = re.compile(SOURCES[index], flags)
    first = namespace["p"]
    assert [m.span() for m in first.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert namespace["p"].sub("<\\g<0>>", text) == compiled.sub("<\\g<0>>", text)
    assert namespace["p"].split(text) == compiled.split(text)


def test_every_lazy_pattern_in_citekit_compiles() -> None:
    """A pattern compiled on first use fails on first use: compile them all here, so
    that a mistake in a rarely used one shows in the tests, not in a user's run."""
    import importlib
    from pathlib import Path

    import citekit

    root = Path(citekit.__file__).parent
    users = [
        ".".join(("citekit", *path.relative_to(root).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        for path in sorted(root.rglob("*.py"))
        if "lazy_pattern(globals()" in path.read_text(encoding="utf-8")
    ]
    assert users
    for name in users:
        module = importlib.import_module(name)
        for value in list(vars(module).values()):
            if type(value).__name__ == "_LazyPattern":
                assert isinstance(value.pattern, str)
    for name in users:
        module = importlib.import_module(name)
        assert not [v for v in vars(module).values() if type(v).__name__ == "_LazyPattern"]
