"""CSL-YAML: pandoc's YAML spelling of CSL-JSON (``references:`` or a bare list).

The data are CSL-JSON, so this module only has to get YAML itself right:

* YAML 1.1 (PyYAML's default) turns ``yes`` into True, ``1.10`` into 1.1,
  ``012`` into 10 and ``2020-05-14`` into a date object.  pandoc reads YAML
  1.2, where only ``true``/``false`` are booleans and dates stay strings, so
  the loader here resolves just canonical integers and ``true``/``false`` and
  keeps every other plain scalar a string: a volume ``1.10`` stays ``"1.10"``.
* Each item's line is taken from the YAML node tree, so a bad item gives a
  diagnostic with its line and the rest of the file still loads.
* pandoc's forms are all read: a bare list, a mapping with a ``references:``
  list, and the same mapping as Markdown front matter between ``---`` lines
  (the Markdown after it is ignored).
* A value YAML cannot make (``!!timestamp x``, an integer of more than 4,300
  digits) is kept as its text with a warning; a field that cannot be
  constructed at all is dropped with an error naming it, and the rest of the
  item is kept.
* Writing keeps key order and Unicode (``sort_keys=False``,
  ``allow_unicode=True``); ``date-parts`` are written in flow style
  (``[[2020, 5, 14]]``) because that is how people write them by hand.  A
  lone surrogate (which no UTF-8 file can hold) is written as U+FFFD.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from citekit.base.yamlload import Loader, yaml
from citekit.errors import Diagnostic, Severity
from citekit.formats import ReadResult
from citekit.formats.csljson import record_from
from citekit.model.records import (
    DATE_VARIABLES,
    MAX_NESTING,
    NAME_VARIABLES,
    Library,
)

# libyaml's emitter when PyYAML was built with it (ten times faster); the
# representers stay PyYAML's, so the behaviour is the same.
_SAFE_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_FLOAT_TAG = "tag:yaml.org,2002:float"

#: citekit's one YAML 1.2 loader (:data:`citekit.base.yamlload.Loader`) with
#: one difference that CSL-YAML needs: no plain scalar resolves to a float,
#: since every CSL variable is text or an integer and pandoc keeps ``1.10``
#: as written.  The constructors added below stay on this subclass.
_Loader: Any = type("_Loader", (Loader,), {})
_Loader.yaml_implicit_resolvers = {
    first: kept
    for first, resolvers in Loader.yaml_implicit_resolvers.items()
    if (kept := [(tag, pattern) for tag, pattern in resolvers if tag != _FLOAT_TAG])
}


class _Kept(str):
    """The text of a scalar YAML could not construct, kept as a string."""


def _construct_int(loader: Any, node: Any) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except (ValueError, IndexError) as exc:  # more digits than int() accepts, or none
        _note(
            loader,
            node,
            f"integer '{node.value[:20]}' not read as a number ({str(exc)[:60]}); kept as text",
        )
        return _Kept(node.value)


def _construct_float(loader: Any, node: Any) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_float(loader, node)
    except (ValueError, IndexError) as exc:
        _note(loader, node, f"'{node.value[:20]}' is not a number ({str(exc)[:60]}); kept as text")
        return _Kept(node.value)


def _construct_bool(loader: Any, node: Any) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_bool(loader, node)
    except (KeyError, AttributeError):
        _note(loader, node, f"'{node.value[:40]}' is not a valid !!bool; kept as text")
        return _Kept(node.value)


def _construct_timestamp(loader: Any, node: Any) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (AttributeError, ValueError, TypeError, OverflowError):
        _note(loader, node, f"'{node.value[:40]}' is not a valid !!timestamp; kept as text")
        return _Kept(node.value)


def _note(loader: Any, node: Any, message: str) -> None:
    problems: list[tuple[int, str]] | None = getattr(loader, "problems", None)
    if problems is not None:
        problems.append((node.start_mark.line + 1, message))


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)

#: A Markdown file's front matter: ``---`` to a ``---`` or ``...`` line.
_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE
)


#: SafeDumper that writes lists of lists of scalars (date parts) in flow style.
_Dumper: Any = type("_Dumper", (_SAFE_DUMPER,), {})


def _represent_list(dumper: Any, data: list[Any]) -> Any:
    flat = all(
        isinstance(x, (int, str))
        or (isinstance(x, list) and all(isinstance(y, (int, str)) for y in x))
        for x in data
    )
    is_date_parts = flat and all(isinstance(x, list) for x in data) and data
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=bool(is_date_parts))


_Dumper.add_representer(list, _represent_list)

# The reader's YAML 1.2 core scalars, so that what it reads as a number is
# written plain and a float (custom data only: CSL variables are text) gets an
# explicit ``!!float`` tag, since the reader keeps untagged decimals as text
# (``version: 1.50``).  Text that other YAML readers would take for a float is
# still quoted: it resolves to a tag of its own here, never to ``str``.
_Dumper.yaml_implicit_resolvers = {
    key: list(value) for key, value in _Loader.yaml_implicit_resolvers.items()
}
_Dumper.add_implicit_resolver(
    "tag:citekit,2026:float-like",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                |[-+]?\.(?:inf|Inf|INF)
                |\.(?:nan|NaN|NAN))$""",
        re.VERBOSE,
    ),
    list("-+0123456789."),
)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def _items_node(root: Any) -> Any:
    """The sequence node holding the items (bare list or ``references:``)."""
    if isinstance(root, yaml.SequenceNode):
        return root
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value == "references"
                and isinstance(value, yaml.SequenceNode)
            ):
                return value
    return None


