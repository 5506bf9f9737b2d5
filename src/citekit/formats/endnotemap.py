"""The EndNote XML <-> CSL mapping: one table per concept, read both ways.

EndNote's XML export (``<xml><records><record>``) names its reference types
twice, ``<ref-type name="Journal Article">17</ref-type>``, and its fields by
element paths (``titles/secondary-title``, ``contributors/authors``) whose
meaning depends on the type: a book's secondary title is its series, a
journal article's is the journal.  As in :mod:`citekit.formats.rismap`, the
reader accepts every row that fits a type and the writer emits the first one,
so what citekit writes reads back to the same variable.

The type numbers and names are EndNote's own, as its exports write them
(checked against published exports and the EndNote type table of the reflib
library).  The CSL types follow Zotero's EndNote import (Conference
Proceedings and Conference Paper are papers, Encyclopedia and Dictionary are
entries); tests/formats/data/endnote/README.md lists where pandoc differs.
Rows with ``write=False`` are read only: several EndNote types fold into
one CSL type (Book, Edited Book and Electronic Book are all CSL ``book``).

The name helpers at the end are shared with the MODS reader: both formats
keep a family name with its particle ("van der Berg") where CSL splits it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from citekit.model.records import Name

# ---------------------------------------------------------------------------
# Reference types
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TypeRow:
    """One EndNote reference type: its number, its name and the CSL type."""

    number: int
    name: str
    csl: str
    write: bool = True


TYPE_TABLE: tuple[TypeRow, ...] = (
    TypeRow(17, "Journal Article", "article-journal"),
    TypeRow(6, "Book", "book"),
    TypeRow(5, "Book Section", "chapter"),
    TypeRow(28, "Edited Book", "book", write=False),
    TypeRow(10, "Conference Proceedings", "paper-conference"),
    TypeRow(47, "Conference Paper", "paper-conference", write=False),
    TypeRow(32, "Thesis", "thesis"),
    TypeRow(27, "Report", "report"),
    TypeRow(12, "Web Page", "webpage"),
    TypeRow(23, "Newspaper Article", "article-newspaper"),
    TypeRow(19, "Magazine Article", "article-magazine"),
    TypeRow(13, "Generic", "document"),
    TypeRow(21, "Film or Broadcast", "motion_picture"),
    TypeRow(3, "Audiovisual Material", "motion_picture", write=False),
    TypeRow(48, "Online Multimedia", "webpage", write=False),
    TypeRow(25, "Patent", "patent"),
    TypeRow(59, "Dataset", "dataset"),
    TypeRow(45, "Online Database", "dataset", write=False),
    TypeRow(55, "Aggregated Database", "dataset", write=False),
    TypeRow(9, "Computer Program", "software"),
    TypeRow(36, "Manuscript", "manuscript"),
    TypeRow(34, "Unpublished Work", "manuscript", write=False),
    TypeRow(26, "Personal Communication", "personal_communication"),
    TypeRow(31, "Statute", "legislation"),
    TypeRow(7, "Case", "legal_case"),
    TypeRow(4, "Bill", "bill"),
    TypeRow(14, "Hearing", "hearing"),
    TypeRow(20, "Map", "map"),
    TypeRow(37, "Figure", "figure"),
    TypeRow(38, "Chart or Table", "figure", write=False),
    TypeRow(39, "Equation", "figure", write=False),
    TypeRow(2, "Artwork", "graphic"),
    TypeRow(52, "Dictionary", "entry-dictionary"),
    TypeRow(53, "Encyclopedia", "entry-encyclopedia"),
    TypeRow(56, "Blog", "post-weblog"),
    TypeRow(57, "Serial", "periodical"),
    TypeRow(58, "Standard", "standard"),
    TypeRow(24, "Pamphlet", "pamphlet"),
    TypeRow(50, "Legal Rule or Regulation", "regulation"),
    TypeRow(61, "Music", "song"),
    TypeRow(49, "Classical Work", "classic"),
    TypeRow(51, "Ancient Text", "classic", write=False),
    TypeRow(43, "Electronic Article", "article-journal", write=False),
    TypeRow(44, "Electronic Book", "book", write=False),
    TypeRow(60, "Electronic Book Section", "chapter", write=False),
    TypeRow(46, "Government Document", "report", write=False),
    TypeRow(54, "Grant", "document", write=False),
    TypeRow(8, "Catalog", "document", write=False),
)

#: The EndNote type written for CSL types without a row (``Generic``).
FALLBACK = TYPE_TABLE[11]
#: The CSL type read for EndNote types the table lacks.
FALLBACK_CSL_TYPE = "document"
#: EndNote's "Edited Book": its ``authors`` are the book's editors.
EDITED_BOOK = 28

_BY_NAME = {row.name.casefold(): row for row in TYPE_TABLE}
_BY_NUMBER = {row.number: row for row in TYPE_TABLE}
_BY_CSL: dict[str, TypeRow] = {}
for _row in TYPE_TABLE:
    if _row.write:
        _BY_CSL.setdefault(_row.csl, _row)


def type_row(name: str | None, number: str | None) -> TypeRow | None:
    """The row for a ``ref-type``: by its name, else by its number."""
    if name and name.strip().casefold() in _BY_NAME:
        return _BY_NAME[name.strip().casefold()]
    if number and number.strip().isdigit():
        return _BY_NUMBER.get(int(number.strip()))
    return None


def row_for_csl(csl: str) -> TypeRow:
    """The EndNote type written for a CSL type."""
    return _BY_CSL.get(csl, FALLBACK)


# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------

#: ``text`` one string (styled); ``names`` one ``<author>`` per name;
#: ``keywords`` one ``<keyword>`` per keyword; ``year`` / ``date`` the two
#: halves of ``issued``; ``isodate`` a whole date as text; ``serial`` ISBN or
#: ISSN told apart by shape; ``url`` one ``<url>`` (the first is ``URL``).
FieldKind = Literal["text", "names", "keywords", "year", "date", "isodate", "serial", "url"]


@dataclass(frozen=True, slots=True)
class FieldRule:
    """One row: an element path below ``<record>``, its CSL variable and kind.

    ``types`` restricts the row to those CSL types, ``exclude`` keeps it from
    them; ``write=False`` rows are only read (synonyms).
    """

    path: str
    variable: str
    kind: FieldKind = "text"
    types: frozenset[str] | None = None
    exclude: frozenset[str] = frozenset()
    write: bool = True

    def fits(self, csl_type: str) -> bool:
        if csl_type in self.exclude:
            return False
        return self.types is None or csl_type in self.types


#: Types whose ``secondary-title`` is a series and ``secondary-authors`` its editors.
SERIES_SECONDARY = frozenset(
    {
        "book",
        "report",
        "software",
        "dataset",
        "map",
        "standard",
        "pamphlet",
        "classic",
        "periodical",
    }
)
#: Types whose ``number`` is the issue of a periodical.
PERIODICAL_ARTICLES = frozenset({"article-journal", "article-magazine", "article-newspaper"})

FIELD_TABLE: tuple[FieldRule, ...] = (
    FieldRule("contributors/authors", "author", "names"),
    FieldRule(
        "contributors/secondary-authors", "collection-editor", "names", types=SERIES_SECONDARY
    ),
    FieldRule(
        "contributors/secondary-authors",
        "recipient",
        "names",
        types=frozenset({"personal_communication"}),
    ),
    FieldRule("contributors/secondary-authors", "editor", "names"),
    FieldRule(
        "contributors/tertiary-authors", "collection-editor", "names", exclude=SERIES_SECONDARY
    ),
    FieldRule("contributors/subsidiary-authors", "translator", "names"),
    FieldRule("contributors/translated-authors", "translator", "names", write=False),
    FieldRule("titles/title", "title"),
    FieldRule("titles/secondary-title", "collection-title", types=SERIES_SECONDARY),
    FieldRule("titles/secondary-title", "container-title"),
    FieldRule("titles/tertiary-title", "collection-title", exclude=SERIES_SECONDARY),
    FieldRule("titles/short-title", "title-short"),
    FieldRule("titles/alt-title", "container-title-short", write=False),
    FieldRule("periodical/full-title", "container-title", types=PERIODICAL_ARTICLES),
    FieldRule("periodical/abbr-1", "container-title-short"),
    FieldRule("pages", "page"),
    FieldRule("volume", "volume"),
    FieldRule("number", "issue", types=PERIODICAL_ARTICLES),
    FieldRule("number", "number"),
    FieldRule("issue", "issue", write=False),
    FieldRule("section", "chapter-number", types=frozenset({"chapter"})),
    FieldRule("section", "section"),
    FieldRule("edition", "edition"),
    FieldRule("num-vols", "number-of-volumes"),
    FieldRule("keywords/keyword", "keyword", "keywords"),
    FieldRule("dates/year", "issued", "year"),
    FieldRule("dates/pub-dates/date", "issued", "date"),
    FieldRule("pub-location", "publisher-place"),
    FieldRule("publisher", "publisher"),
    FieldRule("orig-pub", "original-title"),
    FieldRule("isbn", "ISBN", "serial"),
    FieldRule("isbn", "ISSN", "serial"),
    FieldRule("call-num", "call-number"),
    FieldRule("work-type", "genre"),
    FieldRule("abstract", "abstract"),
    FieldRule("notes", "note"),
    FieldRule("research-notes", "annote"),
    FieldRule("urls/related-urls/url", "URL", "url"),
    FieldRule("urls/web-urls/url", "URL", "url", write=False),
    FieldRule("electronic-resource-num", "DOI"),
    FieldRule("remote-database-name", "source"),
    FieldRule("language", "language"),
    FieldRule("access-date", "accessed", "isodate"),
)

#: Paths that hold a list of ``<author>`` elements or of ``<keyword>``/``<url>``.
LIST_PATHS = frozenset(rule.path for rule in FIELD_TABLE if rule.kind == "names")
#: Element paths read by the table; their ancestors are containers.
LEAF_PATHS = frozenset(rule.path for rule in FIELD_TABLE if rule.kind != "names")
CONTAINER_PATHS = frozenset(
    "/".join(path.split("/")[:depth])
    for path in LEAF_PATHS | LIST_PATHS
    for depth in range(1, path.count("/") + 1)
)
#: Record children that are EndNote's bookkeeping, not bibliographic data.
BOOKKEEPING = frozenset({"database", "source-app", "foreign-keys"})
#: Where unmapped elements are kept (as XML text) so the writer gives them back.
CUSTOM_KEY = "endnote"


def read_rule(path: str, csl_type: str) -> FieldRule | None:
    """The first row for an element path that fits the type."""
    for rule in FIELD_TABLE:
        if rule.path == path and rule.fits(csl_type):
            return rule
    return None


def write_rules(csl_type: str) -> list[FieldRule]:
    """The rows written for a type, in table (= output) order, each variable once
    per path, and only rows whose path reads back as the same variable."""
    rules: list[FieldRule] = []
    for rule in FIELD_TABLE:
        if not (rule.write and rule.fits(csl_type)):
            continue
        back = read_rule(rule.path, csl_type)
        if back is not None and (back.variable == rule.variable or rule.kind == "serial"):
            rules.append(rule)
    return rules


_PROLOG = re.compile(
    r"^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*", re.DOTALL
)
_ENDNOTE_ROOT = re.compile(r"<xml>\s*<records>\s*(?:<record[\s>]|</records>)")


def looks_like_endnote(text: str) -> bool:
    """Whether text is EndNote XML: ``<xml><records>`` after the prolog."""
    head = text[:8192]
    match = _PROLOG.match(head)
    rest = head[match.end() :] if match else head
    return bool(_ENDNOTE_ROOT.match(rest))


# ---------------------------------------------------------------------------
# Names ("Family, Given, Suffix"), shared with MODS
# ---------------------------------------------------------------------------

_PARTICLE = re.compile(r"^((?:[a-z][\w']*\s+)+)(\S.*)$")
_DROPPING = re.compile(r"^(.*?\S)\s+((?:[a-z][\w']*)(?:\s+[a-z][\w']*)*)$")


def personal_name(family: str, given: str | None, suffix: str | None = None) -> Name:
    """A personal name with lower-case particles split off as CSL does:
    "van der Berg" is "van der" + "Berg", "Ludwig van" is "Ludwig" + "van"."""
    particle = None
    match = _PARTICLE.match(family)
    if match:
        particle, family = match.group(1).strip(), match.group(2)
    dropping = None
    split = _DROPPING.match(given) if given else None
    if split and split.group(1)[:1].isupper():
        given, dropping = split.group(1), split.group(2)
    return Name(
        family=family or None,
        given=given or None,
        dropping_particle=dropping,
        non_dropping_particle=particle,
        suffix=suffix or None,
    )


def parse_name(text: str) -> Name:
    """EndNote's ``Family, Given, Suffix``; without a comma the name is literal
    (EndNote's corporate authors), with an empty given ("Plato,") family only."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        return Name(literal=text.strip())
    return personal_name(parts[0], parts[1] or None, ", ".join(parts[2:]) or None)


def format_name(name: Name) -> str:
    """A name as EndNote writes it: ``Family, Given, Suffix`` or the literal."""
    if name.literal is not None:
        return name.literal
    parts = [name.family_with_particle, name.given_with_particle]
    if name.suffix:
        parts.append(name.suffix)
    return ", ".join(parts) if parts[1] or name.suffix else parts[0] + ","


__all__ = [
    "CUSTOM_KEY",
    "EDITED_BOOK",
    "FIELD_TABLE",
    "TYPE_TABLE",
    "FieldRule",
    "TypeRow",
    "format_name",
    "looks_like_endnote",
    "parse_name",
    "personal_name",
    "read_rule",
    "row_for_csl",
    "type_row",
    "write_rules",
]
