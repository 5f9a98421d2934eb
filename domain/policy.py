"""Policy as data: service guides and parameters, each with its source and date.

Nothing here is read from a global. The application receives a `Policy` (the
shipped defaults come from `domain.policy_defaults.default_policy()`, a county
passes its own) and hands the domain the part a decision needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from attrs import Factory, field, frozen

from domain.actors import Role
from domain.errors import PolicyError
from domain.money import Money
from domain.regions import RegionCode, RegionLevel
from domain.services import Department, Service

if TYPE_CHECKING:  # both modules build on the value classes here
    from domain.benefits import BenefitParameters, DibaoTierTable
    from domain.eligibility import EligibilityParameters


@frozen
class Source:
    """Where a figure or text comes from, with the tag of POLICY-FACTS.md.

    tag: "N" national rule, "SD" applied in Shandong, "O" another province only,
    "?" a reading or an inference.
    """

    document: str
    tag: str = "?"
    note: str = ""

    def __str__(self) -> str:
        note = f"；{self.note}" if self.note else ""
        return f"{self.document}［{self.tag}］{note}"


@frozen
class Material:
    """One material a service guide asks for (所需材料)."""

    code: str
    name: str
    required: bool = True  # False: only as the case needs (视情况提供)


@frozen
class TimeLimit:
    """A limit in working days counted from the day after acceptance (R13)."""

    working_days: int
    source: Source
    extended_working_days: int | None = None  # special cases (特殊情况)


@frozen
class NoticeProcedure:
    """Investigation, public notice (公示) and confirmation of dibao and tekun (R1, R13).

    The township investigates within `investigation_working_days` of acceptance, the
    opinion is publicly noticed for `notice_days` calendar days (from the day after it is
    posted), and the case is confirmed within `confirmation_working_days` of the notice's
    end; a refusal is notified in writing within `refusal_notice_working_days`.
    """

    investigation_working_days: int
    notice_days: int
    confirmation_working_days: int
    refusal_notice_working_days: int
    notice_counts_towards_limit: bool  # whether the notice's days use the overall limit
    source: Source


@frozen
class EmergencyProcedure:
    """Emergency temporary assistance (急难型): help first, then complete the paperwork."""

    help_within_hours: int
    completion_working_days: int  # verification and approval after the help
    source: Source


@frozen
class ServiceGuide:
    """A service guide (办事指南): basis, materials, procedure and time limit (R1, R2, R11)."""

    service: Service
    version: str
    effective_from: date
    basis: tuple[str, ...]
    materials: tuple[Material, ...]
    procedure: tuple[str, ...]
    time_limit: TimeLimit
    conditions: tuple[str, ...] = ()
    needs_economic_check: bool = False  # 家庭经济状况核对 before verification (R12)
    needs_capability_assessment: bool = False  # 老年人能力评估 before approval (R7)
    source: Source = Source("work-specification-2021 一", "SD")
    notice_procedure: NoticeProcedure | None = None
    emergency_procedure: EmergencyProcedure | None = None

    @property
    def department(self) -> Department:
        return self.service.department

    @property
    def required_materials(self) -> tuple[Material, ...]:
        return tuple(m for m in self.materials if m.required)

    def missing_materials(self, supplied: frozenset[str]) -> tuple[Material, ...]:
        """Every required material not yet supplied, in the guide's order (R11)."""
        return tuple(m for m in self.required_materials if m.code not in supplied)

    def material(self, code: str) -> Material | None:
        return next((m for m in self.materials if m.code == code), None)


@frozen
class DatedAmount:
    """An amount in force from a date (a standard or a subsidy rate)."""

    effective_from: date
    amount: Money
    source: Source


@frozen
class AgeRule:
    """The age threshold of R7: by default 60 counts (以上 includes the number)."""

    years: int = 60
    inclusive: bool = True
    source: Source = Source("民法典 第一千二百五十九条; RULES.md R7", "N")
    up_to: int | None = None  # the oldest age that still qualifies, both ends included

    def is_met(self, age: int) -> bool:
        if self.up_to is not None and age > self.up_to:
            return False
        return age >= self.years if self.inclusive else age > self.years


@frozen
class AgeBand:
    """An elderly living-subsidy band, both ends included (周岁)."""

    from_age: int
    to_age: int
    monthly: Money
    source: Source

    def contains(self, age: int) -> bool:
        return self.from_age <= age <= self.to_age


@frozen
class TrainingRule:
    """R14: staff are trained at least once a year; whether the untrained may act.

    With `required_to_act` on, the role guard refuses a case step by an officer with no
    training session this year (the system's own steps are not refused).
    """

    required_to_act: bool = False
    source: Source = Source(
        "RULES.md R14；work-specification-2021 三.(四)",
        "?",
        note="是否禁止未培训人员办理为本系统的设置，默认不禁止，由各地决定",
    )