def _as_json(value: Any) -> Any:
    """What explicit YAML tags made (``!!timestamp``, ``!!omap``, ``!!set``) as
    JSON data: dates as ISO text, pairs and sets as lists.  Anything else that
    is not JSON (``!!binary``), and values nested too deeply or containing
    themselves, are left as they are for the model to refuse with a reason.
    A container reached through several aliases is converted once and stays
    shared, so alias bombs cost no more here than in the YAML loader."""
    done: dict[int, Any] = {}

    def convert(node: Any, path: frozenset[int]) -> Any:
        if isinstance(node, (datetime.date, datetime.datetime)):
            return node.isoformat()
        if isinstance(node, _Kept):
            return str(node)
        if not isinstance(node, (dict, list, tuple, set, frozenset)):
            return node
        if len(path) > MAX_NESTING or id(node) in path:
            return node
        if id(node) in done:
            return done[id(node)]
        inner = path | {id(node)}
        result: Any
        if isinstance(node, dict):
            result = {_as_key(k): convert(v, inner) for k, v in node.items()}
        elif isinstance(node, (list, tuple)):
            result = [convert(v, inner) for v in node]
        else:
            result = sorted((convert(v, inner) for v in node), key=str)
        done[id(node)] = result
        return result

    return convert(value, frozenset())


def _as_key(key: Any) -> Any:
    return key.isoformat() if isinstance(key, (datetime.date, datetime.datetime)) else key


def _normalise_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """pandoc conveniences that CSL-JSON spells differently."""
    out = {str(_as_key(k)): _as_json(v) for k, v in item.items()}
    for variable, value in list(out.items()):
        if variable in NAME_VARIABLES and isinstance(value, list):
            out[variable] = [{"literal": n} if isinstance(n, str) else n for n in value]
        elif variable in NAME_VARIABLES and isinstance(value, (str, Mapping)):
            out[variable] = [{"literal": value} if isinstance(value, str) else value]
        elif variable in DATE_VARIABLES:
            if isinstance(value, int):
                out[variable] = str(value)
            elif isinstance(value, list) and value and all(isinstance(p, Mapping) for p in value):
                # citeproc-hs style: [{year: 2020, month: 5}, {year: 2021}]
                out[variable] = {
                    "date-parts": [
                        [p[k] for k in ("year", "month", "day") if k in p] for p in value
                    ]
                }
    return out


def _yaml_part(text: str) -> str:
    """The YAML of a text: the front matter of a Markdown file, else all of it.

    The front matter keeps its line numbers (one blank line stands for the
    opening ``---``); the Markdown after it is left out.
    """
    match = _FRONT_MATTER.match(text)
    if match is None or not _looks_like_markdown_after(text, match.end()):
        return text
    return "\n" + match.group(1)


def _looks_like_markdown_after(text: str, end: int) -> bool:
    """Front matter ends with ``...`` or is followed by text that is not YAML."""
    rest = text[end:].lstrip("\r\n")
    if not rest.strip():
        return True
    try:
        list(yaml.compose_all(rest, Loader=_Loader))
    except yaml.YAMLError:
        return True
    return text[end - 3 : end] == "..."


