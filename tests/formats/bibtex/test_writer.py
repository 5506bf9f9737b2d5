"""The BibTeX writer leaves out only the entries whose keys BibTeX cannot hold.

A key such as ``a,b`` reads back as another key (or breaks the entries after
it), so that entry cannot be written; every other entry still is, and each
one left out is reported by name with the way to fix it (``citekit keys``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.base.text import strip_markup
from citekit.cli import main
from citekit.errors import DataError, Diagnostic, Severity
from citekit.formats import read_string, write_string
from citekit.formats.bibtex import fields as bm
from citekit.formats.bibtex.fields import ordinal_edition
from citekit.formats.bibtex.latex import NOCASE_OPEN as NOCASE
from citekit.formats.bibtex.writer import UNWRITABLE_KEY, unwritable_keys, write, write_entry
from citekit.model.records import Library, Record

BAD_KEYS = ["a,b", "a}b", 'q"uote', " padded", "x=y"]


def _library(*keys: str) -> Library:
    return Library([Record(key, "book", title=f"Title {n}") for n, key in enumerate(keys)])


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_every_other_entry_is_written_and_each_left_out_is_named(dialect: str) -> None:
    library = _library("first", *BAD_KEYS, "last")
    left_out: list[Diagnostic] = []
    text = write(library, dialect=dialect, diagnostics=left_out)  # type: ignore[arg-type]
    back = read_string(text, "biblatex")
    assert list(back.library.keys()) == ["first", "last"]
    assert back.errors == []
    assert [d.key for d in left_out] == BAD_KEYS
    for diagnostic in left_out:
        assert diagnostic.severity is Severity.ERROR
        assert diagnostic.code == UNWRITABLE_KEY
        assert "citekit keys" in diagnostic.message
        assert repr(diagnostic.key) in diagnostic.message
        assert f"entry '{diagnostic.key}'" in str(diagnostic)


def test_a_library_of_good_keys_gives_no_diagnostics() -> None:
    library = _library("a b", "ok:1/2#x", "plain")  # odd, but they read back
    left_out: list[Diagnostic] = []
    text = write(library, diagnostics=left_out)
    assert left_out == []
    assert unwritable_keys(library) == []
    assert set(read_string(text, "biblatex").library.keys()) == {"a b", "ok:1/2#x", "plain"}


def test_without_a_diagnostics_list_nothing_is_lost_silently() -> None:
    """Callers that cannot report (the library API, ``keys``, ``dedupe``) still get an error."""
    with pytest.raises(DataError, match="cannot be BibTeX keys") as caught:
        write_string(_library("ok", "a,b"), "biblatex")
    assert "'a,b'" in str(caught.value)
    assert "citekit keys" in str(caught.value)


def _child(parent: str) -> Record:
    """A chapter read from ``crossref = {parent}``, its booktitle inherited from it."""
    return Record(
        "kid",
        "chapter",
        {
            "title": "Chapter",
            "container-title": "Big Book",
            "custom": {
                "biblatex": {"@type": "inbook", "crossref": parent, "@inherited": ["booktitle"]}
            },
        },
    )


def test_a_child_keeps_what_it_inherits_when_its_parent_is_left_out() -> None:
    written_with_parent = write(Library([Record("pq", "book", title="Big Book"), _child("pq")]))
    assert "booktitle" not in written_with_parent  # the parent gives it back
    left_out: list[Diagnostic] = []
    text = write(
        Library([Record("p,q", "book", title="Big Book"), _child("p,q")]), diagnostics=left_out
    )
    assert [d.key for d in left_out] == ["p,q"]
    kid = read_string(text, "biblatex").library["kid"]
    # Braced ({Book}) so that the reader's sentence case leaves it as it was.
    assert strip_markup(kid["container-title"]) == "Big Book"


XDATA_BIB = """@xdata{jdata, journaltitle={Journal X}, volume={7}, date={2010}}
@xdata{pub, publisher={P}, location={L}}
@article{a1, author={G, H}, title={One}, xdata={jdata}, pages={3--4}}
@article{a2, title={Two}, xdata={jdata}, date={2011}}
@article{a3, title={Three}, xdata={jdata}}
@inbook{kid, title={Chapter}, crossref={book}, xdata={pub}, pages={1--2}}
@book{book, title={Big Book}, date={1999}}
"""


def _xdata_round_trip(text: str, edit: Any = None) -> tuple[list[dict[str, Any]], str]:
    items = json.loads(write_string(read_string(text, "biblatex").library, "csljson"))
    if edit is not None:
        edit(items)
    return items, write(read_string(json.dumps(items), "csljson").library)


def test_xdata_the_csl_json_dropped_is_written_again() -> None:
    """bib -> CSL-JSON -> bib: CSL-JSON keeps no @xdata entry (its fields are in
    the records), and the link to it dangled (check: dangling-xdata); the entry
    is made again from what the records inherited, so the file reads back as
    it was, and a field a parent written beside it does not give is kept."""
    items, text = _xdata_round_trip(XDATA_BIB)
    again = read_string(text, "biblatex")
    assert not [d for d in again.diagnostics if d.code.startswith("dangling")]
    assert re.search(r"@xdata\{jdata,\s*journaltitle = \{Journal X\},", text)
    for item in items:
        assert again.library[item["id"]].to_json() == item
    # An entry written alone keeps its fields: what else is written is not known.
    alone = write_entry(read_string(json.dumps(items), "csljson").library["a1"])
    assert "Journal X" in alone and "xdata" in alone


def test_records_edited_since_keep_their_own_values_beside_the_xdata() -> None:
    def edit(items: list[dict[str, Any]]) -> None:
        by_id = {item["id"]: item for item in items}
        by_id["a2"]["volume"] = "8"  # its own value wins over the xdata's
        del by_id["a3"]["volume"]  # written empty, so that it inherits none

    items, text = _xdata_round_trip(XDATA_BIB, edit)
    again = read_string(text, "biblatex").library
    for item in items:
        back = again[item["id"]].to_json()
        # What is inherited (bookkeeping) changed with the edits; the data did not.
        assert {k: v for k, v in back.items() if k != "custom"} == {
            k: v for k, v in item.items() if k != "custom"
        }


# -- through the CLI ---------------------------------------------------------------------
# -- through the CLI ---------------------------------------------------------------------

ITEMS = [
    {"id": "good1", "type": "book", "title": "Fine"},
    {"id": "a,b", "type": "book", "title": "Comma"},
    {"id": "a}b", "type": "book", "title": "Brace"},
    {"id": "good2", "type": "book", "title": "Also fine"},
]


def _json_file(tmp_path: Path, items: list[dict[str, str]]) -> Path:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


@pytest.mark.parametrize("options", [["-t", "biblatex"], ["-t", "bibtex", "--dialect", "bibtex"]])
def test_convert_writes_the_rest_and_exits_1(tmp_path: Path, options: list[str]) -> None:
    out = tmp_path / "out.bib"
    result = CliRunner().invoke(
        main, ["convert", str(_json_file(tmp_path, ITEMS)), *options, "-o", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert list(read_string(out.read_text(encoding="utf-8"), "biblatex").library.keys()) == [
        "good1",
        "good2",
    ]
    for key in ("a,b", "a}b"):
        assert f"entry '{key}'" in result.stderr
    assert result.stderr.count("citekit keys") == 2
    assert f"{tmp_path / 'in.json'}" in result.stderr  # names the input file


def test_convert_strict_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    result = CliRunner().invoke(
        main,
        ["convert", str(_json_file(tmp_path, ITEMS)), "-t", "biblatex", "-o", str(out), "--strict"],
    )
    assert result.exit_code == 1
    assert not out.exists()
    assert "entry 'a,b'" in result.stderr


def test_convert_of_good_keys_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    items = [item for item in ITEMS if item["id"].startswith("good")]
    result = CliRunner().invoke(
        main, ["convert", str(_json_file(tmp_path, items)), "-t", "biblatex", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert set(read_string(out.read_text(encoding="utf-8"), "biblatex").library.keys()) == {
        "good1",
        "good2",
    }


def test_writing_tolerates_any_custom_and_never_adds_one() -> None:
    odd = Record("odd", "book", {"title": "Odd", "custom": ["not", "an", "object"]})
    plain = Record("plain", "book", {"title": "Plain"})
    quoted = Record("q", "speech", {"custom": {"quotation": "Words."}})
    text = write(Library([odd, plain, quoted]))
    assert "title = {Odd}" in text and "title = {Plain}" in text
    assert "{Words.}" in text
    assert odd["custom"] == ["not", "an", "object"]
    assert "custom" not in plain.fields


# --- issue 12: nothing written runs as TeX ----------------------------------------

HOSTILE_TITLES = [
    "Intro \\input secret.txt \\relax",
    "Include \\include{secret} and ^^5cinput{secret.txt}",
    "Shell \\immediate\\write18{touch pwned.txt} \\openout9=leak.txt",
    "Catcode \\catcode`\\{=12 \\def\\x{y} \\csname input\\endcsname secret.txt",
    "Math $\\input secret.txt$ and \\InputIfFileExists{secret.txt}{}{}",
]


def _hostile_library() -> Library:
    records = [
        Record(
            f"h{n}",
            "article-journal",
            title=title,
            author=[{"family": "Doe"}],
            **{"container-title": "J", "issued": {"date-parts": [[2020]]}},
        )
        for n, title in enumerate(HOSTILE_TITLES)
    ]
    # a record that came from TeX keeps its commands, but not the dangerous ones
    records.append(
        Record(
            "tex",
            "book",
            title="From \\input secret.txt TeX",
            publisher="P",
            issued={"date-parts": [[2021]]},
            custom={"biblatex": {"note": "\\input{secret.txt}"}},
        )
    )
    return Library(records)


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_tex_primitives_that_could_run_are_written_as_text(dialect: str) -> None:
    """A title ``Intro \\input /etc/hostname \\relax`` from CSL-JSON or RIS was written as-is."""
    text = write(_hostile_library(), dialect=dialect)  # type: ignore[arg-type]
    for command in (
        "input",
        "include",
        "write18",
        "openout",
        "catcode",
        "def",
        "csname",
        "immediate",
        "InputIfFileExists",
    ):
        assert f"\\{command}" not in text.replace("\\textbackslash{}", "").replace(
            "{\\textbackslash}", ""
        ), command
    assert "^^" not in text
    back = read_string(text, "biblatex").library
    for n, title in enumerate(HOSTILE_TITLES[:3]):  # text from CSL-JSON reads back as it was
        assert back[f"h{n}"]["title"] == title


def test_ordinary_latex_and_math_from_tex_are_kept() -> None:
    library = read_string(
        "@article{k, title = {A {$\\ln n$} bound for \\emph{Set} Cover},"
        " journal = {J}, year = 1998}\n",
        "biblatex",
    ).library
    assert write_string(library, "biblatex") == write_string(
        read_string(write_string(library, "biblatex"), "biblatex").library, "biblatex"
    )
    assert "{$\\ln n$}" in write_string(library, "biblatex")


def test_an_entry_type_with_a_space_is_not_written() -> None:
    """``custom.biblatex["@type"] = "x y"`` was written ``@x y{k,`` and gone on re-read."""
    record = Record("k", "book", title="T", custom={"biblatex": {"@type": "x y"}})
    text = write(Library([record]))
    assert text.startswith("@book{k,")
    assert read_string(text, "biblatex").library.keys() == ["k"]


def _tex_tools() -> list[str]:
    import shutil

    missing = [tool for tool in ("pdflatex", "bibtex", "pdftotext") if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed (apt-get install texlive-latex-base "
            "texlive-bibtex-extra poppler-utils): the TeX compile check is skipped"
        )
    return ["pdflatex", "bibtex", "pdftotext"]


def test_compiling_hostile_entries_prints_them_literally(tmp_path: Path) -> None:
    """bibtex + pdflatex pasted the contents of the file named by ``\\input`` into the PDF."""
    import re
    import subprocess

    _tex_tools()
    secret = "SECRET-CONTENTS-7f3a"
    (tmp_path / "secret.txt").write_text(secret + "\n", encoding="utf-8")
    (tmp_path / "secret.tex").write_text(secret + "\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text(
        write(_hostile_library(), dialect="bibtex"), encoding="utf-8"
    )
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\nStart.\n\\nocite{*}\n"
        "\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "doc.tex"]

    def run(command: list[str]) -> None:
        subprocess.run(
            command,
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    for command in (latex, ["bibtex", "doc"], latex, latex):
        run(command)
    assert (tmp_path / "doc.pdf").exists(), (tmp_path / "doc.log").read_text(errors="replace")
    pdf_text = subprocess.run(
        ["pdftotext", "doc.pdf", "-"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    flat = re.sub(r"\s+", " ", pdf_text)
    assert secret not in flat
    assert not (tmp_path / "pwned.txt").exists() and not (tmp_path / "leak.txt").exists()
    assert "Intro \\input secret.txt \\relax" in flat
    assert "\\write18{touch pwned.txt}" in flat
    assert "From \\input secret.txt TeX" in flat
    assert "\\def\\x{y} \\csname input\\endcsname secret.txt. J, 2020." in flat
    assert "Math $\\input secret.txt$" in flat
    assert "journal =" not in flat  # an unpaired brace no longer swallows the next fields


# --- issue 13: the classic BibTeX dialect --------------------------------------------


def _classic(text: str) -> dict[str, str]:
    """The fields of the one entry of ``text`` written in the classic dialect, with
    its entry type under ``@type``: values as written, braces and all."""
    library = read_string(text, "biblatex").library
    return _fields(write(library, dialect="bibtex"))


def _fields(written: str) -> dict[str, str]:
    lines = written.strip().splitlines()
    fields = {"@type": lines[0][1 : lines[0].index("{")]}
    for line in lines[1:-1]:
        name, value = (part.strip() for part in line.split("=", 1))
        fields[name] = value.rstrip(",")
    return fields


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("@online{k, title={T}, url={https://x.org/a_b}, date={2020}}", "misc"),
        ("@report{k, title={T}, institution={IBM}, date={1978}}", "techreport"),
        ("@thesis{k, title={T}, type={phdthesis}, institution={MIT}, date={1990}}", "phdthesis"),
        ("@thesis{k, title={T}, type={mathesis}, institution={MIT}, date={1990}}", "mastersthesis"),
        ("@thesis{k, title={T}, type={bathesis}, institution={MIT}, date={1990}}", "mastersthesis"),
        ("@collection{k, editor={Ed, A}, title={T}, publisher={P}, date={2000}}", "book"),
        ("@mvbook{k, author={Au, A}, title={T}, publisher={P}, date={2000}}", "book"),
        (
            "@inbook{k, author={Au, A}, title={Ch}, booktitle={B}, publisher={P}, date={2000}}",
            "incollection",
        ),
        (
            "@inbook{k, author={Au, A}, title={Book}, chapter={3}, publisher={P}, date={2000}}",
            "inbook",
        ),
        ("@incollection{k, title={Ch}, booktitle={B}, date={2000}}", "incollection"),
        ("@inproceedings{k, title={P}, booktitle={Proc}, date={2000}}", "inproceedings"),
        ("@periodical{k, title={J}, date={2000}}", "misc"),
        ("@dataset{k, title={D}, date={2000}}", "misc"),
    ],
)
def test_classic_entry_types(entry: str, expected: str) -> None:
    assert _classic(entry)["@type"] == expected


def test_classic_fields_are_what_bst_styles_read() -> None:
    fields = _classic(
        "@article{k, author={van Gennep, Arnold and Doe, Jane}, "
        "title={Rites}, subtitle={A Study}, journaltitle={Journal}, "
        "journalsubtitle={Of Things}, date={2001-03-04}, location={Paris}, "
        "annotation={Note}}"
    )
    assert fields["author"] == "{van Gennep, Arnold and Doe, Jane}"
    assert fields["title"] == "{Rites: A Study}"  # subtitle joined: styles ignore it
    assert "subtitle" not in fields and "journalsubtitle" not in fields
    assert fields["journal"] == "{Journal: Of Things}"
    assert (fields["year"], fields["month"], fields["day"]) == ("{2001}", "mar", "{4}")
    assert fields["address"] == "{Paris}" and fields["annote"] == "{Note}"
    assert not {"journaltitle", "date", "location", "annotation"} & set(fields)


def test_classic_book_and_chapter_titles_keep_their_parts() -> None:
    chapter = _classic(
        "@incollection{k, title={Ch}, booktitle={Book}, "
        "booksubtitle={Sub}, booktitleaddon={Addon}, date={2000}}"
    )
    assert chapter["booktitle"] == "{Book: Sub. Addon}"
    book = _classic("@book{k, title={Works}, subtitle={All}, edition={2}, date={2000}}")
    assert book["title"] == "{Works: All}"
    assert book["shorttitle"] == "{Works}"  # the short title the subtitle gave
    assert book["edition"] == "{Second}"  # plain.bst prints "Second edition"


def test_classic_schools_institutions_and_printed_types() -> None:
    thesis = _classic("@thesis{k, title={T}, type={bathesis}, institution={MIT}, date={1990}}")
    assert thesis["school"] == "{MIT}" and "institution" not in thesis
    assert thesis["type"] == "{Bachelor's thesis}"  # printed as it stands, not a key
    report = _classic(
        "@report{k, title={T}, type={resreport}, institution={IBM}, number={RC-1}, date={1978}}"
    )
    assert (report["@type"], report["institution"], report["type"]) == (
        "techreport",
        "{IBM}",
        "{Research report}",
    )
    plain_report = _classic("@report{k, title={T}, type={techreport}, institution={I}}")
    assert "type" not in plain_report  # techreport prints "Technical Report" itself


def test_classic_misc_prints_its_url_in_howpublished() -> None:
    fields = _classic("@online{k, title={T}, url={https://x.org/a_b?q=1}, urldate={2021-02-03}}")
    assert fields["howpublished"] == "{\\url{https://x.org/a_b?q=1}}"
    assert fields["url"] == "{https://x.org/a_b?q=1}"  # for the .bst styles that read url
    kept = _classic("@misc{k, title={T}, howpublished={Online}, url={https://x.org}}")
    assert kept["howpublished"] == "{Online}"
    article = _classic("@article{k, title={T}, journal={J}, url={https://x.org}}")
    assert "howpublished" not in article  # plain.bst prints no howpublished for articles


@pytest.mark.parametrize(
    ("number", "word"),
    [
        (1, "First"),
        (2, "Second"),
        (12, "Twelfth"),
        (20, "Twentieth"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (24, "24th"),
        (111, "111th"),
        (112, "112th"),
        (113, "113th"),
    ],
)
def test_ordinal_editions(number: int, word: str) -> None:
    assert ordinal_edition(number) == word


@pytest.mark.parametrize(
    ("title", "protected"),
    [
        ("Trump should meet with Kim Jong-un", "Trump should meet with {Kim} {Jong-un}"),
        (
            "The rise of NATO in Eastern Europe: A history",
            "The rise of {NATO} in {Eastern} {Europe}: A history",
        ),
        ("History of the U.S. Army", "History of the {U.S.} {Army}"),
        (
            "Why Python? Because iPhone users say so",
            "Why {Python}? {Because} {iPhone} users say so",
        ),
        ("iPhone apps", "{iPhone} apps"),
        ("“Quoted” words", "``{Quoted}'' words"),  # bibtex keeps the first character only
        ("Already {DNA} protected", "Already {DNA} protected"),
        # CSL-JSON has no math: its dollars are characters, and N is a capital.
        ("Math $N$ stays", "Math \\${N}\\$ stays"),
        ("all lower case", "all lower case"),
    ],
)
def test_case_protection_braces_what_bibtex_would_lower(title: str, protected: str) -> None:
    record = Record("k", "article-journal", title=title.replace("{DNA}", f"{NOCASE}DNA</span>"))
    fields = _fields(write(Library([record]), dialect="bibtex"))
    assert fields["title"] == "{" + protected + "}"


def test_case_protection_of_titles_by_origin_and_kind() -> None:
    # From CSL-JSON: titles of works protected, a periodical's name as it stands.
    article = Record(
        "a",
        "article-journal",
        {"title": "On Darwin", "container-title": "Journal of the Royal Society"},
    )
    fields = _fields(write(Library([article])))
    assert fields["title"] == "{On {Darwin}}"
    assert fields["journaltitle"] == "{Journal of the Royal Society}"
    chapter = Record(
        "c",
        "chapter",
        {
            "title": "T",
            "container-title": "Essays on Darwin",
            "collection-title": "Studies in Britain",
        },
    )
    fields = _fields(write(Library([chapter])))
    assert fields["booktitle"] == "{Essays on {Darwin}}"
    assert fields["series"] == "{Studies in {Britain}}"
    # Read from BibTeX and put in sentence case: written back as typed.
    text = "@article{k, title={{Trump} Should Meet With {Kim Jong-un}}, journal={Antiwar.com}}"
    library = read_string(text, "biblatex").library
    assert (
        _fields(write(library, dialect="bibtex"))["title"]
        == "{{Trump} Should Meet With {Kim Jong-un}}"
    )
    # ... unless edited since: then it is protected as any CSL title.
    library["k"].fields["title"] = "Trump will meet Kim Jong-un"
    assert _fields(write(library, dialect="bibtex"))["title"] == "{Trump will meet {Kim} {Jong-un}}"
    # A title the reader did not convert keeps its braces, and gets no more.
    typed = read_string("@book{k, title={The Khan academy}, langid={english}}", "biblatex").library
    assert _fields(write(typed))["title"] == "{The Khan academy}"


def test_non_english_titles_are_protected_for_classic_styles_only() -> None:
    """biblatex leaves a ``langid = {ngerman}`` title's case alone; plain.bst
    lowers it ("Die geschichte der stadt") whatever its language."""
    record = Record(
        "m",
        "article-journal",
        {"title": "Die Geschichte der Stadt", "language": "de-DE", "container-title": "Z"},
    )
    assert _fields(write(Library([record])))["title"] == "{Die Geschichte der Stadt}"
    assert (
        _fields(write(Library([record]), dialect="bibtex"))["title"]
        == "{Die {Geschichte} der {Stadt}}"
    )


def test_comments_with_an_at_sign_do_not_start_entries_in_classic_bibtex() -> None:
    text = "% prefer @article over @online\n@book{k, title={T}}\n"
    library = read_string(text, "biblatex").library
    classic = write(library, dialect="bibtex")
    assert "(at)article over (at)online" in classic
    assert "@article" in write(library)  # biblatex output keeps the comment as it was


CSL_ROUND_TRIP = [
    {
        "id": "smith2020",
        "type": "article-journal",
        "title": "The rise of NATO: A history",
        "container-title": "Journal of Modern History",
        "author": [{"family": "Smith", "given": "Ann"}],
        "issued": {"date-parts": [[2020, 5, 17]]},
        "volume": "12",
        "issue": "3",
        "page": "3-9",
        "DOI": "10.1/x",
        "publisher-place": "London",
        "language": "en-GB",
    },
    {
        "id": "lee2019",
        "type": "webpage",
        "title": "Why Python?",
        "URL": "https://example.org/a_b",
        "issued": {"date-parts": [[2019]]},
        "accessed": {"date-parts": [[2021, 2, 3]]},
    },
    {
        "id": "jones2010",
        "type": "chapter",
        "title": "Darwin and the Galápagos",
        "container-title": "Essays on Victorian Britain",
        "editor": [{"family": "Brown", "given": "Cy"}],
        "publisher": "OUP",
        "issued": {"date-parts": [[2010]]},
        "edition": "3",
    },
    {
        "id": "doe1999",
        "type": "thesis",
        "genre": "Master's thesis",
        "title": "Graphs",
        "publisher": "MIT",
        "issued": {"date-parts": [[1999]]},
    },
    {
        "id": "codd1978",
        "type": "report",
        "genre": "Research report",
        "number": "RC-1",
        "title": "A model for IBM",
        "publisher": "IBM",
        "issued": {"date-parts": [[1978]]},
    },
]


def test_csl_json_to_classic_bibtex_and_back_keeps_what_the_dialect_carries() -> None:
    from citekit.formats.csljson import read as read_csl
    from citekit.formats.loss import loss_report

    library = read_csl(json.dumps(CSL_ROUND_TRIP)).library
    written = write(library, dialect="bibtex")
    back = read_string(written, "biblatex").library
    report = loss_report(library, "biblatex", written)
    lost = {(loss.key, loss.field) for loss in report.lost}
    # What classic BibTeX cannot carry: a web page is a @misc (a document), and
    # an edition is the word styles print ("Third").
    assert lost == {("lee2019", "type"), ("jones2010", "edition")}
    assert back["jones2010"]["edition"] == "Third"
    assert back["lee2019"].type == "document"
    for record in library:
        returned = back[record.key]
        for variable, value in record.fields.items():
            if (record.key, variable) in lost:
                continue
            got = returned.get(variable)
            if isinstance(value, str) and isinstance(got, str):
                got = strip_markup(got)  # the braces that protect capitals read back as spans
            assert got == value, (record.key, variable)


def test_classic_names_alone_need_no_trailing_comma_that_bibtex_calls_an_error() -> None:
    """``{yoonsubKim},`` made bibtex report "has a comma at the end" (cdl.bib)."""
    text = "@article{k, author={yoonsubKim and a B Ellman and {Uría Ríu}, and Doe, Jane}}"
    library = read_string(text, "biblatex").library
    classic = write(library, dialect="bibtex")
    assert "author = {yoonsubKim and a B Ellman and Uría Ríu, and Doe, Jane}" in classic
    back = read_string(classic, "biblatex").library["k"]
    assert back["author"] == library["k"]["author"]


# -- titles: the writer braces exactly what the reader would lower (issue 12) -------------

#: Title-case titles a BibTeX round trip lowered before the writer braced them
#: ("Journal of Experimental Psychology: General" came back "Journal of
#: experimental psychology: General" from any booktitle).
TITLE_CASE = {
    "title": "The Google File System: A Study",
    "container-title": "Journal of Experimental Psychology: General",
    "collection-title": "Lecture Notes in Computer Science",
    "event-title": "Annual Meeting of the Association",
    "original-title": "Der Große Krieg Und Europa",
    "volume-title": "The Early Years of NATO",
    "title-short": "Google File System",
}


def _title_records() -> list[dict[str, object]]:
    """One record of every CSL type, each title variable in title case."""
    from citekit.model.records import ITEM_TYPES

    return [
        {"id": f"r{n}", "type": csl_type, **TITLE_CASE} for n, csl_type in enumerate(ITEM_TYPES)
    ]


@pytest.mark.parametrize("source", ["csljson", "cslyaml", "ris"])
def test_every_title_from_another_format_survives_a_bibtex_round_trip(source: str) -> None:
    """Whatever field a title is written to, it reads back with every letter's case,
    or the loss report names it (a field BibTeX has no place for on that type)."""
    from citekit.formats.loss import loss_report

    first = read_string(json.dumps(_title_records()), "csljson").library
    library = read_string(write_string(first, source), source).library
    written = write(library)
    back = read_string(written, "biblatex").library
    lost = {(loss.key, loss.field) for loss in loss_report(library, "biblatex", written).lost}
    compared = 0
    for record in library:
        for variable in TITLE_CASE:
            value = record.get(variable)
            if not isinstance(value, str) or (record.key, variable) in lost:
                continue
            got = back[record.key].get(variable)
            assert isinstance(got, str), (record.type, variable)
            assert strip_markup(got) == strip_markup(value), (record.type, variable, written)
            compared += 1
    assert compared > 5 * len(library)  # most titles have a field on most types


def test_a_book_container_written_as_booktitle_has_its_capitals_braced() -> None:
    """The finding: ``container-title`` of a paper-conference became ``J c``."""
    library = read_string('[{"id": "a", "container-title": "J C"}]', "csljson").library
    written = write(library)
    assert "booktitle = {J {C}}" in written
    back = read_string(written, "biblatex").library["a"]
    assert strip_markup(back["container-title"]) == "J C"
    assert back.custom.get("biblatex", {}).get("@titlecase") is None  # nothing to convert


def test_a_periodical_name_is_written_as_typed() -> None:
    """journaltitle keeps its case on reading, so it gets no braces."""
    record = Record(
        "a", "article-journal", {"title": "On NATO", "container-title": "Journal of Peace Research"}
    )
    written = write(Library([record]))
    assert "journaltitle = {Journal of Peace Research}" in written
    assert "title        = {On {NATO}}" in written


def test_a_bibtex_title_is_given_back_as_typed_without_braces() -> None:
    """A title the reader converted is restored from ``@titlecase``, unbraced;
    a title-case title the reader never saw (moved in from CSL-JSON) is braced."""
    library = read_string(
        "@incollection{k, title={The Big Red Book}, booktitle={Some Book}}", "biblatex"
    ).library
    assert library["k"]["title"] == "The big red book"
    written = write(library)
    assert "title     = {The Big Red Book}" in written
    assert "booktitle = {Some Book}" in written
    library["k"].fields["container-title"] = "Proceedings of Big Conf"  # edited
    written = write(library)
    assert "booktitle = {Proceedings of {Big} {Conf}}" in written
    back = read_string(written, "biblatex").library["k"]
    assert strip_markup(back["container-title"]) == "Proceedings of Big Conf"


# -- values CSL-JSON does not hold as text (issue 12) --------------------------------------


def test_non_text_values_are_never_written_as_python_repr() -> None:
    """``"page": true`` was written ``pages = {True}``, a note ``{'a': 1}``, null ``None``."""
    from citekit.formats.loss import loss_report

    text = json.dumps(
        [
            {
                "id": "a",
                "type": "book",
                "note": {"a": 1},
                "page": True,
                "volume": [],
                "edition": 2,
                "number": 2.5,
                "title": None,
            }
        ]
    )
    library = read_string(text, "csljson").library
    written = write(library)
    for repr_text in ("True", "{'a'", "[]", "None"):
        assert repr_text not in written
    back = read_string(written, "biblatex").library["a"]
    assert back["edition"] == "2"  # a number is its digits
    assert back["number"] == "2.5"
    assert back.get("page") is None and back.get("note") is None
    lost = {loss.field for loss in loss_report(library, "biblatex", written).lost}
    assert lost == {"note", "page"}  # what held something is named; empties were nothing


def test_a_null_from_csl_yaml_is_left_out() -> None:
    library = read_string("- id: a\n  type: book\n  note:\n  volume: 3\n", "cslyaml").library
    written = write(library)
    assert "note" not in written and "None" not in written
    assert "volume = {3}" in written


# -- empty fields (issue 12) --------------------------------------------------------------


def test_an_empty_field_of_a_crossref_child_is_not_inherited_on_reading_back() -> None:
    text = (
        "@book{c, title={C}, crossref={p}, publisher={}}\n@book{p, title={P}, publisher={IEEE}}\n"
    )
    library = read_string(text, "biblatex").library
    assert library["c"]["publisher"] == ""
    written = write(library)
    assert "publisher = {}," in written
    back = read_string(written, "biblatex").library
    assert back["c"]["publisher"] == ""
    assert back["p"]["publisher"] == "IEEE"


def test_an_empty_publisher_is_not_filled_by_organization_on_reading_back() -> None:
    library = read_string("@misc{k, organization={E}, publisher={}}", "biblatex").library
    written = write(library)
    back = read_string(written, "biblatex").library["k"]
    assert back["publisher"] == ""
    assert back.custom["biblatex"]["organization"] == "E"
    assert back.to_json() == library["k"].to_json()


def test_an_empty_field_is_replaced_by_a_value_for_the_same_field() -> None:
    """``issue`` and ``number`` share fields: an empty one never hides the other."""
    record = Record("k", "article-journal", {"issue": "", "number": "7"})
    back = read_string(write(Library([record])), "biblatex").library["k"]
    assert "7" in (back.get("issue"), back.get("number"))


def test_a_lower_case_subtitle_behind_punctuation_reads_back_as_written() -> None:
    """A fuzz find: ``: )) the role`` came back as ``: )) The role``; the writer
    braces what the reader would capitalise, by the reader's own rule."""
    from citekit.formats import read_string, write_string

    library = read_string(
        '[{"id":"a","type":"book","title":"Building bridges: )) the role"}]', "csljson"
    ).library
    back = read_string(write_string(library, "biblatex"), "biblatex").library["a"]
    assert back.get("title") == "Building bridges: )) the role"


