"""The ten services of the scenario and the vocabulary shared by every case (RULES.md)."""

from __future__ import annotations

from enum import StrEnum


class Department(StrEnum):
    CIVIL_AFFAIRS = "civil_affairs"  # 民政
    HUMAN_RESOURCES = "human_resources"  # 人力资源社会保障

    @property
    def label(self) -> str:
        return _DEPARTMENT_LABELS[self]


_DEPARTMENT_LABELS = {
    Department.CIVIL_AFFAIRS: "民政部门",
    Department.HUMAN_RESOURCES: "人力资源社会保障部门",
}


class Service(StrEnum):
    """A service code of RULES.md, section 一."""

    DIBAO = "dibao"
    TEKUN = "tekun"
    TEMPORARY = "temporary"
    ELDERLY_LIVING = "elderly_living"
    ELDERLY_NURSING = "elderly_nursing"
    UNEMPLOYMENT_REGISTRATION = "unemployment_registration"
    EMPLOYMENT_DIFFICULTY = "employment_difficulty"
    FLEXIBLE_INSURANCE_SUBSIDY = "flexible_insurance_subsidy"
    TRAINING_SUBSIDY = "training_subsidy"
    SKILL_APPRAISAL_SUBSIDY = "skill_appraisal_subsidy"

    @property
    def label(self) -> str:
        """The Chinese name staff and applicants read."""
        return _SERVICE_LABELS[self][0]

    @property
    def department(self) -> Department:
        return _SERVICE_LABELS[self][1]


_CA = Department.CIVIL_AFFAIRS
_HR = Department.HUMAN_RESOURCES
_SERVICE_LABELS: dict[Service, tuple[str, Department]] = {
    Service.DIBAO: ("最低生活保障", _CA),
    Service.TEKUN: ("特困人员救助供养", _CA),
    Service.TEMPORARY: ("临时救助", _CA),
    Service.ELDERLY_LIVING: ("经济困难老年人生活补贴", _CA),
    Service.ELDERLY_NURSING: ("经济困难老年人护理补贴", _CA),
    Service.UNEMPLOYMENT_REGISTRATION: ("失业人员登记", _HR),
    Service.EMPLOYMENT_DIFFICULTY: ("就业困难人员认定", _HR),
    Service.FLEXIBLE_INSURANCE_SUBSIDY: ("灵活就业人员申领社会保险补贴", _HR),
    Service.TRAINING_SUBSIDY: ("个人申领职业培训补贴", _HR),
    Service.SKILL_APPRAISAL_SUBSIDY: ("个人申领职业技能鉴定补贴", _HR),
}


class Outcome(StrEnum):
    """How a closed case ended; every closed case has exactly one."""

    ENDED = "ended"  # 待遇终止: closed after its benefit
    REJECTED = "rejected"  # 不予批准
    NOT_ACCEPTED = "not_accepted"  # 不予受理
    WITHDRAWN = "withdrawn"  # 申请人撤回
    BRANCH_ENDED = "branch_ended"  # 联办分支结束

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.ENDED: "办结",
    Outcome.REJECTED: "不予批准",
    Outcome.NOT_ACCEPTED: "不予受理",
    Outcome.WITHDRAWN: "撤回申请",
    Outcome.BRANCH_ENDED: "联办分支结束",
}


class Channel(StrEnum):
    """Where a person was first received (R5, R10)."""

    WINDOW = "window"  # 服务窗口
    PHONE = "phone"  # 来电
    ONLINE_PORTAL = "online_portal"  # 政务服务一网通办
    APP = "app"  # 爱山东 APP
    LETTER = "letter"  # 来信
    SYSTEM = "system"  # opened by the joint scenario itself

    @property
    def label(self) -> str:
        return _CHANNEL_LABELS[self]


_CHANNEL_LABELS = {
    Channel.WINDOW: "服务窗口",
    Channel.PHONE: "来电",
    Channel.ONLINE_PORTAL: "政务服务一网通办",
    Channel.APP: "爱山东APP",
    Channel.LETTER: "来信",
    Channel.SYSTEM: "联办自动发起",
}
