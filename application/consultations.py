"""Consultations (咨询): recorded with their first responder (R10) and answered at once (R11)."""

from __future__ import annotations

from attrs import frozen

from application.access import UseCase, authorise
from application.commands import AnswerConsultation, RecordConsultation, TransferConsultation
from application.dependencies import Dependencies
from domain.actors import Actor
from domain.inquiries import Consultation
from domain.notices import OneTimeNotice, notice_for_consultation
from domain.regions import RegionCode
from domain.units import Unit, unit_of


@frozen
class ConsultationResult:
    consultation: Consultation
    notice: OneTimeNotice | None  # the one-time notice when the question names a service


def record_consultation(
    deps: Dependencies, actor: Actor, command: RecordConsultation
) -> ConsultationResult:
    """Record who first received the question, and the notice to give in one go."""
    now = deps.clock.now()
    region = RegionCode(command.region)
    subject = ("consultation", "new")
    authorise(deps, actor, UseCase.RECORD_CONSULTATION, subject=subject, region=region)
    consultation = Consultation(
        id=deps.ids.new_id("consultation"),
        channel=command.channel,
        question=command.question,
        received_at=now,
        first_responder=actor.id,
        responsible=actor.id,
        region=region,
        service=command.service,
        asker_name=command.asker_name,
        unit=unit_of(actor),
    )
    with deps.uow() as uow:
        uow.consultations.add(consultation)
        uow.commit()
    notice = None
    if command.service is not None:
        notice = notice_for_consultation(deps.policy.guide(command.service))
    return ConsultationResult(consultation, notice)


def transfer_consultation(
    deps: Dependencies, actor: Actor, command: TransferConsultation
) -> Consultation:
    """Hand a consultation over; the first responder stays on record (R10)."""
    now = deps.clock.now()
    with deps.uow() as uow:
        consultation = uow.consultations.get(command.consultation_id)
        _authorise(deps, actor, consultation, UseCase.TRANSFER_CONSULTATION)
        consultation.transfer(
            to_officer=command.to_officer,
            reason=command.reason,
            actor=actor,
            at=now,
            to_unit=Unit.parse(command.to_unit) if command.to_unit.strip() else None,
        )
        uow.consultations.save(consultation)
        uow.commit()
    return consultation


def answer_consultation(
    deps: Dependencies, actor: Actor, command: AnswerConsultation
) -> Consultation:
    now = deps.clock.now()
    with deps.uow() as uow:
        consultation = uow.consultations.get(command.consultation_id)
        _authorise(deps, actor, consultation, UseCase.HANDLE_CONSULTATION)
        consultation.answer_with(command.answer, actor=actor, at=now)
        uow.consultations.save(consultation)
        uow.commit()
    return consultation


def _authorise(
    deps: Dependencies, actor: Actor, consultation: Consultation, use_case: UseCase
) -> None:
    authorise(
        deps,
        actor,
        use_case,
        subject=("consultation", consultation.id),
        region=consultation.region,
    )