@pytest.mark.parametrize("csl_type", sorted(bm.SUBTYPE_OF_CSL))
def test_a_type_written_as_an_entry_subtype_reads_back_as_itself(csl_type: str) -> None:
    """CSL types BibLaTeX has no type for (a preprint, a speech) survive a round trip."""
    btype, subtype = bm.SUBTYPE_OF_CSL[csl_type]
    record = Record("w", csl_type, {"title": "A work", "issued": {"date-parts": [[2021]]}})
    text = write(Library([record]))
    assert text.startswith(f"@{btype}{{w,")
    assert re.search(rf"entrysubtype\s*=\s*\{{{subtype}\}}", text), text
    back = read_string(text, "biblatex").library["w"]
    assert back.type == csl_type


def test_a_preprint_is_a_misc_marked_preprint_as_pandoc_writes_misc() -> None:
    record = Record("p", "article", {"title": "A preprint", "publisher": "arXiv"})
    text = write(Library([record]))
    assert text.startswith("@misc{p,")
    assert read_string(text, "biblatex").library["p"].type == "article"


def _through_csl_json(bib: str) -> str:
    """A .bib converted to CSL-JSON and that back to BibLaTeX, as ``convert`` does."""
    library = read_string(bib, "biblatex").library
    back = read_string(write_string(library, "csljson"), "csljson").library
    return write_string(back, "biblatex", diagnostics=[])


