"""What the API serves: the use cases' dependencies and what only the API needs.

`create_app` receives one `ApiServices`; nothing in `entrypoints.api` builds an adapter.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, TypeAlias, TypeVar

from attrs import field, frozen
from litestar.di import Dependency
from litestar.params import SkipValidationMarker

from application.dependencies import Dependencies
from application.staff import LockoutPolicy
from domain.policy import Source
from ports.clock import AdjustableClock
from ports.idempotency import IdempotencyStore
from ports.staff import PasswordHasher

_TOKEN_SOURCE = Source(
    "OWASP ASVS 5.0 V7.3（会话超时）", "?", note="本项目默认15分钟，须由地方按其安全制度确认"
)
_RATE_SOURCE = Source("OWASP ASVS 5.0 V2.4（防自动化滥用）", "?", note="本项目的默认取值")
_KEEP_SOURCE = Source(
    "PROMISES.md P2；IETF draft-ietf-httpapi-idempotency-key-header", "?", note="至少24小时"
)


@frozen
class ApiSettings:
    """The API's own parameters, each with where it comes from."""

    token_lifetime: timedelta = timedelta(minutes=15)
    token_source: Source = _TOKEN_SOURCE
    # Per operator: a bucket of `burst` requests, refilled at `per_minute` a minute.
    requests_per_minute: int = 600
    burst: int = 120
    rate_source: Source = _RATE_SOURCE
    idempotency_keep: timedelta = timedelta(hours=24)
    idempotency_source: Source = _KEEP_SOURCE
    lockout: LockoutPolicy = field(factory=LockoutPolicy)


@frozen
class ApiServices:
    """Everything one API process serves with."""

    deps: Dependencies
    hasher: PasswordHasher
    idempotency: IdempotencyStore
    token_secret: str = field(repr=False)
    settings: ApiSettings = field(factory=ApiSettings)
    demo_clock: AdjustableClock | None = None  # only a server started with --demo has one


class RateLimiter:
    """A token bucket per operator, in this process (several API processes each keep
    their own: the limit is then per process)."""

    def __init__(
        self, per_minute: int, burst: int, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # operator: (tokens, at)

    def take(self, operator: str) -> float:
        """Take one request from the operator's bucket; 0 if allowed, else the seconds
        until the next one would be."""
        now = self._monotonic()
        with self._lock:
            tokens, at = self._buckets.get(operator, (self._burst, now))
            tokens = min(self._burst, tokens + (now - at) * self._rate)
            if tokens >= 1:
                self._buckets[operator] = (tokens - 1, now)
                return 0.0
            self._buckets[operator] = (tokens, now)
            return (1 - tokens) / self._rate


T = TypeVar("T")
# A value handed to handlers by name (`Provide`), not parsed: msgspec leaves it alone.
Injected: TypeAlias = Annotated[T, Dependency(kind="named"), SkipValidationMarker()]
Services: TypeAlias = Annotated[ApiServices, Dependency(kind="named"), SkipValidationMarker()]
