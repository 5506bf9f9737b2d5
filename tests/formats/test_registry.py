"""The registry finds formats by name, alias, suffix and content."""

from __future__ import annotations

import pytest

from citekit.errors import UnknownFormatError
from citekit.formats import format_for_path, get_format, guess_format


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("csljson", "csljson"),
        ("CSL-JSON", "csljson"),
        ("json", "csljson"),
        ("bibtex", "biblatex"),
        ("bib", "biblatex"),
        ("ris", "ris"),
        ("yaml", "cslyaml"),
    ],
)
def test_names_and_aliases(name: str, expected: str) -> None:
    assert get_format(name).name == expected


def test_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(UnknownFormatError, match=r"known formats: .*biblatex"):
        get_format("marcxml")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("refs.bib", "biblatex"),
        ("REFS.BIB", "biblatex"),
        ("x.json", "csljson"),
        ("x.yml", "cslyaml"),
        ("x.ris", "ris"),
    ],
)
def test_suffixes(path: str, expected: str) -> None:
    info = format_for_path(path)
    assert info is not None and info.name == expected


def test_content_sniffing_for_stdin() -> None:
    assert guess_format("-", '[{"id": "a"}]').name == "csljson"
    assert guess_format(None, "@book{a, title={T}}").name == "biblatex"
    assert guess_format(None, "TY  - JOUR\nER  - \n").name == "ris"


def test_unrecognisable_input_asks_for_a_format() -> None:
    with pytest.raises(UnknownFormatError, match="--from"):
        guess_format("-", "plain words")
