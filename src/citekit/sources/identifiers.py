"""Identifiers as users write them: DOI, ISBN, arXiv, PubMed and PMC ids.

Every identifier is parsed, normalised and validated here, before any
request: a DOI typed as ``https://doi.org/10.1000/XYZ``, ``doi:10.1000/xyz``
or ``10.1000/xyz`` is one identifier, an ISBN with a wrong check digit is
refused with the digit it should have, and a bare number that could be a
PubMed id or an ISBN is refused rather than guessed.

The canonical spelling is a CURIE, as manubot writes them in documents
(``doi:10.1000/xyz``, ``isbn:9780262510875``, ``arxiv:2101.00001v2``,
``pmid:12345``, ``pmcid:PMC12345``): :attr:`Identifier.curie`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from citekit.errors import UsageError

Kind = Literal["doi", "isbn", "arxiv", "pmid", "pmcid"]

KINDS: tuple[Kind, ...] = ("doi", "isbn", "arxiv", "pmid", "pmcid")


class IdentifierError(UsageError, ValueError):
    """Text that is not a valid identifier; the message says what and why."""


@dataclass(frozen=True, slots=True)
class Identifier:
    """A validated identifier: its kind and normalised value.

    ``value`` is the DOI as written (DOIs are case-insensitive, so
    :attr:`key` lower-cases it for comparison and caching), the ISBN-13
    digits, the arXiv id without its version, the PubMed digits or
    ``PMC`` and digits.  ``version`` is an arXiv version number, when given.
    """

    kind: Kind
    value: str
    version: int | None = None

    @property
    def key(self) -> str:
        """The value compared and cached: DOIs lower-cased, arXiv with its version."""
        if self.kind == "doi":
            return self.value.lower()
        if self.kind == "arxiv" and self.version is not None:
            return f"{self.value}v{self.version}"
        return self.value

    @property
    def curie(self) -> str:
        """``kind:value`` as manubot and ``[@doi:...]`` citations write it."""
        value = self.value
        if self.kind == "arxiv" and self.version is not None:
            value = f"{value}v{self.version}"
        return f"{self.kind}:{value}"

    def __str__(self) -> str:
        return self.curie


# ---------------------------------------------------------------------------
# Each kind: prefixes people type, shape and check
# ---------------------------------------------------------------------------

_DOI_PREFIXES = re.compile(
    r"^(?:doi:\s*|info:doi/|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)", re.IGNORECASE
)
_DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")

_ISBN_PREFIX = re.compile(r"^isbn(?:-1[03])?\s*:?\s*", re.IGNORECASE)

_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE
)
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(?:v(\d+))?$")
_ARXIV_OLD = re.compile(r"^([a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$")

_PMID_PREFIX = re.compile(
    r"^(?:pmid\s*:?\s*|pubmed:\s*|https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|"
    r"www\.ncbi\.nlm\.nih\.gov/pubmed)/)",
    re.IGNORECASE,
)
_PMCID_PREFIX = re.compile(
    r"^(?:pmcid\s*:?\s*|pmc:\s*|https?://(?:www\.)?ncbi\.nlm\.nih\.gov/pmc/articles/|"
    r"https?://pmc\.ncbi\.nlm\.nih\.gov/articles/)",
    re.IGNORECASE,
)
_PMCID = re.compile(r"^PMC(\d{1,9})$", re.IGNORECASE)


def _parse_doi(text: str, original: str) -> Identifier:
    doi = text.strip()
    if "%" in doi:  # DOIs copied from a URL arrive percent-encoded
        doi = unquote(doi)
    if not _DOI.match(doi):
        raise IdentifierError(
            f"'{original}' is not a DOI: a DOI is '10.' and a registrant number of at least "
            "four digits, a slash and a suffix (10.1000/xyz)"
        )
    return Identifier("doi", doi)


def isbn_check_digit(core: str) -> str:
    """The check digit of an ISBN's first 9 (ISBN-10) or 12 (ISBN-13) digits."""
    if len(core) == 9:
        total = sum((10 - i) * int(d) for i, d in enumerate(core))
        digit = (11 - total % 11) % 11
        return "X" if digit == 10 else str(digit)
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core))
    return str((10 - total % 10) % 10)


def _parse_isbn(text: str, original: str) -> Identifier:
    compact = re.sub(r"[\s\-‐-―]", "", text).upper()
    if re.fullmatch(r"\d{9}[\dX]", compact):
        core = compact[:9]
    elif re.fullmatch(r"97[89]\d{10}", compact):
        core = compact[:12]
    else:
        raise IdentifierError(
            f"'{original}' is not an ISBN: an ISBN has 10 digits (the last may be X) or "
            "13 digits starting 978 or 979, with or without hyphens"
        )
    expected = isbn_check_digit(core)
    if compact[-1] != expected:
        raise IdentifierError(
            f"'{original}' is not a valid ISBN: its check digit is {compact[-1]}, "
            f"but the other digits give {expected} (a typing error?)"
        )
    if len(compact) == 10:
        core = "978" + core
        return Identifier("isbn", core + isbn_check_digit(core))
    return Identifier("isbn", compact)


