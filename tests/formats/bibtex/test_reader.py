"""Reading BibTeX/BibLaTeX into CSL records."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from bibtexparser.model import Entry, ExplicitComment, Field, ImplicitComment
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.errors import Severity
from citekit.formats import ReadResult, read_string
from citekit.formats.bibtex.latex import NOCASE_OPEN, closing_brace
from citekit.formats.bibtex.reader import (
    _ONE_GROUP,
    RawEntry,
    _closing,
    _Converter,
    _Reader,
    _scan_closing_quote,
    _tighten_block_starts,
    _tighten_each,
    read,
    split_blocks,
)


def one(text: str, *, sentence_case: bool = True) -> dict[str, Any]:
    result = read(text, filename="t.bib", sentence_case=sentence_case)
    assert len(result.library) == 1, result.diagnostics
    return next(iter(result.library)).to_json()


def codes(result: ReadResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def test_registry_finds_this_reader() -> None:
    result = read_string("@book{k, title={T}}", "bibtex")
    assert result.library["k"].type == "book"


def test_string_macros_and_concatenation() -> None:
    text = """
    @string{and = " and "}
    @string{Zitzler = "Eckart Zitzler"}
    @String{THIELE = {Lothar Thiele}}
    @string{lncs = "Lecture Notes in " # "Computer Science"}
    @book{k, author = Zitzler #and# Thiele, series = lncs, title = "A" # {B} # 12}
    """
    item = one(text, sentence_case=False)  # titles as typed: this is about macros
    assert item["author"] == [
        {"family": "Zitzler", "given": "Eckart"},
        {"family": "Thiele", "given": "Lothar"},
    ]
    assert item["collection-title"] == "Lecture Notes in Computer Science"
    assert item["title"] == "AB12"


def test_month_macros() -> None:
    item = one("@article{k, year = 2001, month = mar}")
    assert item["issued"] == {"date-parts": [[2001, 3]]}
    item = one('@article{k, year = 2001, month = "June", day = 4}')
    assert item["issued"] == {"date-parts": [[2001, 6, 4]]}


def test_undefined_macro_is_reported() -> None:
    result = read("@book{k, publisher = nosuchmacro}", filename="t.bib")
    assert "undefined-macro" in codes(result)


def test_preamble_strings_and_comments_go_to_extras() -> None:
    text = """% header comment
    @preamble{ "\\providecommand{\\noop}[1]{}" }
    @string{acm = "ACM Press"}
    @comment{BibDesk static groups}
    @book{k, publisher = acm}
    """
    result = read(text)
    extras = result.library.extras["bibtex"]
    assert extras["strings"] == {"acm": '"ACM Press"'}
    assert extras["preambles"] == ['"\\providecommand{\\noop}[1]{}"']
    assert extras["comments"] == ["BibDesk static groups"]
    assert "% header comment" in extras["text"][0]
    assert result.library["k"]["publisher"] == "ACM Press"


def test_crossref_inheritance_follows_biblatex() -> None:
    text = """
    @inbook{child, title = {Chapter}, crossref = {parent}, pages = {1--2}}
    @book{parent, title = {The Book}, subtitle = {Sub}, author = {A Writer},
          publisher = {P}, date = 2000, shorttitle = {Bk}}
    """
    result = read(text, sentence_case=False)  # titles as typed: this is about inheritance
    child = result.library["child"].to_json()
    assert child["container-title"] == "The Book: Sub"
    assert child["container-author"] == [{"family": "Writer", "given": "A"}]
    assert child["author"] == [{"family": "Writer", "given": "A"}]
    assert child["publisher"] == "P"
    assert child["issued"] == {"date-parts": [[2000]]}
    assert child["title"] == "Chapter"
    assert "title-short" not in child  # shorttitle is never inherited
    assert child["page"] == "1-2"


def test_child_fields_win_and_mvbook_gives_maintitle() -> None:
    text = """
    @mvbook{mv, title = {Collected Works}, publisher = {Old}}
    @book{vol, title = {Volume One}, crossref = {mv}, publisher = {New}}
    """
    vol = read(text, sentence_case=False).library["vol"].to_json()
    assert vol["title"] == "Collected Works"
    assert vol["volume-title"] == "Volume One"
    assert vol["publisher"] == "New"


def test_renamed_parent_title_wins_over_parent_booktitle() -> None:
    # iridia.bib: proceedings carry both title and booktitle; biber and pandoc give
    # the child the parent's title.
    text = """
    @inproceedings{c, title = {Paper}, crossref = {p}}
    @proceedings{p, title = {Full Proceedings Title}, booktitle = {Short}, year = 1997}
    """
    assert read(text, sentence_case=False).library["c"]["container-title"] == (
        "Full Proceedings Title"
    )


def test_xdata_inheritance() -> None:
    text = """
    @xdata{pub, publisher = {Springer}, location = {Berlin}}
    @book{k, title = {T}, xdata = {pub}}
    """
    result = read(text)
    assert result.library["k"]["publisher"] == "Springer"
    assert "pub" not in result.library
    assert "pub" in result.library.extras["bibtex"]["xdata"]


def test_dangling_crossref_is_a_diagnostic() -> None:
    result = read("@inbook{k, title = {T}, crossref = {missing}}", filename="f.bib")
    problem = next(d for d in result.diagnostics if d.code == "dangling-crossref")
    assert problem.key == "k"
    assert problem.file == "f.bib"
    assert problem.line == 1
    assert len(result.library) == 1


def test_broken_entry_does_not_take_the_file_with_it() -> None:
    text = (
        "@article{good1, title = {A}}\n\n@article{bad, title = {unclosed\n\n"
        "@article{good2, title = {B}}\n"
    )
    result = read(text, filename="f.bib")
    assert "good1" in result.library
    assert "good2" in result.library
    error = next(d for d in result.diagnostics if d.code == "syntax-error")
    assert error.severity is Severity.ERROR
    assert error.line == 3
    assert error.key == "bad"
    assert error.file == "f.bib"


def test_duplicate_keys_keep_the_first() -> None:
    text = "@book{k, title = {First}}\n@book{k, title = {Second}}\n"
    result = read(text, filename="f.bib")
    assert result.library["k"]["title"] == "First"
    dup = next(d for d in result.diagnostics if d.code == "duplicate-key")
    assert dup.line == 2
    assert "line 1" in dup.message


def test_duplicate_fields_keep_the_first() -> None:
    result = read("@book{k,\n title = {A},\n title = {B}\n}", filename="f.bib")
    assert result.library["k"]["title"] == "A"
    dup = next(d for d in result.diagnostics if d.code == "duplicate-field")
    assert dup.field == "title"
    assert dup.line == 3


def test_unknown_type_is_loaded_as_document() -> None:
    result = read("@weirdtype{k, title = {T}}")
    record = result.library["k"]
    assert record.type == "document"
    assert record.custom["biblatex"]["@type"] == "weirdtype"
    assert "unknown-type" in codes(result)


def test_bad_dates_are_reported_and_kept() -> None:
    result = read("@book{k, date = {sometime in spring}}")
    assert "bad-date" in codes(result)
    assert result.library["k"]["issued"].literal == "sometime in spring"
    result = read("@book{k, year = {in press}}")
    assert result.library["k"]["status"] == "in press"


def test_biblatex_dates() -> None:
    assert one("@book{k, date = {1984/1986}}")["issued"] == {"date-parts": [[1984], [1986]]}
    assert one("@book{k, date = {2017-21}}")["issued"] == {"date-parts": [[2017]], "season": 1}
    assert one("@book{k, date = {2004~}}")["issued"] == {"date-parts": [[2004]], "circa": True}
    assert one("@book{k, date = {1993/..}}")["issued"]["raw"] == "1993/.."
    item = one(
        "@book{k, origdate = 1959, eventdate = {1968-05-19/1968-05-25}, urldate = {2006-10-01}}"
    )
    assert item["original-date"] == {"date-parts": [[1959]]}
    assert item["event-date"] == {"date-parts": [[1968, 5, 19], [1968, 5, 25]]}
    assert item["accessed"] == {"date-parts": [[2006, 10, 1]]}


def test_unmapped_fields_are_kept_and_reported() -> None:
    result = read("@book{k, title = {T}, Date-Added = {2020-01-01}, Bdsk-Url-1 = {x}}")
    record = result.library["k"]
    assert record.custom["biblatex"]["date-added"] == "2020-01-01"
    info = [d for d in result.diagnostics if d.code == "unmapped-fields"]
    assert len(info) == 1
    assert info[0].severity is Severity.INFO
    assert "date-added" in info[0].message and "bdsk-url-1" in info[0].message


def test_types_and_fields() -> None:
    item = one("""@thesis{k, author = {de Geer, Ingrid}, title = {Earl}, subtitle = {Music},
        type = {phdthesis}, institution = {Uppsala Universitet}, location = {Uppsala},
        langid = {english}, langidopts = {variant=british}, date = 1985}""")
    assert item["type"] == "thesis"
    assert item["genre"] == "PhD thesis"
    assert item["publisher"] == "Uppsala Universitet"
    assert item["publisher-place"] == "Uppsala"
    assert item["language"] == "en-GB"
    assert item["title"] == "Earl: Music"
    assert item["title-short"] == "Earl"
    assert one("@phdthesis{k, school = {MIT}}")["genre"] == "PhD thesis"
    assert one("@techreport{k, number = {7}}")["type"] == "report"
    article = one("@article{k, journal = {J}, number = 3, pages = {1--9}, doi = {10.1/a\\_b}}")
    assert article["container-title"] == "J"
    assert article["issue"] == "3"
    assert article["page"] == "1-9"
    assert article["DOI"] == "10.1/a_b"
    book = one("@book{k, series = {S}, number = 4, edition = 2, volumes = 3, pagetotal = 99}")
    assert book["collection-number"] == "4"
    assert (book["edition"], book["number-of-volumes"], book["number-of-pages"]) == ("2", "3", "99")


def test_editor_types() -> None:
    item = one(
        "@collection{k, editor = {A B}, editortype = {compiler}, "
        "editora = {C D}, editoratype = {redactor}}"
    )
    assert item["compiler"] == [{"family": "B", "given": "A"}]
    assert item["editorial-director"] == [{"family": "D", "given": "C"}]
    assert "editor" not in item


def test_titles_keep_case_protection_and_markup() -> None:
    item = one("@article{k, title = {The {DNA} of \\emph{Homo}}}", sentence_case=False)
    assert item["title"] == f"The {NOCASE_OPEN}DNA</span> of <i>Homo</i>"


def test_quotation_fields_map_to_custom() -> None:
    item = one(
        "@book{k, quotation = {To be, or not to be}, quotedin = {smith2001}, "
        "quotedinlocator = {p.~5}, occasion = {Opening night}}"
    )
    assert item["custom"]["quotation"] == "To be, or not to be"
    assert item["custom"]["quoted-in"] == "smith2001"
    assert item["custom"]["quoted-in-locator"] == "p.\u00a05"
    assert item["custom"]["occasion"] == "Opening night"


def test_record_lines_are_reported() -> None:
    result = read("\n\n@book{k, title={T}}\n")
    assert result.lines["k"] == 3


def test_month_macro_with_day() -> None:
    item = one('@article{k, year = 1999, month = jun # "~15"}')
    assert item["issued"] == {"date-parts": [[1999, 6, 15]]}


def test_split_blocks_reads_commentary_as_an_entry() -> None:
    """bibtexparser 2.1 takes ``@commentary{...}`` for a comment; split_blocks does not."""
    text = (
        "@comment{a real comment}\n\n"
        "@commentary{k1,\n  author={Doe, Jane},\n  title={Notes}, year=2001}\n"
    )
    blocks = split_blocks(text)
    assert [type(b) for b in blocks] == [ExplicitComment, Entry]
    entry = blocks[1]
    assert isinstance(entry, Entry)
    assert (entry.entry_type, entry.key, entry.start_line) == ("commentary", "k1", 2)
    assert [(f.key, f.start_line) for f in entry.fields] == [
        ("author", 3),
        ("title", 4),
        ("year", 4),
    ]
    result = read(text, filename="c.bib")
    assert result.library["k1"].get("title") == "Notes"
    assert result.lines == {"k1": 3}
    assert result.library.extras["bibtex"]["comments"] == ["a real comment"]


def test_langidopts_variant_applies_to_langid_only() -> None:
    """The reader maps names with bibmap.language_tag, the writer's own check."""
    british = one("@misc{k, langid = {english}, langidopts = {variant = UK}}")
    assert british["language"] == "en-GB"
    assert british["custom"]["biblatex"]["langid"] == "english"  # "english" is not en-GB's name
    plain = one("@misc{k, language = {English}, langidopts = {variant=british}}")
    assert plain["language"] == "en-US"
    assert plain["custom"]["biblatex"]["language"] == "English"
    kept = one("@misc{k, langid = {ngerman}}")
    assert kept["language"] == "de-DE"
    assert "custom" not in kept  # ngerman is what the writer gives back for de-DE
    assert one("@misc{k, langid = {Klingon}}")["language"] == "Klingon"


def test_concatenated_values_close_groups_like_the_decoder() -> None:
    """Escaped braces neither open nor close a group, in braces or in quotes."""
    item = one(r'@misc{k, title = {A \{} # " B", note = "x {"} y" # {z {w}}}', sentence_case=False)
    assert item["title"] == "A { B"
    assert item["note"] == 'x " yz w'
    assert one(r"@misc{k, title = {A {b}} # { C}}", sentence_case=False)["title"] == (
        'A <span class="nocase">b</span> C'
    )


def test_split_blocks_reads_loose_block_starts_and_keeps_them_as_written() -> None:
    text = (
        '@ string{j = "J"}\n@ preamble{"\\\\newcommand{\\\\x}{}"}\n'
        "@ comment{note}\n@ article\n  {k, journal = j}\n@book{b, title = {B}}\n"
    )
    blocks = [b for b in split_blocks(text) if not isinstance(b, ImplicitComment)]
    assert [type(b).__name__ for b in blocks] == [
        "String",
        "Preamble",
        "ExplicitComment",
        "Entry",
        "Entry",
    ]
    assert [b.start_line for b in blocks] == [0, 1, 2, 3, 5]
    assert "".join((b.raw or "") + "\n" for b in blocks) == text
    result = read(text, filename="t.bib")
    assert result.library["k"]["container-title"] == "J"
    assert (result.lines["k"], result.lines["b"]) == (4, 6)
    assert not result.errors


def test_an_entry_that_cannot_be_converted_is_kept_as_written(monkeypatch: Any) -> None:
    def fail(self: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(_Converter, "convert", fail)
    result = read("@misc{k, title = {T}, note = jan # {x}}\n", filename="t.bib")
    record = result.library["k"]
    assert record.custom["biblatex"] == {"@type": "misc", "title": "T", "note": "Januaryx"}
    [error] = result.errors
    assert (error.code, error.key, error.line) == ("entry-error", "k", 1)
    assert "RuntimeError: boom" in error.message


def test_xdata_refs_are_applied_first_ref_first_and_a_cycle_is_reported_on_each_member() -> None:
    text = (
        "@xdata{a, note = {A}, volume = {1}}\n@xdata{b, note = {B}, edition = {2}}\n"
        "@xdata{c1, xdata = {c2}, issue = {3}}\n@xdata{c2, xdata = {c1}}\n"
        "@article{k, xdata = {a, b, c1}}\n"
    )
    result = read(text, filename="t.bib")
    record = result.library["k"]
    assert (record["note"], record["volume"], record["edition"], record["issue"]) == (
        "A",
        "1",
        "2",
        "3",
    )
    cycle = {d.key for d in result.diagnostics if d.code == "xdata-cycle"}
    assert cycle == {"c1", "c2"}


# -- issue 13: URLs, TeX, localisation keys, eprints and the smaller import kinds --


def test_howpublished_url_becomes_the_url() -> None:
    # Was CSL medium, printed "[Http://www.math.uwaterloo.ca/tsp/concorde.html]".
    for value in (
        "{\\url{http://www.math.uwaterloo.ca/tsp/concorde.html}}",
        "{http://www.math.uwaterloo.ca/tsp/concorde.html}",
        "{{\\url{http://www.math.uwaterloo.ca/tsp/concorde.html}}}",
        "{\\href{http://www.math.uwaterloo.ca/tsp/concorde.html}{Concorde}}",
    ):
        result = read(f"@misc{{k, title = {{Concorde}}, howpublished = {value}}}")
        item = next(iter(result.library)).to_json()
        assert item["URL"] == "http://www.math.uwaterloo.ca/tsp/concorde.html", value
        assert "medium" not in item
        assert "unmapped-fields" not in codes(result)
    # Text that mentions a URL is not a URL.
    item = one("@misc{k, howpublished = {Available at \\url{http://x.org}}}")
    assert item["medium"] == "Available at http://x.org" and "URL" not in item


def test_howpublished_text_is_the_publisher() -> None:
    # iridia DesRitLopPer2020zenodo: "Zenodo" was CSL medium, printed "[Zenodo]" in APA
    # as if it were a format; biblatex and BibTeX print it where a publisher goes.
    item = one("@misc{k, title = {T}, howpublished = {Zenodo}, year = 2020}")
    assert item["publisher"] == "Zenodo" and "medium" not in item
    # Beside a publisher of its own, it stays medium rather than replace it.
    item = one("@misc{k, title = {T}, publisher = {P}, howpublished = {Zenodo}}")
    assert (item["publisher"], item["medium"]) == ("P", "Zenodo")


def test_howpublished_url_with_a_url_field_keeps_both() -> None:
    result = read("@misc{k, url = {http://a.org}, howpublished = {\\url{http://b.org}}}")
    record = next(iter(result.library))
    assert record.to_json()["URL"] == "http://a.org"
    assert record.custom["biblatex"]["howpublished"] == "\\url{http://b.org}"  # read back
    assert "unmapped-fields" in codes(result)  # a second URL no variable holds
    same = read("@misc{k, url = {http://a.org}, howpublished = {\\url{http://a.org}}}")
    assert "unmapped-fields" not in codes(same)


def test_unknown_tex_is_reported_and_not_mangled() -> None:
    # Was "–901968": the two arguments' text run together, silently.
    result = read(
        "@book{k, title = {Poems {\\switchargs{--90}{1968}}}, note = {\\foo{x}}}", filename="t.bib"
    )
    item = next(iter(result.library)).to_json()
    assert "\\switchargs{--90}{1968}" in item["title"]
    tex = [d for d in result.diagnostics if d.code == "unknown-tex"]
    assert [(d.key, d.field, d.severity) for d in tex] == [
        ("k", "title", Severity.WARNING),
        ("k", "note", Severity.WARNING),
    ]
    assert "\\switchargs" in tex[0].message and tex[0].file == "t.bib"
    # URLs and DOIs hold backslashes that are not TeX.
    assert "unknown-tex" not in codes(read("@misc{k, url = {http://x.org/\\foo}}"))


def test_math_in_titles_becomes_unicode() -> None:
    item = one("@article{k, title = {Adaptive $\\epsilon$-Ranking}, langid = {german}}")
    assert item["title"] == f"Adaptive {NOCASE_OPEN}ϵ</span>-Ranking"
    result = read("@article{k, title = {A $\\binom{n}{k}$ bound}}")
    assert next(iter(result.library)).to_json()["title"] == "A $\\binom{n}{k}$ bound"
    assert "unknown-tex" in codes(result)


def test_a_part_is_printed_after_its_volume() -> None:
    # biblatex-examples coleridge (volume 7, part 2) printed "Vol. 7": the part was lost.
    book = one("@book{k, title = {T}, volume = 7, part = 2, date = 1983}")
    assert book["volume"] == "7.2"
    assert "part" not in book
    assert one("@book{k, title = {T}, part = 2, date = 1983}")["part"] == "2"


def test_address_and_location_together_are_publisher_place_and_venue() -> None:
    # iridia's GECCO proceedings (ACM Press, New York, NY; held in Lisbon, Portugal):
    # location won and the publisher's place was printed as "Lisbon, Portugal".
    paper = one(
        "@inproceedings{k, title = {T}, booktitle = {B}, publisher = {ACM Press},"
        " address = { New York, NY}, location = {Lisbon, Portugal}, year = 2023}"
    )
    assert paper["publisher-place"] == "New York, NY"
    assert paper["event-place"] == "Lisbon, Portugal"
    # Alone, either is the publisher's place, as before.
    assert one("@book{k, title = {T}, location = {Paris}}")["publisher-place"] == "Paris"
    assert one("@book{k, title = {T}, address = {Paris}}")["publisher-place"] == "Paris"


def test_localisation_keys_become_text() -> None:
    # biblatex-examples almendro printed "countryfr; countryuk; countryde".
    patent = one("@patent{k, location = {countryfr and countryuk and countryde}, date = 1998}")
    # A patent's location is its scope (biblatex manual, location), CSL jurisdiction.
    assert patent["jurisdiction"] == "France; United Kingdom; Germany"
    assert "publisher-place" not in patent
    # gillies and shore printed "Newseries"; reese printed "3" for 3rd series.
    assert one("@article{k, series = {newseries}, date = 1933}")["collection-title"] == (
        "New series"
    )
    assert one("@article{k, series = 3, date = 1958}")["collection-title"] == "3rd series"
    assert one("@book{k, series = 3, date = 1958}")["collection-title"] == "3"


def test_eprints_build_their_urls() -> None:
    cases = {
        "eprint = {hep-th/9603067}, eprinttype = {arxiv}": "https://arxiv.org/abs/hep-th/9603067",
        "eprint = {1008.2849v1}, archiveprefix = {arXiv}": "https://arxiv.org/abs/1008.2849v1",
        "eprint = {4HIWAAAAYAAJ}, eprinttype = {googlebooks}": "https://books.google.com?id=4HIWAAAAYAAJ",
        "eprint = {2337843}, eprinttype = {jstor}": "https://www.jstor.org/stable/2337843",
        "eprint = {1811.1/33}, eprinttype = {hdl}": "https://hdl.handle.net/1811.1/33",
        "eprint = {12345}, eprinttype = {pubmed}": "https://www.ncbi.nlm.nih.gov/pubmed/12345",
    }
    for fields, url in cases.items():
        result = read(f"@online{{k, title = {{T}}, {fields}}}")
        assert next(iter(result.library)).to_json()["URL"] == url, fields
        assert "unmapped-fields" not in codes(result), fields
    assert one("@online{k, eprint = {12345}, eprinttype = {pubmed}}")["PMID"] == "12345"
    # The entry's own url wins, as in pandoc.
    assert (
        one("@online{k, eprint = {1}, eprinttype = {arxiv}, url = {http://x.org}}")["URL"]
        == "http://x.org"
    )


def test_default_report_genre_starts_with_a_capital() -> None:
    # MLA printed "A Report. technical report no. 12".
    assert one("@techreport{k, title = {A Report}, institution = {MIT}}")["genre"] == (
        "Technical report"
    )
    assert one("@report{k, type = {resreport}}")["genre"] == "Research report"
    assert one("@article{k, pubstate = {inpress}}")["status"] == "in press"


def test_periodical_keeps_its_issue_title() -> None:
    # biblatex-examples jcg printed "Computers and graphics. (2011). 35 (4)."
    item = one(
        "@periodical{jcg, title = {Computers and Graphics}, "
        "issuetitle = {Semantic {3D} Media and Content}, volume = 35, number = 4, "
        "date = 2011}"
    )
    assert item["type"] == "article-journal"
    assert item["container-title"] == "Computers and Graphics"
    assert item["title"] == f"Semantic {NOCASE_OPEN}3D</span> media and content"
    assert one("@periodical{k, title = {T}}")["type"] == "periodical"


def test_a_page_value_that_is_not_pages_is_not_a_range() -> None:
    # A DOI typed into pages printed "...08692–08696" (a page range format applied).
    assert one("@article{k, pages = {doi.org/10.1038/s41598-017-08692-6}}")["page"] == (
        "doi.org/10.1038/s41598\\-017\\-08692\\-6"
    )
    for pages in ("7-8", "7--8", "S12--S20", "e1003", "xii-xv", "3, 7-9", "08692-08696"):
        assert "\\" not in one(f"@article{{k, pages = {{{pages}}}}}")["page"], pages


def test_publisher_lists_print_as_biblatex_prints_them() -> None:
    entry = "@book{{k, publisher = {{{}}}, location = {{Durham and London}}, date = 2000}}"
    item = one(entry.format("Williams and Wilkins"))
    assert item["publisher"] == "Williams and Wilkins"  # never "Williams; Wilkins"
    assert item["publisher-place"] == "Durham; London"
    assert one(entry.format("A and B and C"))["publisher"] == "A, B and C"


# -- which fields are sentence-cased: one definition shared with the writer (issue 12) ----

#: For each sentence-cased field, the smallest entry that puts it in a CSL variable.
_FIELD_ENTRIES = {
    "title": "@book{k, FIELD}",
    "subtitle": "@book{k, title={Tt}, FIELD}",
    "titleaddon": "@book{k, title={Tt}, FIELD}",
    "maintitle": "@book{k, title={Tt}, FIELD}",
    "mainsubtitle": "@book{k, title={Tt}, maintitle={Mm}, FIELD}",
    "maintitleaddon": "@book{k, title={Tt}, maintitle={Mm}, FIELD}",
    "booktitle": "@incollection{k, title={Tt}, FIELD}",
    "booksubtitle": "@incollection{k, title={Tt}, booktitle={Bb}, FIELD}",
    "booktitleaddon": "@incollection{k, title={Tt}, booktitle={Bb}, FIELD}",
    "issuetitle": "@article{k, title={Tt}, journaltitle={Jj}, FIELD}",
    "eventtitle": "@inproceedings{k, title={Tt}, booktitle={Bb}, FIELD}",
    "origtitle": "@book{k, title={Tt}, FIELD}",
    "series": "@book{k, title={Tt}, FIELD}",
    "shorttitle": "@book{k, title={Tt}, FIELD}",
}


def _titles_read(entry: str, field: str) -> list[str]:
    record = read(entry.replace("FIELD", f"{field} = {{The Big Red Book}}")).library["k"]
    return [v for v in record.fields.values() if isinstance(v, str)]


def test_the_sentence_cased_fields_are_the_ones_listed_for_the_writer() -> None:
    from citekit.formats.sentencecase import SENTENCE_CASED_FIELDS

    assert set(_FIELD_ENTRIES) == SENTENCE_CASED_FIELDS
    for field, entry in _FIELD_ENTRIES.items():
        values = _titles_read(entry, field)
        assert any("big red book" in v for v in values), (field, values)
        assert not any("Big Red Book" in v for v in values), (field, values)


@pytest.mark.parametrize(
    ("field", "entry"),
    [
        ("journaltitle", "@article{k, title={Tt}, FIELD}"),
        ("journalsubtitle", "@article{k, title={Tt}, journaltitle={Jj}, FIELD}"),
        ("shortjournal", "@article{k, title={Tt}, journaltitle={Jj}, FIELD}"),
        ("booktitle", "@article{k, title={Tt}, FIELD}"),  # an article's booktitle: its periodical
    ],
)
def test_a_periodical_name_keeps_its_case(field: str, entry: str) -> None:
    values = _titles_read(entry, field)
    assert any("Big Red Book" in v for v in values), values


# -- fast paths give what the full scans give ------------------------------------

_VALUE = st.one_of(
    st.lists(st.sampled_from(list('ab{}\\#" =,')), max_size=12).map(
        lambda p: "{" + "".join(p) + "}"
    ),
    # Quoted values, and braces nested deeper than the one-group pattern reads.
    st.lists(st.sampled_from(list('ab{}\\#" =,')), max_size=12).map(
        lambda p: '"' + "".join(p) + '"'
    ),
    st.lists(st.sampled_from(["{", "}", "\\", "\\{", "\\}", "a", "{{{{"]), max_size=10).map(
        lambda p: "{" + "".join(p) + "}"
    ),
    st.sampled_from(
        [
            "{A} year = {2000}",
            '"q"',
            '"A" year = "2000"',
            '"A" "B"',
            '"',
            "jan",
            "undefinedmacro",
            "jan # {~5}",
            "{A} # {B}",
            "12",
            "{A}}",
            "a=b",
            "}",
        ]
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["title", "Title", "year", "note"]), _VALUE), max_size=4))
def test_a_plain_value_takes_the_short_path_with_the_same_fields(
    written: list[tuple[str, str]],
) -> None:
    fields = [Field(name, value, start_line=k) for k, (name, value) in enumerate(written)]
    fast = _Reader("t.bib")
    entries: dict[str, RawEntry] = {}
    fast.add_entry(Entry("misc", "k", fields, start_line=0), entries, {}, 1)
    slow = _Reader("t.bib")
    expected: dict[str, str] = {}
    lines: dict[str, int] = {}
    for fld in fields:
        values = slow.field_values(fld.key.lower(), fld.value, fld.start_line + 1, "k")
        slow.add_values("k", expected, lines, values)
    assert entries["k"].fields == expected
    assert entries["k"].field_lines == lines
    assert fast.diagnostics == slow.diagnostics


def test_reading_leaves_the_cycle_collector_as_it_found_it() -> None:
    text = "@misc{k, title = {T}}"
    was_enabled = gc.isenabled()
    try:
        gc.enable()
        read(text)
        assert gc.isenabled()
        gc.disable()
        read(text)
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["{", "}", "\\", "a", " ", "{{"]), max_size=16).map("".join))
def test_one_brace_group_is_what_closing_brace_finds(text: str) -> None:
    one_group = _ONE_GROUP.fullmatch(text) is not None
    # A match is always right; a group nested deeper than the pattern reads is
    # left to closing_brace, so only the one direction holds.
    assert not one_group or closing_brace(text, 0) == len(text) - 1
    if text.count("{") <= 3 and "\\" not in text:
        assert one_group == (text[:1] == "{" and closing_brace(text, 0) == len(text) - 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list('"{}\\a ')), max_size=14).map("".join))
