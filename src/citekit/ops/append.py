"""Adding new records to a bibliography file without rewriting it.

``citekit add`` appends fetched records to a ``.bib`` or CSL-JSON file; the
pieces it is built from are here, so that a program can add records the
same way:

* :func:`record_identity` and :class:`IdentityIndex` tell when a new record
  is a work the library already holds (same DOI, ISBN, PMID, PMCID, arXiv id);
* :func:`keys_for_new_records` gives new records keys from a pattern, clear
  of the keys already taken;
* :func:`append_bibtex` and :func:`append_json` add entries after the
  existing text (the old bytes stay as they are), :func:`merge_into_bibtex`
  fills the fields one existing entry lacks, and :func:`merge_into_json`
  does the same in a CSL-JSON library;
* :func:`check_appended` refuses text that does not read back with every
  old and new entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from citekit.errors import OutputError, UsageError
from citekit.formats import FormatInfo, read_string
from citekit.formats.bibtex import FIELD_ALIASES, write_entry
from citekit.formats.bibtex.edits import (
    EntryEdit,
    SourceEditError,
    TextEdits,
    checked,
    entry_blocks,
    locate_blocks,
    scan_entry,
    scan_entry_lenient,
)
from citekit.model.records import Library, Record
from citekit.ops.dedupe import clone, merge_records, record_dois, record_isbns
from citekit.ops.keys import generate_keys
from citekit.sources.doi import sentence_case_titles

_DATE_FIELDS = frozenset({"year", "month", "day", "date"})
_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/abs/(.+?)(?:v\d+)?/?$")

# ---------------------------------------------------------------------------
# Duplicates
# ---------------------------------------------------------------------------


def record_identity(record: Record) -> set[str]:
    """What makes two records the same work: DOIs, ISBN-13s, PMIDs, PMCIDs, arXiv ids.

    An arXiv id counts without its version (v2 of a paper is the paper), read
    from the abstract page's URL, as the BibTeX reader builds it from ``eprint``.

    >>> sorted(record_identity(Record("a", "article-journal", DOI="10.1000/XYZ", PMID="42")))
    ['doi:10.1000/xyz', 'pmid:42']
    """
    found = {f"doi:{d}" for d in record_dois(record)}
    found |= {f"isbn:{i}" for i in record_isbns(record)}
    for variable in ("PMID", "PMCID"):
        value = record.get(variable)
        if isinstance(value, (str, int)) and str(value).strip():
            found.add(f"{variable.lower()}:{str(value).strip().upper()}")
    url = record.get("URL")
    match = _ARXIV_URL.match(url.strip()) if isinstance(url, str) else None
    if match:
        found.add(f"arxiv:{match.group(1).lower()}")
    return found


@dataclass
class IdentityIndex:
    """Records by identity (:func:`record_identity`), growing as records are added.

    >>> index = IdentityIndex.of(Library([Record("a", "book", ISBN="9780262510875")]))
    >>> index.duplicate(Record("new", "book", ISBN="0-262-51087-1"))
    ('a', 'isbn:9780262510875')
    """

    owners: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, library: Iterable[Record]) -> IdentityIndex:
        """An index of every record of ``library``."""
        index = cls()
        for record in library:
            index.add(record)
        return index

    def add(self, record: Record) -> None:
        """Index ``record``; an identity already owned keeps its first owner."""
        for item in record_identity(record):
            self.owners.setdefault(item, record.key)

    def duplicate(self, record: Record) -> tuple[str, str] | None:
        """The key of a record with the same identity, and which identifier matched."""
        for item in sorted(record_identity(record)):
            if item in self.owners:
                return self.owners[item], item
        return None


# ---------------------------------------------------------------------------
# Keys and entries
# ---------------------------------------------------------------------------


def keys_for_new_records(records: Sequence[Record], library: Library, pattern: str) -> list[Record]:
    """Copies of ``records`` keyed from ``pattern``, clear of the library's keys.

    The library's own records keep their keys, whatever they are; clashes
    among the new ones get ``a``, ``b`` ... suffixes.  Raises ValueError for
    a pattern that does not parse.

    >>> new = Record("x", "book", title="Origin of Species", issued="1859",
    ...              author=[{"family": "Darwin", "given": "Charles"}])
    >>> [r.key for r in keys_for_new_records([new], Library(), "{auth:lower}{year}")]
    ['darwin1859']
    """
    combined = Library(clone(r) for r in library)
    new_ids: set[str] = set()
    for index, record in enumerate(records):
        copied = clone(record)
        copied.id = f"\x00new{index}"
        new_ids.add(copied.key)
        combined.add(copied)
    renamed, keyed = generate_keys(combined, pattern, keep=lambda r: r.key not in new_ids)
    return [keyed[renamed[f"\x00new{i}"]] for i in range(len(records))]


def with_key(record: Record, key: str) -> Record:
    """A copy of ``record`` under another key."""
    copied = clone(record)
    copied.id = key
    return copied


def bibtex_entry(record: Record) -> str:
    """The record as a BibTeX entry with its titles as published, as a user would type them.

    The titles are stored the way the BibTeX reader stores a typed one
    (:func:`citekit.sources.doi.sentence_case_titles`), so the writer gives
    them back unbraced and the file reads back like any other ``.bib`` entry.
    An arXiv preprint also gets BibLaTeX's ``eprint``, ``eprinttype`` and
    ``eprintclass`` fields.
    """
    prepared = sentence_case_titles(record)
    number = prepared.get("number")
    if (
        prepared.get("publisher") == "arXiv"
        and isinstance(number, str)
        and number.startswith("arXiv:")
    ):
        bib = prepared.custom.setdefault("biblatex", {})
        bib.setdefault("eprint", number.removeprefix("arXiv:"))
        bib.setdefault("eprinttype", "arxiv")
        keywords = prepared.get("keyword")
        if isinstance(keywords, str) and keywords:
            bib.setdefault("eprintclass", keywords.split(",")[0].strip())
    return write_entry(prepared)


# ---------------------------------------------------------------------------
# Appending text
# ---------------------------------------------------------------------------


def newline_of(text: str) -> str:
    """The file's line ending: that of its first line (``\\n`` for a new file)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def append_bibtex(text: str, entries: list[str]) -> str:
    """``text`` with the entries after it, a blank line apart, in its line endings.

    >>> append_bibtex("@book{a, title = {A}}\\n", ["@book{b, title = {B}}"])
    '@book{a, title = {A}}\\n\\n@book{b, title = {B}}\\n'
    """
    if not entries:
        return text
    newline = newline_of(text)
    body = (newline * 2).join(e.replace("\r\n", "\n").replace("\n", newline) for e in entries)
    if not text.strip():
        return text + body + newline
    lead = newline if text.endswith(("\n", "\r")) else newline * 2
    return text + lead + body + newline


