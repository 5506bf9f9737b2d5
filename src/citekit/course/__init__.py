"""Course readers: reading lists in, annotated sectioned bibliographies out.

A reading list (TOML or YAML, docs/reading-lists.md) names a course's
sections and their readings by key; :func:`build_reader` checks it against
the libraries and renders every section as its own CSL bibliography, and
the writers turn the result into HTML (print-ready), DOCX, PDF or pandoc
Markdown.

Example:
    >>> from citekit.course import load_reading_list, build_reader, write_reader
    >>> reader = build_reader(load_reading_list("course.toml"))  # doctest: +SKIP
    >>> write_reader(reader, "reader.html", paper="letter")  # doctest: +SKIP
"""

from __future__ import annotations

from citekit.course.build import (
    Reader,
    ReaderEntry,
    ReaderSection,
    build_from_file,
    build_reader,
    check_reading_list,
    load_libraries,
)
from citekit.course.model import (
    Reading,
    ReadingList,
    Section,
    load_reading_list,
    parse_reading_list,
)
from citekit.course.pages import ReadingLoad, count_pages
from citekit.course.write import kind_for_path, write_reader

__all__ = [
    "Reader",
    "ReaderEntry",
    "ReaderSection",
    "Reading",
    "ReadingList",
    "ReadingLoad",
    "Section",
    "build_from_file",
    "build_reader",
    "check_reading_list",
    "count_pages",
    "kind_for_path",
    "load_libraries",
    "load_reading_list",
    "parse_reading_list",
    "write_reader",
]
