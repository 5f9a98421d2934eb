"""Consultations (咨询, R10, R11): recorded with their first responder, answered, handed over."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import Request, Router, post
from litestar.params import JSONBody, PathParameter
from litestar.security.jwt import Token
from msgspec import Meta, Struct

from application.commands import AnswerConsultation, RecordConsultation, TransferConsultation
from application.consultations import (
    answer_consultation,
    record_consultation,
    transfer_consultation,
)
from domain.actors import Actor
from domain.inquiries import Consultation
from domain.notices import render_text
from domain.services import Channel, Service
from entrypoints.api.idempotency import IdempotencyKeyHeader
from entrypoints.api.problems import responses
from entrypoints.api.services import Services
from entrypoints.api.wire import (
    Notice,
    OptionalOfficerId,
    RegionText,
    TransferOut,
    UnitText,
    notice,
    transfer_out,
)

ConsultationPath = Annotated[
    str, PathParameter(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
]


class ConsultationIn(Struct, kw_only=True, forbid_unknown_fields=True):
    question: Annotated[str, Meta(min_length=1, max_length=2000)]
    region: RegionText
    channel: Literal["window", "phone", "online_portal", "app", "letter"] = "window"
    service: Service | None = None  # the notice of this service is given at once (R11)
    asker_name: Annotated[str, Meta(max_length=100)] = ""


class TransferIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """To an officer, a unit (`370102/human_resources`) or both, with the reason (R10)."""

    to_officer: OptionalOfficerId = ""
    to_unit: UnitText = ""
    reason: Annotated[str, Meta(min_length=1, max_length=200)]


class AnswerIn(Struct, kw_only=True, forbid_unknown_fields=True):
    answer: Annotated[str, Meta(min_length=1, max_length=2000)]


class AnswerOut(Struct, kw_only=True):
    at: datetime
    officer: str
    text: str


class ConsultationOut(Struct, kw_only=True):
    id: str
    channel: str
    question: str
    region: str
    service: Service | None
    asker_name: str
    received_at: datetime
    first_responder: str  # R10: kept on the record through every transfer
    responsible: str
    unit: str | None  # the unit holding it now
    open: bool
    transfers: list[TransferOut]
    answer: AnswerOut | None


class RecordedConsultation(Struct, kw_only=True):
    consultation: ConsultationOut
    notice: Notice | None


def consultation_out(value: Consultation) -> ConsultationOut:
    answer = value.answer
    return ConsultationOut(
        id=value.id,
        channel=value.channel.value,
        question=value.question,
        region=value.region.code,
        service=value.service,
        asker_name=value.asker_name,
        received_at=value.received_at,
        first_responder=value.first_responder,
        responsible=value.responsible,
        unit=value.unit.code if value.unit is not None else None,
        open=value.is_open,
        transfers=[transfer_out(t) for t in value.transfers],
        answer=None
        if answer is None
        else AnswerOut(at=answer.at, officer=answer.officer, text=answer.text),
    )


AuthRequest = Request[Actor, Token, Any]


@post(
    "/consultations",
    status_code=201,
    sync_to_thread=True,
    summary="登记咨询（首问负责），问及事项时一次性告知",
    responses=responses(401, 403),
)
def record(
    data: JSONBody[ConsultationIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> RecordedConsultation:
    command = RecordConsultation(
        question=data.question,
        region=data.region,
        channel=Channel(data.channel),
        service=data.service,
        asker_name=data.asker_name,
    )
    result = record_consultation(services.deps, request.user, command)
    told = None if result.notice is None else notice(result.notice, render_text(result.notice))
    return RecordedConsultation(consultation=consultation_out(result.consultation), notice=told)


@post(
    "/consultations/{consultation_id:str}/transfer",
    status_code=200,
    sync_to_thread=True,
    summary="转交咨询至工作人员或单位（首问人员保留在记录中）",
    responses=responses(401, 403, 404, 409),
)
def transfer(
    consultation_id: ConsultationPath,
    data: JSONBody[TransferIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ConsultationOut:
    command = TransferConsultation(
        consultation_id, data.to_officer, data.reason, to_unit=data.to_unit
    )
    return consultation_out(transfer_consultation(services.deps, request.user, command))


@post(
    "/consultations/{consultation_id:str}/answer",
    status_code=200,
    sync_to_thread=True,
    summary="答复咨询并办结",
    responses=responses(401, 403, 404, 409),
)
def answer(
    consultation_id: ConsultationPath,
    data: JSONBody[AnswerIn],
    request: AuthRequest,
    services: Services,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ConsultationOut:
    command = AnswerConsultation(consultation_id, data.answer)
    return consultation_out(answer_consultation(services.deps, request.user, command))


def router() -> Router:
    return Router(path="/api/v1", route_handlers=[record, transfer, answer], tags=["咨询"])
