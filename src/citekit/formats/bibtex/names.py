"""BibTeX name lists to CSL names and back.

The grammar is BibTeX's own (``First von Last``, ``von Last, First``,
``von Last, Jr, First``), applied to the raw LaTeX so that braces keep their
meaning: a word's case is the case of its first letter outside braces (or of
the letter inside a ``{\\'E}`` special character), and a brace group hides
its words from the grammar.  Parts are decoded to Unicode afterwards.

Mapping choices (compared with pandoc 2.17, which agrees on all of them
except where noted in the tests):

* a von part becomes a CSL ``dropping-particle``, or a ``non-dropping-particle``
  when the entry (or the name) sets biblatex's ``useprefix`` option, because
  that is what ``useprefix`` means: print "van" with "Gennep" in citations;
* a braced family that starts with lowercase words (``{van de Pol}``) is one
  family name, "van de Pol", as BibTeX treats a brace group (one word the
  name grammar does not look into); pandoc 2.17 splits off a
  ``non-dropping-particle`` "van de" instead, which sorts the name under "P"
  in styles that demote particles, against what the braces ask for;
* an apostrophe particle glued to the family (``d'Alembert``) becomes the
  non-dropping particle ``d'``;
* a name that is one brace group (``{National Audubon Society}``) is a
  literal name; ``and others`` becomes the literal name "others", as pandoc
  writes it, because CSL-JSON has no et-al marker;
* given names are kept as written: "C A Lindbergh" has given "C A";
* a romanised East Asian name that is written and printed family name first
  (Mao Zedong, Kim Il-sung) is marked with biblatex's extended name format
  and a per-name option ``static-ordering=true``
  (``family=Mao, given=Zedong, static-ordering=true``): CSL-JSON's
  ``static-ordering``, which styles honour by printing "Mao Zedong" in every
  position.  BibLaTeX itself has no such option (biber ignores it); a name in
  CJK script needs none, since CSL prints it family name first already.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from citekit.base.patterns import lazy_pattern
from citekit.formats.bibtex.latex import decode, encode
from citekit.model.records import Name

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_APOSTROPHE_PARTICLE = re.compile(r"^([a-z]{1,4}['’])(\S.*)$")
# Compiled on first use: only a name with an "=" is searched (see
# citekit.base.patterns).
_EXTENDED_KEY = lazy_pattern(
    globals(),
    r"^\s*(family|given|prefix|suffix|useprefix|giveni|familyi|static-ordering)\s*=",
    re.IGNORECASE,
)
# A special character ``{\\'E}``: its command and the letter it applies to.
_SPECIAL_LETTER = lazy_pattern(globals(), r"\{\\([A-Za-z]+|.)\s*\{?([A-Za-z]?)")
_TRUE = frozenset({"true", "", "1", "yes"})
OTHERS = "others"


def split_names(raw: str) -> list[str]:
    """Split a name list on ``and`` outside braces."""
    if "{" not in raw:
        return [p for p in _AND.split(" " + raw.strip() + " ") if p.strip()]
    names: list[str] = []
    start = 0
    depth = 0
    counted = 0  # the brace depth at ``counted`` is ``depth``
    for m in _AND.finditer(raw):
        depth += _brace_balance(raw, counted, m.start())
        counted = m.start()
        if depth == 0:
            names.append(raw[start : m.start()])
            start = m.end()
    names.append(raw[start:])
    return [n.strip() for n in names if n.strip()]


def _brace_balance(text: str, start: int, end: int) -> int:
    """Opening minus closing braces in ``text[start:end]``; one after a backslash is literal.

    Counted with ``str.count`` from the previous "and", so splitting a list of
    n names costs one pass over it, not one pass per name (20,000 braced
    names took minutes).
    """
    back = max(start - 1, 0)
    opening = text.count("{", start, end) - text.count("\\{", back, end)
    closing = text.count("}", start, end) - text.count("\\}", back, end)
    return opening - closing


def _split_top(text: str, seps: str) -> list[str]:
    """Split on any character of ``seps`` outside braces.

    Text without braces or backslashes (most names) is split at C speed;
    :func:`_scan_split_top` gives the same pieces for it.
    """
    if "{" in text or "}" in text or "\\" in text:
        return _scan_split_top(text, seps)
    if len(seps) == 1:
        return text.split(seps)
    return _separators(seps).split(text)


def _separators(seps: str) -> re.Pattern[str]:
    """A pattern matching any one character of ``seps`` (compiled once per ``seps``)."""
    pattern = _SEPARATORS.get(seps)
    if pattern is None:
        pattern = _SEPARATORS[seps] = re.compile("[" + re.escape(seps) + "]")
    return pattern


_SEPARATORS: dict[str, re.Pattern[str]] = {}


def _scan_split_top(text: str, seps: str) -> list[str]:
    """:func:`_split_top` for any text: braces counted, escaped characters skipped."""
    parts: list[str] = []
    depth = 0
    start = 0
    prev = ""
    for k, ch in enumerate(text):
        if ch == "{" and prev != "\\":
            depth += 1
        elif ch == "}" and prev != "\\":
            depth -= 1
        elif depth == 0 and ch in seps and prev != "\\":
            parts.append(text[start:k])
            start = k + 1
        prev = ch
    parts.append(text[start:])
    return parts


def _words(part: str) -> list[str]:
    if "{" not in part and "\\" not in part:
        return part.replace("~", " ").split()
    return [w for w in _split_top(part, " \t\n~") if w]


def _is_lower(word: str) -> bool | None:
    """BibTeX's notion of a word's case: True, False, or None (caseless).

    A word without braces (nearly every word of a name) is the case of its
    first letter; :func:`_scan_is_lower` reads braces and special characters.
    """
    if "{" in word or "}" in word:
        return _scan_is_lower(word)
    for ch in word:
        if ch.isalpha():
            return ch.islower()
    return None


def _scan_is_lower(word: str) -> bool | None:
    """:func:`_is_lower` for any word: the first letter outside braces, or of a
    special character ``{\\'E}``."""
    depth = 0
    k = 0
    n = len(word)
    while k < n:
        ch = word[k]
        if ch == "{":
            if depth == 0 and word.startswith("{\\", k):
                # A special character: the case of its first letter counts.
                m = _SPECIAL_LETTER.match(word, k)
                if m is not None:
                    command, letter = m.group(1), m.group(2)
                    if command.isalpha() and not letter:
                        return command[0].islower()  # {\ss}, {\o}, {\AE}
                    if letter:
                        return letter.islower()
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch.isalpha():
            return ch.islower()
        k += 1
    return None


def _whole_group(word: str) -> bool:
    """True for ``{...}`` where the braces enclose the whole word."""
    if len(word) < 2 or word[0] != "{" or word[-1] != "}" or word.startswith("{\\"):
        return False
    depth = 0
    for k, ch in enumerate(word):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and k != len(word) - 1:
                return False
    return True


def _text(words: list[str]) -> str | None:
    if not words:
        return None
    joined = " ".join(words)
    if "\\" in joined or "{" in joined or "~" in joined or "-" in joined:
        value = decode(joined, nocase=False)
        if "  " in value:
            value = " ".join(value.split())
        return value or None
    return joined or None


#: Names parsed in this process, by (name as written, useprefix).  A name
#: recurs across a file (co-authors, a journal's editors), and parsing it is
#: a pure function whose result, a frozen :class:`Name`, can be shared; the
#: cache is emptied when it reaches :data:`_PARSED_LIMIT` entries.
_PARSED: dict[tuple[str, bool], Name] = {}
_PARSED_LIMIT = 1 << 16
#: Longer names (a pathological value) are parsed each time rather than kept.
_PARSED_LENGTH = 200


def parse_name(raw: str, *, useprefix: bool = False) -> Name:
    """One BibTeX name to a CSL name (remembered: see :data:`_PARSED`)."""
    raw = raw.strip()  # as _parse_name does: " Smith, J" is "Smith, J"
    if len(raw) > _PARSED_LENGTH:
        return _parse_name(raw, useprefix=useprefix)
    key = (raw, useprefix)
    name = _PARSED.get(key)
    if name is None:
        name = _parse_name(raw, useprefix=useprefix)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = name
    return name


def _parse_name(raw: str, *, useprefix: bool = False) -> Name:
    """:func:`parse_name` without the memory: a plain name directly, else the grammar."""
    raw = raw.strip()
    plain = _parse_plain_name(raw)
    return plain if plain is not None else _parse_grammar(raw, useprefix=useprefix)


#: What can make a name more than plain words: braces, TeX, math, ties,
#: dashes and backquotes (a hyphen has the grammar decode the name, and
#: decoding changes those; a single hyphen decodes to itself), apostrophes
#: (d'Alembert's particle; '' is a quotation mark) and the extended format's
#: ``=``.  A name without them takes :func:`_parse_plain_name`.
_NOT_PLAIN_NAME = lazy_pattern(globals(), r"[{}\\~'’=`$]|--")


def _parse_plain_name(raw: str) -> Name | None:
    """A plain ``First Last`` or ``Last, First`` name (stripped) read directly, else None.

    Most names of a real file are words that start with a capital letter,
    with at most one comma and none of :data:`_NOT_PLAIN_NAME`: there the
    grammar of :func:`_parse_grammar` has no von part, no jr part, no brace
    group and nothing to decode, and gives exactly what this gives
    (tests/formats/bibtex/test_names.py checks both on generated names).
    Anything else is None, for the grammar.  Its names are built with
    ``family`` and ``given`` passed by position (Name's first two fields):
    keywords cost a measurable part of a read with thousands of names.
    """
    if _NOT_PLAIN_NAME.search(raw) is not None:
        return None
    comma = raw.find(",")
    if comma < 0:
        words = raw.split()
        if len(words) < 2:
            if not words or raw.lower() == OTHERS:
                return None
            return Name(words[0])
        for word in words[:-1]:  # a word in lower case would start a von part
            first = word[0]
            if not first.isalpha() or first.islower():
                return None
        return Name(words[-1], " ".join(words[:-1]))
    if raw.find(",", comma + 1) >= 0:
        return None  # "von Last, Jr, First": the grammar
    head = raw[:comma].split()
    if not head or not (head[0][0].isalpha() and not head[0][0].islower()):
        return None
    return Name(" ".join(head), " ".join(raw[comma + 1 :].split()) or None)


def _parse_grammar(raw: str, *, useprefix: bool = False) -> Name:
    """:func:`_parse_name` by BibTeX's grammar, for any name."""
    raw = raw.strip()
    if raw.lower() == OTHERS:
        return Name(literal=OTHERS)
    if "=" in raw and _EXTENDED_KEY.match(raw):
        return _parse_extended(raw, useprefix)
    parts = [p.strip() for p in _split_top(raw, ",")] if "," in raw else [raw]
    first: list[str]
    von: list[str]
    last: list[str]
    jr: list[str] = []
    if len(parts) == 1:
        words = _words(parts[0])
        if not words:
            return Name(literal="")
        if len(words) == 1 and _whole_group(words[0]):
            return Name(literal=decode(words[0][1:-1], nocase=False).strip())
        lower = [k for k, w in enumerate(words[:-1]) if _is_lower(w)]
        if lower:
            start, end = lower[0], lower[-1] + 1
            first, von, last = words[:start], words[start:end], words[end:]
        else:
            first, von, last = words[:-1], [], words[-1:]
    else:
        head = _words(parts[0])
        if len(parts) >= 3:
            jr = _words(parts[1])
            first = _words(",".join(parts[2:]))
        else:
            first = _words(parts[1])
        # As biber and pandoc: a von part must start the name ("Pinho de Souza"
        # is a family name; "de la Fuente" has the particle "de la").
        lower = (
            [k for k, w in enumerate(head[:-1]) if _is_lower(w)]
            if head and _is_lower(head[0])
            else []
        )
        if lower:
            von, last = head[: lower[-1] + 1], head[lower[-1] + 1 :]
        else:
            von, last = [], head
        if not last and von:
            von, last = von[:-1], von[-1:]
    non_dropping: str | None = None
    dropping: str | None = None
    # A braced family is one word to BibTeX's grammar: "{van Overschelde}" is
    # the family name "van Overschelde", particle included, never split.
    braced = len(last) == 1 and _whole_group(last[0])
    family = _text(last)
    if family and not non_dropping and not von and not braced:
        m = _APOSTROPHE_PARTICLE.match(family)
        if m is not None and m.group(2)[:1].isupper():
            non_dropping, family = m.group(1), m.group(2)
    if von:
        particle = _text(von)
        if useprefix:
            non_dropping = f"{particle} {non_dropping}" if non_dropping else particle
        else:
            dropping = particle
    given = _text(first)
    if family is None and given is None:
        return Name(literal=_text(von) or "")
    return Name(
        family=family,
        given=given,
        dropping_particle=dropping,
        non_dropping_particle=non_dropping,
        suffix=_text(jr),
    )


def _parse_extended(raw: str, useprefix: bool) -> Name:
    """biblatex's ``family=Gennep, given=Arnold, prefix=van, useprefix=true``."""
    values: dict[str, str] = {}
    for item in _split_top(raw, ","):
        key, _, value = item.partition("=")
        value = value.strip()
        if value.startswith("{") and value.endswith("}"):
            value = value[1:-1]
        values[key.strip().lower()] = value
    if "useprefix" in values:
        useprefix = values["useprefix"].strip().lower() in _TRUE
    static = values.get("static-ordering", "false").strip().lower() in _TRUE
    prefix = decode(values["prefix"], nocase=False) if values.get("prefix") else None
    return Name(
        family=decode(values["family"], nocase=False) if values.get("family") else None,
        given=decode(values["given"], nocase=False) if values.get("given") else None,
        suffix=decode(values["suffix"], nocase=False) if values.get("suffix") else None,
        non_dropping_particle=prefix if useprefix else None,
        dropping_particle=None if useprefix else prefix,
        static_ordering=static,
    )


def parse_names(raw: str, *, useprefix: bool = False) -> list[Name]:
    """A BibTeX name list (``A and B and others``) to CSL names (remembered:
    see :data:`_PARSED_LISTS`)."""
    key = (raw, useprefix)
    names = _PARSED_LISTS.get(key)
    if names is None:
        names = tuple(_parse_each(raw, useprefix))
        if len(raw) <= _PARSED_LIST_LENGTH:
            if len(_PARSED_LISTS) >= _PARSED_LIMIT:
                _PARSED_LISTS.clear()
            _PARSED_LISTS[key] = names
    return list(names)


#: Name lists parsed in this process, by (list as written, useprefix): a
#: proceedings' editors recur in entry after entry, and a file read again
#: (a server reloading it) repeats every list.  Each read gets a list of its
#: own; the names in it are frozen and shared, as in :data:`_PARSED`.
_PARSED_LISTS: dict[tuple[str, bool], tuple[Name, ...]] = {}
#: Longer lists are parsed each time rather than kept.
_PARSED_LIST_LENGTH = 2000


def _parse_each(raw: str, useprefix: bool) -> list[Name]:
    """:func:`parse_names` worked out: each name of the list, through :data:`_PARSED`."""
    names: list[Name] = []
    # split_names, its filter of empty parts done here with the stripping.
    parts = _AND.split(" " + raw.strip() + " ") if "{" not in raw else split_names(raw)
    for part in parts:
        # parse_name for each part, without a call of its own: most names
        # were seen before, and the others are parsed and remembered here.
        part = part.strip()
        if not part:
            continue
        key = (part, useprefix)
        name = _PARSED.get(key)
        if name is None:
            # _parse_name, inlined: ``part`` is stripped already.
            name = _parse_plain_name(part)
            if name is None:
                name = _parse_grammar(part, useprefix=useprefix)
            if len(part) <= _PARSED_LENGTH:
                if len(_PARSED) >= _PARSED_LIMIT:
                    _PARSED.clear()
                _PARSED[key] = name
        names.append(name)
    return names


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _needs_braces(text: str) -> bool:
    return "," in text or any(_is_lower(w) for w in text.split()) or " and " in text


def format_name(name: Name, *, ascii: bool = False, extended: bool = True) -> str:
    """One CSL name as BibTeX, so that :func:`parse_name` reads it back the same.

    A ``static-ordering`` name and a name with a non-dropping particle
    ("van" printed with "Gennep" everywhere) are written in biblatex's extended
    name format (``family=Gennep, given=Arnold, prefix=van, useprefix=true``,
    ``static-ordering=true``), the only form that keeps what they mean:
    braces (``{van Gennep}``) make one family name, and an unbraced "van" is
    a dropping particle unless the entry says ``useprefix``.
    ``extended=False`` (classic BibTeX, which cannot read that format) writes
    ``van Gennep, Arnold`` (BibTeX's von part; the entry's ``useprefix``
    option, when written, keeps it non-dropping) and ``Mao, Zedong``.
    """

    def enc(text: str) -> str:
        return encode(text, ascii=ascii)

    if (
        extended
        and name.literal is None
        and name.family
        and (
            name.static_ordering
            or (name.non_dropping_particle and not name.non_dropping_particle.endswith(("'", "’")))
        )
    ):
        return _format_extended(name, enc)
    if name.literal is not None:
        if name.literal == OTHERS:
            return OTHERS
        return "{" + enc(name.literal) + "}"
    family = name.family or ""
    words = family.split()
    if name.non_dropping_particle:
        particle = name.non_dropping_particle
        glue = "" if particle.endswith(("'", "’")) else " "
        if glue:  # classic BibTeX: the particle is its von part ("van Gennep, Arnold")
            braced = _needs_braces(family) or " " in family
            family_part = enc(particle) + " " + ("{" + enc(family) + "}" if braced else enc(family))
        else:
            family_part = enc(particle + family)
    elif family and (
        _needs_braces(family)
        or _APOSTROPHE_PARTICLE.match(family)
        or (" " in family and (not words or words[-1][:1].islower()))
    ):
        family_part = "{" + enc(family) + "}"
    else:
        family_part = enc(family)
    if name.dropping_particle:
        family_part = enc(name.dropping_particle) + " " + family_part
    pieces = [family_part]
    if name.suffix:
        pieces.append(enc(name.suffix))
    if name.given:
        given = name.given
        pieces.append("{" + enc(given) + "}" if "," in given else enc(given))
    elif name.suffix:
        pieces.append("")
    if len(pieces) == 1 and (" " in family_part or family_part.startswith("{")):
        return family_part + ","  # "Uría Ríu," is a family name, not First Last
    return ", ".join(pieces)


def _format_extended(name: Name, enc: Callable[[str], str]) -> str:
    """``family=Mao, given=Zedong, static-ordering=true``: biblatex's extended name format.

    Values are braced, so a comma or "and" inside one stays inside it.
    """
    parts = [f"family={{{enc(name.family or '')}}}"]
    if name.given:
        parts.append(f"given={{{enc(name.given)}}}")
    particle = name.non_dropping_particle or name.dropping_particle
    if particle:
        parts.append(f"prefix={{{enc(particle)}}}")
        if name.non_dropping_particle:
            parts.append("useprefix=true")
    if name.suffix:
        parts.append(f"suffix={{{enc(name.suffix)}}}")
    if name.static_ordering:
        parts.append("static-ordering=true")
    return ", ".join(parts)


def format_names(names: list[Name], *, ascii: bool = False, extended: bool = True) -> str:
    """A CSL name list as a BibTeX one (``A and B``); see :func:`format_name`."""
    return " and ".join(format_name(n, ascii=ascii, extended=extended) for n in names)


__all__ = ["OTHERS", "format_name", "format_names", "parse_name", "parse_names", "split_names"]
