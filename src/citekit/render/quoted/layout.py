"""What the style's citation layout puts around the cites, read from the style.

The "quoted in" pass needs three facts about ``cs:citation/cs:layout``: its
prefix and suffix (which go once around a whole "quoted in" citation), its
delimiter (between the cites of a cluster) and whether the citation prints
numbers (a numeric style must keep cited quotation records in the
bibliography, where their numbers point).  They are read from the XML here,
the same for every engine, so no engine's style parser runs for them.

For engines that cannot render a cluster without the layout's affixes
(without :data:`citekit.render.types.CITATION_AFFIXES`), :func:`marked_style`
is the fallback: a copy of the style whose layout affixes are private-use
markers, cut out again by :func:`citekit.render.quoted.assembly.between_marks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from citekit.render.marks import QUOTED_CLOSE, QUOTED_OPEN
from citekit.render.quoted.forms import parse_style_xml

_NS = "{http://purl.org/net/xbiblio/csl}"

OPEN_MARK = QUOTED_OPEN
"""Stands in for the citation layout's prefix in the marked rendering."""
CLOSE_MARK = QUOTED_CLOSE
"""Stands in for the citation layout's suffix in the marked rendering."""

NUMBER_VARIABLES = ("citation-number", "citation-label")
"""The variables whose presence in the citation makes a style numeric here."""


@dataclass(frozen=True, slots=True)
class CitationLayout:
    """What ``cs:citation/cs:layout`` puts around and between cites.

    ``numeric`` styles (citation numbers or labels) keep cited quotations
    in the bibliography, where their numbers must point.
    """

    prefix: str = ""
    suffix: str = ""
    delimiter: str = "; "
    numeric: bool = False


def _layout_element(root: etree._Element | None) -> etree._Element | None:
    if root is None:
        return None
    return root.find(f"{_NS}citation/{_NS}layout")


def _macros(root: etree._Element) -> dict[str, etree._Element]:
    return {m.get("name") or "": m for m in root.findall(f"{_NS}macro")}


def citation_prints(root: etree._Element, variables: tuple[str, ...]) -> bool:
    """Whether the citation layout can print one of ``variables`` with ``cs:text``.

    Follows ``cs:text macro=`` references, groups and every branch of
    ``cs:choose`` (each macro once), so a number printed through a macro
    counts; other elements (names, dates, numbers) are not looked into.
    """
    layout = _layout_element(root)
    if layout is None:
        return False
    macros = _macros(root)
    seen: set[str] = set()

    def walk(parent: etree._Element) -> bool:
        for node in parent:
            if not isinstance(node.tag, str):
                continue
            tag = etree.QName(node).localname
            if tag == "text":
                if node.get("variable") in variables:
                    return True
                macro = node.get("macro")
                if macro is not None and macro not in seen and macro in macros:
                    seen.add(macro)
                    if walk(macros[macro]):
                        return True
            elif tag in ("group", "choose", "if", "else-if", "else") and walk(node):
                return True
        return False

    return walk(layout)


@lru_cache(maxsize=64)
def citation_layout(style_xml: bytes) -> CitationLayout:
    """The citation layout's affixes and delimiter, and whether the style is numeric."""
    root = parse_style_xml(style_xml)
    layout = _layout_element(root)
    if root is None or layout is None:
        return CitationLayout()
    delimiter = layout.get("delimiter")
    return CitationLayout(
        prefix=layout.get("prefix") or "",
        suffix=layout.get("suffix") or "",
        delimiter="; " if delimiter is None else delimiter,
        numeric=citation_prints(root, NUMBER_VARIABLES),
    )


@lru_cache(maxsize=64)
def marked_style(style_xml: bytes) -> bytes:
    """The style with its citation layout's prefix and suffix replaced by markers.

    Only for engines without :data:`citekit.render.types.CITATION_AFFIXES`.
    """
    root = parse_style_xml(style_xml)
    if root is None:
        return style_xml
    copy = etree.fromstring(etree.tostring(root))
    layout = _layout_element(copy)
    if layout is None:
        return style_xml
    layout.set("prefix", OPEN_MARK)
    layout.set("suffix", CLOSE_MARK)
    data: bytes = etree.tostring(copy, xml_declaration=True, encoding="utf-8")
    return data


__all__ = [
    "CLOSE_MARK",
    "NUMBER_VARIABLES",
    "OPEN_MARK",
    "CitationLayout",
    "citation_layout",
    "citation_prints",
    "marked_style",
]
