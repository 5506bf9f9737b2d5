"""Before the engine: clusters that cite quotations -> the stream the engine renders.

:func:`expand` splits each cluster that cites a quotation into sub-clusters
in the same note (the statement alone, the quoting work alone with the
quoted-in locator, the other cites as they were), followed by a hidden
cluster of all of them, so the engine computes positions (first, subsequent,
ibid) as if the reader saw one note citing several works.  The functions
below it say which records a bibliography lists: the quoting work, not the
statement (Chicago lists only the source consulted).

Everything here is data in, data out: records and clusters, no engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from citekit.base.valueclass import value_class
from citekit.model.citations import CiteItem, Cluster
from citekit.model.locators import DEFAULT_LOCATOR, is_locator_label
from citekit.model.quotations import Quotation, has_quotations, is_quotation
from citekit.model.records import Library, Record

if TYPE_CHECKING:  # named in a signature only; the layout reader loads when a layout is read
    from citekit.render.quoted.layout import CitationLayout

_MAX_CHAIN = 16
"""How many "quoted in" links a chain follows before it stops."""

Shape = int | tuple[tuple[int, ...], ...]
"""Per cluster: the stream index of its rendering, or its parts — each part
the stream indices of one cite (a quotation: the statement, then each work
it is quoted in) or of a run of ordinary cites."""


@value_class
class Expansion:
    """The engine's clusters and how to put each original cluster back together."""

    stream: tuple[Cluster, ...]
    shapes: tuple[Shape, ...]
    quotations: frozenset[str] = frozenset()
    quoting_works: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def expanded(self) -> bool:
        return any(not isinstance(shape, int) for shape in self.shapes)


def quoted_in_target(record: Record, library: Library) -> str | None:
    """The id of the record a quotation is quoted in, when the library has it."""
    if not is_quotation(record):
        return None
    target = Quotation.from_record(record).quoted_in
    if target is None or target == record.key or target not in library:
        return None
    return target


def is_quoted(record: Record, library: Library) -> bool:
    """Whether a record is a quotation whose quoting work the library holds."""
    return quoted_in_target(record, library) is not None


def locator_label(label: str | None, key: str, warnings: list[str]) -> str:
    """A quotation's ``quoted-in-label`` as a CSL locator term (``page`` when none or unknown)."""
    if label is None:
        return DEFAULT_LOCATOR
    if is_locator_label(label):
        return label
    warnings.append(
        f"quotation '{key}': quoted-in-label '{label}' is not a CSL locator label; used 'page'"
    )
    return DEFAULT_LOCATOR


def quotation_chain(
    item: CiteItem, library: Library, warnings: list[str] | None = None
) -> list[CiteItem] | None:
    """The cites a quotation cite stands for: the statement, then each quoting work.

    None when the cite is not of a quotation quoted in a record of the
    library.  The record's quoted-in locator goes to the quoting work; a
    locator on the cite goes to the statement (like the "269" of Chicago's
    example) when the record has its own, else to the quoting work.  A
    quoting work that is itself a quotation is followed up to the first
    ordinary record; a chain that comes back on itself stops, with a warning.
    """
    found = warnings if warnings is not None else []
    if item.author_only or item.id not in library:
        return None
    record = library[item.id]
    if quoted_in_target(record, library) is None:
        return None
    chain: list[CiteItem] = []
    seen = {item.id}
    current, cite = record, item
    while len(chain) < _MAX_CHAIN:
        target = quoted_in_target(current, library)
        if target is None:
            break
        if target in seen:
            found.append(
                f"quotation '{current.key}': quoted-in '{target}' comes back to a "
                f"record already in the chain; the chain stops there"
            )
            break
        quote = Quotation.from_record(current)
        if quote.locator is not None:
            work = CiteItem(
                target, locator=quote.locator, label=locator_label(quote.label, current.key, found)
            )
        elif not chain and item.locator:
            work = CiteItem(target, locator=item.locator, label=item.label)
            cite = replace(cite, locator=None, label=None)
        else:
            work = CiteItem(target)
        chain.append(replace(cite, suffix=None) if not chain else cite)
        seen.add(target)
        current, cite = library[target], work
    chain.append(replace(cite, prefix=None, suppress_author=False, suffix=item.suffix))
    return chain


