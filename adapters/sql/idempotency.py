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

from sqlalchemy import Connection, RowMapping, delete, select, update
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
        dialect = postgresql if self._db.kind == "postgresql" else sqlite
        with self._db.writing() as connection:
            inserted = connection.execute(
                dialect.insert(idempotency_keys)
                .values(row)
                .on_conflict_do_nothing()
                .returning(idempotency_keys.c.key)
            )
            if inserted.first() is not None:
                return None
            held = _held(connection, scope, key)
            if held is None or now < held["expires_at"]:
                return None if held is None else self._record(held)
            replaced = connection.execute(
                update(idempotency_keys)
                .where(*_this(scope, key), idempotency_keys.c.expires_at == held["expires_at"])
                .values(row)
            )
            if replaced.rowcount == 1:
                return None
            renewed = _held(connection, scope, key)
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
        with self._db.writing() as connection:
            connection.execute(
                update(idempotency_keys)
                .where(*_this(scope, key))
                .values(status=response.status, response=sealed)
            )

    def release(self, scope: str, key: str) -> None:
        with self._db.writing() as connection:
            connection.execute(delete(idempotency_keys).where(*_this(scope, key)))

    def purge(self, *, now: datetime) -> int:
        """Delete the keys expired by `now`; returns how many."""
        with self._db.writing() as connection:
            result = connection.execute(
                delete(idempotency_keys).where(idempotency_keys.c.expires_at <= now)
            )
        return int(result.rowcount)

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


def _held(connection: Connection, scope: str, key: str) -> RowMapping | None:
    row = connection.execute(select(idempotency_keys).where(*_this(scope, key))).first()
    return None if row is None else row._mapping
