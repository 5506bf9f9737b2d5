"""Locale terms read through the styles layer (citekit.styles.terms)."""

from __future__ import annotations

from citekit.styles.catalog import load_locale_xml
from citekit.styles.terms import TermForm, locale_terms, parse_terms


def test_single_and_multiple_forms_are_both_read() -> None:
    pages = [t for t in locale_terms("en-US") if t.name == "page" and t.form == "short"]
    assert {t.number for t in pages} == {"single", "multiple"}
    assert all(t.text for t in pages)


def test_a_term_with_one_text_has_no_number() -> None:
    xml = (
        b'<locale xmlns="http://purl.org/net/xbiblio/csl"><terms>'
        b'<term name="open-quote">\xc2\xab</term>'
        b'<term name="page" form="short"><single>S.</single><multiple>SS.</multiple></term>'
        b'<term name="and"/>'
        b"<!-- a comment --></terms></locale>"
    )
    assert parse_terms(xml) == (
        TermForm("open-quote", "\u00ab"),
        TermForm("page", "S.", "short", "single"),
        TermForm("page", "SS.", "short", "multiple"),
    )


def test_broken_xml_has_no_terms() -> None:
    assert parse_terms(b"<locale") == ()


def test_the_locale_file_is_the_one_the_catalog_finds() -> None:
    xml = load_locale_xml("de-AT")
    assert xml is not None
    assert locale_terms("de-AT") == parse_terms(xml)
    assert locale_terms("xx-unknown", fallback=False) == ()
