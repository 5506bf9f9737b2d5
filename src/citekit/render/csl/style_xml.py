"""CSL style XML -> immutable nodes (:mod:`.style`), parsed once per style.

Rendering must never touch XML again: every element becomes a small frozen
node with its attributes already decoded (formatting folded into one
:class:`Formatting`, affixes and text-case into :class:`Decor`).  Macros stay
referenced by name and are looked up in ``Style.macros`` at render time, which
keeps nodes immutable and recursion-safe.  Kept apart from the node types so
the passes over parsed nodes (:mod:`.substitute_parts`) sit between the two
without a loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from citekit.render.csl.style import (
    INHERITABLE_NAME_ATTRS,
    NS,
    PLAIN,
    ChooseNode,
    Condition,
    DateNode,
    DatePartNode,
    Decor,
    EtAlNode,
    Formatting,
    GroupNode,
    LabelNode,
    Layout,
    NameNode,
    NamePartNode,
    NamesNode,
    Node,
    NumberNode,
    Section,
    SortKey,
    Style,
    StyleError,
    TextNode,
    option_int,
)
from citekit.render.csl.substitute_parts import inherit_name_parts
from citekit.styles.catalog import take_checked_tree

if TYPE_CHECKING:  # imported by parse_style: the helpers here only walk elements
    from lxml import etree


def _formatting(el: etree._Element) -> Formatting | None:
    get = el.get
    values = (
        get("font-style"),
        get("font-variant"),
        get("font-weight"),
        get("text-decoration"),
        get("vertical-align"),
    )
    if not any(values):
        return None
    return Formatting(*values)


# Every attribute decor_of reads: an element with none of them is PLAIN.
_DECOR_ATTRIBUTES = frozenset(
    {
        "font-style",
        "font-variant",
        "font-weight",
        "text-decoration",
        "vertical-align",
        "prefix",
        "suffix",
        "display",
        "quotes",
        "strip-periods",
        "text-case",
    }
)


def decor_of(el: etree._Element) -> Decor:
    """The decoration an element's attributes give it (:data:`PLAIN` when none).

    Most elements carry no decoration attribute at all; one look at the
    attribute names settles those, instead of eleven lookups.
    """
    if _DECOR_ATTRIBUTES.isdisjoint(el.keys()):
        return PLAIN
    return decor_from_attributes(el)


def decor_from_attributes(el: etree._Element) -> Decor:
    """:func:`decor_of` reading every decoration attribute (the path with some set)."""
    get = el.get
    fmt = _formatting(el)
    prefix = get("prefix") or ""
    suffix = get("suffix") or ""
    display = get("display")
    quotes = get("quotes") == "true"
    strip = get("strip-periods") == "true"
    case = get("text-case")
    if not (fmt or prefix or suffix or display or quotes or strip or case):
        return PLAIN
    return Decor(prefix, suffix, fmt, display, quotes, strip, case)


def local_name(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag[len(NS) :] if tag.startswith(NS) else tag


def child_elements(el: etree._Element) -> list[etree._Element]:
    return [kid for kid in el if isinstance(kid.tag, str)]


class _Parser:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.tests_disambiguate = False

    def children(self, el: etree._Element) -> tuple[Node, ...]:
        nodes = []
        for kid in child_elements(el):
            node = self.node(kid)
            if node is not None:
                nodes.append(node)
        return tuple(nodes)

    def node(self, el: etree._Element) -> Node | None:
        tag = local_name(el)
        get = el.get
        if tag == "text":
            for source in ("variable", "macro", "term", "value"):
                value = get(source)
                if value is not None:
                    decor = decor_of(el)
                    if source == "macro" and decor.text_case is not None:
                        # citeproc-js applies text-case only to the text an
                        # element prints itself, never through a macro call.
                        decor = replace(decor, text_case=None)
                    return TextNode(
                        source, value, decor, get("form") or "long", get("plural") == "true"
                    )
            self.warnings.append("cs:text without variable, macro, term or value")
            return None
        if tag == "number":
            return NumberNode(get("variable") or "", get("form") or "numeric", decor_of(el))
        if tag == "label":
            return self.label(el)
        if tag == "date":
            parts = tuple(
                DatePartNode(
                    kid.get("name") or "",
                    kid.get("form"),
                    kid.get("range-delimiter"),
                    decor_of(kid),
                )
                for kid in child_elements(el)
                if local_name(kid) == "date-part"
            )
            return DateNode(
                get("variable") or "",
                get("form"),
                get("date-parts") or "year-month-day",
                parts,
                get("delimiter") or "",
                decor_of(el),
            )
        if tag == "names":
            return self.names(el)
        if tag == "group":
            return GroupNode(self.children(el), get("delimiter") or "", decor_of(el))
        if tag == "choose":
            branches: list[tuple[Condition | None, tuple[Node, ...]]] = []
            for kid in child_elements(el):
                kind = local_name(kid)
                if kind in ("if", "else-if"):
                    branches.append((self.condition(kid), self.children(kid)))
                elif kind == "else":
                    branches.append((None, self.children(kid)))
            return ChooseNode(tuple(branches))
        self.warnings.append(f"unknown element cs:{tag} ignored")
        return None

    def label(self, el: etree._Element) -> LabelNode:
        return LabelNode(
            el.get("variable") or "",
            el.get("form") or "long",
            el.get("plural") or "contextual",
            decor_of(el),
            el.get("form") is not None,
        )

    def condition(self, el: etree._Element) -> Condition:
        tests = []
        for attr in (
            "type",
            "variable",
            "is-numeric",
            "is-uncertain-date",
            "locator",
            "position",
            "disambiguate",
        ):
            value = el.get(attr)
            if value is not None:
                tests.append((attr, tuple(value.split())))
                self.tests_disambiguate = self.tests_disambiguate or attr == "disambiguate"
        return Condition(el.get("match") or "all", tuple(tests))

    def names(self, el: etree._Element) -> NamesNode:
        name = et_al = label = None
        label_first = False
        substitute = None
        for kid in child_elements(el):
            kind = local_name(kid)
            if kind == "name":
                attrs = {str(k): str(v) for k, v in kid.attrib.items()}
                parts = {
                    part.get("name") or "": NamePartNode(part.get("name") or "", decor_of(part))
                    for part in child_elements(kid)
                    if local_name(part) == "name-part"
                }
                name = NameNode(attrs, parts, decor_of(kid))
                if label is None:
                    label_first = False
            elif kind == "et-al":
                et_al = EtAlNode(kid.get("term") or "et-al", decor_of(kid))
            elif kind == "label":
                label = self.label(kid)
                label_first = name is None
            elif kind == "substitute":
                substitute = self.children(kid)
        # Without a cs:name the implicit one comes first, as in citeproc-js
        # (AMA's ``<names variable="editor"><label prefix=", "/></names>``).
        label_first = label_first and name is not None
        variables = tuple((el.get("variable") or "").split())
        return NamesNode(
            variables,
            name,
            et_al,
            label,
            label_first,
            substitute,
            el.get("delimiter"),
            decor_of(el),
        )

    def section(self, el: etree._Element | None) -> Section | None:
        if el is None:
            return None
        layout_el = None
        sort: list[SortKey] = []
        for kid in child_elements(el):
            kind = local_name(kid)
            if kind == "layout":
                layout_el = kid
            elif kind == "sort":
                for key in child_elements(kid):
                    sort.append(
                        SortKey(
                            key.get("variable"),
                            key.get("macro"),
                            key.get("sort") != "descending",
                            option_int(key.get("names-min")),
                            option_int(key.get("names-use-first")),
                            None
                            if key.get("names-use-last") is None
                            else key.get("names-use-last") == "true",
                        )
                    )
        if layout_el is None:
            layout = Layout(())
        else:
            layout = Layout(
                self.children(layout_el), layout_el.get("delimiter") or "", decor_of(layout_el)
            )
        options = {str(k): str(v) for k, v in el.attrib.items()}
        names = _name_attrs(options)
        return Section(layout, tuple(sort), options, names)


def _name_attrs(attrs: Mapping[str, str]) -> dict[str, str]:
    result = {k: attrs[k] for k in INHERITABLE_NAME_ATTRS if k in attrs}
    if "name-form" in attrs:
        result["form"] = attrs["name-form"]
    if "name-delimiter" in attrs:
        result["delimiter"] = attrs["name-delimiter"]
    if "names-delimiter" in attrs:
        result["names-delimiter"] = attrs["names-delimiter"]
    return result


def parse_style(xml: bytes | str) -> Style:
    """Parse a CSL style; raises :class:`StyleError` when it is not one."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    root = take_checked_tree(data)  # the style catalog's check parsed it already
    if root is None:
        from lxml import etree

        try:
            root = etree.fromstring(
                data, etree.XMLParser(remove_comments=True, resolve_entities=False)
            )
        except etree.XMLSyntaxError as error:
            raise StyleError(f"style is not well-formed XML: {error}") from error
    if local_name(root) != "style":
        raise StyleError("root element is not cs:style")
    parser = _Parser()
    macros: dict[str, tuple[Node, ...]] = {}
    citation_el = bibliography_el = None
    locales = []
    for kid in child_elements(root):
        kind = local_name(kid)
        if kind == "macro":
            macros[kid.get("name") or ""] = parser.children(kid)
        elif kind == "citation":
            citation_el = kid
        elif kind == "bibliography":
            bibliography_el = kid
        elif kind == "locale":
            locales.append(kid)
    citation = parser.section(citation_el)
    if citation is None:
        parser.warnings.append("style has no cs:citation")
        citation = Section(Layout(()), (), {}, {})
    bibliography = parser.section(bibliography_el)
    inherit_name_parts(
        macros, (citation.layout.children, bibliography.layout.children if bibliography else ())
    )
    options: dict[str, Any] = {k: v for k, v in root.attrib.items() if isinstance(k, str)}
    return Style(
        root.get("class") or "in-text",
        root.get("default-locale"),
        root.get("version") or "1.0",
        macros,
        citation,
        bibliography,
        tuple(locales),
        options,
        _name_attrs(options),
        tuple(parser.warnings),
        parser.tests_disambiguate,
    )
