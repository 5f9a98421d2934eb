"""The three registries over HTTP: their settings, the adapters built from them, and the
`jiuzhu registries` command that serves the simulator.

Settings of each registry come from one mapping (the environment, read once by the
composition root), under the prefix JIUZHU_PLATFORM_, JIUZHU_UNEMPLOYMENT_ or
JIUZHU_DISABILITY_:

    ..._URL               base URL (e.g. https://platform.example/api); required
    ..._API_KEY           sent as X-Api-Key
    ..._CERT, ..._KEY     client certificate and its key (PEM files), for mutual TLS
    ..._CA                CA bundle that signs the registry's certificate
    ..._CONNECT_TIMEOUT   seconds (2)
    ..._READ_TIMEOUT      seconds (5)
    ..._ATTEMPTS          requests per call at most (3)

JIUZHU_REGISTRIES_URL, the root of a simulator, gives all three base URLs at once.
"""

from __future__ import annotations

import argparse
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path

import httpx
from attrs import evolve, field, frozen

from adapters.clock import FixedClock, SystemClock, china_timezone
from adapters.http import (
    CircuitBreaker,
    HttpAssistancePlatform,
    HttpDisabilityRegister,
    HttpUnemploymentRegistry,
    RegistryEndpoint,
    RetryPolicy,
    Timeouts,
)
from adapters.simulator import RegistrySimulator, load_seed
from application.dependencies import Dependencies
from ports.clock import Clock

SAMPLE_SEED = Path(__file__).with_name("registry_seed.json")
DEFAULT_PORT = 8765

# registry name in errors and logs, prefix of its settings, path on the simulator
REGISTRIES = {
    "assistance_platform": ("JIUZHU_PLATFORM_", "platform"),
    "unemployment_registry": ("JIUZHU_UNEMPLOYMENT_", "unemployment"),
    "disability_register": ("JIUZHU_DISABILITY_", "disability"),
}


@frozen
class RegistrySettings:
    """How to reach one registry; the defaults are this project's operating choices."""

    name: str
    base_url: str
    api_key: str | None = field(default=None, repr=False)
    cert_file: Path | None = None
    key_file: Path | None = None
    ca_file: Path | None = None
    timeouts: Timeouts = field(factory=Timeouts)
    retry: RetryPolicy = field(factory=RetryPolicy)
    breaker_failures: int = 5  # attempts failed in a row that open the circuit
    breaker_reset_after: float = 30.0  # seconds the circuit stays open

    def endpoint(self) -> RegistryEndpoint:
        return RegistryEndpoint(self.name, self.base_url, self.api_key, self.timeouts, self.retry)


# A use case a person waits on asks quickly; the worker asks patiently (its defaults).
INTERACTIVE_TIMEOUTS = Timeouts(connect=1.0, read=2.0)
INTERACTIVE_RETRY = RetryPolicy(
    attempts=2, wait_initial=0.1, wait_max=0.5, wait_jitter=0.1, total=3.0
)


@frozen
class HttpRegistriesSettings:
    platform: RegistrySettings
    unemployment: RegistrySettings
    disability: RegistrySettings

    def interactive(self) -> HttpRegistriesSettings:
        """The same registries for a person waiting at a window or a portal: at most two
        attempts within about three seconds. What still fails is left to the worker,
        which retries with the full policy (the scenario waits meanwhile, P8)."""

        def quick(registry: RegistrySettings) -> RegistrySettings:
            timeouts = Timeouts(
                connect=min(registry.timeouts.connect, INTERACTIVE_TIMEOUTS.connect),
                read=min(registry.timeouts.read, INTERACTIVE_TIMEOUTS.read),
            )
            attempts = min(registry.retry.attempts, INTERACTIVE_RETRY.attempts)
            return evolve(
                registry, timeouts=timeouts, retry=evolve(INTERACTIVE_RETRY, attempts=attempts)
            )

        return HttpRegistriesSettings(
            quick(self.platform), quick(self.unemployment), quick(self.disability)
        )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> HttpRegistriesSettings | None:
        """The settings in `environ`; None when no registry URL is set (stay in memory).

        Raises ValueError naming the variable that is missing or malformed.
        """
        root = environ.get("JIUZHU_REGISTRIES_URL", "").rstrip("/")
        prefixes = [prefix for prefix, _ in REGISTRIES.values()]
        if not root and not any(environ.get(f"{p}URL") for p in prefixes):
            return None
        platform, unemployment, disability = (
            _settings(name, prefix, path, environ, root)
            for name, (prefix, path) in REGISTRIES.items()
        )
        return cls(platform, unemployment, disability)