def append_json(text: str, items: list[dict[str, Any]], name: str) -> str:
    """A CSL-JSON array's text with items added before its closing bracket.

    The other items' text, the layout and the trailing white space stay as
    they are; the new items are indented two spaces as citekit writes them.
    Text that is not an array raises :class:`citekit.UsageError` naming ``name``.

    >>> print(append_json('[{"id": "a"}]', [{"id": "b"}], "refs.json"))
    [{"id": "a"},
      {
        "id": "b"
      }
    ]
    """
    if not items:
        return text
    newline = newline_of(text)
    rendered = [
        "  " + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", newline + "  ")
        for item in items
    ]
    joined = ("," + newline).join(rendered)
    stripped = text.rstrip()
    if not stripped:
        return "[" + newline + joined + newline + "]" + newline
    if not stripped.endswith("]") or not stripped.lstrip("\ufeff").lstrip().startswith("["):
        raise UsageError(
            f"{name} is not a CSL-JSON array, so nothing can be appended to it; "
            "convert it with 'citekit convert' first"
        )
    body = stripped[:-1].rstrip()
    comma = "" if body.endswith("[") else ","
    return body + comma + newline + joined + newline + "]" + text[len(stripped) :]


def merge_into_bibtex(text: str, key: str, entry: str) -> str:
    """``text`` with the fields of ``entry`` that entry ``key`` lacks added to it.

    Only that entry changes, and only by gaining fields (in its layout); a
    field it has, under any BibLaTeX synonym, is left as it is, and an entry
    with any date field keeps its date.  Raises :class:`citekit.SourceEditError`
    when the entry cannot be located or edited safely.

    >>> merge_into_bibtex("@book{a,\\n  title = {A}\\n}\\n", "a", "@book{a, publisher = {P}}")
    '@book{a,\\n  title = {A},\\n  publisher = {P}\\n}\\n'
    """
    located = locate_blocks(text)
    blocks = entry_blocks(located)
    if key not in blocks:
        raise SourceEditError(f"entry '{key}' cannot be located in the text")
    item = blocks[key]
    assert item.entry is not None
    source = scan_entry_lenient(text[item.start : item.end], item.entry, ())
    new_blocks = entry_blocks(locate_blocks(entry))
    new = scan_entry(entry.strip(), next(iter(new_blocks.values())).entry)
    present = {FIELD_ALIASES.get(f.name.lower(), f.name.lower()) for f in source.fields}
    dated = bool(present & _DATE_FIELDS)
    edit = EntryEdit(source)
    for new_field in new.fields:
        name = FIELD_ALIASES.get(new_field.name.lower(), new_field.name.lower())
        if name in present or (dated and name in _DATE_FIELDS):
            continue
        edit.set(new_field.name, new_field.value)
        present.add(name)
    if not edit.values:
        return text
    edits = TextEdits(text)
    edits.replace(item.start, item.end, checked(edit))
    return edits.apply()


