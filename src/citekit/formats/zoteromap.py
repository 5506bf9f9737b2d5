"""The one table between Zotero's item model and CSL-JSON.

The facts come from the ``csl`` section of Zotero's global schema
(``schema.json`` in the public zotero/zotero-schema repository, version 41):
which CSL type each Zotero item type becomes, which Zotero *base* fields
fill each CSL text and date variable (in order of preference), and which CSL
name variable each creator type becomes.  Zotero's own CSL export
(``itemToCSLJSON`` in zotero/utilities) applies them with a few rules that
:mod:`citekit.formats.zotero` follows: a type-specific field (``bookTitle``,
``university``) stands for its base field (``publicationTitle``,
``publisher``) through the database's ``baseFieldMappings``; the first
non-empty field of a variable wins; the item type's primary creator type
becomes ``author`` when the table has no name for it; single-field creators
are literal names; ``shortTitle`` is written only as ``title-short``.

The table is read in both directions: :func:`variables_for_field` answers
which variable a Zotero field feeds (for the report of unmapped fields).
"""

from __future__ import annotations

import re
from typing import Any

from citekit.model.records import parse_edtf

#: Zotero item type -> CSL type.
CSL_TYPES: dict[str, str] = {
    "preprint": "article",
    "journalArticle": "article-journal",
    "magazineArticle": "article-magazine",
    "newspaperArticle": "article-newspaper",
    "bill": "bill",
    "book": "book",
    "podcast": "broadcast",
    "tvBroadcast": "broadcast",
    "radioBroadcast": "broadcast",
    "bookSection": "chapter",
    "dataset": "dataset",
    "document": "document",
    "dictionaryEntry": "entry-dictionary",
    "encyclopediaArticle": "entry-encyclopedia",
    "artwork": "graphic",
    "hearing": "hearing",
    "interview": "interview",
    "case": "legal_case",
    "statute": "legislation",
    "manuscript": "manuscript",
    "map": "map",
    "film": "motion_picture",
    "videoRecording": "motion_picture",
    "conferencePaper": "paper-conference",
    "patent": "patent",
    "letter": "personal_communication",
    "email": "personal_communication",
    "instantMessage": "personal_communication",
    "forumPost": "post",
    "blogPost": "post-weblog",
    "report": "report",
    "computerProgram": "software",
    "audioRecording": "song",
    "presentation": "speech",
    "standard": "standard",
    "thesis": "thesis",
    "webpage": "webpage",
}

#: Item types that are not bibliographic records: left out, and counted.
NOT_RECORDS: tuple[str, ...] = ("note", "attachment", "annotation")

#: CSL text variable -> Zotero base fields, the first non-empty one wins.
CSL_TEXT: dict[str, tuple[str, ...]] = {
    "abstract": ("abstractNote",),
    "archive": ("archive",),
    "archive_location": ("archiveLocation",),
    "authority": ("authority",),
    "call-number": ("callNumber", "applicationNumber"),
    "chapter-number": ("session",),
    "citation-key": ("citationKey",),
    "collection-number": ("seriesNumber",),
    "collection-title": ("seriesTitle", "series"),
    "container-title": ("publicationTitle", "reporter", "code"),
    "dimensions": ("artworkSize", "runningTime"),
    "DOI": ("DOI",),
    "edition": ("edition",),
    "event-place": ("eventPlace",),
    "event-title": ("meetingName", "conferenceName"),
    "genre": ("type", "programmingLanguage"),
    "ISBN": ("ISBN",),
    "ISSN": ("ISSN",),
    "issue": ("issue", "priorityNumbers"),
    "journalAbbreviation": ("journalAbbreviation",),
    "language": ("language",),
    "license": ("rights",),
    "medium": ("medium", "system"),
    "note": ("extra",),
    "number": ("number",),
    "number-of-pages": ("numPages",),
    "number-of-volumes": ("numberOfVolumes",),
    "original-publisher": ("originalPublisher",),
    "original-publisher-place": ("originalPlace",),
    "part-number": ("partNumber",),
    "part-title": ("partTitle",),
    "page": ("pages",),
    "PMID": ("PMID",),
    "PMCID": ("PMCID",),
    "publisher": ("publisher",),
    "publisher-place": ("place",),
    "references": ("history", "references"),
    "scale": ("scale",),
    "section": ("section", "committee"),
    "source": ("libraryCatalog",),
    "status": ("status",),
    "title": ("title",),
    "title-short": ("shortTitle",),
    "URL": ("url",),
    "version": ("versionNumber",),
    "volume": ("volume", "codeNumber"),
}

