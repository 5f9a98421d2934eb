"""Supervision (R10, R15): spot checks drawn with a recorded seed, their findings and the
audit that redraws them; and the records bounced between units."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.security.jwt import Token
from msgspec import Meta, Struct

from application.commands import DrawSpotCheck, RecordSpotFinding
from application.complaints import BouncedRecord, bounced_records
from application.spot_checks import (
    audit_spot_check,
    draw_sample,
    get_spot_check,
    list_spot_checks,
    record_spot_finding,
)
from domain.actors import Actor
from domain.outcomes import DecisionKind
from domain.regions import RegionCode
from domain.services import Service
from domain.spot_checks import SpotCheck, SpotFinding, Verdict
from entrypoints.api.idempotency import IdempotencyKeyHeader
from entrypoints.api.problems import responses
from entrypoints.api.services import Services
from entrypoints.api.wire import CaseId, OfficerId, RegionText, mask_id_like

AuthRequest = Request[Actor, Token, Any]
CheckPath = Annotated[
    str, PathParameter(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
]
RegionQuery = Annotated[str | None, QueryParameter(pattern=r"^[0-9]{2,12}$")]

# -- wire --


class DrawIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """Which decided cases to draw from, and how many; the seed is drawn by the system."""

    region: RegionText
    decided_from: date
    decided_to: date
    size: Annotated[int, Meta(ge=1, le=1000)]
    service: Service | None = None
    outcome: DecisionKind | None = None


class FindingIn(Struct, kw_only=True, forbid_unknown_fields=True):
    case_id: CaseId
    verdict: Verdict
    text: Annotated[str, Meta(min_length=1, max_length=2000)]
    staff_id: OfficerId | None = None  # the staff member concerned, one who acted on it


class CriteriaOut(Struct, kw_only=True):
    region: str
    decided_from: date
    decided_to: date
    service: Service | None
    outcome: DecisionKind | None


class FindingOut(Struct, kw_only=True):
    case_id: str
    at: datetime
    by: str
    verdict: Verdict
    verdict_label: str
    text: str
    staff_id: str | None


class SpotCheckOut(Struct, kw_only=True):
    """A draw: its criteria, seed, population and sample, and the findings so far."""

    id: str
    criteria: CriteriaOut
    size: int
    seed: str
    population_size: int
    population_digest: str  # SHA-256 over the sorted ids of the cases it drew from
    sample: list[str]
    drawn_by: str
    drawn_at: datetime
    findings: list[FindingOut]
    complete: bool
    version: int


class AuditOut(Struct, kw_only=True):
    """The draw redone from its seed against the cases stored now."""

    check: SpotCheckOut
    population_size: int
    population_unchanged: bool
    sample_reproduced: bool
    sample_from_today: list[str]


class UnitMoves(Struct, kw_only=True):
    path: list[str]  # the first unit, then each unit it moved to
    moves: int
    returned: bool  # it came back to a unit it had left
    too_many_moves: bool


class BouncedOut(Struct, kw_only=True):
    kind: str  # consultation, complaint or report
    record_id: str
    region: str
    received_at: datetime
    first_responder: str
    responsible: str
    unit: str | None
    open: bool
    bounce: UnitMoves


def _finding(value: SpotFinding) -> FindingOut:
    return FindingOut(
        case_id=value.case_id,
        at=value.at,
        by=value.by,
        verdict=value.verdict,
        verdict_label=value.verdict.label,
        text=mask_id_like(value.text),
        staff_id=value.staff_id,
    )


def check_out(check: SpotCheck) -> SpotCheckOut:
    c = check.criteria
    return SpotCheckOut(
        id=check.id,
        criteria=CriteriaOut(
            region=c.within.code,
            decided_from=c.decided_from,
            decided_to=c.decided_to,
            service=c.service,
            outcome=c.outcome,
        ),
        size=check.size,
        seed=check.seed,
        population_size=check.population_size,
        population_digest=check.population_digest,
        sample=list(check.sample),
        drawn_by=check.drawn_by,
        drawn_at=check.drawn_at,
        findings=[_finding(f) for f in check.findings],
        complete=check.is_complete,
        version=check.version,
    )


def _bounced(value: BouncedRecord) -> BouncedOut:
    b = value.bounce
    return BouncedOut(
        kind=value.kind,
        record_id=value.record_id,
        region=value.region.code,
        received_at=value.received_at,
        first_responder=value.first_responder,
        responsible=value.responsible,
        unit=value.unit.code if value.unit is not None else None,
        open=value.is_open,
        bounce=UnitMoves(
            path=[u.code for u in b.path],
            moves=b.moves,
            returned=b.returned,
            too_many_moves=b.too_many_moves,
        ),
    )


# -- handlers --


@post(
    "/spot-checks",
    status_code=201,
    sync_to_thread=True,
    summary="抽查：按地区、事项、决定结果和期间随机抽取已决定案件（记录随机种子）",
    responses=responses(401, 403),
)
def draw(
    data: JSONBody[DrawIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> SpotCheckOut:
    command = DrawSpotCheck(
        within=data.region,
        decided_from=data.decided_from,
        decided_to=data.decided_to,
        size=data.size,
        service=data.service,
        outcome=data.outcome,
    )
    return check_out(draw_sample(services.deps, request.user, command))


@get(
    "/spot-checks",
    sync_to_thread=True,
    summary="本辖区的抽查记录",
    responses=responses(401, 403),
)
def find(
    request: AuthRequest, services: Services, region: RegionQuery = None
) -> list[SpotCheckOut]:
    within = RegionCode(region) if region is not None else None
    return [check_out(c) for c in list_spot_checks(services.deps, request.user, within=within)]


@get(
    "/spot-checks/{check_id:str}",
    sync_to_thread=True,
    summary="抽查详情：抽取条件、随机种子、样本和逐案抽查结果",
    responses=responses(401, 403, 404),
)
def read(check_id: CheckPath, request: AuthRequest, services: Services) -> SpotCheckOut:
    return check_out(get_spot_check(services.deps, request.user, check_id))


@post(
    "/spot-checks/{check_id:str}/findings",
    status_code=201,
    sync_to_thread=True,
    summary="记录一件抽查案件的结果（可指明所涉工作人员）",
    responses=responses(401, 403, 404, 409),
)
def record_finding(
    check_id: CheckPath,
    data: JSONBody[FindingIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> FindingOut:
    command = RecordSpotFinding(
        check_id=check_id,
        case_id=data.case_id,
        verdict=data.verdict,
        text=data.text,
        staff_id=data.staff_id,
    )
    return _finding(record_spot_finding(services.deps, request.user, command))


@get(
    "/spot-checks/{check_id:str}/audit",
    sync_to_thread=True,
    summary="复核抽查：以记录的随机种子重新抽取，核对总体和样本是否一致",
    responses=responses(401, 403, 404),
)
def audit(check_id: CheckPath, request: AuthRequest, services: Services) -> AuditOut:
    result = audit_spot_check(services.deps, request.user, check_id)
    return AuditOut(
        check=check_out(result.check),
        population_size=result.population_size,
        population_unchanged=result.population_unchanged,
        sample_reproduced=result.sample_reproduced,
        sample_from_today=list(result.sample_from_today),
    )


@get(
    "/bounced-records",
    sync_to_thread=True,
    summary="在单位之间来回转交（推诿）的咨询、投诉和举报（R10）",
    responses=responses(401, 403),
)
def bounced(
    request: AuthRequest, services: Services, region: RegionQuery = None
) -> list[BouncedOut]:
    within = RegionCode(region) if region is not None else None
    return [_bounced(b) for b in bounced_records(services.deps, request.user, within=within)]


def router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[draw, find, read, record_finding, audit, bounced],
        tags=["监督检查"],
    )
