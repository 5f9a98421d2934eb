"""The tables, as SQLModel classes: a few plain, indexed columns and a sealed document.

Each aggregate table keeps what queries filter and sort on as columns (nothing that
identifies a person: the person is a keyed hash) and the whole aggregate as an
AES-GCM-sealed JSON document (`adapters.sql.codec`, `adapters.sql.crypto`). These
classes are rows, never domain objects; `adapters.sql.storage` maps between the two.

The migrations in `migrations/` create exactly these tables; a test compares them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Field, SQLModel

HASH_LENGTH = 64  # hex SHA-256 / HMAC-SHA256


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored in UTC on both databases, read back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetimes are not stored")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def code_text(length: int | None = None) -> TypeEngine[str]:
    """Text compared byte by byte on both databases (ids, region codes: prefix ranges)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def _column(type_: Any, *, nullable: bool = False, primary_key: bool = False) -> Any:
    column = Column(type_, nullable=nullable, primary_key=primary_key, autoincrement=False)
    return Field(sa_column=column)


class CaseRow(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        # P3: one open case per person and service, on the keyed hash of the ID number.
        Index(
            "ux_cases_open_person_service",
            "person_hash",
            "service",
            unique=True,
            sqlite_where=text("is_open = 1"),
            postgresql_where=text("is_open"),
        ),
        Index("ix_cases_person", "person_hash", "received_at"),
        Index("ix_cases_received", "received_at", "id"),
        Index("ix_cases_region_received", "region", "received_at"),
        Index(  # covering (id too): "past deadline in a region" reads only the index
            "ix_cases_open_region_due",
            "region",
            "due_on",
            "id",
            sqlite_where=text("is_open = 1"),
            postgresql_where=text("is_open"),
        ),
        Index("ix_cases_responsible", "responsible"),
    )

    id: str = _column(code_text(), primary_key=True)
    version: int = _column(Integer)
    service: str = _column(code_text(40))
    state: str = _column(code_text(40))
    region: str = _column(code_text(12))
    responsible: str = _column(code_text())
    received_at: datetime = _column(UtcDateTime)
    is_open: bool = _column(Boolean)
    person_hash: str = _column(String(HASH_LENGTH))
    scenario_id: str | None = _column(code_text(), nullable=True)
    due_on: date | None = _column(Date, nullable=True)  # the running deadline (R13)
    document: bytes = _column(LargeBinary)


class ScenarioRow(SQLModel, table=True):
    __tablename__ = "scenarios"
    __table_args__ = (
        Index(
            "ix_scenarios_unfinished",
            "started_at",
            "id",
            sqlite_where=text("is_finished = 0"),
            postgresql_where=text("NOT is_finished"),
        ),
        Index("ix_scenarios_person", "person_hash"),
    )

    id: str = _column(code_text(), primary_key=True)
    version: int = _column(Integer)
    dibao_case_id: str = _column(code_text())
    region: str = _column(code_text(12))
    started_at: datetime = _column(UtcDateTime)
    is_finished: bool = _column(Boolean)
    person_hash: str = _column(String(HASH_LENGTH))
    document: bytes = _column(LargeBinary)


def _count_column() -> Any:
    """A count that rows from before its column was added read as 0."""
    return Field(sa_column=Column(Integer, nullable=False, server_default=text("0")))


class ConsultationRow(SQLModel, table=True):
    __tablename__ = "consultations"
    __table_args__ = (Index("ix_consultations_region_received", "region", "received_at"),)

    id: str = _column(code_text(), primary_key=True)
    version: int = _column(Integer)
    region: str = _column(code_text(12))
    received_at: datetime = _column(UtcDateTime)
    is_open: bool = _column(Boolean)
    unit_moves: int = _count_column()  # R10: moves between units (a bounced record moves)
    document: bytes = _column(LargeBinary)


class ComplaintRow(SQLModel, table=True):
    """A complaint or report (R15): what lists filter on as columns, the rest sealed."""

    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_region_received", "region", "received_at"),
        Index("ix_complaints_case", "case_id"),
    )

    id: str = _column(code_text(), primary_key=True)
    version: int = _column(Integer)
    kind: str = _column(code_text(20))
    state: str = _column(code_text(40))
    region: str = _column(code_text(12))
    received_at: datetime = _column(UtcDateTime)
    is_open: bool = _column(Boolean)
    responsible: str = _column(code_text())
    case_id: str | None = _column(code_text(), nullable=True)
    unit_moves: int = _column(Integer)
    document: bytes = _column(LargeBinary)


class SpotCheckRow(SQLModel, table=True):
    """A spot check's draw and findings (R15), sealed; its region and time as columns."""

    __tablename__ = "spot_checks"
    __table_args__ = (Index("ix_spot_checks_region_drawn", "region", "drawn_at"),)

    id: str = _column(code_text(), primary_key=True)
    version: int = _column(Integer)
    region: str = _column(code_text(12))
    drawn_at: datetime = _column(UtcDateTime)
    document: bytes = _column(LargeBinary)


