"""Frozen, slotted dataclasses that cost less to define: :func:`value_class`.

``@dataclass(frozen=True, slots=True)`` writes six methods per class as
source text and compiles each one (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__``, ``__delattr__``): about half a millisecond a
class, and a ``citekit cite`` loads dozens of them before it formats
anything.  Five of the six do the same thing in every class, given the
class's field names, so :func:`value_class` makes them as closures over the
names (an :func:`operator.attrgetter` for the values) and compiles only
``__init__``, whose parameters differ from class to class: one compilation
instead of six.  :func:`dataclasses.dataclass` still collects the fields
and builds the slotted class, asked for none of the methods.

The result is still a dataclass (``fields``, ``replace``, ``asdict``,
pickling and ``__match_args__`` work as before) and behaves exactly like
``@dataclass(frozen=True, slots=True)``: the same ``__init__`` signature,
the same repr text, equality only between instances of the same class
comparing the fields that take part in comparison, in order, the same hash
values and :class:`~dataclasses.FrozenInstanceError` on assignment.  One
difference is visible: ``__dataclass_params__`` records how dataclasses
was called (``init`` and ``frozen`` false), so a class decorated with
``@dataclass(frozen=True)`` cannot inherit from a value class (dataclasses
refuses it when the class is defined, loudly).  A class that asks for what
the fast path does not write (``InitVar``, ``kw_only``, ``init=False``
fields, ``__post_init__``) is made by dataclasses' own methods instead.
"""

from __future__ import annotations

import reprlib
import sys
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from operator import attrgetter
from pathlib import Path
from types import CodeType, FunctionType
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


def _plain(cls: type[Any]) -> bool:
    """Whether the fast path writes everything ``cls`` asks for (see the module doc).

    Decided before dataclasses sees the class, since it changes the class's
    defaults in place (a ``field()`` default is replaced or deleted).
    """
    if hasattr(cls, "__post_init__"):
        return False
    for base in cls.__mro__[1:]:
        inherited = base.__dict__.get("__dataclass_fields__", {})
        if any(not f.init or f.kw_only is True for f in inherited.values()):
            return False
    for name, annotation in getattr(cls, "__annotations__", {}).items():  # its own only
        text = annotation if isinstance(annotation, str) else repr(annotation)
        if "InitVar" in text or "KW_ONLY" in text:
            return False
        default = cls.__dict__.get(name)
        if isinstance(default, Field) and (not default.init or default.kw_only is True):
            return False
    return True


class _Factory:
    """The default of a parameter whose field has a ``default_factory``: call the factory.

    Shown as dataclasses shows its own marker, so signatures read the same.
    """

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


# Compiled ``__init__`` bodies, one per shape: (number of fields, frozen, the
# positions of fields with a default factory).  The parameters and the names the
# body sets are placeholders that :func:`_init_of` renames in a copy of the code,
# so classes of one shape share one compilation.
_SHAPES: dict[tuple[int, bool, tuple[int, ...]], CodeType] = {}
_PARAMETER = "_vc_p{}"
_ATTRIBUTE = "_vc_a{}"


def shape_source(
    count: int, frozen: bool, factories: tuple[int, ...], name: str, indent: str = " "
) -> str:
    """The source of the ``__init__`` of a shape, as a function called ``name``.

    A frozen class sets its slots through ``object.__setattr__``, as the
    ``__init__`` dataclasses writes for it does; a field with a default
    factory calls the factory when its parameter was left at the marker.
    """
    parameters = ["_vc_self", *(_PARAMETER.format(index) for index in range(count))]
    lines = []
    for index in range(count):
        parameter, attribute = _PARAMETER.format(index), _ATTRIBUTE.format(index)
        if index in factories:
            lines.append(f"{indent}if {parameter} is _vc_FACTORY:")
            lines.append(f"{indent * 2}{parameter} = _vc_factory_{index}()")
        if frozen:
            lines.append(f"{indent}_vc_set(_vc_self, {attribute!r}, {parameter})")
        else:
            lines.append(f"{indent}_vc_self.{attribute} = {parameter}")
    body = lines or [f"{indent}pass"]
    return f"def {name}({', '.join(parameters)}):\n" + "\n".join(body)


def prewritten_name(count: int, frozen: bool, factories: tuple[int, ...] = ()) -> str:
    """The name of a shape's function in :mod:`citekit.base._valueclass_shapes`."""
    kind = "frozen" if frozen else "mutable"
    return f"{kind}_{count}" + "".join(f"_f{index}" for index in factories)


