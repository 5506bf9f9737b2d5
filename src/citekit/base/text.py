"""Plain-text helpers shared by every layer: markup stripping, transliteration, folding.

Searching (``citekit list --search``), duplicate detection and citation keys
all compare what a person reads, not how a value is stored: CSL-JSON rich
text (``<span class="nocase">Trump</span>``), accents and letters without an
ASCII form (ß, ø, ł) must not decide whether two texts are "the same".  One
module keeps those rules in one place so that a search, a duplicate check
and a key agree on what a text is.  It imports nothing from citekit, so the
model, the formats and the operations can all use it.
"""

from __future__ import annotations

import re
import unicodedata

#: CSL-JSON's rich-text tags (``<i>``, ``<b>``, ``<sup>``, ``<sub>`` and any
#: ``<span ...>``, as in ``<span class="nocase">``), in any letter case.  A
#: ``<b`` that does not close as a tag ("a <b and c>") is text, not markup.
_MARKUP = re.compile(r"</?(?:i|b|sup|sub)>|<span\b[^<>]*>|</span>", re.IGNORECASE)

#: Letters NFKD leaves alone (they are not "letter + accent"), with the ASCII
#: a reader expects; apostrophes go so that "O'Brien" is "OBrien".
_TRANSLITERATION = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
        "ŋ": "ng",
        "Ŋ": "Ng",
        "ĸ": "q",
        "ŀ": "l",
        "Ŀ": "L",
        "ſ": "s",
        "’": "",
        "'": "",
    }
)
_NON_WORD = re.compile(r"[\W_]+")


def strip_markup(text: str) -> str:
    """Text without CSL-JSON's rich-text tags: what a reader sees, for comparing and showing."""
    if "<" not in text:
        return text
    return _MARKUP.sub("", text)


def transliterate(text: str, *, ascii_only: bool = True) -> str:
    """ASCII letters for a name or word: accents dropped, ß -> ss, ø -> o, ł -> l ...

    Characters without an ASCII form (CJK, for instance) are dropped, or
    kept as they are with ``ascii_only=False``.  Apostrophes are dropped.
    """
    # after NFKD, so compatibility letters ("ᴭ" is "Æ") are translated too
    text = unicodedata.normalize("NFKD", text).translate(_TRANSLITERATION)
    text = "".join(c for c in text if not unicodedata.combining(c))
    if ascii_only:
        text = text.encode("ascii", "ignore").decode("ascii")
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """The form two texts are compared in: what a search or a match should ignore is gone.

    No markup, no case, no accents (ß is ss, ø is o), no apostrophes, and
    every other run of punctuation or space is one space: "Müller,  <i>J.</i>"
    and "muller j" fold alike.  Characters without an ASCII form are kept.
    """
    if "<" in text:
        text = strip_markup(text)
    if not text.isascii():  # most texts are ASCII: skip the per-character work
        text = transliterate(text, ascii_only=False)
    elif "'" in text:
        text = text.replace("'", "")
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def balanced(text: str, opening: str = "{", closing: str = "}") -> bool:
    """Whether every ``closing`` closes an ``opening`` before it, and all are closed.

    Escapes are not considered: callers that honour them (BibTeX's
    backslash rules) count on their own.
    """
    depth = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


__all__ = ["balanced", "fold", "strip_markup", "transliterate"]