#: Item types whose ``place`` is where the event happened (Zotero's export
#: maps it to ``event-place`` for them, not ``publisher-place``).
EVENT_PLACE_TYPES: tuple[str, ...] = ("audioRecording", "presentation", "videoRecording")

#: CSL date variable -> Zotero base field.
CSL_DATES: dict[str, str] = {
    "accessed": "accessDate",
    "issued": "date",
    "submitted": "filingDate",
    "original-date": "originalDate",
}

#: Zotero creator type -> CSL name variable.
CSL_NAMES: dict[str, str] = {
    "author": "author",
    "bookAuthor": "container-author",
    "chair": "chair",
    "castMember": "performer",
    "composer": "composer",
    "contributor": "contributor",
    "creator": "author",
    "director": "director",
    "editor": "editor",
    "executiveProducer": "executive-producer",
    "guest": "guest",
    "host": "host",
    "interviewer": "interviewer",
    "narrator": "narrator",
    "originalCreator": "original-author",
    "organizer": "organizer",
    "podcaster": "host",
    "producer": "producer",
    "recipient": "recipient",
    "reviewedAuthor": "reviewed-author",
    "seriesCreator": "series-creator",
    "seriesEditor": "collection-editor",
    "scriptwriter": "script-writer",
    "translator": "translator",
}


def text_fields(item_type: str, variable: str) -> tuple[str, ...]:
    """The base fields that fill a CSL text variable for an item type, in order."""
    if item_type in EVENT_PLACE_TYPES:
        if variable == "event-place":
            return ("place",)
        if variable == "publisher-place":
            return ()
    return CSL_TEXT[variable]


def variables_for_field(item_type: str, base_field: str) -> list[str]:
    """The CSL variables a Zotero (base) field can fill: the table read backwards."""
    found = [v for v in CSL_TEXT if base_field in text_fields(item_type, v)]
    found += [v for v, f in CSL_DATES.items() if f == base_field]
    return found


def name_variable(creator_type: str, primary: str | None) -> str | None:
    """The CSL name variable of a creator type (the type's primary one is the author)."""
    variable = CSL_NAMES.get(creator_type)
    if variable is None and creator_type == primary:
        return "author"
    return variable


_ISBN = re.compile(r"^(?:97[89]-?)?(?:\d-?){9}[\dxX](?!-)\b")


def first_isbn(value: str) -> str:
    """Only the first ISBN of a field that lists several, as Zotero's export keeps."""
    match = _ISBN.match(value)
    return match.group(0) if match else value


def strip_enclosing_quotes(value: str) -> str:
    """``"A title"`` -> ``A title``: Zotero's export drops quotes around a whole value."""
    if len(value) > 1 and value[0] == '"' and value.find('"', 1) == len(value) - 1:
        return value[1:-1]
    return value


# Names --------------------------------------------------------------------

_FAMILY_PARTICLE = re.compile(r"^([^ ]+(?:-|\u02bb|\u2019| |') *)(.+)$")
_LEADING_PUNCTUATION = re.compile(r"^[-'\u02bb\u2019\s]*")


def _starts_lowercase(text: str) -> bool:
    first = _LEADING_PUNCTUATION.sub("", text)[:1]
    return bool(first) and first.upper() != first


def _family_particles(family: str) -> tuple[str, str]:
    """``van der Berg`` -> (``van der``, ``Berg``): leading lower-case words."""
    particles = ""
    rest = family
    match = _FAMILY_PARTICLE.match(rest)
    while match and _starts_lowercase(match.group(1)):
        particles += match.group(1)
        rest = match.group(2)
        match = _FAMILY_PARTICLE.match(rest)
    return particles.strip(), rest


def _given_suffix(given: str) -> tuple[str, str | None, bool]:
    """``John, Jr.`` -> (``John``, ``Jr.``, comma-suffix flag for ``,!``)."""
    match = re.search(r"\s*,(!?)\s*", given)
    if match is None:
        return given, None, False
    return given[: match.start()], given[match.end() :] or None, bool(match.group(1))


def _given_particles(given: str) -> tuple[str, str]:
    """``Ludwig van`` -> (``Ludwig``, ``van``): trailing lower-case words."""
    words = given.split(" ")
    particles: list[str] = []
    while len(words) > 1 and _starts_lowercase(words[-1]):
        particles.insert(0, words.pop())
    return " ".join(words), " ".join(particles)


