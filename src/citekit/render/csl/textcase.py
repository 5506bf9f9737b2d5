"""CSL text-case transforms over output trees, skipping ``nocase`` spans.

Transforms run on the concatenated text of a subtree so word boundaries
across pieces are seen, but change characters one for one, so the result can
be cut back into the original pieces (and their formatting) by length.
"""

from __future__ import annotations

from citekit.base.patterns import lazy_pattern
from citekit.render.csl.boxes import Box

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "across",
        "afore",
        "after",
        "against",
        "along",
        "alongside",
        "amid",
        "amidst",
        "among",
        "amongst",
        "an",
        "and",
        "anenst",
        "apropos",
        "apud",
        "around",
        "as",
        "aside",
        "astride",
        "at",
        "athwart",
        "atop",
        "barring",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "besides",
        "between",
        "beyond",
        "but",
        "by",
        "circa",
        "despite",
        "down",
        "during",
        "except",
        "for",
        "forenenst",
        "from",
        "given",
        "in",
        "inside",
        "into",
        "lest",
        "like",
        "modulo",
        "near",
        "next",
        "nor",
        "notwithstanding",
        "of",
        "off",
        "on",
        "onto",
        "or",
        "out",
        "over",
        "per",
        "plus",
        "qua",
        "sans",
        "since",
        "so",
        "than",
        "the",
        "through",
        "thru",
        "throughout",
        "thruout",
        "till",
        "to",
        "toward",
        "towards",
        "under",
        "underneath",
        "until",
        "unto",
        "up",
        "upon",
        "versus",
        "vs.",
        "v.",
        "vs",
        "v",
        "via",
        # citeproc-js also skips these (Latin and French particles, "ca." for circa)
        "et",
        "al",
        "ca",
        "d'",
        "vis-à-vis",
        "with",
        "within",
        "without",
        "yet",
        "von",
        "van",
        "de",
    ]
)

_WORD = lazy_pattern(globals(), r"[^\s\-\u2013\u2014/]+")


def _upper_first(word: str) -> str:
    for index, char in enumerate(word):
        if char.isalpha():
            upper = char.upper()
            if len(upper) != 1:
                return word
            return word[:index] + upper + word[index + 1 :]
        if char.isdigit():
            return word
    return word


_FINAL_SIGMA = "\u03a3"  # the one letter str.lower() cases by its neighbours


def _lower(text: str) -> str:
    """Lower case, one character for one (a letter whose lower case is longer stays).

    Every character lowers to at least one character, so a result as long as
    the text changed each one for one; only capital sigma depends on its
    neighbours in ``str.lower`` (final sigma), so it takes the slow path.
    """
    lowered = text.lower()
    if len(lowered) == len(text) and _FINAL_SIGMA not in text:
        return lowered
    return "".join([_lower_char(c) for c in text])


def _lower_char(char: str) -> str:
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def _upper(text: str) -> str:
    """Upper case, one character for one ("ß" stays); as :func:`_lower`, none is contextual."""
    uppered = text.upper()
    if len(uppered) == len(text):
        return uppered
    return "".join([_upper_char(c) for c in text])


def _upper_char(char: str) -> str:
    uppered = char.upper()
    return uppered if len(uppered) == 1 else char


def _title(text: str, protected: list[bool]) -> str:
    pieces: list[str] = []  # the text up to ``done``, with the words recased so far
    done = 0
    words = list(_WORD.finditer(text))
    last_index = len(words) - 1
    sentence_start = True
    after_stop = False
    for index, match in enumerate(words):
        start, end = match.span()
        word = match.group(0)
        gap_after = text[end : words[index + 1].start()] if index < last_index else ""
        gap_before = text[words[index - 1].end() : start] if index else ""
        hyphen_joined = "-" in gap_after or "-" in gap_before
        if protected[start]:
            sentence_start = word.endswith((":", "?", "!")) or ":" in gap_after
            continue
        core = word.strip("\"'‘’“”([{")
        offset = word.find(core[:1]) if core else 0
        if word[:1] in '"“‘' and offset:
            sentence_start = True  # a quotation or parenthesis opens a new phrase
        lowered = _lower(core)
        is_lower = core == lowered
        # a closing bracket is punctuation too: "(n)" and "(log n)" hold a lone letter
        key = lowered.rstrip(".,;:!?)]}")
        elided = word[:1] in "'\u2019" and is_lower  # ’t Hooft keeps its article
        after_symbol = "-" in gap_before and not text[words[index - 1].start()].isalpha()
        leads_compound = "-" in gap_after and "-" not in gap_before  # "Up-to-Date"
        kept_stop = (
            key in STOP_WORDS and not sentence_start and index != last_index and not leads_compound
        )
        if kept_stop:
            pass  # stop words keep their case (citeproc-js lowercases none)
        elif core.startswith(("$", "\\")):
            pass  # TeX math ("$k$-colorable") and commands ("\\log") are never recased
        elif not sentence_start and "." in key:
            pass  # citeproc-js keeps a dotted "u.s." as typed
        elif not sentence_start and len(core) > 2 and core[1] in "'\u2019" and core[0].isalpha():
            pass  # an elided letter ("tour d’horizon", "o’clock") is a lone letter too
        elif not sentence_start and len(key) == 1 and not ("-" in gap_after and not after_stop):
            pass  # and a lone letter ("plan b"), unless it leads a compound ("X-Ray")
        elif is_lower and not elided and not (hyphen_joined and after_symbol and len(core) == 1):
            word = word[:offset] + _upper_first(word[offset:])
            # recasing keeps the length: the word replaces its span one for one
            pieces.append(text[done:start])
            pieces.append(word)
            done = end
        after_stop = kept_stop
        sentence_start = word.endswith((":", "?", "!")) or ":" in gap_after
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _sentence(text: str, protected: list[bool]) -> str:
    letters = [c for c, p in zip(text, protected, strict=False) if c.isalpha() and not p]
    if letters and not any(c.islower() for c in letters):
        lowered = "".join(_lower(c) if not p else c for c, p in zip(text, protected, strict=False))
        return _capitalize_first(lowered, protected)
    chars = list(text)
    for index, match in enumerate(_WORD.finditer(text)):
        word = match.group(0)
        start = match.start()
        if index == 0 or protected[start]:
            continue
        if len(word) > 1 and word[0].isupper() and word[1:] == _lower(word[1:]):
            chars[start] = _lower(word[0])
    return _capitalize_first("".join(chars), protected)


