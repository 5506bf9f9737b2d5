"""The key-making rule (citekit.model.keys): a map of new keys, the library untouched.

The pattern language itself is tested through :func:`citekit.ops.keys.generate_keys`
(tests/ops/test_keys.py); these tests pin what the rule adds below the operations:
it changes nothing, and the operation is exactly the rule plus renaming.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.model import keys as model_keys
from citekit.model.keys import KeyPattern, is_citation_key, new_keys
from citekit.model.records import Date, Library, Name, Record
from citekit.ops import keys as ops_keys


def _record(key: str, family: str | None, title: str, year: int | None) -> Record:
    record = Record(key, "book", title=title)
    if family:
        record["author"] = [Name(family=family, given="A.")]
    if year is not None:
        record["issued"] = Date.from_parts((year,))
    return record


def _keys(library: Library) -> list[str]:
    return [record.key for record in library]


ROWS = st.lists(
    st.tuples(
        st.sampled_from(["1", "x y", "Doe2020", "http://a/b", "", "k"]),
        st.text(max_size=10),
        st.text(max_size=25),
        st.none() | st.integers(1, 2100),
    ),
    max_size=10,
)


def _library(rows: list[tuple[str, str, str, int | None]]) -> Library:
    library = Library()
    for index, (stem, family, title, year) in enumerate(rows):
        library.add(_record(f"{stem}{index}" if stem else str(index), family, title, year))
    return library


@settings(max_examples=60, deadline=None)
@given(ROWS, st.booleans())
def test_generate_keys_is_the_rule_plus_renaming(
    rows: list[tuple[str, str, str, int | None]], rekey: bool
) -> None:
    library = _library(rows)
    before = [record.to_json() for record in library]
    renamed = new_keys(library, "{auth}{year}{shorttitle2}", rekey=rekey)
    assert [record.to_json() for record in library] == before  # the rule changes nothing
    same, keyed = ops_keys.generate_keys(library, "{auth}{year}{shorttitle2}", rekey=rekey)
    assert renamed == same
    assert _keys(keyed) == [renamed.get(key, key) for key in _keys(library)]


@settings(max_examples=60, deadline=None)
@given(ROWS)
def test_kept_keys_stay_and_new_keys_avoid_them(
    rows: list[tuple[str, str, str, int | None]],
) -> None:
    library = _library(rows)
    kept = {key for key in _keys(library) if key.startswith("k")}
    renamed = new_keys(library, keep=lambda record: record.key in kept)
    assert not kept & set(renamed)
    final = [renamed.get(key, key) for key in _keys(library)]
    assert len(set(final)) == len(final)
    assert all(is_citation_key(key) for key in renamed.values())


def test_the_operations_offer_the_rule_itself() -> None:
    """``citekit.ops.keys`` keeps offering the whole of key generation (the CLI uses it),
    by re-exporting the model's rule rather than a copy of it."""
    for name in ("DEFAULT_PATTERN", "STOP_WORDS", "KeyPattern", "is_citation_key", "suffixes"):
        assert getattr(ops_keys, name) is getattr(model_keys, name)
    assert set(model_keys.__all__) <= set(ops_keys.__all__)
    assert KeyPattern.parse(model_keys.DEFAULT_PATTERN).source == ops_keys.DEFAULT_PATTERN
