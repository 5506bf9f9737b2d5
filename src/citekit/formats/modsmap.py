"""The MODS <-> CSL mapping: types, roles and identifiers, read both ways.

MODS (the Library of Congress's Metadata Object Description Schema, v3)
says what a thing is in three places: ``<genre>`` (a term from an
authority: MARC's ``marcgt`` list, bibutils' own terms, or Zotero's item
type under ``authority="local"``), ``<typeOfResource>`` (text, cartographic,
moving image, ...) and the genre or issuance of the ``<relatedItem
type="host">`` it appeared in (a ``journal`` host makes an article).  The
reader tries them in that order (:func:`csl_type`); the writer writes all of
them, the local genre being the one that reads back exactly.

The Zotero item types are those of Zotero's schema, and their CSL types the
ones Zotero's own CSL export gives; the marcgt terms are from the MARC Genre
Term List; the host genres are those Zotero's and bibutils' MODS exports
write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citekit.model.records import ITEM_TYPES

#: The MODS v3 namespace.
NS = "http://www.loc.gov/mods/v3"
#: Where unmapped elements are kept (as XML text) so the writer gives them back.
CUSTOM_KEY = "mods"


_MODS_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?mods(?:Collection)?[\s>/]")


def looks_like_mods(text: str) -> bool:
    """Whether text is MODS: a ``mods``/``modsCollection`` root element in the
    first few kilobytes, in MODS's namespace (or in none, as some tools write)."""
    head = text[:8192]
    match = _MODS_ROOT.search(head)
    if match is None:
        return False
    before = head[: match.start()]
    return "<" not in before.replace("<?", "").replace("<!", "") and (
        NS in head or "xmlns" not in head[match.start() : match.start() + 400]
    )


@dataclass(frozen=True, slots=True)
class TypeRow:
    """One CSL type and how MODS describes it."""

    csl: str
    local: str | None = None
    """Zotero's item type, written as ``<genre authority="local">``."""
    marcgt: str | None = None
    """The MARC genre term written as ``<genre authority="marcgt">``."""
    resource: str = "text"
    """``<typeOfResource>``."""
    host_genre: str | None = None
    """The marcgt genre of the host (journal, book) for contained types."""
    host_issuance: str | None = None


TYPE_TABLE: tuple[TypeRow, ...] = (
    TypeRow(
        "article-journal",
        "journalArticle",
        "article",
        host_genre="journal",
        host_issuance="continuing",
    ),
    TypeRow(
        "article-magazine",
        "magazineArticle",
        "article",
        host_genre="magazine",
        host_issuance="continuing",
    ),
    TypeRow(
        "article-newspaper",
        "newspaperArticle",
        "article",
        host_genre="newspaper",
        host_issuance="continuing",
    ),
    TypeRow("book", "book", "book"),
    TypeRow("chapter", "bookSection", host_genre="book", host_issuance="monographic"),
    TypeRow(
        "paper-conference",
        "conferencePaper",
        "conference publication",
        host_genre="conference publication",
        host_issuance="monographic",
    ),
    TypeRow("thesis", "thesis", "thesis"),
    TypeRow("report", "report", "technical report"),
    TypeRow("webpage", "webpage", "web site", host_genre="web site"),
    TypeRow("post-weblog", "blogPost", host_genre="web site"),
    TypeRow("post", "forumPost", host_genre="web site"),
    TypeRow(
        "entry-encyclopedia",
        "encyclopediaArticle",
        host_genre="encyclopedia",
        host_issuance="monographic",
    ),
    TypeRow(
        "entry-dictionary", "dictionaryEntry", host_genre="dictionary", host_issuance="monographic"
    ),
    TypeRow("motion_picture", "film", "motion picture", "moving image"),
    TypeRow("broadcast", "tvBroadcast", None, "moving image"),
    TypeRow("patent", "patent", "patent"),
    TypeRow("legal_case", "case", "legal case and case notes"),
    TypeRow("legislation", "statute", "legislation"),
    TypeRow("bill", "bill"),
    TypeRow("hearing", "hearing"),
    TypeRow("map", "map", "map", "cartographic"),
    TypeRow("graphic", "artwork", "art original", "still image"),
    TypeRow("song", "audioRecording", None, "sound recording"),
    TypeRow("musical_score", None, None, "notated music"),
    TypeRow("software", "computerProgram", None, "software, multimedia"),
    TypeRow("dataset", "dataset", "numeric data"),
    TypeRow("manuscript", "manuscript"),
    TypeRow("personal_communication", "letter", "letter"),
    TypeRow("interview", "interview", "interview"),
    TypeRow("speech", "presentation", "speech"),
    TypeRow("standard", "standard", "standard or specification"),
    TypeRow("treaty", None, "treaty"),
    TypeRow("periodical", None, "periodical"),
    TypeRow("review", None, "review"),
    TypeRow("article", "preprint"),
    TypeRow("document", "document"),
)

