"""Sentence case for titles imported from BibTeX: what converts, what is kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekit.formats.sentencecase import (
    is_title_case,
    protected_capitals,
    restore_titles,
    sentence_case,
    sentence_case_fields,
    to_sentence_case,
)

NOCASE = '<span class="nocase">{}</span>'


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # The essay and the books of references.bib, braces as nocase spans.
        (
            f"{NOCASE.format('Trump')} Should Meet With {NOCASE.format('Kim Jong-un')}",
            f"{NOCASE.format('Trump')} should meet with {NOCASE.format('Kim Jong-un')}",
        ),
        (
            f"Reclaiming the {NOCASE.format('American Right')}: The Lost Legacy of the "
            "Conservative Movement",
            f"Reclaiming the {NOCASE.format('American Right')}: The lost legacy of the "
            "conservative movement",
        ),
        (
            f"An Enemy of the State: The Life of {NOCASE.format('Murray N. Rothbard')}",
            f"An enemy of the state: The life of {NOCASE.format('Murray N. Rothbard')}",
        ),
        # Capitals, inner capitals, the pronoun I, non-words and math stay.
        ("Concorde TSP Solver", "Concorde TSP solver"),
        ("Why I Love NATO and McCarthy", "Why I love NATO and McCarthy"),
        (
            "Adaptive $\\epsilon$-Ranking for Up-to-Date iPhone Apps",
            "Adaptive $\\epsilon$-ranking for up-to-date iPhone apps",
        ),
        (
            f"Deep Learning with Double {NOCASE.format('Q')}-Learning",
            f"Deep learning with double {NOCASE.format('Q')}-learning",
        ),
        # Dashes and slashes join parts like hyphens; digits after a word do not protect it.
        (
            "Evolution in Time and Space—The Parallel Genetic Algorithm",
            "Evolution in time and space—the parallel genetic algorithm",
        ),
        (
            "Multiobjective Optimization Algorithms/CEC’09 Competition",
            "Multiobjective optimization algorithms/CEC’09 competition",
        ),
        (
            "Proceedings of the NAFIPS-FLINT International Conference’2002",
            "Proceedings of the NAFIPS-FLINT international conference’2002",
        ),
        # One word in quotation marks is a word; a quoted title is a name.
        ("Towards Practical “Neural” Computation", "Towards practical “neural” computation"),
        # One lower-case program name among many capitalised words.
        (
            "The irace Package: Iterated Racing for Automatic Algorithm Configuration",
            "The irace package: Iterated racing for automatic algorithm configuration",
        ),
        ("Antiwar.com Is Here", "Antiwar.com is here"),
        (
            "Aristotle's “De Motu Animalium” and Its Readers",
            "Aristotle's “De Motu Animalium” and its readers",
        ),
        (
            "High-Resolution Micromachined Accelerometer",
            "High-resolution micromachined accelerometer",
        ),
        ("The 3D Printing Revolution", "The 3D printing revolution"),
        # A new sentence keeps its capital; the word after a colon gets one.
        ("What Is It? A Study", "What is it? A study"),
        ("Early Work: the Letters", "Early work: The letters"),
        # Formatting is not protection.
        ("<i>Hamlet</i> and the Problem of Evil", "<i>Hamlet</i> and the problem of evil"),
    ],
)
def test_title_case_titles_become_sentence_case(typed: str, stored: str) -> None:
    assert is_title_case(typed)
    assert sentence_case(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "The Khan academy",  # a lower-case word that is no minor word: sentence case already
        "Trump should meet with Kim Jong-un",
        "Immunoglobulin A deficiency in children",
        "Reclaiming",  # one word: nothing to tell
        "NATO",
        NOCASE.format("Title Case Protected As A Whole"),
        "",
    ],
)
def test_titles_not_in_title_case_are_kept_as_typed(typed: str) -> None:
    assert not is_title_case(typed)
    assert sentence_case(typed) == typed


def test_markup_is_kept_exactly() -> None:
    typed = f'<b>Bold</b> <span style="font-variant:small-caps;">Small</span> {NOCASE.format("X")}'
    assert to_sentence_case(typed) == (
        f'<b>Bold</b> <span style="font-variant:small-caps;">small</span> {NOCASE.format("X")}'
    )


@given(st.text(max_size=60))
def test_only_letter_case_changes(title: str) -> None:
    assert sentence_case(title).lower() == title.lower()


@given(st.text(max_size=60))
def test_converting_twice_changes_nothing_more(title: str) -> None:
    once = sentence_case(title)
    assert sentence_case(once) == once


def test_only_english_records_are_converted() -> None:
    title = "An Enemy of the State"
    for language in (None, "en", "en-GB", "english"):
        fields: dict[str, object] = {"title": title}
        if language:
            fields["language"] = language
        assert sentence_case_fields(fields, ["title"]) == {"title": title}
        assert fields["title"] == "An enemy of the state"
    german = {"title": "Über Die Natur", "language": "de-DE"}
    assert sentence_case_fields(german, ["title"]) == {}
    assert german["title"] == "Über Die Natur"


def test_titles_come_back_as_typed_unless_edited() -> None:
    fields: dict[str, object] = {"title": "An Enemy of the State", "volume-title": "Part One"}
    originals = sentence_case_fields(fields, ["title", "volume-title"])
    assert restore_titles(fields, originals) == {
        "title": "An Enemy of the State",
        "volume-title": "Part One",
    }
    edited = {**fields, "title": "An enemy of the people"}
    assert restore_titles(edited, originals)["title"] == "An enemy of the people"


@pytest.mark.parametrize(
    ("title", "protected"),
    [
        (
            "Trump should meet with Kim Jong-un",
            f"Trump should meet with {NOCASE.format('Kim')} {NOCASE.format('Jong-un')}",
        ),
        ("Why NATO matters: A history", f"Why {NOCASE.format('NATO')} matters: A history"),
        ("iPhone apps", f"{NOCASE.format('iPhone')} apps"),
        (f"The {NOCASE.format('American Right')}", f"The {NOCASE.format('American Right')}"),
    ],
)
def test_capitals_of_a_sentence_case_title_are_protected(title: str, protected: str) -> None:
    assert protected_capitals(title) == protected


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("k-core decomposition: a tool for networks", "k-core decomposition: A tool for networks"),
        (
            f"On the {NOCASE.format('Kim')} dynasty: an essay",
            f"On the {NOCASE.format('Kim')} dynasty: An essay",
        ),
        ("Already right: The case", "Already right: The case"),
    ],
)
def test_a_sentence_case_title_gets_its_subtitle_capital(typed: str, stored: str) -> None:
    assert not is_title_case(typed)
    assert sentence_case(typed) == stored
