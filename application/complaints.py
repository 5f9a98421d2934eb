"""Complaints and reports (R15) with first-inquiry responsibility (R10): recorded by
whoever receives them, handled through their own state machine, and a review of the
closed case a complaint names; the supervisor's list of records bounced between units.
"""

from __future__ import annotations

from datetime import datetime

from attrs import evolve, frozen

from application.access import RULE as ACCESS_RULE
from application.access import UseCase, authorise, authorise_region
from application.audit import record_refusal
from application.commands import (
    ApplyComplaintEvent,
    RecordComplaint,
    RequestReview,
    TransferRecord,
)
from application.dependencies import Dependencies
from domain import complaints as machine
from domain import lifecycle
from domain.actors import Actor, system_actor
from domain.cases import Case
from domain.complaints import Complaint, ComplaintStep
from domain.deadlines import Deadline
from domain.errors import InvalidValue, RuleRefused
from domain.inquiries import Consultation
from domain.lifecycle import CaseRules, Step
from domain.regions import RegionCode
from domain.services import Channel
from domain.supervision import Bounce, RecordEvent, bounce_of
from domain.units import Unit, unit_of
from ports.errors import ConcurrencyConflict
from ports.storage import RecordQuery

REVIEW_REASON = "review_after_complaint"


@frozen
class ComplaintView:
    """A complaint as its handler reads it: what is due and what may be done now."""

    complaint: Complaint
    deadline: Deadline | None  # from receipt to the answer; None once answered
    allowed_events: tuple[str, ...]


@frozen
class ComplaintResult:
    complaint: Complaint
    event: RecordEvent


@frozen
class ReviewResult:
    """The complaint's recorded request and the review case it opened (R15)."""

    complaint: Complaint
    event: RecordEvent
    review_case: Case


@frozen
class BouncedRecord:
    """A consultation, complaint or report that went back and forth between units (R10)."""

    kind: str  # "consultation", "complaint" or "report"
    record_id: str
    region: RegionCode
    received_at: datetime
    first_responder: str  # R10: shown on the record until it is closed
    responsible: str
    unit: Unit | None
    is_open: bool
    bounce: Bounce


def record_complaint(deps: Dependencies, actor: Actor, command: RecordComplaint) -> Complaint:
    """Record a complaint or report as received now by `actor`, its first responder."""
    authorise(deps, actor, UseCase.RECORD_COMPLAINT, subject=("complaint", "new complaint"))
    region = RegionCode(command.region)
    authorise_region(
        deps, actor, UseCase.RECORD_COMPLAINT, region, subject=("complaint", "new complaint")
    )
    now = deps.clock.now()
    rules = deps.policy.supervision
    with deps.uow() as uow:
        service = command.service
        if command.case_id is not None:
            named = uow.cases.get(command.case_id)
            if not named.region.is_within(region):
                raise InvalidValue(
                    "case_id", "所涉案件不在登记地区内，请按案件所在地区登记", rule="R15"
                )
            service = named.service
        complaint = machine.receive_complaint(
            complaint_id=deps.ids.new_id(command.kind.value),
            kind=command.kind,
            channel=command.channel,
            summary=command.summary,
            region=region,
            step=ComplaintStep(actor, now, note=command.note),
            rules=rules,
            unit=unit_of(actor),
            complainant=command.complainant,
            case_id=command.case_id,
            service=service,
            staff_id=command.staff_id,
        )
        uow.complaints.add(complaint)
        uow.commit()
    return complaint


def apply_complaint_event(
    deps: Dependencies, actor: Actor, command: ApplyComplaintEvent
) -> ComplaintResult:
    """Verify, rectify, answer or close a complaint, as `actor`, now (R15)."""
    now = deps.clock.now()
    step = ComplaintStep(
        actor,
        now,
        text=command.text,
        substantiated=command.substantiated,
        satisfaction=command.satisfaction,
        note=command.note,
    )
    with deps.uow() as uow:
        complaint = uow.complaints.get(command.complaint_id)
        authorise_region(
            deps,
            actor,
            UseCase.RECORD_COMPLAINT,
            complaint.region,
            subject=("complaint", complaint.id),
        )
        expected = command.expected_version
        if expected is not None and expected != complaint.version:
            raise ConcurrencyConflict("complaint", complaint.id, expected)
        recorded = _apply(deps, complaint, command.event, step)
        uow.complaints.save(complaint)
        uow.commit()
    return ComplaintResult(complaint, recorded)


