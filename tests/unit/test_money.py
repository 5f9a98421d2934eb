"""Money in whole fen: yuan parsing, arithmetic and display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import InvalidValue
from domain.money import Money


@pytest.mark.parametrize(
    ("amount", "fen"),
    [("80", 8000), ("80.5", 8050), ("80.50", 8050), ("0.01", 1), (80, 8000)],
)
def test_yuan_amounts_become_whole_fen(amount, fen):
    money = Money.yuan(amount)

    assert money.fen == fen


def test_a_decimal_amount_is_accepted():
    money = Money.yuan(Decimal("1234.56"))

    assert money == Money(123456)


@pytest.mark.parametrize("amount", ["80.505", "0.001", "NaN"])
def test_more_than_two_decimals_are_refused(amount):
    with pytest.raises(InvalidValue) as caught:
        Money.yuan(amount)

    assert caught.value.code == "invalid_amount"


@pytest.mark.parametrize("amount", ["abc", "", "1,000", "八十"])
def test_text_that_is_not_a_number_is_refused(amount):
    with pytest.raises(InvalidValue) as caught:
        Money.yuan(amount)

    assert caught.value.field == "amount"


def test_amounts_add_and_subtract():
    total = Money.yuan("80.50") + Money.yuan("19.50") - Money.yuan("0.01")

    assert total == Money(9999)


def test_an_amount_multiplies_by_a_whole_number_on_either_side():
    monthly = Money.yuan("650")

    assert monthly * 3 == 3 * monthly == Money.yuan("1950")


def test_zero_is_falsy_and_any_other_amount_truthy():
    zero = Money.zero()

    assert not zero
    assert Money(1)


def test_amounts_compare_by_value():
    smaller = Money.yuan("79.99")

    assert smaller < Money.yuan("80")


@pytest.mark.parametrize(
    ("fen", "shown"), [(8000, "80.00元"), (5, "0.05元"), (-50, "-0.50元"), (0, "0.00元")]
)
def test_str_shows_yuan_with_two_decimals(fen, shown):
    money = Money(fen)

    assert str(money) == shown


@pytest.mark.parametrize("fen", [True, 1.5, 100.0, "100", Decimal(100)])
def test_fen_must_be_a_plain_integer(fen):
    with pytest.raises(InvalidValue) as caught:
        Money(fen)

    assert caught.value.code == "invalid_amount"


@pytest.mark.parametrize("times", [True, 1.5])
def test_multiplying_by_a_bool_or_float_is_refused(times):
    with pytest.raises(InvalidValue):
        Money(100) * times


# XXX: Money.yuan accepts bool and float (Decimal(True) == 1, Decimal(1.5) is exact);
# fixed when yuan() checks the type as Money() does. These tests pin the gap.
@pytest.mark.parametrize("amount", [True, 1.5])
def test_yuan_refuses_bool_and_float(amount):
    with pytest.raises(InvalidValue):
        Money.yuan(amount)


# XXX: "Infinity" raises OverflowError and "sNaN" decimal.InvalidOperation, outside the
# error tree; fixed when yuan() checks `value.is_finite()` inside its try.
@pytest.mark.parametrize("amount", ["Infinity", "-Infinity", "sNaN"])
def test_yuan_refuses_non_finite_amounts(amount):
    with pytest.raises(InvalidValue):
        Money.yuan(amount)
