"""Writing BibLaTeX/BibTeX, and BibTeX -> model -> BibTeX round trips."""

from __future__ import annotations

import json
import shutil
import string
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.formats import read_string, write_string
from citekit.formats.bibtex import fields as bm
from citekit.formats.bibtex import read, write
from citekit.formats.bibtex.dates import format_date, parse_year_month_day
from citekit.formats.bibtex.latex import NOCASE_OPEN, decode
from citekit.formats.bibtex.names import parse_names
from citekit.formats.bibtex.reader import _Reader
from citekit.model.records import Date, Library, Name, Record


def fields_of(text: str) -> dict[str, dict[str, str]]:
    """Each entry's fields, decoded and under canonical BibLaTeX names.

    Classic names become BibLaTeX's (journal -> journaltitle), year/month/day
    become one EDTF date and names are compared parsed, so two dialects of
    the same data compare equal.
    """
    entries, _, _ = _Reader(None).split(text)
    out: dict[str, dict[str, str]] = {}
    for key, entry in entries.items():
        btype, implied = bm.canonical_type(entry.type)
        fields: dict[str, str] = {"@type": btype}
        options = entry.fields.get("options", "").replace(" ", "")
        useprefix = "useprefix" in options and "useprefix=false" not in options
        for raw_name, value in entry.fields.items():
            name = bm.FIELD_ALIASES.get(raw_name, raw_name)
            if name in ("year", "month", "day"):
                continue
            if name in fields and (name != raw_name or name not in entry.fields):
                continue  # the BibLaTeX name wins over its classic alias, as in the reader
            if name in ("author", "editor", "translator", "bookauthor"):
                parsed = parse_names(value, useprefix=useprefix)
                fields[name] = repr([n.to_json() for n in parsed])
                continue
            decoded = " ".join(decode(value, nocase=False).split())
            if name == "pages":
                decoded = decoded.replace("–", "-").replace("—", "-")
            if decoded:
                fields[name] = decoded
        year = entry.fields.get("year")
        if year and "date" not in fields:
            month, day = entry.fields.get("month"), entry.fields.get("day")
            date, _ = parse_year_month_day(
                decode(year, nocase=False), decode(month, nocase=False) if month else None, day
            )
            fields["date"] = format_date(date) if date is not None else year
        if implied and "type" not in fields:
            fields["type"] = implied
        out[key] = fields
    return out


def test_biblatex_is_the_default_dialect() -> None:
    text = (
        "@article{Key:1, author = {Doe, Jane}, journal = {J}, year = 2001, month = mar,"
        " address = {Paris}}"
    )
    out = write(read(text).library)
    assert out.startswith("@article{Key:1,\n")
    assert "journaltitle = {J}" in out
    assert "location" in out
    assert "date = {2001-03}" in " ".join(out.split())


def test_bibtex_dialect() -> None:
    text = (
        "@thesis{k, author = {Doe, Jane}, title = {T}, type = {phdthesis}, "
        "institution = {MIT}, date = {2001-03-04}, journaltitle = {J}, location = {Paris}}"
    )
    out = write(read(text).library, dialect="bibtex")
    assert out.startswith("@phdthesis{k,")
    assert "school  = {MIT}" in out or "school = {MIT}" in " ".join(out.split())
    flat = " ".join(out.split())
    assert "year = {2001}" in flat and "month = mar," in flat and "day = {4}" in flat
    assert "address = {Paris}" in flat
    assert "type =" not in flat


def test_ascii_and_unicode_output() -> None:
    library = read("@book{k, author = {{\\\"O}zkal, Erhan}, title = {Caf{\\'e} {DNA}}}").library
    assert "Özkal" in write(library)
    assert "Café {DNA}" in write(library)
    out = write(library, ascii=True)
    assert '{\\"O}zkal' in out and "Caf{\\'e} {DNA}" in out


