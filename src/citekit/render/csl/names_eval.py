"""Evaluating ``cs:names``: variables, et-al, labels, substitution, count form."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace

from citekit.render.csl.boxes import Box, Out, plain_text, tagged_box
from citekit.render.csl.contract import Context, NodeEvaluator
from citekit.render.csl.data import NameData
from citekit.render.csl.names import NameRenderer, is_romanesque
from citekit.render.csl.style import (
    PLAIN,
    ChooseNode,
    Decor,
    LabelNode,
    NameNode,
    NamesNode,
    Style,
    TextNode,
)


def render_names(ev: NodeEvaluator, ctx: Context, node: NamesNode) -> Out | None:
    """Render ``node``; in a bibliography entry, note who the first cs:names showed.

    citeproc-js decides subsequent-author-substitute when the first cs:names
    element it runs in an entry ends (an empty ``cs:substitute`` alternative
    with a cs:name of its own included, like MLA's ``guest``), comparing the
    names it rendered as data, without labels or formatting.
    ``ctx.notes.author_key`` keeps that key, or None when that element
    showed nothing: such an entry is never substituted and leaves the
    comparison to the next one.
    """
    # most cs:names of most entries show nothing (``_shows_nothing``, written out)
    if (
        not node.substitute
        and ctx.item.names.keys().isdisjoint(node.variables)
        and not ctx.cite.suppress_author
    ):
        ctx.called += len(node.variables)
        out = None
    else:
        out = _render_names(ev, ctx, node)
    if ctx.mode != "bibliography" or ctx.notes.author_decided:
        return out
    # An empty cs:substitute alternative without a cs:name of its own is part
    # of the names it stands in for, and leaves the decision to what follows.
    inherits = ctx.names_inherit is not None and node.name is None
    if not (inherits and out is None):
        rendered = ctx.notes.rendered_names
        ctx.notes.author_decided = True
        ctx.notes.author_key = "\n".join(rendered) if rendered else None
    return out


def _shows_nothing(ctx: Context, node: NamesNode) -> bool:
    """Whether ``node`` has no names to show and nothing to stand in for them.

    Then :func:`_render_names` would only count its variables as called
    and give None; deciding it here takes one set test (a style's cs:names
    for editors, translators and the like are empty for most entries).
    """
    return (
        not node.substitute
        and ctx.item.names.keys().isdisjoint(node.variables)
        and not ctx.cite.suppress_author
    )


def _note_rendered(ctx: Context, key: str) -> None:
    if ctx.mode == "bibliography" and not ctx.notes.author_decided:
        ctx.notes.rendered_names.append(key)


def _name_key(name: NameData) -> str:
    """The name's parts run together, as citeproc-js compares them: a one-part
    ``family`` and a ``literal`` of the same text are the same name."""
    return "".join(
        (name.non_dropping, name.family, name.given, name.dropping, name.suffix, name.literal)
    )


def _collect(ctx: Context, variables: tuple[str, ...]) -> list[tuple[str, tuple[NameData, ...]]]:
    """The variables of a cs:names the item has names for, marked as used."""
    ctx.called += len(variables)
    suppressed = ctx.suppressed
    item_names = ctx.item.names
    collected: list[tuple[str, tuple[NameData, ...]]] = []
    for variable in variables:
        if variable in suppressed:
            continue
        names = item_names.get(variable)
        if not names:
            continue
        ctx.rendered += 1
        if ctx.tracked is not None:
            ctx.tracked.append(variable)
            suppressed.add(variable)
        collected.append((variable, names))
    return collected


def _render_names(ev: NodeEvaluator, ctx: Context, node: NamesNode) -> Out | None:
    if ctx.cite.suppress_author and ctx.mode == "citation" and not ctx.notes.author_suppressed:
        ctx.notes.author_suppressed = True
        ctx.called += len(node.variables)
        return None
    collected = _collect(ctx, node.variables)
    if not collected:  # most cs:names of most entries: nothing more to work out
        return _substitute(ev, ctx, node) if node.substitute else None
    inherit = ctx.names_inherit
    name_node, et_al_node, label_node = node.name, node.et_al, node.label
    label_first = node.label_first
    own_decor = node.decor
    if inherit is not None and name_node is None and et_al_node is None and label_node is None:
        name_node, et_al_node, label_node = inherit.name, inherit.et_al, inherit.label
        label_first = inherit.label_first
        # citeproc-js: a bare substitute cs:names stands for the original
        # element, whose decoration already wraps what the substitute gives.
        own_decor = PLAIN
    renderer = _renderer(ev, ctx, node, name_node)  # only for names shown
    # only a cs:names of exactly editor and translator merges them (citeproc-js)
    if len(collected) == 2 and sorted(node.variables) == ["editor", "translator"]:
        editors = dict(collected)["editor"]
        same = editors == dict(collected)["translator"]
        if same and label_node is not None and ctx.locale.term("editortranslator", label_node.form):
            collected = [
                ("editortranslator" if v == "editor" else v, n)
                for v, n in collected
                if v != "translator"
            ]

    mode = ctx.mode
    et_al_min, use_first, use_last = _et_al(ctx, renderer)
    add_names = ctx.state.add_names
    form = renderer.form
    delimiter = node.delimiter if node.delimiter is not None else renderer.names_delimiter
    join = renderer.join_settings
    outputs: list[Out] = []
    count = 0
    global_index = 0
    # A bibliography entry's first names are the ones its citation shows: the
    # names and given names disambiguation added there show here too
    # (citeproc-js: "Yazdani, Danial" beside "Yazdani, Donya").
    notes = ctx.notes
    bib_first = mode == "bibliography" and notes.names_info is None
    given_level = ctx.state.given_level if mode != "bibliography" or bib_first else {}
    # cs:name's formatting and affixes dress each name, not the delimiters,
    # "and" or et-al, as citeproc-js reads them ("<sc>Baez</sc> &
    # <sc>Lauda</sc>"; gastrointestinal-intervention's suffix="." gives
    # "Aksın Ö., Türkmen H., et al.").  Styles are written against that.
    list_decor: Decor | None = None
    name_decor: Decor | None = None
    if name_node is not None and name_node.decor is not PLAIN:
        list_decor, name_decor = _name_decors(name_node.decor)

    each_name = _as_rendered
    if name_decor is not None:
        dress = name_decor

        def each_name(rendered_name: Out) -> Out:
            return ev.decorate(ctx, rendered_name, dress)

    render = renderer.render
    for variable, names in collected:
        total = len(names)
        truncated = False
        limit = total
        if et_al_min and use_first is not None and total >= et_al_min and use_first < total:
            limit = use_first + add_names
            if bib_first:
                limit = max(limit, ctx.state.cite_names)
            truncated = limit < total
            limit = min(limit, total)
            if limit == 0:
                continue
        if mode != "sort" and notes.names_info is None:
            notes.names_info = (total, limit)
        shown = names[:limit]
        if form == "count":
            count += len(shown)
            continue
        if mode == "sort":
            keyed = list(shown)
            if truncated and use_last and total >= limit + 2:
                keyed.append(names[-1])
            outputs.append("  ".join(renderer.sort_key(n) for n in keyed))
            continue
        if mode == "bibliography" and not notes.author_decided:  # as _note_rendered
            notes.rendered_names.extend([_name_key(name) for name in shown])
        if given_level:
            levels = [given_level.get(global_index + index, 0) for index in range(len(shown))]
        else:  # no given names added: most renders
            levels = [0] * len(shown)
        rendered: list[Out] = [
            render(name, index, levels[index]) for index, name in enumerate(shown)
        ]
        if name_decor is not None:
            rendered = [each_name(one) for one in rendered]
        if mode == "bibliography" and total > 1 and _separates_namesakes(ev.style):
            _separate_namesakes(ev, renderer, names, levels, rendered, each_name)
        global_index += total
        et_al: Out | None = None
        last: Out | None = None
        if truncated:
            if use_last and total >= limit + 2:
                _note_rendered(ctx, _name_key(names[-1]))
                last = each_name(renderer.render(names[-1], total - 1))
            else:
                term_name = et_al_node.term if et_al_node is not None else "et-al"
                term = ctx.locale.term(term_name)
                if term:
                    et_al = (
                        # cs:et-al takes formatting only; citeproc-js ignores affixes there
                        ev.decorate(ctx, term, replace(et_al_node.decor, prefix="", suffix=""))
                        if et_al_node is not None
                        else term
                    )
        inverted = _inverted(renderer, shown) if join.reads_inversion else ()
        others_last = shown[-1].literal.lower() == "others" and not shown[-1].family
        joined = join.join(rendered, et_al, last, inverted, others_last)
        names_out: Out = tagged_box(joined, "names-list")
        if et_al is not None and name_decor is not None:
            # citeproc-js dresses the names with their et-al once more, so an
            # et-al without formatting of its own takes the names' formatting
            # (and affixes: "Büyükgüngör O., et al.").
            names_out = ev.decorate(ctx, names_out, name_decor)
        if list_decor is not None:
            names_out = ev.decorate(ctx, names_out, list_decor)
        if label_node is not None:
            label = _label(ev, ctx, label_node, variable, len(names) > 1)
            if label is not None:
                names_out = Box([label, names_out] if label_first else [names_out, label])
        outputs.append(names_out)
    if form == "count":
        if not count:
            return None
        return _decorate(ev, ctx, str(count), own_decor)
    if not outputs:
        return None
    parts = outputs
    if len(outputs) > 1 and delimiter:
        parts = [outputs[0]]
        for output in outputs[1:]:
            parts.extend((delimiter, output))
    return _decorate(ev, ctx, tagged_box(parts, "names"), own_decor)


def _as_rendered(rendered_name: Out) -> Out:
    """A name as its renderer gave it (a cs:name without formatting of its own)."""
    return rendered_name


def _decorate(ev: NodeEvaluator, ctx: Context, content: Out, decor: Decor) -> Out:
    """``ev.decorate``, skipped for no decoration at all (which leaves content as it is)."""
    return content if decor is PLAIN else ev.decorate(ctx, content, decor)


def _et_al(ctx: Context, renderer: NameRenderer) -> tuple[int | None, int | None, bool]:
    """et-al-min, et-al-use-first and et-al-use-last for this render.

    A later cite may have et-al-subsequent-* settings of its own, and a
    sort key its own names-min, names-use-first and names-use-last.
    """
    et_al_min = renderer.et_al_min
    use_first = renderer.et_al_use_first
    use_last = renderer.et_al_use_last
    if ctx.mode == "citation" and ctx.cite.position != "first":
        et_al_min = renderer.et_al_subsequent_min or et_al_min
        use_first = renderer.et_al_subsequent_use_first or use_first
    elif ctx.mode == "sort" and ctx.sort_names is not None:
        names_min, names_first, names_last = ctx.sort_names
        if names_min is not None:
            et_al_min = names_min
        if names_first is not None:
            use_first = names_first
        if names_last is not None:
            use_last = names_last
    return et_al_min, use_first, use_last


def _renderer(
    ev: NodeEvaluator, ctx: Context, node: NamesNode, name_node: NameNode | None
) -> NameRenderer:
    """The renderer for ``name_node`` in this section and locale, made once.

    The merged options depend on the cs:name, the section's name
    attributes and the style alone (see ``Evaluator.name_options``), so
    the renderer is kept by their identities, which live as long as the
    style the evaluator holds; the renderer holds the locale.
    """
    key = (id(name_node), id(ctx.name_attrs), id(ctx.locale))
    renderer = ev.renderers.get(key)
    if renderer is None:
        opts = ev.name_options(ctx, node, name_node)
        renderer = ev.renderers[key] = NameRenderer(opts, name_node, ctx.locale)
    return renderer


def _inverted(renderer: NameRenderer, shown: Sequence[NameData]) -> list[bool]:
    """Which shown names print family name first (read by "after-inverted-name")."""
    sort_order = renderer.sort_order
    return [
        (sort_order == "all" or (sort_order == "first" and i == 0))
        and not n.is_literal
        and is_romanesque(n)
        for i, n in enumerate(shown)
    ]


_split_decors: dict[int, tuple[Decor, Decor | None, Decor]] = {}


def _name_decors(decor: Decor) -> tuple[Decor | None, Decor]:
    """A cs:name's decoration split: its display for the whole list, the rest per name.

    Kept by the decoration's identity (a style's nodes live as long as the
    style; the decoration itself is kept too, so its id is never reused):
    ``dataclasses.replace`` once per cs:names render was a visible cost.
    """
    kept = _split_decors.get(id(decor))
    if kept is None or kept[0] is not decor:
        if len(_split_decors) >= 4096:  # styles come and go in a long-lived server
            _split_decors.clear()
        list_decor = Decor(display=decor.display) if decor.display else None
        kept = _split_decors[id(decor)] = (decor, list_decor, replace(decor, display=None))
    return kept[1], kept[2]


def _label(
    ev: NodeEvaluator, ctx: Context, node: LabelNode, variable: str, plural: bool
) -> Out | None:
    if node.plural == "always":
        plural = True
    elif node.plural == "never":
        plural = False
    term = ctx.locale.term(variable, node.form, plural)
    if not term:
        return None
    return ev.decorate(ctx, term, node.decor, term=True)


_namesakes_of: dict[int, tuple[object, bool]] = {}


def _separates_namesakes(style: Style) -> bool:
    """Whether the style's citations may add full given names (not only initials).

    Kept by the citation options' identity (kept alive in the entry): asked
    for every bibliography entry with two names or more.
    """
    options = style.citation.options
    kept = _namesakes_of.get(id(options))
    if kept is None or kept[0] is not options:
        if len(_namesakes_of) >= 256:  # styles come and go in a long-lived server
            _namesakes_of.clear()
        separates = options.get("disambiguate-add-givenname") == "true" and not options.get(
            "givenname-disambiguation-rule", ""
        ).endswith("with-initials")
        kept = _namesakes_of[id(options)] = (options, separates)
    return kept[1]


def _separate_namesakes(
    ev: NodeEvaluator,
    renderer: NameRenderer,
    names: Sequence[NameData],
    levels: list[int],
    rendered: list[Out],
    each_name: Callable[[Out], Out],
) -> None:
    """People of one entry who would print alike ("Yazdani, D." twice) get given names.

    citeproc-js does this in the bibliography whenever the style lets
    citations add given names, whatever else the citations needed, and
    also when the namesake is hidden behind et-al.  ``rendered`` holds the
    shown names (the first ``len(rendered)``); only those are redrawn.
    """
    families = [name.family for name in names]
    if len(set(families)) == len(families):
        return  # no family name twice: nobody to tell apart (most entries)
    by_family: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        if name.family and not name.is_literal:
            by_family[(name.non_dropping, name.family)].append(index)
    top = 2
    shown = len(rendered)
    for indices in by_family.values():
        if len(indices) < 2 or indices[0] >= shown:
            continue
        if len({names[i].given for i in indices}) < 2:
            continue  # one person named twice stays as written
        level = max([levels[i] for i in indices if i < shown] + [0])
        while level <= top:
            forms = [plain_text(renderer.render(names[i], i, level)) for i in indices]
            if len(set(forms)) == len(forms):
                break
            level += 1
        level = min(level, top)
        for i in indices:
            if i < shown and levels[i] < level:
                levels[i] = level
                rendered[i] = each_name(renderer.render(names[i], i, level))


def _consume(ctx: Context, saved_tracked: list[str] | None, rendered: int) -> None:
    """The substitute's variables count as used for the rest of the cite."""
    used = ctx.tracked or []
    ctx.suppressed.update(used)
    if saved_tracked is not None:
        saved_tracked.extend(used)
    ctx.rendered = max(ctx.rendered, rendered + 1)


