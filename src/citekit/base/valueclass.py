"""Frozen, slotted dataclasses that cost less to define: :func:`value_class`.

``@dataclass(frozen=True, slots=True)`` writes six methods per class as
source text and compiles each one (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__``, ``__delattr__``): about half a millisecond a
class, and a ``citekit cite`` loads dozens of them before it formats
anything.  Three of the six do the same thing in every class, given the
class's field names, so :func:`value_class` lets :func:`dataclasses.dataclass`
generate the other three and makes ``__repr__``, ``__eq__`` and
``__hash__`` as closures over the class's field names (an
:func:`operator.attrgetter`), which compiles nothing.

The result is still a dataclass (``fields``, ``replace``, ``asdict``,
pickling and ``__match_args__`` work as before) and behaves exactly like
``@dataclass(frozen=True, slots=True)``: the same repr text, equality only
between instances of the same class comparing the fields that take part in
comparison, in order, and the same hash values.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from dataclasses import Field, dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")

_Values = Callable[[Any], tuple[Any, ...]]


def _getter(names: tuple[str, ...]) -> _Values:
    """A function giving the values of ``names`` as a tuple (also for one or no name)."""
    if not names:
        return lambda _obj: ()
    if len(names) == 1:
        single = attrgetter(names[0])
        return lambda obj: (single(obj),)
    return attrgetter(*names)  # a tuple for two or more names


def _compared(field: Field[Any]) -> bool:
    return field.compare


def _hashed(field: Field[Any]) -> bool:
    """dataclasses' rule: ``hash=None`` follows ``compare``."""
    return field.compare if field.hash is None else bool(field.hash)


def _repr_of(names: tuple[str, ...]) -> Callable[[Any], str]:
    @reprlib.recursive_repr(fillvalue="...")
    def __repr__(self: Any) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({values})"

    return __repr__


def _eq_of(values: _Values) -> Callable[[Any, object], bool]:
    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _hash_of(values: _Values) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _install(cls: type[Any], *, hashable: bool) -> None:
    """Give a dataclass made without repr and eq its methods, closures over its fields.

    A mutable class gets ``__hash__ = None``, as a dataclass with ``eq`` does.
    """
    every = fields(cls)
    methods = {
        "__repr__": _repr_of(tuple(f.name for f in every if f.repr)),
        "__eq__": _eq_of(_getter(tuple(f.name for f in every if _compared(f)))),
    }
    if hashable:
        methods["__hash__"] = _hash_of(_getter(tuple(f.name for f in every if _hashed(f))))
    for name, method in methods.items():
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)
    if not hashable:
        cls.__hash__ = None  # type: ignore[assignment]  # what dataclasses does


def _make(cls: type[T], frozen: bool) -> type[T]:
    made = dataclass(frozen=frozen, slots=True, repr=False, eq=False)(cls)
    _install(made, hashable=frozen)
    return made


@overload
def value_class(cls: type[T], /) -> type[T]: ...


@overload
def value_class(*, frozen: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def value_class(
    cls: type[T] | None = None, /, *, frozen: bool = True
) -> type[T] | Callable[[type[T]], type[T]]:
    """``@dataclass(frozen=True, slots=True)`` at a third less definition cost (see module doc).

    ``@value_class(frozen=False)`` stands for ``@dataclass(slots=True)``:
    mutable, compared by value, unhashable.  For classes that define none of
    ``__repr__``, ``__eq__`` and ``__hash__`` themselves; those would be
    replaced.
    """
    if cls is None:
        return lambda later: _make(later, frozen)
    return _make(cls, frozen)


__all__ = ["value_class"]
