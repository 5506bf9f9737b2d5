"""The example reader in examples/ is what the current code builds from its list."""

from __future__ import annotations

from pathlib import Path

import pytest

from citekit.course.build import build_from_file
from citekit.course.html import render_html
from citekit.course.markdown import render_markdown

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "us-north-korea-diplomacy"


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("reader.html", lambda reader: render_html(reader, paper="a4")),
        ("reader.md", render_markdown),
    ],
)
def test_the_example_rebuilds_byte_identically(name: str, render: object) -> None:
    reader = build_from_file(EXAMPLE / "reading-list.toml")
    expected = (EXAMPLE / name).read_bytes()
    built = render(reader).encode("utf-8")  # type: ignore[operator]
    assert built == expected, (
        f"examples/us-north-korea-diplomacy/{name} is stale: run bash examples/build.sh"
    )