def transfer_complaint(deps: Dependencies, actor: Actor, command: TransferRecord) -> Complaint:
    """Hand a complaint over to an officer or a unit, with the reason (R10)."""
    to_unit = Unit.parse(command.to_unit) if command.to_unit.strip() else None
    step = ComplaintStep(
        actor,
        deps.clock.now(),
        to_officer=command.to_officer,
        to_unit=to_unit,
        reason=command.reason,
    )
    with deps.uow() as uow:
        complaint = uow.complaints.get(command.record_id)
        authorise_region(
            deps,
            actor,
            UseCase.RECORD_COMPLAINT,
            complaint.region,
            subject=("complaint", complaint.id),
        )
        _apply(deps, complaint, "transfer", step)
        uow.complaints.save(complaint)
        uow.commit()
    return complaint


def request_review(deps: Dependencies, actor: Actor, command: RequestReview) -> ReviewResult:
    """R15: a complaint about a closed case opens a review of it.

    A closed case is final and stays closed; the review is a new case of its service for
    its applicant (`review_of` names the closed case, which lists the review in
    `reviews`), received by the system on the supervisor's request and held by the
    officer who held the closed case. The complaint's `request_review` event and the
    review's receipt both name the other. The joint scenario is not restarted. A second
    open case of the person and service is refused as any would be (P3).
    """
    now = deps.clock.now()
    with deps.uow() as uow:
        complaint = uow.complaints.get(command.complaint_id)
        authorise_region(
            deps,
            actor,
            UseCase.RECORD_COMPLAINT,
            complaint.region,
            subject=("complaint", complaint.id),
        )
        reviewed = None
        if complaint.case_id is not None:
            reviewed = uow.cases.get(complaint.case_id)
            if reviewed.is_open:
                raise InvalidValue(
                    "case_id",
                    "所涉案件尚未办结，请在原案件中继续办理",
                    rule="R15",
                    code="case_still_open",
                )
        review_id = deps.ids.new_id("case") if reviewed is not None else ""
        step = ComplaintStep(
            actor, now, reason=command.reason, note=command.note, review_case_id=review_id
        )
        recorded = _apply(deps, complaint, "request_review", step)
        assert reviewed is not None  # the machine refuses a complaint naming no case
        review = _open_review(deps, reviewed, review_id, complaint, actor, now)
        reviewed.reviews.append(review.id)
        uow.cases.save(reviewed)
        uow.cases.add(review)
        uow.complaints.save(complaint)
        uow.commit()
    return ReviewResult(complaint, recorded, review)


def _apply(
    deps: Dependencies, complaint: Complaint, event: str, step: ComplaintStep
) -> RecordEvent:
    """The machine's step; a refusal of the actor's role or jurisdiction (P10) is recorded
    in the history before it reaches the caller, as every access refusal is."""
    try:
        return machine.apply(complaint, event, step, deps.policy.supervision)
    except RuleRefused as refused:
        if refused.rule == ACCESS_RULE:
            record_refusal(
                deps,
                step.actor.id,
                "access_refused",
                subject=("complaint", complaint.id),
                reason=refused.code,
                rule=ACCESS_RULE,
                details={
                    "use_case": f"complaint_{event}",
                    "roles": ",".join(sorted(step.actor.roles)),
                    "jurisdiction": step.actor.region.code,
                    "event": event,
                },
            )
        raise


def _open_review(
    deps: Dependencies,
    reviewed: Case,
    review_id: str,
    complaint: Complaint,
    actor: Actor,
    now: datetime,
) -> Case:
    rules = CaseRules.for_case(deps.policy, reviewed.service, reviewed.region)
    step = Step(
        system_actor(reviewed.region),
        now,
        reason=REVIEW_REASON,
        rule="R15",
        note=f"经{actor.id}就投诉举报{complaint.id}提请复查原案件{reviewed.id}",
        materials=reviewed.materials,
    )
    return lifecycle.open_case(
        case_id=review_id,
        service=reviewed.service,
        applicant=reviewed.applicant,
        region=reviewed.region,
        channel=Channel.SYSTEM,
        step=step,
        rules=rules,
        particulars=reviewed.particulars,
        review_of=reviewed.id,
        responsible=reviewed.responsible,
    )


