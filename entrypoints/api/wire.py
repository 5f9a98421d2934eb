"""The wire format shared by the resources: msgspec structs and the maps from the domain.

The domain's attrs classes are never sent as they are: each answer is built here, field
by field, so that what leaves the API is decided in one place. A resident ID number
leaves only masked (`resident_id_masked`); the one exception is the recorded read of
`GET /cases/{id}/resident-id` (P12). Money is whole fen (`*_fen`), with the yuan text
beside it for people.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct

from domain.benefits import BenefitDecision, ComputationLine, SubsidyAmount
from domain.cases import STATE_LABELS, Case, Transfer
from domain.deadlines import Deadline, StageDeadline
from domain.decision_notices import DecisionNotice
from domain.eligibility import Proposal
from domain.errors import InvalidValue
from domain.notices import NoticeReason, OneTimeNotice
from domain.services import Service

# -- what requests may carry --

Code = Annotated[str, Meta(pattern=r"^[a-z0-9_]{1,64}$", max_length=64)]
OptionalCode = Annotated[str, Meta(pattern=r"^[a-z0-9_]{0,64}$", max_length=64)]
OfficerId = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$", max_length=64)]
OptionalOfficerId = Annotated[str, Meta(pattern=r"^([a-z0-9][a-z0-9._-]{1,63})?$", max_length=64)]
RegionText = Annotated[
    str, Meta(pattern=r"^[0-9]{2,12}$", description="行政区划代码（2、4、6、9或12位）")
]
ResidentIdText = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=32,
        description="居民身份证号码（18位）；只在请求正文中传送，响应中只返回脱敏号码",
    ),
]
ShortText = Annotated[str, Meta(max_length=200)]
LongText = Annotated[str, Meta(max_length=2000)]
Name = Annotated[str, Meta(min_length=1, max_length=100)]
Fen = Annotated[int, Meta(ge=0, le=10**12, description="金额，单位：分")]
RuleId = Annotated[str, Meta(pattern=r"^([RP][0-9]{1,2})?$", max_length=3)]
ApplicationChannel = Literal["window", "phone", "online_portal", "app", "letter"]
Materials = Annotated[list[Code], Meta(max_length=50)]
CaseId = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
UnitText = Annotated[
    str,
    Meta(
        pattern=r"^([0-9]{2,12}/(civil_affairs|human_resources))?$",
        max_length=40,
        description="接收单位：区划代码/部门，如 370102/human_resources",
    ),
]

_ID_LIKE = re.compile(r"(?<![0-9])[0-9]{6}(?:18|19|20)[0-9]{9}[0-9Xx](?![0-9])")


def mask_id_like(text: str) -> str:
    """Mask anything shaped like an ID number in a text meant for a response or a log."""
    return _ID_LIKE.sub(lambda m: f"{m.group()[:3]}{'*' * 11}{m.group()[-4:]}", text)


def prefixed(prefix: str, error: InvalidValue) -> InvalidValue:
    """The same refusal, its field named from the request's top (`particulars.members`)."""
    return InvalidValue(
        f"{prefix}.{error.field}",
        error.message.split(": ", 1)[-1],
        rule=error.rule,
        code=error.code,
    )


# -- answers --


class Applicant(Struct, kw_only=True):
    name: str
    resident_id_masked: str  # e.g. 370***********0116


class CaseSummary(Struct, kw_only=True):
    """A case as a list shows it."""

    id: str
    service: Service
    service_label: str
    state: str
    state_label: str
    region: str
    applicant: Applicant
    channel: str
    received_at: datetime
    received_by: str
    responsible: str
    scenario_id: str | None
    version: int
    outcome: str | None


class Reason(Struct, kw_only=True):
    code: str
    text: str
    rule: str


class Material(Struct, kw_only=True):
    code: str
    name: str


class Notice(Struct, kw_only=True):
    """The one-time notice (一次性告知书, R11)."""

    kind: str
    kind_label: str
    service: Service
    title: str
    guide_version: str
    applicant_name: str
    accepted: bool
    basis: list[str]
    conditions: list[str]
    time_limit_working_days: int
    extended_working_days: int | None
    procedure: list[str]
    required_materials: list[Material]
    optional_materials: list[Material]
    missing_materials: list[Material]
    not_accepted_reasons: list[Reason]
    warning_explanations: list[Reason]
    pending: list[str]
    deadline: date | None
    deadline_provisional: bool
    complaint: str
    text: str  # the whole notice as Chinese plain text


class Line(Struct, kw_only=True):
    label: str
    value: str
    source: str | None


class DecisionNoticeOut(Struct, kw_only=True):
    """The written notice of a decision (决定告知书)."""

    kind: str
    kind_label: str
    title: str
    service_label: str
    applicant_name: str
    decided_on: date
    basis: list[str]
    reasons: list[Reason]
    lines: list[Line]
    note: str
    objection_route: str
    complaint: str
    issue_by: date | None
    text: str


class Benefit(Struct, kw_only=True):
    """The benefit computed at confirmation: monthly, or one amount."""

    service: Service
    code: str
    monthly: bool
    amount_fen: int
    amount_text: str
    starts_on: date | None
    ends_on: date | None
    note: str
    lines: list[Line]


class DeadlineOut(Struct, kw_only=True):
    due: date
    status: str
    status_label: str
    provisional: bool
    working_days_allowed: int
    working_days_used: int
    working_days_left: int
    paused_working_days: int


class StageDeadlineOut(Struct, kw_only=True):
    stage: str
    stage_label: str
    due: date
    due_at: datetime | None
    status: str
    provisional: bool


