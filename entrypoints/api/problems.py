"""The one map from errors to problem details (RFC 9457, `application/problem+json`).

Every answer that is not a success is a `Problem`: a stable `code`, a Chinese `title`,
the `rule` where a rule refused, the events `allowed_events` now after an illegal
transition, and for invalid input the fields with their codes (`errors`), never the
value given. An unexpected error is a 500 that shows only a correlation id; the log line
with the traceback carries the same id. A registry or database that is down is a 503
with `Retry-After`: the step can be taken again later, nothing was guessed (P9).

    error                                   status   code
    AccessDenied, RuleRefused (rule P10)    403      access_denied / role_not_allowed ...
    IllegalTransition, RuleRefused          409      illegal_transition / the rule's code
    InvalidValue, PolicyError, validation   422      the value's code / validation_failed
    LoginFailed                             401      login_failed
    AccountLocked                           423      account_locked (Retry-After)
    RateLimited                             429      rate_limited (Retry-After)
    NotFound                                404      not_found
    ConcurrencyConflict, DuplicateOpenCase  409      version_conflict / duplicate_open_case
    IdempotencyKeyReused / ...InProgress    422/409  idempotency_key_reused / ..._in_progress
    RegistryError, StorageUnavailable       503      registry_unavailable ... (Retry-After)
    anything else                           500      internal_error (correlation_id)
"""

from __future__ import annotations

import logging
import math
import traceback
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from msgspec import Struct

from adapters.sql.database import StorageUnavailable
from application.errors import AccessDenied, AccountLocked, LoginFailed
from domain.errors import (
    DomainError,
    IllegalTransition,
    InvalidValue,
    PolicyError,
    RuleRefused,
    TransitionRefused,
)
from entrypoints.api.wire import mask_id_like
from ports.errors import (
    ConcurrencyConflict,
    DuplicateOpenCase,
    NotFound,
    RegistryError,
    StorageError,
)

log = logging.getLogger("entrypoints.api")

PROBLEM_JSON = "application/problem+json"
REGISTRY_RETRY_SECONDS = 30  # a registry down is retried by the worker within a minute
STORAGE_RETRY_SECONDS = 5


class FieldError(Struct, kw_only=True):
    """One refused input: where it is, the stable code and rule, and why in Chinese."""

    field: str
    code: str
    message: str
    rule: str | None = None


