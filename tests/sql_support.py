"""Databases for the SQL tests: a fresh, migrated SQLite file or PostgreSQL database each.

Other people run their suites against the same PostgreSQL server at the same time, so
each test session migrates one template database with a random name, each test gets a
copy of it (`CREATE DATABASE ... TEMPLATE`), and every database made here is dropped at
the end. The server is `JIUZHU_TEST_POSTGRES` (default: postgres@127.0.0.1:5432/test).
Under CI=true a server that cannot be reached fails the test; elsewhere it is skipped.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from adapters.clock import FixedClock
from adapters.sql.crypto import PersonKey, Sealer
from adapters.sql.database import SqlDatabase
from adapters.sql.schema import upgrade
from adapters.sql.storage import SqlStorage
from domain.cases import Case
from entrypoints.settings import Settings
from ports.clock import Clock
from tests.factories import T0

SERVER = os.environ.get(
    "JIUZHU_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DATA_KEY = bytes(range(32))
PERSON_KEY = bytes(range(32, 64))


def settings_for(url: str) -> Settings:
    return Settings(url, DATA_KEY, PERSON_KEY)


def storage_for(
    database: SqlDatabase,
    clock: Clock | None = None,
    *,
    due_on: Callable[[Case], date | None] | None = None,
) -> SqlStorage:
    return SqlStorage(
        database,
        sealer=Sealer(DATA_KEY),
        person_key=PersonKey(PERSON_KEY),
        clock=clock or FixedClock(T0),
        due_on=due_on,
    )


def _admin_url() -> URL:
    return make_url(SERVER)


def _unreachable(reason: str) -> None:
    message = f"PostgreSQL at {_admin_url().render_as_string()} unreachable: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _execute_autocommit(statement: str) -> None:
    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _database_url(name: str) -> str:
    return _admin_url().set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a migrated database that every PostgreSQL test copies."""
    try:
        _execute_autocommit("SELECT 1")
    except OperationalError as error:
        _unreachable(type(error.orig).__name__)
    name = f"jiuzhu_test_{secrets.token_hex(4)}"
    _execute_autocommit(f'CREATE DATABASE "{name}"')
    try:
        database = SqlDatabase(_database_url(name))
        upgrade(database)
        database.dispose()
        yield name
    finally:
        _execute_autocommit(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test, dropped after it."""
    name = f"{postgres_template}_{secrets.token_hex(3)}"
    _execute_autocommit(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    try:
        yield _database_url(name)
    finally:
        _execute_autocommit(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_postgres_url(postgres_template: str) -> Iterator[str]:
    """A PostgreSQL database with no schema at all (for the migration tests)."""
    name = f"{postgres_template}_e{secrets.token_hex(3)}"
    _execute_autocommit(f'CREATE DATABASE "{name}"')
    try:
        yield _database_url(name)
    finally:
        _execute_autocommit(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "jiuzhu.sqlite3"
    database = SqlDatabase(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()  # the last connection closing folds the WAL into the file
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite file for one test."""
    path = tmp_path / "jiuzhu.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each SQL test that takes this runs once on SQLite and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[SqlDatabase]:
    db = SqlDatabase(database_url)
    yield db
    db.dispose()
