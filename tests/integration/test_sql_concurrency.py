"""Concurrency on the SQL storage: versions (P5) and the shared outbox (P7)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from adapters.sql.database import SqlDatabase
from adapters.sql.outbox import SqlOutboxQueue
from adapters.sql.storage import SqlStorage
from adapters.sql.tables import outbox
from domain.lifecycle import Step, apply
from ports.errors import ConcurrencyConflict
from ports.outbox import OutboxEntry, RegisterUnemployment
from tests.factories import T0, make_actor, make_case, resident_id, rules_for
from tests.sql_support import storage_for

OFFICERS = 20
LEASE = timedelta(seconds=60)


@pytest.fixture
def postgres(postgres_url: str) -> Iterator[SqlStorage]:
    database = SqlDatabase(postgres_url)
    yield storage_for(database)
    database.dispose()


@pytest.fixture
def storage(database: SqlDatabase) -> SqlStorage:
    return storage_for(database)


def entry(n: int) -> OutboxEntry:
    message = RegisterUnemployment(resident_id(n), f"case-{n:04d}", date(2026, 3, 2))
    return OutboxEntry(f"register-{n:04d}", message)


def queued(storage: SqlStorage, count: int) -> None:
    with storage.unit_of_work() as uow:
        for n in range(1, count + 1):
            uow.outbox.add(entry(n))
        uow.commit()


def test_of_twenty_concurrent_transitions_on_postgres_one_wins_and_the_rest_change_nothing(
    postgres: SqlStorage,
):
    """P5: twenty officers act on version 1 at once: one commit, nineteen conflicts, and
    no trace of the losers: not in the case, the history or the outbox."""
    with postgres.unit_of_work() as uow:
        uow.cases.add(make_case("case-0001"))
        uow.commit()
    everyone_loaded = threading.Barrier(OFFICERS, timeout=30)

    def act(officer: int) -> str:
        with postgres.unit_of_work() as uow:
            case = uow.cases.get("case-0001")
            everyone_loaded.wait()
            step = Step(
                make_actor(),
                T0 + timedelta(minutes=5),
                reason="workload",
                to_officer=f"clerk-{officer + 2}",
            )
            apply(case, "transfer", step, rules_for(case.service))
            uow.cases.save(case)
            uow.outbox.add(entry(officer + 1))
            try:
                uow.commit()
            except ConcurrencyConflict:
                return "conflict"
            return f"clerk-{officer + 2}"

    with ThreadPoolExecutor(max_workers=OFFICERS) as pool:
        results = list(pool.map(act, range(OFFICERS)))

    (winner,) = [r for r in results if r != "conflict"]
    with postgres.unit_of_work() as uow:
        stored = uow.cases.get("case-0001")
    assert results.count("conflict") == OFFICERS - 1
    assert (stored.version, stored.responsible) == (2, winner)
    assert [e.event for e in postgres.history.of_subject("case", "case-0001")] == [
        "receive",
        "transfer",
    ]
    assert len(SqlOutboxQueue(postgres).states()) == 1


def test_a_claim_on_postgres_skips_an_entry_another_worker_has_locked(postgres: SqlStorage):
    """P7: FOR UPDATE SKIP LOCKED: a worker never waits on, or takes, a locked entry."""
    queued(postgres, 3)
    queue = SqlOutboxQueue(postgres)
    with postgres.database.writing() as other_worker:
        other_worker.execute(
            select(outbox.c.key).where(outbox.c.key == "register-0001").with_for_update()
        ).all()
        with ThreadPoolExecutor(max_workers=1) as pool:
            claiming = pool.submit(queue.claim, "w2", now=T0, lease=LEASE, limit=10)
            claimed = claiming.result(timeout=20)  # a blocked claim would time out here

    assert sorted(c.entry.key for c in claimed) == ["register-0002", "register-0003"]


def test_two_workers_claiming_at_once_never_take_the_same_entry(storage: SqlStorage):
    """P7: several workers share one outbox; each entry goes to exactly one of them."""
    queued(storage, 40)
    queue = SqlOutboxQueue(storage)
    start = threading.Barrier(2, timeout=30)

    def work(worker: str) -> list[str]:
        start.wait()
        taken: list[str] = []
        while claimed := queue.claim(worker, now=T0, lease=LEASE, limit=1):
            taken.extend(c.entry.key for c in claimed)
        return taken

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(work, ["w1", "w2"])

    assert set(first).isdisjoint(second)
    assert sorted(first + second) == [entry(n).key for n in range(1, 41)]


def test_the_postgres_outbox_claim_uses_skip_locked(postgres: SqlStorage):
    """The statement the claim sends, as PostgreSQL receives it."""
    captured: list[str] = []

    def remember(_conn, _cursor, statement, *_args) -> None:
        captured.append(statement)

    event.listen(postgres.database.engine, "before_cursor_execute", remember)
    queued(postgres, 1)

    SqlOutboxQueue(postgres).claim("w1", now=T0, lease=LEASE, limit=1)

    assert any("FOR UPDATE SKIP LOCKED" in s for s in captured)
