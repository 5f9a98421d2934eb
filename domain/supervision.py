"""What consultations, complaints and reports share: first-inquiry responsibility (R10)
and the record of what was done to them (R15).

Whoever first receives a person stays on the record as the first responder until the
record is closed; a hand-over names the receiving officer, the receiving unit or both,
and the reason. A record that keeps moving between units is *bounced* (推诿): it has
moved between units more than the policy's number of times, or has come back to a unit
it had left (`bounce_of`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from attrs import Factory, frozen

from domain.actors import Actor
from domain.cases import Transfer
from domain.errors import InvalidValue
from domain.policy import BounceRule
from domain.regions import RegionCode
from domain.units import Unit


@frozen
class RecordEvent:
    """A step on a complaint, report or spot check: who, when, from, to, rule and why."""

    record_id: str
    seq: int
    event: str
    actor_id: str
    actor_roles: tuple[str, ...]
    at: datetime
    from_state: str
    to_state: str
    rule: str
    reason: str
    note: str = ""
    facts: Mapping[str, str] = Factory(dict)


class HeldRecord(Protocol):
    """A record with a first responder, a holder and the transfers between them."""

    id: str
    first_responder: str
    responsible: str
    region: RegionCode
    unit: Unit | None
    transfers: list[Transfer]


def hand_over(
    record: HeldRecord,
    *,
    to_officer: str,
    to_unit: Unit | None,
    reason: str,
    at: datetime,
) -> Transfer:
    """Move responsibility for `record` (R10); the first responder stays as it was.

    A transfer to another unit also moves the record into that unit's region (its
    jurisdiction); a transfer to an officer alone keeps the unit. Refused, naming the
    field and changing nothing: no receiver, no reason, or the holder itself.
    """
    check_hand_over(record, to_officer=to_officer, to_unit=to_unit, reason=reason)
    officer = to_officer.strip()
    transfer = Transfer(at, record.responsible, officer, reason.strip(), record.unit, to_unit)
    record.transfers.append(transfer)
    record.responsible = officer
    if to_unit is not None:
        record.unit = to_unit
        record.region = to_unit.region
    return transfer


def check_hand_over(
    record: HeldRecord, *, to_officer: str, to_unit: Unit | None, reason: str
) -> None:
    """Raise InvalidValue, naming the field, for a hand-over `hand_over` would refuse."""
    officer = to_officer.strip()
    if not officer and to_unit is None:
        raise InvalidValue("to_officer", "须写明接收人员或接收单位", rule="R10")
    if not reason.strip():
        raise InvalidValue("reason", "转交须写明理由", rule="R10")
    same_unit = to_unit is None or to_unit == record.unit
    if same_unit and officer in ("", record.responsible):
        raise InvalidValue("to_officer", "须写明另一名接收人员或单位", rule="R10")


@frozen
class Bounce:
    """How a record moved between units: the path, and why it counts as bounced."""

    path: tuple[Unit, ...]  # the first unit, then each unit it moved to
    moves: int
    returned: bool  # it came back to a unit it had left
    too_many_moves: bool


def unit_path(first_unit: Unit | None, transfers: Sequence[Transfer]) -> tuple[Unit, ...]:
    """The units a record was held by, in order, each change of unit once."""
    path: list[Unit] = [first_unit] if first_unit is not None else []
    for transfer in transfers:
        if transfer.to_unit is not None and (not path or transfer.to_unit != path[-1]):
            path.append(transfer.to_unit)
    return tuple(path)


def first_unit_of(record: HeldRecord) -> Unit | None:
    """The unit that first received the record."""
    for transfer in record.transfers:
        if transfer.from_unit is not None:
            return transfer.from_unit
    return record.unit


def unit_moves(record: HeldRecord) -> int:
    """How many times the record moved from one unit to another."""
    return max(len(unit_path(first_unit_of(record), record.transfers)) - 1, 0)


def bounce_of(record: HeldRecord, rule: BounceRule) -> Bounce | None:
    """The record's moves between units if they make it bounced (R10), else None."""
    path = unit_path(first_unit_of(record), record.transfers)
    moves = max(len(path) - 1, 0)
    returned = len(set(path)) < len(path)
    too_many = moves > rule.max_unit_moves
    if not (returned or too_many):
        return None
    return Bounce(path, moves, returned, too_many)


def actor_roles(actor: Actor) -> tuple[str, ...]:
    return tuple(sorted(actor.roles))
