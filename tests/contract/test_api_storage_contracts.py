"""What the storage ports the API adds promise, on every adapter (STYLE 7; P2, P11).

Staff accounts and audit entries live in the unit of work; idempotency keys in a store
of their own. Each contract is abstract and run against memory, SQLite and PostgreSQL.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from adapters.memory.idempotency import InMemoryIdempotencyStore
from adapters.memory.storage import InMemoryStore, InMemoryUnitOfWork
from adapters.sql.crypto import Sealer
from adapters.sql.database import SqlDatabase
from adapters.sql.idempotency import SqlIdempotencyStore
from adapters.sql.storage import SqlStorage
from adapters.sql.tables import history
from domain.actors import Role
from ports.audit import AuditEntry, AuditOutcome
from ports.errors import ConcurrencyConflict, NotFound
from ports.idempotency import IdempotencyStore, StoredResponse
from ports.staff import StaffAccount
from ports.storage import UnitOfWork
from tests.factories import COUNTY, OTHER_TOWNSHIP, T0, TOWNSHIP, resident_id
from tests.sql_support import DATA_KEY, storage_for

LATER = T0 + timedelta(hours=1)
DAY = timedelta(hours=24)


def account(staff_id: str = "clerk-1") -> StaffAccount:
    return StaffAccount(staff_id, "刘敏", [Role.WINDOW_CLERK], TOWNSHIP, "hash-of-password")


def refusal(actor_id: str = "clerk-1") -> AuditEntry:
    return AuditEntry(
        at=T0,
        actor_id=actor_id,
        action="access_refused",
        outcome=AuditOutcome.REFUSED,
        subject_kind="case",
        subject_id="case-0001",
        rule="P10",
        reason="outside_jurisdiction",
        person=resident_id(1),
    )


class StaffAndAuditContract(ABC):
    @abstractmethod
    def make_uow(self) -> UnitOfWork: ...

    @abstractmethod
    def audit_actions(self) -> list[tuple[str, str, str]]:
        """(actor, action, outcome) of every committed audit entry, in order."""

    def test_a_committed_account_reads_back_with_its_roles_and_region(self):
        with self.make_uow() as uow:
            uow.staff.add(account())
            uow.commit()

        with self.make_uow() as uow:
            loaded = uow.staff.get("clerk-1")

        assert (loaded.roles, loaded.region, loaded.version) == (
            frozenset({Role.WINDOW_CLERK}),
            TOWNSHIP,
            1,
        )

    def test_an_unknown_login_name_is_not_found(self):
        with self.make_uow() as uow, pytest.raises(NotFound):
            uow.staff.get("nobody")

    def test_a_second_account_with_one_login_name_is_refused(self):
        with self.make_uow() as uow:
            uow.staff.add(account())
            uow.commit()

        with self.make_uow() as uow:
            uow.staff.add(account())
            with pytest.raises(ConcurrencyConflict):
                uow.commit()

    def test_two_saves_of_one_loaded_account_give_one_conflict(self):
        with self.make_uow() as uow:
            uow.staff.add(account())
            uow.commit()
        first, second = self.make_uow(), self.make_uow()
        with first, second:
            a, b = first.staff.get("clerk-1"), second.staff.get("clerk-1")
            a.failed_logins, b.failed_logins = 1, 1
            first.staff.save(a)
            second.staff.save(b)
            first.commit()

            with pytest.raises(ConcurrencyConflict):
                second.commit()

    def test_the_accounts_of_a_region_are_its_own_and_those_below_it_active_by_name(self):
        with self.make_uow() as uow:
            uow.staff.add(account("reviewer-2"))
            uow.staff.add(account("clerk-1"))
            uow.staff.add(StaffAccount("county-1", "王", [Role.SUPERVISOR], COUNTY, "h"))
            uow.staff.add(StaffAccount("other-1", "李", [Role.REVIEWER], OTHER_TOWNSHIP, "h"))
            uow.staff.add(StaffAccount("gone-1", "赵", [Role.REVIEWER], TOWNSHIP, "h", False))
            uow.commit()

        with self.make_uow() as uow:
            township = [a.id for a in uow.staff.within(TOWNSHIP)]
            county = [a.id for a in uow.staff.within(COUNTY)]

        assert township == ["clerk-1", "reviewer-2"]
        assert county == ["clerk-1", "county-1", "other-1", "reviewer-2"]

    def test_an_audit_entry_is_written_with_its_unit_of_work(self):
        with self.make_uow() as uow:
            uow.audit.append(refusal())
            uow.commit()

        assert self.audit_actions() == [("clerk-1", "access_refused", "refused")]

    def test_an_audit_entry_of_a_unit_left_uncommitted_is_not_written(self):
        with self.make_uow() as uow:
            uow.audit.append(refusal())

        assert self.audit_actions() == []


class TestInMemoryStaffAndAudit(StaffAndAuditContract):
    @pytest.fixture(autouse=True)
    def _store(self) -> None:
        self.store = InMemoryStore()

    def make_uow(self) -> UnitOfWork:
        return InMemoryUnitOfWork(self.store)

    def audit_actions(self) -> list[tuple[str, str, str]]:
        return [(e.actor_id, e.action, e.outcome.value) for e in self.store.audit]


class SqlStaffAndAudit(StaffAndAuditContract):
    storage: SqlStorage

    def make_uow(self) -> UnitOfWork:
        return self.storage.unit_of_work()

    def audit_actions(self) -> list[tuple[str, str, str]]:
        query = (
            select(history.c.actor_id, history.c.event, history.c.to_state)
            .where(history.c.subject_kind == "audit")
            .order_by(history.c.position)
        )
        with self.storage.database.reading() as connection:
            return [tuple(row) for row in connection.execute(query)]

    def test_an_audit_entry_keeps_the_chain_intact(self):
        with self.make_uow() as uow:
            uow.audit.append(refusal())
            uow.commit()

        assert self.storage.history.verify().intact


class TestSqliteStaffAndAudit(SqlStaffAndAudit):
    @pytest.fixture(autouse=True)
    def _storage(self, sqlite_url: str) -> Iterator[None]:
        database = SqlDatabase(sqlite_url)
        self.storage = storage_for(database)
        yield
        database.dispose()


class TestPostgresStaffAndAudit(SqlStaffAndAudit):
    @pytest.fixture(autouse=True)
    def _storage(self, postgres_url: str) -> Iterator[None]:
        database = SqlDatabase(postgres_url)
        self.storage = storage_for(database)
        yield
        database.dispose()


# -- idempotency keys (P2) --

ANSWER = StoredResponse(201, "application/json", b'{"case": "case-0001"}', (("location", "/x"),))


class IdempotencyContract(ABC):
    store: IdempotencyStore

    def reserve(self, key: str = "k-1", fingerprint: str = "f-1", *, now=T0, scope="clerk-1"):
        return self.store.reserve(scope, key, fingerprint, now=now, expires_at=now + DAY)

    def test_a_new_key_is_reserved(self):
        assert self.reserve() is None

    def test_a_key_still_running_is_held_without_an_answer(self):
        self.reserve()

        held = self.reserve(now=LATER)

        assert held is not None
        assert (held.fingerprint, held.response) == ("f-1", None)

    def test_a_completed_key_gives_back_its_answer(self):
        self.reserve()
        self.store.complete("clerk-1", "k-1", ANSWER)

        held = self.reserve(now=LATER)

        assert held is not None
        assert held.response == ANSWER

    def test_keys_are_scoped_per_operator(self):
        self.reserve()

        assert self.reserve(scope="clerk-2") is None

    def test_a_released_key_is_reserved_anew(self):
        self.reserve()
        self.store.release("clerk-1", "k-1")

        assert self.reserve(now=LATER) is None

    def test_a_key_is_kept_until_it_expires_and_no_longer(self):
        self.reserve()
        self.store.complete("clerk-1", "k-1", ANSWER)

        kept = self.reserve(now=T0 + DAY - timedelta(seconds=1))
        renewed = self.reserve("k-1", "f-2", now=T0 + DAY)

        assert kept is not None
        assert renewed is None

    def test_of_many_simultaneous_reservations_exactly_one_holds_the_key(self):
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: self.reserve(), range(16)))

        assert sum(r is None for r in results) == 1


class TestInMemoryIdempotency(IdempotencyContract):
    @pytest.fixture(autouse=True)
    def _store(self) -> None:
        self.store = InMemoryIdempotencyStore()


class TestSqliteIdempotency(IdempotencyContract):
    @pytest.fixture(autouse=True)
    def _store(self, sqlite_url: str) -> Iterator[None]:
        database = SqlDatabase(sqlite_url)
        self.store = SqlIdempotencyStore(database, Sealer(DATA_KEY))
        yield
        database.dispose()


class TestPostgresIdempotency(IdempotencyContract):
    @pytest.fixture(autouse=True)
    def _store(self, postgres_url: str) -> Iterator[None]:
        database = SqlDatabase(postgres_url)
        self.store = SqlIdempotencyStore(database, Sealer(DATA_KEY))
        yield
        database.dispose()
