"""Markdown documents read by a real CommonMark parser, written as HTML or plain text.

``citekit render --to html|text`` shows a whole document, not only its
citations.  The reading is markdown-it-py's (CommonMark, every spec example)
with the extensions pandoc's Markdown has and mdit-py-plugins provides:
pipe tables, strikeout, footnotes (``[^1]`` and inline ``^[...]``),
definition lists, YAML front matter, bracketed spans and attributes
(``[x]{.smallcaps}``, which the citation serialiser emits), ``^super^`` and
``~sub~``.  Two pieces of pandoc Markdown have no plugin and are added here:

* fenced divs (``::: {#refs .csl-bib-body}`` ... ``:::``, nested as in
  pandoc), a block rule, written as ``<div>`` with their attributes;
* pandoc citations (``[see @doe99, p. 3]``, ``@doe99``), an inline rule: a
  citation is whatever :func:`citekit.formats.citesyntax.find_citations` finds in a
  paragraph's text and that the parser meets as text, so ``@key`` in a code
  span, a code block, an autolink or a raw HTML tag is not one, and neither
  is the ``@`` of an e-mail address or of a URL.  A citation left in a
  document (``citekit render`` replaces them before writing HTML) is written
  as pandoc writes it, ``<span class="citation" data-cites="...">``.

Safety.  The HTML is safe to open whoever wrote the document:

* raw HTML is kept (a writer's ``<div>``, ``<sup>`` or ``<!-- comment -->``
  means what it says, as in pandoc) but filtered tag by tag: elements that
  run or load things (``<script>``, ``<style>``, ``<iframe>``, ``<object>``,
  ``<svg>``, forms ...) and anything that is not a well-formed tag are
  written as text (``&lt;script&gt;``), event-handler and ``style``
  attributes are dropped, and URL attributes pass :func:`document_url`;
* a link or image keeps its target only when :func:`document_url` accepts
  it: relative URLs and every scheme except the ones that run code or
  reach local data (``javascript:``, ``vbscript:``, ``data:``, ``file:``,
  ``blob:``, ``filesystem:``), after removing the characters browsers
  ignore in a URL, so ``java&#x09;script:`` is refused too;
* span and div attributes are limited to ``id``, ``class``, ``lang``,
  ``dir`` and ``title``.

Plain text carries no markup: notes become ``[1]`` with the notes at the
end, links keep their target in angle brackets.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from citekit.documents.frontmatter import FrontMatterError, read_front_matter
from citekit.formats.citesyntax import CitationMatch, find_citations
from citekit.render.richtext import escape_attribute, printable, strip_markup, xml_safe

# markdown-it-py and its plugins are a heavy optional dependency (~20 ms to import) that
# only reading a whole document needs: the functions that parse import them, so that
# ``citekit cite`` and the rest of citekit, which import this module for
# :func:`bare_urls` and the like, do not pay for them.
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from markdown_it.tree import SyntaxTreeNode
    from markdown_it.utils import EnvType, OptionsDict

    _RendererBase = RendererHTML
else:
    _RendererBase = object

MAX_NESTING = 20
"""Blocks and inlines nested deeper than this are read as text (no recursion limit hit)."""

ALLOWED_ATTRIBUTES = ("id", "class", "lang", "dir", "title")
"""Attributes a span or div keeps; pandoc's ``key=value`` pairs beyond these are dropped."""

# ---------------------------------------------------------------------------
# URLs and raw HTML
# ---------------------------------------------------------------------------

_UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob", "filesystem"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# What browsers skip or strip in a URL before they read its scheme.
_URL_IGNORED = re.compile(
    "[\x00-\x20\x7f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\ud800-\udfff]"
)


def document_url(url: str) -> str | None:
    """A document's link target as it may be written, or None when it must not be a link.

    Writers link to ``ftp:``, ``irc:``, ``tel:`` or their own files, so
    only the schemes that run code or read local data are refused (the
    citation data written by citekit itself passes the stricter
    :func:`citekit.render.richtext.safe_url`).
    """
    # entities and percent escapes decoded too: "java%09script:" is refused
    # although a browser would not run it, rather than reasoning about each.
    cleaned = _URL_IGNORED.sub("", unquote(html.unescape(url)))
    match = _SCHEME.match(cleaned)
    if match is not None and match.group(1).lower() in _UNSAFE_SCHEMES:
        return None
    return url