def get_complaint(deps: Dependencies, actor: Actor, complaint_id: str) -> ComplaintView:
    """A complaint with its deadline, for a supervisor or whoever holds or first took it."""
    with deps.uow() as uow:
        complaint = uow.complaints.get(complaint_id)
    _ensure_may_read(deps, actor, complaint)
    return complaint_view(deps, complaint)


def list_complaints(deps: Dependencies, actor: Actor, query: RecordQuery) -> list[ComplaintView]:
    """Complaints and reports in the actor's jurisdiction matching the query (R15)."""
    authorise(deps, actor, UseCase.READ_COMPLAINTS, subject=("complaint", "complaints"))
    within = query.within or actor.region
    authorise_region(
        deps, actor, UseCase.READ_COMPLAINTS, within, subject=("complaint", f"region {within}")
    )
    with deps.uow() as uow:
        found = uow.complaints.find(evolve(query, within=within))
    return [complaint_view(deps, c) for c in found]


def bounced_records(
    deps: Dependencies, actor: Actor, *, within: RegionCode | None = None
) -> list[BouncedRecord]:
    """R10: consultations, complaints and reports bounced between units (the policy's
    `BounceRule`), open or closed, oldest first; each shows its first responder."""
    authorise(deps, actor, UseCase.READ_BOUNCED, subject=("complaint", "bounced records"))
    region = within or actor.region
    authorise_region(
        deps, actor, UseCase.READ_BOUNCED, region, subject=("complaint", f"region {region}")
    )
    query = RecordQuery(within=region, moved_between_units=True, limit=1_000_000)
    with deps.uow() as uow:
        records: list[Consultation | Complaint] = [
            *uow.consultations.find(query),
            *uow.complaints.find(query),
        ]
    rule = deps.policy.supervision.bounce
    found = []
    for record in records:
        bounce = bounce_of(record, rule)
        if bounce is not None:
            found.append(_bounced(record, bounce))
    return sorted(found, key=lambda b: (b.received_at, b.record_id))


def complaint_view(deps: Dependencies, complaint: Complaint) -> ComplaintView:
    """A complaint as its handler reads it now: its deadline and the events allowed."""
    return ComplaintView(
        complaint, complaint_deadline_now(deps, complaint), machine.allowed_events(complaint)
    )


def complaint_deadline_now(deps: Dependencies, complaint: Complaint) -> Deadline | None:
    rules = deps.policy.supervision
    calendar = deps.calendar.with_days_off(deps.policy.region(complaint.region).days_off)
    today = deps.clock.now().astimezone(complaint.received_at.tzinfo).date()
    return machine.complaint_deadline(
        complaint,
        machine.time_limit_of(complaint, rules),
        calendar,
        today=today,
        due_soon_days=deps.policy.parameters.due_soon_working_days,
    )


def _bounced(record: Consultation | Complaint, bounce: Bounce) -> BouncedRecord:
    kind = record.kind.value if isinstance(record, Complaint) else "consultation"
    return BouncedRecord(
        kind=kind,
        record_id=record.id,
        region=record.region,
        received_at=record.received_at,
        first_responder=record.first_responder,
        responsible=record.responsible,
        unit=record.unit,
        is_open=record.is_open,
        bounce=bounce,
    )


def _ensure_may_read(deps: Dependencies, actor: Actor, complaint: Complaint) -> None:
    """Its first responder and its holder read it wherever it went (R10); others need a
    reading role and the jurisdiction (a refusal is recorded)."""
    if actor.id in (complaint.first_responder, complaint.responsible):
        return
    subject = ("complaint", complaint.id)
    authorise(deps, actor, UseCase.READ_COMPLAINTS, subject=subject, region=complaint.region)
