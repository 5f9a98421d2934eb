"""The load generator of the HTTP benchmarks: dibao applications, each a new applicant.

Every request is a `POST` of the body `POST /api/v1/applications` takes, for a different
person (a valid resident ID number, GB 11643 check character included), with its own
`Idempotency-Key` and, in turn, the token of one of several logged-in clerks (the API
limits each operator's rate, as a county's many window clerks would not notice).

`wrk` runs the load when it is installed (a Lua script builds the bodies); otherwise a
small asyncio client over keep-alive connections does. The result names which ran.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from attrs import frozen

from domain.identity import check_character

REGION = "370102001"  # the township the clerks work in
DIBAO_MATERIALS = ("id_card", "household_register", "commitment", "check_authorization")
NAME = "张三"
# A person's number n gives: birth day 1970-01-01 + (n // 90000) % 12000 days, address
# code 370000 + (n % 90000) // 900, sequence n % 900 + 100: distinct below 1.08 billion.
_PER_DAY = 90_000
_DAYS = 12_000
_EPOCH = date(1970, 1, 1)


def resident_id(number: int) -> str:
    """The valid ID number of applicant `number` (the Lua script computes the same)."""
    born = _EPOCH + timedelta(days=(number // _PER_DAY) % _DAYS)
    address = 370000 + (number % _PER_DAY) // 900
    first17 = f"{address:06d}{born:%Y%m%d}{number % 900 + 100:03d}"
    return first17 + check_character(first17)


def application_body(number: int) -> dict[str, object]:
    return {
        "service": "dibao",
        "resident_id": resident_id(number),
        "name": NAME,
        "region": REGION,
        "materials": list(DIBAO_MATERIALS),
    }


@frozen
class Load:
    """What to send: `connections` keep-alive connections for `seconds` to `url`."""

    url: str
    tokens: tuple[str, ...]
    connections: int
    seconds: int
    first_number: int  # applicant numbers run from here upwards
    key_prefix: str  # Idempotency-Key of applicant n: f"{key_prefix}-{n}"


@frozen
class LoadResult:
    generator: str
    requests: int  # answered with any status
    failures: int  # not answered 2xx (status, timeout, connection error)
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        """Requests answered 2xx per second."""
        return (self.requests - self.failures) / self.seconds if self.seconds else 0.0


def generator_name() -> str:
    return "wrk" if shutil.which("wrk") else "python asyncio client"


def run_load(load: Load) -> LoadResult:
    if shutil.which("wrk"):
        return _run_wrk(load)
    return asyncio.run(_run_asyncio(load))


def numbers_used(result: LoadResult) -> int:
    """How far `first_number` must move for the next load to meet only new applicants
    (wrk may send a request or two more than it counts once its time is up)."""
    return result.requests + 1_000


# -- wrk --

_LUA = """
local tokens = {TOKENS}
local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = "10X98765432"
local number = FIRST
local path = "PATH"

local function resident_id(n)
  local day = math.floor(n / 90000) % 12000
  local address = 370000 + math.floor((n % 90000) / 900)
  local first17 = string.format("%06d%s%03d", address, os.date("!%Y%m%d", day * 86400),
                                n % 900 + 100)
  local total = 0
  for i = 1, 17 do total = total + tonumber(first17:sub(i, i)) * weights[i] end
  local at = total % 11 + 1
  return first17 .. checks:sub(at, at)
end

request = function()
  local n = number
  number = number + 1
  local body = '{"service":"dibao","resident_id":"' .. resident_id(n) ..
    '","name":"NAME","region":"REGION","materials":MATERIALS}'
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]
  headers["Idempotency-Key"] = "PREFIX-" .. n
  return wrk.format("POST", path, headers, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d failures=%d micros=%d p50=%d p99=%d\\n",
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
"""


def _lua(load: Load) -> str:
    tokens = ", ".join(f'"{t}"' for t in load.tokens)
    return (
        _LUA.replace("{TOKENS}", "{" + tokens + "}")
        .replace("FIRST", str(load.first_number))
        .replace("PATH", urlsplit(load.url).path)
        .replace("NAME", NAME)
        .replace("REGION", REGION)
        .replace("MATERIALS", json.dumps(list(DIBAO_MATERIALS)))
        .replace("PREFIX", load.key_prefix)
    )


def _run_wrk(load: Load) -> LoadResult:
    parts = urlsplit(load.url)
    with tempfile.TemporaryDirectory(prefix="jiuzhu-load-") as folder:
        script = Path(folder) / "intake.lua"
        script.write_text(_lua(load), encoding="utf-8")
        # One thread: on two cores the server needs the other; one wrk thread keeps up.
        command = ["wrk", "-t1", f"-c{load.connections}", f"-d{load.seconds}s"]
        command += ["--timeout", "10s", "-s", str(script), f"{parts.scheme}://{parts.netloc}"]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = re.search(
        r"BENCH requests=(\d+) failures=(\d+) micros=(\d+) p50=(\d+) p99=(\d+)", done.stdout
    )
    if found is None:
        raise RuntimeError(f"wrk printed no summary: {done.stdout[-500:]} {done.stderr[-500:]}")
    requests, failures, micros, p50, p99 = (int(g) for g in found.groups())
    return LoadResult("wrk", requests, failures, micros / 1e6, p50 / 1000, p99 / 1000)


# -- asyncio fallback --


async def _run_asyncio(load: Load) -> LoadResult:
    parts = urlsplit(load.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    numbers = iter(range(load.first_number, load.first_number + 10**9))
    latencies: list[float] = []
    failures = 0
    started = time.perf_counter()
    deadline = started + load.seconds

    async def connection() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                number = next(numbers)
                request = _request(load, parts.path, host, port, number)
                sent = time.perf_counter()
                writer.write(request)
                status = await _response_status(reader)
                latencies.append(time.perf_counter() - sent)
                if not 200 <= status < 300:
                    failures += 1
        finally:
            writer.close()

    outcomes = await asyncio.gather(
        *(connection() for _ in range(load.connections)), return_exceptions=True
    )
    failures += sum(1 for o in outcomes if isinstance(o, BaseException))
    seconds = time.perf_counter() - started
    return LoadResult(
        "python asyncio client",
        len(latencies),
        failures,
        seconds,
        _percentile(latencies, 50) * 1000,
        _percentile(latencies, 99) * 1000,
    )


def _request(load: Load, path: str, host: str, port: int, number: int) -> bytes:
    body = json.dumps(application_body(number), ensure_ascii=False).encode("utf-8")
    token = load.tokens[number % len(load.tokens)]
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: {load.key_prefix}-{number}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


async def _response_status(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


def _percentile(values: Sequence[float], percent: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]
