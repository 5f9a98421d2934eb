"""`Idempotency-Key` on every POST (P2), as an ASGI middleware around the handlers.

The key is scoped per operator (the token's account). A first request reserves it, runs,
and its answer is stored with it before the client gets it; a repeat with the same key
and the same request (method, path and body, byte for byte) gets the stored answer
again, marked `Idempotent-Replayed: true`; the same key with another request is 422; a
repeat while the first still runs is 409. An answer of 500 or more is not stored (the
key is given up, so that a retry runs anew). Keys are kept
`ApiSettings.idempotency_keep` (24 hours).
A request without the header runs as it is. The login is not keyed: it has no operator
yet, and replaying a token would hand it to whoever repeats the request.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

import anyio
from litestar.enums import ScopeType
from litestar.params import HeaderParameter
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from domain.actors import Actor
from entrypoints.api.problems import (
    IdempotencyInProgress,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
)
from entrypoints.api.services import ApiServices
from ports.idempotency import StoredResponse

HEADER = b"idempotency-key"
REPLAYED = (b"idempotent-replayed", b"true")
KEPT_HEADERS = frozenset({b"content-type", b"location", b"retry-after"})

IdempotencyKeyHeader = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=255,
        required=False,
        description="幂等键：同一工作人员以同一键重复同一请求，返回首次的结果（保留24小时）",
    ),
]


def _valid(key: bytes) -> bool:
    return 1 <= len(key) <= 255 and all(0x21 <= b <= 0x7E for b in key)


class IdempotencyMiddleware:
    """Wraps the app's handlers; built by `idempotency_middleware(services)`."""

    def __init__(self, app: ASGIApp, services: ApiServices) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        key = dict(scope.get("headers", ())).get(HEADER)
        user = scope.get("user")
        if key is None or not isinstance(user, Actor):
            await self.app(scope, receive, send)
            return
        if not _valid(key):
            raise IdempotencyKeyInvalid()
        await self._keyed(scope, receive, send, user.id, key.decode("ascii"))

    async def _keyed(
        self, scope: Scope, receive: Receive, send: Send, operator: str, key: str
    ) -> None:
        body = await _body(receive)
        request = b"POST " + scope["path"].encode("utf-8") + b"\n" + body
        fingerprint = hashlib.sha256(request).hexdigest()
        store, clock = self.services.idempotency, self.services.deps.clock
        now = clock.now()
        expires = now + self.services.settings.idempotency_keep
        held = await anyio.to_thread.run_sync(
            lambda: store.reserve(operator, key, fingerprint, now=now, expires_at=expires)
        )
        if held is not None:
            if held.fingerprint != fingerprint:
                raise IdempotencyKeyReused()
            if held.response is None:
                raise IdempotencyInProgress()
            await _replay(send, held.response)
            return
        captured = _Captured()
        try:
            await self.app(scope, _replaying(body, receive), captured.send)
        except BaseException:
            await anyio.to_thread.run_sync(store.release, operator, key)
            raise
        answer = captured.response()
        if answer.status >= 500:
            await anyio.to_thread.run_sync(store.release, operator, key)
        else:
            await anyio.to_thread.run_sync(store.complete, operator, key, answer)
        # Only a stored answer reaches the client: whoever got it can have it again with
        # the same key, even if the process dies right after sending it.
        await captured.forward(send)


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class _Captured:
    """Holds the handler's answer until it is stored, then passes it on to the client."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.messages: list[Message] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", ())]
        elif message["type"] == "http.response.body":
            self.chunks.append(bytes(message.get("body", b"")))
        self.messages.append(message)

    async def forward(self, send: Send) -> None:
        for message in self.messages:
            await send(message)

    def response(self) -> StoredResponse:
        kept = tuple(
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in self.headers
            if k.lower() in KEPT_HEADERS and k.lower() != b"content-type"
        )
        media = next(
            (v.decode("latin-1") for k, v in self.headers if k.lower() == b"content-type"),
            "application/json",
        )
        return StoredResponse(self.status, media, b"".join(self.chunks), kept)


async def _replay(send: Send, stored: StoredResponse) -> None:
    headers = [
        (b"content-type", stored.media_type.encode("latin-1")),
        (b"content-length", str(len(stored.body)).encode("ascii")),
        REPLAYED,
        *((k.encode("latin-1"), v.encode("latin-1")) for k, v in stored.headers),
    ]
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body, "more_body": False})


def idempotency_middleware(services: ApiServices) -> Any:
    """The middleware factory Litestar takes in `middleware=[...]`."""

    def factory(app: ASGIApp) -> ASGIApp:
        return IdempotencyMiddleware(app, services)

    return factory
