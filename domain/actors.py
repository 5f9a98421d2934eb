"""Who acts on a case: staff with roles and a jurisdiction, or the system itself."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from attrs import field, frozen

from domain.regions import RegionCode, RegionLevel


class Role(StrEnum):
    WINDOW_CLERK = "window_clerk"  # 受理
    REVIEWER = "reviewer"  # 审核
    APPROVER = "approver"  # 确认
    HR_OFFICER = "hr_officer"  # 人社经办
    ASSESSOR = "assessor"  # 评估
    SUPERVISOR = "supervisor"  # 督查
    AUDITOR = "auditor"  # 审计
    ADMINISTRATOR = "administrator"  # 系统管理员
    SYSTEM = "system"  # automatic steps of the joint scenario (系统自动)

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.WINDOW_CLERK: "受理",
    Role.REVIEWER: "审核",
    Role.APPROVER: "确认",
    Role.HR_OFFICER: "人社经办",
    Role.ASSESSOR: "评估",
    Role.SUPERVISOR: "督查",
    Role.AUDITOR: "审计",
    Role.ADMINISTRATOR: "系统管理员",
    Role.SYSTEM: "系统",
}


def _roles(values: Iterable[Role]) -> frozenset[Role]:
    return frozenset(Role(v) for v in values)


@frozen
class Actor:
    """A staff member (or the system) acting within a region."""

    id: str
    name: str
    roles: frozenset[Role] = field(converter=_roles)
    region: RegionCode

    @property
    def level(self) -> RegionLevel:
        return self.region.level

    def has(self, role: Role) -> bool:
        return role in self.roles

    def covers(self, region: RegionCode) -> bool:
        """True when `region` lies in this actor's jurisdiction."""
        return region.is_within(self.region)


def system_actor(region: RegionCode) -> Actor:
    """The actor of automatic steps (R7: the living subsidy is granted by the system)."""
    return Actor(id="system", name="系统", roles=[Role.SYSTEM], region=region)
