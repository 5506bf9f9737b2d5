"""Validation of a library: small rules, each finding one kind of problem.

A rule is a function ``rule(record) -> Iterable[Diagnostic]``; :func:`check`
runs a list of them over every record and adds file and line.  Keeping rules
this small lets other modules contribute their own (quotation records, house
rules) by passing ``rules=[*DEFAULT_RULES, my_rule]``.

Severities follow one principle: an *error* is something no style can do
without (an item with no title, a date that cannot exist, a range that ends
before it starts); a *warning* is something a style will likely need or a
value that is probably wrong (a missing publisher, a bad ISBN check digit);
*info* is advice.  Codes are stable; tests and ``--format json`` rely on them.

Recommended fields per type (missing ones are warnings)::

    article-journal        author|editor, container-title, issued
    article-magazine       container-title, issued
    article-newspaper      container-title, issued
    book                   author|editor, issued, publisher
    chapter                author|editor, container-title, issued, publisher
    paper-conference       author|editor, container-title|event-title, issued
    entry-dictionary       container-title
    entry-encyclopedia     container-title
    thesis                 author, issued, publisher
    report                 author|editor|publisher, issued
    dataset, software      author|editor|publisher, issued
    webpage, post,
      post-weblog          URL, issued|accessed
    patent                 author, number, issued
    legal_case             authority|container-title, issued
    legislation, bill      issued

Every type but ``personal_communication`` and ``interview`` needs a title
(an error when missing; a warning for those two, which are often untitled).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from citekit.base.files import EncodingError
from citekit.base.suggestions import closest_matches
from citekit.errors import Diagnostic, Severity
from citekit.model.records import (
    DATE_VARIABLES,
    ITEM_TYPES,
    NAME_VARIABLES,
    NUMBER_VARIABLES,
    OTHER_VARIABLES,
    STRING_VARIABLES,
    Date,
    Record,
    variable_kind,
)
from citekit.ops.entrysets import entry_set_members
from citekit.ops.inputs import load_library
from citekit.ops.query import value_texts

Rule = Callable[[Record], Iterable[Diagnostic]]


def _problem(
    record: Record, severity: Severity, code: str, message: str, field: str | None = None
) -> Diagnostic:
    return Diagnostic(severity, code, message, key=record.key, field=field)


def _a(item_type: str) -> str:
    """'a book', 'an article-journal', 'an item' (for an empty type)."""
    if not item_type:
        return "an item"
    return f"{'an' if item_type[0] in 'aeiou' else 'a'} {item_type}"


def _has(record: Record, variable: str) -> bool:
    value = record.get(variable)
    if value is None:
        return False
    if isinstance(value, (str, list, dict)):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


# ---------------------------------------------------------------------------
# Required and recommended fields
# ---------------------------------------------------------------------------

#: For each type, groups of alternatives: each group needs one of its variables.
RECOMMENDED_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "article-journal": (("author", "editor"), ("container-title",), ("issued",)),
    "article-magazine": (("container-title",), ("issued",)),
    "article-newspaper": (("container-title",), ("issued",)),
    "book": (("author", "editor"), ("issued",), ("publisher",)),
    "chapter": (("author", "editor"), ("container-title",), ("issued",), ("publisher",)),
    "paper-conference": (("author", "editor"), ("container-title", "event-title"), ("issued",)),
    "entry-dictionary": (("container-title",),),
    "entry-encyclopedia": (("container-title",),),
    "thesis": (("author",), ("issued",), ("publisher",)),
    "report": (("author", "editor", "publisher"), ("issued",)),
    "dataset": (("author", "editor", "publisher"), ("issued",)),
    "software": (("author", "editor", "publisher"), ("issued",)),
    "webpage": (("URL",), ("issued", "accessed")),
    "post": (("URL",), ("issued", "accessed")),
    "post-weblog": (("URL",), ("issued", "accessed")),
    "patent": (("author",), ("number",), ("issued",)),
    "legal_case": (("authority", "container-title"), ("issued",)),
    "legislation": (("issued",),),
    "bill": (("issued",),),
}

#: Types that are commonly untitled: a missing title is only a warning.
UNTITLED_TYPES: frozenset[str] = frozenset({"personal_communication", "interview"})


def rule_title(record: Record) -> Iterable[Diagnostic]:
    """No style can identify a work without a title (except letters, interviews)."""
    if _has(record, "title"):
        return
    if "quotation" in record.custom:
        return  # a quoted statement is cited by speaker and date; it has no title
    if entry_set_members(record) is not None:
        return  # a biblatex set is cited as its members, which carry the titles
    if record.type in UNTITLED_TYPES:
        yield _problem(record, Severity.WARNING, "missing-title", "no title", "title")
    else:
        yield _problem(
            record, Severity.ERROR, "missing-title", f"{_a(record.type)} needs a title", "title"
        )


def rule_recommended_fields(record: Record) -> Iterable[Diagnostic]:
    """Fields the common styles print for this type (see the module table)."""
    for group in RECOMMENDED_FIELDS.get(record.type, ()):
        if not any(_has(record, variable) for variable in group):
            wanted = " or ".join(group)
            yield _problem(
                record,
                Severity.WARNING,
                "missing-field",
                f"{_a(record.type)} should have {wanted}",
                group[0],
            )


# ---------------------------------------------------------------------------
# biblatex sets
# ---------------------------------------------------------------------------


def set_problems(records: Sequence[Record]) -> Iterable[Diagnostic]:
    """Sets that cannot be cited as their members: none named, or named ones missing.

    An error, because citing such a set prints nothing of the missing
    works.  A member that is itself a set is a warning: biblatex does not
    nest sets, and citekit cites the inner set's own record for it.
    """
    keys = {record.key: record for record in records}
    for record in records:
        members = entry_set_members(record)
        if members is None:
            continue
        if not members:
            yield _problem(
                record,
                Severity.ERROR,
                "empty-set",
                "a set needs its members' keys in 'entryset'",
                "entryset",
            )
        for member in members:
            found = keys.get(member)
            if found is None:
                yield _problem(
                    record,
                    Severity.ERROR,
                    "missing-set-member",
                    f"set member '{member}' is not in this library{_suggest(member, sorted(keys))}",
                    "entryset",
                )
            elif entry_set_members(found) is not None:
                yield _problem(
                    record,
                    Severity.WARNING,
                    "nested-set",
                    f"set member '{member}' is itself a set; biblatex does not nest sets",
                    "entryset",
                )


# ---------------------------------------------------------------------------
# Types and variables
# ---------------------------------------------------------------------------

_KNOWN_VARIABLES = sorted(
    NAME_VARIABLES | DATE_VARIABLES | NUMBER_VARIABLES | STRING_VARIABLES | OTHER_VARIABLES
)


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = closest_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def rule_type(record: Record) -> Iterable[Diagnostic]:
    """Styles choose layouts by type; an unknown one falls back to generic output."""
    if not record.type.strip():
        yield _problem(
            record,
            Severity.WARNING,
            "unknown-type",
            "the item type is empty; styles treat it as a generic document",
        )
    elif record.type not in ITEM_TYPES:
        yield _problem(
            record,
            Severity.WARNING,
            "unknown-type",
            f"'{record.type}' is not a CSL item type{_suggest(record.type, ITEM_TYPES)}",
        )


def rule_variables(record: Record) -> Iterable[Diagnostic]:
    """Variables outside the CSL table are ignored by every style; keep them in custom."""
    for variable in record.fields:
        if variable_kind(variable) == "unknown":
            yield _problem(
                record,
                Severity.WARNING,
                "unknown-variable",
                f"'{variable}' is not a CSL variable; styles ignore it"
                f"{_suggest(variable, _KNOWN_VARIABLES)} "
                "(store extra data under 'custom')",
                variable,
            )


def rule_value_types(record: Record) -> Iterable[Diagnostic]:
    """Text variables must be text and numbers text or numbers, or styles misprint them."""
    for variable, value in record.fields.items():
        kind = variable_kind(variable)
        if kind == "string" and not isinstance(value, str):
            yield _problem(
                record,
                Severity.WARNING,
                "bad-value",
                f"'{variable}' should be text, not {type(value).__name__}",
                variable,
            )
        elif kind == "number" and (
            isinstance(value, bool) or not isinstance(value, (str, int, float))
        ):
            yield _problem(
                record,
                Severity.WARNING,
                "bad-value",
                f"'{variable}' should be a number or text, not {type(value).__name__}",
                variable,
            )
        elif variable == "custom" and not isinstance(value, dict):
            yield _problem(
                record,
                Severity.WARNING,
                "bad-value",
                f"'custom' should be an object, not {type(value).__name__}",
                variable,
            )
        elif kind == "name":
            for index, name in enumerate(record.names(variable), start=1):
                if not (name.family or name.literal or name.given):
                    yield _problem(
                        record,
                        Severity.WARNING,
                        "empty-name",
                        f"name {index} of '{variable}' is empty",
                        variable,
                    )


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_SEASON_MONTHS = range(13, 17)  # citeproc-js reads months 13-16 as seasons
_EDTF_SEASONS = range(21, 25)


def _is_leap(year: int) -> bool:
    """The Gregorian rule, as ``calendar.isleap`` (a module every command would import)."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _point_problem(point: tuple[int, ...]) -> str | None:
    if len(point) > 3:
        return f"a date has at most year, month and day, not {list(point)}"
    if len(point) >= 2:
        month = point[1]
        if month in _SEASON_MONTHS or month in _EDTF_SEASONS:
            return None if len(point) == 2 else f"a season has no day: {list(point)}"
        if not 1 <= month <= 12:
            return f"month {month} does not exist"
    if len(point) == 3:
        day, limit = point[2], _days_in_month(point[0], point[1])
        if not 1 <= day <= limit:
            return f"day {day} does not exist in {point[0]}-{point[1]:02d}"
    return None


