"""Idempotency keys in SQL (P2): one row per operator and key, the answer sealed.

A reservation is its own short write transaction, committed before the request's work
starts, so that every API process sees it at once. The primary key (scope, key) decides
which of two simultaneous first requests holds the key; the other reads the holder's row.
The stored answer is sealed with AES-GCM like every document: it may name a person.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sql.crypto import Sealer
from adapters.sql.database import SqlDatabase
from adapters.sql.tables import idempotency_keys
from ports.idempotency import IdempotencyRecord, StoredResponse

TABLE = "idempotency_keys"


class SqlIdempotencyStore:
    def __init__(self, database: SqlDatabase, sealer: Sealer) -> None:
        self._db = database
        self._sealer = sealer
        # Built once with bound parameters: per request, no statement is rebuilt and no
        # cache key recomputed (SQLAlchemy then finds the compiled form at once).
        dialect = postgresql if database.kind == "postgresql" else sqlite
        self._insert = (
            dialect.insert(idempotency_keys)
            .on_conflict_do_nothing()
            .returning(idempotency_keys.c.key)
        )
        self._held = select(idempotency_keys).where(*_this_bound())
        self._complete = (
            update(idempotency_keys)
            .where(*_this_bound())
            .values(status=bindparam("status"), response=bindparam("response"))
        )
        self._release = delete(idempotency_keys).where(*_this_bound())

    def reserve(
        self, scope: str, key: str, fingerprint: str, *, now: datetime, expires_at: datetime
    ) -> IdempotencyRecord | None:
        row = {
            "scope": scope,
            "key": key,
            "fingerprint": fingerprint,
            "created_at": now,
            "expires_at": expires_at,
            "status": None,
            "response": None,
        }
        with self._db.writing() as connection:
            inserted = connection.execute(self._insert, row)
            if inserted.first() is not None:
                return None
            held = self._held_row(connection, scope, key)
            if held is None or now < held["expires_at"]:
                return None if held is None else self._record(held)
            replaced = connection.execute(
                update(idempotency_keys)
                .where(*_this(scope, key), idempotency_keys.c.expires_at == held["expires_at"])
                .values(row)
            )
            if replaced.rowcount == 1:
                return None
            renewed = self._held_row(connection, scope, key)
            return None if renewed is None else self._record(renewed)

    def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        document = {
            "media_type": response.media_type,
            "headers": [list(pair) for pair in response.headers],
            "body": base64.b64encode(response.body).decode("ascii"),
        }
        sealed = self._sealer.seal(
            json.dumps(document).encode("utf-8"), table=TABLE, record_id=f"{scope}/{key}"
        )
        parameters = {"b_scope": scope, "b_key": key, "status": response.status}
        with self._db.writing() as connection:
            connection.execute(self._complete, {**parameters, "response": sealed})

    def release(self, scope: str, key: str) -> None:
        with self._db.writing() as connection:
            connection.execute(self._release, {"b_scope": scope, "b_key": key})

    def purge(self, *, now: datetime) -> int:
        """Delete the keys expired by `now`; returns how many."""
        with self._db.writing() as connection:
            result = connection.execute(
                delete(idempotency_keys).where(idempotency_keys.c.expires_at <= now)
            )
        return int(result.rowcount)

    def _held_row(self, connection: Connection, scope: str, key: str) -> RowMapping | None:
        row = connection.execute(self._held, {"b_scope": scope, "b_key": key}).first()
        return None if row is None else row._mapping

    def _record(self, row: RowMapping) -> IdempotencyRecord:
        response = None
        if row["status"] is not None and row["response"] is not None:
            record_id = f"{row['scope']}/{row['key']}"
            plain = self._sealer.open(bytes(row["response"]), table=TABLE, record_id=record_id)
            document: dict[str, Any] = json.loads(plain)
            response = StoredResponse(
                status=int(row["status"]),
                media_type=str(document["media_type"]),
                body=base64.b64decode(document["body"]),
                headers=tuple((str(k), str(v)) for k, v in document["headers"]),
            )
        return IdempotencyRecord(
            scope=row["scope"],
            key=row["key"],
            fingerprint=row["fingerprint"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            response=response,
        )


def _this(scope: str, key: str) -> tuple[Any, Any]:
    return (idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)


def _this_bound() -> tuple[Any, Any]:
    """`_this` with bound parameters (named apart from the columns an UPDATE sets)."""
    return (
        idempotency_keys.c.scope == bindparam("b_scope"),
        idempotency_keys.c.key == bindparam("b_key"),
    )
