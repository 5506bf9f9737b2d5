"""``render()`` and its shortcuts: styles, engines, unknown keys, formats, links."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from citekit.errors import UnknownKeyError, UnknownStyleError, UsageError
from citekit.formats import read, read_string
from citekit.model.records import (
    DATE_VARIABLES,
    ITEM_TYPES,
    NAME_VARIABLES,
    NUMBER_VARIABLES,
    Library,
    Record,
)
from citekit.render import (
    DEFAULT_ENGINE,
    CiteItem,
    Cluster,
    available_engines,
    bibliography,
    check_keys,
    cite,
    get_engine,
    linkify,
    render,
    unknown_keys,
)
from citekit.render.api import engine_item
from citekit.render.csl.names import initialize
from citekit.render.richtext import Span, Text, plain

ENGINES = available_engines()


def make_library() -> Library:
    return Library.from_json(
        [
            {
                "id": "raimondo2000",
                "type": "book",
                "title": "An enemy of the state: the life of Murray N. Rothbard",
                "author": [{"family": "Raimondo", "given": "Justin"}],
                "issued": {"date-parts": [[2000]]},
                "publisher": "Prometheus Books",
                "publisher-place": "Amherst, N.Y.",
            },
            {
                "id": "smith2008",
                "type": "article-journal",
                "title": "Things & stuff",
                "author": [{"family": "Smith", "given": "Ann"}, {"family": "Jones", "given": "Bo"}],
                "issued": "2008-05",
                "container-title": "Journal of Tests",
                "volume": "3",
                "page": "10-19",
                "DOI": "10.1234/jt.2008.3",
            },
        ]
    )


def one(key: str, **options: object) -> Cluster:
    return Cluster((CiteItem(key, **options),))  # type: ignore[arg-type]


def test_default_engine_is_registered() -> None:
    assert DEFAULT_ENGINE in ENGINES
    assert get_engine().name == DEFAULT_ENGINE


def test_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown engine"):
        render(make_library(), "apa", engine="citeproc-jx")


def test_unknown_style_raises_with_suggestions() -> None:
    with pytest.raises(UnknownStyleError) as caught:
        render(make_library(), "apaa")
    assert "apa" in caught.value.suggestions


def test_author_date_citations_and_bibliography() -> None:
    result = render(
        make_library(),
        "apa",
        citations=[
            Cluster((CiteItem("raimondo2000", locator="33", label="page"), CiteItem("smith2008")))
        ],
        engine="citeproc-py",
    )
    assert result.citations == ["(Raimondo, 2000, p. 33; Smith & Jones, 2008)"]
    assert result.bibliography_ids == ["raimondo2000", "smith2008"]
    assert result.bibliography_texts[0].startswith("Raimondo, J. (2000). An enemy of the state")
    assert result.layout.hanging_indent
    assert result.warnings == []
    assert result.style is not None and result.style.id == "apa"


@pytest.mark.parametrize("engine", ENGINES)
def test_unknown_key_is_a_warning_and_a_marker(engine: str) -> None:
    library = make_library()
    clusters = [Cluster((CiteItem("raimondo2000"), CiteItem("raimondo200"))), one("nobody")]
    result = render(library, "apa", citations=clusters, engine=engine)
    assert len(result.citations) == 2
    assert "[unknown: raimondo200]" in result.citations[0]
    assert "Raimondo" in result.citations[0]
    assert result.citations[1] == "[unknown: nobody]"
    assert result.unknown_keys == ["raimondo200", "nobody"]
    assert any("raimondo200" in w and "raimondo2000" in w for w in result.warnings)


def test_check_keys_names_the_closest_keys() -> None:
    library = make_library()
    assert unknown_keys(library, [one("raimondo2000")]) == []
    check_keys(library, [one("raimondo2000")])
    with pytest.raises(UnknownKeyError) as caught:
        check_keys(library, [one("Raimondo2000"), one("x")])
    assert caught.value.suggestions == ("raimondo2000",)
    assert "1 more" in str(caught.value)


@pytest.mark.parametrize("engine", ENGINES)
def test_broken_style_file_warns_but_keeps_one_citation_per_cluster(
    tmp_path: Path, engine: str
) -> None:
    path = tmp_path / "broken.csl"
    path.write_text("<style xmlns='http://purl.org/net/xbiblio/csl'>", encoding="utf-8")
    result = render(make_library(), str(path), citations=[one("raimondo2000")], engine=engine)
    assert result.citations == ["[@raimondo2000]"]
    assert any("broken" in w for w in result.warnings)


@pytest.mark.parametrize("engine", ENGINES)
def test_output_formats_come_from_one_tree(engine: str) -> None:
    library = make_library()
    outputs = {
        fmt: render(
            library, "apa", output=fmt, engine=engine, bibliography_keys=["smith2008"]
        ).bibliography_texts[0]
        for fmt in ("text", "html", "markdown", "latex")
    }
    assert "Things & stuff" in outputs["text"]
    assert "Things &#38; stuff" in outputs["html"]
    assert "<i>Journal of Tests</i>" in outputs["html"]
    assert "*Journal of Tests*" in outputs["markdown"]
    assert "\\emph{Journal of Tests}" in outputs["latex"]
    assert "Things \\& stuff" in outputs["latex"]


def test_unknown_output_format() -> None:
    with pytest.raises(UsageError, match="output format"):
        render(make_library(), "apa", output="rtf")


@pytest.mark.parametrize("engine", ENGINES)
def test_links(engine: str) -> None:
    result = render(
        make_library(),
        "apa",
        output="html",
        link=True,
        engine=engine,
        bibliography_keys=["smith2008"],
    )
    assert '<a href="https://doi.org/10.1234/jt.2008.3">' in result.bibliography_texts[0]
    plain_result = render(
        make_library(), "apa", output="html", engine=engine, bibliography_keys=["smith2008"]
    )
    assert "<a " not in plain_result.bibliography_texts[0]


def test_linkify_urls_and_dois() -> None:
    tree = linkify(Text("See https://example.org/a_b. Or doi:10.1000/xyz (ok)."))
    assert isinstance(tree, Span)
    links = [c.link for c in tree.children if isinstance(c, Span)]
    assert links == ["https://example.org/a_b", "https://doi.org/10.1000/xyz"]
    assert plain(tree) == "See https://example.org/a_b. Or doi:10.1000/xyz (ok)."


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("see https://en.wikipedia.org/wiki/Foo_(bar).", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("(see https://example.org/a_b)", "https://example.org/a_b"),
        ("(https://example.org/a_(b_(c)))", "https://example.org/a_(b_(c))"),
        ("doi:10.1016/S0140-6736(20)30183-5.", "https://doi.org/10.1016/S0140-6736(20)30183-5"),
    ],
)
def test_linkify_keeps_balanced_parentheses(text: str, link: str) -> None:
    # Wikipedia's "Foo_(bar)" was cut before its ")", which was left after the link.
    tree = linkify(Text(text))
    assert isinstance(tree, Span)
    assert [c.link for c in tree.children if isinstance(c, Span)] == [link]
    assert plain(tree) == text


SICI = "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P"
SICI_LINK = "https://doi.org/10.1002/(SICI)1096-987X(199803)19:4%3C377::AID-JCC1%3E3.0.CO;2-P"


@pytest.mark.parametrize(
    ("text", "shown", "link"),
    [
        # a SICI DOI was linked only up to its "<"
        (f"https://doi.org/{SICI}.", f"https://doi.org/{SICI}", SICI_LINK),
        (f"doi:{SICI}", f"doi:{SICI}", SICI_LINK),
        (f"({SICI})", SICI, SICI_LINK),
        (
            f"http://dx.doi.org/{SICI}",
            f"http://dx.doi.org/{SICI}",
            SICI_LINK.replace("https://doi.org/", "http://dx.doi.org/"),
        ),
        # a ">" that closes no "<" of the DOI is the text's
        ("<doi:10.1000/x>", "doi:10.1000/x", "https://doi.org/10.1000/x"),
        ("<https://doi.org/10.1000/x>", "https://doi.org/10.1000/x", "https://doi.org/10.1000/x"),
        # the DOI Handbook's characters are encoded; an escape already written stays
        ("10.1000/a%b#c?d", "10.1000/a%b#c?d", "https://doi.org/10.1000/a%25b%23c%3Fd"),
        (
            "https://doi.org/10.1000/a%3Cb",
            "https://doi.org/10.1000/a%3Cb",
            "https://doi.org/10.1000/a%3Cb",
        ),
        # in any other URL, < and > are delimiters (RFC 3986)
        ("<https://x.org/a>", "https://x.org/a", "https://x.org/a"),
        ("https://x.org/a<b>", "https://x.org/a", "https://x.org/a"),
    ],
)
def test_linkify_takes_the_whole_doi_with_angle_brackets(text: str, shown: str, link: str) -> None:
    tree = linkify(Text(text))
    assert isinstance(tree, Span)
    spans = [c for c in tree.children if isinstance(c, Span)]
    assert [(plain(c), c.link) for c in spans] == [(shown, link)]
    assert plain(tree) == text


@pytest.mark.parametrize(
    ("output", "target"),
    [
        ("html", f'href="{SICI_LINK}"'),
        ("markdown", "(https://doi.org/10.1002/%28SICI%291096-987X%28199803%2919:4%3C377"),
        ("latex", "\\href{" + SICI_LINK.replace("%", "\\%") + "}"),
    ],
)
def test_a_sici_doi_is_one_link_in_every_output(output: str, target: str) -> None:
    library = Library.from_json(
        [
            {
                "id": "s",
                "type": "article-journal",
                "title": "T",
                "DOI": SICI,
                "issued": {"date-parts": [[1998]]},
            }
        ]
    )
    (entry,) = render(library, "apa", output=output, link=True).bibliography_texts
    assert target in entry


def test_citation_text_reads_the_style_s_own_locator_labels() -> None:
    # IEEE's short chapter term "ch.": pandoc prints "[1, Ch. 4]"; was "[1], ch. 4"
    library = make_library()
    expected = "[1, Ch. 4]"
    assert cite(library, "[@raimondo2000, ch. 4]", "ieee") == expected
    result = render(library, "ieee", citations=["[@raimondo2000, ch. 4]"], bibliography=False)
    assert result.citations == [expected]


def test_a_double_hyphen_locator_is_a_page_range() -> None:
    # pandoc reads "--" as an en dash, a range: Chicago's page-range format applies
    library = make_library()
    for written in ("pp. 321--328", "pp. 321–328", "pp. 321-328"):
        text = cite(library, f"[@raimondo2000, {written}]", "chicago-author-date")
        assert text.endswith(", 321–28)"), (written, text)


def test_bibliography_keys_limit_the_entries() -> None:
    texts = bibliography(make_library(), "apa", keys=["smith2008"], engine="citeproc-py")
    assert len(texts) == 1 and texts[0].startswith("Smith, A., & Jones, B. (2008)")


def test_cite_shortcut_accepts_keys_and_clusters() -> None:
    library = make_library()
    assert cite(library, "raimondo2000", "apa", engine="citeproc-py") == "(Raimondo, 2000)"
    both = cite(library, ["raimondo2000", "smith2008"], "apa", engine="citeproc-py")
    assert both == "(Raimondo, 2000; Smith & Jones, 2008)"
    suppressed = cite(
        library, one("raimondo2000", suppress_author=True), "apa", engine="citeproc-py"
    )
    assert suppressed == "(2000)"


@pytest.mark.parametrize("engine", ENGINES)
def test_locale_overrides_the_style_default(engine: str) -> None:
    library = make_library()
    english = render(
        library, "ieee", locale="en-US", engine=engine, bibliography_keys=["smith2008"]
    )
    german = render(library, "ieee", locale="de-DE", engine=engine, bibliography_keys=["smith2008"])
    assert german.locale == "de-DE"
    assert "vol." in english.bibliography_texts[0]
    assert "Bd." in german.bibliography_texts[0]


def test_dependent_style_uses_its_parent_with_its_own_name() -> None:
    result = render(
        make_library(), "2d-materials", citations=[one("raimondo2000")], engine="citeproc-py"
    )
    assert result.style is not None and result.style.id == "2d-materials"
    assert result.citations == ["[1]"]


def test_engine_items_have_date_parts() -> None:
    record = make_library()["smith2008"]
    item = engine_item(record)
    assert item["issued"] == {"date-parts": [[2008, 5]]}
    assert item["id"] == "smith2008"


def test_result_to_json() -> None:
    result = render(
        make_library(), "apa", citations=[one("raimondo2000")], engine="citeproc-py", nocite="*"
    )
    data = result.to_json()
    assert data["citations"] == ["(Raimondo, 2000)"]
    assert [e["id"] for e in data["bibliography"]] == ["raimondo2000", "smith2008"]
    assert data["layout"]["hanging-indent"] is True


LOCALE_OVERRIDE_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Override</title><id>override</id><updated>2020-01-01T00:00:00+00:00</updated>
  </info>
  <locale xml:lang="en">
    <terms><term name="page" form="short"><single>pg.</single><multiple>pgs.</multiple></term>
    </terms>
  </locale>
  <citation>
    <layout prefix="(" suffix=")">
      <names variable="author"><name form="short"/></names>
      <group delimiter=" " prefix=", "><label variable="locator" form="short"/>
        <text variable="locator"/></group>
    </layout>
  </citation>
</style>
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_locale_block_in_the_style_beats_the_locale_file(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "override.csl"
    path.write_text(LOCALE_OVERRIDE_STYLE, encoding="utf-8")
    result = render(
        make_library(),
        str(path),
        engine=engine,
        bibliography=False,
        citations=[
            one("raimondo2000", locator="4", label="page"),
            one("raimondo2000", locator="4-5", label="page"),
        ],
    )
    assert result.citations == ["(Raimondo, pg. 4)", "(Raimondo, pgs. 4–5)"]


_NAMES = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "family": st.text(max_size=8),
            "given": st.text(max_size=8),
            "literal": st.text(max_size=8),
            "non-dropping-particle": st.sampled_from(["van", "de"]),
        },
    ),
    max_size=3,
)
_DATES = st.one_of(
    st.fixed_dictionaries(
        {
            "date-parts": st.lists(
                st.lists(st.integers(-50, 3000), min_size=0, max_size=3), min_size=1, max_size=2
            )
        }
    ),
    st.fixed_dictionaries({"literal": st.text(max_size=10)}),
    st.text(max_size=10),
)
_ITEMS = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                [
                    "book",
                    "article-journal",
                    "chapter",
                    "webpage",
                    "thesis",
                    "legal_case",
                    "no-such-type",
                ]
            )
        },
        optional={
            "title": st.text(max_size=20),
            "author": _NAMES,
            "editor": _NAMES,
            "issued": _DATES,
            "accessed": _DATES,
            "page": st.text(max_size=6),
            "volume": st.one_of(st.integers(), st.text(max_size=4)),
            "container-title": st.text(max_size=10),
            "URL": st.text(max_size=10),
            "custom": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        },
    ),
    min_size=1,
    max_size=4,
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(
    items=_ITEMS,
    style=st.sampled_from(["apa", "ieee", "chicago-notes-bibliography"]),
    engine=st.sampled_from(ENGINES),
)
def test_render_never_raises_on_odd_data(
    items: list[dict[str, object]], style: str, engine: str
) -> None:
    library = Library.from_json([{**item, "id": f"k{n}"} for n, item in enumerate(items)])
    clusters = [one(record.key, locator="3", label="page") for record in library]
    result = render(library, style, citations=clusters, engine=engine, output="html")
    assert len(result.citations) == len(clusters)
    assert len(result.bibliography) <= len(library)


@pytest.mark.parametrize("engine", ENGINES)
def test_entries_without_printed_form_are_left_out_with_a_warning(engine: str) -> None:
    library = make_library()
    library.add(
        Record("letter", "personal_communication", author=[{"family": "Doe", "given": "J."}])
    )
    result = render(library, "chicago-notes-bibliography", engine=engine)
    texts = result.bibliography_texts
    assert all(text.strip() for text in texts)
    if "letter" not in result.bibliography_ids:
        assert any("'letter' has no printed form" in w for w in result.warnings)


@pytest.mark.parametrize("engine", ENGINES)
def test_affixes_and_locators_reach_the_output(engine: str) -> None:
    cluster = Cluster(
        (
            CiteItem(
                "raimondo2000",
                prefix="see & ",
                suffix=", <i>passim</i>",
                locator="33",
                label="page",
            ),
        )
    )
    result = render(make_library(), "apa", citations=[cluster], output="html", engine=engine)
    assert result.citations == ["(see &#38; Raimondo, 2000, p. 33, <i>passim</i>)"]


# ---------------------------------------------------------------------------
# biblatex sets: cited as their members, never listed themselves
# ---------------------------------------------------------------------------


def _set_library() -> Library:
    """A set as the BibTeX reader stores it (docs/bibtex-import.md, "Entry sets")."""
    return Library(
        [
            Record(
                "stdmodel",
                "document",
                custom={"biblatex": {"@type": "set", "entryset": "glashow, weinberg"}},
            ),
            Record(
                "glashow",
                "article-journal",
                title="Partial symmetries of weak interactions",
                author=[{"family": "Glashow", "given": "Sheldon"}],
                **{"container-title": "Nucl. Phys."},
                issued={"date-parts": [[1961]]},
            ),
            Record(
                "weinberg",
                "article-journal",
                title="A model of leptons",
                author=[{"family": "Weinberg", "given": "Steven"}],
                **{"container-title": "Phys. Rev. Lett."},
                issued={"date-parts": [[1967]]},
            ),
        ]
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_set_is_cited_as_its_members(engine: str) -> None:
    # was "(n.d.)": CSL has no set type, and the record has no data of its own
    result = render(
        _set_library(), "apa", engine=engine, citations=[Cluster((CiteItem("stdmodel"),))]
    )
    assert result.citations == ["(Glashow, 1961; Weinberg, 1967)"]


def test_a_set_cite_gives_its_prefix_to_the_first_member_and_its_locator_to_the_last() -> None:
    cluster = Cluster((CiteItem("stdmodel", prefix="see ", locator="3", label="page"),))
    result = render(_set_library(), "apa", citations=[cluster])
    assert result.citations == ["(see Glashow, 1961; Weinberg, 1967, p. 3)"]
    assert "the locator of set 'stdmodel' goes with its last member 'weinberg'" in result.warnings


@pytest.mark.parametrize("engine", ENGINES)
def test_a_set_is_never_a_bibliography_entry(engine: str) -> None:
    whole = render(_set_library(), "apa", engine=engine)
    assert whole.bibliography_ids == ["glashow", "weinberg"]
    named = render(_set_library(), "apa", engine=engine, bibliography_keys=["stdmodel"])
    assert named.bibliography_ids == ["glashow", "weinberg"]
    cited = render(
        _set_library(),
        "apa",
        engine=engine,
        bibliography_keys=[],
        citations=[Cluster((CiteItem("stdmodel"),))],
    )
    assert cited.bibliography_ids == ["glashow", "weinberg"]


def test_a_set_without_its_members_stays_a_record() -> None:
    library = Library(
        [Record("lonely", "document", custom={"biblatex": {"@type": "set", "entryset": "gone"}})]
    )
    result = render(library, "apa", citations=[Cluster((CiteItem("lonely"),))])
    assert result.unknown_keys == []
    assert result.bibliography_ids == ["lonely"]  # printed as what it is; check reports it


def test_biblatex_examples_in_apa_has_no_empty_set_entries(shared: Path) -> None:
    library = read(shared / "corpus" / "biblatex-examples.bib").library
    result = render(library, "apa", citations=[Cluster((CiteItem("stdmodel"),))], nocite="*")
    # was "(N.d.-a)." and "(N.d.-b)." for the sets 'set' and 'stdmodel'
    assert not [t for t in result.bibliography_texts if t.startswith("(N.d.")]
    assert "set" not in result.bibliography_ids and "stdmodel" not in result.bibliography_ids
    assert {"glashow", "weinberg", "salam", "herrmann", "aksin", "yoon"} <= set(
        result.bibliography_ids
    )
    assert result.citations == ["(Glashow, 1961; Salam, 1968; Weinberg, 1967)"]


# ---------------------------------------------------------------------------
# A public API a writing tool can trust (issue 15)
# ---------------------------------------------------------------------------


def test_cite_reads_pandoc_citation_text_without_brackets() -> None:
    # was '[unknown: @raimondo2000, p. 33]': the whole text taken for one key
    library = make_library()
    assert cite(library, "@raimondo2000, p. 33", "chicago-author-date") == "(Raimondo 2000, 33)"
    assert (
        cite(library, "@raimondo2000, p. 33; @smith2008", "chicago-author-date")
        == "(Raimondo 2000, 33; Smith and Jones 2008)"
    )


@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        ("[see @raimondo2000, chap. 2]", "(see Raimondo 2000, chap. 2)"),
        ("-@raimondo2000", "(2000)"),
        ("[-@raimondo2000, p. 4]", "(2000, 4)"),
        ("raimondo2000", "(Raimondo 2000)"),
        ("@raimondo2000", "(Raimondo 2000)"),
        (["@raimondo2000", "smith2008"], "(Raimondo 2000; Smith and Jones 2008)"),
        (
            ["@raimondo2000, p. 3", CiteItem("smith2008")],
            "(Raimondo 2000, 3; Smith and Jones 2008)",
        ),
        (CiteItem("@raimondo2000", locator="5"), "(Raimondo 2000, 5)"),
        (Cluster((CiteItem("@smith2008"),)), "(Smith and Jones 2008)"),
    ],
)
def test_cite_takes_every_form_of_citation(citation: object, expected: str) -> None:
    assert cite(make_library(), citation, "chicago-author-date") == expected  # type: ignore[arg-type]


def test_cite_reads_locators_in_the_styles_locale() -> None:
    assert (
        cite(make_library(), "@raimondo2000, S. 33", "apa", locale="de-DE")
        == "(Raimondo, 2000, S. 33)"
    )


def test_unreadable_citation_text_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="cannot read the citation"):
        cite(make_library(), "[@raimondo2000", "apa")


def test_an_unknown_key_comes_back_as_a_typed_problem() -> None:
    # was only the text '[unknown: raimondo2001]', no warning object
    citation = cite(make_library(), "@raimondo2001", "apa")
    assert citation == "[unknown: raimondo2001]"
    [problem] = citation.problems
    assert (problem.code, problem.key) == ("unknown-key", "raimondo2001")
    assert problem.suggestions[0] == "raimondo2000"
    assert str(problem) == citation.warnings[0]
    assert "did you mean: raimondo2000" in problem.message


def test_render_problems_match_warnings_one_for_one() -> None:
    result = render(
        make_library(), "apa", citations=["@nobody"], locale="xx-XX", bibliography_keys=["@ghost"]
    )
    assert [str(p) for p in result.problems] == result.warnings
    codes = {(p.code, p.key) for p in result.problems}
    assert ("unknown-key", "nobody") in codes and ("unknown-key", "ghost") in codes
    assert ("unknown-locale", "xx-XX") in codes
    assert result.to_json()["problems"][0]["code"] == "unknown-key"


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: cite(lib, "@raimondo2001", "apa", strict=True),
        lambda lib: render(lib, "apa", citations=["raimondo2001"], strict=True),
        lambda lib: render(lib, "apa", nocite="@raimondo2001", strict=True),
        lambda lib: bibliography(lib, "apa", keys=["@raimondo2001"], strict=True),
    ],
)
def test_strict_raises_for_an_unknown_key(call: object) -> None:
    with pytest.raises(UnknownKeyError, match="raimondo2001") as caught:
        call(make_library())  # type: ignore[operator]
    assert "raimondo2000" in caught.value.suggestions


def test_strict_passes_when_every_key_is_known() -> None:
    assert render(make_library(), "apa", citations=["@raimondo2000"], strict=True).citations == [
        "(Raimondo, 2000)"
    ]


def test_render_lists_only_the_cited_works_like_pandoc() -> None:
    # was the whole library (4 entries when 1 work was cited)
    result = render(make_library(), "apa", citations=["@raimondo2000"])
    assert result.bibliography_ids == ["raimondo2000"]


@pytest.mark.parametrize(
    ("nocite", "expected"),
    [
        ("@smith2008", ["smith2008"]),
        (["smith2008"], ["smith2008"]),
        ("*", ["raimondo2000", "smith2008"]),
        ("@*", ["raimondo2000", "smith2008"]),
    ],
)
def test_nocite_adds_uncited_works(nocite: object, expected: list[str]) -> None:
    cited_nothing = render(make_library(), "apa", nocite=nocite)  # type: ignore[arg-type]
    assert sorted(cited_nothing.bibliography_ids) == expected
    with_cite = render(make_library(), "apa", citations=["@raimondo2000"], nocite=nocite)  # type: ignore[arg-type]
    assert sorted(with_cite.bibliography_ids) == sorted({"raimondo2000", *expected})


def test_no_citations_and_no_nocite_is_the_whole_library() -> None:
    # what `citekit bib FILE` relies on
    assert render(make_library(), "apa").bibliography_ids == ["raimondo2000", "smith2008"]


def test_bibliography_keys_accept_the_at_sign() -> None:
    result = render(make_library(), "apa", bibliography_keys=["@smith2008"])
    assert result.bibliography_ids == ["smith2008"] and not result.warnings


def test_bibliography_prints_as_text_and_iterates_as_entries() -> None:
    # was a list: print() showed "['…', '…']"
    bib = bibliography(make_library(), "chicago-author-date")
    text = str(bib)
    assert not text.startswith("[")
    assert text == "\n\n".join(entry.text for entry in bib)
    assert len(bib) == 2 and bib[0].id == "raimondo2000" and bib[-1].id == "smith2008"
    assert [e.id for e in bib] == bib.ids == ["raimondo2000", "smith2008"]
    assert plain(bib[1].rich).startswith("Smith, Ann")
    assert bib.warnings == [] and bib.problems == []


def test_bibliography_keeps_the_old_list_behaviour() -> None:
    bib = bibliography(make_library(), "apa")
    texts = [entry.text for entry in bib]
    assert bib == texts  # compares equal to the list it used to be
    assert texts[0] in bib and bib[0].startswith("Raimondo, J.")
    assert list(bib) == texts and bib[:1] == texts[:1]


def test_bibliography_in_html_prints_the_block_citekit_bib_prints() -> None:
    bib = bibliography(make_library(), "apa", output="html")
    assert str(bib).startswith('<div class="csl-bib-body"') and str(bib).endswith("</div>")
    assert bib[0] == render(make_library(), "apa", output="html").bibliography[0].text
    assert "<i>An enemy of the state" in bib[0]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (CiteItem("raimondo2000", prefix="see"), "(see Raimondo 2000)"),
        (CiteItem("raimondo2000", prefix="see "), "(see Raimondo 2000)"),
        (CiteItem("raimondo2000", prefix="see  also "), "(see also Raimondo 2000)"),
        (CiteItem("raimondo2000", prefix="cf.", locator="3"), "(cf. Raimondo 2000, 3)"),
        (CiteItem("raimondo2000", prefix="["), "([Raimondo 2000)"),
        (CiteItem("raimondo2000", suffix="emphasis added"), "(Raimondo 2000 emphasis added)"),
        (CiteItem("raimondo2000", suffix=", emphasis added"), "(Raimondo 2000, emphasis added)"),
        (CiteItem("raimondo2000", suffix=" passim"), "(Raimondo 2000 passim)"),
        (CiteItem("raimondo2000", suffix="(n. 3)"), "(Raimondo 2000 (n. 3))"),
    ],
)
def test_affixes_are_spaced_as_citeproc_js_spaces_them(item: CiteItem, expected: str) -> None:
    # was "(seeRaimondo 2000, 33)"
    assert cite(make_library(), item, "chicago-author-date") == expected


def test_parsed_affixes_are_unchanged_by_the_spacing_rule() -> None:
    assert (
        cite(make_library(), "[see @raimondo2000, p. 3 and passim]", "chicago-author-date")
        == "(see Raimondo 2000, 3 and passim)"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
@example('0\r"')  # a carriage return before a quote: once read as an end, once looked through
@example("see\t")
def test_affix_spacing_is_idempotent(affix: str) -> None:
    from citekit.render.api import space_prefix, space_suffix

    once = space_prefix(affix)
    assert space_prefix(once) == once
    assert space_suffix(space_suffix(affix)) == space_suffix(affix)
    if once:
        assert not once.endswith("  ")


def test_nocite_in_pandoc_metadata_form_reads_every_key() -> None:
    result = render(
        make_library(), "apa", citations=["@raimondo2000"], nocite="@smith2008, @raimondo2000"
    )
    assert result.bibliography_ids == ["raimondo2000", "smith2008"]


@pytest.mark.parametrize("module", ["citekit.render.api", "citekit.documents.editor"])
def test_the_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    outcome = doctest.testmod(importlib.import_module(module))
    assert outcome.attempted > 0 and outcome.failed == 0


def test_a_broken_style_file_is_a_style_problem_not_an_exception(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csl"
    broken.write_text("<style", encoding="utf-8")
    citation = cite(make_library(), "@raimondo2000", broken)
    assert citation == "[@raimondo2000]"
    assert [p.code for p in citation.problems] == ["style"]


def test_one_citation_given_on_its_own_is_one_cluster() -> None:
    library = make_library()
    for citation in (
        "@raimondo2000, p. 3",
        CiteItem("raimondo2000", locator="3"),
        one("raimondo2000", locator="3"),
    ):
        assert render(library, "apa", citations=citation).citations == ["(Raimondo, 2000, p. 3)"]


# ---------------------------------------------------------------------------
# Robustness: The engine boundary: schema-shaped but odd CSL-JSON renders, problems become warnings.
# ---------------------------------------------------------------------------

text = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10),
    st.sampled_from(
        ["<i>x</i>", "<b>", "&amp;", "“", "’s", " ", "", "et al.", "Ibid.", "de la", "\n", "$x$"]
    ),
)
number = st.one_of(
    st.integers(-(10**6), 10**6),
    text,
    st.sampled_from(["1-3", "ii", "3a", "12–15", "", "-", "0", "1,2", "5-2"]),
)
name = st.fixed_dictionaries(
    {},
    optional={
        "family": text,
        "given": text,
        "literal": text,
        "dropping-particle": text,
        "non-dropping-particle": text,
        "suffix": text,
        "comma-suffix": st.booleans(),
        "static-ordering": st.booleans(),
        "parse-names": st.booleans(),
    },
)
part = st.one_of(st.integers(-10000, 10000), st.sampled_from(["2020", "05", ""]))
date = st.one_of(
    text,
    st.fixed_dictionaries(
        {},
        optional={
            "date-parts": st.lists(st.lists(part, max_size=3), max_size=2),
            "season": st.one_of(st.integers(-2, 6), text),
            "circa": st.one_of(st.booleans(), text),
            "literal": text,
            "raw": text,
        },
    ),
)
VARIABLES: dict[str, st.SearchStrategy[Any]] = {
    **{v: st.lists(name, max_size=3) for v in sorted(NAME_VARIABLES)},
    **{v: date for v in sorted(DATE_VARIABLES)},
    **{v: number for v in sorted(NUMBER_VARIABLES)},
    **{
        v: text
        for v in (
            "title",
            "container-title",
            "publisher",
            "publisher-place",
            "DOI",
            "URL",
            "genre",
            "edition",
            "language",
            "title-short",
            "note",
        )
    },
}
KEYS = ["a", "b", "c"]
item = st.fixed_dictionaries(
    {"id": st.sampled_from(KEYS), "type": st.sampled_from(ITEM_TYPES)}, optional=VARIABLES
)
odd_cite = st.tuples(
    st.sampled_from(KEYS),
    st.sampled_from([None, "3", "1-2", "ii", ""]),
    st.sampled_from([None, "page", "chapter", "sub-verbo", "nonsense"]),
    st.booleans(),
    st.sampled_from([None, "see ", "<i>"]),
)
STYLES = [
    "apa",
    "chicago-note-bibliography",
    "ieee",
    "modern-language-association",
    "chicago-author-date",
    "harvard-cite-them-right",
]


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(item, min_size=1, max_size=3),
    st.sampled_from(STYLES),
    st.sampled_from(["text", "html", "markdown"]),
    st.lists(st.lists(odd_cite, min_size=1, max_size=2), max_size=3),
)
def test_render_never_raises_on_schema_shaped_items(
    items: list[dict[str, Any]],
    style: str,
    output: str,
    clusters: list[list[tuple[str, str | None, str | None, bool, str | None]]],
) -> None:
    library = read_string(json.dumps(items), "csljson", filename="refs.json").library
    keys = set(library.keys())
    citations = [
        Cluster(
            tuple(
                CiteItem(k, locator=loc, label=label, suppress_author=suppress, prefix=prefix)
                for k, loc, label, suppress, prefix in cluster
                if k in keys
            )
        )
        for cluster in clusters
    ]
    citations = [c for c in citations if c.items]
    result = render(library, style, citations=citations, output=output)
    assert len(result.citations) == len(citations)
    # styles may leave types out (APA: personal communications), never invent entries
    assert set(result.bibliography_ids) <= keys
    assert len(result.bibliography_ids) == len(set(result.bibliography_ids))
    assert all(isinstance(text, str) for text in result.citations)
    assert all(isinstance(w, str) for w in result.warnings)
    # render() turns an engine exception into an "engine '...' failed" warning so a
    # document survives; here that warning would be a crash in the engine
    assert not [w for w in result.warnings if w.startswith("engine '") and "failed" in w]


def test_unknown_keys_in_a_cluster_are_reported_not_raised() -> None:
    library = read_string('[{"id": "a", "type": "book", "title": "A"}]', "csljson").library
    result = render(library, "apa", citations=[Cluster((CiteItem("a"), CiteItem("ghost")))])
    assert result.unknown_keys == ["ghost"]
    assert len(result.citations) == 1


MARKUP_TAG = re.compile(r"</?(?:i|b|sc|sup|sub|span|a|div)(?:\s[^<>]*)?>", re.IGNORECASE)
marked = st.sampled_from(
    [
        "<i>Jr.</i>",
        "<b>x</b>",
        '<span class="nocase">n</span>',
        "<sc>s</sc>",
        "<sup>2</sup>",
        "a<b>",
        "</i>",
        "<i>10.1/x</i>",
    ]
)
marked_text = st.one_of(marked, st.tuples(text, marked, text).map("".join))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "id": st.sampled_from(KEYS),
                "type": st.sampled_from(["book", "article-journal", "chapter", "webpage"]),
            },
            optional={
                "title": marked_text,
                "container-title": marked_text,
                "DOI": marked_text,
                "URL": marked_text,
                "note": marked_text,
                "publisher": marked_text,
                "issued": st.one_of(marked_text, st.fixed_dictionaries({"literal": marked_text})),
                "author": st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "family": marked_text,
                            "given": marked_text,
                            "suffix": marked_text,
                            "dropping-particle": marked_text,
                            "literal": marked_text,
                        },
                    ),
                    max_size=2,
                ),
            },
        ),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(STYLES),
)
def test_plain_text_never_shows_markup_tags(items: list[dict[str, Any]], style: str) -> None:
    """Random renders once leaked tags into text (a suffix ``<i>Jr.</i>``, a date literal,
    a DOI): 3.8% of them."""
    library = read_string(json.dumps(items), "csljson", filename="refs.json").library
    result = render(
        library, style, citations=[Cluster((CiteItem(r.key),)) for r in library], output="text"
    )
    for line in [*result.citations, *(entry.text for entry in result.bibliography)]:
        assert not MARKUP_TAG.search(line), line


@pytest.mark.parametrize(
    ("given", "initials"),
    [
        ("Ann<b>bo</b>", "A."),  # the initial comes from the text, the emptied tags go
        ("<b>John</b> Quiggly", "<b>J.</b> Q."),  # markup around a name stays around its initial
        ('<span class="nocase">Ann</span> Bo', '<span class="nocase">A.</span> B.'),
        ("<i>Ann Bo</i>", "<i>A. B.</i>"),
    ],
)
def test_initials_are_taken_from_the_text_and_keep_markup_balanced(
    given: str, initials: str
) -> None:
    assert initialize(given, ". ", True, False) == initials


def test_initials_with_markup_render_balanced() -> None:
    items = [
        {
            "id": "a",
            "type": "book",
            "title": "T",
            "author": [{"family": "Doe", "given": "Ann<b>bo</b>"}],
        }
    ]
    library = read_string(json.dumps(items), "csljson").library
    for output in ("html", "text"):
        entry = render(library, "apa", output=output).bibliography[0].text
        assert "Doe, A." in entry and "</b>" not in entry and "&#60;" not in entry, entry


@pytest.mark.parametrize("enabled_before", [True, False])
def test_render_leaves_the_cycle_collector_as_it_found_it(enabled_before: bool) -> None:
    """render() pauses the collector for its work (a tenth of a 50,000-entry run went
    to its scans) and must hand it back as it was, on or off."""
    import gc

    library = read_string(
        "@book{a, author = {Doe, Jane}, title = {T}, year = {2000}}", "bibtex"
    ).library
    was_enabled = gc.isenabled()
    try:
        if enabled_before:
            gc.enable()
        else:
            gc.disable()
        result = render(library, "apa", citations=["@a"])
        assert result.citations == ["(Doe, 2000)"]
        assert gc.isenabled() is enabled_before
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_cite_prints_pandoc_s_author_in_text_form_as_the_command_line_does() -> None:
    """``cite(lib, "@key [p. 33]")`` used to read the bracket as suffix text."""
    library = make_library()
    assert cite(library, "@raimondo2000 [p. 33]", "apa") == "Raimondo (2000, p. 33)"
    # only the first cite is in the text; the bracket's others are ordinary cites
    both = cite(library, "@raimondo2000 [p. 3; @smith2008]", "apa")
    assert both == "Raimondo (2000, p. 3; Smith & Jones, 2008)"
    # a numeric style prints the number alone, as pandoc does
    assert cite(library, "@raimondo2000 [p. 33]", "ieee") == "[1, p. 33]"
    # render() reads the form's cites (without placing the author before them)
    result = render(library, "apa", citations=["@raimondo2000 [p. 33]"], bibliography=False)
    assert result.citations == ["(Raimondo, 2000, p. 33)"]