def prewritten_source(
    fields: int, factory_shapes: tuple[tuple[int, bool, tuple[int, ...]], ...]
) -> str:
    """The text of :mod:`citekit.base._valueclass_shapes` for these shapes.

    Every shape without a default factory up to ``fields`` fields, frozen
    and not, then ``factory_shapes`` in their order.  A class whose shape is
    missing still works (its ``__init__`` is compiled when it is defined);
    adding the shape here makes its definition cheap:
    ``python -m citekit.base.valueclass`` writes the module again with the
    shapes given by its current ``FIELDS`` and ``FACTORY_SHAPES``, with the
    shapes passed as ``COUNT,FROZEN,FACTORY...`` added (``3,mutable,0,1,2``).
    """
    shapes = [(count, frozen, ()) for frozen in (True, False) for count in range(fields + 1)]
    functions = [
        shape_source(count, frozen, factories, prewritten_name(count, frozen, factories), "    ")
        for count, frozen, factories in [*shapes, *factory_shapes]
    ]
    header = _PREWRITTEN_HEADER.format(fields=fields, factory_shapes=factory_shapes)
    return header + "".join(f"\n\n\n{function}\n" for function in functions)


_PREWRITTEN_HEADER = (
    '"""The ``__init__`` of the common value-class shapes, written out (generated; do not edit).\n'
    '''

:func:`citekit.base.valueclass.value_class` makes each class's ``__init__``
from the code of its shape (how many fields, frozen or not, which have a
default factory), renamed for the class's fields.  Compiling that code was
most of what defining a value class cost, in every process; the shapes
without a default factory up to :data:`FIELDS` fields, and the shapes with
factories of citekit's own classes (:data:`FACTORY_SHAPES`), are therefore
written here, where Python compiles them once into its bytecode cache.
Written by :func:`citekit.base.valueclass.prewritten_source`
(``python -m citekit.base.valueclass`` writes it again, with any shapes
added); tests/base/test_valueclass.py checks that it is that function's text.
The names they use (``_vc_set``, ``_vc_FACTORY``, the factories, the
placeholders) are resolved in the globals each class's ``__init__`` gets,
not here.
"""

# ruff: noqa: F821, E501
# mypy: ignore-errors
# fmt: off

FIELDS = {fields}
FACTORY_SHAPES = {factory_shapes!r}
'''
)


def _shape_code(count: int, frozen: bool, factories: tuple[int, ...]) -> CodeType:
    """The code of an ``__init__`` of ``count`` placeholder fields (made once per shape).

    The common shapes (those without a default factory up to
    :data:`~citekit.base._valueclass_shapes.FIELDS` fields, and those of
    citekit's classes with factories) are written out in
    :mod:`citekit.base._valueclass_shapes`, whose bytecode Python caches like
    any module's; the others are compiled here.
    """
    key = (count, frozen, factories)
    known = _SHAPES.get(key)
    if known is not None:
        return known
    from citekit.base import _valueclass_shapes as prewritten

    written = getattr(prewritten, prewritten_name(count, frozen, factories), None)
    if written is not None:
        code: CodeType = written.__code__.replace(
            co_name="__init__", co_qualname="__init__", co_filename="<string>"
        )
    else:
        namespace: dict[str, Any] = {}
        exec(shape_source(count, frozen, factories, "__init__"), namespace)
        code = namespace["__init__"].__code__
    _SHAPES[key] = code
    return code


def _renamed(code: CodeType, names: tuple[str, ...]) -> CodeType:
    """``code`` with its placeholder parameters and attribute names replaced by ``names``."""
    renaming = {_PARAMETER.format(index): name for index, name in enumerate(names)}
    renaming.update((_ATTRIBUTE.format(index), name) for index, name in enumerate(names))
    return code.replace(
        co_varnames=tuple(renaming.get(name, name) for name in code.co_varnames),
        co_names=tuple(renaming.get(name, name) for name in code.co_names),
        co_consts=tuple(
            renaming.get(const, const) if isinstance(const, str) else const
            for const in code.co_consts
        ),
    )


def _init_of(every: tuple[Field[Any], ...], frozen: bool) -> Callable[..., None]:
    """The ``__init__`` of a class of ``every`` field: dataclasses' parameters and defaults.

    Made from the code of its shape (:func:`_shape_code`), renamed, instead
    of compiling source text per class: compiling was most of what defining
    a value class cost.
    """
    namespace: dict[str, Any] = {"_vc_set": object.__setattr__, "_vc_FACTORY": _FACTORY}
    defaults: list[Any] = []
    factories: list[int] = []
    for index, each in enumerate(every):
        if each.default is not MISSING:
            defaults.append(each.default)
        elif each.default_factory is not MISSING:
            namespace[f"_vc_factory_{index}"] = each.default_factory
            factories.append(index)
            defaults.append(_FACTORY)
        elif defaults:
            raise TypeError(f"non-default argument {each.name!r} follows default argument")
    code = _renamed(_shape_code(len(every), frozen, tuple(factories)), tuple(f.name for f in every))
    init: Callable[..., None] = FunctionType(code, namespace, "__init__", tuple(defaults) or None)
    init.__annotations__ = {**{f.name: f.type for f in every}, "return": None}
    return init


