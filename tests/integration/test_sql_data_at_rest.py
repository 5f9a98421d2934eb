"""Data at rest (P3, P12): sealed documents, keyed person hashes, the open-case index."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.sql.crypto import RecordTampered
from adapters.sql.database import SqlDatabase
from adapters.sql.storage import SqlStorage
from adapters.sql.tables import cases, history, outbox
from ports.outbox import OutboxEntry, RegisterUnemployment
from tests.factories import T0, make_case, resident_id
from tests.sql_support import storage_for

PERSON = resident_id(7)


@pytest.fixture
def storage(database: SqlDatabase) -> SqlStorage:
    return storage_for(database)


def stored(storage: SqlStorage, *cases_to_add) -> None:
    with storage.unit_of_work() as uow:
        for case in cases_to_add:
            uow.cases.add(case)
        uow.outbox.add(
            OutboxEntry("register-1", RegisterUnemployment(PERSON, "case-0001", T0.date()))
        )
        uow.commit()


def raw_bytes(database: SqlDatabase) -> bytes:
    """Every stored byte of the case, history and outbox rows, concatenated."""
    chunks: list[bytes] = []
    with database.reading() as connection:
        for table in (cases, history, outbox):
            for row in connection.execute(select(table)):
                chunks.extend(str(v).encode() if not isinstance(v, bytes) else v for v in row)
    return b"".join(chunks)


def test_no_stored_row_holds_the_id_number_or_the_name_in_plain_text(database, storage):
    """P12: documents, history details and outbox payloads are all sealed."""
    stored(storage, make_case(person=PERSON, name="王小明"))

    everything = raw_bytes(database)

    assert PERSON.reveal().encode() not in everything
    assert "王小明".encode() not in everything


def test_the_person_is_stored_as_a_keyed_hash_not_a_plain_one(database, storage):
    """P3: a plain SHA-256 of an 18-digit ID can be reversed by enumeration; HMAC cannot."""
    stored(storage, make_case(person=PERSON))

    with database.reading() as connection:
        person_hash = connection.execute(select(cases.c.person_hash)).scalar_one()

    assert person_hash == storage.person_key.of(PERSON)
    assert person_hash != hashlib.sha256(PERSON.reveal().encode()).hexdigest()


def test_a_flipped_byte_in_a_stored_document_is_detected_on_reading(database, storage):
    """P12: AES-GCM authenticates each document."""
    stored(storage, make_case("case-0001", person=PERSON))
    with database.writing() as connection:
        token = bytearray(connection.execute(select(cases.c.document)).scalar_one())
        token[len(token) // 2] ^= 0x01
        connection.execute(update(cases).values(document=bytes(token)))

    with storage.unit_of_work() as uow, pytest.raises(RecordTampered):
        uow.cases.get("case-0001")


def test_a_document_copied_onto_another_record_does_not_open(database, storage):
    """P12: the record id is the associated data; a document cannot be moved."""
    stored(storage, make_case("case-0001", person=PERSON), make_case("case-0002"))
    with database.writing() as connection:
        theirs = connection.execute(
            select(cases.c.document).where(cases.c.id == "case-0002")
        ).scalar_one()
        connection.execute(update(cases).where(cases.c.id == "case-0001").values(document=theirs))

    with storage.unit_of_work() as uow, pytest.raises(RecordTampered):
        uow.cases.get("case-0001")


def test_the_database_itself_refuses_a_second_open_case_of_a_person_and_service(database, storage):
    """P3: the partial unique index holds even for a writer that skips the adapter."""
    stored(storage, make_case("case-0001", person=PERSON))
    with database.reading() as connection:
        row = dict(connection.execute(select(cases)).one()._mapping)

    with pytest.raises(IntegrityError), database.writing() as connection:
        connection.execute(insert(cases).values({**row, "id": "case-0002"}))


def test_the_index_lets_a_closed_case_stand_beside_an_open_one(database, storage):
    """P3: only open cases count."""
    stored(storage, make_case("case-0001", person=PERSON))
    with database.reading() as connection:
        row = dict(connection.execute(select(cases)).one()._mapping)

    with database.writing() as connection:
        connection.execute(insert(cases).values({**row, "id": "case-0002", "is_open": False}))

    with database.reading() as connection:
        assert len(connection.execute(select(cases.c.id)).all()) == 2
