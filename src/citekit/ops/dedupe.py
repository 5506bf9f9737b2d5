"""Find duplicate records and merge them without losing a field.

Four rules, each with a name that reports quote back to the user:

``doi``
    Same DOI after normalisation (case, ``doi:`` and ``https://doi.org/``
    prefixes, a DOI given only as a doi.org ``URL``).
``isbn``
    Same ISBN after normalisation (hyphens and spaces dropped, ISBN-10
    converted to ISBN-13; a field may list several).

    Both identifier rules also ask that the titles do not plainly differ
    (:func:`titles_compatible`): a paper inherits its proceedings' ISBN and
    often its DOI through ``crossref``, and is not the proceedings.
``title-year-author``
    Same year and first author's family name, and titles that are nearly the
    same (difflib ratio >= ``title_threshold``, 0.9 by default) once accents,
    case and punctuation are gone, with the same numbers and marker words
    (:func:`titles_distinct`: "Part I" is not "Part II") and no differing
    ``volume``.  Two records whose DOIs *differ* never match by this rule: a
    preprint and its published version with different DOIs are distinct
    works in the eyes of most tools, and so here.
``title-year``
    Identical normalised title and year where one record lacks an author or
    the family names share a word (``La Joie`` / ``Joie``); catches records
    whose first author was parsed differently.

Nothing compares every pair: records are put into blocks by exact keys (the
DOI, each ISBN, (year, family), (year, title signature)) and only records
that share a block are compared, so the work grows with the sum of squared
block sizes, which for a real bibliography is close to linear.  A union-find
joins matches into groups.

:func:`merge` keeps one survivor per group; the other keys become aliases in
the survivor's BibLaTeX ``ids`` (``custom["biblatex"]["ids"]``, see
:data:`ALIASES_FIELD`) and pointers to merged keys (``crossref``, ``xref``,
``related``, ``entryset``, ``quoted-in``: :data:`POINTER_FIELDS`, matched
without regard to case as the reader resolves them) are redirected.
"""

from __future__ import annotations

import copy
import json
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import partial
from typing import Any, Literal

from bibtexparser import model as bib

from citekit.base.text import fold
from citekit.formats.bibtex import FIELD_ALIASES, MONTH_MACROS, expand_macros
from citekit.formats.bibtex.edits import POINTER_FIELDS as SOURCE_POINTER_FIELDS
from citekit.formats.bibtex.edits import (
    EntryEdit,
    SourceBlock,
    SourceEditError,
    TextEdits,
    checked,
    entry_blocks,
    key_renamer,
    locate_blocks,
    redirect,
    scan_entry,
    scan_entry_lenient,
    split_keys,
)
from citekit.model.records import Library, Name, Record, value_to_json

MergePolicy = Literal["first", "last", "combine"]
RULES: tuple[str, ...] = ("doi", "isbn", "title-year-author", "title-year")

#: Where merged-away keys are kept: BibLaTeX's ``ids`` field, in the place the
#: BibTeX reader keeps fields CSL has no variable for, ``custom["biblatex"]``,
#: as the comma-separated string BibLaTeX writes (``"smith2020,smith2020a"``).
#: The BibTeX writer puts it back as ``ids = {...}``, so biber resolves old keys.
ALIASES_CONTAINER = "biblatex"
ALIASES_FIELD = "ids"
#: Where "combine" keeps values that disagreed with the survivor's:
#: ``custom["merged-conflicts"] = {variable: [{"from": key, "value": json}, ...]}``
#: (``custom.<name>`` and ``custom.biblatex.<field>`` for values inside custom).
CONFLICTS_FIELD = "merged-conflicts"
#: Fields that point at other records by key (top level, in ``custom`` or in
#: ``custom["biblatex"]``, where the BibTeX reader keeps them): ``crossref`` and
#: ``xref`` parents, biblatex's ``related`` and ``entryset`` lists, and the work
#: a quotation record is ``quoted-in``.  The same fields in a .bib file's text
#: are :data:`citekit.formats.bibtex.edits.POINTER_FIELDS`.  Not ``xdata``: it
#: names ``@xdata`` entries, which are never merged.
POINTER_FIELDS: tuple[str, ...] = ("crossref", "xref", "related", "entryset", "quoted-in")

# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|info:doi/)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{3,9}/\S+$")
_ISBN_SPLIT = re.compile(r"[,;\s]+(?=[\dXx])")


def normalise_doi(value: str) -> str | None:
    """``10.1000/abc`` from any usual spelling; None when it is not a DOI."""
    text = value.strip()
    while True:
        stripped = _DOI_PREFIX.sub("", text).strip()
        if stripped == text:
            break
        text = stripped
    text = text.lower()
    return text if _DOI_SHAPE.match(text) else None


def isbn13(value: str) -> str | None:
    """The ISBN-13 digits of an ISBN-10 or ISBN-13; None when it is neither."""
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    if len(digits) == 10 and digits[:9].isdigit():
        core = "978" + digits[:9]
    elif len(digits) == 13 and digits.isdigit():
        return digits
    else:
        return None
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core))
    return core + str((10 - total % 10) % 10)


def record_dois(record: Record) -> set[str]:
    found: set[str] = set()
    for variable in ("DOI", "URL"):
        value = record.get(variable)
        if isinstance(value, str):
            doi = normalise_doi(value)
            if doi and (variable == "DOI" or "doi.org/" in value.lower()):
                found.add(doi)
    return found


def record_isbns(record: Record) -> set[str]:
    value = record.get("ISBN")
    if not isinstance(value, str):
        return set()
    return {isbn for part in _ISBN_SPLIT.split(value) if (isbn := isbn13(part))}


def first_family(record: Record) -> str:
    """The first author's (else editor's) family name, folded; "" when none."""
    for variable in ("author", "editor", "collection-editor", "container-author"):
        names = record.names(variable)
        if names:
            return _family(names[0])
    return ""


def _family(name: Name) -> str:
    if name.literal is not None:
        return fold(name.literal)
    return fold(name.family or name.given or "")


def record_year(record: Record) -> int | None:
    date = record.date("issued")
    return date.year if date is not None else None


def record_title(record: Record) -> str:
    title = record.get("title")
    return fold(title) if isinstance(title, str) else ""


def title_signature(folded_title: str) -> str:
    """A short exact key for blocking: the title's letters without spaces, cut at 40."""
    return folded_title.replace(" ", "")[:40]


_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
#: Words that make a title a different work from the same title without them.
MARKER_WORDS = frozenset(
    {
        "supplementary",
        "supplement",
        "companion",
        "appendix",
        "erratum",
        "errata",
        "corrigendum",
        "correction",
        "retraction",
        "reply",
        "response",
        "comment",
        "comments",
        "abstract",
        "extended",
        "preface",
        "foreword",
        "index",
    }
)


def _numbers(words: set[str]) -> set[str]:
    return {w for w in words if w.isdigit() or _ROMAN.match(w)}


def titles_distinct(a: str, b: str) -> bool:
    """Titles that look alike but name different works.

    "Proceedings, part I" and "part II", "Memory I: encoding" and "II:
    retrieval", a paper and its "supplementary material": a similarity ratio
    rates these as near-identical, so numbers (arabic or roman) and marker
    words (:data:`MARKER_WORDS`) must agree exactly.
    """
    words_a, words_b = set(a.split()), set(b.split())
    if _numbers(words_a) != _numbers(words_b):
        return True
    return (words_a & MARKER_WORDS) != (words_b & MARKER_WORDS)


def titles_similar(a: str, b: str, threshold: float) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    if titles_distinct(a, b):
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return False
    return matcher.ratio() >= threshold