def expand(library: Library, clusters: Sequence[Cluster]) -> Expansion:
    """The stream of clusters the engine renders for ``clusters`` (see the module doc).

    Clusters without a quotation pass through; when any cluster has one,
    every cluster gets an explicit note number (its own, else its place
    counted from 1, which is what engines assume), so sub-clusters share
    their note.
    """
    warnings: list[str] = []
    chains = [
        [quotation_chain(item, library, warnings) for item in cluster.items] for cluster in clusters
    ]
    quoting: dict[str, None] = {}
    quotations: set[str] = set()
    for cluster in clusters:
        for item in cluster.items:
            if item.author_only and item.id in library:
                target = quoted_in_target(library[item.id], library)
                if target is not None:
                    quotations.add(item.id)
                    quoting.setdefault(_final_work(item.id, library))
    if not any(chain for per in chains for chain in per):
        return Expansion(
            tuple(clusters),
            tuple(range(len(clusters))),
            frozenset(quotations),
            tuple(quoting),
            tuple(dict.fromkeys(warnings)),
        )
    stream: list[Cluster] = []
    shapes: list[Shape] = []

    def emit(items: Sequence[CiteItem], note: int, cluster_id: str | None) -> int:
        stream.append(Cluster(tuple(items), note_number=note, id=cluster_id))
        return len(stream) - 1

    for index, (cluster, per_item) in enumerate(zip(clusters, chains, strict=True)):
        note = cluster.note_number or index + 1
        if not any(per_item):
            shapes.append(emit(cluster.items, note, cluster.id))
            continue
        parts: list[tuple[int, ...]] = []
        visible: list[CiteItem] = []
        run: list[CiteItem] = []
        for item, chain in zip(cluster.items, per_item, strict=True):
            if chain is None:
                run.append(item)
                continue
            if run:
                parts.append((emit(run, note, cluster.id),))
                visible += run
                run = []
            parts.append(tuple(emit((cite,), note, cluster.id) for cite in chain))
            visible += chain
            quotations.update(cite.id for cite in chain[:-1])
            quoting.setdefault(chain[-1].id)
        if run:
            parts.append((emit(run, note, cluster.id),))
            visible += run
        # Not shown: lets the next note see this one as citing several works,
        # so it never starts with an "ibid." that would point at one of them.
        emit(visible, note, cluster.id)
        shapes.append(tuple(parts))
    return Expansion(
        tuple(stream),
        tuple(shapes),
        frozenset(quotations),
        tuple(quoting),
        tuple(dict.fromkeys(warnings)),
    )


def _final_work(key: str, library: Library) -> str:
    seen = {key}
    current = key
    while True:
        target = quoted_in_target(library[current], library)
        if target is None or target in seen:
            return current
        seen.add(target)
        current = target


# ---------------------------------------------------------------------------
# Bibliography: which records to list
# ---------------------------------------------------------------------------


def bibliography_default(library: Library) -> list[str] | None:
    """The ids of a whole-library bibliography without its quotation records.

    None when the library has no quotation quoted in one of its records (so
    the engine's own "every item" applies unchanged).  A library without a
    single quotation record is answered by one cheap pass over it.
    """
    if not has_quotations(library):
        return None
    keys = [record.key for record in library if not is_quoted(record, library)]
    return None if len(keys) == len(library) else keys


def quoting_closure(library: Library, keys: Iterable[str]) -> list[str]:
    """``keys`` plus every record their quotations are quoted in, once each, in order.

    For callers that render a subset of a library (a document's cited
    records): without the quoting works in it, a quotation cannot be cited
    as "quoted in" anything.
    """
    out: dict[str, None] = {}
    for key in keys:
        current: str | None = key
        while current is not None and current not in out and current in library:
            out[current] = None
            current = quoted_in_target(library[current], library)
    return list(out)


def hidden_entries(
    expansion: Expansion, named: Iterable[str] | None, layout: CitationLayout
) -> frozenset[str]:
    """Cited quotation records to leave out of the bibliography.

    A key the caller named for the bibliography stays; so does every cited
    quotation in a numeric style, whose citation numbers must point somewhere.
    """
    if layout.numeric:
        return frozenset()
    return expansion.quotations - set(named or ())


__all__ = [
    "Expansion",
    "Shape",
    "bibliography_default",
    "expand",
    "hidden_entries",
    "is_quoted",
    "locator_label",
    "quotation_chain",
    "quoted_in_target",
    "quoting_closure",
]
