"""Complaints and reports through the API (R10, R15): first responder and channel, the
machine received -> verified -> rectified -> answered -> closed with the complainant's
response, transfers to officers and units, reviews of a closed case, the bounced list."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.e2e.conftest import Api
from tests.e2e.desk import COUNTY, T1, Desk


@pytest.fixture
def desk(api: Api, client: TestClient[Any]) -> Desk:
    desk = Desk(api, client)
    desk.at(3, 2)
    return desk


def complain(desk: Desk, *, who: str | None = None, **extra: Any) -> Any:
    body = {"kind": "complaint", "summary": "窗口人员推诿，不予受理", "region": T1, **extra}
    return desk.ok(desk.post(who or desk.clerk[T1], "complaints", body), 201)


def act(desk: Desk, complaint_id: str, event: str, **body: Any) -> Any:
    desk.later()
    return desk.post(
        desk.supervisor, f"complaints/{complaint_id}/events", {"event": event, **body}
    )


def transfer(desk: Desk, who: str, complaint_id: str, **body: Any) -> Any:
    desk.later()
    return desk.post(who, f"complaints/{complaint_id}/transfer", body)


def test_a_complaint_records_who_first_received_it_by_which_channel_and_what_it_names(desk):
    case_id = desk.apply(T1, 1)
    named = desk.reviewer[T1]

    complaint = complain(desk, channel="phone", case_id=case_id, staff_id=named, complainant="王")

    assert (complaint["first_responder"], complaint["responsible"]) == (desk.clerk[T1],) * 2
    assert (complaint["channel"], complaint["state"], complaint["unit"]) == (
        "phone",
        "received",
        f"{T1}/civil_affairs",
    )
    assert (complaint["case_id"], complaint["service"], complaint["staff_id"]) == (
        case_id,
        "dibao",
        named,
    )


def test_a_complaint_runs_fifteen_working_days_from_receipt_to_the_answer(desk):
    """Received Monday 2 March 2026: 3 to 6, 9 to 13, 16 to 20, 23 March."""
    complaint = complain(desk)

    assert complaint["deadline"]["due"] == "2026-03-23"
    assert complaint["deadline"]["working_days_allowed"] == 15


def test_the_first_responder_stays_on_the_record_through_transfers_to_a_unit_and_an_officer(desk):
    complaint = complain(desk)
    cid = complaint["id"]

    to_unit = transfer(
        desk, desk.clerk[T1], cid, to_unit=f"{COUNTY}/civil_affairs", reason="涉及县级"
    )
    to_officer = transfer(
        desk, desk.supervisor, cid, to_officer="county-officer", reason="专人核实"
    )
    read_by_first = desk.get(desk.clerk[T1], f"complaints/{cid}")

    assert desk.ok(to_unit)["region"] == COUNTY
    held = desk.ok(to_officer)
    assert (held["first_responder"], held["responsible"]) == (desk.clerk[T1], "county-officer")
    assert [(t["to_unit"], t["to_officer"], t["reason"]) for t in held["transfers"]] == [
        (f"{COUNTY}/civil_affairs", "", "涉及县级"),
        (None, "county-officer", "专人核实"),
    ]
    # R10: the first responder still reads it, though it left their township.
    assert desk.ok(read_by_first)["first_responder"] == desk.clerk[T1]


def test_a_transfer_without_a_receiver_is_refused_naming_r10(desk):
    complaint = complain(desk)

    answer = transfer(desk, desk.clerk[T1], complaint["id"], reason="不归我管")

    assert answer.status_code == 409
    assert (answer.json()["code"], answer.json()["rule"]) == ("transfer_invalid", "R10")


def test_a_substantiated_complaint_is_rectified_answered_and_closed_with_the_response(desk):
    cid = complain(desk)["id"]

    act(desk, cid, "verify", text="经核实属实", substantiated=True)
    act(desk, cid, "rectify", text="已约谈并重新受理")
    act(desk, cid, "answer", text="已电话告知处理结果")
    closed = desk.ok(act(desk, cid, "close", satisfaction="dissatisfied", text="认为处理偏轻"))

    assert (closed["state"], closed["open"], closed["allowed_events"]) == ("closed", False, [])
    assert [e["event"] for e in closed["events"]] == [
        "receive",
        "verify",
        "rectify",
        "answer",
        "close",
    ]
    assert closed["verification"]["substantiated"] is True
    assert (closed["rectification"]["text"], closed["answer"]["text"]) == (
        "已约谈并重新受理",
        "已电话告知处理结果",
    )
    assert closed["response"]["satisfaction"] == "dissatisfied"
    assert closed["response"]["text"] == "认为处理偏轻"
    assert closed["first_responder"] == desk.clerk[T1]
    assert closed["deadline"] is None


def test_an_unsubstantiated_complaint_is_answered_without_rectification(desk):
    cid = complain(desk)["id"]
    act(desk, cid, "verify", text="经核实不属实", substantiated=False)

    rectify = act(desk, cid, "rectify", text="无")
    answer = act(desk, cid, "answer", text="经核实不属实，已告知")

    assert rectify.status_code == 409
    assert (rectify.json()["code"], rectify.json()["rule"]) == ("not_substantiated", "R15")
    assert desk.ok(answer)["state"] == "answered"


def test_a_complaint_is_not_closed_without_the_complainant_s_response(desk):
    cid = complain(desk)["id"]
    act(desk, cid, "verify", text="不属实", substantiated=False)
    act(desk, cid, "answer", text="已答复")

    answer = act(desk, cid, "close")

    assert answer.status_code == 409
    assert (answer.json()["code"], answer.json()["rule"]) == ("response_required", "R15")


def test_a_clerk_cannot_verify_a_complaint_and_the_refusal_is_recorded(desk, api):
    cid = complain(desk)["id"]
    clerk = desk.clerk[T1]

    answer = desk.post(clerk, f"complaints/{cid}/events", {"event": "verify", "text": "属实"})

    assert answer.status_code == 403
    assert answer.json()["rule"] == "P10"
    assert (clerk, "access_refused", "role_not_allowed") in api.refusals()


def test_complaints_are_listed_for_the_supervisor_by_kind(desk):
    complain(desk)
    report = complain(desk, kind="report", summary="有人冒领低保")

    found = desk.ok(desk.get(desk.supervisor, f"complaints?region={COUNTY}&kind=report"))

    assert [c["id"] for c in found["items"]] == [report["id"]]


# -- a review of the closed case (R15) --


def rejected_case(desk: Desk) -> str:
    case_id = desk.apply(T1, 2)
    desk.ok(desk.step(desk.reviewer[T1], case_id, "reject", reason="income_above_standard"))
    return case_id


def test_a_complaint_about_a_closed_case_opens_a_review_and_the_closed_case_stays_closed(desk):
    case_id = rejected_case(desk)
    cid = complain(desk, case_id=case_id)["id"]
    act(desk, cid, "verify", text="收入认定有误", substantiated=True)

    desk.later()
    answer = desk.post(desk.supervisor, f"complaints/{cid}/review", {"reason": "收入认定有误"})

    body = desk.ok(answer, 201)
    review_id = body["review_case"]["id"]
    assert (body["review_case"]["service"], body["review_case"]["state"]) == ("dibao", "received")
    assert body["complaint"]["review_cases"] == [review_id]
    assert body["complaint"]["events"][-1]["event"] == "request_review"
    original = desk.case(desk.supervisor, case_id)
    assert (original["case"]["state"], original["reviews"]) == ("closed", [review_id])
    assert desk.case(desk.supervisor, review_id)["review_of"] == case_id


def test_a_review_of_a_case_still_open_is_refused(desk):
    case_id = desk.apply(T1, 3)
    cid = complain(desk, case_id=case_id)["id"]
    act(desk, cid, "verify", text="属实", substantiated=True)

    answer = desk.post(desk.supervisor, f"complaints/{cid}/review", {"reason": "复查"})

    assert answer.status_code == 422
    assert answer.json()["code"] == "case_still_open"


# -- consultations and the bounced list (R10) --


def consult(desk: Desk) -> str:
    body = {"question": "残疾人补贴找哪个部门？", "region": T1, "channel": "phone"}
    answer = desk.post(desk.clerk[T1], "consultations", body)
    return str(desk.ok(answer, 201)["consultation"]["id"])


def move(desk: Desk, who: str, consultation_id: str, unit: str) -> Any:
    desk.later()
    body = {"to_unit": unit, "reason": "不属本单位职责"}
    return desk.ok(desk.post(who, f"consultations/{consultation_id}/transfer", body))


def test_a_consultation_moved_to_a_unit_keeps_its_first_responder(desk):
    consultation = consult(desk)

    moved = move(desk, desk.clerk[T1], consultation, f"{COUNTY}/human_resources")

    assert (moved["first_responder"], moved["unit"]) == (
        desk.clerk[T1],
        f"{COUNTY}/human_resources",
    )
    assert moved["transfers"][0]["from_unit"] == f"{T1}/civil_affairs"


def test_a_record_sent_back_to_a_unit_it_had_left_is_on_the_bounced_list(desk):
    bounced = consult(desk)
    moved_once = consult(desk)
    move(desk, desk.clerk[T1], bounced, f"{COUNTY}/human_resources")
    move(desk, desk.supervisor, bounced, f"{T1}/civil_affairs")
    move(desk, desk.clerk[T1], moved_once, f"{COUNTY}/human_resources")

    found = desk.ok(desk.get(desk.supervisor, f"bounced-records?region={COUNTY}"))

    assert [(b["record_id"], b["kind"], b["first_responder"]) for b in found] == [
        (bounced, "consultation", desk.clerk[T1])
    ]
    assert found[0]["bounce"]["path"] == [
        f"{T1}/civil_affairs",
        f"{COUNTY}/human_resources",
        f"{T1}/civil_affairs",
    ]
    assert found[0]["bounce"]["returned"] is True


def test_a_complaint_bounced_between_units_is_listed_with_its_first_responder(desk):
    cid = complain(desk)["id"]
    for unit in (f"{COUNTY}/human_resources", f"{COUNTY}/civil_affairs", f"{T1}/civil_affairs"):
        desk.ok(transfer(desk, desk.supervisor, cid, to_unit=unit, reason="职责不清"))

    found = desk.ok(desk.get(desk.auditor, f"bounced-records?region={COUNTY}"))

    assert [(b["record_id"], b["kind"], b["first_responder"]) for b in found] == [
        (cid, "complaint", desk.clerk[T1])
    ]
    assert (found[0]["bounce"]["moves"], found[0]["bounce"]["too_many_moves"]) == (3, True)


def test_a_window_clerk_cannot_read_the_bounced_list_and_the_refusal_is_recorded(desk, api):
    answer = desk.get(desk.clerk[T1], f"bounced-records?region={T1}")

    assert answer.status_code == 403
    assert (desk.clerk[T1], "access_refused", "role_not_allowed") in api.refusals()
