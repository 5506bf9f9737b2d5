"""Initials and name parsing."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.render.csl.boxes import ROMANESQUE_CHARS, Box
from citekit.render.csl.data import NameData, parse_name
from citekit.render.csl.locale import Locale
from citekit.render.csl.names import (
    JoinSettings,
    NameRenderer,
    _is_spaced_and,
    initialize,
    is_romanesque,
    join_names,
)


@pytest.mark.parametrize(
    ("given", "terminal", "expected"),
    [
        ("John Paul", ".", "J.P."),
        ("John Paul", ". ", "J. P."),
        ("Jean-Paul", ".", "J.-P."),
        ("J. B. de C. M.", ".", "J.B. de C.M."),
        ("Ph. M.E.", ". ", "Ph. M. E."),
        ("ME", "", "M"),
    ],
)
def test_initialize(given: str, terminal: str, expected: str) -> None:
    assert initialize(given, terminal, True, False) == expected


def test_initialize_false_only_tidies_existing_initials() -> None:
    assert initialize("John M.E.", ".", True, True) == "John M.E."
    assert initialize("M E", "", True, True) == "ME"


def test_hyphen_dropped_when_asked() -> None:
    assert initialize("Jean-Paul", ".", False, False) == "J.P."


def test_particles_are_parsed_from_family_and_given() -> None:
    name = parse_name({"family": "van der Berg", "given": "Anna"})
    assert (name.non_dropping, name.family) == ("van der", "Berg")
    name = parse_name({"family": "Beethoven", "given": "Ludwig van"})
    assert (name.given, name.dropping) == ("Ludwig", "van")
    name = parse_name({"family": "d'Aubignac", "given": "Fran\u00e7ois"})
    assert (name.non_dropping, name.family) == ("d\u2019", "Aubignac")


def test_literal_names() -> None:
    assert parse_name({"literal": "World Health Organization"}).is_literal


def test_spaced_and_decides_every_first_character_as_the_pattern_does() -> None:
    pattern = re.compile(f"[&{ROMANESQUE_CHARS}]")
    assert not _is_spaced_and("")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert _is_spaced_and(char + "x") == bool(pattern.match(char)), hex(code)


# ------------------------------------------------------- fast paths agree with _seq

_PART_TEXT = st.text(alphabet=st.sampled_from("AaBbZzÉé ’'-.<>/i"), min_size=0, max_size=8)
_NAME = st.builds(
    NameData,
    family=_PART_TEXT,
    given=_PART_TEXT,
    dropping=st.sampled_from(("", "", "van", "d’")),
    non_dropping=st.sampled_from(("", "", "de", "van der")),
    suffix=st.sampled_from(("", "", "Jr.", "III")),
    comma_suffix=st.booleans(),
    static_ordering=st.sampled_from((False, False, True)),
)
_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "form": st.sampled_from(("long", "short")),
        "initialize-with": st.sampled_from((". ", ".", "")),
        "initialize": st.sampled_from(("true", "false")),
        "name-as-sort-order": st.sampled_from(("all", "first")),
        "sort-separator": st.sampled_from((", ", " ")),
        "demote-non-dropping-particle": st.sampled_from(("never", "display-and-sort")),
    },
)
_LOCALE = Locale("en-US", terms={("and", "long", ""): ("and", "and")})


def _shape(out: str | Box) -> object:
    """A box tree as nested tuples, for comparing two trees by value."""
    if isinstance(out, str):
        return out
    kids = tuple(_shape(kid) for kid in out.kids)
    return (kids, out.fmt, out.quotes, out.display, out.tag, out.nocase)


@settings(max_examples=300, deadline=None)
@given(
    name=_NAME,
    opts=_OPTIONS,
    index=st.integers(min_value=0, max_value=2),
    level=st.integers(min_value=0, max_value=2),
)
def test_plain_name_fast_path_builds_the_boxes_of_the_general_path(
    name: NameData, opts: dict[str, str], index: int, level: int
) -> None:
    """Without name-part formatting, a name skips _seq: the same box tree either way."""
    fast = NameRenderer(opts, None, _LOCALE)
    general = NameRenderer(opts, None, _LOCALE)
    general.plain_parts = False  # what a cs:name-part's formatting forces
    assert fast.plain_parts
    got = fast.render(name, index, level)
    assert _shape(got) == _shape(general.render(name, index, level))


_JOIN_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "and": st.sampled_from(("text", "symbol")),
        "delimiter": st.sampled_from(("; ", ", ")),
        "delimiter-precedes-last": st.sampled_from(
            ("contextual", "always", "never", "after-inverted-name")
        ),
        "delimiter-precedes-et-al": st.sampled_from(
            ("contextual", "always", "never", "after-inverted-name")
        ),
    },
)


@settings(max_examples=150, deadline=None)
@given(
    opts=_JOIN_OPTIONS,
    inverted=st.lists(st.booleans(), min_size=1, max_size=4),
    ending=st.sampled_from(("none", "et-al", "last")),
    others_last=st.booleans(),
)
def test_inversion_is_read_only_when_the_options_ask(
    opts: dict[str, str], inverted: list[bool], ending: str, others_last: bool
) -> None:
    """Callers skip working out which names are inverted when ``reads_inversion`` is false."""
    settings_ = JoinSettings.from_options(opts, _LOCALE)
    rendered: list[str | Box] = [f"N{i}" for i in range(len(inverted))]
    et_al = "et al." if ending == "et-al" else None
    last = "Z" if ending == "last" else None
    full = settings_.join(rendered, et_al, last, inverted, others_last)
    assert full == join_names(
        rendered, len(rendered), opts, _LOCALE, et_al, last, inverted, others_last
    )
    if not settings_.reads_inversion:
        assert settings_.join(rendered, et_al, last, (), others_last) == full


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="aAbZé .\t<>/", max_size=12))
def test_a_given_name_without_hyphen_skips_the_hyphen_rewrites(text: str) -> None:
    """``initialize`` rewrites hyphens only when the name has one: both
    rewrites leave a name without a hyphen exactly as it was."""
    assert re.sub(r"\s*-\s*", "-", text) == text
    assert re.sub(r"-([a-z])", "\u2013\\1", text) == text


# The scripts CSL treats as non-romanesque, written as the regex class
# is_romanesque stood for before it became code point spans.
_NON_ROMANESQUE_CLASS = re.compile(
    "[\u0590-\u05ff\u0600-\u06ff\u0e00-\u0e7f\u1100-\u11ff\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_SPAN_EDGES = "\u058f\u0590\u06ff\u0700\u0dff\u0e00\u0e7f\u0e80\u10ff\u1100\u11ff\u1200"
_SPAN_EDGES += "\u2fff\u3000\u9fff\ua000\uabff\uac00\ud7af\ud7b0\uf8ff\uf900\ufaff\ufb00"


@settings(max_examples=300)
@given(
    st.text(alphabet=st.sampled_from(_SPAN_EDGES) | st.characters(), max_size=6),
    st.text(alphabet=st.sampled_from(_SPAN_EDGES) | st.characters(), max_size=6),
)
def test_is_romanesque_reads_the_spans_as_the_regex_class_did(family: str, given_: str) -> None:
    """The spans decide every character, the first and last of each span included."""
    name = NameData(family, given_)
    assert is_romanesque(name) is (_NON_ROMANESQUE_CLASS.search(family + given_) is None)