_BY_CSL = {row.csl: row for row in TYPE_TABLE}
_LOCAL = {row.local.casefold(): row.csl for row in TYPE_TABLE if row.local}
#: Extra Zotero item types read (several fold into one CSL type).
_LOCAL.update(
    {
        "radiobroadcast": "broadcast",
        "podcast": "song",
        "videorecording": "motion_picture",
        "email": "personal_communication",
        "instantmessage": "personal_communication",
        "presentation": "speech",
        "attachment": "document",
        "note": "document",
    }
)

#: Item genres (marcgt, bibutils and common free text) to CSL types.
GENRES: dict[str, str] = {row.marcgt: row.csl for row in reversed(TYPE_TABLE) if row.marcgt}
GENRES.update(
    {
        "article": "article-journal",
        "journal article": "article-journal",
        "book": "book",
        "book chapter": "chapter",
        "collection": "book",
        "conference publication": "paper-conference",
        "conference paper": "paper-conference",
        "thesis": "thesis",
        "ph.d. thesis": "thesis",
        "masters thesis": "thesis",
        "report": "report",
        "technical report": "report",
        "web page": "webpage",
        "web site": "webpage",
        "videorecording": "motion_picture",
        "film": "motion_picture",
        "newspaper article": "article-newspaper",
        "magazine article": "article-magazine",
        "encyclopedia article": "entry-encyclopedia",
        "dictionary entry": "entry-dictionary",
        "legal case": "legal_case",
        "statute": "legislation",
        "unpublished": "manuscript",
        "computer program": "software",
        "dataset": "dataset",
        "database": "dataset",
        "communication": "personal_communication",
        "government publication": "report",
    }
)

#: Host genres to the CSL type of what they contain.
HOST_GENRES: dict[str, str] = {
    "journal": "article-journal",
    "academic journal": "article-journal",
    "periodical": "article-journal",
    "magazine": "article-magazine",
    "newspaper": "article-newspaper",
    "book": "chapter",
    "collection": "chapter",
    "conference publication": "paper-conference",
    "encyclopedia": "entry-encyclopedia",
    "dictionary": "entry-dictionary",
    "web site": "webpage",
    "series": "book",
}

#: ``<typeOfResource>`` values to CSL types (``text`` says nothing).
RESOURCES: dict[str, str] = {
    row.resource: row.csl for row in reversed(TYPE_TABLE) if row.resource != "text"
}
RESOURCES.update(
    {
        "sound recording-musical": "song",
        "sound recording-nonmusical": "song",
        "three dimensional object": "graphic",
        "mixed material": "document",
    }
)

#: Types whose container, editors and part (volume, pages) belong to a host item.
CONTAINED = frozenset(row.csl for row in TYPE_TABLE if row.host_genre) | {"legal_case"}


def row_for_csl(csl: str) -> TypeRow:
    """The MODS description of a CSL type (a local genre of the type's own name
    for types Zotero lacks)."""
    return _BY_CSL.get(csl, TypeRow(csl))


def local_genre(csl: str) -> str:
    """The ``authority="local"`` genre written for a CSL type."""
    return row_for_csl(csl).local or csl


def csl_from_local(value: str) -> str | None:
    """A local genre (Zotero's item type, or a CSL type name) as a CSL type."""
    text = value.strip()
    if text.casefold() in _LOCAL:
        return _LOCAL[text.casefold()]
    return text if text in ITEM_TYPES else None


# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------

