"""Staff accounts (工作人员账号) and how their passwords are checked.

An account carries what an `Actor` needs (roles and a jurisdiction) and what a login
needs (the password's hash, the failed attempts counted towards a lockout). The hash is
made and checked by a `PasswordHasher`; the account never holds a password.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from attrs import define, field

from domain.actors import Actor, Role
from domain.regions import RegionCode


def _roles(values: Iterable[Role | str]) -> frozenset[Role]:
    return frozenset(Role(v) for v in values)


@define
class StaffAccount:
    """One member of staff: login name, roles, jurisdiction and the login's state."""

    id: str  # the login name, also the actor id on every case event
    name: str
    roles: frozenset[Role] = field(converter=_roles)
    region: RegionCode
    password_hash: str = field(repr=False)
    active: bool = True
    failed_logins: int = 0  # failed attempts in a row since the last success
    locked_until: datetime | None = None
    version: int = 0

    def actor(self) -> Actor:
        return Actor(self.id, self.name, self.roles, self.region)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


class StaffRepository(Protocol):
    def add(self, account: StaffAccount) -> None:
        """Stage a new account; a login name already stored fails the commit
        (ConcurrencyConflict, expected version 0)."""
        ...

    def get(self, staff_id: str) -> StaffAccount:
        """A copy of the stored account; raises NotFound."""
        ...

    def save(self, account: StaffAccount) -> None:
        """Stage the changes of an account loaded in this unit of work."""
        ...

    def within(self, region: RegionCode) -> list[StaffAccount]:
        """The active accounts of `region` and the regions inside it, by login name."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str:
        """A salted, slow hash of `password`, with its parameters encoded in it."""
        ...

    def verify(self, password_hash: str, password: str) -> bool:
        """True when `password` matches; False (never an exception) when it does not."""
        ...
