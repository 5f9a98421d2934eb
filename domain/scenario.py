"""The joint scenario of R6 to R9 (困难人员救助“一件事”联办) as one statechart.

A dibao application first waits for the platform's history check (R6). Accepted, it runs
four parallel regions: the dibao decision itself, the elderly branch (R7), the employment
branch (R8) and the insurance-subsidy branch (R9). The chart reacts to facts (a registry
answer, a linked case granted or refused) and answers with commands (open a linked case,
ask a registry, release or end a case) that the application layer carries out. It never
does I/O itself.

Each transition of the chart is listed in `MOVES` with the rule it enforces and the reason
it records, so every branch ending is explained in the scenario's history.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any

from attrs import Factory, define, frozen
from statemachine import State, StateChart
from statemachine.exceptions import TransitionNotAllowed
from statemachine.orderedset import OrderedSet

from domain import machines
from domain.ages import age_on
from domain.benefits import KEEP_ELDERLY_NURSING, choose_nursing_subsidy
from domain.cases import Applicant, Hold
from domain.errors import IllegalTransition
from domain.facts import DisabilityStatus
from domain.money import Money
from domain.policy import AgeRule
from domain.regions import RegionCode
from domain.services import Service

# -- commands: what the scenario asks the application to do next --


@frozen
class CheckHistory:
    """Ask the platform (and this system) for the applicant's dibao and tekun records (R6)."""

    rule: str = "R6"


@frozen
class RecordOnPlatform:
    """Record the accepted dibao application on the platform (R6)."""

    rule: str = "R6"


@frozen
class QueryUnemploymentRegistry:
    """Ask whether the applicant is a registered unemployed person (R8)."""

    rule: str = "R8"


@frozen
class QueryDisabilityRegister:
    """Ask whether the applicant receives the severe-disability nursing subsidy (R7)."""

    rule: str = "R7"


@frozen
class NotAcceptDibao:
    """Close the dibao application as not accepted, telling the applicant why (R6, R11)."""

    reason: str
    rule: str = "R6"


@frozen
class OpenLinkedCase:
    """Open a linked case for the applicant; `automatic` cases are granted by the system."""

    service: Service
    rule: str
    reason: str
    automatic: bool = False
    hold: Hold | None = None


@frozen
class ReleaseLinkedCase:
    """Lift the hold on a linked case so that it can be decided (R9)."""

    service: Service
    rule: str


@frozen
class EndLinkedCase:
    """End a linked case that waits on a decision that will not come (R8, R9)."""

    service: Service
    reason: str
    rule: str


Command = (
    CheckHistory
    | RecordOnPlatform
    | QueryUnemploymentRegistry
    | QueryDisabilityRegister
    | NotAcceptDibao
    | OpenLinkedCase
    | ReleaseLinkedCase
    | EndLinkedCase
)

RECOGNITION_HOLD = Hold(rule="R9", reason="就业困难人员认定须在低保审核确认后作出")

# -- the scenario's record --


@frozen
class BranchMove:
    """One region's transition within a scenario event, with its rule and reason."""

    branch: str
    from_state: str
    to_state: str
    rule: str
    reason: str


@frozen
class ScenarioEvent:
    """A fact the scenario reacted to, how each branch moved, and what it asked for."""

    scenario_id: str
    seq: int
    event: str
    at: datetime
    moves: tuple[BranchMove, ...]
    commands: tuple[Command, ...]


