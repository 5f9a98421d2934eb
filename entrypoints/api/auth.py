"""Logins, tokens and the per-operator rate limit; the staff accounts resource.

A login checks the password (Argon2, with lockout: `application.staff.log_in`) and
answers with a short-lived JWT (Litestar's `JWTAuth`, HS256, signed with the server's
secret). Every other request but the public ones carries it as `Authorization: Bearer`.
On each request the token's account is read again, so a disabled account stops at once,
and the operator's rate limit is taken; a refusal by the limit is recorded (P11).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from typing import Annotated, Any, ClassVar, Self, cast

import anyio
from litestar import Request, Router, get, post
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody
from litestar.security.jwt import JWTAuth, Token
from msgspec import Meta, Struct

from application.audit import record_refusal
from application.staff import CreateStaffAccount, LogIn, actor_of, create_staff_account, log_in
from domain.actors import Actor, Role
from entrypoints.api.idempotency import IdempotencyKeyHeader
from entrypoints.api.problems import RateLimited, responses
from entrypoints.api.services import ApiServices, Injected, RateLimiter, Services
from entrypoints.api.wire import Name, OfficerId, RegionText

PUBLIC_PATHS = [
    "/api/v1/public",
    "/api/v1/auth/login",
    "/api/v1/schema",
    "/api/v1/health",
    "/api/v1/diagrams",
]


class VerifiedToken(Token):
    """A token whose signature and claims are checked once per process (PyJWT's HMAC
    and parsing are a twentieth of an intake's CPU), then only its expiry on each use.

    What is kept is the token string's decoded claims, never the account: each request
    still reads the account (`actor_of`), so a disabled or deleted account is refused on
    its next request. A string not seen before (another, or a changed, token) is checked
    in full; a token carrying claims other than exp, iat and sub is never kept.
    """

    _verified: ClassVar[OrderedDict[tuple[str, str, str], Token]] = OrderedDict()
    _lock: ClassVar[threading.Lock] = threading.Lock()
    KEEP: ClassVar[int] = 4096

    @classmethod
    def decode(  # type: ignore[override]
        cls, encoded_token: str, secret: str, algorithm: str, **checks: Any
    ) -> Self:
        simple = not any(checks.get(c) for c in ("audience", "issuer", "require_claims"))
        simple = simple and checks.get("verify_exp", True) and checks.get("verify_nbf", True)
        key = (encoded_token, secret, algorithm)
        with cls._lock:
            kept = cls._verified.get(key) if simple else None
        if kept is not None:
            if kept.exp.timestamp() <= time.time():
                raise NotAuthorizedException("Invalid token")
            return cast(Self, dataclasses.replace(kept))
        token = super().decode(encoded_token, secret, algorithm, **checks)
        if simple and not token.extras and token.aud is None and token.iss is None:
            with cls._lock:
                cls._verified[key] = dataclasses.replace(token)
                while len(cls._verified) > cls.KEEP:
                    cls._verified.popitem(last=False)
        return token


class Security:
    """The JWT configuration and the rate limiter of one app."""

    def __init__(self, services: ApiServices) -> None:
        self.services = services
        settings = services.settings
        self.limiter = RateLimiter(settings.requests_per_minute, settings.burst)
        self.jwt = JWTAuth[Actor, Token](
            retrieve_user_handler=self._actor,
            token_secret=services.token_secret,
            token_cls=VerifiedToken,
            exclude=PUBLIC_PATHS,
            default_token_expiration=settings.token_lifetime,
            openapi_security_scheme_name="BearerToken",
            description="登录（POST /api/v1/auth/login）所得的访问令牌",
        )

    async def _actor(self, token: Token, _connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
        wait = self.limiter.take(token.sub)
        if wait:
            await anyio.to_thread.run_sync(self._record_limit, token.sub)
            raise RateLimited(wait)
        actor = await anyio.to_thread.run_sync(actor_of, self.services.deps, token.sub)
        if actor is None:
            raise NotAuthorizedException("account unknown or disabled")
        return actor

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """JWTAuth's middleware and components, without its document-wide requirement:
        the protected routers name it, so the public operations need no token."""
        config = self.jwt.on_app_init(app_config)
        if config.openapi_config is not None and config.openapi_config.security:
            requirement = self.jwt.security_requirement
            kept = [s for s in config.openapi_config.security if s != requirement]
            config.openapi_config.security = kept or None
        return config

    def _record_limit(self, operator: str) -> None:
        record_refusal(
            self.services.deps,
            operator,
            "rate_limited",
            subject=("request", "api"),
            reason="rate_limited",
            rule="P11",
        )

    def token_for(self, actor: Actor) -> str:
        return self.jwt.create_token(
            identifier=actor.id, token_expiration=self.services.settings.token_lifetime
        )


# -- wire --


class LoginIn(Struct, kw_only=True, forbid_unknown_fields=True):
    username: Annotated[str, Meta(min_length=1, max_length=64)]
    password: Annotated[str, Meta(min_length=1, max_length=256)]


class StaffOut(Struct, kw_only=True):
    id: str
    name: str
    roles: list[Role]
    role_labels: list[str]
    region: str


class TokenOut(Struct, kw_only=True):
    access_token: str
    token_type: str
    expires_in: int  # seconds
    staff: StaffOut


class CreateStaffIn(Struct, kw_only=True, forbid_unknown_fields=True):
    id: OfficerId
    name: Name
    roles: Annotated[list[Role], Meta(min_length=1, max_length=8)]
    region: RegionText
    password: Annotated[str, Meta(min_length=1, max_length=256)]


def staff_out(actor: Actor) -> StaffOut:
    roles = sorted(actor.roles)
    return StaffOut(
        id=actor.id,
        name=actor.name,
        roles=roles,
        role_labels=[r.label for r in roles],
        region=actor.region.code,
    )


# -- handlers --


@post(
    "/auth/login",
    status_code=200,
    sync_to_thread=True,
    exclude_from_auth=True,
    security=[],
    summary="登录，取得访问令牌",
    responses=responses(401, 423),
)
def login(
    data: JSONBody[LoginIn],
    services: Services,
    security: Injected[Security],
) -> TokenOut:
    actor = log_in(
        services.deps,
        services.hasher,
        LogIn(data.username, data.password),
        lockout=services.settings.lockout,
    )
    return TokenOut(
        access_token=security.token_for(actor),
        token_type="Bearer",
        expires_in=int(services.settings.token_lifetime.total_seconds()),
        staff=staff_out(actor),
    )


@get("/auth/me", sync_to_thread=False, summary="当前登录的工作人员", responses=responses(401))
def me(request: Request[Actor, Token, Any]) -> StaffOut:
    return staff_out(request.user)


@post(
    "/staff",
    status_code=201,
    sync_to_thread=True,
    summary="新建工作人员账号（系统管理员，在其辖区内）",
    responses=responses(401, 403, 409),
)
def create_staff(
    data: JSONBody[CreateStaffIn],
    request: Request[Actor, Token, Any],
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> StaffOut:
    command = CreateStaffAccount(data.id, data.name, data.roles, data.region, data.password)
    account = create_staff_account(services.deps, services.hasher, request.user, command)
    return staff_out(account.actor())


def router(security: Injected[Security]) -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[login, me, create_staff],
        dependencies={"security": Provide(lambda: security, sync_to_thread=False)},
        tags=["工作人员与登录"],
    )
