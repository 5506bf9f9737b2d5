"""Loss reports: what an export could not carry, per entry and field.

A writer may not be able to hold everything a record has (RIS has no tag for
an event title, BibTeX no place for an id with a comma).  Rather than trust a
table of what each writer supports, the report is measured: the written text
is read back with the same format and every field of every record is
compared with what came back.  What is missing or different is a loss; so
the report lists exactly what does not read back, whatever the writer did.

Some differences are not losses of data and are not reported: whitespace
runs (two spaces read back as one), a number written as text
(``2`` and ``"2"``) and fields added on reading.  A line break is not
white space like any other: a note's ``variable: value`` lines are data, an
abstract's blank lines its paragraphs, so a run with one line break must
come back with one and a run with two or more with two or more.  RIS is plain text, so
the CSL rich-text markup is written as the text it marks (``<i>Title</i>``
as ``Title``): a field that lost only its markup is listed apart, as
``formatting``, and does not count as lost data.
BibTeX's bookkeeping in ``custom.biblatex`` (keys starting with ``@``, which
the BibTeX reader recomputes) is compared only for ``@type``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from citekit.base.text import strip_markup
from citekit.errors import Diagnostic, Severity
from citekit.formats import get_format, write_string
from citekit.model.records import Date, Library, Name, Record

#: The diagnostic code of one field an export could not carry.
NOT_WRITTEN = "not-written"

#: The INFO code of a field written without its rich-text markup.
MARKUP_DROPPED = "markup-dropped"
#: Code of a comment outside the entries that the output has no place for (info).
COMMENT_NOT_WRITTEN = "comment-not-written"

#: Display names of the formats, for messages.
FORMAT_NAMES = {
    "ris": "RIS",
    "csljson": "CSL-JSON",
    "cslyaml": "CSL-YAML",
    "biblatex": "BibLaTeX",
    "bibtex": "BibTeX",
    "endnote": "EndNote XML",
    "mods": "MODS",
}

_SPACE = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"\r\n?|\n")
#: ``custom`` keys that are a reader's private store of its own format.
_FORMAT_STORES = {"biblatex": "biblatex", "ris": "ris"}


@dataclass(frozen=True)
class Loss:
    """One field of one entry that did not come back as it was."""

    key: str
    field: str
    """``title``, ``custom.quotation``, ``custom.biblatex.foreword``; ``entry``
    for a whole entry, ``id`` and ``type`` for those."""
    reason: str
    formatting: bool = False
    """Only the rich-text markup (italics, case protection) was not carried."""
    remark: bool = False
    """A comment or loose text outside the entries: the user's, but no data."""

    def to_diagnostic(
        self, format_name: str, *, file: str | None = None, line: int | None = None
    ) -> Diagnostic:
        shown = FORMAT_NAMES.get(format_name, format_name)
        what = "the entry" if self.field == "entry" else "the field"
        if self.formatting:
            return Diagnostic(
                Severity.INFO,
                MARKUP_DROPPED,
                f"{self.reason} ({shown} is plain text)",
                file=file,
                line=line,
                key=self.key,
                field=self.field,
            )
        if not self.key:  # a block outside the entries: a @preamble, a comment
            return Diagnostic(
                Severity.INFO if self.remark else Severity.WARNING,
                COMMENT_NOT_WRITTEN if self.remark else NOT_WRITTEN,
                f"{self.field} could not be written in {shown}: {self.reason}",
                file=file,
                line=line,
            )
        return Diagnostic(
            Severity.WARNING,
            NOT_WRITTEN,
            f"{what} could not be written in {shown}: {self.reason}",
            file=file,
            line=line,
            key=self.key,
            field=None if self.field == "entry" else self.field,
        )