def test_field_order_is_stable_and_keys_exact() -> None:
    text = "@book{MiXeD:Key-1, year = 2000, title = {T}, author = {A B}, publisher = {P}}"
    out = write(read(text).library)
    names = [line.split("=")[0].strip() for line in out.splitlines()[1:-1]]
    assert names == ["author", "title", "publisher", "date"]
    assert "@book{MiXeD:Key-1," in out


def test_extras_are_put_back() -> None:
    text = (
        '@preamble{"\\providecommand{\\noop}[1]{}"}\n@string{acm = "ACM"}\n'
        "@comment{jabref-meta: x}\n@book{k, publisher = acm}\n"
    )
    out = write(read(text).library)
    assert '@preamble{"\\providecommand{\\noop}[1]{}"}' in out
    assert '@string{acm = "ACM"}' in out
    assert "@comment{jabref-meta: x}" in out


def test_records_from_csl_json_write_sensibly() -> None:
    record = Record(
        "smith2020",
        "article-journal",
        {
            "author": [Name(family="Smith", given="Ann"), Name(literal="WHO")],
            "title": f"On {NOCASE_OPEN}DNA</span> & <i>more</i>",
            "container-title": "Journal",
            "issued": Date(parts=((2020, 5),)),
            "page": "3-9",
            "DOI": "10.1/x_y",
            "language": "en-GB",
            "call-number": "QA76",
        },
    )
    out = write(Library([record]))
    flat = " ".join(out.split())
    assert out.startswith("@article{smith2020,")
    assert "author = {Smith, Ann and {WHO}}" in flat
    assert "title = {On {DNA} \\& \\emph{more}}" in flat
    assert "journaltitle = {Journal}" in flat
    assert "pages = {3--9}" in flat and "doi = {10.1/x_y}" in flat
    assert "date = {2020-05}" in flat and "langid = {british}" in flat
    assert "call-number = {QA76}" in flat
    again = read(out).library["smith2020"]
    for variable in (
        "author",
        "title",
        "container-title",
        "issued",
        "page",
        "DOI",
        "language",
        "call-number",
    ):
        assert again[variable] == record[variable], variable


def test_registry_passes_options() -> None:
    library = read("@book{k, title={T}, date=2000}").library
    assert "year" in write_string(library, "bibtex", dialect="bibtex")


def test_quotation_fields_round_trip() -> None:
    text = "@book{k, title = {T}, quotation = {Brevity is the soul of wit}, quotedin = {x}}"
    out = write(read(text).library)
    assert "quotation = {Brevity is the soul of wit}" in " ".join(out.split())
    assert fields_of(out)["k"]["quotedin"] == "x"


def test_a_patents_scope_round_trips_as_its_location() -> None:
    """The reader makes a patent's location CSL jurisdiction; the writer gives it
    back as location, with the biblatex country keys it was read from."""
    text = (
        "@patent{k, title = {Signalhorn}, number = {EU-29702195U}, date = 1998,"
        " location = {countryfr and countryuk and countryde}}"
    )
    out = write(read(text).library)
    assert fields_of(out)["k"]["location"] == "countryfr and countryuk and countryde"
    record = next(iter(read(out).library)).to_json()
    assert record["jurisdiction"] == "France; United Kingdom; Germany"
    scoped = Record.from_json({"id": "p", "type": "patent", "title": "T", "jurisdiction": "US"})
    assert fields_of(write(Library([scoped])))["p"]["location"] == "US"


def test_a_volumes_part_round_trips() -> None:
    text = "@book{k, title = {T}, volume = 7, part = 2, date = 1983}"
    fields = fields_of(write(read(text).library))["k"]
    assert (fields["volume"], fields["part"]) == ("7", "2")
    classic = write_string(read(text).library, "bibtex", dialect="bibtex")
    assert fields_of(classic)["k"]["volume"] == "7.2"  # classic BibTeX has no part


def test_howpublished_read_as_the_publisher_is_written_back_as_howpublished() -> None:
    text = "@misc{k, title = {T}, howpublished = {Zenodo}, date = 2020}"
    for dialect in ("biblatex", "bibtex"):
        out = write_string(read(text).library, "bibtex", dialect=dialect)
        assert fields_of(out)["k"]["howpublished"] == "Zenodo"
        assert "publisher" not in fields_of(out)["k"]


