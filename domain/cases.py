"""The case aggregate: one application for one service, and the record of everything done.

A case holds its lifecycle state as plain data, so that a case loaded from storage binds
its stored state; the state machine of its type (`domain.lifecycle`) is built only when an
event is applied. Every accepted transition appends a `CaseEvent`; a refused one changes
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from attrs import Attribute, Factory, define, field, frozen

from domain.benefits import BenefitDecision, SubsidyAmount
from domain.errors import InvalidValue
from domain.facts import CapabilityAssessment, HouseholdCheckReport
from domain.identity import ResidentId
from domain.money import Money
from domain.particulars import Particulars
from domain.regions import RegionCode
from domain.services import Channel, Outcome, Service
from domain.units import Unit

RECEIVED = "received"
VERIFIED = "verified"
APPROVED = "approved"
BENEFIT_GRANTED = "benefit_granted"
CLOSED = "closed"
LIFECYCLE = (RECEIVED, VERIFIED, APPROVED, BENEFIT_GRANTED, CLOSED)
# What a regulation adds to the shared lifecycle: dibao and tekun are publicly noticed
# between verification and confirmation; emergency temporary assistance helps first.
IN_PUBLIC_NOTICE = "in_public_notice"
HELPED_FIRST = "helped_first"
OPEN_STATES = frozenset(
    {RECEIVED, VERIFIED, IN_PUBLIC_NOTICE, HELPED_FIRST, APPROVED, BENEFIT_GRANTED}
)

STATE_LABELS = {
    RECEIVED: "已受理",
    HELPED_FIRST: "已先行救助",
    VERIFIED: "已审核",
    IN_PUBLIC_NOTICE: "公示中",
    APPROVED: "已确认",
    BENEFIT_GRANTED: "待遇已发放",
    CLOSED: "已办结",
}


def _nonblank(_instance: object, attribute: Attribute[str], value: str) -> None:
    if not value.strip():
        raise InvalidValue(attribute.name, "不能为空", code="required")


@frozen
class Applicant:
    """The person a case is for; the ID number is masked whenever it is printed."""

    resident_id: ResidentId
    name: str = field(validator=_nonblank)


@frozen
class CaseEvent:
    """A transition that happened: who, when, from, to, under which rule and why."""

    case_id: str
    seq: int
    event: str
    actor_id: str
    actor_roles: tuple[str, ...]
    at: datetime
    from_state: str
    to_state: str
    rule: str
    reason: str
    note: str = ""
    facts: Mapping[str, str] = Factory(dict)


@frozen
class Closure:
    """How a case ended: always an outcome, a reason code and the rule behind it."""

    outcome: Outcome
    reason: str
    rule: str
    at: datetime


@frozen
class MaterialRequest:
    """A notice listing every missing material at once (R11); it stops the clock (R13)."""

    requested_at: datetime
    missing: tuple[str, ...]
    satisfied_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.satisfied_at is None


@frozen
class Transfer:
    """A hand-over of responsibility (R10): the first receiver stays on record.

    It names the receiving officer, the receiving unit, or both; `to_officer` is empty
    when a unit as a whole takes the record over. The units are set where the record
    keeps its unit (consultations, complaints and reports), not on cases.
    """

    at: datetime
    from_officer: str
    to_officer: str
    reason: str
    from_unit: Unit | None = None
    to_unit: Unit | None = None


@frozen
class Extension:
    """An extension of a case's time limit (延期, R13), with its reason and approver."""

    at: datetime
    working_days: int
    reason: str
    approved_by: str
    note: str = ""


@frozen
class Dispute:
    """An applicant's dispute of the check report with evidence (R12)."""

    at: datetime
    evidence: tuple[str, ...]
    note: str = ""


@frozen
class Hold:
    """A case that must wait: neither verified nor decided until released.

    R6: a dibao application waits for the history check; R9: a recognition of
    employment difficulty waits for the dibao decision.
    """

    rule: str
    reason: str


@frozen
class PublicNotice:
    """A public notice (公示) of the township's opinion, with its own clock (R1).

    It runs from the day after `started_at` to `ends_on`, both counted; an objection
    during it sends the case back to investigation, and a new notice follows.
    """

    started_at: datetime
    ends_on: date
    objected_at: datetime | None = None
    objection: str = ""

    @property
    def objected(self) -> bool:
        return self.objected_at is not None


@frozen
class EmergencyHelp:
    """Help given first (先行救助) on an emergency temporary-assistance case (R1)."""

    at: datetime
    amount: Money
    by: str
    within_limit: bool  # given within the service guide's hours of receipt


@define
class Case:
    """One application for one service; mutable only through `domain.lifecycle.apply`."""

    id: str
    service: Service
    applicant: Applicant
    region: RegionCode
    channel: Channel
    received_at: datetime
    received_by: str  # R10: whoever first received it stays recorded
    responsible: str  # who holds it now (changes only by a recorded transfer)
    scenario_id: str | None = None  # the joint scenario that opened it, if any
    state: str = RECEIVED
    version: int = 0
    materials: frozenset[str] = frozenset()
    check_report: HouseholdCheckReport | None = None
    check_recorded_at: datetime | None = None
    assessment: CapabilityAssessment | None = None
    hold: Hold | None = None
    closure: Closure | None = None
    material_requests: list[MaterialRequest] = Factory(list)
    transfers: list[Transfer] = Factory(list)
    disputes: list[Dispute] = Factory(list)
    events: list[CaseEvent] = Factory(list)
    joined_scenarios: list[str] = Factory(list)  # later scenarios that wait on this case
    particulars: Particulars | None = None  # what the service's own procedure needs
    declared_change: str = ""  # a change of circumstances declared at intake (6-month rule)
    public_notices: list[PublicNotice] = Factory(list)
    emergency_help: EmergencyHelp | None = None
    benefit: BenefitDecision | SubsidyAmount | None = None  # computed at confirmation
    category: str = ""  # the employment-difficulty category a recognition was made under
    extensions: list[Extension] = Factory(list)  # R13: each approved extension of the limit
    review_of: str | None = None  # R15: the closed case this one reviews after a complaint
    reviews: list[str] = Factory(list)  # R15: review cases opened for this (closed) case

    @property
    def extended_working_days(self) -> int:
        """Working days added to the time limit by approved extensions."""
        return sum(e.working_days for e in self.extensions)

    @property
    def public_notice(self) -> PublicNotice | None:
        """The latest public notice, if there was one."""
        return self.public_notices[-1] if self.public_notices else None

    @property
    def scenario_ids(self) -> list[str]:
        """Every scenario this case reports its decisions to, the opener first."""
        opener = [self.scenario_id] if self.scenario_id else []
        return opener + [s for s in self.joined_scenarios if s != self.scenario_id]

    @property
    def is_open(self) -> bool:
        return self.state != CLOSED

    @property
    def open_material_request(self) -> MaterialRequest | None:
        return next((r for r in self.material_requests if r.is_open), None)

    @property
    def last_event_at(self) -> datetime:
        return self.events[-1].at if self.events else self.received_at

    def __repr__(self) -> str:
        return f"Case({self.id!r}, {self.service.value}, {self.state}, v{self.version})"
