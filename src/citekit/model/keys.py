"""The key-making rule: a citation key from a record by pattern, clash-free and stable.

Pattern language
================

A pattern is literal text with fields in braces; the default is
``{auth}{year}{shorttitle}`` (``Godel1931FormallyUndecidablePropositions``).

Fields:

``{auth}``
    The first author's family name, with its non-dropping particle
    (``vanderWaals``); the first editor's when there is no author; a
    literal (institutional) name in full (``WorldHealthOrganization``).
``{authors}``, ``{authorsN}``
    The family names of all authors, or of the first N followed by ``EtAl``
    when there are more.
``{year}``
    The year of ``issued`` (empty when undated).
``{title}``, ``{veryshorttitle}``
    The first significant word of the title (English stop words skipped).
``{shorttitle}``, ``{shorttitleN}``
    The first 3 (or N) significant words of the title.

Names keep their case (``vanderWaals``); each title word is capitalised
(``FormallyUndecidable``).  Modifiers follow a colon and apply in order:
``lower``, ``upper``, ``capitalize`` (each word: first letter upper case, the rest
lower), ``abbr`` (first letter of each word), and a number, which keeps
that many characters: ``{auth:lower:4}`` gives ``gode``.

Keys are ASCII: letters are transliterated (:func:`citekit.base.text.transliterate`:
NFKD without accents, and a table for ß, ø, æ, œ, ł, đ, þ, ð ...), and
characters without an ASCII form (CJK, for instance) are dropped; with
``ascii_only=False`` they are kept as they are (biber reads Unicode keys,
BibTeX does not).  A key that ends up
without a letter gets ``ref`` in front.  Characters BibTeX does not allow in
keys are removed.

Clashes get suffixes ``a`` ... ``z``, ``aa``, ``ab`` ...: the first record
keeps the bare key.  Keys are stable: a record whose id already is a usable
citation key keeps it unless ``rekey=True``; ids that are not keys (numbers,
URLs, empty, with spaces or BibTeX specials) are always replaced.

This module is the rule alone, below the formats (Zotero's reader keys the
items Better BibTeX has not keyed with it); renaming a library's records and
the keys in a .bib file's text are operations on top of it
(:mod:`citekit.ops.keys`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from citekit.base.text import strip_markup, transliterate
from citekit.model.records import Library, Name, Record

DEFAULT_PATTERN = "{auth}{year}{shorttitle}"

_STOP_WORD_TEXT = """
a about above after again against all an and any are as at be because been before
being below between both but by can could did do does doing down during each few for
from further had has have having he her here hers him his how i if in into is it its
itself just me more most my no nor not now of off on once only or other our out over
own same she should so some such than that the their them then there these they this
those through to too under until up very was we were what when where which while who
whom why will with would you your
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORD_TEXT.split())

_FIELD = re.compile(r"\{([a-z]+)(\d*)((?::[a-z0-9]+)*)\}")
_WORD = re.compile(r"[^\W_]+")
_NOT_KEY_CHAR = re.compile(r"[\s{}(),\\\"#%'=~@]")
_MODIFIERS = frozenset({"lower", "upper", "capitalize", "abbr"})
_FIELDS = frozenset({"auth", "authors", "year", "title", "veryshorttitle", "shorttitle"})


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _capitalize_word(word: str) -> str:
    return word[:1].upper() + word[1:]


def family_name(name: Name) -> str:
    """The family name with its non-dropping particle, as one word."""
    if name.literal is not None:
        return strip_markup(name.literal)
    return strip_markup(name.family_with_particle or name.given or "")


def _creators(record: Record) -> list[Name]:
    for variable in ("author", "editor", "collection-editor", "container-author"):
        names = record.names(variable)
        if names:
            return names
    return []


def _title_words(record: Record, count: int) -> list[str]:
    title = record.get("title") or record.get("title-short") or ""
    words = [w for w in _words(strip_markup(str(title))) if w.casefold() not in STOP_WORDS]
    return words[:count]


@dataclass(frozen=True, slots=True)
class _Field:
    """One ``{name N :modifiers}`` of a pattern."""

    name: str
    number: int | None
    modifiers: tuple[str, ...]

    def words(self, record: Record) -> list[str]:
        """The field's words before modifiers, untransliterated."""
        if self.name == "auth":
            names = _creators(record)
            return _words(family_name(names[0])) if names else []
        if self.name == "authors":
            names = _creators(record)
            shown = names if self.number is None else names[: self.number]
            words = [w for n in shown for w in _words(family_name(n))]
            if self.number is not None and len(names) > self.number:
                words += ["Et", "Al"]
            return words
        if self.name == "year":
            date = record.date("issued")
            year = date.year if date is not None else None
            return [str(year)] if year is not None else []
        if self.name in ("title", "veryshorttitle"):
            return _title_words(record, 1)
        return _title_words(record, self.number if self.number is not None else 3)

    def render(self, record: Record, ascii_only: bool) -> str:
        words = [transliterate(w, ascii_only=ascii_only) for w in self.words(record)]
        words = [w for w in words if w]
        if self.name in ("auth", "authors"):
            text = "".join(words)  # names as written: vanderWaals, McLeod
        else:
            text = "".join(_capitalize_word(w) for w in words)
        for modifier in self.modifiers:
            if modifier == "lower":
                text = text.lower()
            elif modifier == "upper":
                text = text.upper()
            elif modifier == "capitalize":
                text = "".join(w[:1].upper() + w[1:].lower() for w in words)
            elif modifier == "abbr":
                text = "".join(w[:1] for w in words)
            elif modifier.isdigit():
                text = text[: int(modifier)]
        return text