def merge_into_json(
    library: Library, merges: Iterable[tuple[str, Record]], added: Iterable[Record]
) -> Library:
    """A copy of ``library`` with each ``(key, record)`` merged into ``key``, then ``added``.

    A merge keeps the existing record's values and fills in the fields it
    lacks (``combine``, :func:`citekit.merge_duplicates`); a CSL-JSON file
    whose item changes is then written whole.

    >>> lib = Library([Record("a", "book", title="T")])
    >>> merged = merge_into_json(lib, [("a", Record("x", "book", publisher="P"))], [])
    >>> merged["a"]["publisher"], lib["a"].get("publisher")
    ('P', None)
    """
    out = Library(clone(r) for r in library)
    for key, record in merges:
        merged = merge_records(
            [out[key], with_key(Record.from_json(record.to_json()), key)], "combine"
        )
        out.add(merged, replace=True)
    for record in added:
        out.add(Record.from_json(record.to_json()))
    return out


def check_appended(text: str, info: FormatInfo, name: str, keys: list[str], expected: int) -> None:
    """Refuse (:class:`citekit.OutputError`) text that does not read back whole.

    ``expected`` is how many entries the text must hold at least (those the
    file had plus the new ones); every key in ``keys`` must read back.
    """
    result = read_string(text, info.name, filename=name)
    missing = [key for key in keys if key not in result.library]
    if len(result.library) < expected:
        raise OutputError(
            f"{name}: the text citekit made reads back with fewer entries than "
            "the file had; nothing was written"
        )
    if missing:
        raise OutputError(
            f"{name}: the new entry '{missing[0]}' does not read back from the "
            "text citekit made; nothing was written"
        )


__all__ = [
    "IdentityIndex",
    "append_bibtex",
    "append_json",
    "bibtex_entry",
    "check_appended",
    "keys_for_new_records",
    "merge_into_bibtex",
    "merge_into_json",
    "newline_of",
    "record_identity",
    "with_key",
]