def test_a_venue_read_from_location_beside_address_round_trips() -> None:
    text = (
        "@inproceedings{k, title = {T}, booktitle = {B}, address = {New York, NY},"
        " location = {Lisbon, Portugal}, year = 2023}"
    )
    for dialect in ("biblatex", "bibtex"):
        out = write_string(read(text).library, "bibtex", dialect=dialect)
        record = next(iter(read(out).library)).to_json()
        assert record["publisher-place"] == "New York, NY"
        assert record["event-place"] == "Lisbon, Portugal"


def test_corpus_like_entries_round_trip() -> None:
    text = r"""
@string{and = " and "}
@string{Knuth = "Donald E. Knuth"}
@incollection{a, author = Knuth #and# {Doe, Jane and others}, title = {The {\TeX}book},
  booktitle = {Coll}, booksubtitle = {Sub}, editor = {Ed Itor}, pages = {1--2},
  publisher = {Addison and Wesley}, address = {Reading}, year = 1984, month = jan,
  note = {Caf\'e}, Bdsk-File-1 = {YnBsaXN0}, keywords = {tex, typesetting}}
@article{b, author = {van Gennep, Arnold}, title = {Rites}, journal = {J},
  volume = 3, number = 2, issue = {Spring}, doi = {10.1/2}, url = {http://x.org/a_b},
  language = {French}, abstract = {An $x^2$ abstract.}}
@mvbook{c, title = {Works}, subtitle = {All}, titleaddon = {Complete}, date = {1984/1986},
  volumes = 5, langid = {english}, options = {useprefix=true}, author = {van Dyck, Anne}}
@phdthesis{d, author = {A B}, title = {T}, school = {S}, year = {1990}}
@misc{e, title = {M}, howpublished = {Online}, eprint = {1234.5678}, eprinttype = {arxiv}}
@report{f, title = {R}, type = {resreport}, institution = {IBM}, number = {RC-1}, date = 1978}
"""
    original = fields_of(text)
    library = read(text).library
    assert fields_of(write(library)) == original
    # Classic BibTeX has fewer types (mvbook is written as book), no subtitle
    # fields (they are joined to their titles, and the short title is given
    # as such) and prints ``type`` as it stands.
    for fields in original.values():
        fields["@type"] = bm.canonical_type(bm.TYPES[fields["@type"]].bibtex)[0]
    original["a"]["booktitle"] = "Coll: " + original["a"].pop("booksubtitle")
    original["c"].update(title="Works: All. Complete", shorttitle="Works")
    del original["c"]["subtitle"], original["c"]["titleaddon"]
    original["f"]["type"] = "Research report"
    assert fields_of(write(library, dialect="bibtex")) == original


