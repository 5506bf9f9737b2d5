"""RIS reader and writer, driven by the two-way table in :mod:`citekit.formats.rismap`.

RIS is line based: ``TY  - JOUR`` opens a record, ``ER  -`` closes it, and
every line between is ``XX  - value``.  Readers in the wild are lenient, and
so is this one: lines that are not tags continue the previous value (long
abstracts wrap), a missing ``ER`` before the next ``TY`` closes the record
with a warning, and a tag the table does not know is kept in
``custom["ris"]`` (with an INFO ``unmapped-fields`` diagnostic) so that the
writer can put it back.  A value repeated where the model holds one (a second
``TI``) is kept the same way rather than dropped.

RIS is plain text: the CSL rich-text markup (``<i>``, ``<span
class="nocase">``) is written as the text it marks.  What no standard tag
carries (an event title, a date range, an item type RIS lacks, ``custom``
data such as quotations) is written as a note the reader gives back,
``N1  - [citekit] event-title: ...`` (or ``[citekit json]`` with a JSON
value), so a citekit round trip loses nothing and other tools still show it.
Lines end only at ``\n``, ``\r\n`` or ``\r``: U+2028, U+0085, VT, FF and
the file separators are text inside a value, never line breaks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from citekit.base.text import strip_markup
from citekit.errors import Diagnostic, Severity
from citekit.formats import ReadResult, rismap
from citekit.model.records import Date, Library, Name, Record, value_from_json, variable_kind

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_DATE = re.compile(r"^\s*(\d{1,4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?(?:/.*)?)?)?\s*$")
_PARTICLE = re.compile(r"^((?:[a-z][\w']*\s+)+)(\S.*)$")
_ISSN = re.compile(r"^\s*\d{4}-?\d{3}[\dXx]\s*$")
_PAGE_RANGE = re.compile(r"^\s*([^-–—\s]+)\s*(?:-{1,2}|–|—)\s*([^-–—\s]+)\s*$")
# A given name followed by lower-case words: "Ludwig van" is Ludwig + dropping "van".
_DROPPING = re.compile(r"^(.*?\S)\s+((?:[a-z][\w']*)(?:\s+[a-z][\w']*)*)$")
#: RIS's only line ends (str.splitlines would also break at U+2028, VT, FF, ...).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain_text(value: str) -> str:
    """CSL rich text as RIS's plain text, with no tag left in it.

    Markup is taken out until none is left: removing ``<i>`` from
    ``</<i>span>`` makes a tag of what was text, and RIS never holds HTML.
    What changes that way reads back differently, so the loss report names it.
    """
    previous = None
    while previous != value:
        previous, value = value, strip_markup(value)
    return value


def _trim(text: str) -> str:
    """Spaces and tabs off both ends; str.strip would also take U+001C-001F,
    FF and VT, which are data in RIS (an id ``k\x1c`` must stay itself)."""
    return text.strip(" \t")


#: Notes that carry what no tag can: ``[citekit] path: text`` or
#: ``[citekit json] path: JSON``; ``path`` is ``type``, a CSL variable or
#: ``custom.NAME``.
CARRY_TAG = "N1"
CARRY_TEXT = "[citekit] "
CARRY_JSON = "[citekit json] "
_CARRY = re.compile(r"^\[citekit( json)?\] ([A-Za-z0-9_.@:-]+|custom\.[^:\n]+): (.*)$", re.DOTALL)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def _parse_name(text: str) -> Name:
    """``Family, Given, Suffix``; without a comma the name is kept literal."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        return Name(literal=text.strip())
    family = parts[0]
    particle = None
    match = _PARTICLE.match(family)
    if match:
        particle, family = match.group(1).strip(), match.group(2)
    given = parts[1] or None
    dropping = None
    split = _DROPPING.match(given) if given else None
    if split and split.group(1)[:1].isupper():
        given, dropping = split.group(1), split.group(2)
    suffix = ", ".join(parts[2:]) or None
    return Name(
        family=family,
        given=given,
        dropping_particle=dropping,
        non_dropping_particle=particle,
        suffix=suffix,
    )