@dataclass
class LossReport:
    """Every loss of one export, in library order."""

    format: str
    losses: list[Loss] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lost)

    @property
    def lost(self) -> list[Loss]:
        """The losses of data (not of formatting only, nor of comments)."""
        return [loss for loss in self.losses if not (loss.formatting or loss.remark)]

    @property
    def format_title(self) -> str:
        """The output format as people call it: ``CSL-JSON``, ``RIS``."""
        return FORMAT_NAMES.get(self.format, self.format)

    @property
    def remarks(self) -> list[Loss]:
        """Comments and loose text outside the entries that the output has no place for."""
        return [loss for loss in self.losses if loss.remark]

    @property
    def formatting(self) -> list[Loss]:
        """Fields written as plain text without their markup."""
        return [loss for loss in self.losses if loss.formatting]

    @property
    def entries(self) -> list[str]:
        """The keys of the entries that lost data, each once."""
        return list(dict.fromkeys(loss.key for loss in self.lost if loss.key))

    @property
    def outside_entries(self) -> list[Loss]:
        """What the file held outside its entries and the output lost (``@preamble`` ...)."""
        return [loss for loss in self.lost if not loss.key]

    def summary(self) -> str:
        """One line for stderr: ``3 fields in 2 entries could not be written in RIS``."""
        fields = len(self.lost) - len(self.outside_entries)
        entries = len(self.entries)
        shown = FORMAT_NAMES.get(self.format, self.format)
        parts = []
        if fields or not self.outside_entries:
            parts.append(
                f"{fields} field{'' if fields == 1 else 's'} in {entries} "
                f"entr{'y' if entries == 1 else 'ies'}"
            )
        blocks = len(self.outside_entries)
        if blocks:
            parts.append(f"{blocks} block{'' if blocks == 1 else 's'} outside the entries")
        return f"{' and '.join(parts)} could not be written in {shown}"

    def diagnostics(
        self, *, file: str | None = None, lines: Mapping[str, int] | None = None
    ) -> list[Diagnostic]:
        """The losses as warnings, located in the input when ``lines`` knows the key."""
        return [
            loss.to_diagnostic(self.format, file=file, line=(lines or {}).get(loss.key))
            for loss in self.losses
        ]


def loss_report(
    library: Library, format_name: str, text: str | None = None, **options: Any
) -> LossReport:
    """What writing ``library`` as ``format_name`` loses, found by reading it back.

    ``text`` is the written output when the caller already has it (so the
    report is about exactly that text); otherwise the library is written
    with ``options``.
    """
    info = get_format(format_name)
    if text is None:
        if info.name == "biblatex":
            options.setdefault("diagnostics", [])
        text = write_string(library, info.name, **options)
    back = info.load().read(text).library
    return compare(library, back, info.name)


def compare(original: Library, back: Library, format_name: str) -> LossReport:
    """Every field of ``original`` that ``back`` does not hold as it was."""
    report = LossReport(format_name)
    for record, returned in _pairs(original, back):
        if returned is None:
            report.losses.append(Loss(record.key, "entry", "the entry is not in the output"))
            continue
        report.losses.extend(_record_losses(record, returned, format_name))
    report.losses.extend(_outside_entries(original, back))
    return report


#: What a .bib holds outside its entries that a reader keeps (``Library.extras``),
#: how a loss report names it, and whether losing it is only a remark (comments
#: are no data: converting to CSL-JSON still succeeds).  ``@string`` macros are
#: left out: their values are in the fields that use them.
_OUTSIDE_ENTRIES = (
    ("preambles", "@preamble", "LaTeX the entries may need (\\newcommand ...)", False),
    ("comments", "@comment", "a comment block", True),
    ("text", "text between entries", "a remark outside any entry", True),
)


def _outside_entries(original: Library, back: Library) -> list[Loss]:
    """The ``@preamble``, ``@comment`` and loose text the output did not keep.

    Not data of any entry, but the user's: CSL-JSON, RIS or YAML have no
    place for them, and converting a .bib to them used to drop them silently.
    A preamble's definitions are what the entries' commands print, so losing
    one is a loss; a comment is a remark, listed but no failure.
    """
    kept = original.extras.get("bibtex")
    if not isinstance(kept, dict):
        return []
    returned = back.extras.get("bibtex")
    came_back = returned if isinstance(returned, dict) else {}
    losses: list[Loss] = []
    for name, shown, what, remark in _OUTSIDE_ENTRIES:
        # blocks written next to each other may read back as one: look for the text
        returned_text = " ".join(" ".join(str(b).split()) for b in came_back.get(name) or ())
        for block in kept.get(name) or ():
            words = " ".join(str(block).split())
            if words and words not in returned_text:
                first = str(block).strip().splitlines()[0]
                losses.append(Loss("", shown, f"{what}: {_shown(first)}", remark=remark))
    return losses


def _pairs(original: Library, back: Library) -> Iterable[tuple[Record, Record | None]]:
    """Records with what came back for them: by position when every record came
    back (so a changed id is seen as such), by key otherwise."""
    if len(original) == len(back):
        yield from zip(original, back, strict=True)
        return
    for record in original:
        yield record, back.get(record.key)


