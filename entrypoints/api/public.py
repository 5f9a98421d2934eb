"""Public information (R2), without an account: the service guides with their version and
effective date, the policy basis, and how to object or complain."""

from __future__ import annotations

from datetime import date

from litestar import Router, get
from litestar.params import FromPath
from msgspec import Struct

from application.public import complaint_routes, service_guide, service_guides
from domain.policy import ServiceGuide
from domain.services import Service
from entrypoints.api.problems import PUBLIC_RESPONSES
from entrypoints.api.services import Services
from entrypoints.api.wire import Material


class GuideSummary(Struct, kw_only=True):
    service: Service
    label: str
    department: str
    version: str
    effective_from: date
    time_limit_working_days: int


class NoticeProcedureOut(Struct, kw_only=True):
    investigation_working_days: int
    notice_days: int
    confirmation_working_days: int
    refusal_notice_working_days: int


class Guide(Struct, kw_only=True):
    """A service guide (办事指南)."""

    service: Service
    label: str
    department: str
    version: str
    effective_from: date
    basis: list[str]
    conditions: list[str]
    procedure: list[str]
    required_materials: list[Material]
    optional_materials: list[Material]
    time_limit_working_days: int
    extended_working_days: int | None
    time_limit_source: str
    public_notice: NoticeProcedureOut | None
    source: str


class BasisEntry(Struct, kw_only=True):
    document: str
    services: list[Service]


class PolicyBasis(Struct, kw_only=True):
    """Every document the guides rest on, with the services resting on each."""

    documents: list[BasisEntry]
    objection_route: str
    objection_source: str


class DepartmentComplaint(Struct, kw_only=True):
    department: str
    label: str
    text: str


class Complaints(Struct, kw_only=True):
    """How to object to a decision (复议、诉讼) and where to complain (监督投诉)."""

    objection_route: str
    objection_source: str
    complaints: list[DepartmentComplaint]


def _summary(guide: ServiceGuide) -> GuideSummary:
    return GuideSummary(
        service=guide.service,
        label=guide.service.label,
        department=guide.department.label,
        version=guide.version,
        effective_from=guide.effective_from,
        time_limit_working_days=guide.time_limit.working_days,
    )


def _guide(guide: ServiceGuide) -> Guide:
    procedure = guide.notice_procedure
    return Guide(
        service=guide.service,
        label=guide.service.label,
        department=guide.department.label,
        version=guide.version,
        effective_from=guide.effective_from,
        basis=list(guide.basis),
        conditions=list(guide.conditions),
        procedure=list(guide.procedure),
        required_materials=[Material(code=m.code, name=m.name) for m in guide.required_materials],
        optional_materials=[
            Material(code=m.code, name=m.name) for m in guide.materials if not m.required
        ],
        time_limit_working_days=guide.time_limit.working_days,
        extended_working_days=guide.time_limit.extended_working_days,
        time_limit_source=str(guide.time_limit.source),
        public_notice=(
            None
            if procedure is None
            else NoticeProcedureOut(
                investigation_working_days=procedure.investigation_working_days,
                notice_days=procedure.notice_days,
                confirmation_working_days=procedure.confirmation_working_days,
                refusal_notice_working_days=procedure.refusal_notice_working_days,
            )
        ),
        source=str(guide.source),
    )


@get(
    "/public/services",
    sync_to_thread=False,
    summary="十项服务的办事指南目录",
    responses=PUBLIC_RESPONSES,
)
def list_guides(services: Services) -> list[GuideSummary]:
    return [_summary(g) for g in service_guides(services.deps)]


@get(
    "/public/services/{service:str}",
    sync_to_thread=False,
    summary="一项服务的办事指南（版本、施行日期、依据、材料、程序、时限）",
    responses=PUBLIC_RESPONSES,
)
def read_guide(service: FromPath[Service], services: Services) -> Guide:
    return _guide(service_guide(services.deps, service))


@get("/public/policy-basis", sync_to_thread=False, summary="政策依据", responses=PUBLIC_RESPONSES)
def policy_basis(services: Services) -> PolicyBasis:
    documents: dict[str, list[Service]] = {}
    for guide in service_guides(services.deps):
        for document in guide.basis:
            documents.setdefault(document, []).append(guide.service)
    routes = complaint_routes(services.deps)
    objection = routes.objection
    return PolicyBasis(
        documents=[BasisEntry(document=d, services=s) for d, s in documents.items()],
        objection_route=objection.text if objection is not None else "",
        objection_source=str(objection.source) if objection is not None else "",
    )


@get(
    "/public/complaints",
    sync_to_thread=False,
    summary="救济途径与投诉渠道",
    responses=PUBLIC_RESPONSES,
)
def complaints(services: Services) -> Complaints:
    routes = complaint_routes(services.deps)
    objection = routes.objection
    return Complaints(
        objection_route=objection.text if objection is not None else "",
        objection_source=str(objection.source) if objection is not None else "",
        complaints=[
            DepartmentComplaint(department=d.value, label=d.label, text=text)
            for d, text in routes.complaints
        ],
    )


class Health(Struct, kw_only=True):
    status: str


@get("/health", sync_to_thread=False, summary="服务是否在运行", responses=PUBLIC_RESPONSES)
def health() -> Health:
    return Health(status="ok")


def router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[list_guides, read_guide, policy_basis, complaints, health],
        tags=["公开信息"],
        security=[],
    )