def _date_problems(date: Date) -> Iterable[tuple[Severity, str, str]]:
    if date.literal is not None and not date.parts:
        return
    resolved = date.resolved
    if not resolved.parts:
        if date.raw is not None:
            yield (
                Severity.WARNING,
                "unparseable-date",
                f"cannot read the date '{date.raw}' (use EDTF like 2017-05-14, "
                "1993/2008, or a literal)",
            )
        return
    if len(resolved.parts) > 2:
        yield Severity.ERROR, "bad-date", "a date has one point or a two-point range"
        return
    for point in resolved.parts:
        message = _point_problem(point)
        if message:
            yield Severity.ERROR, "impossible-date", message
            return
    if len(resolved.parts) == 2:
        start, end = _comparable(resolved.parts[0]), _comparable(resolved.parts[1])
        common = min(len(start), len(end))
        if start and end and start[:common] > end[:common]:
            yield (
                Severity.ERROR,
                "date-range-reversed",
                f"the range ends ({_show(end)}) before it starts ({_show(start)})",
            )


def _comparable(point: tuple[int, ...]) -> tuple[int, ...]:
    """The point cut before a season "month", which does not order against real months."""
    if len(point) >= 2 and not 1 <= point[1] <= 12:
        return point[:1]
    return point


def _show(point: tuple[int, ...]) -> str:
    return "-".join(str(p) if i == 0 else f"{p:02d}" for i, p in enumerate(point))


