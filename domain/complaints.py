"""Complaints (投诉) and reports (举报): their own state machine on the shared lifecycle (R15).

    received -> verified -> rectified -> answered -> closed
                        \\________________/

A complaint is received (受理) by whoever first takes it, by any channel, and that first
responder stays on it until it is closed (R10). The supervisor verifies it (核实: is it
substantiated?), follows the rectification where it is (整改), answers the complainant
(反馈) and closes it with the complainant's response to the answer. A complaint found
not substantiated is answered without rectification. Transfers between officers and
units are recorded as on consultations (`domain.supervision.hand_over`).

A complaint about a closed case may ask for that case to be reviewed (`request_review`):
a closed case is final and is never reopened, so the review is a new case of the same
service for the same applicant, linked both ways (`Case.review_of`, `Case.reviews`),
which the application opens in the same transaction; the complaint's history names it.

Strict like the case types: a refused step raises `RuleRefused` naming the rule, an
event the state does not allow raises `IllegalTransition`, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum

from attrs import Factory, define, frozen
from statemachine import Event, State, StateChart
from statemachine.exceptions import TransitionNotAllowed

from domain.actors import Actor
from domain.calendar import WorkingCalendar
from domain.cases import Transfer
from domain.deadlines import Deadline, DeadlineStatus
from domain.errors import IllegalTransition, InvalidValue, RuleRefused
from domain.policy import SupervisionParameters, TimeLimit
from domain.regions import RegionCode
from domain.services import Channel, Service
from domain.supervision import RecordEvent, actor_roles, check_hand_over, hand_over
from domain.units import Unit

RECEIVED = "received"
VERIFIED = "verified"
RECTIFIED = "rectified"
ANSWERED = "answered"
CLOSED = "closed"

STATE_LABELS: Mapping[str, str] = {
    RECEIVED: "已受理",
    VERIFIED: "已核实",
    RECTIFIED: "已整改",
    ANSWERED: "已反馈",
    CLOSED: "已办结",
}

EVENT_LABELS: Mapping[str, str] = {
    "receive": "受理登记",
    "verify": "调查核实",
    "rectify": "整改完成",
    "answer": "答复反馈",
    "close": "办结",
    "transfer": "转交",
    "request_review": "提请复查原案件",
}

RULES: Mapping[str, str] = {
    "receive": "R10",
    "verify": "R15",
    "rectify": "R15",
    "answer": "R15",
    "close": "R15",
    "transfer": "R10",
    "request_review": "R15",
}


class ComplaintKind(StrEnum):
    COMPLAINT = "complaint"  # 投诉: a person's own grievance about service or a decision
    REPORT = "report"  # 举报: information about wrongdoing (may be anonymous)

    @property
    def label(self) -> str:
        return "投诉" if self is ComplaintKind.COMPLAINT else "举报"


class Satisfaction(StrEnum):
    """The complainant's response to the answer (回访评价)."""

    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"
    UNREACHABLE = "unreachable"  # could not be reached, or anonymous

    @property
    def label(self) -> str:
        return {"satisfied": "满意", "dissatisfied": "不满意", "unreachable": "无法联系"}[
            self.value
        ]


@frozen
class Verification:
    """What the verification found (核实情况)."""

    at: datetime
    by: str
    substantiated: bool
    text: str


@frozen
class Rectification:
    """What was done to put it right (整改情况)."""

    at: datetime
    by: str
    text: str


@frozen
class ComplaintAnswer:
    """The answer given to the complainant (答复), and their response to it when closed."""

    at: datetime
    by: str
    text: str


@frozen
class ComplainantResponse:
    at: datetime
    recorded_by: str
    satisfaction: Satisfaction
    text: str = ""