def _substitute(ev: NodeEvaluator, ctx: Context, node: NamesNode) -> Out | None:
    if not node.substitute:
        return None
    saved_inherit, saved_tracked = ctx.names_inherit, ctx.tracked
    try:
        for child in node.substitute:
            ctx.names_inherit = node
            ctx.tracked = []
            called, rendered = ctx.called, ctx.rendered
            names_like = isinstance(child, NamesNode)
            if isinstance(child, ChooseNode):
                branch = ev.choose(ctx, child)
                result = None
                if branch:
                    names_like = all(isinstance(n, NamesNode) for n in branch)
                    result = ev.group(ctx, branch, "", PLAIN, suppress=False)
            else:
                result = ev.node(ctx, child)
            if isinstance(child, TextNode) and child.source in ("term", "value") and result is None:
                return None  # citeproc-js: a term ends substitution even when empty
            if result is not None and not names_like:
                # citeproc-js: what stands in for the names (a title, a term, a
                # macro) keeps its own affixes and formatting, not the names'.
                _note_rendered(ctx, plain_text(result))
                _consume(ctx, saved_tracked, rendered)
                return tagged_box([result], "names")
            if result is not None:
                _consume(ctx, saved_tracked, rendered)
                return _decorate(ev, ctx, tagged_box([result], "names"), node.decor)
            ctx.called, ctx.rendered = called, rendered
        return None
    finally:
        ctx.names_inherit, ctx.tracked = saved_inherit, saved_tracked
