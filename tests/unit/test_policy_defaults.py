"""The shipped policy: guides for every service, parameters, regions and permissions."""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain.actors import Role
from domain.money import Money
from domain.policy import ServiceGuide
from domain.policy_defaults import default_policy
from domain.regions import RegionCode, RegionLevel
from domain.services import Department, Service

SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def guide_for(service: Service) -> ServiceGuide:
    return default_policy().guide(service)


def texts_staff_read(guide: ServiceGuide) -> list[str]:
    return [
        *guide.basis,
        *guide.conditions,
        *guide.procedure,
        *(material.name for material in guide.materials),
    ]


def test_every_service_has_a_guide_for_itself() -> None:
    policy = default_policy()

    services = {service: policy.guide(service).service for service in Service}

    assert services == {service: service for service in Service}


@pytest.mark.parametrize("service", list(Service))
def test_every_guide_names_its_basis_procedure_and_conditions(service: Service) -> None:
    guide = guide_for(service)

    assert guide.basis
    assert guide.procedure
    assert guide.conditions


@pytest.mark.parametrize("service", list(Service))
def test_every_guide_asks_for_at_least_one_required_material(service: Service) -> None:
    guide = guide_for(service)

    assert guide.required_materials


@pytest.mark.parametrize("service", list(Service))
def test_every_guide_has_a_positive_time_limit_with_a_source(service: Service) -> None:
    limit = guide_for(service).time_limit

    assert limit.working_days > 0
    assert limit.source.document
    assert limit.source.tag in {"N", "SD", "O", "?"}


@pytest.mark.parametrize("service", list(Service))
def test_a_time_limit_tagged_as_a_reading_asks_for_local_confirmation(
    service: Service,
) -> None:
    source = guide_for(service).time_limit.source

    assert source.tag != "?" or "须由地方确认" in source.note


@pytest.mark.parametrize("service", list(Service))
def test_material_codes_are_unique_ascii_snake_case(service: Service) -> None:
    codes = [material.code for material in guide_for(service).materials]

    assert len(codes) == len(set(codes))
    assert all(code.isascii() and SNAKE_CASE.fullmatch(code) for code in codes)


@pytest.mark.parametrize("service", list(Service))
def test_every_text_staff_read_is_chinese(service: Service) -> None:
    texts = texts_staff_read(guide_for(service))

    assert [text for text in texts if not is_chinese(text)] == []


def test_the_same_document_has_the_same_name_in_every_guide() -> None:
    policy = default_policy()
    names: dict[str, set[str]] = {}

    for guide in policy.guides.values():
        for material in guide.materials:
            names.setdefault(material.code, set()).add(material.name)

    assert {code: found for code, found in names.items() if len(found) > 1} == {}


def test_dibao_asks_for_four_documents_and_the_rest_as_the_case_needs() -> None:
    guide = guide_for(Service.DIBAO)

    required = [material.code for material in guide.required_materials]

    assert required == [
        "id_card",
        "household_register",
        "commitment",
        "check_authorization",
    ]
    assert guide.material("income_proof") is not None
    assert guide.material("marriage_proof") is not None


def test_unemployment_registration_asks_only_for_an_id_and_a_signed_pledge() -> None:
    guide = guide_for(Service.UNEMPLOYMENT_REGISTRATION)

    required = [material.code for material in guide.required_materials]

    assert required == ["id_card", "commitment"]


@pytest.mark.parametrize("service", [Service.DIBAO, Service.TEKUN, Service.TEMPORARY])
def test_assistance_by_household_needs_the_economic_check(service: Service) -> None:
    guide = guide_for(service)

    assert guide.needs_economic_check
    assert not guide.needs_capability_assessment


def test_only_the_nursing_subsidy_needs_the_capability_assessment() -> None:
    policy = default_policy()

    assessed = [g.service for g in policy.guides.values() if g.needs_capability_assessment]

    assert assessed == [Service.ELDERLY_NURSING]


def test_dibao_may_take_twenty_working_days_and_thirty_in_special_cases() -> None:
    limit = guide_for(Service.DIBAO).time_limit

    assert (limit.working_days, limit.extended_working_days) == (20, 30)
    assert limit.source.tag == "SD"


