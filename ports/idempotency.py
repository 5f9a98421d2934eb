"""Idempotency keys of the HTTP API (P2): the first answer to a key, kept for repeats.

A request with an `Idempotency-Key` first reserves the key in the operator's scope. The
reservation is visible to every process at once (it commits on its own, before the work
starts), so a second request with the key sees that the first still runs. When the first
finishes, its answer is stored with the key; a repeat gets that answer back. A key is
kept until `expires_at`; after it, the key may be reserved anew.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from attrs import frozen


@frozen
class StoredResponse:
    """The answer given to the first request: status, media type, body, chosen headers."""

    status: int
    media_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


@frozen
class IdempotencyRecord:
    """A key already held: the request it was first used for and, once done, the answer."""

    scope: str
    key: str
    fingerprint: str  # a hash of the first request (method, path, body)
    created_at: datetime
    expires_at: datetime
    response: StoredResponse | None  # None while the first request still runs


class IdempotencyStore(Protocol):
    def reserve(
        self, scope: str, key: str, fingerprint: str, *, now: datetime, expires_at: datetime
    ) -> IdempotencyRecord | None:
        """Reserve the key for a new request and return None; or, when the key is held
        and not expired, change nothing and return what holds it."""
        ...

    def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        """Store the answer of the request that reserved the key."""
        ...

    def release(self, scope: str, key: str) -> None:
        """Give the key up (the request failed unexpectedly): a repeat runs anew."""
        ...
