"""Storage: intake transactions per second through the SQL adapter, against a raw insert.

The subject is what the application does for an application, without the scenario: a
case opened (`domain.lifecycle.open_case`) and saved through the adapter's unit of work,
with its history entry (hash-chained, sealed) and one outbox entry, in one transaction.
The baseline inserts one short row per transaction on the same database, through the
same engine and so the same connection settings (SQLite: WAL, synchronous=FULL,
BEGIN IMMEDIATE; PostgreSQL: synchronous_commit on). Goal: at least half its rate.

Each runs on its own throwaway database (a temporary SQLite file; a PostgreSQL database
with a random name, dropped afterwards). Without a reachable PostgreSQL server its rows
are left out and the reason printed.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from attrs import frozen
from sqlalchemy import text

from adapters.sql.database import SqlDatabase
from bench import intake_support
from bench.report import Row, compare
from domain import lifecycle
from domain.cases import Applicant
from domain.identity import ResidentId
from domain.lifecycle import CaseRules, Step
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.services import Channel, Service
from entrypoints.bootstrap import SqlComposition
from ports.outbox import OutboxEntry, RegisterUnemployment

NAME = "storage"
GOAL = "≥ ½ the raw insert's rate"
RAW_TABLE = "bench_raw_rows"


@frozen
class _Sizes:
    transactions: int
    rounds: int


FULL = _Sizes(transactions=300, rounds=5)
QUICK = _Sizes(transactions=40, rounds=3)


def _intake(composition: SqlComposition) -> Callable[[int], None]:
    """One intake transaction: a new dibao case, its history entry and an outbox entry."""
    region = RegionCode(intake_support.TOWNSHIP)
    rules = CaseRules.for_case(default_policy(), Service.DIBAO, region)
    storage, clock = composition.storage, composition.deps.clock
    numbers = itertools.count(1)

    def transact(_: int) -> None:
        number = next(numbers)
        person = ResidentId(intake_support.person(number))
        with storage.unit_of_work() as uow:
            case = lifecycle.open_case(
                case_id=f"bench-case-{number}",
                service=Service.DIBAO,
                applicant=Applicant(person, "申请人"),
                region=region,
                channel=Channel.WINDOW,
                step=Step(intake_support.CLERK, clock.now(), materials=intake_support.MATERIALS),
                rules=rules,
            )
            uow.cases.add(case)
            message = RegisterUnemployment(person, case.id, clock.now().date())
            uow.outbox.add(OutboxEntry(f"bench-outbox-{number}", message))
            uow.commit()

    return transact


def _raw(database: SqlDatabase) -> Callable[[int], None]:
    """One raw transaction: a single short row, inserted and committed."""
    with database.writing() as connection:
        connection.exec_driver_sql(
            f"CREATE TABLE {RAW_TABLE} (id VARCHAR(40) PRIMARY KEY, payload VARCHAR(200))"
        )
    numbers = itertools.count(1)
    statement = text(f"INSERT INTO {RAW_TABLE} (id, payload) VALUES (:id, :payload)")

    def transact(_: int) -> None:
        with database.writing() as connection:
            connection.execute(statement, {"id": f"row-{next(numbers)}", "payload": "x" * 120})

    return transact


def _rate(transact: Callable[[int], None], count: int) -> Callable[[], float]:
    def sample() -> float:
        began = time.perf_counter()
        for index in range(count):
            transact(index)
        return count / (time.perf_counter() - began)

    return sample


def _row(label: str, composition: SqlComposition, sizes: _Sizes) -> Row:
    intake, raw = _intake(composition), _raw(composition.storage.database)
    intake(0)  # warm: first connection, statement caches
    raw(0)
    return compare(
        NAME,
        subject=(f"{label}: intake through the unit of work", _rate(intake, sizes.transactions)),
        baseline=(f"{label}: raw single-row insert", _rate(raw, sizes.transactions)),
        unit="transactions/s",
        rounds=sizes.rounds,
        goal=GOAL,
        goal_ratio=0.5,
        extra={"per sample": sizes.transactions},
    )


def _databases() -> Iterator[tuple[str, AbstractContextManager[str]]]:
    yield "SQLite", intake_support.sqlite_url()
    if intake_support.postgres_available():
        yield "PostgreSQL", intake_support.postgres_url()
    else:
        print(f"   PostgreSQL at {intake_support.POSTGRES} unreachable: left out", file=sys.stderr)


def run(quick: bool, sizes: _Sizes | None = None) -> list[Row]:
    sizes = sizes or (QUICK if quick else FULL)
    rows = []
    for label, database in _databases():
        with database as url, intake_support.migrated(url) as composition:
            rows.append(_row(label, composition, sizes))
    return rows