_BLOCKED_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "link",
        "meta",
        "form",
        "input",
        "button",
        "textarea",
        "select",
        "option",
        "optgroup",
        "svg",
        "math",
        "template",
        "noscript",
        "noembed",
        "noframes",
        "title",
        "xmp",
        "plaintext",
        "listing",
        "portal",
        "param",
        "html",
        "head",
        "body",
        "dialog",
        "slot",
        "isindex",
        "keygen",
        "image",
    }
)
_URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "cite",
        "poster",
        "background",
        "longdesc",
        "usemap",
        "data",
        "codebase",
        "lowsrc",
        "dynsrc",
        "ping",
        "xlink:href",
        "action",
        "formaction",
        "manifest",
        "icon",
    }
)
_DROPPED_ATTRIBUTES = frozenset({"style", "srcdoc", "srcset", "formaction", "action", "is"})
_ATTRIBUTE = (
    r"[A-Za-z_:][A-Za-z0-9_.:\-]*"
    r"(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?"
)
_RAW_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9\-]*)((?:\s+" + _ATTRIBUTE + r")*)\s*(/?)>")
_RAW_ATTRIBUTE = re.compile(
    r"([A-Za-z_:][A-Za-z0-9_.:\-]*)(?:\s*=\s*([^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?"
)
# A comment whose body cannot end it early (``--!>`` ends a comment in browsers).
_RAW_COMMENT = re.compile(r"<!--(?:-?>|(?:(?!--!>)[^\x00])*?-->)")
# Declarations, processing instructions and CDATA are "bogus comments" to an
# HTML parser: inert up to the first ">", whatever follows is read afresh.
_MARKUP_START = re.compile(r"[A-Za-z/!?]")
_BOGUS_COMMENT = re.compile(r"<(?:\?|![A-Za-z]|!\[CDATA\[)[^>]*>")


def _safe_tag(match: re.Match[str]) -> str | None:
    """A raw tag rewritten with only harmless attributes, or None when it must be text."""
    closing, name, attributes, self_closing = match.groups()
    if name.lower() in _BLOCKED_TAGS:
        return None
    if closing:
        return f"</{name}>" if not attributes.strip() and not self_closing else None
    kept: list[str] = []
    for attribute in _RAW_ATTRIBUTE.finditer(attributes):
        key, value = attribute.group(1), attribute.group(2)
        lowered = key.lower()
        if lowered.startswith("on") or lowered in _DROPPED_ATTRIBUTES:
            continue
        if value is None:
            kept.append(f" {key}")
            continue
        if value[:1] in "'\"":
            value = value[1:-1]
        value = html.unescape(value)
        if lowered in _URL_ATTRIBUTES and document_url(value) is None:
            continue
        kept.append(f' {key}="{escape_attribute(value)}"')
    return f"<{name}{''.join(kept)}{' /' if self_closing else ''}>"


def safe_raw_html(raw: str) -> str:
    """Raw HTML from a document with every ``<`` that could do harm written as text.

    Each ``<`` either starts a well-formed tag (rewritten by
    :func:`_safe_tag`), a comment, or the part of a declaration, processing
    instruction or CDATA section a browser reads as an inert comment (up to
    its first ``>``; the rest is scanned like any text), or becomes
    ``&lt;``; the text between passes as the writer typed it (entities
    included).
    """
    out: list[str] = []
    position = 0
    while True:
        start = raw.find("<", position)
        if start < 0:
            out.append(raw[position:])
            return "".join(out)
        out.append(raw[position:start])
        tag = _RAW_TAG.match(raw, start)
        kept = _safe_tag(tag) if tag is not None else None
        if kept is not None and tag is not None:
            out.append(kept)
            position = tag.end()
            continue
        other = _RAW_COMMENT.match(raw, start) or _BOGUS_COMMENT.match(raw, start)
        if other is not None:
            out.append(other.group(0))
            position = other.end()
            continue
        # A "<" before anything but a letter, "/", "!" or "?" is text to a browser.
        out.append("&lt;" if _MARKUP_START.match(raw, start + 1) else "<")
        position = start + 1


# ---------------------------------------------------------------------------
# Pandoc attributes, fenced divs and heading attributes
# ---------------------------------------------------------------------------

