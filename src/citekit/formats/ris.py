"""RIS reader and writer, driven by the two-way table in :mod:`citekit.formats.rismap`.

RIS is line based: ``TY  - JOUR`` opens a record, ``ER  -`` closes it, and
every line between is ``XX  - value``.  Readers in the wild are lenient, and
so is this one: lines that are not tags continue the previous value (long
abstracts wrap), a missing ``ER`` before the next ``TY`` closes the record
with a warning, and a tag the table does not know is kept in
``custom["ris"]`` (with an INFO ``unmapped-fields`` diagnostic) so that the
writer can put it back.  A value repeated where the model holds one (a second
``TI``) is kept the same way rather than dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from citekit.errors import Diagnostic, Severity
from citekit.formats import ReadResult, rismap
from citekit.model import Date, Library, Name, Record

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_DATE = re.compile(r"^\s*(\d{1,4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?(?:/.*)?)?)?\s*$")
_PARTICLE = re.compile(r"^((?:[a-z][\w']*\s+)+)(\S.*)$")
_ISSN = re.compile(r"^\s*\d{4}-?\d{3}[\dXx]\s*$")
_PAGE_RANGE = re.compile(r"^\s*([^-–—\s]+)\s*(?:-{1,2}|–|—)\s*([^-–—\s]+)\s*$")


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
    suffix = ", ".join(parts[2:]) or None
    return Name(family=family, given=given, non_dropping_particle=particle, suffix=suffix)


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
    """Collects one record's tags, then turns them into a :class:`Record`."""

    def __init__(self, ris_type: str, line: int) -> None:
        self.ris_type = ris_type
        self.line = line
        self.tags: list[tuple[str, str, int]] = []

    def add(self, tag: str, value: str, line: int) -> None:
        self.tags.append((tag, value, line))

    def append_continuation(self, text: str) -> None:
        tag, value, line = self.tags[-1]
        self.tags[-1] = (tag, f"{value}\n{text}" if value else text, line)

    def build(self, index: int, filename: str | None) -> tuple[Record, list[Diagnostic]]:
        diagnostics: list[Diagnostic] = []
        csl = rismap.csl_type(self.ris_type)
        unmapped: dict[str, list[str]] = {}
        if csl is None:
            csl = rismap.FALLBACK_CSL_TYPE
            unmapped.setdefault(rismap.TYPE_TAG, []).append(self.ris_type)
        key = next((v.strip() for t, v, _ in self.tags if t == rismap.ID_TAG and v.strip()),
                   f"ris-{index}")
        record = Record(key, csl)
        year: Date | None = None
        full_date: Date | None = None
        page_first = page_last = None
        keywords: list[str] = []
        ids_seen = False
        for tag, value, _line in self.tags:
            if tag == rismap.ID_TAG and not ids_seen and value.strip() == key:
                ids_seen = True
                continue
            rule = rismap.read_rule(tag, csl)
            value = value.strip()
            if rule is None or not value:
                if value or rule is None:
                    unmapped.setdefault(tag, []).append(value)
                continue
            if rule.kind == "name":
                names = record.names(rule.variable)
                record[rule.variable] = [*names, _parse_name(value)]
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
        issued = _choose_date(year, full_date, unmapped)
        if issued is not None:
            record["issued"] = issued
        if page_first is not None or page_last is not None:
            record["page"] = "-".join(p for p in (page_first, page_last) if p)
        if keywords:
            record["keyword"] = ", ".join(keywords)
        if unmapped:
            record.custom[rismap.CUSTOM_KEY] = unmapped
            diagnostics.append(Diagnostic(
                Severity.INFO, "unmapped-fields",
                f"RIS tags without a CSL variable kept in custom.{rismap.CUSTOM_KEY}: "
                + ", ".join(sorted(unmapped)),
                file=filename, line=self.line, key=key,
            ))
        return record, diagnostics