class Finding(Struct, kw_only=True):
    code: str
    text: str
    met: bool | None
    rule: str
    source: str | None


class ProposalOut(Struct, kw_only=True):
    """What the conditions suggest, for the officer to decide (R12, P14)."""

    verdict: str
    verdict_label: str
    category: str | None
    note: str
    findings: list[Finding]


class TransferOut(Struct, kw_only=True):
    """A hand-over (R10): to an officer, a unit or both, with the reason."""

    at: datetime
    from_officer: str
    to_officer: str
    from_unit: str | None
    to_unit: str | None
    reason: str


def transfer_out(value: Transfer) -> TransferOut:
    return TransferOut(
        at=value.at,
        from_officer=value.from_officer,
        to_officer=value.to_officer,
        from_unit=value.from_unit.code if value.from_unit is not None else None,
        to_unit=value.to_unit.code if value.to_unit is not None else None,
        reason=mask_id_like(value.reason),
    )


def case_summary(case: Case) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        service=case.service,
        service_label=case.service.label,
        state=case.state,
        state_label=STATE_LABELS[case.state],
        region=case.region.code,
        applicant=Applicant(
            name=case.applicant.name, resident_id_masked=case.applicant.resident_id.masked
        ),
        channel=case.channel.value,
        received_at=case.received_at,
        received_by=case.received_by,
        responsible=case.responsible,
        scenario_id=case.scenario_id,
        version=case.version,
        outcome=case.closure.outcome.value if case.closure is not None else None,
    )


def _reasons(reasons: tuple[NoticeReason, ...]) -> list[Reason]:
    return [Reason(code=r.code, text=mask_id_like(r.text), rule=r.rule) for r in reasons]


def _materials(pairs: tuple[tuple[str, str], ...]) -> list[Material]:
    return [Material(code=code, name=name) for code, name in pairs]


def notice(value: OneTimeNotice, text: str) -> Notice:
    return Notice(
        kind=value.kind.value,
        kind_label=value.kind.label,
        service=value.service,
        title=value.title,
        guide_version=value.guide_version,
        applicant_name=value.applicant_name,
        accepted=value.accepted,
        basis=list(value.basis),
        conditions=list(value.conditions),
        time_limit_working_days=value.time_limit_working_days,
        extended_working_days=value.extended_working_days,
        procedure=list(value.procedure),
        required_materials=_materials(value.required_materials),
        optional_materials=_materials(value.optional_materials),
        missing_materials=_materials(value.missing_materials),
        not_accepted_reasons=_reasons(value.not_accepted_reasons),
        warning_explanations=_reasons(value.warning_explanations),
        pending=list(value.pending),
        deadline=value.deadline,
        deadline_provisional=value.deadline_provisional,
        complaint=value.complaint,
        text=mask_id_like(text),
    )


def _lines(lines: tuple[ComputationLine, ...]) -> list[Line]:
    return [
        Line(
            label=line.label,
            value=line.value,
            source=str(line.source) if line.source is not None else None,
        )
        for line in lines
    ]


def decision(value: DecisionNotice, text: str) -> DecisionNoticeOut:
    return DecisionNoticeOut(
        kind=value.kind.value,
        kind_label=value.kind.label,
        title=value.title,
        service_label=value.service_label,
        applicant_name=value.applicant_name,
        decided_on=value.decided_on,
        basis=list(value.basis),
        reasons=_reasons(value.reasons),
        lines=_lines(value.lines),
        note=mask_id_like(value.note),
        objection_route=value.objection_route,
        complaint=value.complaint,
        issue_by=value.issue_by,
        text=mask_id_like(text),
    )


def benefit(value: BenefitDecision | SubsidyAmount | None) -> Benefit | None:
    if value is None:
        return None
    if isinstance(value, BenefitDecision):
        return Benefit(
            service=value.service,
            code=value.code,
            monthly=True,
            amount_fen=value.monthly.fen,
            amount_text=str(value.monthly),
            starts_on=value.starts_on,
            ends_on=value.ends_on,
            note=value.note,
            lines=_lines(value.lines),
        )
    return Benefit(
        service=value.service,
        code=value.code,
        monthly=False,
        amount_fen=value.amount.fen,
        amount_text=str(value.amount),
        starts_on=None,
        ends_on=None,
        note="",
        lines=_lines(value.lines),
    )


def deadline(value: Deadline | None) -> DeadlineOut | None:
    if value is None:
        return None
    return DeadlineOut(
        due=value.due,
        status=value.status.value,
        status_label=value.status.label,
        provisional=value.provisional,
        working_days_allowed=value.working_days_allowed,
        working_days_used=value.working_days_used,
        working_days_left=value.working_days_left,
        paused_working_days=value.paused_working_days,
    )


def stage_deadline(value: StageDeadline | None) -> StageDeadlineOut | None:
    if value is None:
        return None
    return StageDeadlineOut(
        stage=value.stage.value,
        stage_label=value.stage.label,
        due=value.due,
        due_at=value.due_at,
        status=value.status.value,
        provisional=value.provisional,
    )


def proposal(value: Proposal | None) -> ProposalOut | None:
    if value is None:
        return None
    return ProposalOut(
        verdict=value.verdict.value,
        verdict_label=value.verdict.label,
        category=value.category,
        note=value.note,
        findings=[
            Finding(
                code=f.code,
                text=mask_id_like(f.text),
                met=f.met,
                rule=f.rule,
                source=str(f.source) if f.source is not None else None,
            )
            for f in value.findings
        ],
    )