_SAFE = (
    st.text(alphabet=string.ascii_letters + " éüçñøß–—&%#_.,:;0123456789", min_size=1, max_size=30)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "title": _SAFE,
        "subtitle": _SAFE,
        "journal": _SAFE,
        "booktitle": _SAFE,
        "publisher": _SAFE,
        "address": _SAFE,
        "note": _SAFE,
        "series": _SAFE,
        "volume": st.integers(1, 999).map(str),
        "number": st.integers(1, 99).map(str),
        "edition": st.integers(1, 9).map(str),
        "pages": st.sampled_from(["1--9", "12", "3-4"]),
        "year": st.integers(1000, 2099).map(str),
        "doi": st.just("10.1000/xyz_1"),
        "isbn": st.just("978-3-16-148410-0"),
        "keywords": _SAFE,
        "abstract": _SAFE,
        "unknownfield": _SAFE,
        "quotation": _SAFE,
        "occasion": _SAFE,
    },
)
_PEOPLE = st.lists(
    st.tuples(
        st.sampled_from(["Smith", "Müller", "Øster", "Lee"]),
        st.sampled_from(["Ann", "J. R.", "Zoë", "C A"]),
        st.sampled_from(["", "van", "de la"]),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(bm.TYPES) + sorted(bm.BIBTEX_TYPES)),
    _FIELDS,
    _PEOPLE,
    st.booleans(),
    st.sampled_from(["biblatex", "bibtex"]),
)
def test_bibtex_model_bibtex_round_trip(
    entry_type: str,
    fields: dict[str, str],
    people: list[tuple[str, str, str]],
    ascii: bool,
    dialect: str,
) -> None:
    from citekit.formats.bibtex.latex import encode

    author = " and ".join(f"{p + ' ' if p else ''}{f}, {g}" for f, g, p in people)
    body = ",\n".join(f"  {k} = {{{encode(v)}}}" for k, v in fields.items())
    text = f"@{entry_type}{{key1,\n  author = {{{author}}},\n{body}\n}}\n"
    original = fields_of(text)
    out = write(read(text).library, dialect=dialect, ascii=ascii)  # type: ignore[arg-type]
    written = fields_of(out)
    if dialect == "bibtex":  # classic BibTeX has fewer types; the type may change
        original["key1"].pop("@type")
        written["key1"].pop("@type")
        original["key1"].pop("type", None)
        written["key1"].pop("type", None)
        _as_classic(original["key1"])
    assert written == original


def _as_classic(fields: dict[str, str]) -> None:
    """What the classic dialect gives for these fields: the subtitle joined to
    the title (the short title given as such) and the edition as a word."""
    if "title" in fields and "subtitle" in fields:
        fields["shorttitle"] = fields["title"]
        fields["title"] = f"{fields['title']}: {fields.pop('subtitle')}"
    if fields.get("edition", "").isdigit():
        fields["edition"] = bm.ordinal_edition(int(fields["edition"]))


def test_csl_values_that_look_like_bibtex_syntax_survive() -> None:
    """A literal "and" in a publisher and an apostrophe in a family name are data,
    not biblatex list separators or particles."""
    record = Record(
        "k",
        "book",
        {
            "publisher": "Routledge and Kegan Paul",
            "publisher-place": "London",
            "issued": Date(parts=((1990,),)),
            "editor": [Name(family="d’Alché-Buc", given="Florence")],
        },
    )
    again = read(write(Library([record]))).library["k"]
    assert again["publisher"] == "Routledge and Kegan Paul"
    assert again["editor"] == record["editor"]


def test_inherited_fields_are_left_out_while_the_parent_is_written() -> None:
    text = """
    @inproceedings{child, title = {Paper}, crossref = {proc}, pages = {1--2}, month = jun}
    @proceedings{proc, title = {Proceedings}, publisher = {P}, year = 1997}
    """
    library = read(text).library
    assert library["child"]["container-title"] == "Proceedings"
    out = fields_of(write(library))
    assert set(out["child"]) == {"@type", "title", "crossref", "pages", "date"}
    alone = fields_of(write(Library([library["child"]])))
    assert alone["child"]["booktitle"] == "Proceedings"  # complete without its parent


def test_language_fields_are_written_back_as_they_were_read() -> None:
    """The writer asks the reader's own rule (``bibmap.language_tag``) whether a kept
    langid still says the record's language, so options beside the variant, or a
    ``language`` field (which ignores langidopts), are not rewritten."""
    with_options = read(
        "@book{a, title={T}, langid={english}, langidopts={variant=british, spelling=new}}"
    ).library
    assert with_options["a"]["language"] == "en-GB"
    assert "langid = {english}" in " ".join(write(with_options).split())
    plain_language = read(
        "@book{a, title={T}, language={english}, langidopts={variant=british}}"
    ).library
    assert plain_language["a"]["language"] == "en-US"
    assert "language = {english}" in " ".join(write(plain_language).split())
    assert bm.language_tag("English", "variant = british") == "en-GB"
    assert bm.language_tag("klingon") is None


# --- issue 13: classic BibTeX as bibtex and pdflatex print it ---------------------

