"""A locator's value read as citeproc-js reads it: numeric, plural, range dash.

citeproc-js splits a locator into values (joined by "&", "and", ", " or
hyphens) and lets the first value decide: digits (letters may follow or
lead: "3a", "A3") or a lower-case roman numeral of i, v and x make the
locator numeric; a numeric locator of several values takes the plural
label; a hyphen between values that count becomes the locale's range
delimiter, and stays a hyphen otherwise ("Bd. 3-4").  Every expected string
below is citeproc-js's output (citeproc-js 2.4.63, the npm ``citeproc`` in
benchmarks/editor_session, locale en-US, the same item and styles), copied
from a run of it.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from locator_style import render_alone, style_xml

from citekit.render.csl.numbers import format_page_range, locator_ranges
from citekit.render.types import CiteItem

# Prints N or T for is-numeric="locator", then the short label and the locator.
NUMERIC = b"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"
       default-locale="en-US">
  <info><title>Num</title><id>num</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation>
    <layout delimiter="; ">
      <choose><if is-numeric="locator"><text value="N"/></if><else><text value="T"/></else></choose>
      <group delimiter=" " prefix=" ">
        <label variable="locator" form="short"/>
        <text variable="locator"/>
      </group>
    </layout>
  </citation>
</style>"""

# (style, locator, label, citeproc-js's output)
CASES: list[tuple[str, str, str | None, str]] = [
    # citeproc-js: digits with letters are numeric, a range of them plural
    ("NUMERIC", "3a-4b", None, "N pp. 3a–4b"),
    # citeproc-js
    ("NUMERIC", "3a-4b", "section", "N secs. 3a–4b"),
    # citeproc-js: lower-case roman numerals are numeric
    ("NUMERIC", "xii-xiv", "chapter", "N chaps. xii–xiv"),
    # citeproc-js
    ("NUMERIC", "xii", "page", "N p. xii"),
    # citeproc-js: upper-case ones are not (so singular), yet take the dash
    ("NUMERIC", "XII-XIV", None, "T p. XII–XIV"),
    # citeproc-js: an abbreviation it does not know: singular, hyphen kept
    ("NUMERIC", "Bd. 3-4", None, "T p. Bd. 3-4"),
    # citeproc-js
    ("NUMERIC", "Bd. 3-4", "chapter", "T chap. Bd. 3-4"),
    # citeproc-js: subsections "a to c" of 12 are one value
    ("NUMERIC", "12a-c", None, "N p. 12a-c"),
    # citeproc-js
    ("NUMERIC", "12a-12c", "section", "N secs. 12a–12c"),
    # citeproc-js: a roman numeral to a number
    ("NUMERIC", "iv-7", None, "N pp. iv–7"),
    # citeproc-js: prefixes that differ keep the hyphen
    ("NUMERIC", "A3-4", None, "N pp. A3-4"),
    # citeproc-js: a dotted number is not numeric
    ("NUMERIC", "3.1-3.4", "section", "T sec. 3.1-3.4"),
    # citeproc-js
    ("NUMERIC", "3ff.", None, "T p. 3ff."),
    # citeproc-js: only the last hyphen of a run is a range
    ("NUMERIC", "1-2-3", None, "N pp. 1-2–3"),
    # citeproc-js: a short word opens a value group of its own (not counted for the label)
    ("NUMERIC", "1, fol 186-190", None, "N p. 1, fol 186–190"),
    # citeproc-js: a longer word does not
    ("NUMERIC", "1, folio 186-190", None, "N pp. 1, folio 186-190"),
    # citeproc-js
    ("NUMERIC", "3, 5 & 7-9", "section", "N secs. 3, 5 & 7–9"),
    # citeproc-js: an escaped hyphen joins one value
    ("NUMERIC", "3a\\-4b", None, "T p. 3a-4b"),
    # citeproc-js: a fraction is one number
    ("NUMERIC", "1/2", None, "N p. 1/2"),
    # citeproc-js
    ("NUMERIC", "a-b", None, "T p. a-b"),
    # citeproc-js: APA prints the chapter and section labels for numeric locators only
    ("apa", "3a-4b", "section", "(Doe, 2001, Sections 3a–4b)"),
    # citeproc-js
    ("apa", "xii-xiv", "chapter", "(Doe, 2001, Chapters xii–xiv)"),
    # citeproc-js
    ("apa", "Bd. 3-4", None, "(Doe, 2001, p. Bd. 3-4)"),
    # citeproc-js
    ("apa", "12-14", "chapter", "(Doe, 2001, Chapters 12–14)"),
    # citeproc-js
    (
        "chicago-notes-bibliography",
        "3a-4b",
        "section",
        "Jane Doe, Rivers and Roads (Press, 2001), secs. 3a–4b.",
    ),
    # citeproc-js
    (
        "chicago-notes-bibliography",
        "xii-xiv",
        "chapter",
        "Jane Doe, Rivers and Roads (Press, 2001), chaps. xii–xiv.",
    ),
    # citeproc-js
    (
        "chicago-notes-bibliography",
        "Bd. 3-4",
        None,
        "Jane Doe, Rivers and Roads (Press, 2001), Bd. 3-4.",
    ),
    # citeproc-js
    (
        "chicago-notes-bibliography",
        "12-14",
        "chapter",
        "Jane Doe, Rivers and Roads (Press, 2001), chaps. 12–14.",
    ),
]


def _style_xml(name: str) -> bytes:
    return style_xml(name, {"NUMERIC": NUMERIC})


def _render(style: bytes, locator: str, label: str | None) -> str:
    return render_alone(style, CiteItem("rivers", locator=locator, label=label))


@pytest.mark.parametrize(("style", "locator", "label", "expected"), CASES)
def test_locator_values_print_as_citeproc_js_prints_them(
    style: str, locator: str, label: str | None, expected: str
) -> None:
    assert _render(_style_xml(style), locator, label) == expected


_NUMBER = st.integers(min_value=1, max_value=99999).map(str)
_RANGE = st.tuples(_NUMBER, _NUMBER).map("-".join)


@settings(max_examples=60)
@given(
    ranges=st.lists(st.one_of(_NUMBER, _RANGE), min_size=1, max_size=4),
    style=st.sampled_from([None, "expanded", "minimal", "minimal-two", "chicago", "chicago-16"]),
)
def test_plain_number_ranges_format_as_page_ranges_did(
    ranges: list[str], style: str | None
) -> None:
    """Locators of plain numbers print as before: the page-range format and dash."""
    value = ", ".join(ranges)
    assert locator_ranges(value, "\u2013", style) == format_page_range(value, style, "\u2013")
