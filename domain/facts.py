"""What other departments' registries answer, as the domain reads it (read-only facts).

The social-assistance data platform (山东社会救助数字平台) gives a person's history and
the household economic check report (家庭经济状况核对报告); the unemployment registry
and the disability register give one status each. A registry that fails raises a port
error: no fact here ever stands for "the registry did not answer".
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from attrs import frozen

from domain.money import Money
from domain.services import Service


class RecordStatus(StrEnum):
    RECEIVING = "receiving"  # 正在享受
    PENDING = "pending"  # 正在申请（办理中）
    ENDED = "ended"  # 已停止享受
    REFUSED = "refused"  # 未通过

    @property
    def label(self) -> str:
        return {
            "receiving": "正在享受",
            "pending": "正在申请",
            "ended": "已停止",
            "refused": "未通过",
        }[self.value]


@frozen
class AssistanceRecord:
    """One entry of a person's assistance history on the platform."""

    service: Service
    status: RecordStatus
    since: date
    reference: str = ""


# R6: an applicant who receives, or is applying for, either of these is not accepted.
EXCLUSIVE_SERVICES = frozenset({Service.DIBAO, Service.TEKUN})


@frozen
class AssistanceHistory:
    """A person's assistance records, as the platform answered on a given day."""

    records: tuple[AssistanceRecord, ...] = ()

    def blocking_records(self) -> tuple[AssistanceRecord, ...]:
        """The records that keep a new dibao application from being accepted (R6)."""
        live = {RecordStatus.RECEIVING, RecordStatus.PENDING}
        return tuple(
            r for r in self.records if r.service in EXCLUSIVE_SERVICES and r.status in live
        )


@frozen
class CheckWarning:
    """A warning (预警) on a household economic check report: data, never a refusal (R12)."""

    code: str
    text: str
    source: str  # the registering authority, e.g. 不动产登记机构


@frozen
class HouseholdCheckReport:
    """The household economic check report (家庭经济状况核对报告)."""

    reference: str
    issued_on: date
    warnings: tuple[CheckWarning, ...] = ()

    @property
    def has_warnings(self) -> bool:
        return bool(self.warnings)


@frozen
class UnemploymentStatus:
    """Whether the unemployment registry holds a current registration (失业登记)."""

    registered: bool
    registered_on: date | None = None


@frozen
class DisabilityStatus:
    """What the disability register says about a person."""

    receives_severe_nursing_subsidy: bool  # 重度残疾人护理补贴
    grade: int | None = None  # 残疾等级 1 (most severe) to 4
    category: str | None = None  # 残疾类别, e.g. 肢体, 智力
    severe_nursing_monthly: Money | None = None  # its monthly amount, where the register says


@frozen
class CapabilityAssessment:
    """An elderly capability assessment (老年人能力评估, MZ/T 039-2013: level 0 to 3)."""

    level: int
    assessed_on: date
    assessors: tuple[str, ...] = ()
    standard: str = "MZ/T 039-2013"

    @property
    def label(self) -> str:
        return {0: "能力完好", 1: "轻度失能", 2: "中度失能", 3: "重度失能"}.get(self.level, "未知")
