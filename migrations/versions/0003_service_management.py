"""Service management and supervision: complaints and reports, spot checks, training.

Revision ID: 0003
Revises: 0001 (to be chained after 0002 when the API's staff tables are merged)

Consultations gain `unit_moves` (R10: how often a record moved between units); rows
from before read 0, which is what they are: a consultation held no units then.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def _code(length: int | None = None) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _col(name: str, type_: sa.types.TypeEngine[Any], *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, type_, autoincrement=False, nullable=nullable)


def _instant() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column(
        "consultations",
        sa.Column("unit_moves", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )

    op.create_table(
        "complaints",
        _col("id", _code()),
        _col("version", sa.Integer()),
        _col("kind", _code(20)),
        _col("state", _code(40)),
        _col("region", _code(12)),
        _col("received_at", _instant()),
        _col("is_open", sa.Boolean()),
        _col("responsible", _code()),
        _col("case_id", _code(), nullable=True),
        _col("unit_moves", sa.Integer()),
        _col("document", sa.LargeBinary()),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_complaints_region_received", "complaints", ["region", "received_at"])
    op.create_index("ix_complaints_case", "complaints", ["case_id"])

    op.create_table(
        "spot_checks",
        _col("id", _code()),
        _col("version", sa.Integer()),
        _col("region", _code(12)),
        _col("drawn_at", _instant()),
        _col("document", sa.LargeBinary()),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_spot_checks_region_drawn", "spot_checks", ["region", "drawn_at"])

    op.create_table(
        "training_sessions",
        _col("id", _code()),
        _col("version", sa.Integer()),
        _col("region", _code(12)),
        _col("held_on", sa.Date()),
        _col("document", sa.LargeBinary()),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_training_sessions_held", "training_sessions", ["held_on", "id"])
    op.create_table(
        "training_attendance",
        _col("session_id", _code()),
        _col("staff_id", _code()),
        _col("held_on", sa.Date()),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"]),
        sa.PrimaryKeyConstraint("session_id", "staff_id"),
    )
    op.create_index("ix_training_attendance_staff", "training_attendance", ["staff_id", "held_on"])


def downgrade() -> None:
    op.drop_table("training_attendance")
    op.drop_table("training_sessions")
    op.drop_table("spot_checks")
    op.drop_table("complaints")
    with op.batch_alter_table("consultations") as batch:
        batch.drop_column("unit_moves")