def _parse_date(text: str) -> Date:
    """``YYYY/MM/DD/other``, ``YYYY-MM-DD`` or ``YYYY``; anything else is literal."""
    match = _DATE.match(text)
    if not match:
        return Date(literal=text.strip())
    parts = [int(match.group(1))]
    for group in (match.group(2), match.group(3)):
        if not group or int(group) == 0:
            break
        parts.append(int(group))
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        parts = parts[:1]
    return Date.from_parts(tuple(parts))


class _RecordBuilder:
    """Collects one record's tags, then turns them into a :class:`Record`.

    Each value is kept as a list of its lines and joined once in :meth:`build`,
    and names are gathered per variable before being set, so a record of many
    lines (300,000 ``AU``) costs linear time, not quadratic.
    """

    def __init__(self, ris_type: str, line: int) -> None:
        self.ris_type = ris_type
        self.line = line
        self.tags: list[tuple[str, list[str], int]] = []

    def add(self, tag: str, value: str, line: int) -> None:
        self.tags.append((tag, [value], line))

    def append_continuation(self, text: str) -> None:
        parts = self.tags[-1][1]
        if parts == [""]:
            parts[0] = text
        else:
            parts.append(text)

    def build(self, index: int, filename: str | None) -> tuple[Record, list[Diagnostic]]:
        diagnostics: list[Diagnostic] = []
        csl = rismap.csl_type(self.ris_type)
        unmapped: dict[str, list[str]] = {}
        if csl is None:
            csl = rismap.FALLBACK_CSL_TYPE
            unmapped.setdefault(rismap.TYPE_TAG, []).append(self.ris_type)
        tags = [(tag, "\n".join(parts), line) for tag, parts, line in self.tags]
        key = next(
            (_trim(v) for t, v, _ in tags if t == rismap.ID_TAG and _trim(v)), f"ris-{index}"
        )
        record = Record(key, csl)
        year: Date | None = None
        full_date: Date | None = None
        page_first = page_last = None
        keywords: list[str] = []
        names: dict[str, list[Name]] = {}
        carried: list[tuple[str, str, bool, int]] = []
        ids_seen = False
        for tag, value, line in tags:
            if tag == rismap.ID_TAG and not ids_seen and _trim(value) == key:
                ids_seen = True
                continue
            if tag == CARRY_TAG:
                found = _CARRY.match(_trim(value))
                if found:
                    carried.append((found.group(2), found.group(3), bool(found.group(1)), line))
                    continue
            rule = _read_rule(tag, csl)
            value = _trim(value)
            if rule is None or not value:
                if value or rule is None:
                    unmapped.setdefault(tag, []).append(value)
                continue
            if rule.kind == "name":
                names.setdefault(rule.variable, []).append(_parse_name(value))
                continue
            if rule.kind == "keyword":
                keywords.append(value)
                continue
            if rule.kind == "year" and year is None:
                year = _parse_date(value)
                continue
            if rule.kind == "date" and rule.variable == "issued":
                if full_date is None:
                    full_date = _parse_date(value)
                else:
                    unmapped.setdefault(tag, []).append(value)
                continue
            if rule.kind == "page-first" and page_first is None:
                page_first = value
                continue
            if rule.kind == "page-last" and page_last is None:
                page_last = value
                continue
            variable = rule.variable
            if rule.kind == "serial":
                variable = "ISSN" if _ISSN.match(value) else "ISBN"
            if variable not in record and rule.kind in ("text", "serial", "date"):
                record[variable] = _parse_date(value) if rule.kind == "date" else value
            elif record.get(variable) != value:
                # a repeat of a single-valued tag: keep it rather than drop it
                unmapped.setdefault(tag, []).append(value)
        for variable, found_names in names.items():
            record[variable] = found_names
        issued = _choose_date(year, full_date, unmapped)
        if issued is not None:
            record["issued"] = issued
        if page_first is not None or page_last is not None:
            record["page"] = "-".join(p for p in (page_first, page_last) if p)
        if keywords:
            record["keyword"] = ", ".join(keywords)
        if unmapped:
            record.custom[rismap.CUSTOM_KEY] = unmapped
            diagnostics.append(
                Diagnostic(
                    Severity.INFO,
                    "unmapped-fields",
                    f"RIS tags without a CSL variable kept in custom.{rismap.CUSTOM_KEY}: "
                    + ", ".join(sorted(unmapped)),
                    file=filename,
                    line=self.line,
                    key=key,
                )
            )
        for path, text, is_json, line in carried:
            problem = _apply_carried(record, path, text, is_json)
            if problem is not None:
                diagnostics.append(
                    Diagnostic(
                        Severity.WARNING,
                        "bad-carried-note",
                        f"note '{CARRY_TAG}  - {_trim(CARRY_TEXT)}' for '{path}' not read: "
                        f"{problem}; kept as a note",
                        file=filename,
                        line=line,
                        key=key,
                    )
                )
                _keep_as_note(record, f"{CARRY_JSON if is_json else CARRY_TEXT}{path}: {text}")
        return record, diagnostics


