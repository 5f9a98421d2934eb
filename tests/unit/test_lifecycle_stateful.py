"""Random commands on several cases of random types; only legal transitions happen (P4).

Officers with and without the roles, inside and outside the case's region, send any
event of the case type with any payload, at times that move forward (now and then one
dated before the case's last event, R4). Whatever happens, the invariants below hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from domain.actors import Actor, Role, system_actor
from domain.cases import (
    APPROVED,
    BENEFIT_GRANTED,
    CLOSED,
    IN_PUBLIC_NOTICE,
    RECEIVED,
    VERIFIED,
    Case,
)
from domain.errors import IllegalTransition, RuleRefused, TransitionRefused
from domain.facts import CheckWarning
from domain.lifecycle import Step, allowed_events, apply, event_names, replay
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.scenario import RECOGNITION_HOLD
from domain.services import Service
from tests.unit.lifecycle_helpers import (
    CHECKED_SERVICES,
    NOTICED_SERVICES,
    OTHER_TOWNSHIP,
    OUTCOMES,
    SAMPLE_TOWNSHIP,
    TOWNSHIP,
    Clock,
    act,
    actor_for,
    all_round_officer,
    assessment,
    case_in,
    check_report,
    new_case,
    officer,
    required_materials,
    rules_for,
    snapshot,
    step_for,
)

MAX_CASES = 5
UNKNOWN_EVENT = "approve_everything"
WARNING = CheckWarning("vehicle", "名下有机动车登记", "公安机关交通管理部门")

services = st.sampled_from(list(Service))
regions = st.sampled_from([TOWNSHIP, SAMPLE_TOWNSHIP])
# Minutes to the next step; None dates the step a minute before the case's last event.
advances = st.sampled_from([0, 1, 1, 5, 30, 60, 24 * 60, 8 * 24 * 60, None])  # 8 days: a notice


def guide_codes(service: Service) -> list[str]:
    return [m.code for m in default_policy().guide(service).materials]


def material_sets(service: Service) -> st.SearchStrategy[frozenset[str]]:
    codes = [*guide_codes(service), "passport"]
    return st.one_of(
        st.just(frozenset()),
        st.just(required_materials(service)),
        st.frozensets(st.sampled_from(codes)),
    )


def actors_for(case: Case) -> st.SearchStrategy[Actor]:
    """Actors with every role, with one role, the system, outsiders, a county approver."""
    outside = OTHER_TOWNSHIP if case.region == TOWNSHIP else TOWNSHIP
    county = case.region.parent
    assert county is not None
    return st.sampled_from(
        [
            all_round_officer(case.service, case.region),
            all_round_officer(case.service, outside),
            system_actor(case.region),
            officer(Role.APPROVER, region=county, actor_id="county-approver"),
            *(
                officer(role, region=case.region, actor_id=f"{role.value}-1")
                for role in Role
                if role is not Role.SYSTEM
            ),
        ]
    )


def steps_for(case: Case, actor: Actor, at: datetime) -> st.SearchStrategy[Step]:
    return st.builds(
        Step,
        actor=st.just(actor),
        at=st.just(at),
        reason=st.sampled_from(["", " ", "applicant_request", "dibao_refused"]),
        note=st.just(""),
        rule=st.sampled_from(["", "R8", "R9"]),
        materials=material_sets(case.service),
        report=st.sampled_from([None, check_report(), check_report(WARNING)]),
        assessment=st.one_of(st.none(), st.integers(-1, 4).map(assessment)),
        evidence=st.sampled_from([(), ("",), ("不动产登记机构出具的证明",)]),
        to_officer=st.sampled_from(["", "officer-2", case.responsible]),
        hold=st.sampled_from([None, RECOGNITION_HOLD]),
    )


def next_on_main_path(case: Case) -> str:
    """The event that moves a case towards its benefit: what is missing first, then on."""
    if case.state == RECEIVED:
        if required_materials(case.service) - case.materials:
            return "supply_materials"
        if case.service in CHECKED_SERVICES and case.check_report is None:
            return "record_check_report"
    if case.state in (RECEIVED, VERIFIED):
        if case.hold is not None:
            return "release"
        if case.service is Service.ELDERLY_NURSING and case.assessment is None:
            return "record_assessment"
    if case.state == VERIFIED and case.service in NOTICED_SERVICES:
        return "publish_notice"
    return {
        RECEIVED: "verify",
        VERIFIED: "approve",
        IN_PUBLIC_NOTICE: "approve",
        APPROVED: "grant",
    }.get(case.state, "close")


class CaseLifecycle(RuleBasedStateMachine):
    """Several cases of random types, driven by random and by well-formed steps."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()
        self.cases: list[Case] = []

    def _open(self, service: Service, region: RegionCode, materials: frozenset[str]) -> None:
        case_id = f"case-{len(self.cases) + 1:04d}"
        case = new_case(
            service, region=region, materials=materials, at=self.clock.tick(), case_id=case_id
        )
        self.cases.append(case)

    def _at(self, case: Case, minutes: int | None) -> datetime:
        if minutes is None:
            return case.last_event_at - timedelta(minutes=1)
        return self.clock.tick(minutes)

    def _apply(self, case: Case, name: str, step: Step) -> None:
        before = snapshot(case)
        allowed_before = allowed_events(case)
        refused: TransitionRefused | None = None
        try:
            recorded = apply(case, name, step, rules_for(case.service, case.region))
        except TransitionRefused as error:
            refused = error
        if refused is not None:
            self._check_refusal(case, name, refused, before, allowed_before)
            return
        event(f"applied: {name}")
        assert name in allowed_before
        assert recorded == case.events[-1]
        assert len(case.events) == len(before.events) + 1
        assert (recorded.event, recorded.from_state) == (name, before.state)
        assert recorded.to_state == case.state
        assert (recorded.actor_id, recorded.at) == (step.actor.id, step.at)
        assert recorded.rule.strip()

    @staticmethod
    def _check_refusal(
        case: Case,
        name: str,
        refused: TransitionRefused,
        before: Case,
        allowed_before: tuple[str, ...],
    ) -> None:
        """A refused event changed nothing and said what is allowed now."""
        assert case == before
        assert refused.allowed_events == allowed_before
        if isinstance(refused, IllegalTransition):
            event("illegal")
            assert name not in allowed_before
        else:
            assert isinstance(refused, RuleRefused)
            event(f"refused: {refused.code}")
            assert name in allowed_before

    @initialize(service=services, region=regions, data=st.data())
    def open_first_case(self, service: Service, region: RegionCode, data: st.DataObject) -> None:
        self._open(service, region, data.draw(material_sets(service)))

    @precondition(lambda self: len(self.cases) < MAX_CASES)
    @rule(service=services, region=regions, data=st.data())
    def open_another_case(self, service: Service, region: RegionCode, data: st.DataObject) -> None:
        self._open(service, region, data.draw(material_sets(service)))

    @rule(data=st.data(), minutes=advances)
    def send_any_event(self, data: st.DataObject, minutes: int | None) -> None:
        case = data.draw(st.sampled_from(self.cases))
        name = data.draw(st.sampled_from([*event_names(case.service), UNKNOWN_EVENT]))
        actor = data.draw(actors_for(case))
        step = data.draw(steps_for(case, actor, self._at(case, minutes)))

        self._apply(case, name, step)

    @rule(data=st.data(), minutes=advances)
    def send_an_allowed_event_with_a_valid_step(
        self, data: st.DataObject, minutes: int | None
    ) -> None:
        open_cases = [c for c in self.cases if c.is_open]
        if not open_cases:
            return
        case = data.draw(st.sampled_from(open_cases))
        name = data.draw(st.sampled_from(allowed_events(case)))
        step = step_for(case.service, name, self._at(case, minutes), case.region)
        if name == "supply_materials":
            missing = required_materials(case.service) - case.materials
            step = Step(actor=step.actor, at=step.at, materials=missing or step.materials)
        if name == "record_assessment":
            level = data.draw(st.integers(0, 3))
            step = Step(actor=step.actor, at=step.at, assessment=assessment(level))

        self._apply(case, name, step)

    @rule(data=st.data(), minutes=advances)
    def advance_a_case_along_the_main_path(self, data: st.DataObject, minutes: int | None) -> None:
        open_cases = [c for c in self.cases if c.is_open]
        if not open_cases:
            return
        case = data.draw(st.sampled_from(open_cases))
        name = next_on_main_path(case)
        county = case.region.parent
        assert county is not None
        actor = data.draw(
            st.sampled_from(
                [actor_for(case.service, name, case.region), actor_for(case.service, name, county)]
            )
        )
        step = Step(
            actor=actor,
            at=self._at(case, minutes),
            materials=required_materials(case.service) - case.materials or frozenset({"id_card"}),
            report=check_report(),
            assessment=assessment(data.draw(st.integers(1, 3))),
            reason="benefit_ended",
        )

        self._apply(case, name, step)

    @invariant()
    def no_benefit_is_granted_without_approval(self) -> None:
        for case in self.cases:
            reached = [e.to_state for e in case.events]
            if BENEFIT_GRANTED in reached:
                assert APPROVED in reached[: reached.index(BENEFIT_GRANTED)]
            for recorded in case.events:
                if recorded.to_state == BENEFIT_GRANTED != recorded.from_state:
                    assert (recorded.event, recorded.from_state) == ("grant", APPROVED)

    @invariant()
    def every_closed_case_has_its_closure(self) -> None:
        for case in self.cases:
            assert (case.state == CLOSED) == (case.closure is not None)
            if case.closure is not None:
                closing = case.events[-1]
                assert case.closure.outcome == OUTCOMES[closing.event]
                assert case.closure.reason.strip()
                assert case.closure.rule.strip()
                assert case.closure.at == closing.at

    @invariant()
    def replaying_the_events_gives_the_stored_state(self) -> None:
        for case in self.cases:
            outcome = case.closure.outcome if case.closure else None
            assert replay(case.service, case.events) == (case.state, outcome)

    @invariant()
    def events_are_numbered_one_to_n_in_time_order(self) -> None:
        for case in self.cases:
            assert [e.seq for e in case.events] == list(range(1, len(case.events) + 1))
            times = [e.at for e in case.events]
            assert times == sorted(times)
            assert all(e.case_id == case.id for e in case.events)


TestCaseLifecycle = CaseLifecycle.TestCase
TestCaseLifecycle.settings = settings(
    max_examples=settings().max_examples,  # from the loaded profile (tests/conftest.py)
    stateful_step_count=50,
    deadline=None,  # one example runs fifty steps
)


# -- regressions: examples the machine above once found, kept as plain tests --


def test_a_transfer_after_the_benefit_is_not_a_grant_without_approval() -> None:
    """Found by the machine: a transfer within benefit_granted is no second grant."""
    clock = Clock()
    case = case_in(Service.DIBAO, BENEFIT_GRANTED, clock=clock)
    machine = CaseLifecycle()
    machine.cases.append(case)

    act(case, "transfer", clock)

    assert (case.events[-1].from_state, case.events[-1].to_state) == (
        BENEFIT_GRANTED,
        BENEFIT_GRANTED,
    )
    machine.no_benefit_is_granted_without_approval()
    machine.replaying_the_events_gives_the_stored_state()
