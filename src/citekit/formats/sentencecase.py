"""Titles from BibTeX in title case, stored as CSL expects them: in sentence case.

CSL styles only ever *raise* the case of a title (``text-case="title"`` for
Chicago or MLA); a sentence-case style such as APA or IEEE prints the title
as stored.  So CSL-JSON stores titles in sentence case, while BibTeX files
hold them in title case, with braces around what must keep its capitals.
Importing a ``.bib`` file without converting leaves "Trump Should Meet With
Kim Jong-un" in every APA bibliography.

pandoc's BibLaTeX reader lowercases every capitalised word of an English
title.  That also damages titles already typed in sentence case, whose
proper nouns carry no braces ("The Khan academy" becomes "The khan
academy").  citekit converts only a title that *is* in title case: every
word that starts in lower case is a minor word (an article, a short
preposition or conjunction, a name particle).  A single lower-case word
such as "academy" shows the title is already in sentence case, and it is
left as typed.

What a conversion keeps:

* the first word, and the first word after a colon, question mark,
  exclamation mark or full stop (a colon's word is capitalised);
* everything protected: ``<span class="nocase">`` (the braces of BibTeX),
  TeX math (``$...$``), and words inside double quotation marks (a title
  quoted in the title);
* words in capitals (``NATO``, ``II``), with inner capitals (``iPhone``,
  ``McCarthy``), one capital letter ("The R Book", "Hepatitis B", the
  pronoun "I"; "A" unless it reads as the article, :func:`_letter_a`), and
  words that are not plain words (``Antiwar.com``, ``H2O``, ``3D``).

Everything else that starts with a capital is lowercased, part by part in
a hyphenated word ("Up-to-Date" becomes "up-to-date").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from citekit.base.patterns import lazy_pattern
from citekit.base.valueclass import value_class

#: Words a title-case title leaves in lower case (articles, prepositions,
#: conjunctions, as the CSL specification and the common English style
#: guides list them), and name particles ("Ludwig van Beethoven").  Seeing
#: only these in lower case is what marks a title as title-cased.
_MINOR_WORDS = """
    a an the and but for nor or so yet as at by down from in into like near of off on
    onto out over past per than till to up upon via vs vs. v. with within without
    about above across after against along amid among around before behind below
    beneath beside besides between beyond despite during except inside outside since
    through throughout toward towards under underneath unlike until versus
    de del della der des di du la le van von den zu y e et al. al
    n o 's
