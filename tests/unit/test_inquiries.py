"""R10: whoever first receives a person stays responsible on record; transfers are kept."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from attrs import evolve

from domain.actors import Actor, Role
from domain.errors import InvalidValue
from domain.inquiries import Consultation
from domain.regions import RegionCode
from domain.services import Channel, Department, Service
from domain.units import Unit

LOCAL = timezone(timedelta(hours=8))
TOWNSHIP = RegionCode("370102001")
CLERK = Actor(id="clerk-1", name="王敏", roles=[Role.WINDOW_CLERK], region=TOWNSHIP)
REVIEWER = Actor(id="reviewer-1", name="李强", roles=[Role.REVIEWER], region=TOWNSHIP)
ASKED_AT = datetime(2026, 3, 2, 9, 15, tzinfo=LOCAL)


def consultation() -> Consultation:
    return Consultation(
        id="ZX-2026-0001",
        channel=Channel.PHONE,
        question="父亲七十岁，想申请低保，需要带什么材料？",
        received_at=ASKED_AT,
        first_responder=CLERK.id,
        responsible=CLERK.id,
        region=TOWNSHIP,
        service=Service.DIBAO,
    )


def later(minutes: int) -> datetime:
    return ASKED_AT + timedelta(minutes=minutes)


def test_r10_the_first_responder_stays_on_record_after_two_transfers():
    inquiry = consultation()
    inquiry.transfer(
        to_officer=REVIEWER.id, reason="涉及家庭经济状况核对", actor=CLERK, at=later(5)
    )

    inquiry.transfer(to_officer="hr-1", reason="涉及失业登记", actor=REVIEWER, at=later(30))

    assert (inquiry.first_responder, inquiry.responsible) == (CLERK.id, "hr-1")


def test_r10_every_transfer_is_recorded_with_its_receiver_and_reason():
    inquiry = consultation()

    inquiry.transfer(
        to_officer=REVIEWER.id, reason="涉及家庭经济状况核对", actor=CLERK, at=later(5)
    )

    transfer = inquiry.transfers[0]
    assert (transfer.from_officer, transfer.to_officer) == (CLERK.id, REVIEWER.id)
    assert transfer.reason == "涉及家庭经济状况核对"


def test_r10_a_transfer_without_a_receiver_is_refused_naming_the_field():
    inquiry = consultation()

    with pytest.raises(InvalidValue) as refused:
        inquiry.transfer(to_officer="  ", reason="涉及失业登记", actor=CLERK, at=later(5))

    assert (refused.value.field, refused.value.rule) == ("to_officer", "R10")


def test_r10_a_transfer_without_a_reason_is_refused_naming_the_field():
    inquiry = consultation()

    with pytest.raises(InvalidValue) as refused:
        inquiry.transfer(to_officer=REVIEWER.id, reason=" ", actor=CLERK, at=later(5))

    assert (refused.value.field, refused.value.rule) == ("reason", "R10")


def test_r10_a_transfer_to_the_current_holder_is_refused():
    inquiry = consultation()

    with pytest.raises(InvalidValue) as refused:
        inquiry.transfer(to_officer=CLERK.id, reason="转给自己", actor=CLERK, at=later(5))

    assert refused.value.field == "to_officer"


def test_r10_a_refused_transfer_leaves_responsibility_where_it_was():
    inquiry = consultation()

    with pytest.raises(InvalidValue):
        inquiry.transfer(to_officer=REVIEWER.id, reason="", actor=CLERK, at=later(5))

    assert (inquiry.responsible, inquiry.transfers) == (CLERK.id, [])


def test_r10_an_answered_consultation_cannot_be_transferred():
    inquiry = consultation()
    inquiry.answer_with(
        "需携带身份证、户口簿，并签署承诺书和核对授权书。", actor=CLERK, at=later(10)
    )

    with pytest.raises(InvalidValue) as refused:
        inquiry.transfer(to_officer=REVIEWER.id, reason="涉及核对", actor=CLERK, at=later(20))

    assert (refused.value.field, refused.value.code) == ("consultation", "closed")


def test_r10_an_answered_consultation_cannot_be_answered_again():
    inquiry = consultation()
    inquiry.answer_with(
        "需携带身份证、户口簿，并签署承诺书和核对授权书。", actor=CLERK, at=later(10)
    )

    with pytest.raises(InvalidValue) as refused:
        inquiry.answer_with("另行答复", actor=CLERK, at=later(20))

    assert refused.value.field == "consultation"


def test_r10_the_first_answer_is_kept_when_a_second_is_refused():
    inquiry = consultation()
    inquiry.answer_with(
        "需携带身份证、户口簿，并签署承诺书和核对授权书。", actor=CLERK, at=later(10)
    )

    with pytest.raises(InvalidValue):
        inquiry.answer_with("另行答复", actor=REVIEWER, at=later(20))

    assert inquiry.answer is not None
    assert (inquiry.answer.officer, inquiry.answer.at) == (CLERK.id, later(10))


def test_r10_a_blank_answer_is_refused_naming_the_field():
    inquiry = consultation()

    with pytest.raises(InvalidValue) as refused:
        inquiry.answer_with("  ", actor=CLERK, at=later(10))

    assert (refused.value.field, inquiry.is_open) == ("answer", True)


COUNTY_HR = Unit(RegionCode("370102"), Department.HUMAN_RESOURCES)


def test_r10_a_consultation_transferred_to_a_unit_is_held_by_that_unit_and_its_region():
    inquiry = evolve(consultation(), unit=Unit(TOWNSHIP, Department.CIVIL_AFFAIRS))

    inquiry.transfer(
        to_officer="", to_unit=COUNTY_HR, reason="失业登记由人社部门办理", actor=CLERK, at=later(5)
    )

    assert (inquiry.unit, inquiry.region, inquiry.responsible) == (
        COUNTY_HR,
        RegionCode("370102"),
        "",
    )


def test_r10_a_transfer_to_a_unit_keeps_the_unit_it_left_on_record():
    township = Unit(TOWNSHIP, Department.CIVIL_AFFAIRS)
    inquiry = evolve(consultation(), unit=township)

    inquiry.transfer(
        to_officer="hr-1", to_unit=COUNTY_HR, reason="涉及失业登记", actor=CLERK, at=later(5)
    )

    assert (inquiry.transfers[0].from_unit, inquiry.transfers[0].to_unit) == (township, COUNTY_HR)


def test_r10_unit_codes_read_back_as_the_unit_they_name():
    assert Unit.parse(COUNTY_HR.code) == COUNTY_HR
