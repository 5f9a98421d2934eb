"""The three registries on one loopback port, in the wire formats of docs/registries/.

    /platform/v1/...      the social-assistance data platform
    /unemployment/v1/...  the unemployment registry
    /disability/v1/...    the disability register
    /_admin/faults        POST one fault (JSON, see `faults.Fault`); DELETE clears them all
    /_admin/state         GET how many writes each registry holds, and the faults in force

Answers come from the in-memory registries, seeded from a `Seed`. Writes are idempotent
per Idempotency-Key: the same key and body get the first answer again, the same key
with another body 422, and a repeat while the first still runs 409 (P2, P6).

It is built on the standard library's ThreadingHTTPServer rather than Litestar: nothing
to install, it starts in a thread in milliseconds, and a fault can write half a body or
hang up mid-answer, which a framework's response objects do not let one do.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from attrs import define, frozen

from adapters.http.wire import Fields, WireError, parse_json
from adapters.memory.registries import (
    InMemoryAssistancePlatform,
    InMemoryDisabilityRegister,
    InMemoryUnemploymentRegistry,
)
from adapters.simulator.faults import Fault, FaultBook, FaultKind, fault_from_json
from adapters.simulator.seed import Seed
from domain.errors import InvalidValue
from domain.facts import AssistanceRecord, CheckWarning, DisabilityStatus, UnemploymentStatus
from domain.identity import ResidentId
from domain.regions import RegionCode
from domain.services import Service
from ports.clock import Clock
from ports.registries import PlatformApplication

log = logging.getLogger(__name__)

Json = dict[str, object]


class _Refused(Exception):
    """A request the simulator refuses with a problem document."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class Registries:
    """The in-memory registries a simulator answers from."""

    def __init__(self, seed: Seed, clock: Clock) -> None:
        people = seed.people
        self.platform = InMemoryAssistancePlatform(
            clock=clock,
            histories={p.person: p.history for p in people},
            warnings={p.person: p.check_warnings for p in people},
        )
        self.unemployment = InMemoryUnemploymentRegistry(
            registered={p.person: p.registered_on for p in people if p.registered_on}
        )
        self.disability = InMemoryDisabilityRegister(
            statuses={p.person: p.disability for p in people if p.disability}
        )


# -- the operations, each reading its request and answering (status, document) --


def _person(request: Fields) -> ResidentId:
    try:
        return ResidentId(request.text("resident_id"))
    except InvalidValue as error:
        raise _Refused(422, f"resident_id is not a valid ID number ({error.code})") from None


def _history_of(registries: Registries, request: Fields) -> tuple[int, Json]:
    person = _person(request)
    history = registries.platform.history_of(person)
    return 200, {"person": person.masked, "records": [_record(r) for r in history.records]}


def _record_application(registries: Registries, request: Fields) -> tuple[int, Json]:
    case_id = request.text("case_id")
    try:
        region = RegionCode(request.text("region"))
    except InvalidValue:
        raise _Refused(422, "region is not a region code") from None
    application = PlatformApplication(
        case_id,
        request.choice("service", Service),
        _person(request),
        region,
        _moment(request, "received_at"),
    )
    reference = registries.platform.record_application(application)
    return 201, {"case_id": case_id, "reference": reference}


def _check_report(registries: Registries, request: Fields) -> tuple[int, Json]:
    case_id = request.text("case_id")
    revision = request.integer("revision", minimum=0)
    report = registries.platform.check_report(_person(request), case_id=case_id, revision=revision)
    return 201, {
        "case_id": case_id,
        "revision": revision,
        "reference": report.reference,
        "issued_on": report.issued_on.isoformat(),
        "warnings": [_warning(w) for w in report.warnings],
    }


def _registration_of(registries: Registries, request: Fields) -> tuple[int, Json]:
    person = _person(request)
    return 200, _registration(person, registries.unemployment.registration_of(person))