@define
class Scenario:
    """One household's joint scenario: its configuration, linked cases and history."""

    id: str
    dibao_case_id: str
    applicant: Applicant
    region: RegionCode
    started_at: datetime
    state: Any = None  # python-statemachine's configuration: a value or an OrderedSet
    version: int = 0
    linked_cases: dict[Service, str] = Factory(dict)
    events: list[ScenarioEvent] = Factory(list)
    outstanding: list[Command] = Factory(list)  # commands a registry failure left to retry
    platform_reference: str | None = None

    def case_of(self, service: Service) -> str:
        """The id of the scenario's case of `service` (the dibao case or a linked one)."""
        if service is Service.DIBAO:
            return self.dibao_case_id
        return self.linked_cases[service]

    @property
    def configuration(self) -> frozenset[str]:
        """The active states, as stored: every region's current state and its parents."""
        if self.state is None:
            return frozenset()
        if isinstance(self.state, str):
            return frozenset({self.state})
        return frozenset(str(v) for v in self.state)

    def bind_configuration(self, values: frozenset[str]) -> None:
        """Restore a stored configuration without replaying anything."""
        ordered = [s for s in STATE_ORDER if s in values]
        self.state = ordered[0] if len(ordered) == 1 else OrderedSet(ordered)

    def is_in(self, state: str) -> bool:
        return state in self.configuration

    @property
    def is_finished(self) -> bool:
        return bool(self.configuration & {"not_accepted", "completed"})


# -- the chart --

# (source, target) -> (rule, reason code): what each move means for the history.
MOVES: Mapping[tuple[str, str], tuple[str, str]] = {
    ("checking_history", "in_progress"): ("R6", "no_dibao_or_tekun_record"),
    ("checking_history", "not_accepted"): ("R6", "dibao_or_tekun_on_record"),
    ("in_progress", "completed"): ("R6", "every_branch_finished"),
    ("dibao_pending", "dibao_in_payment"): ("R6", "dibao_granted"),
    ("dibao_pending", "dibao_ended"): ("R6", "dibao_refused"),
    ("awaiting_dibao", "checking_disability"): (
        "R7",
        "age_rule_met_living_subsidy_granted",
    ),
    ("awaiting_dibao", "elderly_age_not_met"): ("R7", "age_rule_not_met"),
    ("awaiting_dibao", "elderly_not_eligible"): ("R7", "dibao_refused"),
    ("checking_disability", "elderly_covered_elsewhere"): (
        "R7",
        "receives_severe_disability_nursing_subsidy",
    ),
    ("checking_disability", "assessing_capability"): (
        "R7",
        "capability_assessment_arranged",
    ),
    ("assessing_capability", "nursing_in_payment"): ("R7", "nursing_subsidy_granted"),
    ("assessing_capability", "nursing_not_granted"): ("R7", "nursing_subsidy_refused"),
    ("checking_registration", "recognition_waiting"): (
        "R8",
        "registered_recognition_opened",
    ),
    ("checking_registration", "recognition_deciding"): ("R8", "registered_dibao_granted"),
    ("checking_registration", "registering"): ("R8", "unregistered_registration_opened"),
    ("checking_registration", "employment_ended"): ("R8", "dibao_refused"),
    ("registering", "recognition_waiting"): (
        "R8",
        "registration_granted_recognition_opened",
    ),
    ("registering", "recognition_deciding"): ("R8", "registration_granted_dibao_granted"),
    ("registering", "registration_not_granted"): ("R8", "registration_refused"),
    ("registering", "employment_ended"): ("R8", "dibao_refused"),
    ("recognition_waiting", "recognition_deciding"): (
        "R9",
        "dibao_granted_recognition_released",
    ),
    ("recognition_waiting", "employment_ended"): ("R9", "dibao_refused"),
    ("recognition_deciding", "recognised"): ("R9", "recognition_granted"),
    ("recognition_deciding", "not_recognised"): ("R9", "recognition_refused"),
    ("awaiting_recognition", "subsidy_deciding"): ("R9", "recognised_subsidy_opened"),
    ("awaiting_recognition", "insurance_ended"): ("R9", "no_recognition"),
    ("awaiting_recognition", "insurance_not_eligible"): ("R9", "dibao_refused"),
    ("subsidy_deciding", "subsidy_in_payment"): ("R9", "subsidy_granted"),
    ("subsidy_deciding", "subsidy_not_granted"): ("R9", "subsidy_refused"),
}

