"""What the intake benchmarks share: a dibao application as the window submits it, on
in-memory storage or on a throwaway SQLite file or PostgreSQL database.

Every database made here has a random name and is dropped (the file deleted) when its
`with` block ends, even on failure. PostgreSQL is `JIUZHU_BENCH_POSTGRES` (default
`postgresql+psycopg://postgres@127.0.0.1:5432/postgres`, the server the tests use).
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from adapters.clock import FixedClock
from adapters.ids import UuidIds
from adapters.memory.registries import (
    InMemoryAssistancePlatform,
    InMemoryDisabilityRegister,
    InMemoryUnemploymentRegistry,
)
from adapters.sql.database import SqlDatabase
from adapters.sql.schema import upgrade
from application.commands import SubmitApplication
from application.dependencies import Dependencies
from application.intake import submit_application
from domain.actors import Actor, Role
from domain.identity import check_character
from domain.regions import RegionCode
from domain.services import Channel, Service
from entrypoints.bootstrap import SqlComposition, bootstrap_in_memory, bootstrap_sql
from entrypoints.settings import Settings

POSTGRES = os.environ.get(
    "JIUZHU_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
TOWNSHIP = "370112001"
CLERK = Actor("bench-clerk", "刘敏", [Role.WINDOW_CLERK], RegionCode(TOWNSHIP))
MATERIALS = frozenset({"id_card", "household_register", "commitment", "check_authorization"})
DATA_KEY = bytes(range(32))
PERSON_KEY = bytes(range(32, 64))

_people = itertools.count(1)


def person(number: int) -> str:
    """A valid, distinct resident ID number for each number below about 20 million."""
    born = date(1950, 1, 1) + timedelta(days=number // 900 % 20000)
    first17 = f"370112{born:%Y%m%d}{number % 900 + 100:03d}"
    return first17 + check_character(first17)


def dibao_application(number: int | None = None) -> SubmitApplication:
    """A complete dibao application of a new person (a new number each call)."""
    who = next(_people) if number is None else number
    return SubmitApplication(
        Service.DIBAO, person(who), "申请人", TOWNSHIP, Channel.WINDOW, MATERIALS
    )


def intake(deps: Dependencies) -> Callable[[], None]:
    """One intake: the application layer's submit of a new dibao application."""

    def submit() -> None:
        submit_application(deps, CLERK, dibao_application())

    return submit


def in_memory() -> Dependencies:
    """The in-memory composition (registries simulated in process, outbox delivered)."""
    return bootstrap_in_memory(clock=FixedClock(START), ids=UuidIds())


@contextmanager
def sqlite_url() -> Iterator[str]:
    """A new SQLite file in a temporary directory, removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="jiuzhu-bench-"))
    try:
        yield f"sqlite:///{directory / 'bench.sqlite3'}"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _admin() -> URL:
    return make_url(POSTGRES)


def _autocommit(statement: str) -> None:
    engine = create_engine(_admin(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@contextmanager
def postgres_url() -> Iterator[str]:
    """A new PostgreSQL database with a random name, dropped afterwards."""
    name = f"jiuzhu_bench_{secrets.token_hex(6)}"
    _autocommit(f'CREATE DATABASE "{name}"')
    try:
        yield _admin().set(database=name).render_as_string(hide_password=False)
    finally:
        _autocommit(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_available() -> bool:
    try:
        _autocommit("SELECT 1")
    except Exception:
        return False
    return True


@contextmanager
def migrated(url: str) -> Iterator[SqlComposition]:
    """The product's SQL composition over `url`, migrated to the current schema, with the
    registries simulated in memory (the API's quick asks at intake answer at once)."""
    database = SqlDatabase(url)
    try:
        upgrade(database)
    finally:
        database.dispose()
    clock = FixedClock(START)
    composition = bootstrap_sql(
        Settings(url, DATA_KEY, PERSON_KEY),
        clock=clock,
        ids=UuidIds(),
        platform=InMemoryAssistancePlatform(clock=clock),
        unemployment=InMemoryUnemploymentRegistry(),
        disability=InMemoryDisabilityRegister(),
    )
    try:
        yield composition
    finally:
        composition.close()
