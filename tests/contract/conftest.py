"""The SQL databases of `tests.sql_support`, for the storage contract's SQL adapters."""

from tests.sql_support import (  # noqa: F401
    database,
    database_url,
    postgres_template,
    postgres_url,
    sqlite_template,
    sqlite_url,
)
