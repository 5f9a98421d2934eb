"""State-machine cost: python-statemachine as the product uses it, against a plain table.

(a) Per transition: `domain.lifecycle.apply` along one case's path (transfer, verify,
    approve, grant, close of an unemployment registration) against a dict transition
    table derived from the same machine class that runs the same guard and effect
    functions (the machine's own, on a plain object): what is left is the library's cost.
(b) Per case loaded: getting a machine for a stored case (its state bound, no replay),
    reused (`domain.machines`) and built anew as before, against a dict lookup of the
    stored state.
(c) Intake: a dibao application through the application layer (in memory, and on SQLite)
    with machines reused against the same with a machine built at every use (the
    product before `domain.machines`); and the share of the intake's CPU time spent
    inside the `statemachine` package, from cProfile (goal: at most 20 %).
"""

from __future__ import annotations

import cProfile
import inspect
import pstats
import statistics
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from typing import Any

from attrs import evolve, frozen

from bench import intake_support
from bench.report import Row, compare
from domain import lifecycle, machines
from domain.actors import Actor, Role
from domain.cases import Applicant, Case
from domain.errors import IllegalTransition
from domain.identity import ResidentId
from domain.lifecycle import CaseMachine, CaseRules, Step
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.services import Channel, Service

NAME = "machines"
SERVICE = Service.UNEMPLOYMENT_REGISTRATION
REGION = RegionCode("370112001")
HR = Actor("bench-hr", "何军", [Role.HR_OFFICER], RegionCode("370112"))
PATH: tuple[tuple[str, Mapping[str, Any]], ...] = (
    ("transfer", {"to_officer": "bench-hr-2", "reason": "休假交接"}),
    ("verify", {}),
    ("approve", {}),
    ("grant", {}),
    ("close", {"reason": "registration_ended"}),
)
SHARE_GOAL = 0.20


def _rules() -> CaseRules:
    return CaseRules.for_case(default_policy(), SERVICE, REGION)


def new_cases(count: int, rules: CaseRules) -> list[Case]:
    materials = frozenset(m.code for m in rules.guide.required_materials)
    return [
        lifecycle.open_case(
            case_id=f"bench-{number}",
            service=SERVICE,
            applicant=Applicant(ResidentId(intake_support.person(number)), "申请人"),
            region=REGION,
            channel=Channel.WINDOW,
            step=Step(HR, intake_support.START, materials=materials),
            rules=rules,
        )
        for number in range(count)
    ]


def steps() -> list[tuple[str, Step]]:
    at = intake_support.START
    out = []
    for event, payload in PATH:
        at += timedelta(minutes=5)
        out.append((event, Step(HR, at, **payload)))
    return out


# -- the baseline: a dict transition table running the machine's own guards and effects --


@frozen
class _Arc:
    target: str
    internal: bool
    guards: tuple[tuple[Callable[..., Any], tuple[str, ...]], ...]
    effects: tuple[tuple[Callable[..., Any], tuple[str, ...]], ...]


@frozen
class _Value:
    """What `after_transition` reads of a source or target state."""

    value: str


def _with_names(function: Callable[..., Any]) -> tuple[Callable[..., Any], tuple[str, ...]]:
    names = tuple(p for p in inspect.signature(function).parameters if p != "self")
    return function, names


class TableMachine:
    """The same work as the case type's machine, dispatched through a dict.

    The table is read once from the machine class (states, events, targets, validators);
    guards and effects are the machine's own functions, on a plain object (`host`).
    """

    def __init__(self, machine: type[CaseMachine]) -> None:
        functions: dict[str, Callable[..., Any]] = {
            name: value  # the product's guards and effects, none of the library's
            for name, value in vars(CaseMachine).items()
            if inspect.isfunction(value) and name not in ("__init__", "reset")
        }
        self.host: Any = type(f"{machine.__name__}Table", (), {**functions})()
        self.host.service = machine.service
        self.table: dict[tuple[str, str], _Arc] = {}
        for state in machine.states_map.values():
            for transition in state.transitions:
                validators = [
                    spec.func for spec in transition._specs if spec.group.name == "VALIDATOR"
                ]
                target = str(transition.target.value)
                for event in transition.events:
                    effects = [f"on_{event}"]
                    if not transition.internal:
                        effects.append(f"on_enter_{target}")
                    self.table[(str(state.value), str(event))] = _Arc(
                        target,
                        transition.internal,
                        tuple(_with_names(functions[v]) for v in validators),
                        tuple(_with_names(functions[e]) for e in effects if e in functions),
                    )
        self.after = _with_names(functions["after_transition"])

    def apply(self, case: Case, event: str, step: Step, rules: CaseRules) -> None:
        arc = self.table.get((case.state, event))
        if arc is None:
            raise IllegalTransition(
                "not allowed",
                subject_id=case.id,
                event=event,
                state=case.state,
                allowed_events=lifecycle.allowed_events(case),
                rule="P4",
            )
        host = self.host
        host.model, host._facts, host._decision, host._benefit = case, {}, {}, None
        arguments = {
            "event": event,
            "step": step,
            "rules": rules,
            "source": _Value(case.state),
            "target": _Value(arc.target),
        }
        for guard, names in arc.guards:
            guard(host, **{n: arguments[n] for n in names})
        for effect, names in arc.effects:
            effect(host, **{n: arguments[n] for n in names})
        case.state = arc.target
        after, names = self.after
        after(host, **{n: arguments[n] for n in names})


