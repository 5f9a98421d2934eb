"""Training before taking post (R14): sessions, attendance, a staff member's training, and
the staff with no training this year."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.security.jwt import Token
from msgspec import Meta, Struct

from application.commands import RecordAttendance, RecordTrainingSession
from application.training import (
    record_attendance,
    record_training_session,
    training_of,
    untrained_in_jurisdiction,
)
from domain.actors import Actor
from domain.regions import RegionCode
from domain.training import TrainingSession
from entrypoints.api.idempotency import IdempotencyKeyHeader
from entrypoints.api.problems import responses
from entrypoints.api.services import Services
from entrypoints.api.wire import Name, OfficerId, RegionText

AuthRequest = Request[Actor, Token, Any]
SessionPath = Annotated[
    str, PathParameter(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
]
StaffPath = Annotated[str, PathParameter(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")]
YearQuery = Annotated[int | None, QueryParameter(ge=2000, le=2100)]


class SessionIn(Struct, kw_only=True, forbid_unknown_fields=True):
    title: Annotated[str, Meta(min_length=1, max_length=200)]
    region: RegionText
    held_on: date  # a day already past or today
    hours: Annotated[int, Meta(ge=1, le=200)]


class AttendanceIn(Struct, kw_only=True, forbid_unknown_fields=True):
    staff_id: OfficerId
    name: Name


class AttendanceOut(Struct, kw_only=True):
    staff_id: str
    name: str
    recorded_at: datetime
    recorded_by: str


class SessionOut(Struct, kw_only=True):
    id: str
    title: str
    region: str
    held_on: date
    hours: int
    recorded_at: datetime
    recorded_by: str
    attendance: list[AttendanceOut]
    version: int


class StaffOut(Struct, kw_only=True):
    id: str
    name: str
    roles: list[str]
    region: str


def session_out(value: TrainingSession) -> SessionOut:
    return SessionOut(
        id=value.id,
        title=value.title,
        region=value.region.code,
        held_on=value.held_on,
        hours=value.hours,
        recorded_at=value.recorded_at,
        recorded_by=value.recorded_by,
        attendance=[
            AttendanceOut(
                staff_id=a.staff_id,
                name=a.name,
                recorded_at=a.recorded_at,
                recorded_by=a.recorded_by,
            )
            for a in value.attendance
        ],
        version=value.version,
    )


@post(
    "/training/sessions",
    status_code=201,
    sync_to_thread=True,
    summary="登记一次业务培训（R14）",
    responses=responses(401, 403),
)
def record_session(
    data: JSONBody[SessionIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> SessionOut:
    command = RecordTrainingSession(data.title, data.region, data.held_on, data.hours)
    return session_out(record_training_session(services.deps, request.user, command))


@post(
    "/training/sessions/{session_id:str}/attendance",
    status_code=200,
    sync_to_thread=True,
    summary="登记工作人员参加培训",
    responses=responses(401, 403, 404),
)
def attend(
    session_id: SessionPath,
    data: JSONBody[AttendanceIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> SessionOut:
    command = RecordAttendance(session_id, data.staff_id, data.name)
    return session_out(record_attendance(services.deps, request.user, command))


@get(
    "/training/staff/{staff_id:str}",
    sync_to_thread=True,
    summary="一名工作人员当年（或指定年度）参加的培训",
    responses=responses(401, 403),
)
def of_staff(
    staff_id: StaffPath, request: AuthRequest, services: Services, year: YearQuery = None
) -> list[SessionOut]:
    return [session_out(s) for s in training_of(services.deps, request.user, staff_id, year=year)]


@get(
    "/training/untrained",
    sync_to_thread=True,
    summary="本辖区当年（或指定年度）未参加培训的工作人员",
    responses=responses(401, 403),
)
def untrained(
    request: AuthRequest,
    services: Services,
    region: Annotated[str | None, QueryParameter(pattern=r"^[0-9]{2,12}$")] = None,
    year: YearQuery = None,
) -> list[StaffOut]:
    within = RegionCode(region) if region is not None else None
    found = untrained_in_jurisdiction(services.deps, request.user, within=within, year=year)
    return [
        StaffOut(id=a.id, name=a.name, roles=sorted(a.roles), region=a.region.code) for a in found
    ]


def router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[record_session, attend, of_staff, untrained],
        tags=["培训"],
    )
