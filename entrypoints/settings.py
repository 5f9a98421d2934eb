"""Settings: read once, in the entrypoint, from the environment; passed in everywhere else.

DATABASE_URL        where the data lives; default `sqlite:///jiuzhu.sqlite3` in the
                    working directory. `postgresql://user@host/db` switches to PostgreSQL.
JIUZHU_DATA_KEY     32 bytes, base64: the AES-256-GCM key for documents at rest (P12).
JIUZHU_PERSON_KEY   32 bytes, base64: the HMAC key of the person hash (P3).

With SQLite and no keys in the environment, both keys are generated once into a key file
beside the database (`<database>.keys`, mode 0600) and read from it afterwards: the
embedded default needs no setup. A county sets its own keys, kept apart from the data;
with PostgreSQL they are required. Losing the data key loses the data.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from pathlib import Path

from attrs import field, frozen
from sqlalchemy.engine import make_url

from adapters.sql.crypto import KEY_BYTES, new_key
from entrypoints.worker import WorkerSettings

DEFAULT_DATABASE_URL = "sqlite:///jiuzhu.sqlite3"
DATA_KEY = "JIUZHU_DATA_KEY"
PERSON_KEY = "JIUZHU_PERSON_KEY"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and what to do."""


@frozen
class Settings:
    database_url: str
    data_key: bytes = field(repr=False)
    person_key: bytes = field(repr=False)
    worker: WorkerSettings = field(factory=WorkerSettings)

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, *, cwd: Path | None = None
    ) -> Settings:
        """The settings of this process: the environment, and the key file for SQLite."""
        env = os.environ if environ is None else environ
        url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
        url = _anchored(url, cwd or Path.cwd())
        data_key, person_key = env.get(DATA_KEY), env.get(PERSON_KEY)
        if data_key and person_key:
            return cls(url, _decoded(DATA_KEY, data_key), _decoded(PERSON_KEY, person_key))
        if data_key or person_key:
            raise SettingsError(f"set both {DATA_KEY} and {PERSON_KEY}, or neither")
        database = make_url(url).database
        if make_url(url).get_backend_name() != "sqlite" or not database:
            raise SettingsError(
                f"{DATA_KEY} and {PERSON_KEY} are required for {make_url(url).get_backend_name()}"
                " (32 random bytes each, base64)"
            )
        keys = key_file_for(Path(database))
        return cls(url, *_keys_from_file(keys))


def key_file_for(database: Path) -> Path:
    return database.with_name(database.name + ".keys")


def encoded_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _anchored(url: str, cwd: Path) -> str:
    """A relative SQLite path made absolute against the working directory."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database)
        if not path.is_absolute():
            return parsed.set(database=str(cwd / path)).render_as_string(hide_password=False)
    return url


def _decoded(name: str, text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SettingsError(f"{name} is not base64") from None
    if len(key) != KEY_BYTES:
        raise SettingsError(f"{name} must decode to {KEY_BYTES} bytes, not {len(key)}")
    return key


def _keys_from_file(path: Path) -> tuple[bytes, bytes]:
    """Read the key file, or create it (mode 0600, never overwritten) when there is none."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({DATA_KEY: encoded_key(new_key()), PERSON_KEY: encoded_key(new_key())})
        draft = path.with_name(f"{path.name}.{os.getpid()}.new")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(draft, path)  # atomic, and never replaces a key file another process made
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    try:
        stored = json.loads(path.read_text())
        return _decoded(DATA_KEY, stored[DATA_KEY]), _decoded(PERSON_KEY, stored[PERSON_KEY])
    except (KeyError, json.JSONDecodeError, TypeError):
        raise SettingsError(f"the key file {path} is damaged") from None
