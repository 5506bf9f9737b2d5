"""BibLaTeX / BibTeX: one package for reading, writing and editing .bib files.

The registry (:mod:`citekit.formats`) loads this package as the ``biblatex``
format, so it offers the format contract: :func:`read` (text to a
:class:`~citekit.formats.ReadResult`) and :func:`write` (a library to text).
Its modules, each importing only those listed before it:

* :mod:`.splitter`: bibtexparser's splitter and block model, without the rest
  of bibtexparser;
* :mod:`.texmath` and :mod:`.latex`: TeX math and LaTeX text to Unicode and back;
* :mod:`.names` and :mod:`.dates`: BibTeX name lists and date fields;
* :mod:`.fields`: the one two-way table of types and fields;
* :mod:`.reader`: the splitter, macros, inheritance and conversion to CSL;
* :mod:`.writer`: CSL records to entries (it reads a doubtful key back
  through the reader, which never needs the writer);
* :mod:`.edits`: edits of a file's text that leave every other byte alone
  (renaming keys, merging entries), on the reader's blocks.

Code outside the package (``ops``, ``sources``, the CLI) uses the names
exported here and the public :mod:`.edits` module, never the modules'
private helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from citekit.formats.bibtex.dates import MONTH_MACROS
from citekit.formats.bibtex.fields import (
    FIELD_ALIASES,
    QUOTATION_FIELDS,
    split_commented_field_key,
)
from citekit.formats.bibtex.names import parse_name, parse_names
from citekit.formats.bibtex.reader import (
    CUSTOM_KEY,
    MAX_INHERITANCE_DEPTH,
    expand_macros,
    macro_budget,
    read,
    split_blocks,
)

if TYPE_CHECKING:
    from citekit.formats.bibtex.writer import UNWRITABLE_KEY, unwritable_keys, write, write_entry

_WRITER_NAMES = frozenset({"UNWRITABLE_KEY", "unwritable_keys", "write", "write_entry"})


def __getattr__(name: str) -> Any:
    """The writer's names, loaded when first asked for.

    Reading a .bib to format it (``citekit bib``, ``citekit cite``) never
    writes one, and the writer is a tenth of what those commands import.
    """
    if name in _WRITER_NAMES:
        from citekit.formats.bibtex import writer

        value = getattr(writer, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CUSTOM_KEY",
    "FIELD_ALIASES",
    "MAX_INHERITANCE_DEPTH",
    "MONTH_MACROS",
    "QUOTATION_FIELDS",
    "UNWRITABLE_KEY",
    "expand_macros",
    "macro_budget",
    "parse_name",
    "parse_names",
    "read",
    "split_blocks",
    "split_commented_field_key",
    "unwritable_keys",
    "write",
    "write_entry",
]