@frozen
class RegionParameters:
    """What a province, city or county sets for itself; the nearest one applies."""

    region: RegionCode
    confirming_level: RegionLevel  # who confirms (审核确认): township or county
    dibao_standard: tuple[DatedAmount, ...] = ()
    days_off: frozenset[date] = frozenset()  # regional days off for deadlines (R13)
    source: Source = Source("RULES.md R13; POLICY-FACTS 谁确认", "SD")
    # Temporary assistance a township may approve on its own; above it the county does.
    township_approval_cap: DatedAmount | None = None
    # Where a region pays dibao in tiers (分档) instead of the gap to the standard.
    dibao_tiers: tuple[DibaoTierTable, ...] = ()
    # R14: whether an officer untrained this year may still act (off by default).
    training: TrainingRule = TrainingRule()

    def dibao_tiers_on(self, day: date) -> DibaoTierTable | None:
        """The tier table in force on `day`, if the region has one."""
        in_force = [t for t in self.dibao_tiers if t.effective_from <= day]
        return max(in_force, key=lambda t: t.effective_from, default=None)

    def dibao_standard_on(self, day: date) -> DatedAmount | None:
        """The standard in force on `day`: the latest one effective on or before it."""
        in_force = [s for s in self.dibao_standard if s.effective_from <= day]
        return max(in_force, key=lambda s: s.effective_from, default=None)


@frozen
class Permissions:
    """Which roles may apply which lifecycle event, per department (the role guard)."""

    by_event: Mapping[tuple[Department, str], frozenset[Role]]
    source: Source = Source("DESIGN.md 谁使用; work-specification-2021 二", "?")

    def roles_for(self, department: Department, event: str) -> frozenset[Role]:
        return self.by_event.get((department, event), frozenset())


@frozen
class Parameters:
    """Province-wide defaults that a region does not override per case."""

    age_rule: AgeRule
    elderly_living_bands: tuple[AgeBand, ...]
    nursing_qualifying_levels: frozenset[int]
    nursing_monthly: Money
    nursing_source: Source
    due_soon_working_days: int = 3  # R13: "due soon" within this many working days
    due_soon_source: Source = Source(
        "RULES.md R13", "?", note="“即将到期”的提前量为本系统的设置，由各地调整"
    )
    objection_route: ObjectionRoute | None = None
    refusal_reasons: Mapping[str, str] = Factory(dict)  # reason code -> Chinese text


@frozen
class ObjectionRoute:
    """How a person objects to a decision (复议、诉讼), told in every decision notice."""

    text: str
    source: Source


@frozen
class BounceRule:
    """When a record counts as bounced between units (推诿, R10).

    A record is bounced once it has moved between units more than `max_unit_moves`
    times, or has come back to a unit it had left. A hand-over between officers of one
    unit is not a move.
    """

    max_unit_moves: int = 2
    source: Source = Source(
        "RULES.md R10", "?", note="“来回转交”的认定为本系统的解读，次数由各地调整"
    )


@frozen
class SupervisionParameters:
    """Complaints and reports (R15), first-inquiry transfers (R10): limits and roles.

    `roles` says which roles may apply each event of a complaint or report; the time
    limits run from receipt to the answer, in working days.
    """

    complaint_time_limit: TimeLimit
    report_time_limit: TimeLimit
    bounce: BounceRule
    roles: Mapping[str, frozenset[Role]]
    source: Source = Source("DESIGN.md 谁使用；work-specification-2021 四", "?")

    def roles_for(self, event: str) -> frozenset[Role]:
        return self.roles.get(event, frozenset())


@frozen
class Policy:
    """Everything the domain needs to decide: guides, parameters, regions, permissions."""

    guides: Mapping[Service, ServiceGuide]
    parameters: Parameters
    regions: tuple[RegionParameters, ...] = field()
    permissions: Permissions
    benefits: BenefitParameters  # the arithmetic of each benefit (domain.benefits)
    eligibility: EligibilityParameters  # the conditions proposals check (domain.eligibility)
    supervision: SupervisionParameters  # complaints, first inquiry and spot checks (R10, R15)

    @regions.validator
    def _has_regions(self, _attribute: object, value: tuple[RegionParameters, ...]) -> None:
        if not value:
            raise PolicyError("policy needs parameters for at least one region")

    def guide(self, service: Service) -> ServiceGuide:
        try:
            return self.guides[service]
        except KeyError:
            raise PolicyError(f"no service guide for {service}") from None

    def region(self, code: RegionCode) -> RegionParameters:
        """The parameters of the nearest region that encloses `code`."""
        enclosing = [r for r in self.regions if code.is_within(r.region)]
        if not enclosing:
            raise PolicyError(f"no region parameters cover {code}")
        return max(enclosing, key=lambda r: len(r.region.code))
