"""Resident ID numbers (GB 11643-1999) and promise P13: every invalid number is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.identity import ResidentId, Sex, check_character

TODAY = date(2026, 3, 1)
VALID = ("11010519491231002X", "440524188001010014")
CHARACTERS = "0123456789X"


def refusal(text: str) -> InvalidValue:
    with pytest.raises(InvalidValue) as caught:
        ResidentId.parse(text, today=TODAY)
    return caught.value


def is_refused(text: str) -> bool:
    try:
        ResidentId.parse(text, today=TODAY)
    except InvalidValue:
        return True
    return False


def substitutions(valid: str) -> list[str]:
    return [
        valid[:i] + other + valid[i + 1 :]
        for i in range(len(valid))
        for other in CHARACTERS + "x"
        if other != valid[i]
    ]


def adjacent_swaps(valid: str) -> list[str]:
    swapped = (valid[:i] + valid[i + 1] + valid[i] + valid[i + 2 :] for i in range(17))
    return [text for text in swapped if text != valid]


@pytest.mark.parametrize("text", VALID)
def test_valid_numbers_are_accepted(text):
    resident_id = ResidentId.parse(text, today=TODAY)

    assert resident_id.reveal() == text


def test_birth_date_and_sex_are_read_from_the_number():
    resident_id = ResidentId.parse("11010519491231002X", today=TODAY)

    assert resident_id.birth_date == date(1949, 12, 31)
    assert resident_id.sex is Sex.FEMALE
    assert resident_id.sex.label == "女"
    assert resident_id.region_prefix == "110105"


def test_an_odd_seventeenth_digit_means_male():
    resident_id = ResidentId.parse("440524188001010014", today=TODAY)

    assert resident_id.sex is Sex.MALE
    assert resident_id.birth_date == date(1880, 1, 1)


def test_surrounding_whitespace_is_ignored():
    resident_id = ResidentId.parse("  11010519491231002X\n", today=TODAY)

    assert resident_id.reveal() == "11010519491231002X"


def test_a_wrong_check_digit_is_refused_with_its_code():
    error = refusal("110105194912310021")

    assert error.code == "resident_id_check_digit"
    assert error.field == "resident_id"
    assert error.rule == "GB 11643"


@pytest.mark.parametrize("valid", VALID)
def test_p13_every_single_character_substitution_is_refused(valid):
    variants = substitutions(valid)

    refused = [text for text in variants if is_refused(text)]

    assert len(variants) == 18 * 11
    assert len(refused) == len(variants)


@pytest.mark.parametrize(("valid", "changing_swaps"), [(VALID[0], 15), (VALID[1], 13)])
def test_p13_every_adjacent_swap_is_refused(valid, changing_swaps):
    variants = adjacent_swaps(valid)

    refused = [text for text in variants if is_refused(text)]

    assert len(variants) == changing_swaps
    assert len(refused) == len(variants)


def test_full_width_digits_are_refused():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "11010519491231002") + "Ｘ"

    assert refusal(full_width).code == "resident_id_characters"


def test_a_lower_case_x_is_refused_and_not_upper_cased():
    error = refusal("11010519491231002x")

    assert error.code == "resident_id_lowercase_x"


def test_an_old_fifteen_digit_number_is_refused():
    error = refusal("110105491231002")

    assert error.code == "resident_id_length"


def test_a_space_inside_the_number_is_refused():
    error = refusal("110105 19491231002X")

    assert error.code in {"resident_id_length", "resident_id_characters"}


def test_a_region_code_starting_with_zero_is_refused():
    first17 = "01010519491231002"

    error = refusal(first17 + check_character(first17))

    assert error.code == "resident_id_region"


@pytest.mark.parametrize("birth", ["19490230", "19491301", "20230229", "00000101"])
def test_a_birth_date_that_does_not_exist_is_refused(birth):
    first17 = "110105" + birth + "002"

    error = refusal(first17 + check_character(first17))

    assert error.code == "resident_id_birth_date"


def test_a_birth_date_before_1880_is_refused():
    first17 = "11010518791231002"

    error = refusal(first17 + check_character(first17))

    assert error.code == "resident_id_birth_date"


def test_a_birth_date_after_today_is_refused():
    first17 = "110105" + (TODAY + timedelta(days=1)).strftime("%Y%m%d") + "002"

    error = refusal(first17 + check_character(first17))

    assert error.code == "resident_id_future_birth"


def test_a_birth_date_of_today_is_accepted():
    first17 = "110105" + TODAY.strftime("%Y%m%d") + "002"

    resident_id = ResidentId.parse(first17 + check_character(first17), today=TODAY)

    assert resident_id.birth_date == TODAY


@pytest.mark.parametrize(
    "text",
    [
        "110105194912310021",
        "11010519491231002x",
        "110105194902300028",
        "1101051949123100",
        "11010519491231002X0",
        "110105 9491231002X",
        "01010519491231002X",
    ],
)
def test_no_refusal_message_contains_the_input(text):
    error = refusal(text)

    for shown in (str(error), error.message, repr(error.args)):
        assert text not in shown
        assert text[:10] not in shown


def test_the_mask_keeps_three_leading_and_four_trailing_characters():
    resident_id = ResidentId.parse("11010519491231002X", today=TODAY)

    assert resident_id.masked == "110***********002X"
    assert len(resident_id.masked) == 18


def test_repr_str_and_format_show_only_the_masked_form():
    resident_id = ResidentId.parse("11010519491231002X", today=TODAY)

    shown = [
        repr(resident_id),
        str(resident_id),
        f"{resident_id}",
        format(resident_id),
    ]

    assert shown == ["110***********002X"] * 4
    assert f"{resident_id:>20}" == "  110***********002X"
    assert "19491231" not in repr([resident_id])


def test_constructing_directly_validates_the_number_too():
    with pytest.raises(InvalidValue) as caught:
        ResidentId("110105194912310021")

    assert caught.value.code == "resident_id_check_digit"


def test_check_character_refuses_anything_but_seventeen_digits():
    with pytest.raises(ValueError, match="17"):
        check_character("1101051949123100")


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    region = draw(st.integers(100000, 999999))
    born = draw(st.dates(min_value=date(1880, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(0, 999))
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


@given(valid_numbers())
def test_every_well_formed_number_is_accepted_and_revealed_unchanged(text):
    resident_id = ResidentId.parse(text, today=TODAY)

    assert resident_id.reveal() == text
    assert resident_id.birth_date.strftime("%Y%m%d") == text[6:14]
