"""Spot checks (抽查, R15): a supervisor draws a sample with a recorded seed, records a
finding per sampled case, and anyone auditing can redraw it from the seed.

The seed is a fresh id from the ids port (a UUID4 in production: 122 random bits), so the
domain holds no randomness and the draw is reproducible from what is stored.
"""

from __future__ import annotations

from attrs import frozen

from application.access import UseCase, authorise, authorise_region
from application.commands import DrawSpotCheck, RecordSpotFinding
from application.dependencies import Dependencies
from domain.actors import Actor
from domain.cases import Case
from domain.regions import RegionCode
from domain.spot_checks import (
    SampleCriteria,
    SpotCheck,
    SpotFinding,
    draw,
    draw_spot_check,
    population_digest,
)
from ports.storage import CaseQuery, UnitOfWork

ALL = 1_000_000


@frozen
class SpotCheckAudit:
    """A draw recomputed from its stored seed against the cases stored now."""

    check: SpotCheck
    population_size: int
    population_unchanged: bool  # the same cases meet the criteria as at the draw
    sample_reproduced: bool  # the seed draws the same sample from today's population
    sample_from_today: tuple[str, ...]


def draw_sample(deps: Dependencies, actor: Actor, command: DrawSpotCheck) -> SpotCheck:
    """Draw and store a sample of decided cases, with the seed drawn for it (R15)."""
    authorise(deps, actor, UseCase.SPOT_CHECK, subject=("spot_check", "new spot check"))
    criteria = SampleCriteria(
        within=RegionCode(command.within),
        decided_from=command.decided_from,
        decided_to=command.decided_to,
        service=command.service,
        outcome=command.outcome,
    )
    authorise_region(
        deps, actor, UseCase.SPOT_CHECK, criteria.within, subject=("spot_check", "new spot check")
    )
    now = deps.clock.now()
    seed = deps.ids.new_id("seed")
    with deps.uow() as uow:
        check = draw_spot_check(
            check_id=deps.ids.new_id("spot_check"),
            criteria=criteria,
            population=_candidates(uow, criteria),
            size=command.size,
            seed=seed,
            actor=actor,
            at=now,
        )
        uow.spot_checks.add(check)
        uow.commit()
    return check


def record_spot_finding(
    deps: Dependencies, actor: Actor, command: RecordSpotFinding
) -> SpotFinding:
    """Record what the check found on one sampled case, naming the staff concerned."""
    authorise(deps, actor, UseCase.SPOT_CHECK, subject=("spot_check", command.check_id))
    now = deps.clock.now()
    with deps.uow() as uow:
        check = uow.spot_checks.get(command.check_id)
        authorise_region(
            deps, actor, UseCase.SPOT_CHECK, check.region, subject=("spot_check", check.id)
        )
        case = uow.cases.get(command.case_id)  # one outside the sample is refused below
        finding = check.record_finding(
            case,
            verdict=command.verdict,
            text=command.text,
            staff_id=command.staff_id,
            actor=actor,
            at=now,
        )
        uow.spot_checks.save(check)
        uow.commit()
    return finding


def audit_spot_check(deps: Dependencies, actor: Actor, check_id: str) -> SpotCheckAudit:
    """Redraw a spot check from its seed: is the population the same, and the sample?"""
    authorise(deps, actor, UseCase.READ_SPOT_CHECKS, subject=("spot_check", check_id))
    with deps.uow() as uow:
        check = uow.spot_checks.get(check_id)
        authorise_region(
            deps, actor, UseCase.READ_SPOT_CHECKS, check.region, subject=("spot_check", check.id)
        )
        population = [c.id for c in _candidates(uow, check.criteria) if check.criteria.admits(c)]
    redrawn = draw(population, check.size, check.seed)
    return SpotCheckAudit(
        check=check,
        population_size=len(set(population)),
        population_unchanged=population_digest(population) == check.population_digest,
        sample_reproduced=redrawn == check.sample,
        sample_from_today=redrawn,
    )


def get_spot_check(deps: Dependencies, actor: Actor, check_id: str) -> SpotCheck:
    authorise(deps, actor, UseCase.READ_SPOT_CHECKS, subject=("spot_check", check_id))
    with deps.uow() as uow:
        check = uow.spot_checks.get(check_id)
    authorise_region(
        deps, actor, UseCase.READ_SPOT_CHECKS, check.region, subject=("spot_check", check.id)
    )
    return check


def list_spot_checks(
    deps: Dependencies, actor: Actor, *, within: RegionCode | None = None
) -> list[SpotCheck]:
    region = within or actor.region
    authorise(deps, actor, UseCase.READ_SPOT_CHECKS, subject=("spot_check", f"region {region}"))
    authorise_region(
        deps, actor, UseCase.READ_SPOT_CHECKS, region, subject=("spot_check", f"region {region}")
    )
    with deps.uow() as uow:
        return uow.spot_checks.within(region)


def _candidates(uow: UnitOfWork, criteria: SampleCriteria) -> list[Case]:
    """The cases of the region (and service) for the criteria to admit or not."""
    return uow.cases.find(CaseQuery(service=criteria.service, within=criteria.within, limit=ALL))
