"""Writing a built reader to a file in the format its name (or the caller) asks for.

Every format is written atomically (:mod:`citekit.base.files`: a temporary file in
the target folder, then a rename) and never over one of the inputs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from citekit.base.files import atomic_write_bytes, atomic_write_text
from citekit.course.build import Reader
from citekit.course.docx import render_docx
from citekit.course.html import render_html
from citekit.course.markdown import render_markdown
from citekit.course.pdf import render_pdf
from citekit.errors import UsageError

OUTPUT_KINDS: tuple[str, ...] = ("html", "docx", "markdown", "pdf", "json")
_SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".md": "markdown",
    ".markdown": "markdown",
    ".pdf": "pdf",
    ".json": "json",
}


def kind_for_path(path: str | Path) -> str:
    """The output kind a file name stands for (``reader.docx`` -> ``docx``)."""
    kind = _SUFFIXES.get(Path(str(path)).suffix.lower())
    if kind is None:
        raise UsageError(
            f"cannot tell the output format of '{path}'; name it .html, .docx, "
            f".md, .pdf or .json, or give --format html|docx|markdown|pdf|json"
        )
    return kind


def write_reader(
    reader: Reader,
    path: str | Path,
    kind: str | None = None,
    *,
    paper: str = "a4",
    protect: Sequence[str | Path] = (),
) -> str:
    """Write ``reader`` to ``path`` (``-`` for stdout); returns the kind written.

    ``paper`` (``a4`` or ``letter``) sets the page of every paged format: the
    HTML's print layout, the DOCX's sections and the PDF's pages.  The
    reading list and every file it reads (``protect`` may add more) are
    refused as ``path``.
    """
    kind = kind or kind_for_path(path)
    # Whoever calls, the reader never replaces what it was built from.
    course = reader.reading_list
    protect = (*protect, course.source, *course.inputs())
    if kind == "html":
        atomic_write_text(path, render_html(reader, paper=paper), protect=tuple(protect))
    elif kind == "markdown":
        atomic_write_text(path, render_markdown(reader), protect=tuple(protect))
    elif kind == "docx":
        atomic_write_bytes(path, render_docx(reader, paper=paper), protect=tuple(protect))
    elif kind == "pdf":
        atomic_write_bytes(path, render_pdf(reader, paper=paper), protect=tuple(protect))
    elif kind == "json":
        text = json.dumps(reader.to_json(), ensure_ascii=False, indent=2) + "\n"
        atomic_write_text(path, text, protect=tuple(protect))
    else:
        raise UsageError(f"unknown output format '{kind}'; known: {', '.join(OUTPUT_KINDS)}")
    return kind


__all__ = ["OUTPUT_KINDS", "kind_for_path", "write_reader"]