def titles_compatible(a: str, b: str) -> bool:
    """Whether two records sharing a DOI or ISBN can be one work.

    Papers inherit their proceedings' ISBN (and sometimes DOI) through
    ``crossref``, so a shared identifier alone would merge every paper of a
    volume with the volume.  The titles must be close (difflib ratio 0.8),
    or one must start the other (a subtitle added), or four in five words of
    the shorter must occur in the other; a missing title passes.
    """
    if not a or not b or a == b:
        return True
    if titles_distinct(a, b):
        return False
    if a.startswith(b) or b.startswith(a):
        return True
    words_a, words_b = set(a.split()), set(b.split())
    if len(words_a & words_b) * 5 >= 4 * min(len(words_a), len(words_b)):
        return True
    return titles_similar(a, b, 0.8)


_LARGE_BLOCK = 200


def _split_large_block(members: list[int], profiles: list[MatchProfile]) -> list[list[int]]:
    """Keep pair comparison cheap: a huge block is split by title signature."""
    if len(members) <= _LARGE_BLOCK:
        return [members]
    parts: dict[str, list[int]] = defaultdict(list)
    for i in members:
        parts[title_signature(profiles[i].title)[:12]].append(i)
    return list(parts.values())


# ---------------------------------------------------------------------------
# Finding
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """Why two records are duplicates: the rule and the value they share."""

    rule: str
    value: str
    keys: tuple[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "value": self.value, "keys": list(self.keys)}


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Records that are one work, in library order, with every match found."""

    keys: tuple[str, ...]
    matches: tuple[Match, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(sorted({m.rule for m in self.matches}, key=RULES.index))

    def to_json(self) -> dict[str, Any]:
        return {
            "keys": list(self.keys),
            "rules": list(self.rules),
            "matches": [m.to_json() for m in self.matches],
        }


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True, slots=True)
class MatchProfile:
    """The matching forms of one record, computed once."""

    key: str
    dois: frozenset[str]
    isbns: frozenset[str]
    year: int | None
    family: str
    title: str
    volume: str

    @classmethod
    def of(cls, record: Record) -> MatchProfile:
        volume = record.get("volume")
        return cls(
            record.key,
            frozenset(record_dois(record)),
            frozenset(record_isbns(record)),
            record_year(record),
            first_family(record),
            record_title(record),
            fold(str(volume)) if volume is not None else "",
        )


def _families_compatible(a: str, b: str) -> bool:
    return not a or not b or bool(set(a.split()) & set(b.split()))


def find_duplicates(
    library: Library, *, rules: Sequence[str] = RULES, title_threshold: float = 0.9
) -> list[DuplicateGroup]:
    """Groups of duplicate records, each with the matches that joined it.

    ``rules`` picks among :data:`RULES`; ``title_threshold`` is the difflib
    ratio two folded titles need for ``title-year-author``.
    """
    unknown = set(rules) - set(RULES)
    if unknown:
        raise ValueError(f"unknown dedupe rule(s): {', '.join(sorted(unknown))}")
    profiles = [MatchProfile.of(record) for record in library]
    union = _UnionFind(len(profiles))
    matches: list[tuple[int, int, Match]] = []

    def link(i: int, j: int, rule: str, value: str) -> None:
        union.union(i, j)
        matches.append((i, j, Match(rule, value, (profiles[i].key, profiles[j].key))))

    def exact_blocks(rule: str, values: Iterable[tuple[int, Iterable[str]]]) -> None:
        blocks: dict[str, list[int]] = defaultdict(list)
        for index, keys in values:
            for key in keys:
                blocks[key].append(index)
        for value, members in blocks.items():
            for chunk in _split_large_block(members, profiles):
                same = _collapse(
                    chunk, lambda i: profiles[i].title, partial(link, rule=rule, value=value)
                )
                for x, i in enumerate(same):
                    for j in same[x + 1 :]:
                        if titles_compatible(profiles[i].title, profiles[j].title):
                            link(i, j, rule, value)

    if "doi" in rules:
        exact_blocks("doi", ((i, p.dois) for i, p in enumerate(profiles)))
    if "isbn" in rules:
        exact_blocks("isbn", ((i, p.isbns) for i, p in enumerate(profiles)))
    if "title-year-author" in rules:
        blocks: dict[tuple[int | None, str], list[int]] = defaultdict(list)
        for i, p in enumerate(profiles):
            if p.title and p.family:
                blocks[(p.year, p.family)].append(i)
        for members in blocks.values():
            _compare_block(members, profiles, title_threshold, link)
    if "title-year" in rules:
        signature_blocks: dict[tuple[int | None, str], list[int]] = defaultdict(list)
        for i, p in enumerate(profiles):
            if p.title:
                signature_blocks[(p.year, title_signature(p.title))].append(i)
        for members in signature_blocks.values():
            # one representative per (family, title, DOIs): the same family is the
            # title-year-author rule's business
            same = _collapse(
                members, lambda i: (profiles[i].family, profiles[i].title, profiles[i].dois), None
            )
            for x, i in enumerate(same):
                for j in same[x + 1 :]:
                    a, b = profiles[i], profiles[j]
                    if (
                        a.title == b.title
                        and a.family != b.family
                        and _families_compatible(a.family, b.family)
                        and not (a.dois and b.dois and not a.dois & b.dois)
                    ):
                        link(i, j, "title-year", f"{a.title} ({a.year or 'no year'})")
    return _groups(profiles, union, matches)


def _collapse(
    members: list[int], key: Callable[[int], Hashable], on_same: Callable[[int, int], None] | None
) -> list[int]:
    """One representative per exact key, the others linked to it in one pass.

    Exact copies are common (the same file imported twice) and need no
    pairwise comparison; without this a block of k copies costs k² tests.
    """
    buckets: dict[Hashable, list[int]] = {}
    for i in members:
        buckets.setdefault(key(i), []).append(i)
    if on_same is not None:
        for bucket in buckets.values():
            for j in bucket[1:]:
                on_same(bucket[0], j)
    return [bucket[0] for bucket in buckets.values()]


def _compare_block(
    members: list[int],
    profiles: list[MatchProfile],
    threshold: float,
    link: Callable[[int, int, str, str], None],
) -> None:
    """All pairs of distinct records within one (year, family) block; blocks are small."""

    def value(a: MatchProfile, b: MatchProfile) -> str:
        text = f"{a.family}, {a.year or 'no year'}: {a.title}"
        return text if b.title == a.title else f"{text} ~ {b.title}"

    same = _collapse(
        members,
        lambda i: (profiles[i].title, profiles[i].volume, profiles[i].dois),
        lambda i, j: link(i, j, "title-year-author", value(profiles[i], profiles[j])),
    )
    for x, i in enumerate(same):
        a = profiles[i]
        for j in same[x + 1 :]:
            b = profiles[j]
            if (a.dois and b.dois and not a.dois & b.dois) or (
                a.volume and b.volume and a.volume != b.volume
            ):
                continue
            if titles_similar(a.title, b.title, threshold):
                link(i, j, "title-year-author", value(a, b))


def _groups(
    profiles: list[MatchProfile], union: _UnionFind, matches: list[tuple[int, int, Match]]
) -> list[DuplicateGroup]:
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(profiles)):
        members[union.find(i)].append(i)
    found: dict[int, list[Match]] = defaultdict(list)
    for i, _j, match in matches:
        found[union.find(i)].append(match)
    # the union keeps the smallest index as root, so sorting by root is library order
    return [
        DuplicateGroup(tuple(profiles[i].key for i in members[root]), tuple(found[root]))
        for root in sorted(members)
        if len(members[root]) > 1
    ]


# ---------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------


def aliases(record: Record) -> list[str]:
    """The record's alias keys (BibLaTeX ``ids``)."""
    container = record.custom.get(ALIASES_CONTAINER)
    value = container.get(ALIASES_FIELD) if isinstance(container, dict) else None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value] if isinstance(value, list) else []