def test_a_quoted_part_ends_where_the_full_scan_ends_it(text: str) -> None:
    for i, ch in enumerate(text):
        if ch == '"':
            assert _closing(text, i) == _scan_closing_quote(text, i)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["@", "article", "x", " ", "\t", "\n", "\r", "\x0b", "{", "("]), max_size=14
    ).map("".join)
)
def test_block_starts_are_tightened_as_the_full_scan_tightens_them(text: str) -> None:
    assert _tighten_block_starts(text) == _tighten_each(text)


# -- fix-bibreader: what BibTeX files lose without a word -------------------------------

EXTRA_BRACE = (
    "@article{smith2020,\n"
    "  author = {Smith, John},\n"
    "  title = {{NATO} and Its Enemies}},\n"
    "  journal = {Journal},\n"
    "  year = {2020},\n"
    "  doi = {10.1000/xyz},\n"
    "}\n"
    "@book{next, title = {Next}}\n"
)


def test_an_extra_brace_that_ends_an_entry_early_is_an_error_naming_the_lost_fields() -> None:
    result = read(EXTRA_BRACE, filename="extra.bib")
    error = next(d for d in result.diagnostics if d.severity is Severity.ERROR)
    assert (error.file, error.line, error.key, error.code) == (
        "extra.bib",
        3,
        "smith2020",
        "syntax-error",
    )
    assert "journal, year, doi" in error.message
    # the fields before the brace and the next entry still load
    assert result.library["smith2020"]["author"][0].family == "Smith"
    assert result.library["next"]["title"] == "Next"


