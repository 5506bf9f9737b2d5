"""``value_class`` behaves as ``@dataclass(frozen=True, slots=True)`` does.

Each class here is defined twice, once with each decorator, and every
behaviour is compared between the twins on generated values: the repr
text, equality (within a class, across classes, against other types), the
hash values, ``replace``, ``fields``, ``asdict``, pickling, frozen
assignment and ``__slots__``.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from collections.abc import Callable
from dataclasses import FrozenInstanceError, InitVar, dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekit.base.valueclass import prewritten_name, shape_source, value_class

# ----- the twins (same body, two decorators) ---------------------------------------


@value_class
class Point:
    """Two fields and a default."""

    x: int
    y: int = 0


@dataclass(frozen=True, slots=True)
class PointDC:
    """Two fields and a default."""

    x: int
    y: int = 0


@value_class
class Tagged:
    """Fields left out of comparison, of the repr and of the hash."""

    name: str
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)
    weight: int = field(default=0, hash=False)
    items: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class TaggedDC:
    """Fields left out of comparison, of the repr and of the hash."""

    name: str
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)
    weight: int = field(default=0, hash=False)
    items: tuple[int, ...] = ()


@value_class
class Single:
    """One field: its values are still a tuple."""

    value: str


@dataclass(frozen=True, slots=True)
class SingleDC:
    """One field: its values are still a tuple."""

    value: str


@value_class
class Empty:
    """No field at all."""


@dataclass(frozen=True, slots=True)
class EmptyDC:
    """No field at all."""


@value_class
class Base:
    """A base with one field."""

    a: int


@value_class
class Child(Base):
    """A subclass adding a field."""

    b: int = 1


@dataclass(frozen=True, slots=True)
class BaseDC:
    """A base with one field."""

    a: int


@dataclass(frozen=True, slots=True)
class ChildDC(BaseDC):
    """A subclass adding a field."""

    b: int = 1


@value_class(frozen=False)
class Counter:
    """A mutable class: compared by value, unhashable."""

    name: str
    count: int = 0
    seen: list[str] = field(default_factory=list)
    cache: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(slots=True)
class CounterDC:
    """A mutable class: compared by value, unhashable."""

    name: str
    count: int = 0
    seen: list[str] = field(default_factory=list)
    cache: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


def _shown(text: str) -> str:
    """A repr with the twin's name suffix removed, so the two texts can be compared."""
    return text.replace("DC(", "(")


small = st.integers(min_value=-5, max_value=5)
words = st.sampled_from(["", "a", "b", "é", "x'y"])


def _twins(draw: st.DrawFn) -> tuple[Any, Any]:
    kind = draw(st.sampled_from(["point", "tagged", "single", "empty", "child", "counter"]))
    if kind == "counter":
        name, count, seen = draw(words), draw(small), draw(st.lists(words, max_size=3))
        return Counter(name, count, list(seen)), CounterDC(name, count, list(seen))
    if kind == "point":
        x, y = draw(small), draw(small)
        return Point(x, y), PointDC(x, y)
    if kind == "tagged":
        args = (draw(words), draw(words), draw(words), draw(small), tuple(draw(st.lists(small))))
        return Tagged(*args), TaggedDC(*args)
    if kind == "single":
        value = draw(words)
        return Single(value), SingleDC(value)
    if kind == "empty":
        return Empty(), EmptyDC()
    a, b = draw(small), draw(small)
    return Child(a, b), ChildDC(a, b)


twins = st.composite(_twins)


@settings(max_examples=150)
@given(twins(), twins())
def test_repr_eq_and_hash_agree_with_dataclass(
    left: tuple[Any, Any], right: tuple[Any, Any]
) -> None:
    ours, theirs = left
    other_ours, other_theirs = right
    assert _shown(repr(ours)) == _shown(repr(theirs))
    assert (ours == other_ours) == (theirs == other_theirs)
    assert (ours != other_ours) == (theirs != other_theirs)
    if type(theirs).__hash__ is None:
        assert type(ours).__hash__ is None
    else:
        assert hash(ours) == hash(theirs)