def _set_aliases(record: Record, keys: list[str]) -> None:
    container = record.custom.get(ALIASES_CONTAINER)
    if not isinstance(container, dict):
        container = record.custom[ALIASES_CONTAINER] = {}
    container[ALIASES_FIELD] = ",".join(keys)


def clone(record: Record) -> Record:
    """A copy whose ``custom`` (nested dicts included) can change freely."""
    copied = record.copy()
    custom = record.get("custom")
    if isinstance(custom, dict):
        copied.fields["custom"] = copy.deepcopy(custom)
    return copied


def merge_records(records: Sequence[Record], policy: MergePolicy = "combine") -> Record:
    """One record from duplicates; see :func:`merge` for the policies."""
    if not records:
        raise ValueError("nothing to merge")
    if policy not in ("first", "last", "combine"):
        raise ValueError(f"unknown merge policy '{policy}'")
    ordered = list(reversed(records)) if policy == "last" else list(records)
    survivor = clone(ordered[0])
    others = ordered[1:]
    if policy == "combine":
        conflicts: dict[str, list[dict[str, Any]]] = {}
        for other in others:
            _combine_into(survivor, other, conflicts)
            earlier = other.custom.get(CONFLICTS_FIELD)
            if isinstance(earlier, dict):  # conflicts kept by an earlier merge
                for variable, values in earlier.items():
                    conflicts.setdefault(variable, []).extend(values)
        if conflicts:
            existing = survivor.custom.get(CONFLICTS_FIELD)
            if isinstance(existing, dict):
                for variable, values in conflicts.items():
                    existing.setdefault(variable, []).extend(values)
            else:
                survivor.custom[CONFLICTS_FIELD] = conflicts
    keys = aliases(survivor)
    for other in others:
        for alias in (other.key, *aliases(other)):
            if alias != survivor.key and alias not in keys:
                keys.append(alias)
    if keys:
        _set_aliases(survivor, keys)
    return survivor


