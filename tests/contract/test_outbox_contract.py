"""What every adapter of the outbox promises (P6, P7, P8), in memory and in SQL.

`OutboxContract` is abstract and not collected: an adapter's class builds a unit of work
and the queue over one storage shared by the test.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from adapters.memory.storage import InMemoryStore, InMemoryUnitOfWork
from adapters.sql.database import SqlDatabase
from adapters.sql.outbox import SqlOutboxQueue
from ports.errors import NotFound
from ports.outbox import (
    ClaimedEntry,
    EntryStatus,
    OutboxEntry,
    OutboxQueue,
    RecordRecognition,
    RegisterUnemployment,
)
from ports.storage import UnitOfWork
from tests.factories import T0, resident_id
from tests.sql_support import storage_for

LEASE = timedelta(seconds=60)


def entry(n: int = 1) -> OutboxEntry:
    message = RegisterUnemployment(resident_id(n), f"case-{n:04d}", date(2026, 3, 2))
    return OutboxEntry(f"unemployment-register-case-{n:04d}", message)


class OutboxContract(ABC):
    @abstractmethod
    def make_uow(self) -> UnitOfWork: ...

    @abstractmethod
    def queue(self) -> OutboxQueue: ...

    def queued(self, *entries: OutboxEntry) -> None:
        with self.make_uow() as uow:
            for one in entries:
                uow.outbox.add(one)
            uow.commit()

    def claim(self, worker: str = "w1", *, at=T0, limit: int = 10) -> list[ClaimedEntry]:
        return self.queue().claim(worker, now=at, lease=LEASE, limit=limit)

    def test_a_committed_entry_is_claimed_with_its_message_intact(self):
        self.queued(entry(1))

        (claimed,) = self.claim()

        assert (claimed.entry, claimed.attempt) == (entry(1), 1)

    def test_an_entry_of_a_unit_left_without_commit_is_never_queued(self):
        with self.make_uow() as uow:
            uow.outbox.add(entry(1))

        assert self.claim() == []

    def test_an_entry_queued_twice_under_one_key_is_queued_once(self):
        """P6: the key is the entry's identity; the same write is not queued twice."""
        self.queued(entry(1))
        self.queued(entry(1))

        assert len(self.claim()) == 1

    def test_entries_of_every_message_kind_read_back_equal(self):
        recognition = RecordRecognition(resident_id(2), "case-0002", True, date(2026, 3, 3))
        self.queued(entry(1), OutboxEntry("unemployment-recognition-case-0002", recognition))

        claimed = {c.entry.key: c.entry.message for c in self.claim()}

        assert claimed["unemployment-recognition-case-0002"] == recognition

    def test_an_entry_is_not_claimed_again_while_its_lease_holds(self):
        """P7: no second worker takes an entry while the first one's lease holds."""
        self.queued(entry(1))
        self.claim("w1")

        assert self.claim("w2", at=T0 + LEASE - timedelta(seconds=1)) == []

    def test_an_entry_whose_lease_ran_out_is_claimed_again_and_counted(self):
        """P7: a worker that died does not lose the entry; the attempt counts."""
        self.queued(entry(1))
        self.claim("w1")

        (again,) = self.claim("w2", at=T0 + LEASE)

        assert (again.worker_id, again.attempt) == ("w2", 2)

    def test_claim_takes_at_most_the_limit(self):
        self.queued(*(entry(n) for n in range(1, 6)))

        assert len(self.claim(limit=3)) == 3

    def test_a_delivered_entry_is_never_claimed_again(self):
        self.queued(entry(1))
        self.claim()
        with self.make_uow() as uow:
            uow.outbox.mark_delivered(entry(1).key, at=T0)
            uow.commit()

        assert self.claim(at=T0 + 2 * LEASE) == []
        assert self.queue().state_of(entry(1).key).status is EntryStatus.DELIVERED

    def test_a_rescheduled_entry_waits_until_its_retry_time(self):
        """P8: a failed attempt is tried again later, not at once."""
        self.queued(entry(1))
        (claimed,) = self.claim()
        retry_at = T0 + timedelta(seconds=30)
        self.queue().reschedule(claimed, error="RegistryUnavailable: down", retry_at=retry_at)

        early = self.claim(at=retry_at - timedelta(seconds=1))
        (late,) = self.claim(at=retry_at)

        assert (early, late.attempt) == ([], 2)

    def test_an_entry_given_up_is_an_incident_operators_see_with_its_error(self):
        """P8: after the bounded attempts, the entry is visible, not silently dropped."""
        self.queued(entry(1))
        (claimed,) = self.claim()
        self.queue().reschedule(claimed, error="RegistryUnavailable: down", retry_at=None)

        (incident,) = self.queue().incidents()

        assert (incident.key, incident.status, incident.last_error) == (
            entry(1).key,
            EntryStatus.INCIDENT,
            "RegistryUnavailable: down",
        )
        assert self.claim(at=T0 + 10 * LEASE) == []

    def test_a_retried_incident_is_claimed_again_with_its_attempts_from_zero(self):
        self.queued(entry(1))
        (claimed,) = self.claim()
        self.queue().reschedule(claimed, error="down", retry_at=None)

        self.queue().retry(entry(1).key, now=T0 + LEASE)

        (again,) = self.claim(at=T0 + LEASE)
        assert again.attempt == 1
        assert self.queue().incidents() == []

    def test_a_stale_worker_cannot_reschedule_an_entry_another_worker_holds(self):
        """P7: the lease's holder decides; a worker whose lease ran out changes nothing."""
        self.queued(entry(1))
        (stale,) = self.claim("w1")
        self.claim("w2", at=T0 + LEASE)

        self.queue().reschedule(stale, error="late", retry_at=None)

        assert self.queue().state_of(entry(1).key).status is EntryStatus.PENDING

    def test_retrying_an_unknown_key_raises_not_found(self):
        with pytest.raises(NotFound):
            self.queue().retry("no-such-key", now=T0)


class TestInMemoryOutbox(OutboxContract):
    def setup_method(self) -> None:
        self.store = InMemoryStore()

    def make_uow(self) -> UnitOfWork:
        return InMemoryUnitOfWork(self.store)

    def queue(self) -> OutboxQueue:
        return self.store.outbox


class SqlOutboxContract(OutboxContract):
    def attach(self, url: str) -> Iterator[None]:
        database = SqlDatabase(url)
        self.storage = storage_for(database)
        self.sql_queue = SqlOutboxQueue(self.storage)
        yield
        database.dispose()

    def make_uow(self) -> UnitOfWork:
        return self.storage.unit_of_work()

    def queue(self) -> OutboxQueue:
        return self.sql_queue


class TestSqliteOutbox(SqlOutboxContract):
    @pytest.fixture(autouse=True)
    def _database(self, sqlite_url: str) -> Iterator[None]:
        yield from self.attach(sqlite_url)


class TestPostgresOutbox(SqlOutboxContract):
    @pytest.fixture(autouse=True)
    def _database(self, postgres_url: str) -> Iterator[None]:
        yield from self.attach(postgres_url)