def test_an_extra_brace_with_nothing_after_it_is_a_warning() -> None:
    result = read("@book{k,\n  title = {T}},\n}\n", filename="f.bib")
    assert [(d.code, d.severity, d.line, d.key) for d in result.diagnostics] == [
        ("unbalanced-braces", Severity.WARNING, 2, "k")
    ]


def test_text_between_entries_is_not_taken_for_lost_fields() -> None:
    text = "@book{a, title = {A}}\nSome notes about these entries.\n@book{b, title = {B}}\n"
    assert read(text, filename="f.bib").diagnostics == []


def test_a_lost_field_is_reported_again_when_conversions_are_reused() -> None:
    """The read cache keeps conversions per entry; the lost fields are no conversion's."""
    from citekit.base.diskcache import pickled
    from citekit.formats.readcache import ConvertedEntries

    first = ConvertedEntries()
    before = read(EXTRA_BRACE, filename="extra.bib", converted=first).diagnostics
    kept = first.kept()
    again = ConvertedEntries(frozenset(kept), pickled(kept))
    after = read(EXTRA_BRACE, filename="extra.bib", converted=again).diagnostics
    assert again.reused == 2
    assert after == before
    assert any(d.code == "syntax-error" and d.line == 3 for d in after)


@pytest.mark.parametrize(
    "text",
    [
        # a comment line before a field, as bibtexparser glues it into the name
        "@article{k3,\n  % TODO: Check DOI with Crossref (ask Maria)\n  doi = {10.1000/ABC},\n"
        "  title = {Paper}, year = {2001},\n}\n",
        # a comment after a field's comma
        "@article{k3,\n  title = {Paper}, year = {2001}, % first edition\n"
        "  doi = {10.1000/ABC}\n}\n",
        # a comment holding marks bibtexparser aborts the entry at
        "@article{k3,\n  title = {Paper},\n  % see p. 3, fig {2} = x\n"
        "  doi = {10.1000/ABC}, year = {2001}\n}\n",
        # a comment after a value, before its comma, and one before the end
        "@article{k3,\n  title = {Paper},\n  doi = {10.1000/ABC} % checked\n  ,\n"
        "  year = 2001 % c\n  % last\n}\n",
    ],
)
def test_percent_comments_inside_an_entry_are_skipped_as_biber_skips_them(text: str) -> None:
    result = read(text, filename="c.bib")
    assert result.diagnostics == []
    record = result.library["k3"]
    assert (record["DOI"], record["title"], record["issued"].parts) == (
        "10.1000/ABC",
        "Paper",
        ((2001,),),
    )
    assert "biblatex" not in record.custom or not any(
        "%" in name for name in record.custom["biblatex"]
    )


