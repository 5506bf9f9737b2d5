"""Abbreviation lists (pandoc's ``citation-abbreviations``) applied before the engine.

Styles such as AMA or the legal styles print a journal's short form
(``<text variable="container-title" form="short"/>``).  A record rarely
carries one, so pandoc and citeproc-js accept a JSON file mapping full forms
to short ones, per variable, under the ``"default"`` jurisdiction::

    {"default": {"container-title": {"Estates Gazette": "EG"}}}

This module reads such a file and fills the short-form variables
(``container-title-short``, ``title-short``, ``collection-title-short`` ...)
of the records whose full value is listed.  A short form the record already
has wins, as it does in pandoc (a ``journalAbbreviation`` typed in Zotero is
a deliberate choice); the full value is never changed.  Because the pass
works on the records, every engine and every caller (``render()``, documents,
the pandoc filter) gets the same result without the engine knowing about the
file.

Other top-level sections than ``"default"`` (Zotero's ``"info"``, other
jurisdictions) are ignored: pandoc uses only ``"default"``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from citekit.base.files import read_text
from citekit.errors import DataError
from citekit.model.records import Library, Record

Abbreviations = dict[str, dict[str, str]]
"""variable -> full form -> short form."""

_SECTION = "default"


def parse_abbreviations(data: Any, *, source: str = "abbreviations") -> Abbreviations:
    """The ``"default"`` table of an abbreviations document, checked.

    ``source`` names the document in errors.  A document without a
    ``"default"`` section is an empty table (nothing to abbreviate), but one
    whose shape is wrong is an error naming the variable and entry, since a
    silently ignored file would leave the writer wondering why nothing changed.
    """
    if not isinstance(data, Mapping):
        raise DataError(f"{source}: an abbreviations file must be a JSON object")
    section = data.get(_SECTION)
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise DataError(f"{source}: '{_SECTION}' must map variables to abbreviation tables")
    table: Abbreviations = {}
    for variable, pairs in section.items():
        if not isinstance(pairs, Mapping):
            raise DataError(f"{source}: '{_SECTION}.{variable}' must map full forms to short forms")
        entries: dict[str, str] = {}
        for full, short in pairs.items():
            if not isinstance(short, str):
                raise DataError(
                    f"{source}: '{_SECTION}.{variable}' entry '{full}': "
                    f"the short form must be a string"
                )
            entries[str(full)] = short
        table[str(variable)] = entries
    return table


def read_abbreviations(path: str | Path) -> Abbreviations:
    """An abbreviations JSON file (pandoc's ``--citation-abbreviations``)."""
    text, _ = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    return parse_abbreviations(data, source=str(path))


def load_abbreviations(value: str | Path | Mapping[str, Any] | None) -> Abbreviations:
    """A file path, an already parsed document (``{"default": ...}``) or None."""
    if value is None:
        return {}
    if isinstance(value, (str, Path)):
        return read_abbreviations(value)
    return parse_abbreviations(value)


def _abbreviated(record: Record, table: Abbreviations) -> Record | None:
    """A copy of the record with the short forms it lacks filled in, or None for no change."""
    filled: dict[str, str] = {}
    for variable, pairs in table.items():
        if variable.endswith("-short"):
            continue
        short_name = f"{variable}-short"
        if short_name in record.fields:
            continue
        value = record.fields.get(variable)
        if not isinstance(value, str):
            continue
        short = pairs.get(value.strip())
        if short:
            filled[short_name] = short
    if not filled:
        return None
    copy = record.copy()
    for name, short in filled.items():
        copy.fields[name] = short
    return copy


def abbreviate(library: Library, abbreviations: Abbreviations) -> Library:
    """The library with listed short forms filled in; the original is left untouched.

    Records that change are copies; the others are the same objects, so the
    pass costs nothing for the records a list does not mention.
    """
    if not abbreviations:
        return library
    records: list[Record] = []
    for record in library:
        changed = _abbreviated(record, abbreviations)
        records.append(record if changed is None else changed)
    return Library(records)


__all__ = [
    "Abbreviations",
    "abbreviate",
    "load_abbreviations",
    "parse_abbreviations",
    "read_abbreviations",
]