def _settings(
    name: str, prefix: str, path: str, environ: Mapping[str, str], root: str
) -> RegistrySettings:
    def number(key: str, default: float) -> float:
        text = environ.get(prefix + key)
        try:
            return default if text is None else float(text)
        except ValueError:
            raise ValueError(f"{prefix}{key} should be a number of seconds") from None

    def file(key: str) -> Path | None:
        text = environ.get(prefix + key)
        return Path(text) if text else None

    base_url = environ.get(f"{prefix}URL") or (f"{root}/{path}" if root else "")
    if not base_url:
        raise ValueError(f"{prefix}URL is not set")
    attempts = environ.get(f"{prefix}ATTEMPTS", "3")
    if not attempts.isdigit() or int(attempts) < 1:
        raise ValueError(f"{prefix}ATTEMPTS should be a whole number of at least 1")
    return RegistrySettings(
        name=name,
        base_url=base_url,
        api_key=environ.get(f"{prefix}API_KEY") or None,
        cert_file=file("CERT"),
        key_file=file("KEY"),
        ca_file=file("CA"),
        timeouts=Timeouts(number("CONNECT_TIMEOUT", 2.0), number("READ_TIMEOUT", 5.0)),
        retry=RetryPolicy(attempts=int(attempts)),
    )


def make_registry_client(settings: RegistrySettings) -> httpx.Client:
    """An httpx client for one registry, with its client certificate where configured."""
    verify: ssl.SSLContext | bool = True
    if settings.ca_file is not None or settings.cert_file is not None:
        context = ssl.create_default_context(
            cafile=None if settings.ca_file is None else str(settings.ca_file)
        )
        if settings.cert_file is not None:
            context.load_cert_chain(
                str(settings.cert_file),
                None if settings.key_file is None else str(settings.key_file),
            )
        verify = context
    return httpx.Client(verify=verify, timeout=settings.timeouts.as_httpx(), trust_env=False)


@frozen
class HttpRegistries:
    """The three HTTP adapters and the clients they hold (close them on shutdown)."""

    platform: HttpAssistancePlatform
    unemployment: HttpUnemploymentRegistry
    disability: HttpDisabilityRegister
    clients: tuple[httpx.Client, ...]

    def close(self) -> None:
        for client in self.clients:
            client.close()


def with_registries(deps: Dependencies, registries: HttpRegistries) -> Dependencies:
    """The same dependencies calling `registries` instead."""
    return evolve(
        deps,
        platform=registries.platform,
        unemployment=registries.unemployment,
        disability=registries.disability,
    )


def bootstrap_http_registries(
    settings: HttpRegistriesSettings,
    *,
    client_factory: Callable[[RegistrySettings], httpx.Client] = make_registry_client,
    monotonic: Callable[[], float] = time.monotonic,
) -> HttpRegistries:
    """One client and one circuit breaker per registry; pass the adapters to `bootstrap`."""
    built = []
    for one in (settings.platform, settings.unemployment, settings.disability):
        breaker = CircuitBreaker(
            failures=one.breaker_failures, reset_after=one.breaker_reset_after, clock=monotonic
        )
        built.append((client_factory(one), one.endpoint(), breaker))
    (pc, pe, pb), (uc, ue, ub), (dc, de, db) = built
    return HttpRegistries(
        platform=HttpAssistancePlatform(pc, pe, breaker=pb),
        unemployment=HttpUnemploymentRegistry(uc, ue, breaker=ub),
        disability=HttpDisabilityRegister(dc, de, breaker=db),
        clients=(pc, uc, dc),
    )


# -- the `jiuzhu registries` command --


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The subcommand's parser; `main` dispatches to `run`."""
    parser = commands.add_parser(
        "registries", help="serve a simulator of the three registries on 127.0.0.1"
    )
    parser.add_argument("--seed", type=Path, default=SAMPLE_SEED, help="people, as JSON")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    parser.add_argument("--api-key", help="require this X-Api-Key on every request")
    parser.add_argument("--today", type=_day, help="the date check reports are issued on")
    parser.add_argument("--fault-seed", type=int, help="makes fractional faults repeatable")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    clock: Clock = SystemClock()
    if args.today is not None:
        clock = FixedClock(datetime.combine(args.today, clock_time(9), china_timezone()))
    simulator = RegistrySimulator(
        load_seed(args.seed),
        clock=clock,
        port=args.port,
        api_key=args.api_key,
        fault_seed=args.fault_seed,
    )
    simulator.start()
    print(f"registries on {simulator.url} (JIUZHU_REGISTRIES_URL):", flush=True)
    for _, path in REGISTRIES.values():
        print(f"  {simulator.base_url(path)}", flush=True)
    print(f"faults: POST {simulator.url}/_admin/faults; stop with Ctrl-C", flush=True)
    try:
        simulator.join()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
    return 0


def _day(text: str) -> date:
    return date.fromisoformat(text)
