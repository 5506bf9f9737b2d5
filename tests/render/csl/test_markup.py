"""Field markup: the quick test for text that holds none."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.render.csl.markup import _has_trigger, parse_markup

_TRIGGER = re.compile(r"[<\"'\u2018\u201c\u2019\u201d&]")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab <>\"'&\u2018\u2019\u201c\u201dé")))
def test_has_trigger_agrees_with_a_search_for_any_markup_character(text: str) -> None:
    assert _has_trigger(text) == bool(_TRIGGER.search(text))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .,é-")))
def test_text_without_markup_characters_is_returned_as_it_is(text: str) -> None:
    assert parse_markup(text) is text
