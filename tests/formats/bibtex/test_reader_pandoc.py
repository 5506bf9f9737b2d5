"""Where citekit's BibTeX reader differs from pandoc 2.17 on purpose, and why.

benchmarks/compare_pandoc.py measures the agreement on the whole corpus
(names and dates agree for over 99% of entries); each test here pins one
deliberate difference, and the ones marked with the ``shared`` fixture show
that pandoc's reference output really does what the docstring says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from citekit.formats.bibtex import read
from citekit.formats.bibtex.latex import NOCASE_OPEN


def item(text: str) -> dict[str, Any]:
    return next(iter(read(text).library)).to_json()


def pandoc(shared: Path, name: str) -> dict[str, dict[str, Any]]:
    path = shared / "reference" / "pandoc-csljson" / f"{name}.json"
    return {entry["id"]: entry for entry in json.loads(path.read_text("utf-8"))}


def test_misc_and_set_are_documents(shared: Path) -> None:
    """pandoc writes ``"type": ""`` for @misc and @set, which is not a CSL type."""
    assert pandoc(shared, "biblatex-examples")["set"]["type"] == ""
    assert item("@misc{k, title={T}}")["type"] == "document"
    assert item("@set{k, entryset={a,b}}")["type"] == "document"


def test_conference_is_a_paper_conference(shared: Path) -> None:
    """BibTeX's @conference is @inproceedings; pandoc 2.17 leaves the type empty."""
    assert pandoc(shared, "cdl")["PennEtal14"]["type"] == ""
    assert item("@conference{k, title={T}}")["type"] == "paper-conference"


def test_periodical_is_csl_periodical() -> None:
    """CSL 1.0.2 has a periodical type; pandoc reads @periodical as an article."""
    assert item("@periodical{k, title={T}}")["type"] == "periodical"


def test_titles_keep_their_case_and_protection(shared: Path) -> None:
    """pandoc converts English titles to sentence case and drops the braces;
    citekit keeps a title typed in sentence case as written (but for the capital
    its subtitle takes, as pandoc gives it) and turns braces into nocase spans,
    so the CSL style decides the case (citeproc-js respects nocase)."""
    assert pandoc(shared, "cdl")["Thor13"]["title"].startswith(
        "Educational psychology: The psychology"
    )
    title = item("@book{k, title = {Educational psychology: the {DNA} of learning}}")["title"]
    assert title == f"Educational psychology: The {NOCASE_OPEN}DNA</span> of learning"


def test_math_becomes_text_as_pandoc_renders_it(shared: Path) -> None:
    """pandoc renders ``$...$`` as text (its CSL-JSON keeps the TeX without the
    dollars); citekit writes what Unicode can write and keeps the rest as TeX."""
    assert "$" not in pandoc(shared, "cdl")["BrowEtal92"]["title"]
    assert item("@article{k, title = {Class-based $n$-gram models}}")["title"] == (
        f"Class-based {NOCASE_OPEN}n</span>-gram models"
    )
    assert item("@article{k, title = {A $2 \\times 2$ table}}")["title"] == (
        f"A {NOCASE_OPEN}2 × 2</span> table"
    )


def test_howpublished_url_is_the_url(shared: Path) -> None:
    """pandoc 2.17 reads ``howpublished = {\\url{..}}`` as the publisher; it is the
    entry's URL (biblatex's own advice), so citekit makes it CSL's ``URL``."""
    assert pandoc(shared, "iridia")["ConcordeSolver"]["publisher"].startswith("http://")
    record = item(
        "@misc{k, title = {Concorde}, "
        "howpublished = {\\url{http://www.math.uwaterloo.ca/tsp/concorde.html}}}"
    )
    assert record["URL"] == "http://www.math.uwaterloo.ca/tsp/concorde.html"
    assert "medium" not in record and "publisher" not in record


def test_braced_particle_is_part_of_the_family_name(shared: Path) -> None:
    """pandoc splits ``{van Overschelde}`` into particle and family; BibTeX reads a
    brace group as one word of the name, so it is one family name."""
    assert pandoc(shared, "cdl")["vanOEtal04"]["author"][0] == {
        "family": "Overschelde",
        "given": "J P",
        "non-dropping-particle": "van",
    }
    assert item("@article{k, author = {{van Overschelde}, James P.}}")["author"] == [
        {"family": "van Overschelde", "given": "James P."}
    ]


def test_special_character_case_follows_bibtex(shared: Path) -> None:
    """BibTeX takes a special character's case from its letter: ``{\\'E}ric`` is
    capitalised, so it is a given name.  pandoc makes it a dropping particle."""
    assert pandoc(shared, "iridia")["Tai90"]["author"][0] == {
        "dropping-particle": "Éric",
        "family": "D. Taillard",
    }
    assert item("@article{k, author = {{\\'E}ric D. Taillard}}")["author"] == [
        {"family": "Taillard", "given": "Éric D."}
    ]


def test_accented_dotless_i_is_precomposed(shared: Path) -> None:
    """``\\'{\\i}`` is í (U+00ED), as LaTeX prints it; pandoc writes ı + U+0301."""
    assert "ı\u0301" in pandoc(shared, "cdl")["TreuTruj99"]["author"][1]["given"]
    assert (
        item("@article{k, author = {J C Mart\\'{\\i}nez Trujillo}}")["author"][0]["given"]
        == "J C Martínez"
    )


def test_apostrophe_particles(shared: Path) -> None:
    """``d'Alché-Buc``: CSL expects d' as a particle (it sorts and displays with
    the family name); pandoc keeps it inside the family name."""
    editors = pandoc(shared, "iridia")["AmaAliThr2019nips"]["editor"]
    assert {"family": "d’Alché-Buc", "given": "Florence"} in editors
    assert item("@book{k, editor = {d'Alch{\\'e}-Buc, Florence}}")["editor"] == [
        {"family": "Alché-Buc", "given": "Florence", "non-dropping-particle": "d'"}
    ]


def test_literal_names_are_trimmed(shared: Path) -> None:
    """pandoc keeps the spaces inside ``{ P D P Research Group}``."""
    assert pandoc(shared, "cdl")["McClEtal86"]["author"][2] == {"literal": " P D P Research Group"}
    assert item("@book{k, author = {{ P D P Research Group}}}")["author"] == [
        {"literal": "P D P Research Group"}
    ]


def test_apostrophes_stay_straight(shared: Path) -> None:
    """A straight ' is what the author typed; CSL processors curl it when they
    render (citeproc-js does), so the data keeps it.  pandoc curls it on input."""
    assert "’" in pandoc(shared, "biblatex-examples")["doody"]["title"]
    # (In sentence case since the reader converts English titles: "Style" is lowered.)
    assert item("@article{k, title = {Hemingway's Style}}")["title"] == "Hemingway's style"


@pytest.mark.parametrize(
    ("useprefix", "field"), [("", "dropping-particle"), ("useprefix=true", "non-dropping-particle")]
)
def test_particles_agree_with_pandoc(shared: Path, useprefix: str, field: str) -> None:
    """Here citekit and pandoc agree: biblatex's useprefix decides the particle kind."""
    key = "geer" if not useprefix else "vangennep"
    assert field in pandoc(shared, "biblatex-examples")[key]["author"][0]
    record = item(f"@book{{k, author = {{van Gennep, Arnold}}, options = {{{useprefix}}}}}")
    assert field in record["author"][0]
