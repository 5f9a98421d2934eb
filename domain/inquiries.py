"""Consultations (咨询) and first-inquiry responsibility (首问负责制, R10).

Whoever first receives a person, for an application or a question, stays recorded as
the first responder; a hand-over to another officer or unit is a recorded transfer, and
responsibility is never lost (`domain.supervision.hand_over`).
"""

from __future__ import annotations

from datetime import datetime

from attrs import Factory, define, frozen

from domain.actors import Actor
from domain.cases import Transfer
from domain.errors import InvalidValue
from domain.regions import RegionCode
from domain.services import Channel, Service
from domain.supervision import hand_over
from domain.units import Unit


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
    unit: Unit | None = None  # the unit holding it now; None on records from before units

    @property
    def is_open(self) -> bool:
        return self.answer is None

    def transfer(
        self,
        *,
        to_officer: str,
        reason: str,
        actor: Actor,
        at: datetime,
        to_unit: Unit | None = None,
    ) -> Transfer:
        """Hand the consultation over (R10): a receiver (officer or unit) and a reason."""
        self._ensure_open()
        return hand_over(self, to_officer=to_officer, to_unit=to_unit, reason=reason, at=at)

    def answer_with(self, text: str, *, actor: Actor, at: datetime) -> None:
        """Record the answer given (解答); the consultation is then closed."""
        self._ensure_open()
        if not text.strip():
            raise InvalidValue("answer", "答复内容不能为空", rule="R10")
        self.answer = Answer(at, actor.id, text)

    def _ensure_open(self) -> None:
        if not self.is_open:
            raise InvalidValue("consultation", "该咨询已答复办结", rule="R10", code="closed")
