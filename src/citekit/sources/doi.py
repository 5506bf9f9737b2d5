"""DOIs to records: CSL-JSON by content negotiation at doi.org.

doi.org hands a request with ``Accept: application/vnd.citationstyles.csl+json``
to the DOI's registration agency (Crossref, DataCite, mEDRA, ...), each of
which answers with its own dialect of CSL-JSON.  :func:`record_from_csl`
turns any of them (and the NCBI exporter's, see :mod:`.pubmed`) into a plain
citekit record: the agencies' extra keys (``reference-count``, ``license``,
``sequence``, ``affiliation`` ...) go, lists become the single values CSL
wants, ``name`` becomes ``literal``, dates with no parts are dropped, page
ranges get a plain hyphen as the BibTeX reader stores them, and JATS markup
in abstracts is removed.

Titles are kept as the source has them.  Crossref's are "as published"
(title case for most English journals, sentence case for others), and no
rule can tell a proper noun from a capitalised word, so converting them
would lose information; :func:`sentence_case_titles` is there for a writer
that wants BibTeX's convention (``citekit add`` to a ``.bib`` file).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from citekit.formats.sentencecase import sentence_case_fields
from citekit.model.records import ITEM_TYPES, Date, Name, Record, variable_kind
from citekit.sources.http import FetchError, HttpClient
from citekit.sources.identifiers import Identifier

CSL_JSON = "application/vnd.citationstyles.csl+json"

#: Type names some agencies send in place of CSL's (Crossref's own, DataCite's resourceTypeGeneral).
TYPE_NAMES: dict[str, str] = {
    "journal-article": "article-journal",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "proceedings-article": "paper-conference",
    "posted-content": "article",
    "preprint": "article",
    "dissertation": "thesis",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-track": "chapter",
    "reference-entry": "entry",
    "component": "document",
    "peer-review": "review",
    "journal": "periodical",
    "proceedings": "book",
    "report-series": "report",
    "text": "document",
    "Text": "document",
    "Dataset": "dataset",
    "Software": "software",
    "JournalArticle": "article-journal",
    "Book": "book",
    "BookChapter": "chapter",
    "ConferencePaper": "paper-conference",
    "Dissertation": "thesis",
    "Preprint": "article",
    "Report": "report",
}

#: Keys outside CSL that agencies use for a CSL variable.
RENAMED: dict[str, str] = {
    "publisher-location": "publisher-place",
    "short-container-title": "container-title-short",
    "short-title": "title-short",
    "journal-abbreviation": "journalAbbreviation",
}

#: Dates tried, in order, when a record has no ``issued``.
ISSUED_FALLBACKS = ("published-print", "published-online", "published", "created")

#: CSL variables dropped because they describe the lookup, not the work.
DROPPED = frozenset(
    {
        "accessed",
        "citation-key",
        "citation-label",
        "citation-number",
        "first-reference-note-number",
        "locator",
        "year-suffix",
        "references",
        "custom",
        "categories",
    }
)

_NAME_KEYS = ("family", "given", "non-dropping-particle", "dropping-particle", "suffix", "literal")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_JATS_TITLE = re.compile(r"<jats:title>.*?</jats:title>", re.DOTALL)
_KEPT_TAGS = re.compile(r"</?(?:i|b|sub|sup|sc)>|<span class=\"nocase\">|</span>")


def clean_text(value: str) -> str:
    """One line of text: runs of white space (line breaks too) become one space."""
    return _SPACES.sub(" ", value).strip()


def clean_markup(value: str) -> str:
    """Text with markup CSL does not know (JATS ``<jats:p>``, ``<title>``) removed.

    CSL's own rich text (``<i>``, ``<b>``, ``<sub>``, ``<sup>``, ``<sc>`` and
    ``<span class="nocase">``) stays; ``&amp;`` becomes ``&`` (other entities,
    such as ``&lt;``, stay, because undoing them would make markup).
    """

    def keep_or_drop(match: re.Match[str]) -> str:
        return match.group(0) if _KEPT_TAGS.fullmatch(match.group(0)) else " "

    text = _JATS_TITLE.sub(" ", value)
    text = _TAG.sub(keep_or_drop, text)
    return clean_text(text.replace("&amp;", "&"))


def _first_text(value: Any) -> str | None:
    """A string, or the first non-empty string of a list; None otherwise."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value.strip() else None