def rule_dates(record: Record) -> Iterable[Diagnostic]:
    """Dates a style cannot print: unreadable raw text, impossible days, reversed ranges."""
    for variable in DATE_VARIABLES:
        date = record.date(variable)
        if date is None:
            continue
        for severity, code, message in _date_problems(date):
            yield _problem(record, severity, code, f"{variable}: {message}", variable)


# ---------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------

_ISBN_LABEL = re.compile(r"(?i)\bISBN(?:-1[03])?:?")
_PARENTHESISED = re.compile(r"\([^)]*\)")


def isbn_is_valid(isbn: str) -> bool:
    """Check an ISBN-10 or ISBN-13 (hyphens and spaces allowed) by its check digit."""
    digits = re.sub(r"[\s-]", "", isbn).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", digits):
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def issn_is_valid(issn: str) -> bool:
    """Check an ISSN (``1234-567X``) by its check digit."""
    digits = issn.replace("-", "").upper()
    if not re.fullmatch(r"\d{7}[\dX]", digits):
        return False
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def split_isbns(value: str) -> list[str]:
    """The ISBNs in a field that may list several (``978-... (pbk.); 0-...``)."""
    cleaned = _PARENTHESISED.sub(" ", _ISBN_LABEL.sub(" ", value))
    found: list[str] = []
    for part in re.split(r"[,;/]", cleaned):
        part = part.strip()
        if not part:
            continue
        compact = re.sub(r"[\s-]", "", part)
        tokens = part.split()
        if len(compact) in (10, 13) or len(tokens) == 1:
            found.append(part)
        else:
            found.extend(tokens)
    return found