def _parse_arxiv(text: str, original: str) -> Identifier:
    arxiv = text.strip().removesuffix(".pdf").rstrip("/")
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.match(arxiv)
        if match:
            version = int(match.group(2)) if match.group(2) else None
            if version == 0:
                break
            return Identifier("arxiv", match.group(1), version)
    raise IdentifierError(
        f"'{original}' is not an arXiv id: arXiv ids look like 2101.00001 (YYMM.NNNNN) or, "
        "before April 2007, hep-th/9603067, optionally with a version (v2)"
    )


def _parse_pmid(text: str, original: str) -> Identifier:
    digits = text.strip().rstrip("/")
    if not re.fullmatch(r"[1-9]\d{0,8}", digits):
        raise IdentifierError(
            f"'{original}' is not a PubMed id: a PMID is a number (1 to 9 digits, no leading zero)"
        )
    return Identifier("pmid", digits)


def _parse_pmcid(text: str, original: str) -> Identifier:
    value = text.strip().rstrip("/")
    if value.isdigit():
        value = "PMC" + value
    match = _PMCID.match(value)
    if not match or int(match.group(1)) == 0:
        raise IdentifierError(
            f"'{original}' is not a PubMed Central id: a PMCID is PMC and a number (PMC3159421)"
        )
    return Identifier("pmcid", f"PMC{int(match.group(1))}")


_PARSERS = {
    "doi": _parse_doi,
    "isbn": _parse_isbn,
    "arxiv": _parse_arxiv,
    "pmid": _parse_pmid,
    "pmcid": _parse_pmcid,
}


def _explicit(text: str) -> Identifier | None:
    """An identifier whose prefix or URL names its kind; None when none does."""
    for prefix, kind in (
        (_DOI_PREFIXES, "doi"),
        (_ARXIV_PREFIX, "arxiv"),
        (_PMCID_PREFIX, "pmcid"),
        (_PMID_PREFIX, "pmid"),
        (_ISBN_PREFIX, "isbn"),
    ):
        match = prefix.match(text)
        if match:
            return _PARSERS[kind](text[match.end() :], text)
    return None


def parse_identifier(text: str) -> Identifier:
    """The identifier in ``text``, written any of the ways users write it.

    Explicit forms (``doi:``, ``isbn:``/``ISBN``, ``arXiv:``, ``pmid:``,
    ``pmcid:``, and the doi.org, arxiv.org and PubMed URLs) are parsed as
    their kind; without a prefix, ``10.…/…`` is a DOI, ``PMC…`` a PMCID,
    ``2101.00001`` or ``hep-th/9603067`` an arXiv id and an ISBN-13 (or a
    hyphenated or checked ISBN-10) an ISBN.  A bare number that could be a
    PubMed id is refused: it must be written ``pmid:…``.  Raises
    :class:`IdentifierError` (a :class:`ValueError`) naming the text and why.
    """
    if not isinstance(text, str):
        raise IdentifierError(f"an identifier must be text, not {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise IdentifierError("an empty identifier")
    explicit = _explicit(stripped)
    if explicit is not None:
        return explicit
    if stripped.startswith("10."):
        return _parse_doi(stripped, text)
    if _PMCID.match(stripped):
        return _parse_pmcid(stripped, text)
    if _ARXIV_NEW.match(stripped) or _ARXIV_OLD.match(stripped):
        return _parse_arxiv(stripped, text)
    compact = re.sub(r"[\s\-]", "", stripped)
    if re.fullmatch(r"97[89]\d{10}", compact) or (
        re.fullmatch(r"\d{9}[\dXx]", compact) and ("-" in stripped or compact[-1] in "Xx")
    ):
        return _parse_isbn(stripped, text)
    if compact.isdigit():
        isbn = f" or isbn:{compact} for an ISBN" if len(compact) == 10 else ""
        raise IdentifierError(f"'{text}' is ambiguous: write pmid:{compact} for a PubMed id{isbn}")
    raise IdentifierError(
        f"'{text}' is not an identifier citekit knows: write doi:…, isbn:…, arxiv:…, "
        "pmid:… or pmcid:… (a DOI starts 10.)"
    )


__all__ = ["KINDS", "Identifier", "IdentifierError", "Kind", "isbn_check_digit", "parse_identifier"]
