"""Builders shared by the tests: valid people, actors, cases and scenarios at fixed times."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from domain.actors import Actor, Role
from domain.cases import Applicant, Case
from domain.identity import ResidentId, check_character
from domain.lifecycle import CaseRules, Step, open_case
from domain.policy import AgeRule, Policy
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.scenario import Scenario, react, start
from domain.services import Channel, Department, Service

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=CST)  # a Monday morning at the window
TOWNSHIP = RegionCode("370102001")  # 历下区 解放路街道
OTHER_TOWNSHIP = RegionCode("370102002")
COUNTY = RegionCode("370102")
OTHER_COUNTY = RegionCode("370103")

# Valid numbers of GB 11643: the standard's own sample and a common test number.
SAMPLE_ID = ResidentId("440524188001010014")
FEMALE_1949_ID = ResidentId("11010519491231002X")


def resident_id(serial: int = 1, *, born: date = date(1966, 5, 20)) -> ResidentId:
    """A valid ID number registered in 历下区, distinct for each serial (1 to 999)."""
    first17 = f"370102{born:%Y%m%d}{serial:03d}"
    return ResidentId(first17 + check_character(first17))


def make_actor(
    role: Role = Role.WINDOW_CLERK,
    *,
    actor_id: str = "clerk-1",
    region: RegionCode = TOWNSHIP,
) -> Actor:
    return Actor(id=actor_id, name=f"经办人{actor_id}", roles=[role], region=region)


def receiver_for(service: Service, region: RegionCode = TOWNSHIP) -> Actor:
    """An actor allowed to receive the service's applications in `region`."""
    if service.department is Department.HUMAN_RESOURCES:
        return make_actor(Role.HR_OFFICER, actor_id="hr-1", region=region)
    return make_actor(Role.WINDOW_CLERK, actor_id="clerk-1", region=region)


def rules_for(
    service: Service, region: RegionCode = TOWNSHIP, policy: Policy | None = None
) -> CaseRules:
    return CaseRules.for_case(policy or default_policy(), service, region)


def make_case(
    case_id: str = "case-0001",
    *,
    service: Service = Service.DIBAO,
    person: ResidentId | None = None,
    name: str = "张三",
    region: RegionCode = TOWNSHIP,
    at: datetime = T0,
    actor: Actor | None = None,
    materials: frozenset[str] = frozenset(),
    scenario_id: str | None = None,
) -> Case:
    """A case just received at a window, through the domain's own `open_case`."""
    return open_case(
        case_id=case_id,
        service=service,
        applicant=Applicant(person or resident_id(), name),
        region=region,
        channel=Channel.WINDOW,
        step=Step(actor=actor or receiver_for(service, region), at=at, materials=materials),
        rules=rules_for(service, region),
        scenario_id=scenario_id,
    )


def make_scenario(
    scenario_id: str = "scenario-0001",
    *,
    dibao_case_id: str = "case-0001",
    person: ResidentId | None = None,
    at: datetime = T0,
    history_clear: bool = False,
) -> Scenario:
    """A started joint scenario; with `history_clear`, running its parallel branches."""
    scenario = Scenario(
        id=scenario_id,
        dibao_case_id=dibao_case_id,
        applicant=Applicant(person or resident_id(), "张三"),
        region=TOWNSHIP,
        started_at=at,
    )
    start(scenario)
    if history_clear:
        react(scenario, "history_clear", at=at, age_rule=AgeRule())
    return scenario
