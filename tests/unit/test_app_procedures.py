"""Each service's procedure through the use cases (R1): the wait after a refusal, the
benefit computed at confirmation, the hard limits, and the proposals shown to officers."""

from __future__ import annotations

from datetime import date

import pytest
from attrs import evolve

from application.queries import get_case
from domain.benefits import (
    BenefitDecision,
    DibaoHousehold,
    DibaoTier,
    DibaoTierTable,
    SelfCareItems,
    SubsidyAmount,
    dibao_benefit,
)
from domain.cases import APPROVED, BENEFIT_GRANTED, CLOSED, VERIFIED
from domain.decision_notices import DecisionKind
from domain.eligibility import TrainingGroup, Verdict
from domain.errors import RuleRefused
from domain.facts import AssistanceRecord, DisabilityStatus, RecordStatus
from domain.money import Money
from domain.particulars import (
    AppraisalClaim,
    RegistrationDeclaration,
    TekunCircumstances,
    TemporaryKind,
    TemporaryRequest,
    TrainingClaim,
)
from domain.policy import Source
from domain.policy_defaults import default_policy
from domain.services import Outcome, Service
from tests.factories import resident_id
from tests.unit.app_helpers import HOUSEHOLD, World, born_aged, scenario_of


@pytest.fixture
def world() -> World:
    return World()


def refused_dibao(world: World, serial: int = 1) -> str:
    intake = world.submit_dibao(resident_id(serial))
    world.prepare_and_verify_dibao(intake.case.id)
    world.refuse_dibao(intake.case.id)
    return intake.case.id


# -- R1: six months' wait after a refusal, unless circumstances change --


def test_r1_a_new_dibao_application_within_six_months_of_a_refusal_is_not_accepted(
    world: World,
) -> None:
    refused_dibao(world)
    world.clock.advance(days=60)

    again = world.submit_dibao(resident_id(1))

    assert again.case.closure is not None
    assert (again.case.closure.outcome, again.case.closure.reason, again.case.closure.rule) == (
        Outcome.NOT_ACCEPTED,
        "refused_within_waiting_period",
        "R1",
    )
    (reason,) = again.notice.not_accepted_reasons
    assert reason.code == "refused_within_waiting_period"
    assert "情况发生变化" in reason.text
    assert world.view(scenario_of(again)).status == "not_accepted"


def test_r1_a_declared_change_of_circumstances_is_accepted_and_recorded(world: World) -> None:
    refused_dibao(world)
    world.clock.advance(days=60)
    change = "家庭成员因病失去工作"

    again = world.submit_dibao(resident_id(1), declared_change=change)

    assert again.case.is_open
    assert again.notice.accepted
    assert again.case.declared_change == change
    assert again.case.events[0].facts["declared_change"] == change


def test_r1_after_six_months_a_new_application_is_accepted_again(world: World) -> None:
    refused_dibao(world)
    world.clock.advance(days=200)

    again = world.submit_dibao(resident_id(1))

    assert again.case.is_open


def test_r1_a_refusal_on_the_platform_within_six_months_also_makes_dibao_wait(
    world: World,
) -> None:
    person = resident_id(2)
    world.platform.seed_history(
        person, AssistanceRecord(Service.DIBAO, RecordStatus.REFUSED, date(2026, 1, 10), "SD-9")
    )

    intake = world.submit_dibao(person)

    assert intake.case.closure is not None
    assert intake.case.closure.reason == "refused_within_waiting_period"
    assert "SD-9" in intake.case.events[-1].note


def test_r1_a_tekun_application_within_six_months_of_a_tekun_refusal_is_not_accepted(
    world: World,
) -> None:
    person = resident_id(3, born=date(1950, 1, 1))
    first = world.submit(Service.TEKUN, person)
    world.step(world.staff.reviewer, first.case.id, "record_check_report")
    world.step(world.staff.reviewer, first.case.id, "verify")
    world.step(world.staff.approver, first.case.id, "reject", reason="has_able_supporter")
    world.clock.advance(days=30)

    again = world.submit(Service.TEKUN, person)

    assert again.case.state == CLOSED
    assert not again.notice.accepted


# -- the benefit, computed at confirmation and shown in the decision notice --


def test_r1_dibao_is_the_standard_minus_income_per_member_times_the_members_covered(
    world: World,
) -> None:
    """Sample county 370102: 950 yuan from 2026; 3 members, 1200 yuan, 2 covered."""
    intake = world.submit_dibao(resident_id(1))
    world.prepare_and_verify_dibao(intake.case.id)

    world.grant_dibao(intake.case.id)

    case = world.case(intake.case.id)
    assert isinstance(case.benefit, BenefitDecision)
    assert case.benefit.monthly == Money.yuan("1100")  # (950 - 400) x 2
    assert case.benefit.starts_on == date(2026, 4, 1)  # the month after confirmation
    granted = next(e for e in case.events if e.event == "approve")
    assert granted.facts["monthly_fen"] == "110000"


