"""arXiv ids to records: the arXiv API's Atom feed.

``/api/query?id_list=ID`` answers with an Atom feed of one ``<entry>``: the
id with the version it describes (the latest when none was asked for),
``<published>`` (the first version's date), ``<updated>`` (this
version's), title and abstract with the authors' line breaks, ``<author>
<name>`` in display order, and in the ``arxiv:`` namespace the publisher's
DOI, the journal reference and the comment.  An id arXiv does not know
comes back as an entry whose ``<id>`` points into ``/api/errors`` (or as
no entry at all); a withdrawn paper's last version says so in its comment
and abstract.

The record is CSL's ``article`` (CSL 1.0 has no preprint type; Zotero
maps preprints the same way) with ``publisher`` "arXiv", ``number``
``arXiv:ID``, the version in ``version``, the arXiv DOI (``10.48550/arXiv.ID``,
which DataCite holds for every arXiv paper) and the abstract page as URL.
A journal DOI and reference go into ``note`` rather than ``DOI``: they name
another work (the published article), and a DOI field pointing there would
make the preprint look like its own duplicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from lxml import etree

from citekit.model.records import Date, Name, Record
from citekit.sources.doi import clean_text
from citekit.sources.http import FetchError, HttpClient
from citekit.sources.identifiers import Identifier
from citekit.sources.isbn import plain_name

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
NS = {"a": ATOM, "arxiv": ARXIV}

_WITHDRAWN = re.compile(r"\b(?:has been |was |paper )?withdrawn\b", re.IGNORECASE)
_VERSION = re.compile(r"v(\d+)$")


@dataclass
class ArxivEntry:
    """What one feed entry says, before it becomes a record."""

    record: Record
    withdrawn: bool = False
    warnings: list[str] = field(default_factory=list)


def _text(entry: etree._Element, path: str) -> str:
    found = entry.find(path, NS)
    return clean_text(found.text or "") if found is not None else ""


def _date(text: str) -> Date | None:
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not match:
        return None
    return Date.from_parts(tuple(int(p) for p in match.groups()))


def parse_feed(text: str | bytes, identifier: Identifier) -> ArxivEntry:
    """The record of the one entry in an API answer; :class:`FetchError` when none."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FetchError(f"arXiv answered {identifier} with text that is not XML ({exc})") from exc
    entries = root.findall("a:entry", NS)
    if not entries:
        raise FetchError(f"arXiv does not know {identifier.curie}")
    entry = entries[0]
    entry_id = _text(entry, "a:id")
    if "/api/errors" in entry_id or not _text(entry, "a:title"):
        summary = _text(entry, "a:summary") or "no such paper"
        raise FetchError(f"arXiv does not know {identifier.curie}: {summary}")
    return _record(entry, entry_id, identifier)


def _record(entry: etree._Element, entry_id: str, identifier: Identifier) -> ArxivEntry:
    version_match = _VERSION.search(entry_id)
    version = int(version_match.group(1)) if version_match else identifier.version
    if identifier.version is not None and version != identifier.version:
        raise FetchError(
            f"arXiv has no version {identifier.version} of {identifier.value} "
            f"(it answered with v{version})"
        )
    versioned = (
        f"{identifier.value}v{version}" if identifier.version is not None else identifier.value
    )
    record = Record(identifier.curie, "article")
    record["title"] = _text(entry, "a:title")
    authors = [plain_name(_text(a, "a:name")) for a in entry.findall("a:author", NS)]
    names: list[Name] = [a for a in authors if a is not None]
    if names:
        record["author"] = names
    issued = _date(_text(entry, "a:published"))
    if issued is not None:
        record["issued"] = issued
    summary = _text(entry, "a:summary")
    if summary:
        record["abstract"] = summary
    record["publisher"] = "arXiv"
    record["number"] = f"arXiv:{versioned}"
    if version is not None:
        record["version"] = str(version)
    record["DOI"] = f"10.48550/arXiv.{identifier.value}"
    record["URL"] = f"https://arxiv.org/abs/{versioned}"
    record["source"] = "arXiv.org"
    categories = [c.get("term", "") for c in entry.findall("a:category", NS)]
    if any(categories):
        record["keyword"] = ", ".join(c for c in categories if c)
    result = ArxivEntry(record)
    _published_version(entry, record)
    comment = _text(entry, "arxiv:comment")
    if _WITHDRAWN.search(comment) or (_WITHDRAWN.search(summary) and len(summary) < 400):
        result.withdrawn = True
        record["status"] = "withdrawn"
        earlier = (
            f"; an earlier version (arxiv:{identifier.value}v{version - 1}) may hold the paper"
            if version and version > 1
            else ""
        )
        result.warnings.append(
            f"arXiv:{identifier.value} v{version} is a withdrawal notice{earlier}"
        )
    return result


def _published_version(entry: etree._Element, record: Record) -> None:
    """The journal reference and DOI of the published version, kept as a note."""
    parts = []
    journal = _text(entry, "arxiv:journal_ref")
    doi = _text(entry, "arxiv:doi")
    if journal:
        parts.append(journal)
    if doi:
        parts.append(f"doi:{doi}")
    if parts:
        record["note"] = "Published as: " + ", ".join(parts)


def fetch_entry(identifier: Identifier, client: HttpClient) -> ArxivEntry:
    """The feed entry of an arXiv id (with its version when one was given)."""
    service = client.services.arxiv
    url = service.url(f"query?id_list={quote(identifier.key, safe='/')}&max_results=1")
    answer = client.get(service, url, accept="application/atom+xml")
    return parse_feed(answer.text, identifier)


def fetch(identifier: Identifier, client: HttpClient) -> Record:
    """The record of an arXiv id."""
    return fetch_entry(identifier, client).record


__all__ = ["ArxivEntry", "fetch", "fetch_entry", "parse_feed"]