ROOT = Path(__file__).resolve().parents[3]
_TOOLS = ("bibtex", "pdflatex", "pdftotext")
#: CSL-JSON items in sentence case, with what classic BibTeX makes of them: a
#: journal article, a web page, a chapter, theses, a report and a German book.
CSL_ITEMS: list[dict[str, Any]] = [
    {
        "id": "smith2020",
        "type": "article-journal",
        "title": "The rise of NATO in Eastern Europe: A history of the U.S. Army?",
        "container-title": "Journal of Modern History",
        "author": [{"family": "Smith", "given": "Ann"}],
        "issued": {"date-parts": [[2020, 5]]},
        "volume": "12",
        "issue": "3",
        "page": "3-9",
    },
    {
        "id": "lee2019",
        "type": "webpage",
        "title": "Why Python? Because iPhone users say so",
        "author": [{"family": "Lee", "given": "Kim"}],
        "issued": {"date-parts": [[2019]]},
        "URL": "https://example.org/a_b?x=1",
    },
    {
        "id": "jones2010",
        "type": "chapter",
        "title": "Darwin and the Galápagos",
        "container-title": "Essays on evolution in Victorian Britain",
        "author": [{"family": "Jones", "given": "Bo"}],
        "editor": [{"family": "Brown", "given": "Cy"}],
        "publisher": "Oxford University Press",
        "publisher-place": "Oxford",
        "issued": {"date-parts": [[2010]]},
        "page": "10-20",
        "edition": "3",
    },
    {
        "id": "doe1999",
        "type": "thesis",
        "genre": "Master's thesis",
        "title": "Graph colouring in Paris",
        "author": [{"family": "Doe", "given": "Jane"}],
        "publisher": "MIT",
        "issued": {"date-parts": [[1999]]},
    },
    {
        "id": "roe1998",
        "type": "thesis",
        "title": "Learning in Bayesian networks",
        "author": [{"family": "Roe", "given": "Rick"}],
        "publisher": "Stanford University",
        "issued": {"date-parts": [[1998]]},
    },
    {
        "id": "codd1978",
        "type": "report",
        "genre": "Research report",
        "number": "RC-1",
        "title": "A relational model for IBM",
        "author": [{"family": "Codd", "given": "Ed"}],
        "publisher": "IBM",
        "issued": {"date-parts": [[1978]]},
    },
    {
        "id": "mueller2001",
        "type": "book",
        "language": "de-DE",
        "title": "Die Geschichte der Stadt Berlin",
        "author": [{"family": "Müller", "given": "Hans"}],
        "publisher": "Beck",
        "publisher-place": "München",
        "issued": {"date-parts": [[2001]]},
    },
]
#: references.bib as classic styles print it (plain and apalike alike): an
#: article's title in sentence case, a book's as typed with its subtitle.
REFERENCES_PRINTED = [
    "Trump should meet with Kim Jong-un",
    "Antiwar.com",
    "2017",
    "Reclaiming the American Right: The Lost Legacy of the Conservative Movement",
    "An Enemy of the State: The Life of Murray N. Rothbard",
    "Prometheus Books",
    "ISI Books",
    "second edition",
    "Center for Libertarian Studies",
    "1993",
    "2000",
    "2008",
]