def test_the_dibao_decision_notice_shows_how_the_amount_was_computed(world: World) -> None:
    intake = world.submit_dibao(resident_id(1))
    world.prepare_and_verify_dibao(intake.case.id)
    world.grant_dibao(intake.case.id)

    view = get_case(world.deps, world.staff.approver, intake.case.id)

    assert view.decision is not None
    assert view.decision.kind is DecisionKind.APPROVED
    values = [line.value for line in view.decision.lines]
    assert "950.00元" in " ".join(values)
    assert "1100.00元" in " ".join(values)


def test_r1_dibao_cannot_be_confirmed_before_the_household_is_recorded(world: World) -> None:
    intake = world.submit_dibao(resident_id(1))
    world.step(world.staff.reviewer, intake.case.id, "record_check_report")
    world.step(world.staff.reviewer, intake.case.id, "verify")
    world.publish_and_pass_notice(intake.case.id)

    with pytest.raises(RuleRefused) as refused:
        world.step(world.staff.approver, intake.case.id, "approve")

    assert (refused.value.code, refused.value.rule) == ("household_missing", "R1")
    assert world.case(intake.case.id).state != APPROVED


def tekun_ready_to_confirm(world: World, person_serial: int = 5) -> str:
    person = resident_id(person_serial, born=date(1950, 1, 1))
    intake = world.submit(Service.TEKUN, person, particulars=TekunCircumstances(True, True))
    world.step(world.staff.reviewer, intake.case.id, "record_check_report")
    world.step(world.staff.reviewer, intake.case.id, "verify")
    world.publish_and_pass_notice(intake.case.id)
    return intake.case.id


def test_r1_tekun_fixes_its_care_level_from_the_six_items_at_confirmation(world: World) -> None:
    case_id = tekun_ready_to_confirm(world)
    items = SelfCareItems(False, False, False, False, True, True)  # four failed

    world.step(
        world.staff.approver,
        case_id,
        "approve",
        particulars=TekunCircumstances(True, True, items),
    )

    case = world.case(case_id)
    assert isinstance(case.benefit, BenefitDecision)
    assert "全护理" in " ".join(line.value for line in case.benefit.lines)


def test_r1_tekun_cannot_be_confirmed_without_the_self_care_assessment(world: World) -> None:
    case_id = tekun_ready_to_confirm(world)

    with pytest.raises(RuleRefused) as refused:
        world.step(world.staff.approver, case_id, "approve")

    assert refused.value.code == "self_care_missing"


def test_r1_tekun_is_never_approved_while_dibao_is_paid_to_the_same_person(world: World) -> None:
    person = resident_id(5, born=date(1950, 1, 1))
    dibao = world.submit_dibao(person)
    world.prepare_and_verify_dibao(dibao.case.id)
    world.grant_dibao(dibao.case.id)
    case_id = tekun_ready_to_confirm(world, person_serial=5)
    items = TekunCircumstances(True, True, SelfCareItems(*[True] * 6))

    with pytest.raises(RuleRefused) as refused:
        world.step(world.staff.approver, case_id, "approve", particulars=items)

    assert (refused.value.code, refused.value.rule) == ("dibao_tekun_exclusive", "R1")


# -- temporary assistance: once a year for the same cause --


def temporary(world: World, cause: str, serial: int = 7) -> str:
    request = TemporaryRequest(TemporaryKind.SPENDING, cause, Money.yuan("1500"))
    intake = world.submit(Service.TEMPORARY, resident_id(serial), particulars=request)
    world.step(world.staff.reviewer, intake.case.id, "record_check_report")
    world.step(world.staff.reviewer, intake.case.id, "verify")
    return intake.case.id


def test_r1_temporary_assistance_is_a_one_off_amount(world: World) -> None:
    case_id = temporary(world, "serious_illness")

    world.step(world.staff.approver, case_id, "approve")

    benefit = world.case(case_id).benefit
    assert isinstance(benefit, SubsidyAmount)
    assert benefit.amount == Money.yuan("1500")


def test_r1_the_same_cause_is_helped_once_a_year(world: World) -> None:
    first = temporary(world, "serious_illness")
    for event in ("approve", "grant", "close"):
        world.step(world.staff.approver, first, event, reason="assistance_paid")
    world.clock.advance(days=100)
    second = temporary(world, "serious_illness")

    with pytest.raises(RuleRefused) as refused:
        world.step(world.staff.approver, second, "approve")

    assert refused.value.code == "same_cause_within_a_year"


