"""Settings of the HTTP registries, `bootstrap_http_registries`, and the `jiuzhu
registries` command serving the sample seed in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.http import Timeouts
from adapters.simulator import load_seed
from domain.facts import RecordStatus
from domain.identity import ResidentId
from entrypoints.registries import (
    SAMPLE_SEED,
    HttpRegistriesSettings,
    RegistrySettings,
    bootstrap_http_registries,
    make_registry_client,
)
from ports.errors import RegistryUnavailable

ROOT = "http://127.0.0.1:8765"
OPENSSL_SELF_SIGNED = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
OPENSSL_SELF_SIGNED += ["-subj", "/CN=jiuzhu-test"]


def test_without_any_registry_url_the_registries_stay_in_memory():
    assert HttpRegistriesSettings.from_environ({"PATH": "/usr/bin"}) is None


def test_the_simulator_root_gives_the_three_base_urls():
    settings = HttpRegistriesSettings.from_environ({"JIUZHU_REGISTRIES_URL": ROOT + "/"})

    assert settings is not None
    assert [
        s.base_url for s in (settings.platform, settings.unemployment, settings.disability)
    ] == [
        f"{ROOT}/platform",
        f"{ROOT}/unemployment",
        f"{ROOT}/disability",
    ]


def test_a_registry_of_its_own_url_overrides_the_root():
    environ = {"JIUZHU_REGISTRIES_URL": ROOT, "JIUZHU_PLATFORM_URL": "https://platform.test/api"}

    settings = HttpRegistriesSettings.from_environ(environ)

    assert settings is not None
    assert settings.platform.base_url == "https://platform.test/api"


def test_a_url_for_one_registry_only_asks_for_the_others():
    with pytest.raises(ValueError, match="JIUZHU_UNEMPLOYMENT_URL"):
        HttpRegistriesSettings.from_environ({"JIUZHU_PLATFORM_URL": "https://platform.test"})


def test_timeouts_attempts_and_the_api_key_are_read_per_registry():
    environ = {
        "JIUZHU_REGISTRIES_URL": ROOT,
        "JIUZHU_DISABILITY_API_KEY": "secret",
        "JIUZHU_DISABILITY_CONNECT_TIMEOUT": "1.5",
        "JIUZHU_DISABILITY_READ_TIMEOUT": "8",
        "JIUZHU_DISABILITY_ATTEMPTS": "4",
    }

    settings = HttpRegistriesSettings.from_environ(environ)

    assert settings is not None
    disability = settings.disability
    assert (disability.api_key, disability.timeouts, disability.retry.attempts) == (
        "secret",
        Timeouts(connect=1.5, read=8.0),
        4,
    )


def test_the_api_key_is_not_shown_in_the_settings_repr():
    settings = RegistrySettings("assistance_platform", ROOT, api_key="secret")

    assert "secret" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("JIUZHU_PLATFORM_READ_TIMEOUT", "soon"), ("JIUZHU_PLATFORM_ATTEMPTS", "0")],
)
def test_a_malformed_setting_is_refused_naming_its_variable(variable, value):
    with pytest.raises(ValueError, match=variable):
        HttpRegistriesSettings.from_environ({"JIUZHU_REGISTRIES_URL": ROOT, variable: value})


def test_a_missing_client_certificate_fails_at_start_not_at_the_first_request(tmp_path):
    settings = RegistrySettings("assistance_platform", ROOT, cert_file=tmp_path / "none.pem")

    with pytest.raises(FileNotFoundError):
        make_registry_client(settings)


def test_a_client_certificate_is_loaded_when_configured(tmp_path):
    cert, key = tmp_path / "client.pem", tmp_path / "client.key"
    made = subprocess.run(
        [*OPENSSL_SELF_SIGNED, "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("openssl could not make a certificate here")
    settings = RegistrySettings("assistance_platform", ROOT, cert_file=cert, key_file=key)

    with make_registry_client(settings) as client:
        assert client is not None


def test_each_registry_gets_a_breaker_of_its_own():
    settings = HttpRegistriesSettings.from_environ({"JIUZHU_REGISTRIES_URL": ROOT})
    assert settings is not None

    built = bootstrap_http_registries(settings)
    built.close()

    breakers = {id(built.platform.breaker), id(built.unemployment.breaker)}
    assert len(breakers | {id(built.disability.breaker)}) == 3


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """`jiuzhu registries` on a free port, in a subprocess; yields its root URL."""
    command = [sys.executable, "-m", "entrypoints.cli", "registries", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--today", "2026-03-02"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        yield first.split()[2]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_command_serves_the_sample_seed_to_the_adapters(served):
    settings = HttpRegistriesSettings.from_environ({"JIUZHU_REGISTRIES_URL": served})
    assert settings is not None
    receiving = next(p for p in load_seed(SAMPLE_SEED).people if p.history)
    built = bootstrap_http_registries(settings)

    try:
        history = built.platform.history_of(receiving.person)
    finally:
        built.close()

    assert [r.status for r in history.records] == [RecordStatus.RECEIVING]


def test_registries_that_are_down_raise_rather_than_answer():
    """P9: the composition root's adapters fail closed when nothing listens."""
    settings = HttpRegistriesSettings.from_environ(
        {
            "JIUZHU_REGISTRIES_URL": "http://127.0.0.1:9",
            "JIUZHU_DISABILITY_ATTEMPTS": "1",
            "JIUZHU_DISABILITY_CONNECT_TIMEOUT": "0.5",
        }
    )
    assert settings is not None
    built = bootstrap_http_registries(settings)

    try:
        with pytest.raises(RegistryUnavailable):
            built.disability.status_of(ResidentId("11010519491231002X"))
    finally:
        built.close()


def test_interactive_settings_ask_at_most_twice_within_a_few_seconds():
    """Issue 5: a person at the window waits seconds, not the worker's patient policy."""
    settings = HttpRegistriesSettings.from_environ({"JIUZHU_REGISTRIES_URL": ROOT})
    assert settings is not None

    quick = settings.interactive()

    for registry, patient in zip(
        (quick.platform, quick.unemployment, quick.disability),
        (settings.platform, settings.unemployment, settings.disability),
        strict=True,
    ):
        assert registry.retry.attempts <= 2 < patient.retry.attempts
        assert registry.retry.total <= 3.0
        assert registry.timeouts.read <= 2.0
        assert registry.base_url == patient.base_url
