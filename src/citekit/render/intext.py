"""pandoc's author-in-text citations (``@key [p. 33]``) and notes that stand alone.

CSL has no in-text author form: pandoc prints the author as an author-only
cite renders it, then the rest of the cite with the author suppressed
("Raimondo (2000, p. 33)").  ``citekit cite``, :func:`citekit.cite`, the
document renderer and the pandoc filter all go through these functions, so
one citation text prints the same wherever it is written.  The pieces that
render (the names before the cites, :func:`citekit.in_text_authors`) live in
the render API beside :func:`citekit.cite`, which reads the in-text form
too; these are the ones it builds on.
"""

from __future__ import annotations

import re
from dataclasses import replace

from citekit.model.citations import Cluster
from citekit.model.records import Record
from citekit.render.richtext import Rich, Text, plain
from citekit.styles.catalog import Style, load_locale_xml


def author_in_text_applies(style: Style, *, in_note: bool = False) -> bool:
    """Whether an author-in-text cite (``@key [p. 33]``) prints the author before it.

    Not inside a note of a note style (the whole citation stands there), and
    not in numeric styles, where pandoc prints just the number ("[1] says"):
    CSL has no in-text author form, and numeric styles disagree on one.
    ``citekit cite`` asks the same question, so both print the same.
    """
    if style.is_note and in_note:
        return False
    return style.citation_format != "numeric"


def suppress_in_text_author(cluster: Cluster, style: Style) -> Cluster:
    """An author-in-text cluster as the engine renders it: its first cite without the author.

    Only the first cite is in the text (``@a [p. 3; @b]``: ``@b`` is an
    ordinary cite in the parentheses); in styles where the form does not
    apply (numeric ones) the cluster stays as it is.
    """
    if not cluster.items or not author_in_text_applies(style):
        return cluster
    first, *rest = cluster.items
    return replace(cluster, items=(replace(first, suppress_author=True), *rest))


def author_name(tree: Rich | None, record: Record, locale: str) -> Rich:
    """The name of an author-in-text cite from its author-only rendering (or the record).

    For callers that render the author-only cite themselves, at the cite's
    own position (the pandoc filter: a note style's subsequent cite names
    the author short, "Raimondo", as pandoc does).
    """
    if tree is not None:
        stripped = _strip_layout_affixes(tree)
        if re.search(r"[^\W\d_]", plain(stripped)):
            return stripped
    return Text(_fallback_author(record, locale))


def _strip_layout_affixes(rich: Rich) -> Rich:
    """An author-only rendering without the brackets and final period of the layout."""
    leaves: list[Text] = []

    def collect(node: Rich) -> None:
        if isinstance(node, Text):
            if node.text:
                leaves.append(node)
        else:
            for child in node.children:
                collect(child)

    collect(rich)
    if not leaves:
        return rich
    first, last = leaves[0], leaves[-1]
    swap: dict[int, Text] = {}
    stripped_first = Text(first.text.lstrip("([ "))
    swap[id(first)] = stripped_first
    source = stripped_first if last is first else last
    ending = source.text.rstrip(")], ")
    if ending.endswith(".") and not re.search(r"(?:\bal|\b[A-Z])\.$", ending):
        ending = ending[:-1]
    swap[id(last)] = Text(ending)

    def rebuild(node: Rich) -> Rich:
        if isinstance(node, Text):
            return swap.get(id(node), node)
        return replace(node, children=tuple(rebuild(c) for c in node.children))

    return rebuild(rich)


def _fallback_author(record: Record, locale: str) -> str:
    """Family names of the authors (or editors) for styles that print no names."""
    names = record.names("author") or record.names("editor")
    families = [n.family or n.literal or "" for n in names]
    families = [f for f in families if f]
    if not families:
        title = record.get("title-short") or record.get("title")
        return str(title) if title else record.key
    if len(families) >= 3:
        return f"{families[0]} et al."
    xml = load_locale_xml(locale) or b""
    match = re.search(rb'<term name="and">([^<]+)</term>', xml)
    conjunction = match.group(1).decode("utf-8") if match else "and"
    return f" {conjunction} ".join(families)


#: Closing HTML tags at the end of a rendered citation (``…, 33.</span>``).
_TAGS_AT_END = r"(?:</[a-zA-Z][^>]*>)+$"


def without_closing_period(text: str) -> str:
    """A note's citation inside running text (a footnote of the writer's) without its final stop.

    The stop that ends a note would double the sentence's own ("chap. 2.."); a
    stop inside closing quotes goes too (".”" becomes "”"); closing HTML tags
    after it stay, so the same works on HTML, Markdown and plain text.
    """
    closing = re.search(_TAGS_AT_END, text)
    cut = closing.start() if closing else len(text)
    body, tail = text[:cut], text[cut:]
    for ending, keep in ((".”", "”"), (".’", "’"), (".", "")):
        if body.endswith(ending):
            return body[: -len(ending)] + keep + tail
    return text


_NOTE_OPENERS = "\"'“‘([ \t\n"
#: A letter; searched through re's own cache, not compiled at import: only
#: note styles capitalise.
_LETTER = r"[^\W\d_]"


def capitalise_note(rich: Rich) -> Rich:
    """A note's first letter as a capital ("See ...", "Ibid."), as in a rendered document.

    Only when the letter starts the note (nothing but opening quotes and
    brackets before it) and is not protected by ``nocase``; later cites of
    the same note keep their case ("See A; see B"), as in pandoc and
    citeproc-js.
    """
    done = False

    def walk(node: Rich, nocase: bool) -> Rich:
        nonlocal done
        if done:
            return node
        if isinstance(node, Text):
            letter = re.search(_LETTER, node.text)
            before = node.text[: letter.start()] if letter else node.text
            if before.strip(_NOTE_OPENERS) or letter is None:
                done = done or bool(before.strip(_NOTE_OPENERS))
                return node
            done = True
            if nocase:
                return node
            at = letter.start()
            return Text(node.text[:at] + node.text[at].upper() + node.text[at + 1 :])
        return replace(
            node, children=tuple(walk(child, nocase or node.nocase) for child in node.children)
        )

    return walk(rich, False)


__all__ = [
    "author_in_text_applies",
    "author_name",
    "capitalise_note",
    "suppress_in_text_author",
    "without_closing_period",
]
