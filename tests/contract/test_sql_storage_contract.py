"""The storage contract (`UnitOfWorkContract`) for the SQL adapter, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.sql.database import SqlDatabase
from adapters.sql.storage import SqlStorage
from ports.storage import UnitOfWork
from tests.contract.test_storage_contract import UnitOfWorkContract
from tests.factories import make_case
from tests.sql_support import storage_for


class SqlContract(UnitOfWorkContract):
    storage: SqlStorage

    def make_uow(self) -> UnitOfWork:
        return self.storage.unit_of_work()

    def test_a_unit_of_work_reads_its_own_staged_case(self):
        with self.make_uow() as uow:
            uow.cases.add(make_case("case-0001"))

            loaded = uow.cases.get("case-0001")

        assert loaded.id == "case-0001"


class TestSqliteUnitOfWork(SqlContract):
    @pytest.fixture(autouse=True)
    def _storage(self, sqlite_url: str) -> Iterator[None]:
        database = SqlDatabase(sqlite_url)
        self.storage = storage_for(database)
        yield
        database.dispose()


class TestPostgresUnitOfWork(SqlContract):
    @pytest.fixture(autouse=True)
    def _storage(self, postgres_url: str) -> Iterator[None]:
        database = SqlDatabase(postgres_url)
        self.storage = storage_for(database)
        yield
        database.dispose()
