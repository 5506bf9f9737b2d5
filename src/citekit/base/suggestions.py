""" "Did you mean ...?" for unknown keys, styles, locales, types and labels.

Every message that names something unknown suggests the closest known
names.  They used to pick them with difflib at cutoffs from 0.4 to 0.6, so
the same typo got a suggestion in one command and none in the next; this is
the one rule, in the bottom layer so that ``ops``, ``styles``, ``render`` and
the CLI can all use it.
"""

from __future__ import annotations

from collections.abc import Iterable

SUGGESTION_CUTOFF = 0.6
"""How alike (difflib's ratio, 0 to 1) a known name must be to be suggested.

0.6 is difflib's own default and click's for unknown commands, so a typo in
a command name and in a style name is judged alike: one wrong or missing
letter in a short name (``apaa``, ``darwin1858``) passes, an unrelated word
(``zzzzzz``) does not.
"""


def _folded(name: str) -> str:
    return name.casefold().replace("_", "-")


def closest_matches(
    word: str, choices: Iterable[str], *, n: int = 3, cutoff: float = SUGGESTION_CUTOFF
) -> list[str]:
    """The at most ``n`` choices most like ``word``, best first.

    A choice that differs only in case or in ``_`` for ``-``
    (``DARWIN1859``, ``article_journal``) is the one suggestion: it is what
    was meant.  Otherwise difflib's closest matches, and when case hides
    every match (``Chicago-Autor-Date``), the closest ignoring case.
    """
    import difflib  # only a message with a suggestion needs it, not every command

    pool = list(dict.fromkeys(choices))
    folded: dict[str, str] = {}
    for choice in pool:
        folded.setdefault(_folded(choice), choice)
    same = folded.get(_folded(word))
    if same is not None and same != word:
        return [same]
    close = difflib.get_close_matches(word, pool, n=n, cutoff=cutoff)
    if not close:
        close = [
            folded[f]
            for f in difflib.get_close_matches(_folded(word), list(folded), n=n, cutoff=cutoff)
        ]
    return close


__all__ = ["SUGGESTION_CUTOFF", "closest_matches"]