def clean_name(obj: Any) -> Name | None:
    """A CSL name from an agency's name object; None when it has no name in it.

    Crossref writes organisations as ``{"name": ...}``, DataCite as
    ``{"literal": ...}`` or with ``nameType``; both become literals.
    Affiliations, ORCIDs and ``sequence`` are dropped.
    """
    if isinstance(obj, str):
        obj = {"literal": obj}
    if not isinstance(obj, Mapping):
        return None
    parts = {
        key: clean_text(str(obj[key]))
        for key in _NAME_KEYS
        if isinstance(obj.get(key), (str, int)) and clean_text(str(obj[key]))
    }
    if "literal" not in parts and "family" not in parts:
        literal = _first_text(obj.get("name"))
        if literal:
            return Name(literal=clean_text(literal))
        if "given" in parts:  # a mononym sent as given name only
            return Name(family=parts["given"])
        return None
    if "literal" in parts:
        return Name(literal=parts["literal"])
    return Name.from_json(parts)


def clean_date(value: Any) -> Date | None:
    """A CSL date, or None when the agency sent none (``[[null]]``, ``{}``)."""
    if not isinstance(value, Mapping):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list):
        points = [p for p in parts if isinstance(p, list) and p and p[0] not in (None, "")]
        cleaned = [[x for x in p if x not in (None, "")] for p in points]
        if cleaned:
            try:
                return Date.from_json({"date-parts": cleaned})
            except ValueError:
                return None
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str) and value[key].strip():
            try:
                return Date.from_json({key: value[key].strip()})
            except ValueError:
                return None
    return None


def clean_page(value: str) -> str:
    """``123--145`` or ``123–145`` as ``123-145``, the form citekit stores."""
    return re.sub(r"\s*(?:--|[–—‐-])\s*", "-", clean_text(value))


def _csl_type(value: Any) -> str:
    if isinstance(value, str):
        if value in ITEM_TYPES:
            return value
        if value in TYPE_NAMES:
            return TYPE_NAMES[value]
    return "document"


def _set_value(record: Record, variable: str, value: Any) -> None:
    """Store one agency value under ``variable`` the way citekit's readers do."""
    kind = variable_kind(variable)
    if kind == "name":
        names = [
            n
            for n in (clean_name(v) for v in (value if isinstance(value, list) else []))
            if n is not None
        ]
        if names:
            record[variable] = names
    elif kind == "date":
        date = clean_date(value)
        if date is not None:
            record[variable] = date
    elif kind in ("string", "number"):
        if variable in ("ISSN", "ISBN") and isinstance(value, list):
            text: str | None = (
                ", ".join(
                    dict.fromkeys(clean_text(v) for v in value if isinstance(v, str) and v.strip())
                )
                or None
            )
        else:
            text = _first_text(value)
        if text is None:
            return
        if variable == "page":
            text = clean_page(text)
        elif variable in (
            "title",
            "container-title",
            "abstract",
            "collection-title",
            "original-title",
            "title-short",
            "container-title-short",
        ):
            text = clean_markup(text)
        else:
            text = clean_text(text)
        if text:
            record[variable] = text


def _with_subtitle(title: str, subtitle: Any) -> str:
    extra = _first_text(subtitle)
    if not extra:
        return title
    extra = clean_markup(extra)
    if extra.casefold() in title.casefold():
        return title
    return f"{title}: {extra}"


def _is_doi_url(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"https?://(dx\.)?doi\.org/", value) is not None