#: Formats whose text carries no CSL rich-text markup.
_PLAIN_TEXT = {"ris", "mods"}


def _record_losses(record: Record, back: Record, format_name: str) -> list[Loss]:
    plain = format_name in _PLAIN_TEXT
    losses: list[Loss] = []
    if back.key != record.key:
        losses.append(Loss(record.key, "id", f"it reads back as {back.key!r}"))
    if back.type != record.type:
        losses.append(Loss(record.key, "type", f"'{record.type}' reads back as '{back.type}'"))
    for variable, value in record.fields.items():
        if variable == "custom":
            continue
        reason = _difference(value, back.fields.get(variable), plain)
        if reason is not None and _kept_as_title_case(back, variable, value):
            reason = None
        if reason is not None:
            losses.append(Loss(record.key, variable, reason))
        elif plain and _norm(value, False) != _norm(back.fields.get(variable), False):
            losses.append(
                Loss(record.key, variable, "written without its rich-text markup", formatting=True)
            )
    back_custom = back.fields.get("custom")
    returned_custom: Mapping[str, Any] = back_custom if isinstance(back_custom, dict) else {}
    custom = record.fields.get("custom")
    if isinstance(custom, dict):
        losses.extend(_custom_losses(record.key, custom, returned_custom, format_name, back.type))
    elif custom is not None and _norm(custom, plain) != _norm(back_custom, plain):
        losses.append(Loss(record.key, "custom", "a 'custom' that is not an object"))
    return losses


def _kept_as_title_case(back: Record, variable: str, value: Any) -> bool:
    """Whether the BibTeX reader stored this title in sentence case and kept the
    value as written in ``custom.biblatex["@titlecase"]`` (which the writer
    gives back): nothing is lost then."""
    store = back.custom.get("biblatex")
    originals = store.get("@titlecase") if isinstance(store, dict) else None
    return isinstance(originals, dict) and originals.get(variable) == value


def _custom_losses(
    key: str, custom: Mapping[str, Any], back: Mapping[str, Any], format_name: str, back_type: str
) -> list[Loss]:
    plain = format_name in _PLAIN_TEXT
    losses: list[Loss] = []
    for name, value in custom.items():
        returned = back.get(name)
        own_store = _FORMAT_STORES.get(format_name) == name
        if isinstance(value, dict) and (own_store or isinstance(returned, dict)):
            inner = returned if isinstance(returned, dict) else {}
            for sub, sub_value in value.items():
                if own_store and format_name == "biblatex" and sub.startswith("@"):
                    reason = _entry_type_loss(sub, sub_value, inner, back_type)
                else:
                    reason = _difference(sub_value, inner.get(sub), plain)
                if reason is not None:
                    losses.append(Loss(key, f"custom.{name}.{sub}", reason))
            continue
        reason = _difference(value, returned, plain)
        if reason is not None:
            losses.append(Loss(key, f"custom.{name}", reason))
    return losses


def _entry_type_loss(sub: str, value: Any, inner: Mapping[str, Any], back_type: str) -> str | None:
    """BibTeX bookkeeping is recomputed on reading; only the entry type is data.
    The type read back is ``@type`` when kept, else the one the CSL type gives."""
    if sub != "@type" or not isinstance(value, str):
        return None
    from citekit.formats.bibtex import fields as bibmap  # only when a BibTeX type is lost

    returned = inner.get("@type")
    if not isinstance(returned, str):
        returned = bibmap.CSL_TO_BIBLATEX.get(back_type, "misc")
    if bibmap.canonical_type(value)[0] == bibmap.canonical_type(returned)[0]:
        return None
    return f"the entry type {value!r} reads back as {returned!r}"


#: Normalised values that hold nothing: absent, empty text, list or mapping.
_NOTHING: tuple[Any, ...] = (None, "", (), ("list",), ("dict",))


def _difference(value: Any, returned: Any, plain: bool) -> str | None:
    """Why ``returned`` is not ``value`` (None when it is, for this comparison)."""
    wanted = _norm(value, plain)
    if wanted in _NOTHING:
        # An empty value says as much as none, unless something fills it on
        # reading back (a crossref parent's value, an alias such as organization).
        if returned is None or _norm(returned, plain) in _NOTHING:
            return None
        return f"an empty value reads back as {_shown(returned)}"
    if returned is None:
        return "not written"
    if _norm(returned, plain) != wanted:
        if (
            isinstance(wanted, str)
            and isinstance(returned, str)
            and _only_protected_more(wanted, _norm(returned, plain))
        ):
            return None
        return f"reads back as {_shown(returned)}"
    return None


