"""Cite positions across clusters, and the rendering of one cluster.

Positions follow the document order of clusters and their note numbers:
``first``, ``subsequent``, ``ibid`` and ``ibid-with-locator`` (the previous
cite, in the same cluster or as the only cite of the previous cluster, is of
the same item), and ``near-note`` within ``near-note-distance`` notes.
Collapsing joins cites with the same names (``year``, ``year-suffix``,
``year-suffix-ranged``) or consecutive citation numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from citekit.render.csl.boxes import CITE_AFFIX, Box, Out, find_tag, plain_text
from citekit.render.csl.contract import Cite, DisambiguationState, ItemRenderer
from citekit.render.csl.decor import wrap_layout
from citekit.render.csl.markup import parse_markup
from citekit.render.types import NO_PRINTED_FORM

_EXPLICIT = {0: "first", 1: "subsequent", 2: "ibid", 3: "ibid-with-locator"}


def compute_positions(
    clusters: Sequence[Sequence[Cite]], notes: Sequence[int], options: Mapping[str, str]
) -> None:
    try:
        distance = int(options.get("near-note-distance", "5"))
    except ValueError:
        distance = 5
    first_note: dict[str, int] = {}
    last_note: dict[str, int] = {}
    # In-text citations and notes keep separate histories for ibid.
    previous_cluster: dict[bool, int] = {}
    # Every note's cites, gathered once: looking them up per cite was quadratic.
    by_note: dict[int, list[Cite]] = {}
    for cites, note in zip(clusters, notes, strict=True):
        by_note.setdefault(note, []).extend(cites)
    for position, (cites, note) in enumerate(zip(clusters, notes, strict=True)):
        in_note = bool(note)
        for index, cite in enumerate(cites):
            info = cite.info
            key = cite.item.id
            if key not in first_note:
                info.position = "first"
                first_note[key] = note
            else:
                info.first_note = first_note[key]
                previous = None
                if index > 0:
                    previous = cites[index - 1]
                elif in_note in previous_cluster:
                    previous = _previous_solo(
                        clusters, notes, by_note, previous_cluster[in_note], note
                    )
                if previous is not None and previous.item.id == key:
                    mine = (info.locator, info.label)
                    theirs = (previous.info.locator, previous.info.label)
                    if not info.locator and previous.info.locator:
                        info.position = "subsequent"
                    elif mine == theirs:
                        info.position = "ibid"
                    else:
                        info.position = "ibid-with-locator"
                else:
                    info.position = "subsequent"
                if note and key in last_note and last_note[key]:
                    info.near_note = note - last_note[key] <= distance
            explicit = cite.request.position
            if explicit is not None and explicit in _EXPLICIT:
                info.position = _EXPLICIT[explicit]
                if explicit == 0:
                    info.near_note = False
            if cite.request.near_note:
                info.near_note = True
            if info.position == "first":
                info.first_note = 0
            elif not info.first_note:
                info.first_note = first_note.get(key, 0)
            last_note[key] = note
        if cites:
            previous_cluster[in_note] = position


def _previous_solo(
    clusters: Sequence[Sequence[Cite]],
    notes: Sequence[int],
    by_note: Mapping[int, Sequence[Cite]],
    index: int,
    note: int,
) -> Cite | None:
    """The cite before a cluster, if the previous cluster (or note) holds only it."""
    previous_note = notes[index]
    if not previous_note or previous_note == note:
        cites = clusters[index]
    else:
        cites = by_note.get(previous_note, ())
    return cites[0] if len(cites) == 1 else None


def _render(
    proc: ItemRenderer,
    states: Mapping[str, DisambiguationState],
    cite: Cite,
    suppress_author: bool = False,
) -> Out | None:
    state = states.get(cite.item.id) or DisambiguationState()
    info = cite.info
    saved = info.suppress_author
    info.suppress_author = suppress_author or saved
    output, _ = proc.render_item(cite.item, proc.style.citation, "citation", info, state)
    info.suppress_author = saved
    return output


def _with_affixes(cite: Cite, output: Out | None) -> Out | None:
    if output is None:
        return None
    if cite.info.author_only:
        names = find_tag(output, "names")
        output = names if names is not None else output
    prefix, suffix = cite.info.prefix, cite.info.suffix
    if not (prefix or suffix):
        return output
    # A prefix ending a sentence (not a one-word abbreviation) capitalizes a term.
    sentence = prefix.rstrip().rstrip("\u201d\u2019\"'").endswith((".", "!", "?"))
    if sentence and len(prefix.split()) > 1:
        capitalize_leading_term(output)

    kids: list[str | Box] = []
    if prefix:
        kids.append(parse_markup(prefix))
    kids.append(output)
    if suffix:
        # the writer's own words: punctuation there stays outside the quotes
        kids.append(Box([parse_markup(suffix)], tag=CITE_AFFIX))
    return Box(kids)


def _names_key(output: Out | None) -> str | None:
    """What cites must share to collapse: their names (or no names at all)."""
    names = find_tag(output, "names")
    return plain_text(names) if names is not None else ""


def collapse_cluster(
    proc: ItemRenderer, cites: list[Cite], states: Mapping[str, DisambiguationState]
) -> Out | None:
    """The cluster's cites joined (and collapsed, as the style asks); ``states``
    re-render a cite without its names when years collapse."""
    citation = proc.style.citation
    layout = citation.layout
    options = citation.options
    delimiter = layout.delimiter
    collapse = options.get("collapse")
    pieces: list[Any] = []  # list of (output, delimiter_before)
    if collapse == "citation-number" and len(cites) > 1:
        pieces = _collapse_numbers(cites, delimiter, options)
    elif collapse in ("year", "year-suffix", "year-suffix-ranged") and len(cites) > 1:
        pieces = _collapse_years(proc, states, cites, delimiter, options, collapse)
    elif "cite-group-delimiter" in options and len(cites) > 1:
        group_delimiter = options["cite-group-delimiter"]
        previous_key: str | None = None
        for cite in cites:
            key = _names_key(cite.output)
            same = key is not None and key == previous_key
            pieces.append(
                (_with_affixes(cite, cite.output), group_delimiter if same else delimiter)
            )
            previous_key = key
    else:
        for cite in cites:
            if cite.output is None and cite.info.suppress_author:
                continue  # citeproc-js: nothing left once the author goes is no style error
            output = cite.output if cite.output is not None else NO_PRINTED_FORM
            pieces.append((_with_affixes(cite, output), delimiter))
    kids: list[str | Box] = []
    previous_text = ""
    for output, before in pieces:
        if output is None:
            continue
        text = plain_text(output)
        if kids and before:
            if text[:1] in ",.;:" and text[:1] != before[:1]:
                before = ""
            elif previous_text.rstrip()[-1:] in (",", ";", ":"):
                before = before.lstrip(",.;:")
            kids.append(before)
        kids.append(output)
        previous_text = text
    if not kids:
        return None
    if proc.style.cls == "note":
        capitalize_leading_term(kids[0])
    return wrap_layout(Box(kids), layout.decor)


def capitalize_leading_term(node: str | Box) -> None:
    """Output opening with a term (or a sentence-ending prefix) capitalizes the term.

    The string leaves are visited in document order, each with whether it is
    inside a term, up to ``_LEADING_LEAVES`` of them; the first one or two
    usually decide (a leaf outside a term that does not end a sentence
    decides that nothing is capitalised).  A bibliography entry asks once
    for its text and, in a second-field-align style, once for its label.
    """
    if isinstance(node, Box):
        _capitalize_leading(node, node.tag == "term", _LEADING_LEAVES)


def _capitalize_leading(box: Box, in_term: bool, budget: int) -> int:
    """:func:`capitalize_leading_term` within ``box``: the leaves it may still
    look at after ``box``, or -1 once it has decided.

    A recursion rather than a loop over a stack: a call per box costs less
    than pushing and popping the place in each box on the way down.
    """
    kids = box.kids
    for index, kid in enumerate(kids):
        if isinstance(kid, str):
            if budget == 0:
                return -1
            budget -= 1
            if not kid.strip():
                continue
            if in_term:
                kids[index] = kid[0].upper() + kid[1:]
                return -1
            if not kid.strip("([ "):
                continue  # an opening bracket does not start a sentence, nor end one
            sentence = kid.rstrip().rstrip("\u201d\u2019\"'").endswith((".", "!", "?"))
            if not (sentence and len(kid.split()) > 1):
                return -1
        else:
            budget = _capitalize_leading(kid, in_term or kid.tag == "term", budget)
            if budget < 0:
                return -1
    return budget


_LEADING_LEAVES = 9  # how far into the output a leading term is looked for


def _bare_number(cite: Cite) -> bool:
    """A cite without a printed locator (one the style leaves out does not count)
    and without a suffix: only such cites join a range ("see 4–6", "18–20,21, …")."""
    if cite.info.suffix:
        return False
    locator = cite.info.locator
    return not locator or locator not in plain_text(cite.output)


def _collapse_numbers(cites: list[Cite], delimiter: str, options: Mapping[str, str]) -> list[Any]:
    pieces: list[Any] = []
    after = options.get("after-collapse-delimiter", delimiter)
    index = 0
    while index < len(cites):
        cite = cites[index]
        end = index
        while (
            end + 1 < len(cites)
            and cites[end + 1].info.citation_number == cites[end].info.citation_number + 1
            and _bare_number(cites[end])
            and _bare_number(cites[end + 1])
            and not cites[end + 1].info.prefix
        ):
            end += 1
        before = after if pieces and pieces[-1][2] else delimiter
        if end - index >= 2:
            first = _with_affixes(cite, cite.output)
            last = _with_affixes(cites[end], cites[end].output)
            pieces.append((Box([first or "", "\u2013", last or ""]), before, True))
        elif end - index == 1:
            pieces.append((_with_affixes(cite, cite.output), before, False))
            pieces.append((_with_affixes(cites[end], cites[end].output), delimiter, False))
        else:
            pieces.append((_with_affixes(cite, cite.output), before, False))
        index = end + 1
    return [(output, before) for output, before, _ in pieces]


def _collapse_years(
    proc: ItemRenderer,
    states: Mapping[str, DisambiguationState],
    cites: list[Cite],
    delimiter: str,
    options: Mapping[str, str],
    collapse: str,
) -> list[Any]:
    # citeproc-js: ", " by default when the citation is sorted, else the layout delimiter.
    default_group = ", " if proc.style.cls == "in-text" else delimiter
    group_delimiter = options.get("cite-group-delimiter", default_group)
    suffix_delimiter = options.get(
        "year-suffix-delimiter", options.get("cite-group-delimiter", delimiter)
    )
    after = options.get("after-collapse-delimiter", delimiter)
    # Adjacent cites with the same names rendering form a group.
    # With a cs:sort, cites by the same names gather behind the first one.
    groups: list[list[Cite]] = []
    previous_key: str | None = None
    by_key: dict[str, list[Cite]] = {}
    gather = bool(proc.style.citation.sort)
    for cite in cites:
        key = _names_key(cite.output)
        if key is not None and gather and key in by_key:
            by_key[key].append(cite)
        elif key is not None and key == previous_key and groups:
            groups[-1].append(cite)
        else:
            groups.append([cite])
            if key is not None:
                by_key.setdefault(key, groups[-1])
        previous_key = key
    pieces: list[Any] = []
    previous_collapsed = False
    for group in groups:
        pieces.append(
            (_with_affixes(group[0], group[0].output), after if previous_collapsed else delimiter)
        )
        # collapse="year" always separates author groups with after-collapse-delimiter.
        previous_collapsed = len(group) > 1 or (
            collapse == "year" and "after-collapse-delimiter" in options
        )
        # chains of cites sharing a year collapse to their suffixes
        chain: list[Cite] = [group[0]]
        for cite in group[1:]:
            previous = chain[-1]
            suffix = find_tag(cite.output, "year-suffix")
            if (
                collapse != "year"
                and suffix is not None
                and _same_year(previous, cite)
                and not cite.info.locator
                and not previous.info.locator
            ):
                chain.append(cite)
                continue
            chained = len(chain) > 1
            _emit_chain(pieces, chain, suffix_delimiter, collapse)
            chain = [cite]
            # citeproc-js ends a group at a cite with a locator only when the
            # style sets after-collapse-delimiter: "(Doe 2000, 33, 2001)" else.
            ends_group = bool(previous.info.locator) and "after-collapse-delimiter" in options
            before = after if ends_group or chained else group_delimiter
            output = _render(proc, states, cite, suppress_author=True)
            pieces.append((_with_affixes(cite, output), before))
        _emit_chain(pieces, chain, suffix_delimiter, collapse)
    return pieces


def _suffix_of(cite: Cite) -> str:
    box = find_tag(cite.output, "year-suffix")
    return plain_text(box) if box is not None else ""


def _emit_chain(pieces: list[Any], chain: list[Cite], delimiter: str, collapse: str) -> None:
    """Append the year suffixes of ``chain[1:]`` (the first cite is already out)."""
    if len(chain) < 2:
        return
    letters = [_suffix_of(cite) for cite in chain]
    index = 1
    while index < len(chain):
        if collapse == "year-suffix-ranged":
            start = index - 1
            end = start
            while (
                end + 1 < len(chain)
                and len(letters[end + 1]) == 1
                and len(letters[end]) == 1
                and (ord(letters[end + 1]) == ord(letters[end]) + 1)
            ):
                end += 1
            if end - start >= 2:
                pieces.append(("\u2013" + letters[end], ""))
                index = end + 1
                continue
        pieces.append((letters[index], delimiter))
        index += 1


def _same_year(a: Cite, b: Cite) -> bool:
    da, db = find_tag(a.output, "date"), find_tag(b.output, "date")
    if da is None or db is None:
        return False
    ya, yb = find_tag(da, "year"), find_tag(db, "year")
    if ya is None or yb is None:
        return False
    text_a = "".join(k for k in ya.kids if isinstance(k, str))
    text_b = "".join(k for k in yb.kids if isinstance(k, str))
    return text_a == text_b