def test_a_field_after_a_comment_keeps_its_line() -> None:
    text = (
        "@article{k3,\n  % TODO\n  doi = {10.1000/ABC},\n  title = {T}, year = {2001},\n"
        "  % a comment, with a comma\n  pages = {x}\n}\n"
        "@book{k4, title = {A}, year = {2001}, pages = {a}, pages = {b}}\n"
    )
    reader = _Reader("c.bib")
    entries, _, _ = reader.split(text)
    assert entries["k3"].field_lines["doi"] == 3
    assert entries["k3"].field_lines["pages"] == 6
    assert entries["k3"].fields["pages"] == "x"
    assert [d.line for d in reader.diagnostics] == [8]  # k4's duplicate field


def test_comments_between_entries_and_in_values_are_left_alone() -> None:
    text = (
        "% a comment, with {braces}\n@book{k, title = {50\\% off}, note = {a % b},\n"
        "  x = {1}}\n@comment{% kept}\n@book{bad, title = {A}\n"
    )
    from citekit.formats.bibtex.reader import blank_entry_comments

    assert blank_entry_comments(text) == text
    result = read(text, filename="c.bib")
    assert result.library["k"]["note"] == "a % b"
    assert "% a comment, with {braces}" in result.library.extras["bibtex"]["text"][0]
    assert result.library.extras["bibtex"]["comments"] == ["% kept"]