_ATTR_WORD = re.compile(r"""([#.]?[^\s=#.{}"']+)(?:=("[^"]*"|'[^']*'|[^\s"']*))?""")


def parse_attributes(text: str) -> list[tuple[str, str]]:
    """Pandoc's ``{#id .class key=value}`` as HTML attributes, the allowed ones only."""
    ident = ""
    classes: list[str] = []
    pairs: list[tuple[str, str]] = []
    for match in _ATTR_WORD.finditer(text):
        word, value = match.group(1), match.group(2)
        if word.startswith("#") and value is None:
            ident = word[1:]
        elif word.startswith(".") and value is None:
            classes.append(word[1:])
        elif value is not None and word.lower() in ALLOWED_ATTRIBUTES and word != "class":
            pairs.append((word.lower(), value.strip("\"'")))
    out = [("id", ident)] if ident else []
    if classes:
        out.append(("class", " ".join(classes)))
    return out + pairs


_DIV_FENCE = re.compile(r"^(:{3,})[ \t]*(?:\{([^{}]*)\}|([^\s{}:]+))?[ \t]*:*[ \t]*$")


def _fence_line(state: StateBlock, line: int) -> re.Match[str] | None:
    """The div fence on ``line``, if the line is one (not indented as code)."""
    if state.sCount[line] - state.blkIndent >= 4:
        return None
    start = state.bMarks[line] + state.tShift[line]
    return _DIV_FENCE.match(state.src[start : state.eMarks[line]])


def _div_end(state: StateBlock, start_line: int, end_line: int) -> tuple[int, bool]:
    """The line closing the div opened at ``start_line`` (nested divs counted)."""
    depth = 1
    line = start_line + 1
    while line < end_line:
        if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            return line, False  # a less indented line ends the enclosing block
        fence = _fence_line(state, line)
        if fence is not None:
            opens = fence.group(2) is not None or fence.group(3) is not None
            depth += 1 if opens else -1
            if depth == 0:
                return line, True
        line += 1
    return end_line, False