def _typeset(folder: Path, bib: str, style: str) -> tuple[str, str]:
    """pdflatex, bibtex, pdflatex twice on a document citing every entry of
    ``bib``: the PDF's text (whitespace runs as one space) and bibtex's log."""
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    # A page wide enough for one line per entry, and no hyphenation, so that
    # pdftotext gives each printed value in one piece.
    (folder / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n"
        "\\usepackage{url}\n\\usepackage[paperwidth=80cm,textwidth=76cm]{geometry}\n"
        "\\hyphenpenalty=10000 \\exhyphenpenalty=10000\n"
        f"\\begin{{document}}\n\\nocite{{*}}\n\\bibliographystyle{{{style}}}\n"
        "\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc"]
    for command in (latex, ["bibtex", "doc"], latex, latex):
        subprocess.run(command, cwd=folder, capture_output=True, timeout=120, check=False)
    text = subprocess.run(
        ["pdftotext", "doc.pdf", "-"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    blg = (folder / "doc.blg").read_text(encoding="utf-8", errors="replace")
    return " ".join(text.replace("’", "'").split()), blg


@pytest.mark.parametrize("style", ["plain", "apalike"])
def test_classic_bibtex_prints_right_with_bibtex_and_pdflatex(style: str, tmp_path: Path) -> None:
    """``-t bibtex`` wrote BibLaTeX (journaltitle, date), which plain.bst reads as
    an article with no journal and no year, and a subtitle it never prints."""
    missing = [tool for tool in _TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: cannot typeset with real BibTeX")
    from citekit.formats import read as read_file
    from citekit.formats.csljson import read as read_csl

    references = read_file(ROOT / "references.bib").library
    items = read_csl(json.dumps(CSL_ITEMS)).library
    records = [*references, *items]
    bib = write(Library(records), dialect="bibtex")
    printed, blg = _typeset(tmp_path, bib, style)

    for expected in REFERENCES_PRINTED:
        assert expected in printed, expected
    for item in CSL_ITEMS:
        # Every capital of the sentence-case title survives the style's case change.
        assert item["title"] in printed, item["title"]
        container = item.get("container-title")
        if container:
            assert container in printed
        assert str(item["issued"]["date-parts"][0][0]) in printed
    assert "https://example.org/a_b?x=1" in printed.replace(" ", "")  # howpublished \url
    assert "third edition" in printed and "Master's thesis" in printed
    assert "Research report RC-1" in printed and "Journal of Modern History, 12(3):3–9" in printed
    assert "PhD thesis, Stanford University" in printed
    # No entry is skipped or mis-read, and nothing is missing that the style
    # needs, except the year of the quotation records whose date nobody knows.
    assert "error message" not in blg, blg
    undated = {r.key for r in records if r.get("issued") is None}
    for line in blg.splitlines():
        if line.startswith("Warning--"):
            assert line.startswith("Warning--empty year in ") and line.split()[-1] in undated, line
    for problem in (
        "empty journal",
        "empty title",
        "can't use both",
        "empty booktitle",
        "empty school",
        "empty institution",
        "empty publisher",
    ):
        assert problem not in blg


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_an_articles_number_issue_and_eid_round_trip(dialect: str) -> None:
    """bib -> CSL -> bib gives number, issue and eid back as written; CSL ->
    bib -> CSL gives an article's issue and article number back unchanged."""
    text = (
        "@article{i2, author={A, B}, title={Art}, journaltitle={J}, volume={3}, number={4},"
        " issue={Spring}, date=2000, eid={e12}}\n"
        "@article{i3, title={Art}, journaltitle={J}, issue={Spring}, eid={7}}\n"
    )
    library = read(text).library
    csl = json.loads(write_string(library, "csljson"))
    back = write(read_string(json.dumps(csl), "csljson").library, dialect=dialect)  # type: ignore[arg-type]
    assert fields_of(back) == fields_of(text)
    records = [
        {"id": "c1", "type": "article-journal", "title": "T", "container-title": "J",
         "volume": "2", "issue": "4", "number": "12"},
        {"id": "c2", "type": "article-newspaper", "title": "T", "container-title": "J",
         "issue": "4, Spring", "number": "e3"},
    ]  # fmt: skip
    written = write(read_string(json.dumps(records), "csljson").library, dialect=dialect)  # type: ignore[arg-type]
    assert fields_of(written)["c1"]["eid"] == "12"
    again = read_string(written, "biblatex").library
    for record in records:
        item = again[str(record["id"])].to_json()
        assert {k: item.get(k) for k in record} == record


def test_an_edited_issue_is_written_as_the_articles_number() -> None:
    """The kept number/issue pair goes back only while the joined issue is unchanged."""
    library = read("@article{k, journaltitle={J}, number={4}, issue={Spring}}").library
    library["k"].fields["issue"] = "5"
    fields = fields_of(write(library))["k"]
    assert fields["number"] == "5" and "issue" not in fields
