"""Rendering ``cs:name``: order, particles, initials, et-al and delimiters."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from citekit.base.valueclass import value_class
from citekit.render.csl.boxes import ROMANESQUE_CHARS, Box, plain_text
from citekit.render.csl.data import NameData
from citekit.render.csl.decor import apply_decor
from citekit.render.csl.locale import Locale
from citekit.render.csl.markup import parse_markup
from citekit.render.csl.style import Decor, NameNode, option_int

# Scripts whose names are not romanesque: Hebrew, Arabic, Thai, Hangul Jamo,
# CJK (with Hangul syllables and compatibility ideographs), as code point
# spans.  Tested in Python, not with a regex: a class of wide ranges beyond
# U+00FF costs Python's regex compiler milliseconds per process (it marks each
# of 41,120 code points in a 64K table), and only the characters from U+0590
# up of the few names that have any are ever looked at (see is_romanesque).
_NON_ROMANESQUE_SPANS = (
    ("\u0590", "\u06ff"),
    ("\u0e00", "\u0e7f"),
    ("\u1100", "\u11ff"),
    ("\u3000", "\u9fff"),
    ("\uac00", "\ud7af"),
    ("\uf900", "\ufaff"),
)
_FIRST_NON_ROMANESQUE = "\u0590"
# CJK punctuation and ideographs, Hangul syllables, compatibility ideographs.
_CJK_RANGES = (("\u3000", "\u9fff"), ("\uac00", "\ud7af"), ("\uf900", "\ufaff"))


def _starts_cjk(text: str) -> bool:
    """Whether ``text`` starts with a CJK character (a term such as 等 attaches)."""
    return bool(text) and any(low <= text[0] <= high for low, high in _CJK_RANGES)


# An "and" term is spaced from the names only when it starts with "&" or a
# letter of a script written with spaces between words (citeproc-js's rule):
# CJK conjunctions and the Hebrew vav (\u05d5, a prefix of the next word) attach.
@functools.cache
def _spaced_and() -> re.Pattern[str]:
    """Compiled on first use (its wide classes take milliseconds to compile)."""
    return re.compile(f"[&{ROMANESQUE_CHARS}]")


def _is_spaced_and(term: str) -> bool:
    """Whether an "and" term starting with ``term[0]`` is spaced from the names;
    ASCII is decided here (``&`` and letters are spaced, anything else not)."""
    first = term[:1]
    if first.isascii():
        return first == "&" or first.isalpha()
    return _spaced_and().match(first) is not None


def is_romanesque(name: NameData) -> bool:
    """Whether the name has no character of a non-romanesque script.

    Every such character is U+0590 or above, so a name whose largest
    character is below that (most names) is romanesque without the regex.
    """
    text = name.family + name.given
    if not text or max(text) < _FIRST_NON_ROMANESQUE:
        return True
    return not any(
        low <= char <= high
        for char in text
        if char >= _FIRST_NON_ROMANESQUE
        for low, high in _NON_ROMANESQUE_SPANS
    )


_GIVEN_TOKEN = re.compile(r"([\s.\-]*)([^\s.\-]+)(\.?)")
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"<[^<>]*>")
_EMPTY_PAIR = re.compile(r"<([a-zA-Z]+)(?:\s[^<>]*)?></\1>")
# Inside a tag, the characters that separate given names stand in for themselves
# as private-use characters while the name is cut into words, so a tag
# (<span class="nocase">) is never split.
_TAG_PROTECT = str.maketrans(
    {" ": "\ue000", ".": "\ue001", "-": "\ue002", "\t": "\ue003", "\n": "\ue004"}
)
_TAG_RESTORE = {ord(v): k for k, v in _TAG_PROTECT.items()}


def _protect_tags(text: str) -> str:
    return _MARKUP.sub(lambda m: m.group(0).translate(_TAG_PROTECT), text)


def _respell(token: str, kept: str, suffix: str) -> str:
    """``token`` with its text replaced by ``kept``, every tag left in place.

    The text of ``token`` (its tags left out) is walked character by
    character: the first ``len(kept)`` characters become ``kept``, the rest
    go, and ``suffix`` (the period of an initial) follows the last kept
    character, inside any tag that closes after it, so ``<b>John</b>``
    gives ``<b>J.</b>`` and ``Ann<b>bo</b>`` gives ``A.`` (the emptied
    ``<b></b>`` goes too): the initial comes from the text, and the tags
    still pair up as they did.
    """
    out: list[str] = []
    taken = 0
    position = 0
    for match in _MARKUP.finditer(token):
        taken = _take(token[position : match.start()], kept, taken, suffix, out)
        out.append(match.group(0))
        position = match.end()
    taken = _take(token[position:], kept, taken, suffix, out)
    if taken < len(kept) or not kept:  # nothing to attach the suffix to
        out.append(kept[taken:] + suffix.rstrip())
    text = "".join(out)
    while True:
        emptied = _EMPTY_PAIR.sub("", text)
        if emptied == text:
            break
        text = emptied
    return text + suffix[len(suffix.rstrip()) :]


def _take(chunk: str, kept: str, taken: int, suffix: str, out: list[str]) -> int:
    """Write the part of ``kept`` that stands for ``chunk``; returns how much is used."""
    if not chunk or taken >= len(kept):
        return taken
    count = min(len(chunk), len(kept) - taken)
    out.append(kept[taken : taken + count])
    taken += count
    if taken == len(kept):
        out.append(suffix.rstrip())
    return taken


@functools.lru_cache(maxsize=16384)
def initialize(given: str, initialize_with: str, hyphen: bool, only_existing: bool) -> str:
    """Initials of ``given``; ``only_existing`` keeps full names, tidying initials.

    In-field markup (``<b>John</b>``) stays where it was around each
    initial; initials are taken from the text, never from a tag.  The same
    given names are initialised again for sort keys, disambiguation and the
    entry itself, and the result depends on the four arguments alone, so it
    is kept (``benchmarks/format_speed.py --profile`` shows the calls).
    """
    text = given if hyphen else given.replace("-", " ")
    if "-" in text:  # (both substitutions change only a hyphenated name)
        text = re.sub(r"\s*-\s*", "-", text)
        text = re.sub(r"-([a-z])", "\u2013\\1", text)
    marked = "<" in text
    if marked:
        text = _protect_tags(text)
    out = ""
    previous_initial = False
    for separator, token, period in _GIVEN_TOKEN.findall(text):
        word = _MARKUP.sub("", token) if marked else token
        if marked:
            token = token.translate(_TAG_RESTORE)
        if not word:
            out += token
            continue
        first = word[0]
        suffix = ""
        if only_existing:
            is_initial = (len(word) == 1 and first.isupper()) or bool(period)
            kept, suffix = word, (initialize_with if is_initial else "")
        elif period and len(word) > 1 and first.isupper():
            is_initial = True
            kept, suffix = word, initialize_with
        elif first.isalpha() and not first.islower():
            is_initial = True
            rest = word[1:]
            run = len(rest) - len(rest.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            extra = rest[:run].lower() if 0 < run < len(rest) else ""
            kept, suffix = first + extra, initialize_with
        elif first.isalpha():
            is_initial = False
            kept = word
        else:
            is_initial = False
            kept, suffix = word, period
        if out:
            # Normalising (initialize="false") turns "Y.-T." into "Y. T." as citeproc-js does.
            joined_initials = only_existing and previous_initial and is_initial
            if "-" in separator and hyphen and not joined_initials:
                out = out.rstrip() + "-"
            elif not (previous_initial and is_initial) and not out.endswith(" "):
                out += " "
        out += _respell(token, kept, suffix) if marked else kept + suffix
        previous_initial = is_initial
    return _SPACES.sub(" ", out.replace("\u2013", "-")).strip()


def _part(text: str, decor: Decor | None) -> str | Box:
    content: str | Box = parse_markup(text) if "<" in text else text
    if decor is None or not text:
        return content
    return apply_decor(content, decor)


class NameRenderer:
    """Renders one name with fully merged options.

    One renderer serves every ``cs:names`` drawn with the same options, so
    what a list of names reads from the options (et-al thresholds, the
    delimiters, the "and" term) is worked out here once rather than per list.
    """

    def __init__(self, opts: Mapping[str, str], node: NameNode | None, locale: Locale) -> None:
        self.opts = opts
        self.locale = locale
        self.form = opts.get("form", "long")
        self.initialize_with = opts.get("initialize-with")
        self.initialize = opts.get("initialize", "true") != "false"
        self.hyphen = opts.get("initialize-with-hyphen", "true") != "false"
        self.sort_order = opts.get("name-as-sort-order")
        self.sort_separator = opts.get("sort-separator", ", ")
        self.demote = opts.get("demote-non-dropping-particle", "display-and-sort")
        parts = node.parts if node is not None else {}
        given = parts.get("given")
        family = parts.get("family")
        self.given_decor = given.decor if given is not None else None
        self.family_decor = family.decor if family is not None else None
        # name-part formatting is rare: without it a name is its parts and spaces
        self.plain_parts = self.given_decor is None and self.family_decor is None
        self.et_al_min = option_int(opts.get("et-al-min"))
        self.et_al_use_first = option_int(opts.get("et-al-use-first"))
        self.et_al_use_last = opts.get("et-al-use-last") == "true"
        self.et_al_subsequent_min = option_int(opts.get("et-al-subsequent-min"))
        self.et_al_subsequent_use_first = option_int(opts.get("et-al-subsequent-use-first"))
        self.names_delimiter = opts.get("names-delimiter", "")
        self.join_settings = JoinSettings.from_options(opts, locale)
        # {given name: its initials}: the entry, its sort key and its citation
        # forms ask for the same initials (the options here are fixed)
        self._initials: dict[str, str] = {}

    def given_text(self, name: NameData, level: int) -> str:
        """``level`` 1 expands initials a long name would show; 2 shows the given name as typed."""
        given = name.given
        if self.initialize_with is None or level >= 2:
            return given
        if self.initialize and level >= 1 and self.form == "long":
            return given
        # initialize="false" keeps full names and only tidies initials, at level 1 too
        short = self._initials.get(given)
        if short is None:
            short = initialize(given, self.initialize_with, self.hyphen, not self.initialize)
            self._initials[given] = short
        return short

    def render(self, name: NameData, index: int, level: int = 0) -> str | Box:
        """``level``: givenname disambiguation (1 = initials/long, 2 = full given)."""
        if name.is_literal:
            return _part(name.literal or name.family or name.given, self.family_decor)
        if not name.family:
            return _part(name.given, self.given_decor)
        form = self.form
        if form == "short" and level >= 1:
            form = "long"
            if level == 1 and self.initialize_with is None:
                level = 2
        gd, fd = self.given_decor, self.family_decor
        family = name.family
        if not is_romanesque(name):
            if form == "short":
                return _part(family, fd)
            return Box(
                [_part(family, fd), _part(name.given, gd)] if name.given else [_part(family, fd)]
            )
        if form == "short":
            if self.plain_parts and not name.non_dropping:
                return _part(family, None)  # what _seq gives for one plain part
            return _seq([(name.non_dropping, fd), (family, fd)])
        given = self.given_text(name, level)
        inverted = self.sort_order == "all" or (self.sort_order == "first" and index == 0)
        if (
            self.plain_parts
            and not (name.dropping or name.non_dropping or name.static_ordering)
            and (inverted or not name.suffix)
        ):
            return _plain_name(family, given, name.suffix, inverted, self.sort_separator)
        if name.static_ordering:
            # CSL: family name first, space-separated, in every order (a romanised
            # East Asian name: "Mao Zedong"), as citeproc-js prints it.
            return _seq([(name.dropping, gd), (name.non_dropping, fd), (family, fd)], [(given, gd)])
        if not inverted:
            family_group: list[Piece] = [(name.non_dropping, fd), (family, fd)]
            given_group: list[Piece] = [(given, gd)]
            if name.given_particle and not name.dropping.endswith(("'", "\u2019")):
                given_group.append((name.dropping, gd))
            else:  # an explicit dropping particle belongs with the family name
                family_group.insert(0, (name.dropping, gd if name.given_particle else None))
            if name.suffix:
                family_group.append((name.suffix, None, ", " if name.comma_suffix else " "))
            out = _seq(given_group, family_group)
            return out
        if self.demote == "display-and-sort":
            head = _seq([(family, fd)])
            tail = [(given, gd), (name.dropping, gd), (name.non_dropping, fd)]
        else:
            head = _seq([(name.non_dropping, fd), (family, fd)])
            tail = [(given, gd), (name.dropping, gd)]
        kids: list[str | Box] = [head]
        if any(text for text, _ in tail):
            kids.extend([self.sort_separator, _seq(tail)])
        if name.suffix:
            kids.extend([self.sort_separator, name.suffix])
        return Box(kids)

    def sort_key(self, name: NameData) -> str:
        if name.is_literal:
            return name.literal or name.family
        if self.form == "short":
            return f"{name.non_dropping} {name.family}".strip()
        if not is_romanesque(name):
            return name.family + name.given
        family = name.family
        if name.non_dropping and self.demote == "never":
            family = f"{name.non_dropping} {family}"
        given = self.given_text(name, 0) if self.initialize_with is not None else name.given
        rest = [given, name.dropping]
        if name.non_dropping and self.demote != "never":
            rest.append(name.non_dropping)
        return f"{family}, {' '.join(p for p in rest if p)}, {name.suffix}".rstrip(", ")


def _plain_name(family: str, given: str, suffix: str, inverted: bool, separator: str) -> str | Box:
    """A name without particles or part formatting, shaped exactly as
    :meth:`NameRenderer.render` shapes it through :func:`_seq`.

    Most names are a family and a given name in a style that formats
    neither part; building :func:`_seq`'s piece lists for them was a
    visible share of a bibliography's time.  ``suffix`` is shown only
    inverted ("Smith, John, Jr."); the caller keeps a suffixed name in
    display order on the general path.
    """
    # _part(text, None), written out: the markup parse only for text with a tag
    family_out = parse_markup(family) if "<" in family else family
    if inverted:
        kids: list[str | Box] = [family_out]
        if given:
            kids.extend([separator, parse_markup(given) if "<" in given else given])
        if suffix:
            kids.extend([separator, suffix])
        return Box(kids)
    if not given:
        return family_out
    given_out = parse_markup(given) if "<" in given else given
    if given.endswith(_GLUING):
        return Box([given_out, family_out])
    return Box([given_out, " ", family_out])


# A name part ending in one of these is not spaced from the next.
_GLUING = ("'", "\u2019", "-", " ")

Piece = tuple[str, "Decor | None"] | tuple[str, "Decor | None", str]


def _seq(*groups: Sequence[Piece]) -> str | Box:
    """Name parts: formatting per part, name-part affixes around each group."""
    kids: list[str | Box] = []
    previous = ""
    glued = False  # the previous group's affix already ends in a space
    for group in groups:
        inner: list[str | Box] = []
        outer: Decor | None = None
        for piece in group:
            text, decor = piece[0], piece[1]
            if not text:
                continue
            if outer is None and decor is not None:
                outer = decor
            separator = piece[2] if len(piece) == 3 else " "
            joins = not previous.endswith(_GLUING)
            if joins and (inner or (kids and not glued)):
                (inner if inner else kids).append(separator)
            inner.append(_part(text, _formatting_only(decor)))
            previous = text
        if not inner:
            continue
        content: str | Box = inner[0] if len(inner) == 1 else Box(inner)
        glued = False
        if outer is not None and (outer.prefix or outer.suffix):
            content = Box([outer.prefix, content, outer.suffix])
            glued = outer.suffix[-1:].isspace()
        kids.append(content)
    if len(kids) == 1:
        return kids[0]
    return Box(kids)


def _formatting_only(decor: Decor | None) -> Decor | None:
    if decor is None or not (decor.prefix or decor.suffix):
        return decor
    return replace(decor, prefix="", suffix="")


@value_class
class JoinSettings:
    """What joining a list of names reads from the name options and the locale.

    Worked out once per :class:`NameRenderer` (the options and locale are
    fixed there) instead of once per list of names.
    """

    delimiter: str
    and_term: str
    space: str  # between the "and" term and the names ("" for a CJK "and")
    precedes_last: str
    precedes_et_al: str

    @classmethod
    def from_options(cls, opts: Mapping[str, str], locale: Locale) -> JoinSettings:
        and_mode = opts.get("and")
        and_term = ""
        if and_mode == "text":
            and_term = locale.term("and")
        elif and_mode == "symbol":
            and_term = "&"
        return cls(
            delimiter=opts.get("delimiter", ", "),
            and_term=and_term,
            space=" " if _is_spaced_and(and_term) else "",
            precedes_last=opts.get("delimiter-precedes-last", "contextual"),
            precedes_et_al=opts.get("delimiter-precedes-et-al", "contextual"),
        )

    @property
    def reads_inversion(self) -> bool:
        """Whether :meth:`join` looks at which names are inverted."""
        return "after-inverted-name" in (self.precedes_last, self.precedes_et_al)

    def join(
        self,
        rendered: list[str | Box],
        et_al: str | Box | None,
        use_last: str | Box | None,
        inverted: Sequence[bool],
        others_last: bool = False,
    ) -> list[str | Box]:
        """Join rendered names with delimiters, ``and`` and et-al.

        ``inverted`` (which shown names print family name first) is read
        only when :attr:`reads_inversion`; callers may pass ``()`` otherwise.
        ``others_last``: the last name is BibTeX's "and others" (a literal
        "others"); citeproc-js puts the delimiter before it as if the style said
        "contextual", or after an inverted name ("Almeida, F. and others").
        """
        delimiter, and_term, space = self.delimiter, self.and_term, self.space
        count = len(rendered)
        out: list[str | Box] = []
        for index, name in enumerate(rendered):
            if index:
                if index == count - 1 and and_term and et_al is None and use_last is None:
                    precedes = self.precedes_last
                    use_delim = (
                        (precedes == "always" and not others_last)
                        or ((precedes == "contextual" or others_last) and count >= 3)
                        or (precedes == "after-inverted-name" and inverted[index - 1])
                    )
                    # a Chinese or Japanese "and" joins without spaces, and without the
                    # delimiter except between two names when the style says "always"
                    # (citeproc-js: "Baez, John C., とAaron D. Lauda", "SánchezとFernando")
                    if not space and not (precedes == "always" and count == 2):
                        use_delim = False
                    out.append((delimiter if use_delim else space) + and_term + space)
                else:
                    out.append(delimiter)
            out.append(name)
        if use_last is not None:
            out.append(delimiter + "\u2026 ")
            out.append(use_last)
        elif et_al is not None:
            precedes = self.precedes_et_al
            use_delim = (
                precedes == "always"
                or (precedes == "contextual" and count >= 2)
                or (precedes == "after-inverted-name" and bool(inverted) and inverted[-1])
            )
            cjk_term = _starts_cjk(plain_text(et_al))
            out.append(delimiter if use_delim else "" if cjk_term else " ")
            out.append(et_al)
        return out


def join_names(
    rendered: list[str | Box],
    total: int,
    opts: Mapping[str, str],
    locale: Locale,
    et_al: str | Box | None,
    use_last: str | Box | None,
    inverted: list[bool],
    others_last: bool = False,
) -> list[str | Box]:
    """Join rendered names with delimiters, ``and`` and et-al (see :meth:`JoinSettings.join`)."""
    settings = JoinSettings.from_options(opts, locale)
    return settings.join(rendered, et_al, use_last, inverted, others_last)
