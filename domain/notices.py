"""The one-time notice (一次性告知书, R11), built from the service guide and the case.

On an application or a question the person is told, in one go, the basis, the time
limit, the procedure and every material, and, on an application, every missing
material at once and every reason for not accepting it. Warnings of the household
economic check report are explained, never given as a reason not to accept (R12).
The notice names no resident ID number; `render_text` prints it as Chinese plain text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from attrs import Attribute, field, frozen

from domain.calendar import WorkingCalendar
from domain.cases import Case
from domain.errors import InvalidValue
from domain.facts import EXCLUSIVE_SERVICES, AssistanceRecord, CheckWarning, RecordStatus
from domain.policy import Material, ServiceGuide
from domain.services import Department, Service

# Rules behind reasons: R6 refuses to accept, R12 only explains.
NOT_ACCEPTED_RULE = "R6"
WARNING_RULE = "R12"

_BLOCKING_CODES = {
    RecordStatus.RECEIVING: "already_receiving",
    RecordStatus.PENDING: "already_applying",
}
_HISTORY_SOURCE = "山东社会救助数字平台"


class NoticeKind(StrEnum):
    APPLICATION = "application"  # 申请受理时告知
    CONSULTATION = "consultation"  # 咨询时告知

    @property
    def label(self) -> str:
        return "申请告知" if self is NoticeKind.APPLICATION else "咨询告知"


@frozen
class NoticeReason:
    """One reason told to the applicant: a stable code, the Chinese text, the rule."""

    code: str
    text: str
    rule: str


def default_complaint(department: Department) -> str:
    """How to object or complain, addressed to the department of the service (R2)."""
    return f"对办理结果有异议的，可以向县级{department.label}或12345政务服务便民热线反映。"


def _check_reasons(
    notice: OneTimeNotice, _attribute: Attribute[tuple[NoticeReason, ...]], _value: object
) -> None:
    refusals = notice.not_accepted_reasons
    if notice.kind is NoticeKind.CONSULTATION and (notice.reasons or notice.missing_materials):
        raise InvalidValue("reasons", "咨询告知不列不予受理理由和补正材料", rule="R11")
    if notice.accepted and refusals:
        raise InvalidValue("accepted", "有不予受理理由时不能予以受理", rule="R11")
    if not notice.accepted and not refusals:
        raise InvalidValue("reasons", "不予受理须告知理由", rule="R11")


@frozen
class OneTimeNotice:
    """What one person is told, once and completely (R11)."""

    kind: NoticeKind
    service: Service
    guide_version: str
    title: str
    basis: tuple[str, ...]
    conditions: tuple[str, ...]
    time_limit_working_days: int
    extended_working_days: int | None
    procedure: tuple[str, ...]
    required_materials: tuple[tuple[str, str], ...]  # (code, name), in guide order
    optional_materials: tuple[tuple[str, str], ...]  # 视情况提供
    missing_materials: tuple[tuple[str, str], ...]  # every one, at once
    accepted: bool
    reasons: tuple[NoticeReason, ...] = field(validator=_check_reasons)
    pending: tuple[str, ...]
    deadline: date | None
    deadline_provisional: bool
    complaint: str
    applicant_name: str = ""

    @property
    def not_accepted_reasons(self) -> tuple[NoticeReason, ...]:
        return tuple(r for r in self.reasons if r.rule != WARNING_RULE)

    @property
    def warning_explanations(self) -> tuple[NoticeReason, ...]:
        return tuple(r for r in self.reasons if r.rule == WARNING_RULE)


def notice_for_application(
    guide: ServiceGuide,
    *,
    supplied: frozenset[str],
    received_on: date,
    calendar: WorkingCalendar,
    blocking_records: Iterable[AssistanceRecord] = (),
    warnings: Iterable[CheckWarning] = (),
    pending: Iterable[str] = (),
    complaint: str | None = None,
    applicant_name: str = "",
    refusals: Iterable[NoticeReason] = (),
) -> OneTimeNotice:
    """The notice on an application: all missing materials, and why it is not accepted.

    `blocking_records` are the R6 records (`AssistanceHistory.blocking_records()`) and
    `refusals` any other reason not to accept (the wait after a refusal, R1); any of
    them means not accepted, and then neither missing materials nor a deadline are
    told, as nothing will be handled. A warning is explained and never changes
    `accepted`. The deadline is the nominal one from `received_on`; a material request
    later stops the clock (see `domain.deadlines`).
    """
    refusals = (*(_blocking_reason(r) for r in blocking_records), *refusals)
    explanations = tuple(_warning_reason(w) for w in warnings)
    accepted = not refusals
    due = calendar.add_working_days(received_on, guide.time_limit.working_days)
    return _notice(
        guide,
        kind=NoticeKind.APPLICATION,
        missing=guide.missing_materials(supplied) if accepted else (),
        accepted=accepted,
        reasons=refusals + explanations,
        pending=tuple(pending),
        deadline=due.day if accepted else None,
        deadline_provisional=due.provisional and accepted,
        complaint=complaint,
        applicant_name=applicant_name,
    )


def notice_for_case(
    case: Case,
    guide: ServiceGuide,
    calendar: WorkingCalendar,
    *,
    blocking_records: Iterable[AssistanceRecord] = (),
    pending: Iterable[str] = (),
    complaint: str | None = None,
    refusals: Iterable[NoticeReason] = (),
) -> OneTimeNotice:
    """The application notice of a recorded case: its materials, day and check report."""
    if guide.service is not case.service:
        raise InvalidValue("guide", "办事指南与案件的事项不一致", rule="R11")
    report = case.check_report
    return notice_for_application(
        guide,
        supplied=case.materials,
        received_on=case.received_at.date(),
        calendar=calendar,
        blocking_records=blocking_records,
        warnings=report.warnings if report is not None else (),
        pending=pending,
        complaint=complaint,
        applicant_name=case.applicant.name,
        refusals=refusals,
    )


def notice_for_consultation(guide: ServiceGuide, *, complaint: str | None = None) -> OneTimeNotice:
    """The notice on a question: basis, limit, procedure and every material."""
    return _notice(
        guide,
        kind=NoticeKind.CONSULTATION,
        missing=(),
        accepted=True,
        reasons=(),
        pending=(),
        deadline=None,
        deadline_provisional=False,
        complaint=complaint,
        applicant_name="",
    )


def _notice(
    guide: ServiceGuide,
    *,
    kind: NoticeKind,
    missing: tuple[Material, ...],
    accepted: bool,
    reasons: tuple[NoticeReason, ...],
    pending: tuple[str, ...],
    deadline: date | None,
    deadline_provisional: bool,
    complaint: str | None,
    applicant_name: str,
) -> OneTimeNotice:
    return OneTimeNotice(
        kind=kind,
        service=guide.service,
        guide_version=guide.version,
        title=f"{guide.service.label} 一次性告知书",
        basis=guide.basis,
        conditions=guide.conditions,
        time_limit_working_days=guide.time_limit.working_days,
        extended_working_days=guide.time_limit.extended_working_days,
        procedure=guide.procedure,
        required_materials=_pairs(guide.required_materials),
        optional_materials=_pairs(m for m in guide.materials if not m.required),
        missing_materials=_pairs(missing),
        accepted=accepted,
        reasons=reasons,
        pending=pending,
        deadline=deadline,
        deadline_provisional=deadline_provisional,
        complaint=complaint if complaint is not None else default_complaint(guide.department),
        applicant_name=applicant_name,
    )


def _pairs(materials: Iterable[Material]) -> tuple[tuple[str, str], ...]:
    return tuple((m.code, m.name) for m in materials)


def _blocking_reason(record: AssistanceRecord) -> NoticeReason:
    code = _BLOCKING_CODES.get(record.status)
    if code is None or record.service not in EXCLUSIVE_SERVICES:
        raise InvalidValue("blocking_records", "只有正在享受或正在申请的低保、特困记录才阻止受理")
    exclusive = "、".join(s.label for s in sorted(EXCLUSIVE_SERVICES))
    text = (
        f"经查询{_HISTORY_SOURCE}，申请人{record.status.label}{record.service.label}"
        f"（自{_chinese_date(record.since)}起）。已享受或正在申请{exclusive}的，不予受理。"
    )
    return NoticeReason(code=code, text=text, rule=NOT_ACCEPTED_RULE)


def _warning_reason(warning: CheckWarning) -> NoticeReason:
    text = f"{warning.text}（信息来源：{warning.source}）"
    return NoticeReason(code=warning.code, text=text, rule=WARNING_RULE)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# -- plain-text rendering --

_NUMERALS = "一二三四五六七八九十"


def render_text(notice: OneTimeNotice) -> str:
    """The notice as readable Chinese plain text; empty sections are left out."""
    sections = [
        ("办理依据", list(notice.basis)),
        ("申请条件", list(notice.conditions)),
        ("办理时限", _time_limit_lines(notice)),
        ("办理程序", _numbered(notice.procedure)),
        ("所需材料", _material_lines(notice)),
        ("尚需补正材料（一次性告知）", _missing_lines(notice)),
        ("不予受理理由", [_reason_line(r) for r in notice.not_accepted_reasons]),
        ("核对报告预警说明", _warning_lines(notice)),
        ("待查询事项", list(notice.pending)),
        ("监督投诉", [notice.complaint]),
    ]
    lines = [notice.title, f"办事指南版本：{notice.guide_version}"]
    if notice.applicant_name:
        lines.append(f"申请人：{notice.applicant_name}")
    if notice.kind is NoticeKind.APPLICATION:
        lines.append(f"受理结论：{'予以受理' if notice.accepted else '不予受理'}")
    present = [(heading, body) for heading, body in sections if body]
    for numeral, (heading, body) in zip(_NUMERALS[: len(present)], present, strict=True):
        lines.extend(["", f"{numeral}、{heading}", *(f"  {line}" for line in body)])
    return "\n".join(lines) + "\n"


def _numbered(items: Iterable[str]) -> list[str]:
    return [f"{i}. {item}" for i, item in enumerate(items, start=1)]


def _time_limit_lines(notice: OneTimeNotice) -> list[str]:
    lines = [
        f"自受理之日的次日起{notice.time_limit_working_days}个工作日内办结"
        "（法定节假日不计，调休上班日计入；补正材料期间不计入）。"
    ]
    if notice.extended_working_days is not None:
        lines.append(f"特殊情况可延长至{notice.extended_working_days}个工作日。")
    if notice.deadline is not None:
        lines.append(f"本申请办理期限至{_chinese_date(notice.deadline)}。")
    if notice.deadline_provisional:
        lines.append("该期限跨越节假日安排尚未公布的年度，暂按周一至周五计算，公布后重新核定。")
    return lines


def _material_lines(notice: OneTimeNotice) -> list[str]:
    lines = _numbered(name for _code, name in notice.required_materials)
    if notice.optional_materials:
        optional = "、".join(name for _code, name in notice.optional_materials)
        lines.append(f"视情况提供：{optional}")
    return lines


def _missing_lines(notice: OneTimeNotice) -> list[str]:
    if not notice.missing_materials:
        return []
    names = _numbered(name for _code, name in notice.missing_materials)
    return ["请一次性补齐以下材料，补齐后继续办理：", *names]


def _warning_lines(notice: OneTimeNotice) -> list[str]:
    explanations = notice.warning_explanations
    if not explanations:
        return []
    return [
        *(_reason_line(r) for r in explanations),
        "以上预警不影响受理。对核对结果有异议的，可以提供登记机关出具的有效佐证材料，"
        "由乡镇（街道）继续审核。",
    ]


def _reason_line(reason: NoticeReason) -> str:
    return f"{reason.text}［{reason.rule} {reason.code}］"