def _per_transition(
    apply: Callable[[Case, str, Step, CaseRules], object],
    cases: int,
    rules: CaseRules,
    reuse: bool = True,
) -> Callable[[], float]:
    path = steps()

    def sample() -> float:
        batch = new_cases(cases, rules)
        with _reuse(reuse):
            began = time.perf_counter()
            for case in batch:
                for event, step in path:
                    apply(case, event, step, rules)
            spent = time.perf_counter() - began
        assert all(case.state == "closed" for case in batch)
        return spent / (cases * len(path)) * 1e6

    return sample


def _reuse(reuse: bool) -> AbstractContextManager[None]:
    return nullcontext() if reuse else machines.built_every_time()


def _stored(cases: int, rules: CaseRules) -> list[Case]:
    """Cases as loaded from storage: in a later state, bound without replay."""
    batch = new_cases(cases, rules)
    for case in batch:
        case.state = "approved"
    return batch


def _per_case_loaded(rules: CaseRules, cases: int, reuse: bool) -> Callable[[], float]:
    batch = _stored(cases, rules)
    machine = lifecycle.MACHINES[SERVICE]

    def sample() -> float:
        with _reuse(reuse):
            began = time.perf_counter()
            for case in batch:
                with machines.lent(SERVICE, machine, case, initial="received") as bound:
                    assert bound.model is case
            spent = time.perf_counter() - began
        return spent / cases * 1e6

    return sample


def _per_case_looked_up(rules: CaseRules, cases: int) -> Callable[[], float]:
    batch = _stored(cases, rules)
    table = TableMachine(lifecycle.MACHINES[SERVICE]).table
    by_state: dict[str, list[str]] = {}
    for state, event in table:
        by_state.setdefault(state, []).append(event)

    def sample() -> float:
        began = time.perf_counter()
        for case in batch:
            assert by_state[case.state]
        return (time.perf_counter() - began) / cases * 1e6

    return sample


# -- intake --


Intake = Callable[[], Callable[[], None]]  # makes the intake a sample runs, on its store


def _intakes_per_second(intake: Intake, count: int, reuse: bool) -> float:
    submit = intake()
    with _reuse(reuse):
        began = time.perf_counter()
        for _ in range(count):
            submit()
        return count / (time.perf_counter() - began)


_STDLIB = inspect.getfile(inspect).rsplit("/", 1)[0]


def _library(key: tuple[str, int, str]) -> bool:
    return "/statemachine/" in key[0]


def _standard(key: tuple[str, int, str]) -> bool:
    """The standard library or a built-in (cProfile files those under "~")."""
    return key[0] == "~" or (key[0].startswith(_STDLIB) and "/site-packages/" not in key[0])


def statemachine_share(stats: pstats.Stats) -> tuple[float, float]:
    """(seconds inside `statemachine`, total seconds) of a profile, own times summed.

    A function counts as the library's when it lives in the package, or when it is the
    standard library's (or a built-in) and every caller of it counts (`copy.deepcopy`
    as the package uses it); a guard or effect of the domain, called by the library, and
    what it calls, do not.
    """
    table: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    inside = {key for key in table if _library(key)}
    changed = True
    while changed:
        changed = False
        for key, (_calls, _primitive, _own, _cumulative, callers) in table.items():
            if key in inside or not _standard(key) or not callers:
                continue
            if all(caller in inside or caller == key for caller in callers):
                inside.add(key)
                changed = True
    total = sum(entry[2] for entry in table.values())
    return sum(table[key][2] for key in inside), total


def _profile(intake: Intake, count: int, reuse: bool) -> tuple[float, float]:
    submit = intake()
    with _reuse(reuse):
        submit()  # warm
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(count):
            submit()
        profile.disable()
    inside, total = statemachine_share(pstats.Stats(profile))
    return inside / total, total / count * 1000


