"""The language server's view of a bibliography: keys indexed once, entries rendered on demand.

A writer's library may hold 10,000 entries, and completion runs on every
keystroke, so a :class:`LibraryIndex` does the expensive work once per load:
it reads the files with :func:`citekit.read`, runs :func:`citekit.check`,
and keeps the keys sorted (case-folded) so a prefix is two binary searches.
Everything per entry (the "Author Year" summary, the formatted citation and
bibliography entry, a near-miss suggestion) is computed the first time it is
asked for and cached until the files change.

Rendering a citation against the whole library costs seconds at this size
(the processor prepares every record), so a hover renders the entry in a
small library of the record and the records it points to ("quoted in"):
milliseconds, and the same text except for disambiguation between works the
document cites together.  The citation a hover shows is the cite as written
(``[see @key, p. 33]``, ``-@key``, ``@key [p. 33]``) rendered the way
``citekit render`` renders a document holding it (:meth:`LibraryIndex.cite`),
so its locator, prefix, suffix and author suppression are there.

A :class:`LibraryIndex` is built (:meth:`LibraryIndex.read`) in a worker
thread by the server and only then handed to the event loop, which alone
uses it afterwards; nothing here is shared between threads while it changes.
"""

from __future__ import annotations

import bisect
import difflib
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import citekit
from citekit.base.text import strip_markup

#: Diagnostics worth showing in a document: a missing field or a bad date
#: matters when citing; "fields kept in custom" notes (info) do not.
_SHOWN = ("error", "warning")
#: How alike (difflib's ratio) an unknown key and a library key must be for
#: "did you mean": one wrong or missing character in a typical key passes.
_CUTOFF = 0.75


@dataclass(frozen=True, slots=True)
class Location:
    """Where an entry is written: its file and the 1-based line of ``@type{key,``."""

    path: Path
    line: int


@dataclass(frozen=True, slots=True)
class Rendered:
    """An entry as the style prints it, or why it could not be printed."""

    citation: str
    entry: str
    error: str | None = None


