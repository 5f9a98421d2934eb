"""Migrations, the schema check at start-up, and the durability settings (P1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from adapters.sql.database import SqlDatabase
from adapters.sql.schema import (
    SchemaNotCurrent,
    current_revisions,
    downgrade,
    ensure_current,
    revisions,
    script_heads,
    upgrade,
)
from adapters.sql.tables import metadata
from entrypoints.bootstrap import bootstrap_sql
from tests.sql_support import settings_for


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[SqlDatabase]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    else:
        url = request.getfixturevalue("empty_postgres_url")
    database = SqlDatabase(url)
    yield database
    database.dispose()


def differences(database: SqlDatabase) -> list[object]:
    with database.reading() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), metadata))


def test_migrate_brings_an_empty_database_to_the_newest_revision(empty_database):
    reached = upgrade(empty_database)

    assert reached == script_heads()


def test_the_migrated_schema_is_exactly_what_the_table_classes_declare(empty_database):
    upgrade(empty_database)

    assert differences(empty_database) == []


@pytest.mark.parametrize("revision", revisions())
def test_each_revision_applies_on_top_of_the_one_before_it(empty_database, revision):
    """A later schema change is a new migration, tested from the previous revision."""
    index = revisions().index(revision)
    if index:
        upgrade(empty_database, revisions()[index - 1])

    upgrade(empty_database, revision)

    assert current_revisions(empty_database) == (revision,)


def test_every_revision_downgrades_to_an_empty_database(empty_database):
    upgrade(empty_database)

    downgrade(empty_database, "base")

    assert current_revisions(empty_database) == ()


def test_a_process_refuses_an_unmigrated_database_and_names_the_command(empty_database):
    with pytest.raises(SchemaNotCurrent, match="run `jiuzhu migrate`"):
        bootstrap_sql(settings_for(empty_database.url.render_as_string(hide_password=False)))


def test_a_process_refuses_a_database_newer_than_it_knows(empty_database):
    upgrade(empty_database)
    with empty_database.writing() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))

    with pytest.raises(SchemaNotCurrent, match="newer than this jiuzhu knows"):
        ensure_current(empty_database)


def test_a_migrated_database_passes_the_check(empty_database):
    upgrade(empty_database)

    ensure_current(empty_database)


# -- durability (P1) --


def pragma(database: SqlDatabase, name: str) -> object:
    with database.reading() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("journal_mode", "wal"), ("synchronous", 2), ("foreign_keys", 1)],
    ids=["WAL", "synchronous FULL", "foreign keys"],
)
def test_every_sqlite_connection_runs_with_the_durable_pragmas(sqlite_url, name, expected):
    """P1: SQLite in WAL mode with synchronous=FULL (2), foreign keys enforced."""
    database = SqlDatabase(sqlite_url)

    assert pragma(database, name) == expected
    database.dispose()


def test_every_postgres_session_commits_synchronously(postgres_url):
    """P1: PostgreSQL with synchronous_commit=on."""
    database = SqlDatabase(postgres_url)

    with database.reading() as connection:
        setting = connection.execute(text("SHOW synchronous_commit")).scalar()

    assert setting == "on"
    database.dispose()
