"""The SQL databases of `tests.sql_support`, for the tests of the SQL adapters."""

from tests.sql_support import (  # noqa: F401
    database,
    database_url,
    empty_postgres_url,
    postgres_template,
    postgres_url,
    sqlite_template,
    sqlite_url,
)
