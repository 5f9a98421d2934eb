"""Region codes from province down to township (GB/T 2260 and the statistical codes).

A code is kept in its shortest canonical form: 2 digits for a province (37),
4 for a city (3701), 6 for a county (370102) and 9 for a township or street
(370102001). Zero-padded forms (370000, 370100, 370102001000) are accepted.
Jurisdiction is a prefix relation: a county officer's region contains its
townships; a township contains only itself.
"""

from __future__ import annotations

from enum import IntEnum

from attrs import field, frozen

from domain.errors import InvalidValue


class RegionLevel(IntEnum):
    PROVINCE = 2
    CITY = 4
    COUNTY = 6
    TOWNSHIP = 9

    @property
    def label(self) -> str:
        return {2: "省", 4: "市", 6: "县（市、区）", 9: "乡镇（街道）"}[self.value]


def _canonical(text: str) -> str:
    code = text.strip()
    if not code.isascii() or not code.isdigit():
        raise InvalidValue("region", "行政区划代码只能由数字组成", code="invalid_region")
    if len(code) == 12:
        if code[9:] != "000":
            raise InvalidValue("region", "不支持村（居）级区划代码", code="invalid_region")
        code = code[:9]
    if len(code) == 9 and code.endswith("000"):
        code = code[:6]
    if len(code) == 6:
        if code.endswith("0000"):
            code = code[:2]
        elif code.endswith("00"):
            code = code[:4]
    if len(code) not in (2, 4, 6, 9):
        raise InvalidValue("region", "行政区划代码长度不正确", code="invalid_region")
    if code[:2] == "00" or (len(code) > 2 and code[2:4] == "00"):
        raise InvalidValue("region", "行政区划代码不正确", code="invalid_region")
    return code


@frozen(order=True)
class RegionCode:
    """An administrative region; compare with `is_within` for jurisdiction."""

    code: str = field(converter=_canonical)

    @classmethod
    def parse(cls, text: str) -> RegionCode:
        return cls(text)

    @property
    def level(self) -> RegionLevel:
        return RegionLevel(len(self.code))

    @property
    def parent(self) -> RegionCode | None:
        """The region one level up, or None for a province."""
        shorter = {9: 6, 6: 4, 4: 2}.get(len(self.code))
        return RegionCode(self.code[:shorter]) if shorter else None

    def is_within(self, other: RegionCode) -> bool:
        """True when this region is `other` or lies inside it."""
        return self.code.startswith(other.code)

    def ancestor(self, level: RegionLevel) -> RegionCode:
        """This region's enclosing region at `level` (itself at its own level)."""
        if level.value > len(self.code):
            raise InvalidValue("region", f"该区划没有{level.label}级上级区划", code="region_level")
        return RegionCode(self.code[: level.value])

    def __str__(self) -> str:
        return self.code
