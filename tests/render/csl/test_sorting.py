"""Collation: the order citeproc-js gets from each locale's collator.

The expected orders were checked against citeproc-js 2.4.63 (Node's Intl
collation) with the same names; see docs/engine.md.
"""

from __future__ import annotations

import pytest

from citekit.render.csl.sorting import collation_for, collation_key

NAMES = [
    "Zweig",
    "Åström",
    "Ärger",
    "Öberg",
    "Adams",
    "Æbelø",
    "Østergaard",
    "Łukasz",
    "Lis",
    "Lubicz",
    "Čapek",
    "Cibulka",
    "Chvála",
    "Hájek",
    "Nuez",
    "Nunez",
    "Núñez",
    "Uzun",
    "Ümit",
    "Şahin",
    "Sahin",
    "Иванов",
    "Ωmega",
    "王",
]


def ordered(language: str) -> list[str]:
    collation = collation_for(language)
    return sorted(NAMES, key=lambda name: collation_key(name, collation))


def test_english_files_special_letters_under_their_root_letter() -> None:
    order = ordered("en-US")
    assert order.index("Æbelø") < order.index("Ärger") < order.index("Čapek")
    assert order.index("Lubicz") < order.index("Łukasz") < order.index("Nuez")
    assert order.index("Öberg") < order.index("Østergaard") < order.index("Şahin")
    assert order[-4:] == ["Zweig", "Ωmega", "Иванов", "王"]  # then script by script


@pytest.mark.parametrize(
    ("language", "tail"),
    [
        ("sv-SE", ["Zweig", "Åström", "Æbelø", "Ärger", "Öberg", "Østergaard"]),
        ("fi-FI", ["Zweig", "Åström", "Æbelø", "Ärger", "Öberg", "Østergaard"]),
        ("da-DK", ["Zweig", "Æbelø", "Ärger", "Öberg", "Østergaard", "Åström"]),
        ("nb-NO", ["Zweig", "Æbelø", "Ärger", "Öberg", "Østergaard", "Åström"]),
    ],
)
def test_nordic_letters_follow_z(language: str, tail: list[str]) -> None:
    latin = [name for name in ordered(language) if name not in ("Иванов", "Ωmega", "王")]
    assert latin[-len(tail) :] == tail
    assert latin.index("Uzun") < latin.index("Ümit")  # ü files as y


def test_danish_aa_is_a_ring() -> None:
    collation = collation_for("da")
    assert collation_key("Aagaard", collation) > collation_key("Zweig", collation)
    english = collation_for("en")
    assert collation_key("Aagaard", english) < collation_key("Adams", english)


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [
        ("es-ES", "Nunez", "Núñez"),  # ñ after n
        ("pl-PL", "Lubicz", "Łukasz"),  # ł after l
        ("cs-CZ", "Cibulka", "Čapek"),  # č after c
        ("cs-CZ", "Hájek", "Chvála"),  # ch after h
        ("tr-TR", "Sahin", "Şahin"),  # ş after s
        ("tr-TR", "Uzun", "Ümit"),  # ü after u
    ],
)
def test_alphabets_with_letters_of_their_own(language: str, before: str, after: str) -> None:
    order = ordered(language)
    assert order.index(before) < order.index(after)


@pytest.mark.parametrize(
    ("language", "first"),
    [
        ("ru-RU", "Иванов"),
        ("el-GR", "Ωmega"),
        ("zh-CN", "王"),
        ("en-US", "Adams"),
    ],
)
def test_a_locale_sorts_its_own_script_first(language: str, first: str) -> None:
    assert ordered(language)[0] == first


def test_japanese_keeps_latin_before_kanji() -> None:
    order = ordered("ja-JP")
    assert order.index("Zweig") < order.index("王") < order.index("Ωmega")
