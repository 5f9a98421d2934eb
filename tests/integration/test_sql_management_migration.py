"""Migration 0003 on a database that already holds consultations (R10)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import insert

from adapters.sql.database import SqlDatabase
from adapters.sql.schema import upgrade
from adapters.sql.tables import consultations
from domain.inquiries import Consultation
from ports.storage import RecordQuery
from tests.contract.test_management_storage_contract import consultation
from tests.sql_support import storage_for


@pytest.fixture(params=["sqlite", "postgresql"])
def at_0001(request: pytest.FixtureRequest, tmp_path) -> Iterator[SqlDatabase]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        url = request.getfixturevalue("empty_postgres_url")
    database = SqlDatabase(url)
    upgrade(database, "0001")
    yield database
    database.dispose()


def store_as_0001_did(database: SqlDatabase, record: Consultation) -> None:
    """A consultation row as the first schema wrote it: no unit, no unit_moves column."""
    storage = storage_for(database)
    document = storage.codec.encode(record, Consultation)
    del document["version"], document["unit"]
    with database.writing() as connection:
        connection.execute(
            insert(consultations).values(
                id=record.id,
                version=1,
                region=record.region.code,
                received_at=record.received_at,
                is_open=record.is_open,
                document=storage.seal("consultations", record.id, document),
            )
        )


def test_a_consultation_stored_before_0003_reads_back_without_a_unit(at_0001):
    store_as_0001_did(at_0001, consultation())

    upgrade(at_0001)

    with storage_for(at_0001).unit_of_work() as uow:
        loaded = uow.consultations.get("consultation-0001")
    assert (loaded.unit, loaded.first_responder, loaded.version) == (None, "clerk-1", 1)


def test_a_consultation_stored_before_0003_has_not_moved_between_units(at_0001):
    store_as_0001_did(at_0001, consultation())

    upgrade(at_0001)

    with storage_for(at_0001).unit_of_work() as uow:
        moved = uow.consultations.find(RecordQuery(moved_between_units=True))
        every = uow.consultations.find(RecordQuery())
    assert ([c.id for c in moved], [c.id for c in every]) == ([], ["consultation-0001"])
