""" "Quoted in" citations in each style family's own words (citekit.render.quoted.forms).

The expected strings follow the guides: APA 7th ed. 8.6 ``(Harris, 2009, as
cited in Lewis, 2019)`` and narratively ``Miller (1953, as cited in Agrios,
2005)``; Cite Them Right Harvard ``(Waltham, 2010, cited in Seeberg, 2013,
p. 10)``; MLA 9th ed. 6.77 ``(qtd. in Henley 102)``, the quoting work alone;
Chicago 17th ed. 14.260 ``quoted in``.  Each piece around the words is the
style's own citation of that record, as it renders alone.  The library is
the repository's references.bib (Raimondo's essay and the statements it
quotes: Tillerson, Moon, Trump ...).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from citekit.documents.rendering import render_document
from citekit.formats import read
from citekit.model.records import Library
from citekit.render import CiteItem, Cluster, available_engines, render
from citekit.render.quoted import CitationLayout, LocaleWords, assemble, expand, locale_words
from citekit.render.quoted.forms import (
    CHICAGO,
    FAMILIES,
    FORMS,
    QuotedForm,
    builtin_term,
    languages,
    quoted_form,
    style_short_name,
)
from citekit.render.richtext import Rich, Text, plain
from citekit.styles.catalog import Style, find_style, find_style_info, locale_loader

ENGINES = available_engines()
NS = "{http://purl.org/net/xbiblio/csl}"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ESSAY_MLA = "Raimondo, “Trump Should Meet with Kim Jong-un,” par. 14"  # MLA's short form

COSTELLO = [
    {
        "id": "costello1981",
        "type": "book",
        "author": [{"family": "Costello", "given": "Bonnie"}],
        "title": "Marianne Moore: Imaginary Possessions",
        "publisher": "Harvard University Press",
        "issued": {"date-parts": [[1981]]},
    },
    {
        "id": "zukofsky1931",
        "type": "article-journal",
        "author": [{"family": "Zukofsky", "given": "Louis"}],
        "title": "Sincerity and Objectification",
        "container-title": "Poetry",
        "issued": {"date-parts": [[1931, 2]]},
        "custom": {
            "quotation": "An Objective",
            "quoted-in": "costello1981",
            "quoted-in-locator": "78",
            "quoted-in-label": "page",
        },
    },
    {
        "id": "later",
        "type": "speech",
        "author": [{"family": "Later", "given": "Lee"}],
        "issued": {"date-parts": [[1990]]},
        "custom": {"quotation": "Objective", "quoted-in": "zukofsky1931"},
    },
]


@pytest.fixture(scope="module")
def essay() -> Library:
    return read(Path(__file__).resolve().parents[3] / "references.bib").library


def cite(
    library: Library,
    style: str | Style,
    *items: CiteItem,
    engine: str = "citekit",
    locale: str | None = None,
    output: str = "text",
) -> str:
    result = render(
        library,
        style,
        citations=[Cluster(items)],
        bibliography=False,
        engine=engine,
        locale=locale,
        output=output,
    )
    assert not [w for w in result.warnings if "marker" in w]
    return result.citations[0]


def with_term(style: str, term: str) -> Style:
    """The style with a ``quoted in`` term in its own English locale block.

    Added to the style's existing ``<locale xml:lang="en">`` when it has one
    (citeproc-py cannot load a style with two blocks for one language).
    """
    root = etree.fromstring(find_style(style).xml)
    block = root.find(f"{NS}locale[@{{{XML_NS}}}lang='en']")
    if block is None:
        block = etree.Element(f"{NS}locale", {f"{{{XML_NS}}}lang": "en"})
        root.find(f"{NS}info").addnext(block)  # type: ignore[union-attr]
    terms = block.find(f"{NS}terms")
    if terms is None:
        terms = etree.SubElement(block, f"{NS}terms")
    etree.SubElement(terms, f"{NS}term", name="quoted in").text = term
    return Style.from_xml(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


TILLERSON = CiteItem("tillerson2017patience")


# ---------------------------------------------------------------------------
# The families, parenthetical, on both engines
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("apa", "(Tillerson, 2017, as cited in Raimondo, 2017, para. 14)"),
        ("harvard-cite-them-right", "(Tillerson, 2017, cited in Raimondo, 2017, para. 14)"),
        (
            "harvard-cite-them-right-11th-edition",
            "(Tillerson, 2017, cited in Raimondo, 2017, para. 14)",
        ),
        ("modern-language-association", f"(qtd. in {ESSAY_MLA})"),
        ("modern-language-association-no-url", f"(qtd. in {ESSAY_MLA})"),
        ("chicago-author-date", "(Tillerson 2017, quoted in Raimondo 2017, para. 14)"),
        # note styles: MLA's "qtd. in" is a parenthetical form; its notes keep the default
        ("modern-language-association-notes", f"Tillerson, quoted in {ESSAY_MLA}."),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_each_family_words_the_citation_its_own_way(
    essay: Library, style: str, expected: str, engine: str
) -> None:
    assert cite(essay, style, TILLERSON, engine=engine) == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_apa_keeps_the_statements_own_locator_before_as_cited_in(engine: str) -> None:
    # APA's own example: (Meade, 1995, p. 246, as cited in Restrepo & Davis, 2003, p. 45)
    library = Library.from_json(COSTELLO)
    item = CiteItem("zukofsky1931", locator="269", label="page")
    assert cite(library, "apa", item, engine=engine) == (
        "(Zukofsky, 1931, p. 269, as cited in Costello, 1981, p. 78)"
    )
    assert cite(library, "harvard-cite-them-right", item, engine=engine) == (
        "(Zukofsky, 1931, p. 269, cited in Costello, 1981, p. 78)"
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_mla_cites_only_the_source_consulted(engine: str) -> None:
    library = Library.from_json(COSTELLO)
    # "qtd. in" and the quoting work as the engine cites it alone (citeproc-py
    # adds MLA's title even for an author's only work; citekit, like
    # citeproc-js, only to tell two works apart)
    work = cite(
        library,
        "modern-language-association",
        CiteItem("costello1981", locator="78", label="page"),
        engine=engine,
    )
    assert work == (
        "(Costello 78)"
        if engine == "citekit"
        else "(Costello, Marianne Moore: Imaginary Possessions 78)"
    )
    expected = "(qtd. in " + work[1:]
    # the cite's locator belongs to the original, which MLA does not cite
    item = CiteItem("zukofsky1931", locator="269", label="page")
    assert cite(library, "modern-language-association", item, engine=engine) == expected
    # a chain names only its last link, the work actually read
    assert (
        cite(library, "modern-language-association", CiteItem("later"), engine=engine) == expected
    )
    assert cite(library, "apa", CiteItem("later"), engine=engine) == (
        "(Later, 1990, as cited in Zukofsky, 1931, as cited in Costello, 1981, p. 78)"
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_mla_keeps_the_prefix_and_the_other_cites(essay: Library, engine: str) -> None:
    assert cite(
        essay, "modern-language-association", CiteItem("moon2017sayno", prefix="see"), engine=engine
    ) == (f"(see qtd. in {ESSAY_MLA})")
    assert cite(
        essay,
        "modern-language-association",
        CiteItem("raimondo2000enemy", locator="12"),
        CiteItem("tillerson2017patience", suffix=" for the phrase"),
        engine=engine,
    ) == (f"(Raimondo, An Enemy of the State 12; qtd. in {ESSAY_MLA} for the phrase)")


def test_mla_html_keeps_the_works_formatting() -> None:
    # a second book by Costello: MLA adds the (italic) title to tell them apart
    library = Library.from_json(
        [
            *COSTELLO,
            {
                "id": "costello1990",
                "type": "book",
                "author": [{"family": "Costello", "given": "Bonnie"}],
                "title": "Another Book",
                "issued": {"date-parts": [[1990]]},
            },
        ]
    )
    assert cite(
        library, "modern-language-association", CiteItem("zukofsky1931"), output="html"
    ) == ("(qtd. in Costello, <i>Marianne Moore: Imaginary Possessions</i> 78)")


@pytest.mark.parametrize("engine", ENGINES)
def test_apa_and_harvard_other_statements(essay: Library, engine: str) -> None:
    # a published interview is a recoverable source: author and date (APA 8.6)
    assert cite(essay, "apa", CiteItem("trump2017meet"), engine=engine) == (
        "(Trump, 2017, as cited in Raimondo, 2017, para. 8)"
    )
    # an attributed statement with no known date: "n.d.", never a personal communication
    assert cite(essay, "apa", CiteItem("moon2017sayno"), engine=engine) == (
        "(Moon, n.d., as cited in Raimondo, 2017, para. 14)"
    )
    assert (
        cite(essay, "harvard-cite-them-right", CiteItem("moon2017sayno"), engine=engine)
        == "(Moon, no date, cited in Raimondo, 2017, para. 14)"
    )


# ---------------------------------------------------------------------------
# Narrative citations (author in the text, -@key)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("apa", "(2017, as cited in Raimondo, 2017, para. 14)"),
        ("harvard-cite-them-right", "(2017, cited in Raimondo, 2017, para. 14)"),
        ("modern-language-association", f"(qtd. in {ESSAY_MLA})"),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_suppressed_author_gives_the_narrative_parenthesis(
    essay: Library, style: str, expected: str, engine: str
) -> None:
    item = CiteItem("tillerson2017patience", suppress_author=True)
    assert cite(essay, style, item, engine=engine) == expected


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("apa", "As Tillerson (2017, as cited in Raimondo, 2017, para. 14) put it"),
        (
            "harvard-cite-them-right",
            "As Tillerson (2017, cited in Raimondo, 2017, para. 14) put it",
        ),
        ("modern-language-association", "As Tillerson (qtd. in Raimondo, par. 14) put it"),
    ],
)
def test_narrative_citation_in_a_document(essay: Library, style: str, expected: str) -> None:
    # The document cites only what it needs: one Raimondo work, so MLA needs no title.
    result = render_document(
        "As @tillerson2017patience put it, patience ended.",
        library=essay,
        style=style,
        engine="citekit",
        to="text",
    )
    assert result.output.startswith(expected + ", patience ended.")


def test_a_statement_the_style_cannot_print_is_left_out(essay: Library) -> None:
    # MLA notes print the author alone: -@key leaves nothing, and the engine's
    # "no printed form" message must not appear inside the join.
    for engine in ENGINES:
        assert (
            cite(
                essay,
                "modern-language-association-notes",
                CiteItem("tillerson2017patience", suppress_author=True),
                engine=engine,
            )
            == f"{ESSAY_MLA}."
        )


# ---------------------------------------------------------------------------
# Dependent styles take their parent's family
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "parent", "expected"),
    [
        ("acta-psychologica", "apa", "(Tillerson, 2017, as cited in Raimondo, 2017, para. 14)"),
        (
            "harvard-university-of-gloucestershire",
            "harvard-cite-them-right",
            "(Tillerson, 2017, cited in Raimondo, 2017, para. 14)",
        ),
        ("pmla", "modern-language-association", f"(qtd. in {ESSAY_MLA})"),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_dependent_styles_follow_their_parent(
    essay: Library, style: str, parent: str, expected: str, engine: str
) -> None:
    assert find_style_info(style).parent == parent
    assert cite(essay, style, TILLERSON, engine=engine) == expected


# ---------------------------------------------------------------------------
# Terms: the style's own wins; other languages keep their term
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("apa", "(Tillerson, 2017, quoted from Raimondo, 2017, para. 14)"),
        ("harvard-cite-them-right", "(Tillerson, 2017, quoted from Raimondo, 2017, para. 14)"),
        # the style's word, the family's shape
        ("modern-language-association", f"(quoted from {ESSAY_MLA})"),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_a_term_in_the_styles_own_locale_wins(
    essay: Library, style: str, expected: str, engine: str
) -> None:
    assert cite(essay, with_term(style, "quoted from"), TILLERSON, engine=engine) == expected


@pytest.mark.parametrize(
    ("style", "locale", "expected"),
    [
        ("apa", "de-DE", "(Tillerson, 2017, zitiert in Raimondo, 2017, Abs. 14)"),
        ("apa", "en-GB", "(Tillerson, 2017, as cited in Raimondo, 2017, para. 14)"),
        (
            "harvard-cite-them-right",
            "en-US",
            "(Tillerson, 2017, cited in Raimondo, 2017, para. 14)",
        ),
        # no MLA form in German or French: Chicago's shape in the language's words
        (
            "modern-language-association",
            "de-DE",
            "(Tillerson, zitiert in Raimondo, „{title}“, Abs. 14)",
        ),
        (
            "modern-language-association",
            "fr-FR",
            "(Tillerson, cité dans Raimondo, «\u00a0{title}\u00a0», paragr. 14)",
        ),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_other_languages_keep_their_term(
    essay: Library, style: str, locale: str, expected: str, engine: str
) -> None:
    # The title as stored (sentence case); CSL title-cases English items only,
    # which citekit's engine reads as the locale's language and citeproc-py does not.
    title = {"citeproc-py": "Trump Should Meet with Kim Jong-un"}.get(
        engine, "Trump should meet with Kim Jong-un"
    )
    assert cite(essay, style, TILLERSON, engine=engine, locale=locale) == expected.format(
        title=title
    )


def test_precedence_style_term_family_locale_file_builtin() -> None:
    locale_xml = b"""<?xml version="1.0" encoding="utf-8"?>
