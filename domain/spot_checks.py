"""Spot checks (抽查, R15): a reproducible random sample of decided cases, and findings.

A supervisor sets the criteria (region, service, how the case was decided, and the
period its decision fell in); every decided case that meets them is the population. The
sample is drawn with a seed the application supplies (this module has no randomness):
each case id is ranked by SHA-256 of the seed and the id, and the lowest ranks are
drawn. Anyone holding the seed and the population draws the same sample, on any Python
and in any order the cases are listed; the population's size and digest are kept with
the draw, so an audit can tell whether the population has changed since.

Each sampled case gets one finding: compliant or not, what was found, and where it
names one, the staff member concerned (who must have acted on the case).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from attrs import Factory, define, field, frozen

from domain.actors import Actor
from domain.cases import Case
from domain.errors import InvalidValue
from domain.outcomes import DecisionKind, decision_of
from domain.regions import RegionCode
from domain.services import Service
from domain.supervision import RecordEvent, actor_roles

DRAW_RULE = "R15"


@frozen
class SampleCriteria:
    """Which decided cases a spot check draws from; the period bounds are both included."""

    within: RegionCode
    decided_from: date
    decided_to: date
    service: Service | None = None
    outcome: DecisionKind | None = None

    def __attrs_post_init__(self) -> None:
        if self.decided_to < self.decided_from:
            raise InvalidValue("decided_to", "抽查期间的结束日期不能早于开始日期", rule=DRAW_RULE)

    def admits(self, case: Case) -> bool:
        """True when the case was decided as asked, in the period, in the region."""
        if not case.region.is_within(self.within):
            return False
        if self.service is not None and case.service is not self.service:
            return False
        decision = decision_of(case)
        if decision is None:
            return False
        if self.outcome is not None and decision.kind is not self.outcome:
            return False
        return self.decided_from <= decision.day(case) <= self.decided_to


def rank(seed: str, case_id: str) -> str:
    """A case's place in the draw: SHA-256 of the seed, a newline and the id, in hex."""
    return hashlib.sha256(f"{seed}\n{case_id}".encode()).hexdigest()


def draw(population: Iterable[str], size: int, seed: str) -> tuple[str, ...]:
    """The `size` case ids of lowest rank (all of them if fewer), lowest first."""
    if size < 1:
        raise InvalidValue("size", "抽查数量须为正整数", rule=DRAW_RULE)
    if not seed.strip():
        raise InvalidValue("seed", "抽查须有随机种子", rule=DRAW_RULE)
    ranked = sorted(set(population), key=lambda case_id: (rank(seed, case_id), case_id))
    return tuple(ranked[:size])


def population_digest(population: Iterable[str]) -> str:
    """SHA-256 over the sorted ids, one a line: the same population gives the same digest."""
    return hashlib.sha256("\n".join(sorted(set(population))).encode()).hexdigest()


class Verdict(StrEnum):
    COMPLIANT = "compliant"  # 规范
    DEFICIENT = "deficient"  # 存在问题

    @property
    def label(self) -> str:
        return "规范" if self is Verdict.COMPLIANT else "存在问题"


@frozen
class SpotFinding:
    """What the check found on one sampled case."""

    case_id: str
    at: datetime
    by: str
    verdict: Verdict
    text: str
    staff_id: str | None = None  # the staff member concerned, where the finding names one


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@define
class SpotCheck:
    """One draw and its findings; the draw never changes once made."""

    id: str
    criteria: SampleCriteria
    size: int
    seed: str
    population_size: int
    population_digest: str
    sample: tuple[str, ...] = field(converter=_texts)
    drawn_by: str
    drawn_at: datetime
    findings: list[SpotFinding] = Factory(list)
    events: list[RecordEvent] = Factory(list)
    version: int = 0

    @property
    def region(self) -> RegionCode:
        return self.criteria.within

    @property
    def is_complete(self) -> bool:
        """Every sampled case has its finding."""
        return {f.case_id for f in self.findings} == set(self.sample)

    def finding_for(self, case_id: str) -> SpotFinding | None:
        return next((f for f in self.findings if f.case_id == case_id), None)

    def record_finding(
        self,
        case: Case,
        *,
        verdict: Verdict,
        text: str,
        staff_id: str | None,
        actor: Actor,
        at: datetime,
    ) -> SpotFinding:
        """Record the finding on one sampled case (once); the staff member named must have
        acted on that case."""
        if case.id not in self.sample:
            raise InvalidValue("case_id", "该案件不在本次抽查样本中", rule=DRAW_RULE)
        if self.finding_for(case.id) is not None:
            raise InvalidValue(
                "case_id", "该案件的抽查结果已记录", rule=DRAW_RULE, code="finding_recorded"
            )
        if not text.strip():
            raise InvalidValue("text", "须写明抽查发现的情况", rule=DRAW_RULE)
        staff = staff_id.strip() if staff_id else None
        if staff is not None and staff not in acting_staff(case):
            raise InvalidValue("staff_id", "所涉工作人员未经办该案件", rule=DRAW_RULE)
        finding = SpotFinding(case.id, at, actor.id, verdict, text.strip(), staff)
        self.findings.append(finding)
        facts = {"case": case.id, "verdict": verdict.value}
        if staff is not None:
            facts["staff"] = staff
        self._record("record_finding", actor, at, facts)
        return finding

    def _record(self, event: str, actor: Actor, at: datetime, facts: dict[str, str]) -> None:
        self.events.append(
            RecordEvent(
                record_id=self.id,
                seq=len(self.events) + 1,
                event=event,
                actor_id=actor.id,
                actor_roles=actor_roles(actor),
                at=at,
                from_state="drawn",
                to_state="completed" if self.is_complete else "drawn",
                rule=DRAW_RULE,
                reason=f"spot_check_{event}",
                facts=facts,
            )
        )


def acting_staff(case: Case) -> frozenset[str]:
    """Every staff member who recorded a step on the case (the system excluded)."""
    return frozenset(e.actor_id for e in case.events if e.actor_id != "system")


def draw_spot_check(
    *,
    check_id: str,
    criteria: SampleCriteria,
    population: Iterable[Case],
    size: int,
    seed: str,
    actor: Actor,
    at: datetime,
) -> SpotCheck:
    """Draw the sample from the cases the criteria admit, recording the seed (R15)."""
    if not criteria.within.is_within(actor.region):
        raise InvalidValue("within", "抽查范围须在本人辖区内", rule="P10")
    ids = [case.id for case in population if criteria.admits(case)]
    sample = draw(ids, size, seed)
    check = SpotCheck(
        id=check_id,
        criteria=criteria,
        size=size,
        seed=seed,
        population_size=len(set(ids)),
        population_digest=population_digest(ids),
        sample=sample,
        drawn_by=actor.id,
        drawn_at=at,
    )
    facts = {
        "seed": seed,
        "size": str(size),
        "population": str(check.population_size),
        "population_digest": check.population_digest,
        "sample": ",".join(sample),
    }
    check.events.append(
        RecordEvent(
            record_id=check_id,
            seq=1,
            event="draw",
            actor_id=actor.id,
            actor_roles=actor_roles(actor),
            at=at,
            from_state="",
            to_state="drawn",
            rule=DRAW_RULE,
            reason="spot_check_drawn",
            facts=facts,
        )
    )
    return check