@dataclass(frozen=True, slots=True)
class KeyPattern:
    """A parsed pattern: literal text and fields, in order."""

    source: str
    parts: tuple[str | _Field, ...]

    @classmethod
    def parse(cls, pattern: str) -> KeyPattern:
        """Parse a pattern; unknown fields or modifiers raise ValueError."""
        parts: list[str | _Field] = []
        position = 0
        for match in _FIELD.finditer(pattern):
            if match.start() > position:
                parts.append(pattern[position : match.start()])
            name, number = match.group(1), match.group(2)
            modifiers = tuple(m for m in match.group(3).split(":") if m)
            if name not in _FIELDS:
                raise ValueError(f"unknown key field '{{{name}}}' in pattern {pattern!r}")
            if number and name not in ("authors", "shorttitle"):
                raise ValueError(f"'{{{name}}}' takes no number in pattern {pattern!r}")
            for modifier in modifiers:
                if modifier not in _MODIFIERS and not modifier.isdigit():
                    raise ValueError(
                        f"unknown modifier ':{modifier}' in pattern {pattern!r}; "
                        f"known: {', '.join(sorted(_MODIFIERS))} or a number"
                    )
            parts.append(_Field(name, int(number) if number else None, modifiers))
            position = match.end()
        if position < len(pattern):
            parts.append(pattern[position:])
        if any(isinstance(p, str) and ("{" in p or "}" in p) for p in parts):
            raise ValueError(f"unbalanced or malformed braces in pattern {pattern!r}")
        if not any(isinstance(p, _Field) for p in parts):
            raise ValueError(f"pattern {pattern!r} has no field")
        return cls(pattern, tuple(parts))

    def stem(self, record: Record, *, ascii_only: bool = True) -> str:
        """The key for a record before any clash suffix."""
        text = "".join(
            p.render(record, ascii_only)
            if isinstance(p, _Field)
            else transliterate(p, ascii_only=ascii_only)
            for p in self.parts
        )
        text = _NOT_KEY_CHAR.sub("", text)
        if not any(c.isalpha() for c in text):
            text = "ref" + text
        return text


def suffixes() -> Iterator[str]:
    """``a`` ... ``z``, ``aa`` ... ``zz``, ``aaa`` ...: like spreadsheet columns."""
    length = 1
    letters = "abcdefghijklmnopqrstuvwxyz"
    while True:
        indices = [0] * length
        while True:
            yield "".join(letters[i] for i in indices)
            position = length - 1
            while position >= 0 and indices[position] == 25:
                indices[position] = 0
                position -= 1
            if position < 0:
                break
            indices[position] += 1
        length += 1


def is_citation_key(key: object) -> bool:
    """Whether an id can stay a citation key: a non-numeric word without BibTeX specials."""
    return (
        isinstance(key, str)
        and bool(key)
        and not key.isdigit()
        and "://" not in key
        and not _NOT_KEY_CHAR.search(key)
    )


def new_keys(
    library: Library,
    pattern: str = DEFAULT_PATTERN,
    *,
    rekey: bool = False,
    ascii_only: bool = True,
    keep: Callable[[Record], bool] | None = None,
) -> dict[str, str]:
    """The keys ``pattern`` gives, as a map from each changed old key to its new key.

    A record keeps its key when ``rekey`` is False and the key is usable
    (:func:`is_citation_key`, or ``keep(record)`` when given); the others get
    the pattern's key, with a clash suffix when a key already kept or given
    has it.  The library is not changed.
    """
    parsed = KeyPattern.parse(pattern)
    keeps = keep or (lambda r: is_citation_key(r.id))
    fixed = {r.key for r in library if not rekey and keeps(r)}
    taken = set(fixed)
    renamed: dict[str, str] = {}
    for record in library:
        if record.key in fixed:
            continue
        stem = parsed.stem(record, ascii_only=ascii_only)
        candidate = stem
        if candidate in taken:
            candidate = next(stem + s for s in suffixes() if stem + s not in taken)
        taken.add(candidate)
        if candidate != record.key:
            renamed[record.key] = candidate
    return renamed


__all__ = [
    "DEFAULT_PATTERN",
    "STOP_WORDS",
    "KeyPattern",
    "family_name",
    "is_citation_key",
    "new_keys",
    "suffixes",
]