@cache
def _read_rule(tag: str, csl_type: str) -> rismap.TagRule | None:
    return rismap.read_rule(tag, csl_type)


def _apply_carried(record: Record, path: str, text: str, is_json: bool) -> str | None:
    """Put a carried value back where it was; a reason when it cannot be."""
    try:
        value: Any = json.loads(text) if is_json else text
    except (ValueError, RecursionError) as exc:
        return f"not JSON ({exc})"
    if path == "type":
        if not isinstance(value, str) or not value:
            return "a type must be a non-empty string"
        record.type = value
        return None
    if path in ("id", "custom"):
        return f"'{path}' cannot be carried"
    try:
        if path.startswith("custom."):
            value = value_from_json("custom", value)
            record.custom[path.removeprefix("custom.")] = value
        else:
            record[path] = value_from_json(path, value)
    except (ValueError, TypeError) as exc:
        return str(exc)
    return None


def _keep_as_note(record: Record, text: str) -> None:
    stored = record.custom.get(rismap.CUSTOM_KEY)
    kept: dict[str, Any] = stored if isinstance(stored, dict) else {}
    kept.setdefault(CARRY_TAG, []).append(text)
    record.custom[rismap.CUSTOM_KEY] = kept


def _choose_date(
    year: Date | None, full: Date | None, unmapped: dict[str, list[str]]
) -> Date | None:
    """PY carries the year, DA the full date; keep the fuller one when they agree."""
    if full is None:
        return year
    if year is None or year.year is None or full.year == year.year:
        return full
    unmapped.setdefault("DA", []).append(full.to_edtf() or str(full))
    return year


