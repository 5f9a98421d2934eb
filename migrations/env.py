"""Alembic's environment: migrations run on the connection `adapters.sql.schema` hands in.

Run through `jiuzhu migrate`, never with a URL of its own: the settings, the engine and
its pragmas are the application's.
"""

from __future__ import annotations

from alembic import context

from adapters.sql.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `jiuzhu migrate` (adapters.sql.schema.upgrade)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
