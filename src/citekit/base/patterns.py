"""Module-level regular expressions compiled on first use: :func:`lazy_pattern`.

Compiling a pattern costs about a tenth of a millisecond, and citekit's
modules keep dozens of them at module level: the escapes of each output
format, the LaTeX commands a field may hold, the page-range rules, the
messages of a broken entry.  ``citekit cite`` imports all those modules and
uses a few of the patterns; compiling the others at import was a few
milliseconds of its start-up.

``_RANGE = lazy_pattern(globals(), r"...")`` stands for
``_RANGE = re.compile(r"...")``.  The first use of any attribute (``match``,
``sub``, ``pattern`` ...) compiles the pattern and puts the compiled one in
the module's namespace in its place, so from then on the module's functions
find the real :class:`re.Pattern` under that name: no call, no indirection
on a hot path, the same results.  Use it only for a pattern its module
reaches through the global name and calls methods of: one captured before
its first use (a default argument, ``_MATCH = _RANGE.match``, another
module's ``from ... import``) keeps the stand-in, which still answers
correctly but through one more attribute lookup, and ``re.sub(_RANGE, ...)``
or ``isinstance(_RANGE, re.Pattern)`` do not accept it.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    """Stands for a compiled pattern in a module namespace until its first use."""

    __slots__ = ("_compiled", "_flags", "_namespace", "_source")

    def __init__(self, namespace: dict[str, Any], source: str, flags: int) -> None:
        self._namespace = namespace
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def _compile(self) -> re.Pattern[str]:
        """The compiled pattern; the first call also puts it where this stand-in was."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
            names = [name for name, value in self._namespace.items() if value is self]
            for name in names:
                self._namespace[name] = compiled
        return compiled

    def __getattr__(self, name: str) -> Any:
        return getattr(self._compile(), name)

    def __repr__(self) -> str:
        return f"lazy_pattern({self._source!r}, {self._flags!r})"


def lazy_pattern(namespace: dict[str, Any], source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)`` on first use, kept at module level in ``namespace``.

    ``namespace`` is the calling module's ``globals()``; see the module doc
    for where the stand-in may go.
    """
    return cast("re.Pattern[str]", _LazyPattern(namespace, source, flags))


__all__ = ["lazy_pattern"]
