"""What a service's own procedure needs to know about one application (R1).

The shared lifecycle knows materials, reports and assessments; these are the facts each
regulation adds: the kind and cause of a temporary-assistance request, the household
figures of a dibao investigation, a training claim. They are data given by the applicant
or found by the township, kept on the case, and read by its guards and computations.
"""

from __future__ import annotations

from enum import StrEnum

from attrs import Attribute, field, frozen

from domain.errors import InvalidValue
from domain.money import Money
from domain.services import Service


class TemporaryKind(StrEnum):
    """The two kinds of temporary assistance (鲁民〔2018〕85号)."""

    EMERGENCY = "emergency"  # 急难型: help first, paperwork afterwards
    SPENDING = "spending"  # 支出型: the normal path

    @property
    def label(self) -> str:
        return "急难型" if self is TemporaryKind.EMERGENCY else "支出型"


def _positive(_instance: object, attribute: Attribute[Money], value: Money) -> None:
    if value.fen <= 0:
        raise InvalidValue(attribute.name, "金额须大于零", code="amount_not_positive")


def _code(_instance: object, attribute: Attribute[str], value: str) -> None:
    if not value.strip():
        raise InvalidValue(attribute.name, "不能为空", code="required")


@frozen
class TemporaryRequest:
    """A temporary-assistance request: its kind, its cause (a stable code) and amount."""

    kind: TemporaryKind
    cause: str = field(validator=_code)  # e.g. fire, traffic_accident, serious_illness
    amount: Money = field(validator=_positive)
    description: str = ""


Particulars = TemporaryRequest

# Which particulars each service takes; a service not listed takes none.
_PARTICULARS_OF: dict[type, frozenset[Service]] = {
    TemporaryRequest: frozenset({Service.TEMPORARY}),
}


def check_particulars(service: Service, particulars: Particulars | None) -> None:
    """Refuse particulars that belong to another service (names the field)."""
    if particulars is None:
        return
    if service not in _PARTICULARS_OF.get(type(particulars), frozenset()):
        raise InvalidValue(
            "particulars", f"所填事项信息不适用于{service.label}", code="particulars_mismatch"
        )
