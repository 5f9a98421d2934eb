"""Migrations (Alembic) and the schema check every process makes before it starts.

`upgrade` brings a database to the newest revision of `migrations/`; `ensure_current`
refuses a database that is not exactly there, saying which command to run: an empty or
older database needs `jiuzhu migrate`, a newer one a newer jiuzhu.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import migrations
from adapters.sql.database import SqlDatabase
from ports.errors import StorageError

MIGRATE_COMMAND = "jiuzhu migrate"


class SchemaNotCurrent(StorageError):
    """The database's schema is not the one this program was built for."""

    code = "schema_not_current"


def _config(database: SqlDatabase) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", database.display_url)
    return config


def script_heads() -> tuple[str, ...]:
    """The newest revisions this program knows (one, while history stays linear)."""
    script = ScriptDirectory(str(Path(migrations.__file__).parent))
    return tuple(script.get_heads())


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory(str(Path(migrations.__file__).parent))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def current_revisions(database: SqlDatabase) -> tuple[str, ...]:
    with database.reading() as connection:
        return tuple(MigrationContext.configure(connection).get_current_heads())


def upgrade(database: SqlDatabase, revision: str = "heads") -> tuple[str, ...]:
    """Apply every migration up to `revision`; returns the revisions the database is at."""
    config = _config(database)
    with database.writing() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return current_revisions(database)


def downgrade(database: SqlDatabase, revision: str) -> tuple[str, ...]:
    config = _config(database)
    with database.writing() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    return current_revisions(database)


def ensure_current(database: SqlDatabase) -> None:
    """Raise SchemaNotCurrent unless the database is at this program's newest revision."""
    current, heads = set(current_revisions(database)), set(script_heads())
    if current == heads:
        return
    where = database.display_url
    if not current:
        raise SchemaNotCurrent(f"the database {where} has no schema yet: run `{MIGRATE_COMMAND}`")
    if current - set(revisions()):
        raise SchemaNotCurrent(
            f"the database {where} is at revision {', '.join(sorted(current))}, newer than "
            f"this jiuzhu knows ({', '.join(sorted(heads))}): upgrade jiuzhu"
        )
    raise SchemaNotCurrent(
        f"the database {where} is at revision {', '.join(sorted(current))}, older than "
        f"{', '.join(sorted(heads))}: run `{MIGRATE_COMMAND}`"
    )
