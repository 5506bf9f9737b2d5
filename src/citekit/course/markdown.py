"""The course reader as pandoc Markdown.

The file is meant to be fed to pandoc (``pandoc reader.md -o reader.pdf``):
a YAML metadata block carries the title, course code, term and instructor;
headings carry explicit ids so the contents list links work in every
output; each reading is a fenced div (``::: {#id .reader-entry}``) so a
pandoc template or filter can style it, and the text inside is escaped by
citekit's own Markdown serialiser.

Nothing from the list or the library reaches pandoc as markup: pandoc reads
the YAML metadata values as Markdown too (a ``<script>`` in a title would be
raw HTML in ``pandoc -s`` output), so each value is Markdown-escaped first and
then written as a double-quoted YAML scalar with every character that could
end it escaped.
"""

from __future__ import annotations

from citekit.course.build import (
    BIBLIOGRAPHY_ID,
    Anchors,
    Reader,
    ReaderEntry,
    ReaderSection,
    inline_layout,
    linked,
)
from citekit.render import richtext
from citekit.render.richtext import Text


def _escaped(text: str) -> str:
    return richtext.to_markdown(Text(text))


def yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back as ``text`` exactly.

    Backslash and quote are escaped, and so is every character YAML or a
    terminal could take for a line break or that is not printable (C0/C1
    controls, U+2028/U+2029, U+FEFF); a lone surrogate becomes U+FFFD.
    """
    out = ['"']
    for char in richtext.printable(text):
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7F <= code <= 0x9F or char in "\u2028\u2029\ufeff":
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _meta_value(text: str) -> str:
    """A metadata value pandoc will read as Markdown: escaped, then YAML-quoted."""
    return yaml_string(_escaped(" ".join(text.split())))


def _inline(rich: richtext.Rich) -> str:
    """Markdown of rich text on one paragraph (block displays become spaces)."""
    return " ".join(richtext.to_markdown(inline_layout(rich)).split())


def _entry(entry: ReaderEntry, anchor: str, *, grouped: bool) -> list[str]:
    """One reading as a fenced div; the group heading above says required or optional."""
    classes = ".reader-entry"
    if grouped:
        classes += " .required" if entry.required else " .optional"
    lines = [f"::: {{#{anchor} {classes}}}"]
    lines += [_inline(entry.rich), ""]
    if entry.locator_text:
        count = (
            f" ({entry.amount_text})"
            if entry.amount and entry.amount > 1 and entry.unit != "minute"
            else ""
        )
        lines += [f"Read: {_escaped(entry.locator_text)}{count}", ""]
    elif entry.amount_text and entry.locator is None:
        lines += [f"Length: {_escaped(entry.amount_text)}", ""]
    if entry.context is not None:
        lines += [_inline(entry.context), ""]
    if entry.annotation is not None:
        lines += [_inline(entry.annotation), ""]
    if entry.note:
        lines += [f"*Note:* {_inline(linked(entry.note))}", ""]
    if lines[-1] == "":
        lines.pop()
    lines += [":::", ""]
    return lines


def _section(section: ReaderSection, anchors: Anchors) -> list[str]:
    lines = [f"# {_escaped(section.title)} {{#{anchors.section(section.id)}}}", ""]
    if section.description:
        lines += [richtext.to_markdown(linked(section.description)), ""]
    load = section.load.describe()
    if load:
        lines += [f"*Reading load:* {_escaped(load)}", ""]
    for heading, entries in (
        ("Required reading", section.required),
        ("Optional reading", section.optional),
    ):
        if not entries:
            continue
        lines += [f"## {heading} {{.unnumbered .unlisted}}", ""]
        for entry in entries:
            lines += _entry(entry, anchors.entry(section.id, entry.key), grouped=True)
    return lines


def render_markdown(reader: Reader) -> str:
    """The whole reader as one pandoc Markdown document."""
    course = reader.reading_list
    meta = ["---", f"title: {_meta_value(course.title)}"]
    subtitle = " · ".join(p for p in (course.code, course.term) if p)
    if subtitle:
        meta.append(f"subtitle: {_meta_value(subtitle)}")
    if course.instructor:
        meta.append(f"author: {_meta_value(course.instructor)}")
    meta += [f"lang: {yaml_string(reader.locale)}", "---", ""]
    load = reader.load.describe()
    lines = [
        *meta,
        f"Citation style: {_escaped(reader.style.title)}."
        + (f" Reading load: {_escaped(load)}." if load else ""),
        "",
        "# Contents {.unnumbered}",
        "",
    ]
    anchors = Anchors(reader)
    for section in reader.sections:
        load = section.load.describe()
        lines.append(
            f"- [{_escaped(section.title)}](#{anchors.section(section.id)})"
            + (f" — {_escaped(load)}" if load else "")
        )
    lines += [f"- [Bibliography](#{BIBLIOGRAPHY_ID})", ""]
    for section in reader.sections:
        lines += _section(section, anchors)
    lines += [f"# Bibliography {{#{BIBLIOGRAPHY_ID}}}", ""]
    for entry in reader.bibliography:
        lines += _entry(entry, anchors.bibliography_entry(entry.key), grouped=False)
    return "\n".join(lines).rstrip("\n") + "\n"


__all__ = ["render_markdown", "yaml_string"]
