"""Sentence case for titles imported from BibTeX: what converts, what is kept."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.formats.sentencecase import (
    _PUNCTUATION,
    _cached_kind,
    _in_title_case,
    _is_plain,
    _kind,
    _kind_by_parts,
    _kind_of,
    _kind_of_core,
    _letters_kind,
    _lowered,
    _lowered_by_parts,
    _lowered_of,
    _marked_in_title_case,
    _marked_sentence_case,
    _marked_words,
    _part_kind,
    _plain_sentence_case,
    _plain_words,
    _quoted_titles,
    _sentence_case,
    _tokens,
    _vote,
    _vote_of,
    _Word,
    _words,
    capitalise_subtitles,
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


# -- fast paths give what the full scans give ------------------------------------

#: Plain titles: words, white space and punctuation, no markup, math or quotation.
_PLAIN_TITLES = st.lists(
    st.sampled_from(
        [*"aAbBiIqQéÉß -‐/:?!.'’,;()23\t\n\x1c\u00a0\u2003\u200b", "The", "of", "Up", "NATO", "I"]
    ),
    max_size=30,
).map("".join)
#: Any title, markup and quotations included.
_MARKED_TITLES = st.lists(
    st.sampled_from(
        [
            "A",
            "the",
            "Title",
            "iPhone",
            " ",
            "\n",
            ":",
            ".",
            "-",
            "$x$",
            "$",
            "<",
            "<i>",
            "</i>",
            NOCASE.format("Kim"),
            '<span class="nocase">',
            '<span style="font-variant:small-caps;">',
            "</span>",
            "“",
            "”",
            "«",
            "»",
        ]
    ),
    max_size=14,
).map("".join)


def _as_tuples(words: list[_Word]) -> list[tuple[int, str, bool, bool]]:
    return [(w.index, w.text, w.first, w.after_colon) for w in words]


def _reference_words(tokens: list[str]) -> list[tuple[int, str, bool, bool]]:
    """The word scan as first written (a generator over every token), kept as the reference."""
    quoted = _quoted_titles(tokens)
    stack: list[bool] = []
    out: list[tuple[int, str, bool, bool]] = []
    opening, colon = True, False
    for index, token in enumerate(tokens):
        lower = token.lower()
        if lower.startswith("<span"):
            stack.append(bool(re.match(r'<span\s+class="nocase"\s*>', token, re.IGNORECASE)))
            continue
        if lower == "</span>":
            if stack:
                stack.pop()
            continue
        if token.startswith("<") and token.endswith(">") and len(token) > 1:
            continue
        if token.isspace():
            continue
        math = token.startswith("$") and token.endswith("$") and len(token) > 1
        if not (any(stack) or math or index in quoted):
            out.append((index, token, opening, colon))
        opening = bool(re.search(r"[:?!.]$", token))
        colon = token.endswith(":")
    return out


@settings(max_examples=200, deadline=None)
@given(_PLAIN_TITLES)
def test_plain_titles_take_the_short_scans_with_the_same_result(title: str) -> None:
    assert _is_plain(title)
    tokens = _tokens(title)
    assert _as_tuples(_plain_words(tokens)) == _as_tuples(_marked_words(tokens))
    assert title.split() == tokens[1 if tokens and tokens[0].isspace() else 0 :: 2]
    assert _plain_sentence_case(title) == _marked_sentence_case(title, _tokens(title))


@settings(max_examples=200, deadline=None)
@given(st.one_of(_PLAIN_TITLES, _MARKED_TITLES))
def test_the_word_scans_agree_with_the_reference_scan(title: str) -> None:
    tokens = _tokens(title)
    assert _as_tuples(_marked_words(tokens)) == _reference_words(tokens)
    assert _as_tuples(_words(tokens)) == _reference_words(tokens)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_PLAIN_TITLES, _MARKED_TITLES))
def test_one_scan_decides_and_converts_as_the_two_functions_do(title: str) -> None:
    expected = to_sentence_case(title) if is_title_case(title) else capitalise_subtitles(title)
    assert sentence_case(title) == expected
    assert _sentence_case.__wrapped__(title) == expected  # the cache gives what it stored


@given(st.one_of(st.text(max_size=30), st.text(min_size=65, max_size=80)))
def test_cached_word_tables_give_what_they_compute(word: str) -> None:
    for _ in range(2):  # computed, then remembered (or too long to remember)
        assert _kind(word) == _kind_of(word)
        assert _vote(word) == _vote_of(word)
        assert _lowered(word) == _lowered_of(word)
        assert _lowered(word, True) == _lowered_of(word, True)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=st.sampled_from("aAbBiIzZ"), min_size=1, max_size=8),
        st.sampled_from(["I", "A", "a", "NATO", "iPhone", "McCarthy", "Up", "of"]),
    )
)
def test_a_word_of_ascii_letters_is_classified_as_its_parts_say(word: str) -> None:
    assert word.isascii() and word.isalpha()
    assert _letters_kind(word) == _kind_by_parts(word) == _kind_of(word)


#: Words with what the short readings must tell apart: joiners, punctuation
#: around and inside, apostrophes, digits, capitals, non-ASCII letters.
_WORDS = st.lists(
    st.sampled_from(
        [*"aAIbZéÉ2-/–:,()'’.“”", "of", "Up", "NATO"],
    ),
    max_size=8,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_a_part_of_ascii_letters_in_punctuation_is_read_as_its_run_reads_it(part: str) -> None:
    core = part.strip(_PUNCTUATION)
    assert _part_kind(part) == _kind_of_core(core)
    if core.isascii() and core.isalpha():
        assert _letters_kind(core) == _kind_of_core(core)


@settings(max_examples=300, deadline=None)
@given(_WORDS, st.booleans())
def test_a_word_of_one_part_is_lowered_as_its_parts_are(word: str, keep_first: bool) -> None:
    assert _lowered_of(word, keep_first) == _lowered_by_parts(word, keep_first)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_PLAIN_TITLES, _MARKED_TITLES))
def test_the_early_decision_is_the_decision_on_all_words(title: str) -> None:
    tokens = _tokens(title)
    assert _marked_in_title_case(tokens) == _in_title_case(_marked_words(tokens))


def test_long_words_are_not_remembered() -> None:
    word = "Supercalifragilistic" * 10
    before = _cached_kind.cache_info().currsize
    _kind(word)
    _vote(word)
    assert _cached_kind.cache_info().currsize == before


def test_a_long_title_is_converted_without_the_cache() -> None:
    title = "A Study of Things " * 100
    before = _sentence_case.cache_info().currsize
    assert sentence_case(title) == to_sentence_case(title)
    assert _sentence_case.cache_info().currsize == before


def test_a_str_subclass_comes_back_as_a_plain_str() -> None:
    class Marked(str):
        pass

    assert type(sentence_case(Marked("already sentence case"))) is str
    assert type(capitalise_subtitles(Marked("no subtitle here"))) is str


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # One capital letter names something (a language, a vitamin, a
        # virus, a series): docs/bibtex-import.md keeps words in capitals.
        (
            "Vitamin D and Hepatitis B in the R Community",
            "Vitamin D and hepatitis B in the R community",
        ),
        ("The R Book", "The R book"),
        ("Fast Forests in C++ and R", "Fast forests in C++ and R"),
        (
            "Parallel Problem Solving from Nature – PPSN V, Proceedings",
            "Parallel problem solving from nature – PPSN V, proceedings",
        ),
        ("Science Series of Publications B", "Science series of publications B"),
        # A capital "A" inside a title-case title is the letter...
        ("Type A Personality and Heart Disease", "Type A personality and heart disease"),
        ("Vitamin A Deficiency in Children", "Vitamin A deficiency in children"),
        ("Testing for Hepatitis A", "Testing for hepatitis A"),
        ("Type-A Behaviour in Adults", "Type-A behaviour in adults"),
        # ... unless it opens the title, a segment, or a start-case title.
        ("A Study of Graphs", "A study of graphs"),
        (
            "Reactive Search, A History-Based Heuristic for Covering",
            "Reactive search, a history-based heuristic for covering",
        ),
        (
            "Differential Evolution – A Simple Heuristic",
            "Differential evolution – a simple heuristic",
        ),
        (
            "Learning Research (A Report from the Program)",
            "Learning research (a report from the program)",
        ),
        (
            "Pump Schedules With A Thread-Safe Variant Of Toolkits",
            "Pump schedules with a thread-safe variant of toolkits",
        ),
        ("Handling Many Objectives A Posteriori", "Handling many objectives a posteriori"),
    ],
)
def test_one_capital_letter_is_kept_and_the_article_a_lowered(typed: str, stored: str) -> None:
    assert sentence_case(typed) == stored
    # the scan for titles with markup decides each "A" the same way
    marked = f"<i>{typed}</i>"
    assert _marked_sentence_case(marked, _tokens(marked)) == f"<i>{stored}</i>"