def test_missing_materials_lists_every_required_one_at_once_in_order() -> None:
    guide = guide_for(Service.DIBAO)

    missing = guide.missing_materials(frozenset({"household_register", "income_proof"}))

    assert [m.code for m in missing] == ["id_card", "commitment", "check_authorization"]


def test_nothing_is_missing_once_every_required_material_is_supplied() -> None:
    guide = guide_for(Service.DIBAO)
    supplied = frozenset(m.code for m in guide.required_materials)

    missing = guide.missing_materials(supplied)

    assert missing == ()


def test_the_sample_county_resolves_to_its_own_parameters() -> None:
    policy = default_policy()

    parameters = policy.region(RegionCode("370102001"))

    assert parameters.region == RegionCode("370102")
    assert parameters.confirming_level is RegionLevel.COUNTY


def test_a_township_of_another_county_resolves_to_the_province() -> None:
    policy = default_policy()

    parameters = policy.region(RegionCode("370203001"))

    assert parameters.region == RegionCode("37")
    assert parameters.confirming_level is RegionLevel.TOWNSHIP


def test_every_dibao_standard_shipped_is_labelled_a_sample() -> None:
    policy = default_policy()

    sources = [s.source for r in policy.regions for s in r.dibao_standard]

    assert sources
    assert all(s.tag == "?" and "示例" in s.note for s in sources)


def test_the_dibao_standard_in_force_is_the_latest_effective_one() -> None:
    county = default_policy().region(RegionCode("370102"))

    in_2025 = county.dibao_standard_on(date(2025, 12, 31))
    in_2026 = county.dibao_standard_on(date(2026, 3, 1))

    starts = [s.effective_from for s in (in_2025, in_2026) if s is not None]
    assert starts == [date(2025, 1, 1), date(2026, 1, 1)]


def test_no_dibao_standard_is_in_force_before_the_first_one() -> None:
    province = default_policy().region(RegionCode("37"))

    standard = province.dibao_standard_on(date(2025, 12, 31))

    assert standard is None


def test_elderly_living_subsidy_rises_with_age() -> None:
    bands = default_policy().parameters.elderly_living_bands

    by_age = {age: next(b.monthly for b in bands if b.contains(age)) for age in (60, 85, 99)}

    assert by_age == {60: Money.yuan("80"), 85: Money.yuan("100"), 99: Money.yuan("200")}


def test_nursing_subsidy_is_paid_for_moderate_or_severe_loss_of_ability() -> None:
    parameters = default_policy().parameters

    assert parameters.nursing_qualifying_levels == frozenset({2, 3})
    assert parameters.nursing_monthly == Money.yuan("80")


def test_a_person_of_exactly_sixty_meets_the_default_age_rule() -> None:
    rule = default_policy().parameters.age_rule

    assert rule.is_met(60)
    assert not rule.is_met(59)


@pytest.mark.parametrize("department", list(Department))
def test_only_the_system_ends_a_branch(department: Department) -> None:
    permissions = default_policy().permissions

    roles = permissions.roles_for(department, "end_branch")

    assert roles == frozenset({Role.SYSTEM})


def test_the_approver_approves_in_civil_affairs() -> None:
    permissions = default_policy().permissions

    roles = permissions.roles_for(Department.CIVIL_AFFAIRS, "approve")

    assert roles == frozenset({Role.APPROVER, Role.SYSTEM})


def test_the_hr_officer_approves_in_human_resources() -> None:
    permissions = default_policy().permissions

    roles = permissions.roles_for(Department.HUMAN_RESOURCES, "approve")

    assert roles == frozenset({Role.HR_OFFICER, Role.SYSTEM})


def test_no_civil_affairs_role_acts_in_human_resources() -> None:
    permissions = default_policy().permissions
    civil_staff = {Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER, Role.ASSESSOR}

    hr_roles = {
        role
        for (department, _event), roles in permissions.by_event.items()
        if department is Department.HUMAN_RESOURCES
        for role in roles
    }

    assert hr_roles & civil_staff == set()


def test_default_policy_returns_equal_but_independent_objects() -> None:
    first = default_policy()

    second = default_policy()

    assert first == second
    assert first is not second
    assert first.guides is not second.guides
    assert first.permissions.by_event is not second.permissions.by_event