# Where one move has more than one meaning, the fact that caused it says which.
MOVES_BY_FACT: Mapping[tuple[str, str, str], tuple[str, str]] = {
    ("checking_history", "not_accepted", "refused_recently"): (
        "R1",
        "refused_within_waiting_period",
    ),
    ("checking_disability", "assessing_capability", "disability_subsidy_lower"): (
        "R7",
        "severe_disability_subsidy_lower_elderly_kept",
    ),
}


def move_meaning(source: str, target: str, fact: str) -> tuple[str, str]:
    """The rule and reason code of a move caused by `fact`."""
    return MOVES_BY_FACT.get((source, target, fact)) or MOVES[(source, target)]


STATE_LABELS: Mapping[str, str] = {
    "scenario": "联办流程",
    "checking_history": "查询历史救助记录",
    "not_accepted": "不予受理",
    "in_progress": "联办进行中",
    "completed": "联办完成",
    "dibao": "低保",
    "dibao_pending": "低保审核确认中",
    "dibao_in_payment": "低保已发放",
    "dibao_ended": "低保未获批准",
    "elderly": "经济困难老年人补贴",
    "awaiting_dibao": "等待低保结果",
    "checking_disability": "生活补贴已发放，查询重度残疾人护理补贴",
    "elderly_age_not_met": "不符合年龄条件",
    "elderly_not_eligible": "低保未获批准，不予办理",
    "elderly_covered_elsewhere": "已享受重度残疾人护理补贴",
    "assessing_capability": "老年人能力评估中",
    "nursing_in_payment": "护理补贴已发放",
    "nursing_not_granted": "护理补贴未获批准",
    "employment": "就业困难人员认定",
    "checking_registration": "查询失业登记",
    "registering": "失业登记办理中",
    "recognition_waiting": "认定申请已发起，等待低保结果",
    "recognition_deciding": "就业困难人员认定办理中",
    "recognised": "已认定为就业困难人员",
    "not_recognised": "未认定为就业困难人员",
    "registration_not_granted": "失业登记未通过，分支结束",
    "employment_ended": "低保未获批准，分支结束",
    "insurance": "灵活就业社会保险补贴",
    "awaiting_recognition": "等待就业困难人员认定",
    "subsidy_deciding": "社会保险补贴办理中",
    "subsidy_in_payment": "社会保险补贴已发放",
    "subsidy_not_granted": "社会保险补贴未获批准",
    "insurance_ended": "未认定为就业困难人员，分支结束",
    "insurance_not_eligible": "低保未获批准，分支结束",
}

STATE_ORDER = tuple(STATE_LABELS)

BRANCHES: Mapping[str, str] = {
    "dibao": "R6",
    "elderly": "R7",
    "employment": "R8",
    "insurance": "R9",
}


