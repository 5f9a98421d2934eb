"""R11: the one-time notice tells everything at once; R6 refuses, R12 only explains."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

import attrs
import pytest

from adapters.holiday_calendar import china_calendar
from domain.actors import Actor, Role
from domain.calendar import WorkingCalendar
from domain.cases import Applicant
from domain.errors import InvalidValue
from domain.facts import AssistanceRecord, CheckWarning, RecordStatus
from domain.identity import ResidentId
from domain.lifecycle import CaseRules, Step, open_case
from domain.notices import (
    OneTimeNotice,
    notice_for_application,
    notice_for_case,
    notice_for_consultation,
    render_text,
)
from domain.policy import ServiceGuide
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.services import Channel, Service

TOWNSHIP = RegionCode("370102001")
CLERK = Actor(id="clerk-1", name="王敏", roles=[Role.WINDOW_CLERK], region=TOWNSHIP)
RESIDENT_ID = "11010519491231002X"
COMPLETE = frozenset({"id_card", "household_register", "commitment", "check_authorization"})
RECEIVED_ON = date(2026, 3, 2)
ACCEPTED_SECTIONS = (
    "办理依据",
    "办理时限",
    "办理程序",
    "所需材料",
    "尚需补正材料（一次性告知）",
    "核对报告预警说明",
    "待查询事项",
    "监督投诉",
)


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return china_calendar()


def guide_for(service: Service = Service.DIBAO) -> ServiceGuide:
    return default_policy().guide(service)


def dibao_notice(
    calendar: WorkingCalendar,
    *,
    supplied: frozenset[str] = COMPLETE,
    blocking_records: Sequence[AssistanceRecord] = (),
    warnings: Sequence[CheckWarning] = (),
    pending: Sequence[str] = (),
) -> OneTimeNotice:
    return notice_for_application(
        guide_for(),
        supplied=supplied,
        received_on=RECEIVED_ON,
        calendar=calendar,
        blocking_records=blocking_records,
        warnings=warnings,
        pending=pending,
    )


def receiving_dibao() -> AssistanceRecord:
    return AssistanceRecord(Service.DIBAO, RecordStatus.RECEIVING, date(2024, 5, 1))


def property_warning() -> CheckWarning:
    return CheckWarning("real_estate", "家庭成员名下登记住房2套", "不动产登记机构")


def test_r11_an_application_missing_three_materials_lists_all_three_in_guide_order(calendar):
    notice = dibao_notice(calendar, supplied=frozenset({"id_card"}))

    assert notice.missing_materials == (
        ("household_register", "户口簿"),
        ("commitment", "承诺书（本人签字）"),
        ("check_authorization", "家庭经济状况核对授权书"),
    )


def test_r11_a_complete_application_lists_no_missing_material(calendar):
    notice = dibao_notice(calendar)

    assert notice.missing_materials == ()


def test_r11_optional_materials_are_never_listed_as_missing(calendar):
    notice = dibao_notice(calendar, supplied=COMPLETE - {"commitment"})

    assert [code for code, _name in notice.missing_materials] == ["commitment"]


def test_r6_an_applicant_receiving_dibao_is_not_accepted_and_told_why(calendar):
    notice = dibao_notice(calendar, blocking_records=[receiving_dibao()])

    reason = notice.reasons[0]
    assert (notice.accepted, reason.rule, reason.code) == (False, "R6", "already_receiving")
    assert "正在享受最低生活保障" in reason.text


def test_r6_an_applicant_applying_for_tekun_is_not_accepted_and_told_why(calendar):
    record = AssistanceRecord(Service.TEKUN, RecordStatus.PENDING, date(2026, 2, 20))

    notice = dibao_notice(calendar, blocking_records=[record])

    reason = notice.reasons[0]
    assert (notice.accepted, reason.code) == (False, "already_applying")
    assert "正在申请特困人员救助供养" in reason.text


def test_r6_an_ended_record_is_refused_as_a_blocking_record(calendar):
    record = AssistanceRecord(Service.DIBAO, RecordStatus.ENDED, date(2020, 1, 1))

    with pytest.raises(InvalidValue) as refused:
        dibao_notice(calendar, blocking_records=[record])

    assert refused.value.field == "blocking_records"


def test_r11_a_not_accepted_application_has_no_running_deadline(calendar):
    notice = dibao_notice(calendar, blocking_records=[receiving_dibao()])

    assert notice.deadline is None


def test_r13_an_accepted_application_is_told_its_due_date(calendar):
    notice = dibao_notice(calendar)

    assert (notice.deadline, notice.deadline_provisional) == (date(2026, 3, 30), False)


def test_r12_a_warning_is_explained_and_the_application_stays_accepted(calendar):
    notice = dibao_notice(calendar, warnings=[property_warning()])

    reason = notice.reasons[0]
    assert (notice.accepted, reason.rule, reason.code) == (True, "R12", "real_estate")
    assert "家庭成员名下登记住房2套" in reason.text
    assert "不动产登记机构" in reason.text


def test_r11_a_notice_cannot_refuse_without_a_reason(calendar):
    notice = dibao_notice(calendar, warnings=[property_warning()])

    with pytest.raises(InvalidValue) as refused:
        attrs.evolve(notice, accepted=False)

    assert refused.value.field == "reasons"


def test_r11_things_still_being_checked_are_shown(calendar):
    notice = dibao_notice(calendar, pending=["历史救助记录查询中"])

    assert "历史救助记录查询中" in render_text(notice)


def test_r11_the_rendered_notice_shows_every_section_present(calendar):
    notice = dibao_notice(
        calendar,
        supplied=frozenset({"id_card"}),
        warnings=[property_warning()],
        pending=["失业登记状态查询中"],
    )

    text = render_text(notice)

    assert [heading for heading in ACCEPTED_SECTIONS if f"、{heading}\n" not in text] == []


def test_r11_the_rendered_refusal_shows_its_reasons_section(calendar):
    notice = dibao_notice(calendar, blocking_records=[receiving_dibao()])

    assert "、不予受理理由\n" in render_text(notice)


def test_r11_a_not_accepted_application_asks_for_no_materials(calendar):
    notice = dibao_notice(
        calendar, supplied=frozenset({"id_card"}), blocking_records=[receiving_dibao()]
    )

    assert notice.missing_materials == ()


def test_r11_the_rendered_notice_leaves_out_empty_sections(calendar):
    notice = dibao_notice(calendar)

    text = render_text(notice)

    assert "不予受理理由" not in text
    assert "尚需补正材料" not in text


def test_r11_the_rendered_notice_shows_the_rule_and_code_beside_a_reason(calendar):
    notice = dibao_notice(calendar, blocking_records=[receiving_dibao()])

    assert "［R6 already_receiving］" in render_text(notice)


def test_r11_the_notice_of_a_case_names_the_applicant_but_never_the_resident_id(calendar):
    rules = CaseRules.for_case(default_policy(), Service.DIBAO, TOWNSHIP)
    moment = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=8)))
    case = open_case(
        case_id="DB-2026-0002",
        service=Service.DIBAO,
        applicant=Applicant(ResidentId(RESIDENT_ID), "张秀兰"),
        region=TOWNSHIP,
        channel=Channel.WINDOW,
        step=Step(actor=CLERK, at=moment, materials=frozenset({"id_card"})),
        rules=rules,
    )

    text = render_text(notice_for_case(case, rules.guide, calendar))

    assert "张秀兰" in text
    assert RESIDENT_ID not in text


def test_r11_a_consultation_notice_lists_every_material_and_nothing_missing():
    guide = guide_for()

    notice = notice_for_consultation(guide)

    listed = notice.required_materials + notice.optional_materials
    assert sorted(listed) == sorted((m.code, m.name) for m in guide.materials)
    assert (notice.missing_materials, notice.deadline) == ((), None)


def test_r11_a_consultation_notice_gives_basis_limit_and_procedure():
    guide = guide_for()

    notice = notice_for_consultation(guide)

    told = (notice.basis, notice.time_limit_working_days, notice.procedure)
    assert told == (guide.basis, 20, guide.procedure)


def test_r2_the_complaint_line_names_the_department_of_the_service():
    notice = notice_for_consultation(guide_for(Service.UNEMPLOYMENT_REGISTRATION))

    assert "人力资源社会保障部门" in notice.complaint


def test_r11_the_title_names_the_service():
    notice = notice_for_consultation(guide_for())

    assert notice.title == "最低生活保障 一次性告知书"
