"""Locale loaders: the CSL locale files citekit ships, or another folder of them.

The engine itself does no I/O; these loaders are what callers hand it.
Which file stands in for a tag is :func:`citekit.styles.language_tags.fallback_chain`'s
decision (through :func:`citekit.styles.catalog.locale_loader` for the shipped
files), so the test suite and the command line read files the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from citekit.errors import StyleError
from citekit.styles.catalog import locale_loader
from citekit.styles.language_tags import fallback_chain


def bundled_locale_xml(lang: str) -> bytes | None:
    """The XML of the locale file for ``lang`` or its language's dialect (``de`` -> ``de-DE``).

    Never another language's file: the engine adds en-US itself.

    None when the locale files are missing: the engine then warns that it
    found no locale instead of failing.
    """
    try:
        return locale_loader(lang)
    except StyleError:  # pragma: no cover - the files are package data
        return None


def folder_locale_loader(
    folder: Path, fallback: Callable[[str], bytes | None] | None = bundled_locale_xml
) -> Callable[[str], bytes | None]:
    """A loader reading ``locales-TAG.xml`` files from ``folder``, then ``fallback``.

    The CSL test suite was written against the locale files citeproc-js's
    test runner pins, which are older than the ones citekit ships
    (``BC`` before CSL gave era terms a leading space, ``Jun.``, ``tran.``);
    its runner hands the engine those files this way.  A language the
    folder lacks is asked of ``fallback``.
    """
    tags = frozenset(
        path.name[len("locales-") : -len(".xml")] for path in folder.glob("locales-*.xml")
    )

    @lru_cache(maxsize=64)
    def load(lang: str) -> bytes | None:
        chain = fallback_chain(lang, available=tags, english=False)
        if chain:
            return (folder / f"locales-{chain[0]}.xml").read_bytes()
        return fallback(lang) if fallback is not None else None

    return load