class TrainingSessionRow(SQLModel, table=True):
    """A training session (R14); who attended is also a row each, to look up by staff."""

    __tablename__ = "training_sessions"
    __table_args__ = (Index("ix_training_sessions_held", "held_on", "id"),)

    id: str = _column(code_text(), primary_key=True)
    version: int = _column(Integer)
    region: str = _column(code_text(12))
    held_on: date = _column(Date)
    document: bytes = _column(LargeBinary)


class TrainingAttendanceRow(SQLModel, table=True):
    """One staff member at one session: a staff id is no personal data of a resident."""

    __tablename__ = "training_attendance"
    __table_args__ = (Index("ix_training_attendance_staff", "staff_id", "held_on"),)

    session_id: str = Field(
        sa_column=Column(
            code_text(),
            ForeignKey("training_sessions.id"),
            primary_key=True,
            autoincrement=False,
        )
    )
    staff_id: str = _column(code_text(), primary_key=True)
    held_on: date = _column(Date)


class HistoryRow(SQLModel, table=True):
    """One transition or decision, append-only; `entry_hash` chains it to the one before."""

    __tablename__ = "history"
    __table_args__ = (
        Index("ux_history_subject_seq", "subject_kind", "subject_id", "event_seq", unique=True),
        Index("ix_history_person", "person_hash", "position"),
    )

    position: int = _column(BigInteger, primary_key=True)  # 1, 2, 3 ... without gaps
    recorded_at: datetime = _column(UtcDateTime)
    subject_kind: str = _column(code_text(20))
    subject_id: str = _column(code_text())
    event_seq: int = _column(Integer)
    person_hash: str = _column(String(HASH_LENGTH))
    event: str = _column(code_text(60))
    actor_id: str = _column(code_text())
    at: datetime = _column(UtcDateTime)
    from_state: str = _column(Text)
    to_state: str = _column(Text)
    rule: str = _column(Text)
    reason: str = _column(Text)
    payload: bytes = _column(LargeBinary)  # the whole event, sealed: its facts and note
    prev_hash: str = _column(String(HASH_LENGTH))
    entry_hash: str = _column(String(HASH_LENGTH))


class HistoryHeadRow(SQLModel, table=True):
    """The chain's last position and hash: one row, locked by every append."""

    __tablename__ = "history_head"

    id: int = _column(Integer, primary_key=True)
    position: int = _column(BigInteger)
    entry_hash: str = _column(String(HASH_LENGTH))


class OutboxRow(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        Index(
            "ix_outbox_due",
            "next_attempt_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_outbox_status_created", "status", "created_at"),
    )

    key: str = _column(code_text(), primary_key=True)  # the idempotency key
    kind: str = _column(code_text(60))
    payload: bytes = _column(LargeBinary)  # the entry, sealed (it names the person)
    status: str = _column(code_text(20))
    attempts: int = _column(Integer)
    next_attempt_at: datetime = _column(UtcDateTime)
    lease_until: datetime | None = _column(UtcDateTime, nullable=True)
    worker_id: str = _column(code_text())
    last_error: str = _column(Text)
    created_at: datetime = _column(UtcDateTime)
    delivered_at: datetime | None = _column(UtcDateTime, nullable=True)


class StaffRow(SQLModel, table=True):
    """A staff account: the jurisdiction as a column, the account sealed (its hash too)."""

    __tablename__ = "staff"
    __table_args__ = (Index("ix_staff_region", "region"),)

    id: str = _column(code_text(), primary_key=True)  # the login name
    version: int = _column(Integer)
    region: str = _column(code_text(12))
    is_active: bool = _column(Boolean)
    document: bytes = _column(LargeBinary)


class IdempotencyKeyRow(SQLModel, table=True):
    """An idempotency key in an operator's scope and the first answer to it (P2)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_expires", "expires_at"),)

    scope: str = _column(code_text(), primary_key=True)  # the operator
    key: str = _column(code_text(255), primary_key=True)
    fingerprint: str = _column(String(HASH_LENGTH))
    created_at: datetime = _column(UtcDateTime)
    expires_at: datetime = _column(UtcDateTime)
    status: int | None = _column(Integer, nullable=True)  # None while the first one runs
    response: bytes | None = _column(LargeBinary, nullable=True)  # sealed: it may name people


metadata: MetaData = SQLModel.metadata


def table_of(row: type[SQLModel]) -> Table:
    table = row.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


cases = table_of(CaseRow)
scenarios = table_of(ScenarioRow)
consultations = table_of(ConsultationRow)
complaints = table_of(ComplaintRow)
spot_checks = table_of(SpotCheckRow)
training_sessions = table_of(TrainingSessionRow)
training_attendance = table_of(TrainingAttendanceRow)
history = table_of(HistoryRow)
history_head = table_of(HistoryHeadRow)
outbox = table_of(OutboxRow)
staff = table_of(StaffRow)
idempotency_keys = table_of(IdempotencyKeyRow)
