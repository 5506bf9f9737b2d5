"""pandoc's citation metadata in ``citekit render`` (citekit.documents.rendering).

``suppress-bibliography``, ``notes-after-punctuation``, ``link-bibliography``
and ``link-citations`` as pandoc reads them, from the front matter or set over
it (``metadata``, the command's ``-M``).  The end-to-end tests compare with
the real pandoc (``--citeproc``) and with the pandoc filter, which reads its
switches through the same function.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from citekit.documents.frontmatter import split_front_matter
from citekit.documents.rendering import DocumentResult, render_document, render_document_file
from citekit.model.records import Library

ITEMS = [
    {
        "id": "doe2000",
        "type": "book",
        "title": "First book",
        "author": [{"family": "Doe", "given": "John"}],
        "publisher": "Acme",
        "issued": {"date-parts": [[2000]]},
        "URL": "https://example.org/first",
    },
    {
        "id": "smith2004",
        "type": "article-journal",
        "title": "An article",
        "author": [{"family": "Smith", "given": "Jane"}],
        "container-title": "Journal of Studies",
        "volume": "4",
        "page": "1-20",
        "issued": {"date-parts": [[2004]]},
    },
    {
        "id": "poe1990",
        "type": "book",
        "title": "Uncited tales",
        "author": [{"family": "Poe", "given": "Edgar"}],
        "issued": {"date-parts": [[1990]]},
    },
]
BODY = (
    '# Intro\n\nFirst [@smith2004, p. 3]. Then @doe2000 [p. 4] says "an end" [@doe2000].\n\n'
    "# References\n\n::: {#refs}\n:::\n\nAfter.\n"
)
STYLES = ["chicago-author-date", "ieee", "chicago-note-bibliography"]
_OFF = {"suppress-bibliography": True}  # metadata as Python gives it
_NO_MOVE = {"notes-after-punctuation": "false"}  # as -M gives it


@pytest.fixture
def library() -> Library:
    return Library.from_json(ITEMS)


def document(*front: str) -> str:
    return "---\n" + "".join(f"{line}\n" for line in front) + "---\n" + BODY


def body(result: DocumentResult) -> str:
    """The rendered Markdown without its front matter (which is copied as written)."""
    return result.output[split_front_matter(result.output)[1] :]


# ---------------------------------------------------------------------------
# suppress-bibliography
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_suppressing_the_bibliography_keeps_the_citations(library: Library, style: str) -> None:
    shown = render_document(document(), library=library, style=style)
    hidden = render_document(document("suppress-bibliography: true"), library=library, style=style)
    assert [c.markdown for c in hidden.citations] == [c.markdown for c in shown.citations]
    assert shown.bibliography and not hidden.bibliography
    assert "Acme" in body(shown).split("# References")[1]  # doe2000's publisher
    assert "Acme" not in body(hidden).split("# References")[1]


@pytest.mark.parametrize("to", ["markdown", "html", "text"])
def test_no_format_writes_a_suppressed_bibliography(library: Library, to: str) -> None:
    text = document("suppress-bibliography: yes", "nocite: '@poe1990'")
    shown = render_document(document("nocite: '@poe1990'"), library=library, to=to).output
    hidden = render_document(text, library=library, to=to).output
    assert "Poe, Edgar" in shown and "Poe, Edgar" not in hidden
    assert "csl-bib-body" not in hidden.replace(".csl-bib-body > p", "")  # the CSS stays


def test_the_refs_div_is_left_as_written_and_no_heading_is_added(library: Library) -> None:
    text = document("suppress-bibliography: on", "reference-section-title: Works cited")
    out = body(render_document(text, library=library))
    assert out.endswith("# References\n\n::: {#refs}\n:::\n\nAfter.\n")
    assert "Works cited" not in out
    appended = body(render_document("See [@doe2000].\n", library=library, metadata=_OFF))
    assert appended == "See (Doe 2000).\n"


def test_citations_link_only_to_entries_that_are_written(library: Library) -> None:
    linked = render_document(document("link-citations: true"), library=library)
    assert "](#ref-smith2004)" in linked.output
    hidden = render_document(
        document("link-citations: true", "suppress-bibliography: true"), library=library
    )
    assert "#ref-" not in hidden.output  # no entry, no anchor: a link would lead nowhere


# ---------------------------------------------------------------------------
# notes-after-punctuation, link-bibliography, link-citations
# ---------------------------------------------------------------------------


def test_notes_after_punctuation_off_leaves_the_punctuation_after_the_mark(
    library: Library,
) -> None:
    style = "chicago-note-bibliography"
    moved = body(render_document(document(), library=library, style=style))
    kept = body(render_document(document(), library=library, style=style, metadata=_NO_MOVE))
    assert "First.[^c1]" in moved and 'says "an end."[^c3]' in moved
    assert "First[^c1]." in kept and 'says "an end"[^c3].' in kept
    # only the marks' places differ
    assert kept.replace("[^c1].", ".[^c1]").replace('"[^c3].', '."[^c3]') == moved


def test_link_bibliography_is_on_by_default_as_in_pandoc(library: Library) -> None:
    page = render_document(document(), library=library, to="html").output
    assert '<a href="https://example.org/first">https://example.org/first</a>' in page
    plain = render_document(document("link-bibliography: false"), library=library, to="html")
    assert 'href="https://example.org/first"' not in plain.output
    assert "https://example.org/first" in plain.output
    as_text = [
        render_document(document(front), library=library, to="text").output
        for front in ("link-bibliography: true", "link-bibliography: false")
    ]
    assert as_text[0] == as_text[1].replace("link-bibliography: false", "link-bibliography: true")


def test_link_citations_false_is_honoured_in_html(library: Library) -> None:
    default = render_document(document(), library=library, to="html").output
    off = render_document(document("link-citations: false"), library=library, to="html").output
    assert 'href="#ref-smith2004"' in default  # unset: an HTML page links its citations
    assert 'href="#ref-' not in off


# ---------------------------------------------------------------------------
# metadata over the front matter
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "front, metadata",
    [
        ("suppress-bibliography: true", {"suppress-bibliography": "yes"}),
        ("nocite: '@*'", {"nocite": "@*"}),
        ("lang: de-DE", {"lang": "de-DE"}),
        ("reference-section-title: Sources", {"reference-section-title": "Sources"}),
    ],
)
def test_metadata_does_what_the_same_front_matter_does(
    library: Library, front: str, metadata: dict[str, object]
) -> None:
    written = render_document(document(front), library=library)
    given = render_document(document(), library=library, metadata=metadata)
    assert body(given) == body(written)
    assert given.bibliography == written.bibliography


def test_metadata_wins_over_the_front_matter(library: Library) -> None:
    text = document("suppress-bibliography: true")
    back = render_document(text, library=library, metadata={"suppress-bibliography": "false"})
    assert back.bibliography and body(back) == body(render_document(document(), library=library))


def test_metadata_reaches_a_file_render(tmp_path: Path) -> None:
    (tmp_path / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    (tmp_path / "paper.md").write_text(document("bibliography: refs.json"), encoding="utf-8")
    shown = render_document_file(tmp_path / "paper.md")
    hidden = render_document_file(tmp_path / "paper.md", metadata=_OFF)
    assert shown.bibliography and not hidden.bibliography


# ---------------------------------------------------------------------------
# The real pandoc
# ---------------------------------------------------------------------------

SPELLINGS = ["true", "True", "yes", "on", "y", "t", "'on'", "'yes'", "1", "no", "off", "false"]


def _run(command: list[str], folder: Path, stdin: str | None = None) -> str:
    return subprocess.run(
        command,
        cwd=folder,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    return tmp_path


@pytest.mark.slow  # two runs of pandoc per spelling, one of them through the filter
def test_every_spelling_of_the_switch_is_read_as_pandoc_reads_it(
    folder: Path, real_pandoc: str
) -> None:
    """pandoc, the filter and ``citekit render`` agree on whether a bibliography is written."""
    program = Path(sys.executable).parent / "citekit-pandoc"
    if not program.exists():
        pytest.skip("the citekit-pandoc console script is not installed (pip install -e .)")
    paper = folder / "paper.md"
    for spelling in SPELLINGS:
        paper.write_text(
            f"---\nbibliography: refs.json\nsuppress-bibliography: {spelling}\n---\n\n"
            "Text [@doe2000].\n",
            encoding="utf-8",
        )
        plain = [real_pandoc, "paper.md", "-t", "plain", "--wrap=none"]
        by_pandoc = "Acme" in _run([*plain, "--citeproc"], folder)
        by_filter = "Acme" in _run([*plain, "--filter", str(program)], folder)
        by_render = bool(render_document_file(paper).bibliography)
        assert by_render == by_filter == by_pandoc, spelling


@pytest.mark.parametrize(
    "options",
    [
        ["-M", "suppress-bibliography=true"],
        ["-M", "suppress-bibliography"],
        ["-M", "link-bibliography=false"],
        ["-M", "csl=chicago-note-bibliography.csl", "-M", "notes-after-punctuation=no"],
        ["-M", "csl=chicago-note-bibliography.csl", "-M", "suppress-bibliography=yes"],
    ],
    ids=["suppress", "suppress-no-value", "no-links", "notes-before", "notes-no-bibliography"],
)
def test_the_reader_sees_what_pandoc_citeproc_writes(
    folder: Path, real_pandoc: str, options: list[str]
) -> None:
    """``citekit render``'s Markdown through pandoc (no citeproc) reads as ``--citeproc``'s."""
    from citekit import find_style

    style = find_style("chicago-note-bibliography")
    assert style.path is not None
    (folder / "chicago-note-bibliography.csl").write_bytes(Path(style.path).read_bytes())
    (folder / "paper.md").write_text(
        "---\nbibliography: refs.json\nreference-section-title: Works cited\n---\n\n"
        'Text [@smith2004, p. 3]. Then "an end" [@doe2000], and more [@smith2004].\n',
        encoding="utf-8",
    )
    plain = [real_pandoc, "-t", "plain", "--wrap=none"]
    expected = _run([*plain, "paper.md", "--citeproc", *options], folder)
    pairs = [o.split("=", 1) for o in options[1::2]]
    metadata = {key: value[0] if value else "true" for key, *value in pairs}
    ours = render_document_file(folder / "paper.md", metadata=metadata).output
    assert _run([*plain, "-f", "markdown"], folder, stdin=ours) == expected