class Problem(Struct, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details, with this API's extension members."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    rule: str | None = None
    state: str | None = None
    allowed_events: list[str] | None = None
    errors: list[FieldError] | None = None
    correlation_id: str | None = None


class RateLimited(Exception):
    """An operator sent more requests than the limit allows; retry after some seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("rate limited")
        self.retry_after = max(1, math.ceil(retry_after))


class IdempotencyKeyReused(Exception):
    """The key was first used for another request (another path or body)."""


class IdempotencyInProgress(Exception):
    """The first request with this key has not finished yet."""


class IdempotencyKeyInvalid(Exception):
    """The Idempotency-Key header is empty, too long or not printable ASCII."""


class NotDecided(Exception):
    """A decision notice was asked for a case not decided yet."""


def problem(
    status: int,
    code: str,
    title: str,
    detail: str,
    **extra: Any,
) -> Problem:
    return Problem(
        type=f"urn:jiuzhu:problem:{code}",
        title=title,
        status=status,
        detail=mask_id_like(detail),
        code=code,
        **extra,
    )


def problem_for(error: BaseException) -> tuple[Problem, dict[str, str]]:
    """The problem an error is answered with, and the headers that go with it."""
    answer, headers = _problem_for(error)
    if isinstance(error, HTTPException) and error.headers:
        headers = {**error.headers, **headers}  # Allow on a 405, for one
    return answer, headers


def _problem_for(error: BaseException) -> tuple[Problem, dict[str, str]]:
    match error:
        case RateLimited():
            seconds = str(error.retry_after)
            detail = f"请求过于频繁，请{seconds}秒后再试"
            return problem(429, "rate_limited", "请求过于频繁", detail), {"Retry-After": seconds}
        case AccountLocked():
            return _locked(error)
        case LoginFailed():
            return problem(401, error.code, error.title, error.message, rule=error.rule), {}
        case AccessDenied():
            return (
                problem(403, error.code, error.title, error.message, rule=error.rule),
                {},
            )
        case RuleRefused() if error.rule == "P10":
            return problem(403, error.code, "无权办理此操作", error.message, rule=error.rule), {}
        case TransitionRefused():
            return _refused_transition(error), {}
        case InvalidValue():
            field = FieldError(
                field=error.field, code=error.code, message=error.message, rule=error.rule
            )
            return (
                problem(422, error.code, error.title, error.message, errors=[field]),
                {},
            )
        case PolicyError():
            return problem(422, error.code, error.title, "没有适用于该地区或事项的政策参数"), {}
        case DomainError():
            return problem(422, error.code, error.title, error.message, rule=error.rule), {}
        case NotFound():
            return problem(404, "not_found", "记录不存在", f"没有该{_kind(error.kind)}记录"), {}
        case DuplicateOpenCase():
            detail = f"申请人已有正在办理的同一事项（{error.case_id}），不能重复申请"
            return problem(409, error.code, "已有正在办理的申请", detail, rule="P3"), {}
        case ConcurrencyConflict():
            detail = "该记录已被他人更新，请刷新后重试"
            return problem(409, error.code, "记录已变更", detail, rule="P5"), {}
        case RegistryError():
            detail = "相关部门的系统暂时无法答复，本步骤未办理，请稍后重试"
            retry = {"Retry-After": str(REGISTRY_RETRY_SECONDS)}
            return problem(503, error.code, "外部系统暂不可用", detail, rule="P9"), retry
        case StorageUnavailable():
            retry = {"Retry-After": str(STORAGE_RETRY_SECONDS)}
            return problem(503, error.code, "数据库暂不可用", "请稍后重试"), retry
        case IdempotencyKeyReused():
            detail = "该幂等键已用于另一请求，请为新请求使用新的幂等键"
            return problem(422, "idempotency_key_reused", "幂等键已被使用", detail, rule="P2"), {}
        case IdempotencyInProgress():
            detail = "使用该幂等键的请求仍在处理中，请稍后重试"
            headers = {"Retry-After": "1"}
            return problem(
                409, "idempotency_in_progress", "请求处理中", detail, rule="P2"
            ), headers
        case IdempotencyKeyInvalid():
            detail = "Idempotency-Key 须为1至255个可打印ASCII字符"
            field = FieldError(field="Idempotency-Key", code="invalid", message=detail, rule="P2")
            return problem(
                422, "invalid_idempotency_key", "幂等键不正确", detail, errors=[field]
            ), {}
        case NotDecided():
            detail = "案件尚未作出决定，暂无决定告知书"
            return problem(409, "not_decided", "尚未作出决定", detail), {}
        case ValidationException():
            return _invalid_request(error), {}
        case NotAuthorizedException():
            headers = {"WWW-Authenticate": "Bearer"}
            return problem(401, "unauthenticated", "需要登录", "请先登录并携带有效令牌"), headers
        case PermissionDeniedException():
            return problem(403, "forbidden", "无权访问", "无权访问该资源", rule="P10"), {}
        case NotFoundException():
            return problem(404, "not_found", "资源不存在", "请求的地址不存在"), {}
        case MethodNotAllowedException():
            return problem(405, "method_not_allowed", "方法不允许", "该地址不支持此请求方法"), {}
        case HTTPException() if error.status_code < 500:
            return problem(error.status_code, "bad_request", "请求无法处理", "请求格式不正确"), {}
        case StorageError():
            return _unexpected(error), {}
    return _unexpected(error), {}


def _locked(error: AccountLocked) -> tuple[Problem, dict[str, str]]:
    now = datetime.now(error.until.tzinfo)
    seconds = str(max(1, math.ceil((error.until - now).total_seconds())))
    answer = problem(423, error.code, error.title, error.message, rule=error.rule)
    return answer, {"Retry-After": seconds}


def _refused_transition(error: TransitionRefused) -> Problem:
    title = error.title if isinstance(error, RuleRefused | IllegalTransition) else "操作被拒绝"
    return problem(
        409,
        error.code,
        title,
        error.message,
        rule=error.rule,
        state=error.state or None,
        allowed_events=list(error.allowed_events),
    )


def _invalid_request(error: ValidationException) -> Problem:
    """Litestar's validation error, with each field named and no value repeated."""
    fields = []
    extra = error.extra if isinstance(error.extra, list) else []
    for item in extra:
        if not isinstance(item, Mapping):
            continue
        key = str(item.get("key") or item.get("source") or "body")
        message = mask_id_like(str(item.get("message", "")))[:300]
        fields.append(FieldError(field=key, code="invalid", message=message, rule="schema"))
    if not fields:
        detail = mask_id_like(str(error.detail or ""))[:300]
        fields.append(FieldError(field="body", code="invalid", message=detail, rule="schema"))
    detail = "请求内容不符合接口要求：" + "；".join(f"{f.field}：{f.message}" for f in fields)
    return problem(422, "validation_failed", "输入内容不符合要求", detail, errors=fields)


def _unexpected(error: BaseException) -> Problem:
    correlation = uuid.uuid4().hex
    trace = mask_id_like("".join(traceback.format_exception(error)))
    log.error("unexpected %s (correlation %s)\n%s", type(error).__name__, correlation, trace)
    detail = f"服务器内部错误，请联系管理员并提供编号 {correlation}"
    return problem(500, "internal_error", "服务器内部错误", detail, correlation_id=correlation)


_KINDS = {
    "case": "案件",
    "scenario": "联办",
    "consultation": "咨询",
    "staff": "账号",
    "complaint": "投诉举报",
    "spot_check": "抽查",
    "training_session": "培训",
}


def _kind(kind: str) -> str:
    return _KINDS.get(kind, "")


def handle(request: Request[Any, Any, Any], error: Exception) -> Response[Problem]:
    """Litestar's exception handler for every error: one problem answer."""
    answer, headers = problem_for(error)
    answer = _with_instance(answer, request.url.path)
    return Response(answer, status_code=answer.status, media_type=PROBLEM_JSON, headers=headers)


def _with_instance(answer: Problem, path: str) -> Problem:
    fields = {f: getattr(answer, f) for f in answer.__struct_fields__}
    fields["instance"] = path
    return Problem(**fields)


EXCEPTION_HANDLERS = {Exception: handle}

# -- the responses each operation documents --

_DESCRIPTIONS = {
    400: "请求格式不正确",
    401: "未登录、令牌无效或已过期，或用户名、密码错误",
    403: "角色或辖区不允许（已记入审计日志）",
    404: "记录或地址不存在",
    409: "状态不允许此操作（列出当前允许的操作）、记录已变更，或同一幂等键的请求仍在处理",
    422: "输入不符合要求（指明字段和规则，不回显身份证号码），或幂等键已用于另一请求",
    423: "连续登录失败，账号临时锁定",
    429: "请求过于频繁",
    500: "服务器内部错误（附关联编号）",
    503: "外部系统或数据库暂不可用，请按 Retry-After 重试",
}


def responses(*statuses: int) -> dict[int, ResponseSpec]:
    """The problem answers an operation may give, for its OpenAPI document."""
    every = {400, 422, 429, 500, *statuses}
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_DESCRIPTIONS[status],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in sorted(every)
    }


PUBLIC_RESPONSES = {
    status: ResponseSpec(
        data_container=Problem,
        description=_DESCRIPTIONS[status],
        media_type=PROBLEM_JSON,
        generate_examples=False,
    )
    for status in (400, 404, 422, 500)
}

MEDIA_JSON = MediaType.JSON
