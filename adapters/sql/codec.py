"""A JSON codec driven by type hints, for storing attrs aggregates as documents.

The SQL adapter keeps a few plain columns per aggregate and the whole aggregate as one
document, so that a field the domain adds is stored without a schema change. The codec
walks the attrs classes by their resolved type hints and knows: str, int, float, bool,
None, enums, date, aware datetime, Decimal, tuples, lists, sets, frozensets, dicts and
Mappings (keys that encode to text), Optional, unions of attrs classes (tagged with the
class name), attrs classes themselves, and three value objects written compactly:
`ResidentId` (its full number, which is why every document is encrypted), `RegionCode`
and `Money`. A field typed `Any` needs an explicit `FieldCodec`.

Anything else raises `UnsupportedType` at encode and at decode alike, naming the class
and field, so that a new field type fails the round-trip test the day it lands instead
of being written in a form nobody can read back.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Union

import attrs

from domain.identity import ResidentId
from domain.money import Money
from domain.regions import RegionCode

Json = Any  # what json.dumps takes and json.loads gives: dict, list, str, int, float, ...

_NONE = type(None)
_SEQUENCES = (list, tuple, set, frozenset)
_MAPPINGS = (dict, Mapping)


class UnsupportedType(TypeError):
    """The codec does not know how to store this type; names where it was met."""


class DocumentInvalid(ValueError):
    """A stored document does not fit the class it is read as (a missing or extra field)."""


@attrs.frozen
class FieldCodec:
    """How one field that type hints cannot describe is written and read back."""

    encode: Callable[[Any], Json]
    decode: Callable[[Json], Any]


def _compact_values() -> dict[type, FieldCodec]:
    return {
        ResidentId: FieldCodec(lambda v: v.reveal(), lambda j: ResidentId(j)),
        RegionCode: FieldCodec(lambda v: v.code, lambda j: RegionCode(j)),
        Money: FieldCodec(lambda v: v.fen, lambda j: Money(j)),
    }


class Codec:
    """Encodes values to JSON-ready data by their type hint, and decodes them back."""

    def __init__(self, field_codecs: Mapping[tuple[type, str], FieldCodec] | None = None):
        self._fields = dict(field_codecs or {})
        self._values = _compact_values()
        self._hints: dict[type, dict[str, Any]] = {}

    # -- public --

    def encode(self, value: Any, hint: Any) -> Json:
        return self._encode(value, hint, _where(hint))

    def decode(self, data: Json, hint: Any) -> Any:
        return self._decode(data, hint, _where(hint))

    def check(self, hint: Any) -> list[str]:
        """Every place below `hint` the codec cannot handle (empty when all is known)."""
        problems: list[str] = []
        self._check(hint, _where(hint), problems, set())
        return problems

    def attrs_classes(self, hint: Any) -> set[type]:
        """Every attrs class reachable from `hint` through field types."""
        found: set[type] = set()
        self._walk_classes(hint, found)
        return found

    # -- encode --

    def _encode(self, value: Any, hint: Any, where: str) -> Json:
        origin = typing.get_origin(hint)
        if hint is Any:
            raise UnsupportedType(f"{where}: a field typed Any needs a FieldCodec")
        if _is_union(hint):
            return self._encode_union(value, hint, where)
        if origin in _SEQUENCES:
            return self._encode_sequence(value, hint, origin, where)
        if origin in _MAPPINGS or hint in _MAPPINGS:
            return self._encode_mapping(value, hint, where)
        if origin is typing.Literal:
            return value
        if not isinstance(hint, type):
            raise UnsupportedType(f"{where}: {hint!r} is not a type the codec knows")
        if hint in self._values:
            return self._values[hint].encode(value)
        if attrs.has(hint):
            return self._encode_attrs(value, hint)
        return _encode_scalar(value, hint, where)

    def _encode_union(self, value: Any, hint: Any, where: str) -> Json:
        members = [m for m in typing.get_args(hint) if m is not _NONE]
        if value is None:
            if _NONE not in typing.get_args(hint):
                raise UnsupportedType(f"{where}: None given for {hint!r}")
            return None
        if len(members) == 1:
            return self._encode(value, members[0], where)
        for member in members:
            if isinstance(member, type) and attrs.has(member) and type(value) is member:
                return {"type": member.__name__, "value": self._encode_attrs(value, member)}
        for member in members:
            if isinstance(member, type) and not attrs.has(member) and isinstance(value, member):
                return {"type": member.__name__, "value": self._encode(value, member, where)}
        raise UnsupportedType(f"{where}: {type(value).__name__} is not one of {hint!r}")

    def _encode_sequence(self, value: Any, hint: Any, origin: Any, where: str) -> Json:
        items = [self._encode(item, h, where) for item, h in _item_hints(value, hint)]
        if origin in (set, frozenset):
            return sorted(items, key=_sort_key)
        return items

    def _encode_mapping(self, value: Any, hint: Any, where: str) -> Json:
        key_hint, value_hint = typing.get_args(hint) or (Any, Any)
        encoded: dict[str, Json] = {}
        for key, item in value.items():
            text = self._encode(key, key_hint, where)
            if not isinstance(text, str):
                raise UnsupportedType(f"{where}: mapping keys must encode to text")
            encoded[text] = self._encode(item, value_hint, where)
        return encoded

    def _encode_attrs(self, value: Any, cls: type) -> Json:
        if type(value) is not cls:
            raise UnsupportedType(f"{cls.__name__}: got {type(value).__name__} (a subclass?)")
        document: dict[str, Json] = {}
        for name, hint in self._fields_of(cls).items():
            item = getattr(value, name)
            special = self._fields.get((cls, name))
            where = f"{cls.__name__}.{name}"
            document[name] = special.encode(item) if special else self._encode(item, hint, where)
        return document

    # -- decode --

    def _decode(self, data: Json, hint: Any, where: str) -> Any:
        origin = typing.get_origin(hint)
        if hint is Any:
            raise UnsupportedType(f"{where}: a field typed Any needs a FieldCodec")
        if _is_union(hint):
            return self._decode_union(data, hint, where)
        if origin in _SEQUENCES:
            items = [self._decode(d, h, where) for d, h in _item_hints(data, hint)]
            return origin(items)
        if origin in _MAPPINGS or hint in _MAPPINGS:
            key_hint, value_hint = typing.get_args(hint) or (Any, Any)
            return {
                self._decode(k, key_hint, where): self._decode(v, value_hint, where)
                for k, v in data.items()
            }
        if origin is typing.Literal:
            return data
        if not isinstance(hint, type):
            raise UnsupportedType(f"{where}: {hint!r} is not a type the codec knows")
        if hint in self._values:
            return self._values[hint].decode(data)
        if attrs.has(hint):
            return self._decode_attrs(data, hint)
        return _decode_scalar(data, hint, where)

    def _decode_union(self, data: Json, hint: Any, where: str) -> Any:
        members = [m for m in typing.get_args(hint) if m is not _NONE]
        if data is None:
            return None
        if len(members) == 1:
            return self._decode(data, members[0], where)
        by_name = {m.__name__: m for m in members if isinstance(m, type)}
        member = by_name.get(data.get("type", "")) if isinstance(data, dict) else None
        if member is None:
            raise DocumentInvalid(f"{where}: no member of {hint!r} is tagged {data!r:.60}")
        return self._decode(data["value"], member, where)

    def _decode_attrs(self, data: Json, cls: type) -> Any:
        if not isinstance(data, dict):
            raise DocumentInvalid(f"{cls.__name__}: expected an object")
        known = self._fields_of(cls)
        extra = set(data) - set(known)
        if extra:
            raise DocumentInvalid(f"{cls.__name__}: stored fields it no longer has: {extra}")
        kwargs: dict[str, Any] = {}
        late: dict[str, Any] = {}
        for field in attrs.fields(cls):
            if field.name not in data:
                if field.default is attrs.NOTHING:
                    raise DocumentInvalid(f"{cls.__name__}.{field.name}: missing")
                continue  # added since the document was written: its default applies
            special = self._fields.get((cls, field.name))
            where = f"{cls.__name__}.{field.name}"
            raw = data[field.name]
            value = special.decode(raw) if special else self._decode(raw, known[field.name], where)
            if field.init:
                kwargs[field.alias or field.name] = value
            else:
                late[field.name] = value
        instance = cls(**kwargs)
        for name, value in late.items():
            object.__setattr__(instance, name, value)
        return instance

    # -- walking the types --

    def _fields_of(self, cls: type) -> dict[str, Any]:
        hints = self._hints.get(cls)
        if hints is None:
            try:
                resolved = typing.get_type_hints(cls)
            except NameError as error:
                raise UnsupportedType(f"{cls.__name__}: a field type is unresolvable") from error
            hints = {f.name: resolved.get(f.name, f.type) for f in attrs.fields(cls)}
            self._hints[cls] = hints
        return hints

    def _check(self, hint: Any, where: str, problems: list[str], seen: set[type]) -> None:
        origin = typing.get_origin(hint)
        if hint is Any:
            problems.append(f"{where}: typed Any without a FieldCodec")
        elif _is_union(hint):
            members = [m for m in typing.get_args(hint) if m is not _NONE]
            if len(members) > 1 and not all(isinstance(m, type) for m in members):
                problems.append(f"{where}: union member that is not a class: {hint!r}")
            for member in members:
                self._check(member, where, problems, seen)
        elif origin in _SEQUENCES or origin in _MAPPINGS:
            for arg in typing.get_args(hint):
                if arg is not Ellipsis:
                    self._check(arg, where, problems, seen)
        elif origin is typing.Literal or hint in self._values or hint in _MAPPINGS:
            return
        elif isinstance(hint, type) and attrs.has(hint):
            if hint in seen:
                return
            seen.add(hint)
            try:
                fields = self._fields_of(hint)
            except UnsupportedType as error:
                problems.append(str(error))
                return
            for name, field_hint in fields.items():
                if (hint, name) not in self._fields:
                    self._check(field_hint, f"{hint.__name__}.{name}", problems, seen)
        elif not _is_scalar(hint):
            problems.append(f"{where}: {hint!r} is not a type the codec knows")

    def _walk_classes(self, hint: Any, found: set[type]) -> None:
        if isinstance(hint, type) and attrs.has(hint) and hint not in self._values:
            if hint in found:
                return
            found.add(hint)
            for name, field_hint in self._fields_of(hint).items():
                if (hint, name) not in self._fields:
                    self._walk_classes(field_hint, found)
            return
        for arg in typing.get_args(hint):
            self._walk_classes(arg, found)


def _where(hint: Any) -> str:
    return getattr(hint, "__name__", repr(hint))


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType)


def _is_scalar(hint: Any) -> bool:
    scalars = (str, int, float, bool, _NONE, date, datetime, Decimal)
    return isinstance(hint, type) and (hint in scalars or issubclass(hint, enum.Enum))


def _item_hints(value: Any, hint: Any) -> list[tuple[Any, Any]]:
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
        if len(args) != len(value):
            raise DocumentInvalid(f"expected {len(args)} items for {hint!r}")
        return list(zip(value, args, strict=True))
    item = args[0] if args else Any
    return [(v, item) for v in value]


def _sort_key(item: Json) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _encode_scalar(value: Any, hint: type, where: str) -> Json:
    if issubclass(hint, enum.Enum):
        return value.value
    if hint is datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise UnsupportedType(f"{where}: naive datetimes are not stored")
        return value.isoformat()
    if hint is date:
        return value.isoformat()
    if hint is Decimal:
        return str(value)
    if hint in (str, int, float, bool, _NONE):
        return value
    raise UnsupportedType(f"{where}: {hint.__name__} is not a type the codec knows")


def _decode_scalar(data: Json, hint: type, where: str) -> Any:
    if issubclass(hint, enum.Enum):
        return hint(data)
    if hint is datetime:
        return datetime.fromisoformat(data)
    if hint is date:
        return date.fromisoformat(data)
    if hint is Decimal:
        return Decimal(data)
    if hint is float:
        return float(data)
    if hint in (str, int, bool, _NONE):
        return data
    raise UnsupportedType(f"{where}: {hint.__name__} is not a type the codec knows")
