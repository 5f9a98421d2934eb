"""The floor of the HTTP intake benchmark: a bare Litestar endpoint that inserts one row.

    DATABASE_URL=sqlite:////tmp/x/baseline.sqlite3 python -m bench.baseline_app --port 8001

`POST /rows` takes the body the product's `POST /api/v1/applications` takes (parsed by
msgspec into a struct, as the product's is) and inserts one SQLModel row with it, in one
write transaction of the product's own `SqlDatabase` (so SQLite runs with the same WAL,
`synchronous=FULL` and `BEGIN IMMEDIATE`, PostgreSQL with `synchronous_commit=on`). No
authentication, no validation past the types, no history, no outbox, no idempotency:
what is left is the server, the framework, the driver and the commit. It runs under
uvicorn with `jiuzhu serve`'s own options (`entrypoints.serve.UVICORN_OPTIONS`), in one
process or, with `--workers N`, in N.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec
import uvicorn
from litestar import Litestar, get, post
from msgspec import Struct
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel

from adapters.sql.database import SqlDatabase

ROWS_PATH = "/rows"
HEALTH_PATH = "/health"
# `jiuzhu serve`'s options (entrypoints.serve.UVICORN_OPTIONS, a test keeps them equal),
# written out so that this process does not import the product and its memory.
UVICORN_OPTIONS: dict[str, Any] = {"log_level": "info", "server_header": False}


class _Base(SQLModel, registry=registry()):
    """Its own metadata: the product's schema checks never see the baseline's table."""


class IntakeRow(_Base, table=True):
    __tablename__ = "bench_intake_row"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str | None = None
    body: str
    received_at: datetime


class ApplicationIn(Struct, kw_only=True):
    service: str
    resident_id: str
    name: str
    region: str
    materials: list[str] = []


class RowOut(Struct, kw_only=True):
    id: int


def create_table(database: SqlDatabase) -> None:
    _Base.metadata.create_all(database.engine)


def create_baseline_app(database: SqlDatabase) -> Litestar:
    """The bare app over `database` (whose table `create_table` made)."""

    @post(ROWS_PATH, status_code=201, sync_to_thread=True)
    def insert_row(data: ApplicationIn, headers: dict[str, str]) -> RowOut:
        row = IntakeRow(
            idempotency_key=headers.get("idempotency-key"),
            body=msgspec.json.encode(data).decode("utf-8"),
            received_at=datetime.now(UTC),
        )
        with database.writing() as connection, Session(bind=connection) as session:
            session.add(row)
            session.flush()
            assert row.id is not None
            return RowOut(id=row.id)

    @get(HEALTH_PATH, sync_to_thread=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar(
        route_handlers=[insert_row, health],
        logging_config=None,
    )


def app_from_environment() -> Litestar:
    """One worker process's app, on the database of DATABASE_URL."""
    database = SqlDatabase(os.environ["DATABASE_URL"])
    app = create_baseline_app(database)
    app.on_shutdown.append(database.dispose)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    database = SqlDatabase(os.environ["DATABASE_URL"])
    try:
        create_table(database)
    finally:
        database.dispose()
    if args.workers == 1:
        config = uvicorn.Config(
            app_from_environment(), host=args.host, port=args.port, **UVICORN_OPTIONS
        )
        uvicorn.Server(config).run()
    else:
        uvicorn.run(
            "bench.baseline_app:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            **UVICORN_OPTIONS,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