def _frozen_methods(cls: type[Any], names: frozenset[str]) -> dict[str, Callable[..., None]]:
    """``__setattr__`` and ``__delattr__`` refusing as dataclasses' frozen ones do."""

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return {"__setattr__": __setattr__, "__delattr__": __delattr__}


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, f.name) for f in fields(self)]


def _setstate(self: Any, state: list[Any]) -> None:
    """Pickling and copying restore a frozen instance's slots past its ``__setattr__``."""
    for each, value in zip(fields(self), state, strict=True):
        object.__setattr__(self, each.name, value)


def _restore(cls: type[Any], state: list[Any]) -> Any:
    """An instance of ``cls`` from :func:`_getstate`'s list, past its ``__init__``."""
    instance = object.__new__(cls)
    _setstate(instance, state)
    return instance


def _reduce_of(made: type[Any], values: _Values) -> Callable[[Any], tuple[Any, ...]]:
    """``__reduce__``: an instance is rebuilt by calling its class with its field values.

    Unpickling then runs the compiled ``__init__`` (one call per object)
    instead of a Python ``__setstate__`` looping over the fields: a parsed
    style read back from the disk memo (:mod:`citekit.base.diskcache`) loads
    in half the time.  An instance of a subclass that is not itself a value
    class is restored field by field as before, past its own ``__init__``.
    """

    def __reduce__(self: Any) -> tuple[Any, ...]:
        if self.__class__ is made:
            return (made, values(self))
        return (_restore, (self.__class__, _getstate(self)))

    return __reduce__


def _make(cls: type[T], frozen: bool) -> type[T]:
    if not _plain(cls):  # dataclasses writes what the fast path does not
        written: type[T] = dataclass(frozen=frozen, slots=True, repr=False, eq=False)(cls)
        _install(written, hashable=frozen)
        return written
    documented = bool(cls.__dict__.get("__doc__"))
    made: type[Any] = dataclass(slots=True, init=False, repr=False, eq=False)(cls)
    every = fields(made)
    methods: dict[str, Callable[..., Any]] = {"__init__": _init_of(every, frozen)}
    if frozen:
        methods.update(_frozen_methods(made, frozenset(f.name for f in every)))
    for name, method in methods.items():
        method.__qualname__ = f"{made.__qualname__}.{name}"
        setattr(made, name, method)
    if frozen:
        for name, method in (("__getstate__", _getstate), ("__setstate__", _setstate)):
            if name not in cls.__dict__:
                setattr(made, name, method)
        if not any(name in cls.__dict__ for name in ("__reduce__", "__getstate__", "__setstate__")):
            reduce = _reduce_of(made, _getter(tuple(f.name for f in every)))
            reduce.__qualname__ = f"{made.__qualname__}.__reduce__"
            setattr(made, "__reduce__", reduce)  # noqa: B010  (mypy refuses the assignment)
    _install(made, hashable=frozen)
    if not documented:  # dataclasses' class doc shows the signature, known only now
        import inspect  # rarely: every class of citekit's has a docstring

        made.__doc__ = made.__name__ + str(inspect.signature(made)).replace(" -> None", "")
    finished: type[T] = made
    return finished


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


def _write_prewritten(arguments: list[str]) -> None:
    """``python -m citekit.base.valueclass [COUNT,frozen|mutable,FACTORY...]...``."""
    from citekit.base import _valueclass_shapes as prewritten

    added: list[tuple[int, bool, tuple[int, ...]]] = []
    for argument in arguments:
        count, kind, *factories = argument.split(",")
        added.append((int(count), kind == "frozen", tuple(int(index) for index in factories)))
    shapes = [*prewritten.FACTORY_SHAPES, *(s for s in added if s[2])]
    known = tuple(dict.fromkeys(shapes))
    fields = max([prewritten.FIELDS, *(count for count, _, factories in added if not factories)])
    target = Path(prewritten.__file__)
    target.write_text(prewritten_source(fields, known), encoding="utf-8")
    print(f"wrote {target}")


__all__ = ["prewritten_source", "value_class"]

if __name__ == "__main__":
    _write_prewritten(sys.argv[1:])
