"""Staff accounts and the API's idempotency keys.

Revision ID: 0002
Revises: 0001

The audit entries of the API (logins, refusals, sensitive reads) go to the existing
history chain and need no table of their own.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _code(length: int | None = None) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _col(name: str, type_: sa.types.TypeEngine[Any], *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, type_, autoincrement=False, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "staff",
        _col("id", _code()),
        _col("version", sa.Integer()),
        _col("region", _code(12)),
        _col("is_active", sa.Boolean()),
        _col("document", sa.LargeBinary()),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_region", "staff", ["region"])
    op.create_table(
        "idempotency_keys",
        _col("scope", _code()),
        _col("key", _code(255)),
        _col("fingerprint", sa.String(64)),
        _col("created_at", sa.DateTime(timezone=True)),
        _col("expires_at", sa.DateTime(timezone=True)),
        _col("status", sa.Integer(), nullable=True),
        _col("response", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("scope", "key"),
    )
    op.create_index("ix_idempotency_keys_expires", "idempotency_keys", ["expires_at"])


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_table("staff")