def split_lines(text: str) -> list[str]:
    """RIS lines: broken at ``\\n``, ``\\r\\n`` and ``\\r`` only."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read(text: str, *, filename: str | None = None) -> ReadResult:
    """Parse RIS text; problems become diagnostics, never exceptions."""
    diagnostics: list[Diagnostic] = []
    library = Library()
    lines: dict[str, int] = {}
    current: _RecordBuilder | None = None
    index = 0

    def finish(builder: _RecordBuilder) -> None:
        nonlocal index
        index += 1
        record, found = builder.build(index, filename)
        diagnostics.extend(found)
        if record.key in library:
            original = record.key
            record.id = library.unused_key(original)
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    "duplicate-key",
                    f"a second record with ID '{original}' was renamed '{record.id}'",
                    file=filename,
                    line=builder.line,
                    key=original,
                )
            )
        library.add(record)
        lines[record.key] = builder.line

    for number, raw_line in enumerate(split_lines(text), start=1):
        line = raw_line.lstrip("\ufeff") if number == 1 else raw_line
        match = _TAG_LINE.match(line.rstrip(" \t")) or _TAG_LINE.match(line)
        if match is None:
            if not _trim(line):
                continue
            if current is not None and current.tags:
                current.append_continuation(_trim(line))
            else:
                diagnostics.append(
                    Diagnostic(
                        Severity.WARNING,
                        "stray-text",
                        f"text outside a RIS record ignored: {_trim(line)[:60]!r}",
                        file=filename,
                        line=number,
                    )
                )
            continue
        tag, value = match.group(1), (match.group(2) or "")
        if tag == rismap.TYPE_TAG:
            if current is not None:
                diagnostics.append(
                    Diagnostic(
                        Severity.WARNING,
                        "missing-end",
                        "record not closed by 'ER  -' before the next 'TY  -'",
                        file=filename,
                        line=current.line,
                    )
                )
                finish(current)
            current = _RecordBuilder(_trim(value), number)
        elif tag == rismap.END_TAG:
            if current is None:
                diagnostics.append(
                    Diagnostic(
                        Severity.WARNING,
                        "stray-end",
                        "'ER  -' without a record",
                        file=filename,
                        line=number,
                    )
                )
            else:
                finish(current)
                current = None
        elif current is None:
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    "stray-text",
                    f"tag {tag} outside a record (no 'TY  -' before it) ignored",
                    file=filename,
                    line=number,
                )
            )
        else:
            current.add(tag, value, number)
    if current is not None:
        diagnostics.append(
            Diagnostic(
                Severity.WARNING,
                "missing-end",
                "last record not closed by 'ER  -'",
                file=filename,
                line=current.line,
            )
        )
        finish(current)
    return ReadResult(library, diagnostics, lines)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A value with the CSL rich-text markup taken out of every string in it."""
    if isinstance(value, str):
        return _plain_text(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _format_name(name: Name) -> str:
    if name.literal is not None:
        return _plain_text(name.literal)
    family = _plain_text(name.family_with_particle)
    given = _plain_text(name.given_with_particle)
    parts = [family, given] if given or name.suffix else [family + ","]
    if name.suffix:
        parts.append(_plain_text(name.suffix))
    return ", ".join(parts)


def _format_date(date: Date, kind: str) -> str | None:
    start = date.start
    if not start:
        text = date.literal or date.raw if kind == "year" else None
        return _plain_text(text) if text else None
    if kind == "year":
        return f"{start[0]:04d}" if start[0] >= 0 else None
    if len(start) == 1 or start[0] < 0:
        return None  # PY already says it all
    fields = [f"{start[0]:04d}"] + [f"{p:02d}" for p in start[1:]]
    fields += [""] * (3 - len(fields))
    return "/".join(fields) + "/"


def _values(record: Record, variable: str, kind: str) -> Iterable[str]:
    value = record.get(variable)
    if value is None:
        return []
    if kind == "name":
        return [_format_name(n) for n in record.names(variable)]
    if kind in ("year", "date"):
        date = record.date(variable)
        if date is None:
            return []
        if variable != "issued":
            formatted = _format_date(date, "year" if len(date.start) <= 1 else "date")
        else:
            formatted = _format_date(date, kind)
        return [formatted] if formatted else []
    text = _plain_text(str(value))
    if kind in ("page-first", "page-last"):
        match = _PAGE_RANGE.match(text)
        if match:
            return [match.group(1) if kind == "page-first" else match.group(2)]
        return [text] if kind == "page-first" else []
    if kind == "keyword":
        return [_trim(k) for k in text.split(",") if _trim(k)]
    return [text]


def _line(tag: str, value: str) -> str:
    """A tag line; a value with line breaks continues on untagged lines (a
    line that would read as a tag is indented, which the reader strips)."""
    lines = [_trim(part) for part in _LINE_BREAK.split(value)]
    text = "\n".join(" " + part if _TAG_LINE.match(part) else part for part in lines[1:] if part)
    return f"{tag}  - {lines[0]}" + (f"\n{text}" if text else "")


@cache
def _write_plan(csl_type: str) -> tuple[rismap.TagRule, ...]:
    """The rows written for a CSL type, in table order (computed once per type).

    A row whose tag reads back as another variable for this type (``T2`` is a
    book's series, so a book's ``container-title`` cannot go there) is left
    out: that value is carried in a note instead of coming back wrong.
    """
    plan: list[rismap.TagRule] = []
    for rule in rismap.TAG_TABLE:
        if rule.write and rule not in plan and rule in rismap.write_rules(rule.variable, csl_type):
            back = _read_rule(rule.tag, csl_type)
            if back is not None and (back.variable == rule.variable or rule.kind == "serial"):
                plan.append(rule)
    return tuple(plan)


def _tag_lines(record: Record) -> list[str]:
    """The record as standard tags, ``TY`` first, without ``ER``."""
    lines = [_line(rismap.TYPE_TAG, rismap.ris_type(record.type))]
    stored = record.custom.get(rismap.CUSTOM_KEY)
    kept: dict[str, Any] = stored if isinstance(stored, dict) else {}
    original_type = kept.get(rismap.TYPE_TAG)
    if (
        record.type == rismap.FALLBACK_CSL_TYPE
        and isinstance(original_type, list)
        and original_type
    ):
        # a TY the table lacks was read as the fallback type: write it back as it came
        lines = [_line(rismap.TYPE_TAG, _plain_text(str(original_type[0])))]
    lines.append(_line(rismap.ID_TAG, record.key))
    for rule in _write_plan(record.type):
        if rule.variable in record.fields:
            lines.extend(_line(rule.tag, v) for v in _values(record, rule.variable, rule.kind))
    for tag, values in kept.items():
        if tag == rismap.TYPE_TAG or not _TAG_LINE.match(f"{tag}  - "):
            continue
        for value in values if isinstance(values, list) else [values]:
            lines.append(_line(str(tag), _plain_text(str(value))))
    return lines


def _comparable(value: Any) -> Any:
    """A value as JSON with markup stripped: what RIS can be asked to give back."""
    if isinstance(value, list) and value and isinstance(value[0], Name):
        return plain([n.to_json() for n in value])
    if isinstance(value, Date):
        return plain(value.to_json())
    return plain(value)


def _carry_line(path: str, value: Any) -> str:
    """One carried note; JSON unless the value is one plain line of text."""
    if (
        isinstance(value, str)
        and value == _trim(value)
        and not _LINE_BREAK.search(value)
        and (
            path.startswith("custom.")
            or path == "type"
            or variable_kind(path) in ("string", "number", "unknown")
        )
    ):
        return _line(CARRY_TAG, CARRY_TEXT + f"{path}: {value}")
    encoded = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return _line(CARRY_TAG, CARRY_JSON + f"{path}: {encoded}")


def _carried(record: Record, back: Record) -> list[str]:
    """Notes for everything the standard tags did not give back as it was."""
    lines: list[str] = []
    if back.type != record.type:
        lines.append(_carry_line("type", _plain_text(record.type)))
    for variable, value in record.fields.items():
        if variable == "custom" or not _carriable(variable):
            continue
        wanted = _comparable(value)
        if _comparable(back.get(variable)) != wanted:
            lines.append(_carry_line(variable, wanted))
    back_custom = back.custom
    for name, value in record.custom.items():
        if name == rismap.CUSTOM_KEY and _comparable(back_custom.get(name)) == plain(value):
            continue
        if not _carriable(name, custom=True):
            continue
        if _comparable(back_custom.get(name)) != plain(value):
            lines.append(_carry_line("custom." + name, plain(value)))
    return lines


def _carriable(name: str, *, custom: bool = False) -> bool:
    """Whether a name can be the path of a carried note (it must read back)."""
    path = ("custom." + name) if custom else name
    return bool(_CARRY.match(f"[citekit] {path}: x")) and path not in ("id", "type")


def write_record(record: Record) -> list[str]:
    """One record as RIS lines, ``TY`` first and ``ER`` last.

    The standard tags are read back at once; whatever they did not give back
    as it was is added as carried notes (:data:`CARRY_TEXT`).
    """
    lines = _tag_lines(record)
    builder = _RecordBuilder(lines[0].partition("  - ")[2], 1)
    for number, text in enumerate("\n".join(lines[1:]).split("\n"), start=2):
        match = _TAG_LINE.match(text.rstrip(" \t")) or _TAG_LINE.match(text)
        if match is None:
            if _trim(text) and builder.tags:
                builder.append_continuation(_trim(text))
            continue
        builder.add(match.group(1), match.group(2) or "", number)
    back, _ = builder.build(1, None)
    lines.extend(_carried(record, back))
    lines.append(f"{rismap.END_TAG}  - ")
    return lines


def write(library: Library, **options: Any) -> str:
    """Serialise a library as RIS; ``newline="\\r\\n"`` for the spec's CRLF."""
    newline = str(options.get("newline", "\n"))
    blocks = ["\n".join(write_record(record)) for record in library]
    text = "\n\n".join(blocks) + ("\n" if blocks else "")
    # No UTF-8 file holds a lone surrogate: U+FFFD stands for it, and the loss
    # report of ``citekit convert`` lists each field where that happened.
    text = _SURROGATE.sub("\ufffd", text)
    return text.replace("\n", newline) if newline != "\n" else text


__all__ = [
    "CARRY_JSON",
    "CARRY_TAG",
    "CARRY_TEXT",
    "plain",
    "read",
    "split_lines",
    "write",
    "write_record",
]
