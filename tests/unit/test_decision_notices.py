"""The written notice of each decision: reasons, the way to object, the 3-day limit (R1)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from adapters.holiday_calendar import china_calendar
from domain.actors import Role
from domain.cases import APPROVED, RECEIVED, Case
from domain.decision_notices import (
    DecisionKind,
    DecisionNotice,
    decision_notice,
    render_decision_text,
)
from domain.errors import InvalidValue
from domain.lifecycle import Step, apply
from domain.policy_defaults import default_policy
from domain.services import Service
from tests.unit.lifecycle_helpers import (
    CST,
    Clock,
    awaiting_confirmation,
    case_in,
    officer,
    rules_for,
)

DIBAO = Service.DIBAO
APPROVER = officer(Role.APPROVER)


def refused_dibao(on: date, reason: str = "income_above_standard", note: str = "") -> Case:
    case = awaiting_confirmation(DIBAO, clock=Clock(datetime(2026, 1, 5, 9, tzinfo=CST)))
    moment = datetime(on.year, on.month, on.day, 15, tzinfo=CST)
    apply(case, "reject", Step(APPROVER, moment, reason, note), rules_for(DIBAO))
    return case


def notice_of(case: Case) -> DecisionNotice:
    policy = default_policy()
    return decision_notice(case, policy.guide(case.service), china_calendar(), policy.parameters)


def test_r1_a_refusal_notice_gives_the_reason_from_the_catalogue_with_its_rule() -> None:
    case = refused_dibao(date(2026, 3, 3))

    notice = notice_of(case)

    assert notice.kind is DecisionKind.REFUSED
    (reason,) = notice.reasons
    assert reason.code == "income_above_standard"
    assert "最低生活保障标准" in reason.text
    assert reason.rule == "R1"


def test_r1_a_refusal_with_an_unknown_code_gives_the_officers_own_words() -> None:
    case = refused_dibao(date(2026, 3, 3), reason="other", note="家庭成员名下有营运车辆")

    notice = notice_of(case)

    assert notice.reasons[0].text == "家庭成员名下有营运车辆"


def test_r1_every_refusal_notice_says_how_to_object() -> None:
    notice = notice_of(refused_dibao(date(2026, 3, 3)))

    text = render_decision_text(notice)

    assert "行政复议" in notice.objection_route
    assert "行政诉讼" in notice.objection_route
    assert notice.objection_route in text
    assert "不予批准" in text


@pytest.mark.parametrize(
    ("refused_on", "issue_by"),
    [
        (date(2026, 3, 3), date(2026, 3, 6)),  # a Tuesday: three working days later
        # The Friday before the Spring Festival: Saturday 14 Feb is an adjusted working
        # day, then 15 to 23 Feb are off: 14, 24 and 25 Feb.
        (date(2026, 2, 13), date(2026, 2, 25)),
    ],
)
def test_r1_a_refusal_is_notified_in_writing_within_three_working_days(
    refused_on: date, issue_by: date
) -> None:
    notice = notice_of(refused_dibao(refused_on))

    assert notice.issue_by == issue_by
    assert notice.decided_on == refused_on


def test_an_approval_notice_has_no_refusal_reason_and_no_refusal_limit() -> None:
    clock = Clock(datetime(2026, 3, 2, 9, tzinfo=CST))
    case = awaiting_confirmation(DIBAO, clock=clock)
    apply(case, "approve", Step(APPROVER, clock.tick()), rules_for(DIBAO))

    notice = notice_of(case)

    assert case.state == APPROVED
    assert notice.kind is DecisionKind.APPROVED
    assert notice.reasons == ()
    assert notice.issue_by is None


def test_an_undecided_case_has_no_decision_notice() -> None:
    case = case_in(DIBAO, RECEIVED)

    with pytest.raises(InvalidValue) as refused:
        notice_of(case)

    assert refused.value.code == "not_decided"