@dataclass(slots=True)
class LibraryIndex:
    """The records of one or more bibliography files, indexed for the editor.

    ``problems`` lists files that could not be read (one message each); the
    records of the other files are still there.  ``flagged`` maps a key to
    what ``citekit check`` found wrong with its entry.
    """

    paths: tuple[Path, ...]
    library: citekit.Library = field(default_factory=lambda: citekit.Library())
    locations: dict[str, Location] = field(default_factory=dict)
    flagged: dict[str, list[citekit.Diagnostic]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    generation: int = 0
    _stamps: dict[Path, tuple[int, int] | None] = field(default_factory=dict)
    _folded: list[str] = field(default_factory=list)
    _sorted: list[str] = field(default_factory=list)
    _by_fold: dict[str, str] = field(default_factory=dict)
    _by_length: dict[int, list[str]] = field(default_factory=dict)
    _summaries: dict[str, tuple[str, str]] = field(default_factory=dict)
    _rendered: dict[tuple[str, str, str | None], Rendered] = field(default_factory=dict)
    _cites: dict[tuple[str, str, str, str | None], str] = field(default_factory=dict)
    _suggestions: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def open(cls, paths: Iterable[Path]) -> LibraryIndex:
        """Read ``paths`` and index them."""
        index = cls(tuple(paths))
        index.load()
        return index

    @classmethod
    def read(cls, paths: Iterable[Path], previous: LibraryIndex | None = None) -> LibraryIndex:
        """A new index of ``paths``, read now; ``previous`` is the one it replaces.

        The server calls this in a worker thread and swaps the result in on its
        event loop, so requests keep using the previous index (never one half
        loaded) until the new one is complete.  The generation counts on from
        ``previous``, as an in-place :meth:`load` would count.
        """
        index = cls(tuple(paths))
        if previous is not None:
            index.generation = previous.generation
        index.load()
        return index

    # -- loading -----------------------------------------------------------------
    def load(self) -> None:
        """(Re)read every file; a file that fails is reported and the others kept."""
        library = citekit.Library()
        locations: dict[str, Location] = {}
        flagged: dict[str, list[citekit.Diagnostic]] = {}
        problems: list[str] = []
        for path in self.paths:
            self._stamps[path] = _stamp(path)
            try:
                result = citekit.read(path)
            except (citekit.CitekitError, OSError) as error:
                problems.append(f"{path}: {error}")
                continue
            for record in result.library:
                if record.key in library:
                    continue  # the first file naming a key wins, as pandoc's does
                library.add(record)
                if record.key in result.lines:
                    locations[record.key] = Location(path, result.lines[record.key])
            checked = citekit.check(
                result.library,
                diagnostics=result.diagnostics,
                filename=str(path),
                lines=result.lines,
            )
            for diagnostic in checked:
                if diagnostic.key and diagnostic.severity.value in _SHOWN:
                    flagged.setdefault(diagnostic.key, []).append(diagnostic)
        self.library, self.locations, self.flagged, self.problems = (
            library,
            locations,
            flagged,
            problems,
        )
        pairs = sorted((key.casefold(), key) for key in library.keys())  # noqa: SIM118 (a Library iterates records)
        self._folded = [folded for folded, _ in pairs]
        self._sorted = [key for _, key in pairs]
        self._by_fold = {}
        self._by_length = {}
        for folded, key in pairs:
            self._by_fold.setdefault(folded, key)
            self._by_length.setdefault(len(key), []).append(key)
        self._summaries.clear()
        self._rendered.clear()
        self._cites.clear()
        self._suggestions.clear()
        self.generation += 1

    def stale(self) -> bool:
        """Whether a file changed (size or modification time) since it was read."""
        return any(_stamp(path) != stamp for path, stamp in self._stamps.items())

    def refresh(self) -> bool:
        """Reload when a file changed on disk; whether it did."""
        if self.stale():
            self.load()
            return True
        return False

    # -- lookups -----------------------------------------------------------------
    def __contains__(self, key: object) -> bool:
        return key in self.library

    def __len__(self) -> int:
        return len(self.library)

    def complete(self, prefix: str, limit: int) -> tuple[list[str], bool]:
        """Keys starting with ``prefix`` (ignoring case), at most ``limit``; and whether cut."""
        folded = prefix.casefold()
        low = bisect.bisect_left(self._folded, folded)
        high = bisect.bisect_left(self._folded, folded + "\U0010ffff", lo=low)
        keys = self._sorted[low : min(high, low + limit)]
        return keys, high - low > limit

    def suggest(self, key: str) -> str | None:
        """The key most like an unknown ``key`` (a different case, a typo), or None."""
        if key not in self._suggestions:
            same_but_case = self._by_fold.get(key.casefold())
            if same_but_case is not None:
                self._suggestions[key] = same_but_case
            else:
                close = difflib.get_close_matches(
                    key, self._similar_length(key), n=1, cutoff=_CUTOFF
                )
                self._suggestions[key] = close[0] if close else None
        return self._suggestions[key]

    def _similar_length(self, key: str) -> list[str]:
        """The keys long enough and short enough to reach the similarity cutoff.

        difflib's ratio is 2M/(a+b) with M <= min(a, b), so a key can reach
        the cutoff c only if min/max >= c/(2-c); the others are skipped
        without being compared (most of a 10,000-key library for a short key).
        """
        bound = _CUTOFF / (2 - _CUTOFF)
        low, high = math.ceil(len(key) * bound), math.floor(len(key) / bound)
        return [k for length in range(low, high + 1) for k in self._by_length.get(length, ())]

    def summary(self, key: str) -> tuple[str, str]:
        """("Author Year", title) of an entry, for a completion item."""
        if key not in self._summaries:
            record = self.library[key]
            self._summaries[key] = (_author_year(record), _plain(record.get("title")))
        return self._summaries[key]

    def render(self, key: str, style: str, locale: str | None = None) -> Rendered:
        """The entry's citation and bibliography entry in ``style`` (Markdown), cached."""
        cache_key = (key, style, locale)
        if cache_key not in self._rendered:
            self._rendered[cache_key] = self._render(key, style, locale)
        return self._rendered[cache_key]

    def _render(self, key: str, style: str, locale: str | None) -> Rendered:
        small = self._neighbourhood(key)
        try:
            citation = citekit.cite(small, key, style, locale=locale, output="markdown")
            entries = citekit.bibliography(
                small, style, keys=[key], locale=locale, output="markdown"
            )
        except citekit.CitekitError as error:
            return Rendered("", "", f"{style}: {error}")
        return Rendered(str(citation), "\n\n".join(str(entry) for entry in entries))

    def cite(self, key: str, written: str, style: str, locale: str | None = None) -> str:
        """The cite ``written`` (pandoc's syntax, holding ``key`` alone) as a document prints it.

        ``written`` is one cite as the document has it (``[see @key, p. 33]``,
        ``[-@key]``, ``@key [p. 33]``); it is rendered as ``citekit render``
        renders a document made of it, in the small library of
        :meth:`_neighbourhood`: the author before an author-in-text cite, a
        note style's note text.  Cached per (key, text, style, locale).  When
        the text is not that one cite (the scanner and the document reader
        disagree), the key's plain citation (:meth:`render`) stands in.
        """
        cache_key = (key, written, style, locale)
        if cache_key not in self._cites:
            self._cites[cache_key] = self._cite(key, written, style, locale)
        return self._cites[cache_key]

    def _cite(self, key: str, written: str, style: str, locale: str | None) -> str:
        fallback = self.render(key, style, locale).citation
        try:
            result = citekit.render_document(
                written,
                library=self._neighbourhood(key),
                bibliography=[],
                style=style,
                locale=locale,
            )
        except citekit.CitekitError:
            return fallback
        if len(result.citations) != 1:
            return fallback
        (shown,) = result.citations
        if [item.id for item in shown.found.cluster.items] != [key]:
            return fallback
        return f"{shown.author} {shown.markdown}".strip()

    def _neighbourhood(self, key: str) -> citekit.Library:
        """The record and the records it cites through (quotations' "quoted in")."""
        records = [self.library[key]]
        custom = records[0].get("custom")
        target = custom.get("quoted-in") if isinstance(custom, dict) else None
        if isinstance(target, str) and target in self.library and target != key:
            records.append(self.library[target])
        return citekit.Library(records)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _author_year(record: citekit.Record) -> str:
    """ "Doe 2000", "Doe & Roe 2000", "Doe et al. 2000" (editors when no author)."""
    names = record.names("author") or record.names("editor")
    families = [name.literal or name.family_with_particle or name.given or "" for name in names]
    if not families:
        who = ""
    elif len(families) == 1:
        who = families[0]
    elif len(families) == 2:
        who = f"{families[0]} & {families[1]}"
    else:
        who = f"{families[0]} et al."
    date = record.date("issued")
    year = date.year if date is not None else None
    return " ".join(part for part in (who, str(year) if year else "n.d.") if part)


def _plain(value: object) -> str:
    """A field as an editor shows it: without CSL's markup (the reader's ``nocase`` spans)."""
    return strip_markup(value) if isinstance(value, str) else ""


__all__ = ["LibraryIndex", "Location", "Rendered"]
