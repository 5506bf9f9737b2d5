"""Initials and name parsing."""

from __future__ import annotations

import re
import sys

import pytest

from citekit.render.csl.boxes import ROMANESQUE_CHARS
from citekit.render.csl.data import parse_name
from citekit.render.csl.names import _is_spaced_and, initialize


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