@define
class Complaint:
    """One complaint or report, from receipt to closure; mutable only through `apply`."""

    id: str
    kind: ComplaintKind
    channel: Channel
    summary: str
    received_at: datetime
    region: RegionCode  # the jurisdiction holding it now (moves with a transfer to a unit)
    first_responder: str  # R10: stays on the record until it is closed
    responsible: str  # who holds it now ("" while a unit as a whole holds it)
    unit: Unit | None
    complainant: str = ""  # the name given; a report may be anonymous
    case_id: str | None = None  # the case it is about, where it names one
    service: Service | None = None  # the service it is about (the case's, where linked)
    staff_id: str | None = None  # the staff member it names, where it names one
    state: str = RECEIVED
    version: int = 0
    transfers: list[Transfer] = Factory(list)
    verification: Verification | None = None
    rectification: Rectification | None = None
    answer: ComplaintAnswer | None = None
    response: ComplainantResponse | None = None
    review_cases: list[str] = Factory(list)  # review cases opened on its request
    events: list[RecordEvent] = Factory(list)
    received_in: RegionCode | None = None  # the region it was received for (never moves)

    @property
    def origin(self) -> RegionCode:
        """The region it was received for, where statistics count it."""
        return self.received_in or self.region

    @property
    def is_open(self) -> bool:
        return self.state != CLOSED

    @property
    def last_event_at(self) -> datetime:
        return self.events[-1].at if self.events else self.received_at

    def __repr__(self) -> str:
        return f"Complaint({self.id!r}, {self.kind.value}, {self.state}, v{self.version})"


@frozen
class ComplaintStep:
    """What an actor brings to one complaint event; `at` comes from the clock port."""

    actor: Actor
    at: datetime
    text: str = ""  # the finding, the rectification, the answer or the response
    substantiated: bool | None = None  # verify
    satisfaction: Satisfaction | None = None  # close
    to_officer: str = ""  # transfer
    to_unit: Unit | None = None  # transfer
    reason: str = ""  # transfer, request_review
    review_case_id: str = ""  # request_review: the new case opened for the review
    note: str = ""


_BASE = ("role_allowed", "chronological")