def _register(registries: Registries, request: Fields) -> tuple[int, Json]:
    person = _person(request)
    status = registries.unemployment.register(
        person, case_id=request.text("case_id"), on=request.day("on")
    )
    return 201, _registration(person, status)


def _record_recognition(registries: Registries, request: Fields) -> tuple[int, Json]:
    case_id = request.text("case_id")
    registries.unemployment.record_recognition(
        _person(request),
        case_id=case_id,
        recognised=request.boolean("recognised"),
        on=request.day("on"),
    )
    held = next(r for r in registries.unemployment.recognitions if r.case_id == case_id)
    return 201, {"case_id": case_id, "recognised": held.recognised}


def _status_of(registries: Registries, request: Fields) -> tuple[int, Json]:
    person = _person(request)
    return 200, {"person": person.masked, **_disability(registries.disability.status_of(person))}


def _moment(request: Fields, name: str) -> datetime:
    text = request.text(name)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Refused(422, f"{name} is not an RFC 3339 date-time") from None
    if moment.tzinfo is None or "T" not in text:
        raise _Refused(422, f"{name} needs a date, a time and an offset")
    return moment


def _record(record: AssistanceRecord) -> Json:
    return {
        "service": record.service.value,
        "status": record.status.value,
        "since": record.since.isoformat(),
        "reference": record.reference,
    }


def _warning(warning: CheckWarning) -> Json:
    return {"code": warning.code, "text": warning.text, "source": warning.source}


def _registration(person: ResidentId, status: UnemploymentStatus) -> Json:
    on: date | None = status.registered_on
    return {
        "person": person.masked,
        "registered": status.registered,
        "registered_on": None if on is None else on.isoformat(),
    }


def _disability(status: DisabilityStatus) -> Json:
    monthly = status.severe_nursing_monthly
    return {
        "receives_severe_nursing_subsidy": status.receives_severe_nursing_subsidy,
        "grade": status.grade,
        "category": status.category,
        "severe_nursing_monthly_fen": None if monthly is None else monthly.fen,
    }


@frozen
class _Route:
    registry: str
    operation: str
    write: bool
    answer: Callable[[Registries, Fields], tuple[int, Json]]


_PLATFORM, _UNEMPLOYMENT, _DISABILITY = "platform", "unemployment", "disability"
ROUTES: Mapping[str, _Route] = {
    "/platform/v1/assistance-histories/query": _Route(_PLATFORM, "history_of", False, _history_of),
    "/platform/v1/applications": _Route(
        _PLATFORM, "record_application", True, _record_application
    ),
    "/platform/v1/check-reports": _Route(_PLATFORM, "check_report", True, _check_report),
    "/unemployment/v1/registrations/query": _Route(
        _UNEMPLOYMENT, "registration_of", False, _registration_of
    ),
    "/unemployment/v1/registrations": _Route(_UNEMPLOYMENT, "register", True, _register),
    "/unemployment/v1/recognitions": _Route(
        _UNEMPLOYMENT, "record_recognition", True, _record_recognition
    ),
    "/disability/v1/disability-statuses/query": _Route(
        _DISABILITY, "status_of", False, _status_of
    ),
}


@define
class _Stored:
    fingerprint: str
    status: int = 0
    body: bytes = b""
    running: bool = True


# -- the server --


