"""The one place text is stripped, transliterated and folded."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from citekit.base.text import balanced, fold, strip_markup, transliterate


def test_strip_markup_removes_csl_rich_text_tags_only() -> None:
    assert strip_markup('<span class="nocase">Trump</span> <i>and</i> <b>B</b>') == "Trump and B"
    assert (
        strip_markup(
            'x<sup>2</sup> H<sub>2</sub>O <SPAN style="font-variant:small-caps;">Sc</SPAN>'
        )
        == "x2 H2O Sc"
    )
    assert strip_markup("a <b and c> d") == "a <b and c> d"  # not a tag
    assert strip_markup("1 < 2 > 0") == "1 < 2 > 0"


def test_transliterate_letters_without_decomposition() -> None:
    assert (
        transliterate("Straße ẞ Øre æble Łódź Đakovo þing ðú ŋ O'Brien")
        == "Strasse SS Ore aeble Lodz Dakovo thing du ng OBrien"
    )
    assert transliterate("毛泽东") == ""
    assert transliterate("Gödel 毛泽东", ascii_only=False) == "Godel 毛泽东"


def test_fold_is_the_matching_form() -> None:
    assert (
        fold('Über <span class="nocase">Formal</span> Unentscheidbare—Sätze!')
        == "uber formal unentscheidbare satze"
    )
    assert fold("Łukasiewicz, Ørsted") == "lukasiewicz orsted"
    assert fold("O'Brien") == fold("O’Brien") == fold("OBrien") == "obrien"
    assert fold("  MÜLLER,\tJ. ") == "muller j"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_text_imports_only_the_standard_library() -> None:
    """Every layer uses this module, so it must not import any of them."""
    source = Path(__file__).resolve().parents[2] / "src" / "citekit" / "base" / "text.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        str(node.module).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0
    }
    assert imported <= {"__future__", "re", "unicodedata"}


def test_balanced_counts_opening_before_closing() -> None:
    assert balanced("{a{b}c}") and balanced("") and balanced("plain")
    assert not balanced("}{") and not balanced("{a") and not balanced("a}")
    assert balanced("[see [also] @a]", "[", "]") and not balanced("[a]]", "[", "]")


def test_compatibility_letters_are_transliterated_like_their_letter() -> None:
    """Hypothesis found "ᴭ" (modifier capital AE): NFKD makes it "Æ", which folds to "ae"."""
    assert transliterate("\u1d2d") == "AE"
    assert fold("\u1d2d") == fold(fold("\u1d2d")) == "ae"