_NOT_MERGED = frozenset({CONFLICTS_FIELD, f"{ALIASES_CONTAINER}.{ALIASES_FIELD}"})


def _combine_dict(
    target: dict[str, Any],
    source: dict[str, Any],
    prefix: str,
    origin: str,
    conflicts: dict[str, list[dict[str, Any]]],
) -> None:
    """Fill ``target`` from ``source``; nested dicts (custom.biblatex) merge key by key."""
    for name, value in source.items():
        path = f"{prefix}{name}"
        if path.removeprefix("custom.") in _NOT_MERGED:
            continue
        if name not in target:
            target[name] = copy.deepcopy(value)
        elif isinstance(target[name], dict) and isinstance(value, dict):
            _combine_dict(target[name], value, f"{path}.", origin, conflicts)
        elif value_to_json(target[name]) != value_to_json(value):
            conflicts.setdefault(path, []).append(
                {"from": origin, "value": copy.deepcopy(value_to_json(value))}
            )


def _combine_into(
    survivor: Record, other: Record, conflicts: dict[str, list[dict[str, Any]]]
) -> None:
    if other.type != survivor.type:
        conflicts.setdefault("type", []).append({"from": other.key, "value": other.type})
    _combine_dict(survivor.fields, other.fields, "", other.key, conflicts)


def merge(
    library: Library,
    groups: Iterable[DuplicateGroup | Sequence[str]],
    policy: MergePolicy = "first",
) -> Library:
    """A new library with each group reduced to one record.

    ``first`` keeps the group's first record (library order) as it is,
    ``last`` the last; both drop the others' fields.  ``combine`` keeps the
    first and fills every field it lacks from the others, in order; values
    that disagree with the survivor's are kept in
    ``custom["merged-conflicts"]`` (:data:`CONFLICTS_FIELD`), so nothing read
    is lost.  The merged-away keys become aliases (``custom["biblatex"]["ids"]``), the
    survivor sits where the group's first record was, and pointers to merged
    keys (:data:`POINTER_FIELDS`) now name the survivor.
    """
    survivors: dict[str, Record] = {}
    replaced: dict[str, str] = {}
    for group in groups:
        keys = list(group.keys if isinstance(group, DuplicateGroup) else group)
        keys = [k for k in keys if k in library and k not in replaced]
        if len(keys) < 2:
            continue
        merged = merge_records([library[k] for k in keys], policy)
        survivors[keys[0]] = merged
        for key in keys:
            replaced[key] = merged.key
    out = Library()
    out.extras = dict(library.extras)
    for record in library:
        if record.key in survivors:
            out.add(survivors[record.key])
        elif record.key not in replaced:
            out.add(clone(record))
    rename = key_renamer({k: v for k, v in replaced.items() if k != v}, (r.key for r in out))
    for record in out:
        redirect_pointers(record, rename)
    return out


