"""The commands the use cases take: what a caller may say, and nothing it may not (R4).

No command carries a time: every time comes from the clock port. Resident ID numbers
arrive as text and are parsed (and refused, naming the field) by the use case.
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen

from domain.particulars import Particulars
from domain.services import Channel, Service


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _codes(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


@frozen
class SubmitApplication:
    """申请: an application for any service; dibao starts the joint scenario (R6)."""

    service: Service
    resident_id: str
    name: str
    region: str
    channel: Channel = Channel.WINDOW
    materials: frozenset[str] = field(default=frozenset(), converter=_codes)
    note: str = ""
    particulars: Particulars | None = None  # what the service's own procedure needs
    declared_change: str = ""  # a change of circumstances after an earlier refusal


@frozen
class ApplyCaseEvent:
    """A lifecycle step on a case (verify, approve, grant, close, reject, ...)."""

    case_id: str
    event: str
    reason: str = ""
    note: str = ""
    rule: str = ""
    materials: frozenset[str] = field(default=frozenset(), converter=_codes)
    evidence: tuple[str, ...] = field(default=(), converter=_texts)
    to_officer: str = ""
    assessment_level: int | None = None
    assessment_standard: str = "MZ/T 039-2013"  # or "GB/T 42195-2022"
    assessors: tuple[str, ...] = field(default=(), converter=_texts)
    expected_version: int | None = None  # optimistic concurrency from a client (P5)
    particulars: Particulars | None = None  # found on this step (household, self-care ...)


@frozen
class RecordConsultation:
    """咨询: a question received at a window, by phone or online (R10, R11)."""

    question: str
    region: str
    channel: Channel = Channel.WINDOW
    service: Service | None = None
    asker_name: str = ""


@frozen
class TransferConsultation:
    consultation_id: str
    to_officer: str
    reason: str


@frozen
class AnswerConsultation:
    consultation_id: str
    answer: str
