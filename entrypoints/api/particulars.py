"""What a service's own procedure needs (R1), on the wire: one tagged object per kind.

`type` names the kind; each maps to one `domain.particulars` class, whose own checks
refuse a wrong value naming the field (`particulars.members`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from domain.benefits import DibaoHousehold, SelfCareItems
from domain.eligibility import TrainingGroup
from domain.errors import InvalidValue
from domain.money import Money
from domain.particulars import (
    AppraisalClaim,
    DifficultyDeclaration,
    InsuranceClaim,
    Particulars,
    RegistrationDeclaration,
    TekunCircumstances,
    TemporaryKind,
    TemporaryRequest,
    TrainingClaim,
)
from entrypoints.api.wire import Code, Fen, ShortText, prefixed

Count = Annotated[int, Meta(ge=0, le=100)]


class DibaoHouseholdIn(Struct, kw_only=True, tag="dibao_household", tag_field="type"):
    """低保家庭情况：共同生活人数、保障人数、家庭月收入（分）。"""

    members: Count
    covered: Count
    monthly_income_fen: Fen


class TemporaryRequestIn(Struct, kw_only=True, tag="temporary_request", tag_field="type"):
    """临时救助申请：急难型或支出型、事由代码、申请金额（分）。"""

    temporary_kind: Literal["emergency", "spending"]
    cause: Code
    amount_fen: Fen
    description: ShortText = ""


class SelfCareIn(Struct, kw_only=True):
    eating: bool
    dressing: bool
    getting_out_of_bed: bool
    toilet: bool
    walking_indoors: bool
    bathing: bool


class TekunCircumstancesIn(Struct, kw_only=True, tag="tekun_circumstances", tag_field="type"):
    no_means_of_living: bool | None = None
    no_able_supporter: bool | None = None
    self_care: SelfCareIn | None = None


class RegistrationDeclarationIn(
    Struct, kw_only=True, tag="registration_declaration", tag_field="type"
):
    receives_pension: bool | None = None


class DifficultyDeclarationIn(
    Struct, kw_only=True, tag="difficulty_declaration", tag_field="type"
):
    declared: Annotated[list[Code], Meta(max_length=20)] = []


class InsuranceClaimIn(Struct, kw_only=True, tag="insurance_claim", tag_field="type"):
    contributions_paid_fen: Fen
    retirement_category: Literal["male", "female_cadre", "female_worker"]


class TrainingClaimIn(Struct, kw_only=True, tag="training_claim", tag_field="type"):
    group: TrainingGroup | None = None
    occupation: Code
    level: Code


class AppraisalClaimIn(Struct, kw_only=True, tag="appraisal_claim", tag_field="type"):
    group: TrainingGroup | None = None
    occupation: Code
    level: Code
    first_certificate: bool | None = None


ParticularsIn = (
    DibaoHouseholdIn
    | TemporaryRequestIn
    | TekunCircumstancesIn
    | RegistrationDeclarationIn
    | DifficultyDeclarationIn
    | InsuranceClaimIn
    | TrainingClaimIn
    | AppraisalClaimIn
)


def to_particulars(given: ParticularsIn | None) -> Particulars | None:
    """The domain's particulars; a refusal names its field under `particulars`."""
    if given is None:
        return None
    try:
        return _convert(given)
    except InvalidValue as error:
        raise prefixed("particulars", error) from None


def _convert(given: ParticularsIn) -> Particulars:
    match given:
        case DibaoHouseholdIn():
            return DibaoHousehold(given.members, given.covered, Money(given.monthly_income_fen))
        case TemporaryRequestIn():
            return TemporaryRequest(
                TemporaryKind(given.temporary_kind),
                given.cause,
                Money(given.amount_fen),
                given.description,
            )
        case TekunCircumstancesIn():
            care = given.self_care
            items = None
            if care is not None:
                items = SelfCareItems(
                    care.eating,
                    care.dressing,
                    care.getting_out_of_bed,
                    care.toilet,
                    care.walking_indoors,
                    care.bathing,
                )
            return TekunCircumstances(given.no_means_of_living, given.no_able_supporter, items)
        case RegistrationDeclarationIn():
            return RegistrationDeclaration(given.receives_pension)
        case DifficultyDeclarationIn():
            return DifficultyDeclaration(frozenset(given.declared))
        case InsuranceClaimIn():
            return InsuranceClaim(Money(given.contributions_paid_fen), given.retirement_category)
        case TrainingClaimIn():
            return TrainingClaim(given.group, given.occupation, given.level)
        case AppraisalClaimIn():
            return AppraisalClaim(
                given.group, given.occupation, given.level, given.first_certificate
            )
