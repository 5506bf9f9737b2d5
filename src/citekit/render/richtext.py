"""Rich text: the tree every CSL engine returns and every output format reads.

An engine never produces HTML or LaTeX strings itself; it produces a small
immutable tree, and the serialisers here turn the same tree into each output
format with that format's own escaping.  That keeps formatting decisions (what
is italic, what is a link) apart from syntax decisions (how italics are
spelled), and lets citeproc-py's HTML output join the same pipeline through
:func:`from_html`.

API
---
``Text(text)``
    A leaf of plain, unescaped text.
``Span(children, italic=..., bold=..., small_caps=..., underline=...,
superscript=..., subscript=..., baseline=..., nocase=..., link=...,
display=..., part=...)``
    A formatted run over child nodes.  ``italic``, ``bold`` and
    ``small_caps`` are tri-state: ``True`` switches the style on, ``False``
    switches it explicitly off (CSL's flip-flop "normal" inside an italic
    title), ``None`` inherits.  ``nocase`` marks text that text-case
    transforms must leave alone.  ``link`` is a URL.  ``display`` is one of
    ``block``, ``left-margin``, ``right-inline``, ``indent``.  ``part`` is a
    free label for the parts later steps look for (``"entry"``,
    ``"citation-number"``, ...); serialisers ignore it.
``Rich``
    The type alias ``Text | Span``.
``to_html``, ``to_text``, ``to_markdown``, ``to_latex``
    Serialisers.  HTML follows the CSL test suite's (citeproc-js's)
    conventions, escaping ``&``, ``<`` and ``>`` as ``&#38;``, ``&#60;`` and
    ``&#62;``.
``from_html(text)``
    Builds a tree from the small HTML subset of citeproc-py's output and of
    CSL-JSON's in-field markup (``<i>``, ``<b>``, ``<sc>``, ``<sup>``,
    ``<sub>``, ``<span class="nocase">``, ``<span style="...">``, ``<a>``,
    ``<div class="csl-...">``).  Unknown tags stay as literal text.
``concat(*nodes)``, ``plain(rich)``
    Helpers: join nodes into one span; the text without formatting.
``span_of(children, fmt)``, ``span_format(attrs)``, ``NO_FORMAT``
    A span built from its formatting as a tuple (:data:`SPAN_FORMAT` order),
    for engines that build thousands: half the cost of ``Span(...)``.
``safe_url(url)``, ``escape_attribute(text)``, ``sanitize_html(text)``
    The one allow-list every HTML writer uses (see "Safe output" below).
``printable(text)``, ``xml_safe(text)``, ``strip_markup(text)``
    Text every output can carry: no lone surrogates; for XML formats (DOCX,
    HTML) no control characters either; for plain text no markup tags.

Safe output
-----------
Bibliographic data and annotations come from other people's files, so no
writer may pass markup from them through as markup.  HTML is only ever
written from a tree, and the tree can only hold the CSL rich-text
formatting (italic, bold, small caps, super/subscript, underline, nocase)
and links: :func:`from_html` is the allow-list (any other tag, and any
attribute but the known classes and styles, stays literal text, which
:func:`to_html` escapes), and a link survives only when :func:`safe_url`
accepts its target (http, https, mailto, doi; fragments inside the page).
:func:`sanitize_html` is the two together for an HTML string.
"""

from __future__ import annotations

import functools
import re
from typing import TypeAlias

from citekit.base.patterns import lazy_pattern
from citekit.base.valueclass import value_class

__all__ = [
    "NO_FORMAT",
    "SPAN_FORMAT",
    "Rich",
    "Span",
    "SpanFormat",
    "Text",
    "concat",
    "escape_attribute",
    "from_html",
    "merge_punctuation",
    "plain",
    "printable",
    "safe_url",
    "sanitize_html",
    "span_format",
    "span_of",
    "strip_markup",
    "to_html",
    "to_latex",
    "to_markdown",
    "to_text",
    "xml_safe",
    "xml_unsafe_characters",
]

DISPLAY_VALUES = ("block", "left-margin", "right-inline", "indent")


@value_class
class Text:
    """Plain text, unescaped."""

    text: str


@value_class
class Span:
    """Formatting over children; ``None`` attributes inherit from the parent."""

    children: tuple[Rich, ...] = ()
    italic: bool | None = None
    bold: bool | None = None
    small_caps: bool | None = None
    underline: bool = False
    superscript: bool = False
    subscript: bool = False
    baseline: bool = False
    nocase: bool = False
    link: str | None = None
    display: str | None = None
    part: str | None = None


