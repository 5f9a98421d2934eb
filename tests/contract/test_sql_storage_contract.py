"""The storage contract (`UnitOfWorkContract`) for the SQL adapter, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.sql.database import SqlDatabase
from adapters.sql.storage import SqlStorage
from ports.storage import UnitOfWork
from tests.contract.test_management_storage_contract import (
    DUE_ON,
    ManagementStorageContract,
    complaint,
    spot_check,
)
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


class SqlManagementContract(ManagementStorageContract):
    storage: SqlStorage

    def make_uow(self) -> UnitOfWork:
        return self.storage.unit_of_work()

    def test_complaint_and_spot_check_events_are_appended_to_the_history(self):
        """P11: a complaint's steps and a draw are in the chain like a case's."""

        self.commit(complaint(), spot_check([]))

        kinds = [
            (e.subject_kind, e.event)
            for kind, subject in (
                ("complaint", "complaint-0001"),
                ("spot_check", "spot_check-0001"),
            )
            for e in self.storage.history.of_subject(kind, subject)
        ]
        assert kinds == [("complaint", "receive"), ("spot_check", "draw")]
        assert self.storage.history.verify().intact


class TestSqliteManagementStorage(SqlManagementContract):
    @pytest.fixture(autouse=True)
    def _storage(self, sqlite_url: str) -> Iterator[None]:
        database = SqlDatabase(sqlite_url)
        self.storage = storage_for(database, due_on=DUE_ON)
        yield
        database.dispose()


class TestPostgresManagementStorage(SqlManagementContract):
    @pytest.fixture(autouse=True)
    def _storage(self, postgres_url: str) -> Iterator[None]:
        database = SqlDatabase(postgres_url)
        self.storage = storage_for(database, due_on=DUE_ON)
        yield
        database.dispose()
