"""Cases: submit an application, list and read cases, take lifecycle steps, read notices.

Each handler parses the request, calls one application function and maps its result.
No personal data travels in a URL: a person's cases are found by POSTing the ID number
in the body; a case's full ID number is read (and recorded) only by its own route.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import MediaType, Request, Response, Router, get, post
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.security.jwt import Token
from msgspec import Meta, Struct

from application.case_events import (
    CaseEventResult,
    apply_case_event,
    record_assessment,
    record_dispute,
)
from application.commands import ApplyCaseEvent, SubmitApplication
from application.intake import submit_application
from application.personal_data import find_cases_of_person, read_resident_id
from application.queries import CaseView, cases_by_deadline, get_case, list_cases
from domain import lifecycle
from domain.actors import Actor
from domain.cases import Case, Hold, PublicNotice
from domain.decision_notices import render_decision_text
from domain.notices import render_text
from domain.regions import RegionCode
from domain.services import Channel, Service
from entrypoints.api import documents
from entrypoints.api.idempotency import IdempotencyKeyHeader
from entrypoints.api.particulars import ParticularsIn, to_particulars
from entrypoints.api.problems import NotDecided, responses
from entrypoints.api.services import Services
from entrypoints.api.wire import (
    Benefit,
    CaseSummary,
    DeadlineOut,
    DecisionNoticeOut,
    LongText,
    Materials,
    Name,
    Notice,
    OfficerId,
    OptionalCode,
    OptionalOfficerId,
    ProposalOut,
    RegionText,
    ResidentIdText,
    RuleId,
    ShortText,
    StageDeadlineOut,
    benefit,
    case_summary,
    deadline,
    decision,
    mask_id_like,
    notice,
    proposal,
    stage_deadline,
)
from ports.storage import CaseQuery

AuthRequest = Request[Actor, Token, Any]
CasePath = Annotated[str, PathParameter(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
EVENTS = tuple(sorted(lifecycle.EVENT_LABELS))
EventName = Literal[EVENTS]  # type: ignore[valid-type]

# -- wire --


class ApplicationIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """An application (申请) for one service; a dibao one starts the joint scenario."""

    service: Service
    resident_id: ResidentIdText
    name: Name
    region: RegionText
    channel: Literal["window", "phone", "online_portal", "app", "letter"] = "window"
    materials: Materials = []
    note: LongText = ""
    particulars: ParticularsIn | None = None
    declared_change: LongText = ""  # a change of circumstances after an earlier refusal


class ScenarioBrief(Struct, kw_only=True):
    id: str
    pending: list[str]


class IntakeOut(Struct, kw_only=True):
    """The case recorded, its one-time notice, and the linked cases the scenario opened."""

    case: CaseSummary
    notice: Notice
    scenario: ScenarioBrief | None
    linked_cases: list[CaseSummary]


class CasePage(Struct, kw_only=True):
    items: list[CaseSummary]
    limit: int
    offset: int
    next_offset: int | None  # None on the last page


class DueItem(Struct, kw_only=True):
    case: CaseSummary
    deadline: DeadlineOut


class TimelineEntry(Struct, kw_only=True):
    seq: int
    at: str
    event: str
    event_label: str
    actor_id: str
    from_state: str
    to_state: str
    to_label: str
    rule: str
    reason: str
    note: str
    facts: dict[str, str]


class ExtensionOut(Struct, kw_only=True):
    at: datetime
    working_days: int
    reason: str
    approved_by: str
    note: str


class HoldOut(Struct, kw_only=True):
    rule: str
    reason: str


class PublicNoticeOut(Struct, kw_only=True):
    started_at: datetime
    ends_on: str
    objected: bool


class CaseDetail(Struct, kw_only=True):
    """A case as an officer reads it: timeline, deadlines, allowed steps, proposal."""

    case: CaseSummary
    materials: list[str]
    allowed_events: list[str]
    timeline: list[TimelineEntry]
    deadline: DeadlineOut | None
    stage: StageDeadlineOut | None
    hold: HoldOut | None
    public_notice: PublicNoticeOut | None
    check_report: str | None  # its reference
    proposal: ProposalOut | None
    benefit: Benefit | None
    decided: bool
    category: str
    review_of: str | None  # R15: the closed case this one reviews after a complaint
    reviews: list[str]  # R15: the review cases opened for this one
    extensions: list[ExtensionOut]  # R13: each approved extension of the time limit


class CaseEventIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """One lifecycle step with its reason, evidence and what it found."""

    event: EventName
    reason: OptionalCode = ""
    note: LongText = ""
    rule: RuleId = ""
    materials: Materials = []
    evidence: Annotated[list[ShortText], Meta(max_length=20)] = []
    to_officer: OptionalOfficerId = ""
    assessment_level: Annotated[int, Meta(ge=0, le=9)] | None = None
    assessment_standard: Literal["MZ/T 039-2013", "GB/T 42195-2022"] = "MZ/T 039-2013"
    assessors: Annotated[list[OfficerId], Meta(max_length=10)] = []
    expected_version: Annotated[int, Meta(ge=1)] | None = None
    particulars: ParticularsIn | None = None


class EventOut(Struct, kw_only=True):
    seq: int
    event: str
    from_state: str
    to_state: str
    rule: str
    reason: str
    at: datetime


class CaseEventOut(Struct, kw_only=True):
    case: CaseSummary
    event: EventOut
    linked_cases: list[CaseSummary]


class AssessmentIn(Struct, kw_only=True, forbid_unknown_fields=True):
    level: Annotated[int, Meta(ge=0, le=9)]
    assessors: Annotated[list[OfficerId], Meta(min_length=1, max_length=10)]


class DisputeIn(Struct, kw_only=True, forbid_unknown_fields=True):
    evidence: Annotated[list[ShortText], Meta(min_length=1, max_length=20)]
    note: LongText = ""


class PersonIn(Struct, kw_only=True, forbid_unknown_fields=True):
    resident_id: ResidentIdText


class ResidentIdOut(Struct, kw_only=True):
    """The full number, for this one case; the read is recorded (P12)."""

    case_id: str
    resident_id: str
    resident_id_masked: str


def event_out(result: CaseEventResult) -> CaseEventOut:
    e = result.event
    return CaseEventOut(
        case=case_summary(result.case),
        event=EventOut(
            seq=e.seq,
            event=e.event,
            from_state=e.from_state,
            to_state=e.to_state,
            rule=e.rule,
            reason=e.reason,
            at=e.at,
        ),
        linked_cases=[case_summary(c) for c in result.linked_cases],
    )


def _hold(hold: Hold | None) -> HoldOut | None:
    return None if hold is None else HoldOut(rule=hold.rule, reason=hold.reason)


def _public_notice(value: PublicNotice | None) -> PublicNoticeOut | None:
    if value is None:
        return None
    return PublicNoticeOut(
        started_at=value.started_at, ends_on=value.ends_on.isoformat(), objected=value.objected
    )


def case_detail(view: CaseView) -> CaseDetail:
    case = view.case
    return CaseDetail(
        case=case_summary(case),
        materials=sorted(case.materials),
        allowed_events=list(view.allowed_events),
        timeline=[
            TimelineEntry(
                seq=t.seq,
                at=t.at,
                event=t.event,
                event_label=t.event_label,
                actor_id=t.actor_id,
                from_state=t.from_state,
                to_state=t.to_state,
                to_label=t.to_label,
                rule=t.rule,
                reason=mask_id_like(t.reason),  # an extension's reason is free text
                note=mask_id_like(t.note),
                facts=dict(t.facts),
            )
            for t in view.timeline
        ],
        deadline=deadline(view.deadline),
        stage=stage_deadline(view.stage),
        hold=_hold(case.hold),
        public_notice=_public_notice(case.public_notice),
        check_report=case.check_report.reference if case.check_report is not None else None,
        proposal=proposal(view.proposal),
        benefit=benefit(case.benefit),
        decided=view.decision is not None,
        category=case.category,
        review_of=case.review_of,
        reviews=list(case.reviews),
        extensions=[
            ExtensionOut(
                at=e.at,
                working_days=e.working_days,
                reason=mask_id_like(e.reason),
                approved_by=e.approved_by,
                note=mask_id_like(e.note),
            )
            for e in case.extensions
        ],
    )


def _page(cases: list[Case], limit: int, offset: int) -> CasePage:
    more = len(cases) > limit
    return CasePage(
        items=[case_summary(c) for c in cases[:limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if more else None,
    )


# -- handlers --


@post(
    "/applications",
    status_code=201,
    sync_to_thread=True,
    summary="提交申请（低保申请同时启动联办）",
    responses=responses(401, 403, 409, 503),
    tags=["申请"],
)
def submit(
    data: JSONBody[ApplicationIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> IntakeOut:
    command = SubmitApplication(
        service=data.service,
        resident_id=data.resident_id,
        name=data.name,
        region=data.region,
        channel=Channel(data.channel),
        materials=frozenset(data.materials),
        note=data.note,
        particulars=to_particulars(data.particulars),
        declared_change=data.declared_change,
    )
    result = submit_application(services.deps, request.user, command)
    scenario = None
    if result.scenario is not None:
        scenario = ScenarioBrief(id=result.scenario.id, pending=list(result.notice.pending))
    return IntakeOut(
        case=case_summary(result.case),
        notice=notice(result.notice, render_text(result.notice)),
        scenario=scenario,
        linked_cases=[case_summary(c) for c in result.linked_cases],
    )


@get(
    "/cases",
    sync_to_thread=True,
    summary="按事项、状态、辖区、经办人分页查询案件",
    responses=responses(401, 403),
)
def find_cases(
    request: AuthRequest,
    services: Services,
    service: FromQuery[Service | None] = None,
    case_state: Annotated[
        str | None, QueryParameter(name="state", pattern=r"^[a-z_]{1,40}$")
    ] = None,
    region: Annotated[str | None, QueryParameter(pattern=r"^[0-9]{2,12}$")] = None,
    officer: Annotated[str | None, QueryParameter(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")] = None,
    open_only: FromQuery[bool] = False,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
) -> CasePage:
    query = CaseQuery(
        service=service,
        state=case_state,
        within=RegionCode(region) if region is not None else None,
        responsible=officer,
        open_only=open_only,
        limit=limit + 1,
        offset=offset,
    )
    return _page(list_cases(services.deps, request.user, query), limit, offset)


@get(
    "/cases/due",
    sync_to_thread=True,
    summary="临近或超过办理时限的案件（按到期日）",
    responses=responses(401, 403),
)
def due_cases(
    request: AuthRequest,
    services: Services,
    region: Annotated[str | None, QueryParameter(pattern=r"^[0-9]{2,12}$")] = None,
) -> list[DueItem]:
    within = RegionCode(region) if region is not None else None
    items = cases_by_deadline(services.deps, request.user, within=within)
    return [DueItem(case=case_summary(i.case), deadline=deadline_out(i)) for i in items]


def deadline_out(item: Any) -> DeadlineOut:
    out = deadline(item.deadline)
    assert out is not None
    return out


@get(
    "/cases/{case_id:str}",
    sync_to_thread=True,
    summary="案件详情：办理记录、时限、当前可办理的操作、初步判断",
    responses=responses(401, 403, 404, 503),
)
def read_case(case_id: CasePath, request: AuthRequest, services: Services) -> CaseDetail:
    return case_detail(get_case(services.deps, request.user, case_id))


@post(
    "/cases/{case_id:str}/events",
    status_code=200,
    sync_to_thread=True,
    summary="办理一个环节（审核、确认、发放、办结、不予批准、撤回、异议、评估等）",
    responses=responses(401, 403, 404, 409, 503),
)
def take_step(
    case_id: CasePath,
    data: JSONBody[CaseEventIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> CaseEventOut:
    command = ApplyCaseEvent(
        case_id=case_id,
        event=data.event,
        reason=data.reason,
        note=data.note,
        rule=data.rule,
        materials=frozenset(data.materials),
        evidence=tuple(data.evidence),
        to_officer=data.to_officer,
        assessment_level=data.assessment_level,
        assessment_standard=data.assessment_standard,
        assessors=tuple(data.assessors),
        expected_version=data.expected_version,
        particulars=to_particulars(data.particulars),
    )
    return event_out(apply_case_event(services.deps, request.user, command))


@post(
    "/cases/{case_id:str}/assessment",
    status_code=200,
    sync_to_thread=True,
    summary="录入老年人能力评估（R7）",
    responses=responses(401, 403, 404, 409, 503),
)
def assess(
    case_id: CasePath,
    data: JSONBody[AssessmentIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> CaseEventOut:
    result = record_assessment(
        services.deps, request.user, case_id, level=data.level, assessors=tuple(data.assessors)
    )
    return event_out(result)


@post(
    "/cases/{case_id:str}/dispute",
    status_code=200,
    sync_to_thread=True,
    summary="申请人对核对报告提出异议并提供佐证（R12）",
    responses=responses(401, 403, 404, 409, 503),
)
def dispute(
    case_id: CasePath,
    data: JSONBody[DisputeIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> CaseEventOut:
    result = record_dispute(
        services.deps, request.user, case_id, evidence=tuple(data.evidence), note=data.note
    )
    return event_out(result)


@get(
    "/cases/{case_id:str}/notice",
    sync_to_thread=True,
    summary="一次性告知书",
    responses=responses(401, 403, 404, 503),
)
def read_notice(case_id: CasePath, request: AuthRequest, services: Services) -> Notice:
    view = get_case(services.deps, request.user, case_id)
    return notice(view.notice, render_text(view.notice))


@get(
    "/cases/{case_id:str}/notice.html",
    sync_to_thread=True,
    media_type=MediaType.HTML,
    summary="一次性告知书（可打印网页）",
    responses=responses(401, 403, 404, 503),
)
def print_notice(case_id: CasePath, request: AuthRequest, services: Services) -> str:
    view = get_case(services.deps, request.user, case_id)
    return documents.printable(view.notice.title, render_text(view.notice))


@get(
    "/cases/{case_id:str}/decision",
    sync_to_thread=True,
    summary="决定告知书（批准、不予批准、不予受理、终止）",
    responses=responses(401, 403, 404, 409, 503),
)
def read_decision(
    case_id: CasePath, request: AuthRequest, services: Services
) -> DecisionNoticeOut:
    view = get_case(services.deps, request.user, case_id)
    if view.decision is None:
        raise NotDecided()
    return decision(view.decision, render_decision_text(view.decision))


@get(
    "/cases/{case_id:str}/decision.html",
    sync_to_thread=True,
    media_type=MediaType.HTML,
    summary="决定告知书（可打印网页）",
    responses=responses(401, 403, 404, 409, 503),
)
def print_decision(case_id: CasePath, request: AuthRequest, services: Services) -> str:
    view = get_case(services.deps, request.user, case_id)
    if view.decision is None:
        raise NotDecided()
    return documents.printable(view.decision.title, render_decision_text(view.decision))


@get(
    "/cases/{case_id:str}/resident-id",
    sync_to_thread=True,
    summary="查看申请人完整身份证号码（仅经办角色，逐案查看并记入审计日志）",
    responses=responses(401, 403, 404),
)
def reveal(case_id: CasePath, request: AuthRequest, services: Services) -> Response[ResidentIdOut]:
    revealed = read_resident_id(services.deps, request.user, case_id)
    person = revealed.resident_id
    answer = ResidentIdOut(
        case_id=revealed.case_id, resident_id=person.reveal(), resident_id_masked=person.masked
    )
    return Response(answer, headers={"Cache-Control": "no-store"})


@post(
    "/people/cases",
    status_code=200,
    sync_to_thread=True,
    summary="按身份证号码查询其本辖区内的案件（号码在请求正文中，查询记入审计日志）",
    responses=responses(401, 403),
)
def cases_of_person(
    data: JSONBody[PersonIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> list[CaseSummary]:
    found = find_cases_of_person(services.deps, request.user, data.resident_id)
    return [case_summary(c) for c in found]


def router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[
            submit,
            find_cases,
            due_cases,
            read_case,
            take_step,
            assess,
            dispute,
            read_notice,
            print_notice,
            read_decision,
            print_decision,
            reveal,
            cases_of_person,
        ],
        tags=["案件"],
    )