def test_r1_another_cause_within_the_year_can_be_helped(world: World) -> None:
    first = temporary(world, "serious_illness")
    for event in ("approve", "grant", "close"):
        world.step(world.staff.approver, first, event, reason="assistance_paid")
    world.clock.advance(days=100)
    second = temporary(world, "fire")

    world.step(world.staff.approver, second, "approve")

    assert world.case(second).state == APPROVED


# -- training and appraisal subsidies: once --


def claim(world: World, service: Service, level: str, serial: int = 8) -> str:
    group = TrainingGroup.REGISTERED_UNEMPLOYED
    particulars = (
        TrainingClaim(group, "电工", level)
        if service is Service.TRAINING_SUBSIDY
        else AppraisalClaim(group, "电工", level, True)
    )
    intake = world.submit(service, resident_id(serial), particulars=particulars)
    world.step(world.staff.hr, intake.case.id, "verify")
    return intake.case.id


def grant(world: World, case_id: str) -> None:
    """Approve, pay and close: a one-off subsidy ends once it is paid."""
    world.step(world.staff.hr, case_id, "approve")
    world.step(world.staff.hr, case_id, "grant")
    world.step(world.staff.hr, case_id, "close", reason="subsidy_paid")


@pytest.mark.parametrize(("level", "refused"), [("五级", True), ("四级", False)])
def test_r1_a_training_subsidy_is_granted_once_per_occupation_and_level(
    world: World, level: str, refused: bool
) -> None:
    grant(world, claim(world, Service.TRAINING_SUBSIDY, "五级"))
    second = claim(world, Service.TRAINING_SUBSIDY, level)

    if refused:
        with pytest.raises(RuleRefused) as refusal:
            world.step(world.staff.hr, second, "approve")
        assert refusal.value.code == "first_for_occupation_and_level"
    else:
        world.step(world.staff.hr, second, "approve")
        assert world.case(second).state == APPROVED


def test_r1_the_skill_appraisal_subsidy_is_granted_once(world: World) -> None:
    grant(world, claim(world, Service.SKILL_APPRAISAL_SUBSIDY, "五级"))
    second = claim(world, Service.SKILL_APPRAISAL_SUBSIDY, "四级")

    with pytest.raises(RuleRefused) as refused:
        world.step(world.staff.hr, second, "approve")

    assert refused.value.code == "appraisal_subsidy_not_granted_before"


# -- eligibility inputs: proposals, and reasons the rules forbid --


def test_r1_unemployment_registration_is_not_refused_for_living_away_from_home(
    world: World,
) -> None:
    intake = world.submit(Service.UNEMPLOYMENT_REGISTRATION, resident_id(9))

    with pytest.raises(RuleRefused) as refused:
        world.step(
            world.staff.hr, intake.case.id, "reject", reason="lives_away_from_registered_household"
        )

    assert refused.value.rule == "R1"
    assert world.case(intake.case.id).is_open


def test_r12_the_registration_proposal_explains_and_leaves_the_decision_to_the_officer(
    world: World,
) -> None:
    declaration = RegistrationDeclaration(receives_pension=True)
    intake = world.submit(
        Service.UNEMPLOYMENT_REGISTRATION, resident_id(9), particulars=declaration
    )

    view = get_case(world.deps, world.staff.hr, intake.case.id)

    assert view.proposal is not None
    assert view.proposal.verdict is Verdict.APPEARS_INELIGIBLE
    assert "经办人员审核决定" in view.proposal.note
    assert "verify" in view.allowed_events  # the officer may still decide otherwise


def test_r1_a_recognition_is_recorded_with_the_category_that_applied(world: World) -> None:
    """A dibao recipient registered unemployed is recognised as a dibao recipient."""
    person = resident_id(10, born=born_aged(35))
    world.unemployment.seed_registered(person, date(2026, 1, 5))
    intake = world.submit_dibao(person)
    world.prepare_and_verify_dibao(intake.case.id)
    world.grant_dibao(intake.case.id)
    recognition = world.linked(scenario_of(intake), Service.EMPLOYMENT_DIFFICULTY)

    world.grant_linked(recognition.id)

    assert world.case(recognition.id).category == "dibao_recipient"


def test_r7_a_lower_severe_disability_subsidy_gives_way_to_the_elderly_nursing_subsidy(
    world: World,
) -> None:
    person = resident_id(11, born=born_aged(82))
    world.disability.seed(
        person, DisabilityStatus(True, 1, "肢体", severe_nursing_monthly=Money.yuan("60"))
    )
    intake = world.submit_dibao(person)
    world.prepare_and_verify_dibao(intake.case.id)
    world.grant_dibao(intake.case.id)
    nursing = world.linked(scenario_of(intake), Service.ELDERLY_NURSING)
    world.step(world.staff.assessor, nursing.id, "record_assessment", assessment_level=3)
    world.step(world.staff.reviewer, nursing.id, "verify")

    world.step(world.staff.approver, nursing.id, "approve")

    benefit = world.case(nursing.id).benefit
    assert isinstance(benefit, BenefitDecision)
    assert benefit.monthly == Money.yuan("80")
    assert "停" in benefit.note or "不同时" in benefit.note