class ComplaintMachine(StateChart[Complaint]):
    """投诉举报办理流程 (R15)."""

    catch_errors_as_events = False
    allow_event_without_transition = False

    received = State(STATE_LABELS[RECEIVED], value=RECEIVED, initial=True)
    verified = State(STATE_LABELS[VERIFIED], value=VERIFIED)
    rectified = State(STATE_LABELS[RECTIFIED], value=RECTIFIED)
    answered = State(STATE_LABELS[ANSWERED], value=ANSWERED)
    closed = State(STATE_LABELS[CLOSED], value=CLOSED, final=True)

    verify = Event(
        received.to(verified, validators=[*_BASE, "text_given", "finding_given"]),
        name=EVENT_LABELS["verify"],
    )
    rectify = Event(
        verified.to(rectified, validators=[*_BASE, "substantiated", "text_given"]),
        name=EVENT_LABELS["rectify"],
    )
    answer = Event(
        verified.to(answered, validators=[*_BASE, "nothing_to_rectify", "text_given"])
        | rectified.to(answered, validators=[*_BASE, "text_given"]),
        name=EVENT_LABELS["answer"],
    )
    close = Event(
        answered.to(closed, validators=[*_BASE, "response_given"]),
        name=EVENT_LABELS["close"],
    )
    transfer = Event(
        received.to.itself(internal=True, validators=[*_BASE, "transfer_valid"])  # type: ignore[no-untyped-call]
        | verified.to.itself(internal=True, validators=[*_BASE, "transfer_valid"])  # type: ignore[no-untyped-call]
        | rectified.to.itself(internal=True, validators=[*_BASE, "transfer_valid"])  # type: ignore[no-untyped-call]
        | answered.to.itself(internal=True, validators=[*_BASE, "transfer_valid"]),  # type: ignore[no-untyped-call]
        name=EVENT_LABELS["transfer"],
    )
    request_review = Event(
        verified.to.itself(internal=True, validators=[*_BASE, "reviewable"])  # type: ignore[no-untyped-call]
        | rectified.to.itself(internal=True, validators=[*_BASE, "reviewable"]),  # type: ignore[no-untyped-call]
        name=EVENT_LABELS["request_review"],
    )

    _facts: dict[str, str]

    def __init__(self, complaint: Complaint) -> None:
        self._facts = {}
        super().__init__(model=complaint, state_field="state")

    # -- guards: validators that raise, so the caller learns the rule --

    def role_allowed(self, event: str, step: ComplaintStep, rules: SupervisionParameters) -> None:
        allowed = rules.roles_for(str(event))
        if not allowed & step.actor.roles:
            names = "、".join(sorted(r.label for r in allowed)) or "无"
            self._refuse(event, "role_not_allowed", "P10", f"此操作须由以下角色办理：{names}")
        if not self.model.region.is_within(step.actor.region):
            self._refuse(event, "outside_jurisdiction", "P10", "该投诉举报不在经办人员辖区内")

    def chronological(self, event: str, step: ComplaintStep) -> None:
        if step.at < self.model.last_event_at:
            self._refuse(event, "time_before_last_event", "R4", "禁止事后补录：时间早于上一环节")

    def text_given(self, event: str, step: ComplaintStep) -> None:
        if not step.text.strip():
            self._refuse(event, "text_required", "R15", f"须填写{_TEXT_NAMES[str(event)]}")

    def finding_given(self, event: str, step: ComplaintStep) -> None:
        if step.substantiated is None:
            self._refuse(event, "finding_required", "R15", "须写明投诉举报是否属实")

    def substantiated(self, event: str) -> None:
        found = self.model.verification
        if found is None or not found.substantiated:
            self._refuse(event, "not_substantiated", "R15", "经核实不属实的，无需整改，可直接答复")

    def nothing_to_rectify(self, event: str) -> None:
        found = self.model.verification
        if found is not None and found.substantiated:
            self._refuse(event, "rectification_pending", "R15", "经核实属实的，须整改完成后再答复")

    def response_given(self, event: str, step: ComplaintStep) -> None:
        if step.satisfaction is None:
            self._refuse(event, "response_required", "R15", "办结前须记录投诉举报人对答复的评价")

    def transfer_valid(self, event: str, step: ComplaintStep) -> None:
        try:
            check_hand_over(
                self.model, to_officer=step.to_officer, to_unit=step.to_unit, reason=step.reason
            )
        except InvalidValue as error:
            self._refuse(event, "transfer_invalid", "R10", error.message)

    def reviewable(self, event: str, step: ComplaintStep) -> None:
        if self.model.case_id is None:
            self._refuse(event, "no_case_named", "R15", "投诉未涉及具体案件，无法提请复查")
        if not step.review_case_id.strip() or not step.reason.strip():
            self._refuse(event, "review_invalid", "R15", "提请复查须写明理由")

    def _refuse(self, event: str, code: str, rule: str, message: str) -> None:
        raise RuleRefused(
            message,
            code=code,
            rule=rule,
            subject_id=self.model.id,
            event=str(event),
            state=self.model.state,
            allowed_events=allowed_events(self.model),
        )

    # -- effects: run only after every guard passed --

    def on_verify(self, step: ComplaintStep) -> None:
        assert step.substantiated is not None
        self.model.verification = Verification(
            step.at, step.actor.id, step.substantiated, step.text.strip()
        )
        self._facts["substantiated"] = "yes" if step.substantiated else "no"

    def on_rectify(self, step: ComplaintStep) -> None:
        self.model.rectification = Rectification(step.at, step.actor.id, step.text.strip())

    def on_answer(self, step: ComplaintStep) -> None:
        self.model.answer = ComplaintAnswer(step.at, step.actor.id, step.text.strip())

    def on_close(self, step: ComplaintStep) -> None:
        assert step.satisfaction is not None
        self.model.response = ComplainantResponse(
            step.at, step.actor.id, step.satisfaction, step.text.strip()
        )
        self._facts["satisfaction"] = step.satisfaction.value

    def on_transfer(self, step: ComplaintStep) -> None:
        moved = hand_over(
            self.model,
            to_officer=step.to_officer,
            to_unit=step.to_unit,
            reason=step.reason,
            at=step.at,
        )
        self._facts["to"] = moved.to_officer
        if moved.to_unit is not None:
            self._facts["to_unit"] = moved.to_unit.code

    def on_request_review(self, step: ComplaintStep) -> None:
        self.model.review_cases.append(step.review_case_id)
        self._facts["case"] = self.model.case_id or ""
        self._facts["review_case"] = step.review_case_id

    def after_transition(
        self, event: str, source: State, target: State, step: ComplaintStep
    ) -> None:
        complaint = self.model
        complaint.events.append(
            RecordEvent(
                record_id=complaint.id,
                seq=len(complaint.events) + 1,
                event=str(event),
                actor_id=step.actor.id,
                actor_roles=actor_roles(step.actor),
                at=step.at,
                from_state=str(source.value),
                to_state=str(target.value),
                rule=RULES[str(event)],
                reason=step.reason,
                note=step.note,
                facts=dict(self._facts),
            )
        )
        self._facts.clear()


_TEXT_NAMES = {
    "verify": "核实情况",
    "rectify": "整改情况",
    "answer": "答复内容",
}


def event_names() -> tuple[str, ...]:
    return tuple(str(e) for e in ComplaintMachine._events)


