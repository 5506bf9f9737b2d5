"""TeX math in bibliography fields to Unicode text, where Unicode can write it.

Titles in .bib files use math for a Greek letter or a symbol far more often
than for a formula: ``Adaptive $\\epsilon$-Ranking``, ``$2 \\times 2$
contingency``, ``$\\gamma$-band``.  CSL data holds text, not TeX, so
:func:`math_to_text` writes such math as the characters it stands for
(``ϵ``, ``×``, ``γ``), as pandoc does.  It is a table, not a TeX engine: the
letters and digits of the formula, Greek letters, common operators and
relations, function names (``\\log``), ``\\mathcal``/``\\mathbb`` capitals,
font switches (``\\mathrm``) and sub- and superscripts that Unicode has
characters for (``x^2`` is ``x²``).

A formula with anything else in it (``\\binom``, a fraction, a subscript
letter Unicode has no small form of) gives ``None``: the caller keeps it as
TeX math, which is what LaTeX output wants, and reports it.  Half-converted
math would be wrong in every output.

White space inside the formula is kept as typed (collapsed to one space):
``$n = 30$`` reads "n = 30", ``$2 \\times 2$`` "2 × 2".
"""

from __future__ import annotations

import re
import unicodedata

from citekit.base.patterns import lazy_pattern

GREEK: dict[str, str] = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "omicron": "ο", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ",
    "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ",
    "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ",
    "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω",
}  # fmt: skip

SYMBOLS: dict[str, str] = {
    "times": "×", "pm": "±", "mp": "∓", "cdot": "⋅", "div": "÷", "ast": "∗",
    "star": "⋆", "circ": "∘", "bullet": "∙", "leq": "≤", "le": "≤", "geq": "≥",
    "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃",
    "cong": "≅", "equiv": "≡", "propto": "∝", "ll": "≪", "gg": "≫", "in": "∈",
    "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
    "supseteq": "⊇", "cup": "∪", "cap": "∩", "setminus": "∖", "emptyset": "∅",
    "varnothing": "∅", "infty": "∞", "partial": "∂", "nabla": "∇", "sum": "∑",
    "prod": "∏", "int": "∫", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "gets": "←", "leftrightarrow": "↔", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "Leftrightarrow": "⇔", "mapsto": "↦", "forall": "∀", "exists": "∃", "neg": "¬",
    "lnot": "¬", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨", "oplus": "⊕",
    "otimes": "⊗", "ell": "ℓ", "hbar": "ℏ", "aleph": "ℵ", "prime": "′", "ldots": "…",
    "dots": "…", "cdots": "⋯", "surd": "√", "langle": "⟨", "rangle": "⟩", "mid": "∣",
    "parallel": "∥", "perp": "⊥", "angle": "∠", "triangle": "△", "deg": "°",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "vert": "|", "|": "‖",
    "%": "%", "{": "{", "}": "}", "&": "&", "#": "#", "$": "$", "_": "_",
    "backslash": "\\", ",": "\u2009", ";": " ", ":": " ", ">": " ", " ": " ", "!": "",
    "quad": "\u2003", "qquad": "\u2003\u2003",
}  # fmt: skip

#: Function names TeX sets upright: ``\log n`` is "log n".
FUNCTIONS = frozenset({
    "log", "ln", "lg", "exp", "sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh",
    "tanh", "arcsin", "arccos", "arctan", "max", "min", "sup", "inf", "lim", "liminf",
    "limsup", "det", "dim", "ker", "gcd", "lcm", "arg", "Pr", "mod", "bmod",
})  # fmt: skip

#: Letters and symbols that are not operators: a space after their name only ends it.
_ORDINARY = frozenset(GREEK) | {
    "surd",
    "infty",
    "partial",
    "nabla",
    "ell",
    "hbar",
    "aleph",
    "prime",
    "emptyset",
    "varnothing",
    "forall",
    "exists",
    "neg",
    "lnot",
    "angle",
    "triangle",
}
#: Commands whose argument is text in another font: the argument as it is.
_FONTS = frozenset(
    {
        "mathrm",
        "mathit",
        "mathbf",
        "mathsf",
        "mathtt",
        "mathnormal",
        "text",
        "textrm",
        "textit",
        "textbf",
        "textup",
        "mbox",
        "operatorname",
        "boldsymbol",
        "bm",
        "mathring",
    }
)
#: Size and spacing commands with no text of their own.
_IGNORED = frozenset(
    {
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "left",
        "right",
        "displaystyle",
        "textstyle",
        "scriptstyle",
        "limits",
        "nolimits",
        "middle",
    }
)

_SUPERSCRIPTS = dict(
    zip(
        "0123456789+-−=()niaábcdefghjklmoprstuvwxyzABDEGHIJKLMNOPRTUVW′*",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵃᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ′*",
        strict=True,
    )
)
_SUBSCRIPTS = dict(
    zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)

