"""The app factory: `create_app(services)` builds the Litestar app that serves them.

Nothing is built at import time. Every route lives under `/api/v1`; the OpenAPI document
is served at `/api/v1/schema/openapi.json` (and browsable at `/api/v1/schema`).
"""

from __future__ import annotations

import logging

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, Tag

from entrypoints.api import auth, cases, consultations, demo, documents, public, scenarios
from entrypoints.api.idempotency import idempotency_middleware
from entrypoints.api.problems import EXCEPTION_HANDLERS
from entrypoints.api.services import ApiServices

log = logging.getLogger("entrypoints.api")

VERSION = "1.0.0"


def create_app(services: ApiServices, *, debug: bool = False) -> Litestar:
    """The HTTP API over `services`; a demo clock in them adds the demo clock route."""
    security = auth.Security(services)
    routers: list[Router] = [
        public.router(),
        documents.router(documents.DiagramCache()),
        auth.router(security),
        cases.router(),
        scenarios.router(),
        consultations.router(),
    ]
    if services.demo_clock is not None:
        routers.append(demo.router())
    return Litestar(
        route_handlers=routers,
        dependencies={"services": Provide(lambda: services, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[idempotency_middleware(services)],
        on_app_init=[security.jwt.on_app_init],
        openapi_config=_openapi(),
        debug=debug,
        logging_config=None,
    )


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
        ],
        components=Components(),
        use_handler_docstrings=False,
    )


__all__ = ["create_app"]