def test_an_entry_without_a_key_is_an_error_and_is_skipped() -> None:
    text = (
        "@book{,\n author = {E, F},\n title = {No Key}}\n"
        "@book{ok, title = {OK}}\n"
        "@book{,\n title = {No Key 2}}\n"
    )
    result = read(text, filename="nokey.bib")
    assert [(d.code, d.severity, d.file, d.line) for d in result.diagnostics] == [
        ("syntax-error", Severity.ERROR, "nokey.bib", 1),
        ("syntax-error", Severity.ERROR, "nokey.bib", 5),
    ]
    assert all("no key" in d.message for d in result.diagnostics)
    assert [record.key for record in result.library] == ["ok"]


@pytest.mark.parametrize(
    ("field", "value", "variable", "text"),
    [
        ("annotation", r"See \cite{foo} and \texttt{code}", "annote", "See foo and code"),
        ("note", r"Compare \cite{bar}", "note", "Compare bar"),
        ("abstract", r"We use \proglang{R} here", "abstract", "We use R here"),
        ("edition", r"\ordinalnum{2}", "edition", "2"),
    ],
)
def test_unknown_commands_in_text_fields_keep_the_raw_value(
    field: str, value: str, variable: str, text: str
) -> None:
    from citekit.formats.bibtex.writer import write

    library = read(f"@misc{{t1, title = {{T}}, {field} = {{{value}}}}}").library
    record = library["t1"]
    assert record[variable] == text
    assert record.custom["biblatex"]["@raw"] == {field: value}
    assert f"{field} = {{{value}}}".replace(" ", "") in write(library).replace(" ", "")


