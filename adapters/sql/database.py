"""The database: one engine per process, SQLite or PostgreSQL, with durable settings (P1).

SQLite (the default: one file, nothing to set up) runs in WAL mode with
`synchronous=FULL`, so that a commit that returned survives a crash or a power cut, and
with foreign keys enforced. The driver's own transaction handling is switched off: a
read begins a deferred transaction (a single statement runs without one, as its own
read), and a write begins `BEGIN IMMEDIATE`, taking SQLite's single write lock at the
start instead of failing half-way through.

PostgreSQL (psycopg 3) runs every session with `synchronous_commit=on` and READ
COMMITTED; the version checks and row locks of the writes do the rest.

Driver errors leave this module as port errors: `StorageUnavailable` when the database
cannot be reached or stays locked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from ports.errors import ConcurrencyConflict, StorageError

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
_BEGIN = "jiuzhu_begin"


class StorageUnavailable(StorageError):
    """The database could not be reached, or stayed locked past its timeout."""

    code = "storage_unavailable"


def normalised_url(url: str) -> URL:
    """The URL with its driver: `postgresql://` means psycopg 3, `sqlite://` pysqlite."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database {parsed.get_backend_name()!r}")
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ValueError("SQLite needs a file: sqlite:///path/to/jiuzhu.sqlite3")
    return parsed


class SqlDatabase:
    """An engine with the settings of its kind, and the two ways to use a connection."""

    def __init__(self, url: str, *, pool_size: int = 5, max_overflow: int = 20) -> None:
        self.url = normalised_url(url)
        self.kind = self.url.get_backend_name()
        self.engine = (
            _sqlite_engine(self.url)
            if self.kind == "sqlite"
            else _postgres_engine(self.url, pool_size, max_overflow)
        )

    @property
    def display_url(self) -> str:
        """The URL without its password, for messages and logs."""
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection in a read transaction, rolled back when the block ends."""
        with _translated(), self.engine.connect() as connection:
            yield connection

    @contextmanager
    def reading_one(self) -> Iterator[Connection]:
        """A connection for one read statement. On SQLite no transaction is begun: in
        autocommit mode a single SELECT is its own read transaction, over one snapshot,
        and takes no write lock (two statements need `reading`). PostgreSQL reads as
        `reading` does."""
        with _translated(), self.engine.connect() as connection:
            if self.kind == "sqlite":
                connection.execution_options(**{_BEGIN: ""})
            yield connection

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection in a write transaction, committed when the block ends normally."""
        with _translated(), self.engine.connect() as connection:
            connection.execution_options(**{_BEGIN: "IMMEDIATE"})
            with connection.begin():
                yield connection

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
    )

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, explicitly
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN, "DEFERRED")
        if mode:  # "" for a single statement in autocommit mode (`reading_one`)
            connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _postgres_engine(url: URL, pool_size: int, max_overflow: int) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args={"options": "-c synchronous_commit=on"},
    )


_ROLLBACK_STATES = ("40001", "40P01")  # serialization failure, deadlock detected


@contextmanager
def _translated() -> Iterator[None]:
    """Driver errors become port errors: a deadlock a conflict, the rest unavailability."""
    try:
        yield
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) in _ROLLBACK_STATES:
            raise ConcurrencyConflict("transaction", "concurrent writers", 0) from error
        log.warning("database unavailable: %s", type(error.orig).__name__)
        raise StorageUnavailable(f"database unavailable: {type(error.orig).__name__}") from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise StorageUnavailable("database connection lost") from error
        raise
