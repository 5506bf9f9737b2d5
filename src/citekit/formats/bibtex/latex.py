"""LaTeX in bibliography fields to Unicode with CSL-JSON markup, and back.

This is a table-driven decoder for the LaTeX that people put in .bib files
(accents, special letters, dashes, quotes, a few font commands, case
protection), not a TeX interpreter: it never expands user macros.  Math
(``$...$``) becomes Unicode text where it can (:mod:`citekit.formats.bibtex.texmath`:
``$\\epsilon$`` is ϵ) and otherwise stays TeX as written.  Commands it does
not know are kept (as written, or as their one argument's text) and listed
by :func:`tex_left_as_written` for the reader to report.  Text without any of the characters that
can start LaTeX markup takes a fast path, because most fields of a real file
are plain.

Plain brace groups nest without limit (the decoder keeps its own stack), but
an accent's argument is decoded by a nested run, so accents nested in accents
(``\\'{\\'{...}}``) stop at :data:`MAX_NESTING` levels with
:class:`LatexNestingError` (a ``ValueError``): a clear error after at most
that many scans of the text, where unbounded nesting used to exhaust the stack
after seconds.

Case-protecting braces become ``<span class="nocase">`` (CSL-JSON's markup
for "never change the case of this"), font commands become ``<i>``, ``<b>``,
``<sup>``, ``<sub>`` and the small-caps span.  :func:`encode` reverses all of
it for the writer.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypeVar

from citekit.base.patterns import lazy_pattern
from citekit.base.text import (  # strip_markup re-exported: plain text of a decoded value
    balanced,
    strip_markup,
)
from citekit.formats.bibtex.texmath import GREEK, math_to_text

NOCASE_OPEN = '<span class="nocase">'
SMALLCAPS_OPEN = '<span style="font-variant:small-caps;">'

# Accent commands -> combining character.
ACCENTS: dict[str, str] = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
    "t": "\u0361",
}  # fmt: skip

# An accent over nothing (``\~{}``, the usual way to type a tilde in text)
# prints the accent on its own: its spacing form, not a combining mark that
# would land on the letter before it ("D\~{}" is "D~", never "D̃").  Accents
# with no spacing form stand on a no-break space, Unicode's isolated form.
_SPACING_ACCENTS: dict[str, str] = {
    "~": "~", "^": "^", "'": "\u00b4", "`": "`", '"': "\u00a8", "=": "\u00af",
    ".": "\u02d9", "u": "\u02d8", "v": "\u02c7", "H": "\u02dd", "c": "\u00b8",
    "k": "\u02db", "r": "\u02da",
}  # fmt: skip

# Commands that stand for a character or string on their own.
SYMBOLS: dict[str, str] = {
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "I": "I", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
    "&": "&", "%": "%", "$": "$", "_": "_", "#": "#", "{": "{", "}": "}",
    " ": " ", ",": "\u2009", ";": " ", ":": " ", "!": "", "/": "", "-": "", "\\": " ",
    "@": "", "slash": "/", "textendash": "–", "textemdash": "—", "ldots": "…", "dots": "…",
    "textellipsis": "…", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "textquotesingle": "'",
    "textquotedbl": '"', "guillemotleft": "«", "guillemotright": "»", "guillemetleft": "«",
    "guillemetright": "»", "flqq": "«", "frqq": "»", "glqq": "„", "grqq": "“",
    "quotedblbase": "„", "quotesinglbase": "‚", "copyright": "©", "textcopyright": "©",
    "textregistered": "®", "texttrademark": "™", "S": "§", "P": "¶", "pounds": "£",
    "textsterling": "£", "euro": "€", "texteuro": "€", "textdegree": "°", "textbackslash": "\\",
    "textasciitilde": "~", "textasciicircum": "^", "textbar": "|", "textless": "<",
    "textgreater": ">", "textunderscore": "_", "textbullet": "•", "textperiodcentered": "·",
    "textdagger": "†", "dag": "†", "textdaggerdbl": "‡", "ddag": "‡", "textsection": "§",
    "textparagraph": "¶", "nobreakspace": "\u00a0", "space": " ", "quad": "\u2003",
    "qquad": "\u2003\u2003", "enspace": "\u2002", "thinspace": "\u2009", "LaTeX": "LaTeX",
    "TeX": "TeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX", "relax": "",
    "textordfeminine": "ª", "textordmasculine": "º", "textexclamdown": "¡",
    "textquestiondown": "¿", "textmu": "µ", "textonehalf": "½", "textperthousand": "‰",
    "protect": "", "noindent": "", "linebreak": " ",
    "allowbreak": "", "hyphen": "-", "textminus": "−", "textdollar": "$",
}  # fmt: skip
# A .bib value's own line breaks are white space (bibtex and biber collapse
# them), so the paragraph and line breaks of a note or abstract are these
# commands, which the writer writes for CSL-JSON's "\n\n" and "\n".
SYMBOLS["par"] = "\n\n"
SYMBOLS["newline"] = "\n"

# One-argument font commands -> (open, close) markup.
MARKUP: dict[str, tuple[str, str]] = {
    "emph": ("<i>", "</i>"), "textit": ("<i>", "</i>"), "textsl": ("<i>", "</i>"),
    "mkbibemph": ("<i>", "</i>"), "mkbibitalic": ("<i>", "</i>"),
    "textbf": ("<b>", "</b>"), "mkbibbold": ("<b>", "</b>"),
    "textsc": (SMALLCAPS_OPEN, "</span>"),
    "textsuperscript": ("<sup>", "</sup>"), "mkbibsuperscript": ("<sup>", "</sup>"),
    "textsubscript": ("<sub>", "</sub>"),
    "texttt": ("", ""), "textrm": ("", ""), "textsf": ("", ""), "textup": ("", ""),
    "textmd": ("", ""), "textnormal": ("", ""), "mbox": ("", ""), "hbox": ("", ""),
    "text": ("", ""), "textup*": ("", ""), "ensuremath": ("", ""), "bibstring": ("", ""),
    "enquote": ("“", "”"), "mkbibquote": ("“", "”"), "enquote*": ("‘", "’"),
}  # fmt: skip

# Font switches used inside a group: {\em text}, {\bf text}.
DECLARATIONS: dict[str, tuple[str, str]] = {
    "em": ("<i>", "</i>"), "it": ("<i>", "</i>"), "itshape": ("<i>", "</i>"),
    "sl": ("<i>", "</i>"), "slshape": ("<i>", "</i>"),
    "bf": ("<b>", "</b>"), "bfseries": ("<b>", "</b>"),
    "sc": (SMALLCAPS_OPEN, "</span>"), "scshape": (SMALLCAPS_OPEN, "</span>"),
    "rm": ("", ""), "tt": ("", ""), "sf": ("", ""), "normalfont": ("", ""),
    "upshape": ("", ""), "mdseries": ("", ""), "ttfamily": ("", ""),
    "rmfamily": ("", ""), "sffamily": ("", ""),
}  # fmt: skip

# Commands whose argument is not text: sort keys and spacing (\hspace{0pt}).
_DROP_ARGUMENT = frozenset(
    {
        "noopsort",
        "sortname",
        "noop",
        "hspace",
        "vspace",
        "hspace*",
        "vspace*",
        "phantom",
        "hphantom",
        "vphantom",
        "label",
        "index",
    }
)

# Characters that can start anything the decoder must look at.
_NEEDS_WORK = re.compile(r"[\\{}$~`'\-\n\t\r]|  ")
_NEXT = re.compile(r"[\\{}$~`'\-]")
# What in a text that needs work (_NEEDS_WORK) decoding changes.  Without
# it, the only characters of _NEXT are single hyphens and apostrophes (each
# decodes to itself; two make a dash or a quotation mark) and no white space
# collapses: the text decodes to itself, stripped.  Titles with "well-known"
# or "Students'" in them.
_DECODING_CHANGES = lazy_pattern(globals(), r"[\\{}$~`\n\t\r\f\v]|  |--|''")
# The two patterns above as a class of characters and the strings searched
# for apart: a class alone is found at C speed, while "  " in the pattern
# stops the search at every space.  _needs_work and _decoding_changes in one.
_NEEDS_WORK_CHAR = lazy_pattern(globals(), r"[\\{}$~`'\-\n\t\r]")
_CHANGING_CHAR = lazy_pattern(globals(), r"[\\{}$~`\n\t\r\f\v]")
_CONTROL = lazy_pattern(globals(), r"\\([A-Za-z]+\*?|.)", re.S)
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
# What _SPACES matches but a space; the ASCII white space of str.split that
# _SPACES does not match (the four information separators).
_OTHER_SPACE = lazy_pattern(globals(), r"[\t\n\r\f\v]")
_SEPARATORS = lazy_pattern(globals(), r"[\x1c-\x1f]")
# A brace that opens or closes a group: one right after a backslash is a literal.
_GROUP_BRACE = re.compile(r"(?<!\\)[{}]")

_T = TypeVar("_T")

#: How deep accents (and the commands inside their arguments) may nest.
MAX_NESTING = 64


class LatexNestingError(ValueError):
    """Accents nested more than :data:`MAX_NESTING` levels deep in one value."""


def collapse_space(text: str) -> str:
    """Newlines and runs of spaces in a .bib value mean one space, as in TeX."""
    if "  " not in text and _OTHER_SPACE.search(text) is None:
        return text.strip()  # every run of _SPACES is one space already
    if text.isascii() and _SEPARATORS.search(text) is None:
        # ASCII white space is _SPACES' and the four separators: without
        # those, str.split finds the same runs, faster than the substitution.
        return " ".join(text.split())
    return _SPACES.sub(" ", text).strip()


def closing_brace(text: str, i: int) -> int:
    """The index of the ``}`` closing the ``{`` at ``i``, or -1 when it never closes.

    A brace right after a backslash (``\\{``) is a literal character, not a
    group, as both TeX and bibtexparser read it; the field reader and the
    decoder must agree on where a group ends.

    Most groups hold no other brace (``{Title}``, ``{\\"o}``): when the first
    ``}`` after ``i`` has no ``{`` before it and neither brace is escaped, it
    is the one, found at C speed; anything else takes the scan of
    :func:`_scan_closing_brace`, which gives the same answer for those.
    """
    if text[i : i + 1] == "{" and (i == 0 or text[i - 1] != "\\"):
        close = text.find("}", i + 1)
        if close > 0 and text[close - 1] != "\\" and text.find("{", i + 1, close) < 0:
            return close
    return _scan_closing_brace(text, i)


def _scan_closing_brace(text: str, i: int) -> int:
    """:func:`closing_brace` for any group: every unescaped brace counted."""
    depth = 0
    n = len(text)
    start = i
    while start < n:
        end = min(start + _CHUNK, n)
        if depth > 0:
            # Skip a chunk at C speed when it has too few closing braces to
            # close the group: deep nesting costs no Python step per brace.
            back = max(start - 1, 0)
            closes = text.count("}", start, end) - text.count("\\}", back, end)
            if closes < depth:
                depth += text.count("{", start, end) - text.count("\\{", back, end) - closes
                start = end
                continue
        for m in _GROUP_BRACE.finditer(text, start, end):
            if m.group() == "{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return m.start()
        start = end
    return -1


_CHUNK = 4096


class _Decoder:
    """One decoding run: a cursor over the text and a stack of open groups."""

    __slots__ = ("depth", "lossy", "nocase", "text", "unknown")

    def __init__(self, text: str, nocase: bool, depth: int = 0) -> None:
        self.text = text
        self.nocase = nocase
        self.lossy = False
        self.depth = depth  # how many accent arguments this run is nested in
        self.unknown: list[str] = []  # commands and math kept as TeX, for the reader to report

    def math(self, j: int, protected: int) -> tuple[str, int]:
        """The math starting at ``text[j]`` (``$``, ``$$``, ``\\(`` or ``\\[``) and the
        index after it.

        Math that Unicode can write (``$\\epsilon$``) becomes text, case-protected
        in titles as pandoc keeps math out of case changes; other math stays
        TeX as written (LaTeX output needs it) and is reported.  A ``$`` that
        never closes is a dollar sign.
        """
        text = self.text
        if text.startswith(("\\(", "\\["), j):
            # LaTeX's own delimiters, \( \) and \[ \], are math as $ and $$ are.
            closer = "\\)" if text[j + 1] == "(" else "\\]"
            opener = 2
            end = text.find(closer, j + 2)
            if end < 0:  # never closed: an unknown control symbol, kept and reported
                self.unknown.append(text[j : j + 2])
                return text[j : j + 2], j + 2
        else:
            display = text.startswith("$$", j)
            opener = 2 if display else 1
            end = text.find("$$" if display else "$", j + opener)
            if end < 0:
                return "$", j + 1
        stop = end + opener
        written = math_to_text(text[j + opener : end])
        self.lossy = True  # the TeX of the math is not what encode() would write
        if written is None:
            self.unknown.append(_abbreviate_tex(text[j:stop]))
            return text[j:stop], stop
        if self.nocase and protected == 0:
            return NOCASE_OPEN + written + "</span>", stop
        return written, stop

    def groups_after(self, i: int) -> int:
        """Where a run of brace groups starting at ``i`` ends (``i`` when there are none)."""
        text = self.text
        n = len(text)
        end = i
        while end < n and text[end] == "{":
            close = closing_brace(text, end)
            if close < 0:
                return i
            end = close + 1
        return end

    def braced(self, i: int) -> tuple[str, int]:
        """The raw content of the group opening at ``i`` and the index after it."""
        text = self.text
        end = closing_brace(text, i)
        if end < 0:
            self.lossy = True
            return text[i + 1 :], len(text)
        return text[i + 1 : end], end + 1

    def accent_argument(self, i: int) -> tuple[str, int]:
        """The letter an accent applies to: ``{e}``, ``e``, ``\\i`` or ``{\\i}``."""
        text = self.text
        n = len(text)
        while i < n and text[i] == " ":
            i += 1
        if i >= n:
            return "", i
        if text[i] == "{":
            raw, end = self.braced(i)
            return _accent_base(raw, self.depth), end
        if text[i] == "\\":
            m = _CONTROL.match(text, i)
            if m is not None:
                return _accent_base(m.group(0), self.depth), m.end()
        return text[i], i + 1

    def run(self) -> str:
        text = self.text
        n = len(text)
        out: list[str] = []
        # Each open group: (outer buffer, open markup, close markup, protects case)
        stack: list[tuple[list[str], str, str, bool]] = []
        protected = 0
        quotes = 0  # single quotes opened with ` and not closed yet
        i = 0
        while i < n:
            m = _NEXT.search(text, i)
            if m is None:
                out.append(text[i:])
                break
            j = m.start()
            if j > i:
                out.append(text[i:j])
            ch = text[j]
            i = j + 1
            if ch == "{":
                nocase = self.nocase and protected == 0 and (i >= n or text[i] != "\\")
                if nocase:
                    stack.append((out, NOCASE_OPEN, "</span>", True))
                    protected += 1
                else:
                    stack.append((out, "", "", False))
                out = []
            elif ch == "}":
                if not stack:
                    self.lossy = True
                    continue
                outer, opener, closer, prot = stack.pop()
                if prot:
                    protected -= 1
                content = "".join(out)
                if content:
                    outer.append(opener + content + closer if opener or closer else content)
                out = outer
            elif ch == "$":
                written, i = self.math(j, protected)
                out.append(written)
            elif ch == "~":
                out.append("\u00a0")
            elif ch == "-":
                if text.startswith("--", i):
                    out.append("—")
                    i += 2
                elif text.startswith("-", i):
                    out.append("–")
                    i += 1
                else:
                    out.append("-")
            elif ch == "`":
                if text.startswith("`", i):
                    out.append("“")
                    i += 1
                else:
                    out.append("‘")
                    quotes += 1
            elif ch == "'":
                if text.startswith("'", i):
                    out.append("”")
                    i += 1
                elif quotes and not text[i : i + 1].isalnum():
                    # It closes the `quote (`single' is ‘single’ in print); an
                    # apostrophe (it's) or one with no opening quote stays as typed.
                    out.append("’")
                    quotes -= 1
                else:
                    out.append("'")
            elif text.startswith(("\\(", "\\["), j):
                written, i = self.math(j, protected)
                out.append(written)
            else:  # backslash
                cm = _CONTROL.match(text, j)
                if cm is None:  # a lone backslash at the very end
                    out.append("\\")
                    continue
                name = cm.group(1)
                i = cm.end()
                is_word = name[0].isalpha()
                if is_word:
                    while i < n and text[i] in " \t\n":
                        i += 1
                accent = ACCENTS.get(name)
                if accent is not None and (is_word or name in "'`^\"~=."):
                    base, i = self.accent_argument(i)
                    if base:
                        out.append(unicodedata.normalize("NFC", base[0] + accent + base[1:]))
                    else:
                        out.append(_SPACING_ACCENTS.get(name, "\u00a0" + accent))
                    continue
                symbol = SYMBOLS.get(name)
                if symbol is not None:
                    out.append(symbol)
                    continue
                markup = MARKUP.get(name)
                if markup is not None:
                    if not (markup[0] or markup[1]):
                        # \texttt, \textsf, \mbox: CSL has no markup for them, so the
                        # text alone cannot give them back; the raw value must.
                        self.lossy = True
                    if i < n and text[i] == "{":
                        stack.append((out, markup[0], markup[1], False))
                        out = []
                        i += 1
                    continue
                decl = DECLARATIONS.get(name)
                if decl is not None:
                    if not decl[0]:
                        self.lossy = True  # {\tt ...}: as \texttt above
                    if stack and not stack[-1][1]:
                        outer, _, _, prot = stack[-1]
                        stack[-1] = (outer, decl[0], decl[1], prot)
                    elif decl[0]:
                        stack.append((out, decl[0], decl[1], False))
                        out = []
                    continue
                if name in ("url", "path", "doi", "nolinkurl") and i < n and text[i] == "{":
                    raw, i = self.braced(i)
                    out.append(raw)
                    continue
                if name == "href" and i < n and text[i] == "{":
                    _, i = self.braced(i)
                    while i < n and text[i] == " ":
                        i += 1
                    if i < n and text[i] == "{":
                        stack.append((out, "", "", False))
                        out = []
                        i += 1
                    self.lossy = True
                    continue
                if name in _DROP_ARGUMENT and i < n and text[i] == "{":
                    _, i = self.braced(i)
                    self.lossy = True
                    continue
                greek = GREEK.get(name)
                if greek is not None:  # a Greek letter typed without its $...$:
                    out.append(greek + (" " if i > cm.end() else ""))  # a word of its own
                    continue
                # Kept as written, the command is TeX in the decoded text, which
                # CSL-JSON would take for a literal backslash: only the raw
                # value says it is TeX (see the writer), so it is "lossy" too.
                self.lossy = True
                if is_word:
                    self.unknown.append("\\" + name)
                if is_word and text.startswith("{}", i):
                    out.append(text[j : i + 2])  # \\name{} ends a word macro: keep it
                    i += 2
                    continue
                if is_word and i < n and text[i] == "{":
                    end = self.groups_after(i)
                    if end > closing_brace(text, i) + 1:
                        # Two or more arguments (\\switchargs{--90}{1968}): their text
                        # run together would be wrong; the command stays as written.
                        out.append(text[j:end])
                        i = end
                        continue
                    # An unknown command with one argument: keep the argument's text.
                    self.lossy = True
                    stack.append((out, "", "", False))
                    out = []
                    i += 1
                    continue
                # Anything else stays as written, so nothing is lost.
                out.append(text[j : cm.end()] + (" " if is_word and i > cm.end() else ""))
        while stack:  # unbalanced braces: close what is open
            self.lossy = True
            outer, opener, closer, _ = stack.pop()
            content = "".join(out)
            outer.append(opener + content + closer if content else "")
            out = outer
        return "".join(out)


def _accent_base(raw: str, depth: int) -> str:
    """``\\i`` and ``\\j`` under an accent are plain i and j (dotless forms in TeX).

    A command as the argument (``\\'{\\c{c}}``) is decoded by a nested run one
    level deeper; past :data:`MAX_NESTING` levels that is an error, not a
    stack overflow after a scan per level.
    """
    raw = raw.strip()
    if raw in ("\\i", "{\\i}", "\\i{}"):
        return "i"
    if raw in ("\\j", "{\\j}", "\\j{}"):
        return "j"
    if raw.startswith("\\"):
        if depth + 1 >= MAX_NESTING:  # this argument would be level MAX_NESTING + 1
            raise LatexNestingError(f"accents are nested more than {MAX_NESTING} levels deep")
        return _decode(raw, False, depth + 1)
    return raw.replace("{", "").replace("}", "")


def decode(text: str, *, nocase: bool = True) -> str:
    """LaTeX field text to Unicode with CSL-JSON markup.

    ``nocase`` turns top-level braces into nocase spans (for titles); without
    it braces are simply dropped (names, places, numbers).  Raises
    :class:`LatexNestingError` for accents nested beyond :data:`MAX_NESTING`.
    """
    if _NEEDS_WORK_CHAR.search(text) is None and "  " not in text:
        # plain text (_NEEDS_WORK finds nothing), as _decode gives it
        return text.strip() if text[:1] == " " or text[-1:] == " " else text
    if (
        _CHANGING_CHAR.search(text) is None
        and "  " not in text
        and "--" not in text
        and "''" not in text
    ):
        return text.strip()  # _DECODING_CHANGES finds nothing
    if len(text) > _REMEMBERED_LENGTH:
        return _decode(text, nocase, 0)
    key = (text, nocase)
    decoded = _DECODED.get(key)
    if decoded is None:
        decoded = _remember(_DECODED, key, _decode(text, nocase, 0))
    return decoded


#: Values decoded in this process, by (text, nocase) and for
#: :func:`decode_lossy` by text: a file repeats its journals, publishers and
#: places in entry after entry, and decoding is a pure function of the text.
#: Only short values with LaTeX in them are kept (plain text is quicker to
#: decode than to look up), and each table is emptied when it is full.
_DECODED: dict[tuple[str, bool], str] = {}
_DECODED_LOSSY: dict[tuple[str, bool], tuple[str, bool]] = {}
_REMEMBERED_LENGTH = 200
_REMEMBERED_LIMIT = 1 << 15


def _remember(table: dict[tuple[str, bool], _T], key: tuple[str, bool], value: _T) -> _T:
    """Store ``value`` under ``key`` in one of the tables of decoded values."""
    if len(table) >= _REMEMBERED_LIMIT:
        table.clear()
    table[key] = value
    return value


def _decode(text: str, nocase: bool, depth: int) -> str:
    if not _NEEDS_WORK.search(text):
        return text.strip() if text[:1] == " " or text[-1:] == " " else text
    if "\n" in text or "\t" in text or "\r" in text or "  " in text:
        text = collapse_space(text)
        if not _NEXT.search(text):
            return text
    return _Decoder(text, nocase, depth).run().strip()


def tex_left_as_written(text: str) -> list[str]:
    """The TeX in ``text`` that :func:`decode` does not know and keeps as written.

    Unknown commands (``\\switchargs``, ``\\cite``) and math that Unicode
    cannot write (``$\\binom{n}{k}$``), each once, in order: what a reader
    reports so that the user learns the value will print as TeX (or, for a
    one-argument command, as its argument's text).
    """
    if "\\" not in text and "$" not in text:
        return []
    if len(text) > _REMEMBERED_LENGTH:
        return _tex_left_as_written(text)
    left = _LEFT_AS_WRITTEN.get(text)
    if left is None:
        if len(_LEFT_AS_WRITTEN) >= _REMEMBERED_LIMIT:
            _LEFT_AS_WRITTEN.clear()
        left = _LEFT_AS_WRITTEN[text] = tuple(_tex_left_as_written(text))
    return list(left)


#: :func:`tex_left_as_written` of short values, by value: the reader asks it
#: of every value with TeX in it, and those repeat as decoded values do.
_LEFT_AS_WRITTEN: dict[str, tuple[str, ...]] = {}


def _tex_left_as_written(text: str) -> list[str]:
    """:func:`tex_left_as_written` worked out, every time.

    The run is :func:`decode_lossy`'s (case protection does not change which
    TeX is left, nor what is lost), so its result is remembered for that too:
    the reader asks both of a title with TeX in it, and decodes it once.
    """
    decoder = _Decoder(collapse_space(text), True)
    decoded = decoder.run().strip()
    if len(text) <= _REMEMBERED_LENGTH:
        _remember(_DECODED_LOSSY, (text, True), (decoded, decoder.lossy))
    return list(dict.fromkeys(decoder.unknown))


def _abbreviate_tex(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def decode_lossy(text: str, *, nocase: bool = True) -> tuple[str, bool]:
    """Like :func:`decode`, also telling whether something was dropped.

    Unknown commands with arguments (``\\rpackage{irace}``), ``\\href`` targets
    and unbalanced braces cannot be written back from the decoded text; the
    reader keeps the raw value of such fields so a round trip restores them.
    So are font commands CSL has no markup for (``\\texttt``, ``{\\tt ...}``,
    ``\\mbox``), and commands kept as written (``\\MaxMinAntSystem{}``,
    ``\\switchargs{a}{b}``): a backslash in CSL-JSON text is a character, so
    only the raw value tells the writer that these are TeX.
    """
    if (_NEEDS_WORK_CHAR.search(text) is None and "  " not in text) or (
        _CHANGING_CHAR.search(text) is None
        and "  " not in text
        and "--" not in text
        and "''" not in text
    ):
        return text.strip(), False  # _NEEDS_WORK or _DECODING_CHANGES finds nothing
    if len(text) > _REMEMBERED_LENGTH:
        return _decode_lossy(text, nocase)
    key = (text, nocase)
    decoded = _DECODED_LOSSY.get(key)
    if decoded is None:
        decoded = _remember(_DECODED_LOSSY, key, _decode_lossy(text, nocase))
    return decoded


def _decode_lossy(text: str, nocase: bool) -> tuple[str, bool]:
    """:func:`decode_lossy` of text with LaTeX in it, every time."""
    text = collapse_space(text)
    decoder = _Decoder(text, nocase)
    return decoder.run().strip(), decoder.lossy


# ---------------------------------------------------------------------------
# Unicode -> LaTeX
# ---------------------------------------------------------------------------

#: The tags :func:`encode` turns into LaTeX: exactly the ones :func:`decode`
#: writes, each with its own LaTeX form.  Deliberately narrower than
#: :func:`citekit.base.text.strip_markup`, which removes any rich-text tag: a tag
#: encode does not know is text to escape, not markup to translate.
_TAG = lazy_pattern(
    globals(), r'</?(?:i|b|sup|sub|span(?: class="nocase"| style="font-variant:\s*small-caps;?")?)>'
)
_TAG_OPEN = {
    "<i>": ("\\emph{", "}"),
    "<b>": ("\\textbf{", "}"),
    "<sup>": ("\\textsuperscript{", "}"),
    "<sub>": ("\\textsubscript{", "}"),
    NOCASE_OPEN: ("{", "}"),
}
_COMBINING_TO_ACCENT = {v: k for k, v in ACCENTS.items()}
_REVERSE_SYMBOLS: dict[str, str] = {
    "ß": "\\ss", "ø": "\\o", "Ø": "\\O", "æ": "\\ae", "Æ": "\\AE", "œ": "\\oe", "Œ": "\\OE",
    "å": "\\aa", "Å": "\\AA", "ł": "\\l", "Ł": "\\L", "ı": "\\i", "ȷ": "\\j", "ð": "\\dh",
    "Ð": "\\DH", "þ": "\\th", "Þ": "\\TH", "ŋ": "\\ng", "Ŋ": "\\NG", "đ": "\\dj", "Đ": "\\DJ",
    "…": "\\ldots", "‘": "`", "’": "'", "«": "\\guillemotleft", "»": "\\guillemotright",
    "„": "\\quotedblbase", "‚": "\\quotesinglbase", "©": "\\textcopyright",
    "®": "\\textregistered", "™": "\\texttrademark", "§": "\\S", "¶": "\\P", "£": "\\pounds",
    "€": "\\euro", "°": "\\textdegree", "•": "\\textbullet", "·": "\\textperiodcentered",
    "†": "\\dag", "‡": "\\ddag", "\u2009": "\\,", "\u2003": "\\quad", "\u2002": "\\enspace",
    "ª": "\\textordfeminine", "º": "\\textordmasculine", "¡": "\\textexclamdown",
    "¿": "\\textquestiondown", "µ": "\\textmu", "½": "\\textonehalf",
    "‰": "\\textperthousand", "−": "\\textminus",
}  # fmt: skip
_ALWAYS = {
    "–": "--",
    "—": "---",
    "\u00a0": "~",
    "“": "``",
    "”": "''",
    "&": "\\&",
    "%": "\\%",
    "#": "\\#",
    "_": "\\_",
}
_SPECIAL_OUT = lazy_pattern(
    globals(), r"[ \t]*[\r\n][ \t\r\n]*|[–—\u00a0“”&%#_{}~^<$'`\-\\]|[^\x00-\x7f]"
)
# A command the decoder kept as written (``\\MaxMinAntSystem{}``); its brace
# arguments, which may hold TeX of their own (``\\SI{5}{\\milli\\second}``),
# are found by :func:`_kept_command_end`.
_KEPT_COMMAND = lazy_pattern(globals(), r"\\[A-Za-z]+")
_LIGATURE_START = {"'": "'", "`": "`", "-": "-", "”": "'", "“": "`", "–": "-", "—": "-"}


def _encode_char(ch: str, ascii: bool) -> str:
    mapped = _ALWAYS.get(ch)
    if mapped is not None:
        return mapped
    if ch == "{":
        return "\\{"
    if ch == "}":
        return "\\}"
    if ch == "~":
        return "\\textasciitilde{}"
    if ch == "^":
        return "\\textasciicircum{}"
    if not ascii or ch < "\x80":
        return ch
    symbol = _REVERSE_SYMBOLS.get(ch)
    if symbol is not None:
        return "{" + symbol + "}" if symbol[1:2].isalpha() else symbol
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if marks and all(mark in _COMBINING_TO_ACCENT for mark in marks) and base < "\x80":
        if base == "i":
            base = "\\i"
        elif base == "j":
            base = "\\j"
        for mark in marks:
            command = _COMBINING_TO_ACCENT[mark]
            sep = " " if command.isalpha() and base[:1] != "\\" else ""
            base = f"\\{command}{{{base}}}" if command.isalpha() else f"\\{command}{sep}{base}"
        return "{" + base + "}"
    return ch


def _kept_command_end(text: str, i: int) -> int:
    """Where a kept command whose name ends at ``i`` ends: after its balanced brace
    arguments, as the decoder took them (:meth:`_Decoder.groups_after`), and one
    space that ended its name."""
    n = len(text)
    while i < n and text[i] == "{":
        close = closing_brace(text, i)
        if close < 0:
            break
        i = close + 1
    return i + 1 if text[i : i + 1] == " " else i


def encode(text: str, *, ascii: bool = False, verbatim: bool = False) -> str:
    """Unicode text with CSL-JSON markup to LaTeX for a .bib field.

    Markup tags become commands and nocase spans braces; TeX's specials are
    escaped, except in ``$...$`` math and ``\\command`` sequences that the
    decoder kept as written.  With ``ascii`` every non-ASCII letter becomes an
    accent command (``é`` -> ``{\\'e}``).  ``verbatim`` (URLs, DOIs) changes
    nothing unless its braces would not balance (or a backslash would escape
    one); then they are percent-encoded (``%7B``, ``%7D``, as in a URL) so
    the entry stays readable.
    """
    if verbatim:
        if balanced(text) and "\\{" not in text and "\\}" not in text and not text.endswith("\\"):
            return text
        text = text.replace("{", "%7B").replace("}", "%7D")
        return text[:-1] + "%5C" if text.endswith("\\") else text
    if not _SPECIAL_OUT.search(text):
        return text
    out: list[str] = []
    closers: list[str] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _SPECIAL_OUT.search(text, pos)
        if m is None:
            out.append(text[pos:])
            break
        k = m.start()
        if k > pos:
            out.append(text[pos:k])
        ch = text[k]
        pos = k + 1
        if m.end() > pos or ch in " \t\r\n":
            # Line breaks: a .bib's own would read back as a space.
            pos = m.end()
            breaks = m.group(0).count("\n") or m.group(0).count("\r")
            out.append("\\par " if breaks > 1 else "\\newline ")
            continue
        if ch == "<":
            tag = _TAG.match(text, k)
            if tag is None:
                out.append("<")
                continue
            value = tag.group(0)
            pos = tag.end()
            if value.startswith("</"):
                if closers:
                    out.append(closers.pop())
                continue
            opener, closer = _TAG_OPEN.get(value, ("\\textsc{", "}"))
            out.append(opener)
            closers.append(closer)
            continue
        if ch == "\\":
            # A command the decoder kept as written (\MaxMinAntSystem{}) goes back as is.
            kept = _KEPT_COMMAND.match(text, k)
            if kept is not None:
                pos = _kept_command_end(text, kept.end())
                out.append(text[k:pos])
            else:
                out.append("\\textbackslash{}")
            continue
        if ch == "$":
            end = text.find("$", pos)
            if end >= 0 and end > pos:
                out.append(text[k : end + 1])
                pos = end + 1
            else:
                out.append("\\$")
            continue
        lead = _LIGATURE_START.get(ch)
        if lead is not None and out and out[-1].endswith(lead):
            out.append("{}")  # keep '' `` -- from fusing with what precedes
        out.append(_encode_char(ch, ascii))
    out.extend(reversed(closers))
    return "".join(out)


__all__ = [
    "ACCENTS",
    "MARKUP",
    "MAX_NESTING",
    "NOCASE_OPEN",
    "SMALLCAPS_OPEN",
    "SYMBOLS",
    "LatexNestingError",
    "closing_brace",
    "collapse_space",
    "decode",
    "decode_lossy",
    "encode",
    "strip_markup",
    "tex_left_as_written",
]
