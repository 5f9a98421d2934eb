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
import threading
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
    """Encodes values to JSON-ready data by their type hint, and decodes them back.

    Each hint is compiled once into an encoder and a decoder function, then reused.
    """

    def __init__(self, field_codecs: Mapping[tuple[type, str], FieldCodec] | None = None):
        self._fields = dict(field_codecs or {})
        self._values = _compact_values()
        self._hints: dict[type, dict[str, Any]] = {}
        self._encoders: dict[Any, Callable[[Any], Json]] = {}
        self._decoders: dict[Any, Callable[[Json], Any]] = {}
        self._encoding: dict[Any, Callable[[Any], Json]] = {}
        self._decoding: dict[Any, Callable[[Json], Any]] = {}
        self._lock = threading.RLock()

    # -- public --

    def encode(self, value: Any, hint: Any) -> Json:
        return self._encoder(hint, _where(hint))(value)

    def decode(self, data: Json, hint: Any) -> Any:
        return self._decoder(hint, _where(hint))(data)

    def prepare(self, *hints: Any) -> None:
        """Compile both ways now, so that an unknown field type fails at start-up."""
        for hint in hints:
            self._encoder(hint, _where(hint))
            self._decoder(hint, _where(hint))

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

    # -- compiling encoders --

    def _encoder(self, hint: Any, where: str) -> Callable[[Any], Json]:
        found = self._encoders.get(hint)
        if found is not None:
            return found
        with self._lock:  # one thread compiles; the others see only finished functions
            found = self._encoders.get(hint) or self._encoding.get(hint)
            if found is not None:
                return found
            # A stand-in while compiling, so that a class containing itself compiles.
            self._encoding[hint] = lambda value: self._encoders[hint](value)
            try:
                compiled = self._compile_encoder(hint, where)
            finally:
                del self._encoding[hint]
            self._encoders[hint] = compiled
            return compiled

    def _compile_encoder(self, hint: Any, where: str) -> Callable[[Any], Json]:
        origin = typing.get_origin(hint)
        if hint is Any:
            raise UnsupportedType(f"{where}: a field typed Any needs a FieldCodec")
        if _is_union(hint):
            return self._union_encoder(hint, where)
        if origin in _SEQUENCES:
            return self._sequence_encoder(hint, origin, where)
        if origin in _MAPPINGS or hint in _MAPPINGS:
            key_hint, value_hint = typing.get_args(hint) or (Any, Any)
            keys, values = self._encoder(key_hint, where), self._encoder(value_hint, where)

            def mapping(value: Any) -> Json:
                encoded = {keys(k): values(v) for k, v in value.items()}
                if not all(isinstance(k, str) for k in encoded):
                    raise UnsupportedType(f"{where}: mapping keys must encode to text")
                return encoded

            return mapping
        if origin is typing.Literal:
            return _identity
        if not isinstance(hint, type):
            raise UnsupportedType(f"{where}: {hint!r} is not a type the codec knows")
        if hint in self._values:
            return self._values[hint].encode
        if attrs.has(hint):
            return self._attrs_encoder(hint)
        return _scalar_encoder(hint, where)

    def _union_encoder(self, hint: Any, where: str) -> Callable[[Any], Json]:
        optional = _NONE in typing.get_args(hint)
        members = [m for m in typing.get_args(hint) if m is not _NONE]
        if len(members) == 1:
            inner = self._encoder(members[0], where)
            return lambda value: None if value is None else inner(value)
        if not all(isinstance(m, type) for m in members):
            raise UnsupportedType(f"{where}: union member that is not a class: {hint!r}")
        tagged = {m: (m.__name__, self._encoder(m, where)) for m in members}

        def union(value: Any) -> Json:
            if value is None and optional:
                return None
            found = tagged.get(type(value))
            if found is None:
                raise UnsupportedType(f"{where}: {type(value).__name__} is not in {hint!r}")
            name, inner = found
            return {"type": name, "value": inner(value)}

        return union

    def _sequence_encoder(self, hint: Any, origin: Any, where: str) -> Callable[[Any], Json]:
        args = typing.get_args(hint)
        if _is_fixed_tuple(hint):
            items = [self._encoder(a, where) for a in args]
            return lambda value: [e(v) for e, v in zip(items, value, strict=True)]
        item = self._encoder(args[0] if args else Any, where)
        if origin in (set, frozenset):
            return lambda value: sorted((item(v) for v in value), key=_sort_key)
        return lambda value: [item(v) for v in value]

    def _attrs_encoder(self, cls: type) -> Callable[[Any], Json]:
        plan: list[tuple[str, Callable[[Any], Json]]] = []
        for name, hint in self._fields_of(cls).items():
            special = self._fields.get((cls, name))
            plan.append((name, special.encode if special else self._encoder(hint, name)))

        def encode(value: Any) -> Json:
            if type(value) is not cls:
                raise UnsupportedType(f"{cls.__name__}: got {type(value).__name__}")
            return {name: encoder(getattr(value, name)) for name, encoder in plan}

        return encode

    # -- compiling decoders --

    def _decoder(self, hint: Any, where: str) -> Callable[[Json], Any]:
        found = self._decoders.get(hint)
        if found is not None:
            return found
        with self._lock:
            found = self._decoders.get(hint) or self._decoding.get(hint)
            if found is not None:
                return found
            self._decoding[hint] = lambda data: self._decoders[hint](data)
            try:
                compiled = self._compile_decoder(hint, where)
            finally:
                del self._decoding[hint]
            self._decoders[hint] = compiled
            return compiled

    def _compile_decoder(self, hint: Any, where: str) -> Callable[[Json], Any]:
        origin = typing.get_origin(hint)
        if hint is Any:
            raise UnsupportedType(f"{where}: a field typed Any needs a FieldCodec")
        if _is_union(hint):
            return self._union_decoder(hint, where)
        if origin in _SEQUENCES:
            args = typing.get_args(hint)
            if _is_fixed_tuple(hint):
                items = [self._decoder(a, where) for a in args]
                return lambda data: tuple(d(v) for d, v in zip(items, data, strict=True))
            item = self._decoder(args[0] if args else Any, where)
            return lambda data: origin(item(v) for v in data)
        if origin in _MAPPINGS or hint in _MAPPINGS:
            key_hint, value_hint = typing.get_args(hint) or (Any, Any)
            keys, values = self._decoder(key_hint, where), self._decoder(value_hint, where)
            return lambda data: {keys(k): values(v) for k, v in data.items()}
        if origin is typing.Literal:
            return _identity
        if not isinstance(hint, type):
            raise UnsupportedType(f"{where}: {hint!r} is not a type the codec knows")
        if hint in self._values:
            return self._values[hint].decode
        if attrs.has(hint):
            return self._attrs_decoder(hint)
        return _scalar_decoder(hint, where)

    def _union_decoder(self, hint: Any, where: str) -> Callable[[Json], Any]:
        members = [m for m in typing.get_args(hint) if m is not _NONE]
        if len(members) == 1:
            inner = self._decoder(members[0], where)
            return lambda data: None if data is None else inner(data)
        if not all(isinstance(m, type) for m in members):
            raise UnsupportedType(f"{where}: union member that is not a class: {hint!r}")
        by_name = {m.__name__: self._decoder(m, where) for m in members}

        def union(data: Json) -> Any:
            if data is None:
                return None
            inner = by_name.get(data.get("type", "")) if isinstance(data, dict) else None
            if inner is None:
                raise DocumentInvalid(f"{where}: no member of {hint!r} is tagged so")
            return inner(data["value"])

        return union

    def _attrs_decoder(self, cls: type) -> Callable[[Json], Any]:
        hints = self._fields_of(cls)
        plan: list[tuple[str, str, bool, bool, Callable[[Json], Any]]] = []
        for field in attrs.fields(cls):
            special = self._fields.get((cls, field.name))
            decoder = special.decode if special else self._decoder(hints[field.name], field.name)
            required = field.default is attrs.NOTHING
            plan.append((field.name, field.alias or field.name, field.init, required, decoder))
        known = set(hints)

        def decode(data: Json) -> Any:
            if not isinstance(data, dict):
                raise DocumentInvalid(f"{cls.__name__}: expected an object")
            if not data.keys() <= known:
                extra = set(data) - known
                raise DocumentInvalid(f"{cls.__name__}: stored fields it no longer has: {extra}")
            kwargs: dict[str, Any] = {}
            late: dict[str, Any] = {}
            for name, alias, init, required, decoder in plan:
                if name not in data:
                    if required:
                        raise DocumentInvalid(f"{cls.__name__}.{name}: missing")
                    continue  # added since the document was written: its default applies
                if init:
                    kwargs[alias] = decoder(data[name])
                else:
                    late[name] = decoder(data[name])
            instance = cls(**kwargs)
            for name, value in late.items():
                object.__setattr__(instance, name, value)
            return instance

        return decode

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


