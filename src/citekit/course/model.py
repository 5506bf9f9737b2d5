"""Reading lists: the course, its sections and their readings, read from TOML or YAML.

A reading list names records by key; the records themselves live in
ordinary library files (BibTeX, CSL-JSON ...) given relative to the list.
Every later message about a reading ("no entry 'kim2017' ...") has to point
at the line the instructor typed, and tomllib reports no positions, so the
loader finds each reading's ``key = "..."`` in the text itself, in document
order (YAML positions come from PyYAML's node tree).

Shape problems (no ``sections``, a reading without a key, a ``required``
that is not true or false) are collected as diagnostics and raised together
as one :class:`~citekit.errors.ParseError`, so a list with three typos
reports all three at once.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citekit.base.files import read_text
from citekit.base.paths import UnsafePathError, confine
from citekit.base.yamlload import compose_and_load, yaml
from citekit.errors import Diagnostic, ParseError, Severity
from citekit.styles.catalog import style_from_data

DEFAULT_LABEL = "page"

NUMBERING_MODES: tuple[str, ...] = ("continuous", "per-section")
"""How a numeric style numbers a reader: once through, or afresh in every section."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading: a record key and what this course asks of it.

    ``locator`` is what to read (``33-45, 50``) and ``label`` its CSL locator
    term (``page``, ``chapter``, ``paragraph`` ...).  ``annotation`` is the
    course's own note on why the reading is there; it replaces the record's
    ``annote`` in this reader only.  ``note`` is a practical remark
    (``on reserve in the library``).
    """

    key: str
    required: bool = True
    locator: str | None = None
    label: str = DEFAULT_LABEL
    annotation: str | None = None
    note: str | None = None
    line: int | None = None
    minutes: int | None = None
    page_count: int | None = None


ORDERS: tuple[str, ...] = ("list", "style")
"""How a section orders its readings: as the list gives them, or as the style sorts them."""


@dataclass(frozen=True, slots=True)
class Section:
    """A week or unit of the course, with its readings in the order given.

    Besides explicit ``readings``, a section may select records from the
    libraries: every record carrying one of ``keywords`` (its ``keyword``
    field, BibTeX ``keywords``), every record of one of ``types`` (CSL types
    such as ``book``), or every item of a Zotero ``collection`` in the
    database ``zotero``.  Selected records follow the explicit readings, as
    optional readings when ``required`` is false.  ``order`` is None when the
    section follows the list-wide setting.
    """

    id: str
    title: str
    readings: tuple[Reading, ...] = ()
    description: str | None = None
    line: int | None = None
    order: str | None = None
    keywords: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    zotero: Path | None = None
    collection: str | None = None
    required: bool = True

    @property
    def selects(self) -> bool:
        """Whether the section picks records by keyword, type or collection."""
        return bool(self.keywords or self.types or self.zotero is not None)


@dataclass(frozen=True, slots=True)
class ReadingList:
    """A whole course reader as the instructor wrote it.

    ``libraries`` are resolved against the list file's folder and must lie
    inside its project (that folder, or the git work tree holding it) or a
    folder listed in ``$CITEKIT_ALLOW``; ``style`` is a style name or a
    ``.csl`` path under the same rule (or in a style folder), resolved
    against the list file too (see :mod:`citekit.base.paths`).
    ``numbering`` matters only for numeric styles: ``continuous`` (the
    reader is one document, so numbers run on and a work keeps its number)
    or ``per-section`` (every section a bibliography numbered from 1).
    """

    title: str
    sections: tuple[Section, ...]
    libraries: tuple[Path, ...] = ()
    code: str | None = None
    term: str | None = None
    instructor: str | None = None
    style: str = "annotated-reading-list"
    locale: str | None = None
    numbering: str = "continuous"
    source: str = "<reading list>"
    order: str = "list"

    @property
    def readings(self) -> Iterator[tuple[Section, Reading]]:
        for section in self.sections:
            for reading in section.readings:
                yield section, reading

    def keys(self) -> list[str]:
        """Every key read in the course, each once, in order of first appearance."""
        return list(dict.fromkeys(reading.key for _, reading in self.readings))

    def inputs(self) -> tuple[Path, ...]:
        """Every file the reader is built from, besides the list itself.

        An output must never replace one of them (a reader written over a
        Zotero database or the ``.csl`` style loses the user's data), and the
        live preview watches them.  A Zotero database brings Better BibTeX's
        ``better-bibtex.sqlite`` beside it, which supplies its citation keys.
        """
        paths = list(self.libraries)
        for section in self.sections:
            if section.zotero is not None:
                from citekit.formats.zotero import BBT_DATABASE  # sqlite3 only when needed

                paths += [section.zotero, section.zotero.parent / BBT_DATABASE]
        if self.style.lower().endswith(".csl"):
            paths.append(Path(self.style))
        return tuple(dict.fromkeys(paths))


# ---------------------------------------------------------------------------
# Where each key was written
# ---------------------------------------------------------------------------

_TOML_KEY = re.compile(
    r"""(?m)(?:^|[{,])[ \t]*(?:key|"key"|'key')[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')"""
)
_TOML_SECTION_ID = re.compile(
    r"""(?m)(?:^|[{,])[ \t]*(?:id|"id"|'id')[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')"""
)


def _toml_offsets(text: str, pattern: re.Pattern[str]) -> list[tuple[int, str]]:
    """(offset, value) of every ``name = "value"`` assignment, comments skipped."""
    found: list[tuple[int, str]] = []
    for match in pattern.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if "#" in text[line_start : match.start()]:
            continue  # inside a comment
        basic = match.group(1)
        value = _toml_string_value(f'"{basic}"') if basic is not None else match.group(2)
        found.append((match.start(), value))
    return found


_TOML_READINGS_ARRAY = re.compile(
    r"""(?m)^[ \t]*(?:readings|"readings"|'readings')[ \t]*=[ \t]*\["""
)
_TOML_STRING = re.compile(r""""(?:[^"\\\n]|\\.)*"|'[^'\n]*'""")


def _toml_bare_readings(text: str) -> list[tuple[int, str]]:
    """(offset, key) of every reading written as a bare string in a ``readings = [...]`` array.

    ``key = "..."`` finds the readings written as tables; without these
    the compact ``readings = ["a", "b"]`` would have no line, and the
    readings after them would take the lines of later, equal keys.
    """
    found: list[tuple[int, str]] = []
    for match in _TOML_READINGS_ARRAY.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if "#" in text[line_start : match.start()]:
            continue
        depth, braces, at = 1, 0, match.end()
        while at < len(text) and depth:
            char = text[at]
            if char == "#":  # a comment runs to the end of the line
                end = text.find("\n", at)
                at = len(text) if end < 0 else end
                continue
            if text.startswith(('"""', "'''"), at):  # a multi-line string, never a key
                end = text.find(text[at : at + 3], at + 3)
                at = len(text) if end < 0 else end + 3
                continue
            if char in "\"'":
                string = _TOML_STRING.match(text, at)
                if string is None:
                    break
                if depth == 1 and not braces:
                    found.append((at, _toml_string_value(string.group())))
                at = string.end()
                continue
            depth += {"[": 1, "]": -1}.get(char, 0)
            braces += {"{": 1, "}": -1}.get(char, 0)
            at += 1
    return found


def _toml_string_value(literal: str) -> str:
    """The value of a one-line TOML string literal, escapes and all."""
    try:
        return str(tomllib.loads(f"v = {literal}")["v"])
    except tomllib.TOMLDecodeError:
        return literal[1:-1]


def _toml_positions(text: str, *found: list[tuple[int, str]]) -> list[tuple[str, int]]:
    """(value, line) of the values found, in document order."""
    merged = sorted(offset_value for each in found for offset_value in each)
    return [(value, text.count("\n", 0, offset) + 1) for offset, value in merged]


def _yaml_positions(
    node: yaml.Node, name: str, bare_in: str | None = None
) -> list[tuple[str, int]]:
    """(value, line) of every ``name: value`` mapping pair, in document order.

    With ``bare_in``, also every plain value in a list under that name
    (the compact ``readings: [a, b]``).
    """
    found: list[tuple[str, int]] = []
    seen: set[int] = set()  # an alias reaches a node again, or even contains it

    def walk(current: yaml.Node) -> None:
        if id(current) in seen:
            return
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if (
                    isinstance(key_node, yaml.ScalarNode)
                    and key_node.value == name
                    and isinstance(value_node, yaml.ScalarNode)
                ):
                    found.append((str(value_node.value), value_node.start_mark.line + 1))
                if (
                    bare_in is not None
                    and isinstance(key_node, yaml.ScalarNode)
                    and key_node.value == bare_in
                    and isinstance(value_node, yaml.SequenceNode)
                ):
                    for item in value_node.value:
                        if isinstance(item, yaml.ScalarNode):
                            found.append((str(item.value), item.start_mark.line + 1))
                walk(value_node)
        elif isinstance(current, yaml.SequenceNode):
            for child in current.value:
                walk(child)

    walk(node)
    return found


class _Positions:
    """Hands out the line of each value in turn, matching values in order."""

    def __init__(self, found: list[tuple[str, int]]) -> None:
        self._found = found
        self._next = 0

    def line_of(self, value: str) -> int | None:
        for index in range(self._next, len(self._found)):
            if self._found[index][0] == value:
                self._next = index + 1
                return self._found[index][1]
        return None


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def _too_deep(filename: str, syntax: str) -> ParseError:
    """tomllib and PyYAML recurse once per nesting level; thousands of ``[`` exhaust them."""
    message = f"not valid {syntax}: nested too deeply to read"
    return ParseError(
        f"{filename}: {message}",
        [Diagnostic(Severity.ERROR, f"bad-{syntax.lower()}", message, file=filename, line=1)],
    )


def _parse_toml(text: str, filename: str) -> tuple[Any, _Positions, _Positions]:
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise _too_deep(filename, "TOML") from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        if line is None and "end of document" in str(exc):
            line = text.rstrip("\n").count("\n") + 1
        raise ParseError(
            f"{filename}: not valid TOML: {exc}",
            [
                Diagnostic(
                    Severity.ERROR, "bad-toml", f"not valid TOML: {exc}", file=filename, line=line
                )
            ],
        ) from exc
    return (
        data,
        _Positions(
            _toml_positions(text, _toml_offsets(text, _TOML_KEY), _toml_bare_readings(text))
        ),
        _Positions(_toml_positions(text, _toml_offsets(text, _TOML_SECTION_ID))),
    )


def _parse_yaml(text: str, filename: str) -> tuple[Any, _Positions, _Positions]:
    try:
        node, data = compose_and_load(text)
    except RecursionError:
        raise _too_deep(filename, "YAML") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ParseError(
            f"{filename}: not valid YAML: {exc}",
            [
                Diagnostic(
                    Severity.ERROR, "bad-yaml", f"not valid YAML: {exc}", file=filename, line=line
                )
            ],
        ) from exc
    if node is None:
        return data, _Positions([]), _Positions([])
    return (
        data,
        _Positions(_yaml_positions(node, "key", "readings")),
        _Positions(_yaml_positions(node, "id")),
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value).strip()
        return text or None
    return None


class _Builder:
    """Turns parsed data into a :class:`ReadingList`, collecting every problem."""

    def __init__(self, filename: str, keys: _Positions, ids: _Positions, text: str = "") -> None:
        self.filename = filename
        self.keys = keys
        self.ids = ids
        self.text = text
        self.problems: list[Diagnostic] = []

    def line_of_setting(self, name: str) -> int | None:
        """The line of a top-level ``name = ...`` (TOML) or ``name: ...`` (YAML)."""
        match = re.search(rf"(?m)^[ \t]*{re.escape(name)}[ \t]*[=:]", self.text)
        return self.text.count("\n", 0, match.start()) + 1 if match else None

    def problem(
        self, code: str, message: str, line: int | None = None, key: str | None = None
    ) -> None:
        self.problems.append(
            Diagnostic(Severity.ERROR, code, message, file=self.filename, line=line, key=key)
        )

    def reading(self, raw: Any, section: str, section_line: int | None) -> Reading | None:
        if isinstance(raw, str):  # a bare key is a required reading of the whole work
            raw = {"key": raw}
        if not isinstance(raw, Mapping):
            self.problem(
                "bad-reading",
                f"section '{section}': a reading must be a table with a key, not {raw!r}",
                section_line,
            )
            return None
        key = _text(raw.get("key"))
        if key is None:
            self.problem("missing-key", f"section '{section}': a reading has no key", section_line)
            return None
        line = self.keys.line_of(str(raw.get("key")))
        required = True
        if "required" in raw:
            if not isinstance(raw["required"], bool):
                self.problem("bad-required", "'required' must be true or false", line, key)
            else:
                required = raw["required"]
        if "status" in raw:
            status = str(raw["status"]).strip().lower()
            if status not in ("required", "optional"):
                self.problem("bad-status", '\'status\' must be "required" or "optional"', line, key)
            else:
                required = status == "required"
        if raw.get("optional") is True:
            required = False
        locator = _text(raw.get("pages"))
        label = DEFAULT_LABEL
        if locator is None:
            locator = _text(raw.get("locator"))
            label = _text(raw.get("label")) or DEFAULT_LABEL
        elif raw.get("locator") is not None:
            self.problem("two-locators", "give 'pages' or 'locator', not both", line, key)
        return Reading(
            key=key,
            required=required,
            locator=locator,
            label=label,
            annotation=_text(raw.get("annotation")),
            note=_text(raw.get("note")),
            line=line,
            minutes=self.count(raw, "minutes", line, key),
            page_count=self.count(raw, "page_count", line, key),
        )

    def count(self, raw: Mapping[str, Any], name: str, line: int | None, key: str) -> int | None:
        """A positive whole number given for ``name`` (``minutes = 20``), else None."""
        value = raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.problem(
                f"bad-{name.replace('_', '-')}",
                f"'{name}' must be a positive whole number, not {value!r}",
                line,
                key,
            )
            return None
        return value

    def order(self, raw: Mapping[str, Any], line: int | None) -> str | None:
        """``order = "list" | "style"`` of a section or the whole list; None when absent."""
        value = raw.get("order")
        if value is None:
            return None
        if value not in ORDERS:
            self.problem(
                "bad-order",
                f"'order' must be {' or '.join(repr(o) for o in ORDERS)}, not {value!r}",
                line or self.line_of_setting("order"),
            )
            return None
        return str(value)

    def names(
        self, raw: Mapping[str, Any], name: str, section: str, line: int | None
    ) -> tuple[str, ...]:
        """A list of strings (``keywords = ["nuclear"]``); a lone string counts as one."""
        value = raw.get(name)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(
                f"bad-{name}", f"section '{section}': '{name}' must be a list of strings", line
            )
            return ()
        return tuple(v.strip() for v in value if v.strip())

    def zotero(
        self, raw: Mapping[str, Any], section: str, line: int | None, base: Path
    ) -> tuple[Path | None, str | None]:
        """The section's Zotero database (confined like a library) and collection."""
        database = _text(raw.get("zotero"))
        collection = _text(raw.get("collection"))
        if database is None:
            if collection is not None:
                self.problem(
                    "collection-without-zotero",
                    f"section '{section}': 'collection' needs 'zotero = \"path/zotero.sqlite\"'",
                    line,
                )
            return None, None
        try:
            return confine(database, base, what="Zotero database"), collection
        except UnsafePathError as exc:
            self.problem("path-outside-project", str(exc), line)
            return None, None

    def section(self, raw: Any, index: int, base: Path = Path(".")) -> Section | None:
        if not isinstance(raw, Mapping):
            self.problem("bad-section", f"section {index}: must be a table, not {raw!r}")
            return None
        section_id = _text(raw.get("id")) or f"section-{index}"
        line = self.ids.line_of(str(raw["id"])) if _text(raw.get("id")) else None
        title = _text(raw.get("title"))
        if title is None:
            self.problem("missing-title", f"section '{section_id}' has no title", line)
            title = section_id
        raw_readings = raw.get("readings", [])
        if not isinstance(raw_readings, list):
            self.problem("bad-readings", f"section '{section_id}': 'readings' must be a list", line)
            raw_readings = []
        readings = [self.reading(r, section_id, line) for r in raw_readings]
        zotero, collection = self.zotero(raw, section_id, line, base)
        required = raw.get("required", True)
        if not isinstance(required, bool):
            self.problem(
                "bad-required", f"section '{section_id}': 'required' must be true or false", line
            )
            required = True
        return Section(
            id=section_id,
            title=title,
            readings=tuple(r for r in readings if r is not None),
            description=_text(raw.get("description")),
            line=line,
            order=self.order(raw, line),
            keywords=self.names(raw, "keywords", section_id, line),
            types=self.names(raw, "types", section_id, line),
            zotero=zotero,
            collection=collection,
            required=required,
        )

    def reading_list(self, data: Any, base: Path) -> ReadingList:
        if not isinstance(data, Mapping):
            self.problem("bad-reading-list", "a reading list must be a table of settings")
            raise self.error()
        nested = data.get("course")
        course: Mapping[str, Any] = nested if isinstance(nested, Mapping) else data
        title = _text(course.get("title"))
        if title is None:
            self.problem("missing-title", "the reading list has no title")
            title = "Reading list"
        libraries = data.get("libraries", data.get("library", []))
        if isinstance(libraries, str):
            libraries = [libraries]
        if not isinstance(libraries, list) or not all(isinstance(p, str) for p in libraries):
            self.problem("bad-libraries", "'libraries' must be a list of file paths")
            libraries = []
        if not libraries:
            self.problem("no-libraries", "no library files named ('libraries = [...]')")
        library_paths = self.confined_libraries(libraries, base)
        raw_sections = data.get("sections")
        if not isinstance(raw_sections, list) or not raw_sections:
            self.problem("no-sections", "no sections ('[[sections]]' tables)")
            raw_sections = []
        sections = [self.section(s, i, base) for i, s in enumerate(raw_sections, 1)]
        seen: dict[str, int] = {}
        for section in sections:
            if section is None:
                continue
            if section.id in seen:
                self.problem(
                    "duplicate-section", f"two sections have the id '{section.id}'", section.line
                )
            seen[section.id] = 1
        style = self.confined_style(_text(data.get("style")) or "annotated-reading-list", base)
        numbering = _text(data.get("numbering")) or NUMBERING_MODES[0]
        if numbering not in NUMBERING_MODES:
            self.problem(
                "bad-numbering",
                f"'numbering' must be "
                f"{' or '.join(repr(m) for m in NUMBERING_MODES)}, not {numbering!r}",
                self.line_of_setting("numbering"),
            )
            numbering = NUMBERING_MODES[0]
        order = self.order(data, None) or ORDERS[0]
        if self.problems:
            raise self.error()
        return ReadingList(
            title=title,
            sections=tuple(s for s in sections if s is not None),
            libraries=library_paths,
            code=_text(course.get("code")),
            term=_text(course.get("term")),
            instructor=_text(course.get("instructor")),
            style=style,
            locale=_text(data.get("locale")),
            numbering=numbering,
            source=self.filename,
            order=order,
        )

    def confined_libraries(self, libraries: list[str], base: Path) -> tuple[Path, ...]:
        """Library paths inside the list's folder (or an allowed one); a problem for any other.

        A reading list may come from someone else: an absolute or ``../``
        path could otherwise read any file of the user's into the reader.
        """
        paths: list[Path] = []
        for raw in libraries:
            try:
                paths.append(confine(raw, base, what="library file"))
            except UnsafePathError as exc:
                self.problem(
                    "path-outside-project",
                    str(exc),
                    self.line_of_setting("libraries") or self.line_of_setting("library"),
                )
        return tuple(paths)

    def confined_style(self, style: str, base: Path) -> str:
        """The style name, or its ``.csl`` file resolved inside the list's folder."""
        try:
            return style_from_data(style, base)
        except UnsafePathError as exc:
            self.problem("path-outside-project", str(exc), self.line_of_setting("style"))
            return style

    def error(self) -> ParseError:
        count = len(self.problems)
        return ParseError(
            f"{self.filename}: {count} problem{'s' if count > 1 else ''} in the reading list",
            self.problems,
        )


def parse_reading_list(
    text: str,
    *,
    filename: str = "<reading list>",
    base: Path | None = None,
    syntax: str | None = None,
) -> ReadingList:
    """A reading list from TOML (default) or YAML text.

    ``syntax`` is ``toml`` or ``yaml``; when None it follows the file
    suffix.  ``base`` is the folder library paths are relative to.
    """
    if syntax is None:
        syntax = "yaml" if filename.lower().endswith((".yaml", ".yml")) else "toml"
    parse = _parse_yaml if syntax == "yaml" else _parse_toml
    data, keys, ids = parse(text, filename)
    return _Builder(filename, keys, ids, text).reading_list(data, base or Path("."))


def load_reading_list(path: str | Path) -> ReadingList:
    """Read a reading-list file; raises :class:`ParseError` listing every problem."""
    file = Path(path)
    text, _ = read_text(file)
    return parse_reading_list(text, filename=str(file), base=file.parent)


__all__ = [
    "DEFAULT_LABEL",
    "NUMBERING_MODES",
    "ORDERS",
    "Reading",
    "ReadingList",
    "Section",
    "load_reading_list",
    "parse_reading_list",
]