@pytest.mark.parametrize("langid", ["", ", langid={english}"])
@pytest.mark.parametrize(
    ("field", "tex"),
    [
        ("title", r"The \MaxMinAntSystem{} algorithm"),
        ("title", r"Over Tests in \SI{5}{\milli\second}"),
        ("note", r"Run \switchargs{--90}{1968} here"),
        ("title", r"Using \texttt{grep} and \textsf{sed} with \emph{care}"),
        ("note", r"Run \texttt{make} in {\tt /tmp} \mbox{now}"),
        ("title", r"On $\binom{n}{k}$ and $\epsilon$ things"),
    ],
)
def test_tex_kept_as_written_survives_csl_json_with_or_without_other_custom_data(
    field: str, tex: str, langid: str
) -> None:
    """Commands kept as written, font commands CSL has no markup for and math come
    back exactly, whether or not the record had anything else in ``custom``
    (a record without it used to have every backslash written as text)."""
    bib = f"@article{{z, title={{T}}, journaltitle={{J}}, date=2000{langid}, {field}={{{tex}}}}}"
    bib = bib.replace("title={T}, ", "") if field == "title" else bib
    for written in (
        _through_csl_json(bib),
        write_string(read_string(bib, "biblatex").library, "biblatex"),
    ):
        assert _fields(written)[field] == "{" + tex + "}"