def _intake_rows(label: str, submit: Intake, sizes: _Sizes) -> list[Row]:
    shares_after, shares_before, cpu_after, cpu_before = [], [], [], []
    for _ in range(sizes.profiles):
        share, cpu = _profile(submit, sizes.profiled, reuse=True)
        shares_after.append(share)
        cpu_after.append(cpu)
        share, cpu = _profile(submit, sizes.profiled, reuse=False)
        shares_before.append(share)
        cpu_before.append(cpu)
    after, before = statistics.median(shares_after), statistics.median(shares_before)
    throughput = compare(
        NAME,
        subject=(
            f"intake {label}, machines reused",
            lambda: _intakes_per_second(submit, sizes.intakes, reuse=True),
        ),
        baseline=(
            f"intake {label}, machine built per use (before)",
            lambda: _intakes_per_second(submit, sizes.intakes, reuse=False),
        ),
        unit="intakes/s",
        rounds=sizes.rounds,
        extra={"statemachine share after": f"{after:.1%}", "before": f"{before:.1%}"},
    )
    cpu_share = Row(
        benchmark=NAME,
        subject=f"intake {label}: CPU inside statemachine",
        baseline=f"intake {label}: CPU of the whole request",
        unit="% of CPU",
        subject_median=after * 100,
        baseline_median=100.0,
        better="lower",
        goal="≤ 20 % of the intake's CPU",
        goal_ratio=SHARE_GOAL,
        subject_samples=tuple(s * 100 for s in shares_after),
        extra={
            "why not alternated": "both figures come from one cProfile run",
            "before (machine built per use)": f"{before:.1%}",
            "profiled ms/intake after": statistics.median(cpu_after),
            "before": statistics.median(cpu_before),
            "note": "cProfile inflates many small calls, the library's more than the rest",
        },
    )
    return [throughput, cpu_share]


@frozen
class _Sizes:
    cases: int
    loads: int
    rounds: int
    intakes: int
    sql_intakes: int
    profiled: int
    profiles: int


FULL = _Sizes(
    cases=200, loads=500, rounds=5, intakes=200, sql_intakes=100, profiled=200, profiles=3
)
QUICK = _Sizes(cases=30, loads=100, rounds=3, intakes=40, sql_intakes=20, profiled=30, profiles=1)


def run(quick: bool, sizes: _Sizes | None = None) -> list[Row]:
    sizes = sizes or (QUICK if quick else FULL)
    rules = _rules()
    table = TableMachine(lifecycle.MACHINES[SERVICE])
    rows = [
        compare(
            NAME,
            subject=(
                "transition, python-statemachine (reused)",
                _per_transition(lifecycle.apply, sizes.cases, rules),
            ),
            baseline=(
                "transition, dict table, same guards",
                _per_transition(table.apply, sizes.cases, rules),
            ),
            unit="µs/transition",
            rounds=sizes.rounds,
            better="lower",
            extra={"path": " ".join(e for e, _ in PATH), "service": SERVICE.value},
        ),
        compare(
            NAME,
            subject=(
                "transition, python-statemachine built per use (before)",
                _per_transition(lifecycle.apply, sizes.cases, rules, reuse=False),
            ),
            baseline=(
                "transition, dict table, same guards",
                _per_transition(table.apply, sizes.cases, rules),
            ),
            unit="µs/transition",
            rounds=sizes.rounds,
            better="lower",
        ),
        compare(
            NAME,
            subject=(
                "case loaded: reused machine bound",
                _per_case_loaded(rules, sizes.loads, reuse=True),
            ),
            baseline=(
                "case loaded: dict lookup of the state",
                _per_case_looked_up(rules, sizes.loads),
            ),
            unit="µs/case",
            rounds=sizes.rounds,
            better="lower",
        ),
        compare(
            NAME,
            subject=(
                "case loaded: new machine over the state (before)",
                _per_case_loaded(rules, sizes.loads, reuse=False),
            ),
            baseline=(
                "case loaded: dict lookup of the state",
                _per_case_looked_up(rules, sizes.loads),
            ),
            unit="µs/case",
            rounds=sizes.rounds,
            better="lower",
        ),
    ]
    # A new store for each sample: the in-memory store looks a person up by scanning.
    rows += _intake_rows(
        "in memory", lambda: intake_support.intake(intake_support.in_memory()), sizes
    )
    with intake_support.sqlite_url() as url, intake_support.migrated(url) as composition:
        sql = evolve(sizes, intakes=sizes.sql_intakes)
        submit = intake_support.intake(composition.deps)
        rows += _intake_rows("SQLite", lambda: submit, sql)
    return rows
