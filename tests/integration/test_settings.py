"""Settings read once from the environment; the embedded default's key file (P12)."""

from __future__ import annotations

import stat

import pytest

from entrypoints.settings import (
    DATA_KEY,
    PERSON_KEY,
    Settings,
    SettingsError,
    encoded_key,
    key_file_for,
)

KEY = encoded_key(bytes(32))


def test_the_default_is_a_sqlite_file_in_the_working_directory(tmp_path):
    settings = Settings.from_environment({}, cwd=tmp_path)

    assert settings.database_url == f"sqlite:///{tmp_path / 'jiuzhu.sqlite3'}"


def test_without_keys_sqlite_generates_a_key_file_only_its_owner_can_read(tmp_path):
    Settings.from_environment({}, cwd=tmp_path)

    mode = stat.S_IMODE(key_file_for(tmp_path / "jiuzhu.sqlite3").stat().st_mode)

    assert mode == 0o600


def test_the_generated_keys_are_read_back_the_same_next_time(tmp_path):
    first = Settings.from_environment({}, cwd=tmp_path)

    again = Settings.from_environment({}, cwd=tmp_path)

    assert (again.data_key, again.person_key) == (first.data_key, first.person_key)


def test_keys_from_the_environment_win_over_the_key_file(tmp_path):
    settings = Settings.from_environment({DATA_KEY: KEY, PERSON_KEY: KEY}, cwd=tmp_path)

    assert settings.data_key == bytes(32)
    assert not key_file_for(tmp_path / "jiuzhu.sqlite3").exists()


def test_postgres_without_keys_is_refused_naming_the_variables():
    environment = {"DATABASE_URL": "postgresql://postgres@127.0.0.1/jiuzhu"}

    with pytest.raises(SettingsError, match=f"{DATA_KEY} and {PERSON_KEY} are required"):
        Settings.from_environment(environment)


@pytest.mark.parametrize("bad", ["not base64!", encoded_key(bytes(16))], ids=["text", "short"])
def test_a_malformed_key_is_refused_without_echoing_it(bad):
    environment = {"DATABASE_URL": "postgresql://x@h/db", DATA_KEY: bad, PERSON_KEY: KEY}

    with pytest.raises(SettingsError) as refused:
        Settings.from_environment(environment)

    assert bad not in str(refused.value)


def test_the_keys_never_appear_in_the_settings_repr(tmp_path):
    secret = encoded_key(bytes(range(7, 39)))
    settings = Settings.from_environment({DATA_KEY: secret, PERSON_KEY: secret}, cwd=tmp_path)

    assert repr(settings.data_key) not in repr(settings)
