"""Money as an integer number of fen (分); no floats anywhere near a benefit."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from attrs import field, frozen

from domain.errors import InvalidValue


def _whole_fen(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue("amount", "金额必须以整数分表示", code="invalid_amount")
    return value


@frozen(order=True)
class Money:
    """An amount in fen; may be negative only as an intermediate result."""

    fen: int = field(converter=_whole_fen)

    @classmethod
    def yuan(cls, amount: str | int | Decimal) -> Money:
        """Money from a yuan amount with at most two decimals: Money.yuan("80.50")."""
        if isinstance(amount, bool) or not isinstance(amount, str | int | Decimal):
            raise InvalidValue("amount", "金额须为数字文本、整数或Decimal", code="invalid_amount")
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise InvalidValue("amount", "金额格式不正确", code="invalid_amount") from None
        if not value.is_finite():
            raise InvalidValue("amount", "金额必须是有限数值", code="invalid_amount")
        fen = value * 100
        if fen != fen.to_integral_value():
            raise InvalidValue("amount", "金额最多保留两位小数", code="invalid_amount")
        return cls(int(fen))

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    def __add__(self, other: Money) -> Money:
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        return Money(self.fen - other.fen)

    def __mul__(self, times: int) -> Money:
        return Money(self.fen * _whole_fen(times))

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.fen != 0

    def __str__(self) -> str:
        sign = "-" if self.fen < 0 else ""
        whole, cents = divmod(abs(self.fen), 100)
        return f"{sign}{whole}.{cents:02d}元"
