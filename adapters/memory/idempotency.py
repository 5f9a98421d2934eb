"""Idempotency keys in memory (tests, embedding, the in-memory composition)."""

from __future__ import annotations

import threading
from datetime import datetime

from attrs import evolve

from ports.idempotency import IdempotencyRecord, StoredResponse


class InMemoryIdempotencyStore:
    """Keys per scope, under one lock; an expired key is replaced by a new reservation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[tuple[str, str], IdempotencyRecord] = {}

    def reserve(
        self, scope: str, key: str, fingerprint: str, *, now: datetime, expires_at: datetime
    ) -> IdempotencyRecord | None:
        with self._lock:
            held = self._records.get((scope, key))
            if held is not None and now < held.expires_at:
                return held
            self._records[(scope, key)] = IdempotencyRecord(
                scope, key, fingerprint, now, expires_at, None
            )
            return None

    def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        with self._lock:
            held = self._records.get((scope, key))
            if held is not None:
                self._records[(scope, key)] = evolve(held, response=response)

    def release(self, scope: str, key: str) -> None:
        with self._lock:
            self._records.pop((scope, key), None)
