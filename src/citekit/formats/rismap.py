"""The RIS <-> CSL mapping: one table per direction-free concept, read both ways.

RIS has no schema worth the name: every exporter (EndNote, Zotero, Mendeley,
publishers' "download citation" buttons) bends the 2011 Research Information
Systems specification a little.  Keeping the type and tag mapping in *one*
table, consulted by both the reader and the writer, is what makes a round trip
predictable: the writer always emits the first row that fits, and the reader
accepts every row, so tags written by citekit read back to the same variable.

A row may be restricted to some CSL types (``T2`` is the container for a
journal article but the series for a book); rows are tried in order and the
first that fits wins, so specific rows come before general ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# ---------------------------------------------------------------------------
# Reference types (TY)
# ---------------------------------------------------------------------------

#: (RIS type, CSL type).  Reading accepts every row; writing uses the first
#: row for a CSL type, so the preferred RIS spelling of each type comes first.
TYPE_TABLE: tuple[tuple[str, str], ...] = (
    ("JOUR", "article-journal"),
    ("JFULL", "article-journal"),
    ("EJOUR", "article-journal"),
    ("BOOK", "book"),
    ("EBOOK", "book"),
    ("EDBOOK", "book"),
    ("WHOLE", "book"),
    ("CHAP", "chapter"),
    ("ECHAP", "chapter"),
    ("CONF", "paper-conference"),
    ("CPAPER", "paper-conference"),
    ("THES", "thesis"),
    ("RPRT", "report"),
    ("ELEC", "webpage"),
    ("WEB", "webpage"),
    ("NEWS", "article-newspaper"),
    ("MGZN", "article-magazine"),
    ("GEN", "document"),
    ("BLOG", "post-weblog"),
    ("DATA", "dataset"),
    ("COMP", "software"),
    ("PAT", "patent"),
    ("CASE", "legal_case"),
    ("BILL", "bill"),
    ("STAT", "legislation"),
    ("MAP", "map"),
    ("MPCT", "motion_picture"),
    ("VIDEO", "motion_picture"),
    ("SOUND", "song"),
    ("MUSIC", "musical_score"),
    ("PCOMM", "personal_communication"),
    ("ICOMM", "personal_communication"),
    ("UNPB", "manuscript"),
    ("MANSCPT", "manuscript"),
    ("HEAR", "hearing"),
    ("DICT", "entry-dictionary"),
    ("ENCYC", "entry-encyclopedia"),
    ("ART", "graphic"),
    ("STAND", "standard"),
    ("PAMP", "pamphlet"),
    ("SER", "periodical"),
    ("JFULL", "periodical"),
    ("INPR", "article"),
    ("ABST", "article"),
    ("GOVDOC", "report"),
    ("SLIDE", "speech"),
    ("CTLG", "document"),
    ("AGGR", "dataset"),
)

#: The RIS type written for CSL types that have no row above.
FALLBACK_RIS_TYPE = "GEN"
#: The CSL type read for RIS types that have no row above.
FALLBACK_CSL_TYPE = "document"

_RIS_TO_CSL: dict[str, str] = {}
_CSL_TO_RIS: dict[str, str] = {}
for _ris, _csl in TYPE_TABLE:
    _RIS_TO_CSL.setdefault(_ris, _csl)
    _CSL_TO_RIS.setdefault(_csl, _ris)


def csl_type(ris_type: str) -> str | None:
    """The CSL type for a ``TY`` value, or None when the table lacks it."""
    return _RIS_TO_CSL.get(ris_type.strip().upper())


def ris_type(csl: str) -> str:
    """The ``TY`` value written for a CSL type."""
    return _CSL_TO_RIS.get(csl, FALLBACK_RIS_TYPE)


# ---------------------------------------------------------------------------
# Tags
# ---------------------------------------------------------------------------

#: How a tag's value is read and written:
#: ``text`` one string; ``name`` one name per line ("Family, Given, Suffix");
#: ``date`` "YYYY/MM/DD/other"; ``year`` the year only; ``page-first`` /
#: ``page-last`` the two halves of ``page``; ``keyword`` one keyword per line;
#: ``serial`` ISBN or ISSN, told apart by the value itself.
TagKind = Literal["text", "name", "date", "year", "page-first", "page-last", "keyword", "serial"]


@dataclass(frozen=True, slots=True)
class TagRule:
    """One row: a RIS tag, the CSL variable it holds, and how to convert it.

    ``types`` restricts the row to those CSL types; ``write`` is False for
    tags that are only accepted on input (synonyms and legacy spellings).
    """

    tag: str
    variable: str
    kind: TagKind = "text"
    types: frozenset[str] | None = None
    write: bool = True

    def fits(self, csl_type: str) -> bool:
        return self.types is None or csl_type in self.types


_BOOKS = frozenset({"book", "report", "thesis", "manuscript", "pamphlet", "standard"})

TAG_TABLE: tuple[TagRule, ...] = (
    # names
    TagRule("AU", "author", "name"),
    TagRule("A1", "author", "name", write=False),
    TagRule("ED", "editor", "name"),
    TagRule("A2", "editor", "name", write=False),
    TagRule("A3", "collection-editor", "name"),
    TagRule("A4", "translator", "name"),
    # titles
    TagRule("TI", "title"),
    TagRule("T1", "title", write=False),
    TagRule("CT", "title", write=False),
    TagRule("ST", "title-short"),
    TagRule("OP", "original-title"),
    TagRule("T2", "collection-title", types=_BOOKS),
    TagRule("T2", "container-title"),
    TagRule("JF", "container-title", write=False),
    TagRule("JO", "container-title", write=False),
    TagRule("BT", "container-title", write=False),
    TagRule("J2", "container-title-short"),
    TagRule("JA", "container-title-short", write=False),
    TagRule("J1", "container-title-short", write=False),
    TagRule("T3", "collection-title"),
    # dates
    TagRule("PY", "issued", "year"),
    TagRule("DA", "issued", "date"),
    TagRule("Y1", "issued", "date", write=False),
    TagRule("Y2", "accessed", "date"),
    # numbers
    TagRule("VL", "volume"),
    TagRule("IS", "issue"),
    TagRule("CP", "issue", write=False),
    TagRule("SP", "page", "page-first"),
    TagRule("EP", "page", "page-last"),
    TagRule("ET", "edition"),
    TagRule("NV", "number-of-volumes"),
    TagRule("SE", "section"),
    TagRule("M1", "number"),
    # publication
    TagRule("PB", "publisher"),
    TagRule("CY", "publisher-place"),
    TagRule("PP", "publisher-place", write=False),
    TagRule("SN", "ISBN", "serial"),
    TagRule("SN", "ISSN", "serial"),
    TagRule("M3", "genre"),
    TagRule("LA", "language"),
    # links and identifiers
    TagRule("DO", "DOI"),
    TagRule("UR", "URL"),
    TagRule("CN", "call-number"),
    TagRule("DB", "source"),
    TagRule("DP", "archive"),
    TagRule("AV", "archive_location"),
    TagRule("LB", "citation-label"),
    # notes
    TagRule("AB", "abstract"),
    TagRule("N2", "abstract", write=False),
    TagRule("N1", "note"),
    TagRule("RN", "annote"),
    TagRule("KW", "keyword", "keyword"),
)

#: Tags with a meaning of their own in the record structure.
TYPE_TAG = "TY"
END_TAG = "ER"
ID_TAG = "ID"

#: Where tags without a row are kept, so nothing read is lost:
#: ``custom[CUSTOM_KEY] = {tag: [value, ...]}`` (written back by the writer).
CUSTOM_KEY = "ris"


def read_rule(tag: str, csl_type: str) -> TagRule | None:
    """The row a tag is read by for a record of a CSL type."""
    for rule in TAG_TABLE:
        if rule.tag == tag and rule.fits(csl_type):
            return rule
    return None


def write_rules(variable: str, csl_type: str) -> list[TagRule]:
    """The rows a CSL variable is written by (two for a page range or a date)."""
    rules: list[TagRule] = []
    seen: set[TagKind] = set()
    for rule in TAG_TABLE:
        if (
            rule.write
            and rule.variable == variable
            and rule.fits(csl_type)
            and rule.kind not in seen
        ):
            rules.append(rule)
            seen.add(rule.kind)
    return rules


def written_variables() -> frozenset[str]:
    """Every CSL variable some row can write."""
    return frozenset(rule.variable for rule in TAG_TABLE if rule.write)


__all__ = [
    "CUSTOM_KEY",
    "END_TAG",
    "FALLBACK_CSL_TYPE",
    "FALLBACK_RIS_TYPE",
    "ID_TAG",
    "TAG_TABLE",
    "TYPE_TABLE",
    "TYPE_TAG",
    "TagKind",
    "TagRule",
    "csl_type",
    "read_rule",
    "ris_type",
    "write_rules",
    "written_variables",
]
