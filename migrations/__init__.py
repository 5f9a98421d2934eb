"""Alembic migrations of the SQL storage; applied by `jiuzhu migrate` (adapters.sql.schema)."""
