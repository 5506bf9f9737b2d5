"""CSL style XML -> immutable nodes, parsed once per style.

Rendering must never touch XML again: every element becomes a small frozen
node with its attributes already decoded (formatting folded into one
:class:`Formatting`, affixes and text-case into :class:`Decor`).  Macros stay
referenced by name and are looked up in ``Style.macros`` at render time, which
keeps nodes immutable and recursion-safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree

NS = "{http://purl.org/net/xbiblio/csl}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Name options that cascade from style to citation/bibliography to cs:names/cs:name.
INHERITABLE_NAME_ATTRS = (
    "and",
    "delimiter-precedes-et-al",
    "delimiter-precedes-last",
    "et-al-min",
    "et-al-use-first",
    "et-al-use-last",
    "et-al-subsequent-min",
    "et-al-subsequent-use-first",
    "initialize",
    "initialize-with",
    "initialize-with-hyphen",
    "name-as-sort-order",
    "sort-separator",
)


@dataclass(frozen=True, slots=True)
class Formatting:
    """Font and decoration attributes of one element (None = not set)."""

    font_style: str | None = None
    font_variant: str | None = None
    font_weight: str | None = None
    text_decoration: str | None = None
    vertical_align: str | None = None


@dataclass(frozen=True, slots=True)
class Decor:
    """What wraps an element's output: affixes, formatting, quotes, case."""

    prefix: str = ""
    suffix: str = ""
    fmt: Formatting | None = None
    display: str | None = None
    quotes: bool = False
    strip_periods: bool = False
    text_case: str | None = None


PLAIN = Decor()


@dataclass(frozen=True, slots=True)
class Node:
    """Base class of every rendering element."""


@dataclass(frozen=True, slots=True)
class TextNode(Node):
    source: str  # variable, macro, term, value
    value: str
    decor: Decor = PLAIN
    form: str = "long"
    plural: bool = False


@dataclass(frozen=True, slots=True)
class NumberNode(Node):
    variable: str
    form: str = "numeric"
    decor: Decor = PLAIN


@dataclass(frozen=True, slots=True)
class LabelNode(Node):
    variable: str
    form: str = "long"
    plural: str = "contextual"
    decor: Decor = PLAIN


@dataclass(frozen=True, slots=True)
class DatePartNode(Node):
    name: str
    form: str | None = None
    range_delimiter: str | None = None
    decor: Decor = PLAIN


@dataclass(frozen=True, slots=True)
class DateNode(Node):
    variable: str
    form: str | None = None  # text / numeric = localized
    parts_attr: str = "year-month-day"
    parts: tuple[DatePartNode, ...] = ()
    delimiter: str = ""
    decor: Decor = PLAIN


@dataclass(frozen=True, slots=True)
class NamePartNode:
    name: str  # given / family
    decor: Decor = PLAIN


@dataclass(frozen=True, slots=True)
class NameNode:
    attrs: Mapping[str, str]
    parts: Mapping[str, NamePartNode]
    decor: Decor = PLAIN


@dataclass(frozen=True, slots=True)
class EtAlNode:
    term: str = "et-al"
    decor: Decor = PLAIN


@dataclass(frozen=True, slots=True)
class NamesNode(Node):
    variables: tuple[str, ...]
    name: NameNode | None = None
    et_al: EtAlNode | None = None
    label: LabelNode | None = None
    label_first: bool = False
    substitute: tuple[Node, ...] | None = None
    delimiter: str | None = None
    decor: Decor = PLAIN


@dataclass(frozen=True, slots=True)
class GroupNode(Node):
    children: tuple[Node, ...]
    delimiter: str = ""
    decor: Decor = PLAIN


@dataclass(frozen=True, slots=True)
class Condition:
    match: str  # all / any / none
    tests: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class ChooseNode(Node):
    branches: tuple[tuple[Condition | None, tuple[Node, ...]], ...]


@dataclass(frozen=True, slots=True)
class SortKey:
    variable: str | None
    macro: str | None
    ascending: bool = True
    names_min: int | None = None
    names_use_first: int | None = None
    names_use_last: bool | None = None


@dataclass(frozen=True, slots=True)
class Layout:
    children: tuple[Node, ...]
    delimiter: str = ""
    decor: Decor = PLAIN


@dataclass(frozen=True, slots=True)
class Section:
    """``cs:citation`` or ``cs:bibliography``."""

    layout: Layout
    sort: tuple[SortKey, ...]
    options: Mapping[str, str]
    name_attrs: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Style:
    cls: str
    default_locale: str | None
    version: str
    macros: Mapping[str, tuple[Node, ...]]
    citation: Section
    bibliography: Section | None
    locales: tuple[etree._Element, ...]
    options: Mapping[str, str]
    name_attrs: Mapping[str, str]
    warnings: tuple[str, ...] = field(default=())
    # Whether any cs:if/cs:else-if tests ``disambiguate``: without such a test
    # and without disambiguate-* options, disambiguation has nothing to do.
    tests_disambiguate: bool = False


class StyleError(ValueError):
    """The XML is not a usable CSL style."""


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


def decor_of(el: etree._Element) -> Decor:
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


def _tag(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag[len(NS) :] if tag.startswith(NS) else tag


def _kids(el: etree._Element) -> list[etree._Element]:
    return [kid for kid in el if isinstance(kid.tag, str)]


class _Parser:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.tests_disambiguate = False

    def children(self, el: etree._Element) -> tuple[Node, ...]:
        nodes = []
        for kid in _kids(el):
            node = self.node(kid)
            if node is not None:
                nodes.append(node)
        return tuple(nodes)

    def node(self, el: etree._Element) -> Node | None:
        tag = _tag(el)
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
                for kid in _kids(el)
                if _tag(kid) == "date-part"
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
            for kid in _kids(el):
                kind = _tag(kid)
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
        for kid in _kids(el):
            kind = _tag(kid)
            if kind == "name":
                attrs = {str(k): str(v) for k, v in kid.attrib.items()}
                parts = {
                    part.get("name") or "": NamePartNode(part.get("name") or "", decor_of(part))
                    for part in _kids(kid)
                    if _tag(part) == "name-part"
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
        for kid in _kids(el):
            kind = _tag(kid)
            if kind == "layout":
                layout_el = kid
            elif kind == "sort":
                for key in _kids(kid):
                    sort.append(
                        SortKey(
                            key.get("variable"),
                            key.get("macro"),
                            key.get("sort") != "descending",
                            _int(key.get("names-min")),
                            _int(key.get("names-use-first")),
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


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def parse_style(xml: bytes | str) -> Style:
    """Parse a CSL style; raises :class:`StyleError` when it is not one."""
    try:
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        root = etree.fromstring(data, etree.XMLParser(remove_comments=True, resolve_entities=False))
    except etree.XMLSyntaxError as error:
        raise StyleError(f"style is not well-formed XML: {error}") from error
    if _tag(root) != "style":
        raise StyleError("root element is not cs:style")
    parser = _Parser()
    macros: dict[str, tuple[Node, ...]] = {}
    citation_el = bibliography_el = None
    locales = []
    for kid in _kids(root):
        kind = _tag(kid)
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
    from citekit.render.csl.substitute_parts import inherit_name_parts

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
