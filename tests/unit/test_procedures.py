"""Each service's own procedure (R1): the public notice of dibao and tekun, emergency
temporary assistance helped first, and the township's approval cap."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from attrs import evolve

from adapters.holiday_calendar import china_calendar
from domain.actors import Role
from domain.cases import (
    APPROVED,
    BENEFIT_GRANTED,
    HELPED_FIRST,
    IN_PUBLIC_NOTICE,
    RECEIVED,
    VERIFIED,
    Case,
)
from domain.deadlines import DeadlineStatus, Stage, deadline_of, stage_deadline_of
from domain.errors import IllegalTransition, RuleRefused
from domain.lifecycle import Step, apply
from domain.money import Money
from domain.particulars import TemporaryKind, TemporaryRequest
from domain.policy import ServiceGuide
from domain.policy_defaults import default_policy
from domain.services import Service
from tests.unit.lifecycle_helpers import (
    CST,
    SAMPLE_COUNTY,
    SAMPLE_TOWNSHIP,
    TOWNSHIP,
    Clock,
    act,
    case_in,
    emergency_request,
    new_case,
    officer,
    prepare_for_decision,
    rules_for,
    snapshot,
)

DIBAO, TEKUN, TEMPORARY = Service.DIBAO, Service.TEKUN, Service.TEMPORARY
REVIEWER = officer(Role.REVIEWER)
APPROVER = officer(Role.APPROVER)
COUNTY_APPROVER = officer(Role.APPROVER, region=SAMPLE_COUNTY, actor_id="county-1")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=CST)


def noticed_case(service: Service, posted: date) -> Case:
    """A verified case whose township opinion is posted (公示) on `posted`."""
    case = case_in(service, VERIFIED, clock=Clock(at(posted, 9)))
    apply(case, "publish_notice", Step(REVIEWER, at(posted)), rules_for(service))
    return case


def refusal(case: Case, event: str, step: Step) -> RuleRefused:
    before = snapshot(case)
    with pytest.raises(RuleRefused) as refused:
        apply(case, event, step, rules_for(case.service, case.region))
    assert case == before
    return refused.value


# -- 公示: a public notice of seven days between verification and confirmation --


@pytest.mark.parametrize("service", [DIBAO, TEKUN])
def test_r1_the_notice_runs_seven_days_from_the_day_after_it_is_posted(service: Service) -> None:
    case = noticed_case(service, date(2026, 3, 2))

    notice = case.public_notice

    assert case.state == IN_PUBLIC_NOTICE
    assert notice is not None
    assert notice.ends_on == date(2026, 3, 9)
    assert case.events[-1].facts["notice_ends_on"] == "2026-03-09"


@pytest.mark.parametrize("service", [DIBAO, TEKUN])
def test_r1_a_case_cannot_be_confirmed_on_the_last_day_of_its_notice(service: Service) -> None:
    case = noticed_case(service, date(2026, 3, 2))

    refused = refusal(case, "approve", Step(APPROVER, at(date(2026, 3, 9), 16)))

    assert (refused.code, refused.rule) == ("public_notice_running", "R1")
    assert "2026年03月09日" in refused.message


@pytest.mark.parametrize("service", [DIBAO, TEKUN])
def test_r1_a_case_is_confirmed_the_day_after_its_notice_ends(service: Service) -> None:
    case = noticed_case(service, date(2026, 3, 2))

    apply(case, "approve", Step(APPROVER, at(date(2026, 3, 10), 9)), rules_for(service))

    assert case.state == APPROVED


def test_r1_dibao_cannot_be_confirmed_straight_from_verification() -> None:
    case = case_in(DIBAO, VERIFIED)

    with pytest.raises(IllegalTransition) as refused:
        apply(case, "approve", Step(APPROVER, at(date(2026, 4, 1))), rules_for(DIBAO))

    assert "publish_notice" in refused.value.allowed_events


def test_r1_an_objection_during_the_notice_sends_the_case_back_to_investigation() -> None:
    case = noticed_case(DIBAO, date(2026, 3, 2))
    step = Step(
        officer(Role.WINDOW_CLERK), at(date(2026, 3, 5)), "objection", "邻居反映有经营收入"
    )

    recorded = apply(case, "object", step, rules_for(DIBAO))

    notice = case.public_notice
    assert case.state == RECEIVED
    assert notice is not None
    assert notice.objected
    assert notice.objection == "邻居反映有经营收入"
    assert (recorded.from_state, recorded.to_state, recorded.rule) == (
        IN_PUBLIC_NOTICE,
        RECEIVED,
        "R1",
    )


def test_r1_after_an_objection_a_new_investigation_leads_to_a_new_notice() -> None:
    clock = Clock(at(date(2026, 3, 2), 9))
    case = case_in(DIBAO, IN_PUBLIC_NOTICE, clock=clock)
    act(case, "object", clock)

    act(case, "verify", clock)
    act(case, "publish_notice", clock)

    assert [n.objected for n in case.public_notices] == [True, False]
    assert case.state == IN_PUBLIC_NOTICE


def test_r1_an_objection_needs_a_reason() -> None:
    case = noticed_case(DIBAO, date(2026, 3, 2))

    refused = refusal(case, "object", Step(REVIEWER, at(date(2026, 3, 4))))

    assert refused.code == "reason_required"


def test_r1_an_objection_after_the_notice_ended_is_refused() -> None:
    case = noticed_case(DIBAO, date(2026, 3, 2))

    refused = refusal(
        case, "object", Step(REVIEWER, at(date(2026, 3, 10)), "objection", "迟到的异议")
    )

    assert (refused.code, refused.rule) == ("public_notice_over", "R1")


# -- the clocks of the notice procedure (R13) --


def guide_of(service: Service, **notice_changes: Any) -> ServiceGuide:
    guide = default_policy().guide(service)
    assert guide.notice_procedure is not None
    return evolve(guide, notice_procedure=evolve(guide.notice_procedure, **notice_changes))


def test_r13_confirmation_is_due_three_working_days_after_a_notice_over_the_spring_festival() -> (
    None
):
    """Posted 12 Feb 2026, the notice ends on 19 Feb inside the 15-23 Feb holiday."""
    case = noticed_case(DIBAO, date(2026, 2, 12))

    stage = stage_deadline_of(
        case, guide_of(DIBAO), china_calendar(), now=at(date(2026, 2, 20)), due_soon_days=3
    )

    assert stage is not None
    assert stage.stage is Stage.CONFIRMATION
    assert stage.due == date(2026, 2, 26)  # 24, 25, 26 Feb: the first working days after


def test_r13_while_the_notice_runs_its_stage_is_the_notice_itself() -> None:
    case = noticed_case(DIBAO, date(2026, 3, 2))

    stage = stage_deadline_of(
        case, guide_of(DIBAO), china_calendar(), now=at(date(2026, 3, 9)), due_soon_days=3
    )

    assert stage is not None
    assert (stage.stage, stage.due) == (Stage.PUBLIC_NOTICE, date(2026, 3, 9))


def test_r13_confirmation_overdue_after_three_working_days() -> None:
    case = noticed_case(DIBAO, date(2026, 3, 2))

    stage = stage_deadline_of(
        case, guide_of(DIBAO), china_calendar(), now=at(date(2026, 3, 13)), due_soon_days=1
    )

    assert stage is not None
    assert (stage.stage, stage.due, stage.status) == (
        Stage.CONFIRMATION,
        date(2026, 3, 12),
        DeadlineStatus.OVERDUE,
    )


def test_r13_investigation_is_due_ten_working_days_after_acceptance() -> None:
    case = new_case(DIBAO, at=at(date(2026, 3, 2), 9))

    stage = stage_deadline_of(
        case, guide_of(DIBAO), china_calendar(), now=at(date(2026, 3, 3)), due_soon_days=3
    )

    assert stage is not None
    assert (stage.stage, stage.due) == (Stage.INVESTIGATION, date(2026, 3, 16))


def test_r13_after_an_objection_the_investigation_counts_from_the_objection() -> None:
    case = noticed_case(DIBAO, date(2026, 3, 2))
    step = Step(REVIEWER, at(date(2026, 3, 4)), "objection", "有异议")
    apply(case, "object", step, rules_for(DIBAO))

    stage = stage_deadline_of(
        case, guide_of(DIBAO), china_calendar(), now=at(date(2026, 3, 5)), due_soon_days=3
    )

    assert stage is not None
    assert (stage.stage, stage.due) == (Stage.INVESTIGATION, date(2026, 3, 18))


@pytest.mark.parametrize(("counts", "paused"), [(True, 0), (False, 5)])
def test_r13_whether_the_notice_uses_the_overall_limit_is_a_parameter(
    counts: bool, paused: int
) -> None:
    """Posted Mon 2 Mar 2026, the notice covers 3 to 9 Mar: five working days."""
    case = noticed_case(DIBAO, date(2026, 3, 2))

    deadline = deadline_of(
        case,
        guide_of(DIBAO, notice_counts_towards_limit=counts),
        china_calendar(),
        today=date(2026, 3, 10),
        due_soon_days=3,
    )

    assert deadline is not None
    assert deadline.paused_working_days == paused
    assert (
        deadline.due == china_calendar().add_working_days(case.received_at.date(), 20 + paused).day
    )


# -- 急难型临时救助: help first within 24 hours, complete the paperwork within 5 working days --


RECEIVED_AT = datetime(2026, 3, 2, 20, 0, tzinfo=CST)  # a Monday evening


def emergency_case(request: TemporaryRequest | None = None) -> Case:
    return new_case(TEMPORARY, at=RECEIVED_AT, particulars=request or emergency_request())


def help_first(case: Case, hours_later: float) -> None:
    step = Step(REVIEWER, RECEIVED_AT + timedelta(hours=hours_later), reason="house_fire")
    apply(case, "help_first", step, rules_for(TEMPORARY))


def test_r1_emergency_help_is_given_first_and_recorded_with_its_amount_and_cause() -> None:
    case = emergency_case()

    help_first(case, hours_later=14)

    helped = case.emergency_help
    assert case.state == HELPED_FIRST
    assert helped is not None
    assert (helped.amount, helped.by, helped.within_limit) == (
        Money.yuan("1000"),
        REVIEWER.id,
        True,
    )
    assert case.events[-1].facts == {
        "amount_fen": "100000",
        "cause": "fire",
        "within_hours": "yes",
    }


@pytest.mark.parametrize(("hours", "within"), [(24, True), (24.5, False)])
def test_r1_help_after_24_hours_is_recorded_as_late_never_refused(
    hours: float, within: bool
) -> None:
    case = emergency_case()

    help_first(case, hours_later=hours)

    assert case.emergency_help is not None
    assert case.emergency_help.within_limit is within


def test_r1_a_spending_kind_request_cannot_be_helped_first() -> None:
    spending = TemporaryRequest(TemporaryKind.SPENDING, "serious_illness", Money.yuan("1500"))
    case = emergency_case(spending)

    refused = refusal(case, "help_first", Step(REVIEWER, RECEIVED_AT + timedelta(hours=1)))

    assert (refused.code, refused.rule) == ("not_emergency", "R1")


def test_r1_the_emergency_path_keeps_every_step_in_the_audit_trail() -> None:
    case = emergency_case()
    help_first(case, hours_later=13)
    clock = Clock(RECEIVED_AT + timedelta(hours=14))
    prepare_for_decision(case, clock)

    for event in ("verify", "approve", "grant"):
        act(case, event, clock)

    trail = [(e.event, e.from_state, e.to_state) for e in case.events]
    assert trail == [
        ("receive", "", RECEIVED),
        ("help_first", RECEIVED, HELPED_FIRST),
        ("record_check_report", HELPED_FIRST, HELPED_FIRST),
        ("verify", HELPED_FIRST, VERIFIED),
        ("approve", VERIFIED, APPROVED),
        ("grant", APPROVED, BENEFIT_GRANTED),
    ]


def test_r1_a_case_helped_first_cannot_be_withdrawn() -> None:
    case = emergency_case()
    help_first(case, hours_later=2)

    with pytest.raises(IllegalTransition):
        apply(
            case,
            "withdraw",
            Step(REVIEWER, RECEIVED_AT + timedelta(hours=3), reason="applicant_withdrew"),
            rules_for(TEMPORARY),
        )


def test_r13_emergency_help_is_due_24_hours_after_receipt() -> None:
    case = emergency_case()
    guide = default_policy().guide(TEMPORARY)

    stage = stage_deadline_of(
        case, guide, china_calendar(), now=RECEIVED_AT + timedelta(hours=20), due_soon_days=1
    )

    assert stage is not None
    assert (stage.stage, stage.due_at, stage.status) == (
        Stage.EMERGENCY_HELP,
        RECEIVED_AT + timedelta(hours=24),
        DeadlineStatus.DUE_SOON,
    )


def test_r13_the_paperwork_is_due_five_working_days_after_the_help() -> None:
    """Helped on Tue 3 Mar 2026: due Tue 10 Mar, and the overall limit follows it."""
    case = emergency_case()
    help_first(case, hours_later=14)
    guide = default_policy().guide(TEMPORARY)

    stage = stage_deadline_of(
        case, guide, china_calendar(), now=at(date(2026, 3, 4)), due_soon_days=1
    )
    overall = deadline_of(case, guide, china_calendar(), today=date(2026, 3, 4), due_soon_days=1)

    assert stage is not None
    assert overall is not None
    assert (stage.stage, stage.due) == (Stage.EMERGENCY_COMPLETION, date(2026, 3, 10))
    assert overall.due == date(2026, 3, 10)


# -- the township's approval cap for temporary assistance (R1) --


def temporary_awaiting_approval(yuan: str) -> Case:
    spending = TemporaryRequest(TemporaryKind.SPENDING, "serious_illness", Money.yuan(yuan))
    clock = Clock()
    case = new_case(TEMPORARY, particulars=spending, at=clock.now)
    prepare_for_decision(case, clock)
    act(case, "verify", clock)
    return case


def test_r1_a_township_approves_temporary_assistance_up_to_its_cap() -> None:
    case = temporary_awaiting_approval("2000.00")

    apply(case, "approve", Step(APPROVER, at(date(2026, 3, 3))), rules_for(TEMPORARY))

    assert case.state == APPROVED


def test_r1_above_the_cap_a_township_approver_is_refused() -> None:
    case = temporary_awaiting_approval("2000.01")

    refused = refusal(case, "approve", Step(APPROVER, at(date(2026, 3, 3))))

    assert (refused.code, refused.rule) == ("above_township_cap", "R1")
    assert "2000.00元" in refused.message


def test_r1_above_the_cap_the_county_approves() -> None:
    case = temporary_awaiting_approval("2000.01")
    county = officer(Role.APPROVER, region=TOWNSHIP.parent or TOWNSHIP, actor_id="county-2")

    apply(case, "approve", Step(county, at(date(2026, 3, 3))), rules_for(TEMPORARY))

    assert case.state == APPROVED


def test_r1_emergency_help_above_the_cap_needs_the_county() -> None:
    case = emergency_case(emergency_request(yuan="2500"))

    refused = refusal(case, "help_first", Step(REVIEWER, RECEIVED_AT + timedelta(hours=2)))

    assert refused.code == "above_township_cap"


def test_where_the_county_confirms_a_township_cannot_approve_even_below_the_cap() -> None:
    spending = TemporaryRequest(TemporaryKind.SPENDING, "serious_illness", Money.yuan("500"))
    clock = Clock()
    case = new_case(TEMPORARY, region=SAMPLE_TOWNSHIP, particulars=spending, at=clock.now)
    prepare_for_decision(case, clock, SAMPLE_TOWNSHIP)
    act(case, "verify", clock, SAMPLE_TOWNSHIP)
    township = officer(Role.APPROVER, region=SAMPLE_TOWNSHIP)

    refused = refusal(case, "approve", Step(township, clock.tick()))
    apply(
        case, "approve", Step(COUNTY_APPROVER, clock.tick()), rules_for(TEMPORARY, SAMPLE_TOWNSHIP)
    )

    assert refused.code == "confirming_level"
    assert case.state == APPROVED