Rich: TypeAlias = Text | Span

SPAN_FORMAT = (
    "italic",
    "bold",
    "small_caps",
    "underline",
    "superscript",
    "subscript",
    "baseline",
    "nocase",
    "link",
    "display",
    "part",
)
"""The fields of :class:`Span` after ``children``, in order: what :func:`span_of` takes."""

SpanFormat = tuple[
    bool | None,
    bool | None,
    bool | None,
    bool,
    bool,
    bool,
    bool,
    bool,
    str | None,
    str | None,
    str | None,
]
NO_FORMAT: SpanFormat = (None, None, None, False, False, False, False, False, None, None, None)
"""The :data:`SPAN_FORMAT` values of a span that sets nothing."""

_FORMAT_INDEX = {name: index for index, name in enumerate(SPAN_FORMAT)}
"""Where each keyword of :class:`Span` sits in a :data:`SpanFormat`."""


def span_format(attrs: dict[str, object]) -> SpanFormat:
    """The :data:`SPAN_FORMAT` values of a span with the keyword arguments ``attrs``."""
    values: list[object] = list(NO_FORMAT)
    for name, value in attrs.items():
        values[_FORMAT_INDEX[name]] = value
    return tuple(values)  # type: ignore[return-value]


_new = object.__new__
_set_children = Span.__dict__["children"].__set__
_set_italic = Span.__dict__["italic"].__set__
_set_bold = Span.__dict__["bold"].__set__
_set_small_caps = Span.__dict__["small_caps"].__set__
_set_underline = Span.__dict__["underline"].__set__
_set_superscript = Span.__dict__["superscript"].__set__
_set_subscript = Span.__dict__["subscript"].__set__
_set_baseline = Span.__dict__["baseline"].__set__
_set_nocase = Span.__dict__["nocase"].__set__
_set_link = Span.__dict__["link"].__set__
_set_display = Span.__dict__["display"].__set__
_set_part = Span.__dict__["part"].__set__


def span_of(children: tuple[Rich, ...], fmt: SpanFormat) -> Span:
    """``Span(children, *fmt)``, at half the cost.

    A frozen value class sets each of its twelve slots through
    ``object.__setattr__``; engines build spans by the thousand (several per
    bibliography entry), so this sets the slots through their descriptors
    directly.  tests/render/test_richtext.py checks it makes equal spans and
    that :data:`SPAN_FORMAT` still names every field.
    """
    span: Span = _new(Span)
    _set_children(span, children)
    _set_italic(span, fmt[0])
    _set_bold(span, fmt[1])
    _set_small_caps(span, fmt[2])
    _set_underline(span, fmt[3])
    _set_superscript(span, fmt[4])
    _set_subscript(span, fmt[5])
    _set_baseline(span, fmt[6])
    _set_nocase(span, fmt[7])
    _set_link(span, fmt[8])
    _set_display(span, fmt[9])
    _set_part(span, fmt[10])
    return span


def concat(*nodes: Rich) -> Span:
    """One unformatted span over ``nodes``."""
    return Span(tuple(nodes))


def plain(rich: Rich) -> str:
    """The text of ``rich`` without any formatting."""
    if isinstance(rich, Text):
        return rich.text
    out: list[str] = []
    _plain_into(rich, out)
    return "".join(out)


def _plain_into(span: Span, out: list[str]) -> None:
    """:func:`plain` into one list: no string joined per span, no generator."""
    for child in span.children:
        if isinstance(child, Text):
            out.append(child.text)
        else:
            _plain_into(child, out)


# ---------------------------------------------------------------- punctuation

_DROP_NEXT = frozenset(
    {(":", "."), (";", "."), ("!", "."), ("?", "."), (";", ":"), ("!", ":"), ("?", ":")}
)
_REPLACE_PREVIOUS = frozenset({(":", "!"), (";", "!"), (":", "?"), (";", "?")})


def merge_punctuation(previous: str, mark: str) -> str:
    """'drop', 'replace' or 'both' for the mark ``mark`` following ``previous``.

    CSL's rule where two pieces of rendered text meet (``Title:`` + ``.``
    keeps the colon, ``Title:`` + ``?`` keeps the question mark, ``.`` + ``.``
    keeps one).  It lives with the rich text, below the engines, so that the
    CSL engine and the "quoted in" assembly around any engine join pieces by
    the same rule without one importing the other.
    """
    if previous == mark or (previous, mark) in _DROP_NEXT:
        return "drop"
    if (previous, mark) in _REPLACE_PREVIOUS:
        return "replace"
    return "both"