@settings(max_examples=100)
@given(twins())
def test_dataclass_functions_copying_and_pickling_agree(pair: tuple[Any, Any]) -> None:
    ours, theirs = pair
    assert dataclasses.is_dataclass(type(ours))
    assert [f.name for f in dataclasses.fields(ours)] == [
        f.name for f in dataclasses.fields(theirs)
    ]
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    assert dataclasses.replace(ours) == ours
    assert pickle.loads(pickle.dumps(ours)) == ours
    assert copy.deepcopy(ours) == ours
    assert type(ours).__match_args__ == type(theirs).__match_args__


def test_equality_needs_the_same_class() -> None:
    assert Base(1) != Child(1, 1)
    assert Child(1, 1) != Base(1)
    assert Point(1, 2) != PointDC(1, 2)  # type: ignore[comparison-overlap]
    assert Point(1, 2) != (1, 2)  # type: ignore[comparison-overlap]
    assert Point(1, 2).__eq__((1, 2)) is NotImplemented


def test_fields_outside_comparison_change_neither_equality_nor_hash() -> None:
    plain = Tagged("n", note="one", weight=1)
    noted = Tagged("n", note="two", weight=1)
    assert plain == noted and hash(plain) == hash(noted)
    heavier = Tagged("n", weight=2)
    assert heavier != Tagged("n", weight=1)
    assert hash(heavier) == hash(Tagged("n", weight=1))  # weight is compared, not hashed
    assert "secret" not in repr(Tagged("n", secret="s"))


def test_instances_are_frozen_and_slotted() -> None:
    point = Point(1, 2)
    with pytest.raises(FrozenInstanceError):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del point.y
    assert "__slots__" in Point.__dict__
    assert not hasattr(point, "__dict__")
    assert dataclasses.replace(point, y=5) == Point(1, 5)


def test_repr_of_a_recursive_value_stops() -> None:
    contents: list[object] = []
    holder = Single(contents)  # type: ignore[arg-type]
    contents.append(holder)
    assert repr(holder) == "Single(value=[...])"


def test_a_mutable_value_class_changes_and_is_unhashable() -> None:
    counter = Counter("a")
    counter.count += 1
    counter.seen.append("x")
    counter.cache["k"] = 1
    assert counter == Counter("a", 1, ["x"])  # the cache takes no part
    assert repr(counter) == "Counter(name='a', count=1, seen=['x'])"
    with pytest.raises(TypeError):
        hash(counter)
    with pytest.raises(AttributeError):
        counter.other = 1  # type: ignore[attr-defined]


# ----- what the compiled __init__ and the shared methods must match ---------------

ALL_TWINS = [
    (Point, PointDC),
    (Tagged, TaggedDC),
    (Single, SingleDC),
    (Empty, EmptyDC),
    (Base, BaseDC),
    (Child, ChildDC),
    (Counter, CounterDC),
]


@pytest.mark.parametrize(("ours", "theirs"), ALL_TWINS, ids=lambda c: c.__name__)
def test_the_init_signature_is_dataclasses(ours: type[Any], theirs: type[Any]) -> None:
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    assert ours.__init__.__qualname__ == ours.__qualname__ + ".__init__"


def test_a_default_factory_is_called_for_each_instance() -> None:
    first, second = Counter("a"), Counter("b")
    first.seen.append("x")
    assert second.seen == [] and first.cache is not second.cache


def test_deleting_a_field_of_a_frozen_instance_is_refused_as_dataclasses_does() -> None:
    ours, theirs = Point(1), PointDC(1)
    for instance in (ours, theirs):
        with pytest.raises(FrozenInstanceError) as refused:
            del instance.x  # type: ignore[misc]
        assert str(refused.value) == "cannot delete field 'x'"
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'y'"):
        ours.y = 2  # type: ignore[misc]


def test_a_class_without_docstring_gets_dataclasses_doc() -> None:
    class Bare:
        a: int
        b: str = "x"

    class BareDC:
        a: int
        b: str = "x"

    assert value_class(Bare).__doc__ == dataclass(frozen=True, slots=True)(BareDC).__doc__.replace(
        "BareDC", "Bare"
    )


def test_defaults_out_of_order_and_mutable_defaults_are_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @value_class
        class Wrong:
            """A default before a required field."""

            a: int = 0
            b: int  # type: ignore[misc]

    with pytest.raises(ValueError, match="mutable default"):

        @value_class
        class Shared:
            """A list as a default, shared by every instance."""

            items: list[int] = []  # noqa: RUF012