"""
MINOR_WORDS = frozenset(_MINOR_WORDS.split())

#: Where a new sentence starts, so that its first word keeps its capital.
_SENTENCE_ENDS = ":?!."  # the last character of a word that ends a sentence
# Compiled on first use (see citekit.base.patterns): reading a .bib file
# imports this module, and only a title it sentence-cases needs them.
_TOKEN = lazy_pattern(
    globals(),
    r"<span\b[^<>]*>|</span>|</?(?:i|b|sup|sub)>|\$[^$]*\$|\s+|[^\s<$]+|[<$]",
    re.IGNORECASE,
)
_NOCASE = lazy_pattern(globals(), r'<span\s+class="nocase"\s*>', re.IGNORECASE)
_LETTER = lazy_pattern(globals(), r"[^\W\d_]")


#: How many distinct words (and titles) the per-word caches remember.  Titles
#: of one file share most of their words ("the", "of", "Neural"), so the
#: classification of a word is worked out once; the bound keeps a long-lived
#: server from growing without limit.
_WORD_CACHE_SIZE = 1 << 15
#: Longer words (a pathological value) are worked out each time, not kept.
_CACHED_WORD_LENGTH = 64
#: How many titles :func:`sentence_case` remembers: enough for every title of
#: a large file (the reader asks once per title, the writer again), so that
#: reading a file again, or writing what was read, finds them all.
_TITLE_CACHE_SIZE = 1 << 14
_CACHED_TITLE_LENGTH = 1000


@value_class(frozen=False)
class _Word:
    """One unprotected word of a title and where it stands."""

    index: int  # its token's position
    text: str
    first: bool  # opens the title or a sentence: keeps its capital
    after_colon: bool = False  # opens a subtitle: gets a capital


def _tokens(title: str) -> list[str]:
    return _TOKEN.findall(title)


def _is_plain(title: str) -> bool:
    """Whether a title has no markup, math or opening quotation marks (most titles).

    Such a title is plain words and white space, which the short scans
    (:func:`_plain_words`, :func:`_plain_sentence_case`) read.
    """
    return "<" not in title and "$" not in title and "“" not in title and "«" not in title


def _quoted_titles(tokens: list[str]) -> set[int]:
    """The token positions inside double quotation marks holding two words or more.

    A title quoted in a title (Aristotle's “De Motu Animalium”) is a name
    and keeps its case, as pandoc keeps it; one word in quotation marks
    (Towards Practical “Neural” Computation) is an ordinary word.
    """
    protected: set[int] = set()
    opened: int | None = None
    words: list[int] = []
    for index, token in enumerate(tokens):
        if token.isspace() or token.startswith("<"):
            continue
        if opened is None and ("“" in token or "«" in token):
            opened, words = index, []
        if opened is not None:
            words.append(index)
            if "”" in token or "»" in token:
                if len(words) >= 2:
                    protected.update(words)
                opened = None
    return protected


def _words(tokens: list[str], *, quotations: bool = True) -> list[_Word]:
    """The words outside protected spans, each marked if a sentence opens with it.

    With ``quotations`` the words of a title quoted in the title are
    protected too (:func:`_quoted_titles`).  Tokens without markup, math or
    quotation marks take the short scan of :func:`_plain_words`; both scans
    give the same words for them (tests/formats/test_sentencecase.py).
    """
    if _is_plain("".join(tokens)):
        return _plain_words(tokens)
    return _marked_words(tokens, quotations=quotations)


def _plain_words(tokens: list[str]) -> list[_Word]:
    """:func:`_marked_words` for tokens that are only words and white space."""
    words: list[_Word] = []
    opening = True
    colon = False
    for index, token in enumerate(tokens):
        if token.isspace():
            continue
        words.append(_Word(index, token, opening, colon))
        last = token[-1]
        opening = last in _SENTENCE_ENDS
        colon = last == ":"
    return words


def _marked_words(tokens: list[str], *, quotations: bool = True) -> list[_Word]:
    """The words of any title: spans, formatting, math and quotations understood."""
    return [_Word(*word) for word in _marked_scan(tokens, quotations)]


def _marked_scan(tokens: list[str], quotations: bool) -> Iterator[tuple[int, str, bool, bool]]:
    """The unprotected words of any title, as (index, text, first, after_colon), in order.

    Only a token that starts with "<" can be markup, and a white-space token
    starts with white space, so one look at the first character sorts most
    tokens; ``protected`` counts the nocase spans open.  A generator, so that
    :func:`_marked_in_title_case` can stop at the word that decides.
    """
    stack: list[bool] = []  # one entry per open span: is it a nocase span?
    protected = 0
    quoted = _quoted_titles(tokens) if quotations and _has_quotation(tokens) else set()
    opening = True
    colon = False
    for index, token in enumerate(tokens):
        first = token[0]
        if first == "<":
            lower = token.lower()
            if lower.startswith("<span"):
                nocase = _NOCASE.match(token) is not None
                stack.append(nocase)
                protected += nocase
                continue
            if lower == "</span>":
                if stack:
                    protected -= stack.pop()
                continue
            if token[-1] == ">" and len(token) > 1:
                continue  # <i>, </b> ...: formatting, not words
        elif first.isspace():
            continue
        math = first == "$" and token[-1] == "$" and len(token) > 1
        if not (protected or math or index in quoted):
            yield index, token, opening, colon
        last = token[-1]  # no token but white space ends in a line break
        opening = last in _SENTENCE_ENDS
        colon = last == ":"


def _marked_in_title_case(tokens: list[str]) -> bool:
    """``_in_title_case(_marked_words(tokens))`` without building the words.

    Most titles with markup are in sentence case, which their second
    lower-case word shows: the scan stops there.
    """
    return _votes_say_title_case(
        text for _, text, first, _ in _marked_scan(tokens, True) if not first
    )


def _has_quotation(tokens: list[str]) -> bool:
    """Whether any token opens a quotation (:func:`_quoted_titles` finds none otherwise)."""
    text = "".join(tokens)
    return "“" in text or "«" in text


def _letters(word: str) -> str:
    return "".join(_LETTER.findall(word))


#: What joins the parts of a compound word: hyphens, dashes, slashes.
_JOINER = lazy_pattern(globals(), r"([-‐–—/])")
#: A run of letters, apostrophes inside it allowed (Goethe’s, O'Brien).
_RUN = lazy_pattern(globals(), r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_PUNCTUATION = "\"'“”‘’«»()[]{},;:.?!…*"


def _parts(word: str) -> list[str]:
    """A compound word split into parts and the joiners between them."""
    return _JOINER.split(word)


def _part_kind(part: str) -> str:
    """'lower', 'capitalised' or 'keep' for one part of a word.

    Only a part that is a run of letters, perhaps followed by something with
    no letters (Conference’2002), is ever changed: "H2O", "Antiwar.com" and
    "3D" are kept, and so are capitals (NATO), inner capitals (iPhone,
    McCarthy) and the pronoun "I".
    """
    core = part.strip(_PUNCTUATION)
    if core.isascii() and core.isalpha():
        # Most parts: ASCII letters, perhaps in punctuation ("Optimization:").
        return _letters_kind(core)
    return _kind_of_core(core)


def _kind_of_core(core: str) -> str:
    """:func:`_part_kind` of a part stripped of its punctuation, read by its run of letters."""
    run = _RUN.match(core)
    if run is None or _LETTER.search(core[run.end() :]):
        return "keep"
    letters = run.group()
    rest = _letters(letters[1:])
    if letters[0].islower():
        return "keep" if any(c.isupper() for c in rest) else "lower"
    if any(c.isupper() for c in rest) or _is_letter(letters) or letters.startswith(("I'", "I’")):
        return "keep"
    return "capitalised"


def _is_letter(letters: str) -> bool:
    """Whether a word is one capital letter that names something (R, B, the pronoun I).

    A letter is not a capitalised word: it is written in capitals in any
    case ("The R Book", "Hepatitis B", "PPSN V").  "A" is also the article,
    and is decided by where it stands (:func:`_letter_a`).
    """
    return len(letters) == 1 and letters != "A"


def _kind(word: str) -> str:
    """:func:`_kind_of`, remembered for words of ordinary length."""
    return _cached_kind(word) if len(word) <= _CACHED_WORD_LENGTH else _kind_of(word)


def _kind_of(word: str) -> str:
    """The kind of a word's first part (past a leading joiner, as in "-Ranking")."""
    if word.isascii() and word.isalpha():
        return _letters_kind(word)
    return _kind_by_parts(word)


def _letters_kind(word: str) -> str:
    """:func:`_kind_by_parts` of a word of ASCII letters only (most words).

    Such a word is one part, all of it the run of letters :func:`_part_kind`
    looks at, and every letter is cased: a capital after the first letter is
    what ``islower`` of the rest rules out.  tests/formats/test_sentencecase.py
    compares the two on generated words.
    """
    inner_capital = len(word) > 1 and not word[1:].islower()
    if word[0].islower():
        return "keep" if inner_capital else "lower"
    return "keep" if inner_capital or _is_letter(word) else "capitalised"


def _kind_by_parts(word: str) -> str:
    """:func:`_kind_of` for any word: split at joiners, the first part read."""
    for part in _parts(word):
        if part and not _JOINER.fullmatch(part):
            return _part_kind(part)
    return "keep"


def opens_in_lower_case(word: str) -> bool:
    """Whether a word is one that :func:`capitalise_subtitles` would capitalise
    after a colon (its first part a plain lower-case word, past punctuation)."""
    return _kind(word) == "lower"


def _minor(word: str) -> bool:
    core = word.strip("\"'“”‘’«»()[]{},;:?!…").lower()
    return core in MINOR_WORDS or core.rstrip(".") in MINOR_WORDS


def _vote(word: str) -> int:
    """:func:`_vote_of`, remembered for words of ordinary length."""
    return _cached_vote(word) if len(word) <= _CACHED_WORD_LENGTH else _vote_of(word)


def _vote_of(word: str) -> int:
    """What a word (not opening a sentence) says about its title's case.

    1: capitalised, as in title case; -1: in lower case and not a minor
    word, as in sentence case; 0: neither (kept words, minor words).
    """
    kind = _kind(word)
    if kind == "capitalised":
        return 1
    if kind == "lower" and not _minor(word):
        return -1
    return 0


def is_title_case(title: str) -> bool:
    """Whether an English title reads as title case, and so needs converting.

    It does when the words after the first of each sentence are capitalised
    except for minor words.  One lower-case word among four or more
    capitalised ones is allowed (a program's name, "The irace Package:
    Iterated Racing for Automatic Algorithm Configuration"); more, or one
    among fewer, show a title already in sentence case ("The Khan academy").
    """
    return _in_title_case(_words(_tokens(title)))


def _in_title_case(words: list[_Word]) -> bool:
    """:func:`is_title_case` on a title's words; stops at the second lower-case word,
    which decides."""
    return _votes_say_title_case(word.text for word in words if not word.first)


def _votes_say_title_case(texts: Iterable[str]) -> bool:
    """Whether the words after each sentence's first read as title case (see
    :func:`is_title_case`); stops at the second lower-case word, which decides."""
    capitalised = lower = 0
    for text in texts:
        vote = _vote(text)
        if vote > 0:
            capitalised += 1
        elif vote < 0:
            lower += 1
            if lower > 1:
                return False
    return capitalised >= 1 and (lower == 0 or (lower == 1 and capitalised >= 4))


def _lower_part(part: str) -> str:
    return part.lower() if _part_kind(part) == "capitalised" else part


def _lowered(word: str, keep_first: bool = False) -> str:
    """:func:`_lowered_of`, remembered for words of ordinary length."""
    if len(word) <= _CACHED_WORD_LENGTH:
        return _cached_lowered(word, keep_first)
    return _lowered_of(word, keep_first)


def _lowered_of(word: str, keep_first: bool = False) -> str:
    """The word with its capitalised parts lowercased (the first kept if asked)."""
    if _JOINER.search(word) is None:  # one part, the first (most words)
        return word if keep_first or not word else _lower_part(word)
    return _lowered_by_parts(word, keep_first)


def _lowered_by_parts(word: str, keep_first: bool = False) -> str:
    """:func:`_lowered_of` for any word: split at its joiners, part by part."""
    parts = _parts(word)
    seen_first = False
    for position, part in enumerate(parts):
        if not part or _JOINER.fullmatch(part):
            continue
        if keep_first and not seen_first:
            seen_first = True
            continue
        if len(parts) > 1 and part.strip(_PUNCTUATION) == "A":  # "Type-A": not the article
            continue
        parts[position] = _lower_part(part)
    return "".join(parts)


#: Short words that every title-case style writes in lower case inside a
#: title: one of them capitalised shows a title that capitalises every word
#: (start case), where a capital "A" is as likely the article as anything.
_ALWAYS_LOWER = frozenset({
    "a", "an", "and", "but", "or", "nor", "of", "in", "on", "at", "to", "by", "for", "as",
})  # fmt: skip
#: Latin phrases that open with the preposition "a", lowered as words.
_LATIN_AFTER_A = frozenset({"priori", "posteriori", "fortiori"})
#: Words that open a segment of a title, after which a capital "A" is the article.
_SEGMENT_OPENERS = frozenset({"-", "‐", "–", "—", "--", "---"})


def _start_case(texts: Iterable[str]) -> bool:
    """Whether a title's words (each sentence's first left out) capitalise a short
    minor word other than "A": a title in start case ("With A Variant Of")."""
    for text in texts:
        core = text.strip(_PUNCTUATION)
        if core != "A" and core[:1].isupper() and core.lower() in _ALWAYS_LOWER:
            return True
    return False


def _letter_a(previous: str | None, word: str, following: str | None, start_case: bool) -> bool:
    """Whether a capital "A" inside a title is the letter, kept, not the article.

    Title case writes the article "a" in lower case inside a title, so a
    capital "A" there is a letter ("Vitamin A", "Type A Personality",
    "Hepatitis A and B") unless something says it is the article: the title
    capitalises its other short words too (start case), or the "A" opens a
    segment (after a comma or a dash, or with an opening parenthesis: "Reactive
    Search, A History-Based Heuristic"), and even then only when a word that
    can follow an article comes next ("A" before punctuation, at the end or
    before "and" is the letter).  "A Priori" is Latin: lowered as words are.
    """
    if word.strip(_PUNCTUATION) != "A":
        return False
    if not word.endswith("A") or following is None:
        return True  # "Vitamin A," "Hepatitis A)": the article never ends a phrase
    after = following.strip(_PUNCTUATION).lower()
    if after in _LATIN_AFTER_A:
        return False
    if _minor(following):
        return True  # "A and B": an article is followed by what it determines
    if start_case or not word.startswith("A"):
        return False  # "(A Report from ...)"
    return not (previous is not None and (previous in _SEGMENT_OPENERS or previous[-1] in ",;"))


# What a word is and becomes depends on the word alone, and the same words
# recur in title after title: each is worked out once (``keep_first`` is
# passed by position, the cheaper key).
_cached_kind = lru_cache(maxsize=_WORD_CACHE_SIZE)(_kind_of)
_cached_vote = lru_cache(maxsize=_WORD_CACHE_SIZE)(_vote_of)
_cached_lowered = lru_cache(maxsize=_WORD_CACHE_SIZE)(_lowered_of)


def _capitalised(word: str) -> str:
    """The word with its first letter in upper case, where that is one letter (not ß)."""
    for position, char in enumerate(word):
        if char.isalpha():
            upper = char.upper()
            if len(upper) != 1:
                return word
            return word[:position] + upper + word[position + 1 :]
    return word


def to_sentence_case(title: str) -> str:
    """The title in sentence case (CSL rich text in, rich text out).

    Unconditional: callers decide with :func:`is_title_case` whether a title
    needs it (:func:`sentence_case` does both).
    """
    tokens = _tokens(title)
    _lower_words(tokens, _words(tokens))
    return "".join(tokens)


def _lower_words(tokens: list[str], words: list[_Word]) -> None:
    """Put the words of a title-case title in sentence case, in ``tokens``."""
    start_case: bool | None = None  # worked out at the first "A", if any
    for position, word in enumerate(words):
        if word.first:
            if word.after_colon and _kind(word.text) == "lower":
                tokens[word.index] = _capitalised(word.text)
            else:
                tokens[word.index] = _lowered(word.text, True)  # "High-resolution"
            continue
        if "A" in word.text and word.text.strip(_PUNCTUATION) == "A":
            if start_case is None:
                start_case = _start_case(w.text for w in words if not w.first)
            previous = words[position - 1].text if position else None
            following = words[position + 1].text if position + 1 < len(words) else None
            if _letter_a(previous, word.text, following, start_case):
                continue
        tokens[word.index] = _lowered(word.text)


def capitalise_subtitles(title: str) -> str:
    """A sentence-case title with the first word after each colon capitalised.

    Sentence case capitalises the first word of a subtitle (APA 7th ed.
    §6.17; pandoc does it for every English title), and a title typed in
    sentence case often leaves it in lower case ("k-core decomposition: a
    tool").
    """
    if ":" not in title:  # no subtitle: the tokens join back to the title
        return _plain_str(title)
    tokens = _tokens(title)
    _capitalise_words(tokens, _words(tokens))
    return "".join(tokens)


def _capitalise_words(tokens: list[str], words: list[_Word]) -> None:
    """Capitalise the first word of each subtitle, in ``tokens``."""
    for word in words:
        if word.after_colon and _kind(word.text) == "lower":
            tokens[word.index] = _capitalised(word.text)


def _plain_str(text: str) -> str:
    """``text`` as a plain ``str``, as joining its tokens gives it."""
    return text if type(text) is str else str.__str__(text)


@lru_cache(maxsize=_TITLE_CACHE_SIZE)
def _sentence_case(title: str) -> str:
    if "<" not in title and "$" not in title and "“" not in title and "«" not in title:
        return _plain_sentence_case(title)  # _is_plain(title), without its call
    return _marked_sentence_case(title, _tokens(title))


def _marked_sentence_case(title: str, tokens: list[str]) -> str:
    """:func:`sentence_case` of any title, from its tokens (which it changes)."""
    if ":" not in title and not _marked_in_title_case(tokens):
        return title  # nothing to convert, no subtitle to capitalise
    words = _marked_words(tokens)
    if _in_title_case(words):
        _lower_words(tokens, words)
    elif ":" in title:
        _capitalise_words(tokens, words)
    else:
        return title
    return "".join(tokens)


def _plain_sentence_case(title: str) -> str:
    """:func:`_marked_sentence_case` for a plain title (:func:`_is_plain`).

    Most titles are plain.  Their words are what ``str.split`` gives (it
    splits on the white space ``\\s`` matches), so deciding needs no
    tokens; when something changes, the tokens alternate between a word and
    white space, and a word opens a sentence when the one before it ends
    one: no :class:`_Word` is built.  tests/formats/test_sentencecase.py
    checks that both give the same text.
    """
    words = title.split()
    if not words:
        return title
    converting = _plain_in_title_case(words)
    if not converting:
        if ":" not in title:
            return title
        # Only subtitles that open in lower case change; most have none.
        opening = [
            k
            for k in range(1, len(words))
            if words[k - 1][-1] == ":" and _kind(words[k]) == "lower"
        ]
        if not opening:
            return title
    tokens = _tokens(title)
    start = 1 if tokens[0].isspace() else 0
    if converting:
        end = ""  # the last character of the word before ("" opens the title)
        for k, word in enumerate(words):
            if end in _SENTENCE_ENDS:  # "" is in it too: the first word
                if end == ":" and _kind(word) == "lower":
                    tokens[start + 2 * k] = _capitalised(word)
                else:
                    tokens[start + 2 * k] = _lowered(word, True)
            elif "A" in word and word.strip(_PUNCTUATION) == "A" and _plain_letter_a(words, k):
                pass  # the letter A, kept
            else:
                tokens[start + 2 * k] = _lowered(word)
            end = word[-1]
        return "".join(tokens)
    for k in opening:
        tokens[start + 2 * k] = _capitalised(words[k])
    return "".join(tokens)


def _plain_letter_a(words: list[str], k: int) -> bool:
    """:func:`_letter_a` for word ``k`` of a plain title (rare: not worth caching)."""
    opening = [True] + [w[-1] in _SENTENCE_ENDS for w in words[:-1]]
    start_case = _start_case(w for w, first in zip(words, opening, strict=True) if not first)
    following = words[k + 1] if k + 1 < len(words) else None
    return _letter_a(words[k - 1] if k else None, words[k], following, start_case)


def _plain_in_title_case(words: list[str]) -> bool:
    """:func:`_in_title_case` for the words of a plain title."""
    capitalised = lower = 0
    cached = _cached_vote  # _vote, without a call of its own per word
    previous = words[0]
    for word in words[1:]:
        if previous[-1] not in _SENTENCE_ENDS:
            said = cached(word) if len(word) <= _CACHED_WORD_LENGTH else _vote_of(word)
            if said > 0:
                capitalised += 1
            elif said < 0:
                lower += 1
                if lower > 1:
                    return False
        previous = word
    return capitalised >= 1 and (lower == 0 or (lower == 1 and capitalised >= 4))


def sentence_case(title: str) -> str:
    """The title in sentence case: converted if it is in title case, else as typed
    but for the capital a subtitle takes.

    One scan of the title serves both the test and the conversion; results
    are cached by title (the writer asks again for every title it writes).
    """
    if type(title) is not str:
        title = _plain_str(title)
    if len(title) > _CACHED_TITLE_LENGTH:  # not worth keeping in memory
        return _sentence_case.__wrapped__(title)
    return _sentence_case(title)


#: The BibTeX/BibLaTeX fields whose English title-case values the BibTeX reader
#: stores in sentence case: the titles of works.  The one definition both
#: sides use: the reader converts the CSL variables these fields fill, and
#: the writer braces the capitals of every value it writes into one of them
#: (unless it is the title as typed, kept in ``@titlecase``), so that no
#: title changes case on a round trip.  A periodical's name
#: (``journaltitle``, ``journalsubtitle``, ``shortjournal``, and a
#: ``booktitle`` that names an article's periodical) is a proper name: it
#: keeps its case and is not listed.
SENTENCE_CASED_FIELDS: frozenset[str] = frozenset({
    "title", "subtitle", "titleaddon",
    "maintitle", "mainsubtitle", "maintitleaddon",
    "booktitle", "booksubtitle", "booktitleaddon",
    "issuetitle", "eventtitle", "origtitle", "series", "shorttitle",
})  # fmt: skip


def is_english(language: object) -> bool:
    """Whether a record's ``language`` makes its titles English (no language is English)."""
    if not isinstance(language, str) or not language.strip():
        return True
    return language.strip().lower()[:2] == "en"


def sentence_case_fields(fields: dict[str, Any], variables: Iterable[str]) -> dict[str, str]:
    """Convert the named title variables of an English record; return their originals.

    The originals are what a BibTeX writer needs to give the file back as it
    was typed (:func:`restore_titles`): the conversion is for styles, not a
    change the user asked for.
    """
    language = fields.get("language")
    if language is not None and not is_english(language):
        return {}
    originals: dict[str, str] = {}
    for variable in variables:
        value = fields.get(variable)
        if value is not None and isinstance(value, str):
            converted = sentence_case(value)
            if converted != value:
                fields[variable] = converted
                originals[variable] = value
    return originals


def restore_titles(fields: dict[str, Any], originals: object) -> dict[str, Any]:
    """The fields with each converted title back as typed, where it is still the converted one.

    A title edited since it was read (in CSL-JSON, say) no longer matches
    its conversion, and the edit wins.
    """
    if not isinstance(originals, dict):
        return fields
    restored = dict(fields)
    for variable, original in originals.items():
        if isinstance(original, str) and fields.get(variable) == sentence_case(original):
            restored[variable] = original
    return restored


def protected_capitals(title: str) -> str:
    """A sentence-case title with its capitals protected, for writing BibTeX.

    BibTeX styles lowercase titles; capitals that a sentence-case title holds
    beyond the first letter of a sentence (proper nouns, acronyms) must be
    braced to survive.  Each such word is wrapped in a nocase span, which the
    BibTeX writer turns into braces.
    """
    tokens = _tokens(title)
    for word in _words(tokens, quotations=False):
        letters = _letters(word.text)
        if not letters:
            continue
        capitals = letters[1:] if word.first else letters
        if any(c.isupper() for c in capitals):
            tokens[word.index] = f'<span class="nocase">{word.text}</span>'
    return "".join(tokens)


__all__ = [
    "MINOR_WORDS",
    "SENTENCE_CASED_FIELDS",
    "capitalise_subtitles",
    "is_english",
    "is_title_case",
    "opens_in_lower_case",
    "protected_capitals",
    "restore_titles",
    "sentence_case",
    "sentence_case_fields",
    "to_sentence_case",
]
