"""Copies of aggregates for the in-memory store: as independent as `copy.deepcopy`'s.

`copy.deepcopy` dispatches every attrs object through `__reduce_ex__` and keeps a memo of
everything it met; for the store's aggregates (attrs classes, lists, dicts, sets, enums,
strings, dates) that generality was most of the demo's time. `snapshot` copies those
shapes directly: attrs instances field by field (no `__init__`, as `deepcopy` does not
call it either), containers element by element, immutable scalars shared. Anything else
goes to `copy.deepcopy`.

Each attrs class gets a copier compiled once from its resolved type hints, as the SQL
codec reads them: a field whose type cannot change (text, numbers, dates, enums, tuples
and frozensets of those) is shared without a call; a list, dict or set of such values is
copied shallowly; anything else is copied by its runtime type. A frozen class whose every
field is of such a type (a `ScenarioEvent`, a `BranchMove`, a command) is shared whole:
nothing in it can change. The hints are trusted as the SQL codec trusts them (a value of
another type would not survive a SQL round trip either).

Unlike `deepcopy` it does not preserve sharing inside one aggregate (an object reached
twice is copied twice), as the SQL adapter's JSON documents do not: no aggregate relies
on it, and the storage contract suites run against both adapters.
"""

from __future__ import annotations

import collections.abc
import copy
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs
from statemachine.orderedset import OrderedSet

T = TypeVar("T")

_SHARED: frozenset[type] = frozenset(
    {str, int, float, bool, type(None), bytes, date, datetime, time, timedelta, Decimal}
)

_copiers: dict[type, Callable[[Any], Any]] = {}


def snapshot(value: T) -> T:
    """A copy of `value` that shares nothing mutable with it."""
    kind = type(value)
    copier = _copiers.get(kind)
    if copier is None:
        copier = _copiers[kind] = _copier_for(kind)
    result: T = copier(value)
    return result


def _shared(value: Any) -> Any:
    return value


def _list(value: list[Any]) -> list[Any]:
    return [snapshot(v) for v in value]


def _tuple(value: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(snapshot(v) for v in value)


def _dict(value: dict[Any, Any]) -> dict[Any, Any]:
    return {k: snapshot(v) for k, v in value.items()}


def _set(value: set[Any]) -> set[Any]:
    return {snapshot(v) for v in value}


def _frozenset(value: frozenset[Any]) -> frozenset[Any]:
    return frozenset(snapshot(v) for v in value)


def _ordered_set(value: OrderedSet[Any]) -> OrderedSet[Any]:
    """python-statemachine's configuration (a scenario's `state`): its state names."""
    return OrderedSet(snapshot(v) for v in value)


_CONTAINERS: dict[type, Callable[[Any], Any]] = {
    list: _list,
    tuple: _tuple,
    dict: _dict,
    set: _set,
    frozenset: _frozenset,
    OrderedSet: _ordered_set,
}

# The built-in containers a shallow copy rebuilds, when the hint says their elements
# cannot change.
_SHALLOW: frozenset[type] = frozenset({list, dict, set})
_SHALLOW_HINTS: frozenset[Any] = frozenset(
    {list, dict, set, collections.abc.Mapping, collections.abc.MutableMapping}
)


def _shallow(value: Any) -> Any:
    kind = type(value)
    if kind in _SHALLOW:
        return kind(value)
    return snapshot(value)


def _copier_for(kind: type) -> Callable[[Any], Any]:
    if kind in _SHARED or issubclass(kind, Enum):
        return _shared
    if kind in _CONTAINERS:
        return _CONTAINERS[kind]
    if attrs.has(kind):
        return _attrs_copier(kind)
    if issubclass(kind, str | int) and not hasattr(kind, "__dict__"):
        return _shared  # a str or int subclass with slots
    return copy.deepcopy


# -- what type hints say --


@attrs.frozen
class _FrozenProbe:
    """Frozen attrs classes share this class's `__setattr__` (the one that refuses)."""


_FROZEN_SETATTR = _FrozenProbe.__setattr__


def _is_frozen(kind: type) -> bool:
    return attrs.has(kind) and kind.__setattr__ is _FROZEN_SETATTR


def _hints(kind: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(kind)
    except Exception:  # an unresolvable hint: copy every field by its runtime type
        return {}


def _unchangeable(hint: Any, seen: frozenset[type] = frozenset()) -> bool:
    """Whether a value of this hint can never change: immutable all the way down."""
    origin = typing.get_origin(hint)
    if origin is None:
        if not isinstance(hint, type):
            return False  # Any, a TypeVar, a string left unresolved
        if hint in _SHARED or issubclass(hint, Enum):
            return True
        if hint in seen:
            return True  # a frozen class reached again through its own fields
        if _is_frozen(hint):
            hints = _hints(hint)
            inner = seen | {hint}
            return all(
                f.name in hints and _unchangeable(hints[f.name], inner)
                for f in attrs.fields(typing.cast(Any, hint))
            )
        return False
    args = typing.get_args(hint)
    if origin is typing.Literal:
        return True
    if origin is typing.Annotated:
        return _unchangeable(args[0], seen)
    if origin in (typing.Union, types.UnionType, tuple, frozenset):
        return all(_unchangeable(a, seen) for a in args if a is not Ellipsis)
    return False


def _elements_unchangeable(hint: Any) -> bool:
    """A list, dict, set or mapping (or None) whose elements can never change."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return all(a is type(None) or _elements_unchangeable(a) for a in args)
    return origin in _SHALLOW_HINTS and bool(args) and all(_unchangeable(a) for a in args)


def _attrs_copier(kind: type) -> Callable[[Any], Any]:
    hints = _hints(kind)
    fields = attrs.fields(kind)
    if _is_frozen(kind) and all(f.name in hints and _unchangeable(hints[f.name]) for f in fields):
        return _shared
    lines = ["def copy_attrs(value):", "    result = new(kind)"]
    for field in fields:
        hint = hints.get(field.name, Any)
        read = f"value.{field.name}"
        if _unchangeable(hint):
            expression = read
        elif _elements_unchangeable(hint):
            expression = f"shallow({read})"
        else:
            expression = f"snapshot({read})"
        lines.append(f"    put(result, {field.name!r}, {expression})")
    lines.append("    return result")
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "put": object.__setattr__,
        "kind": kind,
        "shallow": _shallow,
        "snapshot": snapshot,
    }
    exec("\n".join(lines), namespace)  # one straight-line copier per class
    copier: Callable[[Any], Any] = namespace["copy_attrs"]
    return copier
