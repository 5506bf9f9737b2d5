"""PubMed and PubMed Central ids to records: the NCBI citation exporter.

``/lit/ctxp/v1/pubmed/?format=csl&id=PMID`` (and ``/pmc/`` with a PMCID)
answers with one CSL-JSON item made by NCBI from the MEDLINE record: names
already split, ``container-title`` and ``container-title-short`` (the NLM
abbreviation), ``issued`` as date parts, ``PMID``, ``PMCID`` and ``DOI``.
It also carries the time of the request as ``accessed`` and NCBI's
publication status (``ppublish``, ``epublish``) as ``status``; both describe
the lookup, not the work, and are dropped.  The rest is cleaned like an
agency's CSL (:func:`citekit.sources.doi.record_from_csl`), and MEDLINE's
shortened page ranges (``436-44``) are written out (``436-444``).
"""

from __future__ import annotations

import re

from citekit.model.records import Record
from citekit.sources.doi import parse_json, record_from_csl
from citekit.sources.http import FetchError, HttpClient
from citekit.sources.identifiers import Identifier

_NCBI_STATUS = frozenset(
    {
        "ppublish",
        "epublish",
        "aheadofprint",
        "pubmed",
        "medline",
        "pmc",
        "pmcr",
        "premedline",
        "publisher",
        "in-data-review",
        "in-process",
    }
)


def full_page_range(page: str) -> str:
    """MEDLINE's shortened ranges written out: ``436-44`` is ``436-444``."""
    match = re.fullmatch(r"(\d+)-(\d+)", page)
    if not match:
        return page
    first, last = match.groups()
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return f"{first}-{last}"


def record_from_ncbi(data: object, identifier: Identifier) -> Record:
    """A record from the exporter's CSL-JSON item."""
    if isinstance(data, dict) and data.get("status") == "error" and "title" not in data:
        message = data.get("message") or data.get("error") or "no record"
        raise FetchError(f"NCBI does not know {identifier.curie}: {message}")
    record = record_from_csl(data, identifier)
    status = record.get("status")
    if isinstance(status, str) and status.lower() in _NCBI_STATUS:
        del record["status"]
    page = record.get("page")
    if isinstance(page, str):
        record["page"] = full_page_range(page)
    if identifier.kind == "pmid":
        record["PMID"] = identifier.value
    else:
        record["PMCID"] = identifier.value
    return record


def fetch(identifier: Identifier, client: HttpClient) -> Record:
    """The record of a PMID or PMCID."""
    service = client.services.ncbi
    database = "pubmed" if identifier.kind == "pmid" else "pmc"
    url = service.url(f"{database}/?format=csl&id={identifier.value}")
    answer = client.get(
        service, url, accept="application/vnd.citationstyles.csl+json, application/json"
    )
    return record_from_ncbi(parse_json(answer.text, identifier, "NCBI"), identifier)


__all__ = ["fetch", "full_page_range", "record_from_ncbi"]