# ---------------------------------------------------------------- safe text

_SURROGATE = lazy_pattern(globals(), "[\ud800-\udfff]")
# Characters XML 1.0 forbids (python-docx and lxml refuse them): C0 controls but
# tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF.
_XML_INVALID = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"


@functools.cache
def _xml_invalid() -> re.Pattern[str]:
    """:data:`_XML_INVALID` compiled on first use: a class beyond U+00FF takes
    milliseconds to compile, and printable text never needs it."""
    return re.compile(_XML_INVALID)


# Of those, the ones Python counts as white space stand for a space.
_XML_SPACE = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")


def printable(text: str) -> str:
    """``text`` with lone surrogates (which no encoder writes) as U+FFFD.

    A surrogate is never printable: printable text, the usual case, is
    returned as it is, without compiling the pattern (a range of 2,048 code
    points, a tenth of a millisecond).
    """
    if text.isascii() or text.isprintable():
        return text
    return _SURROGATE.sub("\ufffd", text)


def _xml_replacement(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _XML_SPACE:
        return " "
    if "\ud800" <= char <= "\udfff" or char in "\ufffe\uffff":
        return "\ufffd"
    return ""


def xml_safe(text: str) -> str:
    """``text`` as XML can carry it: control characters that stand for white space
    (VT, FF, the information separators) become spaces, other control characters
    go, lone surrogates and non-characters become U+FFFD.

    Every character it changes is one Python does not count as printable
    (controls, surrogates, unassigned code points), so printable text, the
    usual case, is returned without running the pattern."""
    if text.isprintable():
        return text
    return _xml_invalid().sub(_xml_replacement, text)


def xml_unsafe_characters(text: str) -> list[str]:
    """The characters :func:`xml_safe` would change, each once, in order."""
    return list(dict.fromkeys(_xml_invalid().findall(text)))


_SCHEME = lazy_pattern(globals(), r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Browsers drop tabs and line breaks anywhere in a URL ("java\tscript:" is
# "javascript:"), and white space and controls at either end; other controls
# and lone surrogates have no place in a link either.
_URL_IGNORED = lazy_pattern(globals(), "[\x00-\x1f\x7f\ud800-\udfff]")
_URL_EDGES = "".join(map(chr, range(0x21))) + (
    "\x7f\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
    + "".join(map(chr, range(0x2000, 0x200C)))
)


def safe_url(url: str | None, *, relative: bool = False) -> str | None:
    """A link target safe to write into any output, or None when it must not be a link.

    Only http, https and mailto URLs pass, ``doi:10.x/y`` becomes its
    https://doi.org/ link, and a ``#fragment`` (a place in the same page)
    passes; with ``relative`` a URL without a scheme passes too (a link an
    author wrote in their own document).  Everything else (``javascript:``,
    ``data:``, ``vbscript:``, ``file:`` ...) is refused.  Characters browsers
    ignore in a URL are removed first, so they cannot hide a scheme.
    """
    if url is None:
        return None
    cleaned = _URL_IGNORED.sub("", url.strip(_URL_EDGES))
    if not cleaned:
        return None
    match = _SCHEME.match(cleaned)
    if match is None:
        if cleaned.startswith("#") or (relative and not cleaned.startswith("\\")):
            return cleaned
        return None
    scheme = match.group(1).lower()
    if scheme == "doi":
        rest = cleaned[match.end() :].lstrip("/")
        return f"https://doi.org/{rest}" if rest else None
    if scheme not in _URL_SCHEMES:
        return None
    return f"{scheme}:{cleaned[match.end() :]}"


# In-field formatting and the HTML elements that could do something in a page.
_TAG_NAMES = (
    "i|b|em|strong|sc|sup|sub|u|s|span|a|div|br|p|small|big|font|strike|del|ins|"
    "code|tt|kbd|var|cite|q|abbr|mark|script|style|img|iframe|frame|frameset|"
    "object|embed|applet|svg|math|link|meta|base|form|input|button|textarea|"
    "select|option|video|audio|source|details|marquee|body|html|head|title"
)


@functools.cache
def _markup_tag() -> re.Pattern[str]:
    """The pattern of a markup tag, compiled on first use.

    Compiling it (sixty tag names, case-insensitive) costs a few milliseconds
    that a process whose text holds no ``<`` (a plain ``citekit cite``)
    never needs to pay.  Attribute values cannot hold "<" or ">", and each
    part can only be read one way, so a long run of unclosed tags is scanned
    in linear time.
    """
    return re.compile(
        rf"</?(?:{_TAG_NAMES})(?=[\s/>])"
        r"(?:\s+[^\s=<>/\"']+(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s<>\"'=`][^\s<>\"'`]*))?)*\s*/?>",
        re.IGNORECASE,
    )


def strip_markup(text: str) -> str:
    """``text`` without the markup tags (in-field ``<i>``, ``</b>``,
    ``<span class="nocase">``, and HTML elements such as ``<script>``) that
    plain text must not show; other uses of ``<`` (``a < b``,
    ``vector<int>``) stay."""
    if "<" not in text:
        return text
    return _markup_tag().sub("", text)


# ---------------------------------------------------------------- HTML


def _escape_html(text: str) -> str:
    return text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")


def escape_attribute(text: str) -> str:
    """``text`` as a double-quoted HTML attribute value: every character that could
    end the value or start markup is a character reference.

    Spelled as :func:`html.escape` with ``quote=True`` spells them, without
    importing :mod:`html`, whose entity table is a millisecond of every
    command's start-up.
    """
    return (
        xml_safe(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def to_html(rich: Rich) -> str:
    """HTML as the CSL test suite (citeproc-js) spells it."""
    parts: list[str] = []
    _html_into(rich, parts)
    return "".join(parts)


def _html_into(rich: Rich, out: list[str]) -> None:
    if isinstance(rich, Text):
        out.append(_escape_html(xml_safe(rich.text)))
        return
    if _unformatted(rich):
        for child in rich.children:
            _html_into(child, out)
        return
    closers: list[str] = []
    if rich.display in DISPLAY_VALUES:
        out.append(f'<div class="csl-{rich.display}">')
        closers.append("</div>")
    link = safe_url(rich.link)
    if link:
        # the suite's spelling of & < > (&#38; ...), and no quote that could end the value
        href = _escape_html(xml_safe(link)).replace('"', "&#34;").replace("'", "&#39;")
        out.append(f'<a href="{href}">')
        closers.append("</a>")
    # citeproc-js nests font-style innermost and vertical-align outermost.
    for opening, closing in _html_tags(rich):
        out.append(opening)
        closers.append(closing)
    for child in rich.children:
        _html_into(child, out)
    out.extend(reversed(closers))


def _unformatted(span: Span) -> bool:
    """Whether ``span`` writes no HTML of its own (only its children's): most
    spans of an entry (the entry's own, the one around its parts) set nothing.

    ``nocase`` and ``part`` are for later steps, never written; a ``display``
    outside :data:`DISPLAY_VALUES` and a link :func:`safe_url` refuses are
    written too, as nothing, by the general path, which takes every span
    setting either.
    """
    return (
        span.italic is None
        and span.bold is None
        and span.small_caps is None
        and not span.superscript
        and not span.subscript
        and not span.baseline
        and not span.underline
        and span.display is None
        and span.link is None
    )


def _html_tags(rich: Span) -> list[tuple[str, str]]:
    """The opening and closing tags of ``rich``'s font and position, outermost first."""
    tags: list[tuple[str, str]] = []
    if rich.superscript:
        tags.append(("<sup>", "</sup>"))
    if rich.subscript:
        tags.append(("<sub>", "</sub>"))
    if rich.baseline:
        tags.append(('<span style="baseline">', "</span>"))
    if rich.underline:
        tags.append(('<span style="text-decoration:underline;">', "</span>"))
    if rich.bold is True:
        tags.append(("<b>", "</b>"))
    elif rich.bold is False:
        tags.append(('<span style="font-weight:normal;">', "</span>"))
    if rich.small_caps is True:
        tags.append(('<span style="font-variant:small-caps;">', "</span>"))
    elif rich.small_caps is False:
        tags.append(('<span style="font-variant:normal;">', "</span>"))
    if rich.italic is True:
        tags.append(("<i>", "</i>"))
    elif rich.italic is False:
        tags.append(('<span style="font-style:normal;">', "</span>"))
    return tags


# ---------------------------------------------------------------- text


# Every character below U+10000 whose Unicode decomposition is <super> (Unicode
# 14.0, Python 3.11's unicodedata), then the modifier letters without one that
# citeproc-js also raises.  Written out rather than found by scanning the 65,000
# code points of the BMP at import, which cost every process some 10 ms;
# tests/render/test_richtext.py checks it against the running Python's database.
SUPERSCRIPTS: dict[str, str] = {
    "\u00aa": "a",
    "\u00b2": "2",
    "\u00b3": "3",
    "\u00b9": "1",
    "\u00ba": "o",
    "\u02b0": "h",
    "\u02b1": "\u0266",
    "\u02b2": "j",
    "\u02b3": "r",
    "\u02b4": "\u0279",
    "\u02b5": "\u027b",
    "\u02b6": "\u0281",
    "\u02b7": "w",
    "\u02b8": "y",
    "\u02e0": "\u0263",
    "\u02e1": "l",
    "\u02e2": "s",
    "\u02e3": "x",
    "\u02e4": "\u0295",
    "\u10fc": "\u10dc",
    "\u1d2c": "A",
    "\u1d2d": "\u00c6",
    "\u1d2e": "B",
    "\u1d30": "D",
    "\u1d31": "E",
    "\u1d32": "\u018e",
    "\u1d33": "G",
    "\u1d34": "H",
    "\u1d35": "I",
    "\u1d36": "J",
    "\u1d37": "K",
    "\u1d38": "L",
    "\u1d39": "M",
    "\u1d3a": "N",
    "\u1d3c": "O",
    "\u1d3d": "\u0222",
    "\u1d3e": "P",
    "\u1d3f": "R",
    "\u1d40": "T",
    "\u1d41": "U",
    "\u1d42": "W",
    "\u1d43": "a",
    "\u1d44": "\u0250",
    "\u1d45": "\u0251",
    "\u1d46": "\u1d02",
    "\u1d47": "b",
    "\u1d48": "d",
    "\u1d49": "e",
    "\u1d4a": "\u0259",
    "\u1d4b": "\u025b",
    "\u1d4c": "\u025c",
    "\u1d4d": "g",
    "\u1d4f": "k",
    "\u1d50": "m",
    "\u1d51": "\u014b",
    "\u1d52": "o",
    "\u1d53": "\u0254",
    "\u1d54": "\u1d16",
    "\u1d55": "\u1d17",
    "\u1d56": "p",
    "\u1d57": "t",
    "\u1d58": "u",
    "\u1d59": "\u1d1d",
    "\u1d5a": "\u026f",
    "\u1d5b": "v",
    "\u1d5c": "\u1d25",
    "\u1d5d": "\u03b2",
    "\u1d5e": "\u03b3",
    "\u1d5f": "\u03b4",
    "\u1d60": "\u03c6",
    "\u1d61": "\u03c7",
    "\u1d78": "\u043d",
    "\u1d9b": "\u0252",
    "\u1d9c": "c",
    "\u1d9d": "\u0255",
    "\u1d9e": "\u00f0",
    "\u1d9f": "\u025c",
    "\u1da0": "f",
    "\u1da1": "\u025f",
    "\u1da2": "\u0261",
    "\u1da3": "\u0265",
    "\u1da4": "\u0268",
    "\u1da5": "\u0269",
    "\u1da6": "\u026a",
    "\u1da7": "\u1d7b",
    "\u1da8": "\u029d",
    "\u1da9": "\u026d",
    "\u1daa": "\u1d85",
    "\u1dab": "\u029f",
    "\u1dac": "\u0271",
    "\u1dad": "\u0270",
    "\u1dae": "\u0272",
    "\u1daf": "\u0273",
    "\u1db0": "\u0274",
    "\u1db1": "\u0275",
    "\u1db2": "\u0278",
    "\u1db3": "\u0282",
    "\u1db4": "\u0283",
    "\u1db5": "\u01ab",
    "\u1db6": "\u0289",
    "\u1db7": "\u028a",
    "\u1db8": "\u1d1c",
    "\u1db9": "\u028b",
    "\u1dba": "\u028c",
    "\u1dbb": "z",
    "\u1dbc": "\u0290",
    "\u1dbd": "\u0291",
    "\u1dbe": "\u0292",
    "\u1dbf": "\u03b8",
    "\u2070": "0",
    "\u2071": "i",
    "\u2074": "4",
    "\u2075": "5",
    "\u2076": "6",
    "\u2077": "7",
    "\u2078": "8",
    "\u2079": "9",
    "\u207a": "+",
    "\u207b": "\u2212",
    "\u207c": "=",
    "\u207d": "(",
    "\u207e": ")",
    "\u207f": "n",
    "\u2120": "SM",
    "\u2122": "TM",
    "\u2c7d": "V",
    "\u2d6f": "\u2d61",
    "\u3192": "\u4e00",
    "\u3193": "\u4e8c",
    "\u3194": "\u4e09",
    "\u3195": "\u56db",
    "\u3196": "\u4e0a",
    "\u3197": "\u4e2d",
    "\u3198": "\u4e0b",
    "\u3199": "\u7532",
    "\u319a": "\u4e59",
    "\u319b": "\u4e19",
    "\u319c": "\u4e01",
    "\u319d": "\u5929",
    "\u319e": "\u5730",
    "\u319f": "\u4eba",
    "\ua69c": "\u044a",
    "\ua69d": "\u044c",
    "\ua770": "\ua76f",
    "\ua7f2": "C",
    "\ua7f3": "F",
    "\ua7f4": "Q",
    "\ua7f8": "\u0126",
    "\ua7f9": "\u0153",
    "\uab5c": "\ua727",
    "\uab5d": "\uab37",
    "\uab5e": "\u026b",
    "\uab5f": "\uab52",
    "\uab69": "\u028d",
    # no <super> decomposition
    "\u02c0": "\u0294",
    "\u02c1": "\u0295",
    "\u06e5": "\u0648",
    "\u06e6": "\u064a",
}
"""Superscript characters -> plain text; CSL engines turn the first into ``<sup>``."""

# plain character -> its superscript form, for plain text; the lowest code point
# wins, so ordinal indicators come out as "ª" and "º" (Spanish "2.ª ed.")
_RAISED: dict[str, str] = {}
# raised words that are one character of their own: "TM" -> "™", "SM" -> "℠"
_RAISED_WORDS: dict[str, str] = {}
for _char, _plain in SUPERSCRIPTS.items():
    if len(_plain) == 1:
        _RAISED.setdefault(_plain, _char)
    else:
        _RAISED_WORDS.setdefault(_plain, _char)


def to_text(rich: Rich) -> str:
    """Plain text; block-displayed parts start on a new line.

    Superscript text that Unicode can spell (ordinal suffixes such as the
    French "ᵉ" or Spanish "ª", footnote digits) keeps its superscript form.
    """
    if isinstance(rich, Text):
        return _plain_text(rich.text)
    out: list[str] = []
    _text_into(rich, out)
    return "".join(out)


def _plain_text(text: str) -> str:
    """A Text's characters as plain text shows them (the usual ASCII text without
    ``<`` is already that, and is not passed through two functions to find out)."""
    if text.isascii() and "<" not in text:
        return text
    return strip_markup(printable(text))


def _text_into(span: Span, out: list[str]) -> None:
    """:func:`to_text` of ``span`` into one list.

    Only a superscript span and a ``block`` or ``left-margin`` part change
    their text as a whole; every other span's children go straight into
    ``out``, with no string joined per span.
    """
    if span.superscript or span.display in _PLACED:
        inner: list[str] = []
        for child in span.children:
            if isinstance(child, Text):
                inner.append(_plain_text(child.text))
            else:
                _text_into(child, inner)
        out.append(_raised_or_placed(span, "".join(inner)))
        return
    for child in span.children:
        if isinstance(child, Text):
            out.append(_plain_text(child.text))
        else:
            _text_into(child, out)


_PLACED = frozenset({"block", "left-margin"})
"""The displays :func:`_place_display` changes the text of."""


def _raised_or_placed(span: Span, inner: str) -> str:
    """The text of a superscript or placed span, from its children's text."""
    if span.superscript and inner in _RAISED_WORDS:
        inner = _RAISED_WORDS[inner]
    elif span.superscript and inner and all(char in _RAISED for char in inner):
        inner = "".join(_RAISED[char] for char in inner)
    return _place_display(span.display, inner, "\n")


def _place_display(display: str | None, inner: str, line_break: str) -> str:
    """A ``display`` part's text in a format without boxes.

    Shared by the text, Markdown and LaTeX serialisers so they agree: a
    ``block`` stands on its own line (``line_break`` is that format's
    paragraph-safe break), and a ``left-margin`` part (the ``[1]`` of a
    numeric bibliography) is kept apart from the text after it by a space.
    """
    if display == "block":
        return line_break + inner + line_break
    if display == "left-margin" and inner and not inner[-1].isspace():
        return inner + " "
    return inner


# ---------------------------------------------------------------- Markdown

_MARKDOWN_SPECIAL = lazy_pattern(globals(), r"([\\`*_{}\[\]<>#|~^])")


def to_markdown(rich: Rich) -> str:
    """Pandoc Markdown: ``*italic*``, ``**bold**``, ``[x]{.smallcaps}``, links."""
    if isinstance(rich, Text):
        return _MARKDOWN_SPECIAL.sub(r"\\\1", printable(rich.text))
    inner = "".join(to_markdown(child) for child in rich.children)
    if not inner:
        return inner
    if rich.superscript:
        inner = f"^{inner}^"
    if rich.subscript:
        inner = f"~{inner}~"
    if rich.underline:
        inner = f"[{inner}]{{.underline}}"
    if rich.small_caps is True:
        inner = f"[{inner}]{{.smallcaps}}"
    if rich.bold is True:
        inner = f"**{inner}**"
    if rich.italic is True:
        inner = f"*{inner}*"
    link = safe_url(rich.link)
    if link:
        shown = plain(rich)
        if shown == link and inner == _MARKDOWN_SPECIAL.sub(r"\\\1", shown) and _autolinkable(link):
            inner = f"<{link}>"  # a URL shown as itself, as pandoc writes it
        else:
            inner = f"[{inner}]({_markdown_url(link)})"
    return _place_display(rich.display, inner, "\n\n")


def _autolinkable(url: str) -> bool:
    """Whether ``<url>`` reads back as a link to ``url`` (an absolute URL, nothing that ends it)."""
    return "://" in url and not any(c in "<>\\`" or c.isspace() for c in url)


def _markdown_url(url: str) -> str:
    """A URL as a Markdown link target: nothing in it can end the link or start markup."""
    return "".join(f"%{ord(c):02X}" if c in "<>()[]\\`" or c.isspace() else c for c in url)


# ---------------------------------------------------------------- LaTeX

_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    # OT1, LaTeX's default font encoding, prints these as "¡", "¿" and "—"
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_LATEX_SPECIAL = lazy_pattern(globals(), r"[\\{}$&#^_%~<>|]")


def _escape_latex(text: str) -> str:
    return _LATEX_SPECIAL.sub(lambda match: _LATEX_ESCAPES[match.group(0)], text)


_LATEX_URL_ENCODED = frozenset('\\{}^`<>"|')


def _latex_url(url: str) -> str:
    """A URL as ``\\href`` reads it: no backslash, brace or ``^^`` that TeX would act on
    (those are percent-encoded, which means the same to a browser), ``%`` and ``#``
    escaped."""
    encoded = "".join(
        f"%{ord(c):02X}" if c in _LATEX_URL_ENCODED or c.isspace() else c for c in url
    )
    return encoded.replace("%", "\\%").replace("#", "\\#")


def to_latex(rich: Rich) -> str:
    """LaTeX with ``\\emph``, ``\\textbf``, ``\\textsc``, ``\\href`` and escaping."""
    if isinstance(rich, Text):
        return _escape_latex(printable(rich.text))
    inner = "".join(to_latex(child) for child in rich.children)
    if rich.superscript:
        inner = f"\\textsuperscript{{{inner}}}"
    if rich.subscript:
        inner = f"\\textsubscript{{{inner}}}"
    if rich.underline:
        inner = f"\\underline{{{inner}}}"
    if rich.small_caps is True:
        inner = f"\\textsc{{{inner}}}"
    elif rich.small_caps is False:
        inner = f"\\textnormal{{{inner}}}"
    if rich.bold is True:
        inner = f"\\textbf{{{inner}}}"
    elif rich.bold is False:
        inner = f"\\textmd{{{inner}}}"
    if rich.italic is True:
        inner = f"\\emph{{{inner}}}"
    elif rich.italic is False:
        inner = f"\\textup{{{inner}}}"
    link = safe_url(rich.link)
    if link:
        inner = f"\\href{{{_latex_url(link)}}}{{{inner}}}"
    return _place_display(rich.display, inner, "\n")


# ---------------------------------------------------------------- parsing

_TAG = lazy_pattern(
    globals(), r"<(/?)([a-zA-Z]+)((?:\s+[a-zA-Z-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>"
)
_ATTR = lazy_pattern(globals(), r"([a-zA-Z-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_STYLE_FLAGS: dict[str, dict[str, object]] = {
    "font-style:italic": {"italic": True},
    "font-style:normal": {"italic": False},
    "font-weight:bold": {"bold": True},
    "font-weight:normal": {"bold": False},
    "font-variant:small-caps": {"small_caps": True},
    "font-variant:normal": {"small_caps": False},
    "text-decoration:underline": {"underline": True},
    "vertical-align:sup": {"superscript": True},
    "vertical-align:sub": {"subscript": True},
    "baseline": {"baseline": True},
}


def _span_attributes(tag: str, attrs: dict[str, str]) -> dict[str, object] | None:
    """The Span keyword arguments a known tag stands for, or None if unknown."""
    simple: dict[str, dict[str, object]] = {
        "i": {"italic": True},
        "em": {"italic": True},
        "b": {"bold": True},
        "strong": {"bold": True},
        "sc": {"small_caps": True},
        "sup": {"superscript": True},
        "sub": {"subscript": True},
        "u": {"underline": True},
    }
    if tag in simple:
        return dict(simple[tag])
    if tag == "a":
        # an unsafe target (javascript:, data: ...) keeps the text, not the link
        return {"link": safe_url(attrs.get("href"))}
    if tag == "div":
        cls = attrs.get("class", "")
        display = cls[4:] if cls.startswith("csl-") else ""
        if display in DISPLAY_VALUES:
            return {"display": display}
        return {"part": cls or None}
    if tag == "span":
        if attrs.get("class") == "nocase":
            return {"nocase": True}
        style = attrs.get("style")
        if style is not None:
            result: dict[str, object] = {}
            for declaration in style.replace(" ", "").split(";"):
                result.update(_STYLE_FLAGS.get(declaration, {}))
            return result
        return {}
    return None


MAX_NESTING = 64
"""Tags nested deeper than this stay literal text, so no input makes a tree that
the recursive serialisers cannot walk."""


def from_html(text: str) -> Rich:
    """A tree from citeproc-py's HTML or CSL-JSON's in-field markup.

    Tags must nest; a closing tag without its opening tag, an unknown tag or
    one nested deeper than :data:`MAX_NESTING` stays as literal text.
    Entities are decoded.
    """
    from html import unescape  # here: its entity table costs start-up a millisecond

    # Each stack frame: (tag name, span kwargs, children so far, raw opening tag)
    stack: list[tuple[str, dict[str, object], list[Rich], str]] = [("", {}, [], "")]
    # tags opened deeper than MAX_NESTING: kept as text, and so are their closers
    too_deep: list[str] = []
    position = 0

    def add_text(chunk: str) -> None:
        if chunk:
            stack[-1][2].append(Text(unescape(chunk)))

    for match in _TAG.finditer(text):
        add_text(text[position : match.start()])
        position = match.end()
        closing, tag, raw_attrs, self_closing = match.groups()
        tag = tag.lower()
        if closing:
            if too_deep and too_deep[-1] == tag:
                too_deep.pop()
                add_text(match.group(0))
            elif len(stack) > 1 and stack[-1][0] == tag:
                _, kwargs, children, _ = stack.pop()
                stack[-1][2].append(Span(tuple(children), **kwargs))  # type: ignore[arg-type]
            else:
                add_text(match.group(0))
            continue
        if tag == "br" and self_closing:
            add_text("\n")
            continue
        attrs = {
            m.group(1).lower(): unescape(m.group(2) or m.group(3) or "")
            for m in _ATTR.finditer(raw_attrs)
        }
        known = _span_attributes(tag, attrs)
        if known is None or self_closing:
            add_text(match.group(0))
            continue
        if len(stack) > MAX_NESTING or too_deep:
            too_deep.append(tag)
            add_text(match.group(0))
            continue
        stack.append((tag, known, [], match.group(0)))
    add_text(text[position:])
    # Unclosed tags: keep their opening as text and their content as is.
    while len(stack) > 1:
        _, _, children, opening = stack.pop()
        stack[-1][2].append(Text(opening))
        stack[-1][2].extend(children)
    root = stack[0][2]
    if len(root) == 1:
        return root[0]
    return Span(tuple(root))


def sanitize_html(text: str) -> str:
    """An HTML fragment reduced to what citekit writes: the CSL rich-text tags and
    safe links stay, every other tag, attribute and character is escaped text."""
    return to_html(from_html(text))