def _choose_date(year: Date | None, full: Date | None,
                 unmapped: dict[str, list[str]]) -> Date | None:
    """PY carries the year, DA the full date; keep the fuller one when they agree."""
    if full is None:
        return year
    if year is None or year.year is None or full.year == year.year:
        return full
    unmapped.setdefault("DA", []).append(full.to_edtf() or str(full))
    return year


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
            diagnostics.append(Diagnostic(
                Severity.WARNING, "duplicate-key",
                f"a second record with ID '{original}' was renamed '{record.id}'",
                file=filename, line=builder.line, key=original,
            ))
        library.add(record)
        lines[record.key] = builder.line

    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip("\r\n").lstrip("\ufeff")
        match = _TAG_LINE.match(line.rstrip()) or _TAG_LINE.match(line)
        if match is None:
            if not line.strip():
                continue
            if current is not None and current.tags:
                current.append_continuation(line.strip())
            else:
                diagnostics.append(Diagnostic(
                    Severity.WARNING, "stray-text",
                    f"text outside a RIS record ignored: {line.strip()[:60]!r}",
                    file=filename, line=number,
                ))
            continue
        tag, value = match.group(1), (match.group(2) or "")
        if tag == rismap.TYPE_TAG:
            if current is not None:
                diagnostics.append(Diagnostic(
                    Severity.WARNING, "missing-end",
                    "record not closed by 'ER  -' before the next 'TY  -'",
                    file=filename, line=current.line,
                ))
                finish(current)
            current = _RecordBuilder(value.strip(), number)
        elif tag == rismap.END_TAG:
            if current is None:
                diagnostics.append(Diagnostic(
                    Severity.WARNING, "stray-end", "'ER  -' without a record",
                    file=filename, line=number,
                ))
            else:
                finish(current)
                current = None
        elif current is None:
            diagnostics.append(Diagnostic(
                Severity.WARNING, "stray-text",
                f"tag {tag} outside a record (no 'TY  -' before it) ignored",
                file=filename, line=number,
            ))
        else:
            current.add(tag, value, number)
    if current is not None:
        diagnostics.append(Diagnostic(
            Severity.WARNING, "missing-end", "last record not closed by 'ER  -'",
            file=filename, line=current.line,
        ))
        finish(current)
    return ReadResult(library, diagnostics, lines)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _format_name(name: Name) -> str:
    if name.literal is not None:
        return name.literal
    family = name.family_with_particle
    given = name.given_with_particle
    parts = [family, given] if given or name.suffix else [family + ","]
    if name.suffix:
        parts.append(name.suffix)
    return ", ".join(parts)


def _format_date(date: Date, kind: str) -> str | None:
    start = date.start
    if not start:
        return date.literal or date.raw if kind == "year" else None
    if kind == "year":
        return f"{start[0]:04d}"
    if len(start) == 1:
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
    if kind in ("page-first", "page-last"):
        text = str(value)
        match = _PAGE_RANGE.match(text)
        if match:
            return [match.group(1) if kind == "page-first" else match.group(2)]
        return [text] if kind == "page-first" else []
    if kind == "keyword":
        return [k.strip() for k in str(value).split(",") if k.strip()]
    return [str(value)]


def _line(tag: str, value: str) -> str:
    """A tag line; a value with line breaks continues on untagged lines (a
    line that would read as a tag is indented, which the reader strips)."""
    lines = [part.strip() for part in value.replace("\r\n", "\n").replace("\r", "\n")
             .split("\n")]
    text = "\n".join(" " + part if _TAG_LINE.match(part) else part
                      for part in lines[1:] if part)
    return f"{tag}  - {lines[0]}" + (f"\n{text}" if text else "")


@cache
def _write_plan(csl_type: str) -> tuple[rismap.TagRule, ...]:
    """The rows written for a CSL type, in table order (computed once per type)."""
    plan: list[rismap.TagRule] = []
    for rule in rismap.TAG_TABLE:
        if rule.write and rule not in plan and rule in rismap.write_rules(rule.variable,
                                                                          csl_type):
            plan.append(rule)
    return tuple(plan)


def write_record(record: Record) -> list[str]:
    """One record as RIS lines, ``TY`` first and ``ER`` last."""
    lines = [_line(rismap.TYPE_TAG, rismap.ris_type(record.type))]
    stored = record.custom.get(rismap.CUSTOM_KEY)
    kept: dict[str, Any] = stored if isinstance(stored, dict) else {}
    original_type = kept.get(rismap.TYPE_TAG)
    if record.type == rismap.FALLBACK_CSL_TYPE and isinstance(original_type, list) \
            and original_type:
        # a TY the table lacks was read as the fallback type: write it back as it came
        lines = [_line(rismap.TYPE_TAG, str(original_type[0]))]
    lines.append(_line(rismap.ID_TAG, record.key))
    for rule in _write_plan(record.type):
        if rule.variable in record.fields:
            lines.extend(_line(rule.tag, v) for v in _values(record, rule.variable, rule.kind))
    for tag, values in kept.items():
        if tag == rismap.TYPE_TAG:
            continue
        for value in values if isinstance(values, list) else [values]:
            lines.append(_line(str(tag), str(value)))
    lines.append(f"{rismap.END_TAG}  - ")
    return lines


def write(library: Library, **options: Any) -> str:
    """Serialise a library as RIS; ``newline="\\r\\n"`` for the spec's CRLF."""
    newline = str(options.get("newline", "\n"))
    blocks = ["\n".join(write_record(record)) for record in library]
    text = "\n\n".join(blocks) + ("\n" if blocks else "")
    return text.replace("\n", newline) if newline != "\n" else text


__all__ = ["read", "write", "write_record"]