def read(text: str, *, filename: str | None = None) -> ReadResult:
    """Parse CSL-YAML; each bad item becomes a diagnostic with its line."""
    diagnostics: list[Diagnostic] = []
    library = Library()
    try:
        documents = [d for d in yaml.compose_all(_yaml_part(text), Loader=_Loader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        diagnostics.append(
            Diagnostic(
                Severity.ERROR,
                "bad-yaml",
                f"not valid YAML: {getattr(exc, 'problem', exc)}",
                file=filename,
                line=mark.line + 1 if mark is not None else None,
            )
        )
        return ReadResult(library, diagnostics)
    root = documents[0] if documents else None
    node = _items_node(root)
    if node is None:
        if root is not None:
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR,
                    "bad-structure",
                    "expected a list of items or a 'references:' list",
                    file=filename,
                    line=root.start_mark.line + 1,
                )
            )
        return ReadResult(library, diagnostics)
    loader = _Loader("")
    lines: dict[str, int] = {}
    for item_node in node.value:
        line = item_node.start_mark.line + 1
        loader.problems = []
        item, problem = _construct_item(loader, item_node)
        key = item.get("id") if isinstance(item, Mapping) else None
        for problem_line, message in loader.problems:
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    "bad-value",
                    message,
                    file=filename,
                    line=problem_line,
                    key=str(key) if key is not None else None,
                )
            )
        if problem is not None:
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR,
                    "bad-item",
                    f"item skipped: {problem}",
                    file=filename,
                    line=line,
                    key=str(key) if key is not None else None,
                )
            )
            continue
        # CSL-JSON's policy, item by item and field by field (one code path):
        # a bad field costs only itself, a missing type is reported.
        record, found = record_from(
            _normalise_item(item), line, filename=filename, field_lines=_field_lines(item_node)
        )
        diagnostics.extend(found)
        if record is None:
            continue
        if record.key in library:  # ids are never altered: the first one wins
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR,
                    "duplicate-key",
                    f"a second item with id '{record.key}'; this one is skipped",
                    file=filename,
                    line=line,
                    key=record.key,
                )
            )
            continue
        library.add(record)
        lines[record.key] = line
    loader.dispose()
    return ReadResult(library, diagnostics, lines)


def _field_lines(node: Any) -> dict[str, int]:
    """The line each field of an item's mapping node starts on, by field name."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value): value.start_mark.line + 1
        for key, value in node.value
        if isinstance(key, yaml.ScalarNode)
    }


_CONSTRUCT_ERRORS = (
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    KeyError,
    OverflowError,
    RecursionError,
    yaml.YAMLError,
)


def _construct_item(loader: Any, node: Any) -> tuple[Any, str | None]:
    """An item's mapping, or a reason it is not one.

    When the whole item cannot be constructed, its fields are constructed one
    by one and those that fail are dropped with an error (recorded in
    ``loader.problems``), so one bad value costs only itself.
    """
    try:
        item = loader.construct_document(node)
    except _CONSTRUCT_ERRORS as exc:
        if not isinstance(node, yaml.MappingNode):
            return None, str(exc)
        item = _construct_fields(loader, node)
    if not isinstance(item, Mapping):
        return item, f"an item must be a mapping, not {type(item).__name__}"
    return item, None


def _construct_fields(loader: Any, node: Any) -> dict[Any, Any]:
    item: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        try:
            key = loader.construct_document(key_node)
            item[key] = loader.construct_document(value_node)
        except _CONSTRUCT_ERRORS as exc:
            name = getattr(key_node, "value", "?")
            loader.problems.append(
                (value_node.start_mark.line + 1, f"field '{name}' dropped: {exc}")
            )
    return item


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def write(library: Library, **options: Any) -> str:
    """Serialise as pandoc metadata (``references:``) or, with ``bare=True``, a list.

    ``delimiters=True`` wraps the metadata in ``---`` / ``...`` so the text
    can be pasted at the top of a Markdown file.
    """
    items = _no_surrogates(library.to_json())
    data: Any = items if options.get("bare") else {"references": items}
    body: str = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
    )  # no folded lines
    if options.get("delimiters"):
        return f"---\n{body}...\n"
    return body


def _no_surrogates(value: Any) -> Any:
    """Lone surrogates (no UTF-8 file can hold them) as U+FFFD; the loss report
    of ``citekit convert`` lists the fields where that happened."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


__all__ = ["read", "write"]
