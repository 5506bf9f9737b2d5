"""A locator's labelled parts print as citeproc-js prints them.

A locator may name parts with labels of their own: ``1, fol. 186-190`` is
page 1 and folios 186 to 190; ``vol. 3, p. 4-5`` (even given the label
``page``) is volume 3, pages 4 and 5.  citeproc-js prints each part's label as
the locale's term, plural for its own values ("p. 1, fols. 186–190"), counts
the cite's label on the head alone, and lets a locator's opening label win
over ``page``.  Every expected string below is citeproc-js's output
(citeproc-js 2.4.63, the npm ``citeproc`` in benchmarks/editor_session,
locale en-US, the same item and styles), copied from a run of it; the batch
processor and the engine session must both print it.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from locator_style import LOCATOR_STYLE, render_alone, render_in_session, style_xml

from citekit.render.csl.engine import load_style_and_locale
from citekit.render.csl.processor import Processor
from citekit.render.types import CiteItem
from citekit.styles.catalog import locale_loader

# A style that prints the title, then the locator's short label and the locator.
SHORT = LOCATOR_STYLE
# The same with the label's symbol form: the parts' labels take it too.
SYMBOL = SHORT.replace('form="short"', 'form="symbol"')
# With form="long" written, the parts' labels are long too; with no form (long
# for the cite's own label), they are short.
LONG = SHORT.replace('form="short"', 'form="long"')
UNWRITTEN = SHORT.replace(' form="short"', "")
INLINE = {
    "short": SHORT.encode(),
    "symbol": SYMBOL.encode(),
    "long": LONG.encode(),
    "unwritten": UNWRITTEN.encode(),
}

# (style, locator, label, citeproc-js's output)
CASES: list[tuple[str, str, str | None, str]] = [
    # citeproc-js: form="long" written: every part's label long
    ("long", "1, fol. 186-190", "page", "Rivers and Roads, page 1, folios 186–190"),
    # citeproc-js
    ("long", "2, sec. 4, 6", "page", "Rivers and Roads, page 2, sections 4, 6"),
    # citeproc-js: no form written: the cite's label long, its parts' labels short
    ("unwritten", "1, fol. 186-190", "page", "Rivers and Roads, page 1, fols. 186–190"),
    # citeproc-js
    ("unwritten", "vol. 3, p. 4-5", "page", "Rivers and Roads, volume 3, pp. 4–5"),
    # citeproc-js: each part's label in the plural its own range takes
    ("short", "1, fol. 186-190", "page", "Rivers and Roads, p. 1, fols. 186–190"),
    # citeproc-js
    ("short", "1-2, fol. 186", "page", "Rivers and Roads, pp. 1–2, fol. 186"),
    # citeproc-js: a list of values is plural too
    ("short", "2, sec. 4, 6", "page", "Rivers and Roads, p. 2, secs. 4, 6"),
    # citeproc-js: several parts
    ("short", "2, sec. 4-6, l. 3", "page", "Rivers and Roads, p. 2, secs. 4–6, l. 3"),
    # citeproc-js: an unknown abbreviation still ends the head, and prints as written
    ("short", "12, xyz. 3-4", "page", "Rivers and Roads, p. 12, xyz. 3–4"),
    # citeproc-js: "ch." is the chapter term, printed in the locale's form
    ("short", "3, ch. 2-4", "page", "Rivers and Roads, p. 3, chaps. 2–4"),
    # citeproc-js: "chap." is not in its table: printed as written
    ("short", "3, chap. 2-4", "page", "Rivers and Roads, p. 3, chap. 2–4"),
    # citeproc-js: the locator's own label wins over "page"
    ("short", "vol. 3, p. 4-5", "page", "Rivers and Roads, vol. 3, pp. 4–5"),
    # citeproc-js
    ("short", "vol. 3, p. 4-5", None, "Rivers and Roads, vol. 3, pp. 4–5"),
    # citeproc-js
    ("short", "vol. 3-4", "page", "Rivers and Roads, vols. 3–4"),
    # citeproc-js: no label twice
    ("short", "p. 4", "page", "Rivers and Roads, p. 4"),
    # citeproc-js
    ("short", "pp. 4-5", None, "Rivers and Roads, pp. 4–5"),
    # citeproc-js: the cite's own label, repeated in the locator, prints once
    ("short", "vol. 3", "volume", "Rivers and Roads, vol. 3"),
    # citeproc-js: a part labelled as the head joins it
    ("short", "1, p. 3", "page", "Rivers and Roads, pp. 1, 3"),
    # citeproc-js: a repeated label joins the part before it
    ("short", "1, sec. 2, sec. 3", "page", "Rivers and Roads, p. 1, secs. 2, 3"),
    # citeproc-js
    ("short", "1, fol. 3, p. 4-5", "page", "Rivers and Roads, p. 1, fol. 3, pp. 4–5"),
    # citeproc-js: no space after the abbreviation
    ("short", "1, fol.186-190", "page", "Rivers and Roads, p. 1, fols.186–190"),
    # citeproc-js: an explicit label other than page
    ("short", "1, pp. 3-4", "chapter", "Rivers and Roads, chap. 1, pp. 3–4"),
    # citeproc-js
    ("short", "ch. 3", "page", "Rivers and Roads, chap. 3"),
    # citeproc-js: a roman head
    ("short", "iv, fol. 3-4", "page", "Rivers and Roads, p. iv, fols. 3–4"),
    # citeproc-js
    ("short", "1, fol. 186-190, 200", "page", "Rivers and Roads, p. 1, fols. 186–190, 200"),
    # citeproc-js: the parts take the cs:label's symbol form
    ("symbol", "1, sec. 2, para. 3, 4", "page", "Rivers and Roads, p. 1, § 2, ¶¶ 3, 4"),
    # citeproc-js
    ("symbol", "1-3, sec. 2", "volume", "Rivers and Roads, vols. 1–3, § 2"),
    # citeproc-js
    ("apa", "1, fol. 186-190", "page", "(Doe, 2001, p. 1, fols. 186–190)"),
    # citeproc-js: volume's long label, capitalised; the parts stay short
    ("apa", "vol. 3, p. 4-5", "page", "(Doe, 2001, Volume 3, pp. 4–5)"),
    # citeproc-js: numeric for APA's is-numeric test
    ("apa", "1, fol. 186-190", "chapter", "(Doe, 2001, Chapter 1, fols. 186–190)"),
    # citeproc-js
    ("apa", "ch. 3", "page", "(Doe, 2001, Chapter 3)"),
    # citeproc-js: Chicago's page-range format shortens pages, not folios
    (
        "chicago-notes-bibliography",
        "1, fol. 186-190",
        "page",
        "Jane Doe, Rivers and Roads (Press, 2001), 1, fols. 186–190.",
    ),
    # citeproc-js
    (
        "chicago-notes-bibliography",
        "186-190, fol. 321-328",
        "page",
        "Jane Doe, Rivers and Roads (Press, 2001), 186–90, fols. 321–328.",
    ),
    # citeproc-js
    (
        "chicago-notes-bibliography",
        "vol. 3, p. 186-190",
        "page",
        "Jane Doe, Rivers and Roads (Press, 2001), vol. 3, pp. 186–90.",
    ),
    # citeproc-js: Chicago's is-numeric test passes, so "chap." prints
    (
        "chicago-notes-bibliography",
        "1, fol. 186-190",
        "chapter",
        "Jane Doe, Rivers and Roads (Press, 2001), chap. 1, fols. 186–190.",
    ),
    # citeproc-js
    (
        "chicago-notes-bibliography",
        "vol. 3-4, p. 4",
        "page",
        "Jane Doe, Rivers and Roads (Press, 2001), vols. 3–4, p. 4.",
    ),
    # citeproc-js: MLA's own paragraph term
    ("modern-language-association", "3, para. 4-5", "page", "(Doe 3, pars. 4–5)"),
    # citeproc-js
    ("modern-language-association", "vol. 3, p. 4-5", "page", "(Doe, vol. 3, pp. 4–5)"),
    # citeproc-js
    ("modern-language-association", "3, ch. 2-4", "page", "(Doe 3, chs. 2–4)"),
    # citeproc-js: IEEE's capitalised volume; the page term of the locale
    ("ieee", "vol. 3, p. 4-5", "page", "[1, Vol. 3, pp. 4–5]"),
    # citeproc-js
    ("ieee", "2, sec. 4-6, l. 3", "page", "[1, p. 2, secs. 4–6, l. 3]"),
    # citeproc-js
    ("ieee", "1, fol. 186-190", "chapter", "[1, Ch. 1, fols. 186–190]"),
]


def _style_xml(name: str) -> bytes:
    return style_xml(name, INLINE)


@pytest.mark.parametrize(("style", "locator", "label", "expected"), CASES)
def test_a_locator_with_labelled_parts_prints_as_citeproc_js_prints_it(
    style: str, locator: str, label: str | None, expected: str
) -> None:
    xml = _style_xml(style)
    cite = CiteItem("rivers", locator=locator, label=label)
    assert render_alone(xml, cite) == expected
    assert render_in_session(xml, cite) == expected


def _processor() -> Processor:
    parsed, locale, _ = load_style_and_locale(SHORT.encode(), "en-US", locale_loader)
    return Processor(parsed, locale)


PROCESSOR = _processor()

pieces = st.sampled_from(
    ["1", "12", "iv", "-", "–", ", ", ",", " ", "&", "and", "fol.", "p.", "vol.", "xyz.", "s.v."]
)
locator_texts = st.lists(pieces, min_size=1, max_size=10).map("".join)


@settings(max_examples=150, deadline=None)
@given(locator=locator_texts, label=st.sampled_from(["page", "chapter", "volume"]))
def test_the_parts_read_back_as_the_locator(locator: str, label: str) -> None:
    """The cut loses nothing: the parts spell the locator as written."""
    parts = PROCESSOR.locator_parts(locator, label)
    assert "".join(p.lead + p.label + p.space + p.value for p in parts) == locator
    assert parts[0].term == label and not parts[0].label


numbers_only = st.lists(st.sampled_from(["1", "12", "iv", "-", ", ", " & ", "a"]), min_size=1)


@settings(max_examples=80, deadline=None)
@given(locator=numbers_only.map("".join).filter(str.strip))
def test_a_locator_without_labelled_parts_keeps_its_single_reading(locator: str) -> None:
    """Without a dotted word after a comma nothing is cut: the cite keeps the
    locator and label it had, and no parts (rendering takes the old path)."""
    info = PROCESSOR.cite_info(CiteItem("rivers", locator=locator, label="page"), 0)
    assert info.locator_parts == () and info.locator_head is None
    assert (info.locator, info.label) == (locator.strip(), "page")
