"""Consultations (咨询) and first-inquiry responsibility (首问负责制, R10).

Whoever first receives a person, for an application or a question, stays recorded as
the first responder; a hand-over to another officer or unit is a recorded transfer, and
responsibility is never lost.
"""

from __future__ import annotations

from datetime import datetime

from attrs import Factory, define, frozen

from domain.actors import Actor
from domain.cases import Transfer
from domain.errors import InvalidValue
from domain.regions import RegionCode
from domain.services import Channel, Service


@frozen
class Answer:
    at: datetime
    officer: str
    text: str


@define
class Consultation:
    """A question asked at a window, by phone or online, and what became of it."""

    id: str
    channel: Channel
    question: str
    received_at: datetime
    first_responder: str  # R10: stays on the record until it is closed
    responsible: str
    region: RegionCode
    service: Service | None = None
    asker_name: str = ""
    version: int = 0
    transfers: list[Transfer] = Factory(list)
    answer: Answer | None = None

    @property
    def is_open(self) -> bool:
        return self.answer is None

    def transfer(self, *, to_officer: str, reason: str, actor: Actor, at: datetime) -> None:
        """Hand the consultation over (R10): the receiver and the reason are required."""
        self._ensure_open()
        if not to_officer.strip() or to_officer == self.responsible:
            raise InvalidValue("to_officer", "须写明另一名接收人员或单位", rule="R10")
        if not reason.strip():
            raise InvalidValue("reason", "转交须写明理由", rule="R10")
        self.transfers.append(Transfer(at, self.responsible, to_officer, reason))
        self.responsible = to_officer

    def answer_with(self, text: str, *, actor: Actor, at: datetime) -> None:
        """Record the answer given (解答); the consultation is then closed."""
        self._ensure_open()
        if not text.strip():
            raise InvalidValue("answer", "答复内容不能为空", rule="R10")
        self.answer = Answer(at, actor.id, text)

    def _ensure_open(self) -> None:
        if not self.is_open:
            raise InvalidValue("consultation", "该咨询已答复办结", rule="R10", code="closed")
