"""The immutable nodes a CSL style parses into (:mod:`.style_xml` builds them).

Rendering must never touch XML again: every element becomes a small frozen
node with its attributes already decoded (formatting folded into one
:class:`Formatting`, affixes and text-case into :class:`Decor`).  Macros stay
referenced by name and are looked up in ``Style.macros`` at render time, which
keeps nodes immutable and recursion-safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING

from citekit import errors
from citekit.base.valueclass import value_class

if TYPE_CHECKING:  # only parsing needs lxml, and a style read from the disk memo is not parsed
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


@value_class
class Formatting:
    """Font and decoration attributes of one element (None = not set)."""

    font_style: str | None = None
    font_variant: str | None = None
    font_weight: str | None = None
    text_decoration: str | None = None
    vertical_align: str | None = None


@value_class
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


@value_class
class Node:
    """Base class of every rendering element."""


@value_class
class TextNode(Node):
    """``cs:text``: a variable, macro, term or literal value (``source`` says which)."""

    source: str  # variable, macro, term, value
    value: str
    decor: Decor = PLAIN
    form: str = "long"
    plural: bool = False


@value_class
class NumberNode(Node):
    """``cs:number``: a number variable in numeric, ordinal or roman form."""

    variable: str
    form: str = "numeric"
    decor: Decor = PLAIN


@value_class
class LabelNode(Node):
    """``cs:label``: the term that labels a variable (``p.``, ``eds.``)."""

    variable: str
    form: str = "long"
    plural: str = "contextual"
    decor: Decor = PLAIN
    # Whether the style wrote ``form``: a locator's labelled parts print short
    # labels for a cs:label without one and long ones for form="long" (citeproc-js).
    form_written: bool = False


@value_class
class DatePartNode(Node):
    """``cs:date-part``: one of day, month and year, with its form."""

    name: str
    form: str | None = None
    range_delimiter: str | None = None
    decor: Decor = PLAIN


@value_class
class DateNode(Node):
    """``cs:date``: a date variable, localized (``form``) or with its own parts."""

    variable: str
    form: str | None = None  # text / numeric = localized
    parts_attr: str = "year-month-day"
    parts: tuple[DatePartNode, ...] = ()
    delimiter: str = ""
    decor: Decor = PLAIN


@value_class
class NamePartNode:
    """``cs:name-part``: the formatting of the given or family part of a name."""

    name: str  # given / family
    decor: Decor = PLAIN


@value_class
class NameNode:
    """``cs:name``: how each name is written (its options and its parts' formatting)."""

    attrs: Mapping[str, str]
    parts: Mapping[str, NamePartNode]
    decor: Decor = PLAIN


@value_class
class EtAlNode:
    """``cs:et-al``: the term that ends a shortened name list."""

    term: str = "et-al"
    decor: Decor = PLAIN


@value_class
class NamesNode(Node):
    """``cs:names``: name variables with their name, et-al, label and substitute."""

    variables: tuple[str, ...]
    name: NameNode | None = None
    et_al: EtAlNode | None = None
    label: LabelNode | None = None
    label_first: bool = False
    substitute: tuple[Node, ...] | None = None
    delimiter: str | None = None
    decor: Decor = PLAIN


@value_class
class GroupNode(Node):
    """``cs:group``: children that print only if a variable in them does."""

    children: tuple[Node, ...]
    delimiter: str = ""
    decor: Decor = PLAIN


@value_class
class Condition:
    """One ``cs:if``/``cs:else-if`` test set: ``match`` over (test, values) pairs."""

    match: str  # all / any / none
    tests: tuple[tuple[str, tuple[str, ...]], ...]


@value_class
class ChooseNode(Node):
    """``cs:choose``: branches in order; a None condition is ``cs:else``."""

    branches: tuple[tuple[Condition | None, tuple[Node, ...]], ...]


@value_class
class SortKey:
    """``cs:key``: a variable or macro to sort on, with its name-list overrides."""

    variable: str | None
    macro: str | None
    ascending: bool = True
    names_min: int | None = None
    names_use_first: int | None = None
    names_use_last: bool | None = None


@value_class
class Layout:
    """``cs:layout``: the children rendered for each cite or entry."""

    children: tuple[Node, ...]
    delimiter: str = ""
    decor: Decor = PLAIN


@value_class
class Section:
    """``cs:citation`` or ``cs:bibliography``."""

    layout: Layout
    sort: tuple[SortKey, ...]
    options: Mapping[str, str]
    name_attrs: Mapping[str, str]


@value_class
class Style:
    """A whole parsed style: its class, options, macros and sections."""

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


class StyleError(errors.StyleError, ValueError):
    """The XML is not a usable CSL style.

    The engine's own case of :class:`citekit.errors.StyleError` (so one
    ``except StyleError`` catches both), still a :class:`ValueError` as it
    always was.
    """


def option_int(value: str | None) -> int | None:
    """A whole-number attribute (``et-al-min``, ``names-min``), or None when absent or not a number.

    A style that writes "three" or nothing is read as one that left the
    option out, as citeproc-js reads it.
    """
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None
