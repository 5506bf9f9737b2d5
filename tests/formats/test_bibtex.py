"""Reading BibTeX/BibLaTeX into CSL records."""

from __future__ import annotations

from typing import Any

from bibtexparser.model import Entry, ExplicitComment

from citekit.errors import Severity
from citekit.formats import ReadResult, read_string
from citekit.formats.bibtex import read, split_blocks
from citekit.formats.latex import NOCASE_OPEN


def one(text: str) -> dict[str, Any]:
    result = read(text, filename="t.bib")
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
    item = one(text)
    assert item["author"] == [{"family": "Zitzler", "given": "Eckart"},
                              {"family": "Thiele", "given": "Lothar"}]
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
    result = read(text)
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
    vol = read(text).library["vol"].to_json()
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
    assert read(text).library["c"]["container-title"] == "Full Proceedings Title"


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
    text = "@article{good1, title = {A}}\n\n@article{bad, title = {unclosed\n\n" \
           "@article{good2, title = {B}}\n"
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
    item = one("@book{k, origdate = 1959, eventdate = {1968-05-19/1968-05-25}, "
               "urldate = {2006-10-01}}")
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
    item = one("@collection{k, editor = {A B}, editortype = {compiler}, "
               "editora = {C D}, editoratype = {redactor}}")
    assert item["compiler"] == [{"family": "B", "given": "A"}]
    assert item["editorial-director"] == [{"family": "D", "given": "C"}]
    assert "editor" not in item


def test_titles_keep_case_protection_and_markup() -> None:
    item = one("@article{k, title = {The {DNA} of \\emph{Homo}}}")
    assert item["title"] == f"The {NOCASE_OPEN}DNA</span> of <i>Homo</i>"


def test_quotation_fields_map_to_custom() -> None:
    item = one("@book{k, quotation = {To be, or not to be}, quotedin = {smith2001}, "
               "quotedinlocator = {p.~5}, occasion = {Opening night}}")
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
    text = ("@comment{a real comment}\n\n"
            "@commentary{k1,\n  author={Doe, Jane},\n  title={Notes}, year=2001}\n")
    blocks = split_blocks(text)
    assert [type(b) for b in blocks] == [ExplicitComment, Entry]
    entry = blocks[1]
    assert isinstance(entry, Entry)
    assert (entry.entry_type, entry.key, entry.start_line) == ("commentary", "k1", 2)
    assert [(f.key, f.start_line) for f in entry.fields] == [
        ("author", 3), ("title", 4), ("year", 4)]
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
    item = one(r'@misc{k, title = {A \{} # " B", note = "x {"} y" # {z {w}}}')
    assert item["title"] == "A { B"
    assert item["note"] == 'x " yz w'
    assert one(r'@misc{k, title = {A {b}} # { C}}')["title"] == (
        'A <span class="nocase">b</span> C')