def redirect_pointers(record: Record, renamed: dict[str, str] | Callable[[str], str]) -> None:
    """Point the record's :data:`POINTER_FIELDS` at new keys (mutates its dicts).

    ``renamed`` maps old to new keys, or is a
    :func:`citekit.formats.bibtex.edits.key_renamer` that also knows the keys
    that stay; either way a pointer written in another case than the key
    follows it, as the reader resolves it.
    """
    rename = renamed if callable(renamed) else key_renamer(renamed)
    places: list[MutableMapping[str, Any]] = [record.fields, record.custom]
    container = record.custom.get(ALIASES_CONTAINER)
    if isinstance(container, dict):
        places.append(container)
    for place in places:
        for name in POINTER_FIELDS:
            value = place.get(name)
            if isinstance(value, str):
                parts = [p.strip() for p in value.split(",")]
                new = [rename(p) for p in parts]
                if new != parts:
                    place[name] = ",".join(dict.fromkeys(new))


# ---------------------------------------------------------------------------
# Merging in a .bib file's text
# ---------------------------------------------------------------------------

#: BibTeX date fields: a survivor with any of them keeps its date as it is.
_DATE_FIELDS = frozenset({"year", "month", "day", "date"})


def _canonical(name: str) -> str:
    """A field's BibLaTeX name, so ``journal`` and ``journaltitle`` count as one."""
    lowered = name.lower()
    return FIELD_ALIASES.get(lowered, lowered)


def _same_value(a: str, b: str) -> bool:
    """Whether two values as written say the same (delimiters and spacing aside)."""

    def bare(value: str) -> str:
        value = " ".join(value.split())
        if (
            len(value) >= 2
            and (value[0], value[-1]) in (("{", "}"), ('"', '"'))
            and "#" not in value
        ):
            value = value[1:-1].strip()
        return value

    return bare(a) == bare(b)


