"""Time limits through the API (R13): working days used and left on China's calendar,
the clock stopped while materials are owed, due soon and overdue, the supervisor's list
and an officer's own, provisional deadlines in an unknown year, and extensions.

The expected days are counted here by hand from the State Council's 2026 schedule (as
the `holidays` library carries it): the Spring Festival days off are 15 to 23 February
2026, and Saturday 14 February and Saturday 28 February are working days (调休上班).
The 2027 schedule is not published in that data, so 2027 counts Monday to Friday and is
marked provisional.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.e2e.conftest import Api
from tests.e2e.desk import COUNTY, T1, T2, Desk

DIBAO_LIST = f"deadlines?region={T1}&service=dibao"


@pytest.fixture
def desk(api: Api, client: TestClient[Any]) -> Desk:
    return Desk(api, client)


def _only(items: list[Any]) -> Any:
    assert len(items) == 1, items
    return items[0]


@pytest.fixture
def festival_case(desk: Desk) -> str:
    """Received on Tuesday 10 February 2026, a few days before the Spring Festival."""
    desk.at(2, 10)
    return desk.apply(T1, 1)


def test_a_deadline_across_the_spring_festival_skips_the_holiday_and_counts_the_working_saturdays(
    desk, festival_case
):
    """20 working days from 10 Feb 2026: 11, 12, 13, Sat 14, then 24 to 27, Sat 28,
    2 to 6, 9 to 13, 16 March: due Monday 16 March (Monday to Friday alone would say
    10 March)."""
    desk.at(3, 2)

    deadline = desk.case(desk.supervisor, festival_case)["deadline"]

    assert deadline["due"] == "2026-03-16"
    assert deadline["provisional"] is False
    assert (deadline["working_days_allowed"], deadline["working_days_used"]) == (20, 10)
    assert (deadline["working_days_left"], deadline["status"]) == (10, "on_time")


def test_the_supervisor_list_shows_the_festival_case_on_time_only_when_asked_for(
    desk, festival_case
):
    desk.at(3, 2)

    default = desk.ok(desk.get(desk.supervisor, DIBAO_LIST))
    on_time = desk.ok(desk.get(desk.supervisor, DIBAO_LIST + "&status=on_time"))

    assert default["items"] == []
    assert _only(on_time["items"])["case"]["id"] == festival_case


def test_the_festival_case_is_due_soon_two_working_days_before_its_due_day(desk, festival_case):
    """On Thursday 12 March: 18 used (10 by 2 March, then 3 to 6, 9 to 12), 2 left."""
    desk.at(3, 12)

    item = _only(desk.ok(desk.get(desk.supervisor, DIBAO_LIST))["items"])

    assert item["case"]["id"] == festival_case
    assert item["deadline"]["working_days_used"] == 18
    assert (item["deadline"]["working_days_left"], item["deadline"]["status"]) == (2, "due_soon")


def test_the_festival_case_is_overdue_the_day_after_its_due_day(desk, festival_case):
    desk.at(3, 17)

    item = _only(desk.ok(desk.get(desk.supervisor, DIBAO_LIST + "&status=overdue"))["items"])

    assert (item["deadline"]["working_days_left"], item["deadline"]["status"]) == (-1, "overdue")


def test_a_deadline_before_the_2027_spring_festival_is_provisional_and_counted_on_weekdays(
    desk,
):
    """The 2027 schedule is unknown: 20 weekdays from Monday 1 February 2027 end on
    1 March, the Spring Festival not skipped, and the deadline says it is provisional."""
    desk.at(2, 1, year=2027)
    case_id = desk.apply(T1, 2)
    desk.at(2, 3, year=2027)

    deadline = desk.case(desk.supervisor, case_id)["deadline"]

    assert (deadline["due"], deadline["provisional"]) == ("2027-03-01", True)
    assert (deadline["working_days_used"], deadline["working_days_left"]) == (2, 18)


def test_the_clock_stops_while_the_applicant_owes_materials_from_the_notice(desk):
    """Received Monday 2 March 2026 without the check authorisation; told at once on
    3 March, supplied on Friday 6 March: 4, 5 and 6 March do not count, so on Monday
    9 March 2 days are used (3 and 9 March) and the due day moves from 30 March to
    2 April."""
    desk.at(3, 2)
    case_id = desk.apply(T1, 3, materials=["id_card", "household_register", "commitment"])
    desk.at(3, 3, 10)
    desk.ok(desk.step(desk.clerk[T1], case_id, "request_materials"))
    desk.at(3, 6, 10)
    supplied = desk.step(
        desk.clerk[T1], case_id, "supply_materials", materials=["check_authorization"]
    )
    desk.ok(supplied)
    desk.at(3, 9)

    deadline = desk.case(desk.supervisor, case_id)["deadline"]

    assert (deadline["paused_working_days"], deadline["working_days_used"]) == (3, 2)
    assert deadline["due"] == "2026-04-02"


def test_the_supervisor_lists_by_officer_and_each_officer_sees_only_their_own(desk, api):
    desk.at(3, 2)
    mine = desk.apply(T1, 4)
    desk.apply(T2, 5)
    other_clerk = desk.clerk[T2]
    desk.at(3, 27)  # both due on 30 March: 1 working day left

    by_officer = desk.ok(
        desk.get(desk.supervisor, f"deadlines?region={COUNTY}&service=dibao&officer={other_clerk}")
    )
    own = desk.ok(desk.get(desk.clerk[T1], "deadlines/mine"))
    counts = desk.ok(desk.get(desk.supervisor, f"deadlines/counts?region={COUNTY}"))

    assert [i["case"]["responsible"] for i in by_officer["items"]] == [other_clerk]
    assert [i["case"]["id"] for i in own if i["case"]["service"] == "dibao"] == [mine]
    dibao = [(c["region"], c["officer"], c["due_soon"]) for c in counts if c["service"] == "dibao"]
    assert dibao == [(T1, desk.clerk[T1], 1), (T2, other_clerk, 1)]


def test_the_deadline_list_is_paginated(desk):
    desk.at(3, 2)
    ids = [desk.apply(T1, serial) for serial in (6, 7, 8)]
    desk.at(3, 27)

    first = desk.ok(desk.get(desk.supervisor, DIBAO_LIST + "&limit=2"))
    second = desk.ok(desk.get(desk.supervisor, DIBAO_LIST + "&limit=2&offset=2"))

    assert [i["case"]["id"] for i in first["items"] + second["items"]] == sorted(ids)
    assert (first["next_offset"], second["next_offset"]) == (2, None)


# -- extensions (R13) --


def extend(desk: Desk, who: str, case_id: str, **body: Any) -> Any:
    desk.later()
    return desk.post(who, f"cases/{case_id}/extension", body)


def test_an_extension_by_the_approver_moves_the_due_day_and_is_in_the_history(desk, festival_case):
    desk.at(3, 12)

    answer = extend(desk, desk.approver, festival_case, working_days=5, reason="需补充入户调查")

    assert answer.status_code == 200, answer.text
    detail = desk.case(desk.supervisor, festival_case)
    entry = detail["timeline"][-1]
    assert (entry["event"], entry["rule"], entry["reason"]) == ("extend", "R13", "需补充入户调查")
    assert (entry["facts"]["approved_by"], entry["facts"]["working_days"]) == (desk.approver, "5")
    assert [(e["working_days"], e["approved_by"]) for e in detail["extensions"]] == [
        (5, desk.approver)
    ]
    # 16 March + 5 working days: 17 to 20, 23 March.
    assert detail["deadline"]["due"] == "2026-03-23"
    assert (detail["deadline"]["working_days_allowed"], detail["deadline"]["status"]) == (
        25,
        "on_time",
    )


def test_an_extension_without_a_reason_is_refused_naming_the_field(desk, festival_case):
    answer = extend(desk, desk.approver, festival_case, working_days=5)

    assert answer.status_code == 422
    assert answer.json()["code"] == "validation_failed"
    assert "reason" in answer.text
    assert desk.case(desk.supervisor, festival_case)["extensions"] == []


def test_an_extension_by_anyone_but_an_approver_is_refused_and_recorded(desk, api, festival_case):
    reviewer = desk.reviewer[T1]

    answer = extend(desk, reviewer, festival_case, working_days=5, reason="案情复杂")

    assert answer.status_code == 403
    assert (reviewer, "access_refused", "role_not_allowed") in api.refusals()
    assert desk.case(desk.supervisor, festival_case)["extensions"] == []


def test_an_extension_beyond_the_guide_s_extended_limit_is_refused_naming_r13(desk, festival_case):
    """Dibao: 20 working days, 30 in special cases."""
    desk.ok(extend(desk, desk.approver, festival_case, working_days=8, reason="第一次延期"))

    answer = extend(desk, desk.approver, festival_case, working_days=3, reason="第二次延期")

    assert answer.status_code == 409
    assert (answer.json()["code"], answer.json()["rule"]) == ("extension_above_ceiling", "R13")