def test_a_kept_command_with_tex_in_its_arguments_is_written_whole() -> None:
    """``\\SI{5}{\\milli\\second}`` was written ``\\SI{5}\\{\\milli\\second\\}`` once the
    title had changed since reading (so the raw value no longer applied)."""
    record = read_string(
        r"@article{w, title={Tests in \SI{5}{\milli\second}}, langid={english}}", "biblatex"
    ).library["w"]
    record.fields["title"] = record.fields["title"].replace("Tests", "Runs")
    written = _fields(write(Library([record])))["title"]
    assert r"\SI{5}{\milli\second}" in written


def test_dollars_in_text_not_from_tex_are_dollars() -> None:
    """CSL-JSON has no math: ``$5 to $10`` was written as math (LaTeX typeset
    "5 to" in italics and citekit read back a nocase span)."""
    record = Record(
        "d1",
        "article-journal",
        {
            "title": "Prices rose from $5 to $10 in 2001",
            "container-title": "J",
            "note": "From $5 to $10",
        },
    )
    written = write(Library([record]))
    fields = _fields(written)
    assert r"\$5 to \$10" in fields["title"]
    assert fields["note"] == r"{From \$5 to \$10}"
    back = read_string(written, "biblatex").library["d1"]
    assert back.fields["note"] == "From $5 to $10"
    assert strip_markup(back.fields["title"]) == "Prices rose from $5 to $10 in 2001"


def test_line_breaks_round_trip_as_par_and_newline() -> None:
    """A note's ``variable: value`` lines and an abstract's paragraphs came back
    run together: a .bib value's own line breaks are spaces."""
    note = "original-date: 1867\nISBN: 978-0-14-044568-8"
    record = Record("n", "book", {"title": "T", "note": note, "abstract": "One.\n\nTwo."})
    written = write(Library([record]))
    assert _fields(written)["note"] == r"{original-date: 1867\newline ISBN: 978-0-14-044568-8}"
    assert _fields(written)["abstract"] == r"{One.\par Two.}"
    back = read_string(written, "biblatex").library["n"]
    assert (back.fields["note"], back.fields["abstract"]) == (note, "One.\n\nTwo.")