<locale xmlns="http://purl.org/net/xbiblio/csl" version="1.0" xml:lang="en-US">
  <terms><term name="quoted in">qtd. from</term></terms>
</locale>"""

    def loader(tag: str) -> bytes | None:
        return locale_xml if tag == "en-US" else None

    apa = find_style("apa").xml
    # the family's words beat a locale file's generic term ...
    assert locale_words(apa, "en-US", loader).quoted_in == "as cited in"
    # ... which beats citekit's table for a style without a family
    assert locale_words(find_style("chicago-author-date").xml, "en-US", loader).quoted_in == (
        "qtd. from"
    )
    # the style's own term beats them all
    assert locale_words(with_term("apa", "via").xml, "en-US", loader).quoted_in == "via"
    assert locale_words(apa, "de-DE", locale_loader) == LocaleWords("zitiert in", False)


# ---------------------------------------------------------------------------
# The family table
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "family"),
    [
        ("apa", "apa"),
        ("apa-6th-edition", "apa"),
        ("apa-no-ampersand", "apa"),
        ("acta-psychologica", "apa"),
        ("harvard-cite-them-right", "harvard-cite-them-right"),
        ("harvard-cite-them-right-10th-edition", "harvard-cite-them-right"),
        ("modern-language-association", "modern-language-association"),
        ("pmla", "modern-language-association"),
        ("chicago-author-date", "chicago"),
        ("chicago-notes-bibliography", "chicago"),
        # other Harvards follow their own guides; note and numeric variants keep the default
        ("harvard-university-of-leeds", "chicago"),
        ("elsevier-harvard", "chicago"),
        ("modern-language-association-notes", "chicago"),
        ("apa-numeric-superscript", "chicago"),
    ],
)
def test_family_of_a_style(style: str, family: str) -> None:
    assert quoted_form(find_style(style).xml).family == family


def test_every_listed_family_style_is_installed_and_has_a_form() -> None:
    for short, family in FAMILIES.items():
        assert family in FORMS
        assert style_short_name(find_style(short).xml) == short


def test_form_wording_by_language() -> None:
    form = QuotedForm("x", (("en", "as cited in"),))
    assert form.wording("en-GB") == "as cited in"
    assert form.wording("EN") == "as cited in"
    assert form.wording("de-DE") is None
    assert CHICAGO.wording("en-US") is None
    assert style_short_name(b"<not xml") is None


def test_loosely_spelled_tags_find_their_language_as_the_locale_lookup_does() -> None:
    """``de_at`` and ``EN_gb`` are what a command line or front matter may say."""
    assert languages("de-AT") == ["de-AT", "de"]
    assert languages("en_gb") == ["en-GB", "en"]
    assert languages("FR") == ["fr"]
    assert builtin_term("de_at") == "zitiert in"
    assert QuotedForm("x", (("en", "as cited in"),)).wording("EN_gb") == "as cited in"


def test_style_blocks_for_the_dialect_then_language_then_unlabelled() -> None:
    with_block = with_term("chicago-author-date", "via")
    assert locale_words(with_block.xml, "en_GB", lambda tag: None).quoted_in == "via"
    assert locale_words(with_block.xml, "de-DE", lambda tag: None).quoted_in == "zitiert in"


def test_assemble_without_the_statement_keeps_prefix_and_suffix() -> None:
    library = Library.from_json(COSTELLO)
    item = CiteItem("zukofsky1931", prefix="see", suffix=" and passim")
    expansion = expand(library, [Cluster((item,))])
    pieces: list[Rich | None] = [
        Text("(see Zukofsky 1931)"),
        Text("(Costello 78 and passim)"),
        Text("(see Zukofsky 1931; Costello 78 and passim)"),
    ]
    mla = LocaleWords("qtd. in", names_statement=False, family="modern-language-association")
    trees = assemble(expansion, pieces, None, CitationLayout("(", ")"), mla)
    assert [plain(t) for t in trees if t is not None] == ["(see qtd. in Costello 78 and passim)"]
    chicago = assemble(expansion, pieces, None, CitationLayout("(", ")"), LocaleWords())
    assert [plain(t) for t in chicago if t is not None] == [
        "(see Zukofsky 1931, quoted in Costello 78 and passim)"
    ]
