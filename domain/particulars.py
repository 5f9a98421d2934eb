"""What a service's own procedure needs to know about one application (R1).

The shared lifecycle knows materials, reports and assessments; these are the facts each
regulation adds: the kind and cause of a temporary-assistance request, the household
figures of a dibao investigation (`DibaoHousehold`), a training claim. They are data given
by the applicant at intake or found by the township on a later step, kept on the case,
and read by its guards, its proposal and its benefit computation.
"""

from __future__ import annotations

from enum import StrEnum

from attrs import Attribute, field, frozen

from domain.benefits import DibaoHousehold, SelfCareItems
from domain.eligibility import TrainingGroup
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


@frozen
class TekunCircumstances:
    """What the township finds on a tekun application besides the inability to work:
    no means of living, no supporter able to support; the six self-care items fix the
    care level at confirmation (None: not yet assessed)."""

    no_means_of_living: bool | None = None
    no_able_supporter: bool | None = None
    self_care: SelfCareItems | None = None


@frozen
class RegistrationDeclaration:
    """An unemployment registration's declaration: whether a pension is received."""

    receives_pension: bool | None = None


@frozen
class DifficultyDeclaration:
    """The categories of employment difficulty an applicant declares with material
    (zero-employment household, single parent, landless ...), by category code."""

    declared: frozenset[str] = frozenset()


@frozen
class InsuranceClaim:
    """A claim for the flexible-employment social-insurance subsidy.

    `retirement_category` is "male", "female_cadre" or "female_worker": a woman's
    statutory retirement age depends on it, and the ID number does not say it.
    """

    contributions_paid: Money = field(validator=_positive)
    retirement_category: str = field(validator=_code)


@frozen
class TrainingClaim:
    """A vocational-training subsidy claim: the group, and the occupation and level."""

    group: TrainingGroup | None
    occupation: str = field(validator=_code)
    level: str = field(validator=_code)


@frozen
class AppraisalClaim:
    """A skill-appraisal subsidy claim: the group and whether the certificate is a first."""

    group: TrainingGroup | None
    occupation: str = field(validator=_code)
    level: str = field(validator=_code)
    first_certificate: bool | None = None


Particulars = (
    TemporaryRequest
    | DibaoHousehold
    | TekunCircumstances
    | RegistrationDeclaration
    | DifficultyDeclaration
    | InsuranceClaim
    | TrainingClaim
    | AppraisalClaim
)

# Which particulars each service takes; a service not listed takes none.
_PARTICULARS_OF: dict[type, frozenset[Service]] = {
    TemporaryRequest: frozenset({Service.TEMPORARY}),
    DibaoHousehold: frozenset({Service.DIBAO}),
    TekunCircumstances: frozenset({Service.TEKUN}),
    RegistrationDeclaration: frozenset({Service.UNEMPLOYMENT_REGISTRATION}),
    DifficultyDeclaration: frozenset({Service.EMPLOYMENT_DIFFICULTY}),
    InsuranceClaim: frozenset({Service.FLEXIBLE_INSURANCE_SUBSIDY}),
    TrainingClaim: frozenset({Service.TRAINING_SUBSIDY}),
    AppraisalClaim: frozenset({Service.SKILL_APPRAISAL_SUBSIDY}),
}


def check_particulars(service: Service, particulars: Particulars | None) -> None:
    """Refuse particulars that belong to another service (names the field)."""
    if particulars is None:
        return
    if service not in _PARTICULARS_OF.get(type(particulars), frozenset()):
        raise InvalidValue(
            "particulars", f"所填事项信息不适用于{service.label}", code="particulars_mismatch"
        )
