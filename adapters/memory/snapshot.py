"""Copies of aggregates for the in-memory store: as independent as `copy.deepcopy`'s.

`copy.deepcopy` dispatches every attrs object through `__reduce_ex__` and keeps a memo of
everything it met; for the store's aggregates (attrs classes, lists, dicts, sets, enums,
strings, dates) that generality was most of the demo's time. `snapshot` copies those
shapes directly: attrs instances field by field (no `__init__`, as `deepcopy` does not
call it either), containers element by element, immutable scalars shared. Anything else
goes to `copy.deepcopy`.

Unlike `deepcopy` it does not preserve sharing inside one aggregate (an object reached
twice is copied twice), as the SQL adapter's JSON documents do not: no aggregate relies
on it, and the storage contract suites run against both adapters.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs

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


def _copier_for(kind: type) -> Callable[[Any], Any]:
    if kind in _SHARED or issubclass(kind, Enum):
        return _shared
    containers: dict[type, Callable[[Any], Any]] = {
        list: _list,
        tuple: _tuple,
        dict: _dict,
        set: _set,
        frozenset: _frozenset,
    }
    if kind in containers:
        return containers[kind]
    if attrs.has(kind):
        return _attrs_copier(kind)
    if issubclass(kind, str | int) and not hasattr(kind, "__dict__"):
        return _shared  # a str or int subclass with slots (an ID number, a region code)
    return copy.deepcopy


def _attrs_copier(kind: type) -> Callable[[Any], Any]:
    names = tuple(field.name for field in attrs.fields(kind))
    new = object.__new__
    put = object.__setattr__

    def copy_attrs(value: Any) -> Any:
        result: Any = new(kind)
        for name in names:
            put(result, name, snapshot(getattr(value, name)))
        return result

    return copy_attrs