def _fenced_div(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Pandoc's fenced div: ``:::`` with attributes opens, a bare ``:::`` closes."""
    fence = _fence_line(state, start_line)
    if fence is None or (fence.group(2) is None and fence.group(3) is None):
        return False
    if silent:
        return True
    close_line, closed = _div_end(state, start_line, end_line)
    attributes = (
        parse_attributes(fence.group(2))
        if fence.group(2) is not None
        else [("class", fence.group(3))]
    )
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "div"
    state.lineMax = close_line
    opening = state.push("div_open", "div", 1)
    opening.block = True
    opening.markup = fence.group(1)
    opening.map = [start_line, close_line]
    for key, value in attributes:
        opening.attrSet(key, value)
    state.md.block.tokenize(state, start_line + 1, close_line)
    state.push("div_close", "div", -1).block = True
    state.parentType, state.lineMax = old_parent, old_max
    state.line = close_line + (1 if closed else 0)
    return True


_HEADING_ATTRIBUTES = re.compile(r"[ \t]+\{([^{}]*)\}[ \t]*$")


def _heading_attributes(state: StateCore) -> None:
    """``# Title {#id .class}``: the braces become the heading's attributes, as in pandoc."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        match = _HEADING_ATTRIBUTES.search(" " + inline.content)
        if match is None:
            continue
        inline.content = (" " + inline.content)[: match.start()].strip()
        for key, value in parse_attributes(match.group(1)):
            token.attrSet(key, value)


# ---------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------


_BARE_URL = re.compile(r"(?<![\w.+-])(?:[a-zA-Z][a-zA-Z0-9+.\-]*://|www\.)[^\s<>]*")


def bare_urls(text: str) -> list[tuple[int, int]]:
    """Where ``text`` has a URL typed without angle brackets (``https://x.org/@jgm``,
    ``www.x.org/@jgm``): an ``@`` there starts no citation."""
    return [m.span() for m in _BARE_URL.finditer(text)]


def _escaped(text: str, index: int) -> bool:
    """Whether the character at ``index`` follows an odd run of backslashes."""
    run = 0
    while index - run > 0 and text[index - run - 1] == "\\":
        run += 1
    return run % 2 == 1


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _closing_dollar(text: str, start: int, double: bool) -> int:
    """Where the ``$`` (``$$``) closing math opened before ``start`` is, or -1.

    Math stays within its paragraph: a blank line ends the search.  As in
    pandoc, inline math ends at its next ``$``: when that one cannot close
    it (a space before it, a digit after it), there is no math.
    """
    blank = _BLANK_LINE.search(text, start)
    limit = blank.start() if blank is not None else len(text)
    index = start
    while (index := text.find("$", index, limit)) >= 0:
        if _escaped(text, index):
            index += 1
        elif double:
            if text.startswith("$$", index):
                return index
            index += 1
        elif text[index - 1].isspace() or text[index + 1 : index + 2].isdigit():
            return -1
        else:
            return index
    return -1


def math_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` has TeX math, as pandoc's ``tex_math_dollars`` reads it.

    ``$$...$$`` is display math; ``$...$`` is inline math when the opening
    ``$`` has a non-space right after it and the closing one a non-space
    right before it and no digit after it (so "$20 and $30" is text); a
    ``\\$`` is a dollar sign.  An ``@`` in math starts no citation.
    """
    spans: list[tuple[int, int]] = []
    index = 0
    while (index := text.find("$", index)) >= 0:
        if _escaped(text, index):
            index += 1
            continue
        double = text.startswith("$$", index)
        body = index + (2 if double else 1)
        if body >= len(text) or (not double and text[body].isspace()):
            index = body
            continue
        end = _closing_dollar(text, body + (0 if double else 1), double)
        if end < 0:
            index = body if double else index + 1
            continue
        end += 2 if double else 1
        spans.append((index, end))
        index = end
    return spans


def _citations_in(state: StateInline) -> dict[int, CitationMatch]:
    """The citations of this inline text by start offset (found once per text)."""
    cache: dict[str, dict[int, CitationMatch]] = state.env.setdefault("citekit_citations", {})
    found = cache.get(state.src)
    if found is None:
        found = {}
        if "@" in state.src:
            urls = bare_urls(state.src) + math_spans(state.src)
            for match in find_citations(state.src):
                if not any(start <= match.start < end for start, end in urls):
                    found[match.start] = match
        cache[state.src] = found
    return found


def _citation(state: StateInline, silent: bool) -> bool:
    """A pandoc citation starting here becomes one ``citation`` token."""
    if state.src[state.pos] not in "[@-":
        return False
    match = _citations_in(state).get(state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("citation", "span", 0)
        token.content = state.src[match.start : match.end]
        token.meta = {"keys": [item.id for item in match.cluster.items], "in_text": match.in_text}
    state.pos = match.end
    return True


# ---------------------------------------------------------------------------
# Citation prefixes and suffixes
# ---------------------------------------------------------------------------

_AFFIX_TRIGGERS = frozenset("*_`[]\\^~<&!")
_CSL_TAGS = {"em": "i", "strong": "b", "sup": "sup", "sub": "sub"}
_HTML_FORMAT = re.compile(r"<(?P<close>/?)(?P<tag>i|b|em|strong|sup|sub)\s*>")
# what CSL-JSON's rich-text markup would read as a tag or an entity
_CSL_MARKUP = re.compile(r"<(?=/?(?:i|b|sc|sup|sub|span)\b)|&(?=(?:amp|lt|gt|quot|#38);)")


@cache
def _affix_parser() -> MarkdownIt:
    """pandoc's inline Markdown for a citation's prefix or suffix (no citations there)."""
    # heavy optional dependencies, imported when a document is first read (see top)
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_plugin
    from mdit_py_plugins.subscript import sub_plugin
    from mdit_py_plugins.superscript import superscript_plugin

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    md.enable("strikethrough")
    md.use(superscript_plugin).use(sub_plugin).use(attrs_plugin, spans=True, allowed=["class"])
    return md


def csl_text(text: str) -> str:
    """Text that CSL-JSON's rich-text markup reads back as the same text (``<i`` kept)."""
    return _CSL_MARKUP.sub(lambda m: "&lt;" if m.group(0) == "<" else "&amp;", text)


def affix_markup(markdown: str) -> str:
    """A citation prefix or suffix written in Markdown, as CSL-JSON rich text.

    pandoc reads ``[*see* @a, p. 3, **cf.** this]`` with the emphasis, and
    the engine takes affixes in CSL-JSON's markup (``<i>``, ``<b>``,
    ``<sc>``, ``<sup>``, ``<sub>``), so that is what the Markdown becomes:
    ``*x*``/``_x_``, ``**x**``, ``[x]{.smallcaps}``, ``^x^`` and ``~x~``.
    Escapes and entities are read (``\\*`` is an asterisk); a code span
    keeps its text as written, unchanged by the style's case (CSL has no
    code); a link or image keeps its text, other raw HTML tags go (CSL has no
    links, and a tag is no text; ``<i>``, ``<b>``, ``<em>``, ``<strong>``,
    ``<sup>`` and ``<sub>`` stay as what they mean).  Spaces around it are kept as they were.
    """
    if not any(char in _AFFIX_TRIGGERS for char in markdown):
        return markdown
    core = markdown.strip()
    if not core:
        return markdown
    lead = markdown[: len(markdown) - len(markdown.lstrip())]
    trail = markdown[len(markdown.rstrip()) :]
    tokens = _affix_parser().parseInline(core, {})
    out: list[str] = []
    spans: list[str] = []  # the closing markup of each open span
    for token in (tokens[0].children or []) if tokens else []:
        kind = token.type
        if kind == "text":
            out.append(csl_text(token.content))
        elif kind == "code_inline":
            out.append(f'<span class="nocase">{csl_text(token.content)}</span>')
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "image":
            out.append(csl_text(token.content))
        elif kind.endswith("_open") and kind[:-5] in _CSL_TAGS:
            out.append(f"<{_CSL_TAGS[kind[:-5]]}>")
        elif kind.endswith("_close") and kind[:-6] in _CSL_TAGS:
            out.append(f"</{_CSL_TAGS[kind[:-6]]}>")
        elif kind == "span_open":
            smallcaps = "smallcaps" in str(token.attrGet("class") or "").split()
            out.append("<sc>" if smallcaps else "")
            spans.append("</sc>" if smallcaps else "")
        elif kind == "span_close" and spans:
            out.append(spans.pop())
        elif kind == "html_inline" and (tag := _HTML_FORMAT.fullmatch(token.content.lower())):
            out.append(f"<{tag['close']}{_CSL_TAGS.get(tag['tag'], tag['tag'])}>")
        # link_open/close, s_open/close (strikeout), other raw HTML: the text alone
    return lead + "".join(out) + trail


# ---------------------------------------------------------------------------
# The parser and its HTML renderer
# ---------------------------------------------------------------------------


class _RendererRules(_RendererBase):
    """markdown-it's HTML renderer with raw HTML filtered and pandoc's notes and citations.

    The rules only: :func:`_renderer_class` puts them on markdown-it's
    ``RendererHTML`` once markdown-it is imported.
    """

    def html_block(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        raw = tokens[idx].content
        return raw if env.get("citekit_trusted") else safe_raw_html(raw)

    def html_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        raw = tokens[idx].content
        return raw if env.get("citekit_trusted") else safe_raw_html(raw)

    def unsafe_link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return ""

    def unsafe_link_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return ""

    def unsafe_image(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        children = tokens[idx].children or []
        return _escape_html(self.renderInlineAsText(children, options, env))

    def citation(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        keys = " ".join(token.meta["keys"])
        return (
            f'<span class="citation" data-cites="{escape_attribute(keys)}">'
            f"{_escape_html(token.content)}</span>"
        )

    def footnote_ref(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        number = tokens[idx].meta["id"] + 1
        sub = tokens[idx].meta.get("subId", 0)
        ident = f"fnref{number}" + (f"-{sub + 1}" if sub else "")
        return (
            f'<a href="#fn{number}" class="footnote-ref" id="{ident}" '
            f'role="doc-noteref"><sup>{number}</sup></a>'
        )

    def footnote_block_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return (
            '<section id="footnotes" class="footnotes footnotes-end-of-document" '
            'role="doc-endnotes">\n<hr />\n<ol>\n'
        )

    def footnote_block_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return "</ol>\n</section>\n"

    def footnote_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f'<li id="fn{tokens[idx].meta["id"] + 1}">'

    def footnote_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return "</li>\n"

    def footnote_anchor(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        number = tokens[idx].meta["id"] + 1
        return f'<a href="#fnref{number}" class="footnote-back" role="doc-backlink">↩︎</a>'


def _escape_html(text: str) -> str:
    """markdown-it's own HTML escaping, so citations escape as the rest of the page."""
    from markdown_it.common.utils import escapeHtml  # heavy optional dependency, see top

    return escapeHtml(text)


@cache
def _renderer_class() -> type[RendererHTML]:
    """markdown-it's HTML renderer class with citekit's rules, made once."""
    from markdown_it.renderer import RendererHTML  # heavy optional dependency, see top

    class _Renderer(_RendererRules, RendererHTML):
        """markdown-it's HTML renderer with raw HTML filtered and pandoc's notes and citations."""

    return _Renderer


def _accept_link(url: str) -> bool:
    """Every link is read as a link; :func:`_unsafe_links` then takes the bad targets away."""
    return True


def _unsafe_links(state: StateCore) -> None:
    """A link or image whose target :func:`document_url` refuses keeps only its text.

    Read as a link first (so ``[bad](javascript:x)`` does not show its
    target as text), then renamed so the writers show the text alone.
    """
    for block in state.tokens:
        if block.children is None:
            continue
        closing = False
        for token in block.children:
            if token.type == "link_open":
                closing = document_url(str(token.attrGet("href") or "")) is None
                if closing:
                    token.type = "unsafe_link_open"
            elif token.type == "link_close" and closing:
                token.type, closing = "unsafe_link_close", False
            elif token.type == "image" and document_url(str(token.attrGet("src") or "")) is None:
                token.type = "unsafe_image"


_SMART_PUNCTUATION = re.compile(r"---|--|\.\.\.")
_SMART_CHARACTERS = {"---": "\u2014", "--": "\u2013", "...": "\u2026"}


def _smart_punctuation(state: StateCore) -> None:
    """pandoc's dashes and ellipsis in the text (not in code, nor in a URL shown as itself)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        in_url = 0
        for token in block.children:
            if token.type == "link_open" and token.info == "auto":
                in_url += 1
            elif token.type == "link_close" and token.info == "auto":
                in_url = max(0, in_url - 1)
            elif (
                token.type == "text"
                and not in_url
                and ("--" in token.content or ".." in token.content)
            ):
                token.content = _SMART_PUNCTUATION.sub(
                    lambda m: _SMART_CHARACTERS[m.group(0)], token.content
                )


def _flat_footnote_definitions(md: MarkdownIt) -> None:
    """A ``[^x]:`` inside a footnote definition's content is text, not another definition.

    Notes do not nest (in pandoc either), and the footnote plugin, given a
    definition inside a list inside a definition (``[^1]: - [^1]: ``),
    moved the inner one out and left the list's closing tags without their
    opening ones.
    """
    rule = next(r.fn for r in md.block.ruler.__rules__ if r.name == "footnote_def")

    def footnote_def(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        inside = bool(state.env.get("citekit_in_footnote"))
        if inside and state.sCount[start_line] >= state.blkIndent:
            return False  # within the definition's content (a less indented one ends it)
        state.env["citekit_in_footnote"] = True
        try:
            return bool(rule(state, start_line, end_line, silent))
        finally:
            state.env["citekit_in_footnote"] = inside

    md.block.ruler.at("footnote_def", footnote_def, {"alt": ["paragraph", "reference"]})


@cache
def parser(*, extensions: bool = True) -> MarkdownIt:
    """The document reader: CommonMark, plus pandoc's extensions unless ``extensions`` is off.

    The reader without extensions is plain markdown-it-py with citekit's
    safety (raw HTML filtering, link checks), for comparison only.
    """
    # heavy optional dependencies, imported when a document is first read (see top)
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_plugin
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.subscript import sub_plugin
    from mdit_py_plugins.superscript import superscript_plugin

    md = MarkdownIt(
        "commonmark", {"html": True, "maxNesting": MAX_NESTING}, renderer_cls=_renderer_class()
    )
    md.validateLink = _accept_link  # type: ignore[method-assign]
    md.core.ruler.after("inline", "unsafe_links", _unsafe_links)
    if not extensions:
        return md
    md.enable(["table", "strikethrough"])
    # pandoc's "smart" extension (on by default): curly quotes and apostrophes,
    # -- and --- as dashes, ... as an ellipsis; not markdown-it's other
    # replacements, such as (c) for a copyright sign, which pandoc leaves
    md.options["typographer"] = True
    md.enable("smartquotes")
    md.core.ruler.after("smartquotes", "smart_punctuation", _smart_punctuation)
    md.use(footnote_plugin).use(deflist_plugin)
    _flat_footnote_definitions(md)
    for name in (
        "footnote_ref",
        "footnote_block_open",
        "footnote_block_close",
        "footnote_open",
        "footnote_close",
        "footnote_anchor",
    ):
        # pandoc's markup, not the plugin's
        md.renderer.rules[name] = getattr(md.renderer, name)  # type: ignore[attr-defined]
    md.use(superscript_plugin).use(sub_plugin)
    md.use(attrs_plugin, spans=True, allowed=list(ALLOWED_ATTRIBUTES))
    md.block.ruler.before(
        "fence",
        "fenced_div",
        _fenced_div,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.core.ruler.after("block", "heading_attributes", _heading_attributes)
    md.inline.ruler.before("link", "citation", _citation)
    return md


def _without_front_matter(text: str) -> str:
    """The text with its YAML front matter as blank lines (line numbers kept).

    As in pandoc, only a block that reads as a non-empty mapping is front
    matter; anything else between ``---`` lines is Markdown (rules, setext
    headings), as CommonMark says.
    """
    if not text.startswith("---"):
        return text
    try:
        meta = read_front_matter(text)
    except FrontMatterError:
        return text
    if not meta.data:
        return text
    return "\n" * text.count("\n", 0, meta.body_start) + text[meta.body_start :]


def tokens(text: str, *, extensions: bool = True) -> list[Token]:
    """The parsed token stream of a Markdown text (front matter skipped)."""
    env: dict[str, Any] = {}
    if extensions:
        text = _without_front_matter(text)
    return parser(extensions=extensions).parse(xml_safe(text), env)


@cache
def _block_parser() -> MarkdownIt:
    """The document reader without its inline pass: the block structure, read fast."""
    # heavy optional dependencies, imported when a document is first read (see top)
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    md.enable(["table"]).use(footnote_plugin).use(deflist_plugin)
    md.block.ruler.before(
        "fence",
        "fenced_div",
        _fenced_div,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.core.ruler.after("block", "heading_attributes", _heading_attributes)
    md.disable("inline")
    return md


def block_tokens(text: str) -> list[Token]:
    """The block tokens of a Markdown text (inline tokens keep their source in ``content``).

    Footnote definitions are left where they are (the inline pass is what
    moves them to a ``footnote_block`` at the end).
    """
    env: dict[str, Any] = {}
    return _block_parser().parse(xml_safe(_without_front_matter(text)), env)


def to_html(text: str, *, extensions: bool = True, trusted: bool = False) -> str:
    """A Markdown text as an HTML fragment, safe to put in any page.

    ``trusted`` keeps raw HTML exactly as written (``<script>`` included),
    like cmark's ``--unsafe``: only for documents whose author is the
    reader.  Link targets are checked either way.
    """
    env: dict[str, Any] = {"citekit_trusted": trusted}
    source = _without_front_matter(text) if extensions else text
    return str(parser(extensions=extensions).render(xml_safe(source), env))


def has_citation(text: str) -> bool:
    """Whether the reader finds a pandoc citation in ``text`` (outside code, links, HTML)."""

    def walk(stream: Sequence[Token]) -> bool:
        return any(
            t.type == "citation" or (t.children is not None and walk(t.children)) for t in stream
        )

    return walk(tokens(text))


def table_row_lines(text: str) -> frozenset[int]:
    """The 0-based line numbers of ``text`` that belong to a pipe table (rows, delimiter).

    ``citekit render`` escapes a ``|`` in a citation it puts on one of these
    lines, so that the rendering stays in its cell; the reader that draws
    the table decides which lines they are.
    """
    if "|" not in text:
        return frozenset()
    rows: set[int] = set()
    for token in block_tokens(text):
        if token.type == "table_open" and token.map is not None:
            rows.update(range(token.map[0], token.map[1]))
    return frozenset(rows)


# ---------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------


def _inline_text(node: SyntaxTreeNode) -> str:
    parts: list[str] = []
    for child in node.children:
        kind = child.type
        if kind == "text":  # an escaped "\\<i\\>" is not markup, but plain text shows none
            parts.append(strip_markup(child.content))
        elif kind in ("code_inline", "citation"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "html_inline":
            parts.append(strip_markup(child.content))
        elif kind == "footnote_ref":
            parts.append(f"[{child.meta['id'] + 1}]")
        elif kind in ("image", "unsafe_image"):
            parts.append(_inline_text(child) or str(child.attrGet("alt") or ""))
        else:
            inner = _inline_text(child)
            target = str(child.attrGet("href") or "") if kind == "link" else ""
            if target and inner and inner != target and not target.startswith("#"):
                inner = f"{inner} <{target}>"
            parts.append(inner)
    return "".join(parts)


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *(rest + line if line else line for line in lines[1:])])


def _list_text(node: SyntaxTreeNode) -> str:
    ordered = node.type == "ordered_list"
    start = int(str(node.attrGet("start") or 1)) if ordered else 1
    loose = any(
        not p.hidden for item in node.children for p in item.children if p.type == "paragraph"
    )
    items: list[str] = []
    for number, item in enumerate(node.children, start=start):
        marker = f"{number}. " if ordered else "- "
        inner = ("\n\n" if loose else "\n").join(_blocks_text(item.children))
        items.append(_indent(inner, marker, " " * len(marker)) if inner else marker.rstrip())
    return ("\n\n" if loose else "\n").join(items)


def _table_text(node: SyntaxTreeNode) -> str:
    """Columns padded to their widest cell, the header underlined, as pandoc's plain text."""
    rows: list[list[str]] = []
    aligns: list[str] = []
    for section in node.children:
        for row in section.children:
            cells = [
                " ".join(_inline_text(c.children[0]).split()) if c.children else ""
                for c in row.children
            ]
            rows.append(cells)
            if not aligns:
                aligns = [str(c.attrGet("style") or "") for c in row.children]
    if not rows:
        return ""
    columns = max(len(r) for r in rows)
    rows = [r + [""] * (columns - len(r)) for r in rows]
    aligns += [""] * (columns - len(aligns))
    widths = [max(1, *(len(r[n]) for r in rows)) for n in range(columns)]

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(w) if "right" in a else cell.center(w) if "center" in a else cell.ljust(w)
            for cell, w, a in zip(cells, widths, aligns, strict=True)
        ]
        return "  ".join(padded).rstrip()

    header, *body = rows
    out = [line(header), "  ".join("-" * w for w in widths)] if any(header) else []
    out.extend(line(row) for row in body)
    return "\n".join(out)


def _blocks_text(nodes: Sequence[SyntaxTreeNode]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        kind = node.type
        if kind in ("paragraph", "heading", "dt"):
            out.append(_inline_text(node.children[0]) if node.children else "")
        elif kind in ("code_block", "fence"):
            out.append("\n".join("    " + line for line in node.content.rstrip("\n").split("\n")))
        elif kind == "hr":
            out.append("-" * 72)
        elif kind == "html_block":
            out.append(strip_markup(node.content).strip("\n"))
        elif kind in ("bullet_list", "ordered_list"):
            out.append(_list_text(node))
        elif kind == "table":
            out.append(_table_text(node))
        elif kind == "blockquote":
            out.extend(_indent(block, "  ", "  ") for block in _blocks_text(node.children))
        elif kind == "dd":
            out.extend(_indent(block, "    ", "    ") for block in _blocks_text(node.children))
        elif kind == "footnote":
            body = _blocks_text([c for c in node.children if c.type != "footnote_anchor"])
            number = node.meta.get("id", 0) + 1
            out.append(_indent("\n\n".join(body), f"[{number}] ", "") if body else f"[{number}]")
        elif kind != "front_matter":
            out.extend(_blocks_text(node.children))
    return [part for part in out if part]


def to_text(text: str) -> str:
    """A Markdown text as plain text: markup gone, notes as ``[1]`` at the end."""
    from markdown_it.tree import SyntaxTreeNode  # heavy optional dependency, see top

    tree = SyntaxTreeNode(tokens(text))
    return printable("\n\n".join(_blocks_text(tree.children)) + "\n")


__all__ = [
    "ALLOWED_ATTRIBUTES",
    "MAX_NESTING",
    "affix_markup",
    "bare_urls",
    "block_tokens",
    "csl_text",
    "document_url",
    "has_citation",
    "math_spans",
    "parse_attributes",
    "parser",
    "safe_raw_html",
    "table_row_lines",
    "to_html",
    "to_text",
    "tokens",
]