class RegistrySimulator:
    """Serves the three registries from a seed, with faults on request; start() or use
    `with`. Port 0 picks a free port; `url` says which."""

    def __init__(
        self,
        seed: Seed | None = None,
        *,
        clock: Clock,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        fault_seed: int | None = None,
    ) -> None:
        self._clock = clock
        self._address = (host, port)
        self.api_key = api_key
        self.faults = FaultBook(seed=fault_seed)
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, str], _Stored] = {}
        self.stopping = threading.Event()
        self.registries = Registries(seed or Seed(), clock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def reset(self, seed: Seed) -> None:
        """Hold only what `seed` says: writes, stored answers and faults are forgotten."""
        with self._lock:
            self.registries = Registries(seed, self._clock)
            self._answers.clear()
        self.faults.clear()

    @property
    def url(self) -> str:
        host, port = self._bound()
        return f"http://{host}:{port}"

    def base_url(self, registry: str) -> str:
        """The base URL of one registry: platform, unemployment or disability."""
        return f"{self.url}/{registry}"

    def start(self) -> RegistrySimulator:
        """Serve in a background thread until stop()."""
        server = self._bind()
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="registry-simulator", daemon=True
        )
        self._thread.start()
        return self

    def join(self) -> None:
        """Wait while the simulator serves (the `jiuzhu registries` command waits here)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        self.stopping.set()
        server, self._server = self._server, None
        if server is not None:
            if self._thread is not None:
                server.shutdown()
                self._thread.join(timeout=5)
            server.server_close()

    def __enter__(self) -> RegistrySimulator:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _bind(self) -> _Server:
        if self._server is not None:
            raise RuntimeError("the simulator is already serving")
        self.stopping.clear()
        self._server = _Server(self._address, _Handler, self)
        return self._server

    def _bound(self) -> tuple[str, int]:
        if self._server is None:
            raise RuntimeError("the simulator is not serving")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def state(self) -> Json:
        """How many writes each registry holds (for the admin endpoint and tests)."""
        registries = self.registries
        return {
            "platform": {
                "applications_recorded": len(registries.platform.recorded),
                "check_reports": len(registries.platform.reports),
            },
            "unemployment": {
                "registrations_made": len(registries.unemployment.registrations),
                "recognitions_recorded": len(registries.unemployment.recognitions),
            },
            "faults_in_force": len(self.faults.in_force),
        }

    def answer(
        self, route: _Route, request: Fields, raw: object, key: str | None
    ) -> tuple[_Stored, bool]:
        """Carry out one operation, a write once per idempotency key (P2); says whether
        the answer is a stored one, replayed."""
        if not route.write:
            status, document = route.answer(self.registries, request)
            return _Stored("", status, _encode(document), running=False), False
        if not key:
            raise _Refused(400, "a write needs an Idempotency-Key header")
        fingerprint = hashlib.sha256(_canonical(raw)).hexdigest()
        slot = (route.registry, key)
        with self._lock:
            stored = self._answers.get(slot)
            if stored is not None and stored.fingerprint != fingerprint:
                raise _Refused(422, "this Idempotency-Key was used with another body")
            if stored is not None and stored.running:
                raise _Refused(409, "a request with this Idempotency-Key is still running")
            if stored is not None:
                return stored, True
            stored = self._answers[slot] = _Stored(fingerprint)
        try:
            status, document = route.answer(self.registries, request)
        except BaseException:
            with self._lock:
                del self._answers[slot]
            raise
        with self._lock:
            stored.status, stored.body, stored.running = status, _encode(document), False
        return stored, False


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        simulator: RegistrySimulator,
    ) -> None:
        self.simulator = simulator
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("simulator: a connection ended abruptly", exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave in one segment, not two
    server: _Server

    @property
    def simulator(self) -> RegistrySimulator:
        return self.server.simulator

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("simulator: " + format, *args)

    def do_GET(self) -> None:
        if not self._authorised():
            return
        if self.path == "/_admin/state":
            self._send_json(200, self.simulator.state())
        else:
            self._send_problem(404 if self.path not in ROUTES else 405, "no such resource")

    def do_DELETE(self) -> None:
        if not self._authorised():
            return
        if self.path == "/_admin/faults":
            self.simulator.faults.clear()
            self._send_json(200, {"faults_in_force": 0})
        else:
            self._send_problem(404, "no such resource")

    def do_POST(self) -> None:
        try:
            raw = self._body()  # read first, so that the connection stays in step
            if not self._authorised():
                return
            if self.path == "/_admin/faults":
                self._add_fault(raw)
            elif self.path in ROUTES:
                self._serve(ROUTES[self.path], raw)
            else:
                self._send_problem(404, "no such resource")
        except _Refused as refusal:
            self._send_problem(refusal.status, refusal.detail)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _authorised(self) -> bool:
        expected = self.simulator.api_key
        if expected is not None and self.headers.get("X-Api-Key") != expected:
            self._send_problem(401, "a valid X-Api-Key header is needed")
            return False
        return True

    def _body(self) -> object:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True  # the body's end is unknown
            raise _Refused(411, "a Content-Length header is needed")
        content = self.rfile.read(int(length))
        try:
            return parse_json(content)
        except WireError as error:
            raise _Refused(400, f"the request body is not JSON: {error}") from None

    def _add_fault(self, raw: object) -> None:
        try:
            fault = fault_from_json(raw)
        except ValueError as error:
            raise _Refused(422, str(error)) from None
        self.simulator.faults.add(fault)
        self._send_json(201, {"faults_in_force": len(self.simulator.faults.in_force)})

    def _serve(self, route: _Route, raw: object) -> None:
        try:
            request = Fields(raw)
            person = _person(request)
            fault = self.simulator.faults.strike(route.registry, route.operation, person)
            if fault is not None and fault.kind is FaultKind.LATENCY:
                self.simulator.stopping.wait(fault.wait)
                fault = None
            log.info(
                "simulator %s %s for %s: %s",
                route.registry,
                route.operation,
                person.masked,
                "answered" if fault is None else f"fault {fault.kind.value}",
            )
            if fault is not None and route.write and not fault.after_write:
                self._send_fault(fault, None)
                return
            stored, replayed = self.simulator.answer(
                route, request, raw, self.headers.get("Idempotency-Key")
            )
        except WireError as error:
            raise _Refused(422, str(error)) from None
        if fault is not None:
            self._send_fault(fault, stored.body)
        else:
            headers = {"Idempotent-Replayed": "true"} if replayed else {}
            self._send(stored.status, "application/json", stored.body, headers=headers)

    def _send_fault(self, fault: Fault, body: bytes | None) -> None:
        answer = body or _encode({"detail": "处理中，请稍候" * 8})
        match fault.kind:
            case FaultKind.TIMEOUT:
                self.simulator.stopping.wait(fault.wait)
                self.close_connection = True
            case FaultKind.RESET:
                self.close_connection = True
            case FaultKind.ERROR:
                self._send_problem(fault.status or 503, "simulated failure")
            case FaultKind.RATE_LIMITED:
                self._send_problem(429, "too many requests", retry_after="1")
            case FaultKind.TRUNCATED:
                self._send(200, "application/json", answer, cut=len(answer) // 2)
            case FaultKind.INVALID_JSON:
                self._send(200, "application/json", answer[: len(answer) * 2 // 3])
            case FaultKind.WRONG_SCHEMA:
                self._send_json(200, {"result": "ok", "data": []})
            case FaultKind.EMPTY:
                self._send(200, "application/json", b"")
            case FaultKind.HTML:
                page = "<html><body><h1>系统维护中</h1></body></html>".encode()
                self._send(fault.status or 200, "text/html; charset=utf-8", page)
            case FaultKind.LATENCY:  # pragma: no cover - handled before answering
                raise AssertionError("latency is not an answer")

    def _send_json(self, status: int, document: Json) -> None:
        self._send(status, "application/json", _encode(document))

    def _send_problem(self, status: int, detail: str, *, retry_after: str | None = None) -> None:
        problem = {"type": "about:blank", "title": detail, "status": status}
        headers = {"Retry-After": retry_after} if retry_after else {}
        self._send(status, "application/problem+json", _encode(problem), headers=headers)

    def _send(
        self,
        status: int,
        content_type: str,
        body: bytes,
        *,
        cut: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body if cut is None else body[:cut])
        if cut is not None:
            self.wfile.flush()
            self.close_connection = True


def _encode(document: Json) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def _canonical(raw: object) -> bytes:
    return json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
