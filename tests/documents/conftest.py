"""Fixtures the document tests share: the real pandoc binaries."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest


def find_pandoc(major: int) -> str | None:
    """The pandoc of a major version: Debian's for 2, the pypandoc-binary wheel's for 3."""
    candidates = [p for p in (shutil.which("pandoc"), "/usr/bin/pandoc") if p]
    if major == 3:
        try:
            import pypandoc  # type: ignore[import-untyped,unused-ignore]

            candidates.insert(0, str(pypandoc.get_pandoc_path()))
        except (ImportError, OSError):
            pass
    for candidate in candidates:
        try:
            out = subprocess.run(
                [candidate, "--version"], capture_output=True, text=True, check=True, timeout=60
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        if out.split()[1].startswith(f"{major}."):
            return candidate
    return None


@pytest.fixture(params=[2, 3], ids=["pandoc2", "pandoc3"])
def real_pandoc(request: pytest.FixtureRequest) -> str:
    """Each pandoc major version in turn, or a skip saying which is missing."""
    return pandoc_or_skip(int(request.param))


@pytest.fixture(params=[2, 3], ids=["pandoc2", "pandoc3"])
def pandoc(request: pytest.FixtureRequest) -> str:
    """The same as :func:`real_pandoc`, under the name the filter's tests use."""
    return pandoc_or_skip(int(request.param))


def pandoc_or_skip(major: int) -> str:
    """The pandoc of a major version, or a skip saying which is missing."""
    found = find_pandoc(major)
    if found is None:
        pytest.skip(
            f"no pandoc {major}.x here (2.x: Debian's pandoc; 3.x: pip install pypandoc-binary)"
        )
    return found


PIQ_OVERRIDES: list[tuple[str, str]] = [
    ("", "en-US"),
    ('<locale><style-options punctuation-in-quote="false"/></locale>', "en-US"),
    ('<locale xml:lang="en"><style-options punctuation-in-quote="false"/></locale>', "en-US"),
    ('<locale xml:lang="en-GB"><style-options punctuation-in-quote="true"/></locale>', "en-GB"),
    ('<locale xml:lang="de"><style-options punctuation-in-quote="true"/></locale>', "de-DE"),
]
"""(a ``cs:locale`` block put into a note style, the document's ``lang``): styles that
leave, turn off and turn on CSL's ``punctuation-in-quote`` for a language, its dialect
or every language."""


@pytest.fixture(params=PIQ_OVERRIDES, ids=["as-is", "off", "off-en", "on-en-GB", "on-de"])
def piq_style(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """chicago-notes-bibliography with each override of ``punctuation-in-quote`` added
    after its ``<info>``, written as ``variant.csl`` in ``tmp_path``; and the language
    to try it in."""
    from citekit.styles.catalog import find_style

    block, lang = request.param
    xml = find_style("chicago-notes-bibliography").xml.decode("utf-8")
    path = tmp_path / "variant.csl"
    path.write_text(xml.replace("</info>", "</info>\n  " + block, 1), encoding="utf-8")
    return path, str(lang)


class Broken(Exception):
    """The failure :func:`rendering_fails` injects."""


@contextmanager
def rendering_fails() -> Iterator[None]:
    """Every way a CitationDocument renders raises :class:`Broken`: the engine
    session (which the document would fall back from) and render() itself."""

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise Broken

    with (
        mock.patch("citekit.render.csl.session.CslSession.process", fail),
        mock.patch("citekit.render.csl.session.CslSession.add_items", fail),
        mock.patch("citekit.documents.editor.render", fail),
    ):
        yield
