"""The written notice of a decision (决定告知书): what was decided, why, and how to object.

Every decided case gets one, in Chinese: a refusal with every reason and the rule behind
it (dibao and tekun: in writing within 3 working days of the decision, R1), an approval
with the amount and how it was computed, a case not accepted with the records that
stopped it. Each notice says how to object (复议、诉讼) and where to complain (R2).
The notice is produced by the system at the moment of the decision, so the 3-day limit
is kept by construction; `issue_by` states it for the file.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from attrs import frozen

from domain.benefits import BenefitDecision, ComputationLine
from domain.calendar import WorkingCalendar
from domain.cases import APPROVED, BENEFIT_GRANTED, CLOSED, Case, CaseEvent
from domain.errors import InvalidValue
from domain.notices import NoticeReason, default_complaint
from domain.policy import Parameters, ServiceGuide
from domain.services import Outcome


class DecisionKind(StrEnum):
    APPROVED = "approved"  # 予以批准
    REFUSED = "refused"  # 不予批准
    NOT_ACCEPTED = "not_accepted"  # 不予受理
    ENDED = "ended"  # 终止（联办分支结束、撤回、待遇终止）

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    DecisionKind.APPROVED: "予以批准",
    DecisionKind.REFUSED: "不予批准",
    DecisionKind.NOT_ACCEPTED: "不予受理",
    DecisionKind.ENDED: "办理终止",
}

_KIND_OF_OUTCOME = {
    Outcome.REJECTED: DecisionKind.REFUSED,
    Outcome.NOT_ACCEPTED: DecisionKind.NOT_ACCEPTED,
    Outcome.ENDED: DecisionKind.ENDED,
    Outcome.WITHDRAWN: DecisionKind.ENDED,
    Outcome.BRANCH_ENDED: DecisionKind.ENDED,
}


@frozen
class DecisionNotice:
    """What a person is told of a decision, once it is taken."""

    kind: DecisionKind
    service_label: str
    title: str
    applicant_name: str
    decided_on: date
    basis: tuple[str, ...]
    reasons: tuple[NoticeReason, ...]
    lines: tuple[ComputationLine, ...]  # how an approved amount was computed, step by step
    note: str  # the officer's words, or the system's explanation (the higher one kept)
    objection_route: str
    complaint: str
    issue_by: date | None  # the written refusal is due by this day (R1)


def decision_notice(
    case: Case,
    guide: ServiceGuide,
    calendar: WorkingCalendar,
    parameters: Parameters,
) -> DecisionNotice:
    """The notice of the case's decision; refuses a case that is not decided yet.

    An approval shows the benefit computed at confirmation, line by line.
    """
    if guide.service is not case.service:
        raise InvalidValue("guide", "办事指南与案件的事项不一致", rule="R11")
    decision = _decision_event(case)
    kind = _kind(case)
    decided_on = decision.at.astimezone(case.received_at.tzinfo).date()
    reasons: tuple[NoticeReason, ...] = ()
    issue_by = None
    if kind is not DecisionKind.APPROVED:
        reasons = (_reason(decision, parameters),)
    if kind is DecisionKind.REFUSED and guide.notice_procedure is not None:
        days = guide.notice_procedure.refusal_notice_working_days
        issue_by = calendar.add_working_days(decided_on, days).day
    route = parameters.objection_route
    benefit = case.benefit if kind is DecisionKind.APPROVED else None
    note = decision.note
    if isinstance(benefit, BenefitDecision) and benefit.note:
        note = "；".join(n for n in (benefit.note, note) if n)
    return DecisionNotice(
        kind=kind,
        service_label=case.service.label,
        title=f"{case.service.label} {kind.label}告知书",
        applicant_name=case.applicant.name,
        decided_on=decided_on,
        basis=guide.basis,
        reasons=reasons,
        lines=benefit.lines if benefit is not None else (),
        note=note,
        objection_route=route.text if route is not None else "",
        complaint=default_complaint(guide.department),
        issue_by=issue_by,
    )


def _kind(case: Case) -> DecisionKind:
    if case.state in (APPROVED, BENEFIT_GRANTED):
        return DecisionKind.APPROVED
    if case.state == CLOSED and case.closure is not None:
        if case.closure.outcome is Outcome.ENDED:
            return DecisionKind.APPROVED  # closed after its benefit: it was approved
        return _KIND_OF_OUTCOME[case.closure.outcome]
    raise InvalidValue("case", "案件尚未作出决定", code="not_decided")


def _decision_event(case: Case) -> CaseEvent:
    """The approval of an approved case, else the event that closed it."""
    if _kind(case) is DecisionKind.APPROVED:
        return next(e for e in case.events if e.event == "approve")
    return case.events[-1]


def _reason(event: CaseEvent, parameters: Parameters) -> NoticeReason:
    text = parameters.refusal_reasons.get(event.reason, "")
    if not text:
        text = event.note or "详见办理人员说明。"
    return NoticeReason(code=event.reason, text=text, rule=event.rule)


def _chinese_date(day: date | datetime) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def render_decision_text(notice: DecisionNotice) -> str:
    """The decision notice as readable Chinese plain text."""
    lines = [notice.title]
    if notice.applicant_name:
        lines.append(f"申请人：{notice.applicant_name}")
    lines.append(f"决定：{notice.kind.label}（{_chinese_date(notice.decided_on)}）")
    if notice.reasons:
        lines += ["", "理由："]
        lines += [f"  {r.text}［{r.rule} {r.code}］" for r in notice.reasons]
    if notice.lines:
        lines += ["", "核定情况："]
        lines += [f"  {line.label}：{line.value}" for line in notice.lines]
    if notice.note and notice.note not in {r.text for r in notice.reasons}:
        lines += ["", f"说明：{notice.note}"]
    lines += ["", "依据：", *(f"  {b}" for b in notice.basis)]
    if notice.objection_route:
        lines += ["", f"救济途径：{notice.objection_route}"]
    lines += ["", f"监督投诉：{notice.complaint}"]
    if notice.issue_by is not None:
        lines.append(f"（本告知书应于{_chinese_date(notice.issue_by)}前书面送达申请人）")
    return "\n".join(lines) + "\n"
