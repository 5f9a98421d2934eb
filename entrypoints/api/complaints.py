"""Complaints (投诉) and reports (举报), R10 and R15: recorded by whoever first receives
them, by any channel; verified, rectified, answered and closed with the complainant's
response; transferred to an officer or a unit; and a review of the closed case one names.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import Request, Router, get, post
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.security.jwt import Token
from msgspec import Meta, Struct

from application.commands import (
    ApplyComplaintEvent,
    RecordComplaint,
    RequestReview,
    TransferRecord,
)
from application.complaints import (
    ComplaintView,
    apply_complaint_event,
    complaint_view,
    get_complaint,
    list_complaints,
    record_complaint,
    request_review,
    transfer_complaint,
)
from domain import complaints as machine
from domain.actors import Actor
from domain.complaints import Complaint, ComplaintKind, Satisfaction
from domain.regions import RegionCode
from domain.services import Channel, Service
from domain.supervision import RecordEvent
from entrypoints.api.idempotency import IdempotencyKeyHeader
from entrypoints.api.problems import responses
from entrypoints.api.services import Services
from entrypoints.api.wire import (
    ApplicationChannel,
    CaseId,
    CaseSummary,
    DeadlineOut,
    LongText,
    OfficerId,
    OptionalOfficerId,
    RegionText,
    TransferOut,
    UnitText,
    case_summary,
    deadline,
    mask_id_like,
    transfer_out,
)
from ports.storage import RecordQuery

AuthRequest = Request[Actor, Token, Any]
ComplaintPath = Annotated[
    str, PathParameter(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
]
Text = Annotated[str, Meta(max_length=2000)]

# -- wire --


class ComplaintIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """A complaint or report as first received (R10): the receiver is its first responder."""

    kind: ComplaintKind
    summary: Annotated[str, Meta(min_length=1, max_length=2000)]
    region: RegionText
    channel: ApplicationChannel = "window"
    complainant: Annotated[str, Meta(max_length=100)] = ""  # a report may be anonymous
    case_id: CaseId | None = None
    service: Service | None = None  # when it names no case
    staff_id: OfficerId | None = None
    note: LongText = ""


class ComplaintEventIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """One step: verify (with whether it is substantiated), rectify, answer, or close
    (with the complainant's response to the answer)."""

    event: Literal["verify", "rectify", "answer", "close"]
    text: Text = ""
    substantiated: bool | None = None
    satisfaction: Satisfaction | None = None
    note: LongText = ""
    expected_version: Annotated[int, Meta(ge=1)] | None = None


class RecordTransferIn(Struct, kw_only=True, forbid_unknown_fields=True):
    to_officer: OptionalOfficerId = ""
    to_unit: UnitText = ""
    reason: Annotated[str, Meta(min_length=1, max_length=200)]


class ReviewIn(Struct, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(min_length=1, max_length=200)]
    note: LongText = ""


class StepOut(Struct, kw_only=True):
    """A finding, rectification or answer: when, by whom, what."""

    at: datetime
    by: str
    text: str


class VerificationOut(StepOut, kw_only=True):
    substantiated: bool


class ResponseOut(Struct, kw_only=True):
    """The complainant's response to the answer (回访评价)."""

    at: datetime
    recorded_by: str
    satisfaction: Satisfaction
    satisfaction_label: str
    text: str


class RecordEventOut(Struct, kw_only=True):
    seq: int
    event: str
    event_label: str
    actor_id: str
    at: datetime
    from_state: str
    to_state: str
    rule: str
    reason: str
    note: str
    facts: dict[str, str]


class ComplaintOut(Struct, kw_only=True):
    id: str
    kind: ComplaintKind
    kind_label: str
    channel: str
    summary: str
    region: str  # the jurisdiction holding it now
    received_in: str  # where it was received (never moves)
    received_at: datetime
    first_responder: str  # R10: kept on the record until it is closed
    responsible: str
    unit: str | None
    complainant: str
    case_id: str | None
    service: Service | None
    staff_id: str | None
    state: str
    state_label: str
    version: int
    open: bool
    transfers: list[TransferOut]
    verification: VerificationOut | None
    rectification: StepOut | None
    answer: StepOut | None
    response: ResponseOut | None
    review_cases: list[str]
    events: list[RecordEventOut]
    deadline: DeadlineOut | None  # from receipt to the answer; None once answered
    allowed_events: list[str]


class ComplaintPage(Struct, kw_only=True):
    items: list[ComplaintOut]
    limit: int
    offset: int
    next_offset: int | None


class ReviewOut(Struct, kw_only=True):
    complaint: ComplaintOut
    review_case: CaseSummary


def _step(value: Any) -> StepOut | None:
    if value is None:
        return None
    return StepOut(at=value.at, by=value.by, text=mask_id_like(value.text))


def _event(value: RecordEvent) -> RecordEventOut:
    return RecordEventOut(
        seq=value.seq,
        event=value.event,
        event_label=machine.EVENT_LABELS.get(value.event, value.event),
        actor_id=value.actor_id,
        at=value.at,
        from_state=value.from_state,
        to_state=value.to_state,
        rule=value.rule,
        reason=mask_id_like(value.reason),
        note=mask_id_like(value.note),
        facts={k: mask_id_like(v) for k, v in value.facts.items()},
    )


def complaint_out(view: ComplaintView) -> ComplaintOut:
    c = view.complaint
    found, response = c.verification, c.response
    return ComplaintOut(
        id=c.id,
        kind=c.kind,
        kind_label=c.kind.label,
        channel=c.channel.value,
        summary=mask_id_like(c.summary),
        region=c.region.code,
        received_in=c.origin.code,
        received_at=c.received_at,
        first_responder=c.first_responder,
        responsible=c.responsible,
        unit=c.unit.code if c.unit is not None else None,
        complainant=c.complainant,
        case_id=c.case_id,
        service=c.service,
        staff_id=c.staff_id,
        state=c.state,
        state_label=machine.STATE_LABELS[c.state],
        version=c.version,
        open=c.is_open,
        transfers=[transfer_out(t) for t in c.transfers],
        verification=None
        if found is None
        else VerificationOut(
            at=found.at,
            by=found.by,
            text=mask_id_like(found.text),
            substantiated=found.substantiated,
        ),
        rectification=_step(c.rectification),
        answer=_step(c.answer),
        response=None
        if response is None
        else ResponseOut(
            at=response.at,
            recorded_by=response.recorded_by,
            satisfaction=response.satisfaction,
            satisfaction_label=response.satisfaction.label,
            text=mask_id_like(response.text),
        ),
        review_cases=list(c.review_cases),
        events=[_event(e) for e in c.events],
        deadline=deadline(view.deadline),
        allowed_events=list(view.allowed_events),
    )


def _viewed(services: Services, complaint: Complaint) -> ComplaintOut:
    """The answer to a step: the complaint as it stands after it (not a second read)."""
    return complaint_out(complaint_view(services.deps, complaint))


# -- handlers --


@post(
    "/complaints",
    status_code=201,
    sync_to_thread=True,
    summary="登记投诉或举报（首问负责：接收人为首问人员，记录渠道、所涉案件和工作人员）",
    responses=responses(401, 403, 404),
)
def record(
    data: JSONBody[ComplaintIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ComplaintOut:
    command = RecordComplaint(
        kind=data.kind,
        summary=data.summary,
        region=data.region,
        channel=Channel(data.channel),
        complainant=data.complainant,
        case_id=data.case_id,
        service=data.service,
        staff_id=data.staff_id,
        note=data.note,
    )
    return _viewed(services, record_complaint(services.deps, request.user, command))


@get(
    "/complaints",
    sync_to_thread=True,
    summary="按辖区、类别、所涉案件查询投诉举报",
    responses=responses(401, 403),
)
def find(
    request: AuthRequest,
    services: Services,
    region: Annotated[str | None, QueryParameter(pattern=r"^[0-9]{2,12}$")] = None,
    kind: FromQuery[ComplaintKind | None] = None,
    case_id: Annotated[
        str | None, QueryParameter(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    ] = None,
    open_only: FromQuery[bool] = False,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
) -> ComplaintPage:
    query = RecordQuery(
        within=RegionCode(region) if region is not None else None,
        open_only=open_only,
        kind=kind,
        case_id=case_id,
        limit=limit + 1,
        offset=offset,
    )
    found = list_complaints(services.deps, request.user, query)
    return ComplaintPage(
        items=[complaint_out(v) for v in found[:limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if len(found) > limit else None,
    )


@get(
    "/complaints/{complaint_id:str}",
    sync_to_thread=True,
    summary="投诉举报详情：办理记录、首问人员、时限、当前可办理的操作",
    responses=responses(401, 403, 404),
)
def read(complaint_id: ComplaintPath, request: AuthRequest, services: Services) -> ComplaintOut:
    return complaint_out(get_complaint(services.deps, request.user, complaint_id))


@post(
    "/complaints/{complaint_id:str}/events",
    status_code=200,
    sync_to_thread=True,
    summary="办理投诉举报：核实、整改完成、答复反馈、办结（记录投诉举报人的评价）",
    responses=responses(401, 403, 404, 409),
)
def step(
    complaint_id: ComplaintPath,
    data: JSONBody[ComplaintEventIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ComplaintOut:
    command = ApplyComplaintEvent(
        complaint_id=complaint_id,
        event=data.event,
        text=data.text,
        substantiated=data.substantiated,
        satisfaction=data.satisfaction,
        note=data.note,
        expected_version=data.expected_version,
    )
    result = apply_complaint_event(services.deps, request.user, command)
    return _viewed(services, result.complaint)


@post(
    "/complaints/{complaint_id:str}/transfer",
    status_code=200,
    sync_to_thread=True,
    summary="转交投诉举报至工作人员或单位（写明理由，首问人员保留在记录中）",
    responses=responses(401, 403, 404, 409),
)
def transfer(
    complaint_id: ComplaintPath,
    data: JSONBody[RecordTransferIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ComplaintOut:
    command = TransferRecord(
        complaint_id, data.reason, to_officer=data.to_officer, to_unit=data.to_unit
    )
    return _viewed(services, transfer_complaint(services.deps, request.user, command))


@post(
    "/complaints/{complaint_id:str}/review",
    status_code=201,
    sync_to_thread=True,
    summary="就投诉所涉已办结案件提请复查（另立复查案件，原案件保持办结）",
    responses=responses(401, 403, 404, 409),
)
def review(
    complaint_id: ComplaintPath,
    data: JSONBody[ReviewIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ReviewOut:
    command = RequestReview(complaint_id, data.reason, note=data.note)
    result = request_review(services.deps, request.user, command)
    return ReviewOut(
        complaint=_viewed(services, result.complaint), review_case=case_summary(result.review_case)
    )


def router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[record, find, read, step, transfer, review],
        tags=["投诉举报"],
    )