def record_from_csl(data: Any, identifier: Identifier) -> Record:
    """A citekit record from an agency's CSL-JSON item (or a one-item list).

    Raises :class:`FetchError` when the answer is not a CSL item at all.
    The record's id is the identifier's CURIE until ``add`` gives it a key.
    """
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, Mapping):
        raise FetchError(
            f"the answer for {identifier} is not a CSL-JSON item (a JSON {type(data).__name__})"
        )
    record = Record(identifier.curie, _csl_type(data.get("type")))
    for key, value in data.items():
        variable = RENAMED.get(str(key), str(key))
        if variable in ("id", "type") or variable in DROPPED or variable in record.fields:
            continue
        if variable_kind(variable) in ("unknown", "other"):
            continue
        _set_value(record, variable, value)
    if "issued" not in record.fields:
        for fallback in ISSUED_FALLBACKS:
            date = clean_date(data.get(fallback))
            if date is not None:
                record["issued"] = date
                break
    if "title" in record.fields and data.get("subtitle"):
        record["title"] = _with_subtitle(record["title"], data.get("subtitle"))
    if _is_doi_url(record.get("URL")):
        del record["URL"]  # the DOI says it
    if identifier.kind == "doi":
        given = record.get("DOI")
        if not isinstance(given, str) or given.lower() == identifier.value.lower():
            record["DOI"] = identifier.value  # as the user wrote it, not DataCite's capitals
    return record


#: Periodicals' names are proper names: their case is never changed.
_JOURNAL_TYPES = frozenset(
    {
        "article-journal",
        "article-magazine",
        "article-newspaper",
        "periodical",
        "review",
        "review-book",
    }
)
_WORK_TITLES = (
    "title",
    "title-short",
    "volume-title",
    "event-title",
    "original-title",
    "collection-title",
)
TITLE_CASE_KEY = "@titlecase"


def sentence_case_titles(record: Record) -> Record:
    """A copy whose English title-case titles are stored as a ``.bib`` file's would be.

    The BibTeX reader stores a title typed in title case in sentence case
    and keeps the typed one (``custom.biblatex["@titlecase"]``), from which
    the BibTeX writer restores it.  A record from a service given the same
    treatment is written to a ``.bib`` file with its title as published,
    unbraced, and reads back like a title the user typed.
    """
    copied = record.copy()
    custom = record.get("custom")
    if isinstance(custom, dict):
        copied.fields["custom"] = {
            k: dict(v) if isinstance(v, dict) else v for k, v in custom.items()
        }
    variables = list(_WORK_TITLES)
    if copied.type not in _JOURNAL_TYPES:
        variables.append("container-title")
    originals = sentence_case_fields(copied.fields, variables)
    if originals:
        copied.custom.setdefault("biblatex", {})[TITLE_CASE_KEY] = originals
    return copied


def parse_json(text: str, identifier: Identifier, service: str) -> Any:
    """The JSON in an answer, or a :class:`FetchError` saying it is not JSON."""
    if text.lstrip()[:1] == "<":
        kind = "an HTML page" if "<html" in text[:500].lower() else "XML"
        hint = (
            ": the DOI's registration agency offers no CSL-JSON for it"
            if service == "doi.org"
            else ""
        )
        raise FetchError(f"{service} answered {identifier} with {kind}, not JSON{hint}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        start = clean_text(html.unescape(text[:60]))
        raise FetchError(
            f"{service} answered {identifier} with text that is not JSON "
            f"({exc.msg}, character {exc.pos}; it begins {start!r})"
        ) from exc


def doi_path(doi: str) -> str:
    """The DOI as a URL path: every character a URL reserves is escaped.

    DOIs may hold ``<``, ``>``, ``#``, ``?``, ``;``, parentheses and spaces
    (SICIs such as ``10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0``);
    only the slashes stay as they are.
    """
    return quote(doi, safe="/")


def fetch(identifier: Identifier, client: HttpClient) -> Record:
    """The record of a DOI, from its registration agency through doi.org."""
    service = client.services.doi
    answer = client.get(service, service.url(doi_path(identifier.value)), accept=CSL_JSON)
    return record_from_csl(parse_json(answer.text, identifier, "doi.org"), identifier)


__all__ = [
    "CSL_JSON",
    "TITLE_CASE_KEY",
    "clean_date",
    "clean_markup",
    "clean_name",
    "clean_page",
    "clean_text",
    "doi_path",
    "fetch",
    "parse_json",
    "record_from_csl",
    "sentence_case_titles",
]