class JointScenario(StateChart[Scenario]):
    """困难人员救助联办：低保申请与经济困难老年人补贴、就业困难人员认定、社保补贴的关联办理。"""

    catch_errors_as_events = False
    allow_event_without_transition = False

    checking_history = State(STATE_LABELS["checking_history"], initial=True)
    not_accepted = State(STATE_LABELS["not_accepted"], final=True)

    class in_progress(State.Parallel, name=STATE_LABELS["in_progress"]):
        class dibao(State.Compound, name=STATE_LABELS["dibao"]):
            dibao_pending = State(STATE_LABELS["dibao_pending"], initial=True)
            dibao_in_payment = State(STATE_LABELS["dibao_in_payment"], final=True)
            dibao_ended = State(STATE_LABELS["dibao_ended"], final=True)

            dibao_granted = dibao_pending.to(dibao_in_payment)
            dibao_refused = dibao_pending.to(dibao_ended)

        class elderly(State.Compound, name=STATE_LABELS["elderly"]):
            awaiting_dibao = State(STATE_LABELS["awaiting_dibao"], initial=True)
            checking_disability = State(STATE_LABELS["checking_disability"])
            assessing_capability = State(STATE_LABELS["assessing_capability"])
            elderly_age_not_met = State(STATE_LABELS["elderly_age_not_met"], final=True)
            elderly_not_eligible = State(STATE_LABELS["elderly_not_eligible"], final=True)
            elderly_covered_elsewhere = State(
                STATE_LABELS["elderly_covered_elsewhere"], final=True
            )
            nursing_in_payment = State(STATE_LABELS["nursing_in_payment"], final=True)
            nursing_not_granted = State(STATE_LABELS["nursing_not_granted"], final=True)

            dibao_granted = awaiting_dibao.to(
                checking_disability, cond="age_rule_met", on="grant_living_subsidy"
            ) | awaiting_dibao.to(elderly_age_not_met)
            dibao_refused = awaiting_dibao.to(elderly_not_eligible)
            disability_subsidy_found = checking_disability.to(elderly_covered_elsewhere)
            no_disability_subsidy = checking_disability.to(
                assessing_capability, on="arrange_assessment"
            )
            # Never both: a lower severe-disability subsidy gives way to the elderly one.
            disability_subsidy_lower = checking_disability.to(
                assessing_capability, on="arrange_assessment_higher_kept"
            )
            nursing_granted = assessing_capability.to(nursing_in_payment)
            nursing_refused = assessing_capability.to(nursing_not_granted)

        class employment(State.Compound, name=STATE_LABELS["employment"]):
            checking_registration = State(STATE_LABELS["checking_registration"], initial=True)
            registering = State(STATE_LABELS["registering"])
            recognition_waiting = State(STATE_LABELS["recognition_waiting"])
            recognition_deciding = State(STATE_LABELS["recognition_deciding"])
            recognised = State(STATE_LABELS["recognised"], final=True)
            not_recognised = State(STATE_LABELS["not_recognised"], final=True)
            registration_not_granted = State(STATE_LABELS["registration_not_granted"], final=True)
            employment_ended = State(STATE_LABELS["employment_ended"], final=True)

            found_registered = (
                checking_registration.to(
                    recognition_deciding,
                    cond="In('dibao_in_payment')",
                    on="open_recognition",
                )
                | checking_registration.to(employment_ended, cond="In('dibao_ended')")
                | checking_registration.to(recognition_waiting, on="open_recognition_on_hold")
            )
            found_unregistered = checking_registration.to(registering, on="open_registration")
            registration_granted = (
                registering.to(
                    recognition_deciding,
                    cond="In('dibao_in_payment')",
                    on="open_recognition",
                )
                | registering.to(employment_ended, cond="In('dibao_ended')")
                | registering.to(recognition_waiting, on="open_recognition_on_hold")
            )
            registration_refused = registering.to(registration_not_granted)
            dibao_granted = recognition_waiting.to(recognition_deciding, on="release_recognition")
            dibao_refused = recognition_waiting.to(employment_ended, on="end_recognition")
            recognition_granted = recognition_deciding.to(recognised)
            recognition_refused = recognition_deciding.to(not_recognised)

        class insurance(State.Compound, name=STATE_LABELS["insurance"]):
            awaiting_recognition = State(STATE_LABELS["awaiting_recognition"], initial=True)
            subsidy_deciding = State(STATE_LABELS["subsidy_deciding"])
            subsidy_in_payment = State(STATE_LABELS["subsidy_in_payment"], final=True)
            subsidy_not_granted = State(STATE_LABELS["subsidy_not_granted"], final=True)
            insurance_ended = State(STATE_LABELS["insurance_ended"], final=True)
            insurance_not_eligible = State(STATE_LABELS["insurance_not_eligible"], final=True)

            # Each fact counts here only when the branch it comes from can give it now.
            recognition_granted = awaiting_recognition.to(
                subsidy_deciding, cond="In('recognition_deciding')", on="open_subsidy"
            )
            recognition_refused = awaiting_recognition.to(
                insurance_ended, cond="In('recognition_deciding')"
            )
            registration_refused = awaiting_recognition.to(
                insurance_ended, cond="In('registering')"
            )
            dibao_refused = awaiting_recognition.to(
                insurance_not_eligible, cond="In('dibao_pending')"
            )
            subsidy_granted = subsidy_deciding.to(subsidy_in_payment)
            subsidy_refused = subsidy_deciding.to(subsidy_not_granted)

    completed = State(STATE_LABELS["completed"], final=True)

    history_clear = checking_history.to(in_progress, on="record_and_query")
    history_blocked = checking_history.to(not_accepted, on="not_accept")
    # R1: refused within the waiting period, and no change of circumstances declared.
    refused_recently = checking_history.to(not_accepted, on="not_accept_within_wait")
    done_state_in_progress = in_progress.to(completed)

    commands: list[Command]
    entered: list[str]

    def __init__(self, scenario: Scenario) -> None:
        self.reset()
        super().__init__(model=scenario, state_field="state")

    def reset(self) -> None:
        """Forget the previous use's commands and entered states (`domain.machines`)."""
        self.commands = []
        self.entered = []

    def on_enter_state(self, target: State) -> None:
        self.entered.append(str(target.id))

    # -- conditions --

    def age_rule_met(self, on: date, age_rule: AgeRule) -> bool:
        birth = self.model.applicant.resident_id.birth_date
        return age_rule.is_met(age_on(birth, on))

    # -- actions: each emits the commands of its move --

    def record_and_query(self) -> None:
        self.commands += [RecordOnPlatform(), QueryUnemploymentRegistry()]

    def not_accept(self) -> None:
        self.commands.append(NotAcceptDibao(reason="dibao_or_tekun_on_record"))

    def not_accept_within_wait(self) -> None:
        self.commands.append(NotAcceptDibao(reason="refused_within_waiting_period", rule="R1"))

    def grant_living_subsidy(self) -> None:
        self.commands += [
            OpenLinkedCase(
                Service.ELDERLY_LIVING, "R7", "dibao_approved_age_rule_met", automatic=True
            ),
            QueryDisabilityRegister(),
        ]

    def arrange_assessment(self) -> None:
        self.commands.append(
            OpenLinkedCase(Service.ELDERLY_NURSING, "R7", "no_severe_disability_subsidy")
        )

    def arrange_assessment_higher_kept(self) -> None:
        self.commands.append(
            OpenLinkedCase(Service.ELDERLY_NURSING, "R7", "severe_disability_subsidy_lower")
        )

    def open_registration(self) -> None:
        self.commands.append(
            OpenLinkedCase(Service.UNEMPLOYMENT_REGISTRATION, "R8", "not_registered")
        )

    def open_recognition(self) -> None:
        self.commands.append(
            OpenLinkedCase(Service.EMPLOYMENT_DIFFICULTY, "R8", "registered_unemployed")
        )

    def open_recognition_on_hold(self) -> None:
        self.commands.append(
            OpenLinkedCase(
                Service.EMPLOYMENT_DIFFICULTY,
                "R8",
                "registered_unemployed",
                hold=RECOGNITION_HOLD,
            )
        )

    def release_recognition(self) -> None:
        self.commands.append(ReleaseLinkedCase(Service.EMPLOYMENT_DIFFICULTY, "R9"))

    def end_recognition(self) -> None:
        self.commands.append(EndLinkedCase(Service.EMPLOYMENT_DIFFICULTY, "dibao_refused", "R8"))

    def open_subsidy(self) -> None:
        self.commands.append(
            OpenLinkedCase(Service.FLEXIBLE_INSURANCE_SUBSIDY, "R9", "recognised")
        )


