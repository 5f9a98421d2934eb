"""The commands the use cases take: what a caller may say, and nothing it may not (R4).

No command carries a time: every time comes from the clock port. Resident ID numbers
arrive as text and are parsed (and refused, naming the field) by the use case.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from attrs import field, frozen

from domain.complaints import ComplaintKind, Satisfaction
from domain.outcomes import DecisionKind
from domain.particulars import Particulars
from domain.services import Channel, Service
from domain.spot_checks import Verdict


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
    extend_by: int = 0  # extend: the working days added to the time limit (R13)


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
    to_unit: str = ""  # the receiving unit's code (`370102/human_resources`), if any


@frozen
class AnswerConsultation:
    consultation_id: str
    answer: str


@frozen
class TransferRecord:
    """A hand-over of a consultation, complaint or report (R10): to an officer, a unit
    (`370102/human_resources`) or both, with the reason."""

    record_id: str
    reason: str
    to_officer: str = ""
    to_unit: str = ""


@frozen
class RecordComplaint:
    """投诉 or 举报, received by any channel (R10, R15); it may name a case and a staff member."""

    kind: ComplaintKind
    summary: str
    region: str
    channel: Channel = Channel.WINDOW
    complainant: str = ""
    case_id: str | None = None
    service: Service | None = None  # when it names no case; a named case gives its own
    staff_id: str | None = None
    note: str = ""


@frozen
class ApplyComplaintEvent:
    """A step on a complaint or report: verify, rectify, answer or close (R15)."""

    complaint_id: str
    event: str
    text: str = ""
    substantiated: bool | None = None  # verify
    satisfaction: Satisfaction | None = None  # close: the complainant's response
    note: str = ""
    expected_version: int | None = None


@frozen
class RequestReview:
    """Ask for the closed case a complaint names to be reviewed (R15)."""

    complaint_id: str
    reason: str
    note: str = ""


@frozen
class DrawSpotCheck:
    """Draw a sample of decided cases for a spot check (R15); the seed is drawn for it."""

    within: str
    decided_from: date
    decided_to: date
    size: int
    service: Service | None = None
    outcome: DecisionKind | None = None


@frozen
class RecordSpotFinding:
    check_id: str
    case_id: str
    verdict: Verdict
    text: str
    staff_id: str | None = None


@frozen
class RecordTrainingSession:
    """A training session held (R14); `held_on` is a past day, the recording time is now."""

    title: str
    region: str
    held_on: date
    hours: int


@frozen
class RecordAttendance:
    session_id: str
    staff_id: str
    name: str
