"""Time limits (R13): the supervisor's list and counts, an officer's own cases, and the
extension of a case's time limit by an approver, with its reason."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, Router, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.security.jwt import Token
from msgspec import Meta, Struct

from application.case_events import extend_time_limit
from application.deadlines import (
    DeadlineItem,
    DeadlineQuery,
    deadline_counts,
    deadline_list,
    my_deadlines,
)
from domain.actors import Actor
from domain.deadlines import DeadlineStatus
from domain.regions import RegionCode
from domain.services import Service
from entrypoints.api.cases import CaseEventOut, CasePath, event_out
from entrypoints.api.idempotency import IdempotencyKeyHeader
from entrypoints.api.problems import responses
from entrypoints.api.services import Services
from entrypoints.api.wire import CaseSummary, DeadlineOut, LongText, case_summary, deadline

AuthRequest = Request[Actor, Token, Any]
RegionQuery = Annotated[str | None, QueryParameter(pattern=r"^[0-9]{2,12}$")]
OfficerQuery = Annotated[str | None, QueryParameter(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")]
StatusName = Literal["on_time", "due_soon", "overdue"]


class TimedCase(Struct, kw_only=True):
    """An open case with where it stands against its time limit today."""

    case: CaseSummary
    deadline: DeadlineOut


class DeadlinePage(Struct, kw_only=True):
    items: list[TimedCase]
    limit: int
    offset: int
    next_offset: int | None  # None on the last page


class DeadlineCountOut(Struct, kw_only=True):
    region: str
    service: Service
    service_label: str
    officer: str
    due_soon: int
    overdue: int


class ExtensionIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """延长办理时限: the working days added, and why (recorded in the case's history)."""

    working_days: Annotated[int, Meta(ge=1, le=60)]
    reason: Annotated[str, Meta(min_length=1, max_length=200)]
    note: LongText = ""


def timed(item: DeadlineItem) -> TimedCase:
    out = deadline(item.deadline)
    assert out is not None  # the lists hold undecided cases only
    return TimedCase(case=case_summary(item.case), deadline=out)


@get(
    "/deadlines",
    sync_to_thread=True,
    summary="办理时限督办清单：按地区、事项、经办人、时限状态分页查询在办案件",
    responses=responses(401, 403),
)
def supervise(
    request: AuthRequest,
    services: Services,
    region: RegionQuery = None,
    service: FromQuery[Service | None] = None,
    officer: OfficerQuery = None,
    status: Annotated[
        list[StatusName] | None, QueryParameter(description="可重复；缺省为即将到期和已超期")
    ] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
) -> DeadlinePage:
    query = DeadlineQuery(
        within=RegionCode(region) if region is not None else None,
        service=service,
        responsible=officer,
        statuses=frozenset(DeadlineStatus(s) for s in status)
        if status
        else DeadlineQuery().statuses,
    )
    items = deadline_list(services.deps, request.user, query)
    page = items[offset : offset + limit]
    more = len(items) > offset + limit
    return DeadlinePage(
        items=[timed(i) for i in page],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if more else None,
    )


@get(
    "/deadlines/counts",
    sync_to_thread=True,
    summary="各地区、事项、经办人即将到期和已超期的案件数",
    responses=responses(401, 403),
)
def counts(
    request: AuthRequest, services: Services, region: RegionQuery = None
) -> list[DeadlineCountOut]:
    within = RegionCode(region) if region is not None else None
    return [
        DeadlineCountOut(
            region=c.region.code,
            service=c.service,
            service_label=c.service.label,
            officer=c.responsible,
            due_soon=c.due_soon,
            overdue=c.overdue,
        )
        for c in deadline_counts(services.deps, request.user, within=within)
    ]


@get(
    "/deadlines/mine",
    sync_to_thread=True,
    summary="本人经办的在办案件及其办理时限",
    responses=responses(401, 403),
)
def mine(request: AuthRequest, services: Services) -> list[TimedCase]:
    return [timed(i) for i in my_deadlines(services.deps, request.user)]


@post(
    "/cases/{case_id:str}/extension",
    status_code=200,
    sync_to_thread=True,
    summary="延长办理时限（须写明理由，由审核确认人员批准，记入办理记录）",
    responses=responses(401, 403, 404, 409, 503),
    tags=["案件"],
)
def extend(
    case_id: CasePath,
    data: JSONBody[ExtensionIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> CaseEventOut:
    result = extend_time_limit(
        services.deps,
        request.user,
        case_id,
        working_days=data.working_days,
        reason=data.reason,
        note=data.note,
    )
    return event_out(result)


def router() -> Router:
    return Router(
        path="/api/v1", route_handlers=[supervise, counts, mine, extend], tags=["办理时限"]
    )
