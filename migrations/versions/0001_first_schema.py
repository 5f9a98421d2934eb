"""The first schema: cases, scenarios, consultations, the history chain and the outbox.

Revision ID: 0001
Revises: (none)

Types are spelt out here rather than imported from `adapters.sql.tables`, so that this
revision keeps creating what it created when the table classes move on; a test checks
that the newest revision and the table classes agree.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

GENESIS = "0" * 64
REFUSAL = "history is append-only"


def _code(length: int | None = None) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _col(name: str, type_: sa.types.TypeEngine[Any], *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, type_, autoincrement=False, nullable=nullable)


def _instant() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True)


def _open(column: str, *, negate: bool = False) -> dict[str, Any]:
    sqlite = f"{column} = {0 if negate else 1}"
    postgres = f"NOT {column}" if negate else column
    return {"sqlite_where": sa.text(sqlite), "postgresql_where": sa.text(postgres)}


def upgrade() -> None:
    op.create_table(
        "cases",
        _col("id", _code()),
        _col("version", sa.Integer()),
        _col("service", _code(40)),
        _col("state", _code(40)),
        _col("region", _code(12)),
        _col("responsible", _code()),
        _col("received_at", _instant()),
        _col("is_open", sa.Boolean()),
        _col("person_hash", sa.String(64)),
        _col("scenario_id", _code(), nullable=True),
        _col("due_on", sa.Date(), nullable=True),
        _col("document", sa.LargeBinary()),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ux_cases_open_person_service",
        "cases",
        ["person_hash", "service"],
        unique=True,
        **_open("is_open"),
    )
    op.create_index("ix_cases_person", "cases", ["person_hash", "received_at"])
    op.create_index("ix_cases_received", "cases", ["received_at", "id"])
    op.create_index("ix_cases_region_received", "cases", ["region", "received_at"])
    op.create_index(
        "ix_cases_open_region_due", "cases", ["region", "due_on", "id"], **_open("is_open")
    )
    op.create_index("ix_cases_responsible", "cases", ["responsible"])

    op.create_table(
        "scenarios",
        _col("id", _code()),
        _col("version", sa.Integer()),
        _col("dibao_case_id", _code()),
        _col("region", _code(12)),
        _col("started_at", _instant()),
        _col("is_finished", sa.Boolean()),
        _col("person_hash", sa.String(64)),
        _col("document", sa.LargeBinary()),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_scenarios_unfinished",
        "scenarios",
        ["started_at", "id"],
        **_open("is_finished", negate=True),
    )
    op.create_index("ix_scenarios_person", "scenarios", ["person_hash"])

    op.create_table(
        "consultations",
        _col("id", _code()),
        _col("version", sa.Integer()),
        _col("region", _code(12)),
        _col("received_at", _instant()),
        _col("is_open", sa.Boolean()),
        _col("document", sa.LargeBinary()),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consultations_region_received", "consultations", ["region", "received_at"])

    op.create_table(
        "history",
        _col("position", sa.BigInteger()),
        _col("recorded_at", _instant()),
        _col("subject_kind", _code(20)),
        _col("subject_id", _code()),
        _col("event_seq", sa.Integer()),
        _col("person_hash", sa.String(64)),
        _col("event", _code(60)),
        _col("actor_id", _code()),
        _col("at", _instant()),
        _col("from_state", sa.Text()),
        _col("to_state", sa.Text()),
        _col("rule", sa.Text()),
        _col("reason", sa.Text()),
        _col("payload", sa.LargeBinary()),
        _col("prev_hash", sa.String(64)),
        _col("entry_hash", sa.String(64)),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_index(
        "ux_history_subject_seq",
        "history",
        ["subject_kind", "subject_id", "event_seq"],
        unique=True,
    )
    op.create_index("ix_history_person", "history", ["person_hash", "position"])
    op.create_table(
        "history_head",
        _col("id", sa.Integer()),
        _col("position", sa.BigInteger()),
        _col("entry_hash", sa.String(64)),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        sa.text(
            "INSERT INTO history_head (id, position, entry_hash) VALUES (1, 0, :genesis)"
        ).bindparams(genesis=GENESIS)
    )
    _refuse_history_changes()

    op.create_table(
        "outbox",
        _col("key", _code()),
        _col("kind", _code(60)),
        _col("payload", sa.LargeBinary()),
        _col("status", _code(20)),
        _col("attempts", sa.Integer()),
        _col("next_attempt_at", _instant()),
        _col("lease_until", _instant(), nullable=True),
        _col("worker_id", _code()),
        _col("last_error", sa.Text()),
        _col("created_at", _instant()),
        _col("delivered_at", _instant(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    pending = sa.text("status = 'pending'")
    op.create_index(
        "ix_outbox_due",
        "outbox",
        ["next_attempt_at"],
        sqlite_where=pending,
        postgresql_where=pending,
    )
    op.create_index("ix_outbox_status_created", "outbox", ["status", "created_at"])


def _refuse_history_changes() -> None:
    """P11: a trigger refuses UPDATE and DELETE on history (and TRUNCATE on PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}: % refused', TG_OP; END $$"
        )
        op.execute(
            "CREATE TRIGGER history_no_update_or_delete BEFORE UPDATE OR DELETE ON history "
            "FOR EACH ROW EXECUTE FUNCTION history_is_append_only()"
        )
        op.execute(
            "CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history "
            "FOR EACH STATEMENT EXECUTE FUNCTION history_is_append_only()"
        )
        return
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER history_no_{operation.lower()} BEFORE {operation} ON history "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def downgrade() -> None:
    op.drop_table("outbox")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER history_no_truncate ON history")
        op.execute("DROP TRIGGER history_no_update_or_delete ON history")
        op.execute("DROP FUNCTION history_is_append_only()")
    op.drop_table("history_head")
    op.drop_table("history")
    op.drop_table("consultations")
    op.drop_table("scenarios")
    op.drop_table("cases")
