"""The demo server's clock (only with `jiuzhu serve --demo`): an administrator moves it
forward, so that a seven-day public notice can pass during a walk-through."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Request, Router, post
from litestar.params import JSONBody
from litestar.security.jwt import Token
from msgspec import Meta, Struct

from application.clock import advance_demo_clock
from domain.actors import Actor
from entrypoints.api.idempotency import IdempotencyKeyHeader
from entrypoints.api.problems import responses
from entrypoints.api.services import Services


class ClockIn(Struct, kw_only=True, forbid_unknown_fields=True):
    days: Annotated[int, Meta(ge=0, le=366)] = 0
    hours: Annotated[int, Meta(ge=0, le=23)] = 0


class ClockOut(Struct, kw_only=True):
    now: datetime


@post(
    "/demo/clock",
    status_code=200,
    sync_to_thread=True,
    summary="演示：将演示服务器的时钟向前拨（仅系统管理员，仅 --demo）",
    responses=responses(401, 403),
)
def move_clock(
    data: JSONBody[ClockIn],
    request: Request[Actor, Token, Any],
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ClockOut:
    assert services.demo_clock is not None  # the route exists only with a demo clock
    moved = advance_demo_clock(
        services.deps, request.user, services.demo_clock, days=data.days, hours=data.hours
    )
    return ClockOut(now=moved)


def router() -> Router:
    return Router(path="/api/v1", route_handlers=[move_clock], tags=["演示"])