def creator_name(first: str | None, last: str | None, field_mode: int | None) -> dict[str, Any]:
    """A CSL name from a row of Zotero's ``creators`` table.

    ``fieldMode`` 1 is a single-field name (an organisation): a literal.
    Two-field names get their particles split off as citeproc-js would
    (the rule Zotero's export replicates), unless the family name is quoted.
    """
    first = (first or "").strip()
    last = (last or "").strip()
    if field_mode == 1:
        return {"literal": last or first}
    if not (first and last):  # one part only: no particles to look for
        return {"family": last} if last else {"given": first}
    name: dict[str, Any] = {"family": last, "given": first}
    if len(last) > 1 and last[0] == '"' and last[-1] == '"':
        name["family"] = last[1:-1]
        return name
    particle, family = _family_particles(last)
    name["family"] = family
    if particle:
        name["non-dropping-particle"] = particle
    given, suffix, comma = _given_suffix(first)
    if suffix:
        name["suffix"] = suffix
        if comma:
            name["comma-suffix"] = True
    given, dropping = _given_particles(given)
    name["given"] = given
    if dropping:
        name["dropping-particle"] = dropping
    return name


# Dates --------------------------------------------------------------------

_SQL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: (.*))?$", re.DOTALL)
_ACCESS_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}:\d{2}Z?)?$")
_SEASONS = ("spring", "summer", "autumn", "fall", "winter")
_QUOTED = re.compile(r'^["\u201c](.+)["\u201d]$')


def _parts(year: str, month: str, day: str) -> list[int]:
    parts = [int(year)]
    if int(month):
        parts.append(int(month))
        if int(day):
            parts.append(int(day))
    return parts


def _season(original: str, year: str) -> str | None:
    """A season word left beside the year (``Spring 2019``), Zotero's ``season``."""
    rest = original.replace(year, " ").strip(" ,.").lower()
    return rest.capitalize() if rest in _SEASONS else None


def _edtf_range_or_circa(text: str) -> dict[str, Any] | None:
    """``2019-03/2019-05`` or ``1850~``: an EDTF date Zotero's export reads as EDTF.

    Zotero's SQL part keeps only the start of a range, so the typed EDTF is
    what gives the range (or the ``circa``) its CSL form.
    """
    if "/" not in text and not text.endswith("~"):
        return None
    date = parse_edtf(text)
    if date is None:
        return None
    found = date.to_json()
    if not isinstance(found, dict) or "date-parts" not in found:
        return None
    found.pop("raw", None)
    return dict(found)


def multipart_date(stored: str) -> dict[str, Any]:
    """A CSL date from Zotero's stored date, ``YYYY-MM-DD original text``.

    Zotero keeps what the user typed after the SQL date it parsed from it
    (``2019-03-15 March 15, 2019``; ``00`` for a part it did not find).  The
    parsed parts become ``date-parts``; a quoted value, or one without a
    year, stays literal (its original text), and an EDTF range or ``~``
    date typed as such keeps its range or ``circa``, as in Zotero's export.
    """
    value = stored.strip()
    match = _SQL_DATE.match(value)
    original = (match.group(4) or "").strip() if match else value
    quoted = _QUOTED.match(original)
    if quoted:
        return {"literal": quoted.group(1)}
    edtf = _edtf_range_or_circa(original)
    if edtf is not None:
        return edtf
    if match is None or not int(match.group(1)):
        return {"literal": original or value}
    year, month, day = match.group(1), match.group(2), match.group(3)
    date: dict[str, Any] = {"date-parts": [_parts(year, month, day)]}
    if not int(month):
        season = _season(original, str(int(year)))
        if season:
            date["season"] = season
    return date


def access_date(stored: str) -> dict[str, Any]:
    """A CSL date from an access date (SQL ``YYYY-MM-DD hh:mm:ss``, UTC)."""
    match = _ACCESS_DATE.match(stored.strip())
    if match is None:
        return multipart_date(stored)
    return {"date-parts": [_parts(match.group(1), match.group(2), match.group(3))]}


__all__ = [
    "CSL_DATES",
    "CSL_NAMES",
    "CSL_TEXT",
    "CSL_TYPES",
    "EVENT_PLACE_TYPES",
    "NOT_RECORDS",
    "access_date",
    "creator_name",
    "first_isbn",
    "multipart_date",
    "name_variable",
    "strip_enclosing_quotes",
    "text_fields",
    "variables_for_field",
]
