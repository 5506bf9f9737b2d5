"""The one locale fallback rule shared by the style index and the engines."""

from __future__ import annotations

import json

import pytest

from citekit.render.csl.locale import build_locale
from citekit.styles import catalog as styles
from citekit.styles.catalog import locale_loader as bundled_locale_xml
from citekit.styles.language_tags import (
    DEFAULT_LOCALE,
    PRIMARY_DIALECTS,
    canonical_tag,
    fallback_chain,
    primary_dialect,
)


@pytest.mark.parametrize(
    ("asked", "chain"),
    [
        ("de-AT", ("de-AT", "de-DE", "en-US")),
        ("de", ("de", "de-DE", "en-US")),
        ("pt-BR", ("pt-BR", "pt-PT", "en-US")),
        ("en-GB", ("en-GB", "en-US")),
        ("en_gb", ("en-GB", "en-US")),
        ("xx-YY", ("xx-YY", "xx", "en-US")),
        ("", ("en-US",)),
        # languages the old engine table had wrong or lacked
        ("sr", ("sr", "sr-Latn-RS", "en-US")),
        ("sr-RS", ("sr-RS", "sr-Latn-RS", "en-US")),
        ("sr-cyrl", ("sr-Cyrl", "sr-Cyrl-RS", "sr-Latn-RS", "en-US")),
        ("gl", ("gl", "gl-ES", "en-US")),
        ("hi", ("hi", "hi-IN", "en-US")),
        ("hy", ("hy", "hy-AM", "en-US")),
        ("ms", ("ms", "ms-MY", "en-US")),
        ("tl", ("tl", "en-US")),  # the CSL locales repository dropped tl-PH
        ("lij", ("lij", "lij-IT", "en-US")),
    ],
)
def test_fallback_chain(asked: str, chain: tuple[str, ...]) -> None:
    assert fallback_chain(asked) == chain


def test_without_english_a_loader_never_answers_with_another_language() -> None:
    assert fallback_chain("xx", english=False) == ("xx",)
    assert fallback_chain("", english=False) == ()
    assert fallback_chain("en-AU", english=False) == ("en-AU", "en-US")  # English's own dialect


def test_available_filters_and_finds_dialects_our_table_lacks() -> None:
    available = {"de-DE", "en-US", "ka-GE", "ka-XX"}
    assert fallback_chain("de-AT", available=available) == ("de-DE", "en-US")
    assert fallback_chain("ka", available=available) == ("ka-GE", "en-US")
    assert fallback_chain("xx", available=available, english=False) == ()


@pytest.mark.parametrize(
    ("loose", "canonical"),
    [
        ("en_gb", "en-GB"),
        ("SR-LATN-RS", "sr-Latn-RS"),
        ("es-419", "es-419"),
        (" de ", "de"),
        ("zh-hant-tw", "zh-Hant-TW"),
    ],
)
def test_canonical_tag(loose: str, canonical: str) -> None:
    assert canonical_tag(loose) == canonical


def test_primary_dialect_of_a_dialect_is_its_language_s() -> None:
    assert primary_dialect("de-AT") == "de-DE"
    assert primary_dialect("sr-Cyrl-RS") == "sr-Latn-RS"
    assert primary_dialect("xx") is None


def test_table_matches_the_locale_files_citekit_ships() -> None:
    """Every shipped language has a primary dialect, and it has a file."""
    folder = styles.locales_dir()
    shipped = set(styles.available_locales())
    assert {tag.split("-")[0] for tag in shipped} <= set(PRIMARY_DIALECTS)
    assert set(PRIMARY_DIALECTS.values()) <= shipped
    assert DEFAULT_LOCALE in shipped
    manifest = json.loads((folder / "locales.json").read_text(encoding="utf-8"))
    assert dict(PRIMARY_DIALECTS) == manifest["primary-dialects"]


@pytest.mark.parametrize(
    ("asked", "file_lang"),
    [
        ("sr", "sr-Latn-RS"),
        ("sr-Cyrl", "sr-Cyrl-RS"),
        ("gl", "gl-ES"),
        ("hi", "hi-IN"),
        ("hy", "hy-AM"),
        ("ms", "ms-MY"),
        ("de-XX", "de-DE"),
    ],
)
def test_every_reader_of_locale_files_agrees(asked: str, file_lang: str) -> None:
    assert styles.resolve_locale(asked) == file_lang
    xml = bundled_locale_xml(asked)
    assert xml is not None and f'xml:lang="{file_lang}"'.encode() in xml


def test_the_engine_merges_the_primary_dialect_for_previously_unknown_languages() -> None:
    warnings: list[str] = []
    galician = build_locale("gl", [], bundled_locale_xml, warnings)
    english = build_locale("en-US", [], bundled_locale_xml, [])
    assert warnings == []
    assert galician.term("and") and galician.term("and") != english.term("and")
