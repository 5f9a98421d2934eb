"""R15: spot checks draw a reproducible sample with a recorded seed; findings per case
name the staff member concerned."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.commands import DrawSpotCheck, RecordSpotFinding
from application.errors import AccessDenied
from application.spot_checks import (
    audit_spot_check,
    draw_sample,
    get_spot_check,
    list_spot_checks,
    record_spot_finding,
)
from domain.actors import Role
from domain.errors import InvalidValue
from domain.outcomes import DecisionKind
from domain.regions import RegionCode
from domain.services import Service
from domain.spot_checks import SampleCriteria, Verdict, acting_staff, draw, population_digest
from tests.factories import (
    COUNTY,
    OTHER_TOWNSHIP,
    T0,
    TOWNSHIP,
    make_actor,
    make_case,
    resident_id,
)
from tests.unit.app_helpers import World
from tests.unit.lifecycle_helpers import case_in

IDS = st.lists(st.text("abcdef0123456789-", min_size=1, max_size=12), unique=True, max_size=40)
SEEDS = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")

# -- the draw (domain) --


@given(IDS, st.integers(min_value=1, max_value=50), SEEDS, st.randoms())
def test_r15_the_same_seed_draws_the_same_sample_whatever_the_order_of_the_cases(
    ids, size, seed, shuffler
):
    shuffled = list(ids)
    shuffler.shuffle(shuffled)

    assert draw(shuffled, size, seed) == draw(ids, size, seed)


@given(IDS, st.integers(min_value=1, max_value=50), SEEDS)
def test_r15_a_sample_is_as_many_distinct_cases_of_the_population_as_asked_or_all(ids, size, seed):
    sample = draw(ids, size, seed)

    assert set(sample) <= set(ids)
    assert len(sample) == len(set(sample)) == min(size, len(ids))


def test_r15_the_draw_follows_its_published_rule_so_anyone_can_recompute_it():
    """Rank each id by SHA-256 of "seed\\nid" in hex; take the lowest ranks."""
    ids = [f"case-{n:04d}" for n in range(1, 31)]
    seed = "seed-5b1f"

    expected = sorted(ids, key=lambda i: hashlib.sha256(f"{seed}\n{i}".encode()).hexdigest())[:4]

    assert draw(ids, 4, seed) == tuple(expected)


def test_r15_two_seeds_draw_different_samples_from_thirty_cases():
    ids = [f"case-{n:04d}" for n in range(1, 31)]

    assert draw(ids, 5, "seed-a") != draw(ids, 5, "seed-b")


@pytest.mark.parametrize(("size", "seed", "field"), [(0, "s", "size"), (3, " ", "seed")])
def test_r15_a_draw_needs_a_positive_size_and_a_seed(size, seed, field):
    with pytest.raises(InvalidValue) as refused:
        draw(["case-0001"], size, seed)

    assert refused.value.field == field


@given(IDS, st.randoms())
def test_r15_the_population_digest_does_not_depend_on_the_order_of_the_cases(ids, shuffler):
    shuffled = list(ids)
    shuffler.shuffle(shuffled)

    assert population_digest(shuffled) == population_digest(ids)


def test_r15_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(InvalidValue) as refused:
        SampleCriteria(COUNTY, date(2026, 3, 31), date(2026, 3, 1))

    assert refused.value.field == "decided_to"


# -- which cases the criteria admit (domain) --


def test_r15_the_criteria_admit_a_case_decided_in_the_period_with_the_outcome_asked():
    case = case_in(Service.ELDERLY_LIVING, "approved")
    criteria = SampleCriteria(
        case.region, T0.date(), T0.date(), Service.ELDERLY_LIVING, DecisionKind.APPROVED
    )

    assert criteria.admits(case)


@pytest.mark.parametrize(
    "criteria",
    [
        pytest.param(
            SampleCriteria(RegionCode("370112"), T0.date(), T0.date(), Service.DIBAO),
            id="another-service",
        ),
        pytest.param(
            SampleCriteria(
                RegionCode("370112"), T0.date(), T0.date(), outcome=DecisionKind.REJECTED
            ),
            id="another-outcome",
        ),
        pytest.param(
            SampleCriteria(RegionCode("370112"), date(2026, 4, 1), date(2026, 4, 30)),
            id="another-period",
        ),
        pytest.param(SampleCriteria(COUNTY, T0.date(), T0.date()), id="another-region"),
    ],
)
def test_r15_the_criteria_leave_out_a_case_that_misses_any_of_them(criteria):
    case = case_in(Service.ELDERLY_LIVING, "approved")  # in 370112001, on 2 March 2026

    assert not criteria.admits(case)


def test_r15_an_undecided_case_is_never_sampled():
    case = case_in(Service.ELDERLY_LIVING, "verified")

    assert not SampleCriteria(RegionCode("37"), date(2026, 1, 1), date(2026, 12, 31)).admits(case)


# -- drawing and recording through the use cases --


def refused_cases(world: World, count: int) -> list[str]:
    """Dibao cases refused by the county approver on the first day."""
    ids = []
    for serial in range(1, count + 1):
        intake = world.submit_dibao(resident_id(serial))
        world.refuse_dibao(intake.case.id)
        ids.append(intake.case.id)
    return ids


def draw_command(size: int = 3, **kw: object) -> DrawSpotCheck:
    return DrawSpotCheck(str(COUNTY), T0.date(), T0.date(), size, **kw)  # type: ignore[arg-type]


def test_r15_a_draw_records_its_seed_criteria_and_population():
    world = World()
    ids = refused_cases(world, 6)

    check = draw_sample(world.deps, world.staff.supervisor, draw_command(service=Service.DIBAO))

    assert (check.seed, check.population_size, check.population_digest) == (
        "seed-0001",
        6,
        population_digest(ids),
    )
    assert dict(check.events[0].facts)["seed"] == "seed-0001"


def test_r15_the_sample_is_the_one_its_seed_draws_from_the_population():
    world = World()
    ids = refused_cases(world, 6)

    check = draw_sample(world.deps, world.staff.supervisor, draw_command(service=Service.DIBAO))

    assert check.sample == draw(ids, 3, check.seed)


def test_r15_an_audit_redraws_the_same_sample_from_the_stored_seed():
    world = World()
    refused_cases(world, 6)
    check = draw_sample(world.deps, world.staff.supervisor, draw_command(service=Service.DIBAO))

    audit = audit_spot_check(world.deps, world.staff.supervisor, check.id)

    assert (audit.population_unchanged, audit.sample_reproduced) == (True, True)


def test_r15_an_audit_says_when_the_population_has_changed_since_the_draw():
    world = World()
    refused_cases(world, 4)
    check = draw_sample(world.deps, world.staff.supervisor, draw_command(service=Service.DIBAO))
    late = world.submit_dibao(resident_id(50))
    world.refuse_dibao(late.case.id)

    audit = audit_spot_check(world.deps, world.staff.supervisor, check.id)

    assert (audit.population_size, audit.population_unchanged) == (5, False)


def test_r15_a_draw_by_outcome_samples_only_cases_decided_that_way():
    world = World()
    refused_cases(world, 3)  # the linked employment cases end as branch_ended

    check = draw_sample(
        world.deps, world.staff.supervisor, draw_command(size=10, outcome=DecisionKind.REJECTED)
    )

    assert {world.case(i).service for i in check.sample} == {Service.DIBAO}
    assert check.population_size == 3


def test_r15_a_finding_names_the_staff_member_concerned():
    world = World()
    refused_cases(world, 4)
    check = draw_sample(world.deps, world.staff.supervisor, draw_command(service=Service.DIBAO))
    world.tick()

    finding = record_spot_finding(
        world.deps,
        world.staff.supervisor,
        RecordSpotFinding(
            check.id, check.sample[0], Verdict.DEFICIENT, "未记录收入核算过程", "approver-1"
        ),
    )

    assert (finding.case_id, finding.verdict, finding.staff_id, finding.by) == (
        check.sample[0],
        Verdict.DEFICIENT,
        "approver-1",
        "supervisor-1",
    )


def test_r15_a_finding_naming_someone_who_never_acted_on_the_case_is_refused():
    world = World()
    refused_cases(world, 4)
    check = draw_sample(world.deps, world.staff.supervisor, draw_command(service=Service.DIBAO))

    with pytest.raises(InvalidValue) as refused:
        record_spot_finding(
            world.deps,
            world.staff.supervisor,
            RecordSpotFinding(check.id, check.sample[0], Verdict.DEFICIENT, "不规范", "hr-1"),
        )

    assert refused.value.field == "staff_id"


def test_r15_a_finding_on_a_case_outside_the_sample_is_refused():
    world = World()
    ids = refused_cases(world, 4)
    check = draw_sample(
        world.deps, world.staff.supervisor, draw_command(size=1, service=Service.DIBAO)
    )
    outside = next(i for i in ids if i not in check.sample)

    with pytest.raises(InvalidValue) as refused:
        record_spot_finding(
            world.deps,
            world.staff.supervisor,
            RecordSpotFinding(check.id, outside, Verdict.COMPLIANT, "规范"),
        )

    assert refused.value.field == "case_id"


def test_r15_each_sampled_case_has_one_finding_and_the_check_is_then_complete():
    world = World()
    refused_cases(world, 2)
    check = draw_sample(
        world.deps, world.staff.supervisor, draw_command(size=2, service=Service.DIBAO)
    )
    for case_id in check.sample:
        world.tick()
        record_spot_finding(
            world.deps,
            world.staff.supervisor,
            RecordSpotFinding(check.id, case_id, Verdict.COMPLIANT, "材料齐全，程序规范"),
        )

    with pytest.raises(InvalidValue) as refused:
        record_spot_finding(
            world.deps,
            world.staff.supervisor,
            RecordSpotFinding(check.id, check.sample[0], Verdict.DEFICIENT, "改判"),
        )

    audit = audit_spot_check(world.deps, world.staff.supervisor, check.id)
    assert (refused.value.code, audit.check.is_complete) == ("finding_recorded", True)


def test_p10_only_a_supervisor_draws_a_sample():
    world = World()

    with pytest.raises(AccessDenied):
        draw_sample(world.deps, world.staff.approver, draw_command())


def test_p10_a_township_supervisor_cannot_draw_from_the_whole_county():
    world = World()
    township_supervisor = make_actor(Role.SUPERVISOR, actor_id="supervisor-2", region=TOWNSHIP)

    with pytest.raises(AccessDenied):
        draw_sample(world.deps, township_supervisor, draw_command())


def test_r15_a_sample_drawn_within_one_township_leaves_out_the_others():
    world = World()
    refused_cases(world, 3)
    command = DrawSpotCheck(str(OTHER_TOWNSHIP), T0.date(), T0.date() + timedelta(days=1), 5)

    check = draw_sample(world.deps, world.staff.supervisor, command)

    assert (check.population_size, check.sample) == (0, ())


def test_r15_the_staff_who_acted_on_a_case_are_those_of_its_events():
    case = make_case()

    assert acting_staff(case) == frozenset({"clerk-1"})


def test_r15_an_auditor_reads_the_spot_checks_of_the_county_oldest_first():
    world = World()
    refused_cases(world, 2)
    first = draw_sample(world.deps, world.staff.supervisor, draw_command(size=1))
    world.tick()
    second = draw_sample(world.deps, world.staff.supervisor, draw_command(size=2))
    auditor = make_actor(Role.AUDITOR, actor_id="auditor-1", region=COUNTY)

    listed = list_spot_checks(world.deps, auditor)

    assert [c.id for c in listed] == [first.id, second.id]
    assert get_spot_check(world.deps, auditor, second.id).sample == second.sample


def test_p10_a_window_clerk_does_not_read_spot_checks():
    world = World()

    with pytest.raises(AccessDenied):
        list_spot_checks(world.deps, world.staff.clerk)
