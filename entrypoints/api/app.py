"""The app factory: `create_app(services)` builds the Litestar app that serves them.

Nothing is built at import time. Every route lives under `/api/v1`; the OpenAPI document
is served at `/api/v1/schema/openapi.json` (and browsable at `/api/v1/schema`).
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Litestar, Request, Router
from litestar.di import Provide
from litestar.exceptions import ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, Tag
from litestar.params import QueryParameter

from entrypoints.api import (
    auth,
    cases,
    complaints,
    consultations,
    deadlines,
    demo,
    documents,
    public,
    scenarios,
    statistics,
    supervision,
    training,
)
from entrypoints.api.idempotency import idempotency_middleware
from entrypoints.api.problems import EXCEPTION_HANDLERS
from entrypoints.api.services import ApiServices

log = logging.getLogger("entrypoints.api")

VERSION = "1.0.0"


def create_app(services: ApiServices, *, debug: bool = False) -> Litestar:
    """The HTTP API over `services`; a demo clock in them adds the demo clock route."""
    security = auth.Security(services)
    protected = [
        auth.router(security),
        cases.router(),
        scenarios.router(),
        consultations.router(),
        deadlines.router(),
        complaints.router(),
        supervision.router(),
        training.router(),
        statistics.router(),
    ]
    if services.demo_clock is not None:
        protected.append(demo.router())
    for router in protected:
        router.security = [*router.security, security.jwt.security_requirement]
    routers: list[Router] = [public.router(), documents.router(documents.DiagramCache())]
    routers += protected
    return Litestar(
        route_handlers=routers,
        dependencies={"services": Provide(lambda: services, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[idempotency_middleware(services)],
        on_app_init=[security.on_app_init],
        openapi_config=_openapi(),
        before_request=refuse_unknown_query,
        debug=debug,
        logging_config=None,
    )


def refuse_unknown_query(request: Request[Any, Any, Any]) -> None:
    """A query parameter the operation does not declare is refused (422), not ignored:
    a misspelt filter must not list every case."""
    if not request.query_params:
        return
    declared = {
        definition.kwarg_definition.name or name
        for name, definition in request.route_handler.parsed_fn_signature.parameters.items()
        if isinstance(definition.kwarg_definition, QueryParameter)
    }
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        extra = [
            {"key": k[:64], "message": "未定义的查询参数", "source": "query"} for k in unknown
        ]
        raise ValidationException(detail="unknown query parameter", extra=extra)


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="jiuzhu 救助 API",
        version=VERSION,
        description=(
            "社会救助经办：申请、联办、案件办理、告知书与公开信息。"
            "错误均为 application/problem+json（RFC 9457）。"
        ),
        path="/api/v1/schema",
        tags=[
            Tag(name="公开信息", description="无需登录（R2）"),
            Tag(name="工作人员与登录"),
            Tag(name="申请"),
            Tag(name="案件"),
            Tag(name="联办"),
            Tag(name="咨询"),
            Tag(name="办理时限", description="R13"),
            Tag(name="投诉举报", description="R10、R15"),
            Tag(name="监督检查", description="抽查与推诿记录（R10、R15）"),
            Tag(name="培训", description="R14"),
            Tag(name="统计"),
        ],
        components=Components(),
        use_handler_docstrings=False,
    )


__all__ = ["create_app"]
