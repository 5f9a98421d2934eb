"""Reading a registry's JSON answer strictly: every field present, of its type, in its range.

A field that is missing, of another type, outside its enum or a date in another form
raises `WireError` naming the field's path; the client turns it into
`RegistryAnswerInvalid`. Nothing here guesses a default for what is missing (P9).
Fields the documents do not name are ignored, so that a registry may add some.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class WireError(Exception):
    """An answer that does not match the documented wire format."""


def parse_json(body: bytes) -> object:
    """Strict JSON: UTF-8, no NaN or Infinity, no key given twice."""
    try:
        text = body.decode("utf-8")
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unique)
    except UnicodeDecodeError:
        raise WireError("the body is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise WireError(f"the body is not JSON ({error.msg}, at character {error.pos})") from None
    except ValueError:  # an integer too long to convert
        raise WireError("the body holds a number too long to read") from None
    except RecursionError:
        raise WireError("the body is nested too deeply to read") from None


def _refuse_constant(name: str) -> object:
    raise WireError(f"the body holds {name}, which is not JSON")


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise WireError(f"the key {key!r} is given twice")
        result[key] = value
    return result


class Fields:
    """A JSON object read field by field; a failure names the field's path ($.records[0])."""

    def __init__(self, value: object, path: str = "$") -> None:
        if not isinstance(value, dict):
            raise WireError(f"{path} should be an object")
        self._value: dict[str, object] = value
        self._path = path

    def has(self, name: str) -> bool:
        return name in self._value

    def get(self, name: str) -> object:
        """The raw value of a field that must be present."""
        return self._get(name)

    def left_out_or(self, read: Callable[[str], T | None], name: str) -> T | None:
        """`read(name)`, or None where the field is left out or null (seed files, admin)."""
        return read(name) if self.has(name) and self._value[name] is not None else None

    def number(self, name: str) -> float:
        value = self._get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(name, "a number")
        return float(value)

    def nested(self, name: str) -> Fields:
        return Fields(self._get(name), f"{self._path}.{name}")

    def _get(self, name: str) -> object:
        if name not in self._value:
            raise WireError(f"{self._path}.{name} is missing")
        return self._value[name]

    def _wrong(self, name: str, expected: str) -> WireError:
        return WireError(f"{self._path}.{name} should be {expected}")

    def text(self, name: str, *, allow_empty: bool = False) -> str:
        value = self._get(name)
        if not isinstance(value, str) or (not value and not allow_empty):
            raise self._wrong(name, "a string" if allow_empty else "a non-empty string")
        return value

    def optional_text(self, name: str) -> str | None:
        return None if self._get(name) is None else self.text(name)

    def boolean(self, name: str) -> bool:
        value = self._get(name)
        if not isinstance(value, bool):
            raise self._wrong(name, "true or false")
        return value

    def integer(self, name: str, *, minimum: int, maximum: int | None = None) -> int:
        value = self._get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(name, "an integer")
        if value < minimum or (maximum is not None and value > maximum):
            raise self._wrong(name, f"between {minimum} and {maximum or 'any'}")
        return value

    def optional_integer(
        self, name: str, *, minimum: int, maximum: int | None = None
    ) -> int | None:
        if self._get(name) is None:
            return None
        return self.integer(name, minimum=minimum, maximum=maximum)

    def day(self, name: str) -> date:
        value = self._get(name)
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise self._wrong(name, "a date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self._wrong(name, "a date that exists") from None

    def optional_day(self, name: str) -> date | None:
        return None if self._get(name) is None else self.day(name)

    def choice(self, name: str, kind: type[E]) -> E:
        value = self._get(name)
        for member in kind:
            if member.value == value:
                return member
        raise self._wrong(name, f"one of {sorted(str(m.value) for m in kind)}")

    def objects(self, name: str) -> Iterator[Fields]:
        value = self._get(name)
        if not isinstance(value, list):
            raise self._wrong(name, "a list")
        for index, item in enumerate(value):
            yield Fields(item, f"{self._path}.{name}[{index}]")

    def expect(self, name: str, value: object) -> None:
        """The field must echo what was asked (a case id, a masked person)."""
        if self._get(name) != value or type(self._get(name)) is not type(value):
            raise WireError(f"{self._path}.{name} does not match the request")


def wire_date(value: date) -> str:
    return value.isoformat()


def wire_datetime(value: datetime) -> str:
    """An aware datetime with its offset (RFC 3339)."""
    if value.tzinfo is None:
        raise ValueError("a naive datetime has no place on the wire")
    return value.isoformat()