def _capitalize_first(text: str, protected: list[bool]) -> str:
    match = _WORD.search(text)
    if not match or protected[match.start()]:
        return text
    word = match.group(0)
    return text[: match.start()] + _upper_first(word) + text[match.end() :]


def _capitalize_all(text: str, protected: list[bool]) -> str:
    chars = list(text)
    for match in _WORD.finditer(text):
        if protected[match.start()]:
            continue
        word = match.group(0)
        if _lower(word) in STOP_WORDS and False:
            continue
        chars[match.start() : match.end()] = list(_upper_first(word))
    return "".join(chars)


def transform(text: str, case: str, protected: list[bool] | None = None) -> str:
    """Apply one text-case to ``text``; protected characters keep their case."""
    if protected is None:
        protected = [False] * len(text)
    if case == "lowercase":
        result = _lower(text)
    elif case == "uppercase":
        result = _upper(text)
    elif case == "capitalize-first":
        return _capitalize_first(text, protected)
    elif case == "capitalize-all":
        return _capitalize_all(text, protected)
    elif case == "title":
        return _title(text, protected)
    elif case == "sentence":
        return _sentence(text, protected)
    else:
        return text
    if any(protected):
        return "".join(o if p else r for o, r, p in zip(text, result, protected, strict=False))
    if case == "uppercase":
        return text.upper()  # whole strings may grow: "Voß" is "VOSS", as in citeproc-js
    return result


def _leaves(node: Box, protected: bool, out: list[tuple[Box, int, bool]]) -> None:
    for index, kid in enumerate(node.kids):
        if isinstance(kid, str):
            out.append((node, index, protected))
        else:
            _leaves(kid, protected or kid.nocase, out)


_DOTTED_I = str.maketrans({"i": "\u0130", "\u0131": "I"})
_DOTLESS_I = str.maketrans({"I": "\u0131", "\u0130": "i"})


def _localize(text: str, case: str, language: str) -> str:
    """Turkish and Azeri dotted/dotless i before the case change."""
    if language[:2].lower() in ("tr", "az") and (language[2:3] in ("", "-", "_")):
        if case == "uppercase":
            return text.translate(_DOTTED_I)
        if case == "lowercase":
            return text.translate(_DOTLESS_I)
    return text


_CASED_KEPT = 20_000  # recased texts kept; beyond that they are dropped
_cased: dict[tuple[str, str, tuple[tuple[int, bool], ...]], str] = {}


def _transform_kept(text: str, case: str, runs: tuple[tuple[int, bool], ...]) -> str:
    """:func:`transform`, kept by text, case and protected runs (``(length, protected)``).

    A style recases the same titles and terms again and again (a note's first
    cite for disambiguation, then the bibliography entry; "edited by" in
    every entry); the result is a string, so sharing it is safe.
    """
    memo = (text, case, runs)
    result = _cased.get(memo)
    if result is None:
        protected: list[bool] | None = None
        if runs:
            protected = []
            for length, prot in runs:
                protected.extend([prot] * length)
        if len(_cased) >= _CASED_KEPT:
            _cased.clear()
        result = _cased[memo] = transform(text, case, protected)
    return result


def apply_case(node: str | Box, case: str, language: str = "") -> str | Box:
    """Apply ``case`` to every unprotected string in ``node`` (in place for boxes)."""
    if isinstance(node, str):
        return _transform_kept(_localize(node, case, language), case, ())
    leaves: list[tuple[Box, int, bool]] = []
    _leaves(node, node.nocase, leaves)
    if not leaves:
        return node
    texts: list[str] = []
    for parent, index, _ in leaves:
        text = parent.kids[index]
        assert isinstance(text, str)
        texts.append(text)
    joined = _localize("".join(texts), case, language)
    runs: tuple[tuple[int, bool], ...] = ()
    if any(prot for _, _, prot in leaves):
        runs = tuple((len(text), prot) for text, (_, _, prot) in zip(texts, leaves, strict=True))
    result = _transform_kept(joined, case, runs)
    position = 0
    for text, (parent, index, _) in zip(texts, leaves, strict=True):
        parent.kids[index] = result[position : position + len(text)]
        position += len(text)
    return node
