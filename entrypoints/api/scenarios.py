"""Joint scenarios (R6 to R9): one household's dibao case and the cases linked to it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Request, Router, get
from litestar.params import PathParameter
from litestar.security.jwt import Token
from msgspec import Struct

from application.queries import ScenarioView, get_scenario
from domain.actors import Actor
from domain.scenario import STATE_LABELS
from domain.services import Service
from entrypoints.api.problems import responses
from entrypoints.api.services import Services
from entrypoints.api.wire import Applicant


class LinkedCase(Struct, kw_only=True):
    service: Service
    service_label: str
    case_id: str
    state: str
    outcome: str | None


class Branch(Struct, kw_only=True):
    branch: str
    label: str
    rule: str
    state: str | None
    state_label: str
    finished: bool
    cases: list[LinkedCase]


class Move(Struct, kw_only=True):
    branch: str
    from_state: str
    to_state: str
    to_label: str
    rule: str
    reason: str


class ScenarioEventOut(Struct, kw_only=True):
    seq: int
    event: str
    at: datetime
    moves: list[Move]


class ScenarioOut(Struct, kw_only=True):
    id: str
    status: str
    dibao_case_id: str
    region: str
    applicant: Applicant
    started_at: datetime
    platform_reference: str | None
    pending: list[str]
    branches: list[Branch]
    history: list[ScenarioEventOut]


def scenario_out(view: ScenarioView) -> ScenarioOut:
    subject = view.scenario
    return ScenarioOut(
        id=subject.id,
        status=view.status,
        dibao_case_id=subject.dibao_case_id,
        region=subject.region.code,
        applicant=Applicant(
            name=subject.applicant.name,
            resident_id_masked=subject.applicant.resident_id.masked,
        ),
        started_at=subject.started_at,
        platform_reference=subject.platform_reference,
        pending=list(view.pending),
        branches=[
            Branch(
                branch=b.branch,
                label=b.label,
                rule=b.rule,
                state=b.state,
                state_label=b.state_label,
                finished=b.finished,
                cases=[
                    LinkedCase(
                        service=c.service,
                        service_label=c.service.label,
                        case_id=c.case_id,
                        state=c.state,
                        outcome=c.outcome,
                    )
                    for c in b.cases
                ],
            )
            for b in view.branches
        ],
        history=[
            ScenarioEventOut(
                seq=e.seq,
                event=e.event,
                at=e.at,
                moves=[
                    Move(
                        branch=m.branch,
                        from_state=m.from_state,
                        to_state=m.to_state,
                        to_label=STATE_LABELS.get(m.to_state, m.to_state),
                        rule=m.rule,
                        reason=m.reason,
                    )
                    for m in e.moves
                ],
            )
            for e in view.history
        ],
    )


ScenarioPath = Annotated[
    str, PathParameter(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
]


@get(
    "/scenarios/{scenario_id:str}",
    sync_to_thread=True,
    summary="联办情况：各分支的状态与关联案件",
    responses=responses(401, 403, 404),
)
def read_scenario(
    scenario_id: ScenarioPath,
    request: Request[Actor, Token, Any],
    services: Services,
) -> ScenarioOut:
    return scenario_out(get_scenario(services.deps, request.user, scenario_id))


def router() -> Router:
    return Router(path="/api/v1", route_handlers=[read_scenario], tags=["联办"])