def allowed_events(complaint: Complaint) -> tuple[str, ...]:
    """The events the complaint's state allows (guards not evaluated)."""
    state = ComplaintMachine.states_map[complaint.state]
    return tuple(dict.fromkeys(str(e) for e in state.transitions.unique_events))


def receive_complaint(
    *,
    complaint_id: str,
    kind: ComplaintKind,
    channel: Channel,
    summary: str,
    region: RegionCode,
    step: ComplaintStep,
    rules: SupervisionParameters,
    unit: Unit | None = None,
    complainant: str = "",
    case_id: str | None = None,
    service: Service | None = None,
    staff_id: str | None = None,
) -> Complaint:
    """Record a complaint or report as received now by its first responder (R10, R15)."""
    if not summary.strip():
        raise InvalidValue("summary", "须记录投诉举报的主要内容", rule="R15")
    if kind is ComplaintKind.COMPLAINT and channel is Channel.SYSTEM:
        raise InvalidValue("channel", "投诉须由人员通过窗口、电话、网上或来信提出", rule="R15")
    complaint = Complaint(
        id=complaint_id,
        kind=kind,
        channel=channel,
        summary=summary.strip(),
        received_at=step.at,
        region=region,
        first_responder=step.actor.id,
        responsible=step.actor.id,
        unit=unit,
        complainant=complainant.strip(),
        case_id=case_id,
        service=service,
        staff_id=staff_id.strip() if staff_id else None,
        received_in=region,
    )
    allowed = rules.roles_for("receive")
    if not allowed & step.actor.roles or not region.is_within(step.actor.region):
        raise RuleRefused(
            "此操作须由工作人员在其辖区内办理",
            code="role_not_allowed",
            rule="P10",
            subject_id=complaint_id,
            event="receive",
            state="",
            allowed_events=("receive",),
        )
    facts = {"kind": kind.value, "channel": channel.value}
    if case_id:
        facts["case"] = case_id
    if complaint.staff_id:
        facts["staff"] = complaint.staff_id
    complaint.events.append(
        RecordEvent(
            record_id=complaint_id,
            seq=1,
            event="receive",
            actor_id=step.actor.id,
            actor_roles=actor_roles(step.actor),
            at=step.at,
            from_state="",
            to_state=RECEIVED,
            rule=RULES["receive"],
            reason=f"{kind.value}_received",
            note=step.note,
            facts=facts,
        )
    )
    return complaint


def apply(
    complaint: Complaint, event: str, step: ComplaintStep, rules: SupervisionParameters
) -> RecordEvent:
    """Apply one event; returns the recorded event or raises, changing nothing."""
    if event not in event_names():
        _illegal(complaint, event)
    machine = ComplaintMachine(complaint)
    try:
        machine.send(event, step=step, rules=rules)
    except TransitionNotAllowed:
        _illegal(complaint, event)
    return complaint.events[-1]


def _illegal(complaint: Complaint, event: str) -> None:
    raise IllegalTransition(
        f"{STATE_LABELS[complaint.state]}状态下不能{EVENT_LABELS.get(event, event)}",
        subject_id=complaint.id,
        event=event,
        state=complaint.state,
        allowed_events=allowed_events(complaint),
        rule="P4",
    )


def time_limit_of(complaint: Complaint, rules: SupervisionParameters) -> TimeLimit:
    if complaint.kind is ComplaintKind.REPORT:
        return rules.report_time_limit
    return rules.complaint_time_limit


def complaint_deadline(
    complaint: Complaint,
    limit: TimeLimit,
    calendar: WorkingCalendar,
    *,
    today: date,
    due_soon_days: int,
) -> Deadline | None:
    """The limit from receipt to the answer, in working days (R15); None once answered."""
    if complaint.state in (ANSWERED, CLOSED):
        return None
    zone = complaint.received_at.tzinfo
    start = complaint.received_at.astimezone(zone).date()
    due = calendar.add_working_days(start, limit.working_days)
    used = calendar.working_days_between(start, today)
    left = limit.working_days - used
    provisional = due.provisional or not all(
        calendar.is_known(y) for y in range(start.year, max(due.day, today).year + 1)
    )
    if today > due.day:
        status = DeadlineStatus.OVERDUE
    elif 0 <= left <= due_soon_days:
        status = DeadlineStatus.DUE_SOON
    else:
        status = DeadlineStatus.ON_TIME
    return Deadline(
        due=due.day,
        provisional=provisional,
        working_days_allowed=limit.working_days,
        working_days_used=used,
        working_days_left=left,
        paused_working_days=0,
        status=status,
    )
