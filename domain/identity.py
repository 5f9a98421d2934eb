"""The resident ID number (居民身份证号码, GB 11643-1999), held so that it cannot leak.

`str`, `repr` and f-strings show only the masked form; `reveal()` gives the full
number to the one caller allowed to see it. Every refusal names the field and a
stable code, never the number itself (P13).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from attrs import field, frozen

from domain.errors import InvalidValue

_FIELD = "resident_id"
_RULE = "GB 11643"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_DIGITS = frozenset("0123456789")
# The standard's own sample number (440524188001010014) is born in 1880.
_EARLIEST_BIRTH = date(1880, 1, 1)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"

    @property
    def label(self) -> str:
        return "男" if self is Sex.MALE else "女"


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError("expected 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def _refuse(code: str, message: str) -> InvalidValue:
    return InvalidValue(_FIELD, message, rule=_RULE, code=code)


def _check_characters(text: str) -> None:
    if not text.isascii():
        raise _refuse("resident_id_characters", "身份证号码只能使用半角数字和大写字母X")
    if len(text) != 18:
        raise _refuse("resident_id_length", "身份证号码应为18位")
    if text[17] == "x":
        raise _refuse("resident_id_lowercase_x", "身份证号码末位的X应为大写")
    if not set(text[:17]) <= _DIGITS or text[17] not in _CHECK_CHARACTERS:
        raise _refuse("resident_id_characters", "身份证号码前17位应为数字，末位为数字或X")
    if text[0] == "0":
        raise _refuse("resident_id_region", "身份证号码的地址码不正确")


def _birth_date(text: str) -> date:
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise _refuse("resident_id_birth_date", "身份证号码中的出生日期不存在") from None
    if born < _EARLIEST_BIRTH:
        raise _refuse("resident_id_birth_date", "身份证号码中的出生日期过早")
    return born


def _validate(_instance: object, _attribute: object, text: str) -> None:
    _check_characters(text)
    _birth_date(text)
    if check_character(text[:17]) != text[17]:
        raise _refuse("resident_id_check_digit", "身份证号码校验位不正确")


@frozen
class ResidentId:
    """A structurally valid resident ID number; build it with `ResidentId.parse`."""

    value: str = field(validator=_validate)

    @classmethod
    def parse(cls, text: str, *, today: date) -> ResidentId:
        """Accepts the 18 characters with surrounding whitespace; refuses lower-case x."""
        resident_id = cls(text.strip())
        if resident_id.birth_date > today:
            raise _refuse("resident_id_future_birth", "身份证号码中的出生日期晚于今天")
        return resident_id

    @property
    def birth_date(self) -> date:
        return _birth_date(self.value)

    @property
    def sex(self) -> Sex:
        return Sex.MALE if int(self.value[16]) % 2 else Sex.FEMALE

    @property
    def region_prefix(self) -> str:
        """The address code of the first registration (six digits)."""
        return self.value[:6]

    @property
    def masked(self) -> str:
        return f"{self.value[:3]}{'*' * 11}{self.value[-4:]}"

    def reveal(self) -> str:
        """The full number, for the one place a permitted role asks for it."""
        return self.value

    def __repr__(self) -> str:
        return self.masked

    def __str__(self) -> str:
        return self.masked

    def __format__(self, spec: str) -> str:
        return format(self.masked, spec)