def test_text_fields_that_decode_whole_keep_no_raw_value() -> None:
    record = read(r"@misc{t1, title = {T}, note = {M\"uller \emph{et al.}}}").library["t1"]
    assert "biblatex" not in record.custom


def test_an_articles_number_issue_and_eid_are_its_csl_issue_and_article_number() -> None:
    """biblatex: an article's number is its issue number, issue a designation
    ("Spring") and eid the article number; CSL: issue, and number the article
    number.  APA printed "J, 3(Spring), Article 4." from the entry below."""
    item = one(
        "@article{i2, author={A, B}, title={Art}, journaltitle={J}, volume={3}, number={4},"
        " issue={Spring}, date=2000, eid={e12}}"
    )
    assert (item["issue"], item["number"]) == ("4, Spring", "e12")
    assert item["custom"]["biblatex"]["@issueparts"] == {"number": "4", "issue": "Spring"}
    assert "eid" not in item["custom"]["biblatex"]
    only_number = one("@article{k, journaltitle={J}, eid = 124106, number = 3}")
    assert (only_number["issue"], only_number["number"]) == ("3", "124106")
    season = one("@article{k, journaltitle={J}, issue = {Summer}}")
    assert season["issue"] == "Summer" and "number" not in season
    # Only an article's eid is its article number: elsewhere it is kept as before.
    paper = one("@inproceedings{k, booktitle={B}, eid = 2183}")
    assert "number" not in paper and paper["custom"]["biblatex"]["eid"] == "2183"
    report = one("@report{k, institution={I}, number = {RC-1}, issue = {2}}")
    assert (report["number"], report["issue"]) == ("RC-1", "2")