_TOKEN = lazy_pattern(globals(), r"\\([A-Za-z]+|.)|\s+|.", re.S)


class _Unwritable(Exception):
    """The formula holds something Unicode text cannot write."""


def _styled_capital(style: str, letter: str) -> str:
    """``\\mathcal{O}`` is 𝒪, ``\\mathbb{R}`` is ℝ: Unicode's mathematical capitals."""
    if not ("A" <= letter <= "Z"):
        raise _Unwritable(letter)
    for name in (f"MATHEMATICAL {style} CAPITAL {letter}", f"{style} CAPITAL {letter}"):
        try:
            return unicodedata.lookup(name)
        except KeyError:
            continue
    raise _Unwritable(letter)  # pragma: no cover - every capital exists in one form


class _Math:
    """One formula being written as text: a cursor over its tokens."""

    def __init__(self, source: str) -> None:
        self.tokens = [(m.group(0), m.group(1)) for m in _TOKEN.finditer(source)]
        self.pos = 0

    def group(self) -> str:
        """The next argument: a ``{...}`` group or one token, written as text."""
        self.skip_space()
        if self.pos >= len(self.tokens):
            raise _Unwritable("missing argument")
        token, _ = self.tokens[self.pos]
        if token == "{":
            self.pos += 1
            return self.until_close()
        return self.atom()

    def skip_space(self) -> None:
        while self.pos < len(self.tokens) and self.tokens[self.pos][0].isspace():
            self.pos += 1

    def until_close(self) -> str:
        out: list[str] = []
        while self.pos < len(self.tokens):
            if self.tokens[self.pos][0] == "}":
                self.pos += 1
                return "".join(out)
            out.append(self.item(out))
        raise _Unwritable("unbalanced braces")

    def atom(self) -> str:
        token, name = self.tokens[self.pos]
        self.pos += 1
        if name is None:
            if token in "{}":
                raise _Unwritable(token)
            return token
        return self.command(name)

    def command(self, name: str) -> str:
        text = GREEK.get(name) or SYMBOLS.get(name)
        if text is not None:
            return text
        if name in FUNCTIONS:
            return name
        if name in _FONTS:
            return self.group()
        if name in ("mathcal", "mathscr"):
            return "".join(_styled_capital("SCRIPT", c) for c in self.group())
        if name == "mathbb":
            return "".join(_styled_capital("DOUBLE-STRUCK", c) for c in self.group())
        if name == "sqrt":
            inner = self.group()
            return "√" + (inner if len(inner) == 1 else f"({inner})")
        if name in _IGNORED:
            return ""
        raise _Unwritable("\\" + name)

    def script(self, table: dict[str, str]) -> str:
        inner = self.group()
        try:
            return "".join(table[c] for c in inner if c != " ")
        except KeyError as exc:
            raise _Unwritable(str(exc)) from None

    def item(self, out: list[str]) -> str:
        token, name = self.tokens[self.pos]
        if token.isspace():
            self.pos += 1
            previous = self.tokens[self.pos - 2][1] if self.pos >= 2 else None
            nxt = self.tokens[self.pos][0] if self.pos < len(self.tokens) else ""
            if previous in _ORDINARY and nxt[:1].isalnum():
                return ""  # the space only ends a command name: "\surd b" is "√b"
            return " " if out and not out[-1].endswith(" ") else ""
        if token == "^":
            self.pos += 1
            return self.script(_SUPERSCRIPTS)
        if token == "_":
            self.pos += 1
            return self.script(_SUBSCRIPTS)
        if token == "{":
            self.pos += 1
            return self.until_close()
        if token == "'":  # f' is f′
            self.pos += 1
            return "′"
        text = self.atom()
        if name in FUNCTIONS:
            # "n\log n": TeX spaces an operator name from the letters around it.
            before = " " if out and out[-1][-1:].isalnum() else ""
            nxt = self.tokens[self.pos][0] if self.pos < len(self.tokens) else ""
            after = " " if nxt[:1].isalnum() or nxt.startswith("\\") else ""
            return before + text + after
        return text

    def run(self) -> str:
        out: list[str] = []
        while self.pos < len(self.tokens):
            if self.tokens[self.pos][0] == "}":
                raise _Unwritable("}")
            out.append(self.item(out))
        return "".join(out).strip()


def math_to_text(source: str) -> str | None:
    """The formula ``source`` (without its ``$``) as Unicode text, or None if it cannot be.

    >>> math_to_text(r"\\epsilon")
    'ϵ'
    >>> math_to_text(r"2 \\times 2")
    '2 × 2'
    >>> math_to_text(r"\\binom{n}{k}") is None
    True
    """
    try:
        text = _Math(source).run()
    except _Unwritable:
        return None
    return text or None


__all__ = ["FUNCTIONS", "GREEK", "SYMBOLS", "math_to_text"]
