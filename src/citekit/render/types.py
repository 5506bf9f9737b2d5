"""The contract between ``render()`` and the CSL engines behind it.

An engine turns CSL-JSON items, a CSL style and citation clusters into rich
text (:mod:`citekit.render.richtext`).  It does no I/O: the style arrives as
XML bytes and locales through a loader callable, so the same engine runs on
the official test suite, on files and on strings.  Problems in the data or
the style become ``warnings``; an engine never raises for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from typing import Any, Protocol

from citekit.base.valueclass import value_class
from citekit.model.citations import CiteItem, Cluster
from citekit.render.richtext import Rich

DEFAULT_ENGINE = "citekit"
"""The engine :func:`citekit.render.render` uses when none is named."""

LocaleLoader = Callable[[str], bytes | None]
"""Returns the XML of ``locales-<lang>.xml`` for a tag like ``de-AT``, or None."""

ProgressCallback = Callable[[int], None]
"""Told how many more bibliography entries are done, to drive a progress bar."""

NO_PRINTED_FORM = "[CSL STYLE ERROR: reference with no printed form.]"
"""What an engine prints for a cite the style gives no output (citeproc-js's words)."""

CITATION_AFFIXES = "citation-affixes"
"""Capability: ``process(..., citation_affixes=False)`` is understood.

An engine that lists it in its ``capabilities`` then renders every cluster
without the citation layout's own ``prefix`` and ``suffix`` (``(`` and ``)``
in author-date styles, the full stop ending a note), exactly as if the
style's ``cs:citation/cs:layout`` had neither: cite affixes, delimiters and
the punctuation rules inside the cluster are unchanged, and nothing is merged
into the missing affixes.  The "quoted in" pass (:mod:`citekit.render.quoted`)
puts such pieces together itself.
"""

AUTHOR_SUBSTITUTE = "author-substitute"
"""Capability: ``process(..., author_substitute=False)`` is understood.

The engine then ignores the bibliography's ``subsequent-author-substitute``
(and its rule) for that run: every entry prints its names in full, as it
would standing alone (the course reader prints entries outside the
bibliography's order).  Nothing else changes.
"""

PARALLEL_BIBLIOGRAPHY = "parallel-bibliography"
"""Capability: ``process(..., jobs=N)`` is understood.

The engine may then format a long bibliography in up to ``N`` processes
(0: as many as there are idle CPUs); the output is the same as with 1.
"""


def supports(engine: object, capability: str) -> bool:
    """Whether ``engine`` declares ``capability`` in its ``capabilities`` attribute.

    Capabilities are optional: an engine written against the first version
    of :class:`Engine` (without ``capabilities``) still works, and callers
    fall back to what that version allows.
    """
    declared: object = getattr(engine, "capabilities", frozenset())
    return isinstance(declared, (frozenset, set, tuple, list)) and capability in declared


@value_class
class Problem:
    """One thing that went wrong while rendering, as data a program can act on.

    ``str(problem)`` is the message as the CLI prints it; ``code`` says
    what kind of problem it is, so a writing tool can underline an unknown
    key and offer ``suggestions`` instead of parsing text:

    ``unknown-key``
        a cited (or ``nocite``/``bibliography_keys``) key not in the library;
        ``key`` is the key, ``suggestions`` the closest keys.
    ``unknown-locale``
        no locale file for the locale asked for (``key`` is the locale).
    ``style``
        the style could not be read or used.
    ``engine-failed``
        the engine raised; every citation shows its keys instead.
    ``no-printed-form``
        an entry the style prints as nothing (``key`` is the entry).
    ``warning``
        anything else the engine or the data reported (the message says what).
    """

    code: str
    message: str
    key: str | None = None
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "key": self.key,
            "suggestions": list(self.suggestions),
        }


@value_class
class BibliographyLayout:
    """The bibliography's layout attributes, for HTML and LaTeX output."""

    hanging_indent: bool = False
    second_field_align: str | None = None  # "flush" or "margin"
    entry_spacing: int = 1
    line_spacing: int = 1

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, str] | None) -> BibliographyLayout:
        """The layout a ``<bibliography>`` element's attributes ask for (None: no bibliography).

        Both engines read the same four attributes, so they read them here:
        a spacing that is not a number keeps the default of 1 and a negative
        one counts as 0 (CSL allows neither; a style with one still renders).
        """
        if attributes is None:
            return cls()

        def spacing(name: str) -> int:
            try:
                return max(0, int(attributes.get(name, "1")))
            except ValueError:
                return 1

        return cls(
            hanging_indent=attributes.get("hanging-indent") == "true",
            second_field_align=attributes.get("second-field-align"),
            entry_spacing=spacing("entry-spacing"),
            line_spacing=spacing("line-spacing"),
        )


@value_class(frozen=False)
class EngineOutput:
    """What an engine returns: one rich text per cluster, the bibliography, warnings."""

    citations: list[Rich] = field(default_factory=list)
    bibliography: list[tuple[str, Rich]] = field(default_factory=list)
    layout: BibliographyLayout = field(default_factory=BibliographyLayout)
    warnings: list[str] = field(default_factory=list)


class Engine(Protocol):
    """A CSL processor usable by :func:`citekit.render.render`."""

    name: str

    def process(
        self,
        items: Sequence[Mapping[str, Any]],
        style_xml: bytes,
        clusters: Sequence[Cluster],
        *,
        locale: str | None,
        locale_loader: LocaleLoader,
        bibliography: bool = True,
        bibliography_ids: Sequence[str] | None = None,
        progress: ProgressCallback | None = None,
        citation_affixes: bool = True,
        author_substitute: bool = True,
    ) -> EngineOutput:
        """Render ``clusters`` (in document order) and, when asked, a bibliography.

        ``items`` are CSL-JSON objects with string ids.  The bibliography holds
        ``bibliography_ids`` when given (plus every cited item), else every
        item, sorted as the style says.  ``locale`` overrides the style's
        ``default-locale``.  ``progress`` is called as bibliography entries
        are done, adding up to their number.

        ``citation_affixes`` and ``author_substitute`` are passed (as False)
        only to an engine whose ``capabilities`` include
        :data:`CITATION_AFFIXES` and :data:`AUTHOR_SUBSTITUTE` respectively;
        an engine declares ``capabilities: frozenset[str]`` as a class
        attribute.
        """
        ...


__all__ = [
    "AUTHOR_SUBSTITUTE",
    "CITATION_AFFIXES",
    "DEFAULT_ENGINE",
    "NO_PRINTED_FORM",
    "PARALLEL_BIBLIOGRAPHY",
    "BibliographyLayout",
    "CiteItem",
    "Cluster",
    "Engine",
    "EngineOutput",
    "LocaleLoader",
    "Problem",
    "ProgressCallback",
    "supports",
]