class _SourceMerge:
    """One group merged in the text: the survivor's entry edit and its conflicts."""

    def __init__(
        self,
        text: str,
        located: list[SourceBlock],
        survivor: SourceBlock,
        others: list[SourceBlock],
    ) -> None:
        self.text = text
        self.located = located
        self.survivor = survivor
        assert survivor.entry is not None
        self.source = scan_entry_lenient(
            text[survivor.start : survivor.end],
            survivor.entry,
            (ALIASES_FIELD, CONFLICTS_FIELD, *SOURCE_POINTER_FIELDS),
        )
        self.others = [
            (item, scan_entry(text[item.start : item.end], item.entry)) for item in others
        ]
        self.edit = EntryEdit(self.source)
        self.conflicts: dict[str, list[dict[str, Any]]] = {}

    def aliases(self) -> None:
        """The merged-away keys (and their own aliases) join the survivor's ``ids``."""
        existing = self.source.field(ALIASES_FIELD)
        opening, closing, keys = split_keys(existing.value if existing else "")
        for _, other in self.others:
            other_ids = other.field(ALIASES_FIELD)
            extra = split_keys(other_ids.value)[2] if other_ids else []
            for alias in (other.key, *extra):
                if alias != self.source.key and alias not in keys:
                    keys.append(alias)
        if keys:
            joined = ",".join(keys)
            value = f"{opening}{joined}{closing}" if opening else "{" + joined + "}"
            self.edit.set(existing.name if existing else ALIASES_FIELD, value)

    def combine(self) -> None:
        """Fields the survivor lacks come from the others, as written; the rest are conflicts.

        A field counts as present under its BibTeX synonym too (``journal``
        for ``journaltitle``), and a survivor with any date field takes no
        date field from the others, so its date never changes.
        """
        present = {_canonical(f.name): f.value for f in self.source.fields}
        dated = any(name in _DATE_FIELDS for name in present)
        for item, other in self.others:
            if other.entry_type.lower() != self.source.entry_type.lower():
                self._conflict("@type", other.key, other.entry_type)
            for other_field in other.fields:
                name = _canonical(other_field.name)
                if name == ALIASES_FIELD:
                    continue
                if name == CONFLICTS_FIELD:
                    self._earlier_conflicts(other_field.value, other.key)
                    continue
                if name in present:
                    if not _same_value(present[name], other_field.value):
                        self._conflict(other_field.name.lower(), other.key, other_field.value)
                elif dated and name in _DATE_FIELDS:
                    self._conflict(other_field.name.lower(), other.key, other_field.value)
                else:
                    value = self._portable(other_field.value, item)
                    self.edit.set(other_field.name, value)
                    present[name] = value
        self._write_conflicts()

    def _conflict(self, name: str, origin: str, value: str) -> None:
        self.conflicts.setdefault(name, []).append({"from": origin, "value": value})

    def _earlier_conflicts(self, value: str, origin: str) -> None:
        try:
            earlier = json.loads(split_keys_inner(value))
        except ValueError:
            self._conflict(CONFLICTS_FIELD, origin, value)
            return
        if isinstance(earlier, dict):
            for name, values in earlier.items():
                if isinstance(values, list):
                    self.conflicts.setdefault(str(name), []).extend(values)

    def _write_conflicts(self) -> None:
        if not self.conflicts:
            return
        existing = self.source.field(CONFLICTS_FIELD)
        if existing is not None:
            try:
                kept = json.loads(split_keys_inner(existing.value))
            except ValueError:
                kept = None
            if isinstance(kept, dict):
                for name, values in self.conflicts.items():
                    kept.setdefault(name, []).extend(values)
                self.conflicts = kept
            else:
                self._conflict(CONFLICTS_FIELD, self.source.key, existing.value)
        text = json.dumps(self.conflicts, ensure_ascii=False)
        if not _balanced(text):
            raise SourceEditError(
                f"entry '{self.source.key}': its merge conflicts contain "
                "unbalanced braces and cannot be kept in BibTeX"
            )
        self.edit.set(existing.name if existing else CONFLICTS_FIELD, "{" + text + "}")

    def _portable(self, value: str, origin: SourceBlock) -> str:
        """A value that still means the same where the survivor stands.

        A macro (``@string``) defined between the survivor and the entry the
        value comes from would be undefined at the survivor: such a value is
        written expanded, in braces.
        """
        words = set(_BARE_MACRO.findall(_outside_delimiters(value)))
        words = {w.lower() for w in words if not w.isdigit()} - set(MONTH_MACROS)
        if not words:
            return value
        known = {
            item.block.key.lower()
            for item in self.located
            if isinstance(item.block, bib.String) and item.start < self.survivor.start
        }
        if words <= known:
            return value
        # the BibTeX reader's own macro expansion, limits included, with the
        # @strings defined before the entry the value comes from
        strings = [
            item.block
            for item in self.located
            if isinstance(item.block, bib.String) and item.start < origin.start
        ]
        expanded, problems = expand_macros(value, strings)
        if problems or not _balanced(expanded):
            raise SourceEditError(
                f"entry '{self.source.key}': the value '{value}' uses "
                "macros that cannot be carried over; merge with 'first'"
            )
        return "{" + expanded + "}"


_BARE_MACRO = re.compile(r"[^\s#{}\"]+")


