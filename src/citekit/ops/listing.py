"""Records as lines of text for people: ``citekit list`` and ``citekit show``.

:func:`list_records` gives one aligned line per record (key, type, first
author, year, title); :func:`describe_record` one ``variable: value`` line
per field.  Pick the records with :func:`citekit.filter_records` or
:func:`citekit.find_record` first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from citekit.model.records import Date, Name, Record
from citekit.ops.query import summarize

#: The widest an author column gets; longer names end in "…".
AUTHOR_WIDTH = 24


def list_records(records: Iterable[Record]) -> list[str]:
    """One line per record: key, type, first author, year (``n.d.`` if none), title.

    Columns are as wide as their widest cell (the author column at most
    :data:`AUTHOR_WIDTH`), so the lines line up in a terminal.

    >>> from citekit import Record
    >>> for line in list_records([Record("doe99", "book", title="A Title", issued="1999",
    ...                                  author=[{"family": "Doe", "given": "Jane"}])]):
    ...     print(line)
    doe99  book  Doe  1999  A Title
    """
    rows = [summarize(record) for record in records]
    key_width = max((len(row.key) for row in rows), default=0)
    type_width = max((len(row.type) for row in rows), default=0)
    author_width = min(max((len(row.author) for row in rows), default=0), AUTHOR_WIDTH)
    lines = []
    for row in rows:
        year = str(row.year) if row.year is not None else "n.d."
        author = (
            row.author if len(row.author) <= AUTHOR_WIDTH else row.author[: AUTHOR_WIDTH - 1] + "…"
        )
        lines.append(
            f"{row.key:<{key_width}}  {row.type:<{type_width}}  "
            f"{author:<{author_width}}  {year:>4}  {row.title}".rstrip()
        )
    return lines


def _show_value(value: Any) -> str:
    if isinstance(value, list) and value and all(isinstance(v, Name) for v in value):
        return "; ".join(name.display() for name in value)
    if isinstance(value, Date):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def describe_record(record: Record) -> list[str]:
    """A record as ``variable: value`` lines for people: key and type, then each field.

    Names read as written for people (``Jane Doe; John Roe``), dates as
    EDTF, anything structured as JSON.

    >>> from citekit import Record
    >>> describe_record(Record("doe99", "book", title="A Title"))
    ['key: doe99', 'type: book', 'title: A Title']
    """
    lines = [f"key: {record.key}", f"type: {record.type}"]
    lines.extend(f"{variable}: {_show_value(value)}" for variable, value in record.fields.items())
    return lines


__all__ = ["AUTHOR_WIDTH", "describe_record", "list_records"]