#: (MARC relator code, relator term, CSL variable); the first row for a
#: variable is written; roles are matched by code or term.
ROLE_TABLE: tuple[tuple[str, str, str], ...] = (
    ("aut", "author", "author"),
    ("cre", "creator", "author"),
    ("edt", "editor", "editor"),
    ("trl", "translator", "translator"),
    ("ctb", "contributor", "contributor"),
    ("ill", "illustrator", "illustrator"),
    ("cmp", "composer", "composer"),
    ("drt", "director", "director"),
    ("ivr", "interviewer", "interviewer"),
    ("rcp", "addressee", "recipient"),
    ("rcp", "recipient", "recipient"),
    ("com", "compiler", "compiler"),
    ("cur", "curator", "curator"),
    ("nrt", "narrator", "narrator"),
    ("org", "organizer", "organizer"),
    ("prf", "performer", "performer"),
    ("pro", "producer", "producer"),
    ("aus", "screenwriter", "script-writer"),
    ("pbd", "publishing director", "editorial-director"),
    ("inv", "inventor", "author"),
    ("ive", "interviewee", "author"),
    ("prg", "programmer", "author"),
    ("art", "artist", "author"),
)

_ROLE_IN: dict[str, str] = {}
_ROLE_OUT: dict[str, tuple[str, str]] = {}
for _code, _term, _variable in ROLE_TABLE:
    _ROLE_IN.setdefault(_code, _variable)
    _ROLE_IN.setdefault(_term, _variable)
    _ROLE_OUT.setdefault(_variable, (_code, _term))


def role_variable(role: str) -> str | None:
    """The CSL variable of a role term or MARC relator code."""
    return _ROLE_IN.get(role.strip().casefold())


def role_terms(variable: str) -> tuple[str, str] | None:
    """(code, term) written for a name variable, or None when MODS has no role."""
    return _ROLE_OUT.get(variable)


# ---------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------

#: ``<identifier type=...>`` to CSL variables (``uri`` only when no URL).
IDENTIFIERS: dict[str, str] = {
    "doi": "DOI",
    "isbn": "ISBN",
    "issn": "ISSN",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "uri": "URL",
}
#: The identifier written for each variable.
IDENTIFIER_TYPES: dict[str, str] = {
    "DOI": "doi",
    "ISBN": "isbn",
    "ISSN": "issn",
    "PMID": "pmid",
    "PMCID": "pmcid",
}
#: Part details to CSL variables.
DETAILS: dict[str, str] = {
    "volume": "volume",
    "issue": "issue",
    "number": "issue",
    "chapter": "chapter-number",
    "section": "section",
}
DETAIL_TYPES: dict[str, str] = {
    "volume": "volume",
    "issue": "issue",
    "chapter-number": "chapter",
    "section": "section",
}


def csl_type(
    local: list[str],
    genres: list[str],
    host_genres: list[str],
    host_issuance: str | None,
    resources: list[str],
    manuscript: bool,
    issuance: str | None,
    has_host: bool,
) -> str:
    """The CSL type from every place MODS says what a thing is, best first."""
    for value in local:
        found = csl_from_local(value)
        if found:
            return found
    # "periodical" only says the host is a serial: a more specific genre wins
    ranked = sorted(host_genres, key=lambda genre: genre == "periodical")
    host_type = next((HOST_GENRES[g] for g in ranked if g in HOST_GENRES), None)
    for genre in genres:
        found = GENRES.get(genre)
        if found == "article-journal" and genre == "article" and host_type:
            return host_type
        if found:
            return found
    if host_type:
        return host_type
    if host_issuance in ("continuing", "serial"):
        return "article-journal"
    if has_host and host_issuance:
        return "chapter"
    if manuscript:
        return "manuscript"
    for resource in resources:
        if resource in RESOURCES:
            return RESOURCES[resource]
    return "book" if issuance in ("monographic", "single unit") else "document"


__all__ = [
    "CONTAINED",
    "CUSTOM_KEY",
    "DETAILS",
    "DETAIL_TYPES",
    "GENRES",
    "HOST_GENRES",
    "IDENTIFIERS",
    "IDENTIFIER_TYPES",
    "NS",
    "RESOURCES",
    "ROLE_TABLE",
    "TYPE_TABLE",
    "TypeRow",
    "csl_from_local",
    "csl_type",
    "local_genre",
    "looks_like_mods",
    "role_terms",
    "role_variable",
    "row_for_csl",
]
