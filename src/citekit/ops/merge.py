"""Merging libraries: several files into one, and duplicate records into one record.

``citekit dedupe a.bib b.bib --merge combine`` does three pieces of library
work, offered here so that a program can do the same in Python:

* :func:`merge_libraries` (or :class:`LibraryMerger`, one file at a time)
  reads several libraries into one, renaming a key already taken by an
  earlier file and saying so in a ``duplicate-key`` warning;
* :func:`merge_duplicates` reduces each group :func:`citekit.find_duplicates`
  found to one record (see :mod:`citekit.ops.dedupe`);
* :func:`conflicts_as_bibtex_field` keeps the disagreeing values a
  ``combine`` merge set aside in a form the BibTeX writer writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from citekit.errors import Diagnostic, Severity
from citekit.model.records import Library
from citekit.ops.dedupe import (
    ALIASES_CONTAINER,
    CONFLICTS_FIELD,
    RULES,
    DuplicateGroup,
    MergePolicy,
    merge,
)
from citekit.ops.keys import DEFAULT_PATTERN

#: The rules :func:`citekit.find_duplicates` knows, in the order it applies them.
DUPLICATE_RULES: tuple[str, ...] = RULES

#: The key pattern ``citekit keys`` uses unless told otherwise (:func:`citekit.generate_keys`).
DEFAULT_KEY_PATTERN: str = DEFAULT_PATTERN


class LibraryMerger:
    """Several libraries gathered into one, a file at a time.

    A key an earlier library already holds is renamed ``key-2``, ``key-3``
    ... (:meth:`Library.unused_key`) so that no record is lost, and each
    rename is a ``duplicate-key`` warning naming the later file.  Records
    are taken over, not copied: a renamed record's key changes in the
    library it came from too.  The merged library keeps the ``extras``
    (``@string`` macros, preamble) of the first library that has any.
    """

    def __init__(self) -> None:
        self.library = Library()

    def add(self, name: str, library: Library) -> list[Diagnostic]:
        """Add every record of ``library`` (read from ``name``); the renames, as warnings."""
        renames: list[Diagnostic] = []
        for record in library:
            if record.key in self.library:
                original = record.key
                record.id = self.library.unused_key(original)
                renames.append(
                    Diagnostic(
                        Severity.WARNING,
                        "duplicate-key",
                        f"key '{original}' already read from an earlier file; "
                        f"renamed '{record.id}'",
                        file=name,
                        key=original,
                    )
                )
            self.library.add(record)
        if not self.library.extras:
            self.library.extras = dict(library.extras)
        return renames


def merge_libraries(libraries: Iterable[tuple[str, Library]]) -> tuple[Library, list[Diagnostic]]:
    """One library from several ``(name, library)`` pairs, and a warning per renamed key.

    >>> from citekit import Library, Record
    >>> a = Library([Record("doe99", "book", title="One")])
    >>> b = Library([Record("doe99", "book", title="Two")])
    >>> merged, warnings = merge_libraries([("a.bib", a), ("b.bib", b)])
    >>> merged.keys(), warnings[0].code, warnings[0].file
    (['doe99', 'doe99-2'], 'duplicate-key', 'b.bib')
    """
    merger = LibraryMerger()
    diagnostics: list[Diagnostic] = []
    for name, library in libraries:
        diagnostics += merger.add(name, library)
    return merger.library, diagnostics


def merge_duplicates(
    library: Library,
    groups: Iterable[DuplicateGroup | Sequence[str]],
    policy: MergePolicy = "first",
) -> Library:
    """A new library with each group of duplicates reduced to one record.

    ``first`` keeps the group's first record, ``last`` its last; ``combine``
    keeps the first and fills in every field it lacks from the others, the
    disagreeing values kept in ``custom["merged-conflicts"]``.  The other
    keys become aliases of the survivor (its ``ids``) and pointers to them
    follow it.  The input library is left as it was.

    >>> from citekit import Library, Record
    >>> lib = Library([Record("a", "book", title="T", DOI="10.1/x"),
    ...                Record("b", "book", title="T", DOI="10.1/x", publisher="P")])
    >>> merged = merge_duplicates(lib, [["a", "b"]], "combine")
    >>> merged.keys(), merged["a"]["publisher"]
    (['a'], 'P')
    """
    return merge(library, groups, policy=policy)


def _balanced_braces(text: str) -> bool:
    """Whether ``text`` can sit inside a BibTeX ``{...}`` value as it is."""
    depth = 0
    for char in text:
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def conflicts_as_bibtex_field(library: Library) -> list[Diagnostic]:
    """Keep each record's merge conflicts as a JSON ``merged-conflicts`` BibTeX field, in place.

    The BibTeX writer writes ``custom["biblatex"]`` fields back as they are
    and nothing else from ``custom``; biber ignores fields it does not know,
    and citekit's reader reads the field back.  Conflicts whose JSON has
    unbalanced braces cannot be written so: each such record is an
    ``unwritable-conflicts`` warning (the record's other fields are kept).

    >>> from citekit import Library, Record
    >>> record = Record("a", "book", title="T")
    >>> record.custom["merged-conflicts"] = {"title": ["U"]}
    >>> lib = Library([record])
    >>> conflicts_as_bibtex_field(lib)
    []
    >>> lib["a"].custom["biblatex"]["merged-conflicts"]
    '{"title": ["U"]}'
    """
    problems: list[Diagnostic] = []
    for record in library:
        conflicts = record.custom.get(CONFLICTS_FIELD)
        if not isinstance(conflicts, dict):
            continue
        text = json.dumps(conflicts, ensure_ascii=False)
        container = record.custom.setdefault(ALIASES_CONTAINER, {})
        if _balanced_braces(text) and isinstance(container, dict):
            container[CONFLICTS_FIELD] = text
        else:
            problems.append(
                Diagnostic(
                    Severity.WARNING,
                    "unwritable-conflicts",
                    "its merge conflicts contain unbalanced braces and cannot be written "
                    "to BibTeX; write CSL-JSON to keep them",
                    key=record.key,
                )
            )
    return problems


__all__ = [
    "DEFAULT_KEY_PATTERN",
    "DUPLICATE_RULES",
    "LibraryMerger",
    "conflicts_as_bibtex_field",
    "merge_duplicates",
    "merge_libraries",
]
