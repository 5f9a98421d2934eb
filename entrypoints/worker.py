"""`jiuzhu worker`: delivers the outbox to the registries, at least once (P6, P7, P8).

Each round claims a batch of due entries under a lease, calls each entry's registry with
the entry's idempotency key, and records the delivery in a unit of work. A failed call is
tried again after an exponential backoff with jitter (tenacity's wait policy, over the
attempts counted in the outbox itself, so that a restart keeps the count); after
`RetryPolicy.max_attempts` the entry becomes an incident for operators.

The named checkpoints (`after_claim`, `after_registry_call`, `after_mark_done`) are where
the crash tests kill the worker; in production the hook does nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import tenacity
from attrs import field, frozen

from application.dependencies import Dependencies
from application.outbox import Delivered, call_registry, record_delivery
from ports.errors import ConcurrencyConflict, RegistryRefused
from ports.outbox import ClaimedEntry, OutboxQueue

log = logging.getLogger(__name__)

CHECKPOINTS = ("after_claim", "after_registry_call", "after_mark_done")


def _positive(_instance: object, attribute: object, value: float) -> None:
    if value <= 0:
        raise ValueError(f"{getattr(attribute, 'name', 'value')} must be positive")


@frozen
class RetryPolicy:
    """When a failed delivery is tried again, and when it becomes an incident (P8).

    Defaults: 2 s doubling to at most 10 min, up to 2 s of jitter, 12 attempts: about
    37 minutes of retries before an operator is asked to look. A registry that is down
    for longer yields incidents, which `jiuzhu outbox retry` puts back in the queue.
    """

    max_attempts: int = field(default=12, validator=_positive)
    initial_seconds: float = field(default=2.0, validator=_positive)
    max_seconds: float = field(default=600.0, validator=_positive)
    jitter_seconds: float = 2.0

    def retry_at(self, attempt: int, now: datetime) -> datetime | None:
        """When to try after failed attempt number `attempt`; None once the bound is hit."""
        state = tenacity.RetryCallState(tenacity.Retrying(), None, (), {})
        state.attempt_number = attempt
        if tenacity.stop_after_attempt(self.max_attempts)(state):
            return None
        wait = tenacity.wait_exponential_jitter(
            multiplier=self.initial_seconds, max=self.max_seconds, jitter=self.jitter_seconds
        )
        return now + timedelta(seconds=wait(state))


@frozen
class WorkerSettings:
    """How one worker takes from the queue: lease per entry, batch size, idle poll."""

    lease_seconds: float = field(default=60.0, validator=_positive)
    batch: int = field(default=10, validator=_positive)
    poll_seconds: float = field(default=1.0, validator=_positive)
    retry: RetryPolicy = field(factory=RetryPolicy)


def _no_checkpoint(_name: str) -> None:
    return None


class Worker:
    """One outbox worker; many may run against one PostgreSQL outbox (P7)."""

    def __init__(
        self,
        deps: Dependencies,
        queue: OutboxQueue,
        *,
        worker_id: str,
        settings: WorkerSettings | None = None,
        checkpoint: Callable[[str], None] = _no_checkpoint,
    ) -> None:
        self._deps = deps
        self._queue = queue
        self.worker_id = worker_id
        self._settings = settings or WorkerSettings()
        self._checkpoint = checkpoint

    def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many entries were claimed."""
        now = self._deps.clock.now()
        lease = timedelta(seconds=self._settings.lease_seconds)
        claimed = self._queue.claim(
            self.worker_id, now=now, lease=lease, limit=self._settings.batch
        )
        self._checkpoint("after_claim")
        for entry in claimed:
            self._deliver(entry)
        return len(claimed)

    def drain(self) -> int:
        """Deliver until nothing is due now; returns how many entries were claimed."""
        total = 0
        while claimed := self.run_once():
            total += claimed
        return total

    def run(self, stop: threading.Event) -> None:
        """Deliver until `stop` is set, polling while the queue is empty."""
        log.info("outbox worker %s started", self.worker_id)
        while not stop.is_set():
            if not self.run_once():
                stop.wait(self._settings.poll_seconds)
        log.info("outbox worker %s stopped", self.worker_id)

    def _deliver(self, claimed: ClaimedEntry) -> None:
        key = claimed.entry.key
        retry = self._settings.retry
        if claimed.attempt > retry.max_attempts:
            # Workers died holding it that often: give up rather than crash again.
            self._queue.reschedule(claimed, error="worker lost on every attempt", retry_at=None)
            log.error("outbox %s: incident after %d lost attempts", key, claimed.attempt - 1)
            return
        if self._deps.clock.now() >= claimed.lease_until:
            log.warning("outbox %s: lease ran out before delivery; left to others", key)
            return
        try:
            delivered = call_registry(self._deps, claimed.entry)
            self._checkpoint("after_registry_call")
            self._record(delivered)
        except Exception as error:  # every failure is retried and, in the end, shown
            self._failed(claimed, error)
        else:
            log.info("outbox %s delivered (attempt %d)", key, claimed.attempt)

    def _record(self, delivered: Delivered) -> None:
        for attempt in tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(ConcurrencyConflict),
            stop=tenacity.stop_after_attempt(5),
            wait=tenacity.wait_random(0, 0.05),
            reraise=True,
        ):
            with attempt, self._deps.uow() as uow:
                record_delivery(uow, delivered, at=self._deps.clock.now())
                self._checkpoint("after_mark_done")
                uow.commit()

    def _failed(self, claimed: ClaimedEntry, error: Exception) -> None:
        retry_at = self._settings.retry.retry_at(claimed.attempt, self._deps.clock.now())
        if isinstance(error, RegistryRefused):  # a 401 or 422 does not heal by waiting
            retry_at = None
        text = f"{type(error).__name__}: {error}"[:500]
        self._queue.reschedule(claimed, error=text, retry_at=retry_at)
        if retry_at is None:
            log.error(
                "outbox %s: incident after %d attempts: %s",
                claimed.entry.key,
                claimed.attempt,
                text,
            )
        else:
            log.warning(
                "outbox %s: attempt %d failed (%s); next at %s",
                claimed.entry.key,
                claimed.attempt,
                text,
                retry_at.isoformat(timespec="seconds"),
            )
