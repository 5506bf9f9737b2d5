"""Locale files bundled with citeproc-py, for the test suite and as a default.

The engine itself does no I/O; this loader is what callers hand it when they
have no locale directory of their own.  Which file stands in for a tag is
:func:`citekit.locales.fallback_chain`'s decision, through
:func:`citekit.styles.locale_loader`, so the test suite and the command line
read the same files.
"""

from __future__ import annotations

from citekit.errors import StyleError
from citekit.styles import locale_loader


def bundled_locale_xml(lang: str) -> bytes | None:
    """The XML of the locale file for ``lang`` or its language's dialect (``de`` -> ``de-DE``).

    Never another language's file: the engine adds en-US itself.

    None when citeproc-py's locale files are missing: the engine then warns
    that it found no locale instead of failing.
    """
    try:
        return locale_loader(lang)
    except StyleError:  # pragma: no cover - citeproc-py is a dependency
        return None