def test_r7_a_higher_or_unknown_severe_disability_subsidy_ends_the_elderly_branch(
    world: World,
) -> None:
    person = resident_id(12, born=born_aged(82))
    world.disability.seed(person, DisabilityStatus(True, 1, "肢体"))
    intake = world.submit_dibao(person)
    world.prepare_and_verify_dibao(intake.case.id)

    world.grant_dibao(intake.case.id)

    assert not world.has_linked(scenario_of(intake), Service.ELDERLY_NURSING)


def test_a_verified_household_is_kept_on_the_case(world: World) -> None:
    intake = world.submit_dibao(resident_id(1))

    world.prepare_and_verify_dibao(intake.case.id)

    case = world.case(intake.case.id)
    assert case.state == VERIFIED
    assert case.particulars == HOUSEHOLD


def test_a_granted_dibao_case_has_no_proposal_but_a_decision(world: World) -> None:
    intake = world.submit_dibao(resident_id(1))
    world.prepare_and_verify_dibao(intake.case.id)
    world.grant_dibao(intake.case.id)
    world.clock.advance(days=1)

    view = get_case(world.deps, world.staff.approver, intake.case.id)

    assert view.case.state == BENEFIT_GRANTED
    assert view.proposal is None
    assert view.decision is not None
    assert view.deadline is None


def test_r1_a_region_with_a_tiered_table_pays_dibao_by_its_tiers() -> None:
    """Income 400 yuan per member falls in the second tier: 500 yuan per person covered."""
    policy = default_policy()
    tiers = DibaoTierTable(
        (
            DibaoTier(Money.yuan("200"), Money.yuan("700")),
            DibaoTier(Money.yuan("500"), Money.yuan("500")),
            DibaoTier(None, Money.yuan("200")),
        ),
        Source("示例分档标准", "?"),
        date(2026, 1, 1),
    )
    regions = tuple(
        evolve(r, dibao_tiers=(tiers,)) if str(r.region) == "370102" else r for r in policy.regions
    )
    world = World(policy=evolve(policy, regions=regions))
    intake = world.submit_dibao(resident_id(1))
    world.prepare_and_verify_dibao(intake.case.id)

    world.grant_dibao(intake.case.id)

    benefit = world.case(intake.case.id).benefit
    assert isinstance(benefit, BenefitDecision)
    assert benefit.monthly == Money.yuan("1000")  # 500 x 2 covered


def test_r1_the_appraisal_subsidy_is_only_for_a_first_certificate(world: World) -> None:
    group = TrainingGroup.GRADUATION_YEAR_GRADUATE
    particulars = AppraisalClaim(group, "电工", "五级", first_certificate=False)
    intake = world.submit(Service.SKILL_APPRAISAL_SUBSIDY, resident_id(8), particulars=particulars)
    world.step(world.staff.hr, intake.case.id, "verify")

    with pytest.raises(RuleRefused) as refused:
        world.step(world.staff.hr, intake.case.id, "approve")

    assert refused.value.code == "first_certificate"


def test_r1_a_training_subsidy_needs_one_of_the_five_groups(world: World) -> None:
    particulars = TrainingClaim(None, "电工", "五级")
    intake = world.submit(Service.TRAINING_SUBSIDY, resident_id(8), particulars=particulars)
    world.step(world.staff.hr, intake.case.id, "verify")

    with pytest.raises(RuleRefused) as refused:
        world.step(world.staff.hr, intake.case.id, "approve")

    assert refused.value.code == "training_group_missing"


def test_the_approval_event_keeps_the_inputs_so_the_amount_can_be_recomputed(
    world: World,
) -> None:
    """Issue 4 (history): the household figures sit on the event beside the result."""
    intake = world.submit_dibao(resident_id(1))
    world.prepare_and_verify_dibao(intake.case.id)
    world.grant_dibao(intake.case.id)
    approval = next(e for e in world.case(intake.case.id).events if e.event == "approve")
    facts = approval.facts
    household = DibaoHousehold(
        int(facts["particulars.members"]),
        int(facts["particulars.covered"]),
        Money(int(facts["particulars.monthly_income_fen"])),
    )
    standard = world.deps.policy.region(intake.case.region).dibao_standard_on(approval.at.date())
    assert standard is not None

    recomputed = dibao_benefit(household, standard, confirmed_on=approval.at.date())

    assert str(recomputed.monthly.fen) == facts["monthly_fen"]
