"""Locale merging priorities and term lookup."""

from __future__ import annotations

from lxml import etree

from citekit.render.csl.locale import build_locale
from citekit.styles.catalog import locale_loader as bundled_locale_xml

CSL = "http://purl.org/net/xbiblio/csl"


def _block(lang: str | None, terms: str) -> etree._Element:
    attr = f' xml:lang="{lang}"' if lang else ""
    return etree.fromstring(f'<locale xmlns="{CSL}"{attr}><terms>{terms}</terms></locale>')


def test_style_blocks_override_files_in_priority_order() -> None:
    blocks = [
        _block(None, '<term name="and">plain</term><term name="in">generic</term>'),
        _block("de", '<term name="and">base</term>'),
        _block("de-AT", '<term name="and">exact</term>'),
    ]
    locale = build_locale("de-AT", blocks, bundled_locale_xml, [])
    assert locale.term("and") == "exact"
    assert locale.term("in") == "generic"
    assert locale.term("editor", "short") == "Hrsg."  # from the de-AT file


def test_missing_language_falls_back_to_en_us_with_a_warning() -> None:
    warnings: list[str] = []
    locale = build_locale("xx-YY", [], bundled_locale_xml, warnings)
    assert locale.term("and") == "and"
    assert warnings == []  # en-US was found; no file for xx-YY is not a problem


def test_form_fallback_and_plural() -> None:
    locale = build_locale("en-US", [], bundled_locale_xml, [])
    assert locale.term("page", "short", plural=True) == "pp."
    assert locale.term("page", "verb-short") == "page"  # verb-short -> verb -> long
    assert locale.outer_quotes == ("\u201c", "\u201d")


def test_style_ordinals_replace_the_file_ordinals() -> None:
    block = _block(None, '<term name="ordinal">\u00ba</term>')
    locale = build_locale("en-US", [block], bundled_locale_xml, [])
    assert locale.term("ordinal-01") == ""
    assert locale.term("ordinal") == "\u00ba"


def test_a_locale_file_defining_ordinals_replaces_the_fallback_ordinals() -> None:
    """CSL 1.0.1: defining any ordinal term replaces every one defined below it.

    German defines only ``ordinal`` ("."), so en-US's ``ordinal-02`` ("nd")
    must not survive the merge: the second edition is "2. Aufl.", not "2nd".
    """
    warnings: list[str] = []
    locale = build_locale("de-DE", [], bundled_locale_xml, warnings)
    ordinals = {key[0] for key in locale.terms if key[0].startswith("ordinal")}
    assert ordinals == {"ordinal"}
    assert locale.terms[("ordinal", "long", "")] == (".", ".")


def test_citekit_reads_its_own_locale_files_not_citeproc_py_s() -> None:
    """The shipped copy of the CSL locales repository, with its licence and source."""
    from pathlib import Path

    import citekit
    from citekit.styles import catalog as styles

    folder = styles.locales_dir()
    assert folder == Path(citekit.__file__).resolve().parent / "data" / "locales"
    assert (folder / "LICENSE.md").read_text(encoding="utf-8").count("by-sa/3.0") >= 1
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "citation-style-language/locales" in readme and "938c09c1" in readme
    # the current English terms (2025): the era term has its leading space
    locale = build_locale("en-US", [], bundled_locale_xml, [])
    assert locale.term("bc") == " BC"
    assert locale.term("translator", "short") == "trans."


def test_the_citeproc_py_engine_keeps_its_own_locale_files() -> None:
    from citekit.model.records import Library
    from citekit.render import render

    library = Library.from_json(
        [
            {
                "id": "a",
                "type": "book",
                "title": "Titel",
                "author": [{"family": "Kant", "given": "I"}],
                "editor": [{"family": "Weber", "given": "M"}],
                "issued": {"date-parts": [[1788]]},
            }
        ]
    )
    result = render(
        library, "chicago-author-date", locale="de-DE", output="text", engine="citeproc-py"
    )
    assert "Kant" in result.bibliography[0].text
    assert "Herausgegeben von" in result.bibliography[0].text  # German, from citeproc-py's files


def test_suite_fixtures_written_for_older_locales_get_them() -> None:
    """Four suite fixtures expect the 2024 English terms; the rest the current ones."""
    from pathlib import Path

    from csl_fixtures import stale_fixture_locales

    for_fixture = stale_fixture_locales(Path(__file__).resolve().parent / "suite_locales")
    older = build_locale("en-US", [], for_fixture("date_NegativeDateSort"), [])
    current = build_locale("en-US", [], for_fixture("date_NegativeDateSortViaMacro"), [])
    assert older.term("bc") == "BC" and current.term("bc") == " BC"
    assert older.term("month-06", "short") == "Jun." and current.term("month-06", "short") == "June"


def test_terms_read_the_same_with_or_without_child_elements_to_search() -> None:
    """A term looks for cs:single/cs:multiple only when it has children; give every
    term of several locale files an unrelated child (so the search runs and finds
    nothing) and the merged terms must not change."""
    for lang in ("en-US", "de-DE", "fr-FR", "ja-JP", "pt-BR", "ar"):
        data = bundled_locale_xml(lang)
        assert data is not None, lang
        plain = etree.fromstring(data)
        searched = etree.fromstring(data)
        for term in searched.iter(f"{{{CSL}}}term"):
            if not len(term):
                etree.SubElement(term, f"{{{CSL}}}unrelated")
        fast = build_locale(lang, [plain], lambda _lang: None, [])
        slow = build_locale(lang, [searched], lambda _lang: None, [])
        assert fast.terms == slow.terms and fast.terms, lang