def _leaves(region: State) -> frozenset[str]:
    return frozenset(str(s.id) for s in region.states)


# Each branch's own states, and the top level's; a move is a change within one of them.
_LEVELS: Mapping[str, frozenset[str]] = {
    "scenario": frozenset({"checking_history", "not_accepted", "in_progress", "completed"}),
    **{
        str(region.id): _leaves(region)
        for region in JointScenario.in_progress.states  # type: ignore[attr-defined]
    },
}


_FINAL_STATES = frozenset(
    str(state.id)
    for region in JointScenario.in_progress.states  # type: ignore[attr-defined]
    for state in region.states
    if state.final
) | {"not_accepted", "completed"}


def branch_state(scenario: Scenario, branch: str) -> tuple[str | None, bool]:
    """Where a branch stands and whether it is finished.

    While the scenario runs, the branch's active state; once the scenario has left the
    parallel part, the last state the branch's recorded moves reached (None: never began).
    """
    active = scenario.configuration & _LEVELS[branch]
    state: str | None
    if active:
        (state,) = active
    else:
        reached = [m.to_state for e in scenario.events for m in e.moves if m.branch == branch]
        state = reached[-1] if reached else None
    return state, state is not None and state in _FINAL_STATES


def _moves(before: frozenset[str], entered: list[str], fact: str) -> tuple[BranchMove, ...]:
    """How each level moved from `before` to the states it entered, with rule and reason."""
    moves = []
    for branch, states in _LEVELS.items():
        old = before & states
        new = [s for s in entered if s in states]
        if old and new:
            (source,), target = old, new[-1]
            rule, reason = move_meaning(source, target, fact)
            moves.append(BranchMove(branch, source, target, rule, reason))
    return tuple(sorted(moves, key=lambda m: entered.index(m.to_state)))