_ISSN_SHAPE = re.compile(r"^\d{4}-?\d{3}[\dXx]$")


def split_issns(value: str) -> list[str]:
    """The ISSNs in a field that may list several (``1532-0626 (print), 1532-0634``)."""
    cleaned = _PARENTHESISED.sub(" ", re.sub(r"(?i)\bISSN:?", " ", value))
    found: list[str] = []
    for part in re.split(r"[,;]", cleaned):
        tokens = part.split()
        if tokens and all(_ISSN_SHAPE.match(token) for token in tokens):
            found.extend(tokens)
        elif tokens:
            found.append(" ".join(tokens))
    return found


def rule_isbn(record: Record) -> Iterable[Diagnostic]:
    """A mistyped ISBN sends readers to another book."""
    value = record.get("ISBN")
    if not isinstance(value, str):
        return
    for isbn in split_isbns(value):
        if not isbn_is_valid(isbn):
            yield _problem(
                record,
                Severity.WARNING,
                "bad-isbn",
                f"'{isbn}' is not a valid ISBN-10 or ISBN-13 (check digit or length)",
                "ISBN",
            )


def rule_issn(record: Record) -> Iterable[Diagnostic]:
    """A mistyped ISSN points at another journal."""
    value = record.get("ISSN")
    if not isinstance(value, str):
        return
    for issn in split_issns(value):
        if not issn_is_valid(issn):
            yield _problem(
                record,
                Severity.WARNING,
                "bad-issn",
                f"'{issn}' is not a valid ISSN (NNNN-NNNC)",
                "ISSN",
            )


_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"(?i)^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)")


def rule_doi(record: Record) -> Iterable[Diagnostic]:
    """Styles add the https://doi.org/ prefix themselves, so the field holds the bare DOI."""
    value = record.get("DOI")
    if not isinstance(value, str):
        return
    doi = value.strip()
    prefix = _DOI_PREFIX.match(doi)
    if prefix:
        doi = doi[prefix.end() :]
        yield _problem(
            record,
            Severity.WARNING,
            "doi-url",
            f"DOI field holds '{value}'; store the bare DOI '{doi}' (styles add the link)",
            "DOI",
        )
    if not _DOI.match(doi):
        yield _problem(
            record, Severity.WARNING, "bad-doi", f"'{doi}' is not a DOI (10.NNNN/suffix)", "DOI"
        )


# ---------------------------------------------------------------------------
# Characters no printed citation can carry
# ---------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _describe_control(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if 0x80 <= ord(char) <= 0x9F:
        try:
            meant = bytes([ord(char)]).decode("cp1252")
        except UnicodeDecodeError:
            return f"control character {code}"
        return (
            f"control character {code} (Windows-1252 text read as Latin-1? it stands for '{meant}')"
        )
    return f"control character {code}"


def rule_control_characters(record: Record) -> Iterable[Diagnostic]:
    """Invisible control characters print as nothing or as boxes, and break title case."""
    for variable in record.fields:
        if variable == "custom":
            continue
        for text in value_texts(record.get(variable)):
            found = _CONTROL.search(text)
            if found is not None:
                yield _problem(
                    record,
                    Severity.WARNING,
                    "control-character",
                    f"{variable} has a {_describe_control(found.group())}",
                    variable,
                )
                break


# ---------------------------------------------------------------------------
# Running the rules
# ---------------------------------------------------------------------------

DEFAULT_RULES: tuple[Rule, ...] = (
    rule_type,
    rule_title,
    rule_recommended_fields,
    rule_variables,
    rule_value_types,
    rule_dates,
    rule_isbn,
    rule_issn,
    rule_doi,
    rule_control_characters,
)


