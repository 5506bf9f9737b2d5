"""TeX math to Unicode text (citekit.formats.bibtex.texmath)."""

from __future__ import annotations

import pytest

from citekit.formats.bibtex.texmath import math_to_text


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        # Greek letters as pandoc writes them (\epsilon is the lunate ϵ).
        (r"\epsilon", "ϵ"),
        (r"\varepsilon", "ε"),
        (r"\gamma", "γ"),
        (r"\Omega", "Ω"),
        # Operators and relations keep the spacing typed around them.
        (r"2 \times 2", "2 × 2"),
        (r"7\pm2", "7±2"),
        (r"\alpha \leq \beta", "α ≤ β"),
        (r"n = 30", "n = 30"),
        # Function names are set off from the letters around them.
        (r"O(n\log n)", "O(n log n)"),
        (r"\ln n", "ln n"),
        # Sub- and superscripts Unicode has characters for.
        (r"x^2", "x²"),
        (r"H_2O", "H₂O"),
        (r"\chi^2", "χ²"),
        (r"T^{1/2}", None),  # no superscript solidus: kept as math
        (r"^{+}", "⁺"),
        (r"1/{F}^2", "1/F²"),
        # Styled capitals and fonts.
        (r"\mathcal{O}(n)", "𝒪(n)"),
        (r"\mathbb{R}^d", "ℝᵈ"),
        (r"\mathrm{d}x", "dx"),
        # A space that only ends a command name is not text.
        (r"\surd b_1", "√b₁"),
        (r"\{", "{"),
    ],
)
def test_math_written_as_text(tex: str, text: str | None) -> None:
    assert math_to_text(tex) == text


@pytest.mark.parametrize(
    "tex",
    [
        r"\binom{n}{k}",  # no Unicode form
        r"_B",  # no subscript capital B
        r"\Omega\big(\binom{n}{k}\big)",
        r"\cal MAX",  # a declaration over the rest of the group
        r"\frac{1}{2}",
        r"a}",  # unbalanced
        r"\sqrt",  # missing argument
        "",
    ],
)
def test_math_unicode_cannot_write_gives_none(tex: str) -> None:
    assert math_to_text(tex) is None