_SPAN_TAG = re.compile(r"<span\b[^<>]*>|</span>", re.IGNORECASE)
_NOCASE_TAG = re.compile(r'<span\s+class="nocase"\s*>', re.IGNORECASE)


def _case_protection(value: str) -> tuple[str, frozenset[int]]:
    """The text without its nocase spans, and the positions they protect."""
    text: list[str] = []
    length = 0
    protected: set[int] = set()
    stack: list[bool] = []  # one per open span: is it a nocase span?
    position = 0
    for tag in _SPAN_TAG.finditer(value):
        chunk = value[position : tag.start()]
        if any(stack):
            protected.update(range(length, length + len(chunk)))
        text.append(chunk)
        length += len(chunk)
        position = tag.end()
        if tag.group(0).lower() == "</span>":
            if stack and not stack.pop():
                text.append(tag.group(0))  # closes a span that is not a nocase one
                length += len(tag.group(0))
        elif _NOCASE_TAG.fullmatch(tag.group(0)):
            stack.append(True)
        else:
            stack.append(False)
            text.append(tag.group(0))
            length += len(tag.group(0))
    chunk = value[position:]
    if any(stack):
        protected.update(range(length, length + len(chunk)))
    text.append(chunk)
    return "".join(text), frozenset(protected)


def _only_protected_more(original: str, returned: str) -> bool:
    """Whether ``returned`` is ``original`` with more of its text case-protected.

    A BibTeX writer braces the capitals of a sentence-case title so that
    styles keep them (``{NATO}``), and they read back as nocase spans: the
    text and every protection it had are still there, so nothing is lost.
    """
    text, protected = _case_protection(original)
    text_back, protected_back = _case_protection(returned)
    return text == text_back and protected <= protected_back


def _shown(value: Any) -> str:
    if isinstance(value, Date):
        text = str(value)
    elif isinstance(value, list) and value and isinstance(value[0], Name):
        text = "; ".join(n.display() for n in value)
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _norm(value: Any, plain: bool) -> Any:
    """A value reduced to what a reader must give back (see the module doc)."""
    if isinstance(value, str):
        text = strip_markup(value) if plain else value
        return _SPACE.sub(_space_norm, text).strip()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Name):
        return _norm(value.to_json(), plain)
    if isinstance(value, Date):
        return _date_norm(value, plain)
    if isinstance(value, (list, tuple)):
        return ("list", *(_norm(v, plain) for v in value))
    if isinstance(value, dict):
        return (
            "dict",
            *sorted(
                (_key_norm(k), _norm(v, plain))
                for k, v in value.items()
                if _norm(v, plain) not in (None, "") or not isinstance(k, str)
            ),
        )
    return repr(value)


def _space_norm(run: re.Match[str]) -> str:
    """A run of white space as what it says: a space, a line break or a paragraph break."""
    breaks = len(_LINE_BREAK.findall(run.group(0)))
    return " " if breaks == 0 else "\n" if breaks == 1 else "\n\n"


def _key_norm(key: Any) -> str:
    """A mapping key as text; one that is not text (CSL-YAML's ``1:`` or ``?``)
    keeps its type, since JSON and the text formats give it back as a string
    (and its entry counts even with an empty value: ``{null: null}`` is written
    ``{"null": null}``)."""
    return key if isinstance(key, str) else f"<{type(key).__name__}> {key!r}"


def _date_norm(date: Date, plain: bool) -> Any:
    resolved = date.resolved
    season = None if resolved.season is None else str(resolved.season)
    literal = _norm(resolved.literal, plain) if resolved.literal is not None else None
    raw = None if resolved.parts else _norm(resolved.raw, plain)
    extra = tuple(sorted((k, repr(v)) for k, v in resolved.extra))
    return ("date", resolved.parts, season, resolved.circa, literal, raw, extra)


__all__ = [
    "FORMAT_NAMES",
    "MARKUP_DROPPED",
    "NOT_WRITTEN",
    "Loss",
    "LossReport",
    "compare",
    "loss_report",
]