def check(
    library: Iterable[Record],
    *,
    diagnostics: Iterable[Diagnostic] = (),
    filename: str | None = None,
    lines: Mapping[str, int] | None = None,
    rules: Sequence[Rule] = DEFAULT_RULES,
) -> list[Diagnostic]:
    """Run ``rules`` over every record, after the reader's own ``diagnostics``.

    Reader diagnostics (duplicate keys, malformed entries) come first and
    unchanged.  Rule diagnostics get ``filename`` and, when ``lines`` maps
    the record's key, the line its entry starts on.  Rules see one record
    at a time; the checks that need the whole library (a ``@set`` whose
    members are missing, :func:`set_problems`) run after them.
    """
    found: list[Diagnostic] = list(diagnostics)
    records = list(library)
    for record in records:
        line = lines.get(record.key) if lines else None
        for rule in rules:
            found.extend(
                _located(diagnostic, record.key, filename, line) for diagnostic in rule(record)
            )
    for diagnostic in set_problems(records):
        key = diagnostic.key or ""
        found.append(_located(diagnostic, key, filename, lines.get(key) if lines else None))
    return found


def _located(
    diagnostic: Diagnostic, key: str, filename: str | None, line: int | None
) -> Diagnostic:
    """``diagnostic`` with the file, line and key it lacks filled in."""
    extra: dict[str, Any] = {}
    if diagnostic.file is None and filename is not None:
        extra["file"] = filename
    if diagnostic.line is None and line is not None:
        extra["line"] = line
    if diagnostic.key is None:
        extra["key"] = key
    return replace(diagnostic, **extra) if extra else diagnostic


def severity_counts(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    """How many diagnostics of each severity (``{"error": n, "warning": n, "info": n}``).

    What ``citekit check --format json`` reports as ``counts``; every severity
    is present, at 0 when none was found.

    >>> from citekit import Library, Record, check
    >>> severity_counts(check(Library([Record("a", "book", title="T", issued="2001")])))
    {'error': 0, 'warning': 2, 'info': 0}
    """
    tally = {severity.value: 0 for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
    for diagnostic in diagnostics:
        tally[diagnostic.severity.value] += 1
    return tally


def check_file(
    path: str, format: str | None = None, encoding: str | None = None
) -> list[Diagnostic]:
    """Read one bibliography file and run every check over it, as ``citekit check`` does.

    The reading problems come first, then :func:`check`'s, then the
    quotation records' (:func:`citekit.check_quotations`), all naming the
    file and line.  A file that does not decode is reported like any other
    problem (its located decoding errors), so a caller checking many files
    goes on with the next; a file that cannot be read at all raises
    :class:`citekit.InputError`.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "refs.json")
    >>> with open(path, "w", encoding="utf-8") as handle:
    ...     _ = handle.write('[{"id": "a", "type": "book"}]')
    >>> sorted({d.code for d in check_file(path)})
    ['missing-field', 'missing-title']
    """
    # the quotation checks are loaded here: render() imports this module for
    # entry_set_members and must not pay for them on every citation
    from citekit.ops.quotations import check_quotations

    try:
        source = load_library(path, format, encoding)
    except EncodingError as exc:
        return list(exc.diagnostics)
    lines = source.result.lines
    return [
        *check(source.library, diagnostics=source.diagnostics, filename=source.name, lines=lines),
        *check_quotations(source.library, file=source.name, lines=lines),
    ]


#: The former name of :func:`severity_counts`, kept for existing callers.
counts = severity_counts


__all__ = [
    "DEFAULT_RULES",
    "RECOMMENDED_FIELDS",
    "UNTITLED_TYPES",
    "Rule",
    "check",
    "check_file",
    "counts",
    "entry_set_members",
    "isbn_is_valid",
    "issn_is_valid",
    "rule_dates",
    "rule_doi",
    "rule_isbn",
    "rule_issn",
    "rule_recommended_fields",
    "rule_title",
    "rule_type",
    "rule_value_types",
    "rule_variables",
    "set_problems",
    "severity_counts",
    "split_isbns",
    "split_issns",
]
