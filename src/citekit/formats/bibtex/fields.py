"""The one two-way table between BibLaTeX/BibTeX and CSL-JSON.

Reader and writer both read these tables, so a mapping changes in one place.
Types: every BibLaTeX type and the classic BibTeX ones, with the CSL type they
read as and the type the writer gives back for each dialect.  Fields: each
BibLaTeX field with its CSL variable and how its value is treated (``kind``).
A few rules depend on the entry (``number`` is an article's issue but a
report's number, and an article's ``eid`` is its CSL ``number``; titles
combine with subtitles); those rows have a kind the
reader handles in code, documented here.

Choices compared with pandoc 2.17 (``../shared/reference/pandoc-csljson``):
``misc``/``set``/``conference`` read as ``document``/``paper-conference``
where pandoc writes an empty (invalid) type; ``periodical`` is CSL
``periodical``; the original BibLaTeX type is kept in
``custom.biblatex["@type"]`` whenever the writer could not infer it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from citekit.base.patterns import lazy_pattern
from citekit.base.valueclass import value_class
from citekit.styles.language_tags import language_of

FieldKind = Literal[
    "names",  # a name list -> list[Name]
    "title",  # text whose braces protect case -> nocase spans
    "text",  # text, braces dropped
    "number",  # volume, edition ...: text, braces dropped
    "range",  # pages: en dashes become "-"
    "verbatim",  # URLs, DOIs: no LaTeX decoding beyond \_ \% \& \#
    "list",  # biblatex literal lists (publisher, location): "A and B" -> "A; B"
    "key",  # localisation keys (type = {phdthesis}) -> English text
    "lang",  # langid / language -> BCP 47
    "date",  # EDTF / year+month+day -> Date
    "special",  # handled in code: title parts, number, publisher fields ...
    "quote",  # citekit quotation fields -> custom[...] (plain text)
]


@value_class
class TypeRule:
    """One BibLaTeX entry type: its CSL type and the classic BibTeX type to write."""

    biblatex: str
    csl: str
    bibtex: str
    chapter_like: bool = False  # a part of a book: booktitle is the container


TYPE_RULES: tuple[TypeRule, ...] = (
    TypeRule("article", "article-journal", "article"),
    TypeRule("book", "book", "book"),
    TypeRule("mvbook", "book", "book"),
    TypeRule("inbook", "chapter", "inbook", chapter_like=True),
    TypeRule("bookinbook", "chapter", "inbook", chapter_like=True),
    TypeRule("suppbook", "chapter", "inbook", chapter_like=True),
    TypeRule("booklet", "pamphlet", "booklet"),
    TypeRule("collection", "book", "book"),
    TypeRule("mvcollection", "book", "book"),
    TypeRule("incollection", "chapter", "incollection", chapter_like=True),
    TypeRule("suppcollection", "chapter", "incollection", chapter_like=True),
    TypeRule("dataset", "dataset", "misc"),
    TypeRule("manual", "book", "manual"),
    TypeRule("misc", "document", "misc"),
    TypeRule("online", "webpage", "misc"),
    TypeRule("patent", "patent", "misc"),
    TypeRule("periodical", "periodical", "misc"),
    TypeRule("suppperiodical", "article-journal", "article"),
    TypeRule("proceedings", "book", "proceedings"),
    TypeRule("mvproceedings", "book", "proceedings"),
    TypeRule("inproceedings", "paper-conference", "inproceedings", chapter_like=True),
    TypeRule("reference", "book", "book"),
    TypeRule("mvreference", "book", "book"),
    TypeRule("inreference", "entry-encyclopedia", "incollection", chapter_like=True),
    TypeRule("report", "report", "techreport"),
    TypeRule("set", "document", "misc"),
    TypeRule("software", "software", "misc"),
    TypeRule("thesis", "thesis", "phdthesis"),
    TypeRule("unpublished", "manuscript", "unpublished"),
    # BibLaTeX's non-standard types that styles may support
    TypeRule("artwork", "graphic", "misc"),
    TypeRule("audio", "song", "misc"),
    TypeRule("image", "graphic", "misc"),
    TypeRule("jurisdiction", "legal_case", "misc"),
    TypeRule("legislation", "legislation", "misc"),
    TypeRule("letter", "personal_communication", "misc"),
    TypeRule("movie", "motion_picture", "misc"),
    TypeRule("music", "song", "misc"),
    TypeRule("performance", "performance", "misc"),
    TypeRule("review", "review", "article"),
    TypeRule("standard", "standard", "misc"),
    TypeRule("video", "motion_picture", "misc"),
    TypeRule("commentary", "book", "book"),
)

TYPES: dict[str, TypeRule] = {rule.biblatex: rule for rule in TYPE_RULES}

# Classic BibTeX types -> (BibLaTeX type, implied ``type`` field).
BIBTEX_TYPES: dict[str, tuple[str, str | None]] = {
    "conference": ("inproceedings", None),
    "phdthesis": ("thesis", "phdthesis"),
    "mastersthesis": ("thesis", "mathesis"),
    "techreport": ("report", "techreport"),
    "www": ("online", None),
    "electronic": ("online", None),
}

# CSL type -> BibLaTeX type the writer uses when no original type was kept.
CSL_TO_BIBLATEX: dict[str, str] = {
    "article": "misc", "article-journal": "article", "article-magazine": "article",
    "article-newspaper": "article", "book": "book", "chapter": "incollection",
    "classic": "book", "collection": "collection", "dataset": "dataset",
    "document": "misc", "entry": "inreference", "entry-dictionary": "inreference",
    "entry-encyclopedia": "inreference", "event": "misc", "figure": "artwork",
    "graphic": "artwork", "hearing": "misc", "interview": "misc",
    "legal_case": "jurisdiction", "legislation": "legislation", "bill": "legislation",
    "regulation": "legislation", "treaty": "legislation", "manuscript": "unpublished",
    "map": "misc", "motion_picture": "movie", "musical_score": "misc",
    "pamphlet": "booklet", "paper-conference": "inproceedings", "patent": "patent",
    "performance": "performance", "periodical": "periodical",
    "personal_communication": "letter", "post": "online", "post-weblog": "online",
    "report": "report", "review": "review", "review-book": "review",
    "software": "software", "song": "music", "speech": "misc",
    "standard": "standard", "thesis": "thesis", "webpage": "online", "broadcast": "video",
}  # fmt: skip

# Entry subtypes that CSL knows as types, per BibLaTeX entry type: biblatex's
# own for @article, citekit's quotation records (docs/quotations.md) as @misc
# with entrysubtype speech or interview, and CSL's ``article`` (a preprint or
# working paper, Zotero's "Preprint") as @misc with entrysubtype preprint:
# BibLaTeX has no such type, pandoc writes @misc, and an @article would read
# back as a journal article.
ENTRY_SUBTYPES: dict[str, dict[str, str]] = {
    "article": {"magazine": "article-magazine", "newspaper": "article-newspaper"},
    "misc": {"speech": "speech", "interview": "interview", "preprint": "article"},
}
ARTICLE_SUBTYPES: dict[str, str] = ENTRY_SUBTYPES["article"]
# The types whose ``number`` is an issue of a periodical (CSL ``issue``) and
# whose ``eid`` is the article number (CSL ``number``), biblatex manual §2.2.2.
ARTICLE_TYPES: frozenset[str] = frozenset({"article", "periodical", "suppperiodical"})
# CSL type -> (BibLaTeX type, entrysubtype) for the writer.
SUBTYPE_OF_CSL: dict[str, tuple[str, str]] = {
    csl: (btype, subtype)
    for btype, subtypes in ENTRY_SUBTYPES.items()
    for subtype, csl in subtypes.items()
}

# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------

# Classic BibTeX field names -> BibLaTeX field names.
FIELD_ALIASES: dict[str, str] = {
    "journal": "journaltitle", "address": "location", "school": "institution",
    "annote": "annotation", "archiveprefix": "eprinttype", "primaryclass": "eprintclass",
    "key": "sortkey", "hyphenation": "langid", "pdf": "file",
}  # fmt: skip

# BibLaTeX field names -> classic BibTeX names, for dialect="bibtex".
BIBTEX_FIELD_NAMES: dict[str, str] = {
    "journaltitle": "journal",
    "location": "address",
    "annotation": "annote",
}

# Editions as classic styles print them: plain.bst writes ``edition`` and then
# " edition", so BibTeX files give the ordinal word ("Second").
ORDINAL_WORDS: tuple[str, ...] = (
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
    "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth",
    "Seventeenth", "Eighteenth", "Nineteenth", "Twentieth",
)  # fmt: skip


def ordinal_edition(number: int) -> str:
    """The classic BibTeX ``edition`` for an edition number: ``Second``, then ``21st``."""
    if 1 <= number <= len(ORDINAL_WORDS):
        return ORDINAL_WORDS[number - 1]
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


@value_class
class FieldRule:
    """One BibLaTeX field: the CSL variable it maps to and how values convert."""

    biblatex: str
    csl: str
    kind: FieldKind


FIELD_RULES: tuple[FieldRule, ...] = (
    # people
    FieldRule("author", "author", "names"),
    FieldRule("editor", "editor", "special"),  # editortype picks the role
    FieldRule("translator", "translator", "names"),
    FieldRule("bookauthor", "container-author", "names"),
    FieldRule("editora", "", "special"),  # needs editoratype
    FieldRule("editorb", "", "special"),
    FieldRule("editorc", "", "special"),
    # titles (combined with their subtitle / addon parts in code)
    FieldRule("title", "title", "special"),
    FieldRule("subtitle", "title", "special"),
    FieldRule("titleaddon", "title", "special"),
    FieldRule("maintitle", "title", "special"),  # title, or container for chapters
    FieldRule("mainsubtitle", "title", "special"),
    FieldRule("maintitleaddon", "title", "special"),
    FieldRule("booktitle", "container-title", "special"),
    FieldRule("booksubtitle", "container-title", "special"),
    FieldRule("booktitleaddon", "container-title", "special"),
    FieldRule("journaltitle", "container-title", "special"),
    FieldRule("journalsubtitle", "container-title", "special"),
    FieldRule("shorttitle", "title-short", "title"),
    FieldRule("shortjournal", "container-title-short", "title"),
    FieldRule("eventtitle", "event-title", "title"),
    FieldRule("origtitle", "original-title", "title"),
    FieldRule("series", "collection-title", "title"),
    FieldRule("issuetitle", "volume-title", "title"),
    # numbers
    FieldRule("volume", "volume", "number"),
    FieldRule("volumes", "number-of-volumes", "number"),
    FieldRule("number", "number", "special"),  # issue / collection-number / number
    # An article's issue is its ``number`` and ``issue`` ("Spring") together,
    # and its ``eid`` the article number: CSL's ``number`` of an article.
    FieldRule("issue", "issue", "special"),
    FieldRule("eid", "number", "special"),
    FieldRule("pages", "page", "range"),
    FieldRule("pagetotal", "number-of-pages", "number"),
    FieldRule("edition", "edition", "number"),
    FieldRule("version", "version", "number"),
    FieldRule("chapter", "chapter-number", "number"),
    FieldRule("part", "part", "number"),
    # publication facts
    FieldRule("publisher", "publisher", "list"),
    FieldRule("institution", "publisher", "special"),
    FieldRule("organization", "publisher", "special"),
    FieldRule("howpublished", "medium", "text"),
    FieldRule("location", "publisher-place", "list"),
    FieldRule("venue", "event-place", "text"),
    FieldRule("origlocation", "original-publisher-place", "list"),
    FieldRule("origpublisher", "original-publisher", "list"),
    # dates
    FieldRule("date", "issued", "date"),
    FieldRule("year", "issued", "special"),
    FieldRule("month", "issued", "special"),
    FieldRule("day", "issued", "special"),
    FieldRule("origdate", "original-date", "date"),
    FieldRule("origyear", "original-date", "special"),  # biblatex's legacy year form
    FieldRule("eventdate", "event-date", "date"),
    FieldRule("urldate", "accessed", "date"),
    # identifiers
    FieldRule("doi", "DOI", "verbatim"),
    FieldRule("isbn", "ISBN", "verbatim"),
    FieldRule("issn", "ISSN", "verbatim"),
    FieldRule("url", "URL", "verbatim"),
    FieldRule("pmid", "PMID", "verbatim"),
    FieldRule("pmcid", "PMCID", "verbatim"),
    FieldRule("eprint", "", "special"),  # DOI/PMID/PMCID by eprinttype
    # description
    FieldRule("langid", "language", "lang"),
    FieldRule("language", "language", "lang"),
    FieldRule("keywords", "keyword", "text"),
    FieldRule("annotation", "annote", "text"),
    FieldRule("abstract", "abstract", "text"),
    FieldRule("note", "note", "text"),
    FieldRule("pubstate", "status", "key"),
    FieldRule("type", "genre", "key"),
    FieldRule("entrysubtype", "", "special"),
    # citekit's quotation records (custom keys, plain strings)
    FieldRule("quotation", "quotation", "quote"),
    FieldRule("quotedin", "quoted-in", "quote"),
    FieldRule("quotedinlocator", "quoted-in-locator", "quote"),
    FieldRule("quotedinlabel", "quoted-in-label", "quote"),
    FieldRule("origquotation", "original-quotation", "quote"),
    FieldRule("origsource", "original-source", "quote"),
    FieldRule("occasion", "occasion", "quote"),
)

FIELDS: dict[str, FieldRule] = {rule.biblatex: rule for rule in FIELD_RULES}

#: citekit's quotation fields (kind ``quote``), in table order: tools that
#: rearrange an entry's fields keep them together as one statement.
QUOTATION_FIELDS: tuple[str, ...] = tuple(r.biblatex for r in FIELD_RULES if r.kind == "quote")

# Fields the reader keeps as written in custom.biblatex without reporting them
# as unmapped: they are parts of mapped values (subtitles), the bookkeeping the
# writer needs, or links whose meaning is the inheritance already applied.
STRUCTURAL_FIELDS: frozenset[str] = frozenset({
    "subtitle", "titleaddon", "mainsubtitle", "maintitleaddon", "booksubtitle",
    "booktitleaddon", "journalsubtitle", "crossref", "xdata", "editortype",
    "editoratype", "editorbtype", "editorctype", "eprinttype", "langidopts", "options",
})  # fmt: skip

# editortype / editoratype values -> CSL name variables.
EDITOR_TYPES: dict[str, str] = {
    "editor": "editor", "compiler": "compiler", "organizer": "organizer",
    "director": "director", "collaborator": "contributor", "translator": "translator",
    "chair": "chair", "producer": "producer", "redactor": "editorial-director",
    "founder": "contributor", "continuator": "contributor", "reviser": "contributor",
    "curator": "curator", "illustrator": "illustrator", "narrator": "narrator",
    "performer": "performer", "host": "host", "interviewer": "interviewer",
}  # fmt: skip
CSL_TO_EDITOR_TYPE: dict[str, str] = {
    "compiler": "compiler", "organizer": "organizer", "director": "director",
    "chair": "chair", "producer": "producer", "editorial-director": "redactor",
    "curator": "curator", "illustrator": "illustrator", "narrator": "narrator",
    "performer": "performer", "host": "host", "interviewer": "interviewer",
}  # fmt: skip

# eprinttype -> CSL variable for identifiers CSL knows.
EPRINT_TYPES: dict[str, str] = {
    "doi": "DOI",
    "pubmed": "PMID",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "pmc": "PMCID",
}

# eprinttype (or archiveprefix) -> the URL biblatex links the identifier to,
# as pandoc builds it (and hdl, which biblatex links and pandoc does not).
EPRINT_URLS: dict[str, str] = {
    "arxiv": "https://arxiv.org/abs/{}", "jstor": "https://www.jstor.org/stable/{}",
    "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/{}", "hdl": "https://hdl.handle.net/{}",
    "googlebooks": "https://books.google.com?id={}",
}  # fmt: skip

# biblatex's country keys (patent locations) -> the English names it prints.
COUNTRIES: dict[str, str] = {
    "countryde": "Germany", "countryeu": "European Union", "countryep": "European Union",
    "countryfr": "France", "countryuk": "United Kingdom", "countryus": "United States",
}  # fmt: skip

# Localisation keys (type, pubstate, series) -> the English text biblatex prints.
# Genres and series start with a capital: CSL styles print them at the start
# of a sentence or a bracket ("A report. Technical report 12."), never
# capitalising a variable themselves; a status ("in press") stays lower case.
KEYS: dict[str, str] = {
    "phdthesis": "PhD thesis", "mathesis": "Master's thesis",
    "mastersthesis": "Master's thesis", "candthesis": "Candidate thesis",
    "bathesis": "Bachelor's thesis", "techreport": "Technical report",
    "resreport": "Research report", "software": "Computer software",
    "datacd": "CD-ROM", "audiocd": "Audio CD", "patent": "Patent",
    "patentde": "German patent", "patenteu": "European patent",
    "patentfr": "French patent", "patentuk": "British patent", "patentus": "U.S. patent",
    "patreq": "Patent request", "patreqde": "German patent request",
    "patreqeu": "European patent request", "patreqfr": "French patent request",
    "patrequk": "British patent request", "patrequs": "U.S. patent request",
    "inpress": "in press", "inpreparation": "in preparation", "forthcoming": "forthcoming",
    "submitted": "submitted", "prepublished": "pre-published",
    "newseries": "New series", "oldseries": "Old series",
    **COUNTRIES,
}  # fmt: skip
KEYS_REVERSE: dict[str, str] = {}
for _key, _text in KEYS.items():
    KEYS_REVERSE.setdefault(_text, _key)

# babel / polyglossia language names -> BCP 47 (what CSL's language wants).
LANGUAGES: dict[str, str] = {
    "english": "en-US", "american": "en-US", "usenglish": "en-US", "british": "en-GB",
    "ukenglish": "en-GB", "canadian": "en-CA", "australian": "en-AU",
    "newzealand": "en-NZ", "german": "de-DE", "ngerman": "de-DE", "austrian": "de-AT",
    "naustrian": "de-AT", "swissgerman": "de-CH", "nswissgerman": "de-CH",
    "french": "fr-FR", "francais": "fr-FR", "canadien": "fr-CA", "spanish": "es-ES",
    "italian": "it-IT", "dutch": "nl-NL", "portuguese": "pt-PT", "portuges": "pt-PT",
    "brazil": "pt-BR", "brazilian": "pt-BR", "russian": "ru-RU", "ukrainian": "uk-UA",
    "polish": "pl-PL", "czech": "cs-CZ", "slovak": "sk-SK", "slovene": "sl-SI",
    "croatian": "hr-HR", "serbian": "sr-RS", "bulgarian": "bg-BG", "romanian": "ro-RO",
    "hungarian": "hu-HU", "magyar": "hu-HU", "greek": "el-GR", "latin": "la",
    "swedish": "sv-SE", "danish": "da-DK", "norwegian": "nb-NO", "norsk": "nb-NO",
    "nynorsk": "nn-NO", "finnish": "fi-FI", "icelandic": "is-IS", "estonian": "et-EE",
    "latvian": "lv-LV", "lithuanian": "lt-LT", "turkish": "tr-TR", "hebrew": "he-IL",
    "arabic": "ar", "persian": "fa-IR", "farsi": "fa-IR", "japanese": "ja-JP",
    "chinese": "zh-CN", "korean": "ko-KR", "catalan": "ca-AD", "basque": "eu-ES",
    "galician": "gl-ES", "welsh": "cy-GB", "irish": "ga-IE", "vietnamese": "vi-VN",
    "thai": "th-TH", "hindi": "hi-IN", "indonesian": "id-ID", "afrikaans": "af-ZA",
}  # fmt: skip
# Variants given as langidopts={variant=...}.
LANGUAGE_VARIANTS: dict[tuple[str, str], str] = {
    ("english", "american"): "en-US", ("english", "us"): "en-US",
    ("english", "british"): "en-GB", ("english", "uk"): "en-GB",
    ("english", "australian"): "en-AU", ("english", "canadian"): "en-CA",
    ("english", "newzealand"): "en-NZ", ("german", "austrian"): "de-AT",
    ("german", "swiss"): "de-CH", ("portuguese", "brazilian"): "pt-BR",
}  # fmt: skip
LANGUAGES_REVERSE: dict[str, str] = {
    "en-US": "american", "en-GB": "british", "en-CA": "canadian", "en-AU": "australian",
    "en-NZ": "newzealand", "en": "english", "de-DE": "ngerman", "de": "ngerman",
    "de-AT": "naustrian", "de-CH": "nswissgerman", "fr-FR": "french", "fr": "french",
    "fr-CA": "canadien", "pt-BR": "brazil",
}  # fmt: skip
for _name, _tag in LANGUAGES.items():
    LANGUAGES_REVERSE.setdefault(_tag, _name)
    LANGUAGES_REVERSE.setdefault(language_of(_tag), _name)

_LANGID_VARIANT = lazy_pattern(globals(), r"variant\s*=\s*([A-Za-z]+)")


def language_tag(name: str, langidopts: str | None = None) -> str | None:
    """The BCP 47 tag of a babel/polyglossia language name, None if unknown.

    ``ngerman`` -> ``de-DE``; with ``langidopts`` ``variant=british`` an
    ``english`` langid is ``en-GB``.  The reader maps ``langid``/``language``
    with it and the writer asks it whether a kept raw field still says the
    record's language, so the two cannot drift apart.
    """
    lowered = name.strip().lower()
    found = _LANGID_VARIANT.search(langidopts) if langidopts else None
    variant = found.group(1).lower() if found else ""
    return LANGUAGE_VARIANTS.get((lowered, variant)) or LANGUAGES.get(lowered)


# ---------------------------------------------------------------------------
# Inheritance (biblatex manual, appendix B: "Default Inheritance Setup")
# ---------------------------------------------------------------------------

NEVER_INHERITED: frozenset[str] = frozenset({
    "ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label",
    "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
    "shorthand", "shorthandintro", "sortkey",
})  # fmt: skip

_MAIN = {
    "title": "maintitle",
    "subtitle": "mainsubtitle",
    "titleaddon": "maintitleaddon",
    "shorttitle": None,
    "sorttitle": None,
    "indextitle": None,
    "indexsorttitle": None,
}
_BOOK = {
    "title": "booktitle",
    "subtitle": "booksubtitle",
    "titleaddon": "booktitleaddon",
    "shorttitle": None,
    "sorttitle": None,
    "indextitle": None,
    "indexsorttitle": None,
}
_JOURNAL = {
    "title": "journaltitle",
    "subtitle": "journalsubtitle",
    "shorttitle": None,
    "sorttitle": None,
    "indextitle": None,
    "indexsorttitle": None,
}

# (parent types, child types, field -> child field or None for "not inherited")
INHERITANCE: tuple[tuple[frozenset[str], frozenset[str], dict[str, str | None]], ...] = (
    (
        frozenset({"mvbook", "book"}),
        frozenset({"inbook", "bookinbook", "suppbook"}),
        {"author": "bookauthor"},
    ),
    (frozenset({"mvbook"}), frozenset({"book", "inbook", "bookinbook", "suppbook"}), _MAIN),
    (
        frozenset({"mvcollection", "mvreference"}),
        frozenset({"collection", "reference", "incollection", "inreference", "suppcollection"}),
        _MAIN,
    ),
    (frozenset({"mvproceedings"}), frozenset({"proceedings", "inproceedings"}), _MAIN),
    (frozenset({"book"}), frozenset({"inbook", "bookinbook", "suppbook"}), _BOOK),
    (
        frozenset({"collection", "reference"}),
        frozenset({"incollection", "inreference", "suppcollection"}),
        _BOOK,
    ),
    (frozenset({"proceedings"}), frozenset({"inproceedings"}), _BOOK),
    (frozenset({"periodical"}), frozenset({"article", "suppperiodical"}), _JOURNAL),
)


# Classic names inherited under their own name (a BibTeX child reads "journal").
_KEEP_NAME = frozenset(
    {
        "journal",
        "address",
        "school",
        "annote",
        "archiveprefix",
        "primaryclass",
        "pdf",
        "hyphenation",
    }
)


@lru_cache(maxsize=4096)  # pure, and asked once per inherited field of every entry
def inherited_names(field: str, parent_type: str, child_type: str) -> tuple[str, ...]:
    """The child fields a parent's field fills (none when it is not inherited).

    Special rules come first (title -> booktitle for a book's chapters); a
    parent book's author fills both the chapter's author and its bookauthor.
    """
    field = FIELD_ALIASES.get(field, field) if field not in _KEEP_NAME else field
    for parents, children, mapping in INHERITANCE:
        if parent_type in parents and child_type in children and field in mapping:
            target = mapping[field]
            if target is None:
                return ()
            return (field, target) if field == "author" else (target,)
    if field in NEVER_INHERITED:
        return ()
    return (field,)


def split_commented_field_key(key: str) -> tuple[list[str], str]:
    """The ``%`` comments run into a field's name, and the name: ``(["% c"], "doi")``.

    A ``%`` comment line inside an entry (``% TODO: check`` above ``doi =``, or
    after a field's comma) is no comment to bibtexparser, which gives the next
    field the name ``"% TODO: check\\n  doi"``.  biber skips such comments (its
    lexer reads ``%`` to the end of the line as a comment inside an entry too),
    so the name is what follows them; the comments come back as written, each
    from its ``%``, for a tool that writes the entry again.
    """
    if "%" not in key:
        return [], key
    comments: list[str] = []
    words: list[str] = []
    for line in key.split("\n"):
        at = line.find("%")
        if at >= 0:
            comments.append(line[at:].rstrip())
            line = line[:at]
        if line.strip():
            words.append(line.strip())
    return comments, " ".join(words)


def canonical_type(entry_type: str) -> tuple[str, str | None]:
    """A BibTeX or BibLaTeX type, lowercased, as (BibLaTeX type, implied ``type`` key)."""
    lowered = entry_type.lower()
    if lowered in BIBTEX_TYPES:
        return BIBTEX_TYPES[lowered]
    return lowered, None


__all__ = [
    "ARTICLE_SUBTYPES",
    "ARTICLE_TYPES",
    "BIBTEX_FIELD_NAMES",
    "BIBTEX_TYPES",
    "COUNTRIES",
    "CSL_TO_BIBLATEX",
    "CSL_TO_EDITOR_TYPE",
    "EDITOR_TYPES",
    "ENTRY_SUBTYPES",
    "EPRINT_TYPES",
    "EPRINT_URLS",
    "FIELDS",
    "FIELD_ALIASES",
    "FIELD_RULES",
    "INHERITANCE",
    "KEYS",
    "KEYS_REVERSE",
    "LANGUAGES",
    "LANGUAGES_REVERSE",
    "LANGUAGE_VARIANTS",
    "NEVER_INHERITED",
    "ORDINAL_WORDS",
    "QUOTATION_FIELDS",
    "STRUCTURAL_FIELDS",
    "SUBTYPE_OF_CSL",
    "TYPES",
    "TYPE_RULES",
    "FieldRule",
    "TypeRule",
    "canonical_type",
    "inherited_names",
    "language_tag",
    "ordinal_edition",
    "split_commented_field_key",
]