@value_class
class Checked:
    """A __post_init__ and an InitVar: made by dataclasses' own methods."""

    low: int
    high: int
    scale: InitVar[int] = 1

    def __post_init__(self, scale: int) -> None:
        if self.low * scale > self.high * scale:
            raise ValueError("low above high")


@value_class
class Keyed:
    """A keyword-only field: made by dataclasses' own methods too."""

    name: str
    weight: int = field(default=0, kw_only=True)


def test_classes_the_fast_path_does_not_write_behave_as_dataclasses() -> None:
    assert Checked(1, 2) == Checked(1, 2, 3)
    with pytest.raises(ValueError, match="low above high"):
        Checked(3, 2)
    with pytest.raises(FrozenInstanceError):
        Checked(1, 2).low = 0  # type: ignore[misc]
    assert Keyed("a", weight=2).weight == 2
    with pytest.raises(TypeError):
        Keyed("a", 2)  # type: ignore[call-arg]
    assert pickle.loads(pickle.dumps(Keyed("a", weight=1))) == Keyed("a", weight=1)


def test_classes_of_one_shape_share_code_but_keep_their_own_names() -> None:
    """``__init__`` is made from compiled code shared per shape, renamed per class:
    each class still takes, sets and names its own fields."""

    @value_class
    class First:
        """Two fields."""

        left: int
        right: str = "r"

    @value_class
    class Second:
        """Two fields of other names."""

        up: int
        down: str = "d"

    first, second = First(1), Second(up=2, down="x")
    assert (first.left, first.right, second.up, second.down) == (1, "r", 2, "x")
    assert First.__init__.__code__.co_code == Second.__init__.__code__.co_code
    assert First.__init__.__code__.co_varnames[:3] == ("_vc_self", "left", "right")
    with pytest.raises(TypeError, match="'left'"):
        First()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'down'"):
        Second(1, "a", down="b")  # type: ignore[misc]
    assert str(inspect.signature(Second)) == "(up: 'int', down: 'str' = 'd') -> None"


def test_the_prewritten_shapes_are_what_the_generator_writes() -> None:
    """citekit.base._valueclass_shapes is generated: its bytecode must be the very
    code :func:`shape_source` compiles to, for every shape it holds."""
    from citekit.base import _valueclass_shapes as prewritten

    shapes = [
        (count, frozen, ()) for frozen in (True, False) for count in range(prewritten.FIELDS + 1)
    ]
    for count, frozen, factories in [*shapes, *prewritten.FACTORY_SHAPES]:
        name = prewritten_name(count, frozen, factories)
        namespace: dict[str, Any] = {}
        exec(shape_source(count, frozen, factories, name), namespace)
        compiled = namespace[name].__code__
        written = getattr(prewritten, name).__code__
        for attribute in ("co_code", "co_consts", "co_names", "co_varnames", "co_argcount"):
            assert getattr(written, attribute) == getattr(compiled, attribute), (name, attribute)
    functions = [name for name in vars(prewritten) if name.startswith(("frozen_", "mutable_"))]
    assert len(functions) == len(shapes) + len(prewritten.FACTORY_SHAPES)


def test_the_prewritten_module_is_the_generators_text() -> None:
    """Regenerating (``python -m citekit.base.valueclass``) changes nothing."""
    from pathlib import Path

    from citekit.base import _valueclass_shapes as prewritten
    from citekit.base.valueclass import prewritten_source

    written = Path(prewritten.__file__).read_text(encoding="utf-8")
    assert written == prewritten_source(prewritten.FIELDS, prewritten.FACTORY_SHAPES)


def test_every_value_class_the_engine_defines_has_a_prewritten_shape(
    fresh_python: Callable[[str], str],
) -> None:
    """No class of the rendering path compiles its ``__init__`` when it is defined."""
    code = (
        "import importlib, citekit.base.valueclass as v\n"
        "compiled = []\n"
        "original = v.shape_source\n"
        "v.shape_source = lambda *a, **k: compiled.append(a[:3]) or original(*a, **k)\n"
        "for name in ('citekit.cli.cite', 'citekit.cli.bib', 'citekit.render.api',\n"
        "             'citekit.render.csl.engine', 'citekit.formats.bibtex.reader'):\n"
        "    importlib.import_module(name)\n"
        "print(compiled)\n"
    )
    assert fresh_python(code).strip() == "[]"