def _identity(value: Any) -> Any:
    return value


def _is_fixed_tuple(hint: Any) -> bool:
    args = typing.get_args(hint)
    return typing.get_origin(hint) is tuple and bool(args) and args[-1] is not Ellipsis


def _where(hint: Any) -> str:
    return getattr(hint, "__name__", repr(hint))


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType)


def _is_scalar(hint: Any) -> bool:
    scalars = (str, int, float, bool, _NONE, date, datetime, Decimal)
    return isinstance(hint, type) and (hint in scalars or issubclass(hint, enum.Enum))


def _sort_key(item: Json) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _scalar_encoder(hint: type, where: str) -> Callable[[Any], Json]:
    if issubclass(hint, enum.Enum):
        return lambda value: value.value
    if hint is datetime:
        return lambda value: _aware(value, where).isoformat()
    if hint in (date, Decimal):
        return lambda value: value.isoformat() if hint is date else str(value)
    if hint in (str, int, float, bool, _NONE):
        return _identity
    raise UnsupportedType(f"{where}: {hint.__name__} is not a type the codec knows")


def _aware(value: datetime, where: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise UnsupportedType(f"{where}: naive datetimes are not stored")
    return value


def _scalar_decoder(hint: type, where: str) -> Callable[[Json], Any]:
    if issubclass(hint, enum.Enum):
        return hint
    if hint is datetime:
        return datetime.fromisoformat
    if hint is date:
        return date.fromisoformat
    if hint in (Decimal, float):
        return hint
    if hint in (str, int, bool, _NONE):
        return _identity
    raise UnsupportedType(f"{where}: {hint.__name__} is not a type the codec knows")