def start(scenario: Scenario) -> tuple[Command, ...]:
    """Put a new scenario in its initial state and ask for the history check (R6)."""
    if scenario.state is not None:
        return ()
    with _machine_of(scenario) as machine:
        machine.activate_initial_state()
    return (CheckHistory(),)


def _machine_of(scenario: Scenario) -> AbstractContextManager[JointScenario]:
    """The chart bound to the scenario for one use (built once, reused)."""
    return machines.lent(JointScenario, JointScenario, scenario, initial="checking_history")


def react(
    scenario: Scenario, event: str, *, at: datetime, age_rule: AgeRule
) -> tuple[Command, ...]:
    """Feed one fact to the scenario; record the moves and return the commands to run."""
    before = scenario.configuration
    if event not in scenario_events():
        _illegal(scenario, event)
    with _machine_of(scenario) as machine:
        try:
            machine.send(event, on=at.date(), age_rule=age_rule)
        except TransitionNotAllowed:
            _illegal(scenario, event)
        commands = tuple(machine.commands)
        entered = list(machine.entered)
    scenario.events.append(
        ScenarioEvent(
            scenario_id=scenario.id,
            seq=len(scenario.events) + 1,
            event=event,
            at=at,
            moves=_moves(before, entered, event),
            commands=commands,
        )
    )
    return commands


def disability_fact(status: DisabilityStatus, elderly_nursing_monthly: Money) -> str:
    """What the disability register's answer means for the elderly branch (R7).

    The two nursing subsidies are never paid together; the higher is kept, and when the
    register does not say its amount the severe-disability one is kept (fail closed).
    """
    if not status.receives_severe_nursing_subsidy:
        return "no_disability_subsidy"
    choice = choose_nursing_subsidy(elderly_nursing_monthly, status.severe_nursing_monthly)
    if choice.keep == KEEP_ELDERLY_NURSING:
        return "disability_subsidy_lower"
    return "disability_subsidy_found"


def scenario_events() -> tuple[str, ...]:
    """The facts the scenario reacts to (done-state events are internal)."""
    return tuple(str(e) for e in JointScenario._events if not str(e).startswith("done"))


def allowed_facts(scenario: Scenario) -> tuple[str, ...]:
    """The facts the scenario would take now, its conditions on the other regions included.

    The age rule only chooses between two moves of `dibao_granted`, so any rule will do.
    """
    with _machine_of(scenario) as machine:
        enabled = machine.enabled_events(on=scenario.started_at.date(), age_rule=AgeRule())
    return tuple(dict.fromkeys(str(e) for e in enabled if not str(e).startswith("done")))


def _illegal(scenario: Scenario, event: str) -> None:
    raise IllegalTransition(
        f"联办流程当前不能处理“{event}”",
        subject_id=scenario.id,
        event=event,
        state=",".join(sorted(scenario.configuration)),
        allowed_events=allowed_facts(scenario),
        rule="P4",
    )