def _outside_delimiters(value: str) -> str:
    """The parts of a value outside braces and quotes (the macro names)."""
    out: list[str] = []
    depth = 0
    quoted = False
    for index, char in enumerate(value):
        escaped = index > 0 and value[index - 1] == "\\"
        if char == "{" and not escaped:
            depth += 1
        elif char == "}" and not escaped:
            depth -= 1
        elif char == '"' and depth == 0 and not escaped:
            quoted = not quoted
        elif depth == 0 and not quoted:
            out.append(char)
            continue
        out.append(" ")
    return "".join(out)


def _balanced(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        if char in "{}" and index and text[index - 1] == "\\":
            continue
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def split_keys_inner(value: str) -> str:
    """A braced or quoted value's inside (``{x}`` -> ``x``)."""
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


def merge_in_source(
    text: str, groups: Iterable[DuplicateGroup | Sequence[str]], policy: MergePolicy = "first"
) -> str:
    """BibTeX text with each group merged, editing only the entries involved.

    The merged-away entries' blocks are removed (the comments around them
    stay); the survivor (the group's first entry, or its last with
    ``last``) gets the other keys in its ``ids`` field and, with
    ``combine``, the fields it lacks, copied as written, with disagreeing
    values kept as JSON in a ``merged-conflicts`` field; pointer values
    (:data:`citekit.formats.bibtex.edits.POINTER_FIELDS`) naming a merged-away
    key, in any case, name the survivor.  Everything else,
    byte for byte, stays: field names and order, ``year`` or ``date``,
    macros, comments, blocks the reader could not parse, line endings.
    Raises :class:`SourceEditError` when an entry to change cannot be
    located exactly (nothing should then be written).
    """
    if policy not in ("first", "last", "combine"):
        raise ValueError(f"unknown merge policy '{policy}'")
    located = locate_blocks(text)
    blocks = entry_blocks(located)
    replaced: dict[str, str] = {}
    survivors: dict[str, list[str]] = {}
    for group in groups:
        keys = list(group.keys if isinstance(group, DuplicateGroup) else group)
        missing = [k for k in keys if k not in blocks]
        if missing:  # read by the reader, but not from an entry block of this text
            raise SourceEditError(f"entry '{missing[0]}' cannot be located in the text")
        keys = [k for k in keys if k not in replaced]
        if len(keys) < 2:
            continue
        ordered = keys[::-1] if policy == "last" else keys
        survivors[ordered[0]] = ordered[1:]
        for key in keys:
            replaced[key] = ordered[0]
    edits = TextEdits(text)
    rename = key_renamer(
        {k: v for k, v in replaced.items() if k != v},
        (k for k in blocks if replaced.get(k, k) == k),
    )
    for key, item in blocks.items():
        if key in replaced and key not in survivors:
            edits.remove_block(item)
            continue
        entry = item.entry
        assert entry is not None
        pointers = any(f.key.lower() in SOURCE_POINTER_FIELDS for f in entry.fields)
        if key not in survivors and not pointers:
            continue
        if key in survivors:
            merging = _SourceMerge(text, located, item, [blocks[k] for k in survivors[key]])
            merging.aliases()
            if policy == "combine":
                merging.combine()
            edit = merging.edit
        else:
            edit = EntryEdit(scan_entry(text[item.start : item.end], entry))
        redirect(edit, rename, SOURCE_POINTER_FIELDS)
        changed = checked(edit)
        if changed != edit.source.raw:
            edits.replace(item.start, item.end, changed)
    return edits.apply()


__all__ = [
    "ALIASES_CONTAINER",
    "ALIASES_FIELD",
    "CONFLICTS_FIELD",
    "RULES",
    "DuplicateGroup",
    "Match",
    "MatchProfile",
    "MergePolicy",
    "aliases",
    "clone",
    "find_duplicates",
    "isbn13",
    "merge",
    "merge_in_source",
    "merge_records",
    "normalise_doi",
    "redirect_pointers",
]
