"""Region codes: canonical forms, levels and jurisdiction as a prefix relation."""

from __future__ import annotations

import pytest

from domain.errors import InvalidValue
from domain.regions import RegionCode, RegionLevel


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("37", "37"),
        ("370000", "37"),
        ("3701", "3701"),
        ("370100", "3701"),
        ("370102", "370102"),
        ("370102000", "370102"),
        ("370102001", "370102001"),
        ("370102001000", "370102001"),
        (" 370102 ", "370102"),
    ],
)
def test_codes_are_kept_in_their_shortest_canonical_form(text, canonical):
    region = RegionCode.parse(text)

    assert region.code == canonical


def test_a_padded_and_a_short_code_are_the_same_region():
    padded = RegionCode.parse("370100")

    assert padded == RegionCode.parse("3701")


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("37", RegionLevel.PROVINCE),
        ("3701", RegionLevel.CITY),
        ("370102", RegionLevel.COUNTY),
        ("370102001", RegionLevel.TOWNSHIP),
    ],
)
def test_the_level_follows_the_length_of_the_code(text, level):
    region = RegionCode.parse(text)

    assert region.level is level


def test_parents_climb_one_level_at_a_time_up_to_the_province():
    region: RegionCode | None = RegionCode.parse("370102001")

    chain = []
    while region is not None:
        chain.append(region.code)
        region = region.parent

    assert chain == ["370102001", "370102", "3701", "37"]


def test_a_province_has_no_parent():
    province = RegionCode.parse("37")

    assert province.parent is None


def test_a_township_is_within_its_county():
    township = RegionCode.parse("370102001")

    assert township.is_within(RegionCode.parse("370102"))


def test_a_region_is_within_itself():
    township = RegionCode.parse("370102001")

    assert township.is_within(township)


def test_a_township_is_not_within_a_sibling_township():
    township = RegionCode.parse("370102001")

    assert not township.is_within(RegionCode.parse("370102002"))


def test_a_county_is_not_within_one_of_its_townships():
    county = RegionCode.parse("370102")

    assert not county.is_within(RegionCode.parse("370102001"))


@pytest.mark.parametrize("text", ["3701", "370102", "370102001", "370211005"])
def test_a_province_contains_every_region_below_it(text):
    province = RegionCode.parse("37")

    assert RegionCode.parse(text).is_within(province)


def test_a_region_of_another_province_is_not_within_it():
    region = RegionCode.parse("410102")

    assert not region.is_within(RegionCode.parse("37"))


def test_ancestor_returns_the_enclosing_region_at_a_level():
    township = RegionCode.parse("370102001")

    assert township.ancestor(RegionLevel.CITY) == RegionCode.parse("3701")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "3",
        "37010",
        "3701020",
        "3700",
        "00",
        "000000",
        "370102001001",
        "３７０１",
        "37-01",
    ],
)
def test_invalid_codes_are_refused_naming_the_region_field(text):
    with pytest.raises(InvalidValue) as caught:
        RegionCode.parse(text)

    assert caught.value.field == "region"
    assert caught.value.code == "invalid_region"
