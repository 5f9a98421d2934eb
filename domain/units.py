"""Units (单位): the offices that hold a record, between which a record can move (R10).

A unit is a department's office in a region: the civil-affairs office of a township, the
county's human-resources bureau. A hand-over between two officers of one unit is a
transfer, not a move between units; a move between units is what a supervisor watches
for bouncing (推诿, `domain.supervision.bounce_of`).
"""

from __future__ import annotations

from attrs import frozen

from domain.actors import Actor, Role
from domain.errors import InvalidValue
from domain.regions import RegionCode
from domain.services import Department


@frozen(order=True)
class Unit:
    """One department's office in one region."""

    region: RegionCode
    department: Department

    @property
    def code(self) -> str:
        """A stable code, such as `370102001/civil_affairs`."""
        return f"{self.region.code}/{self.department.value}"

    @property
    def label(self) -> str:
        return f"{self.region.code} {self.department.label}"

    def __str__(self) -> str:
        return self.code

    @classmethod
    def parse(cls, text: str) -> Unit:
        """From its code, `370102/human_resources`; refused naming the field."""
        region, _, department = text.strip().partition("/")
        try:
            return cls(RegionCode(region), Department(department))
        except (ValueError, InvalidValue):
            message = "单位代码须为“区划代码/部门”"
            raise InvalidValue("to_unit", message, code="invalid_unit") from None


def unit_of(actor: Actor) -> Unit:
    """The unit an officer works in: the HR officer's is human resources, everyone
    else's civil affairs (Actor carries no department of its own), in their region."""
    department = (
        Department.HUMAN_RESOURCES if Role.HR_OFFICER in actor.roles else Department.CIVIL_AFFAIRS
    )
    return Unit(actor.region, department)
